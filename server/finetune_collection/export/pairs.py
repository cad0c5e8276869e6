"""Inferred preference pairs: an answer the user rejected, and a later accepted answer to the same prompt.

A *negative* is a stored example carrying the `user_rejected` signal that is not accepted (a
person approved it after all). A superseded negative is the answer a user's correction replaced
(the fix near-duplicates it, so dedup kept the fix and linked the old answer by `superseded_by`):
the correction is the pair, so it is linked to the example that replaced it (followed to the end
of a chain of replacements) and to nothing else, and it is left out when that example is not
selected, is itself a negative or gives the same answer. Any other negative's final
answer becomes an inferred rejected alternative of the earliest example the export selects that
was created after it and asks the same thing: the same prompt side exactly (user and tool turns,
normalized as the duplicate index normalizes them), or a near duplicate of it, estimated Jaccard of
the MinHash signatures at least `dedup.threshold`: the signatures the duplicate index stored for
each example's prompt side (`dedup.near.sides`), recomputed only when they were made under other
settings. The answers must differ. Explicit `rejected` alternatives stay first (`preference.py`);
`ExportRequest.inferred_pairs=False` (CLI `--no-inferred-pairs`) links nothing.

The negatives are looked for within the request's scope (task type, workflow, phase, source, dates)
but not its outcome filters (status, quality, signals, tier, approval, ids), which describe the
answers worth training towards: a rejected answer fails them by definition. A negative no later
answer corrected is still an unpaired label (trl-kto writes it with label false).
"""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from pydantic import ValidationError

from ..config import DedupSettings
from ..dedup.exact import normalize
from ..model import Example, created_at
from ..store import Reader, StoreBackend
from .filters import Selector, signal_names
from .report import ExportRequest
from .view import Conversation

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

NEGATIVE_SIGNAL = "user_rejected"
NEGATIVE_WORD = NEGATIVE_SIGNAL.encode()  # a negative's stored record holds it (Reader.docs's filter)
NEVER_NEGATIVE = ("accepted",)
MAX_CHAIN = 64  # superseded_by hops followed; a longer chain (or a loop) is a hand edit
EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
# Filters that judge an answer, not which data: a negative is found whatever they say.
OUTCOME_FILTERS: dict[str, Any] = {
    "status": ["accepted", "pending", "rejected", "below_threshold", "superseded"],
    "min_quality": None, "signals": None, "tier": None, "approved_only": False, "ids": None, "limit": None,
}


def is_negative(doc: dict[str, Any]) -> bool:
    return NEGATIVE_SIGNAL in signal_names(doc) and doc.get("status") not in NEVER_NEGATIVE


@dataclass(frozen=True, slots=True)
class Link:
    chosen: str
    rejected: str  # the negative whose final answer is the rejected side
    match: Literal["exact", "near"]
    similarity: float


@dataclass(slots=True)
class Inferred:
    """The negatives in scope (store order) and the links found for them."""

    negatives: dict[str, dict[str, Any]] = field(default_factory=dict)  # id -> stored document
    links: list[Link] = field(default_factory=list)
    answers: dict[str, str] = field(default_factory=dict)  # negative id -> its final answer

    def links_of(self, chosen_id: str) -> list[Link]:
        return [link for link in self.links if link.chosen == chosen_id]

    def for_chosen(self, chosen_id: str) -> list[str]:
        """Inferred alternatives of one chosen example, oldest negative first."""
        return [self.answers[link.rejected] for link in self.links_of(chosen_id)]

    def unpaired(self) -> list[str]:
        linked = {link.rejected for link in self.links}
        return [n for n in self.negatives if n not in linked]


@dataclass(slots=True)
class _Side:
    id: str
    order: tuple[datetime, int]
    exact: str
    answer: str | None  # the final assistant text, None when the final turn is not text
    signature: NDArray[np.uint32] | None
    replaced_by: str | None = None  # a superseded negative: the example it pairs with, and only it


def _docs(snap: Reader, containing: bytes | None = None) -> Iterator[tuple[int, str, dict[str, Any]]]:
    """(position in store order, id, document); `containing`: a word the caller's test needs."""
    index = snap.index()["examples"]
    if containing is None:
        for n, (doc_id, doc) in enumerate(snap.docs(index)):
            yield n, doc_id, doc
        return
    position = {doc_id: n for n, doc_id in enumerate(index)}
    for doc_id, doc in snap.docs(index, containing):
        yield position[doc_id], doc_id, doc


def _side(
    n: int, doc_id: str, doc: dict[str, Any], keys: dict[str, Any] | None, settings: DedupSettings
) -> _Side | None:
    from ..dedup.near import sides

    try:
        example = Example.model_validate(doc)
    except ValidationError:
        return None  # reported by the export loop as invalid_stored_example
    prompt, _ = sides(example)
    last = example.turns()[-1]
    answer = last.content if last.role == "assistant" and last.content and not last.tool_calls else None
    exact = hashlib.blake2b(normalize(prompt).encode(), digest_size=16).hexdigest()
    return _Side(doc_id, (created_at(doc) or EPOCH, n), exact, answer, _signature(prompt, keys, settings))


def _signature(prompt: str, keys: dict[str, Any] | None, settings: DedupSettings) -> NDArray[np.uint32] | None:
    """The prompt side's MinHash signature: the stored one when it was made under these settings."""
    if not settings.near:
        return None
    from ..dedup.minhash import decode, fingerprint, signatures

    near = (keys or {}).get("near")
    if isinstance(near, dict) and near.get("fp") == fingerprint(settings) and isinstance(near.get("p"), str):
        return decode(near["p"])
    return signatures({"p": prompt}, settings)["p"]


def infer(snap: Reader, store: StoreBackend, settings: DedupSettings, request: ExportRequest) -> Inferred:
    """The negatives in the request's scope and, unless `request.inferred_pairs` is off, their links
    to the examples the request selects."""
    scope = Selector(request.model_copy(update=OUTCOME_FILTERS))
    found = Inferred()
    negative_docs = [(n, i, d) for n, i, d in _docs(snap, NEGATIVE_WORD) if is_negative(d) and scope.match(d)]
    superseded = {i for _, i, d in negative_docs if d.get("status") == "superseded"}
    found.negatives = {i: d for _, i, d in negative_docs if i not in superseded}
    if not negative_docs or not request.inferred_pairs:
        return found
    keys = store.all_keys()
    replaced = _docs(snap, b"superseded")
    links = {str(i): d.get("superseded_by") for _, i, d in replaced if d.get("status") == "superseded"}
    negatives = []
    for n, i, d in negative_docs:
        side = _side(n, i, d, keys.get(i), settings)
        if side is None or not side.answer:
            continue
        if i in superseded:
            side.replaced_by = _chain_end(i, links)
            if side.replaced_by is None:
                continue
        negatives.append(side)
    found.answers = {s.id: s.answer for s in negatives if s.answer is not None}
    selector = Selector(request.model_copy(update={"limit": None}))
    chosen = [
        s for n, i, d in _docs(snap)
        if selector.match(d) and not is_negative(d) and (s := _side(n, i, d, keys.get(i), settings)) is not None
    ]
    chosen.sort(key=lambda s: s.order)
    found.links = _link(negatives, chosen, settings)
    for link in found.links:  # a superseded negative counts only through its pair
        if link.rejected in superseded:
            found.negatives[link.rejected] = next(d for _, i, d in negative_docs if i == link.rejected)
    return found


def _chain_end(doc_id: str, links: dict[str, Any]) -> str | None:
    """The live example a superseded one was finally replaced by (None: a broken or looping chain)."""
    seen = {doc_id}
    current = links.get(doc_id)
    for _ in range(MAX_CHAIN):
        if not isinstance(current, str) or current in seen:
            return None
        if current not in links:
            return current
        seen.add(current)
        current = links[current]
    return None


ORDER = (
    "explicit_pairs", "inferred_pairs", "unpaired_accepted", "unpaired_rejected",
    "label_true", "label_false", "label_false_inferred", "label_false_unpaired",
)


def ordered(counts: Counter[str]) -> dict[str, int]:
    """Counts in one fixed order, so reports read alike whatever came first."""
    return {k: counts[k] for k in ORDER if k in counts}


def count(counts: Counter[str], kind: str, conv: Conversation, records: int) -> None:
    """Tally what one written example gave a preference target (the report's `preference`)."""
    if kind == "pairs":
        counts["explicit_pairs" if conv.rejected else "inferred_pairs"] += 1
    elif conv.negative:
        counts["label_false"] += 1
        counts["label_false_unpaired"] += 1
    else:
        counts["label_true"] += 1
        counts["label_false"] += records - 1
        counts["label_false_inferred"] += len(conv.inferred)


def _link(negatives: list[_Side], chosen: list[_Side], settings: DedupSettings) -> list[Link]:
    """Each negative to the earliest later chosen example with the same or a near-duplicate prompt."""
    import numpy as np

    taken: set[str] = set()
    links: list[Link] = []
    signed = [s for s in negatives if s.signature is not None]
    matrix = np.stack([s.signature for s in signed]) if signed else None  # type: ignore[misc]
    for c in chosen:
        similar: dict[str, float] = {}
        if matrix is not None and c.signature is not None:
            scores = (matrix == c.signature).mean(axis=1)
            similar = {s.id: float(x) for s, x in zip(signed, scores, strict=True) if x >= settings.threshold}
        for neg in negatives:
            if neg.id in taken or neg.answer == c.answer:
                continue
            if neg.replaced_by is not None:  # the correction that replaced it, whichever came first
                if neg.replaced_by != c.id:
                    continue
                if neg.exact == c.exact:
                    links.append(Link(c.id, neg.id, "exact", 1.0))
                else:
                    links.append(Link(c.id, neg.id, "near", _similarity(neg, c)))
                taken.add(neg.id)
                continue
            if neg.order >= c.order:
                continue
            if neg.exact == c.exact:
                links.append(Link(c.id, neg.id, "exact", 1.0))
            elif neg.id in similar:
                links.append(Link(c.id, neg.id, "near", round(similar[neg.id], 3)))
            else:
                continue
            taken.add(neg.id)
    return links


def _similarity(a: _Side, b: _Side) -> float:
    """Estimated Jaccard of two prompt sides (0 without signatures)."""
    if a.signature is None or b.signature is None:
        return 0.0
    return round(float((a.signature == b.signature).mean()), 3)
