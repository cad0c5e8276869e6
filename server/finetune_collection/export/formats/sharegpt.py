"""ShareGPT for LLaMA-Factory, Axolotl and Unsloth: `{"conversations": [{from, value}], "system", "tools"}`.

LLaMA-Factory `data/README.md` (hiyouga/LLaMA-Factory) and Axolotl's dataset-format docs. Tags:
human, gpt, function_call, observation. A tool call's value is the
JSON text `{"name": …, "arguments": {…}}` (a JSON list for parallel calls in one turn, whose
results become one observation turn holding the JSON list of the result texts, as LLaMA-Factory's
tool templates read them); `tools` is the JSON text of the function declarations. Every record has
`system` ("" when unused) and `tools` ("[]" when unused: LLaMA-Factory formats no tool prompt for
an empty list): a file where only some records have them loads as a table with nulls there, and
Axolotl then builds a system turn with no content. A `weight: 0`
turn is not carried (reported as `weight_not_carried`).

Rules: `data_type`; `unrecognized_key` (conversations, system, tools); `missing_conversations`;
`message_missing_key` (from or value); `message_unrecognized_key`; `unrecognized_role` (a tag
outside the four); `missing_content` (value not a non-empty string); `odd_even_position`
(LLaMA-Factory: human/observation at odd positions, gpt/function_call at even ones, 1-based);
`odd_number_of_turns` (LLaMA-Factory drops a conversation that does not end on an answer);
`example_missing_assistant_message`; `invalid_system`, `invalid_tools` (not strings).
Not representable: a stored system turn not at the start (a leading one moves to `system`), an
assistant turn with both text and tool calls (`text_and_tool_call_in_one_turn`: ShareGPT has one
value per turn).
"""

from __future__ import annotations

import json
from typing import Any

from ..base import (
    Conversation,
    Format,
    Problem,
    Record,
    Unrepresentable,
    check_keys,
    decoded_arguments,
    nonempty_str,
    reject_system_turn,
)

TAGS = {"user": "human", "assistant": "gpt", "tool": "observation"}
ODD, EVEN = {"human", "observation"}, {"gpt", "function_call"}


def _call(call: dict[str, Any]) -> dict[str, Any]:
    return {"name": call["function"]["name"], "arguments": decoded_arguments(call)}


def render(conv: Conversation) -> Record:
    reject_system_turn(conv)
    turns: list[dict[str, str]] = []
    results: list[str] = []  # tool results of one parallel call, merged into one observation

    def flush() -> None:
        if results:
            value = results[0] if len(results) == 1 else json.dumps(results, ensure_ascii=False)
            turns.append({"from": "observation", "value": value})
            results.clear()

    for i, t in enumerate(conv.turns):
        if t["role"] == "tool":
            results.append(t.get("content") or "")
            continue
        flush()
        calls = t.get("tool_calls")
        if calls:
            if t.get("content"):
                raise Unrepresentable("text_and_tool_call_in_one_turn", f"turn {i} has text and tool calls")
            value = [_call(c) for c in calls] if len(calls) > 1 else _call(calls[0])
            turns.append({"from": "function_call", "value": json.dumps(value, ensure_ascii=False)})
        else:
            turns.append({"from": TAGS.get(t["role"], t["role"]), "value": t.get("content") or ""})
    flush()
    record: Record = {"conversations": turns, "system": conv.system or ""}
    record["tools"] = json.dumps(conv.tools or [], ensure_ascii=False)
    return record


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"conversations", "system", "tools"}, "unrecognized_key", "record")
    if "system" in record and not isinstance(record["system"], str):
        problems.append(Problem("invalid_system", "system must be a string"))
    if "tools" in record and not isinstance(record["tools"], str):
        problems.append(Problem("invalid_tools", "tools must be a JSON string"))
    turns = record.get("conversations")
    if not isinstance(turns, list) or not turns:
        return problems + [Problem("missing_conversations", "no conversations, or not a non-empty list")]
    for i, t in enumerate(turns):
        where = f"turn {i}"
        if not isinstance(t, dict):
            problems.append(Problem("data_type", f"{where} is not an object"))
            continue
        if "from" not in t or "value" not in t:
            problems.append(Problem("message_missing_key", f"{where} lacks from or value"))
        problems += check_keys(t, {"from", "value"}, "message_unrecognized_key", where)
        tag = t.get("from")
        if tag not in ODD | EVEN:
            problems.append(Problem("unrecognized_role", f"{where} has from {str(tag)[:20]!r}"))
        elif tag not in (ODD if i % 2 == 0 else EVEN):
            problems.append(Problem("odd_even_position", f"{where} (position {i + 1}) is {tag}"))
        if not nonempty_str(t.get("value")):
            problems.append(Problem("missing_content", f"{where} has no text"))
    if len(turns) % 2:
        problems.append(Problem("odd_number_of_turns", f"{len(turns)} turns; the last one is not an answer"))
    if not any(isinstance(t, dict) and t.get("from") == "gpt" for t in turns):
        problems.append(Problem("example_missing_assistant_message", "no gpt turn"))
    return problems


FORMAT = Format(
    name="sharegpt",
    summary="ShareGPT conversations for LLaMA-Factory (Axolotl deprecated its sharegpt type: use axolotl)",
    render=render,
    validate=validate,
    system_field=True,
    uniform_keys={"conversations": [], "system": "", "tools": "[]"},
    sources=("hiyouga/LLaMA-Factory: data/README.md", "https://docs.axolotl.ai/docs/dataset-formats/",),
)
