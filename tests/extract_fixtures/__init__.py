"""Fixtures for the extraction tests: page builders (see pages.py)."""
