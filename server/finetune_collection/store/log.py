"""The store file: an append-only log of JSON records. The only code that opens, locks, appends
to, fsyncs and compacts it.

TinyDB's JSONStorage reads and rewrites the whole file on every insert. `LogStorage` is a TinyDB
`Storage` (its extension point) that keeps the file as a log of changes instead, one record per
line, so a write costs one small append + fdatasync whatever the store's size. Another process's
appends are read incrementally (from the last offset), and the log is compacted (rewritten
atomically) when superseded records outnumber live ones.

Line format (field order fixed, so `snapshot.py` can scan headers without parsing documents):
    {"op":"put","t":"examples","id":"ex_…","doc":{…}}
    {"op":"del","t":"examples","id":"ex_…"}
A delete's or an edit's record ends with `"erase":true`: the text it supersedes must leave the
file, so the transaction compacts before it ends, or takes its records back out when it cannot
(a full disk), and a compaction a crash prevented is retried by the next writer.

Durability: a record is acknowledged only after its line is written and fdatasync'd. A crash can
leave at most a torn last line (never acknowledged); the next writer truncates it under the lock
and says so. Every read-modify-write holds an exclusive file lock (`examples.json.lock`).
Listeners see every record applied (ours and other processes'): the dedup index follows the file
through one.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import secrets
import stat
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

from tinydb.storages import Storage

from ..errors import StoreCorrupt, StoreError, StoreLocked
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
Listener = Callable[[str, str, "dict[str, Any] | None"], None]

COMPACT_MIN_DEAD = 1000


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
        listener: Listener | None = None,
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
        self._swept = False  # temp files left by a crashed compaction: removed at the first lock
        self._tables: Tables = {}
        self._offset = 0
        self._ino: int | None = None
        self._records = 0  # lines in the file that we applied
        self._live = 0
        # Listeners see every applied record (ours and other processes'), from the first read on.
        self.listeners: list[Listener] = [listener] if listener is not None else []
        self.recovered: list[str] = []
        # A record with "erase": true (a delete, an edit) supersedes text that must leave the
        # file: the transaction that appends it compacts, and a compaction that never happened
        # (a crash in between) is found on reading and retried by the next writer.
        self._erase_pending = False
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
        # Nothing is read yet: documents load on first use, so a command that only streams the
        # file (export) or needs nothing from it never holds the store in memory.
        if self._has_leftovers():
            with self.locked():
                pass  # locked() repairs torn tails and removes stale temp files

    # -- TinyDB Storage API -------------------------------------------------------------------
    def read(self) -> Tables:
        self.refresh()
        return self._tables

    def loaded(self, name: str) -> dict[str, dict[str, Any]]:
        """One table as already read, without reading the file (nothing if not loaded yet)."""
        return self._tables.get(name, {})

    def table(self, name: str) -> dict[str, dict[str, Any]]:
        """One table's documents by id, current with the file (a live view: do not modify)."""
        self.refresh()
        return self._tables.get(name, {})

    def write(self, data: Mapping[str, Mapping[str, Mapping[str, Any]]]) -> None:
        """Full write (TinyDB's generic path, e.g. `truncate`): an atomic rewrite."""
        with self.locked():
            tables = {t: {str(k): dict(v) for k, v in docs.items()} for t, docs in data.items()}
            try:
                self._rewrite(tables)
            except _RewriteFailed as err:
                raise StoreError(f"{self.path}: write failed ({err.reason}); the store is unchanged") from None

    def close(self) -> None:
        self._close_write_fd()
        self._lock.close()

    # -- locking ------------------------------------------------------------------------------
    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the store's exclusive lock; catch up with (and repair) the file first."""
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
        try:
            if outer:
                if not self._swept:
                    self._remove_temp_files()
                    self._swept = True
                self.refresh(repair=True)
                if self._erase_pending:
                    self._retry_erase()
                self._txn_start = (self._ino, self._offset)
                self._txn_erases = False
            yield
            if outer:
                if self._txn_erases:
                    self._erase_or_roll_back()
                else:
                    self._maybe_compact()
        finally:
            if outer:
                self._txn_erases = False
            self._lock.release()

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
        self._ino = None  # read the file again: memory and listeners go back to what it holds
        self.refresh()
        raise StoreError(
            f"{self.path}: rewriting the file failed ({problem}); nothing was changed. "
            "Free disk space and retry."
        )

    # -- appending ----------------------------------------------------------------------------
    def append(self, records: list[dict[str, Any]]) -> None:
        """Append records durably (write + fsync). Caller holds `locked()`."""
        if not self._lock.is_locked:
            raise RuntimeError("append() needs the store lock")
        data = b"".join(encode(r) for r in records)
        fd = self._write_fd()
        try:
            written = 0
            try:
                while written < len(data):
                    written += os.write(fd, data[written:])
                _datasync(fd)
            except OSError as err:
                # Roll back a partial write so the file stays as it was (disk full, quota, ...).
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, self._offset)
                raise StoreError(
                    f"{self.path}: write failed ({err.strerror}); nothing was stored. "
                    "Free disk space or fix permissions and retry."
                ) from None
            st = os.fstat(fd)
        except BaseException:
            self._close_write_fd()  # reopen next time rather than trust an fd in an unknown state
            raise
        for record in records:
            self._apply(record)
            self._txn_erases = self._txn_erases or bool(record.get("erase"))
        self._offset += len(data)
        self._ino = st.st_ino

    def _write_fd(self) -> int:
        """An O_APPEND fd on the current file, kept open across appends while its inode is the
        file's (a compaction, ours or another process's, replaces the inode: then reopen)."""
        if self._wfd is not None and self._wfd_ino == self._ino and self._ino is not None:
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
    def refresh(self, repair: bool = False) -> None:
        """Apply what other processes appended since our last read (or reload after compaction)."""
        try:
            # One stat answers the common case (nothing new, same file) without opening it.
            st = os.stat(self.path)
            if st.st_ino == self._ino and st.st_size == self._offset:
                return
        except OSError:
            pass  # the open below reports it
        try:
            f = open(self.path, "rb")  # noqa: SIM115
        except FileNotFoundError:
            self._reset()
            return
        except OSError as err:
            raise StoreError(f"{self.path}: cannot read the store: {err.strerror}") from None
        with f:
            st = os.fstat(f.fileno())
            if st.st_ino != self._ino or st.st_size < self._offset:
                self._reset()
                self._ino = st.st_ino
            if st.st_size == self._offset:
                return
            f.seek(self._offset)
            data = f.read()
        end = data.rfind(b"\n") + 1
        lineno = self._records
        if end < len(data) and repair:
            if not _torn_record(data[end:]):
                # Only the start of one of our records can be a crashed append. Anything else
                # (a TinyDB JSON file, an array, a hand edit without a final newline) is someone's
                # data: truncating it would destroy the whole file.
                raise self._corrupt(lineno + data[:end].count(b"\n") + 1, self._offset + end)
            self._truncate_torn(self._offset + end, len(data) - end)
        pos = 0
        for line in data[:end].split(b"\n")[:-1] if end else []:
            lineno += 1
            if not line.strip():  # a blank line (an editor's) holds no record; the export reader skips it too
                pos += len(line) + 1
                continue
            try:
                record = parse_record(line)
            except ValueError:
                raise self._corrupt(lineno, self._offset + pos) from None
            self._apply(record)
            pos += len(line) + 1
        self._offset += end

    def _corrupt(self, lineno: int, byte: int) -> StoreCorrupt:
        return StoreCorrupt(
            f"{self.path}: line {lineno} is not a valid store record (byte {byte}). "
            "The file was damaged or edited outside finetune-collection. "
            "Run `finetune repair` to keep every valid record (the damaged file is kept "
            "beside it), or restore a backup."
        )

    def _apply(self, record: dict[str, Any]) -> None:
        """Apply one record that `parse_record` accepted (or that we built ourselves)."""
        op, table, doc_id = record["op"], record["t"], record["id"]
        if record.get("erase"):
            self._erase_pending = True
        docs = self._tables.setdefault(table, {})
        existed = doc_id in docs
        doc: dict[str, Any] | None = None
        if op == "put":
            doc = record["doc"]
            docs[doc_id] = doc
            self._live += 0 if existed else 1
        elif existed:
            del docs[doc_id]
            self._live -= 1
        self._records += 1
        for listener in self.listeners:
            listener(table, doc_id, doc)

    def _reset(self) -> None:
        self._erase_pending = False
        self._tables = {}
        self._offset = 0
        self._records = 0
        self._live = 0
        self._ino = None
        for listener in self.listeners:
            listener("", "", None)  # "" table: everything was dropped

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
        dead = self._records - self._live
        if dead > max(COMPACT_MIN_DEAD, self._live):
            problem = self._try_rewrite()
            if problem is not None:
                log.warning("%s: compaction failed (%s); the log stays as it is and is compacted later",
                            self.path, problem)

    def _try_rewrite(self) -> str | None:
        """Compact: rewrite the file from memory. Returns the reason it failed (None: done)."""
        try:
            self._rewrite(self._tables)
        except _RewriteFailed as err:
            return err.reason
        return None

    def _rewrite(self, tables: Tables) -> None:
        tmp = self.path.with_name(f"{self.path.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as f:
                for table, docs in tables.items():
                    for doc_id, doc in docs.items():
                        f.write(encode({"op": "put", "t": table, "id": doc_id, "doc": doc}))
                f.flush()
                os.fsync(f.fileno())
                st = os.fstat(f.fileno())
            os.replace(tmp, self.path)
            self._fsync_dir()
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise _RewriteFailed(err.strerror or "write error") from None
        if tables is self._tables:
            # Compaction: the new file holds exactly what we have in memory, so adopt it as read.
            # Re-reading it would replay every record to the listeners (the near-dup index is
            # rebuilt from scratch): ~17 s under the lock for a 20k-example store.
            self._ino, self._offset = st.st_ino, st.st_size
            self._records = self._live = sum(len(docs) for docs in tables.values())
            self._erase_pending = False
            return
        self._ino = None  # a full write of other tables: reload, so listeners see the new state
        self.refresh()

    def _fsync_dir(self) -> None:
        with contextlib.suppress(OSError):
            fd = os.open(self.path.parent, os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)


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
