"""Scrapy extensions: the run's life (lock, recovery, run rows, search refresh), the rows of each archived
record, the progress line."""
