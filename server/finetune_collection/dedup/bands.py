"""Near-duplicate lookups for indexes kept in a database rather than in memory.

A database index (the embedded store's index file, PostgreSQL) keeps one row per (band, hash) of
each example's union signature and looks a new example up with one indexed probe per band; the
candidates are then verified exactly as `NearDeduper` verifies them, so every backend finds the
same duplicates. Band hashes are signed 64-bit integers: both SQLite's INTEGER and PostgreSQL's
BIGINT hold them.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..config import DedupSettings
from .minhash import decode, fingerprint

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["band_hashes", "lsh_params", "near_signatures", "similarity"]


Signatures = tuple["NDArray[np.uint32]", "NDArray[np.uint32]"]


def near_signatures(keys: dict[str, Any], settings: DedupSettings) -> Signatures | None:
    """(union, answer) signatures of stored keys, or None when they were made under other
    settings (or near duplicates are off): such keys are recomputed, never compared."""
    import numpy as np

    near = keys.get("near")
    if not settings.near or not isinstance(near, dict) or near.get("fp") != fingerprint(settings):
        return None
    answer = decode(near["a"])
    return np.minimum(decode(near["p"]), answer), answer


def band_hashes(union: NDArray[np.uint32], settings: DedupSettings) -> list[int]:
    """One signed 64-bit hash per LSH band of a union signature (band order)."""
    b, r = lsh_params(settings.threshold, settings.num_perm)
    raw = union.tobytes()
    width = r * 4
    return [
        int.from_bytes(hashlib.blake2b(raw[i * width : (i + 1) * width], digest_size=8).digest(), "little", signed=True)
        for i in range(b)
    ]


def similarity(x: Signatures, y: Signatures, settings: DedupSettings) -> float | None:
    """The estimated similarity of two near-duplicates, or None when they are not (both rules of
    `near.py`: the whole texts at `threshold`, the answers alone at `answer_threshold`)."""
    import numpy as np

    union = float(np.count_nonzero(x[0] == y[0])) / len(x[0])
    if union < settings.threshold:
        return None
    answer = float(np.count_nonzero(x[1] == y[1])) / len(x[1])
    return union if answer >= settings.answer_threshold else None


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
