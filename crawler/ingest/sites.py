"""SiteResolver: the site a URL belongs to, decided the same way by the crawl and by `baotinh index`.

The sites first (for the crawl, the sites it crawls; for an index run, the sites the database knows: the
registry entries the crawls used, patterns included), then the registry, then the host as its own site, as
`--start-url` makes it (`127-0-0-1-8001`). A WARC file holds the records of every site of a crawl, so its
warcinfo record cannot name one site per record.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from crawler.registry import RegistryError, Site

UNKNOWN_SITE = Site(slug="unknown", name="unknown", domains=(), start_urls=())


class SiteResolver:
    """The site of a URL: `known` sites, then the registry, then the host as its own site."""

    def __init__(self, known: Iterable[Site], registry: dict[str, Site]) -> None:
        self.sites = [*known, *registry.values()]
        self.adhoc: dict[str, Site] = {}

    def site_for(self, url: str) -> Site:
        site = next((s for s in self.sites if s.owns(url)), None)
        if site is not None:
            return site
        origin = re.match(r"^[a-z][a-z0-9+.-]*://[^/?#]+", url, re.IGNORECASE)
        key = origin[0] if origin else url
        if key not in self.adhoc:
            try:
                self.adhoc[key] = Site.from_start_url(key + "/")
            except RegistryError:  # not http(s): a dns: record of another crawler's WARC file
                self.adhoc[key] = UNKNOWN_SITE
        return self.adhoc[key]
