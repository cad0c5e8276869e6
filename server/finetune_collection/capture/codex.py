"""Codex CLI rollouts (`~/.codex/sessions/YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`) → examples.

Ground truth: shared/TRANSCRIPTS.md §2. Lines are `{timestamp, type, payload}` in conversation
order (no tree). What becomes a turn:
- `response_item` is the model-visible history: assistant `message` (output_text), `reasoning`
  (its summary text, kept apart), `function_call` / `custom_tool_call` / `local_shell_call`
  (older rollouts; named `local_shell`) → tool calls, and their `*_output` items → tool messages,
  linked by `call_id`. Adjacent model items are one response. A call failed when its
  `exec_command_end` event says a non-zero `exit_code`, when its output starts with the exec
  header `Process exited with code N` (the Desktop app writes no such events), when its output is
  JSON whose `metadata.exit_code` is non-zero, or (older rollouts) when it says `success: false`.
- The user's request is `event_msg/user_message`: the Desktop app writes no user
  `response_item` at all, and the CLI writes both (plus AGENTS.md and environment context as
  user items). Only when a file has no `user_message` event at all are user items read instead,
  minus the known context blocks.
- Left out: `session_meta` and `turn_context` (kept as provenance), developer messages, other
  events (they duplicate response items), `web_search_call` (no call id, no output), and
  `compacted` (its replacement history repeats earlier turns, which stay in the file verbatim).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from .exchange import Call, Result, Session, Turn, arguments_json, examples_from
from .lines import Line, parse_lines, read_bytes
from .locate import CODEX_LINE_TYPES
from .result import CaptureOptions, ImportResult, safe_name

FORMAT = "codex"
KNOWN_TYPES = CODEX_LINE_TYPES
CONTEXT_PREFIXES = ("<environment_context>", "# AGENTS.md instructions", "<user_instructions>", "<INSTRUCTIONS>")
# The header unified exec puts before a command's output: `Chunk ID: …`, `Wall time: …`, then the
# exit line (a still-running command says `Process running with session ID …` instead).
EXEC_HEADER = re.compile(r"\A(?:[A-Z][A-Za-z ]*: [^\n]*\n){0,3}Process (?:exited with code (-?\d+)|running)\b")


class _Reader:
    def __init__(self, lines: list[Line], name: str, result: ImportResult) -> None:
        self.lines = lines
        self.result = result
        self.session = Session(FORMAT, name)
        self.session.info = {"host": FORMAT}
        self.model: str | None = None
        self.unknown: set[str] = set()
        self.exit_codes: dict[str, int] = {}  # call_id → exit_code from `exec_command_end` events
        self.use_events = any(
            ln.obj.get("type") == "event_msg" and _payload(ln).get("type") == "user_message" for ln in lines
        )

    def run(self) -> Session:
        for ln in self.lines:
            reason = self.step(ln)
            if reason is not None:
                self.result.skipped[reason] += 1
        for call_id, code in self.exit_codes.items():  # the event may come before or after the output
            result = self.session.results.get(call_id)
            # A call whose output says the process is still running got its exit code later,
            # in the output of a `write_stdin` poll (which says so in its own header).
            if result is not None and code != 0 and not _still_running(result.content):
                result.is_error = True
        name = self.session.file
        if self.unknown:
            self.result.note(f"{name}: unknown line or item type(s) skipped: {', '.join(sorted(self.unknown))}")
        images = self.result.skipped.get("image_block", 0)
        if images:
            self.result.note(f"{name}: {images} image(s) dropped (the chat formats carry text only)")
        return self.session

    def step(self, ln: Line) -> str | None:
        """Handle one line; return why it is not part of the conversation (None: it is)."""
        kind = ln.obj.get("type")
        payload = _payload(ln)
        if kind == "session_meta":
            self.meta(payload)
            return "session_meta"
        if kind == "turn_context":
            self.model = _str(payload.get("model")) or self.model
            self.session.info["cwd"] = _str(payload.get("cwd")) or self.session.info.get("cwd")
            return "turn_context"
        if kind == "response_item":
            return self.item(ln, payload)
        if kind == "event_msg":
            return self.event(ln, payload)
        if kind == "compacted":
            summary = payload.get("message")
            if isinstance(summary, str) and summary.strip():
                self.session.summaries.append((ln.number, summary))
            return "compacted"
        self.unknown.add(safe_name(kind))
        return "unknown_type"

    def meta(self, p: dict[str, Any]) -> None:
        git: dict[str, Any] = p["git"] if isinstance(p.get("git"), dict) else {}
        base = p.get("base_instructions")
        text = base.get("text") if isinstance(base, dict) else None
        self.session.system_prompt = text if isinstance(text, str) and text.strip() else None
        self.session.info.update(
            {
                "session_id": _str(p.get("id")),
                "host_version": _str(p.get("cli_version")),
                "originator": _str(p.get("originator")),
                "cwd": _str(p.get("cwd")),
                "git_branch": _str(git.get("branch")),
                "git_commit": _str(git.get("commit_hash")),
            }
        )

    def event(self, ln: Line, p: dict[str, Any]) -> str | None:
        kind = p.get("type")
        if kind == "user_message":
            images = p.get("images")
            count = len(images) if isinstance(images, list) else 0
            if count:
                self.result.skipped["image_block"] += count
            text = p.get("message")
            if isinstance(text, str) and text.strip():
                self.request(ln, [text], count)
                return None
            return "empty"
        if kind == "exec_command_end":
            call_id, code = p.get("call_id"), p.get("exit_code")
            if isinstance(call_id, str) and isinstance(code, int) and not isinstance(code, bool):
                self.exit_codes[call_id] = code
            return "event_msg"
        if kind == "turn_aborted":
            self.session.stream.append(Turn("interrupt", ln.number, ln.number))
            return "interrupted"
        return "event_msg"

    def request(self, ln: Line, texts: list[str], images: int = 0) -> None:
        when = _str(ln.obj.get("timestamp"))
        self.session.stream.append(Turn("request", ln.number, ln.number, texts, timestamp=when, images=images))

    def item(self, ln: Line, p: dict[str, Any]) -> str | None:
        kind = p.get("type")
        if kind == "message":
            return self.message(ln, p)
        if kind == "reasoning":
            # The summary is what the model shows; raw `content` text appears in some rollouts.
            texts = _texts(p.get("summary")) or _texts(p.get("content"))
            if not texts:
                return "reasoning_encrypted"
            self.assistant(ln, reasoning=texts)
            return None
        if kind in ("function_call", "custom_tool_call", "local_shell_call"):
            call_id = p.get("call_id")
            name = "local_shell" if kind == "local_shell_call" else p.get("name")
            if not (isinstance(call_id, str) and call_id and isinstance(name, str) and name):
                return "malformed"
            raw = {"function_call": p.get("arguments"), "custom_tool_call": p.get("input")}.get(kind, p.get("action"))
            self.assistant(ln, calls=[Call(call_id, name, arguments_json(raw if raw is not None else {}))])
            return None
        if kind in ("function_call_output", "custom_tool_call_output"):
            call_id = p.get("call_id")
            if not isinstance(call_id, str):
                return "malformed"
            content, failed = _output(p.get("output"))
            self.session.results[call_id] = Result(call_id, content, failed, ln.number)
            self.session.stream.append(Turn("result", ln.number, ln.number))
            return None
        if kind == "web_search_call":
            return "web_search_call"
        self.unknown.add(safe_name(kind))
        return "unknown_item"

    def message(self, ln: Line, p: dict[str, Any]) -> str | None:
        role = p.get("role")
        texts: list[str] = []
        images = 0
        parts: list[Any] = p["content"] if isinstance(p.get("content"), list) else []
        for part in parts:
            kind = part.get("type") if isinstance(part, dict) else None
            if kind in ("input_text", "output_text", "text") and isinstance(part.get("text"), str):
                if part["text"].strip():
                    texts.append(part["text"])
            elif kind == "input_image":
                if not self.use_events:  # the user_message event counts the same images
                    self.result.skipped["image_block"] += 1
                    images += 1
            else:
                self.result.skipped["unknown_block"] += 1
        if role == "assistant":
            if not texts:
                return "empty"
            self.assistant(ln, text=texts)
            return None
        if role == "user":
            if self.use_events:
                return "user_item"  # the user_message event carries the request
            if texts and texts[0].lstrip().startswith(CONTEXT_PREFIXES):
                return "user_context"
            if not texts:
                return "empty"
            self.request(ln, texts, images)
            return None
        return "developer_message"

    def assistant(
        self,
        ln: Line,
        text: list[str] | None = None,
        reasoning: list[str] | None = None,
        calls: list[Call] | None = None,
    ) -> None:
        turn = Turn(
            "assistant",
            ln.number,
            ln.number,
            text=text or [],
            reasoning=reasoning or [],
            calls=calls or [],
            model=self.model,
            version=self.session.info.get("host_version"),
            timestamp=_str(ln.obj.get("timestamp")),
        )
        self.session.add_assistant(turn)


def _payload(ln: Line) -> dict[str, Any]:
    p = ln.obj.get("payload")
    return p if isinstance(p, dict) else {}


def _texts(parts: Any) -> list[str]:
    items = parts if isinstance(parts, list) else []
    return [
        p["text"] for p in items if isinstance(p, dict) and isinstance(p.get("text"), str) and p["text"].strip()
    ]


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _output(value: Any) -> tuple[str, bool]:
    """A call's output text and whether the call failed, by what the output itself says: the
    exec header's exit code, `metadata.exit_code` of a JSON output (apply_patch and older shell
    calls), or `success: false` (older rollouts' `{content, success}`)."""
    if isinstance(value, str):
        return value, _exit_code(value) not in (None, 0)
    if isinstance(value, dict):
        content = value.get("content")
        return (content if isinstance(content, str) else ""), value.get("success") is False
    return "", False


def _still_running(text: str) -> bool:
    header = EXEC_HEADER.match(text)
    return header is not None and header.group(1) is None


def _exit_code(text: str) -> int | None:
    header = EXEC_HEADER.match(text)
    if header is not None:
        return int(header.group(1)) if header.group(1) is not None else None
    if not text.startswith("{") or '"exit_code"' not in text:
        return None
    try:
        data = json.loads(text)
    except (ValueError, RecursionError):
        return None
    meta = data.get("metadata") if isinstance(data, dict) else None
    code = meta.get("exit_code") if isinstance(meta, dict) else None
    return code if isinstance(code, int) and not isinstance(code, bool) else None


def parse_rollout(data: bytes, name: str, result: ImportResult) -> Session:
    return _Reader(parse_lines(data, name, result), name, result).run()


def read_rollout(path: Path, opts: CaptureOptions | None = None) -> ImportResult:
    """The selected exchanges of one Codex rollout file."""
    opts = opts or CaptureOptions()
    result = ImportResult(files=1)
    session = parse_rollout(read_bytes(path), path.name, result)
    result.examples += examples_from(session, opts, result)
    return result
