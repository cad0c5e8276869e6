"""Per-block folds kept in a process: what `StoreBackend.fold` does on every backend.

Examples are grouped in blocks of FOLD_BLOCK by their place in the store's order; a block's fold
is kept while the (id, revision) pairs in it stay the same, so after a write only that block is
read and folded again. How a block's values are read (and kept across processes) is the
backend's: the index file's memo table, or PostgreSQL's.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Generic, TypeVar

FOLD_BLOCK = 1000  # examples per kept fold: a write re-reads one block
R = TypeVar("R", bound=Sequence[Any])  # a backend's row: (id, revision, …)
T = TypeVar("T")


class Folds(Generic[R]):
    def __init__(self) -> None:
        self._kept: dict[tuple[str, int], tuple[int, Any]] = {}

    def run(self, kind: str, rows: list[tuple[int, R]], values: Callable[[list[R]], list[tuple[str, Any]]],
            fold: Callable[[list[tuple[str, Any]]], T]) -> list[T]:
        """`fold(values(block))` for each block of `rows` ((order, row) in store order), reusing
        the folds of blocks whose ids and revisions did not change since the last call."""
        blocks: dict[int, list[R]] = {}
        for order, row in rows:
            blocks.setdefault(order // FOLD_BLOCK, []).append(row)
        out: list[T] = []
        keep: set[tuple[str, int]] = set()
        for number, block in blocks.items():
            signature = hash(tuple((r[0], r[1]) for r in block))
            key = (kind, number)
            keep.add(key)
            kept = self._kept.get(key)
            if kept is None or kept[0] != signature:
                kept = self._kept[key] = (signature, fold(values(block)))
            out.append(kept[1])
        family = kind.split(":", 1)[0] + ":"  # folds made under other settings or code are dropped
        for key in [k for k in self._kept if k[0].startswith(family) and k not in keep]:
            del self._kept[key]
        return out
