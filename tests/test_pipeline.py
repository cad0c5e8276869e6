"""collect(): each stage's behaviour through the real pipeline on a real store."""

from __future__ import annotations

import json
from typing import Any

import pytest

from conftest import example
from finetune_collection import curate
from finetune_collection.config import Config, QualityFilters
from finetune_collection.errors import InvalidExample
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store


def test_seed_example_is_accepted_with_its_id(pipeline: Pipeline, seed_example: dict[str, Any]) -> None:
    result = pipeline.collect(seed_example)
    assert (result.id, result.status, result.quality_score) == ("ex_12345", "accepted", 0.95)
    stored = pipeline.store.get("ex_12345")
    assert stored.metadata.workflow == "orchestrate" and stored.metadata.phase == "BUILD"
    assert stored.input is not None and stored.input.context == "Project uses TypeScript..."


def unapproved(n: int, **fields: Any) -> dict[str, Any]:
    return example(n, metadata={}, **fields)


def test_a_low_score_is_kept_below_threshold_and_not_exported(pipeline: Pipeline, tmp_path: Any) -> None:
    from finetune_collection import export
    from finetune_collection.errors import ExportError

    result = pipeline.collect(unapproved(1, quality_score=0.5))
    assert result.status == "below_threshold" and result.id is not None and result.reasons == ["below_min_quality"]
    assert "lower min_quality_score and run `finetune rescore`" in result.message
    assert pipeline.store.get_doc(result.id)["status"] == "below_threshold"
    with pytest.raises(ExportError, match="nothing to export"):
        export.export(pipeline.store, pipeline.config, export.ExportRequest(output=tmp_path / "o.jsonl"))
    lower = Config.model_validate({"quality_filters": {"min_quality_score": 0.4, "min_human_approval": False}})
    assert curate.rescore(pipeline.store, lower) == {"accepted": [result.id]}  # reported, not done
    assert pipeline.store.get_doc(result.id)["status"] == "below_threshold"
    curate.rescore(pipeline.store, lower, apply=True)
    assert pipeline.store.get_doc(result.id)["status"] == "accepted"
    report = export.export(pipeline.store, lower, export.ExportRequest(output=tmp_path / "o.jsonl"))
    assert report.written == 1


def test_retention_off_discards_below_threshold_as_the_seed_did(finetune_home: Any) -> None:
    config = Config.model_validate({"quality_filters": {"keep_below_threshold": False}})
    core = Pipeline(Store(finetune_home, config), config)
    result = core.collect(unapproved(1, quality_score=0.5))
    assert result.status == "rejected" and result.id is None and result.reasons == ["below_min_quality"]
    assert len(core.store) == 0
    assert core.store.counter_values() == {"rejected:below_min_quality": 1}


def test_two_positive_signals_pass_and_one_negative_keeps_it_out(pipeline: Pipeline) -> None:
    honest = pipeline.collect(unapproved(1, quality_score=None, signals=["tests_passed", "user_accepted"]))
    assert honest.quality_score == pytest.approx(0.9) and honest.status == "pending"
    mixed = unapproved(2, quality_score=None, signals=["tests_passed", "user_accepted", "zero_fix_iterations",
                                                       "code_review_approved", "errors_occurred"])
    assert pipeline.collect(mixed).status == "below_threshold"


def test_a_person_approval_outranks_the_score(pipeline: Pipeline) -> None:
    result = pipeline.collect(example(1, quality_score=0.5))  # metadata.human_approved: true
    assert result.status == "accepted" and result.id is not None
    assert curate.rescore(pipeline.store, pipeline.config, apply=True) == {}  # never re-decided


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ({"quality": "high"}, 0.95),
        ({"quality": "medium"}, 0.8),
        ({"quality_score": 0.93}, 0.93),
        ({"signals": []}, 0.7),
        ({"signals": ["tests_passed", "user_accepted"]}, 0.9),
        ({"signals": ["tests_passed", "user_accepted", "zero_fix_iterations", "code_review_approved"]}, 1.0),
        ({"quality_score": 1.0, "signals": ["user_rejected"]}, 0.8),
        ({"signals": {"tests_passed": "12 passed in 0.3s", "errors_occurred": "one retry"}}, 0.6),
    ],
)
def test_score_from_value_label_or_signals(pipeline: Pipeline, given: dict[str, Any], expected: float) -> None:
    data = example(1)
    del data["quality_score"]
    data.update(given)
    assert pipeline.collect(data).quality_score == pytest.approx(expected)


def test_signal_evidence_is_kept_as_provenance(pipeline: Pipeline) -> None:
    data = example(1, signals=[{"name": "tests_passed", "evidence": "42 passed in 1.2s"}, "user_accepted"])
    result = pipeline.collect(data)
    stored = pipeline.store.get(result.id or "")
    assert [(s.name, s.evidence) for s in stored.signals] == [("tests_passed", "42 passed in 1.2s"),
                                                              ("user_accepted", None)]


def test_unknown_signal_lists_the_known_ones(pipeline: Pipeline) -> None:
    with pytest.raises(InvalidExample) as err:
        pipeline.collect(example(1, signals=["tests_pased"]))
    assert "tests_pased" in str(err.value) and "tests_passed" in str(err.value)


def test_unapproved_is_pending_then_approved(pipeline: Pipeline) -> None:
    result = pipeline.collect(example(1, metadata={}))
    assert result.status == "pending" and "pending_approval" in result.reasons
    approved = curate.review(pipeline.store, [result.id or ""], "approve")[0]
    assert approved is not None and approved.status == "accepted" and approved.metadata.human_approved


def test_approval_not_required_when_configured_off(store: Store) -> None:
    config = Config(quality_filters=QualityFilters(min_human_approval=False))
    assert Pipeline(store, config).collect(example(1, metadata={})).status == "accepted"


def test_seed_pii_is_replaced_before_storage(pipeline: Pipeline) -> None:
    data = example(1, input={"user": "Email jane.doe@example.com about key sk-" + "a1B2" * 10},
                   output={"assistant": 'config = {"password": "hunter2hunter2"}'})
    result = pipeline.collect(data)
    assert result.redactions.get("email") == 1 and result.redactions.get("api_key") == 1
    raw = pipeline.store.path.read_bytes()
    for secret in (b"jane.doe@example.com", b"a1B2a1B2", b"hunter2hunter2"):
        assert secret not in raw
    assert b"<EMAIL>" in raw and b"<API_KEY>" in raw and b"<REDACTED>" in raw


def test_exact_duplicate_rejected_with_duplicate_of(pipeline: Pipeline) -> None:
    first = pipeline.collect(example(1))
    again = example(1)
    again["input"]["user"] = "  " + again["input"]["user"].upper().replace(" ", "   ") + "\n"
    again["input"]["system"] = "A different, long system prompt"
    second = pipeline.collect(again)
    assert second.status == "duplicate" and second.duplicate_of == first.id and "duplicate" in second.reasons
    assert pipeline.store.counter_values()["rejected:duplicate"] == 1


def test_shared_system_prompt_alone_is_not_a_duplicate(pipeline: Pipeline) -> None:
    system = "You are a careful assistant. " * 50
    a = pipeline.collect(example(1, input={"system": system, "user": "Sort a list in Python"}))
    b = pipeline.collect(example(2, input={"system": system, "user": "Parse a date in Go"}))
    assert a.status == b.status == "accepted"


def test_caller_id_kept_if_valid_and_unused_else_assigned(pipeline: Pipeline) -> None:
    assert pipeline.collect(example(1, id="my-id.1")).id == "my-id.1"
    taken = pipeline.collect(example(2, id="my-id.1"))
    assert taken.id != "my-id.1" and taken.id and taken.id.startswith("ex_") and "id_in_use" in taken.reasons
    bad = pipeline.collect(example(3, id="../../etc"))
    assert bad.id and bad.id.startswith("ex_") and "id_invalid" in bad.reasons


def test_multi_turn_tool_use_example(pipeline: Pipeline) -> None:
    data = {
        "task_type": "tool_use",
        "quality": "high",
        "metadata": {"human_approved": True},
        "tools": [{"type": "function", "function": {"name": "get_weather", "parameters": {"type": "object"}}}],
        "messages": [
            {"role": "system", "content": "You can call tools."},
            {"role": "user", "content": "Weather in Paris? I'm at ops@example.org"},
            {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function",
                                                  "function": {"name": "get_weather", "arguments": {"city": "Paris"}}}]},
            {"role": "tool", "tool_call_id": "c1", "content": "18C, cloudy"},
            {"role": "assistant", "content": "It's 18C and cloudy in Paris.", "weight": 1},
        ],
    }
    result = pipeline.collect(data)
    assert result.status == "accepted" and result.redactions == {"email": 1}
    stored = pipeline.store.get(result.id or "")
    assert stored.messages and stored.messages[2].tool_calls
    assert stored.messages[2].tool_calls[0].function.arguments == '{"city": "Paris"}'


@pytest.mark.parametrize(
    ("data", "fragment"),
    [
        ({"input": {"user": "x"}}, "needs both"),
        ({"messages": [{"role": "user", "content": "hi"}]}, "assistant"),
        ({"messages": [{"role": "user", "content": "a"}, {"role": "tool", "content": "b"}]}, "tool_call_id"),
        ({"input": {"user": "a"}, "output": {"assistant": "b"}, "quality_score": 1.5}, "quality_score"),
        ({"input": {"user": "a"}, "output": {"assistant": "b"}, "surprise": 1}, "(unknown key): Extra inputs"),
        ({}, "input + output, or messages"),
    ],
)
def test_bad_examples_name_the_problem(pipeline: Pipeline, data: dict[str, Any], fragment: str) -> None:
    with pytest.raises(InvalidExample) as err:
        pipeline.collect(data)
    assert fragment in str(err.value)


@pytest.mark.parametrize("where", ["top", "input", "metadata_tool_call"])
def test_an_unknown_key_is_named_by_position_never_by_its_text(pipeline: Pipeline, where: str) -> None:
    token = "sk-proj-" + "Qw3rTy9uIo" * 4
    data: dict[str, Any] = {"input": {"user": "a"}, "output": {"assistant": "b"}}
    if where == "top":
        data[token] = 1
    elif where == "input":
        data["input"][token] = "x"
    else:
        data = {"messages": [{"role": "user", "content": "a"},
                             {"role": "assistant", "tool_calls": [{"id": "c1", "function": {"name": "f", "arguments": "{}",
                                                                                          token: 1}}]},
                             {"role": "tool", "tool_call_id": token, "content": "r"}]}
    with pytest.raises(InvalidExample) as err:
        pipeline.collect(data)
    assert token not in str(err.value) and "Qw3rTy9uIo" not in str(err.value)


def test_ids_and_tool_names_are_scrubbed_like_text(pipeline: Pipeline) -> None:
    token = "sk-proj-" + "Qw3rTy9uIo" * 4
    result = pipeline.collect({
        "id": token, "quality_score": 0.95, "metadata": {"human_approved": True},
        "messages": [{"role": "user", "content": "run it"},
                     {"role": "assistant", "tool_calls": [{"id": token, "function": {"name": token,
                                                                                               "arguments": "{}"}}]},
                     {"role": "tool", "tool_call_id": token, "content": "ok"},
                     {"role": "assistant", "content": "done"}]})
    assert result.status == "accepted" and result.id != token and "id_invalid" in result.reasons
    raw = pipeline.store.path.read_text(encoding="utf-8")
    assert "Qw3rTy9uIo" not in raw
    doc = pipeline.store.get_doc(result.id or "")
    assert doc["messages"][1]["tool_calls"][0]["id"] == doc["messages"][2]["tool_call_id"]  # still paired


def test_errors_never_echo_the_example_text(pipeline: Pipeline) -> None:
    secret = "sk-" + "Z9y8" * 10
    with pytest.raises(InvalidExample) as err:
        pipeline.collect({"input": {"user": secret}, "output": {"assistant": 42}})
    assert secret not in str(err.value)


def test_size_limit_names_the_limit(pipeline: Pipeline) -> None:
    with pytest.raises(InvalidExample) as err:
        pipeline.collect(example(1, output={"assistant": "x" * 1_100_000}))
    assert "1000000" in str(err.value) and "limits.max_example_bytes" in str(err.value)


def test_purge_deletes_before_a_date(pipeline: Pipeline) -> None:
    from datetime import datetime, timezone

    old = pipeline.collect(example(1, created_at="2023-05-01T00:00:00Z"))
    new = pipeline.collect(example(2))
    assert curate.purge(pipeline.store, datetime(2024, 1, 1, tzinfo=timezone.utc)) == [old.id]
    assert old.id not in pipeline.store and new.id in pipeline.store


def test_a_store_from_the_previous_release_opens_and_rescore_keeps_its_scores(finetune_home: Any) -> None:
    """Records as the release before statuses and score origins were kept wrote them."""
    old = {"id": "ex_old1", "created_at": "2026-11-01T10:00:00+00:00", "task_type": "debugging",
           "quality_score": 0.95, "status": "accepted", "input": {"user": "Fix the off-by-one"},
           "output": {"assistant": "Use range(n)"}, "signals": [], "metadata": {"human_approved": False},
           "redactions": {}}
    low = {**old, "id": "ex_old2", "quality_score": 0.92, "status": "pending",
           "input": {"user": "Another request entirely"}, "output": {"assistant": "Another answer"}}
    finetune_home.mkdir(parents=True, exist_ok=True)
    with open(finetune_home / "examples.json", "w", encoding="utf-8") as f:
        for doc in (old, low):
            f.write(json.dumps({"op": "put", "t": "examples", "id": doc["id"], "doc": doc}) + "\n")
    store = Store(finetune_home, Config())
    assert [d["status"] for d in store.docs()] == ["accepted", "pending"]
    assert curate.rescore(store, Config(), apply=True) == {}  # 0.95 and 0.92 pass 0.9: unchanged
    stricter = Config.model_validate({"quality_filters": {"min_quality_score": 0.93}})
    assert curate.rescore(store, stricter, apply=True) == {"below_threshold": ["ex_old2"]}
    assert store.get_doc("ex_old2")["quality_score"] == 0.92  # the stored score, not a recomputed 0.7
    core = Pipeline(store, Config())  # the dedup keys the old release may lack are recomputed
    assert core.store.keys_of("ex_old1") is not None and not core.store.missing_keys()


@pytest.mark.parametrize(
    ("field", "data"),
    [
        ("quality_score", {"quality_score": True}),
        ("tokens_used", {"metadata": {"tokens_used": True, "human_approved": True}}),
        ("execution_time", {"metadata": {"execution_time": False, "human_approved": True}}),
    ],
)
def test_booleans_are_refused_where_numbers_are_expected(
    pipeline: Pipeline, field: str, data: dict[str, Any]
) -> None:
    with pytest.raises(InvalidExample) as err:
        pipeline.collect({"input": {"user": "a"}, "output": {"assistant": "b"}, **data})
    assert field in str(err.value) and "not true/false" in str(err.value)
    assert len(pipeline.store) == 0


def test_a_negative_signal_keeps_an_example_out_whatever_the_threshold(store: Store) -> None:
    low = Config.model_validate({"quality_filters": {"min_quality_score": 0.75, "min_human_approval": False}})
    core = Pipeline(store, low)
    result = core.collect(example(1, quality="high", quality_score=None, metadata={}, signals=["user_rejected"]))
    assert result.status == "below_threshold" and "negative_signal" in result.reasons
    assert "negative signal" in result.message
    assert curate.rescore(store, Config.model_validate({"quality_filters": {"min_quality_score": 0.1}})) == {}
    approved = core.collect(example(2, quality="high", quality_score=None, signals=["user_rejected"]))  # approved
    assert approved.status == "accepted"


def test_rescore_moves_an_unjudged_accepted_example_with_a_negative_signal_out(finetune_home: Any) -> None:
    """A store written before the rule: the negative-signal example was accepted at 0.75."""
    doc = {"id": "ex_neg1", "created_at": "2026-11-01T10:00:00+00:00", "task_type": "general",
           "quality_score": 0.75, "status": "accepted", "input": {"user": "Say hello"},
           "output": {"assistant": "Hello"}, "signals": [{"name": "user_rejected"}],
           "metadata": {"human_approved": False}, "quality": "high", "quality_from": "label"}
    finetune_home.mkdir(parents=True, exist_ok=True)
    (finetune_home / "examples.json").write_text(
        json.dumps({"op": "put", "t": "examples", "id": doc["id"], "doc": doc}) + "\n")
    store = Store(finetune_home, Config())
    low = Config.model_validate({"quality_filters": {"min_quality_score": 0.5}})
    assert curate.rescore(store, low) == {"below_threshold": ["ex_neg1"]}


def test_bulk_approval_leaves_out_negative_signals_unless_asked(pipeline: Pipeline, store: Store) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    plain = pipeline.collect(example(1, metadata={}, quality_score=0.5))
    turned_down = pipeline.collect(example(2, metadata={}, quality_score=0.5, signals=["user_rejected"]))
    flt = curate.Filter(status="below_threshold")
    matched = curate.review_matching(store, flt, "approve", hold=["user_rejected"])
    assert matched.ids == [plain.id] and matched.held == [turned_down.id]
    assert store.get_doc(turned_down.id or "")["status"] == "below_threshold"
    by_name = curate.review_matching(store, curate.Filter(signal="user_rejected"), "approve", True,
                                     hold=["user_rejected"])
    assert by_name.ids == [turned_down.id]  # asked for by name: not held back
    cli_run = CliRunner().invoke(cli, ["approve", "--status", "below_threshold"])
    assert "0 example(s) approved" in cli_run.output and "left out 1" in cli_run.output
    forced = CliRunner().invoke(cli, ["approve", "--status", "below_threshold", "--include-negative"])
    assert "1 example(s) approved" in forced.output and "left out" not in forced.output


def test_approving_a_superseded_example_warns_which_one_it_duplicates(pipeline: Pipeline, store: Store) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    old = pipeline.collect(example(1, metadata={}, quality_score=0.92))
    new = pipeline.collect(example(1, metadata={}, quality_score=0.97))
    assert new.replaced == old.id
    result = CliRunner().invoke(cli, ["approve", old.id or ""])
    assert result.exit_code == 0 and f"{old.id} was superseded by {new.id}" in result.output


def test_list_aligns_the_long_statuses(pipeline: Pipeline) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    pipeline.collect(example(1))
    pipeline.collect(example(2, metadata={}, quality_score=0.5))
    lines = CliRunner().invoke(cli, ["list"]).output.splitlines()
    assert len({line.index(" 0.") for line in lines}) == 1, lines


def test_export_says_when_a_lowered_threshold_would_bring_examples_in(pipeline: Pipeline, tmp_path: Any,
                                                                      finetune_home: Any) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    pipeline.collect(example(1, metadata={}, quality_score=0.8))
    (finetune_home / "config.yaml").write_text("quality_filters:\n  min_quality_score: 0.7\n")
    result = CliRunner().invoke(cli, ["export", "-o", str(tmp_path / "o.jsonl")])
    assert "finetune rescore --apply" in result.output and "1 below_threshold" in result.output


def test_import_json_ends_with_a_summary_line(tmp_path: Any) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    lines = [json.dumps(example(1)), json.dumps(example(2, metadata={}, quality_score=0.5)), "{"]
    result = CliRunner().invoke(cli, ["import", "--json", "-"], input="\n".join(lines) + "\n")
    rows = [json.loads(x) for x in result.output.splitlines()]
    assert [r["status"] for r in rows] == ["accepted", "below_threshold", "invalid", "summary"]
    assert all(set(r) >= {"line", "id", "status", "duplicate_of", "reasons", "redactions"} for r in rows)
    assert rows[-1]["summary"] == {"accepted": 1, "below_threshold": 1, "invalid": 1, "replaced": 0}
    assert any("below_threshold" in advice for advice in rows[-1]["reasons"])


def test_a_store_written_by_the_release_before_issue_18_opens_in_place_with_nothing_lost(
    finetune_home: Any, tmp_path: Any
) -> None:
    """tests/fixtures/store_before_issue18/examples.json was written by that release's own CLI
    (commit 56bea8b: `finetune add` four times, one `reject`; one more add it discarded)."""
    import shutil

    from conftest import ROOT

    fixture = ROOT / "tests" / "fixtures" / "store_before_issue18" / "examples.json"
    written = {}
    for line in fixture.read_text().splitlines():
        record = json.loads(line)
        if record.get("t") == "examples" and record.get("op") == "put":
            written[record["id"]] = record["doc"]
    finetune_home.mkdir(parents=True, exist_ok=True)
    shutil.copy(fixture, finetune_home / "examples.json")
    core = Pipeline.open(finetune_home, Config())
    docs = {str(d["id"]): d for d in core.store.docs()}
    assert set(docs) == set(written) and len(docs) == 4
    for example_id, old in written.items():
        for key, value in old.items():
            assert docs[example_id][key] == value, (example_id, key)
    assert sorted(d["status"] for d in docs.values()) == ["accepted", "pending", "pending", "rejected"]
    assert curate.rescore(core.store, Config()) == {}  # every score passes as it did
    assert not core.store.missing_keys()
    out = tmp_path / "o.jsonl"
    from finetune_collection import export

    report = export.export(core.store, Config(), export.ExportRequest(format="openai", output=out))
    assert report.written == 1  # the one accepted example nobody rejected
