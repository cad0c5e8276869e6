"""What happened in an exchange, in order: code changes and command runs with their exit status.

The messages are the chat shape the importers write (capture/exchange.py): an assistant message's
`tool_calls`, each answered by a `tool` message. Three result shapes carry an exit status:

- Claude Code: a failed call starts with `[tool error] ` and a Bash failure then says
  `Exit code N`; a success carries no status (the host flags every non-zero exit).
- Codex `exec_command`: a header (`Chunk ID`, `Wall time`, `Process exited with code N` or
  `Process running with session ID N`, `Original token count`, `Output:`). A command still running
  is finished by `write_stdin` polls naming its session; the poll that reports the exit ends it.
- Codex `apply_patch` and older shell calls: JSON `{"output": …, "metadata": {"exit_code": N}}`.
- Codex `shell_command` (and the freeform shell output): `Exit code: N`, `Wall time: …`, an
  optional `Total output lines: N` when the middle was cut, then `Output:`.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Message
from .commands import DOCS, Command, classify

ERROR_PREFIX = "[tool error] "
"""capture.TOOL_ERROR_PREFIX (a sibling package this one may not import; a test keeps them equal)."""
NO_OUTPUT = "(no output)"

SHELL_TOOLS = frozenset({
    "bash", "shell", "exec_command", "local_shell", "container.exec", "run_command", "run_terminal_cmd",
    "execute_command", "run_shell_command", "shell_command", "terminal",
})
EXIT_FLAGGING_SHELLS = frozenset({"Bash"})
"""Shell tools whose host flags every non-zero exit (Claude Code's Bash, by its exact name): an
unflagged result of theirs exited 0, which is the evidence a build or silent check gives."""
POLL_TOOLS = frozenset({"write_stdin", "taskoutput", "bashoutput"})
"""Polls of a command still running: Codex `write_stdin` by `session_id`; Claude Code
`TaskOutput` by `task_id` (`BashOutput` by `bash_id` in older versions) after a Bash call with
`run_in_background` answered `Command running in background with ID: <id>`."""
_POLL_KEYS = ("session_id", "task_id", "bash_id", "shell_id")
EDIT_TOOLS = frozenset({
    "edit", "multiedit", "write", "notebookedit", "apply_patch", "edit_file", "write_file", "create_file",
    "replace", "search_replace", "str_replace_editor", "str_replace_based_edit_tool", "insert", "patch",
})
VIEW_COMMANDS = frozenset({"view"})
"""The editor tools' read-only commands (`str_replace_based_edit_tool` with command `view`)."""

NOT_RUN = re.compile(
    r"\A(?:<tool_use_error>|User rejected tool use|The user doesn't want to proceed|\[Request interrupted by user"
    r"|Permission to use \S+ (?:has been|was) denied)"
)
"""Claude Code results of a call that never ran: refused by the user, cancelled because a parallel
call failed, or rejected by the tool before it started. They say nothing about the command."""
_PATCH_FILES = re.compile(r"^\*\*\* (?:Add|Update|Delete) File: (.+)$", re.M)

_BACKGROUND = re.compile(r"\ACommand running in background with ID: (\w+)")
_TASK_STATUS = re.compile(r"<status>(\w+)</status>")
_TASK_EXIT = re.compile(r"<exit_code>(-?\d+)</exit_code>")
_TASK_OUTPUT = re.compile(r"<(?:output|stdout|stderr)>\n?(.*?)</(?:output|stdout|stderr)>", re.S)

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][A-Z0-9]")
"""Colour and cursor codes, terminal hyperlinks (OSC 8) and charset switches."""
_CLAUDE_EXIT = re.compile(r"\AExit code (-?\d+)\n?")
_CODEX_HEAD = re.compile(
    r"\A(?:Chunk ID: \S+\n)?Wall time: [^\n]*\n"
    r"(?:Process exited with code (?P<code>-?\d+)|Process running with session ID (?P<session>\d+))\n"
    r"(?:Original token count: \d+\n)?Output:\n?"
)
_FREEFORM_HEAD = re.compile(
    r"\AExit code: (?P<code>-?\d+)\nWall time: [^\n]*\n(?:Total output lines: \d+\n)?Output:\n?"
)


@dataclass(slots=True)
class Run:
    """One shell command and what it printed. `index` is the message holding its (last) result."""

    index: int
    command: Command
    output: str
    exit: int | None
    error: bool
    finished: bool = True

    @property
    def failed(self) -> bool:
        return self.error or (self.exit is not None and self.exit != 0)


@dataclass(slots=True)
class Step:
    kind: Literal["edit", "run", "tool"]
    index: int
    run: Run | None = None
    error: bool = False  # kind "tool": the result was flagged as failed
    text: str = ""  # kind "tool": the result (timeouts of non-shell tools)


@dataclass(slots=True)
class _Pending:
    session: int | str
    run: Run
    chunks: list[str] = field(default_factory=list)


def as_dicts(messages: list[dict[str, Any]] | list[Message]) -> list[dict[str, Any]]:
    return [m.model_dump(exclude_none=True) if isinstance(m, Message) else m for m in messages]


def _arguments(raw: Any) -> dict[str, Any]:
    if isinstance(raw, dict):
        return raw
    if isinstance(raw, str):
        try:
            value = json.loads(raw)
        except (ValueError, RecursionError):
            return {"input": raw}
        return value if isinstance(value, dict) else {"input": value}
    return {}


def _command_text(args: dict[str, Any]) -> str | None:
    for key in ("command", "cmd", "script"):
        value = args.get(key)
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            # Codex's older shell tool: ["bash", "-lc", "<script>"]
            return value[-1] if len(value) >= 3 and value[1] in ("-c", "-lc") else " ".join(value)
        if isinstance(value, str) and value.strip():
            return value
    return None


def parse_result(content: str) -> tuple[str, int | None, bool, int | str | None]:
    """(output, exit code, flagged as error, the id of a command still running, if it is)."""
    error = content.startswith(ERROR_PREFIX)
    text = content[len(ERROR_PREFIX):] if error else content
    exit_code: int | None = None
    session: int | str | None = None
    if m := _CLAUDE_EXIT.match(text):
        exit_code, text = int(m.group(1)), text[m.end():]
    elif m := _CODEX_HEAD.match(text):
        text = text[m.end():]
        if m.group("code") is not None:
            exit_code = int(m.group("code"))
        else:
            session = int(m.group("session"))
    elif m := _FREEFORM_HEAD.match(text):
        exit_code, text = int(m.group("code")), text[m.end():]
    elif text.startswith("{") and '"metadata"' in text:
        try:
            doc = json.loads(text)
        except (ValueError, RecursionError):
            doc = None
        if isinstance(doc, dict) and isinstance(doc.get("output"), str):
            meta = doc.get("metadata")
            code = meta.get("exit_code") if isinstance(meta, dict) else None
            text, exit_code = doc["output"], code if isinstance(code, int) else None
    elif m := _BACKGROUND.match(text):
        session, text = m.group(1), ""
    elif text.startswith(("<retrieval_status>", "<status>", "<task_id>")):  # TaskOutput, BashOutput
        status, code = _TASK_STATUS.search(text), _TASK_EXIT.search(text)
        session = "running" if status is not None and status.group(1) == "running" else None
        exit_code = int(code.group(1)) if code else None
        text = "\n".join(_TASK_OUTPUT.findall(text))
    if text.strip() == NO_OUTPUT:
        text = ""
    return _redrawn(_ANSI.sub("", text).replace("\r\n", "\n")), exit_code, error, session


def _redrawn(text: str) -> str:
    """What the screen shows: a bare carriage return redraws its line (progress bars, spinners),
    so each line keeps what follows its last one. Split, not a regex: `[^\n]*\r` retried from
    every position of a long line without one."""
    if "\r" not in text:
        return text
    return "\n".join(line.rsplit("\r", 1)[-1] for line in text.split("\n"))


def _results(messages: list[dict[str, Any]]) -> dict[str, tuple[int, str]]:
    out: dict[str, tuple[int, str]] = {}
    for i, m in enumerate(messages):
        if m.get("role") == "tool" and isinstance(m.get("tool_call_id"), str):
            content = m.get("content")
            out.setdefault(m["tool_call_id"], (i, content if isinstance(content, str) else ""))
    return out


def steps(messages: list[dict[str, Any]]) -> list[Step]:
    """Code changes, finished command runs and other tool results, ordered by where each ended."""
    results = _results(messages)
    found: list[Step] = []
    running: dict[int | str, _Pending] = {}
    for m in messages:
        if m.get("role") != "assistant":
            continue
        for call in m.get("tool_calls") or []:
            fn = call.get("function") if isinstance(call, dict) else None
            if not isinstance(fn, dict) or call.get("id") not in results:
                continue
            index, content = results[call["id"]]
            name = str(fn.get("name", "")).lower()
            args = _arguments(fn.get("arguments"))
            output, exit_code, error, session = parse_result(content)
            if exit_code is None and session is None and not error and fn.get("name") in EXIT_FLAGGING_SHELLS:
                exit_code = 0
            if name in POLL_TOOLS:
                sid = next((args[k] for k in _POLL_KEYS if isinstance(args.get(k), int | str)), None)
                pending = running.get(sid) if sid is not None else None
                if pending is None:
                    continue
                if name == "write_stdin":
                    pending.chunks.append(output)
                else:  # TaskOutput repeats everything so far
                    pending.chunks = [output]
                pending.run.index = index
                if session is None:  # it exited (or the poll failed): the run is over
                    run = pending.run
                    run.output, run.exit, run.error = "\n".join(pending.chunks), exit_code, error
                    run.finished = True
                    found.append(Step("run", index, run))
                    del running[pending.session]
                continue
            if error and NOT_RUN.match(output):
                found.append(Step("tool", index, error=True))
                continue
            if name in EDIT_TOOLS or (name.endswith("edit") and not name.startswith("mcp__")):
                applied = not error and exit_code in (None, 0)  # Codex apply_patch reports its exit code
                if str(args.get("command", "")) not in VIEW_COMMANDS and applied and _changes_code(args):
                    found.append(Step("edit", index))
                continue
            text = _command_text(args)
            if name in SHELL_TOOLS or (text is not None and not name.startswith("mcp__")):
                command = classify(text)
                run = Run(index, command, output, exit_code, error, finished=session is None)
                if session is not None:
                    running[session] = _Pending(session, run, [output])
                    continue
                if command.edits and not run.failed:
                    found.append(Step("edit", index))
                found.append(Step("run", index, run))
                continue
            found.append(Step("tool", index, error=error, text=output))
    for pending in running.values():  # never seen to exit: kept, but not finished
        pending.run.output = "\n".join(pending.chunks)
        pending.run.finished = False
        found.append(Step("run", pending.run.index, pending.run))
    found.sort(key=lambda s: s.index)
    return found


def _changes_code(args: dict[str, Any]) -> bool:
    """False when every file the edit names is documentation (or a scratch file under /tmp)."""
    paths = [v for k, v in args.items() if k in ("file_path", "path", "notebook_path", "target_file")
             and isinstance(v, str)]
    patch = args.get("input") or args.get("patch")
    if isinstance(patch, str):
        paths += [p.strip() for p in _PATCH_FILES.findall(patch)]
    return not paths or not all(DOCS.search(p) for p in paths)
