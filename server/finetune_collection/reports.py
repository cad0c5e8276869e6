"""What the surfaces show about stored examples: stats, listings and the one preview.

    compute / render     `finetune stats`, `finetune_stats`: counts, quality, tokens, readiness
    list_page / row      `finetune list`, `finetune://examples`: newest first, one preview each
    preview              a short one-line preview of the user's request
    approval_preview     the few lines a person sees before approving an example
    printable            stored text made safe for one line of a terminal
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

from pydantic import BaseModel, Field

from .errors import StoreCorrupt
from .export.status import CHECKED as SERVICES_CHECKED
from .model import UNSHOWABLE, Example, code_version, created_at, doc_turns
from .store import StoreBackend
from .tokens import estimate_doc_tokens

PREVIEW_CHARS = 80
_UNDATED = datetime(1, 1, 1, tzinfo=timezone.utc)


def printable(value: Any) -> str:
    """Stored text as one line a terminal shows as text: runs of whitespace become one space and
    every other control or reordering character is written as its escape (`\\x1b`, `\\u202e`).
    For human-readable lines only; JSON output keeps the stored value."""
    text = " ".join(str(value).split())
    return UNSHOWABLE.sub(_escape, text)


def _escape(m: re.Match[str]) -> str:
    code = ord(m.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def _line(text: str, width: int) -> str:
    # Escaped before cutting, and never cut inside an escape: a cut can then never leave a
    # sequence open, and no half escape is shown.
    text = printable(text)
    if len(text) <= width:
        return text
    cut = text[: width - 1]
    tail = cut.rfind("\\")
    if tail >= 0 and len(cut) - tail < 6 and re.fullmatch(r"\\(?:x[0-9a-f]{0,1}|u[0-9a-f]{0,3})?", cut[tail:]):
        cut = cut[:tail]
    return cut + "…"


def preview(doc: dict[str, Any], width: int = PREVIEW_CHARS) -> str:
    """The user's first request on one line (stored text is already scrubbed)."""
    text = next((t.get("content") for t in doc_turns(doc) if t.get("role") == "user"), None)
    return _line(text if isinstance(text, str) else "", width)


def approval_preview(example: Example, score: float) -> str:
    """Task, score and the first user/assistant turns, for a person asked to approve it."""
    lines = [f"Save this example for fine-tuning? ({printable(example.task_type)}, quality {score:g})"]
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
    tiers: list[str] | None = Field(
        default=None, description="only examples of these evidence tiers were counted (rejections and "
        "ready_to_train always cover the whole store: rejected examples were never stored, and an export "
        "target's readiness is the accepted set's)",
    )


TIERS = ("gold", "silver", "bronze")
OBSERVED_TIERS = ("gold", "silver")
"""`--observed-signals-only`: the tiers whose grade rests on a signal observed in the record."""
_CORRUPT = "?"  # the block key of documents that no longer fit the schema: counted whatever the filter


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


@dataclass
class _Totals:
    """Stats over a block of examples; blocks add up (`StoreBackend.fold` keeps them per block)."""

    by_status: Counter[str] = field(default_factory=Counter)
    by_task: Counter[str] = field(default_factory=Counter)
    by_workflow: Counter[str] = field(default_factory=Counter)
    by_phase: Counter[str] = field(default_factory=Counter)
    by_collector: Counter[str] = field(default_factory=Counter)
    redactions: Counter[str] = field(default_factory=Counter)
    evidence: Counter[str] = field(default_factory=Counter)
    bins: list[int] = field(default_factory=lambda: [0] * len(QUALITY_BINS))
    count: int = 0
    score_sum: float = 0.0
    score_min: float | None = None
    score_max: float | None = None
    tokens: int = 0
    from_meta: int = 0
    estimated: int = 0
    corrupt: str | None = None  # the first id whose document no longer fits the schema

    @classmethod
    def of(cls, rows: list[tuple[str, Any]]) -> _Totals:
        t = cls()
        for doc_id, facts in rows:
            if facts is None:
                t.corrupt = t.corrupt or doc_id
                continue
            status, task, workflow, phase, counts, q, tier, seen, claimed, tokens, metered, collector = facts
            t.by_status[status] += 1
            t.by_task[task] += 1
            t.by_workflow[workflow] += 1
            t.by_phase[phase] += 1
            t.by_collector[collector] += 1
            for kind, n in counts.items():
                t.redactions[kind] += n
            t.count += 1
            t.score_sum += q
            t.score_min = q if t.score_min is None else min(t.score_min, q)
            t.score_max = q if t.score_max is None else max(t.score_max, q)
            for i, (lo, hi) in enumerate(QUALITY_BINS):
                if lo <= q < hi:
                    t.bins[i] += 1
                    break
            t.evidence[tier] += 1
            t.evidence["signals_observed"] += seen
            t.evidence["signals_claimed"] += claimed
            t.tokens += tokens
            t.from_meta += metered
            t.estimated += not metered
        return t

    @classmethod
    def by_tier(cls, rows: list[tuple[str, Any]]) -> dict[str, _Totals]:
        """One block's totals per evidence tier ("none" for no positive signal), so a filtered
        `stats --tier` reuses the same per-document values and block folds as the full one."""
        groups: dict[str, list[tuple[str, Any]]] = {}
        for doc_id, facts in rows:
            groups.setdefault(_CORRUPT if facts is None else facts[6], []).append((doc_id, facts))
        return {tier: cls.of(part) for tier, part in groups.items()}

    def __iadd__(self, other: _Totals) -> _Totals:
        for name in ("by_status", "by_task", "by_workflow", "by_phase", "by_collector", "redactions", "evidence"):
            getattr(self, name).update(getattr(other, name))
        self.bins = [a + b for a, b in zip(self.bins, other.bins, strict=True)]
        self.count += other.count
        self.score_sum += other.score_sum
        lows = [v for v in (self.score_min, other.score_min) if v is not None]
        highs = [v for v in (self.score_max, other.score_max) if v is not None]
        self.score_min, self.score_max = min(lows, default=None), max(highs, default=None)
        self.tokens += other.tokens
        self.from_meta += other.from_meta
        self.estimated += other.estimated
        self.corrupt = self.corrupt or other.corrupt
        return self


def compute(store: StoreBackend, tiers: Collection[str] | None = None) -> Stats:
    """Stats of the store; `tiers`: count only examples of these evidence tiers (gold, silver,
    bronze; "none" for examples without a positive signal)."""
    total = _Totals()
    for block in store.fold(f"stats:{code_version()}", _facts, _Totals.by_tier):
        for tier, part in block.items():
            if tiers is None or tier in tiers or tier == _CORRUPT:
                total += part
    if total.corrupt is not None:
        # Writes are schema-checked, so only a document edited outside us gets here.
        raise StoreCorrupt(
            f"{store.location}: example {total.corrupt} does not match the example schema; "
            f"fix or delete it with `finetune delete {total.corrupt}`"
        )
    histogram = {f"{lo:g}-{min(hi, 1):g}": n for (lo, hi), n in zip(QUALITY_BINS, total.bins, strict=True)}
    rejections = {
        k.removeprefix("rejected:"): v for k, v in store.counter_values().items() if k.startswith("rejected:")
    }
    return Stats(
        total=total.count,
        by_status=dict(total.by_status),
        by_task_type=dict(total.by_task.most_common()),
        by_workflow=dict(total.by_workflow.most_common()),
        by_phase=dict(total.by_phase.most_common()),
        by_collector=dict(total.by_collector.most_common()),
        quality={
            "min": total.score_min,
            "mean": round(total.score_sum / total.count, 4) if total.count else None,
            "max": total.score_max,
            "histogram": histogram,
            # Drawn on the histogram: every stored example is binned, whatever its status.
            "threshold": store.config.quality_filters.min_quality_score,
        },
        tokens=TokenTotals(total=total.tokens, from_metadata=total.from_meta, estimated=total.estimated),
        rejections=rejections,
        evidence=dict(total.evidence),
        redactions=dict(total.redactions.most_common()),
        ready_to_train=_ready_to_train(store),
        tiers=sorted(tiers, key=[*TIERS, "none"].index) if tiers is not None else None,
    )


def _ready_to_train(store: StoreBackend) -> list[dict[str, Any]]:
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
    if stats.tiers is not None:
        lines[0] += f" (evidence tiers {', '.join(stats.tiers)} only)"

    def section(title: str, counts: dict[str, int]) -> None:
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{printable(k)} {v}" for k, v in counts.items()))

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
    store: StoreBackend,
    status: str | None = None,
    task_type: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """(matching rows newest first, by created_at then insertion order; how many match in all).

    Ordered by instant, not by the stored text: `2021-06-01T23:30:00-05:00` is later than
    `2021-06-02T00:00:00` (UTC). A missing or unreadable date (a hand edit) sorts as oldest.
    """
    store.refresh()
    docs = [
        (created_at(doc) or _UNDATED, i, doc)
        for i, doc in enumerate(store.docs())
        if (status is None or doc.get("status") == status) and (task_type is None or doc.get("task_type") == task_type)
    ]
    docs.sort(key=lambda t: (t[0], t[1]), reverse=True)
    end = None if limit is None else offset + limit
    return [row(doc) for _, _, doc in docs[offset:end]], len(docs)


def list_rows(
    store: StoreBackend, status: str | None = None, task_type: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    return list_page(store, status, task_type, limit)[0]
