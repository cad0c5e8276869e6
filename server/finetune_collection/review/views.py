"""Derived views: near-duplicate neighbours with word diffs, and the stats view's chart data."""

from __future__ import annotations

import difflib
from collections import Counter
from datetime import date, timedelta
from typing import Any

import regex

from ..model import doc_turns
from ..pipeline import Pipeline
from ..store import Store
from ..tokens import estimate_doc_tokens
from .query import view

MAX_NEIGHBOURS = 3
# Without near.py's index the page compares against the most recent examples only, so opening one
# example costs a bounded ~0.1 s, never a scan of the whole store.
SCAN_RECENT = 2000
SHOW_SIMILARITY = 0.5  # word 3-gram Jaccard; lower than dedup's threshold: similar, not rejected
MAX_DIFF_TOKENS = 20_000
TOKEN_BINS = [0, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 131072]
TOP_TASK_TYPES = 6

_WORD = regex.compile(r"\w+")
_TOKEN = regex.compile(r"\s+|\w+|[^\w\s]")


def content(doc: dict[str, Any]) -> str:
    """What is compared and diffed: the turns, labelled by role (system prompt included)."""
    return "\n".join(f"[{m.get('role')}] {m.get('content') or ''}" for m in doc_turns(doc))


def shingles(text: str, n: int = 3) -> set[str]:
    words = _WORD.findall(text.casefold())
    return {" ".join(words[i : i + n]) for i in range(max(1, len(words) - n + 1))}


def jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def word_diff(a: str, b: str) -> tuple[list[list[str]], list[list[str]]]:
    """Side-by-side diff: left segments are eq/del, right segments eq/ins."""
    ta, tb = _TOKEN.findall(a)[:MAX_DIFF_TOKENS], _TOKEN.findall(b)[:MAX_DIFF_TOKENS]
    left: list[list[str]] = []
    right: list[list[str]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(None, ta, tb, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(["eq", "".join(ta[i1:i2])])
            right.append(["eq", "".join(tb[j1:j2])])
            continue
        if i2 > i1:
            left.append(["del", "".join(ta[i1:i2])])
        if j2 > j1:
            right.append(["ins", "".join(tb[j1:j2])])
    return left, right


def _near_ids(core: Pipeline, example_id: str) -> list[tuple[str, float]]:
    """Verified near duplicates from the store's duplicate index."""
    return [(str(m.id), float(m.similarity)) for m in core.store.neighbours(example_id)]


def neighbours(core: Pipeline, doc: dict[str, Any]) -> list[dict[str, Any]]:
    """Up to MAX_NEIGHBOURS similar stored examples, most similar first, each diffed against doc."""
    store = core.store
    me = str(doc.get("id"))
    text = content(doc)
    mine = shingles(text)
    found: dict[str, tuple[float, str]] = {}
    for other, similarity in _near_ids(core, me):
        if other != me and other in store:
            found[other] = (similarity, "near_duplicate")
    recent = list(store.docs())[-SCAN_RECENT:]
    for other_doc in recent:
        other = str(other_doc.get("id"))
        if other == me or other in found:
            continue
        score = jaccard(mine, shingles(content(other_doc)))
        if score >= SHOW_SIMILARITY:
            found[other] = (score, "similar")
    ranked = sorted(found.items(), key=lambda kv: kv[1][0], reverse=True)[:MAX_NEIGHBOURS]
    out = []
    for other, (score, kind) in ranked:
        other_doc = store.get_doc(other)
        left, right = word_diff(text, content(other_doc))
        out.append({"example": view(other_doc), "similarity": round(score, 3), "kind": kind,
                    "left": left, "right": right})
    return out


def _targets() -> list[dict[str, Any]]:
    """Each export target's token limit."""
    from ..export import FORMATS

    return [
        {"name": fmt.name, "token_limit": fmt.token_limit, "hard": fmt.limit_is_hard}
        for fmt in FORMATS.values()
        if fmt.token_limit
    ]


def _buckets(days: list[str]) -> tuple[int, list[str]]:
    """Contiguous day buckets (empty days included) up to ~2 months of span, else month buckets."""
    try:
        first, last = date.fromisoformat(days[0]), date.fromisoformat(days[-1])
    except (IndexError, ValueError):
        return 10, days
    if (last - first).days <= 62:
        return 10, [(first + timedelta(n)).isoformat() for n in range((last - first).days + 1)]
    months, (y, m) = [], (first.year, first.month)
    while (y, m) <= (last.year, last.month):
        months.append(f"{y:04d}-{m:02d}")
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)
    return 7, months


def _timeline(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per day (per month when the data spans more than ~2 months), by status and task type."""
    width, buckets = _buckets(sorted({str(d.get("created_at") or "")[:10] for d in docs}))
    index = {b: i for i, b in enumerate(buckets)}
    top = [t for t, _ in Counter(str(d.get("task_type")) for d in docs).most_common(TOP_TASK_TYPES)]
    by_status: dict[str, list[int]] = {s: [0] * len(buckets) for s in ("pending", "accepted", "rejected")}
    by_task: dict[str, list[int]] = {t: [0] * len(buckets) for t in [*top, "other"]}
    for d in docs:
        i = index.get(str(d.get("created_at") or "")[:width])
        if i is None:  # an unparsable date: counted in the totals, not on the time axis
            continue
        by_status.setdefault(str(d.get("status")), [0] * len(buckets))[i] += 1
        task = str(d.get("task_type"))
        by_task[task if task in by_task else "other"][i] += 1
    if not any(by_task["other"]):
        del by_task["other"]
    return {"unit": "day" if width == 10 else "month", "buckets": buckets, "by_status": by_status,
            "by_task_type": by_task}


def chart_data(store: Store) -> dict[str, Any]:
    from ..reports import compute

    stats = compute(store)  # refreshes the store
    docs = list(store.docs())
    tokens = [estimate_doc_tokens(d) for d in docs]
    bins = [0] * len(TOKEN_BINS)
    for n in tokens:
        bins[max(i for i, lo in enumerate(TOKEN_BINS) if n >= lo)] += 1
    targets = _targets()
    accepted = [n for n, d in zip(tokens, docs, strict=True) if d.get("status") == "accepted"]
    for target in targets:
        target["over"] = sum(1 for n in accepted if n > target["token_limit"])
    return {
        "stats": stats.model_dump(mode="json"),
        "timeline": _timeline(docs),
        "tokens": {"bins": TOKEN_BINS, "counts": bins, "max": max(tokens, default=0), "targets": targets},
    }
