"""The store file: an append-only log of JSON records (`record.py`), and the only code that opens,
locks and appends to it.

A JSON file rewritten whole on every insert (TinyDB's JSONStorage) costs more with every example
stored; the log is appended to instead, one record per line, so a write costs one small append +
fdatasync whatever the store's size. What the log holds is kept in the index file beside it
(`index.py`): where each record lies, statuses and the duplicate index. Nothing else is held in
memory; documents are read by offset when asked for, and only what other processes appended
since the index was last brought up to date is read.

Durability: a record is acknowledged only after its line is written and fdatasync'd. Every
read-modify-write holds an exclusive file lock (`examples.json.lock`) and one index transaction;
the log is the truth, so an index transaction lost in a crash is caught up. Reading never writes
the log: what a crash left (`recovery.py`) is repaired by the next writer, under the lock. In a
data folder this process cannot write, the index lives in memory and writes are refused.
Deleted and edited text leaves the file by compaction (`compaction.py`).
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..config import DedupSettings
from ..errors import StoreError, StoreLocked, StoreReadOnly
from . import compaction, recovery
from .catchup import LogReader, index_path
from .files import datasync, ensure_private_dir, fsync_dir, pread_tail, refuse_special_file, writable_folder
from .index import TAIL, Covered, IndexFile
from .lock import LockTimeout, StoreLock
from .record import encode, parse_record

__all__ = ["LogStorage", "encode", "index_path", "parse_record"]

log = logging.getLogger(__name__)


class LogStorage(LogReader):
    def __init__(self, path: str | os.PathLike[str], lock_timeout: float = 10.0,
                 dedup: DedupSettings | None = None) -> None:
        self.path = Path(path)
        try:
            ensure_private_dir(self.path.parent)
        except OSError as err:
            raise StoreError(
                f"{self.path.parent}: cannot create the data folder ({err.strerror}); "
                "set FINETUNE_HOME to a folder you can write to"
            ) from None
        if not self.path.parent.is_dir():
            raise StoreError(
                f"{self.path.parent}: not a folder; set FINETUNE_HOME to a folder (it is created if missing)"
            )
        refuse_special_file(self.path)
        self.lock_timeout = lock_timeout
        self._lock = StoreLock(str(self.path) + ".lock", lock_timeout)
        self._wfd: int | None = None
        self._wfd_ino: int | None = None
        self._rfd: int | None = None  # reads documents by offset
        self._rfd_ino: int | None = None
        self._swept = False  # temp files left by a crashed compaction: removed at the first lock
        self.recovered: list[str] = []
        # Inside `locked()`: what the index covers, kept here and written back when the lock ends.
        self._c: Covered | None = None
        self._txn_erases = False
        self._txn_start: tuple[int | None, int] = (None, 0)
        ipath = index_path(self.path)
        writable = writable_folder(self.path.parent, self.path, ipath, *(Path(f"{ipath}{s}") for s in ("-wal", "-shm")))
        if not self.path.exists() and writable:
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as err:  # FINETUNE_HOME is a file, or a folder we may not write to
                raise StoreError(
                    f"{self.path}: cannot create the store ({err.strerror}); "
                    "set FINETUNE_HOME to a folder you can write to"
                ) from None
            os.close(fd)
            fsync_dir(self.path.parent)
        self.index = IndexFile(ipath, dedup or DedupSettings(), writable=writable)
        if not writable:
            self.recovered.append(
                f"{self.path.parent}: the data folder is read-only here: the index is built in memory and "
                "not kept, and commands that change the store are refused"
            )
        # Nothing is read or written here: the index file says what the log holds, and only what
        # was appended since it was last brought up to date is read, on first use.
        self.recovered += recovery.leftovers(self.path, self._lock)

    def close(self) -> None:
        self._close_write_fd()
        self._close_read_fd()
        self.index.close()
        self._lock.close()

    def __del__(self) -> None:
        # Raw descriptors are not closed by the garbage collector: a process that opens stores
        # without closing them (tests, a long-lived host) would run out of them.
        with contextlib.suppress(Exception):
            self.close()

    # -- locking ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock; catch up with (and repair) the file first. The index
        file is written in one transaction that ends with the lock."""
        if self.index.read_only:
            raise StoreReadOnly(
                f"{self.path.parent}: the data folder is read-only here, so nothing can be stored or "
                "changed; reading commands work. Copy it somewhere writable, or fix its permissions, to change it."
            )
        outer = not self._lock.is_locked
        try:
            self._lock.acquire()
        except LockTimeout:
            raise StoreLocked(
                f"{self.path}: another process has held the store lock for over {self.lock_timeout:g}s "
                f"(lock file {self.path}.lock). Retry; if it persists, look for a stopped finetune "
                "process (the lock is released when the process ends)."
            ) from None
        except OSError as err:
            raise StoreError(f"{self.path}.lock: cannot take the store lock: {err.strerror}") from None
        if not outer:
            try:
                yield
            finally:
                self._lock.release()
            return
        try:
            self._begin_index()
            try:
                if not self._swept:
                    self._say(*recovery.remove_temp_files(self.path))
                    self._swept = True
                self._catch_up(repair=True)
                c = self._covered()
                if c.erase_pending:
                    self._retry_erase()
                self._txn_start = (c.ino, c.offset)
                self._txn_erases = False
                yield
                if self._txn_erases:
                    self._erase_or_roll_back()
                elif compaction.due(c):
                    self._compact_or_log("compaction failed ({}); the log stays as it is and is compacted later")
            except BaseException:
                self._c = None
                self.index.rollback()  # the log is the truth: what it holds is caught up later
                raise
            self._end_index()
        finally:
            self._txn_erases = False
            self._lock.release()

    def _begin_index(self) -> None:
        try:
            self.index.begin(wait=self.lock_timeout)
        except sqlite3.OperationalError as err:
            if "locked" in str(err) or "busy" in str(err):
                raise StoreLocked(
                    f"{self.index.path}: another process has held the index file for over "
                    f"{self.lock_timeout:g}s. Retry; if it persists, look for a stopped finetune process."
                ) from None
            raise StoreError(f"{self.index.path}: cannot write the index file ({err}); "
                             "free disk space or fix permissions and retry") from None
        except sqlite3.Error as err:
            raise StoreError(f"{self.index.path}: cannot write the index file ({err}); "
                             "free disk space or fix permissions and retry") from None
        self._c = self.index.covered()

    # -- compaction (compaction.py) -------------------------------------------------------------
    def _try_rewrite(self) -> str | None:
        """Compact now; returns why it failed (None: done)."""
        try:
            compaction.rewrite(self.path, self.index, self._read_fd(), self._covered())
        except compaction.RewriteFailed as err:
            return err.reason
        self._close_write_fd()
        self._close_read_fd()
        return None

    def _compact_or_log(self, message: str) -> None:
        """Housekeeping, or the retry of an erase a crash prevented. The caller's records are
        already durable, so a failure is logged, never reported as the caller's failure."""
        problem = self._try_rewrite()
        if problem is not None:
            log.warning("%s: %s", self.path, message.format(problem))

    def _retry_erase(self) -> None:
        """An earlier delete or edit was recorded but its old bytes are still in the file (the
        process died before compacting): compact now; the next write tries again if this fails."""
        self._compact_or_log("compaction to erase deleted examples failed again ({}); retried on the next write")

    def _erase_or_roll_back(self) -> None:
        """This transaction deleted or edited examples: their old bytes must leave the file. If
        the rewrite fails, take the transaction's records back out, so the store is as it was."""
        problem = self._try_rewrite()
        if problem is None:
            return
        try:
            compaction.truncate(self.path, *self._txn_start)
        except OSError:
            raise StoreError(
                f"{self.path}: the change is recorded, but rewriting the file to erase the old text "
                f"failed ({problem}); it stays in the file until the next write retries. "
                "Free disk space and run any command that writes."
            ) from None
        self._close_write_fd()
        # locked() rolls the index transaction back: the index covers what the file holds again.
        raise StoreError(
            f"{self.path}: rewriting the file failed ({problem}); nothing was changed. "
            "Free disk space and retry."
        )

    # -- appending ----------------------------------------------------------------------------
    def append(self, records: list[dict[str, Any]]) -> None:
        """Append records durably (write + fsync). Caller holds `locked()`."""
        if not self._lock.is_locked or self._c is None:
            raise RuntimeError("append() needs the store lock")
        lines = [encode(r) for r in records]
        c = self._c
        # A last record kept without its newline (see _apply_lines) gets it now, before ours.
        lead = b"\n" if c.offset and not c.tail.endswith(b"\n") else b""
        data = lead + b"".join(lines)
        fd = self._write_fd(c.ino)
        try:
            written = 0
            try:
                while written < len(data):
                    written += os.write(fd, data[written:])
                datasync(fd)
            except OSError as err:
                # Roll back a partial write so the file stays as it was (disk full, quota, ...).
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, c.offset)
                raise StoreError(
                    f"{self.path}: write failed ({err.strerror}); nothing was stored. "
                    "Free disk space or fix permissions and retry."
                ) from None
            st = os.fstat(fd)
        except BaseException:
            self._close_write_fd()  # reopen next time rather than trust an fd in an unknown state
            raise
        off = c.offset + len(lead)
        for record, line in zip(records, lines, strict=True):
            self.index.apply(c, record, off, len(line) - 1)
            self._txn_erases = self._txn_erases or bool(record.get("erase"))
            off += len(line)
        c.offset, c.ino = off, st.st_ino
        c.tail = data[-TAIL:] if len(data) >= TAIL else pread_tail(fd, off, TAIL)

    def _write_fd(self, ino: int | None) -> int:
        """An O_APPEND fd on the current file, kept open across appends while its inode is the
        file's (a compaction, ours or another process's, replaces the inode: then reopen)."""
        if self._wfd is not None and self._wfd_ino == ino and ino is not None:
            return self._wfd
        self._close_write_fd()
        try:
            fd = os.open(self.path, os.O_WRONLY | os.O_APPEND)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot open the store for writing: {err.strerror}") from None
        self._wfd, self._wfd_ino = fd, os.fstat(fd).st_ino
        return fd

    def _close_write_fd(self) -> None:
        if self._wfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._wfd)
        self._wfd = self._wfd_ino = None
