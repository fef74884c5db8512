"""`make bench`: run every bench/bench_*.py (each has a main() that prints its numbers and ratios).

Benchmarks print; they never pass or fail on timing. `python bench/run.py crawl polite` runs only
bench_crawl.py and bench_polite.py. A main() may return (figure, target, measured) rows: they are printed
again at the end, side by side, as README's Benchmarks table has them.
"""

from __future__ import annotations

import importlib.util
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def main(argv: list[str]) -> int:
    wanted = set(argv)
    scripts = sorted(HERE.glob("bench_*.py"))
    if wanted:
        scripts = [s for s in scripts if s.stem.removeprefix("bench_") in wanted]
    sys.path.insert(0, str(HERE.parent))
    targets: list[tuple[str, str, str]] = []
    for script in scripts:
        spec = importlib.util.spec_from_file_location(script.stem, script)
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        print(f"== {script.stem}", flush=True)
        started = time.perf_counter()
        targets += module.main() or []
        print(f"   ({time.perf_counter() - started:.1f} s)\n", flush=True)
    if targets:
        width = max(len(figure) for figure, _, _ in targets)
        print("== targets")
        for figure, target, measured in targets:
            print(f"  {figure:<{width}}  target {target:<18} measured {measured}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
