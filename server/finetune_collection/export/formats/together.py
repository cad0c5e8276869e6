"""Together AI conversational fine-tuning: OpenAI's `messages` shape (tools included) with Together's
order rule.

https://docs.together.ai/docs/fine-tuning/data-preparation: messages start with system or user, then
user and assistant turns alternate; a file mixing formats is rejected (every line we write has the
same shape). The page lists a `tool` role and a top-level `tools` list: an assistant turn with
`tool_calls`, the `tool` results that answer it and the assistant turn after them count as one
assistant turn for the alternation rule. `weight` 0/1 on assistant messages is carried.
Rules: the OpenAI notebook's (`data_type`, `missing_messages_list`, `message_missing_key`,
`message_unrecognized_key` (role, content, weight, tool_calls, tool_call_id, name),
`unrecognized_role` (system/user/assistant/tool), `missing_content`,
`example_missing_assistant_message`), plus `unrecognized_key` (messages, tools),
`first_message_not_system_or_user`, `turns_not_alternating`, `invalid_tool_call`,
`duplicate_tool_call_id`, `unknown_tool_call_id`, `unanswered_tool_call`, `invalid_tool_definition`
(the openai format's tool rules).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, alternation, check_keys
from .openai import check_messages, check_tools, render_messages, with_tools

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "weight", "tool_calls", "tool_call_id", "name"}


def render(conv: Conversation) -> Record:
    return with_tools({"messages": render_messages(conv)}, conv)



def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"messages", "tools"}, "unrecognized_key", "record")
    problems += check_tools(record.get("tools"))
    messages = record.get("messages")
    problems += check_messages(messages, ROLES, MESSAGE_KEYS)
    if not isinstance(messages, list) or not messages:
        return problems
    roles = [str(m.get("role")) if isinstance(m, dict) else "" for m in messages]
    if roles[0] not in ("system", "user"):
        problems.append(Problem("first_message_not_system_or_user", f"message 0 is {roles[0][:20]}"))
    rest = roles[1:] if roles[0] == "system" else roles
    problems += [
        Problem(p.rule, p.detail.replace("message ", "turn after system ", 1) if roles[0] == "system" else p.detail)
        for p in alternation(_merge_tool_runs(rest), "user", "assistant")
    ]
    return problems


def _merge_tool_runs(roles: list[str]) -> list[str]:
    """An assistant turn with tool calls, its tool results and the assistant turns that follow them
    (up to the next user turn) are one assistant turn for the alternation rule."""
    out: list[str] = []
    in_tool_run = False
    for role in roles:
        if role == "tool":
            in_tool_run = True
            if out and out[-1] == "assistant":
                continue
            out.append("tool")
            continue
        if role == "assistant" and in_tool_run and out and out[-1] == "assistant":
            continue
        in_tool_run = False if role != "assistant" else in_tool_run
        out.append(role)
    return out


FORMAT = Format(
    name="together",
    summary="Together AI conversational fine-tuning (OpenAI messages and tools, alternating turns)",
    render=render,
    validate=validate,
    system_field=False,
    weight_lost=None,
    sources=("https://docs.together.ai/docs/fine-tuning/data-preparation",),
)
