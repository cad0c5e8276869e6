"""`finetune migrate`: copy every example (with its status), its dedup keys and the counters from
one store to another, either way between the embedded store and PostgreSQL.

A target that already holds examples is refused unless it holds exactly the source (a re-run:
nothing to do) or `merge` is asked for (ids it holds are skipped). Counters are statistics: the
target keeps the larger of the two values, so a re-run never counts a rejection twice. Into
PostgreSQL the copy is one transaction (an interrupted run leaves the target as it was); into an
embedded store it is written in durable batches, and a re-run with `merge` finishes it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import zip_longest
from typing import Any

from pydantic import ValidationError

from ..errors import StoreCorrupt, StoreError
from ..model import Example
from .postgres import PgStore
from .protocol import StoreBackend

BATCH = 500  # examples per durable append into an embedded target

Row = tuple[str, dict[str, Any], dict[str, Any] | None]


@dataclass(slots=True)
class Moved:
    copied: int = 0
    skipped: int = 0  # ids the target already held (merge)
    counters: int = 0  # counters raised in the target
    unchanged: bool = False  # the target already held exactly the source


def rows(store: StoreBackend) -> Iterator[Row]:
    """(id, document, dedup keys) oldest first."""
    if isinstance(store, PgStore):
        yield from store.rows()
        return
    with store.stream() as docs:
        for example_id, doc in docs:
            yield example_id, doc, store.keys_of(example_id)


def same(source: StoreBackend, target: StoreBackend) -> bool:
    """Does the target hold exactly the source's examples, in order, and its counters?"""
    if len(source) != len(target) or source.counter_values() != target.counter_values():
        return False
    with source.stream() as mine, target.stream() as theirs:
        return all(a == b for a, b in zip_longest(mine, theirs))


def migrate(source: StoreBackend, target: StoreBackend, merge: bool = False) -> Moved:
    if source.location == target.location:
        raise StoreError(f"{target.location} is the store being migrated; choose another target")
    moved = Moved()
    held = set(target.ids())
    if (held or target.counter_values()) and not merge:
        if same(source, target):
            moved.unchanged = True
            return moved
        raise StoreError(
            f"{target.location} already holds {len(held)} example(s) and differs from this store; pass --merge to "
            "add the examples it lacks (ids it holds are skipped), or choose an empty target"
        )

    def wanted() -> Iterator[Row]:
        for row in rows(source):
            if row[0] in held:
                moved.skipped += 1
            else:
                moved.copied += 1
                yield row

    with target.transaction():
        if isinstance(target, PgStore):
            target.load(wanted())
        else:
            batch: list[Row] = []
            for row in wanted():
                batch.append(row)
                if len(batch) >= BATCH:
                    _write(target, batch)
                    batch = []
            _write(target, batch)
        theirs = target.counter_values()
        for name, n in source.counter_values().items():
            if n > theirs.get(name, 0):
                target.bump(name, n - theirs.get(name, 0))
                moved.counters += 1
    return moved


def _write(target: StoreBackend, batch: list[Row]) -> None:
    examples = []
    for example_id, doc, _ in batch:
        try:
            examples.append(Example.model_validate(doc))
        except ValidationError as err:
            raise StoreCorrupt(
                f"example {example_id} does not match the example schema ({err.error_count()} problem(s)), so the "
                f"embedded store cannot take it; fix or delete it in the source (`finetune delete {example_id}`), "
                "then run the migration again with --merge"
            ) from None
    if examples:
        target.put_many(examples)
        target.set_keys({example_id: keys for example_id, _, keys in batch if keys is not None})
