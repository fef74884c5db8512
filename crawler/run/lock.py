"""RunLock: one crawl at a time per data directory.

The lock is an `flock` on `DATA/state/crawl.lock`. The kernel drops it when its process ends, however it
ends (`kill -9`, power loss), so a lock can never outlive its crawl; the file's content (pid, run id, start
time) only names the holder. A lock file that still names a process when we take the lock is what a killed
run leaves behind: `acquire()` returns that holder so the caller can log it and recover its files.

    >>> lock = RunLock(Path("data"))                     # doctest: +SKIP
    >>> stale = lock.acquire(run_id="20260312T031500Z-4f2a")   # raises LockHeld if a crawl is running
    >>> lock.release()                                    # doctest: +SKIP
"""

from __future__ import annotations

import fcntl
import json
import os
import socket
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

LOCK_NAME = "crawl.lock"
EXIT_LOCKED = 75  # EX_TEMPFAIL, "try again later": the exit code of a crawl that finds the lock held


@dataclass(frozen=True)
class Holder:
    pid: int
    run_id: str
    started_at: str
    host: str = ""
    command: str = "crawl"

    def describe(self) -> str:
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        return f"pid {self.pid}{where}, run {self.run_id}, started {self.started_at}"


class LockHeld(RuntimeError):
    """Another crawl holds the data directory; the message names it."""

    def __init__(self, data_dir: Path, holder: Holder | None) -> None:
        self.holder = holder
        who = holder.describe() if holder else "a process that has not written its name yet"
        super().__init__(f"another crawl is running in {data_dir} ({who}); exiting")


class RunLock:
    def __init__(self, data_dir: Path) -> None:
        self.data_dir = Path(data_dir)
        self.path = self.data_dir / "state" / LOCK_NAME
        self._fd: int | None = None

    def acquire(self, run_id: str, command: str = "crawl") -> Holder | None:
        """Take the lock or raise LockHeld. Returns the holder a killed run left in the file, if any."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)  # never truncate before holding the lock
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            holder = _parse(_read(fd))
            os.close(fd)
            raise LockHeld(self.data_dir, holder) from None
        stale = _parse(_read(fd))
        me = Holder(os.getpid(), run_id, datetime.now(UTC).isoformat(timespec="seconds"), socket.gethostname(),
                    command)
        os.ftruncate(fd, 0)
        os.pwrite(fd, json.dumps(me.__dict__).encode() + b"\n", 0)
        os.fsync(fd)
        self._fd = fd
        return stale

    def release(self) -> None:
        """Empty the file (a clean exit leaves no name behind) and let go."""
        if self._fd is None:
            return
        os.ftruncate(self._fd, 0)
        os.close(self._fd)  # closing the descriptor drops the flock
        self._fd = None

    def holder(self) -> tuple[Holder | None, bool]:
        """(who the lock file names, whether that process is alive), for `baotinh status`.

        Reads without locking: testing the lock could make a crawl starting that instant exit with 75.
        """
        try:
            holder = _parse(self.path.read_bytes())
        except FileNotFoundError:
            return None, False
        if holder is None:
            return None, False
        if holder.host and holder.host != socket.gethostname():
            return holder, True  # cannot tell from here; assume it runs
        try:
            os.kill(holder.pid, 0)
        except ProcessLookupError:
            return holder, False
        except PermissionError:
            return holder, True
        return holder, True

    def __enter__(self) -> RunLock:
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()


def _read(fd: int) -> bytes:
    return os.pread(fd, 4096, 0)


def _parse(raw: bytes) -> Holder | None:
    try:
        data = json.loads(raw.decode("utf-8"))
        return Holder(int(data["pid"]), str(data["run_id"]), str(data["started_at"]), str(data.get("host", "")),
                      str(data.get("command", "crawl")))
    except (ValueError, KeyError, TypeError):
        return None
