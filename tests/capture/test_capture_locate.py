"""Finding this folder's Claude Code session after the agent changed folder (`add --from-transcript`)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from finetune_collection.capture.locate import find_session, project_slug
from finetune_collection.capture.result import TranscriptError
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.store import Store


def session(root: Path, launched_in: str, name: str, worked_in: str | None = None, mtime: float = 2e9) -> Path:
    """A one-exchange session Claude Code filed under `launched_in`'s project folder; its lines
    record `worked_in` as their cwd (the agent's folder at that moment)."""
    cwd = worked_in or launched_in
    env = {"isSidechain": False, "userType": "external", "cwd": cwd, "sessionId": name, "version": "2.1.38"}
    lines = [
        {**env, "type": "user", "uuid": "u1", "parentUuid": None, "message": {"role": "user", "content": "List the files"}},
        {**env, "type": "assistant", "uuid": "a1", "parentUuid": "u1",
         "message": {"role": "assistant", "id": "m1", "model": "claude-opus-4-6",
                     "content": [{"type": "text", "text": "There are two: a.py and b.py."}]}},
    ]
    path = root / project_slug(launched_in) / f"{name}.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    os.utime(path, (mtime, mtime))
    return path


def test_from_a_subfolder_the_session_of_a_folder_above(tmp_path: Path) -> None:
    path = session(tmp_path, "/work/proj", "s1", worked_in="/work/proj/server/pkg")
    assert find_session(root=tmp_path, cwd="/work/proj/server/pkg") == path
    assert find_session(root=tmp_path, cwd="/work/proj/server") == path
    assert find_session("s1", root=tmp_path, cwd="/work/proj/server") == path


def test_from_anywhere_the_session_that_recorded_this_folder(tmp_path: Path) -> None:
    path = session(tmp_path, "/work/proj", "s1", worked_in="/tmp/scratch")
    assert find_session(root=tmp_path, cwd="/tmp/scratch") == path


def test_the_newest_matching_session_wins(tmp_path: Path) -> None:
    session(tmp_path, "/work/proj/server", "old", mtime=1e9)  # launched in the subfolder, yesterday
    newer = session(tmp_path, "/work/proj", "new", worked_in="/work/proj/server", mtime=2e9)
    session(tmp_path, "/work/other", "newest-elsewhere", mtime=3e9)  # another project: never this folder's
    assert find_session(root=tmp_path, cwd="/work/proj/server") == newer


def test_no_session_of_this_folder_is_an_error_naming_our_folder_only(tmp_path: Path) -> None:
    session(tmp_path, "/work/other", "s1")
    with pytest.raises(TranscriptError) as err:
        find_session(root=tmp_path, cwd="/work/proj/secret-name")
    assert str(tmp_path) in str(err.value) and "secret-name" not in str(err.value)


def test_finetune_add_from_transcript_in_a_subfolder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                     finetune_home: Path) -> None:
    project = tmp_path / "proj"
    (project / "server").mkdir(parents=True)
    session(tmp_path / "claude" / "projects", str(project), "s1", worked_in=str(project / "server"))
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    monkeypatch.chdir(project / "server")
    out = CliRunner().invoke(cli, ["add", "--from-transcript"])
    assert out.exit_code == 0, out.output
    assert "captured the last exchange verbatim" in out.output
    [doc] = Store(finetune_home, Config()).docs()
    assert doc["metadata"]["source"]["session_id"] == "s1"
