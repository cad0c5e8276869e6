"""Fine-tuning files people already have (and our own exports) → examples.

Formats, as `export/formats/` writes them (each module cites its target's documentation):
- `openai` / `hf-messages`: `{"messages": [...], "tools": [...]}` per line. Roles system, user,
  assistant, tool; `tool_calls` with JSON-string arguments; `weight` (openai only). Content may
  also be a list of parts (`{"type": "text", "text"|"value"}`, LLaMA-Factory's `reasoning` and
  `tool_call` parts); a `tool` message without `tool_call_id` answers the oldest open call.
- `axolotl`: the `hf-messages` shape with Axolotl's per-message `train` flag; an assistant turn
  with `train: false` comes back as `weight: 0` (in any messages file: an axolotl export read as
  `openai` keeps the turns it excluded excluded).
- `sharegpt`: `{"conversations": [{"from", "value"}], "system", "tools"}`; tags human/gpt/
  function_call/observation (also user/assistant/tool). Calls carry no ids, so they get
  `call_1`, `call_2`… in order and each observation answers the oldest open call.
- `alpaca`: `{"instruction", "input", "output", "system", "history"}`; the user turn is
  `instruction\\ninput`, as the trainers build it.
A file is JSONL, or one JSON array of records (LLaMA-Factory's demo files). A conversation that
is exactly (system,) user, assistant in plain text becomes the single-turn `input`/`output`
shape, so our own exports read back into what was stored; anything else becomes `messages`.
A record that cannot be an example is skipped with its line (or record) number and the rule.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, cast

from ..model import ExampleIn, describe_validation_error
from .exchange import arguments_json
from .lines import Line, parse_lines, read_bytes
from .result import IMPORTER_VERSION, SKIP_REASONS, ImportResult, TranscriptError

ROLES = {"system", "user", "assistant", "tool"}
SHAREGPT_TAGS = {
    "human": "user",
    "user": "user",
    "gpt": "assistant",
    "assistant": "assistant",
    "model": "assistant",
    "system": "system",
    "function_call": "call",
    "observation": "tool",
    "tool": "tool",
    "function": "tool",
}


class Skip(Exception):
    """This record cannot become an example; `rule` is a stable reason code."""

    def __init__(self, rule: str, detail: str = "") -> None:
        super().__init__(rule)
        self.rule = rule
        self.detail = detail


class _Calls:
    """Ids for calls written without one, and which call an id-less result answers (oldest first)."""

    def __init__(self) -> None:
        self.count = 0
        self.open: list[str] = []

    def new_id(self) -> str:
        self.count += 1
        return f"call_{self.count}"

    def opened(self, call_id: str) -> None:
        self.open.append(call_id)

    def answer(self, call_id: str | None) -> str:
        if call_id is None:
            if not self.open:
                raise Skip("result_without_call", "a tool result follows no open call")
            return self.open.pop(0)
        if call_id in self.open:
            self.open.remove(call_id)
        return call_id


def _call(spec: Any, calls: _Calls, call_id: Any = None) -> dict[str, Any]:
    """`{"name", "arguments"}` (sharegpt, LLaMA-Factory) or OpenAI's `{"id", "function": {…}}`."""
    if isinstance(spec, str):
        try:
            spec = json.loads(spec)
        except (ValueError, RecursionError):
            raise Skip("invalid_tool_call", "a tool call is not JSON") from None
    if not isinstance(spec, dict):
        raise Skip("invalid_tool_call", "a tool call is not an object")
    fn: dict[str, Any] = spec["function"] if isinstance(spec.get("function"), dict) else spec
    name = fn.get("name")
    if not isinstance(name, str) or not name:
        raise Skip("invalid_tool_call", "a tool call has no name")
    cid = call_id or spec.get("id")
    cid = cid if isinstance(cid, str) and cid else calls.new_id()
    calls.opened(cid)
    args = fn.get("arguments", {})
    return {"id": cid, "type": "function", "function": {"name": name, "arguments": arguments_json(args)}}


def _parts(content: Any, result: ImportResult, calls: _Calls) -> tuple[str | None, list[str], list[dict[str, Any]]]:
    """Text, reasoning and tool calls of a message's content (a string or a list of parts)."""
    if content is None or isinstance(content, str):
        return content, [], []
    if not isinstance(content, list):
        raise Skip("missing_content", "content is neither text nor a list of parts")
    texts: list[str] = []
    reasoning: list[str] = []
    tool_calls: list[dict[str, Any]] = []
    for part in content:
        kind = part.get("type") if isinstance(part, dict) else None
        value = part.get("text", part.get("value")) if isinstance(part, dict) else None
        if kind == "text" and isinstance(value, str):
            texts.append(value)
        elif kind == "reasoning" and isinstance(value, str):
            reasoning.append(value)
        elif kind == "tool_call":
            tool_calls.append(_call(value, calls))
        elif kind in ("image", "image_url", "input_image"):
            result.skipped["image_block"] += 1
        else:
            result.skipped["unknown_block"] += 1
    return ("\n".join(texts) or None), reasoning, tool_calls


def _from_messages(
    record: dict[str, Any], result: ImportResult, keep_reasoning: bool, weight: bool
) -> tuple[list[dict[str, Any]], Any]:
    messages = record.get("messages")
    if not isinstance(messages, list) or not messages:
        raise Skip("missing_messages_list", "no messages, or not a non-empty list")
    calls = _Calls()
    out: list[dict[str, Any]] = []
    for i, m in enumerate(messages):
        if not isinstance(m, dict):
            raise Skip("data_type", f"message {i} is not an object")
        role = m.get("role")
        if not isinstance(role, str) or role not in ROLES:
            raise Skip("unrecognized_role", f"message {i} has an unknown role")
        text, reasoning, part_calls = _parts(m.get("content"), result, calls)
        msg: dict[str, Any] = {"role": role}
        if text:
            msg["content"] = text
        tool_calls = [_call(c, calls) for c in m.get("tool_calls") or []] + part_calls
        if tool_calls:
            msg["tool_calls"] = tool_calls
        if role == "tool":
            given = m.get("tool_call_id")
            msg["tool_call_id"] = calls.answer(given if isinstance(given, str) and given else None)
        if isinstance(m.get("name"), str) and m["name"]:
            msg["name"] = m["name"]
        if weight and m.get("weight") in (0, 1):
            msg["weight"] = m["weight"]
        elif role == "assistant" and m.get("train") is False:
            msg["weight"] = 0
        if keep_reasoning and reasoning:
            msg["reasoning"] = "\n".join(reasoning)
        out.append(msg)
    images = record.get("images")
    if isinstance(images, list) and images:
        result.skipped["image_block"] += len(images)
    return out, record.get("tools")


def _openai(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> tuple[list[dict[str, Any]], Any]:
    return _from_messages(record, result, keep_reasoning, weight=True)


def _hf_messages(
    record: dict[str, Any], result: ImportResult, keep_reasoning: bool
) -> tuple[list[dict[str, Any]], Any]:
    return _from_messages(record, result, keep_reasoning, weight=False)


def _sharegpt(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> tuple[list[dict[str, Any]], Any]:
    turns = record.get("conversations")
    if not isinstance(turns, list) or not turns:
        raise Skip("missing_conversations", "no conversations, or not a non-empty list")
    calls = _Calls()
    out: list[dict[str, Any]] = []
    system = record.get("system")
    if isinstance(system, str) and system.strip():
        out.append({"role": "system", "content": system})
    for i, t in enumerate(turns):
        if not isinstance(t, dict):
            raise Skip("data_type", f"turn {i} is not an object")
        tag = t.get("from")
        role = SHAREGPT_TAGS.get(tag) if isinstance(tag, str) else None
        value = t.get("value")
        if role is None:
            raise Skip("unrecognized_role", f"turn {i} has an unknown tag")
        if not isinstance(value, str):
            raise Skip("missing_content", f"turn {i} has no text value")
        if role == "call":
            try:
                spec = json.loads(value)
            except (ValueError, RecursionError):
                raise Skip("invalid_tool_call", f"turn {i} is not JSON") from None
            specs = spec if isinstance(spec, list) else [spec]
            out.append({"role": "assistant", "tool_calls": [_call(s, calls) for s in specs]})
        elif role == "tool":
            out.append({"role": "tool", "tool_call_id": calls.answer(None), "content": value})
        else:
            out.append({"role": role, "content": value})
    return out, record.get("tools")


def _alpaca(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> tuple[list[dict[str, Any]], Any]:
    instruction, output = record.get("instruction"), record.get("output")
    if not isinstance(instruction, str) or not instruction.strip():
        raise Skip("missing_instruction", "instruction must be a non-empty string")
    if not isinstance(output, str) or not output.strip():
        raise Skip("missing_output", "output must be a non-empty string")
    extra = record.get("input")
    user = f"{instruction}\n{extra}" if isinstance(extra, str) and extra.strip() else instruction
    out: list[dict[str, Any]] = []
    system = record.get("system")
    if isinstance(system, str) and system.strip():
        out.append({"role": "system", "content": system})
    history = record.get("history") or []
    if not isinstance(history, list):
        raise Skip("invalid_history", "history must be [question, answer] pairs")
    for pair in history:
        if not (isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) for x in pair)):
            raise Skip("invalid_history", "history must be [question, answer] pairs")
        out += [{"role": "user", "content": pair[0]}, {"role": "assistant", "content": pair[1]}]
    out += [{"role": "user", "content": user}, {"role": "assistant", "content": output}]
    return out, None


Reader = Callable[[dict[str, Any], ImportResult, bool], tuple[list[dict[str, Any]], Any]]
READERS: dict[str, Reader] = {
    "openai": _openai,
    "hf-messages": _hf_messages,
    "axolotl": _hf_messages,
    "sharegpt": _sharegpt,
    "alpaca": _alpaca,
}


def _tools(value: Any) -> list[dict[str, Any]] | None:
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except (ValueError, RecursionError):
            raise Skip("invalid_tools", "tools is not JSON") from None
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise Skip("invalid_tools", "tools must be a list of function declarations")
    return value


def _plain(m: dict[str, Any], role: str) -> bool:
    return m["role"] == role and set(m) == {"role", "content"}


def to_example(messages: list[dict[str, Any]], tools: list[dict[str, Any]] | None) -> dict[str, Any]:
    """`input`/`output` for a plain (system,) user, assistant exchange; `messages` otherwise."""
    body = messages[1:] if messages and _plain(messages[0], "system") else messages
    if not tools and len(body) == 2 and _plain(body[0], "user") and _plain(body[1], "assistant"):
        inp: dict[str, Any] = {"user": body[0]["content"]}
        if body is not messages:
            inp = {"system": messages[0]["content"], **inp}
        return {"input": inp, "output": {"assistant": body[1]["content"]}}
    example: dict[str, Any] = {"messages": messages}
    if tools:
        example["tools"] = tools
    return example


def _records(data: bytes, name: str, result: ImportResult) -> list[Line]:
    if data.lstrip()[:1] == b"[":
        try:
            items = json.loads(data)
        except (ValueError, RecursionError):
            raise TranscriptError(f"{name}: starts like a JSON array but does not parse as one") from None
        result.lines += len(items)
        out = []
        for i, item in enumerate(items, 1):
            if isinstance(item, dict):
                out.append(Line(i, item))
            else:
                result.skipped["not_an_object"] += 1
                result.invalid.append((i, f"not_an_object: {SKIP_REASONS['not_an_object']}"))
        return out
    lines = parse_lines(data, name, result)
    _unreadable_lines(data, {line.number for line in lines}, result)
    return lines


def _unreadable_lines(data: bytes, read: set[int], result: ImportResult) -> None:
    """The line numbers parse_lines counted but did not return, each with its rule (parsed
    again here: only those lines, which are few)."""
    raw = data.split(b"\n")
    last = len(raw) - 1 if raw[-1] == b"" else len(raw)
    for number, chunk in enumerate(raw[:last], 1):
        if number in read or not chunk.strip():
            continue
        try:
            json.loads(chunk)
            rule = "not_an_object"
        except (ValueError, RecursionError):
            rule = "torn_last_line" if number == last and raw[-1] != b"" else "invalid_json"
        result.invalid.append((number, f"{rule}: {SKIP_REASONS[rule]}"))


def read_training_file(path: Path, fmt: str, *, keep_reasoning: bool = False) -> ImportResult:
    """Every record of an openai / hf-messages / sharegpt / alpaca file as an example."""
    reader = READERS.get(fmt)
    if reader is None:
        raise TranscriptError(f"format {fmt[:30]!r} is not one of {', '.join(sorted(READERS))}")
    result = ImportResult(files=1)
    where: dict[str, list[int]] = {}
    for rec in _records(read_bytes(path), path.name, result):
        try:
            messages, tools = reader(rec.obj, result, keep_reasoning)
            example = to_example(messages, _tools(tools))
            ExampleIn.model_validate(example)
        except Skip as skip:
            where.setdefault(skip.rule, []).append(rec.number)
            result.invalid.append((rec.number, f"{skip.rule}: {skip.detail}" if skip.detail else skip.rule))
            continue
        except ValueError as err:  # pydantic's ValidationError is a ValueError; this package stays pydantic-free
            where.setdefault("invalid_example", []).append(rec.number)
            detail = describe_validation_error(cast(Any, err)) if hasattr(err, "errors") else "not a valid example"
            result.invalid.append((rec.number, f"invalid_example: {detail}"))
            if len(where["invalid_example"]) <= 3:
                result.note(f"{path.name}: record {rec.number}: {detail}")
            continue
        example["metadata"] = {
            "source": {"format": fmt, "importer": IMPORTER_VERSION, "file": path.name, "lines": [rec.number] * 2}
        }
        result.examples.append(example)
    for rule, numbers in where.items():
        result.skipped[rule] += len(numbers)
        shown = ", ".join(map(str, numbers[:5])) + (f" and {len(numbers) - 5} more" if len(numbers) > 5 else "")
        result.note(f"{path.name}: record(s) {shown} skipped: {rule}")
    images = result.skipped.get("image_block", 0)
    if images:
        result.note(f"{path.name}: {images} image(s) dropped (the chat formats carry text only)")
    return result
