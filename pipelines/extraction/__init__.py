"""The article in a page: `extract()` (extract.py) and the parts it is made of."""
