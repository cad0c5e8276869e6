"""The embedded Store: examples, their dedup keys and counters in one log, with an index file.

Three tables share one log file (`$FINETUNE_HOME/examples.json`):
- `examples`: one document per stored example (scrubbed), keyed by its id;
- `dedup`: the keys the duplicate index needs per example (exact hash, MinHash signatures);
- `counters`: rejection counts by reason, so stats survive restarts.
The index file beside it (`index.py`) says where each document lies and answers duplicate
lookups, so neither start-up nor memory grows with the text of the store: documents are read from
the log when asked for.
"""

from __future__ import annotations

import contextlib
import gc
import re
import secrets
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

import orjson
from pydantic import ValidationError

from ..config import Config
from ..dedup.exact import Match
from ..errors import NotFound, StoreCorrupt
from ..model import Example, Status
from .folds import Folds
from .log import LogStorage
from .protocol import findable
from .snapshot import Snapshot

STORE_FILE = "examples.json"
T = TypeVar("T")


class Store:
    def __init__(self, home: Path, config: Config) -> None:
        self.home = home
        self.config = config
        self.path = home / STORE_FILE
        self.location = str(self.path)
        self.storage = LogStorage(self.path, lock_timeout=config.limits.lock_timeout, dedup=config.dedup)
        self.index = self.storage.index
        self._folds: Folds[tuple[str, int, int, int, int]] = Folds()

    @property
    def recovered(self) -> list[str]:
        return self.storage.recovered

    def close(self) -> None:
        self.storage.close()

    def snapshot(self) -> Snapshot:
        """A streaming, point-in-time reader of the file (memory: an offset per example)."""
        return Snapshot(self.path)

    @contextlib.contextmanager
    def stream(self) -> Iterator[Iterator[tuple[str, dict[str, Any]]]]:
        with self.snapshot() as snap:
            yield snap.docs(snap.index()["examples"])

    def version(self) -> str:
        self.refresh()
        c = self.index.covered()
        return f"{c.ino}:{c.offset}"

    def new_id(self) -> str:
        while True:
            candidate = "ex_" + secrets.token_hex(6)
            if not self.index.contains(candidate):
                return candidate

    # -- transactions ---------------------------------------------------------------------------
    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Exclusive lock for a read-modify-write; state is current with the file inside."""
        with self.storage.locked():
            yield

    def refresh(self) -> None:
        self.storage.refresh()

    # -- reads ----------------------------------------------------------------------------------
    def ids(self) -> list[str]:
        """Stored example ids, oldest first."""
        self.refresh()
        return self.index.ids()

    def statuses(self) -> dict[str, str | None]:
        """Every example's status by id, oldest first (from the index: no document is read)."""
        self.refresh()
        return self.index.statuses()

    def __len__(self) -> int:
        self.refresh()
        return self.index.count()

    def __contains__(self, example_id: str) -> bool:
        if not findable(example_id):
            return False
        self.refresh()
        return self.index.contains(example_id)

    def get(self, example_id: str) -> Example:
        return self._parse(example_id, self.get_doc(example_id))

    def get_doc(self, example_id: str) -> dict[str, Any]:
        self.refresh()
        where = self.index.location(example_id) if findable(example_id) else None
        if where is None:
            raise NotFound(f"no example with id {shown_id(example_id)}; `finetune list` shows the stored ids")
        return self._with_id(example_id, self.storage.doc(example_id, *where))

    def docs(self, status: Status | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents, oldest first, read from the log one at a time."""
        self.refresh()
        for doc_id, off, length in self.index.locations(status):
            try:
                doc = self.storage.doc(doc_id, off, length)
            except NotFound:
                continue  # deleted by another process while we iterated
            yield self._with_id(doc_id, doc)

    @staticmethod
    def _with_id(doc_id: str, doc: dict[str, Any]) -> dict[str, Any]:
        # The record's id is the truth: a document edited outside us may lack its own "id" or
        # disagree, and callers (purge, dedup, review) act on doc["id"].
        return doc if doc.get("id") == doc_id else {**doc, "id": doc_id}

    def _parse(self, example_id: str, doc: dict[str, Any]) -> Example:
        try:
            return Example.model_validate(doc)
        except ValidationError as err:
            raise StoreCorrupt(
                f"{self.path}: example {example_id} does not match the example schema "
                f"({err.error_count()} problem(s)); fix or delete it with `finetune delete {example_id}`"
            ) from None

    def fold(self, kind: str, compute: Callable[[str, dict[str, Any]], Any], fold: Callable[[list[tuple[str, Any]]], T]
             ) -> list[T]:
        """`fold([(id, compute(id, doc)), …])` over each block of FOLD_BLOCK examples in store order.

        `compute`'s values (JSON) are kept in the index file per document revision under `kind`
        (which names everything else they depend on), and each block's fold in this process while
        none of its examples changes: after a write, one block is read again, not the store.
        Folded values are shared between calls: callers combine them into new objects."""
        self.refresh()
        rows = [(row[4], row) for row in self.index.revisions()]
        return self._folds.run(kind, rows, lambda block: self._values(kind, compute, block), fold)

    def _values(
        self, kind: str, compute: Callable[[str, dict[str, Any]], Any], rows: list[tuple[str, int, int, int, int]]
    ) -> list[tuple[str, Any]]:
        known = self.index.memo_get(kind, [r[0] for r in rows])
        out: list[tuple[str, Any]] = []
        fresh: list[tuple[str, int, bytes]] = []
        # Many small lists kept alive trigger the cyclic GC over and over (20x the parsing
        # itself at 20k examples); none of them can form a cycle.
        paused = gc.isenabled()
        gc.disable()
        try:
            for doc_id, rev, off, length, _ in rows:
                hit = known.get(doc_id)
                if hit is not None and hit[0] == rev:
                    out.append((doc_id, orjson.loads(hit[1])))
                    continue
                try:
                    doc = self._with_id(doc_id, self.storage.doc(doc_id, off, length))
                except NotFound:
                    continue  # deleted by another process meanwhile
                value = compute(doc_id, doc)
                fresh.append((doc_id, rev, orjson.dumps(value)))
                out.append((doc_id, value))
        finally:
            if paused:
                gc.enable()
        if fresh:
            self.index.memo_put(kind, fresh)
        return out

    def kept(self, kind: str) -> dict[str, Any]:
        # No catch-up first: a kept value checks itself, and `keep` catches up before it writes.
        return {doc_id: orjson.loads(data) for doc_id, data in self.index.memo_all(kind)}

    def keep(self, kind: str, values: dict[str, Any]) -> None:
        self.refresh()  # the index knows every stored example, which alone are kept values for
        self.index.memo_put(kind, [(doc_id, 0, orjson.dumps(v)) for doc_id, v in values.items() if findable(doc_id)])

    def keys_of(self, example_id: str) -> dict[str, Any] | None:
        """The dedup keys stored beside an example (None if it has none yet)."""
        if not findable(example_id):
            return None
        self.refresh()
        return self.index.keys_of(example_id)

    def all_keys(self) -> dict[str, dict[str, Any]]:
        self.refresh()
        return dict(self.index.all_keys())

    def counter_values(self) -> dict[str, int]:
        self.refresh()
        return {k: _count(v) for k, v in self.index.small("counters").items()}

    def find_duplicate(self, keys: dict[str, Any], exclude: str | None = None) -> Match | None:
        self.refresh()
        match = self.index.find(keys, exclude)
        return match if match is not None and self.index.contains(match.id) else None

    def neighbours(self, example_id: str) -> list[Match]:
        if not findable(example_id):
            return []
        self.refresh()
        keys = self.index.keys_of(example_id)
        return [m for m in self.index.near(keys, exclude=example_id) if self.index.contains(m.id)] if keys else []

    def missing_keys(self) -> list[str]:
        self.refresh()
        return self.index.missing_keys()

    # -- writes (callers hold `transaction()`) ----------------------------------------------------
    def insert(self, example: Example, keys: dict[str, Any]) -> None:
        self.storage.append(self._put(example, keys))

    def put(self, example: Example) -> None:
        self.put_many([example])

    def put_many(self, examples: list[Example]) -> None:
        """Update stored examples in one durable append (one fsync for a whole bulk review)."""
        if examples:
            self.storage.append([{"op": "put", "t": "examples", "id": e.id, "doc": e.to_doc()} for e in examples])

    def set_keys(self, keys: dict[str, dict[str, Any]]) -> None:
        if keys:
            self.storage.append([{"op": "put", "t": "dedup", "id": i, "doc": k} for i, k in keys.items()])

    def remove(self, example_id: str) -> None:
        self.remove_many([example_id])

    def remove_many(self, example_ids: list[str]) -> None:
        missing = [i for i in example_ids if not findable(i) or not self.index.contains(i)]
        if missing:
            raise NotFound(f"no example with id {shown_id(missing[0])}; `finetune list` shows the stored ids")
        if not example_ids:
            return
        # A del record alone would leave the example's text in the log until some later
        # compaction; a delete is a privacy request, so "erase" has the file rewritten without
        # it when the transaction ends (or the whole delete undone if the rewrite fails).
        self.storage.append(
            [{"op": "del", "t": t, "id": i, "erase": True} for i in example_ids for t in ("examples", "dedup")]
        )

    def update(self, example: Example, keys: dict[str, Any]) -> None:
        """Replace a stored example's content under the same id (an edit), in one durable append.

        No delete record: whatever prefix of the append survives a crash, the example is still
        there. The old text is erased from the file when the transaction ends, like a delete's.
        """
        if not self.index.contains(example.id):
            raise NotFound(f"no example with id {shown_id(example.id)}; `finetune list` shows the stored ids")
        self.storage.append(
            [
                {"op": "put", "t": "examples", "id": example.id, "doc": example.to_doc(), "erase": True},
                {"op": "put", "t": "dedup", "id": example.id, "doc": keys},
            ]
        )

    def replace(self, old_id: str, example: Example, keys: dict[str, Any]) -> None:
        """Store `example` in place of a near-duplicate, in one durable append: the old one is
        kept as `superseded` (linked to its replacement) and leaves the dedup index."""
        self.storage.append([*self._superseded(old_id, example.id), *self._put(example, keys)])

    def supersede(self, old_ids: list[str], by: dict[str, str]) -> None:
        """Mark examples superseded by others (`by[old] = kept id`), in one durable append."""
        records = [r for old in old_ids for r in self._superseded(old, by[old])]
        if records:
            self.storage.append(records)

    def _superseded(self, old_id: str, by: str) -> list[dict[str, Any]]:
        doc = {**self.get_doc(old_id), "status": "superseded", "superseded_by": by}
        return [{"op": "put", "t": "examples", "id": old_id, "doc": doc}, {"op": "del", "t": "dedup", "id": old_id}]

    @staticmethod
    def _put(example: Example, keys: dict[str, Any]) -> list[dict[str, Any]]:
        return [
            {"op": "put", "t": "examples", "id": example.id, "doc": example.to_doc()},
            {"op": "put", "t": "dedup", "id": example.id, "doc": keys},
        ]

    def bump(self, counter: str, n: int = 1) -> None:
        current = _count(self.index.small("counters").get(counter, {}))
        self.storage.append([{"op": "put", "t": "counters", "id": counter, "doc": {"n": current + n}}])


def _count(doc: Any) -> int:
    """A counter's value; a hand-edited non-integer counts as 0 (it is only a statistic)."""
    n = doc.get("n", 0) if isinstance(doc, dict) else 0
    return n if isinstance(n, int) and not isinstance(n, bool) else 0


# The shape `new_id()` makes: "ex_" and 12 hex digits. Nothing else a caller gives is repeated.
GENERATED_ID = re.compile(r"ex_[0-9a-f]{12}")


def shown_id(example_id: str) -> str:
    """An id as an error may show it: quoted when it has the shape this store generates, else
    described by its length only. A caller's own id (`my-example`), a token or a card number
    pasted in place of an id never comes back, whatever it looks like."""
    if GENERATED_ID.fullmatch(example_id):
        return repr(example_id)
    return f"(the id given: {len(example_id)} characters, not an id this store uses)"
