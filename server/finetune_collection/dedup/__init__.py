"""Duplicate detection behind one seam: `find(keys) -> Match | None`, `add()`, `remove()`.

    exact      `Deduper`: the index protocol and exact duplicates (normalized content hash)
    minhash    MinHash signatures of an example's two sides
    near       `NearDeduper`: exact first, then MinHash LSH candidates verified on signatures
    bands      band hashes and verification for indexes kept in a database
    clusters   duplicate clusters and the one keep-the-best policy
"""

from __future__ import annotations

from ..config import DedupSettings
from .exact import Deduper, Match

__all__ = ["Deduper", "Match", "make_index"]


def make_index(settings: DedupSettings) -> Deduper:
    """An empty index for these settings (near duplicates when `settings.near`)."""
    if not settings.near:
        return Deduper(settings)
    from .near import NearDeduper  # imported late: only near-duplicate detection needs numpy

    return NearDeduper(settings)
