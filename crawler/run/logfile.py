"""The run's log file, as Scrapy opens it (LOG_FILE), but a full disk costs one line instead of a traceback a
record.

Python's FileHandler answers a write that fails with "--- Logging error ---" and a traceback on stderr, for
every record after: on a full disk a crawl's last seconds would bury the one line that says what happened.
`LogFile` says once, on stderr, that the log file cannot be written and why, and drops the file's lines from
then on (the console keeps showing baotinh's own lines and every warning).

`guard_log_files()` swaps each plain FileHandler of the root logger for a LogFile on the same file, with the
same level, format and filters; the run's life (crawler.extensions.run_life) calls it, so `baotinh crawl` and
`scrapy crawl` both get it.
"""

from __future__ import annotations

import logging
import sys

from crawler.run.console import stamp


class LogFile(logging.FileHandler):
    """>>> handler = LogFile("data/logs/RUN.log")   # doctest: +SKIP"""

    failed: OSError | None = None

    def emit(self, record: logging.LogRecord) -> None:
        if self.failed is None:
            super().emit(record)

    def handleError(self, record: logging.LogRecord) -> None:  # noqa: N802 - logging's name
        error = sys.exc_info()[1]
        if not isinstance(error, OSError):
            super().handleError(record)
            return
        self.failed = error
        try:
            sys.stderr.write(f"{stamp()} ERROR cannot write the log file {self.baseFilename}: {error}; "
                             "its lines stop here (this console goes on)\n")
        except (OSError, ValueError):
            pass

    def flush(self) -> None:
        try:
            super().flush()
        except OSError as e:  # closing at exit on a full disk: said once already, or now
            if self.failed is None:
                self.failed = e


def guard_log_files(logger: logging.Logger | None = None) -> int:
    """Put a LogFile in place of every plain FileHandler of `logger` (the root logger); returns how many."""
    target = logger or logging.getLogger()
    swapped = 0
    for handler in list(target.handlers):
        if type(handler) is not logging.FileHandler:
            continue
        replacement = LogFile(handler.baseFilename, mode="a", encoding=handler.encoding)
        replacement.setLevel(handler.level)
        replacement.setFormatter(handler.formatter)
        for each in handler.filters:
            replacement.addFilter(each)
        target.removeHandler(handler)
        handler.close()
        target.addHandler(replacement)
        swapped += 1
    return swapped
