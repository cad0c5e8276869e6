"""From a parsed session to examples: exchanges, the selection, splitting, messages and provenance.

Importers (Claude Code, Codex) reduce a transcript to a `Session`: a stream of turns in
conversation order plus the tool results keyed by call id. Results are placed right after the
assistant message that made the call, in call order, whatever order the transcript wrote them in
(Claude Code writes parallel results on separate branches). Everything here is format-free.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any, Literal

from .result import IMPORTER_VERSION, CaptureOptions, ImportResult, TranscriptError

Kind = Literal["request", "assistant", "interrupt", "boundary", "result", "queued"]

TOOL_ERROR_PREFIX = "[tool error] "
"""Starts the content of a tool message whose call failed or was refused. The chat formats have
no error flag on a tool message, and a prefix survives every export; the call ids are also listed
in provenance (`source.tool_errors`)."""

NO_OUTPUT = "(no output)"
"""Content of a tool message whose result was empty (a tool message needs non-empty content)."""


@dataclass(slots=True)
class Call:
    id: str
    name: str
    arguments: str  # JSON text, as the chat format wants


@dataclass(slots=True)
class Result:
    call_id: str
    content: str
    is_error: bool
    line: int
    agent_id: str | None = None  # Claude Code: the sub-agent this Task call ran
    agent_answer: str | None = None  # …and its final answer, without the trailer the parent sees
    images: int = 0  # image blocks in the result, dropped


@dataclass(slots=True)
class Turn:
    """One step of the conversation. `request`: a real user request; `assistant`: one model
    response (merged from several lines); `interrupt`: the user stopped the answer; `boundary`:
    a local command or similar that ends an exchange; `result`: a tool result arrived here;
    `queued`: a message the user typed while the agent worked, handed to the model mid-exchange."""

    kind: Kind
    first_line: int
    last_line: int
    text: list[str] = field(default_factory=list)
    reasoning: list[str] = field(default_factory=list)
    calls: list[Call] = field(default_factory=list)
    key: str | None = None  # the API response id that several transcript lines share
    model: str | None = None
    version: str | None = None
    timestamp: str | None = None
    images: int = 0  # image blocks the user sent with this request, dropped


@dataclass(slots=True)
class Session:
    format: str
    file: str
    stream: list[Turn] = field(default_factory=list)
    results: dict[str, Result] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)  # session_id, cwd, git_branch, host_version, …
    summaries: list[tuple[int, str]] = field(default_factory=list)  # (line, compaction summary)
    system_prompt: str | None = None

    def add_assistant(self, turn: Turn) -> Turn:
        """Append a model response, or fold it into the previous one when it is the same API
        response: same `key`, with at most tool results between (Claude Code writes a result
        as soon as its tool finishes, before the next tool_use line of the same response).
        Without a key, only directly adjacent items are one response (Codex)."""
        i = len(self.stream) - 1
        if turn.key is not None:
            while i >= 0 and self.stream[i].kind == "result":
                i -= 1
        last = self.stream[i] if i >= 0 else None
        if last is not None and last.kind == "assistant" and last.key == turn.key:
            last.text += turn.text
            last.reasoning += turn.reasoning
            last.calls += turn.calls
            last.last_line = turn.last_line
            last.model = turn.model or last.model
            last.version = turn.version or last.version
            last.timestamp = turn.timestamp or last.timestamp
            return last
        self.stream.append(turn)
        return turn


@dataclass(slots=True)
class Exchange:
    request: Turn
    body: list[Turn] = field(default_factory=list)
    interrupted: bool = False
    ignored: bool = False
    reply: str | None = None
    """The next request's text: the user's reply to this exchange (None when a boundary such as a
    local command came first, or the next request is one `ignore_request` leaves out)."""

    def completed(self, results: dict[str, Result]) -> bool:
        if self.interrupted or not self.body:
            return False
        last = self.body[-1]
        if last.kind != "assistant" or last.calls or not last.text:
            return False
        return all(c.id in results for t in self.body for c in t.calls)


def split_exchanges(session: Session, opts: CaptureOptions, result: ImportResult) -> list[Exchange]:
    out: list[Exchange] = []
    current: Exchange | None = None
    for turn in session.stream:
        if turn.kind == "request":
            text = "\n\n".join(turn.text)
            ignored = opts.ignore_request is not None and opts.ignore_request(text)
            if current is not None and not ignored:
                current.reply = text
            current = Exchange(turn, ignored=ignored)
            out.append(current)
        elif turn.kind == "boundary":
            current = None
        elif turn.kind == "interrupt":
            if current is not None:
                current.interrupted = True
        elif turn.kind == "queued" and current is None:
            current = Exchange(turn)  # nothing was running: it is the request
            out.append(current)
        elif turn.kind in ("assistant", "queued"):
            if current is None:
                result.skipped["answer_without_request"] += 1
            else:
                current.body.append(turn)
    return out


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().casefold()


def select(session: Session, opts: CaptureOptions, result: ImportResult) -> list[Exchange]:
    called = {c.id for turn in session.stream for c in turn.calls}
    orphans = sum(1 for call_id in session.results if call_id not in called)
    if orphans:
        result.skipped["orphan_tool_result"] += orphans  # its call is on another branch or missing
    exchanges = [e for e in split_exchanges(session, opts, result) if not e.ignored]
    done = [e for e in exchanges if e.completed(session.results)]
    incomplete = len(exchanges) - len(done)
    if incomplete:
        result.skipped["incomplete_exchange"] += incomplete
    if opts.since_prompt is not None:
        needle = _normalise(opts.since_prompt)
        starts = [e for e in exchanges if needle in _normalise("\n\n".join(e.request.text))]
        if not starts:
            raise TranscriptError(f"{session.file}: no user request contains the since_prompt text")
        first = starts[-1].request.first_line
        return [e for e in done if e.request.first_line >= first]
    if opts.whole_session:
        return done
    return done[-(opts.turns or 1) :]


# -- messages ------------------------------------------------------------------------------------
def _assistant_message(turn: Turn, keep_reasoning: bool) -> dict[str, Any] | None:
    msg: dict[str, Any] = {"role": "assistant"}
    text = "\n\n".join(turn.text)
    if text:
        msg["content"] = text
    if turn.calls:
        msg["tool_calls"] = [
            {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}} for c in turn.calls
        ]
    if len(msg) == 1:
        return None  # thinking only: nothing a chat format can hold
    if keep_reasoning and turn.reasoning:
        msg["reasoning"] = "\n\n".join(turn.reasoning)
    return msg


def _tool_message(res: Result) -> dict[str, Any]:
    content = res.content if res.content.strip() else NO_OUTPUT
    if res.is_error:
        content = TOOL_ERROR_PREFIX + content
    return {"role": "tool", "tool_call_id": res.call_id, "content": content}


def _size(ex: Exchange, results: dict[str, Result]) -> int:
    n = sum(len(t) for t in ex.request.text)
    for turn in ex.body:
        n += sum(map(len, turn.text)) + sum(len(c.arguments) for c in turn.calls)
        n += sum(len(results[c.id].content) for c in turn.calls if c.id in results)
    return n


def chunk(exchanges: list[Exchange], results: dict[str, Result], max_chars: int) -> list[list[Exchange]]:
    """Consecutive exchanges packed up to `max_chars`; never split inside an exchange."""
    chunks: list[list[Exchange]] = []
    size = 0
    for ex in exchanges:
        n = _size(ex, results)
        if chunks and size + n <= max_chars:
            chunks[-1].append(ex)
            size += n
        else:
            chunks.append([ex])
            size = n
    return chunks


def build_example(
    session: Session, part: list[Exchange], opts: CaptureOptions, result: ImportResult
) -> dict[str, Any]:
    messages: list[dict[str, Any]] = []
    system = session.system_prompt if opts.keep_system_prompt else None
    first_line = part[0].request.first_line
    if opts.keep_compaction_summary:
        before = [text for line, text in session.summaries if line < first_line]
        if before:
            system = f"{system}\n\n{before[-1]}" if system else before[-1]
    if system:
        messages.append({"role": "system", "content": system})
    lines: list[int] = []
    tools: set[str] = set()
    errors: list[str] = []
    agents: list[dict[str, str]] = []
    images = queued = 0
    model = version = started = ended = None
    for ex in part:
        messages.append({"role": "user", "content": "\n\n".join(ex.request.text)})
        lines += [ex.request.first_line, ex.request.last_line]
        images += ex.request.images
        started = started or ex.request.timestamp
        for turn in ex.body:
            lines += [turn.first_line, turn.last_line]
            if turn.kind == "queued":
                messages.append({"role": "user", "content": "\n\n".join(turn.text)})
                queued += 1
                continue
            model = turn.model or model
            version = turn.version or version
            ended = turn.timestamp or ended
            msg = _assistant_message(turn, opts.keep_reasoning)
            if msg is None:
                result.skipped["reasoning_only_message"] += 1
                continue
            messages.append(msg)
            for call in turn.calls:
                tools.add(call.name)
                res = session.results[call.id]
                lines.append(res.line)
                images += res.images
                messages.append(_tool_message(res))
                if res.is_error:
                    errors.append(call.id)
                if res.agent_id:
                    agents.append({"agent_id": res.agent_id, "tool_call_id": call.id})
    source: dict[str, Any] = {
        "format": session.format,
        "importer": IMPORTER_VERSION,
        "file": session.file,
        "lines": [min(lines), max(lines)],
        "exchanges": len(part),
    }
    info = dict(session.info)
    info["host_version"] = version or info.get("host_version")
    info["model"] = model or info.get("model")
    info["started_at"], info["ended_at"] = started, ended
    source.update({k: v for k, v in info.items() if v is not None})
    source["tools_used"] = sorted(tools)
    if errors:
        source["tool_errors"] = errors
    if agents:
        source["subagents"] = agents
    if queued:
        source["queued_messages"] = queued  # user messages delivered while the agent worked
    if images:
        # The chat formats carry text only: a request about a screenshot is stored without it,
        # and whoever reads or captures the example must be able to tell.
        source["images_dropped"] = images
    return {"messages": messages, "metadata": {"source": source}}


def examples_from(session: Session, opts: CaptureOptions, result: ImportResult) -> list[dict[str, Any]]:
    """The selected exchanges of one session as examples (split when over `max_chars`)."""
    chosen = select(session, opts, result)
    if not chosen:
        result.note(f"{session.file}: no completed exchange to import")
        return []
    parts = chunk(chosen, session.results, opts.max_chars)
    for long in (e for e in chosen if _size(e, session.results) > opts.max_chars):
        where = f"lines {long.request.first_line}-{long.body[-1].last_line}"
        result.note(f"{session.file}: the exchange at {where} is longer than max_chars; kept whole")
    out = []
    for i, part in enumerate(parts, 1):
        ex = build_example(session, part, opts, result)
        if len(parts) > 1:
            ex["metadata"]["source"]["part"] = [i, len(parts)]
        if part[-1].reply is not None:
            result.set_reply(ex, part[-1].reply)
        out.append(ex)
    return out


def arguments_json(value: Any) -> str:
    """Tool arguments as the JSON object text the chat format wants.

    Objects are encoded; a string that already holds a JSON object is kept as written; any other
    value (a raw patch, a redacted placeholder) is wrapped as `{"input": value}`.
    """
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, str):
        try:
            if isinstance(json.loads(value), dict):
                return value
        except (ValueError, RecursionError):
            pass
    return json.dumps({"input": value}, ensure_ascii=False)
