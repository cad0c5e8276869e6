"""One Claude Code session file → a `Session`: the conversation, as the `parentUuid` tree holds it.

Ground truth: shared/TRANSCRIPTS.md §1. The format is not a stable contract, so every rule here
is defensive: a line type or content block we do not know is counted and skipped, never fatal.

- The conversation is the `parentUuid` chain from the last user/assistant line (the leaf) up to a
  root, not file order: rewinds and edits leave dead branches in the file. At a
  `compact_boundary` the chain continues through `logicalParentUuid`, so the verbatim history
  before an automatic compaction stays part of the exchange that it interrupted; the summary
  line (`isCompactSummary`) is left out, or kept as context by option.
- Parallel tool calls branch the tree: a later tool_use line of the same response, and results,
  can hang off the chain rather than lie on it. Those belong to the conversation; other side
  branches do not.
- One API response is written as one line per content block (same `message.id`); those lines
  become one assistant message: text, thinking (kept apart as reasoning), tool calls.
- A message the user typed while the agent was busy is queued (`queue-operation` lines). When
  it is `dequeue`d it is written again as an ordinary user line; when it is `remove`d without that
  (Claude Code handed it to the model between tool calls) it becomes a user message inside the
  exchange, where it was delivered, so that the work it asked for does not appear unasked.
  `popAll` takes queued messages back into the prompt box: they were never sent.
- Not turns: snapshots, progress, other queue operations, titles (`summary`), system lines, `isMeta`
  lines, local commands and their output, synthetic API-error messages. `[Request interrupted
  by user…]` marks the exchange as interrupted. A slash command that expands into a prompt
  (`<command-name>` followed by an `isMeta` expansion) is a request whose text is the expansion,
  because that is what the model answered.
"""

from __future__ import annotations

from typing import Any

from .exchange import Call, Result, Session, Turn, arguments_json
from .lines import Line, parse_lines
from .result import ImportResult, safe_name

FORMAT = "claude-code"
KNOWN_TYPES = {"user", "assistant", "system", "progress", "file-history-snapshot", "summary", "queue-operation"}
INTERRUPTED = "[Request interrupted by user"
NOT_TYPED = ("<task-notification>",)  # queued by Claude Code itself (a background task finished), not the user
COMMAND_TAGS = ("<command-name>", "<command-message>", "<command-args>")
LOCAL_OUTPUT_TAGS = ("<local-command-stdout>", "<local-command-stderr>", "<local-command-caveat>")
SYNTHETIC_MODEL = "<synthetic>"  # Claude Code's own stand-in replies (API errors, "No response requested.")


class Reader:
    """Walks one file's active chain and fills a `Session`; every line gets a fate in `reasons`."""

    def __init__(self, lines: list[Line], name: str, result: ImportResult) -> None:
        self.lines = lines
        self.result = result
        self.session = Session(FORMAT, name)
        self.reasons: dict[int, str] = {}  # line → why it is not part of the conversation
        self.used: set[int] = set()
        self.delivered: dict[int, Line] = {}  # `remove` line → the queued message it delivered
        self.pending_command: Line | None = None
        self.by_uuid = {ln.obj["uuid"]: ln for ln in lines if isinstance(ln.obj.get("uuid"), str)}

    # The chain ------------------------------------------------------------------------------
    def chain(self) -> list[Line]:
        turns = [ln for ln in self.by_uuid.values() if ln.obj.get("type") in ("user", "assistant")]
        turns.sort(key=lambda ln: ln.number)
        main = [ln for ln in turns if not ln.obj.get("isSidechain")]
        if main and len(main) < len(turns):
            # A main session with sidechain lines inline (not observed in ≥2.0 files).
            for ln in turns:
                if ln.obj.get("isSidechain"):
                    self.reasons[ln.number] = "sidechain"
        candidates = main or turns
        if not candidates:
            return []
        path: list[Line] = []
        seen: set[str] = set()
        cur: Line | None = candidates[-1]
        while cur is not None and cur.obj["uuid"] not in seen:
            seen.add(cur.obj["uuid"])
            path.append(cur)
            parent = cur.obj.get("parentUuid")
            if parent is None and cur.obj.get("subtype") == "compact_boundary":
                parent = cur.obj.get("logicalParentUuid")
            cur = self.by_uuid.get(parent) if isinstance(parent, str) else None
        path.reverse()
        return path

    def run(self) -> Session:
        path = self.chain()
        # Lines of the chain's own responses (and tool results) that hang off it: parallel calls.
        # A child is always written after its parent, so file order is conversation order.
        keys = {_key(ln.obj) for ln in path if ln.obj.get("type") == "assistant"} - {None}
        on_path = {ln.obj["uuid"] for ln in path}
        numbers = {ln.number for ln in path}
        siblings = [
            ln
            for ln in self.lines
            if ln.number not in numbers
            and (_only_results(ln.obj) or (ln.obj.get("type") == "assistant" and _key(ln.obj) in keys))
            and _hangs_off(ln, on_path, self.by_uuid)
        ]
        self.delivered = self.queued_deliveries({ln.number for ln in path + siblings})
        removals = [ln for ln in self.lines if ln.number in self.delivered]
        for ln in sorted(path + siblings + removals, key=lambda x: x.number):
            self.step(ln)
        self.session.info = _info(path[-1].obj if path else {})
        self.account()
        return self.session

    def queued_deliveries(self, conversation: set[int]) -> dict[int, Line]:
        """`remove` line → the `enqueue` line whose text the model received there, for removals
        inside this conversation (the next user or assistant line is part of it)."""
        out: dict[int, Line] = {}
        queue: list[Line] = []
        pending: list[tuple[int, Line]] = []
        for ln in self.lines:
            kind = ln.obj.get("type")
            if kind in ("user", "assistant"):
                out.update((n, q) for n, q in pending if ln.number in conversation)
                pending = []
            if kind != "queue-operation":
                continue
            operation = ln.obj.get("operation")
            if operation == "enqueue" and isinstance(ln.obj.get("content"), str):
                queue.append(ln)
            elif operation in ("dequeue", "remove") and queue:
                first = queue.pop(0)
                text = first.obj["content"]
                if operation == "remove" and text.strip() and not text.lstrip().startswith(NOT_TYPED):
                    pending.append((ln.number, first))
            elif operation == "popAll":
                queue.clear()
        return out

    # One line ---------------------------------------------------------------------------------
    def step(self, ln: Line) -> None:
        kind = ln.obj.get("type")
        if kind == "queue-operation":
            queued = self.delivered[ln.number]
            self.session.stream.append(
                Turn("queued", queued.number, ln.number, [queued.obj["content"]], timestamp=_ts(queued.obj))
            )
            self.used.update((queued.number, ln.number))
        elif kind == "assistant":
            self.assistant(ln)
        elif kind == "user":
            self.user(ln)
        elif kind == "system":
            self.reasons[ln.number] = "compact_boundary" if ln.obj.get("subtype") == "compact_boundary" else "system"

    def assistant(self, ln: Line) -> None:
        obj = ln.obj
        msg = obj.get("message")
        if not isinstance(msg, dict):
            self.reasons[ln.number] = "malformed"
            return
        if obj.get("isApiErrorMessage") or msg.get("model") == SYNTHETIC_MODEL:
            self.reasons[ln.number] = "synthetic"
            return
        self.pending_command = None
        turn = Turn(
            "assistant",
            ln.number,
            ln.number,
            key=_key(obj),
            model=_str(msg.get("model")),
            version=_str(obj.get("version")),
            timestamp=_str(obj.get("timestamp")),
        )
        content = msg.get("content")
        blocks = [{"type": "text", "text": content}] if isinstance(content, str) else content
        for block in blocks if isinstance(blocks, list) else []:
            self.assistant_block(turn, block)
        if turn.text or turn.reasoning or turn.calls:
            self.session.add_assistant(turn)
            self.used.add(ln.number)
        else:
            self.reasons.setdefault(ln.number, "empty")

    def assistant_block(self, turn: Turn, block: Any) -> None:
        kind = block.get("type") if isinstance(block, dict) else None
        if kind == "text":
            text = block.get("text")
            if isinstance(text, str) and text.strip():
                turn.text.append(text)
        elif kind == "thinking":
            text = block.get("thinking")
            if isinstance(text, str) and text.strip():
                turn.reasoning.append(text)
        elif kind == "tool_use" and _str(block.get("id")) and _str(block.get("name")):
            turn.calls.append(Call(block["id"], block["name"], arguments_json(block.get("input", {}))))
        else:
            self.block_skipped(kind)

    def user(self, ln: Line) -> None:
        obj = ln.obj
        msg = obj.get("message")
        content = msg.get("content") if isinstance(msg, dict) else None
        if obj.get("isCompactSummary"):
            if isinstance(content, str) and content.strip():
                self.session.summaries.append((ln.number, content))
            self.reasons[ln.number] = "compact_summary"
        elif obj.get("isMeta"):
            text = _text_of(content)
            if self.pending_command is not None and text:
                start = self.pending_command
                self.pending_command = None
                self.session.stream.append(Turn("request", start.number, ln.number, [text], timestamp=_ts(obj)))
                self.used.update((start.number, ln.number))
                self.reasons.pop(start.number, None)
            else:
                self.reasons[ln.number] = "meta"
        elif isinstance(content, str):
            self.user_text(ln, [content])
        elif isinstance(content, list):
            self.user_blocks(ln, content)
        else:
            self.reasons[ln.number] = "malformed"

    def user_blocks(self, ln: Line, blocks: list[Any]) -> None:
        texts: list[str] = []
        images = 0
        for block in blocks:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "tool_result" and isinstance(block.get("tool_use_id"), str):
                self.tool_result(ln, block)
                self.session.stream.append(Turn("result", ln.number, ln.number))
            elif kind == "text" and isinstance(block.get("text"), str):
                texts.append(block["text"])
            else:
                images += kind == "image"
                self.block_skipped(kind)
        if texts:
            self.user_text(ln, texts, images)

    def tool_result(self, ln: Line, block: dict[str, Any]) -> None:
        structured = ln.obj.get("toolUseResult")
        agent = _str(structured.get("agentId")) if isinstance(structured, dict) else None
        answer = _text_of(structured.get("content")) if agent and isinstance(structured, dict) else ""
        content = block.get("content")
        blocks = content if isinstance(content, list) else []
        self.session.results[block["tool_use_id"]] = Result(
            block["tool_use_id"],
            self.result_text(content),
            block.get("is_error") is True,
            ln.number,
            agent,
            answer or None,
            sum(1 for b in blocks if isinstance(b, dict) and b.get("type") == "image"),
        )
        self.used.add(ln.number)

    def result_text(self, content: Any) -> str:
        if isinstance(content, str):
            return content
        parts: list[str] = []
        for block in content if isinstance(content, list) else []:
            kind = block.get("type") if isinstance(block, dict) else None
            if kind == "text" and isinstance(block.get("text"), str):
                parts.append(block["text"])
            else:
                self.block_skipped(kind)
        return "\n".join(parts)

    def user_text(self, ln: Line, texts: list[str], images: int = 0) -> None:
        request: list[str] = []
        for text in texts:
            head = text.lstrip()
            if head.startswith(INTERRUPTED):
                self.session.stream.append(Turn("interrupt", ln.number, ln.number))
                self.reasons.setdefault(ln.number, "interrupted")
            elif head.startswith(COMMAND_TAGS):
                # Ends the exchange; a prompt command's isMeta expansion becomes the next request.
                self.pending_command = ln
                self.session.stream.append(Turn("boundary", ln.number, ln.number))
                self.reasons.setdefault(ln.number, "local_command")
            elif head.startswith(LOCAL_OUTPUT_TAGS):
                self.reasons.setdefault(ln.number, "local_command")
            elif text.strip():
                request.append(text)
        if request:
            self.pending_command = None
            turn = Turn("request", ln.number, ln.number, request, timestamp=_ts(ln.obj), images=images)
            self.session.stream.append(turn)
            self.used.add(ln.number)
            self.reasons.pop(ln.number, None)

    def block_skipped(self, kind: Any) -> None:
        if kind == "image":
            self.result.skipped["image_block"] += 1
        elif kind in ("redacted_thinking",):
            self.result.skipped["redacted_thinking_block"] += 1
        else:
            self.result.skipped["unknown_block"] += 1

    def account(self) -> None:
        unknown: set[str] = set()
        for ln in self.lines:
            if ln.number in self.used:
                continue
            kind = ln.obj.get("type")
            reason = self.reasons.get(ln.number)
            if reason is None:
                if kind in ("user", "assistant"):
                    reason = "off_branch"
                elif isinstance(kind, str) and kind in KNOWN_TYPES:
                    reason = kind
                else:
                    reason = "unknown_type"
                    unknown.add(safe_name(kind))
            self.result.skipped[reason] += 1
        name = self.session.file
        if unknown:
            self.result.note(f"{name}: unknown line type(s) skipped: {', '.join(sorted(unknown))}")
        images = self.result.skipped.get("image_block", 0)
        if images:
            self.result.note(f"{name}: {images} image block(s) dropped (the chat formats carry text only)")


def _key(obj: dict[str, Any]) -> str | None:
    """The API response a line belongs to: `message.id`, else `requestId`."""
    msg = obj.get("message")
    return (_str(msg.get("id")) if isinstance(msg, dict) else None) or _str(obj.get("requestId"))


def _hangs_off(ln: Line, on_path: set[str], by_uuid: dict[str, Line]) -> bool:
    """True when the line's ancestors reach the chain (through progress lines and the like)."""
    seen: set[str] = set()
    parent = ln.obj.get("parentUuid")
    while isinstance(parent, str) and parent not in seen:
        if parent in on_path:
            return True
        seen.add(parent)
        up = by_uuid.get(parent)
        parent = up.obj.get("parentUuid") if up is not None else None
    return False


def _only_results(obj: dict[str, Any]) -> bool:
    msg = obj.get("message")
    content = msg.get("content") if isinstance(msg, dict) else None
    return (
        obj.get("type") == "user"
        and isinstance(content, list)
        and bool(content)
        and all(isinstance(b, dict) and b.get("type") == "tool_result" for b in content)
    )


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _ts(obj: dict[str, Any]) -> str | None:
    return _str(obj.get("timestamp"))


def _text_of(content: Any) -> str:
    if isinstance(content, str):
        return content.strip() and content
    if isinstance(content, list):
        parts = [b["text"] for b in content if isinstance(b, dict) and isinstance(b.get("text"), str)]
        return "\n\n".join(p for p in parts if p.strip())
    return ""


def _info(obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "host": FORMAT,
        "session_id": _str(obj.get("sessionId")),
        "agent_id": _str(obj.get("agentId")),
        "host_version": _str(obj.get("version")),
        "cwd": _str(obj.get("cwd")),
        "git_branch": _str(obj.get("gitBranch")),
    }


def parse_session(data: bytes, name: str, result: ImportResult) -> Session:
    """One session file's conversation; line fates are added to `result.skipped`."""
    return Reader(parse_lines(data, name, result), name, result).run()
