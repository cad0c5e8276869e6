"""Every real transcript in the held-out collection goes through the importers without a crash.

The files are third-party data (shared/transcripts/SOURCES.md): they are read where they are, at
test time, and never copied into this repository.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.claude_code import parse_session, read_session
from finetune_collection.capture.codex import read_rollout
from finetune_collection.capture.result import CaptureOptions, ImportResult
from finetune_collection.capture.training_files import read_training_file
from finetune_collection.model import ExampleIn

COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts"))
if not COLLECTION.is_dir():
    pytest.skip(f"the transcript collection is not at {COLLECTION} (set FINETUNE_TRANSCRIPTS)", allow_module_level=True)

CLAUDE = sorted((COLLECTION / "claude-code").glob("*.jsonl"))
CODEX = sorted((COLLECTION / "codex").glob("*.jsonl"))
TRAINING = {
    "hiyouga__LLaMA-Factory__glaive_toolcall_en_demo.json": ("sharegpt", 300),
    "hiyouga__LLaMA-Factory__mllm_demo.json": ("openai", 6),
    "hiyouga__LLaMA-Factory__reason_tool_use_demo_50.jsonl": ("openai", 50),
}
OPTIONS = [
    CaptureOptions(),
    CaptureOptions(
        whole_session=True, keep_reasoning=True, keep_compaction_summary=True, subagents="all", subagents_from_progress=True
    ),
    CaptureOptions(turns=3, keep_system_prompt=True),
]


def check(result: ImportResult) -> None:
    for example in result.examples:
        ExampleIn.model_validate(example)
        source = example["metadata"]["source"]
        first, last = source["lines"]
        assert 1 <= first <= last <= result.lines or source.get("parent")
    assert all(n >= 0 for n in result.skipped.values())


@pytest.mark.parametrize("path", CLAUDE, ids=lambda p: p.name)
@pytest.mark.parametrize("opts", OPTIONS, ids=["last", "whole", "turns3"])
def test_claude_code_files(path: Path, opts: CaptureOptions) -> None:
    check(read_session(path, opts))


@pytest.mark.parametrize("path", CODEX, ids=lambda p: p.name)
@pytest.mark.parametrize("opts", OPTIONS, ids=["last", "whole", "turns3"])
def test_codex_files(path: Path, opts: CaptureOptions) -> None:
    check(read_rollout(path, opts))


@pytest.mark.parametrize("name", sorted(TRAINING))
def test_training_files(name: str) -> None:
    fmt, count = TRAINING[name]
    result = read_training_file(COLLECTION / "sharegpt" / name, fmt)
    check(result)
    assert len(result.examples) == count


def test_known_facts_of_the_collection() -> None:
    """Facts SOURCES.md states about these files, checked through the importer."""
    cc = COLLECTION / "claude-code"
    # The truncated session ends with a tool_use that has no result: nothing is completed.
    cut = read_session(cc / "marot__spotter__8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl")
    assert cut.examples == [] and cut.skipped["compact_boundary"] == 1 and cut.skipped["progress"] == 670
    # 16 title lines at the top of session-9eda1058, all skipped as `summary`.
    assert read_session(cc / "codemie-ai__codemie-code__session-9eda1058.jsonl").skipped["summary"] == 16
    # The Desktop rollout has no user response items: its 3 prompts come from user_message events.
    desktop = read_rollout(
        COLLECTION / "codex" / "codemie-ai__codemie-code__rollout-2026-05-11T13-28-45-019e1695-0522-7c83-8b39-0dd379793f80.jsonl",
        CaptureOptions(whole_session=True),
    )
    users = [m for e in desktop.examples for m in e["messages"] if m["role"] == "user"]
    assert len(users) == 3 and desktop.skipped == {"session_meta": 1, "reasoning_encrypted": 16}
    # 13 input_image parts in the long localpush rollout are dropped with a note.
    long = read_rollout(COLLECTION / "codex" / "madshn__localpush__rollout-2026-02-23T12-54-34-019c8a59-e9dd-71f0-9ae3-4079fe9726a9.jsonl")
    assert long.skipped["image_block"] == 13


def test_subagent_from_the_rebuilt_upstream_layout(tmp_path: Path) -> None:
    """turn-2 and its sub-agent a485154, laid out as upstream had them (<session>/subagents/)."""
    cc = COLLECTION / "claude-code"
    session = tmp_path / "turn-2.jsonl"
    shutil.copy(cc / "codemie-ai__codemie-code__turn-2.jsonl", session)
    (tmp_path / "turn-2" / "subagents").mkdir(parents=True)
    shutil.copy(cc / "codemie-ai__codemie-code__agent-a485154.jsonl", tmp_path / "turn-2" / "subagents" / "agent-a485154.jsonl")
    result = read_session(session)
    check(result)
    assert [e["metadata"]["source"]["file"] for e in result.examples] == ["turn-2.jsonl", "agent-a485154.jsonl"]
    parent = result.examples[1]["metadata"]["source"]["parent"]
    assert parent["agent_id"] == "a485154" and parent["tool_call_id"].startswith("toolu_")


def test_subagent_rebuilt_from_progress_matches_its_file() -> None:
    """a7be2f0's own file and the copies in its parent hold the same calls, results and answer."""
    cc = COLLECTION / "claude-code"
    parent = read_session(
        cc / "marot__spotter__8463c716-a2ea-4c14-9efa-87158ebd9f20.jsonl",
        CaptureOptions(subagents="all", subagents_from_progress=True),
    )
    [rebuilt] = parent.examples  # the main session has no completed exchange
    own = read_session(cc / "marot__spotter__agent-a7be2f0.jsonl", CaptureOptions(whole_session=True)).examples[0]

    def calls_and_results(example: dict[str, Any]) -> tuple[list[Any], list[Any]]:
        calls = [c for m in example["messages"] for c in m.get("tool_calls", [])]
        return calls, [m for m in example["messages"] if m["role"] == "tool"]

    check(parent)
    assert calls_and_results(rebuilt) == calls_and_results(own)
    assert rebuilt["messages"][0] == own["messages"][0]
    assert rebuilt["messages"][-1] == own["messages"][-1]
    assert rebuilt["metadata"]["source"]["parent"]["agent_id"] == "a7be2f0"


@pytest.mark.parametrize("path", CLAUDE, ids=lambda p: p.name)
def test_every_tool_call_and_result_is_kept(path: Path) -> None:
    """Parallel calls branch the tree; none of them (nor their results) may fall off the chain."""
    data = path.read_bytes()
    session = parse_session(data, path.name, ImportResult())
    kept = {c.id for turn in session.stream for c in turn.calls}
    written = set()
    for line in data.splitlines():
        obj = json.loads(line)
        content = obj.get("message", {}).get("content") if obj.get("type") == "assistant" else None
        written |= {b["id"] for b in content or [] if isinstance(b, dict) and b.get("type") == "tool_use"}
    assert kept == written
    assert set(session.results) <= kept
