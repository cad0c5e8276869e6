"""A Claude Code session written in the shapes of ../shared/TRANSCRIPTS.md, for capture tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

SECRET = "sk-proj-" + "Zq8xT3vLm9Kp2Rw7Yb4Nc6Hd1Fj5Gs0A"
SESSION = "5e551011-0000-4000-8000-00000000beef"


def _line(kind: str, uuid: str, parent: str | None, message: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"parentUuid": parent, "isSidechain": False, "userType": "external", "cwd": "/home/alice/proj",
            "sessionId": SESSION, "version": "2.1.38", "gitBranch": "main", "type": kind, "message": message,
            "uuid": uuid, "timestamp": "2026-02-10T21:00:00.000Z", **extra}


def transcript(path: Path) -> Path:
    """A Claude Code session: a request, a tool call whose result holds a key and a home path,
    the answer, then the user's "save this for training"."""
    lines = [
        _line("user", "u1", None, {"role": "user", "content": "Check which key the service reads from .env"}),
        _line("assistant", "a1", "u1", {"model": "claude-opus-4-6", "id": "m1", "type": "message", "role": "assistant",
              "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "cat .env"}}],
              "stop_reason": "tool_use"}, requestId="r1"),
        _line("user", "u2", "a1", {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
              "content": f"OPENAI_API_KEY={SECRET}\nLOG_DIR=/home/alice/proj/logs"}]}),
        _line("assistant", "a2", "u2", {"model": "claude-opus-4-6", "id": "m2", "type": "message", "role": "assistant",
              "content": [{"type": "text", "text": "The service reads OPENAI_API_KEY from .env; rotate it."}],
              "stop_reason": "end_turn"}, requestId="r2"),
        _line("user", "u3", "a2", {"role": "user", "content": "save this for training"}),
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def session_with_test_run(path: Path, runner_output: str, answer: str = "All tests pass now.") -> Path:
    """A session whose one exchange runs the tests: the record, not the answer, says how it went."""
    lines = [
        _line("user", "u1", None, {"role": "user", "content": "Fix the parser and run the tests"}),
        _line("assistant", "a1", "u1", {"model": "claude-opus-4-6", "id": "m1", "type": "message", "role": "assistant",
              "content": [{"type": "tool_use", "id": "toolu_1", "name": "Bash", "input": {"command": "pytest -q"}}],
              "stop_reason": "tool_use"}, requestId="r1"),
        _line("user", "u2", "a1", {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_1",
              "content": runner_output}]}),
        _line("assistant", "a2", "u2", {"model": "claude-opus-4-6", "id": "m2", "type": "message", "role": "assistant",
              "content": [{"type": "text", "text": answer}], "stop_reason": "end_turn"}, requestId="r2"),
    ]
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path
