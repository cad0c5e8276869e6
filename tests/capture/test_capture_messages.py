"""What capture says when it finds nothing: the folder it searched (ours), never the caller's id
or the transcript name a hook was given."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finetune_collection.capture.locate import find_rollout, find_session
from finetune_collection.cli import cli
from finetune_collection.cli.collect import run_hook
from finetune_collection.errors import TranscriptError

TOKEN = "ghp_9382dffx1kVZQ2tqMnMcLRkBOzZU3G8xI7CG"


def test_an_unknown_session_id_is_not_repeated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    projects = tmp_path / "claude" / "projects"
    (projects / "-home-alice-proj").mkdir(parents=True)
    with pytest.raises(TranscriptError) as err:
        find_session(TOKEN, root=projects)
    assert TOKEN not in str(err.value)
    assert f"no session with that id under {projects}" in str(err.value)
    with pytest.raises(TranscriptError) as err:
        find_rollout(TOKEN, root=tmp_path / "sessions")
    assert TOKEN not in str(err.value) and "no rollout with that session id under" in str(err.value)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    result = CliRunner().invoke(cli, ["import", "--from", "claude-code", "--session", TOKEN])
    assert result.exit_code == 1
    assert TOKEN not in result.output + result.stderr
    assert f"no session with that id under {projects}" in result.stderr


@pytest.mark.parametrize("content", [None, b"", b'{"type": "summary"}\n'])
def test_the_hook_note_never_repeats_the_transcript_name(
    finetune_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes | None
) -> None:
    path = tmp_path / f"{TOKEN}.jsonl"
    if content is not None:
        path.write_bytes(content)
    raw = json.dumps({"session_id": "s1", "transcript_path": str(path), "hook_event_name": "UserPromptSubmit",
                      "prompt": "save this for training"})
    assert run_hook(raw, ["save this for training"]) == 0
    out = capsys.readouterr()
    note = json.loads(out.out)["hookSpecificOutput"]["additionalContext"]
    assert note.startswith("finetune-collection: nothing captured: the transcript")
    assert TOKEN not in out.out + out.err
