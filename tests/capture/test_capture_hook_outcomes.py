"""What a capture through the hook or `/finetune add` stores and says: dropped images named, one
capture per request, the host told by the transcript's content, custom triggers left out."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT, finetune_cmd
from finetune_collection.capture.locate import project_slug
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.ingest import Overrides, capture_last
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

SESSION = "5e551011-0000-4000-8000-0000000000a1"
CWD = "/home/alice/proj"
CODEX_FIXTURE = Path(__file__).parent / "fixtures" / "codex_rollout.jsonl"


def line(kind: str, uuid: str, parent: str | None, content: Any, **extra: Any) -> dict[str, Any]:
    message: dict[str, Any] = {"role": kind, "content": content}
    if kind == "assistant":
        message.update(model="claude-opus-4-6", id=f"msg_{uuid}", type="message")
    return {"parentUuid": parent, "isSidechain": False, "userType": "external", "cwd": CWD, "sessionId": SESSION,
            "version": "2.1.38", "gitBranch": "main", "type": kind, "message": message, "uuid": uuid,
            "timestamp": "2026-02-10T21:00:00.000Z", **extra}


def write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def screenshot_session(path: Path) -> Path:
    image = {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}}
    return write(path, [
        line("user", "u1", None, [{"type": "text", "text": "What is wrong in this screenshot?"}, image]),
        line("assistant", "a1", "u1", [{"type": "text", "text": "The submit button overlaps the footer."}]),
    ])


def two_exchanges(path: Path, second_request: str) -> Path:
    return write(path, [
        line("user", "u1", None, "Rename the loader to read_config"),
        line("assistant", "a1", "u1", [{"type": "text", "text": "Renamed it in loader.py and its two callers."}]),
        line("user", "u2", "a1", second_request),
        line("assistant", "a2", "u2", [{"type": "text", "text": "Noted."}]),
    ])


def hook(path: Path, prompt: str, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    data = {"session_id": SESSION, "transcript_path": str(path), "cwd": CWD, "hook_event_name": "UserPromptSubmit",
            "prompt": prompt}
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    return subprocess.run([*finetune_cmd(), "capture", "--hook", *args], input=json.dumps(data),
                          capture_output=True, text=True, env=env, timeout=120)


def context(proc: subprocess.CompletedProcess[str]) -> str:
    assert proc.returncode == 0, proc.stderr
    return str(json.loads(proc.stdout)["hookSpecificOutput"]["additionalContext"])


def stored(home: Path) -> list[dict[str, Any]]:
    return list(Store(home, Config()).docs())


def test_the_hook_says_an_image_was_dropped_and_provenance_counts_it(finetune_home: Path, tmp_path: Path) -> None:
    note = context(hook(screenshot_session(tmp_path / "s.jsonl"), "save this for training", finetune_home))
    assert "1 image(s)" in note and "text only" in note
    [doc] = stored(finetune_home)
    assert doc["metadata"]["source"]["images_dropped"] == 1
    assert doc["messages"][0] == {"role": "user", "content": "What is wrong in this screenshot?"}


def test_the_mcp_capture_path_says_so_too(pipeline: Pipeline, tmp_path: Path) -> None:
    """`collect_example(from_transcript=true)` returns capture_last's result to the model."""
    result = capture_last(pipeline, screenshot_session(tmp_path / "s.jsonl"), "claude-code", Overrides()).result
    assert result.id is not None and "1 image(s)" in result.message


def test_an_exchange_without_images_has_no_marker(pipeline: Pipeline, tmp_path: Path) -> None:
    path = two_exchanges(tmp_path / "s.jsonl", "thanks")
    result = capture_last(pipeline, path, None, Overrides()).result
    assert "image" not in result.message
    assert "images_dropped" not in pipeline.store.get_doc(str(result.id))["metadata"]["source"]


def test_finetune_add_after_the_hook_captured_it_stores_nothing_twice(
    finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`/finetune add` fires the hook (it captures), then the skill runs `finetune add --from-transcript`."""
    project = tmp_path / "proj"
    project.mkdir()
    transcript = two_exchanges(tmp_path / "claude" / "projects" / project_slug(str(project)) / f"{SESSION}.jsonl",
                               "Now add a test for it")
    lines = [json.loads(x) for x in transcript.read_text(encoding="utf-8").splitlines()][:2]
    write(transcript, lines)  # the session as the hook sees it: the first exchange, completed
    note = context(hook(transcript, "/finetune add --quality high", finetune_home))
    assert "captured the last exchange verbatim" in note
    [doc] = stored(finetune_home)
    # What Claude Code writes next: the command, its expansion, the Bash call running the CLI.
    command = "<command-name>/finetune</command-name>\n<command-args>add --quality high</command-args>"
    write(transcript, [*lines,
                       line("user", "c1", "a1", command),
                       line("user", "c2", "c1", "Run this command with the Bash tool…", isMeta=True),
                       line("assistant", "c3", "c2", [{"type": "tool_use", "id": "toolu_9", "name": "Bash",
                                                       "input": {"command": "finetune add --from-transcript"}}])])
    monkeypatch.chdir(project)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    out = CliRunner().invoke(cli, ["add", "--from-transcript", "--quality", "high"])
    assert out.exit_code == 0, out.output
    assert f"already captured as {doc['id']} (accepted); nothing stored again" in out.output
    assert "duplicate" not in out.output
    assert [d["id"] for d in stored(finetune_home)] == [doc["id"]]


def test_the_hook_asked_twice_says_it_has_it_already(finetune_home: Path, tmp_path: Path) -> None:
    path = two_exchanges(tmp_path / "s.jsonl", "thanks")
    first = context(hook(path, "save this for training", finetune_home))
    again = context(hook(path, "save this for training", finetune_home))
    [doc] = stored(finetune_home)
    assert doc["id"] in first
    assert again == f"finetune-collection: the last exchange was already captured as {doc['id']} (accepted); " \
                    "nothing stored again."


def test_a_codex_rollout_is_known_by_its_content_not_its_name(finetune_home: Path, tmp_path: Path) -> None:
    renamed = tmp_path / "session.jsonl"
    shutil.copy(CODEX_FIXTURE, renamed)
    note = context(hook(renamed, "save this for training", finetune_home))
    assert "captured the last exchange verbatim" in note, note
    [doc] = stored(finetune_home)
    assert doc["metadata"]["source"]["format"] == "codex"


def test_a_claude_session_named_like_a_rollout_is_still_claude_code(finetune_home: Path, tmp_path: Path) -> None:
    path = two_exchanges(tmp_path / "rollout-2026-05-11T11-26-55-abc.jsonl", "thanks")
    context(hook(path, "save this for training", finetune_home))
    [doc] = stored(finetune_home)
    assert doc["metadata"]["source"]["format"] == "claude-code"


def test_a_custom_trigger_is_left_out_like_the_built_in_ones(finetune_home: Path, tmp_path: Path) -> None:
    """An earlier "ship it to the dataset" that got an answer is not the exchange to capture."""
    path = two_exchanges(tmp_path / "s.jsonl", "ship it to the dataset")
    context(hook(path, "ship it to the dataset", finetune_home, "--trigger", "ship it to the dataset"))
    [doc] = stored(finetune_home)
    assert [m["content"] for m in doc["messages"]] == [
        "Rename the loader to read_config", "Renamed it in loader.py and its two callers."]
