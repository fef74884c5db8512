"""The extractor's version, stored on every article row: bump the first part whenever a change can
alter what is extracted from the same page (re-indexing then knows which rows are stale)."""

from __future__ import annotations

import trafilatura

EXTRACTOR_VERSION = f"baotinh-extract/4 trafilatura/{trafilatura.__version__}"
