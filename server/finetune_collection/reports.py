"""What the surfaces show about stored examples: stats, listings and the one preview.

    compute / render     `finetune stats`, `finetune_stats`: counts, quality, tokens, readiness
    list_page / row      `finetune list`, `finetune://examples`: newest first, one preview each
    preview              a short one-line preview of the user's request
    approval_preview     the few lines a person sees before approving an example
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from pydantic import BaseModel, Field

from .errors import StoreCorrupt
from .export.status import CHECKED as SERVICES_CHECKED
from .model import Example, code_version, doc_turns
from .store import Store
from .tokens import estimate_doc_tokens

PREVIEW_CHARS = 80


def _line(text: str, width: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def preview(doc: dict[str, Any], width: int = PREVIEW_CHARS) -> str:
    """The user's first request on one line (stored text is already scrubbed)."""
    text = next((t.get("content") for t in doc_turns(doc) if t.get("role") == "user"), None)
    return _line(text if isinstance(text, str) else "", width)


def approval_preview(example: Example, score: float) -> str:
    """Task, score and the first user/assistant turns, for a person asked to approve it."""
    lines = [f"Save this example for fine-tuning? ({example.task_type}, quality {score:g})"]
    for m in example.turns():
        if m.role in ("user", "assistant") and m.content:
            lines.append(f"{m.role}: {_line(m.content, 161)}")
    return "\n".join(lines[:5])


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
    by_collector: dict[str, int] = Field(
        default_factory=dict, description="examples by who collected them ((unknown): stored before it was kept)"
    )
    quality: dict[str, Any] = Field(description="min, mean, max and a histogram of quality_score")
    tokens: TokenTotals
    rejections: dict[str, int] = Field(description="examples never stored, by reason code")
    evidence: dict[str, int] = Field(
        default_factory=dict,
        description="examples by evidence tier (gold, silver, bronze, none) and signals observed in the "
        "record vs claimed by the caller",
    )
    redactions: dict[str, int] = Field(description="placeholders in stored examples, by PII type")
    ready_to_train: list[dict[str, Any]] = Field(
        default_factory=list, description="per export target: can the accepted set be trained on now?"
    )


def _facts(doc_id: str, doc: dict[str, Any]) -> list[Any] | None:
    """What stats need of one stored document (kept by the store per document revision);
    None for a document edited outside us that no longer fits the schema."""
    from .signals import doc_signals, doc_tier  # the pattern tables load only when stats are asked for

    try:
        meta = doc.get("metadata") or {}
        counts = doc.get("redactions") or {}
        if not all(isinstance(n, int) for n in counts.values()):
            raise TypeError("redaction counts must be integers")
        seen, claimed = doc_signals(doc)
        used = meta.get("tokens_used")
        from_meta = isinstance(used, int) and used >= 0
        return [
            str(doc.get("status", "?")), str(doc.get("task_type", "?")), str(meta.get("workflow") or "(none)"),
            str(meta.get("phase") or "(none)"), dict(counts), float(doc.get("quality_score", 0)),
            doc_tier(doc) or "none", len(seen), len(claimed),
            used if from_meta else estimate_doc_tokens(doc), from_meta,
            str(doc.get("collected_by") or "(unknown)"),
        ]
    except (AttributeError, TypeError, ValueError):
        return None


def compute(store: Store) -> Stats:
    store.refresh()
    by_status: Counter[str] = Counter()
    by_task: Counter[str] = Counter()
    by_workflow: Counter[str] = Counter()
    by_phase: Counter[str] = Counter()
    by_collector: Counter[str] = Counter()
    redactions: Counter[str] = Counter()
    bins = [0] * len(QUALITY_BINS)
    scores: list[float] = []
    tokens_total = from_meta = estimated = 0
    evidence: Counter[str] = Counter()
    for doc_id, facts in store.memo(f"stats:{code_version()}", _facts):
        if facts is None:
            # Writes are schema-checked, so only a document edited outside us gets here.
            raise StoreCorrupt(
                f"{store.location}: example {doc_id} does not match the example schema; "
                f"fix or delete it with `finetune delete {doc_id}`"
            )
        status, task, workflow, phase, counts, q, tier, seen, claimed, tokens, metered, collector = facts
        by_status[status] += 1
        by_task[task] += 1
        by_workflow[workflow] += 1
        by_phase[phase] += 1
        by_collector[collector] += 1
        redactions.update(counts)
        scores.append(q)
        for i, (lo, hi) in enumerate(QUALITY_BINS):
            if lo <= q < hi:
                bins[i] += 1
                break
        evidence[tier] += 1
        evidence["signals_observed"] += seen
        evidence["signals_claimed"] += claimed
        tokens_total += tokens
        from_meta += metered
        estimated += not metered
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
        by_collector=dict(by_collector.most_common()),
        quality={
            "min": min(scores, default=None),
            "mean": round(sum(scores) / len(scores), 4) if scores else None,
            "max": max(scores, default=None),
            "histogram": histogram,
            # Drawn on the histogram: every stored example is binned, whatever its status.
            "threshold": store.config.quality_filters.min_quality_score,
        },
        tokens=TokenTotals(total=tokens_total, from_metadata=from_meta, estimated=estimated),
        rejections=rejections,
        evidence=dict(evidence),
        redactions=dict(redactions.most_common()),
        ready_to_train=_ready_to_train(store),
    )


def _ready_to_train(store: Store) -> list[dict[str, Any]]:
    """Per export target: count vs minimum, over-limit examples, billed tokens, what is missing.

    The export module streams the store file itself, so this costs one more read of the file.
    """
    from .export import readiness

    return readiness(store, store.config)


def _histogram(histogram: dict[str, int], threshold: float | None) -> list[str]:
    """Every bin over every stored example, with the acceptance threshold drawn where it falls."""
    lines = ["quality histogram (every stored example):"]
    widest = max(histogram.values(), default=0) or 1
    drawn = threshold is None
    for (lo, hi), (label, n) in zip(QUALITY_BINS, histogram.items(), strict=True):
        if not drawn and threshold is not None and threshold <= lo:
            lines.append(f"  ---- min_quality_score {threshold:g} ----")
            drawn = True
        inside = threshold is not None and lo < threshold < hi
        bar = "#" * round(20 * n / widest)
        note = f"  (threshold {threshold:g} inside)" if inside else ""
        lines.append(f"  {label:>9} {n:>6} {bar}{note}".rstrip())
        drawn = drawn or inside
    return lines


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
    section("collected by", stats.by_collector)
    q = stats.quality
    if stats.total:
        lines.append(f"quality: min {q['min']:g}, mean {q['mean']:g}, max {q['max']:g}")
        lines += _histogram(q["histogram"], q.get("threshold"))
    t = stats.tokens
    note = f" ({t.estimated} estimated at ~4 chars/token)" if t.estimated else ""
    lines.append(f"tokens: {t.total}{note}")
    section("rejected (not stored)", stats.rejections)
    section("evidence", stats.evidence)
    section("redactions", stats.redactions)
    for row in stats.ready_to_train:
        lines.append(f"ready to train on {row.get('target')}: {row.get('summary', '')}")
        if row.get("service_status"):
            lines.append(f"  services: {row['service_status']}")
    if stats.ready_to_train:
        lines.append(f"service status checked {SERVICES_CHECKED}; sources: `stats --json` (services) and the README")
    return "\n".join(lines)


def row(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc.get("id"),
        "status": doc.get("status"),
        "created_at": doc.get("created_at"),
        "task_type": doc.get("task_type"),
        "quality_score": doc.get("quality_score"),
        "preview": preview(doc),
        "collected_by": doc.get("collected_by"),
        "approved_by": doc.get("approved_by"),
        "rejected_by": doc.get("rejected_by"),
    }


def list_page(
    store: Store,
    status: str | None = None,
    task_type: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """(matching rows newest first, by created_at then insertion order; how many match in all)."""
    store.refresh()
    docs = [
        (doc.get("created_at") or "", i, doc)
        for i, doc in enumerate(store.docs())
        if (status is None or doc.get("status") == status) and (task_type is None or doc.get("task_type") == task_type)
    ]
    docs.sort(key=lambda t: (t[0], t[1]), reverse=True)
    end = None if limit is None else offset + limit
    return [row(doc) for _, _, doc in docs[offset:end]], len(docs)


def list_rows(
    store: Store, status: str | None = None, task_type: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    return list_page(store, status, task_type, limit)[0]
