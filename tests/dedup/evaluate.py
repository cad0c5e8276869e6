"""Judge the labelled corpus (`corpus.jsonl.gz`) and score it; shared by tests and the benchmark.

Two judges: `judge_index` asks a fresh `NearDeduper` about each pair; `judge_pipeline` runs each
pair through the real `Pipeline.collect` into a fresh store, both approved at equal quality,
the way the independent evaluation imports pairs: the second is a duplicate when its status is
"duplicate".
"""

from __future__ import annotations

import gzip
import json
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from finetune_collection import Config, Pipeline, Store
from finetune_collection.config import DedupSettings
from finetune_collection.dedup.near import NearDeduper
from finetune_collection.model import Example

CORPUS = Path(__file__).with_name("corpus.jsonl.gz")
MATCH = ["exact", "whitespace_case", "small_edit", "renamed_identifiers", "sentence_edit", "real_revision"]
HARD_NEGATIVE = ["same_prompt", "same_template", "shared_system", "same_module"]
REPORT_ONLY = ["twin_functions"]  # textually small edits of different functions: no target


def load() -> list[dict[str, Any]]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def approved(example: dict[str, Any]) -> dict[str, Any]:
    return {**example, "quality_score": 0.95, "metadata": {"human_approved": True}}


def judge_index(pairs: list[dict[str, Any]], settings: DedupSettings | None = None) -> list[bool]:
    settings = settings or DedupSettings()
    out = []
    for pair in pairs:
        deduper = NearDeduper(settings)
        a, b = (example(pair[k]) for k in ("a", "b"))
        deduper.add("a", deduper.keys(a))
        out.append(deduper.find(deduper.keys(b)) is not None)
    return out


def example(data: dict[str, Any]) -> Example:
    return Example.model_validate(
        {**data, "id": "x", "created_at": "2024-01-02T10:30:00Z", "task_type": "general",
         "quality_score": 0.95, "status": "accepted"}
    )


def judge_pipeline(pairs: list[dict[str, Any]], config: Config | None = None) -> list[bool]:
    config = config or Config()
    out = []
    with tempfile.TemporaryDirectory() as root:
        for n, pair in enumerate(pairs):
            store = Store(Path(root) / str(n), config)
            pipeline = Pipeline(store, config)
            first = pipeline.collect(approved(pair["a"]))
            assert first.status == "accepted", first.message
            second = pipeline.collect(approved(pair["b"]))
            out.append(second.status == "duplicate")
    return out


@dataclass
class KindScore:
    kind: str
    n: int
    flagged: int  # judged duplicate
    precision: float | None = None  # matching kinds: against all hard negatives' false positives
    recall: float | None = None
    f1: float | None = None


def score(pairs: list[dict[str, Any]], predicted: list[bool]) -> tuple[list[KindScore], float, float]:
    """Per-kind scores and overall (precision, recall) over matching kinds vs hard negatives."""
    by_kind: dict[str, list[bool]] = {}
    for pair, p in zip(pairs, predicted, strict=True):
        by_kind.setdefault(pair["kind"], []).append(p)
    false_pos = sum(sum(by_kind.get(k, [])) for k in HARD_NEGATIVE)
    scores = []
    for kind in MATCH + HARD_NEGATIVE + REPORT_ONLY:
        got = by_kind.get(kind, [])
        s = KindScore(kind, len(got), sum(got))
        if kind in MATCH and got:
            s.recall = s.flagged / s.n
            s.precision = s.flagged / (s.flagged + false_pos) if s.flagged + false_pos else 1.0
            s.f1 = 2 * s.precision * s.recall / (s.precision + s.recall) if s.flagged else 0.0
        scores.append(s)
    tp = sum(sum(by_kind.get(k, [])) for k in MATCH)
    positives = sum(len(by_kind.get(k, [])) for k in MATCH)
    precision = tp / (tp + false_pos) if tp + false_pos else 1.0
    return scores, precision, tp / positives if positives else 0.0


def fmt(v: float | None) -> str:
    return f"{v:.3f}" if v is not None else "-"


def table(scores: list[KindScore]) -> str:
    lines = [f"{'kind':22s} {'n':>4s} {'flagged':>7s} {'precision':>9s} {'recall':>7s} {'F1':>6s}"]
    for s in scores:
        lines.append(f"{s.kind:22s} {s.n:4d} {s.flagged:7d} {fmt(s.precision):>9s} {fmt(s.recall):>7s} {fmt(s.f1):>6s}")
    return "\n".join(lines)
