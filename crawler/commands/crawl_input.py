"""Checks of what `baotinh crawl` is given, before anything runs: `--set KEY=VALUE` overrides.

A setting's type is its default's (crawler/settings.py, else Scrapy's): a wrong value is one line and exit 2
here, instead of a traceback from deep inside Scrapy once the crawl has started. An unknown name is refused,
with the nearest known names: every component baotinh runs takes its defaults from those two places, so an
unknown name can change nothing, and accepting it would hide a typo in a cron line for months.

>>> overrides(["DOWNLOAD_DELAY=3"])
{'DOWNLOAD_DELAY': '3'}
"""

from __future__ import annotations

import difflib
import json
import logging
from functools import cache

from crawler.commands.common import UsageError

# Settings Scrapy reads as floats although their default is a whole number.
READ_AS_FLOAT = {"DOWNLOAD_TIMEOUT", "CLOSESPIDER_TIMEOUT", "CLOSESPIDER_TIMEOUT_NO_ITEM", "DNS_TIMEOUT",
                 "DOWNLOAD_DELAY", "DOWNLOAD_DELAY_JITTER", "LOGSTATS_INTERVAL"}
# Settings the command line itself sets for each run: an override would be overwritten or bypass a check.
OWNED = {
    "BAOTINH_DATA_DIR": "give --data-dir DIR",
    "BAOTINH_SINCE": "give --since DATE",
    "BAOTINH_RUN_ID": "baotinh sets it for each run",
    "BAOTINH_COMMAND": "baotinh sets it for each run",
    "BAOTINH_RECOVERY_STATS": "baotinh sets it for each run",
    "LOG_FILE": "each run logs to DATA/logs/RUN_ID.log",
    "LOG_INSTALL_ROOT_HANDLER": "baotinh sets it for each run",
}
BOOLEANS = {"1": True, "0": False, "true": True, "false": False}


@cache
def defaults() -> dict[str, object]:
    """Every known setting and its default: Scrapy's, then ours over them."""
    from scrapy.settings import default_settings

    import crawler.settings as ours

    known = {k: getattr(default_settings, k) for k in dir(default_settings) if k.isupper()}
    known.update({k: getattr(ours, k) for k in dir(ours) if k.isupper()})
    return known


def check(key: str, value: str) -> None:
    """Raise UsageError when `value` cannot be what `key` takes."""
    known = defaults()
    if key not in known:
        near = difflib.get_close_matches(key.upper(), known, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(near)}?" if near else " (the settings are in crawler/settings.py)"
        raise UsageError(f"--set {key}={value}: no setting {key} in baotinh or Scrapy{hint}")
    if key in OWNED:
        raise UsageError(f"--set {key}: {OWNED[key]}")
    default = known[key]
    problem = None
    if isinstance(default, bool):
        if value.strip().lower() not in BOOLEANS:
            problem = "expected true or false (or 1 / 0)"
    elif isinstance(default, int | float):
        problem = _number_problem(key, value, whole=isinstance(default, int) and key not in READ_AS_FLOAT)
    elif isinstance(default, dict):
        problem = _json_problem(value, dict, 'a JSON object, e.g. {"key": 1}')
    elif isinstance(default, list | tuple) and value.lstrip().startswith("["):
        problem = _json_problem(value, list, "a JSON list or comma-separated values")
    elif key == "LOG_LEVEL" and logging.getLevelName(value.upper()) == f"Level {value.upper()}":
        problem = "expected DEBUG, INFO, WARNING, ERROR or CRITICAL"
    if problem:
        raise UsageError(f"--set {key}={value}: {problem} (default: {json.dumps(default, default=str)})")


def _number_problem(key: str, value: str, whole: bool) -> str | None:
    try:
        number = int(value) if whole else float(value)
    except ValueError:
        return "expected a whole number" if whole else "expected a number"
    if number < 0 and not key.endswith(("PRIORITY", "PRIORITY_ADJUST")):
        return "expected 0 or more"
    return None


def _json_problem(value: str, kind: type, expected: str) -> str | None:
    try:
        parsed = json.loads(value)
    except ValueError:
        return f"expected {expected}"
    return None if isinstance(parsed, kind) else f"expected {expected}"


def overrides(pairs: list[str]) -> dict[str, str]:
    """`--set` pairs as a dict, every one checked."""
    result = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        key = key.strip()
        if not sep or not key:
            raise UsageError(f"--set {pair!r}: expected KEY=VALUE, e.g. --set DOWNLOAD_DELAY=2")
        check(key, value)
        result[key] = value
    return result
