"""What a crawl prints on the terminal (and so in cron.log): one line per event, dated, in Vietnamese time.

The log file keeps everything, tracebacks included; the console gets each record's first line only: a
library's traceback (Scrapy's robots.txt middleware logs a 70-line one when a host cannot be resolved) or a
warning's source line would otherwise drown the summary.

>>> stamp(0.0)
'1970-01-01 07:00:00+07'
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta, timezone

VIETNAM = timezone(timedelta(hours=7))


def stamp(when: float | None = None) -> str:
    """A moment as the console shows it: date and time in Vietnam, with the offset."""
    return datetime.fromtimestamp(time.time() if when is None else when, VIETNAM).strftime("%Y-%m-%d %H:%M:%S+07")


class ConsoleFormatter(logging.Formatter):
    """`2026-03-12 13:15:02+07 WARNING message`, one line whatever the record holds."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(message)s")

    def formatTime(self, record: logging.LogRecord, datefmt: str | None = None) -> str:  # noqa: N802 - logging's
        return stamp(record.created)

    def format(self, record: logging.LogRecord) -> str:
        line = f"{self.formatTime(record)} {record.levelname} {record.getMessage()}".strip()
        first, _, rest = line.partition("\n")
        if record.exc_info or record.exc_text or record.stack_info:
            return first + " (traceback in the log file)"
        if rest and record.name == "py.warnings":
            return first  # the next line is the warning's source line
        return line
