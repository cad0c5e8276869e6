"""Readiness, token limits per model, token counting and the service-status table."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from trainer_kit import save_tokenizer_json

from conftest import example
from finetune_collection import export as export_mod
from finetune_collection.config import Config
from finetune_collection.export import FORMATS, ExportRequest
from finetune_collection.export.count import ESTIMATE_LABEL, load_counter
from finetune_collection.export.portability import percentiles, verdict
from finetune_collection.export.status import SERVICES, markdown_table, services_for
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

README = Path(__file__).parents[2] / "README.md"


def opened(home: Path, config: Config | None = None) -> Store:
    return Store(home, config or Config())


def chat(n: int, messages: list[dict[str, Any]], **overrides: Any) -> dict[str, Any]:
    data = example(n, messages=messages, **overrides)
    del data["input"], data["output"]
    return data


def tool_example(n: int) -> dict[str, Any]:
    call = {"id": "c1", "type": "function", "function": {"name": "look", "arguments": {"q": n}}}
    return chat(
        n,
        task_type="tool_use",
        messages=[
            {"role": "user", "content": f"Look up item {n} of the {n * 7919 % 1000} catalogue entries."},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": f"item {n}: {n * 31} units in stock"},
            {"role": "assistant", "content": f"Item {n} has {n * 31} units in stock, checked {n % 7} days ago."},
        ],
    )


@pytest.fixture
def mostly_tools(pipeline: Pipeline, finetune_home: Path) -> Path:
    """30 tool examples (nova cannot take them) and 12 plain ones: nova's minimum of 1 is met by
    the plain ones, but most examples fail it."""
    for n in range(30):
        assert pipeline.collect(tool_example(n)).status == "accepted"
    for n in range(100, 112):
        doc = example(n, input={"user": f"Question {n}: what is {n} squared?"}, output={"assistant": f"{n * n}."})
        assert pipeline.collect(doc).status == "accepted"
    return finetune_home


def test_stats_never_says_ready_when_most_examples_fail(mostly_tools: Path, store: Any) -> None:
    from finetune_collection.reports import compute, render

    rows = {r["target"]: r for r in compute(store).ready_to_train}
    for name in ("nova", "bedrock", "alpaca", "anthropic"):
        row = rows[name]
        assert row["failed"] > row["examples"] and row["ready"] is False, name
        assert "most examples fail (30 of 42)" in row["summary"], name
    assert rows["nova"]["verdict"] == rows["alpaca"]["verdict"] == "partial"
    # Legacy targets are never ready, whatever passes: their services ended.
    assert rows["bedrock"]["verdict"] == rows["anthropic"]["verdict"] == "not ready"
    assert "no current service takes it: Claude 3 Haiku" in rows["bedrock"]["summary"]
    assert rows["openai"]["ready"] is True and rows["openai"]["verdict"] == "ready"
    text = render(compute(store))
    assert "ready to train on nova: no (partial)" in text
    assert "ready to train on openai: yes (ready)" in text
    assert "  services: Amazon Bedrock, Claude 3 Haiku: ended" in text
    assert "service status checked 2026-12-02" in text


def test_readiness_reports_distribution_and_balance(mostly_tools: Path) -> None:
    rows = {r["target"]: r for r in export_mod.readiness(opened(mostly_tools), Config())}
    openai = rows["openai"]
    assert openai["task_balance"] == {"tool_use": 30, "code_generation": 12}
    assert openai["tokens"]["p50"] <= openai["tokens"]["p90"] <= openai["tokens"]["max"]
    assert openai["turns"] == {"p50": 4, "max": 4} and openai["passed_as_is"] == 42
    assert openai["tokens"]["counting"] == ESTIMATE_LABEL
    assert rows["bedrock"]["legacy"] and "2026-09-10" in rows["bedrock"]["legacy"]
    assert any("ended" in s for s in rows["bedrock"]["services"])


def test_over_limit_examples_do_not_count_towards_ready(pipeline: Pipeline, finetune_home: Path) -> None:
    for n in range(12):
        assert pipeline.collect(example(n, output={"assistant": f"answer {n} " + "word " * 400})).status == "accepted"
    config = Config.model_validate({"export": {"token_limits": {"openai": 100}}})
    (f,) = [f for f in export_mod.check(opened(finetune_home), config, ExportRequest()).formats if f.format == "openai"]
    # OpenAI truncates (so they pass with a warning), but none is within the limit: not ready.
    assert f.passed == 12 and f.within_limit == 0 and f.verdict == "not ready" and not f.ready


@pytest.mark.parametrize(
    ("within", "passed", "failed", "minimum", "expected"),
    [(10, 10, 0, 10, "ready"), (9, 10, 0, 10, "not ready"), (10, 10, 11, 10, "partial"), (0, 0, 0, 1, "not ready"),
     (1, 1, 1, 1, "partial")],
)
def test_verdict(within: int, passed: int, failed: int, minimum: int, expected: str) -> None:
    assert verdict(within, passed, failed, minimum) == expected


def test_percentile_nearest_rank() -> None:
    assert percentiles([], 50, 100) == [0, 0]
    assert percentiles([5], 90) == [5]
    assert percentiles(list(range(10, 0, -1)), 50, 90, 100) == [5, 9, 10]
    assert percentiles([3, 3, 1, 7], 100, 50, 100) == [7, 3, 7]


# -- token limits per model --------------------------------------------------------------------
def test_openai_limit_is_per_model_not_the_2023_figure() -> None:
    fmt = FORMATS["openai"]
    assert fmt.limit_for(None) == (65_536, "gpt-4o-mini-2024-07-18")
    assert fmt.limit_for("gpt-3.5-turbo-0125") == (16_385, "gpt-3.5-turbo-0125")
    assert fmt.limit_for("some-other-model") == (65_536, "gpt-4o-mini-2024-07-18")
    assert 4096 not in fmt.models.values()


def test_model_sets_the_limit_and_an_unknown_model_is_warned(
    pipeline: Pipeline, finetune_home: Path, tmp_path: Path
) -> None:
    assert pipeline.collect(example(1, output={"assistant": "word " * 20_000})).status == "accepted"
    store, config = opened(finetune_home), Config()
    short = export_mod.export(store, config, ExportRequest(model="gpt-3.5-turbo-0125", output=tmp_path / "a.jsonl"))
    assert short.token_limit == 16_385 and short.model == "gpt-3.5-turbo-0125"
    assert any("over 16385 tokens" in w for w in short.warnings)
    other = export_mod.export(store, config, ExportRequest(model="my-model", output=tmp_path / "b.jsonl"))
    assert other.token_limit == 65_536 and any("not in the documented limits table" in w for w in other.warnings)
    assert "my-model" not in " ".join(other.warnings)  # caller text is never echoed


def test_every_documented_limit_is_cited_next_to_the_number() -> None:
    import importlib
    import inspect

    for fmt in FORMATS.values():
        if not fmt.models:
            continue
        mod = importlib.import_module(fmt.render.__module__)
        source = inspect.getsource(mod)
        for limit in set(fmt.models.values()):
            figure = f"{limit:,}"
            assert figure in source and re.search(r"(https?://|learn\.microsoft\.com|PR #)", source), fmt.name


# -- token counting ------------------------------------------------------------------------------
def test_tokenizer_json_counts_and_labels(pipeline: Pipeline, finetune_home: Path, tmp_path: Path) -> None:
    pytest.importorskip("tokenizers", reason="the tokenizers package is not installed")
    path = save_tokenizer_json(tmp_path / "tokenizer.json")
    assert pipeline.collect(example(1, input={"user": "abcd" * 10}, output={"assistant": "efgh" * 10})).status == "accepted"
    estimated = export_mod.export(opened(finetune_home), Config(), ExportRequest(output=tmp_path / "e.jsonl"))
    config = Config.model_validate({"export": {"tokenizer": str(path)}})
    counted = export_mod.export(opened(finetune_home, config), config, ExportRequest(output=tmp_path / "c.jsonl"))
    assert estimated.token_counting == ESTIMATE_LABEL
    assert counted.token_counting == "counted with tokenizer.json"
    # One token per character here: 80 characters, 3 + 3 + 3 chat overhead.
    assert counted.tokens_estimated == 80 + 9 and estimated.tokens_estimated == 20 + 9


def test_uncached_tiktoken_falls_back_to_the_labelled_estimate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TIKTOKEN_CACHE_DIR", str(tmp_path))
    counter = load_counter("tiktoken:o200k_base")
    assert not counter.exact and counter.label.startswith(ESTIMATE_LABEL) and "not cached" in counter.label
    missing = load_counter(str(tmp_path / "nope.json"))
    assert not missing.exact and "did not load" in missing.label


# -- service status ------------------------------------------------------------------------------
def test_every_format_has_a_service_row_with_source_and_date() -> None:
    for name in FORMATS:
        rows = services_for(name)
        assert rows, name
        assert all(r.source and re.fullmatch(r"\d{4}-\d{2}-\d{2}", r.checked) for r in rows)
    legacy = {name for name, fmt in FORMATS.items() if fmt.legacy}
    assert legacy == {"anthropic", "bedrock"}
    assert all(s.state in ("ended",) for name in legacy for s in services_for(name))


def test_readme_shows_the_service_table() -> None:
    text = README.read_text(encoding="utf-8")
    assert markdown_table() in text
    for s in SERVICES:
        assert s.source in text


def test_check_shows_status_snippet_and_legacy(mostly_tools: Path) -> None:
    text = export_mod.check(opened(mostly_tools), Config(), ExportRequest()).render()
    assert "type: chat_template" in text and "message_field_training: train" in text
    assert "bedrock: not ready (legacy: Claude 3 Haiku" in text
    assert "service: Amazon Bedrock, Amazon Nova: active" in text
    assert "tool_use_unsupported: 30" in text


def test_tool_examples_are_reported_for_nova_never_flattened(mostly_tools: Path, tmp_path: Path) -> None:
    report = export_mod.export(opened(mostly_tools), Config(), ExportRequest(format="nova", output=tmp_path / "n.jsonl"))
    assert report.written == 12 and report.skipped_by_rule == {"tool_use_unsupported": 30}
    assert b"look" not in (tmp_path / "n.jsonl").read_bytes()
    assert "service: Amazon Bedrock, Amazon Nova: active" in report.render()
    split = export_mod.export(
        opened(mostly_tools), Config(), ExportRequest(format="nova", output=tmp_path / "s.jsonl", split=0.25)
    )
    assert any("does not use a validation set" in w for w in split.warnings)


def test_weight_loss_is_named_in_the_export_summary(pipeline: Pipeline, finetune_home: Path, tmp_path: Path) -> None:
    doc = chat(
        1,
        [
            {"role": "user", "content": "Say hi."},
            {"role": "assistant", "content": "Hi, I guess.", "weight": 0},
            {"role": "user", "content": "Say it properly."},
            {"role": "assistant", "content": "Hello!"},
        ],
    )
    assert pipeline.collect(doc).status == "accepted"
    report = export_mod.export(opened(finetune_home), Config(), ExportRequest(format="sharegpt", output=tmp_path / "s.jsonl"))
    assert report.losses == {"weight_not_carried": 1} and len(report.lost_ids["weight_not_carried"]) == 1
    assert "lost in 1 written example(s): weight_not_carried" in report.render()
    kept = export_mod.export(opened(finetune_home), Config(), ExportRequest(format="axolotl", output=tmp_path / "a.jsonl"))
    assert kept.losses == {}


def test_hf_dataset_folder_has_card_and_no_secret_bearing_metadata(
    pipeline: Pipeline, finetune_home: Path, tmp_path: Path
) -> None:
    for n in range(6):
        assert pipeline.collect(example(n, input={"user": f"Q{n}: {n * 13} plus one?"}, output={"assistant": f"{n * 13 + 1}."})).status == "accepted"
    config = Config.model_validate({"pii_patterns": [{"type": "project_code", "pattern": "PRJ-[0-9]{4}", "replacement": "<PROJECT>"}]})
    out = tmp_path / "ds"
    report = export_mod.export(
        opened(finetune_home, config), config, ExportRequest(format="hf-dataset", output=out, split=0.34, license="mit")
    )
    card = (out / "README.md").read_text(encoding="utf-8")
    assert card.startswith("---\nlicense: mit\n") and "split: validation" in card and "path: data/validation.jsonl" in card
    assert sorted(p.name for p in (out / "data").iterdir()) == ["train.jsonl", "validation.jsonl"]
    assert str(finetune_home) not in card and "PRJ-" not in card and str(tmp_path) not in card
    assert f"- train: {report.counts[str(out / 'data' / 'train.jsonl')]} example(s)" in card
    with pytest.raises(export_mod.ExportError, match="not empty"):
        export_mod.export(opened(finetune_home, config), config, ExportRequest(format="hf-dataset", output=out))
    again = export_mod.export(
        opened(finetune_home, config), config, ExportRequest(format="hf-dataset", output=out, overwrite=True)
    )
    assert again.written == 6 and not (out / "data" / "validation.jsonl").exists()


def test_stats_histogram_covers_every_stored_example_with_the_threshold(
    pipeline: Pipeline, finetune_home: Path, store: Any
) -> None:
    from finetune_collection.reports import compute, render

    assert pipeline.collect(example(1)).status == "accepted"
    pending = example(2, metadata={})  # not approved: stored as pending, still binned
    assert pipeline.collect(pending).status == "pending"
    stats = compute(store)
    assert sum(stats.quality["histogram"].values()) == stats.total == 2
    text = render(stats)
    lines = text.splitlines()
    at = lines.index("  ---- min_quality_score 0.9 ----")
    assert lines[at - 1].strip().startswith("0.8-0.9") and lines[at + 1].strip().startswith("0.9-0.95")


def test_resolve_output_takes_a_folder_for_folder_formats(tmp_path: Path) -> None:
    from finetune_collection.export.target import resolve_output

    (tmp_path / "exports" / "ds").mkdir(parents=True)
    assert resolve_output("ds", tmp_path, folder=True) == (tmp_path / "exports" / "ds").resolve()
    assert resolve_output("new-ds/", tmp_path, folder=True) == (tmp_path / "exports" / "new-ds").resolve()
    with pytest.raises(export_mod.ExportError, match="not a regular file"):
        resolve_output("ds", tmp_path)


def test_a_failed_folder_export_leaves_no_folder(pipeline: Pipeline, finetune_home: Path, tmp_path: Path) -> None:
    assert pipeline.collect(example(1)).status == "accepted"
    out = tmp_path / "ds"
    with pytest.raises(export_mod.ExportError, match="nothing to export"):
        export_mod.export(opened(finetune_home), Config(), ExportRequest(format="hf-dataset", output=out, task_type=["none"]))
    assert not out.exists()
