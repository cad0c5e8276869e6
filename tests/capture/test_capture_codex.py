"""Codex rollouts → messages, exactly, on hand-written fixtures in the shapes of TRANSCRIPTS.md §2."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.codex import read_rollout
from finetune_collection.capture.locate import find_rollout
from finetune_collection.capture.result import CaptureOptions, TranscriptError
from finetune_collection.model import ExampleIn

FIXTURES = Path(__file__).parent / "fixtures"
ROLLOUT = FIXTURES / "codex_rollout.jsonl"


def messages(example: dict[str, Any]) -> list[dict[str, Any]]:
    ExampleIn.model_validate(example)
    return list(example["messages"])


def call(cid: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": arguments}}


EXCHANGE = [
    {"role": "user", "content": "Run the tests and fix what fails."},
    {"role": "assistant", "content": "Running the tests.", "tool_calls": [call("call_a", "exec_command", '{"cmd":"pytest -q"}')]},
    # exec_command_end says exit_code 1 for call_a: a failed command, flagged as Claude Code's are.
    {"role": "tool", "tool_call_id": "call_a", "content": "[tool error] 1 failed, 3 passed"},
    {
        "role": "assistant",
        "tool_calls": [
            call("call_b", "apply_patch", '{"input": "*** Begin Patch\\n*** Update File: a.py\\n-x\\n+y\\n*** End Patch"}')
        ],
    },
    {"role": "tool", "tool_call_id": "call_b", "content": '{"output":"Success. Updated a.py","metadata":{"exit_code":0}}'},
    {"role": "assistant", "tool_calls": [call("call_c", "exec_command", '{"cmd":"pytest -q tests/test_b.py"}')]},
    {"role": "tool", "tool_call_id": "call_c", "content": "[tool error] collection error"},
    {"role": "assistant", "content": "Fixed a.py; tests/test_b.py does not collect."},
]


def test_rollout_maps_to_messages() -> None:
    result = read_rollout(ROLLOUT)
    assert [messages(e) for e in result.examples] == [EXCHANGE]
    assert result.skipped == {
        "session_meta": 1,
        "turn_context": 1,
        "developer_message": 1,
        "user_item": 2,  # AGENTS.md/environment context and the prompt's duplicate of the user_message event
        "event_msg": 5,
        "reasoning_encrypted": 1,
        "web_search_call": 1,
        "compacted": 1,
        "unknown_type": 1,
        "image_block": 1,
        "torn_last_line": 1,
        "incomplete_exchange": 1,  # "now commit it": its call has no output yet
    }
    assert result.notes == [
        "codex_rollout.jsonl: line 27 is cut off (the file is still being written); skipped",
        "codex_rollout.jsonl: unknown line or item type(s) skipped: future_line",
        "codex_rollout.jsonl: 1 image(s) dropped (the chat formats carry text only)",
    ]
    assert not any("SECRET" in n for n in result.notes)


def test_provenance() -> None:
    source = read_rollout(ROLLOUT).examples[0]["metadata"]["source"]
    assert source == {
        "format": "codex",
        "importer": "capture/2",
        "file": "codex_rollout.jsonl",
        "lines": [7, 19],
        "exchanges": 1,
        "host": "codex",
        "session_id": "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0001",
        "host_version": "0.125.0",
        "originator": "codex-tui",
        "cwd": "/home/alice/proj",
        "git_branch": "main",
        "git_commit": "c8c252ac",
        "model": "gpt-5.5",
        "started_at": "2026-02-10T21:05:57.000Z",
        "ended_at": "2026-02-10T21:07:21.000Z",
        "tools_used": ["apply_patch", "exec_command"],
        "tool_errors": ["call_a", "call_c"],
        "images_dropped": 1,  # the request's screenshot
    }


def test_reasoning_summary_system_prompt_and_compaction_summary() -> None:
    opts = CaptureOptions(keep_reasoning=True, keep_system_prompt=True)
    got = messages(read_rollout(ROLLOUT, opts).examples[0])
    assert got[0] == {"role": "system", "content": "You are Codex, a coding agent."}
    assert got[1:3] == [EXCHANGE[0], {**EXCHANGE[1], "reasoning": "Run pytest first."}]
    # The compaction comes after the exchange, so its summary is no context for it.
    assert messages(read_rollout(ROLLOUT, CaptureOptions(keep_compaction_summary=True)).examples[0]) == EXCHANGE


def test_without_user_message_events_user_items_are_the_requests() -> None:
    result = read_rollout(FIXTURES / "codex_no_events.jsonl", CaptureOptions(whole_session=True))
    assert [messages(e) for e in result.examples] == [
        [{"role": "user", "content": "List the open TODOs."}, {"role": "assistant", "content": "There are none."}]
    ]
    # environment context skipped; "Summarise the README." was aborted, so it is incomplete.
    assert result.skipped == {"session_meta": 1, "user_context": 1, "interrupted": 1, "incomplete_exchange": 1}


def test_find_rollout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    day = tmp_path / "sessions" / "2026" / "05" / "11"
    day.mkdir(parents=True)
    older = day / "rollout-2026-05-11T08-00-00-0199aaaa-bbbb-7ccc-8ddd-eeeeffff0002.jsonl"
    newer = day / "rollout-2026-05-11T09-00-00-0199aaaa-bbbb-7ccc-8ddd-eeeeffff0001.jsonl"
    shutil.copy(FIXTURES / "codex_no_events.jsonl", older)
    shutil.copy(ROLLOUT, newer)
    os.utime(older, (1_000_000, 1_000_000))
    assert find_rollout(root=tmp_path / "sessions") == newer
    assert find_rollout("0199aaaa-bbbb-7ccc-8ddd-eeeeffff0002", root=tmp_path / "sessions") == older
    monkeypatch.setenv("CODEX_HOME", str(tmp_path))
    assert find_rollout() == newer
    with pytest.raises(TranscriptError, match="no rollout with that session id under"):
        find_rollout("ffff")
    with pytest.raises(TranscriptError, match="session id"):
        find_rollout("*")


def test_older_shapes_local_shell_and_raw_reasoning(tmp_path: Path) -> None:
    items = [
        {"type": "session_meta", "payload": {"id": "s", "cli_version": "0.20.0"}},
        {"type": "response_item", "payload": {"type": "message", "role": "user", "content": [{"type": "input_text", "text": "List files."}]}},
        {"type": "response_item", "payload": {"type": "reasoning", "summary": [], "content": [{"type": "reasoning_text", "text": "Use ls."}]}},
        {
            "type": "response_item",
            "payload": {"type": "local_shell_call", "call_id": "c1", "status": "completed", "action": {"type": "exec", "command": ["ls"]}},
        },
        {"type": "response_item", "payload": {"type": "function_call_output", "call_id": "c1", "output": ""}},
        {"type": "response_item", "payload": {"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "Empty folder."}]}},
    ]
    path = tmp_path / "rollout-old.jsonl"
    path.write_text("".join(json.dumps(i) + "\n" for i in items), encoding="utf-8")
    result = read_rollout(path, CaptureOptions(keep_reasoning=True))
    assert messages(result.examples[0]) == [
        {"role": "user", "content": "List files."},
        {
            "role": "assistant",
            "tool_calls": [call("c1", "local_shell", '{"type": "exec", "command": ["ls"]}')],
            "reasoning": "Use ls.",
        },
        {"role": "tool", "tool_call_id": "c1", "content": "(no output)"},
        {"role": "assistant", "content": "Empty folder."},
    ]


def test_report_is_json_ready_and_holds_no_text() -> None:
    report = read_rollout(ROLLOUT).report()
    assert json.loads(json.dumps(report)) == report
    assert (report["examples"], report["lines"]) == (1, 27)
    assert list(report["skipped"]) == sorted(report["skipped"])
    assert "Run the tests" not in json.dumps(report)
