"""RunLock: one crawl at a time per data directory.

The lock is an `flock` on `DATA/state/crawl.lock`. The kernel drops it when its process ends, however it
ends (`kill -9`, power loss), so a lock can never outlive its crawl; the file's content (pid, run id, start
time) only names the holder. A lock file that still names a process when we take the lock is what a killed
run leaves behind: `acquire()` returns that holder so the caller can log it and recover its files.

A run that ends without being able to record its end (forced to stop, or out of disk space for
`runs.jsonl`) says so in the lock file instead: `record_ending()` adds `ended` ("forced", "failed: disk full")
to the holder, and the run leaves the file as it is. That rewrite needs no new disk space: the content is
written padded to LOCK_SIZE bytes when the lock is taken, and rewritten in place.

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
LOCK_SIZE = 1024  # bytes the content is padded to (with spaces: JSON allows them), so it is rewritten in place


@dataclass(frozen=True)
class Holder:
    pid: int
    run_id: str
    started_at: str
    host: str = ""
    command: str = "crawl"
    ended: str | None = None  # how the run ended, when it could not record it itself (record_ending)

    def describe(self) -> str:
        where = f" on {self.host}" if self.host and self.host != socket.gethostname() else ""
        return f"pid {self.pid}{where}, run {self.run_id}, started {self.started_at}"

    def content(self) -> bytes:
        """The lock file's bytes naming this holder, padded to LOCK_SIZE."""
        data = {k: v for k, v in self.__dict__.items() if v is not None}
        raw = json.dumps(data, ensure_ascii=False).encode("utf-8") + b"\n"
        return raw + b" " * max(0, LOCK_SIZE - len(raw))


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
        os.pwrite(fd, me.content(), 0)
        os.fsync(fd)  # the blocks are the file's from now on: record_ending() needs no more
        self._fd = fd
        return stale

    def record_ending(self, run_id: str, ended: str) -> bool:
        """Write how run `run_id` (this process's) ended into the lock file, in place; False when the file
        names another run or process. The holder then keeps the lock until its process exits, and leaves its
        name behind for the next start, which records the run."""
        try:
            fd = os.open(self.path, os.O_RDWR)
        except OSError:
            return False
        try:
            holder = _parse(_read(fd))
            if holder is None or (holder.pid, holder.run_id) != (os.getpid(), run_id):
                return False
            os.pwrite(fd, Holder(**{**holder.__dict__, "ended": ended}).content()[:LOCK_SIZE], 0)
            return True
        except OSError:
            return False
        finally:
            os.close(fd)

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
        ended = data.get("ended")
        return Holder(int(data["pid"]), str(data["run_id"]), str(data["started_at"]), str(data.get("host", "")),
                      str(data.get("command", "crawl")), str(ended) if ended else None)
    except (ValueError, KeyError, TypeError, AttributeError):
        return None
