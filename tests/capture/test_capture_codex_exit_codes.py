"""Codex calls that failed are tool errors, whichever way the rollout says so (TRANSCRIPTS.md §2)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.codex import read_rollout
from finetune_collection.capture.exchange import TOOL_ERROR_PREFIX
from finetune_collection.capture.result import CaptureOptions

COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts")) / "codex"


def rollout(path: Path, outputs: list[tuple[Any, dict[str, Any] | None]]) -> Path:
    """One request, one exec_command call per output (with its exec_command_end event if given), an answer."""
    lines: list[dict[str, Any]] = [
        {"type": "session_meta", "payload": {"id": "s1", "cli_version": "0.128.0"}},
        {"type": "event_msg", "payload": {"type": "user_message", "message": "Run the checks."}},
    ]
    for n, (output, end) in enumerate(outputs):
        cid = f"call_{n}"
        lines.append({"type": "response_item", "payload": {"type": "function_call", "name": "exec_command",
                                                            "arguments": "{}", "call_id": cid}})
        if end is not None:
            lines.append({"type": "event_msg", "payload": {"type": "exec_command_end", "call_id": cid, **end}})
        lines.append({"type": "response_item", "payload": {"type": "function_call_output", "call_id": cid,
                                                            "output": output}})
    lines.append({"type": "response_item", "payload": {"type": "message", "role": "assistant",
                                                        "content": [{"type": "output_text", "text": "Done."}]}})
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def tool_messages(path: Path) -> tuple[list[str], list[str]]:
    [example] = read_rollout(path).examples
    source = example["metadata"]["source"]
    return [m["content"] for m in example["messages"] if m["role"] == "tool"], source.get("tool_errors", [])


HEADER = "Chunk ID: a642fa\nWall time: 0.0000 seconds\nProcess exited with code {}\nOriginal token count: 0\nOutput:\n"


def test_exit_code_in_the_exec_header(tmp_path: Path) -> None:
    failed, ok = HEADER.format(1) + "boom", HEADER.format(0) + "fine"
    contents, errors = tool_messages(rollout(tmp_path / "r.jsonl", [(failed, None), (ok, None)]))
    assert contents == [TOOL_ERROR_PREFIX + failed, ok]
    assert errors == ["call_0"]


def test_exit_code_from_exec_command_end_before_or_after_the_output(tmp_path: Path) -> None:
    path = rollout(tmp_path / "r.jsonl", [("1 failed", {"exit_code": 2}), ("3 passed", {"exit_code": 0})])
    assert tool_messages(path) == ([TOOL_ERROR_PREFIX + "1 failed", "3 passed"], ["call_0"])
    # The event written after the output counts the same.
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[3], lines[4] = lines[4], lines[3]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert tool_messages(path) == ([TOOL_ERROR_PREFIX + "1 failed", "3 passed"], ["call_0"])


def test_exit_code_in_json_metadata(tmp_path: Path) -> None:
    failed = json.dumps({"output": "patch rejected", "metadata": {"exit_code": 1}})
    ok = json.dumps({"output": "Success.", "metadata": {"exit_code": 0}})
    assert tool_messages(rollout(tmp_path / "r.jsonl", [(failed, None), (ok, None)])) == (
        [TOOL_ERROR_PREFIX + failed, ok], ["call_0"])


def test_a_command_still_running_is_not_its_later_failure(tmp_path: Path) -> None:
    """The exit code of a command that outlived its call arrives with a later poll, which says it."""
    running = "Chunk ID: 5a0c8d\nWall time: 1.0041 seconds\nProcess running with session ID 59181\nOutput:\n"
    contents, errors = tool_messages(rollout(tmp_path / "r.jsonl", [(running, {"exit_code": 2})]))
    assert (contents, errors) == ([running], [])


@pytest.mark.skipif(not COLLECTION.is_dir(), reason="the transcript collection is not here (FINETUNE_TRANSCRIPTS)")
def test_the_failed_commands_of_the_real_rollouts_are_flagged() -> None:
    """Five outputs in the collection say `Process exited with code 1` or `2`; all five are errors."""
    flagged, failed = 0, 0
    for path in sorted(COLLECTION.glob("*.jsonl")):
        for example in read_rollout(path, CaptureOptions(whole_session=True)).examples:
            tools = [m for m in example["messages"] if m["role"] == "tool"]
            failed += sum("Process exited with code 0" not in m["content"] and "Process exited with code" in
                          m["content"][:120] for m in tools)
            flagged += sum(m["content"].startswith(TOOL_ERROR_PREFIX) for m in tools)
            assert len(example["metadata"]["source"].get("tool_errors", [])) == sum(
                m["content"].startswith(TOOL_ERROR_PREFIX) for m in tools)
    assert failed == flagged == 5
