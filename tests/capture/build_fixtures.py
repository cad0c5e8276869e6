"""Writes the hand-made transcript fixtures in tests/capture/fixtures/ (shapes from shared/TRANSCRIPTS.md).

Run `python tests/capture/build_fixtures.py` after changing a case; the tests pin the expected messages.
Timestamps come from one counter, so add new cases at the end to keep the existing files unchanged.
"""

from __future__ import annotations

import json
from pathlib import Path

FX = Path(__file__).parent / "fixtures"
SID = "5e551011-0000-4000-8000-000000000001"
ENV = {
    "isSidechain": False,
    "userType": "external",
    "cwd": "/home/alice/proj",
    "sessionId": SID,
    "version": "2.1.38",
    "gitBranch": "main",
}
T = iter(f"2026-02-10T{21 + s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}.000Z" for s in range(0, 7200, 7))


def line(obj):
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def user(uuid, parent, content, **kw):
    return {
        "parentUuid": parent,
        **ENV,
        "type": "user",
        "message": {"role": "user", "content": content},
        "uuid": uuid,
        "timestamp": next(T),
        **kw,
    }


def asst(uuid, parent, mid, block, model="claude-opus-4-6", stop=None, **kw):
    return {
        "parentUuid": parent,
        **ENV,
        "message": {
            "model": model,
            "id": mid,
            "type": "message",
            "role": "assistant",
            "content": [block],
            "stop_reason": stop,
            "stop_sequence": None,
            "usage": {"input_tokens": 3, "output_tokens": 10},
        },
        "requestId": "req_" + mid,
        "type": "assistant",
        "uuid": uuid,
        "timestamp": next(T),
        **kw,
    }


def progress(uuid, parent, data, tool="toolu_x"):
    return {
        "parentUuid": parent,
        **ENV,
        "type": "progress",
        "data": data,
        "toolUseID": tool,
        "parentToolUseID": tool,
        "uuid": uuid,
        "timestamp": next(T),
    }


def system(uuid, parent, subtype, **kw):
    return {
        "parentUuid": parent,
        **ENV,
        "type": "system",
        "subtype": subtype,
        "uuid": uuid,
        "timestamp": next(T),
        "level": "info",
        **kw,
    }


def write(name, objs, torn=None):
    p = FX / name
    p.parent.mkdir(parents=True, exist_ok=True)
    text = "".join(line(o) + "\n" for o in objs)
    if torn:
        text += torn
    p.write_text(text, encoding="utf-8")


# 1. tools, parallel results on a sibling branch, an error, thinking, meta lines, unknown type, torn last line
tools = [
    {
        "type": "file-history-snapshot",
        "messageId": "u-03",
        "snapshot": {"messageId": "u-03", "trackedFileBackups": {}, "timestamp": next(T)},
        "isSnapshotUpdate": False,
    },
    progress(
        "p-02",
        None,
        {
            "type": "hook_progress",
            "hookEvent": "SessionStart",
            "hookName": "SessionStart:startup",
            "command": "echo hi",
        },
    ),
    user("u-03", "p-02", "List the Python files and count their lines.", permissionMode="default"),
    asst(
        "a-04",
        "u-03",
        "msg_01",
        {"type": "thinking", "thinking": "I should glob first, then count.", "signature": "c2lnbmF0dXJl"},
    ),
    asst("a-05", "a-04", "msg_01", {"type": "text", "text": "Let me look."}),
    asst(
        "a-06", "a-05", "msg_01", {"type": "tool_use", "id": "toolu_01", "name": "Glob", "input": {"pattern": "*.py"}}
    ),
    progress(
        "p-07",
        "a-06",
        {"type": "hook_progress", "hookEvent": "PreToolUse", "hookName": "PreToolUse:Bash", "command": "guard"},
        tool="toolu_02",
    ),
    asst(
        "a-08",
        "p-07",
        "msg_01",
        {"type": "tool_use", "id": "toolu_02", "name": "Bash", "input": {"command": "wc -l *.py"}},
        stop="tool_use",
    ),
    user(
        "u-09",
        "a-06",
        [{"tool_use_id": "toolu_01", "type": "tool_result", "content": "a.py\nb.py"}],
        toolUseResult={"filenames": ["a.py", "b.py"], "numFiles": 2},
        sourceToolAssistantUUID="a-06",
    ),
    user(
        "u-10",
        "a-08",
        [
            {
                "type": "tool_result",
                "content": [{"type": "text", "text": "wc: permission denied"}],
                "is_error": True,
                "tool_use_id": "toolu_02",
            }
        ],
        toolUseResult="Error: permission denied",
        sourceToolAssistantUUID="a-08",
    ),
    asst(
        "a-11",
        "u-10",
        "msg_02",
        {"type": "text", "text": "There are 2 Python files, a.py and b.py; I could not count their lines."},
        stop="end_turn",
    ),
    system("s-12", "a-11", "turn_duration", durationMs=5000),
    {"type": "mystery-line", "payload": "SECRET-TEXT-42 must never reach a note", "timestamp": next(T)},
    user("u-14", "s-12", "Thanks! Now show me a.py."),
    asst(
        "a-15",
        "u-14",
        "msg_03",
        {"type": "tool_use", "id": "toolu_03", "name": "Read", "input": {"file_path": "a.py"}},
        stop="tool_use",
    ),
]
write(
    "claude_tools.jsonl",
    tools,
    torn='{"parentUuid":"a-15","isSidechain":false,"type":"user","message":{"role":"user","content":[{"tool_use_id":"toolu_03","type":"tool_result","content":"SECRET-TEXT-42 print(',
)

# 2. branches, commands, meta, image, synthetic, interrupt, compaction
br = [
    user("u-01", None, "Write a haiku about rain."),
    asst("a-02", "u-01", "msg_11", {"type": "text", "text": "Rain taps the window"}, stop="end_turn"),
    user("u-03", None, "Write a haiku about snow."),
    asst("a-04", "u-03", "msg_12", {"type": "text", "text": "Snow hushes the street"}, stop="end_turn"),
    user(
        "u-05",
        "a-04",
        "<local-command-caveat>Caveat: The messages below were generated by the user while running local commands.</local-command-caveat>",
        isMeta=True,
    ),
    user(
        "u-06",
        "u-05",
        "<command-name>/model</command-name>\n            <command-message>model</command-message>\n            <command-args></command-args>",
    ),
    user("u-07", "u-06", "<local-command-stdout>Set model to opus</local-command-stdout>"),
    user("u-08", "u-07", "<command-message>review</command-message>\n<command-name>/review</command-name>"),
    user("u-09", "u-08", [{"type": "text", "text": "Review the haiku for its syllable count."}], isMeta=True),
    asst("a-10", "u-09", "msg_13", {"type": "text", "text": "5-7-5 holds."}, stop="end_turn"),
    user(
        "u-11",
        "a-10",
        [
            {"type": "text", "text": "Compare it with this picture."},
            {"type": "image", "source": {"type": "base64", "media_type": "image/png", "data": "iVBORw0KGgo="}},
        ],
    ),
    asst(
        "a-12",
        "u-11",
        "msg_14",
        {"type": "text", "text": "API Error: overloaded"},
        model="<synthetic>",
        isApiErrorMessage=True,
    ),
    asst("a-13", "a-12", "msg_15", {"type": "text", "text": "Looking at the"}),
    user("u-14", "a-13", [{"type": "text", "text": "[Request interrupted by user]"}]),
    system(
        "s-15",
        None,
        "compact_boundary",
        content="Conversation compacted",
        logicalParentUuid="u-14",
        compactMetadata={"trigger": "auto", "preTokens": 1000},
    ),
    user(
        "u-16",
        "s-15",
        "This session is being continued from a previous conversation. Summary: two haikus were written.",
        isCompactSummary=True,
        isVisibleInTranscriptOnly=True,
    ),
    user("u-17", "u-16", "Now one about wind."),
    asst("a-18", "u-17", "msg_16", {"type": "thinking", "thinking": "Wind: keep 5-7-5.", "signature": "c2ln"}),
    asst("a-19", "a-18", "msg_16", {"type": "text", "text": "Wind bends the tall grass"}, stop="end_turn"),
]
write("claude_branches.jsonl", br)

# 3. a project folder with a sub-agent (2.1 layout) and a 2.0.x warmup sidechain beside the session
proj = "claude_projects/-home-alice-proj"
main = [
    user("u-01", None, "Find where the config is loaded."),
    asst(
        "a-02",
        "u-01",
        "msg_21",
        {
            "type": "tool_use",
            "id": "toolu_t1",
            "name": "Task",
            "input": {
                "description": "find config",
                "prompt": "Search for where the config is loaded.",
                "subagent_type": "Explore",
            },
        },
        stop="tool_use",
    ),
    progress(
        "p-03",
        "a-02",
        {
            "type": "agent_progress",
            "agentId": "a1b2c3d",
            "prompt": "Search for where the config is loaded.",
            "message": {"type": "user"},
        },
        tool="agent_msg_1",
    ),
    user(
        "u-04",
        "a-02",
        [
            {
                "tool_use_id": "toolu_t1",
                "type": "tool_result",
                "content": [{"type": "text", "text": "Config is loaded in config.py."}],
            }
        ],
        toolUseResult={
            "status": "completed",
            "prompt": "Search for where the config is loaded.",
            "agentId": "a1b2c3d",
            "content": [{"type": "text", "text": "Config is loaded in config.py."}],
            "totalDurationMs": 900,
            "totalTokens": 50,
            "totalToolUseCount": 1,
        },
    ),
    asst(
        "a-05",
        "u-04",
        "msg_22",
        {"type": "text", "text": "The config is loaded by load() in config.py."},
        stop="end_turn",
    ),
]
SUB = {"isSidechain": True, "agentId": "a1b2c3d"}
sub = [
    user("su-01", None, "Search for where the config is loaded.", **SUB),
    asst(
        "sa-02",
        "su-01",
        "msg_31",
        {"type": "tool_use", "id": "toolu_s1", "name": "Grep", "input": {"pattern": "def load"}},
        model="claude-haiku-4-5-20251001",
        stop="tool_use",
        **SUB,
    ),
    user(
        "su-03",
        "sa-02",
        [{"tool_use_id": "toolu_s1", "type": "tool_result", "content": "config.py:10:def load():"}],
        **SUB,
    ),
    asst(
        "sa-04",
        "su-03",
        "msg_32",
        {"type": "text", "text": "Config is loaded in config.py."},
        model="claude-haiku-4-5-20251001",
        stop="end_turn",
        **SUB,
    ),
]
for o in sub:
    o["isSidechain"] = True
write(f"{proj}/{SID}/subagents/agent-a1b2c3d.jsonl", sub)
# As Claude Code does, the parent also carries a copy of each sub-agent message in agent_progress lines.
stub = main[2]
copies = []
shown = [
    o for o in sub if o["type"] == "user" or o["message"]["content"][0]["type"] == "tool_use"
]  # no text blocks, as observed
for k, o in enumerate(shown):
    msg = {key: o[key] for key in ("type", "message", "uuid", "timestamp")}
    copies.append(
        dict(
            stub,
            uuid=f"p-03-{k}",
            parentUuid=stub["parentUuid"] if k == 0 else f"p-03-{k - 1}",
            data={
                "type": "agent_progress",
                "agentId": "a1b2c3d",
                "prompt": "Search for where the config is loaded.",
                "message": msg,
                "normalizedMessages": [],
            },
        )
    )
main[2:3] = copies
write(f"{proj}/{SID}.jsonl", main)
WARM = {"agentId": "0f0f0f0f"}
warm = [
    user("wu-01", None, "Warmup", **WARM),
    asst("wa-02", "wu-01", "msg_41", {"type": "text", "text": "Ready to help."}, stop="end_turn", **WARM),
]
for o in warm:
    o["isSidechain"] = True
write(f"{proj}/agent-0f0f0f0f.jsonl", warm)
warm2 = [dict(o, sessionId="another-session") for o in warm]
for o in warm2:
    o["agentId"] = "0e0e0e0e"
write(f"{proj}/agent-0e0e0e0e.jsonl", warm2)


# 4. codex rollout
def rl(kind, payload):
    return {"timestamp": next(T), "type": kind, "payload": payload}


def item(payload):
    return rl("response_item", payload)


def ev(payload):
    return rl("event_msg", payload)


codex = [
    rl(
        "session_meta",
        {
            "id": "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0001",
            "timestamp": "2026-05-11T08:26:55.042Z",
            "cwd": "/home/alice/proj",
            "originator": "codex-tui",
            "cli_version": "0.125.0",
            "source": "cli",
            "model_provider": "openai",
            "base_instructions": {"text": "You are Codex, a coding agent."},
            "git": {"commit_hash": "c8c252ac", "branch": "main", "repository_url": "git@github.com:alice/proj.git"},
        },
    ),
    ev({"type": "task_started", "turn_id": "t1", "model_context_window": 258400}),
    item(
        {
            "type": "message",
            "role": "developer",
            "content": [
                {"type": "input_text", "text": "<permissions instructions>sandboxed</permissions instructions>"}
            ],
        }
    ),
    item(
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "# AGENTS.md instructions for /home/alice/proj\n\n<INSTRUCTIONS>be brief</INSTRUCTIONS>",
                },
                {
                    "type": "input_text",
                    "text": "<environment_context>\n  <cwd>/home/alice/proj</cwd>\n</environment_context>",
                },
            ],
        }
    ),
    rl(
        "turn_context",
        {"turn_id": "t1", "cwd": "/home/alice/proj", "model": "gpt-5.5", "approval_policy": "on-request"},
    ),
    item(
        {
            "type": "message",
            "role": "user",
            "content": [
                {"type": "input_text", "text": "Run the tests and fix what fails."},
                {"type": "input_image", "image_url": "data:image/png;base64,iVBORw0KGgo="},
            ],
        }
    ),
    ev(
        {
            "type": "user_message",
            "message": "Run the tests and fix what fails.",
            "images": ["data:image/png;base64,iVBORw0KGgo="],
            "local_images": [],
            "text_elements": [],
        }
    ),
    item(
        {
            "type": "reasoning",
            "summary": [{"type": "summary_text", "text": "Run pytest first."}],
            "content": None,
            "encrypted_content": "gAAAA",
        }
    ),
    item(
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Running the tests."}],
            "phase": "commentary",
        }
    ),
    item({"type": "function_call", "name": "exec_command", "arguments": '{"cmd":"pytest -q"}', "call_id": "call_a"}),
    ev({"type": "exec_command_end", "call_id": "call_a", "exit_code": 1}),
    item({"type": "function_call_output", "call_id": "call_a", "output": "1 failed, 3 passed"}),
    item({"type": "reasoning", "summary": [], "content": None, "encrypted_content": "gAAAA"}),
    item(
        {
            "type": "custom_tool_call",
            "status": "completed",
            "call_id": "call_b",
            "name": "apply_patch",
            "input": "*** Begin Patch\n*** Update File: a.py\n-x\n+y\n*** End Patch",
        }
    ),
    item(
        {
            "type": "custom_tool_call_output",
            "call_id": "call_b",
            "output": '{"output":"Success. Updated a.py","metadata":{"exit_code":0}}',
        }
    ),
    item({"type": "web_search_call", "status": "completed", "action": {"type": "search", "query": "pytest flaky"}}),
    item(
        {
            "type": "function_call",
            "name": "exec_command",
            "arguments": '{"cmd":"pytest -q tests/test_b.py"}',
            "call_id": "call_c",
        }
    ),
    item(
        {
            "type": "function_call_output",
            "call_id": "call_c",
            "output": {"content": "collection error", "success": False},
        }
    ),
    item(
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "Fixed a.py; tests/test_b.py does not collect."}],
            "phase": "final_answer",
        }
    ),
    ev({"type": "agent_message", "message": "Fixed a.py; tests/test_b.py does not collect.", "phase": "final_answer"}),
    ev({"type": "task_complete", "turn_id": "t1", "last_agent_message": "Fixed a.py"}),
    rl(
        "compacted",
        {
            "message": "Summary: a.py was fixed.",
            "replacement_history": [
                {
                    "type": "message",
                    "role": "user",
                    "content": [{"type": "input_text", "text": "Run the tests and fix what fails."}],
                }
            ],
        },
    ),
    ev({"type": "context_compacted"}),
    rl("future_line", {"secret": "SECRET-TEXT-42"}),
    ev(
        {
            "type": "user_message",
            "message": "Thanks, now commit it.",
            "images": [],
            "local_images": [],
            "text_elements": [],
        }
    ),
    item(
        {
            "type": "function_call",
            "name": "exec_command",
            "arguments": '{"cmd":"git commit -am fix"}',
            "call_id": "call_d",
        }
    ),
]
write(
    "codex_rollout.jsonl",
    codex,
    torn='{"timestamp":"2026-05-11T08:40:00.000Z","type":"response_item","payload":{"type":"function_call_output","call_id":"call_d","output":"SECRET-TEXT-42 [main',
)

# 5. codex without user_message events (user items are the requests)
codex2 = [
    rl(
        "session_meta",
        {
            "id": "0199aaaa-bbbb-7ccc-8ddd-eeeeffff0002",
            "cwd": "/home/alice/proj",
            "originator": "codex_exec",
            "cli_version": "0.90.0",
        },
    ),
    item(
        {
            "type": "message",
            "role": "user",
            "content": [
                {
                    "type": "input_text",
                    "text": "<environment_context>\n  <cwd>/home/alice/proj</cwd>\n</environment_context>",
                }
            ],
        }
    ),
    item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "Summarise the README."}]}),
    item(
        {
            "type": "message",
            "role": "assistant",
            "content": [{"type": "output_text", "text": "It explains how to install and run the tool."}],
        }
    ),
    ev({"type": "turn_aborted", "reason": "interrupted"}),
    item({"type": "message", "role": "user", "content": [{"type": "input_text", "text": "List the open TODOs."}]}),
    item({"type": "message", "role": "assistant", "content": [{"type": "output_text", "text": "There are none."}]}),
]
write("codex_no_events.jsonl", codex2)

# 6. parallel calls whose second tool_use line hangs off the chain (seen in a real sub-agent file)
par = [
    user("u-01", None, "Read both files."),
    asst("a-02", "u-01", "msg_51", {"type": "text", "text": "Reading both."}),
    asst(
        "a-03", "a-02", "msg_51", {"type": "tool_use", "id": "toolu_pa", "name": "Read", "input": {"file_path": "a.py"}}
    ),
    progress("p-04", "a-03", {"type": "hook_progress", "hookEvent": "PreToolUse"}, tool="toolu_pa"),
    progress("p-05", "p-04", {"type": "hook_progress", "hookEvent": "PreToolUse"}, tool="toolu_pb"),
    asst(
        "a-06",
        "p-05",
        "msg_51",
        {"type": "tool_use", "id": "toolu_pb", "name": "Read", "input": {"file_path": "b.py"}},
        stop="tool_use",
    ),
    user("u-07", "a-06", [{"tool_use_id": "toolu_pb", "type": "tool_result", "content": "B"}]),
    user("u-08", "a-03", [{"tool_use_id": "toolu_pa", "type": "tool_result", "content": "A"}]),
    asst("a-09", "u-08", "msg_52", {"type": "text", "text": "a.py holds A and b.py holds B."}, stop="end_turn"),
]
write("claude_parallel.jsonl", par)
