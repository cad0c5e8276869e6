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
- `invalid_tool_call`: a tool call without id/function name, or `arguments` not a JSON string.
- `unknown_tool_call_id`: a tool message answering no earlier call.
Warnings (kept, reported): `missing_system_message`, `missing_user_message` (the notebook counts
them); over the token limit (longer examples are truncated). The notebook's 4,096 is a gpt-3.5-0613
figure; the limit is now per model (`MODELS`), overridable with `export.token_limits`.
"""

from __future__ import annotations

import json
from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys, decoded_arguments

ROLES = {"system", "user", "assistant", "function", "tool"}
MESSAGE_KEYS = {"role", "content", "name", "function_call", "weight", "tool_calls", "tool_call_id"}
TOP_KEYS = {"messages", "tools", "parallel_tool_calls", "functions"}

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


def check_messages(messages: Any, roles: set[str], keys: set[str], object_args: bool = False) -> list[Problem]:
    """The notebook's per-message checks, shared with the formats that use the messages shape.
    `object_args`: tool-call arguments must be JSON objects (Hugging Face), not JSON strings (OpenAI)."""
    if not isinstance(messages, list) or not messages:
        return [Problem("missing_messages_list", "no messages, or not a non-empty list")]
    problems: list[Problem] = []
    calls: set[str] = set()
    for i, m in enumerate(messages):
        where = f"message {i}"
        if not isinstance(m, dict):
            problems.append(Problem("data_type", f"{where} is not an object"))
            continue
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
            ok = isinstance(fn, dict) and call.get("id") and fn.get("name")
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
                detail = f"{where}: a tool call needs id, name and {shape} arguments"
                problems.append(Problem("invalid_tool_call", detail))
            else:
                calls.add(call["id"])
        if role == "tool" and m.get("tool_call_id") not in calls:
            problems.append(Problem("unknown_tool_call_id", f"{where} answers no earlier tool call"))
    if not any(isinstance(m, dict) and m.get("role") == "assistant" for m in messages):
        problems.append(Problem("example_missing_assistant_message", "no assistant message"))
    return problems


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, TOP_KEYS, "unrecognized_key", "record")
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
