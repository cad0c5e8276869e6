"""Near-duplicate detection: MinHash signatures, an LSH band index, and a verification step.

Two examples are near duplicates when
  1. the Jaccard similarity of their shingle sets (prompt side ∪ answer side) is ≥ `threshold`,
  2. and the Jaccard similarity of their answer sides alone is ≥ `answer_threshold`.
Rule 2 is why the two sides are hashed apart: the same long prompt (a pasted function, a
template) with a substantively different answer must not count as a duplicate, and the
combined similarity alone cannot see that when the prompt dominates the text.

Signatures are computed once, at collect time (`keys()`), and stored beside the example as
base64 of little-endian uint32 values, with the scheme, permutation count and shingling they
were made with. Hashing both sides with the same permutations means the signature of the union
is the element-wise minimum of the two, so only two signatures are stored.

LSH only proposes candidates; each is verified on the full signatures (rule 1 and 2 on
estimated Jaccard), which is what keeps precision: a false "duplicate" silently drops a user's
example. Rebuilding the index at start-up decodes stored signatures into band tables without
building any `MinHash` object (that construction dominated start-up: ~6 s for 20k) and without
datasketch's MinHashLSH storage (a set per bucket: ~840 MB at 100k entries, see __init__).
"""

from __future__ import annotations

import base64
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING, Any

import regex

from .config import DedupSettings
from .dedup import SPLIT_ONLY, Deduper, Match, exact_key, normalize
from .model import Example

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    from .store import Store

__all__ = ["NearDeduper", "clusters", "shingles", "sides"]

SCHEME = "affine32"  # datasketch 2.0's default; recorded in the keys because values carry no trace
SEED = 1
# zlib.crc32 (C) hashes a shingle ~30x faster than datasketch's default sha1 wrapper (which was
# 60% of a signature's cost); datasketch's affine32 scheme pre-mixes every input with the
# MurmurHash3 finalizer, so crc32's linearity does not reach the permutations.
HASH = "crc32"
_TOKEN = regex.compile(r"\w+|[^\w\s]")


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


def shingles(text: str, kind: str, size: int) -> set[bytes]:
    """Shingles of normalized text. Tokens split words from punctuation, so `f(x, y)` and
    `f( x,y )` shingle alike and reformatting code changes nothing."""
    tokens = _TOKEN.findall(normalize(text))
    if kind == "char":
        joined = " ".join(tokens)
        if joined.isascii():  # the common case: byte grams are char grams, no per-gram encode
            data = joined.encode()
            return {data[i : i + size] for i in range(max(1, len(data) - size + 1))} - {b""}
        grams = {joined[i : i + size] for i in range(max(1, len(joined) - size + 1))}
    else:
        grams = {" ".join(tokens[i : i + size]) for i in range(max(1, len(tokens) - size + 1))}
    return {g.encode() for g in grams if g}


@lru_cache(maxsize=1)
def _crc_table() -> NDArray[np.uint32]:
    import numpy as np

    table = np.arange(256, dtype=np.uint32)
    for _ in range(8):
        table = np.where(table & 1, (table >> 1) ^ np.uint32(0xEDB88320), table >> 1).astype(np.uint32)
    return table


@lru_cache(maxsize=1)
def _ascii_classes() -> NDArray[np.uint8]:
    """Byte -> 0 (whitespace, as `\\s`), 1 (word char, as `\\w`), 2 (anything else) for ASCII."""
    import numpy as np

    classes = np.full(128, 2, dtype=np.uint8)
    classes[[9, 10, 11, 12, 13, 32]] = 0
    for c in "0123456789_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ":
        classes[ord(c)] = 1
    return classes


def _ascii_tokens_joined(text: str) -> NDArray[np.uint8] | None:
    """`" ".join(_TOKEN.findall(normalize(text)))` as bytes, vectorized, for ASCII text.

    Tokens are word runs and single other characters; joined by one space, so a space goes
    between two kept characters unless both are word characters that were adjacent. Returns
    None for non-ASCII text and for the rare control characters `normalize()` strips but `\\s`
    does not match (the caller uses `shingles()`), an empty array for blank text.
    """
    import numpy as np

    if not text.isascii() or any(c in text for c in SPLIT_ONLY):
        return None
    raw = np.frombuffer(text.encode("ascii").lower(), dtype=np.uint8)  # casefold, for ASCII
    classes = _ascii_classes()[raw]
    kept = np.flatnonzero(classes)
    kept_classes = classes[kept]
    glued = (kept_classes[1:] == 1) & (kept_classes[:-1] == 1) & (np.diff(kept) == 1)
    positions = np.arange(len(kept))
    positions[1:] += np.cumsum(~glued)
    joined = np.full(len(kept) + int(len(glued) - np.count_nonzero(glued)), 32, dtype=np.uint8)
    joined[positions] = raw[kept]
    return joined


def _ascii_char_hashes(text: str, settings: DedupSettings) -> NDArray[np.uint32] | None:
    """crc32 of every char shingle at once (numpy), the same values `shingles()` + zlib.crc32 give.

    A collect spent ~2 ms per 4 KB tokenizing, building the shingle set and hashing it in a
    Python loop; here tokenizing is a few array operations and the table-driven CRC over all
    windows is one vectorized pass per byte of the shingle. Repeated shingles need no set:
    MinHash keeps minima, so duplicates change nothing. Returns None where the fast path does
    not apply (non-ASCII text, blank text): the caller uses `shingles()`.
    """
    import numpy as np

    data = _ascii_tokens_joined(text)
    if data is None or not len(data):
        return None
    size = settings.shingle_size
    if len(data) < size:
        return np.array([zlib.crc32(data.tobytes())], dtype=np.uint32)
    n = len(data) - size + 1
    table = _crc_table()
    crc = np.full(n, 0xFFFFFFFF, dtype=np.uint32)
    for k in range(size):
        crc = table[(crc ^ data[k : k + n]) & 0xFF] ^ (crc >> np.uint32(8))
    result: NDArray[np.uint32] = crc ^ np.uint32(0xFFFFFFFF)
    return result


def _signature(hashes: NDArray[np.uint32], num_perm: int) -> NDArray[np.uint32]:
    """MinHash.update_batch's CPU path for values already hashed (datasketch 2.x, affine32), on a
    fresh MinHash: pre-mix with the MurmurHash3 finalizer, permute with a*h+b in uint32, keep
    row minima (a fresh MinHash starts at the maximum, so its minimum is these).
    tests/test_dedup.py checks the result equals update_batch's on the same shingles."""
    import numpy as np
    from datasketch.minhash import _fmix

    a, b = _permutations(num_perm)
    # (num_perm, n) in C order, added in place, reduced along contiguous rows: 10x faster than
    # datasketch's (n, num_perm) temporaries reduced down columns (0.4 vs 3.9 ms for 4k shingles).
    phv = np.multiply.outer(a, _fmix(hashes, 32))
    phv += b[:, None]
    signature: NDArray[np.uint32] = phv.min(axis=1)
    return signature


def fingerprint(settings: DedupSettings) -> str:
    """What signatures depend on; stored keys made under another fingerprint are recomputed."""
    return f"{SCHEME}/{HASH}/{settings.num_perm}/{settings.shingle}{settings.shingle_size}/{SEED}"


@lru_cache(maxsize=4)
def _permutations(num_perm: int) -> Any:
    # Generating the permutations is most of a MinHash's construction cost; share them.
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations


def _encode(values: NDArray[np.uint32]) -> str:
    return base64.b64encode(values.astype("<u4").tobytes()).decode("ascii")


def _decode(text: str) -> NDArray[np.uint32]:
    import numpy as np

    return np.frombuffer(base64.b64decode(text), dtype="<u4")


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
        s = self.settings
        prompt, answer = sides(example)
        sigs = []
        for tag, text in (("p", prompt), ("a", answer)):
            hashes = _ascii_char_hashes(text, s) if s.shingle == "char" else None
            if hashes is not None:
                sigs.append(_encode(_signature(hashes, s.num_perm)))
                continue
            from datasketch import MinHash

            m = MinHash(num_perm=s.num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32,
                        permutations=_permutations(s.num_perm))
            m.update_batch(shingles(text, s.shingle, s.shingle_size) or {f"<empty {tag}>".encode()})
            sigs.append(_encode(m.hashvalues))
        return {"exact": exact_key(example), "near": {"fp": self.fingerprint, "p": sigs[0], "a": sigs[1]}}

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
        answer = _decode(near["a"])
        entry = _Entry(np.minimum(_decode(near["p"]), answer), answer)
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
        # A stale entry reads as missing, so the store recomputes its keys (see store._heal).
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

        answer = _decode(near["a"])
        return self._best(_Entry(np.minimum(_decode(near["p"]), answer), answer), exclude=None)

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
        import numpy as np

        union = float(np.count_nonzero(x.union == y.union)) / len(x.union)
        if union < self.settings.threshold:
            return None
        answer = float(np.count_nonzero(x.answer == y.answer)) / len(x.answer)
        return union if answer >= self.settings.answer_threshold else None

    def ids(self) -> list[str]:
        return list(self._entries)

    def exact_groups(self) -> list[list[str]]:
        groups: dict[str, list[str]] = {}
        for example_id, key in self._by_id.items():
            groups.setdefault(key, []).append(example_id)
        return [g for g in groups.values() if len(g) > 1]


@lru_cache(maxsize=32)
def lsh_params(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows) of the candidate filter. A pair at similarity J becomes a candidate with
    P(J) = 1 - (1 - J^r)^b. Verification removes false candidates, so LSH is tuned for recall:
    P(threshold) ≥ 0.95 and P(threshold + 0.1) ≥ 0.995, while unrelated text stays out
    (P(threshold - 0.4) ≤ 0.05). Among those, the fewest bands: each band is a dict entry per
    indexed example. At 0.7 and 128 permutations: 17 × 5.
    """
    best: tuple[int, int] | None = None
    for b in range(2, num_perm + 1):
        for r in range(num_perm // b, 0, -1):

            def p(j: float, b: int = b, r: int = r) -> float:
                return float(1 - (1 - j**r) ** b)

            if p(threshold) >= 0.95 and p(min(1.0, threshold + 0.1)) >= 0.995 and p(max(0.05, threshold - 0.4)) <= 0.05:
                best = (b, r)
                break
        if best is not None:
            return best
    return (num_perm // 2, 2)  # thresholds so low that no banding separates: near brute force


def clusters(store: Store) -> list[list[str]]:
    """Groups (≥ 2 ids) of transitively near-duplicate stored examples, under current settings.

    Exact duplicates group too. Ids in each group and the groups are sorted, so the result is
    stable. The exporter uses this to keep a cluster on one side of a train/val split.
    """
    from .recheck import index_for

    return _components(index_for(store, store.config.dedup))


def _components(deduper: Deduper) -> list[list[str]]:
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def union(a: str, b: str) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    if isinstance(deduper, NearDeduper):
        for example_id in deduper.ids():
            for match in deduper.neighbours(example_id):
                union(example_id, match.id)
        for group in deduper.exact_groups():
            for other in group[1:]:
                union(group[0], other)
    else:
        groups: dict[str, list[str]] = {}
        for example_id, key in deduper._by_id.items():
            groups.setdefault(key, []).append(example_id)
        for group in groups.values():
            for other in group[1:]:
                union(group[0], other)
    members: dict[str, list[str]] = {}
    for x in list(parent):
        members.setdefault(root(x), []).append(x)
    return sorted(sorted(g) for g in members.values() if len(g) > 1)
