"""`export --dedup`: near-duplicates a re-check would remove are left out; nothing is deleted."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import example
from finetune_collection.config import Config, DedupSettings
from finetune_collection.export import ExportRequest, export
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store


def opened(path: Path) -> Store:
    """The store whose file is `path` (export and check take the caller's Store)."""
    return Store(path.parent, Config())


def test_export_dedup_keeps_the_best_of_a_cluster(finetune_home: Path, tmp_path: Path) -> None:
    # Collected while near-dedup was off, so both near-copies are stored.
    loose = Config(dedup=DedupSettings(near=False))
    pipeline = Pipeline(Store(finetune_home, loose), loose)
    base = example(1, quality_score=0.92)
    better = example(1, quality_score=0.97)
    better["output"]["assistant"] += "\n# tested"
    other = example(2)
    ids = [pipeline.collect(d).id for d in (base, better, other)]
    assert all(ids)

    config = Config()
    out = tmp_path / "deduped.jsonl"
    report = export(opened(finetune_home / "examples.json"), config, ExportRequest(output=out, dedup=True))
    assert report.written == 2
    assert report.skipped_by_rule == {"near_duplicate": 1}
    assert [s.id for s in report.skipped] == [ids[0]]  # the lower-quality copy
    assert len(out.read_text().splitlines()) == 2
    assert len(Store(finetune_home, config)) == 3  # nothing deleted

    plain = export(opened(finetune_home / "examples.json"), config, ExportRequest(output=tmp_path / "all.jsonl"))
    assert plain.written == 3
    assert all(json.loads(line)["messages"] for line in (tmp_path / "all.jsonl").read_text().splitlines())
