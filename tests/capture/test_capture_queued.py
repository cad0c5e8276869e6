"""Messages the user typed while the agent worked (`queue-operation` lines, TRANSCRIPTS.md §1)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.claude_code import read_session
from finetune_collection.capture.result import CaptureOptions
from finetune_collection.model import ExampleIn

COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts")) / "claude-code"
LOGGER = COLLECTION / "my-entourage__claude-logger__cf4d3219-b989-4b32-891e-b51d3c8bc858.jsonl"
ENV = {"isSidechain": False, "userType": "external", "cwd": "/home/alice/proj", "sessionId": "s1", "version": "2.1.38"}


def user(uuid: str, parent: str | None, content: Any) -> dict[str, Any]:
    return {**ENV, "type": "user", "uuid": uuid, "parentUuid": parent, "message": {"role": "user", "content": content}}


def assistant(uuid: str, parent: str, mid: str, block: dict[str, Any]) -> dict[str, Any]:
    return {**ENV, "type": "assistant", "uuid": uuid, "parentUuid": parent,
            "message": {"role": "assistant", "id": mid, "model": "claude-opus-4-6", "content": [block]}}


def queue(operation: str, content: str | None = None) -> dict[str, Any]:
    line = {"type": "queue-operation", "operation": operation, "timestamp": "2026-02-10T21:00:00Z", "sessionId": "s1"}
    return {**line, "content": content} if content is not None else line


def session(tmp_path: Path, *queue_lines: dict[str, Any], after: list[dict[str, Any]] | None = None) -> list[Any]:
    """A request, a tool call, queue lines while it runs, the result, the answer (and `after`)."""
    lines = [
        user("u1", None, "Write the CLAUDE.md file"),
        assistant("a1", "u1", "m1", {"type": "tool_use", "id": "t1", "name": "Write", "input": {"file_path": "CLAUDE.md"}}),
        *queue_lines,
        user("u2", "a1", [{"type": "tool_result", "tool_use_id": "t1", "content": "File created"}]),
        assistant("a2", "u2", "m2", {"type": "text", "text": "Created CLAUDE.md."}),
        *(after or []),
    ]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    result = read_session(path, CaptureOptions(whole_session=True))
    for example in result.examples:
        ExampleIn.model_validate(example)
    return [[(m["role"], m.get("content")) for m in e["messages"]] for e in result.examples]


BASE = [("user", "Write the CLAUDE.md file"), ("assistant", None), ("tool", "File created")]


def test_a_removed_queued_message_is_the_user_turn_it_was_for_the_model(tmp_path: Path) -> None:
    got = session(tmp_path, queue("enqueue", "also check the logger works"), queue("remove"))
    assert got == [[*BASE, ("user", "also check the logger works"), ("assistant", "Created CLAUDE.md.")]]


def test_a_dequeued_message_comes_back_as_a_user_line_and_is_not_doubled(tmp_path: Path) -> None:
    after = [user("u3", "a2", "also check the logger works"), assistant("a3", "u3", "m3", {"type": "text", "text": "It works."})]
    got = session(tmp_path, queue("enqueue", "also check the logger works"), queue("dequeue"), after=after)
    assert got == [[*BASE, ("assistant", "Created CLAUDE.md."),  # two exchanges, packed into one example
                    ("user", "also check the logger works"), ("assistant", "It works.")]]


def test_messages_taken_back_or_not_typed_are_not_turns(tmp_path: Path) -> None:
    expected = [[*BASE, ("assistant", "Created CLAUDE.md.")]]
    assert session(tmp_path, queue("enqueue", "draft"), queue("popAll")) == expected
    notification = "<task-notification>\n<task-id>be613ab</task-id>\n</task-notification>"
    assert session(tmp_path, queue("enqueue", notification), queue("remove")) == expected


@pytest.mark.skipif(not LOGGER.is_file(), reason="the transcript collection is not here (FINETUNE_TRANSCRIPTS)")
def test_the_claude_logger_session_keeps_the_request_the_model_acted_on() -> None:
    """Queued at line 48, removed at line 51; at line 54 the assistant starts on it."""
    [example] = read_session(LOGGER).examples
    messages = example["messages"]
    users = [i for i, m in enumerate(messages) if m["role"] == "user"]
    assert len(users) == 2
    queued = messages[users[1]]
    assert queued["content"].startswith("I currently have a chat like this going.")
    assert messages[users[1] - 1]["role"] == "tool"  # after the Write call's result…
    assert messages[users[1] + 1]["content"].startswith("Created `")  # …before the answer that follows it
    assert any(str(m.get("content", "")).startswith("Let me check if the session data") for m in messages[users[1]:])
    assert example["metadata"]["source"]["queued_messages"] == 1
