"""From HTML to rows: pure extraction functions, thin Scrapy pipelines around them, the DuckDB store."""
