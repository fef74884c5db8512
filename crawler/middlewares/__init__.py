"""Scrapy downloader middlewares: politeness, guards against bad input, incremental checks."""
