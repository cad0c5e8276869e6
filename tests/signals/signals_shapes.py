"""Builders for the labelled set: exchanges in the message shapes the capture importers produce.

Claude Code results: a failed Bash call becomes `[tool error] Exit code N` + output, a timeout
`[tool error] Command timed out after …`; Read results carry `N→` line prefixes. Codex results:
`exec_command` output has the `Chunk ID / Wall time / Process exited with code N / Original token
count / Output:` header, a long command answers `Process running with session ID N` and is
finished by `write_stdin` polls; `apply_patch` answers JSON with `metadata.exit_code`.
(See ../shared/TRANSCRIPTS.md and the real files in ../shared/transcripts/.)
"""

from __future__ import annotations

import itertools
import json
from pathlib import Path
from typing import Any

ERR = "[tool error] "  # capture.TOOL_ERROR_PREFIX
_ids = itertools.count(1)

Msg = dict[str, Any]


def _call(name: str, args: dict[str, Any] | str, content: str, prefix: str = "toolu_") -> list[Msg]:
    call_id = f"{prefix}{next(_ids):04d}"
    arguments = args if isinstance(args, str) else json.dumps(args)
    return [
        {"role": "assistant", "tool_calls": [{"id": call_id, "type": "function",
                                              "function": {"name": name, "arguments": arguments}}]},
        {"role": "tool", "tool_call_id": call_id, "content": content or "(no output)"},
    ]


def user(text: str) -> list[Msg]:
    return [{"role": "user", "content": text}]


def say(text: str) -> list[Msg]:
    return [{"role": "assistant", "content": text}]


# -- Claude Code -------------------------------------------------------------------------------
def bash(cmd: str, output: str = "", code: int = 0) -> list[Msg]:
    if code:
        return _call("Bash", {"command": cmd, "description": "run"}, f"{ERR}Exit code {code}\n{output}")
    return _call("Bash", {"command": cmd, "description": "run"}, output)


def bash_timeout(cmd: str, after: str = "2m 0.0s") -> list[Msg]:
    return _call("Bash", {"command": cmd}, f"{ERR}Command timed out after {after}")


def refused(cmd: str, why: str) -> list[Msg]:
    """A Bash call that never ran (the user refused it, or a parallel call failed first)."""
    return _call("Bash", {"command": cmd}, ERR + why)


def edit(path: str = "src/app.py") -> list[Msg]:
    return _call("Edit", {"file_path": path, "old_string": "a", "new_string": "b"},
                 f"The file {path} has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\n     1\tb")


def edit_failed(path: str = "src/app.py") -> list[Msg]:
    return _call("Edit", {"file_path": path, "old_string": "zz", "new_string": "b"},
                 f"{ERR}<tool_use_error>String to replace not found in file.\nString: zz</tool_use_error>")


def write(path: str, content: str = "x = 1\n") -> list[Msg]:
    return _call("Write", {"file_path": path, "content": content}, f"File created successfully at: {path}")


def read(path: str, text: str) -> list[Msg]:
    numbered = "\n".join(f"{i:>6}→{line}" for i, line in enumerate(text.splitlines(), 1))
    return _call("Read", {"file_path": path}, numbered)


# -- Codex ---------------------------------------------------------------------------------------
def _codex_out(output: str, code: int | None, session: int | None = None, wall: str = "0.8123") -> str:
    state = f"Process exited with code {code}" if code is not None else f"Process running with session ID {session}"
    return f"Chunk ID: 4f2a1c\nWall time: {wall} seconds\n{state}\nOriginal token count: {len(output) // 4}\nOutput:\n{output}"


def codex(cmd: str, output: str = "", code: int = 0) -> list[Msg]:
    args = {"cmd": cmd, "workdir": "/Users/Sample_User/repo", "yield_time_ms": 1000, "max_output_tokens": 12000}
    return _call("exec_command", json.dumps(args, separators=(",", ":")), _codex_out(output, code), "call_")


def codex_long(cmd: str, chunks: list[str], code: int, session: int = 83395) -> list[Msg]:
    """A command that outlives its first yield: polled with write_stdin until it exits."""
    args = {"cmd": cmd, "workdir": "/Users/Sample_User/repo", "yield_time_ms": 1000}
    out = _call("exec_command", json.dumps(args, separators=(",", ":")), _codex_out("", None, session, "1.0113"), "call_")
    for i, chunk in enumerate(chunks):
        last = i == len(chunks) - 1
        poll = {"session_id": session, "chars": "", "yield_time_ms": 1000, "max_output_tokens": 16000}
        out += _call("write_stdin", json.dumps(poll, separators=(",", ":")),
                     _codex_out(chunk, code if last else None, session, "5.0028"), "call_")
    return out


def patch(path: str = "src/app.ts") -> list[Msg]:
    body = f"*** Begin Patch\n*** Update File: {path}\n@@\n-a\n+b\n*** End Patch\n"
    result = json.dumps({"output": f"Success. Updated the following files:\nM {path}\n",
                         "metadata": {"exit_code": 0, "duration_seconds": 0.3}})
    return _call("apply_patch", json.dumps({"input": body}), result, "call_")


def record(id: str, request: str, *steps: list[Msg], answer: str = "Done.", reply: str | None = None,
           expect: list[str] | tuple[str, ...] = (), shape: str = "", note: str = "") -> dict[str, Any]:
    messages = user(request) + [m for step in steps for m in step] + say(answer)
    return {"id": id, "shape": shape, "note": note, "messages": messages, "after_user_reply": reply,
            "expect": sorted(expect)}


def real_records(collection: Path) -> list[dict[str, Any]]:
    """The real transcripts' exchanges as labelled records (real_labels.json), read in place."""
    from finetune_collection.capture.claude_code import read_session
    from finetune_collection.capture.codex import read_rollout
    from finetune_collection.capture.result import CaptureOptions

    labels = json.loads((Path(__file__).with_name("real_labels.json")).read_text(encoding="utf-8"))["expect"]
    out = []
    files = sorted((collection / "claude-code").glob("*.jsonl")) + sorted((collection / "codex").glob("*.jsonl"))
    for path in files:
        read = read_rollout if path.parent.name == "codex" else read_session
        for i, example in enumerate(read(path, CaptureOptions(whole_session=True)).examples):
            messages = example["messages"]
            starts = [j for j, m in enumerate(messages) if m["role"] == "user"]
            for k, start in enumerate(starts):
                end = starts[k + 1] if k + 1 < len(starts) else len(messages)
                key = f"{path.name}#{i}#{k}"
                out.append({"id": key, "shape": path.parent.name, "note": "real transcript", "messages": messages[start:end],
                            "after_user_reply": messages[end]["content"] if end < len(messages) else None,
                            "expect": sorted(labels.get(key, []))})
    return out


def bash_background(cmd: str, task: str, polls: list[tuple[str, int | None]]) -> list[Msg]:
    """Claude Code: Bash with run_in_background, then TaskOutput until the task completes
    (shape of the real session marot__spotter__8463c716: each poll repeats all output so far)."""
    out = _call("Bash", {"command": cmd, "run_in_background": True},
                f"Command running in background with ID: {task}. Output is being written to: /tmp/claude-1000/tasks/{task}.output")
    for text, code in polls:
        if code is None:
            body = f"<retrieval_status>timeout</retrieval_status>\n\n<task_id>{task}</task_id>\n\n<task_type>local_bash</task_type>\n\n<status>running</status>\n\n<output>\n{text}\n</output>"
        else:
            body = f"<retrieval_status>success</retrieval_status>\n\n<task_id>{task}</task_id>\n\n<task_type>local_bash</task_type>\n\n<status>completed</status>\n\n<exit_code>{code}</exit_code>\n\n<output>\n{text}\n</output>"
        out += _call("TaskOutput", {"task_id": task, "block": True, "timeout": 120000}, body)
    return out


# -- Shapes added with holdout3 ------------------------------------------------------------------
def codex_shell(cmd: str, output: str = "", code: int = 0, seconds: float = 0.9) -> list[Msg]:
    """Codex's older `shell` tool: argv in, a JSON {output, metadata.exit_code} string out
    (a timed-out command answers `command timed out after N milliseconds` with exit code 124)."""
    args = {"command": ["bash", "-lc", cmd], "workdir": "/Users/Sample_User/repo", "timeout_ms": 120000}
    result = json.dumps({"output": output, "metadata": {"exit_code": code, "duration_seconds": seconds}})
    return _call("shell", json.dumps(args, separators=(",", ":")), result, "call_")


def codex_shell_command(cmd: str, output: str = "", code: int = 0, total_lines: int | None = None) -> list[Msg]:
    """Codex's `shell_command` tool: the freeform `Exit code / Wall time / [Total output lines] /
    Output:` text; `total_lines` is set when the middle of the output was cut."""
    args = {"command": cmd, "workdir": "/Users/Sample_User/repo"}
    head = f"Exit code: {code}\nWall time: 1.2 seconds\n"
    if total_lines is not None:
        head += f"Total output lines: {total_lines}\n"
    return _call("shell_command", json.dumps(args, separators=(",", ":")), f"{head}Output:\n{output}", "call_")


def bash_output(cmd: str, shell_id: str, stdout: str, code: int, stderr: str = "") -> list[Msg]:
    """Claude Code 2.0.x: Bash with run_in_background, then one BashOutput poll that finds it done."""
    out = _call("Bash", {"command": cmd, "run_in_background": True},
                f"Command running in background with ID: {shell_id}")
    body = f"<status>completed</status>\n\n<exit_code>{code}</exit_code>\n\n<stdout>\n{stdout}\n</stdout>\n\n"
    if stderr:
        body += f"<stderr>\n{stderr}\n</stderr>\n\n"
    body += "<timestamp>2026-01-05T10:00:00.000Z</timestamp>"
    return out + _call("BashOutput", {"bash_id": shell_id}, body)


def task(prompt: str, text: str) -> list[Msg]:
    """Claude Code Task: a sub-agent's final text (its claims, not a run seen here)."""
    return _call("Task", {"description": "sub-agent", "prompt": prompt, "subagent_type": "general-purpose"}, text)


def read_missing(path: str) -> list[Msg]:
    return _call("Read", {"file_path": path}, f"{ERR}<tool_use_error>File does not exist.</tool_use_error>")


def patch_failed(path: str = "src/app.ts") -> list[Msg]:
    """A Codex apply_patch whose context did not match: nothing was written."""
    body = f"*** Begin Patch\n*** Update File: {path}\n@@\n-zz\n+b\n*** End Patch\n"
    result = json.dumps({"output": f"apply_patch verification failed: Failed to find expected lines in {path}:\nzz",
                         "metadata": {"exit_code": 1, "duration_seconds": 0.0}})
    return _call("apply_patch", json.dumps({"input": body}), result, "call_")


def tool(name: str, args: dict[str, Any], content: str) -> list[Msg]:
    """Any other Claude Code tool (Grep, Glob, TodoWrite, MultiEdit, …) with its result text."""
    return _call(name, args, content)
