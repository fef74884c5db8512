"""Around one crawl run: the lock, the state files, the per-site summary, the runner."""
