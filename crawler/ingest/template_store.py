"""TemplateStore: the site templates of a data directory, as plain files beside the WARC files.

    templates/SLUG/DIGEST.json   one learned set (SiteTemplates.to_json()), named by its digest: never rewritten
    templates/SLUG/current.json  the set new rows of the site are made with, and what it was learned from

Files, not a table: the crawl must read them while a researcher's shell holds the database (which then cannot
be opened at all), and a Spark task re-indexing a WARC file needs only the file and this folder. A set is
immutable and named by its digest, which `articles.extractor` records (`… templates/DIGEST`), so a row always
says which set made it; a set stays on disk while a row, a WARC file or `current.json` names it.

Which set a WARC file's records are derived with is written in the archive itself: every file's warcinfo
record carries `baotinh-templates: SLUG/DIGEST …`, the sets the crawl that wrote it applied
(crawler.extensions.templates). `baotinh index` derives a file with those sets again (the crawl's rows, row for
row); `index --rebuild` uses each site's current set instead, and says so. Pure file I/O: no Scrapy, no DuckDB.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path

from crawler.run.state import write_text_atomic
from pipelines.extraction.templates import SiteTemplates

logger = logging.getLogger(__name__)

TEMPLATES_DIR = "templates"
CURRENT_FILE = "current.json"
WARCINFO_FIELD = "baotinh-templates"  # in every WARC file's warcinfo record: the sets its crawl applied
DIGEST_RE = re.compile(r"^[0-9a-f]{12}$")
EXTRACTOR_RE = re.compile(r"\btemplates/([0-9a-f]{12})\b")


class TemplatesMissing(LookupError):
    """A set named by a WARC file or asked for by digest is not in the templates folder."""


@dataclass(frozen=True)
class Learned:
    """A site's `current.json`: the set in use (None when no line recurs) and what it was learned from."""

    digest: str | None
    articles: int  # the site's articles (latest_articles) when it was learned: relearning waits for growth
    sample: int  # articles re-extracted to learn it
    extractor: str  # the extractor version they were re-extracted with
    learned_at: str  # ISO 8601


def warcinfo_value(sets: Mapping[str, SiteTemplates]) -> str:
    """`baophutho/1a2b3c4d5e6f contentfarm/…`: the sets a crawl applies, for the warcinfo record."""
    return " ".join(f"{slug}/{t.digest}" for slug, t in sorted(sets.items()) if t.lines)


def parse_warcinfo_value(value: str | None) -> dict[str, str]:
    """slug -> digest from a warcinfo `baotinh-templates` value (a file without it: no site had a set)."""
    found = {}
    for item in (value or "").split():
        slug, _, digest = item.rpartition("/")
        if slug and DIGEST_RE.match(digest):
            found[slug] = digest
    return found


def digest_of_extractor(extractor: str | None) -> str | None:
    """The set an `articles.extractor` value names, if any."""
    match = EXTRACTOR_RE.search(extractor or "")
    return match[1] if match else None


class TemplateStore:
    """>>> store = TemplateStore(Path("data"))                            # doctest: +SKIP
    >>> store.current_set("baophutho").lines                              # doctest: +SKIP
    frozenset({'mời bạn đọc tải ứng dụng báo phú thọ để đọc tin nhanh.'})
    """

    def __init__(self, data_dir: Path) -> None:
        self.root = Path(data_dir) / TEMPLATES_DIR

    def folder(self, slug: str) -> Path:
        return self.root / slug

    def current(self, slug: str) -> Learned | None:
        path = self.folder(slug) / CURRENT_FILE
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return Learned(data.get("digest"), int(data["articles"]), int(data.get("sample", 0)),
                           str(data.get("extractor", "")), str(data.get("learned_at", "")))
        except FileNotFoundError:
            return None
        except (ValueError, KeyError, TypeError) as e:
            logger.warning("%s is unreadable (%s); the site's templates are learned again", path, e)
            return None

    def load(self, slug: str, digest: str) -> SiteTemplates:
        path = self.folder(slug) / f"{digest}.json"
        try:
            templates = SiteTemplates.from_json(path.read_text(encoding="utf-8"))
        except FileNotFoundError as e:
            raise TemplatesMissing(f"site templates {slug}/{digest} are not in {self.root}") from e
        except ValueError as e:
            raise TemplatesMissing(f"{path}: {e}") from e
        if templates.digest != digest:
            raise TemplatesMissing(f"{path} holds other lines than its name says (digest {templates.digest})")
        return templates

    def current_set(self, slug: str) -> SiteTemplates | None:
        """The set the site's new rows are made with, or None (none learned, none recurring, or missing)."""
        learned = self.current(slug)
        if learned is None or learned.digest is None:
            return None
        try:
            return self.load(slug, learned.digest)
        except TemplatesMissing as e:
            logger.warning("%s; the site's rows are made without templates until they are learned again", e)
            return None

    def current_sets(self, slugs: Iterable[str]) -> dict[str, SiteTemplates]:
        return {slug: t for slug in slugs if (t := self.current_set(slug)) is not None}

    def save(self, slug: str, templates: SiteTemplates, learned: Learned) -> None:
        """Keep a learned set (its file is written once) and make it the site's current one."""
        folder = self.folder(slug)
        folder.mkdir(parents=True, exist_ok=True)
        if templates.lines:
            path = folder / f"{templates.digest}.json"
            if not path.exists():
                _write_atomic(path, templates.to_json())
        _write_atomic(folder / CURRENT_FILE, json.dumps(asdict(learned), ensure_ascii=False, indent=1))

    def prune(self, named: Iterable[tuple[str, str]]) -> list[str]:
        """Delete the sets that neither `named` (slug, digest) pairs nor a `current.json` name; returns them."""
        keep = set(named)
        removed = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()) if self.root.is_dir() else []:
            learned = self.current(folder.name)
            for path in sorted(folder.glob("*.json")):
                digest = path.stem
                if (not DIGEST_RE.match(digest) or (folder.name, digest) in keep
                        or (learned is not None and learned.digest == digest)):
                    continue
                path.unlink()
                removed.append(f"{folder.name}/{digest}")
        return removed


def _write_atomic(path: Path, text: str) -> None:
    write_text_atomic(path, text + "\n")


@dataclass(frozen=True)
class TemplatePlan:
    """Which set each site's records are derived with in an index run: the sets each WARC file's warcinfo
    names (the crawl's own), or with `current` (`--rebuild`) each site's current set for every file."""

    sets: dict[tuple[str, str], SiteTemplates]  # (slug, digest) -> set: every set the run may apply
    current: dict[str, str] | None = None  # slug -> digest, for every file

    def for_file(self, fields: Mapping[str, str]) -> dict[str, str]:
        """slug -> digest for the records of a file whose warcinfo holds `fields`."""
        if self.current is not None:
            return self.current
        named = parse_warcinfo_value(fields.get(WARCINFO_FIELD))
        return {slug: digest for slug, digest in named.items() if (slug, digest) in self.sets}

    def describe(self) -> str:
        """`templates: baophutho 1a2b3c4d5e6f (2 lines), …` for the sets a rebuild applies."""
        if self.current is None:
            return "templates: each WARC file's records with the sets its crawl applied"
        if not self.current:
            return "templates: none (no site has learned any yet)"
        parts = [f"{slug} {digest} ({len(self.sets[(slug, digest)].lines)} lines)"
                 for slug, digest in sorted(self.current.items())]
        return "templates: the current sets: " + ", ".join(parts)


def plan_templates(store: TemplateStore, warcinfos: Iterable[Mapping[str, str]], rebuild: bool) -> TemplatePlan:
    """The sets an index run applies: every site's current set with `rebuild`, else those the files name."""
    if rebuild:
        slugs = sorted(p.name for p in store.root.iterdir() if p.is_dir()) if store.root.is_dir() else []
        current = store.current_sets(slugs)
        return TemplatePlan({(slug, t.digest): t for slug, t in current.items()},
                            {slug: t.digest for slug, t in current.items()})
    sets: dict[tuple[str, str], SiteTemplates] = {}
    wanted = {pair for fields in warcinfos for pair in parse_warcinfo_value(fields.get(WARCINFO_FIELD)).items()}
    for slug, digest in sorted(wanted):
        try:
            sets[(slug, digest)] = store.load(slug, digest)
        except TemplatesMissing as e:
            logger.warning("%s; the records of %s that name them are derived without templates", e, slug)
    return TemplatePlan(sets)
