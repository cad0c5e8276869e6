"""Keep-the-best where people and scores meet: a correction that replaces the answer the user
rejected, exact copies that a person approved or that score higher, and an approved example on
the import and edit paths (collect and recheck: test_dedup.py)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import example
from finetune_collection import curate, export
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.errors import InvalidExample
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

PROMPT = "Write a Python function that checks whether a number is prime."
FIRST = ("def is_prime(n):\n    for i in range(2, int(n ** 0.5) + 1):\n        if n % i == 0:\n"
         "            return False\n    return True")
FIXED = ("def is_prime(n):\n    if n < 2:\n        return False\n    for i in range(2, int(n ** 0.5) + 1):\n"
         "        if n % i == 0:\n            return False\n    return True")


def one(user: str, answer: str, **extra: Any) -> dict[str, Any]:
    return {"task_type": "code_generation", "input": {"user": user}, "output": {"assistant": answer}, **extra}


def test_a_correction_that_replaces_the_rejected_answer_is_a_preference_pair(
    pipeline: Pipeline, store: Store, config: Config, tmp_path: Path
) -> None:
    rejected = pipeline.collect(one(PROMPT, FIRST, signals=["user_rejected"]))
    fixed = pipeline.collect(one(PROMPT, FIXED), approved=True)
    assert fixed.replaced == rejected.id and "replaced_lower_quality" in fixed.reasons
    assert store.get_doc(rejected.id or "")["status"] == "superseded"  # kept, linked
    out = tmp_path / "pairs.jsonl"
    report = export.export(store, config, export.ExportRequest(format="trl-preference", output=out))
    (record,) = [json.loads(line) for line in out.read_text().splitlines()]
    assert record["chosen"][0]["content"] == FIXED and record["rejected"][0]["content"] == FIRST
    assert [(p.chosen, p.rejected) for p in report.inferred_pairs] == [(fixed.id, rejected.id)]
    kto = tmp_path / "kto.jsonl"
    export.export(store, config, export.ExportRequest(format="trl-kto", output=kto))
    labels = [(r["completion"][0]["content"], r["label"]) for r in map(json.loads, kto.read_text().splitlines())]
    assert labels == [(FIXED, True), (FIRST, False)]  # once each: the superseded answer is not also unpaired


def test_a_superseded_negative_pairs_only_with_what_replaced_it(
    pipeline: Pipeline, store: Store, config: Config, tmp_path: Path
) -> None:
    rejected = pipeline.collect(one(PROMPT, FIRST, signals=["user_rejected"]))
    pipeline.collect(one(PROMPT, FIXED), approved=True)
    curate.review(store, [store.get_doc(rejected.id or "")["superseded_by"]], "reject")  # the fix, turned down
    out = tmp_path / "kto.jsonl"
    with_fix_gone = export.check(store, config, export.ExportRequest(format="trl-kto", output=out))
    kto = next(f for f in with_fix_gone.formats if f.format == "trl-kto")
    assert kto.passed == 0  # nothing paired, and the superseded answer is not counted on its own


def test_an_approved_exact_copy_supersedes_one_nobody_judged(pipeline: Pipeline, store: Store) -> None:
    first = pipeline.collect(one("Hello there, how are you today?", "Fine, thanks for asking."))
    assert first.status == "below_threshold"
    again = pipeline.collect(one("Hello there, how are you today?", "Fine, thanks for asking.",
                                 quality_score=1.0), approved=True)
    assert again.status == "accepted" and again.replaced == first.id
    assert f"replaced the exact copy {first.id}" in again.message
    assert store.get_doc(first.id or "")["status"] == "superseded"


def test_a_higher_scored_exact_copy_supersedes_and_an_equal_one_says_how_to_bring_it_in(
    pipeline: Pipeline, store: Store
) -> None:
    first = pipeline.collect(one("Rename the column", "ALTER TABLE t RENAME COLUMN a TO b;"))
    same = pipeline.collect(one("Rename the column", "ALTER TABLE t RENAME COLUMN a TO b;"))
    assert same.status == "duplicate" and same.duplicate_of == first.id
    assert "quality 0.7 >= 0.7" in same.message and f"finetune approve {first.id}" in same.message
    better = pipeline.collect(one("Rename the column", "ALTER TABLE t RENAME COLUMN a TO b;", quality_score=0.95))
    assert better.replaced == first.id


def test_an_exact_copy_never_replaces_an_example_a_person_judged(pipeline: Pipeline, store: Store) -> None:
    first = pipeline.collect(one("Rename the column", "ALTER TABLE t RENAME COLUMN a TO b;", quality_score=0.5),
                             approved=True)
    copy = pipeline.collect(one("Rename the column", "ALTER TABLE t RENAME COLUMN a TO b;", quality_score=1.0),
                            approved=True)
    assert copy.status == "duplicate" and "a person judged it" in copy.message
    assert ">=" not in copy.message and store.get_doc(first.id or "")["status"] == "accepted"


def test_reimporting_an_export_with_approved_brings_it_in(
    pipeline: Pipeline, store: Store, config: Config, tmp_path: Path
) -> None:
    for n in range(3):
        assert pipeline.collect(example(n)).status == "accepted"
    out = tmp_path / "openai.jsonl"
    export.export(store, config, export.ExportRequest(format="openai", output=out))
    home = tmp_path / "other"
    runner = CliRunner()
    env = {"FINETUNE_HOME": str(home)}
    plain = runner.invoke(cli, ["import", "--from", "openai", str(out)], env=env)
    assert "below_threshold 3" in plain.output, plain.output
    again = runner.invoke(cli, ["import", "--from", "openai", str(out), "--approved"], env=env)
    assert "accepted 3 (3 of them replaced an earlier copy" in again.output, again.output
    statuses = sorted(d["status"] for d in Store(home, config).docs())
    assert statuses == ["accepted"] * 3 + ["superseded"] * 3


def test_an_approved_example_survives_the_import_path(pipeline: Pipeline, store: Store, tmp_path: Path) -> None:
    kept = pipeline.collect(one("Explain the bug in the loop", "The counter never changes.", quality_score=0.6),
                            approved=True)
    line = json.dumps(one("Explain the bug in the loop", "The counter never changes.", quality_score=1.0))
    other = json.dumps(one("Explain the bug in the loop!", "The counter never changes at all.", quality_score=1.0))
    (tmp_path / "in.jsonl").write_text(line + "\n" + other + "\n")
    result = CliRunner().invoke(cli, ["import", str(tmp_path / "in.jsonl"), "--json"])
    rows = [r for r in map(json.loads, result.output.splitlines()) if r["status"] != "summary"]
    assert [r["status"] for r in rows] == ["duplicate", "duplicate"]
    assert store.get_doc(kept.id or "")["status"] == "accepted" and len(store) == 1


def test_an_approved_example_survives_the_edit_path(pipeline: Pipeline, store: Store) -> None:
    kept = pipeline.collect(one("Explain the bug in the loop", "The counter never changes.", quality_score=0.6),
                            approved=True)
    other = pipeline.collect(one("Describe the weather in Oslo", "It rains.", quality_score=0.99))
    curate.edit_turn(pipeline, other.id or "", 0, "Explain the bug in the loop")  # same prompt, other answer
    with pytest.raises(InvalidExample, match=f"duplicate of {kept.id}"):
        curate.edit_turn(pipeline, other.id or "", 1, "The counter never changes.")
    assert store.get_doc(kept.id or "")["status"] == "accepted"
    assert store.get_doc(kept.id or "")["input"]["user"] == "Explain the bug in the loop"
