"""Signals: precision and recall of the detectors on the labelled set, against a keyword baseline.

The labelled set is tests/signals/labelled.jsonl (the patterns were tuned on it),
tests/signals/holdout.jsonl (written before the detectors and kept aside: its figures are
printed apart), tests/signals/holdout2.jsonl (written after them from formats they were not
written for, measured once before any change), tests/signals/holdout3.jsonl (a third part written
without reading the detectors, from runners, result shapes, replies and traps the others lack,
measured once before any change), tests/signals/holdout4.jsonl (whole-session shapes, written after
the holdout3 fixes by someone who had read the detectors, measured once before any change),
tests/signals/holdout5.jsonl (written by an independent auditor on 2026-12-02, measured once before
any change), tests/signals/holdout6.jsonl (30 exchanges written after the holdout5 fixes, measured
once before any change) and the exchanges of the real transcripts in $FINETUNE_TRANSCRIPTS
(default /work/shared/transcripts;
labels in tests/signals/real_labels.json; skipped when absent). A record's `expect` lists exactly
the signals its record shows; every (record, signal) pair a detector returns is a true or a false
positive. The baseline reads "passed"/"failed"/"timed out"/"thanks"/… anywhere in tool output or
the reply, as a naive detector would; it is measured in the same run to show what the misleading cases cost.

    .venv/bin/python benchmarks/signals.py [--set dev|holdout|holdout2|…|holdout6|real|all] [--misses]

Goal: precision ≥ 0.98 and recall ≥ 0.9.
Last line: `signals: precision=<p> recall=<r> per_signal=<name:p/r,…>` (all records).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from finetune_collection.signals import detect

HERE = Path(__file__).resolve().parents[1] / "tests" / "signals"
SETS = {"dev": HERE / "labelled.jsonl", "holdout": HERE / "holdout.jsonl", "holdout2": HERE / "holdout2.jsonl",
        "holdout3": HERE / "holdout3.jsonl",
        "holdout4": HERE / "holdout4.jsonl", "holdout5": HERE / "holdout5.jsonl",
        "holdout6": HERE / "holdout6.jsonl"}
COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts"))

Detector = Callable[[dict[str, Any]], set[str]]


def load(name: str) -> list[dict[str, Any]]:
    """A set's records; "real" reads the transcript collection in place (empty without it)."""
    if name == "all":
        return [r for n in (*SETS, "real") for r in load(n)]
    if name == "real":
        if not COLLECTION.is_dir():
            return []
        sys.path.insert(0, str(HERE))
        from signals_shapes import real_records

        return real_records(COLLECTION)
    return [json.loads(line) for line in SETS[name].read_text(encoding="utf-8").splitlines() if line]


def ours(rec: dict[str, Any]) -> set[str]:
    return {o.signal for o in detect(rec["messages"], after_user_reply=rec["after_user_reply"])}


_NAIVE = {
    "tests_passed": r"\bpass(?:ed|ing)\b", "errors_occurred": r"\b(?:fail(?:ed|ure)?|error)\b",
    "timeout": r"timed? ?out", "build_passed": r"\bbuil[dt]\b.*\bsucce", "committed": r"\[\S+ [0-9a-f]{7}\]",
    "lint_clean": r"all checks passed|no issues found",
}


def baseline(rec: dict[str, Any]) -> set[str]:
    tool = "\n".join(m.get("content") or "" for m in rec["messages"] if m["role"] == "tool")
    found = {name for name, pattern in _NAIVE.items() if re.search(pattern, tool, re.I)}
    reply = rec["after_user_reply"] or ""
    if re.search(r"thank|danke|merci|gracias|ありがとう|works|perfect", reply, re.I):
        found.add("user_accepted")
    if re.search(r"\bno\b|wrong|revert|falsch|ne marche|no funciona|違", reply, re.I):
        found.add("user_rejected")
    return found


def score(records: list[dict[str, Any]], detector: Detector) -> tuple[float, float, dict[str, tuple[float, float]],
                                                                       list[str]]:
    tp = fp = fn = 0
    per: dict[str, list[int]] = {}
    misses = []
    for rec in records:
        got, want = detector(rec), set(rec["expect"])
        for name in got | want:
            row = per.setdefault(name, [0, 0, 0])
            if name in got and name in want:
                tp, row[0] = tp + 1, row[0] + 1
            elif name in got:
                fp, row[1] = fp + 1, row[1] + 1
                misses.append(f"{rec['id']}: false {name} ({rec['note']})")
            else:
                fn, row[2] = fn + 1, row[2] + 1
                misses.append(f"{rec['id']}: missed {name} ({rec['note']})")
    ratio = lambda a, b: a / b if b else 1.0  # noqa: E731
    per_signal = {k: (ratio(t, t + f), ratio(t, t + n)) for k, (t, f, n) in sorted(per.items())}
    return ratio(tp, tp + fp), ratio(tp, tp + fn), per_signal, misses


def line(prefix: str, records: list[dict[str, Any]], detector: Detector) -> tuple[str, list[str]]:
    p, r, per, misses = score(records, detector)
    parts = ",".join(f"{k}:{a:.2f}/{b:.2f}" for k, (a, b) in per.items())
    return f"{prefix}: records={len(records)} precision={p:.3f} recall={r:.3f} per_signal={parts}", misses


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--set", choices=[*SETS, "real", "all"], default="all")
    parser.add_argument("--misses", action="store_true", help="list each false and missed signal")
    args = parser.parse_args()
    names = [*SETS, "real"] if args.set == "all" else [args.set]
    for name in names:
        records = load(name)
        text, misses = line(f"{name} baseline", records, baseline)
        print(text)
        text, misses = line(f"{name} detectors", records, ours)
        print(text)
        if args.misses:
            print("\n".join(f"  {m}" for m in misses))
    p, r, per, _ = score(load(args.set), ours)
    parts = ",".join(f"{k}:{a:.2f}/{b:.2f}" for k, (a, b) in per.items())
    print(f"signals: precision={p:.3f} recall={r:.3f} per_signal={parts}")


if __name__ == "__main__":
    main()
