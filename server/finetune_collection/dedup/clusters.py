"""Duplicate clusters and the one keep-the-best policy, shared by collect, re-check and export.

Keep the best: the highest quality score; on a tie the oldest, since it was kept first. At
collect time the newcomer is the newest, so it replaces a stored exact or near duplicate only
when its score is strictly higher (or a person approved it), and never an example a person has
judged: people outrank scores. A replaced example is kept as `superseded`.
Clusters are transitive, but an example is only dropped when it is itself a duplicate of a kept
one: a chain A~B~C where C is not close to A keeps C.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from ..model import created_at, judged
from .exact import Deduper, Match
from .near import NearDeduper

__all__ = ["RecheckCluster", "RecheckMember", "RecheckReport", "components", "decide", "rank", "replaces", "resolve"]


def rank(quality_score: float, created: datetime | None, example_id: str) -> tuple[float, datetime, str]:
    """Sort key: the best example of a cluster sorts first (an undated one counts as newest)."""
    return (-quality_score, created or datetime.max.replace(tzinfo=timezone.utc), example_id)


def replaces(match: Match, stored: dict[str, Any], new_score: float, new_approved: bool) -> bool:
    """May a newcomer replace the stored example it matched (exact copy or near duplicate)? Never
    one a person has judged; otherwise a person's approval or a strictly higher score wins. An
    exact copy follows the same rule: re-importing a file with `--approved` or a higher score
    must take effect, not come back as `duplicate` of a copy nobody looked at."""
    del match  # exact and near copies are decided alike
    if judged(stored):
        return False
    return new_approved or new_score > float(stored.get("quality_score", 0))


def components(deduper: Deduper) -> list[list[str]]:
    """Groups (≥ 2 ids) of transitively duplicate examples in the index, sorted (stable output)."""
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
    members: dict[str, list[str]] = {}
    for x in list(parent):
        members.setdefault(root(x), []).append(x)
    return sorted(sorted(g) for g in members.values() if len(g) > 1)


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
    remove: list[str] = Field(description="ids superseded (applied) or that would be: kept, never exported")
    applied: bool


def _similar(deduper: Deduper, a: str, b: str) -> float | None:
    key = deduper.exact_key_of(a)  # equal exact keys: exact duplicates
    if key is not None and key == deduper.exact_key_of(b):
        return 1.0
    return deduper.similarity(a, b) if isinstance(deduper, NearDeduper) else None


def decide(
    deduper: Deduper, group: list[str], docs: dict[str, dict[str, Any]], people_first: bool = True
) -> RecheckCluster:
    """Which members of one cluster to keep, best first, each with the reason. `people_first`:
    an example a person judged is always kept (False for a view that deletes nothing, such as
    `export --dedup`)."""

    def quality(i: str) -> float:
        return float(docs[i].get("quality_score", 0))

    order = sorted(group, key=lambda i: rank(quality(i), created_at(docs[i]), i))
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
        if people_first and judged(docs[i]):  # a person decided on it: reported, never dropped
            kept.append(i)
            members.append(RecheckMember(
                id=i, quality_score=quality(i), created_at=created, keep=True, duplicate_of=k,
                similarity=round(similarity, 3), reason=f"near duplicate of {k}, kept: a person judged it",
            ))
            continue
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


def resolve(
    index: Deduper, docs: dict[str, dict[str, Any]], people_first: bool = True
) -> tuple[list[RecheckCluster], list[str]]:
    """Every cluster among `docs` (id → stored document) with its decision, and the ids to drop."""
    found: list[RecheckCluster] = []
    remove: list[str] = []
    for group in components(index):
        group = [i for i in group if i in docs]
        if len(group) < 2:
            continue
        cluster = decide(index, group, docs, people_first)
        found.append(cluster)
        remove.extend(m.id for m in cluster.members if not m.keep)
    return found, remove
