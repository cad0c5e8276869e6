"""Claude Code sessions → messages, exactly, on hand-written fixtures in the shapes of TRANSCRIPTS.md §1."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture import locate
from finetune_collection.capture.claude_code import read_project, read_session
from finetune_collection.capture.locate import find_session, project_slug
from finetune_collection.capture.result import CaptureOptions, TranscriptError
from finetune_collection.model import ExampleIn

FIXTURES = Path(__file__).parent / "fixtures"
SID = "5e551011-0000-4000-8000-000000000001"
PROJECT = FIXTURES / "claude_projects" / "-home-alice-proj"
SESSION = PROJECT / f"{SID}.jsonl"


def messages(example: dict[str, Any]) -> list[dict[str, Any]]:
    ExampleIn.model_validate(example)
    return list(example["messages"])


def call(cid: str, name: str, arguments: str) -> dict[str, Any]:
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": arguments}}


TOOLS_EXCHANGE = [
    {"role": "user", "content": "List the Python files and count their lines."},
    {
        "role": "assistant",
        "content": "Let me look.",
        "tool_calls": [call("toolu_01", "Glob", '{"pattern": "*.py"}'), call("toolu_02", "Bash", '{"command": "wc -l *.py"}')],
    },
    {"role": "tool", "tool_call_id": "toolu_01", "content": "a.py\nb.py"},
    {"role": "tool", "tool_call_id": "toolu_02", "content": "[tool error] wc: permission denied"},
    {"role": "assistant", "content": "There are 2 Python files, a.py and b.py; I could not count their lines."},
]


def test_tool_calls_parallel_results_errors_and_meta_lines() -> None:
    result = read_session(FIXTURES / "claude_tools.jsonl")
    assert len(result.examples) == 1
    # One API response (msg_01: thinking, text, two tool_use lines with a progress line between)
    # is one assistant message; the Glob result sits on a sibling branch of the chain.
    assert messages(result.examples[0]) == TOOLS_EXCHANGE
    assert result.skipped == {
        "file-history-snapshot": 1,
        "progress": 2,
        "system": 1,
        "unknown_type": 1,
        "torn_last_line": 1,
        "incomplete_exchange": 1,  # "Now show me a.py": its Read call has no result yet
    }
    assert result.lines == 16
    assert result.notes == [
        "claude_tools.jsonl: line 16 is cut off (the file is still being written); skipped",
        "claude_tools.jsonl: unknown line type(s) skipped: mystery-line",
    ]


def test_provenance() -> None:
    source = read_session(FIXTURES / "claude_tools.jsonl").examples[0]["metadata"]["source"]
    assert source == {
        "format": "claude-code",
        "importer": "capture/2",
        "file": "claude_tools.jsonl",
        "lines": [3, 11],
        "exchanges": 1,
        "host": "claude-code",
        "session_id": SID,
        "host_version": "2.1.38",
        "cwd": "/home/alice/proj",
        "git_branch": "main",
        "model": "claude-opus-4-6",
        "started_at": "2026-02-10T21:00:14.000Z",
        "ended_at": "2026-02-10T21:01:10.000Z",
        "tools_used": ["Bash", "Glob"],
        "tool_errors": ["toolu_02"],
    }


def test_thinking_is_dropped_unless_asked_for() -> None:
    kept = read_session(FIXTURES / "claude_tools.jsonl", CaptureOptions(keep_reasoning=True))
    assistant = messages(kept.examples[0])[1]
    assert assistant["reasoning"] == "I should glob first, then count."
    assert all("reasoning" not in m for m in messages(read_session(FIXTURES / "claude_tools.jsonl").examples[0]))


BRANCHES_WHOLE = [
    {"role": "user", "content": "Write a haiku about snow."},  # the edited prompt; "rain" is a dead branch
    {"role": "assistant", "content": "Snow hushes the street"},
    {"role": "user", "content": "Review the haiku for its syllable count."},  # /review's isMeta expansion
    {"role": "assistant", "content": "5-7-5 holds."},
    # "Compare it with this picture." was interrupted: not a completed exchange, left out
    {"role": "user", "content": "Now one about wind."},  # after the compaction boundary
    {"role": "assistant", "content": "Wind bends the tall grass"},
]


def test_branches_commands_images_interrupts_and_compaction() -> None:
    result = read_session(FIXTURES / "claude_branches.jsonl", CaptureOptions(whole_session=True))
    assert len(result.examples) == 1
    assert messages(result.examples[0]) == BRANCHES_WHOLE
    assert result.examples[0]["metadata"]["source"]["lines"] == [3, 19]
    assert result.examples[0]["metadata"]["source"]["exchanges"] == 3
    assert result.skipped == {
        "off_branch": 2,
        "meta": 1,
        "local_command": 2,
        "synthetic": 1,
        "interrupted": 1,
        "compact_boundary": 1,
        "compact_summary": 1,
        "image_block": 1,
        "incomplete_exchange": 1,
    }
    assert result.notes == ["claude_branches.jsonl: 1 image block(s) dropped (the chat formats carry text only)"]


def test_last_exchange_by_default_and_the_compaction_summary_as_context() -> None:
    plain = read_session(FIXTURES / "claude_branches.jsonl")
    assert messages(plain.examples[0]) == BRANCHES_WHOLE[-2:]
    kept = read_session(FIXTURES / "claude_branches.jsonl", CaptureOptions(keep_compaction_summary=True))
    assert messages(kept.examples[0]) == [
        {
            "role": "system",
            "content": "This session is being continued from a previous conversation. Summary: two haikus were written.",
        },
        *BRANCHES_WHOLE[-2:],
    ]
    # An example that starts before the compaction has the verbatim history: no summary added.
    whole = read_session(FIXTURES / "claude_branches.jsonl", CaptureOptions(whole_session=True, keep_compaction_summary=True))
    assert messages(whole.examples[0]) == BRANCHES_WHOLE


@pytest.mark.parametrize(
    ("opts", "expected"),
    [
        (CaptureOptions(turns=1), BRANCHES_WHOLE[4:]),
        (CaptureOptions(turns=2), BRANCHES_WHOLE[2:]),
        (CaptureOptions(turns=10), BRANCHES_WHOLE),
        (CaptureOptions(since_prompt="review  the HAIKU"), BRANCHES_WHOLE[2:]),
        (CaptureOptions(since_prompt="snow"), BRANCHES_WHOLE),
    ],
)
def test_selection_options(opts: CaptureOptions, expected: list[dict[str, Any]]) -> None:
    result = read_session(FIXTURES / "claude_branches.jsonl", opts)
    assert [messages(e) for e in result.examples] == [expected]


def test_a_long_selection_splits_at_user_requests() -> None:
    result = read_session(FIXTURES / "claude_branches.jsonl", CaptureOptions(whole_session=True, max_chars=60))
    assert [messages(e) for e in result.examples] == [BRANCHES_WHOLE[0:2], BRANCHES_WHOLE[2:4], BRANCHES_WHOLE[4:6]]
    assert [e["metadata"]["source"]["part"] for e in result.examples] == [[1, 3], [2, 3], [3, 3]]
    # Never inside an exchange: the tool calls and their results stay together however small the budget.
    tools = read_session(FIXTURES / "claude_tools.jsonl", CaptureOptions(whole_session=True, max_chars=1))
    assert [messages(e) for e in tools.examples] == [TOOLS_EXCHANGE]
    assert "claude_tools.jsonl: the exchange at lines 3-11 is longer than max_chars; kept whole" in tools.notes


def test_the_capture_trigger_itself_is_not_an_exchange() -> None:
    opts = CaptureOptions(ignore_request=lambda text: "wind" in text)
    result = read_session(FIXTURES / "claude_branches.jsonl", opts)
    assert messages(result.examples[0]) == BRANCHES_WHOLE[2:4]


def test_since_prompt_not_found_names_no_text() -> None:
    with pytest.raises(TranscriptError) as err:
        read_session(FIXTURES / "claude_branches.jsonl", CaptureOptions(since_prompt="zebra-crossing"))
    assert "zebra" not in str(err.value)
    assert "claude_branches.jsonl" in str(err.value)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"turns": 0},
        {"turns": 2, "whole_session": True},
        {"since_prompt": "x", "turns": 1},
        {"since_prompt": "  "},
        {"max_chars": 0},
        {"subagents": "every"},
    ],
)
def test_bad_options(kwargs: dict[str, Any]) -> None:
    with pytest.raises(TranscriptError):
        CaptureOptions(**kwargs)


def test_subagents_linked_all_and_none() -> None:
    linked = read_session(SESSION)
    assert [messages(e) for e in linked.examples] == [
        [
            {"role": "user", "content": "Find where the config is loaded."},
            {
                "role": "assistant",
                "tool_calls": [
                    call(
                        "toolu_t1",
                        "Task",
                        '{"description": "find config", "prompt": "Search for where the config is loaded.", "subagent_type": "Explore"}',
                    )
                ],
            },
            {"role": "tool", "tool_call_id": "toolu_t1", "content": "Config is loaded in config.py."},
            {"role": "assistant", "content": "The config is loaded by load() in config.py."},
        ],
        [
            {"role": "user", "content": "Search for where the config is loaded."},
            {"role": "assistant", "tool_calls": [call("toolu_s1", "Grep", '{"pattern": "def load"}')]},
            {"role": "tool", "tool_call_id": "toolu_s1", "content": "config.py:10:def load():"},
            {"role": "assistant", "content": "Config is loaded in config.py."},
        ],
    ]
    main, sub = (e["metadata"]["source"] for e in linked.examples)
    assert main["subagents"] == [{"agent_id": "a1b2c3d", "tool_call_id": "toolu_t1"}]
    assert sub["parent"] == {"session_id": SID, "agent_id": "a1b2c3d", "tool_call_id": "toolu_t1"}
    assert (sub["agent_id"], sub["model"], sub["file"]) == ("a1b2c3d", "claude-haiku-4-5-20251001", "agent-a1b2c3d.jsonl")

    every = read_session(SESSION, CaptureOptions(subagents="all"))
    # The 2.0.x warmup beside the session belongs to it (same sessionId); agent-0e0e0e0e does not.
    assert [e["metadata"]["source"]["file"] for e in every.examples] == [
        f"{SID}.jsonl",
        "agent-a1b2c3d.jsonl",
        "agent-0f0f0f0f.jsonl",
    ]
    assert every.examples[2]["metadata"]["source"]["parent"] == {"session_id": SID, "agent_id": "0f0f0f0f"}
    assert len(read_session(SESSION, CaptureOptions(subagents="none")).examples) == 1


def test_missing_subagent_file_is_rebuilt_from_agent_progress(tmp_path: Path) -> None:
    shutil.copy(SESSION, tmp_path / SESSION.name)
    from_file = read_session(SESSION)
    not_asked = read_session(tmp_path / SESSION.name)
    assert len(not_asked.examples) == 1
    assert not_asked.notes == [f"{SID}.jsonl: the file of sub-agent a1b2c3d was not found; not imported"]
    rebuilt = read_session(tmp_path / SESSION.name, CaptureOptions(subagents_from_progress=True))
    # The copies hold the prompt, the calls and the results; the final answer is the Task result.
    assert [messages(e) for e in rebuilt.examples] == [messages(e) for e in from_file.examples]
    source = rebuilt.examples[1]["metadata"]["source"]
    assert (source["file"], source["lines"], source["rebuilt_from"]) == (SESSION.name, [3, 6], "agent_progress")
    assert source["parent"] == {"session_id": SID, "agent_id": "a1b2c3d", "tool_call_id": "toolu_t1"}
    assert rebuilt.notes == [f"{SID}.jsonl: sub-agent a1b2c3d rebuilt from its agent_progress lines (no text between tool calls)"]
    assert rebuilt.skipped == {"progress": 3}  # the copies are counted once, as the parent's lines


def test_missing_subagent_without_copies_is_a_note(tmp_path: Path) -> None:
    lines = SESSION.read_text(encoding="utf-8").splitlines(keepends=True)
    path = tmp_path / SESSION.name
    path.write_text("".join(ln for ln in lines if '"agent_progress"' not in ln).replace('"parentUuid":"p-03-2"', '"parentUuid":"a-02"'))
    result = read_session(path, CaptureOptions(subagents_from_progress=True))
    assert len(result.examples) == 1
    assert result.notes == [f"{SID}.jsonl: the file of sub-agent a1b2c3d was not found; not imported"]


def test_read_project_reads_sessions_not_agent_files() -> None:
    result = read_project(PROJECT)
    assert [e["metadata"]["source"]["file"] for e in result.examples] == [f"{SID}.jsonl", "agent-a1b2c3d.jsonl"]


def test_find_session_by_id_latest_cwd_and_config_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = FIXTURES / "claude_projects"
    assert find_session(SID, root=root) == SESSION
    assert find_session(root=root) == SESSION
    assert find_session(SID, root=root, cwd="/home/alice/proj") == SESSION
    with pytest.raises(TranscriptError, match="no session with that id under"):
        find_session("0000", root=root)
    with pytest.raises(TranscriptError, match="session id"):
        find_session("../etc/passwd", root=root)
    config = tmp_path / "claude"
    shutil.copytree(root, config / "projects")
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(config))
    assert find_session(SID) == config / "projects" / "-home-alice-proj" / SESSION.name
    assert locate.projects_root() == config / "projects"
    monkeypatch.delenv("CLAUDE_CONFIG_DIR")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert locate.projects_root() == tmp_path / ".claude" / "projects"


def test_project_slug() -> None:
    assert project_slug("/tmp/private") == "-tmp-private"
    assert project_slug("/home/alice/my.proj_x") == "-home-alice-my-proj-x"


def test_broken_lines_are_counted_by_number_never_quoted(tmp_path: Path) -> None:
    lines = (FIXTURES / "claude_tools.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    broken = lines[:5] + ['{"secret": "SECRET-TEXT-42", oops\n', "[1, 2]\n"] + lines[5:15]
    path = tmp_path / "s.jsonl"
    path.write_text("".join(broken), encoding="utf-8")
    result = read_session(path)
    assert messages(result.examples[0]) == TOOLS_EXCHANGE
    assert result.skipped["invalid_json"] == 1 and result.skipped["not_an_object"] == 1
    assert "s.jsonl: line(s) 6, 7 are not JSON objects; skipped" in result.notes
    assert not any("SECRET" in note for note in result.notes)
    assert "SECRET" not in " ".join(read_session(FIXTURES / "claude_tools.jsonl").notes)


def test_unreadable_file() -> None:
    with pytest.raises(TranscriptError, match="cannot be read"):
        read_session(FIXTURES / "nope.jsonl")


def test_a_file_that_is_not_a_session_gives_no_example(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text('{"type": "summary", "summary": "t", "leafUuid": "u"}\n', encoding="utf-8")
    result = read_session(path)
    assert result.examples == [] and result.skipped == {"summary": 1}
    assert result.notes == ["x.jsonl: no completed exchange to import"]


def test_a_result_without_its_call_is_counted(tmp_path: Path) -> None:
    lines = (FIXTURES / "claude_tools.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)
    # Drop the Glob tool_use line (6): its result (line 9, a sibling of the chain) answers nothing.
    path = tmp_path / "s.jsonl"
    path.write_text("".join(lines[:5] + lines[6:15]).replace('"parentUuid":"a-06"', '"parentUuid":"a-05"'), encoding="utf-8")
    result = read_session(path)
    assert result.skipped["orphan_tool_result"] == 1
    assert [m.get("tool_call_id") for m in messages(result.examples[0])] == [None, None, "toolu_02", None]


def test_public_names_resolve() -> None:
    import finetune_collection.capture as capture

    for name in capture.__all__:
        assert getattr(capture, name) is not None, name
    with pytest.raises(AttributeError):
        capture.no_such_name  # noqa: B018


def test_a_parallel_tool_use_on_a_side_branch_stays_in_its_response() -> None:
    """The second tool_use of one response can hang off the chain through progress lines, with
    its result below it; the leaf's ancestors pass through the first call only."""
    result = read_session(FIXTURES / "claude_parallel.jsonl")
    assert messages(result.examples[0]) == [
        {"role": "user", "content": "Read both files."},
        {
            "role": "assistant",
            "content": "Reading both.",
            "tool_calls": [call("toolu_pa", "Read", '{"file_path": "a.py"}'), call("toolu_pb", "Read", '{"file_path": "b.py"}')],
        },
        {"role": "tool", "tool_call_id": "toolu_pa", "content": "A"},
        {"role": "tool", "tool_call_id": "toolu_pb", "content": "B"},
        {"role": "assistant", "content": "a.py holds A and b.py holds B."},
    ]
    assert result.skipped == {"progress": 2}
