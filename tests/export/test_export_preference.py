"""Preference data from a real store: inferred pairs (a user_rejected answer and a later accepted one
to the same or a near-duplicate prompt), the unpaired KTO labels, what --no-inferred-pairs leaves
out, the outcome filters, and the counts `--check` and `stats` give per preference target."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from finetune_collection import export as export_mod
from finetune_collection.config import Config
from finetune_collection.export import ExportRequest
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import STORE_FILE

FIXTURE = (
    "Why does my pytest fixture run twice when I use it from two test modules of the same package, "
    "and how do I make it run once for the whole session?"
)
# The same question re-asked with small edits: a near duplicate of the prompt side, not an exact one.
FIXTURE_AGAIN = (
    "why does my pytest fixture run twice when I use it from 2 test modules of the same package, "
    "and how can I make it run once for the whole session"
)
LOOP = "My asyncio loop blocks on a requests.get call inside a coroutine; what should I use instead?"
TIMEZONE = "How do I store timestamps in PostgreSQL so that users in different time zones see their local time?"
REGEX = "Write a regular expression that matches ISO 8601 dates such as 2024-02-29 but not 2023-02-29."
SORT = "Sort a list of dicts by two keys in Python, the first descending and the second ascending."


def collect(pipeline: Pipeline, case_id: str, day: int, user: str, answer: str, **extra: Any) -> str:
    data: dict[str, Any] = {
        "id": case_id, "created_at": f"2024-03-{day:02d}T10:00:00Z", "task_type": "debugging",
        "input": {"user": user}, "output": {"assistant": answer}, **extra,
    }
    return pipeline.collect(data).status


APPROVED: dict[str, Any] = {"metadata": {"human_approved": True}, "quality_score": 0.95}
REJECTED: dict[str, Any] = {"signals": ["user_rejected"]}


@pytest.fixture
def corrected(pipeline: Pipeline) -> Pipeline:
    """Rejected first attempts and the corrections that followed, as a session leaves them."""
    assert collect(pipeline, "fix_bad", 1, FIXTURE, "Restart pytest and clear the cache.", **REJECTED) == "below_threshold"
    assert collect(pipeline, "fix_good", 2, FIXTURE, "The fixture is function-scoped by default: declare it "
                   "with scope='session' in conftest.py.", **APPROVED) == "accepted"
    # asked again later with another answer: the rejected one is already paired with fix_good
    assert collect(pipeline, "fix_later", 9, FIXTURE, "Move it to the top-level conftest.py and give it "
                   "scope='session'; module scope still runs it once per module.", **APPROVED) == "accepted"
    # rejected again, then answered to the question as re-asked (a near-duplicate prompt)
    assert collect(pipeline, "again_bad", 3, FIXTURE,
                   "Pytest always runs fixtures twice; ignore it.", **REJECTED) == "below_threshold"
    assert collect(pipeline, "again_good", 4, FIXTURE_AGAIN, "Give the fixture scope='session' and define it "
                   "once in a conftest.py both modules share.", **APPROVED) == "accepted"
    # the only answer nothing corrected
    assert collect(pipeline, "tz_bad", 5, TIMEZONE, "Store local time as text.", **REJECTED) == "below_threshold"
    # accepted first, rejected later: no pair (the accepted answer is not a correction of it)
    assert collect(pipeline, "regex_good", 6, REGEX, "Use a date parser for the leap-year rule; a regex alone "
                   "cannot validate 2023-02-29 without a long alternation.", **APPROVED) == "accepted"
    assert collect(pipeline, "regex_bad", 7, REGEX, r"\d{4}-\d{2}-\d{2}", **REJECTED) == "below_threshold"
    # an explicit rejected alternative, given at collect time
    assert collect(pipeline, "sort_good", 8, SORT, "rows.sort(key=lambda r: r['b']); "
                   "rows.sort(key=lambda r: r['a'], reverse=True)", **APPROVED,
                   rejected=[{"assistant": "sorted(rows)", "reason": "dicts do not compare"}]) == "accepted"
    assert collect(pipeline, "loop_unrelated", 10, LOOP, "Use aiohttp, or run requests in a thread with "
                   "asyncio.to_thread.", **APPROVED) == "accepted"
    return pipeline


def lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(x) for x in path.read_text(encoding="utf-8").splitlines()]


def test_inferred_pairs_link_a_rejected_answer_to_the_next_accepted_answer(
    corrected: Pipeline, config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "dpo.jsonl"
    report = export_mod.export(corrected.store, config, ExportRequest(format="trl-preference", output=out))
    pairs = [(p.chosen, p.rejected, p.match) for p in report.inferred_pairs]
    assert pairs == [("fix_good", "fix_bad", "exact"), ("again_good", "again_bad", "near")]
    near = report.inferred_pairs[1].similarity
    assert config.dedup.threshold <= near < 1
    assert report.preference == {"inferred_pairs": 2, "explicit_pairs": 1}
    assert report.skipped_by_rule == {"no_rejected_alternative": 3}  # fix_later, regex_good, loop_unrelated
    written = {r["chosen"][0]["content"][:30]: r["rejected"][0]["content"] for r in lines(out)}
    assert written == {
        "The fixture is function-scoped": "Restart pytest and clear the cache.",
        "Give the fixture scope='sessio": "Pytest always runs fixtures twice; ignore it.",
        "rows.sort(key=lambda r: r['b']": "sorted(rows)",
    }
    assert "inferred: fix_good over fix_bad (exact prompt match, 1)" in report.render()


def test_no_inferred_pairs_leaves_only_the_given_alternatives(
    corrected: Pipeline, config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "dpo.jsonl"
    request = ExportRequest(format="openai-dpo", output=out, inferred_pairs=False)
    report = export_mod.export(corrected.store, config, request)
    assert report.written == 1 and report.inferred_pairs == [] and report.preference == {"explicit_pairs": 1}
    assert lines(out)[0]["non_preferred_output"] == [{"role": "assistant", "content": "sorted(rows)"}]


def test_kto_labels_every_answer_and_the_uncorrected_rejections(
    corrected: Pipeline, config: Config, tmp_path: Path
) -> None:
    out = tmp_path / "kto.jsonl"
    report = export_mod.export(corrected.store, config, ExportRequest(format="trl-kto", output=out))
    records = lines(out)
    labels = sorted((r["prompt"][-1]["content"][:12], r["completion"][0]["content"][:14], r["label"]) for r in records)
    assert labels == sorted([
        (FIXTURE[:12], "The fixture is", True), (FIXTURE[:12], "Restart pytest", False),
        (FIXTURE[:12], "Move it to the", True),
        (FIXTURE_AGAIN[:12], "Give the fixtu", True), (FIXTURE_AGAIN[:12], "Pytest always ", False),
        (TIMEZONE[:12], "Store local ti", False),
        (REGEX[:12], "Use a date par", True), (REGEX[:12], r"\d{4}-\d{2}-\d", False),
        (SORT[:12], "rows.sort(key=", True), (SORT[:12], "sorted(rows)", False),
        (LOOP[:12], "Use aiohttp, o", True),
    ])
    assert report.preference == {"label_true": 6, "label_false": 5, "label_false_inferred": 2,
                                 "label_false_unpaired": 2}
    assert (report.written, report.records, report.matched) == (8, 11, 6)
    # without linking, every rejected answer is still a label, each on its own
    plain = export_mod.export(corrected.store, config, ExportRequest(
        format="trl-kto", output=tmp_path / "plain.jsonl", inferred_pairs=False))
    assert plain.preference == {"label_true": 6, "label_false": 5, "label_false_inferred": 0,
                                "label_false_unpaired": 4}
    # the same answers and labels; an unlinked rejected answer keeps its own prompt
    answers = sorted((r["completion"][0]["content"], r["label"]) for r in records)
    assert sorted((r["completion"][0]["content"], r["label"]) for r in lines(tmp_path / "plain.jsonl")) == answers


def test_scope_filters_apply_to_the_rejected_side_and_outcome_filters_do_not(
    corrected: Pipeline, config: Config, tmp_path: Path
) -> None:
    # approved_only and a quality floor describe the chosen answers; the rejected ones fail both
    request = ExportRequest(format="trl-preference", output=tmp_path / "a.jsonl", approved_only=True, min_quality=0.9)
    assert len(export_mod.export(corrected.store, config, request).inferred_pairs) == 2
    # a date range is scope: a rejected answer before it is out of reach
    later = ExportRequest(format="trl-preference", output=tmp_path / "b.jsonl",
                          since=datetime(2024, 3, 2, tzinfo=timezone.utc))
    assert [p.rejected for p in export_mod.export(corrected.store, config, later).inferred_pairs] == ["again_bad"]


def test_a_person_approved_rejection_is_no_negative(pipeline: Pipeline, config: Config, tmp_path: Path) -> None:
    assert collect(pipeline, "old", 1, FIXTURE, "Restart pytest and clear the cache.", **REJECTED, **APPROVED) == "accepted"
    assert collect(pipeline, "new", 2, FIXTURE, "Declare it with scope='session'.", **APPROVED) == "accepted"
    out = tmp_path / "kto.jsonl"
    report = export_mod.export(pipeline.store, config, ExportRequest(format="trl-kto", output=out))
    assert report.inferred_pairs == [] and [r["label"] for r in lines(out)] == [True, True]


def test_check_and_stats_count_pairs_and_labels_per_target(corrected: Pipeline, config: Config) -> None:
    report = export_mod.check(corrected.store, config, ExportRequest())
    by = {f.format: f.preference for f in report.formats}
    pairs = {"explicit_pairs": 1, "inferred_pairs": 2, "unpaired_accepted": 3, "unpaired_rejected": 2}
    assert by["openai-dpo"] == by["trl-preference"] == by["vertex-preference"] == pairs
    assert by["trl-kto"] == {"label_true": 6, "label_false": 5, "label_false_inferred": 2, "label_false_unpaired": 2}
    assert by["openai"] == {}
    assert "preference data: explicit_pairs 1, inferred_pairs 2" in report.render()
    rows = {r["target"]: r for r in export_mod.readiness(corrected.store, config)}
    assert rows["trl-kto"]["preference"]["label_false"] == 5 and "label_true 6" in rows["trl-kto"]["summary"]
    assert rows["openai-dpo"]["preference"] == pairs


def test_check_shows_tiers_and_observed_and_claimed_signals(corrected: Pipeline, config: Config) -> None:
    report = export_mod.check(corrected.store, config, ExportRequest())
    # six accepted examples without signals: no tier; the rejected ones are not matched by default
    assert report.evidence == {"none": 6, "signals_observed": 0, "signals_claimed": 0}
    everything = export_mod.check(corrected.store, config, ExportRequest(status=["accepted", "below_threshold"]))
    # a claimed negative signal gives no tier (bronze is for claimed positive ones)
    assert everything.evidence == {"none": 10, "signals_observed": 0, "signals_claimed": 4}
    assert "evidence: none 10, signals_observed 0, signals_claimed 4" in everything.render()


def test_check_tiers_count_observed_and_claimed_signals(
    pipeline: Pipeline, config: Config, finetune_home: Path
) -> None:
    assert collect(pipeline, "a", 1, SORT, "rows.sort(key=...)", signals=["tests_passed"], **APPROVED) == "accepted"
    # Observed signals come from a transcript at capture; written here as the capture stores them.
    doc = {
        "id": "b", "created_at": "2024-03-02T10:00:00Z", "task_type": "qa", "quality_score": 0.95,
        "status": "accepted", "input": {"user": REGEX}, "output": {"assistant": "Use dateutil."},
        "signals": [{"name": "tests_passed", "observed": True, "where": "tool result 2"},
                    {"name": "user_accepted", "observed": True, "where": "user reply"}],
        "metadata": {"human_approved": True},
    }
    with open(finetune_home / STORE_FILE, "ab") as f:
        f.write(json.dumps({"op": "put", "t": "examples", "id": "b", "doc": doc}).encode() + b"\n")
    report = export_mod.check(pipeline.store, config, ExportRequest())
    assert report.evidence == {"bronze": 1, "gold": 1, "signals_observed": 2, "signals_claimed": 1}
    assert "gold 1" in report.render() and "signals_observed 2" in report.render()


# -- outcome filters: exactly the expected examples ----------------------------------------------
@pytest.fixture
def sourced(pipeline: Pipeline) -> Pipeline:
    def add(case_id: str, day: int, user: str, **extra: Any) -> None:
        data = {"quality_score": 0.95, **extra}
        assert collect(pipeline, case_id, day, user, f"Answer to {case_id}: " + user[::-1], **data) in (
            "accepted", "pending")

    add("codex_tested", 1, TIMEZONE, signals=["tests_passed"], metadata={"source": {"format": "codex"}})
    add("codex_plain", 2, REGEX, metadata={"source": {"format": "codex"}, "human_approved": True})
    add("claude_tested", 3, SORT, signals=["tests_passed", "user_accepted"],
        metadata={"source": {"format": "claude-code"}, "human_approved": True})
    add("typed_in", 4, LOOP)
    return pipeline


def _users(path: Path) -> set[str]:
    return {next(m["content"] for m in r["messages"] if m["role"] == "user") for r in lines(path)}


@pytest.mark.parametrize(("args", "expected"), [
    ([], {TIMEZONE, REGEX, SORT, LOOP}),
    (["--require-signal", "tests_passed"], {TIMEZONE, SORT}),
    (["--signal", "tests_passed", "--require-signal", "user_accepted"], {SORT}),
    (["--source", "codex"], {TIMEZONE, REGEX}),
    (["--source", "codex", "--source", "claude-code"], {TIMEZONE, REGEX, SORT}),
    (["--approved-only"], {REGEX, SORT}),
    (["--approved-only", "--source", "codex"], {REGEX}),
    (["--min-quality", "0.96"], set()),
])
def test_cli_outcome_filters_export_exactly_the_expected_examples(
    sourced: Pipeline, finetune_home: Path, tmp_path: Path, args: list[str], expected: set[str]
) -> None:
    out = tmp_path / "o.jsonl"
    # pending too, so that --approved-only has unapproved examples to leave out
    result = run_cli("export", "--output", str(out), "--status", "accepted", "--status", "pending", *args,
                     env={"FINETUNE_HOME": str(finetune_home)})
    if not expected:
        assert result.returncode == 1 and "min_quality 0.96 matched 0" in result.stderr
        return
    assert result.returncode == 0, result.stderr
    assert _users(out) == expected


def _formats(report: Any) -> list[dict[str, Any]]:
    return [f.model_dump() for f in report.formats]


def test_readiness_memos_give_the_full_check_and_follow_writes(pipeline: Pipeline, config: Config) -> None:
    """Readiness keeps each example's outcome in the store per document revision: the memo path
    must give exactly what the full check gives, before and after writes, and a user_rejected
    example (which links examples to each other) sends it back to the full check."""
    from finetune_collection.export.portability import check

    collect(pipeline, "sort_good", 8, SORT, "rows.sort(key=lambda r: r['b']); "
            "rows.sort(key=lambda r: r['a'], reverse=True)", **APPROVED,
            rejected=[{"assistant": "sorted(rows)", "reason": "dicts do not compare"}])
    collect(pipeline, "loop", 10, LOOP, "Use aiohttp, or asyncio.to_thread.", **APPROVED)
    store = pipeline.store
    full = check(store, config, ExportRequest())
    assert _formats(check(store, config, ExportRequest(), memo="t")) == _formats(full)
    assert full.matched == 2
    collect(pipeline, "regex_good", 6, REGEX, "Use a date parser for the leap-year rule.", **APPROVED)
    again = check(store, config, ExportRequest(), memo="t")  # one new example read; two from memos
    assert again.matched == 3 and _formats(again) == _formats(check(store, config, ExportRequest()))
    with store.transaction():
        store.remove("loop")
    assert _formats(check(store, config, ExportRequest(), memo="t")) == _formats(check(store, config, ExportRequest()))
    collect(pipeline, "regex_bad", 7, REGEX, r"\d{4}-\d{2}-\d{2}", **REJECTED)
    memo = check(store, config, ExportRequest(), memo="t")
    by = {f.format: f.preference for f in memo.formats}
    assert by["trl-kto"]["label_false_unpaired"] == 1  # the full check ran: the negative is counted
    assert _formats(memo) == _formats(check(store, config, ExportRequest()))


def test_readiness_memos_pair_examples_as_the_full_check_does(corrected: Pipeline, config: Config) -> None:
    """With rejected answers in scope, the kept outcomes are corrected for what pairing changes
    (chosen examples' preference formats, the unpaired label rows): the same report as the full
    check, before and after a write that adds another pair."""
    from finetune_collection.export.portability import check

    store = corrected.store
    assert _formats(check(store, config, ExportRequest(), memo="t")) == _formats(check(store, config, ExportRequest()))
    collect(corrected, "loop_bad", 11, LOOP, "Call requests.get directly, it is fine.", **REJECTED)
    collect(corrected, "loop_good", 12, LOOP + " (asked again)", "Use httpx.AsyncClient, or "
            "asyncio.to_thread(requests.get, url).", **APPROVED)
    memo = check(store, config, ExportRequest(), memo="t")
    assert _formats(memo) == _formats(check(store, config, ExportRequest()))
    assert {f.format: f.preference for f in memo.formats}["openai-dpo"]["unpaired_rejected"] >= 2
