"""The index file beside the log: where each example's latest record lies, and the duplicate index.

`examples.json` stays the one source of truth. `examples.index.sqlite` (SQLite, in the standard
library, so the embedded store stays zero-setup) remembers what reading the log taught us, so a
process neither reads the whole log at start nor holds the store in memory:
- `examples`: id → byte offset and length of its latest put, status, first-seen order;
- `dedup` / `sigs` / `bands`: the stored dedup keys, their decoded signatures and one row per LSH
  band, so a duplicate lookup is one indexed probe per band (`dedup.bands`);
- `small`: the documents of the small tables (counters), kept whole;
- `memo`: values derived from a document (stats facts, export readiness), per document revision;
- `meta`: the log position this index covers (inode, offset, the bytes just before it) and the
  log's record counts.

The index is derived: a crash between a log append and its index update is caught up from the
covered offset, a log that is not the one it covers is read again from the start, and a damaged
or foreign index file is rebuilt. Writes happen inside the store's lock, in one SQLite
transaction per store transaction; readers never block (WAL).
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..config import DedupSettings
from ..dedup.bands import band_hashes, lsh_params, near_signatures, similarity
from ..dedup.exact import Match
from ..dedup.minhash import fingerprint
from ..errors import StoreError
from .record import storable

log = logging.getLogger(__name__)

SCHEMA = 2
TAIL = 64  # bytes before the covered offset, compared to know the log is still the one indexed

_TABLES = """
CREATE TABLE IF NOT EXISTS meta(k TEXT PRIMARY KEY, v);
CREATE TABLE IF NOT EXISTS examples(
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, off INTEGER NOT NULL, len INTEGER NOT NULL, status TEXT,
    rev INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS examples_seq ON examples(seq);
CREATE INDEX IF NOT EXISTS examples_status ON examples(status, seq);
CREATE TABLE IF NOT EXISTS dedup(id TEXT PRIMARY KEY, seq INTEGER NOT NULL, exact TEXT, keys BLOB NOT NULL);
CREATE INDEX IF NOT EXISTS dedup_exact ON dedup(exact, seq);
CREATE TABLE IF NOT EXISTS sigs(id TEXT PRIMARY KEY, u BLOB NOT NULL, a BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS bands(band INTEGER NOT NULL, hash INTEGER NOT NULL, id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS bands_key ON bands(band, hash);
CREATE INDEX IF NOT EXISTS bands_id ON bands(id);
CREATE TABLE IF NOT EXISTS memo(kind TEXT NOT NULL, id TEXT NOT NULL, rev INTEGER NOT NULL, data BLOB NOT NULL,
    PRIMARY KEY(kind, id));
CREATE TABLE IF NOT EXISTS small(t TEXT NOT NULL, id TEXT NOT NULL, seq INTEGER NOT NULL, doc BLOB NOT NULL,
    PRIMARY KEY(t, id));
"""


@dataclass(slots=True)
class Covered:
    """The part of the log the index has applied."""

    ino: int | None = None
    offset: int = 0
    tail: bytes = b""
    records: int = 0  # lines applied
    live: int = 0  # live (table, id) pairs
    erase_pending: bool = False
    seq: int = 0  # last order number given
    rev: int = 0  # last document revision given: never reused (memos are kept per revision)
    bands_current: bool = True  # the bands were made under this process's dedup settings


def _dumps(value: Any) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8", "surrogatepass")


def _loads(data: bytes) -> Any:
    return json.loads(data.decode("utf-8", "surrogatepass"))


class _Foreign(Exception):
    """An index file written by another release."""


class IndexFile:
    """`writable=False` (a read-only data folder): the index lives in memory, started from a copy
    of the index file when that can be read, and nothing is written."""

    def __init__(self, path: Path, settings: DedupSettings, writable: bool = True) -> None:
        self.path = path
        self.settings = settings
        self._bands_id = f"{fingerprint(settings)}|{lsh_params(settings.threshold, settings.num_perm)}"
        self.read_only = not writable
        self.db = self._connect() if writable else self._in_memory()

    # -- opening --------------------------------------------------------------------------------
    def _connect(self) -> sqlite3.Connection:
        try:
            try:
                return self._open()
            except sqlite3.OperationalError:
                raise  # the disk or permissions, not the file: removing it would not help
            except (sqlite3.DatabaseError, _Foreign) as err:
                # A damaged or foreign file: it only caches what the log holds, so start it again.
                log.warning("%s: the index file could not be read (%s); it is rebuilt from the log", self.path, err)
                self._remove()
                return self._open()
        except (sqlite3.Error, OSError) as err:
            raise StoreError(f"{self.path}: cannot open the index file ({err}); nothing was changed. "
                             "Free disk space or fix permissions and retry.") from None

    def _open(self) -> sqlite3.Connection:
        new = not self.path.exists()
        if new:
            fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o600)  # people's conversations: private
            os.close(fd)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None, check_same_thread=False)
        try:
            db.execute("PRAGMA journal_mode=WAL")
            # A lost index transaction (power cut) is replayed from the log, so no fsync per commit.
            db.execute("PRAGMA synchronous=NORMAL")
            # Checkpoint the WAL at ~1 MB (not SQLite's 4 MB): a small data folder stays small.
            db.execute("PRAGMA wal_autocheckpoint=256")
            db.execute("PRAGMA journal_size_limit=1048576")
            version = db.execute("PRAGMA user_version").fetchone()[0]
            if version not in (0, SCHEMA):
                raise _Foreign(f"index schema {version}, this release reads {SCHEMA}")
            db.executescript(_TABLES)
            if version == 0:
                db.execute(f"PRAGMA user_version={SCHEMA}")
        except BaseException:
            db.close()
            raise
        return db

    def _in_memory(self) -> sqlite3.Connection:
        db = sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)
        uri = Path(os.path.abspath(self.path)).as_uri()
        for options in ("mode=ro", "immutable=1"):  # immutable: no -shm file needed, none created
            with contextlib.suppress(sqlite3.Error):
                source = sqlite3.connect(f"{uri}?{options}", uri=True)
                try:
                    if source.execute("PRAGMA user_version").fetchone()[0] == SCHEMA:
                        source.backup(db)
                        break
                finally:
                    source.close()
        db.executescript(_TABLES)
        return db

    def _remove(self) -> None:
        for suffix in ("", "-wal", "-shm"):
            with contextlib.suppress(FileNotFoundError):
                os.unlink(str(self.path) + suffix)

    def close(self) -> None:
        with contextlib.suppress(sqlite3.Error):
            self.db.close()

    # -- transactions -----------------------------------------------------------------------------
    @property
    def in_write(self) -> bool:
        return self.db.in_transaction

    def begin(self, wait: float = 10.0) -> None:
        self.db.execute(f"PRAGMA busy_timeout = {int(wait * 1000)}")
        self.db.execute("BEGIN IMMEDIATE")

    def commit(self) -> None:
        self.db.execute("COMMIT")

    def rollback(self) -> None:
        if self.db.in_transaction:
            self.db.execute("ROLLBACK")

    @contextlib.contextmanager
    def writing(self, wait: float = 10.0) -> Iterator[None]:
        """A write transaction, unless one is open already (the store's lock holds one)."""
        if self.in_write:
            yield
            return
        self.begin(wait)
        try:
            yield
        except BaseException:
            self.rollback()
            raise
        self.commit()

    # -- what is covered --------------------------------------------------------------------------
    def covered(self) -> Covered:
        rows = dict(self.db.execute("SELECT k, v FROM meta").fetchall())
        return Covered(
            ino=rows.get("ino"), offset=rows.get("offset", 0), tail=rows.get("tail", b""),
            records=rows.get("records", 0), live=rows.get("live", 0),
            erase_pending=bool(rows.get("erase_pending", 0)), seq=rows.get("seq", 0), rev=rows.get("rev", 0),
            bands_current=rows.get("bands", self._bands_id) == self._bands_id,
        )

    def set_covered(self, c: Covered) -> None:
        self.db.executemany(
            "INSERT INTO meta(k, v) VALUES(?, ?) ON CONFLICT(k) DO UPDATE SET v = excluded.v",
            [("ino", c.ino), ("offset", c.offset), ("tail", c.tail), ("records", c.records), ("live", c.live),
             ("erase_pending", int(c.erase_pending)), ("seq", c.seq), ("rev", c.rev), ("bands", self._bands_id)],
        )

    def clear(self) -> None:
        for table in ("meta", "examples", "dedup", "sigs", "bands", "small", "memo"):
            self.db.execute(f"DELETE FROM {table}")  # noqa: S608 (fixed names)

    def reband(self) -> None:
        """Dedup settings changed: signatures and bands follow the stored keys under the new ones."""
        self.db.execute("DELETE FROM sigs")
        self.db.execute("DELETE FROM bands")
        for doc_id, keys in self.db.execute("SELECT id, keys FROM dedup").fetchall():
            self._index_near(doc_id, _loads(keys))

    # -- applying records (inside `writing()`) ---------------------------------------------------------
    def apply(self, c: Covered, record: dict[str, Any], off: int, length: int) -> None:
        """Apply one log record read at `off` (`length` bytes, newline excluded); updates `c`."""
        op, table, doc_id = record["op"], record["t"], record["id"]
        if record.get("erase"):
            c.erase_pending = True
        existed = self._exists(table, doc_id)
        if op == "put":
            if not existed:
                c.seq += 1
                c.live += 1
            c.rev += 1
            self._put(table, doc_id, record["doc"], off, length, c.seq, c.rev)
        elif existed:
            self._delete(table, doc_id)
            c.live -= 1
        c.records += 1

    def _exists(self, table: str, doc_id: str) -> bool:
        if table in ("examples", "dedup"):
            sql = f"SELECT 1 FROM {table} WHERE id = ?"  # noqa: S608 (fixed names)
            return self.db.execute(sql, (doc_id,)).fetchone() is not None
        return self.db.execute("SELECT 1 FROM small WHERE t = ? AND id = ?", (table, doc_id)).fetchone() is not None

    def _put(self, table: str, doc_id: str, doc: dict[str, Any], off: int, length: int, seq: int, rev: int) -> None:
        if table == "examples":
            status = doc.get("status")
            self.db.execute(
                "INSERT INTO examples(id, seq, off, len, status, rev) VALUES(?, ?, ?, ?, ?, ?) ON CONFLICT(id) "
                "DO UPDATE SET off = excluded.off, len = excluded.len, status = excluded.status, rev = excluded.rev",
                (doc_id, seq, off, length, status if isinstance(status, str) and storable(status) else None, rev),
            )
        elif table == "dedup":
            exact = doc.get("exact")
            self.db.execute(
                "INSERT INTO dedup(id, seq, exact, keys) VALUES(?, ?, ?, ?) ON CONFLICT(id) DO UPDATE "
                "SET exact = excluded.exact, keys = excluded.keys",
                (doc_id, seq, exact if isinstance(exact, str) and storable(exact) else None, _dumps(doc)),
            )
            self.db.execute("DELETE FROM sigs WHERE id = ?", (doc_id,))
            self.db.execute("DELETE FROM bands WHERE id = ?", (doc_id,))
            self._index_near(doc_id, doc)
        else:
            self.db.execute(
                "INSERT INTO small(t, id, seq, doc) VALUES(?, ?, ?, ?) "
                "ON CONFLICT(t, id) DO UPDATE SET doc = excluded.doc",
                (table, doc_id, seq, _dumps(doc)),
            )

    def _index_near(self, doc_id: str, keys: dict[str, Any]) -> None:
        try:
            sigs = near_signatures(keys, self.settings)
        except (KeyError, TypeError, ValueError):
            sigs = None  # hand-edited keys: recomputed like stale ones (`missing`)
        if sigs is None:
            return
        union, answer = sigs
        self.db.execute("INSERT INTO sigs(id, u, a) VALUES(?, ?, ?)", (doc_id, union.tobytes(), answer.tobytes()))
        self.db.executemany(
            "INSERT INTO bands(band, hash, id) VALUES(?, ?, ?)",
            [(i, h, doc_id) for i, h in enumerate(band_hashes(union, self.settings))],
        )

    def _delete(self, table: str, doc_id: str) -> None:
        if table == "examples":
            self.db.execute("DELETE FROM examples WHERE id = ?", (doc_id,))
            self.db.execute("DELETE FROM memo WHERE id = ?", (doc_id,))
        elif table == "dedup":
            for t in ("dedup", "sigs", "bands"):
                self.db.execute(f"DELETE FROM {t} WHERE id = ?", (doc_id,))  # noqa: S608 (fixed names)
        else:
            self.db.execute("DELETE FROM small WHERE t = ? AND id = ?", (table, doc_id))

    def relocate(self, moves: list[tuple[int, int, str]]) -> None:
        """After a compaction: the examples' records now lie at these (offset, length, id)."""
        self.db.executemany("UPDATE examples SET off = ?, len = ? WHERE id = ?", moves)

    # -- reads ----------------------------------------------------------------------------------------
    def location(self, doc_id: str) -> tuple[int, int] | None:
        row = self.db.execute("SELECT off, len FROM examples WHERE id = ?", (doc_id,)).fetchone()
        return (row[0], row[1]) if row is not None else None

    def locations(self, status: str | None = None) -> list[tuple[str, int, int]]:
        """(id, offset, length) of every example (or those with `status`), oldest first."""
        if status is None:
            return self.db.execute("SELECT id, off, len FROM examples ORDER BY seq").fetchall()
        return self.db.execute("SELECT id, off, len FROM examples WHERE status = ? ORDER BY seq", (status,)).fetchall()

    def revisions(self) -> list[tuple[str, int, int, int, int]]:
        """(id, revision, offset, length, order) of every example, oldest first; a revision
        changes whenever the example's document does."""
        return self.db.execute("SELECT id, rev, off, len, seq FROM examples ORDER BY seq").fetchall()

    def memo_get(self, kind: str, ids: list[str]) -> dict[str, tuple[int, bytes]]:
        found: dict[str, tuple[int, bytes]] = {}
        for i in range(0, len(ids), 900):
            chunk = ids[i : i + 900]
            marks = ",".join("?" * len(chunk))
            sql = f"SELECT id, rev, data FROM memo WHERE kind = ? AND id IN ({marks})"  # noqa: S608 (placeholders)
            found.update((doc_id, (rev, data)) for doc_id, rev, data in self.db.execute(sql, [kind, *chunk]))
        return found

    def memo_put(self, kind: str, rows: list[tuple[str, int, bytes]]) -> None:
        """Keep derived values (a cache: when the index is busy with a writer, they are not kept)."""
        family = kind.split(":", 1)[0]
        try:
            with self.writing(wait=0.05):
                # Values of this family made under other settings or code will not be asked for again.
                self.db.execute("DELETE FROM memo WHERE kind > ? AND kind < ? AND kind != ?",
                                (family + ":", family + ";", kind))
                # Only for examples still stored: a value kept after its example was deleted would
                # outlive the deletion (the delete's own pass removed what was there then).
                self.db.executemany(
                    "INSERT OR REPLACE INTO memo(kind, id, rev, data) SELECT ?, ?, ?, ? "
                    "WHERE EXISTS (SELECT 1 FROM examples WHERE id = ?)",
                    [(kind, i, rev, data, i) for i, rev, data in rows])
        except sqlite3.OperationalError as err:
            log.info("%s: derived values not kept (%s)", self.path, err)

    def memo_all(self, kind: str) -> list[tuple[str, bytes]]:
        """Every (id, value) kept under `kind`, whatever the revision."""
        return self.db.execute("SELECT id, data FROM memo WHERE kind = ?", (kind,)).fetchall()

    def ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM examples ORDER BY seq")]

    def statuses(self) -> dict[str, str | None]:
        return dict(self.db.execute("SELECT id, status FROM examples ORDER BY seq").fetchall())

    def count(self) -> int:
        return int(self.db.execute("SELECT count(*) FROM examples").fetchone()[0])

    def contains(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM examples WHERE id = ?", (doc_id,)).fetchone() is not None

    def small(self, table: str) -> dict[str, dict[str, Any]]:
        rows = self.db.execute("SELECT id, doc FROM small WHERE t = ? ORDER BY seq", (table,)).fetchall()
        return {doc_id: _loads(doc) for doc_id, doc in rows}

    def tables(self) -> list[str]:
        names = [r[0] for r in self.db.execute("SELECT DISTINCT t FROM small")]
        return ["examples", "dedup", *names]

    def keys_of(self, doc_id: str) -> dict[str, Any] | None:
        row = self.db.execute("SELECT keys FROM dedup WHERE id = ?", (doc_id,)).fetchone()
        return _loads(row[0]) if row is not None else None

    def all_keys(self) -> Iterator[tuple[str, dict[str, Any]]]:
        for doc_id, keys in self.db.execute("SELECT id, keys FROM dedup ORDER BY seq").fetchall():
            yield doc_id, _loads(keys)

    def dedup_records(self) -> Iterator[tuple[str, bytes]]:
        yield from self.db.execute("SELECT id, keys FROM dedup ORDER BY seq")

    def small_records(self) -> Iterator[tuple[str, str, bytes]]:
        yield from self.db.execute("SELECT t, id, doc FROM small ORDER BY seq")

    def missing_keys(self) -> list[str]:
        """Examples the duplicate index should hold (all but superseded) without usable keys."""
        near = " OR s.id IS NULL" if self.settings.near else ""
        sql = (
            "SELECT e.id FROM examples e LEFT JOIN dedup d ON d.id = e.id LEFT JOIN sigs s ON s.id = e.id "
            f"WHERE (e.status IS NULL OR e.status != 'superseded') AND (d.id IS NULL OR d.exact IS NULL{near}) "
            "ORDER BY e.seq"
        )
        return [r[0] for r in self.db.execute(sql)]

    def find(self, keys: dict[str, Any], exclude: str | None = None) -> Match | None:
        """Exact first (the oldest holder of the key), else the most similar verified near duplicate."""
        exact = keys.get("exact")
        if isinstance(exact, str):
            row = self.db.execute(
                "SELECT id FROM dedup WHERE exact = ? AND id IS NOT ? ORDER BY seq LIMIT 1", (exact, exclude)
            ).fetchone()
            if row is not None:
                return Match(row[0], "exact", 1.0)
        found = self.near(keys, exclude)
        return found[0] if found else None

    def near(self, keys: dict[str, Any], exclude: str | None = None) -> list[Match]:
        """Verified near duplicates of these keys, most similar first: one indexed probe per band."""
        import numpy as np

        try:
            sigs = near_signatures(keys, self.settings)
        except (KeyError, TypeError, ValueError):
            return []
        if sigs is None:
            return []
        hashes = band_hashes(sigs[0], self.settings)
        probe = " OR ".join(["(band = ? AND hash = ?)"] * len(hashes))
        params = [v for pair in enumerate(hashes) for v in pair]
        sql = f"SELECT DISTINCT id FROM bands WHERE {probe}"  # noqa: S608 (placeholders only)
        candidates = [r[0] for r in self.db.execute(sql, params) if r[0] != exclude]
        found: list[Match] = []
        for i in range(0, len(candidates), 500):
            chunk = candidates[i : i + 500]
            marks = ",".join("?" * len(chunk))
            for cid, u, a in self.db.execute(f"SELECT id, u, a FROM sigs WHERE id IN ({marks})", chunk):  # noqa: S608
                other = (np.frombuffer(u, dtype=np.uint32), np.frombuffer(a, dtype=np.uint32))
                similar = similarity(sigs, other, self.settings)
                if similar is not None:
                    found.append(Match(cid, "near", similar))
        return sorted(found, key=lambda m: -m.similarity)
