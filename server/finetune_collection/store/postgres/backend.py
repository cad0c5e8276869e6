"""`PgStore`: the store API over PostgreSQL, with the embedded `Store`'s semantics.

One connection per store object, autocommit outside `transaction()`. A transaction is one database
transaction that first takes an advisory lock, so a collect's duplicate check and insert are one
atomic step across processes and machines (READ COMMITTED: every statement after the lock sees
what the previous holder committed). A write called outside a transaction runs in its own.
Reads page through the table by sequence, so no call holds the whole store; `stream()` reads a
REPEATABLE READ snapshot through a server-side cursor on a connection of its own.
"""

from __future__ import annotations

import contextlib
import secrets
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from pydantic import ValidationError

from ...config import Config
from ...errors import NotFound, StoreCorrupt
from ...model import Example, Status, created_at
from ..api import shown_id
from ..folds import Folds
from ..protocol import findable
from . import index, schema
from .connection import connect, redact, translated

if TYPE_CHECKING:
    import psycopg

    from ...dedup.exact import Match

PAGE = 1000  # documents per round trip when iterating
LOAD_CHUNK = 5000  # rows per COPY pair in a bulk load (examples, then their bands)
_COLUMNS = "id, doc, status, quality_score, task_type, source, created_at, collected_by, approved_by"


def columns(example_id: str, doc: dict[str, Any]) -> tuple[Any, ...]:
    """(id, document, then the indexed columns) of a document (read leniently: a hand-edited one still stores)."""
    meta = doc.get("metadata")
    score = doc.get("quality_score")
    return (
        example_id,
        doc,
        str(doc.get("status", "")),
        float(score) if isinstance(score, int | float) and not isinstance(score, bool) else None,
        _text(doc.get("task_type")),
        _text(meta.get("source")) if isinstance(meta, dict) else None,
        created_at(doc),
        _text(doc.get("collected_by")),
        _text(doc.get("approved_by")),
    )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


T = TypeVar("T")


class PgStore:
    def __init__(self, url: str, home: Path, config: Config, source: str = "FINETUNE_STORE") -> None:
        self.url = url
        self.home = home
        self.config = config
        self.location = redact(url)
        self.path: Path | None = None  # no log file to protect from an export's output
        self.recovered: list[str] = []
        self._timeout = config.limits.lock_timeout
        self._conn = connect(url, self._timeout, source)
        self._lock = threading.RLock()  # one transaction at a time on this connection
        self._folds: Folds[tuple[str, str]] = Folds()
        self._depth = 0
        self._changed = False
        try:
            with self._errors():
                schema.check(self._conn, self.location)
        except BaseException:
            self._conn.close()
            raise

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return translated(self.location, self.url, self._timeout)

    def close(self) -> None:
        self._conn.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        with self._lock:
            if self._depth:
                self._depth += 1
                try:
                    yield
                finally:
                    self._depth -= 1
                return
            with self._errors(), self._conn.transaction():
                self._conn.execute("SELECT pg_advisory_xact_lock(%s)", (schema.LOCK_KEY,))
                # A separate statement: under READ COMMITTED the lock's own statement read an
                # older snapshot than the one every statement after the lock sees.
                self._current_bands()
                self._depth, self._changed = 1, False
                try:
                    yield
                    if self._changed:
                        self._conn.execute(
                            "UPDATE finetune_meta SET value = (value::bigint + 1)::text WHERE key = 'version'"
                        )
                finally:
                    self._depth = 0

    def _current_bands(self) -> None:
        """Re-band when the table was banded under other dedup settings (inside the lock)."""
        row = self._conn.execute("SELECT value FROM finetune_meta WHERE key = 'bands'").fetchone()
        if row is None or row[0] != index.tag(self.config.dedup):
            index.reband(self._conn, self.config.dedup)

    @contextlib.contextmanager
    def _writing(self) -> Iterator[psycopg.Connection[Any]]:
        with self.transaction():
            self._changed = True
            yield self._conn

    def refresh(self) -> None:
        """Nothing to catch up: every read asks the database."""

    def version(self) -> str:
        rows = dict(self._rows("SELECT key, value FROM finetune_meta WHERE key IN ('store_id', 'version')"))
        return f"{rows.get('store_id')}:{rows.get('version')}"

    def _rows(self, query: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
        with self._lock, self._errors():
            return self._conn.execute(query, params).fetchall()

    def _one(self, query: str, params: tuple[Any, ...] = ()) -> tuple[Any, ...] | None:
        rows = self._rows(query, params)
        return rows[0] if rows else None

    # -- reads ----------------------------------------------------------------------------------
    def new_id(self) -> str:
        while True:
            candidate = "ex_" + secrets.token_hex(6)
            if candidate not in self:
                return candidate

    def ids(self) -> list[str]:
        """Stored example ids, oldest first."""
        return [str(r[0]) for r in self._rows("SELECT id FROM finetune_examples ORDER BY seq")]

    def statuses(self) -> dict[str, str | None]:
        """Every example's status by id, oldest first (the column: no document is read)."""
        return {str(i): s for i, s in self._rows("SELECT id, status FROM finetune_examples ORDER BY seq")}

    def __len__(self) -> int:
        row = self._one("SELECT count(*) FROM finetune_examples")
        return int(row[0]) if row else 0

    def __contains__(self, example_id: object) -> bool:
        if not findable(example_id):
            return False
        return self._one("SELECT 1 FROM finetune_examples WHERE id = %s", (example_id,)) is not None

    def get(self, example_id: str) -> Example:
        doc = self.get_doc(example_id)
        try:
            return Example.model_validate(doc)
        except ValidationError as err:
            raise StoreCorrupt(
                f"{self.location}: example {example_id} does not match the example schema "
                f"({err.error_count()} problem(s)); fix or delete it with `finetune delete {example_id}`"
            ) from None

    def get_doc(self, example_id: str) -> dict[str, Any]:
        found = findable(example_id)
        row = self._one("SELECT doc FROM finetune_examples WHERE id = %s", (example_id,)) if found else None
        if row is None:
            raise NotFound(f"no example with id {shown_id(example_id)}; `finetune list` shows the stored ids")
        return _with_id(example_id, row[0])

    def docs(self, status: Status | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents oldest first, a page per round trip (never all held at once)."""
        after = 0
        while True:
            if status is None:
                page = self._rows(
                    "SELECT seq, id, doc FROM finetune_examples WHERE seq > %s ORDER BY seq LIMIT %s", (after, PAGE)
                )
            else:
                page = self._rows(
                    "SELECT seq, id, doc FROM finetune_examples WHERE status = %s AND seq > %s ORDER BY seq LIMIT %s",
                    (status, after, PAGE),
                )
            for _, example_id, doc in page:
                yield _with_id(str(example_id), doc)
            if len(page) < PAGE:
                return
            after = int(page[-1][0])

    def fold(self, kind: str, compute: Callable[[str, dict[str, Any]], Any], fold: Callable[[list[tuple[str, Any]]], T]
             ) -> list[T]:
        """`fold` over blocks of FOLD_BLOCK examples in store order, as the embedded store does:
        `compute`'s values are kept in `finetune_memo` per row version (xmin), and each block's
        fold in this process while none of its rows changes."""
        rows = [(int(seq), (str(doc_id), str(rev)))
                for doc_id, rev, seq in self._rows("SELECT id, xmin::text, seq FROM finetune_examples ORDER BY seq")]
        return self._folds.run(kind, rows, lambda block: self._values(kind, compute, block), fold)

    def _values(
        self, kind: str, compute: Callable[[str, dict[str, Any]], Any], rows: list[tuple[str, str]]
    ) -> list[tuple[str, Any]]:
        from psycopg.types.json import Jsonb

        ids = [doc_id for doc_id, _ in rows]
        known = {str(i): (str(rev), data) for i, rev, data in self._rows(
            "SELECT id, rev, data FROM finetune_memo WHERE kind = %s AND id = ANY(%s)", (kind, ids))}
        values: dict[str, Any] = {}
        missing = []
        for doc_id, rev in rows:
            hit = known.get(doc_id)
            if hit is not None and hit[0] == rev:
                values[doc_id] = hit[1]
            else:
                missing.append(doc_id)
        fresh = []
        if missing:
            # The document and its version in one read: the value is kept for what was computed.
            for doc_id, rev, doc in self._rows(
                "SELECT id, xmin::text, doc FROM finetune_examples WHERE id = ANY(%s)", (missing,)
            ):
                value = compute(str(doc_id), _with_id(str(doc_id), doc))
                values[str(doc_id)] = value
                fresh.append((kind, str(doc_id), str(rev), Jsonb(value)))
        if fresh:
            self._memo_put(kind, fresh)
        return [(doc_id, values[doc_id]) for doc_id in ids if doc_id in values]

    def _memo_put(self, kind: str, rows: list[tuple[str, str, str, Any]]) -> None:
        """Keep (kind, id, rev, Jsonb value) rows, for examples still stored (a value kept after
        its example was deleted would outlive the deletion)."""
        family = kind.split(":", 1)[0]
        with self._lock, self._errors(), self._conn.transaction():
            # Values of this family made under other settings or code will not be asked for again.
            self._conn.execute("DELETE FROM finetune_memo WHERE kind > %s AND kind < %s AND kind <> %s",
                               (family + ":", family + ";", kind))
            with self._conn.cursor() as cursor:
                cursor.executemany(
                    "INSERT INTO finetune_memo (kind, id, rev, data) SELECT %s, %s, %s, %s "
                    "WHERE EXISTS (SELECT 1 FROM finetune_examples WHERE id = %s) "
                    "ON CONFLICT (kind, id) DO UPDATE SET rev = excluded.rev, data = excluded.data",
                    [(*row, row[1]) for row in rows])

    def kept(self, kind: str) -> dict[str, Any]:
        return {str(doc_id): data for doc_id, data in self._rows(
            "SELECT id, data FROM finetune_memo WHERE kind = %s", (kind,))}

    def keep(self, kind: str, values: dict[str, Any]) -> None:
        from psycopg.types.json import Jsonb

        rows = [(kind, doc_id, "", Jsonb(v)) for doc_id, v in values.items() if findable(doc_id)]
        if rows:
            self._memo_put(kind, rows)

    def snapshot(self) -> PgSnapshot:
        with self._errors():
            return PgSnapshot(connect(self.url, self._timeout))

    @contextlib.contextmanager
    def stream(self) -> Iterator[Iterator[tuple[str, dict[str, Any]]]]:
        """(id, document) oldest first, as stored when it opened, whatever is written meanwhile."""
        conn = connect(self.url, self._timeout)
        try:
            with self._errors(), conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with conn.cursor(name="finetune_stream") as cursor:
                    cursor.itersize = PAGE
                    cursor.execute("SELECT id, doc FROM finetune_examples ORDER BY seq")
                    yield ((str(i), _with_id(str(i), d)) for i, d in cursor)
        finally:
            conn.close()

    def rows(self) -> Iterator[tuple[str, dict[str, Any], dict[str, Any] | None]]:
        """(id, document, dedup keys) oldest first, from one snapshot (for `finetune migrate`)."""
        conn = connect(self.url, self._timeout)
        try:
            with self._errors(), conn.transaction():
                conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                with conn.cursor(name="finetune_rows") as cursor:
                    cursor.itersize = PAGE
                    cursor.execute("SELECT id, doc, keys FROM finetune_examples ORDER BY seq")
                    for i, d, k in cursor:
                        yield str(i), _with_id(str(i), d), k if isinstance(k, dict) else None
        finally:
            conn.close()

    def keys_of(self, example_id: str) -> dict[str, Any] | None:
        if not findable(example_id):
            return None
        row = self._one("SELECT keys FROM finetune_examples WHERE id = %s", (example_id,))
        return dict(row[0]) if row is not None and isinstance(row[0], dict) else None

    def all_keys(self) -> dict[str, dict[str, Any]]:
        rows = self._rows("SELECT id, keys FROM finetune_examples WHERE keys IS NOT NULL ORDER BY seq")
        return {str(i): dict(k) for i, k in rows}

    def counter_values(self) -> dict[str, int]:
        return {str(name): int(n) for name, n in self._rows("SELECT name, n FROM finetune_counters ORDER BY name")}

    def find_duplicate(self, keys: dict[str, Any], exclude: str | None = None) -> Match | None:
        """The stored, not superseded example these keys duplicate: exact first, else the most
        similar verified near duplicate (`dedup.bands`, as every backend verifies). `exclude`: an
        id that does not count (an example being edited is not its own duplicate)."""
        with self.transaction():  # the bands must be the current settings' (re-banded under the lock)
            return index.find(self._conn, keys, self.config.dedup, exclude)

    def neighbours(self, example_id: str) -> list[Match]:
        """Verified near duplicates of a stored example, most similar first (not itself)."""
        keys = self.keys_of(example_id)
        if keys is None:
            return []
        with self.transaction():
            return index.near(self._conn, keys, self.config.dedup, exclude=example_id)

    def missing_keys(self) -> list[str]:
        """Examples (all but superseded) without keys, or with keys made under other settings."""
        settings = self.config.dedup
        if settings.near:
            rows = self._rows(
                "SELECT id FROM finetune_examples WHERE status <> 'superseded' AND "
                "(keys IS NULL OR keys->>'exact' IS NULL OR keys->'near'->>'fp' IS DISTINCT FROM %s) ORDER BY seq",
                (index.fingerprint(settings),),
            )
        else:
            rows = self._rows(
                "SELECT id FROM finetune_examples WHERE status <> 'superseded' AND "
                "(keys IS NULL OR keys->>'exact' IS NULL) ORDER BY seq"
            )
        return [str(r[0]) for r in rows]

    # -- writes ---------------------------------------------------------------------------------
    def insert(self, example: Example, keys: dict[str, Any]) -> None:
        with self._writing() as conn:
            self._upsert(conn, [(example.id, example.to_doc())])
            self._set_keys(conn, {example.id: keys})

    def put(self, example: Example) -> None:
        self.put_many([example])

    def put_many(self, examples: list[Example]) -> None:
        """Store these documents (their dedup keys stay), in one transaction."""
        if examples:
            with self._writing() as conn:
                self._upsert(conn, [(e.id, e.to_doc()) for e in examples])

    def remove(self, example_id: str) -> None:
        self.remove_many([example_id])

    def remove_many(self, example_ids: list[str]) -> None:
        """Delete the rows (a privacy request), all or none: NotFound if any id is missing."""
        with self._writing() as conn:
            found = {str(r[0]) for r in conn.execute(
                "SELECT id FROM finetune_examples WHERE id = ANY(%s)", ([i for i in example_ids if findable(i)],)
            ).fetchall()}
            missing = [i for i in example_ids if i not in found]
            if missing:
                raise NotFound(f"no example with id {shown_id(missing[0])}; `finetune list` shows the stored ids")
            conn.execute("DELETE FROM finetune_bands WHERE id = ANY(%s)", (example_ids,))
            conn.execute("DELETE FROM finetune_memo WHERE id = ANY(%s)", (example_ids,))
            conn.execute("DELETE FROM finetune_examples WHERE id = ANY(%s)", (example_ids,))

    def update(self, example: Example, keys: dict[str, Any]) -> None:
        """Replace an example's content and keys under the same id (an edit), atomically."""
        with self._writing() as conn:
            if conn.execute("SELECT 1 FROM finetune_examples WHERE id = %s", (example.id,)).fetchone() is None:
                raise NotFound(f"no example with id {shown_id(example.id)}; `finetune list` shows the stored ids")
            self._upsert(conn, [(example.id, example.to_doc())])
            self._set_keys(conn, {example.id: keys})

    def replace(self, old_id: str, example: Example, keys: dict[str, Any]) -> None:
        """Store `example`; `old_id` is kept as superseded, linked to it, out of the index."""
        with self._writing():
            self.supersede([old_id], {old_id: example.id})
            self.insert(example, keys)

    def supersede(self, old_ids: list[str], by: dict[str, str]) -> None:
        """Mark examples superseded by others (`by[old] = kept id`), in one transaction."""
        if not old_ids:
            return
        with self._writing() as conn:
            docs = [(old, {**self.get_doc(old), "status": "superseded", "superseded_by": by[old]}) for old in old_ids]
            self._upsert(conn, docs)
            conn.execute(
                "UPDATE finetune_examples SET keys = NULL, exact_key = NULL WHERE id = ANY(%s)", (old_ids,)
            )
            conn.execute("DELETE FROM finetune_bands WHERE id = ANY(%s)", (old_ids,))

    def set_keys(self, keys: dict[str, dict[str, Any]]) -> None:
        """Store recomputed dedup keys of stored examples (ids no longer stored are skipped)."""
        if keys:
            with self._writing() as conn:
                self._set_keys(conn, keys)

    def bump(self, counter: str, n: int = 1) -> None:
        with self._writing() as conn:
            conn.execute(
                "INSERT INTO finetune_counters (name, n) VALUES (%s, %s) "
                "ON CONFLICT (name) DO UPDATE SET n = finetune_counters.n + EXCLUDED.n",
                (counter, n),
            )

    def _upsert(self, conn: psycopg.Connection[Any], docs: list[tuple[str, dict[str, Any]]]) -> None:
        from psycopg.types.json import Jsonb

        # ON CONFLICT keeps the row's sequence: an example put again keeps its place, as a key
        # updated in a dict does in the embedded store.
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _COLUMNS.split(", ")[1:])
        with conn.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO finetune_examples ({_COLUMNS}) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s) "
                f"ON CONFLICT (id) DO UPDATE SET {updates}",
                [(i, Jsonb(d), *rest) for i, d, *rest in (columns(example_id, doc) for example_id, doc in docs)],
            )

    def _set_keys(self, conn: psycopg.Connection[Any], keys: dict[str, dict[str, Any]]) -> None:
        from psycopg.types.json import Jsonb

        ids = list(keys)
        stored = {str(r[0]) for r in conn.execute(
            "SELECT id FROM finetune_examples WHERE id = ANY(%s) AND status <> 'superseded'", (ids,)
        ).fetchall()}
        entries = [(i, keys[i]) for i in ids if i in stored]
        with conn.cursor() as cursor:
            # The exact key is claimed only where no other live example holds it (a store from
            # before the unique index may have two): the first keeps it, as the embedded index does.
            cursor.executemany(
                "UPDATE finetune_examples SET keys = %s, exact_key = CASE WHEN EXISTS (SELECT 1 FROM "
                "finetune_examples o WHERE o.exact_key = %s AND o.status <> 'superseded' AND o.id <> %s) "
                "THEN NULL ELSE %s END WHERE id = %s",
                [(Jsonb(k), index.exact_of(k), i, index.exact_of(k), i) for i, k in entries],
            )
        index.write_bands(conn, entries, self.config.dedup)

    # -- bulk -----------------------------------------------------------------------------------
    def load(self, rows: Iterable[tuple[str, dict[str, Any], dict[str, Any] | None]]) -> int:
        """Add (id, document, keys) rows with COPY, in one transaction (migrations, benchmarks).
        Ids already stored are the caller's to skip; returns how many were written."""
        written = 0
        with self._writing() as conn:
            for chunk in _chunks(rows, LOAD_CHUNK):
                self._load_chunk(conn, chunk)
                written += len(chunk)
        return written

    def _load_chunk(
        self, conn: psycopg.Connection[Any], chunk: list[tuple[str, dict[str, Any], dict[str, Any] | None]]
    ) -> None:
        import orjson

        live = [(i, k if d.get("status") != "superseded" else None) for i, d, k in chunk]
        wanted = [e for _, k in live if (e := index.exact_of(k)) is not None]
        # Rows of earlier chunks are visible here: one query per chunk finds every key held.
        held = {str(r[0]) for r in conn.execute(
            "SELECT exact_key FROM finetune_examples WHERE exact_key = ANY(%s) AND status <> 'superseded'", (wanted,)
        ).fetchall()}
        with conn.cursor() as cursor:
            with cursor.copy(f"COPY finetune_examples ({_COLUMNS}, exact_key, keys) FROM STDIN") as copy:
                for (example_id, doc, _), (_, keys) in zip(chunk, live, strict=True):
                    exact = index.exact_of(keys)
                    if exact is not None and exact in held:
                        exact = None  # a second live copy of one content keeps its keys, not the claim
                    elif exact is not None:
                        held.add(exact)
                    values = list(columns(example_id, doc))
                    values[1] = orjson.dumps(doc).decode()
                    copy.write_row([*values, exact, orjson.dumps(keys).decode() if keys is not None else None])
            with cursor.copy("COPY finetune_bands (band, hash, id) FROM STDIN") as copy:
                for example_id, keys in live:
                    for row in index.band_rows(example_id, keys, self.config.dedup):
                        copy.write_row(row)


def _chunks(rows: Iterable[Any], size: int) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for row in rows:
        chunk.append(row)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def _with_id(example_id: str, doc: Any) -> dict[str, Any]:
    """The row's id is the truth, as the embedded store's record id is."""
    doc = doc if isinstance(doc, dict) else {}
    return doc if doc.get("id") == example_id else {**doc, "id": example_id}


__all__ = ["PgStore", "columns"]


class PgSnapshot:
    """What `store.snapshot.Snapshot` is to the log: ids, then documents, read as of one moment
    (one REPEATABLE READ, READ ONLY transaction held until closed), as many passes as asked."""

    def __init__(self, conn: psycopg.Connection[Any]) -> None:
        self.conn = conn  # autocommit: the transaction is begun and ended here
        self._cursors = 0
        self._indexes: dict[tuple[str, ...], dict[str, dict[str, tuple[int, int]]]] = {}
        self.conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")

    def __enter__(self) -> PgSnapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.conn.execute("ROLLBACK")
        self.conn.close()

    def index(self, tables: Iterable[str] = ("examples",)) -> dict[str, dict[str, tuple[int, int]]]:
        key = tuple(tables)
        if key not in self._indexes:  # the transaction's view cannot change: one query per snapshot
            out: dict[str, dict[str, tuple[int, int]]] = {t: {} for t in key}
            if "examples" in out:
                rows = self.conn.execute("SELECT id, seq FROM finetune_examples ORDER BY seq").fetchall()
                out["examples"] = {str(i): (int(seq), 0) for i, seq in rows}
            self._indexes[key] = out
        return self._indexes[key]

    def docs(
        self, index: dict[str, tuple[int, int]], containing: bytes | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        self._cursors += 1
        with self.conn.cursor(name=f"finetune_snapshot_{self._cursors}") as cursor:
            cursor.itersize = PAGE
            if containing is None:
                cursor.execute("SELECT id, doc FROM finetune_examples ORDER BY seq")
            else:  # jsonb's text form escapes no ASCII letter, digit or underscore
                cursor.execute("SELECT id, doc FROM finetune_examples WHERE strpos(doc::text, %s) > 0 ORDER BY seq",
                               (containing.decode("ascii"),))
            for i, d in cursor:
                if str(i) in index:
                    yield str(i), _with_id(str(i), d)
