"""One module per `baotinh` command. Each has `add_parser(subparsers)` (help text with examples) and
`run(args) -> int`. `crawler.cli` lists them in COMMANDS."""
