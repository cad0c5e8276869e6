"""A finished sub-agent is imported through its parent even when the parent's exchange is cut off."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from finetune_collection.capture.claude_code import read_session
from finetune_collection.capture.result import CaptureOptions
from finetune_collection.model import ExampleIn

COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts")) / "claude-code"
PARENT = "8463c716-a2ea-4c14-9efa-87158ebd9f20"
pytestmark = pytest.mark.skipif(not COLLECTION.is_dir(), reason="the transcript collection is not here")


def upstream_layout(tmp_path: Path) -> Path:
    """The truncated session and its sub-agent a7be2f0 as Claude Code ≥2.1 lays them out."""
    session = tmp_path / f"{PARENT}.jsonl"
    shutil.copy(COLLECTION / f"marot__spotter__{PARENT}.jsonl", session)
    (tmp_path / PARENT / "subagents").mkdir(parents=True)
    shutil.copy(COLLECTION / "marot__spotter__agent-a7be2f0.jsonl", tmp_path / PARENT / "subagents" / "agent-a7be2f0.jsonl")
    return session


@pytest.mark.parametrize("opts", [CaptureOptions(), CaptureOptions(whole_session=True), CaptureOptions(turns=2)])
def test_the_finished_subagent_of_a_truncated_session_is_imported(tmp_path: Path, opts: CaptureOptions) -> None:
    """The session's one exchange never completes (the file ends on a tool_use), but the Task call
    at line 947 got its completed result at line 988: a7be2f0's work is whole."""
    result = read_session(upstream_layout(tmp_path), opts)
    [sub] = result.examples
    ExampleIn.model_validate(sub)
    source = sub["metadata"]["source"]
    assert source["file"] == "agent-a7be2f0.jsonl"
    assert source["parent"] == {"session_id": PARENT, "agent_id": "a7be2f0",
                                "tool_call_id": "toolu_017SvvKc8KLbhGMG3tXkf21Z"}


def test_none_still_means_none(tmp_path: Path) -> None:
    assert read_session(upstream_layout(tmp_path), CaptureOptions(subagents="none")).examples == []
