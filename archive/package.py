"""The researcher's package: a WACZ bundle and a SHA256SUMS file. Knows nothing of the database: the pages
of the WACZ come in as plain dicts.

WACZ 1.1.1 (https://specs.webrecorder.net/wacz/1.1.1/) is a ZIP that ReplayWeb.page and pywb open as is:

    archive/*.warc.gz        the WARC files, stored (not deflated again: they are gzip already)
    indexes/index.cdx        the sorted CDXJ index of archive/
    pages/pages.jsonl        one line per page a reader starts from: url, ts, title, text
    datapackage.json         every file above with its size and sha256 (Frictionless Data package)
    datapackage-digest.json  the sha256 of datapackage.json
"""

from __future__ import annotations

import hashlib
import json
import zipfile
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

WACZ_VERSION = "1.1.1"
CHUNK = 1 << 20
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "Pages"}


def sha256_file(path: Path, progress: Callable[[int], None] | None = None) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            digest.update(chunk)
            if progress:
                progress(len(chunk))
    return digest.hexdigest()


def write_sha256sums(root: Path, files: Iterable[Path], progress: Callable[[int], None] | None = None) -> Path:
    """`root/SHA256SUMS` for `files` (paths under root), in the format `sha256sum -c SHA256SUMS` checks."""
    lines = [f"{sha256_file(f, progress)}  {f.relative_to(root).as_posix()}\n" for f in sorted(files)]
    out = root / "SHA256SUMS"
    out.write_text("".join(lines), encoding="utf-8")
    return out


def pages_jsonl(pages: Iterable[Mapping[str, Any]]) -> bytes:
    """pages.jsonl: a header line, then one JSON object per page (`url` and `ts` required, ISO `ts`)."""
    lines = [json.dumps(PAGES_HEADER)]
    lines += [json.dumps({k: v for k, v in page.items() if v is not None}, ensure_ascii=False) for page in pages]
    return ("\n".join(lines) + "\n").encode("utf-8")


def write_wacz(
    out: Path,
    warcs: Iterable[Path],
    cdxj_lines: Iterable[str],
    pages: Iterable[Mapping[str, Any]],
    title: str,
    description: str = "",
    progress: Callable[[int], None] | None = None,
) -> Path:
    """Bundle `warcs`, their index and `pages` into the WACZ file `out`."""
    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    resources = []
    with zipfile.ZipFile(out, "w", allowZip64=True) as wacz:

        def add(path: str, data: bytes | None = None, source: Path | None = None, stored: bool = False) -> None:
            info = zipfile.ZipInfo(path, datetime.now(UTC).timetuple()[:6])
            info.compress_type = zipfile.ZIP_STORED if stored else zipfile.ZIP_DEFLATED
            digest, size = hashlib.sha256(), 0
            with wacz.open(info, "w", force_zip64=source is not None) as member:
                chunks = iter([data]) if data is not None else _chunks(source)
                for chunk in chunks:
                    member.write(chunk)
                    digest.update(chunk)
                    size += len(chunk)
                    if progress and source is not None:
                        progress(len(chunk))
            # Frictionless resource names: lowercase letters, digits and -._/ only
            name = "".join(c if c.isalnum() or c in "-._" else "-" for c in Path(path).name.lower())
            resources.append({"name": name, "path": path, "hash": "sha256:" + digest.hexdigest(), "bytes": size})

        for warc in warcs:
            add(f"archive/{warc.name}", source=warc, stored=True)
        add("indexes/index.cdx", "".join(line + "\n" for line in cdxj_lines).encode("ascii"))
        add("pages/pages.jsonl", pages_jsonl(pages))
        package = {
            "profile": "data-package",
            "title": title,
            "description": description,
            "created": created,
            "wacz_version": WACZ_VERSION,
            "software": "baotinh",
            "resources": resources,
        }
        package_bytes = json.dumps(package, indent=2, ensure_ascii=False).encode("utf-8")
        wacz.writestr("datapackage.json", package_bytes, zipfile.ZIP_DEFLATED)
        digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package_bytes).hexdigest()}
        wacz.writestr("datapackage-digest.json", json.dumps(digest, indent=2), zipfile.ZIP_DEFLATED)
    return out


def _chunks(path: Path | None) -> Iterable[bytes]:
    assert path is not None
    with open(path, "rb") as fh:
        while chunk := fh.read(CHUNK):
            yield chunk
