"""The Store API over the log: examples, their dedup keys, and persistent counters.

Three tables share one file (`$FINETUNE_HOME/examples.json`):
- `examples`: one document per stored example (scrubbed), keyed by its id;
- `dedup`: the keys the dedup index needs per example (exact hash, MinHash signature), so the
  index is rebuilt at start-up without recomputing anything (the store never reads them);
- `counters`: rejection counts by reason, so stats survive restarts.
"""

from __future__ import annotations

import contextlib
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import Config
from ..errors import NotFound, StoreCorrupt
from ..model import Example, Status
from .log import Listener, LogStorage
from .snapshot import Snapshot

STORE_FILE = "examples.json"


class Store:
    def __init__(self, home: Path, config: Config) -> None:
        self.home = home
        self.config = config
        self.path = home / STORE_FILE
        self.storage = LogStorage(self.path, lock_timeout=config.limits.lock_timeout)

    @property
    def recovered(self) -> list[str]:
        return self.storage.recovered

    def listen(self, listener: Listener) -> None:
        """Call `listener(table, id, doc | None)` for every record applied from now on, ours and
        other processes' (`table == ""`: everything was dropped and is read again)."""
        self.storage.listeners.append(listener)
        for table in ("examples", "dedup", "counters"):  # what was read before it listened
            for doc_id, doc in list(self.storage.loaded(table).items()):
                listener(table, doc_id, doc)

    def snapshot(self) -> Snapshot:
        """A streaming, point-in-time reader of the file (memory: an offset per example)."""
        return Snapshot(self.path)

    def new_id(self) -> str:
        docs = self._docs()
        while True:
            candidate = "ex_" + secrets.token_hex(6)
            if candidate not in docs:
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
    def _docs(self) -> dict[str, dict[str, Any]]:
        return self.storage.table("examples")

    def ids(self) -> list[str]:
        """Stored example ids, oldest first."""
        return list(self._docs())

    def __len__(self) -> int:
        return len(self._docs())

    def __contains__(self, example_id: str) -> bool:
        return example_id in self._docs()

    def get(self, example_id: str) -> Example:
        doc = self._docs().get(example_id)
        if doc is None:
            raise NotFound(f"no example with id {shown_id(example_id)}; `finetune list` shows the stored ids")
        return self._parse(example_id, doc)

    def get_doc(self, example_id: str) -> dict[str, Any]:
        doc = self._docs().get(example_id)
        if doc is None:
            raise NotFound(f"no example with id {shown_id(example_id)}; `finetune list` shows the stored ids")
        return doc

    def docs(self, status: Status | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents, oldest first (raw dicts: cheap for listings and stats)."""
        for doc_id, doc in list(self._docs().items()):
            if status is None or doc.get("status") == status:
                # The record's id is the truth: a document edited outside us may lack its own
                # "id" or disagree, and callers (purge, dedup, review) act on doc["id"].
                yield doc if doc.get("id") == doc_id else {**doc, "id": doc_id}

    def _parse(self, example_id: str, doc: dict[str, Any]) -> Example:
        try:
            return Example.model_validate(doc)
        except ValidationError as err:
            raise StoreCorrupt(
                f"{self.path}: example {example_id} does not match the example schema "
                f"({err.error_count()} problem(s)); fix or delete it with `finetune delete {example_id}`"
            ) from None

    def keys_of(self, example_id: str) -> dict[str, Any] | None:
        """The dedup keys stored beside an example (None if it has none yet)."""
        keys = self.storage.table("dedup").get(example_id)
        return dict(keys) if keys is not None else None

    def all_keys(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.storage.table("dedup").items()}

    def counter_values(self) -> dict[str, int]:
        return {k: _count(v) for k, v in self.storage.table("counters").items()}

    # -- writes (callers hold `transaction()`) ----------------------------------------------------
    def insert(self, example: Example, keys: dict[str, Any]) -> None:
        self.storage.append(self._put(example, keys))

    def put(self, example: Example) -> None:
        self.put_many([example])

    def put_many(self, examples: list[Example]) -> None:
        """Update stored examples in one durable append (one fsync for a whole bulk review)."""
        if examples:
            self.storage.append([{"op": "put", "t": "examples", "id": e.id, "doc": e.to_doc()} for e in examples])

    def remove(self, example_id: str) -> None:
        self.remove_many([example_id])

    def remove_many(self, example_ids: list[str]) -> None:
        missing = [i for i in example_ids if i not in self._docs()]
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
        if example.id not in self._docs():
            raise NotFound(f"no example with id {example.id!r}; `finetune list` shows the stored ids")
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
        current = _count(self.storage.table("counters").get(counter, {}))
        self.storage.append([{"op": "put", "t": "counters", "id": counter, "doc": {"n": current + n}}])


def _count(doc: Any) -> int:
    """A counter's value; a hand-edited non-integer counts as 0 (it is only a statistic)."""
    n = doc.get("n", 0) if isinstance(doc, dict) else 0
    return n if isinstance(n, int) and not isinstance(n, bool) else 0


_SHOWN_ID = re.compile(r"ex_[0-9a-f]{12}|[A-Za-z0-9][A-Za-z0-9_.-]{0,19}")


def shown_id(example_id: str) -> str:
    """An id as an error may show it: the store's own shape, or a short id-like name. Anything
    longer is not repeated: a token pasted in place of an id must not come back."""
    return repr(example_id) if _SHOWN_ID.fullmatch(example_id) else "(the one given: not an id this store uses)"
