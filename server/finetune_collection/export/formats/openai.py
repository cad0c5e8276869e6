"""OpenAI chat fine-tuning: one `{"messages": [...]}` object per line.

Shape and rules: OpenAI's data-preparation notebook (openai/openai-cookbook,
`examples/Chat_finetuning_data_prep.ipynb`; error names below) and the per-line schema of the
fine-tuning API (`tools`, assistant `tool_calls` with JSON-string `arguments`, `tool`
messages, `weight` 0/1 on assistant messages).

Rules (skip the example):
- `data_type`, `missing_messages_list`, `message_missing_key`, `message_unrecognized_key`,
  `unrecognized_role`, `missing_content`, `example_missing_assistant_message` — the notebook's.
  The notebook predates tool calling, so its allowed keys and roles are widened with
  `tool_calls`, `tool_call_id` and the `tool` role as the schema documents.
- `unrecognized_key`: a top-level key other than messages/tools/parallel_tool_calls/functions.
- `invalid_weight`: weight not 0/1, or on a non-assistant message.
- `invalid_tool_call`: a tool call without id, a function name that is not 1–64 letters, digits,
  underscores or hyphens (the API's pattern), or `arguments` not a JSON string.
- `duplicate_tool_call_id`: two tool calls of one conversation with the same id.
- `unknown_tool_call_id`: a tool message answering no earlier call.
- `unanswered_tool_call`: a tool call with no tool message before the conversation goes on (a
  final assistant turn of calls, which teaches the model to call, needs none).
- `invalid_tool_definition`: a `tools` entry that is not `{"type": "function", "function": {name,
  description?, parameters?, strict?}}` with such a name and an object of parameters.
Warnings (kept, reported): `missing_system_message`, `missing_user_message` (the notebook counts
them); over the token limit (longer examples are truncated). The notebook's 4,096 is a gpt-3.5-0613
figure; the limit is now per model (`MODELS`), overridable with `export.token_limits`.
"""

from __future__ import annotations

import json
import re
from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys, decoded_arguments

ROLES = {"system", "user", "assistant", "function", "tool"}
MESSAGE_KEYS = {"role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id"}
TOP_KEYS = {"messages", "tools", "parallel_tool_calls", "functions"}
FUNCTION_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")
FUNCTION_KEYS = {"name", "description", "parameters", "strict"}

# Training-example context length per model. gpt-4o and gpt-4o-mini: 65,536 ("Training example
# context length", Azure OpenAI fine-tuning models table, learn.microsoft.com
# azure/ai-foundry/openai/concepts/models, checked 2026-12-02); gpt-3.5-turbo-0125: 16,385 (the
# model's context window, which openai/openai-cookbook PR #1178 made the notebook's limit).
MODELS = {
    "gpt-4o-mini-2024-07-18": 65_536,
    "gpt-4o-2024-08-06": 65_536,
    "gpt-3.5-turbo-0125": 16_385,
}


def render_messages(conv: Conversation, weight: bool = True, object_args: bool = False) -> list[dict[str, Any]]:
    """OpenAI-style messages. `object_args`: tool-call arguments as objects, as the Hugging Face
    chat templates (Qwen2.5, Llama 3.1) expect; a JSON string would be trained as an escaped string."""
    out: list[dict[str, Any]] = []
    if conv.system:
        out.append({"role": "system", "content": conv.system})
    for t in conv.turns:
        m: dict[str, Any] = {"role": t["role"], "content": t.get("content")}
        for key in ("name", "tool_calls", "tool_call_id") + (("weight",) if weight else ()):
            if t.get(key) is not None:
                m[key] = t[key]
        if object_args and m.get("tool_calls"):
            m["tool_calls"] = [
                {**c, "function": {**c["function"], "arguments": decoded_arguments(c)}} for c in m["tool_calls"]
            ]
        out.append(m)
    return out


def render_tools(conv: Conversation) -> list[dict[str, Any]] | None:
    return [{"type": "function", "function": fn} for fn in conv.tools] if conv.tools else None


def with_tools(record: Record, conv: Conversation) -> Record:
    """The record plus `tools` (OpenAI function format) when the example defines any."""
    tools = render_tools(conv)
    if tools:
        record["tools"] = tools
    return record


def render(conv: Conversation) -> Record:
    record: Record = {"messages": render_messages(conv)}
    return with_tools(record, conv)


def check_tools(tools: Any, strict: bool = True) -> list[Problem]:
    """OpenAI's `tools` list (absent or null is fine). `strict`: the API's name pattern and no keys
    beyond its function object (it refuses both); the Hugging Face shapes only need a name."""
    if tools is None:
        return []
    if not isinstance(tools, list):
        return [Problem("invalid_tool_definition", "tools must be a list")]
    for i, tool in enumerate(tools):
        fn = tool.get("function") if isinstance(tool, dict) else None
        ok = (
            isinstance(tool, dict) and tool.get("type") == "function" and isinstance(fn, dict)
            and _named(fn, strict)
            and isinstance(fn.get("parameters", {}), dict) and isinstance(fn.get("description", ""), str)
            and not (strict and (set(tool) != {"type", "function"} or not set(fn) <= FUNCTION_KEYS))
        )
        if not ok:
            named = "a name of 1-64 letters, digits, _ or -" if strict else "a name"
            return [Problem("invalid_tool_definition",
                            f"tool {i} must be {{type: function, function: {{name, description, parameters}}}} "
                            f"with {named}")]
    return []


def _named(fn: dict[str, Any], strict: bool) -> bool:
    name = fn.get("name")
    return isinstance(name, str) and (FUNCTION_NAME.fullmatch(name) is not None if strict else bool(name.strip()))


def check_messages(messages: Any, roles: set[str], keys: set[str], object_args: bool = False) -> list[Problem]:
    """The notebook's per-message checks, shared with the formats that use the messages shape.
    `object_args`: the Hugging Face shapes: tool-call arguments must be JSON objects, not JSON
    strings (OpenAI), and a name need not follow OpenAI's pattern (chat templates print any)."""
    if not isinstance(messages, list) or not messages:
        return [Problem("missing_messages_list", "no messages, or not a non-empty list")]
    problems: list[Problem] = []
    calls: set[str] = set()
    waiting: set[str] = set()  # calls of the latest assistant turn not answered yet
    for i, m in enumerate(messages):
        where = f"message {i}"
        if not isinstance(m, dict):
            problems.append(Problem("data_type", f"{where} is not an object"))
            continue
        if m.get("role") != "tool" and waiting:
            problems.append(Problem("unanswered_tool_call", f"{where} follows a tool call with no result"))
            waiting = set()
        if "role" not in m or "content" not in m:
            problems.append(Problem("message_missing_key", f"{where} lacks role or content"))
        if not m.keys() <= keys:
            problems += check_keys(m, keys, "message_unrecognized_key", where)
        role = m.get("role")
        if role not in roles:
            problems.append(Problem("unrecognized_role", f"{where} has role {str(role)[:20]!r}"))
        content, tool_calls = m.get("content"), m.get("tool_calls")
        # Stricter than the notebook: a blank (whitespace-only) text counts as missing.
        if (content is not None and not isinstance(content, str)) or not (
            (content and content.strip()) or m.get("function_call") or tool_calls
        ):
            problems.append(Problem("missing_content", f"{where} has no text and no tool call"))
        if "weight" in m and (m["weight"] not in (0, 1) or role != "assistant"):
            problems.append(Problem("invalid_weight", f"{where}: weight must be 0 or 1 on an assistant message"))
        for call in tool_calls or []:
            fn = call.get("function") if isinstance(call, dict) else None
            ok = isinstance(fn, dict) and call.get("id") and _named(fn, strict=not object_args)
            args = fn.get("arguments") if isinstance(fn, dict) else None
            if object_args:
                ok = bool(ok) and isinstance(args, dict)
            elif ok and isinstance(args, str):
                try:
                    json.loads(args)
                except ValueError:
                    ok = False
            else:
                ok = False
            if not ok:
                shape = "object" if object_args else "JSON-string"
                named = "a name of 1-64 letters, digits, _ or -" if not object_args else "a name"
                detail = f"{where}: a tool call needs an id, {named} and {shape} arguments"
                problems.append(Problem("invalid_tool_call", detail))
            elif call["id"] in calls:
                problems.append(Problem("duplicate_tool_call_id", f"{where}: a tool call id is used twice"))
            else:
                calls.add(call["id"])
                waiting.add(call["id"])
        if role == "tool":
            if m.get("tool_call_id") not in calls:
                problems.append(Problem("unknown_tool_call_id", f"{where} answers no earlier tool call"))
            waiting.discard(str(m.get("tool_call_id")))
    if waiting and isinstance(messages[-1], dict) and messages[-1].get("role") == "tool":
        problems.append(Problem("unanswered_tool_call", "the conversation ends before every tool call has a result"))
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append(Problem("example_missing_assistant_message", "no assistant message"))
    return problems


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, TOP_KEYS, "unrecognized_key", "record") + check_tools(record.get("tools"))
    messages = record.get("messages")
    problems += check_messages(messages, ROLES, MESSAGE_KEYS)
    if isinstance(messages, list):
        roles = {m.get("role") for m in messages if isinstance(m, dict)}
        if "system" not in roles:
            problems.append(Problem("missing_system_message", "no system message", fatal=False))
        if "user" not in roles:
            problems.append(Problem("missing_user_message", "no user message", fatal=False))
    return problems


FORMAT = Format(
    name="openai",
    summary="OpenAI chat fine-tuning (messages, tools, weight)",
    render=render,
    validate=validate,
    system_field=False,
    min_examples=10,  # the fine-tuning guide: minimum 10, gains from 50-100
    limit_is_hard=False,
    models=MODELS,
    weight_lost=None,
    sources=(
        "OpenAI cookbook `examples/Chat_finetuning_data_prep.ipynb` (openai/openai-cookbook)",
        "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/concepts/models#fine-tuning-models",
    ),
)
