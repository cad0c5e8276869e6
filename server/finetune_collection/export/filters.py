"""Request filters over raw stored documents (before any parsing into models: cheap)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from typing import Any

from ..model import created_at
from .report import ExportRequest

Doc = dict[str, Any]
Predicate = Callable[[Doc], bool]


def _utc(value: datetime) -> datetime:
    return value.replace(tzinfo=timezone.utc) if value.tzinfo is None else value


def _meta(doc: Doc, key: str) -> Any:
    meta = doc.get("metadata")
    return meta.get(key) if isinstance(meta, dict) else None


def _signal_names(doc: Doc) -> set[str]:
    return {str(s.get("name")) for s in doc.get("signals") or [] if isinstance(s, dict)}


signal_names = _signal_names  # public for export/pairs.py, which finds `user_rejected` examples


def _source(doc: Doc) -> Any:
    source = _meta(doc, "source")
    return source.get("format") if isinstance(source, dict) else None


def _given(name: str, values: set[str]) -> str:
    # Filter values are the caller's text (a task type can be a pasted token): count, never list.
    return f"{name} ({len(values)} given)"


def build(request: ExportRequest) -> list[tuple[str, Predicate]]:
    """(description, predicate) per active filter; the description names the filter, not data.

    Only closed sets (status, tier) and values the request model has already parsed (numbers,
    dates) are shown; free-text values are counted.
    """
    r = request
    out: list[tuple[str, Predicate]] = [(f"status in {r.status}", lambda d: d.get("status") in r.status)]
    if r.ids is not None:
        ids = set(r.ids)
        out.append((_given("ids", ids), lambda d: d.get("id") in ids))
    if r.collected_by is not None:
        people = set(r.collected_by)
        out.append((_given("collected_by", people), lambda d: d.get("collected_by") in people))
    if r.task_type is not None:
        tasks = set(r.task_type)
        out.append((_given("task_type", tasks), lambda d: d.get("task_type") in tasks))
    if r.workflow is not None:
        flows = set(r.workflow)
        out.append((_given("workflow", flows), lambda d: _meta(d, "workflow") in flows))
    if r.phase is not None:
        phases = set(r.phase)
        out.append((_given("phase", phases), lambda d: _meta(d, "phase") in phases))
    if r.min_quality is not None:
        q = r.min_quality
        out.append((f"min_quality {q:g}", lambda d: float(d.get("quality_score", 0)) >= q))
    if r.signals is not None:
        wanted = set(r.signals)
        out.append((_given("signals", wanted), lambda d: wanted <= _signal_names(d)))
    if r.tier is not None:
        tiers = set(r.tier)
        from ..signals import doc_tier

        out.append((f"tier in {sorted(tiers)}", lambda d: doc_tier(d) in tiers))
    if r.since is not None:
        since = _utc(r.since)
        out.append((f"since {since.isoformat()}", lambda d: (c := created_at(d)) is not None and c >= since))
    if r.until is not None:
        until = _utc(r.until)
        out.append((f"until {until.isoformat()}", lambda d: (c := created_at(d)) is not None and c < until))
    if r.source is not None:
        sources = set(r.source)
        out.append((_given("source", sources), lambda d: _source(d) in sources))
    if r.approved_only:
        out.append(("approved by a person", lambda d: _meta(d, "human_approved") is True))
    return out


class Selector:
    """Applies every filter and counts, per filter, how many documents it alone matched."""

    def __init__(self, request: ExportRequest) -> None:
        self.filters = build(request)
        self.hits = [0] * len(self.filters)
        self.seen = 0
        self.by_status: dict[str, int] = {}
        self.wanted_ids = set(request.ids) if request.ids is not None else None
        self.id_hits = 0

    def match(self, doc: Doc) -> bool:
        self.seen += 1
        if self.wanted_ids is not None and doc.get("id") in self.wanted_ids:
            self.id_hits += 1
        status = str(doc.get("status"))
        self.by_status[status] = self.by_status.get(status, 0) + 1
        ok = True
        for i, (_, pred) in enumerate(self.filters):
            if pred(doc):
                self.hits[i] += 1
            else:
                ok = False
        return ok

    def explain(self) -> str:
        """Why nothing matched: each filter with its own match count."""
        if not self.seen:
            return "the store has no examples; collect some first (`finetune add`, `finetune import`)"
        parts = [f"{desc} matched {n} of {self.seen}" for (desc, _), n in zip(self.filters, self.hits, strict=True)]
        zero = [desc for (desc, _), n in zip(self.filters, self.hits, strict=True) if n == 0]
        statuses = ", ".join(f"{k} {v}" for k, v in sorted(self.by_status.items()))
        head = f"no example matched every filter ({'; '.join(parts)})"
        hint = f"; these matched nothing: {', '.join(zero)}" if zero else "; loosen a filter"
        return f"{head}{hint}. Stored by status: {statuses}"
