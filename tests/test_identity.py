"""Who collected, approved and rejected each example: stored, shown, counted and filtered on."""

from __future__ import annotations

import getpass
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import example
from finetune_collection.cli import cli
from finetune_collection.curate import review
from finetune_collection.errors import InvalidExample
from finetune_collection.model import Example, ExampleIn
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result


def test_old_documents_without_the_fields_load_as_none(pipeline: Pipeline, store: Store,
                                                        seed_example: dict[str, Any]) -> None:
    """A document written before the fields existed: no keys at all, read back as None, and
    written back without them."""
    doc = {**seed_example, "status": "accepted"}
    old = Example.model_validate(doc)
    assert (old.collected_by, old.approved_by, old.rejected_by) == (None, None, None)
    assert not {"collected_by", "approved_by", "rejected_by"} & set(old.to_doc())
    with store.transaction():
        store.insert(old, pipeline.keys(old))
    listed = json.loads(invoke("list", "--json").output)
    assert (listed["collected_by"], listed["approved_by"], listed["rejected_by"]) == (None, None, None)
    stats = json.loads(invoke("stats", "--json").output)
    assert stats["by_collector"] == {"(unknown)": 1}
    review(store, [old.id], "reject", by="zoe")  # an old example judged now gets the new field
    assert store.get_doc(old.id)["rejected_by"] == "zoe"


def test_a_caller_cannot_claim_an_identity(pipeline: Pipeline) -> None:
    assert "collected_by" not in ExampleIn.model_fields
    with pytest.raises(InvalidExample, match="collected_by: Extra inputs are not permitted") as err:
        pipeline.collect({**example(1), "collected_by": "mallory"})
    assert "mallory" not in str(err.value)


def test_cli_collect_approve_and_reject_record_the_os_user(finetune_home: Path) -> None:
    me = getpass.getuser()
    pending = {**example(1), "metadata": {}}
    added = CliRunner().invoke(cli, ["add", "--json"], input=json.dumps(pending))
    assert added.exit_code == 0, added.output
    first = json.loads(invoke("list", "--json").output)["id"]
    invoke("approve", first)
    shown = json.loads(invoke("show", first).output)
    assert (shown["collected_by"], shown["approved_by"]) == (me, me)
    assert "rejected_by" not in shown
    invoke("reject", first)
    shown = json.loads(invoke("show", first).output)
    assert (shown["status"], shown["rejected_by"], shown["approved_by"]) == ("rejected", me, me)
    assert f"collected by: {me} 1" in invoke("stats").output
    assert me in invoke("list").output


def test_export_filters_on_the_collector(pipeline: Pipeline, tmp_path: Path) -> None:
    for n, who in enumerate(["ann", "ben", "ann"]):
        assert pipeline.collect(example(n), by=who).status == "accepted"
    out = tmp_path / "ann.jsonl"
    result = invoke("export", "--collected-by", "ann", "--output", str(out), "--json")
    assert json.loads(result.output)["written"] == 2
    assert len(out.read_text().splitlines()) == 2
    both = invoke("export", "--collected-by", "ann", "--collected-by", "ben", "--check", "--json")
    assert json.loads(both.output)["matched"] == 3
    none = CliRunner().invoke(cli, ["export", "--collected-by", "nobody", "--output", str(tmp_path / "x.jsonl")])
    assert none.exit_code == 1 and "collected_by (1 given) matched 0 of 3" in none.output


def test_an_edit_keeps_who(pipeline: Pipeline, store: Store) -> None:
    from finetune_collection.curate import edit_turn

    stored = pipeline.collect(example(7), by="ann")
    assert stored.id is not None
    review(store, [stored.id], "approve", by="ben")
    edit_turn(pipeline, stored.id, 0, "a different request about sorting the widgets by colour")
    doc = store.get_doc(stored.id)
    assert (doc["collected_by"], doc["approved_by"]) == ("ann", "ben")
