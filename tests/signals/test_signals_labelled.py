"""The labelled set: well-formed, as big as the issue asks, in step with its builders, and the
detectors reach the issue's precision and recall on it (held-out part measured apart)."""

from __future__ import annotations

import importlib.util
import json
import os
import sys
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.model import ExampleIn
from finetune_collection.signals import DETECTABLE, detect

HERE = Path(__file__).parent
ROOT = HERE.parents[1]
COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts"))


def _load(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (HERE / name).read_text(encoding="utf-8").splitlines() if line]


def _bench() -> Any:
    spec = importlib.util.spec_from_file_location("signals_bench", ROOT / "benchmarks" / "signals.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


DEV, HOLDOUT = _load("labelled.jsonl"), _load("holdout.jsonl") + _load("holdout2.jsonl")
FITTED = _load("holdout3.jsonl") + _load("holdout4.jsonl")  # fitted to after their one measurement (git log)
AUDIT = _load("holdout5.jsonl")  # an independent auditor's, fitted to after its one measurement (git log)
LATEST = _load("holdout6.jsonl")  # written after the holdout5 fixes; not fitted to (git log)


def test_the_set_is_big_enough_and_well_formed() -> None:
    records = DEV + HOLDOUT + FITTED + AUDIT
    assert len(records) >= 60
    for part in (DEV + HOLDOUT + FITTED + LATEST, AUDIT):  # the auditor numbered theirs apart
        assert len({r["id"] for r in part}) == len(part)
    for rec in records:
        ExampleIn.model_validate({"messages": rec["messages"]})
        assert set(rec["expect"]) <= DETECTABLE | {"build_passed", "committed", "lint_clean"}
    covered = {s for r in records for s in r["expect"]}
    assert covered == DETECTABLE | {"build_passed", "committed", "lint_clean"}


@pytest.mark.parametrize(("builder", "name"), [
    ("build_labelled", "labelled.jsonl"), ("build_holdout", "holdout.jsonl"), ("build_holdout2", "holdout2.jsonl"),
    ("build_holdout3", "holdout3.jsonl"), ("build_holdout4", "holdout4.jsonl"), ("build_holdout5", "holdout5.jsonl"),
    ("build_holdout6", "holdout6.jsonl"),
])
def test_files_match_their_builders(builder: str, name: str) -> None:
    sys.path.insert(0, str(HERE))
    spec = importlib.util.spec_from_file_location(f"_{builder}", HERE / f"{builder}.py")
    assert spec and spec.loader
    shapes = sys.modules.pop("signals_shapes", None)  # a fresh id counter, as when the file was written
    try:
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        assert json.loads(json.dumps(module.records, ensure_ascii=False)) == _load(name)
    finally:
        if shapes is not None:
            sys.modules["signals_shapes"] = shapes


@pytest.mark.parametrize("name", ["dev", "holdout", "holdout3+4", "holdout5", "holdout6"])
def test_precision_and_recall(name: str) -> None:
    bench = _bench()
    records = {"dev": DEV, "holdout": HOLDOUT, "holdout3+4": FITTED, "holdout5": AUDIT, "holdout6": LATEST}[name]
    precision, recall, _, misses = bench.score(records, bench.ours)
    assert precision >= 0.98 and recall >= 0.9, misses


def test_the_baseline_is_fooled_where_the_detectors_are_not() -> None:
    """The misleading records are what a keyword detector gets wrong."""
    bench = _bench()
    naive, _, _, _ = bench.score(DEV + HOLDOUT + FITTED, bench.baseline)
    assert naive < 0.9


@pytest.mark.skipif(not COLLECTION.is_dir(), reason="the transcript collection is not present")
def test_real_transcripts() -> None:
    bench = _bench()
    records = bench.load("real")
    assert len(records) >= 60
    precision, recall, _, misses = bench.score(records, bench.ours)
    assert precision >= 0.98 and recall >= 0.9, misses


def test_evidence_is_short_and_where_is_never_text() -> None:
    for rec in DEV + HOLDOUT + FITTED + AUDIT:
        for obs in detect(rec["messages"], after_user_reply=rec["after_user_reply"]):
            signal = obs.to_signal()  # validates `where` against its pattern
            assert signal.observed is True and len(obs.evidence) <= 160
            assert obs.where == "user reply" or obs.where == f"tool result {obs.index}"
