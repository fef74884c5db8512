"""`baotinh demo`: serve the bundled demo sites and crawl them."""

from __future__ import annotations

import argparse
from pathlib import Path

from crawler.commands.common import FORMATTER, add_data_dir


def add_parser(sub: argparse._SubParsersAction) -> None:
    parser = sub.add_parser(
        "demo", help="serve the bundled demo sites on 127.0.0.1 and crawl them", formatter_class=FORMATTER,
        description="Start the bundled demo sites (a provincial paper and a content farm) on 127.0.0.1, crawl "
        "them into ./data-demo, print a summary and DuckDB commands to try.",
        epilog="examples:\n  baotinh demo\n  baotinh demo --data-dir /tmp/demo\n  baotinh demo --serve",
    )
    add_data_dir(parser, default="data-demo")
    parser.add_argument("--serve", action="store_true", help="only serve the demo sites until Ctrl-C")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from crawler.demo.run import run_demo

    return run_demo(Path(args.data_dir), serve_only=args.serve)
