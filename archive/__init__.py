"""Bytes in, bytes out: WARC capture, writing, reading. Knows nothing of articles or DuckDB."""
