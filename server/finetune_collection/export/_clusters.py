"""Near-duplicate clusters for the split: near.py when present, else exact-key groups."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from ..config import Config
from ._reader import Snapshot


def clusters(store_path: Path, config: Config, snap: Snapshot, ids: set[str]) -> tuple[list[list[str]], str | None]:
    """(clusters, warning). near.py needs the Store in memory; only a split pays for that."""
    try:
        from ..near import clusters as near_clusters  # type: ignore[import-untyped,unused-ignore]
    except ImportError:
        return exact_clusters(snap, ids)
    from ..store import Store

    found: list[list[str]] = near_clusters(Store(store_path.parent, config))
    return found, None


def exact_clusters(snap: Snapshot, ids: set[str]) -> tuple[list[list[str]], str | None]:
    """Fallback: ids sharing the dedup table's `exact` key."""
    by_key: dict[str, list[str]] = defaultdict(list)
    index = snap.index(("dedup",))["dedup"]
    for doc_id, (offset, length) in index.items():
        if doc_id in ids:
            key = snap.doc(offset, length).get("exact")
            if isinstance(key, str):
                by_key[key].append(doc_id)
    groups = [g for g in by_key.values() if len(g) > 1]
    return groups, "near-duplicate clusters unavailable (near.py missing); split keeps exact duplicates together only"
