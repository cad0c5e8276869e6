"""Near-duplicate lookups for indexes kept in a database rather than in memory.

A database index (the embedded store's index file, PostgreSQL) keeps one row per (band, hash) of
each example's union signature and looks a new example up with one indexed probe per band; the
candidates are then verified exactly as `NearDeduper` verifies them, so every backend finds the
same duplicates. Band hashes are signed 64-bit integers: both SQLite's INTEGER and PostgreSQL's
BIGINT hold them.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from ..config import DedupSettings
from .minhash import decode, fingerprint
from .near import lsh_params

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

__all__ = ["band_hashes", "near_signatures", "similarity"]


def near_signatures(keys: dict[str, Any], settings: DedupSettings) -> tuple[NDArray[np.uint32], NDArray[np.uint32]] | None:
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


def similarity(
    x: tuple[NDArray[np.uint32], NDArray[np.uint32]],
    y: tuple[NDArray[np.uint32], NDArray[np.uint32]],
    settings: DedupSettings,
) -> float | None:
    """The estimated similarity of two near-duplicates, or None when they are not (both rules of
    `near.py`: the whole texts at `threshold`, the answers alone at `answer_threshold`)."""
    import numpy as np

    union = float(np.count_nonzero(x[0] == y[0])) / len(x[0])
    if union < settings.threshold:
        return None
    answer = float(np.count_nonzero(x[1] == y[1])) / len(x[1])
    return union if answer >= settings.answer_threshold else None
