"""Train/validation split: deterministic per seed, stratified by task_type, clusters kept whole.

Near-duplicates in both files would make validation loss look better than it is, so each
near-duplicate cluster (near.py's `clusters`, else groups sharing the dedup table's `exact` key)
goes to one side. Per task_type, clusters are shuffled with a seeded RNG (string seeds hash the
same in every process, unlike `hash()`), then taken into validation while they fit under
round(fraction × stratum size). When rounding leaves validation empty but there are at least two
groups, the smallest group of the largest stratum goes to validation so both files exist.
"""

from __future__ import annotations

import random
from collections import Counter, defaultdict
from collections.abc import Iterable


def groups(ids: Iterable[str], clusters: Iterable[Iterable[str]]) -> list[list[str]]:
    """Selected ids grouped by cluster; unclustered ids are groups of one. Stable order."""
    selected = list(ids)
    wanted = set(selected)
    owner: dict[str, int] = {}
    out: list[list[str]] = []
    for cluster in clusters:
        members = sorted(i for i in cluster if i in wanted and i not in owner)
        if members:
            for i in members:
                owner[i] = len(out)
            out.append(members)
    out += [[i] for i in selected if i not in owner]
    return out


def assign(task_of: dict[str, str], clusters: Iterable[Iterable[str]], fraction: float, seed: int) -> set[str]:
    """The ids that go to validation."""
    strata: dict[str, list[list[str]]] = defaultdict(list)
    for g in groups(sorted(task_of), clusters):
        # A cluster spanning task types counts under its most common one (ties: alphabetical).
        tally = Counter(task_of[i] for i in g)
        stratum = min(tally, key=lambda t: (-tally[t], t))
        strata[stratum].append(g)
    val: set[str] = set()
    for stratum in sorted(strata):
        gs = sorted(strata[stratum])
        random.Random(f"{seed}:{stratum}").shuffle(gs)
        size = sum(len(g) for g in gs)
        target = round(fraction * size)
        taken = 0
        for g in gs:
            if taken + len(g) <= target:
                val.update(g)
                taken += len(g)
    n_groups = sum(len(gs) for gs in strata.values())
    if not val and n_groups >= 2:
        largest = max(sorted(strata), key=lambda s: sum(len(g) for g in strata[s]))
        smallest: list[str] = min(sorted(strata[largest]), key=len)
        val.update(smallest)
    return val
