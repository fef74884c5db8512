"""From an HTTP response to rows: decoding, analysis, the worker pool, `baotinh index`, recovery."""
