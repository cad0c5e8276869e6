"""The store file: an append-only log of JSON records. The only code that opens, locks, appends
to, fsyncs and compacts it.

TinyDB's JSONStorage reads and rewrites the whole file on every insert. `LogStorage` is a TinyDB
`Storage` (its extension point) that keeps the file as a log of changes instead, one record per
line, so a write costs one small append + fdatasync whatever the store's size. What the log
holds is kept in the index file beside it (`index.py`): where each record lies, statuses and the
duplicate index. Nothing else is held in memory; documents are read by offset when asked for, and
only what other processes appended since the index was last brought up to date is read.

Line format (field order fixed, so `snapshot.py` can scan headers without parsing documents):
    {"op":"put","t":"examples","id":"ex_…","doc":{…}}
    {"op":"del","t":"examples","id":"ex_…"}
A delete's or an edit's record ends with `"erase":true`: the text it supersedes must leave the
file, so the transaction compacts before it ends, or takes its records back out when it cannot
(a full disk), and a compaction a crash prevented is retried by the next writer.

Durability: a record is acknowledged only after its line is written and fdatasync'd. A crash can
leave at most a torn last line (never acknowledged); the next writer truncates it under the lock
and says so. Every read-modify-write holds an exclusive file lock (`examples.json.lock`) and one
index transaction; the log is the truth, so an index transaction lost in a crash is caught up.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import sqlite3
import stat
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from ..config import DedupSettings
from ..errors import NotFound, StoreCorrupt, StoreError, StoreLocked
from .index import TAIL, Covered, IndexFile
from .lock import LockTimeout, StoreLock

log = logging.getLogger(__name__)

try:  # orjson parses the log 2-3x faster; stdlib json is the fallback for odd records.
    import orjson

    def loads(line: bytes) -> Any:
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            return json.loads(line)

    _dumps: Callable[..., bytes] | None = orjson.dumps
    _APPEND_NEWLINE = orjson.OPT_APPEND_NEWLINE
except ImportError:  # pragma: no cover
    loads = json.loads  # type: ignore[assignment]
    _dumps = None
    _APPEND_NEWLINE = 0

Tables = dict[str, dict[str, dict[str, Any]]]

COMPACT_MIN_DEAD = 1000
CHUNK = 1 << 20  # bytes read at a time when catching up: a 600 MB log is never read whole


def encode(record: dict[str, Any]) -> bytes:
    if _dumps is not None:
        # orjson writes the same compact form 5-10x faster (a compaction re-encodes every record);
        # it refuses lone surrogates, non-str keys and huge ints, which take the stdlib path.
        with contextlib.suppress(TypeError):
            return _dumps(record, option=_APPEND_NEWLINE)
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8 encoded; \u-escaping keeps the line valid JSON.
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


class _RewriteFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def parse_record(line: bytes) -> dict[str, Any]:
    """The one definition of a valid record, shared by the loader and `finetune repair`:
    a JSON object with "op" put|del, string "t" and "id", and for a put an object "doc".
    Anything else raises ValueError (`finetune delete 5` could never reach a numeric id)."""
    try:
        record = loads(line)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(record, dict):
        raise ValueError("not an object")
    op = record.get("op")
    if op not in ("put", "del"):
        raise ValueError("op is not put or del")
    if not isinstance(record.get("t"), str) or not isinstance(record.get("id"), str):
        raise ValueError("table and id must be strings")
    if op == "put" and not isinstance(record.get("doc"), dict):
        raise ValueError("doc is not an object")
    return record


def ensure_private_dir(path: Path) -> None:
    """Create the data folder 0700 (it holds people's conversations)."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)


class LogStorage(Storage):
    def __init__(
        self,
        path: str | os.PathLike[str],
        lock_timeout: float = 10.0,
        dedup: DedupSettings | None = None,
        **_: Any,
    ) -> None:
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
        if not self.path.exists():
            try:
                fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            except OSError as err:  # FINETUNE_HOME is a file, or a folder we may not write to
                raise StoreError(
                    f"{self.path}: cannot create the store ({err.strerror}); "
                    "set FINETUNE_HOME to a folder you can write to"
                ) from None
            os.close(fd)
            self._fsync_dir()
        self.index = IndexFile(index_path(self.path), dedup or DedupSettings())
        # Nothing is read here: the index file says what the log holds, and only what was
        # appended since it was last brought up to date is read, on first use.
        if self._has_leftovers():
            with self.locked():
                pass  # locked() repairs torn tails and removes stale temp files

    # -- TinyDB Storage API -------------------------------------------------------------------
    def read(self) -> Tables:
        """Every table in memory (TinyDB's generic path; the store itself never needs it)."""
        self.refresh()
        tables: Tables = {"examples": {i: self.doc(i, off, n) for i, off, n in self.index.locations()}}
        tables["dedup"] = dict(self.index.all_keys())
        for name in self.index.tables()[2:]:
            tables[name] = self.index.small(name)
        return tables

    def write(self, data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Full write (TinyDB's generic path, e.g. `truncate`): an atomic rewrite."""
        with self.locked():
            lines = (
                encode({"op": "put", "t": t, "id": str(k), "doc": dict(v)})
                for t, docs in data.items() for k, v in docs.items()
            )
            try:
                self._replace_file(lines)
            except _RewriteFailed as err:
                raise StoreError(f"{self.path}: write failed ({err.reason}); the store is unchanged") from None
            self.index.clear()
            self._c = Covered()
            self._catch_up(repair=False)

    def close(self) -> None:
        self._close_write_fd()
        self._close_read_fd()
        self.index.close()
        self._lock.close()

    def __del__(self) -> None:
        # Raw descriptors are not closed by the garbage collector: a process that opens stores
        # without closing them (tests, a long-lived host) would run out of them.
        with contextlib.suppress(Exception):
            self._close_write_fd()
            self._close_read_fd()
            self._lock.close()
            self.index.close()

    # -- locking ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock; catch up with (and repair) the file first. The index
        file is written in one transaction that ends with the lock."""
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
                    self._remove_temp_files()
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
                else:
                    self._maybe_compact()
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

    def _retry_erase(self) -> None:
        """An earlier delete or edit was recorded but its old bytes are still in the file (the
        process died before compacting): compact now. A failure is logged, not raised: it is not
        this command's failure, and the next write tries again."""
        problem = self._try_rewrite()
        if problem is not None:
            log.warning("%s: compaction to erase deleted examples failed again (%s); retried on the next write",
                        self.path, problem)

    def _erase_or_roll_back(self) -> None:
        """This transaction deleted or edited examples: their old bytes must leave the file. If
        the rewrite fails, take the transaction's records back out, so the store is as it was."""
        problem = self._try_rewrite()
        if problem is None:
            return
        ino, offset = self._txn_start
        try:
            if ino is None or os.stat(self.path).st_ino != ino:
                raise OSError(0, "the file was replaced")
            with open(self.path, "r+b") as f:
                f.truncate(offset)
                os.fsync(f.fileno())
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
        data = b"".join(lines)
        c = self._c
        fd = self._write_fd(c.ino)
        try:
            written = 0
            try:
                while written < len(data):
                    written += os.write(fd, data[written:])
                _datasync(fd)
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
        off = c.offset
        for record, line in zip(records, lines, strict=True):
            self.index.apply(c, record, off, len(line) - 1)
            self._txn_erases = self._txn_erases or bool(record.get("erase"))
            off += len(line)
        c.offset, c.ino = off, st.st_ino
        c.tail = data[-TAIL:] if len(data) >= TAIL else _pread_tail(fd, off)

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
            if st.st_ino != c.ino or st.st_size < c.offset or _pread_tail(fd, c.offset) != c.tail:
                # Not the log the index covers (replaced, repaired, truncated, edited): read it all.
                self.index.clear()
                c = self._c = Covered(ino=st.st_ino)
            if st.st_size == c.offset:
                return
            self._apply_lines(fd, c, st.st_size, repair)
            c.tail = _pread_tail(fd, c.offset)

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
        if carry and repair:
            if not _torn_record(carry):
                # Only the start of one of our records can be a crashed append. Anything else
                # (a TinyDB JSON file, an array, a hand edit without a final newline) is someone's
                # data: truncating it would destroy the whole file.
                raise self._corrupt(lineno + 1, c.offset)
            self._truncate_torn(c.offset, len(carry))

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
            record = _record_of(line, doc_id)
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

    # -- crash recovery and compaction ----------------------------------------------------------
    def _has_leftovers(self) -> bool:
        """A torn last line or a crashed compaction's temp file, found without reading the log."""
        if any(self.path.parent.glob(self.path.name + ".tmp-*")):
            return True
        try:
            with open(self.path, "rb") as f:
                size = f.seek(0, os.SEEK_END)
                if size == 0:
                    return False
                f.seek(size - 1)
                return f.read(1) != b"\n"
        except OSError:
            return False

    def _truncate_torn(self, at: int, length: int) -> None:
        with open(self.path, "r+b") as f:
            f.truncate(at)
            os.fsync(f.fileno())
        message = (
            f"{self.path}: removed a torn last record ({length} bytes) left by a crashed writer; "
            "it was never acknowledged"
        )
        self.recovered.append(message)
        log.warning(message)

    def _remove_temp_files(self) -> None:
        for tmp in self.path.parent.glob(self.path.name + ".tmp-*"):
            with contextlib.suppress(OSError):
                tmp.unlink()
                message = f"{tmp}: removed a temporary file left by an interrupted compaction"
                self.recovered.append(message)
                log.warning(message)

    def _maybe_compact(self) -> None:
        """Housekeeping when superseded records outnumber live ones. The caller's records are
        already durable, so a failure here is logged, never reported as the caller's failure."""
        c = self._covered()
        dead = c.records - c.live
        if dead > max(COMPACT_MIN_DEAD, c.live):
            problem = self._try_rewrite()
            if problem is not None:
                log.warning("%s: compaction failed (%s); the log stays as it is and is compacted later",
                            self.path, problem)

    def _try_rewrite(self) -> str | None:
        """Compact: rewrite the file with one record per live id, streamed from the current file
        (documents are copied, never all held in memory). Returns why it failed (None: done)."""
        c = self._covered()
        moves: list[tuple[int, int, str]] = []
        fd = self._read_fd()

        def lines() -> Iterator[bytes]:
            at = 0
            for doc_id, off, length in self.index.locations():
                line = _without_erase(os.pread(fd, length, off)) + b"\n"
                moves.append((at, len(line) - 1, doc_id))
                at += len(line)
                yield line
            for doc_id, keys in self.index.dedup_records():
                line = encode({"op": "put", "t": "dedup", "id": doc_id, "doc": _json(keys)})
                at += len(line)
                yield line
            for table, doc_id, doc in self.index.small_records():
                line = encode({"op": "put", "t": table, "id": doc_id, "doc": _json(doc)})
                at += len(line)
                yield line

        try:
            st = self._replace_file(lines())
        except _RewriteFailed as err:
            return err.reason
        # The new file holds exactly what the index describes: adopt it without reading it back.
        self.index.relocate(moves)
        c.ino, c.offset, c.records, c.erase_pending = st.st_ino, st.st_size, c.live, False
        c.tail = _pread_tail(self._read_fd(), c.offset)
        return None

    def _replace_file(self, lines: Iterable[bytes]) -> os.stat_result:
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                f.writelines(lines)
                f.flush()
                os.fsync(f.fileno())
                st = os.fstat(f.fileno())
            os.replace(tmp, self.path)
            self._fsync_dir()
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _RewriteFailed(err.strerror or "write error") from None
        self._close_write_fd()
        self._close_read_fd()
        return st

    def _fsync_dir(self) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


def index_path(path: Path) -> Path:
    """`examples.json` → `examples.index.sqlite`, beside it."""
    return path.with_name(path.stem + ".index.sqlite")


def _pread_tail(fd: int, offset: int) -> bytes:
    start = max(0, offset - TAIL)
    return os.pread(fd, offset - start, start) if offset else b""


_ERASE = b',"erase":true}'


def _without_erase(line: bytes) -> bytes:
    """A record as compaction keeps it: its erase flag has done its work once the file is rewritten."""
    return line[: -len(_ERASE)] + b"}" if line.endswith(_ERASE) else line


def _json(data: bytes) -> Any:
    return json.loads(data.decode("utf-8", "surrogatepass"))


def _record_of(line: bytes, doc_id: str) -> dict[str, Any] | None:
    """The document in `line` if it is the examples record of `doc_id` (else None: moved)."""
    if not line.endswith(b"}"):
        return None
    try:
        record = parse_record(line)
    except ValueError:
        return None
    if record["t"] != "examples" or record["id"] != doc_id or record["op"] != "put":
        return None
    doc: dict[str, Any] = record["doc"]
    return doc


def refuse_special_file(path: Path) -> None:
    """A FIFO, socket, device or folder where the store file should be: reading a FIFO blocks
    every command forever, so refuse anything but a regular file before opening it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise StoreError(f"{path}: cannot read the store: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        raise StoreError(
            f"{path}: the store must be a regular file, and this is a {_kind(mode)}; "
            "move it away (or set FINETUNE_HOME to another folder) and retry"
        )


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISDIR, "folder"), (stat.S_ISSOCK, "socket"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((name for test, name in kinds if test(mode)), "special file")


_RECORD_START = b'{"op":'


def _torn_record(tail: bytes) -> bool:
    """Could these bytes after the last newline be a crashed append of ours? Every record we
    write starts with `{"op":`, so a torn one starts with it (or is cut inside it)."""
    return not tail.strip() or tail.startswith(_RECORD_START) or _RECORD_START.startswith(tail)


def _datasync(fd: int) -> None:
    """Flush an append: fdatasync where the OS has it. It writes the data and the new file size
    (what reading the record back needs) but not timestamps, 25% cheaper than fsync here."""
    (getattr(os, "fdatasync", None) or os.fsync)(fd)
