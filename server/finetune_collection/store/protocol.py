"""What every store backend answers: the embedded log (`api.Store`) and PostgreSQL.

The pipeline, curation, reports, exports and surfaces use only this. The live duplicate index
belongs to the store (`find_duplicate`), so no process has to hold it in memory: the embedded
store keeps it in an index file beside the log, PostgreSQL in a table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import AbstractContextManager
from pathlib import Path
from typing import Any, Protocol, TypeVar

from ..config import Config
from ..dedup.exact import Match
from ..model import Example, Status

T = TypeVar("T")



def findable(example_id: object) -> bool:
    """Whether an id could name a stored example: a caller's id that UTF-8 cannot encode (a lone
    surrogate) names none, and neither SQLite nor PostgreSQL can take it as a parameter."""
    if not isinstance(example_id, str):
        return False
    try:
        example_id.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True

class Reader(Protocol):
    """A point-in-time reader in two passes (`store/snapshot.py`): ids first, then documents."""

    def index(self, tables: Iterable[str] = ("examples",)) -> dict[str, dict[str, tuple[int, int]]]: ...
    def docs(
        self, index: dict[str, tuple[int, int]], containing: bytes | None = None
    ) -> Iterator[tuple[str, dict[str, Any]]]:
        """`containing` (ASCII letters, digits, `_`): a filter a reader may apply; every document
        holding it comes through, others may too (callers still test what they need)."""
    def __enter__(self) -> Reader: ...
    def __exit__(self, *exc: object) -> None: ...


class StoreBackend(Protocol):
    config: Config

    @property
    def path(self) -> Path | None:
        """The embedded store's log file (None elsewhere): an export never writes over it."""
    home: Path  # the data folder (exports, tokens, the review page's files), for every backend
    location: str  # where the examples live, as messages may show it (no password)

    @property
    def recovered(self) -> list[str]:
        """What opening repaired (torn tails, temp files), for the surfaces to say."""

    def transaction(self) -> AbstractContextManager[None]:
        """Exclusive for a read-modify-write (dedup check + insert); writes happen inside one."""

    def refresh(self) -> None:
        """Catch up with what other processes wrote."""

    def version(self) -> str:
        """Changes whenever the stored examples change (a cache key for stats and checks)."""

    def close(self) -> None: ...

    # -- reads --------------------------------------------------------------------------------------
    def new_id(self) -> str: ...
    def ids(self) -> list[str]:
        """Stored example ids, oldest first."""
    def statuses(self) -> dict[str, str | None]:
        """Every example's status by id, oldest first, without reading documents."""
    def __len__(self) -> int: ...
    def __contains__(self, example_id: str) -> bool: ...
    def get(self, example_id: str) -> Example:
        """Raises NotFound (no such id) or StoreCorrupt (the document no longer fits the schema)."""
    def get_doc(self, example_id: str) -> dict[str, Any]: ...
    def docs(self, status: Status | None = None) -> Iterator[dict[str, Any]]:
        """Stored documents oldest first, read as iterated (never all held at once)."""
    def snapshot(self) -> Reader:
        """A point-in-time reader that can be read more than once (exports pair examples)."""
    def stream(self) -> AbstractContextManager[Iterator[tuple[str, dict[str, Any]]]]:
        """A point-in-time stream of (id, document), oldest first, for exports: what was stored
        when it opened, whatever is written meanwhile (a server-side cursor on PostgreSQL)."""
    def fold(self, kind: str, compute: Callable[[str, dict[str, Any]], Any], fold: Callable[[list[tuple[str, Any]]], T]
             ) -> list[T]:
        """`fold([(id, compute(id, doc)), …])` over blocks of examples in store order; `compute`'s
        values (JSON) and the folds may be kept under `kind` while their documents do not change.
        Folded values may be shared between calls: callers combine them into new objects."""
    def kept(self, kind: str) -> dict[str, Any]:
        """Values `keep` stored under `kind`, by example id (a cache: any may be missing)."""
    def keep(self, kind: str, values: dict[str, Any]) -> None:
        """Keep JSON values under `kind` for examples still stored, whatever their revision since:
        for values that carry their own check (a stamp names the texts it covers). Kinds of the
        same family (up to the first colon) are dropped; a busy store may keep nothing."""
    def keys_of(self, example_id: str) -> dict[str, Any] | None: ...
    def all_keys(self) -> dict[str, dict[str, Any]]: ...
    def counter_values(self) -> dict[str, int]: ...
    def find_duplicate(self, keys: dict[str, Any], exclude: str | None = None) -> Match | None:
        """The stored, not superseded example these keys duplicate under `config.dedup`: an exact
        match first, else the most similar verified near duplicate (`dedup.bands`). `exclude`:
        an id that does not count (an example being edited is not its own duplicate)."""
    def neighbours(self, example_id: str) -> Sequence[Match]:
        """Verified near duplicates of a stored example, most similar first (not itself)."""
    def missing_keys(self) -> list[str]:
        """Indexed examples (all but superseded) whose keys are missing or were made under other
        dedup settings: the pipeline recomputes them with `set_keys`."""

    # -- writes (inside `transaction()`) ----------------------------------------------------------
    def insert(self, example: Example, keys: dict[str, Any]) -> None: ...
    def put(self, example: Example) -> None: ...
    def put_many(self, examples: list[Example]) -> None: ...
    def remove(self, example_id: str) -> None: ...
    def remove_many(self, example_ids: list[str]) -> None:
        """Delete (the bytes go: a privacy request). Raises NotFound if any id is missing."""
    def update(self, example: Example, keys: dict[str, Any]) -> None:
        """Replace an example's content under the same id (an edit), atomically."""
    def replace(self, old_id: str, example: Example, keys: dict[str, Any]) -> None:
        """Store `example`; `old_id` becomes superseded (linked) and leaves the duplicate index."""
    def supersede(self, old_ids: list[str], by: dict[str, str]) -> None: ...
    def set_keys(self, keys: dict[str, dict[str, Any]]) -> None:
        """Store recomputed dedup keys for existing examples."""
    def bump(self, counter: str, n: int = 1) -> None: ...
