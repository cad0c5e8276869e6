"""Reading the log: the index caught up with what was appended, and documents read by offset.

`LogReader` is the read side of `log.LogStorage`: it never writes the log. The one exception is
the writer's catch-up under the lock (`repair=True`), which removes a partial last record.
"""

from __future__ import annotations

import contextlib
import logging
import os
import sqlite3
import time
from pathlib import Path
from typing import Any

from ..errors import NotFound, StoreCorrupt, StoreError, StoreLocked
from . import recovery
from .files import pread_tail
from .index import TAIL, Covered, IndexFile
from .record import complete_record, parse_record, partial_record, record_of

log = logging.getLogger(__name__)

CHUNK = 1 << 20  # bytes read at a time when catching up: a 600 MB log is never read whole


class LogReader:
    path: Path
    index: IndexFile
    lock_timeout: float
    recovered: list[str]
    _c: Covered | None  # inside the writer's lock: what the index covers, written back at its end
    _rfd: int | None
    _rfd_ino: int | None

    def _say(self, *messages: str) -> None:
        for message in messages:
            self.recovered.append(message)
            log.warning(message)

    def _end_index(self) -> None:
        """Commit the index transaction. The log records are already durable: if the index
        cannot be written (a full disk), it is caught up from the log later, so the caller's
        change is not undone and not reported as failed."""
        c, self._c = self._c, None
        try:
            if c is not None:
                self.index.set_covered(c)
            self.index.commit()
        except sqlite3.Error as err:
            self.index.rollback()
            log.warning("%s: the index file could not be updated (%s); it catches up from the log later",
                        self.index.path, err)

    def _covered(self) -> Covered:
        assert self._c is not None, "inside locked()"
        return self._c

    # -- reading ------------------------------------------------------------------------------
    def refresh(self) -> None:
        """Bring the index up to date with what other processes appended (or a replaced file)."""
        if self._c is not None:
            return  # inside locked(): caught up when the lock was taken, and ours since
        stranger = False
        try:
            st = os.stat(self.path)
            c = self.index.covered()
            if st.st_ino == c.ino and st.st_size == c.offset and c.bands_current:
                return  # one stat and one small query: the common case
            # An index that covers none of this file (new, deleted, or the file was replaced)
            # holds no past state of the store: reading it would show an empty store.
            stranger = st.st_size > 0 and (st.st_ino != c.ino or c.offset == 0)
        except OSError:
            pass  # _catch_up reports it
        except sqlite3.Error as err:
            raise StoreError(f"{self.index.path}: cannot read the index file ({err}); "
                             "delete it (it is rebuilt from the store) and retry") from None
        try:
            # Briefly: the index is busy only while a writer holds the store lock, and that
            # writer brings it up to date itself. Until it commits, what is committed is read,
            # unless that is a stranger's: then wait for whoever is building it.
            self.index.begin(wait=self.lock_timeout if stranger else 0.05)
        except sqlite3.OperationalError as err:
            if stranger and ("locked" in str(err) or "busy" in str(err)):
                raise StoreLocked(
                    f"{self.index.path}: another process has been rebuilding the index for over "
                    f"{self.lock_timeout:g}s; retry when it is done"
                ) from None
            if "locked" in str(err) or "busy" in str(err):
                return
            raise StoreError(f"{self.index.path}: cannot update the index file ({err}); "
                             "free disk space or fix permissions and retry") from None
        except sqlite3.Error as err:
            raise StoreError(f"{self.index.path}: cannot update the index file ({err}); "
                             "free disk space or fix permissions and retry") from None
        try:
            self._c = self.index.covered()
            self._catch_up(repair=False)
            self._end_index()
        finally:
            self._c = None
            self.index.rollback()

    def _catch_up(self, repair: bool) -> None:
        """Apply the log from the offset the index covers (inside an index write transaction)."""
        c = self._covered()
        if not c.bands_current:
            self.index.reband()
            c.bands_current = True
        try:
            f = open(self.path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            self.index.clear()
            self._c = Covered()
            return
        except OSError as err:
            raise StoreError(f"{self.path}: cannot read the store: {err.strerror}") from None
        with f:
            fd = f.fileno()
            st = os.fstat(fd)
            if st.st_ino != c.ino or st.st_size < c.offset or pread_tail(fd, c.offset, TAIL) != c.tail:
                # Not the log the index covers (replaced, repaired, truncated, edited): read it all.
                self.index.clear()
                c = self._c = Covered(ino=st.st_ino)
            if st.st_size == c.offset:
                return
            self._apply_lines(fd, c, st.st_size, repair)
            c.tail = pread_tail(fd, c.offset, TAIL)

    def _apply_lines(self, fd: int, c: Covered, size: int, repair: bool) -> None:
        pos, carry = c.offset, b""
        lineno = c.records
        while pos < size:
            chunk = os.pread(fd, min(CHUNK, size - pos), pos)
            if not chunk:
                break
            pos += len(chunk)
            buf = carry + chunk if carry else chunk
            start = 0
            while True:
                nl = buf.find(b"\n", start)
                if nl < 0:
                    break
                line = buf[start:nl]
                lineno += 1
                if line.strip():  # a blank line (an editor's) holds no record; the export reader skips it too
                    try:
                        record = parse_record(line)
                    except ValueError:
                        raise self._corrupt(lineno, c.offset) from None
                    self.index.apply(c, record, c.offset, len(line))
                else:
                    c.records += 1
                c.offset += len(line) + 1
                start = nl + 1
            carry = buf[start:]
        if not carry:
            return
        if complete_record(carry):
            # A whole record without its newline (an editor that strips it, a copy): it was
            # acknowledged or may have been, so it is kept; the next append writes the newline first.
            self.index.apply(c, parse_record(carry), c.offset, len(carry))
            c.offset += len(carry)
        elif not partial_record(carry):
            # Only the start of one of our records can be a crashed append. Anything else
            # (a TinyDB JSON file, an array, a hand edit without a final newline) is someone's
            # data: truncating it would destroy the whole file.
            raise self._corrupt(lineno + 1, c.offset)
        elif repair:  # a crashed append, never acknowledged; readers ignore it, the writer removes it
            self._say(recovery.truncate_partial(self.path, c.offset, len(carry)))

    def _corrupt(self, lineno: int, byte: int) -> StoreCorrupt:
        return StoreCorrupt(
            f"{self.path}: line {lineno} is not a valid store record (byte {byte}). "
            "The file was damaged or edited outside finetune-collection. "
            "Run `finetune repair` to keep every valid record (the damaged file is kept "
            "beside it), or restore a backup."
        )

    def doc(self, doc_id: str, off: int, length: int) -> dict[str, Any]:
        """The document of `doc_id`'s record at `off` (as the index said a moment ago). Another
        process may have compacted the file since: then the index is read again and retried."""
        # Another process's compaction renames the new file in, then updates the index: in
        # between, old offsets meet the new file. Wait for its commit (at most the lock timeout).
        deadline = time.monotonic() + self.lock_timeout
        while True:
            fd = self._read_fd()
            line = os.pread(fd, length, off)
            record = record_of(line, doc_id)
            if record is not None:
                return record
            self._close_read_fd()
            self.refresh()
            where = self.index.location(doc_id)
            if where is None:  # deleted meanwhile
                raise NotFound(f"no example with id {doc_id!r}; it was deleted by another process")
            if time.monotonic() > deadline:
                break
            off, length = where
            time.sleep(0.02)
        raise StoreCorrupt(
            f"{self.path}: the record of example {doc_id} is not where the index file says; "
            f"delete {self.index.path} (it is rebuilt from the store) and retry"
        )

    def _read_fd(self) -> int:
        c = self._c or self.index.covered()
        if self._rfd is not None and self._rfd_ino == c.ino:
            return self._rfd
        self._close_read_fd()
        try:
            fd = os.open(self.path, os.O_RDONLY)
        except OSError as err:
            raise StoreError(f"{self.path}: cannot read the store: {err.strerror}") from None
        self._rfd, self._rfd_ino = fd, os.fstat(fd).st_ino
        return fd

    def _close_read_fd(self) -> None:
        if self._rfd is not None:
            with contextlib.suppress(OSError):
                os.close(self._rfd)
        self._rfd = self._rfd_ino = None




def index_path(path: Path) -> Path:
    """`examples.json` → `examples.index.sqlite`, beside it."""
    return path.with_name(path.stem + ".index.sqlite")
