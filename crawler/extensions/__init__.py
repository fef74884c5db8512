"""Scrapy extensions: the run's rows and its progress line."""
