"""Which examples the page shows, in which order, and the shape it gets them in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import InvalidExample
from ..model import doc_context, doc_turns
from ..reports import preview
from ..signals import doc_tier
from ..store import StoreBackend
from ..tokens import estimate_doc_tokens

STATUSES = ("pending", "accepted", "rejected")
FILTER_KEYS = frozenset({"status", "task_type", "min_quality", "q"})
# Pending first: the page exists to clear the approval queue.
_RANK = {"pending": 0, "accepted": 1, "rejected": 2}
MAX_QUERY = 200


@dataclass(frozen=True, slots=True)
class Filter:
    status: str | None = None
    task_type: str | None = None
    min_quality: float | None = None
    q: str | None = None

    @classmethod
    def parse(cls, args: dict[str, Any]) -> Filter:
        status = args.get("status") or None
        if status is not None and status not in STATUSES:
            raise InvalidExample(f"status: must be one of {', '.join(STATUSES)} (or empty for all)")
        task_type = args.get("task_type") or None
        if task_type is not None and not isinstance(task_type, str):
            raise InvalidExample("task_type: must be a string")
        min_quality = args.get("min_quality")
        if min_quality in ("", None):
            min_quality = None
        elif isinstance(min_quality, bool) or not isinstance(min_quality, int | float) or not 0 <= min_quality <= 1:
            raise InvalidExample("min_quality: must be a number in [0, 1]")
        q = args.get("q") or None
        if q is not None and (not isinstance(q, str) or len(q) > MAX_QUERY):
            raise InvalidExample(f"q: must be text of at most {MAX_QUERY} characters")
        return cls(status, task_type, None if min_quality is None else float(min_quality), q)

    def as_dict(self) -> dict[str, Any]:
        return {"status": self.status, "task_type": self.task_type, "min_quality": self.min_quality, "q": self.q}

    def accepts(self, doc: dict[str, Any]) -> bool:
        if self.status is not None and doc.get("status") != self.status:
            return False
        if self.task_type is not None and doc.get("task_type") != self.task_type:
            return False
        if self.min_quality is not None and float(doc.get("quality_score", 0)) < self.min_quality:
            return False
        return self.q is None or self.q.casefold() in searchable(doc)


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
        "tier": doc_tier(doc),
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
