"""The site registry: `sites.toml` as data, validated when loaded.

Each `[site.SLUG]` table describes one news site. A mistake in the file stops the program with one line
naming the entry and the field, e.g. `sites.toml: site 'baophutho': field 'article_pattern': bad regex …`.

    [site.baophutho]
    name = "Báo Phú Thọ"
    province = "Phú Thọ"
    domains = ["baophutho.vn"]
    start_urls = ["https://baophutho.vn/"]
    feeds = []                         # optional: RSS/Atom URLs
    sitemaps = []                      # optional: beyond robots.txt and /sitemap.xml
    article_pattern = '-\\d{6,}\\.html?$'   # optional: regex searched in the URL
    kind = "paper"                     # optional: "paper" (default) or "content-farm"
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from urllib.parse import urlsplit

KINDS = ("paper", "content-farm")
SLUG_RE = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
FIELDS = {
    "name": str,
    "province": str,
    "domains": list,
    "start_urls": list,
    "feeds": list,
    "sitemaps": list,
    "article_pattern": str,
    "kind": str,
}
REQUIRED = ("name", "domains", "start_urls")


class RegistryError(ValueError):
    """A sites.toml entry is wrong; the message names the entry and the field."""


@dataclass(frozen=True)
class Site:
    slug: str
    name: str
    domains: tuple[str, ...]
    start_urls: tuple[str, ...]
    province: str | None = None
    feeds: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    article_pattern: re.Pattern[str] | None = None
    kind: str = "paper"

    def owns(self, url: str) -> bool:
        """True when the URL's host is one of the site's domains or a subdomain of one.

        A domain written with a port (`127.0.0.1:8001`, for sites on one loopback address) owns that port only.
        """
        return any(_domain_owns(d, url) for d in self.domains)

    @property
    def hosts(self) -> set[str]:
        """The domains without ports (what Scrapy's OffsiteMiddleware compares)."""
        return {d.partition(":")[0] for d in self.domains}

    def is_article_url(self, url: str) -> bool | None:
        """True/False when the site has an article pattern, None when it leaves the decision to the page."""
        if self.article_pattern is None:
            return None
        return bool(self.article_pattern.search(url))

    @classmethod
    def from_start_url(cls, url: str) -> Site:
        """An ad-hoc site for `--start-url`: its domain is the URL's host (port ignored, as by browsers)."""
        try:
            parts = urlsplit(url)
            port = parts.port  # raises for a port that is no number or out of range
        except ValueError as e:  # 'http://[::1' (an unclosed IPv6 bracket), 'http://x:99999/'
            raise RegistryError(f"--start-url {url!r}: not a valid URL ({e})") from e
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise RegistryError(f"--start-url {url!r}: not an http(s) URL")
        host = parts.hostname.lower()
        slug = re.sub(r"[^a-z0-9]+", "-", host.removeprefix("www.")).strip("-")
        domain = host
        if port:  # another port on the same host is another site (the demo, the tests)
            slug, domain = f"{slug}-{port}", f"{host}:{port}"
        return cls(slug=slug, name=host, domains=(domain,), start_urls=(url,))


def _domain_owns(domain: str, url: str) -> bool:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    name, _, port = domain.partition(":")
    if port and str(parts.port or {"http": 80, "https": 443}.get(parts.scheme, "")) != port:
        return False
    return host == name or host.endswith("." + name)


def default_registry() -> Traversable:
    """The bundled `crawler/sites.toml`: a file, or an entry of the zipped egg Scrapyd runs from."""
    return resources.files("crawler") / "sites.toml"


def load_sites(path: Path | None = None) -> dict[str, Site]:
    """Load and validate a registry file (the bundled `crawler/sites.toml` by default)."""
    path = path or default_registry()  # type: ignore[assignment]  # read_text and name are all it needs
    label = path.name
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as e:
        raise RegistryError(f"{path}: no such registry file") from e
    except IsADirectoryError as e:
        raise RegistryError(f"{path} is a folder: give the registry file, e.g. {path / 'sites.toml'}") from e
    except (OSError, UnicodeDecodeError) as e:
        raise RegistryError(f"{path}: cannot read it: {getattr(e, 'strerror', None) or e}") from e
    except tomllib.TOMLDecodeError as e:
        raise RegistryError(f"{label}: not valid TOML: {e}") from e
    unknown_top = set(data) - {"site"}
    if unknown_top:
        raise RegistryError(f"{label}: unknown table {sorted(unknown_top)[0]!r} (entries go under [site.SLUG])")
    sites: dict[str, Site] = {}
    for slug, entry in data.get("site", {}).items():
        sites[slug] = parse_site(slug, entry, label)
    return sites


def parse_site(slug: str, entry: object, label: str = "sites.toml") -> Site:
    def fail(field_name: str, problem: str) -> RegistryError:
        return RegistryError(f"{label}: site {slug!r}: field {field_name!r}: {problem}")

    if not SLUG_RE.match(slug):
        raise RegistryError(f"{label}: site {slug!r}: slug must be lowercase letters, digits, '-' or '_'")
    if not isinstance(entry, dict):
        raise RegistryError(f"{label}: site {slug!r}: must be a table of fields")
    for key, value in entry.items():
        if key not in FIELDS:
            raise fail(key, f"unknown key (known: {', '.join(FIELDS)})")
        if not isinstance(value, FIELDS[key]):
            raise fail(key, f"must be a {FIELDS[key].__name__}, got {type(value).__name__}")
        if FIELDS[key] is list and not all(isinstance(v, str) and v for v in value):
            raise fail(key, "must be a list of non-empty strings")
    for key in REQUIRED:
        if not entry.get(key):
            raise fail(key, "missing")
    domains = tuple(d.lower().strip(".") for d in entry["domains"])
    for d in domains:
        name, colon, port = d.partition(":")
        if not name or "/" in d or " " in d or (colon and not port.isdigit()):
            raise fail("domains", f"{d!r} is not a host name (no scheme or path; a port as host:port)")
    site_urls = ("start_urls", "feeds", "sitemaps")
    for key in site_urls:
        for url in entry.get(key, []):
            try:
                parts = urlsplit(url)
                parts.port  # noqa: B018 - raises for a bad port
            except ValueError as e:
                raise fail(key, f"{url!r} is not a valid URL ({e})") from e
            if parts.scheme not in ("http", "https") or not parts.hostname:
                raise fail(key, f"{url!r} is not an http(s) URL")
            if key == "start_urls" and not any(_domain_owns(d, url) for d in domains):
                raise fail("domains", f"start URL host {parts.netloc!r} is not among the site's domains")
    pattern = None
    if "article_pattern" in entry:
        try:
            pattern = re.compile(entry["article_pattern"])
        except re.error as e:
            raise fail("article_pattern", f"bad regex: {e}") from e
    kind = entry.get("kind", "paper")
    if kind not in KINDS:
        raise fail("kind", f"{kind!r} is not one of {', '.join(KINDS)}")
    return Site(
        slug=slug,
        name=entry["name"],
        province=entry.get("province"),
        domains=domains,
        start_urls=tuple(entry["start_urls"]),
        feeds=tuple(entry.get("feeds", [])),
        sitemaps=tuple(entry.get("sitemaps", [])),
        article_pattern=pattern,
        kind=kind,
    )
