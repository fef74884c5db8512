"""Reposts: near-duplicate fingerprints of articles, their band keys and the clusters of copies (pure: no I/O)."""
