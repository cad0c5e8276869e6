"""Near-duplicate detection: MinHash signatures, an LSH band index, and a verification step.

Two examples are near duplicates when
  1. the Jaccard similarity of their shingle sets (prompt side ∪ answer side) is ≥ `threshold`,
  2. and the Jaccard similarity of their answer sides alone is ≥ `answer_threshold`.
Rule 2 is why the two sides are hashed apart: the same long prompt (a pasted function, a
template) with a substantively different answer must not count as a duplicate, and the
combined similarity alone cannot see that when the prompt dominates the text.

Signatures (`minhash.py`) are computed once, at collect time (`keys()`), and stored beside the
example with the fingerprint of the scheme, permutation count and shingling they were made
with. Hashing both sides with the same permutations means the signature of the union is the
element-wise minimum of the two, so only two signatures are stored.

LSH only proposes candidates; each is verified on the full signatures (rule 1 and 2 on
estimated Jaccard), which is what keeps precision: a false "duplicate" silently drops a user's
example. Rebuilding the index at start-up decodes stored signatures into band tables without
building any `MinHash` object (that construction dominated start-up: ~6 s for 20k) and without
datasketch's MinHashLSH storage (a set per bucket: ~840 MB at 100k entries, see __init__).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..config import DedupSettings
from ..model import Example
from .bands import lsh_params, similarity
from .exact import Deduper, Match, exact_key
from .minhash import decode, encode, fingerprint, signatures

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["NearDeduper", "lsh_params", "sides"]


def sides(example: Example) -> tuple[str, str]:
    """(prompt side, answer side): user and tool turns vs assistant text and tool calls.

    System prompt and context are never included: a long shared system prompt is the normal
    case and would make unrelated conversations look alike.
    """
    prompt: list[str] = []
    answer: list[str] = []
    for m in example.turns():
        if m.role == "system":
            continue
        target = answer if m.role == "assistant" else prompt
        if m.content:
            target.append(m.content)
        for call in m.tool_calls or []:
            target.append(f"call {call.function.name} {call.function.arguments}")
    return "\n".join(prompt), "\n".join(answer)


@dataclass(slots=True)
class _Entry:
    union: NDArray[np.uint32]
    answer: NDArray[np.uint32]


class NearDeduper(Deduper):
    """Exact keys first (inherited), then MinHash LSH candidates verified on full signatures."""

    def __init__(self, settings: DedupSettings) -> None:
        super().__init__(settings)
        self.fingerprint = fingerprint(settings)
        # LSH only proposes candidates (tuned for recall, see lsh_params); _verify decides.
        # Band tables are plain dicts of band bytes -> id (a list only on collision): datasketch's
        # MinHashLSH keeps a set per bucket plus a per-key list of band hashes, measured at
        # ~840 MB for 100k entries and ~9 s to rebuild 20k (GC-tracked sets), where these take a
        # fraction of both. The banding is the same: b bands of r rows of the signature.
        b, r = lsh_params(settings.threshold, settings.num_perm)
        self._ranges = [(i * r * 4, (i + 1) * r * 4) for i in range(b)]
        self._tables: list[dict[bytes, str | list[str]]] = [{} for _ in range(b)]
        self._entries: dict[str, _Entry] = {}
        self.stale: set[str] = set()  # ids whose stored keys were made under another fingerprint

    # -- keys (collect time) ------------------------------------------------------------------
    def keys(self, example: Example) -> dict[str, Any]:
        prompt, answer = sides(example)
        sigs = signatures({"p": prompt, "a": answer}, self.settings)
        near = {"fp": self.fingerprint, "p": encode(sigs["p"]), "a": encode(sigs["a"])}
        return {"exact": exact_key(example), "near": near}

    # -- index ----------------------------------------------------------------------------------
    def add(self, example_id: str, keys: dict[str, Any]) -> None:
        import numpy as np

        if example_id in self._entries:
            self.remove(example_id)
        super().add(example_id, keys)
        near = keys.get("near")
        if not isinstance(near, dict) or near.get("fp") != self.fingerprint:
            self.stale.add(example_id)
            return
        answer = decode(near["a"])
        entry = _Entry(np.minimum(decode(near["p"]), answer), answer)
        self._entries[example_id] = entry
        for band, table in zip(self._bands(entry.union), self._tables, strict=True):
            held = table.get(band)
            if held is None:
                table[band] = example_id
            elif isinstance(held, str):
                table[band] = [held, example_id]
            else:
                held.append(example_id)

    def _bands(self, union: NDArray[np.uint32]) -> list[bytes]:
        raw = union.tobytes()
        return [raw[start:end] for start, end in self._ranges]

    def _candidates(self, union: NDArray[np.uint32]) -> set[str]:
        found: set[str] = set()
        for band, table in zip(self._bands(union), self._tables, strict=True):
            held = table.get(band)
            if isinstance(held, str):
                found.add(held)
            elif held is not None:
                found.update(held)
        return found

    def remove(self, example_id: str) -> None:
        super().remove(example_id)
        self.stale.discard(example_id)
        entry = self._entries.pop(example_id, None)
        if entry is None:
            return
        for band, table in zip(self._bands(entry.union), self._tables, strict=True):
            held = table.get(band)
            if held == example_id:
                del table[band]
            elif isinstance(held, list) and example_id in held:
                held.remove(example_id)
                if len(held) == 1:
                    table[band] = held[0]

    def __contains__(self, example_id: str) -> bool:
        # A stale entry reads as missing, so the pipeline recomputes its keys at open.
        return example_id in self._entries or (example_id in self._by_id and example_id not in self.stale)

    # -- queries --------------------------------------------------------------------------------
    def find(self, keys: dict[str, Any]) -> Match | None:
        exact = super().find(keys)
        if exact is not None:
            return exact
        near = keys.get("near")
        if not isinstance(near, dict) or near.get("fp") != self.fingerprint:
            return None
        import numpy as np

        answer = decode(near["a"])
        return self._best(_Entry(np.minimum(decode(near["p"]), answer), answer), exclude=None)

    def neighbours(self, example_id: str) -> list[Match]:
        """Verified near duplicates of a stored example (for clusters and re-checks)."""
        entry = self._entries.get(example_id)
        if entry is None:
            return []
        return [m for m in self._verified(entry, self._candidates(entry.union)) if m.id != example_id]

    def similarity(self, a: str, b: str) -> float | None:
        """Verified similarity of two stored examples, or None if they are not near duplicates."""
        ea, eb = self._entries.get(a), self._entries.get(b)
        if ea is None or eb is None:
            return None
        return self._verify(ea, eb)

    def _best(self, entry: _Entry, exclude: str | None) -> Match | None:
        found = [m for m in self._verified(entry, self._candidates(entry.union)) if m.id != exclude]
        return max(found, key=lambda m: m.similarity) if found else None

    def _verified(self, entry: _Entry, candidates: Iterable[str]) -> list[Match]:
        out = []
        for cid in candidates:
            similarity = self._verify(entry, self._entries[cid])
            if similarity is not None:
                out.append(Match(cid, "near", similarity))
        return out

    def _verify(self, x: _Entry, y: _Entry) -> float | None:
        return similarity((x.union, x.answer), (y.union, y.answer), self.settings)

    def ids(self) -> list[str]:
        return list(self._entries)
