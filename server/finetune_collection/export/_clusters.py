"""Near-duplicate clusters for the split (near.py: exact duplicates group too)."""

from __future__ import annotations

from pathlib import Path

from ..config import Config
from ._reader import Snapshot


def clusters(store_path: Path, config: Config, snap: Snapshot, ids: set[str]) -> tuple[list[list[str]], str | None]:
    """(clusters, warning). near.py needs the Store in memory; only a split pays for that."""
    from ..near import clusters as near_clusters
    from ..store import Store

    found: list[list[str]] = near_clusters(Store(store_path.parent, config))
    return found, None
