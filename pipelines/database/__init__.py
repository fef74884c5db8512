"""The DuckDB side: schema and migrations, the batched store, search, the Parquet export."""
