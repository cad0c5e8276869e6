"""The Store API over the TinyDB log: examples, their dedup keys, and persistent counters.

Three TinyDB tables share one file (`$FINETUNE_HOME/examples.json`):
- `examples`: one document per stored example (scrubbed), keyed by its id;
- `dedup`: the keys the deduper needs per example (exact hash, MinHash signature), so the
  index is rebuilt at start-up without recomputing anything;
- `counters`: rejection counts by reason, so stats survive restarts.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from .config import Config
from .dedup import Deduper
from .errors import NotFound, StoreCorrupt
from .model import Example, Status
from .storage import LogDB, LogStorage, LogTable

STORE_FILE = "examples.json"

HEAL_BATCH = 500  # dedup-key records per durable append when keys are recomputed


class Store:
    def __init__(self, home: Path, config: Config) -> None:
        self.home = home
        self.config = config
        self.path = home / STORE_FILE
        self.deduper = self._make_deduper(config)
        # The listener must be in place before the first read, so the dedup index mirrors the
        # file from the start and follows every later change, ours or another process's.
        self.db = LogDB(
            str(self.path), storage=LogStorage, lock_timeout=config.limits.lock_timeout, listener=self._on_change
        )
        self.examples = self._table("examples")
        self.dedup = self._table("dedup")
        self.counters = self._table("counters")
        self._heal_dedup_keys()

    @staticmethod
    def _make_deduper(config: Config) -> Deduper:
        from .near import NearDeduper  # imported late: datasketch pulls in scipy (~0.5 s)

        return NearDeduper(config.dedup) if config.dedup.near else Deduper(config.dedup)

    def _table(self, name: str) -> LogTable:
        # Other processes append behind our back; TinyDB's query cache would serve stale results.
        table = self.db.table(name, cache_size=0)
        assert isinstance(table, LogTable)
        return table

    @property
    def storage(self) -> LogStorage:
        storage = self.db.storage
        assert isinstance(storage, LogStorage)
        return storage

    @property
    def recovered(self) -> list[str]:
        return self.storage.recovered

    def _on_change(self, table: str, doc_id: str, doc: dict[str, Any] | None) -> None:
        if table == "":
            self.deduper = self._make_deduper(self.config)
        elif table == "dedup":
            self.deduper.remove(doc_id)
            if doc is not None:
                self.deduper.add(doc_id, doc)

    def _heal_dedup_keys(self) -> None:
        """Examples whose dedup keys were lost (e.g. a crash between the two records) or were made
        under other dedup settings get them back, appended in batches: one fdatasync per batch
        instead of per example (re-keying 20k examples took ~6 s of syncs alone)."""
        missing = [i for i in self._docs() if i not in self.deduper]
        if not missing:
            return
        with self.transaction():
            batch: list[dict[str, Any]] = []
            for doc_id in missing:
                if doc_id in self._docs() and doc_id not in self.deduper:
                    try:
                        example = self.get(doc_id)
                    except StoreCorrupt:
                        # A record that no longer fits the schema cannot be keyed. Opening the
                        # store must still work: `finetune delete ID`, which the error advises,
                        # opens it too. Commands that read the example report it.
                        continue
                    batch.append({"op": "put", "t": "dedup", "id": doc_id, "doc": self.deduper.keys(example)})
                if len(batch) >= HEAL_BATCH:
                    self.storage.append(batch)
                    batch = []
            if batch:
                self.storage.append(batch)

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
        docs = self.examples._read_table()
        return docs  # type: ignore[return-value]  # TinyDB types documents as Mapping; ours are dicts

    def __len__(self) -> int:
        return len(self._docs())

    def __contains__(self, example_id: str) -> bool:
        return example_id in self._docs()

    def get(self, example_id: str) -> Example:
        doc = self._docs().get(example_id)
        if doc is None:
            raise NotFound(f"no example with id {example_id!r}; `finetune list` shows the stored ids")
        return self._parse(example_id, doc)

    def get_doc(self, example_id: str) -> dict[str, Any]:
        doc = self._docs().get(example_id)
        if doc is None:
            raise NotFound(f"no example with id {example_id!r}; `finetune list` shows the stored ids")
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
        keys = self.dedup._read_table().get(example_id)
        return dict(keys) if keys is not None else None

    def all_keys(self) -> dict[str, dict[str, Any]]:
        return {k: dict(v) for k, v in self.dedup._read_table().items()}

    def counter_values(self) -> dict[str, int]:
        return {k: _count(v) for k, v in self.counters._read_table().items()}

    # -- writes (callers hold `transaction()`) ----------------------------------------------------
    def insert(self, example: Example, keys: dict[str, Any]) -> None:
        self.storage.append(
            [
                {"op": "put", "t": "examples", "id": example.id, "doc": example.to_doc()},
                {"op": "put", "t": "dedup", "id": example.id, "doc": keys},
            ]
        )

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
            raise NotFound(f"no example with id {missing[0]!r}; `finetune list` shows the stored ids")
        if not example_ids:
            return
        self.storage.append(
            [{"op": "del", "t": t, "id": i} for i in example_ids for t in ("examples", "dedup")]
        )
        # A del record alone would leave the example's text in the log until some later
        # compaction; a delete is a privacy request, so the file is rewritten without it.
        self.storage.compact_on_release()

    def replace(self, old_id: str, example: Example, keys: dict[str, Any]) -> None:
        """Swap an example for a better near-duplicate, in one durable append."""
        self.storage.append(
            [
                {"op": "del", "t": "examples", "id": old_id},
                {"op": "del", "t": "dedup", "id": old_id},
                {"op": "put", "t": "examples", "id": example.id, "doc": example.to_doc()},
                {"op": "put", "t": "dedup", "id": example.id, "doc": keys},
            ]
        )

    def bump(self, counter: str, n: int = 1) -> None:
        current = _count(self.counters._read_table().get(counter, {}))
        self.storage.append([{"op": "put", "t": "counters", "id": counter, "doc": {"n": current + n}}])


def _count(doc: Any) -> int:
    """A counter's value; a hand-edited non-integer counts as 0 (it is only a statistic)."""
    n = doc.get("n", 0) if isinstance(doc, dict) else 0
    return n if isinstance(n, int) and not isinstance(n, bool) else 0
