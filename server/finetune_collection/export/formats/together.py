"""Together AI conversational fine-tuning: OpenAI's `messages` shape with Together's order rule.

https://docs.together.ai/docs/fine-tuning/data-preparation: messages start with system or user, then
strictly alternate user/assistant;
a file mixing formats is rejected (every line we write has the same shape).
Rules: the OpenAI notebook's (`data_type`, `missing_messages_list`, `message_missing_key`,
`message_unrecognized_key` (role, content, weight), `unrecognized_role` (system/user/assistant),
`missing_content`, `example_missing_assistant_message`), plus `unrecognized_key` (only messages),
`first_message_not_system_or_user`, `turns_not_alternating`.
Not representable: tool use (Together's rule leaves no place for tool turns).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, alternation, check_keys, reject_tools
from .openai import check_messages, render_messages


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    return {"messages": render_messages(conv)}


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"messages"}, "unrecognized_key", "record")
    messages = record.get("messages")
    problems += check_messages(messages, {"system", "user", "assistant"}, {"role", "content", "weight"})
    if not isinstance(messages, list) or not messages:
        return problems
    roles = [str(m.get("role")) if isinstance(m, dict) else "" for m in messages]
    if roles[0] not in ("system", "user"):
        problems.append(Problem("first_message_not_system_or_user", f"message 0 is {roles[0][:20]}"))
    rest = roles[1:] if roles[0] == "system" else roles
    problems += [
        Problem(p.rule, p.detail.replace("message ", "turn after system ", 1) if roles[0] == "system" else p.detail)
        for p in alternation(rest, "user", "assistant")
    ]
    return problems


FORMAT = Format(
    name="together",
    summary="Together AI conversational fine-tuning (OpenAI messages, strict alternation)",
    render=render,
    validate=validate,
    system_field=False,
    sources=("https://docs.together.ai/docs/fine-tuning/data-preparation",),
)
