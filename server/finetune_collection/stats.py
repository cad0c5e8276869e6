"""Aggregates over the store: counts by status/task/workflow/phase, quality, tokens, rejections."""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from .errors import StoreCorrupt
from .store import Store
from .tokens import estimate_doc_tokens

QUALITY_BINS = [(0.0, 0.5), (0.5, 0.7), (0.7, 0.8), (0.8, 0.9), (0.9, 0.95), (0.95, 1.0001)]


class TokenTotals(BaseModel):
    total: int = Field(description="metadata.tokens_used where given, else the estimate")
    from_metadata: int = Field(description="examples whose count came from metadata.tokens_used")
    estimated: int = Field(description="examples whose count is an estimate (about 4 characters per token)")


class Stats(BaseModel):
    total: int
    by_status: dict[str, int]
    by_task_type: dict[str, int]
    by_workflow: dict[str, int]
    by_phase: dict[str, int]
    quality: dict[str, Any] = Field(description="min, mean, max and a histogram of quality_score")
    tokens: TokenTotals
    rejections: dict[str, int] = Field(description="examples never stored, by reason code")
    redactions: dict[str, int] = Field(description="placeholders in stored examples, by PII type")
    ready_to_train: list[dict[str, Any]] = Field(
        default_factory=list, description="per export target: can the accepted set be trained on now?"
    )


def compute(store: Store) -> Stats:
    store.refresh()
    by_status: Counter[str] = Counter()
    by_task: Counter[str] = Counter()
    by_workflow: Counter[str] = Counter()
    by_phase: Counter[str] = Counter()
    redactions: Counter[str] = Counter()
    bins = [0] * len(QUALITY_BINS)
    scores: list[float] = []
    tokens_total = from_meta = estimated = 0
    for doc in store.docs():
        try:
            by_status[doc.get("status", "?")] += 1
            by_task[doc.get("task_type", "?")] += 1
            meta = doc.get("metadata") or {}
            by_workflow[str(meta.get("workflow") or "(none)")] += 1
            by_phase[str(meta.get("phase") or "(none)")] += 1
            counts = doc.get("redactions") or {}
            if not all(isinstance(n, int) for n in counts.values()):
                raise TypeError("redaction counts must be integers")
            redactions.update(counts)
            q = float(doc.get("quality_score", 0))
            scores.append(q)
            for i, (lo, hi) in enumerate(QUALITY_BINS):
                if lo <= q < hi:
                    bins[i] += 1
                    break
            used = meta.get("tokens_used")
            if isinstance(used, int) and used >= 0:
                tokens_total += used
                from_meta += 1
            else:
                tokens_total += estimate_doc_tokens(doc)
                estimated += 1
        except (AttributeError, TypeError, ValueError):
            # Writes are schema-checked, so only a document edited outside us gets here.
            raise StoreCorrupt(
                f"{store.path}: example {doc['id']} does not match the example schema; "
                f"fix or delete it with `finetune delete {doc['id']}`"
            ) from None
    histogram = {f"{lo:g}-{min(hi, 1):g}": n for (lo, hi), n in zip(QUALITY_BINS, bins, strict=True)}
    rejections = {
        k.removeprefix("rejected:"): v for k, v in store.counter_values().items() if k.startswith("rejected:")
    }
    return Stats(
        total=len(scores),
        by_status=dict(by_status),
        by_task_type=dict(by_task.most_common()),
        by_workflow=dict(by_workflow.most_common()),
        by_phase=dict(by_phase.most_common()),
        quality={
            "min": min(scores, default=None),
            "mean": round(sum(scores) / len(scores), 4) if scores else None,
            "max": max(scores, default=None),
            "histogram": histogram,
        },
        tokens=TokenTotals(total=tokens_total, from_metadata=from_meta, estimated=estimated),
        rejections=rejections,
        redactions=dict(redactions.most_common()),
        ready_to_train=_ready_to_train(store),
    )


def _ready_to_train(store: Store) -> list[dict[str, Any]]:
    """Per export target: count vs minimum, over-limit examples, billed tokens, what is missing.

    The export module streams the store file itself, so this costs one more read of the file.
    """
    from .export import readiness

    return readiness(store.path, store.config)


def render(stats: Stats) -> str:
    """Human-readable summary for the CLI and for clients that show only text."""
    lines = [f"examples: {stats.total}"]

    def section(title: str, counts: dict[str, int]) -> None:
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))

    section("by status", stats.by_status)
    section("by task type", stats.by_task_type)
    section("by workflow", stats.by_workflow)
    section("by phase", stats.by_phase)
    q = stats.quality
    if stats.total:
        lines.append(f"quality: min {q['min']:g}, mean {q['mean']:g}, max {q['max']:g}")
        section("quality histogram", {k: v for k, v in q["histogram"].items() if v})
    t = stats.tokens
    note = f" ({t.estimated} estimated at ~4 chars/token)" if t.estimated else ""
    lines.append(f"tokens: {t.total}{note}")
    section("rejected (not stored)", stats.rejections)
    section("redactions", stats.redactions)
    for row in stats.ready_to_train:
        lines.append(f"ready to train on {row.get('target')}: {row.get('summary', '')}")
    return "\n".join(lines)
