"""From an archived HTTP response to rows, one way for the live crawl, `baotinh index` and recovery: the value,
the one function (derive), the worker pool, the sink, indexing and recovery."""
