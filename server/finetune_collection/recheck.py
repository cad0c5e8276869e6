"""Re-check a whole dataset for duplicates, e.g. after changing `dedup.threshold`.

`recheck(store, config, apply=False)` reports the clusters it would merge and which example of
each it keeps, and changes nothing. With `apply=True` it recomputes the clusters under the
store lock and removes the losers. The policy is the collect-time one: keep the best (highest
quality score; on a tie the oldest, since it was kept first). Clusters are transitive, but an
example is only removed when it is itself a duplicate of a kept one: a chain A~B~C where C is
not close to A keeps C.
"""

from __future__ import annotations

import contextlib
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from .config import Config, DedupSettings
from .dedup import Deduper
from .near import NearDeduper, _components
from .store import Store

__all__ = ["RecheckCluster", "RecheckMember", "RecheckReport", "index_for", "recheck"]


class RecheckMember(BaseModel):
    id: str
    quality_score: float
    created_at: str
    keep: bool
    duplicate_of: str | None = Field(default=None, description="the kept example this one duplicates")
    similarity: float | None = None
    reason: str


class RecheckCluster(BaseModel):
    ids: list[str] = Field(description="all members, best first")
    kept: list[str]
    members: list[RecheckMember]


class RecheckReport(BaseModel):
    threshold: float
    examples: int
    clusters: list[RecheckCluster]
    remove: list[str] = Field(description="ids removed (applied) or that would be removed")
    applied: bool


def index_for(store: Store, settings: DedupSettings) -> Deduper:
    """A duplicate index over the stored examples under `settings`.

    Reuses the store's live index when the settings match; otherwise builds one from the stored
    signatures (a threshold change needs no rehashing), recomputing keys only for examples
    whose signatures were made with other shingling or permutations.
    """
    live = store.deduper
    if live.settings == settings and not (isinstance(live, NearDeduper) and live.stale):
        return live
    deduper: Deduper = NearDeduper(settings) if settings.near else Deduper(settings)
    stored = store.all_keys()
    for doc in store.docs():
        example_id = str(doc["id"])
        keys = stored.get(example_id)
        if keys is not None:
            deduper.add(example_id, dict(keys))
        if example_id not in deduper:
            deduper.remove(example_id)
            deduper.add(example_id, deduper.keys(store.get(example_id)))
    return deduper


def _similar(deduper: Deduper, a: str, b: str) -> float | None:
    key = deduper.exact_key_of(a)  # equal exact keys: exact duplicates
    if key is not None and key == deduper.exact_key_of(b):
        return 1.0
    return deduper.similarity(a, b) if isinstance(deduper, NearDeduper) else None


def _when(doc: dict[str, Any]) -> datetime:
    raw = str(doc.get("created_at", ""))
    try:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    except ValueError:
        return datetime.max.replace(tzinfo=timezone.utc)


def recheck(store: Store, config: Config, apply: bool = False) -> RecheckReport:
    """Find duplicate clusters under `config.dedup`; with `apply`, remove all but the best."""
    with store.transaction() if apply else contextlib.nullcontext():
        if not apply:
            store.refresh()
        deduper = index_for(store, config.dedup)
        docs = {str(d["id"]): d for d in store.docs()}
        found: list[RecheckCluster] = []
        remove: list[str] = []
        for group in _components(deduper):
            group = [i for i in group if i in docs]
            if len(group) < 2:
                continue
            cluster = _decide(deduper, group, docs)
            found.append(cluster)
            remove.extend(m.id for m in cluster.members if not m.keep)
        if apply:
            for example_id in remove:
                store.remove(example_id)
    return RecheckReport(
        threshold=config.dedup.threshold,
        examples=len(docs),
        clusters=found,
        remove=remove,
        applied=apply,
    )


def _decide(deduper: Deduper, group: list[str], docs: dict[str, dict[str, Any]]) -> RecheckCluster:
    def quality(i: str) -> float:
        return float(docs[i].get("quality_score", 0))

    order = sorted(group, key=lambda i: (-quality(i), _when(docs[i]), i))
    kept: list[str] = []
    members: list[RecheckMember] = []
    for i in order:
        created = str(docs[i].get("created_at", ""))
        hit = next(((k, s) for k in kept if (s := _similar(deduper, i, k)) is not None), None)
        if hit is None:
            reason = (
                "best of the cluster: highest quality, oldest on a tie"
                if not kept
                else "kept: not a near duplicate of any kept example (only linked through others)"
            )
            kept.append(i)
            members.append(RecheckMember(id=i, quality_score=quality(i), created_at=created, keep=True, reason=reason))
            continue
        k, similarity = hit
        why = (
            f"{k} has higher quality ({quality(k):g} > {quality(i):g})"
            if quality(k) > quality(i)
            else f"equal quality ({quality(k):g}); {k} is older"
        )
        members.append(
            RecheckMember(
                id=i,
                quality_score=quality(i),
                created_at=created,
                keep=False,
                duplicate_of=k,
                similarity=round(similarity, 3),
                reason=f"near duplicate of {k} (similarity {similarity:.2f}): {why}",
            )
        )
    return RecheckCluster(ids=order, kept=kept, members=members)
