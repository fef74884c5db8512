"""SpaceReserve: disk space set aside when a run starts, so that a run stopped by a full disk can still write
its own record (its `state/runs.jsonl` line and its `runs` row) before it exits.

The run's life (crawler.extensions.run_life) takes it when the lock is held and frees it at the end: on a full
disk just before the run's record is written, else once the run is over. A reserve a killed run left behind is
simply taken again. BAOTINH_SPACE_RESERVE (bytes, 0 = none) sets its size.

>>> reserve = SpaceReserve(Path("data/state/space.reserve"), 1 << 20)   # doctest: +SKIP
>>> reserve.take(); reserve.free()                                     # doctest: +SKIP
"""

from __future__ import annotations

import errno
import logging
import os
from pathlib import Path

logger = logging.getLogger(__name__)

RESERVE_NAME = "space.reserve"  # in state/


class SpaceReserve:
    def __init__(self, path: Path, size: int) -> None:
        self.path = Path(path)
        self.size = max(0, size)
        self.held = False

    def take(self) -> bool:
        """Allocate the reserve (blocks really taken, not a sparse file); False when there is no room for it."""
        if not self.size:
            return False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_CREAT, 0o644)
            try:
                try:
                    os.posix_fallocate(fd, 0, self.size)
                except OSError as e:
                    if e.errno not in (errno.EOPNOTSUPP, errno.EINVAL):  # a file system without fallocate
                        raise
                    os.pwrite(fd, b"\0" * self.size, 0)
            finally:
                os.close(fd)
        except OSError as e:
            self.path.unlink(missing_ok=True)
            logger.warning("no room to set %d bytes aside in %s (%s): if the disk fills, this run's record may "
                           "wait for the next start", self.size, self.path.parent, e)
            return False
        self.held = True
        return True

    def free(self) -> None:
        """Give the space back (also when a killed run left the file)."""
        self.path.unlink(missing_ok=True)
        self.held = False
