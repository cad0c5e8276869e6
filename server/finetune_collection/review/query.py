"""Which examples the page shows, in which order, and the shape it gets them in."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from .. import curate
from ..errors import InvalidExample
from ..model import doc_context, doc_turns, parse_time
from ..reports import preview
from ..store import StoreBackend
from ..tokens import estimate_doc_tokens

STATUSES = ("pending", "accepted", "rejected", "below_threshold", "superseded")
# The bulk filter keys are the CLI's filter options (`finetune approve --status … --since …`).
FILTER_KEYS = frozenset({"status", "task_type", "min_quality", "max_quality", "source", "since", "signal", "q"})
# Pending first: the page exists to clear the approval queue; then what a person may still bring in.
_RANK = {"pending": 0, "below_threshold": 1, "accepted": 2, "rejected": 3, "superseded": 4}
MAX_QUERY = 200
MAX_NAME = 64


@dataclass(frozen=True, slots=True)
class Filter:
    status: str | None = None
    task_type: str | None = None
    min_quality: float | None = None
    q: str | None = None
    max_quality: float | None = None
    source: str | None = None
    since: datetime | None = None
    signal: str | None = None

    @classmethod
    def parse(cls, args: dict[str, Any]) -> Filter:
        status = args.get("status") or None
        if status is not None and status not in STATUSES:
            raise InvalidExample(f"status: must be one of {', '.join(STATUSES)} (or empty for all)")
        names = {key: _name(args, key) for key in ("task_type", "source", "signal")}
        q = args.get("q") or None
        if q is not None and (not isinstance(q, str) or len(q) > MAX_QUERY):
            raise InvalidExample(f"q: must be text of at most {MAX_QUERY} characters")
        since = args.get("since") or None
        if since is not None:
            try:
                since = parse_time(since) if isinstance(since, str) else _not_a_date()
            except ValueError as err:
                raise InvalidExample(f"since: {err}") from None
        return cls(status, names["task_type"], _quality(args, "min_quality"), q, _quality(args, "max_quality"),
                   names["source"], since, names["signal"])

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "task_type": self.task_type, "min_quality": self.min_quality,
                "max_quality": self.max_quality, "source": self.source,
                "since": self.since.isoformat() if self.since else None, "signal": self.signal, "q": self.q}

    def accepts(self, doc: dict[str, Any]) -> bool:
        same = curate.Filter(self.status, self.min_quality, self.max_quality, self.task_type, self.source,
                             self.since, self.signal)
        return same.accepts(doc) and (self.q is None or self.q.casefold() in searchable(doc))


def _not_a_date() -> datetime:
    raise ValueError("not a date: use YYYY-MM-DD or an ISO 8601 time")


def _name(args: dict[str, Any], key: str) -> str | None:
    value = args.get(key) or None
    if value is not None and (not isinstance(value, str) or len(value) > MAX_NAME):
        raise InvalidExample(f"{key}: must be a name of at most {MAX_NAME} characters")
    return value


def _quality(args: dict[str, Any], key: str) -> float | None:
    value = args.get(key)
    if value in ("", None):
        return None
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise InvalidExample(f"{key}: must be a number in [0, 1]")
    return float(value)


def searchable(doc: dict[str, Any]) -> str:
    parts = [str(doc.get("id", "")), str(doc.get("task_type", ""))]
    parts += [str(m.get("content") or "") for m in doc_turns(doc)]
    return "\n".join(parts).casefold()


def matching(store: StoreBackend, flt: Filter) -> list[dict[str, Any]]:
    """Matching documents: pending first, then newest first (ties: latest stored first)."""
    docs = [(i, d) for i, d in enumerate(store.docs()) if flt.accepts(d)]
    docs.sort(key=lambda t: (str(t[1].get("created_at") or ""), t[0]), reverse=True)
    docs.sort(key=lambda t: _RANK.get(str(t[1].get("status")), 3))  # stable: keeps newest first
    return [d for _, d in docs]


def view(doc: dict[str, Any]) -> dict[str, Any]:
    """What a card shows: turns, context, signals and evidence, score, status, redactions."""
    meta = doc.get("metadata") or {}
    return {
        "id": doc.get("id"),
        "status": doc.get("status"),
        "task_type": doc.get("task_type"),
        "quality_score": float(doc.get("quality_score", 0)),
        "created_at": doc.get("created_at"),
        "turns": [
            {k: m[k] for k in ("role", "content", "name", "tool_calls", "tool_call_id") if m.get(k) is not None}
            for m in doc_turns(doc)
        ],
        "context": doc_context(doc),
        "tools": [t.get("function", t).get("name") for t in doc.get("tools") or [] if isinstance(t, dict)],
        "signals": [{"name": s.get("name"), "evidence": s.get("evidence"), "observed": s.get("observed") is True}
                    for s in doc.get("signals") or []],
        "redactions": doc.get("redactions") or {},
        "refused": [str(t) for t in doc.get("refused") or []],
        "tier": _tier(doc),
        "workflow": meta.get("workflow"),
        "phase": meta.get("phase"),
        "human_approved": bool(meta.get("human_approved")),
        "collected_by": _who(doc, "collected_by"),
        "approved_by": _who(doc, "approved_by"),
        "rejected_by": _who(doc, "rejected_by"),
        "tokens": estimate_doc_tokens(doc),
        "preview": preview(doc),
    }


def _who(doc: dict[str, Any], key: str) -> str | None:
    value = doc.get(key)
    return value if isinstance(value, str) else None


def _tier(doc: dict[str, Any]) -> str | None:
    from ..signals import doc_tier  # the signal readers load when a card is first shown, not at start

    return doc_tier(doc)
