# scrapyd-deploy builds the egg it uploads to Scrapyd with `python setup.py bdist_egg`, and writes a setup.py of
# its own where there is none (named "project", every package found, tests included). This one only defers to
# pyproject.toml: the same packages, package data (sites.toml, the SQL) and the Scrapy settings entry point.
from setuptools import setup

setup()
