"""The store's inter-process lock: exclusive, re-entrant within one storage object, with a timeout.

On POSIX it is `fcntl.flock` on a lock file kept open for the storage's lifetime: the kernel
releases it when the process dies (a `kill -9` never leaves the store locked), and taking it
costs one system call. The `filelock` package did the same through ~0.5 ms of Python per
acquire/release, a quarter of an insert. Elsewhere (Windows) `filelock` is used as is.
"""

from __future__ import annotations

import os
import time
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover  (Windows)
    fcntl = None  # type: ignore[assignment]


class LockTimeout(Exception):
    """The lock was held by someone else for longer than the timeout."""


class StoreLock:
    def __init__(self, path: str, timeout: float) -> None:
        self.path = path
        self.timeout = timeout
        self._depth = 0
        self._fd: int | None = None
        self._fallback: Any = None
        if fcntl is None:  # pragma: no cover
            from filelock import FileLock

            self._fallback = FileLock(path, timeout=timeout, mode=0o600)

    @property
    def is_locked(self) -> bool:
        return self._depth > 0

    def acquire(self) -> None:
        if self._depth:
            self._depth += 1
            return
        if self._fallback is not None:  # pragma: no cover
            from filelock import Timeout

            try:
                self._fallback.acquire()
            except Timeout:
                raise LockTimeout(self.path) from None
        else:
            self._flock()
        self._depth = 1

    def _flock(self) -> None:
        if self._fd is None:
            self._fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)
        deadline = time.monotonic() + self.timeout
        delay = 0.001
        while True:
            try:
                fcntl.flock(self._fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise LockTimeout(self.path) from None
                time.sleep(delay)
                delay = min(delay * 2, 0.05)

    def is_free(self) -> bool:
        """Whether no process holds the lock now, asked without creating or writing anything
        (False where that cannot be told)."""
        if fcntl is None:  # pragma: no cover
            return False
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except FileNotFoundError:
            return True  # every writer creates it first
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False
        finally:
            os.close(fd)  # closing releases a lock taken through this descriptor
        return True

    def release(self) -> None:
        if self._depth == 0:
            raise RuntimeError("release() of a lock that is not held")
        self._depth -= 1
        if self._depth:
            return
        if self._fallback is not None:  # pragma: no cover
            self._fallback.release()
        elif self._fd is not None:
            fcntl.flock(self._fd, fcntl.LOCK_UN)

    def close(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
