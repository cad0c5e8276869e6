"""Claude fine-tuning on Amazon Bedrock: `{"system": "…", "messages": [{role, content}, …]}`.

https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-prepare.html. Rules:
`data_type`; `unrecognized_key` (only system and
messages — Bedrock rejects extra keys); `missing_messages_list`; `message_missing_key`,
`message_unrecognized_key` (only role, content), `unrecognized_role` (user/assistant),
`missing_content` (non-empty string); `too_few_messages` (at least 2); `first_message_not_user`;
`last_message_not_assistant`; `turns_not_alternating` (strict user/assistant); `invalid_system`
(system present but not a non-empty string).
Not representable: tool use, a stored system turn (`system_turn_in_messages`, --fix moves it).
Default epochs 2 (AWS's Claude 3 Haiku hyperparameter page). Record and token quotas are in AWS's
quota table, not verified here,
so no limit is enforced by default (set `export.token_limits.bedrock`).
"""

from __future__ import annotations

from typing import Any

from ..base import (
    Conversation,
    Format,
    Problem,
    Record,
    alternation,
    check_keys,
    nonempty_str,
    reject_system_turn,
    reject_tools,
)
from .openai import check_messages


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    reject_system_turn(conv)
    record: Record = {}
    if conv.system:
        record["system"] = conv.system
    record["messages"] = [{"role": t["role"], "content": t["content"]} for t in conv.turns]
    return record


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"system", "messages"}, "unrecognized_key", "record")
    if "system" in record and not nonempty_str(record["system"]):
        problems.append(Problem("invalid_system", "system must be a non-empty string"))
    messages = record.get("messages")
    problems += check_messages(messages, {"user", "assistant"}, {"role", "content"})
    if not isinstance(messages, list) or not messages:
        return problems
    roles = [m.get("role") if isinstance(m, dict) else None for m in messages]
    if len(messages) < 2:
        problems.append(Problem("too_few_messages", "at least one user and one assistant message"))
    if roles[0] != "user":
        problems.append(Problem("first_message_not_user", f"message 0 is {str(roles[0])[:20]}"))
    if roles[-1] != "assistant":
        problems.append(Problem("last_message_not_assistant", f"message {len(roles) - 1} is {str(roles[-1])[:20]}"))
    problems += alternation([str(r) for r in roles], "user", "assistant")
    return problems


FORMAT = Format(
    name="bedrock",
    summary="Claude fine-tuning on Amazon Bedrock (system + strictly alternating messages)",
    render=render,
    validate=validate,
    system_field=True,
    legacy="Claude 3 Haiku fine-tuning on Amazon Bedrock reached end of life on 2026-09-10 in most regions",
    default_epochs=2,
    sources=("https://platform.claude.com/cookbook/finetuning-finetuning-on-bedrock",
"https://docs.aws.amazon.com/bedrock/latest/userguide/model-customization-prepare.html",),
)
