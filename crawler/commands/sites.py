"""`baotinh sites`: list the registry."""

from __future__ import annotations

import argparse

from crawler.commands.common import FORMATTER, add_sites_file, registry

HEADER = ("slug", "name", "province", "kind", "domains")


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "sites", help="list the sites of the registry", formatter_class=FORMATTER,
        description="List the news sites in the registry (crawler/sites.toml) with province and domains.",
        epilog="examples:\n  baotinh sites\n  baotinh sites --sites-file my-sites.toml",
    )
    add_sites_file(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    rows = [(s.slug, s.name, s.province or "-", s.kind, ", ".join(s.domains)) for s in registry(args).values()]
    widths = [max(len(r[i]) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    for row in [HEADER, *rows]:
        print("  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip())
    return 0
