"""Regenerate the demo sites' pages: `python -m crawler.demo.build` (from the repository root).

The pages, sitemaps and feed of `crawler/demo/site/baophutho/` and `…/contentfarm/` are generated from
`crawler/demo/site/_src/` (the content as TOML, and the seed text), so the two copies of the seed article
keep its exact words. Edit the sources, run this, commit both. Hand-written files are left alone:
robots.txt, _site.toml, CSS and images. `tests/test_demo_site.py` fails when the committed files differ
from what this script generates.

    python -m crawler.demo.build          # rewrite the generated files
    python -m crawler.demo.build --check  # exit 1 and list the files that are out of date
"""

from __future__ import annotations

import argparse
import sys
import unicodedata

from crawler.demo.farm_pages import Farm
from crawler.demo.pages import SITE_ROOT, Seed
from crawler.demo.paper_pages import Paper


def generate() -> dict[str, str]:
    """Path relative to `crawler/demo/site/` -> text, for every generated file of both sites."""
    seed = Seed.load()
    out: dict[str, str] = {}
    for folder, site in (("baophutho", Paper(seed)), ("contentfarm", Farm(seed))):
        for rel, text in site.files().items():
            out[f"{folder}/{rel}"] = unicodedata.normalize("NFC", text)
    return out


def stale(files: dict[str, str]) -> list[str]:
    """The generated files whose committed copy is missing or different."""
    return [rel for rel, text in sorted(files.items())
            if not (SITE_ROOT / rel).is_file() or (SITE_ROOT / rel).read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m crawler.demo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only report files that are out of date")
    args = parser.parse_args(argv)
    files = generate()
    out_of_date = stale(files)
    if args.check:
        for rel in out_of_date:
            print(f"out of date: crawler/demo/site/{rel}")
        return 1 if out_of_date else 0
    for rel in out_of_date:
        path = SITE_ROOT / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(files[rel], encoding="utf-8", newline="\n")
        print(f"wrote crawler/demo/site/{rel}")
    print(f"{len(files)} generated files, {len(out_of_date)} rewritten")
    return 0


if __name__ == "__main__":
    sys.exit(main())
