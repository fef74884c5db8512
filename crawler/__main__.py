"""`python -m crawler` is the same as the `baotinh` command."""

from crawler.cli import main

raise SystemExit(main())
