"""SQL shipped with baotinh: schema.sql (executed by the store) and saved queries for the DuckDB shell."""
