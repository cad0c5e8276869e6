"""What capture says when it finds nothing: the folder it searched (ours), never the caller's id
or the transcript name a hook was given."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from finetune_collection.capture.locate import find_rollout, find_session
from finetune_collection.cli import cli
from finetune_collection.cli.collect import run_hook
from finetune_collection.errors import TranscriptError
from transcript_helpers import SESSION, transcript

TOKEN = "ghp_9382dffx1kVZQ2tqMnMcLRkBOzZU3G8xI7CG"
FIXTURES = Path(__file__).parent / "fixtures"


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


def test_a_codex_folder_without_rollout_names_says_which_files_are_read(
    finetune_home: Path, tmp_path: Path
) -> None:
    folder = tmp_path / "codex"
    folder.mkdir()
    shutil.copy(FIXTURES / "codex_rollout.jsonl", folder / "renamed.jsonl")
    result = CliRunner().invoke(cli, ["import", "--from", "codex", str(folder)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("imported from 0 file(s), 0 line(s): nothing")
    assert "the folder given holds no Codex rollouts: only files named rollout-*.jsonl are read" in result.stderr
    shutil.move(folder / "renamed.jsonl", folder / "rollout-2026-01-01T00-00-00-abc.jsonl")
    again = CliRunner().invoke(cli, ["import", "--from", "codex", str(folder), "--dry-run"])
    assert again.stdout.startswith("would import from 1 file(s), ") and "holds no" not in again.stderr


def test_a_claude_code_folder_counts_its_sessions(finetune_home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "-home-alice-proj"
    folder.mkdir()
    for n in range(14):
        transcript(folder / f"5e551011-0000-4000-8000-0000000000{n:02d}.jsonl")
    result = CliRunner().invoke(cli, ["import", "--from", "claude-code", str(folder), "--dry-run"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("would import from 14 file(s), ")
    empty = tmp_path / "projects"
    empty.mkdir()
    none = CliRunner().invoke(cli, ["import", "--from", "claude-code", str(empty), "--dry-run"])
    assert none.stdout.startswith("would import from 0 file(s)")
    assert "holds no session files (*.jsonl) directly inside: give a project folder" in none.stderr


def test_the_hook_note_explains_an_approved_capture_under_the_threshold(
    finetune_home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    raw = json.dumps({"session_id": SESSION, "transcript_path": str(transcript(tmp_path / "s.jsonl")),
                      "hook_event_name": "UserPromptSubmit", "prompt": "save this for training"})
    assert run_hook(raw, ["save this for training"]) == 0
    note = json.loads(capsys.readouterr().out)["hookSpecificOutput"]["additionalContext"]
    # The transcript shows no positive signal: its computed score is under 0.9, and the capture,
    # asked for by the user, is their approval.
    assert ": accepted as ex_" in note and "below_min_quality" not in note
    assert "under min_quality_score, but you asked for this capture, which counts as your approval" in note
