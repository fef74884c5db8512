"""A full disk, told apart from other write errors, and said once.

Every part of a crawl writes somewhere under the data directory (WARC files, the digest index, the journals,
the database, its spool, the log file). When the disk fills, each would fail in its own words: `OSError
[Errno 28]` from a file, "database or disk is full" from SQLite, "No space left on device" inside a DuckDB
error. `is_disk_full()` recognises all of them (a file-size limit, EFBIG, and a quota, EDQUOT, too), so each
part can stop the crawl or keep quiet instead of logging its own traceback.

`stop_for_full_disk()` is what a Scrapy component calls: the first call logs the one line the operator sees
("no space left on …") and closes the spider with the reason `disk_full`; later calls only count. The
state lives in the crawl's stats (`disk/full`: where the disk filled first; `disk/errors`), not here.

>>> is_disk_full(OSError(28, "No space left on device"))
True
>>> is_disk_full(ValueError("bad row"))
False
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from scrapy.crawler import Crawler

logger = logging.getLogger(__name__)

FULL_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EFBIG}
# how the libraries that do not raise OSError say it (SQLite, DuckDB, Arrow)
FULL_WORDS = ("no space left on device", "database or disk is full", "disk quota exceeded", "file too large")
REASON = "disk_full"  # the spider's close reason, and the run's status `failed: disk full`


def is_disk_full(error: BaseException | None) -> bool:
    """True when `error`, or an error it was raised from, says that no more bytes fit on the disk."""
    seen = 0
    while error is not None and seen < 10:
        if isinstance(error, OSError) and error.errno in FULL_ERRNOS:
            return True
        if any(word in str(error).lower() for word in FULL_WORDS):
            return True
        error = error.__cause__ or error.__context__
        seen += 1
    return False


def write_all(fh: BinaryIO, data: bytes) -> None:
    """Write every byte of `data` to an unbuffered file: a write to a filling disk may take part of the bytes
    before it fails, and one that takes none means the disk is full (ENOSPC, so is_disk_full knows it)."""
    view = memoryview(data)
    while view:
        written = fh.write(view)
        if not written:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        view = view[written:]


def mount_point(path: Path) -> Path:
    """The mount point holding `path` (the device an operator has to free space on)."""
    path = Path(os.path.abspath(path))
    while not path.exists() and path != path.parent:
        path = path.parent
    while not os.path.ismount(path) and path != path.parent:
        path = path.parent
    return path


def full_disk_line(path: Path, error: BaseException) -> str:
    """`no space left on /srv (writing /srv/baotinh/data/warc/…): [Errno 28] No space left on device`."""
    what = "no space left on" if not (isinstance(error, OSError) and error.errno == errno.EFBIG) \
        else "file size limit reached on"
    detail = error.strerror if isinstance(error, OSError) and error.strerror else str(error)
    return f"{what} {mount_point(path)} (writing {path}): {detail}"


def stop_for_full_disk(crawler: Crawler, path: Path, error: BaseException) -> None:
    """Stop the crawl because the disk is full: one error line the first time, a counter after."""
    from scrapy.utils.defer import deferred_from_coro  # here: the writer uses is_disk_full() without Scrapy

    stats = crawler.stats
    assert stats is not None
    stats.inc_value("disk/errors")
    if stats.get_value("disk/full"):
        logger.debug("%s", full_disk_line(path, error))
        return
    stats.set_value("disk/full", str(path))
    logger.error("%s; stopping the crawl: what is archived is kept, the rest waits for the next run "
                 "(free some space first)", full_disk_line(path, error))
    engine = crawler.engine
    if engine is not None and engine.running:
        deferred_from_coro(engine.close_spider_async(reason=REASON))


def disk_is_full(crawler: Crawler) -> bool:
    """True once the crawl stopped for a full disk: nothing more is worth writing."""
    return bool(crawler.stats is not None and crawler.stats.get_value("disk/full"))
