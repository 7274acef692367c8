"""SQLite's one writer at a time, as a line to wait in rather than a busy database to
retry: first come, first served among a process's threads, and shared by the processes
that serve one database file (``billable serve --workers N``)."""

from __future__ import annotations

import os
import stat
import threading
from collections import deque

try:
    import fcntl
except ImportError:  # not a POSIX system: each process keeps its own line only
    fcntl = None  # type: ignore[assignment]


class FairLock:
    """A lock handed to its waiters in the order they came (``threading.Lock`` is not:
    the thread that releases it usually takes it again before a waiter wakes)."""

    def __init__(self) -> None:
        self._mutex = threading.Lock()
        self._held = False
        self._waiters: deque[threading.Event] = deque()

    def acquire(self, timeout: float) -> bool:
        """Take the lock within ``timeout`` seconds, after those already waiting."""
        with self._mutex:
            if not self._held and not self._waiters:
                self._held = True
                return True
            turn = threading.Event()
            self._waiters.append(turn)
        if turn.wait(timeout):
            return True
        with self._mutex:
            if turn.is_set():  # handed over just as the wait ran out
                return True
            self._waiters.remove(turn)
            return False

    def release(self) -> None:
        """Hand the lock to the first waiter, or leave it free."""
        with self._mutex:
            if self._waiters:
                self._waiters.popleft().set()  # stays held: it is the waiter's now
            else:
                self._held = False


class WriterLine:
    """The right to write to one SQLite file: this process's :class:`FairLock`, then an
    exclusive ``flock`` on a file beside the database (``DATABASE-writer``) that every
    process writing to it takes too.

    Only the thread at the head of its process's line waits on the file, in the kernel,
    and is woken the moment the other process lets go: SQLite's busy handler would
    sleep in steps of up to 100 ms instead. ``timeout`` bounds the wait in this
    process's line only: ``flock`` has none, so the wait on the file lasts as long as
    the other process's transaction, as a row lock does on PostgreSQL (a process that
    dies lets go at once; one that hangs in a transaction holds every other process's
    writers until it is stopped, where SQLite alone would refuse them after its busy
    timeout). An in-memory database (``database`` None), or a system without
    ``flock``, is one process's line only.
    """

    def __init__(self, database: str | None) -> None:
        self._line = FairLock()
        self._database = database
        self._path = None if database is None or fcntl is None else f"{database}-writer"
        self._file: tuple[int, int] | None = None  # (pid, descriptor)

    def acquire(self, timeout: float) -> bool:
        """Take the right to write: first in this process's line, within ``timeout``
        seconds (False if not had), then from the other processes (however long that
        takes)."""
        if not self._line.acquire(timeout):
            return False
        if self._path is None:
            return True
        try:
            fcntl.flock(self._descriptor(), fcntl.LOCK_EX)
        except BaseException:
            self._line.release()
            raise
        return True

    def release(self) -> None:
        """Let the next writer in: another process's, then the next in this line."""
        try:
            if self._file is not None and self._file[0] == os.getpid():
                fcntl.flock(self._file[1], fcntl.LOCK_UN)
        finally:
            self._line.release()

    def _descriptor(self) -> int:
        # One descriptor per process: a forked child must not share its parent's open
        # file, as a lock on a shared one would not keep the two apart. The child closes
        # the one it inherited (closing, not unlocking: the parent's lock stays).
        if self._file is None or self._file[0] != os.getpid():
            assert self._path is not None
            if self._file is not None:
                os.close(self._file[1])
            fd = os.open(self._path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, self._mode())
            self._file = (os.getpid(), fd)
        return self._file[1]

    def _mode(self) -> int:
        # The database's own permissions, as SQLite gives its -wal and -shm files: whoever
        # may write the database may take its line.
        try:
            return stat.S_IMODE(os.stat(self._database or "").st_mode)
        except OSError:
            return 0o644
