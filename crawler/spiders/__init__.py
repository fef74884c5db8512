"""Spiders: discovery only (which URLs to fetch, which responses are articles)."""
