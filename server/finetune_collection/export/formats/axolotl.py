"""Axolotl `type: chat_template`: OpenAI-style `messages` with a per-message `train` flag.

https://docs.axolotl.ai/docs/dataset-formats/conversation.html: `chat_template` replaces the
deprecated `sharegpt` type; `message_field_training` names a per-message boolean that decides
whether the turn is trained on. Every message carries `train`: true on assistant turns the user
kept (`weight` absent or 1), false on everything else, so a `weight: 0` turn is honoured and the
default `roles_to_train` behaviour is kept for the rest. Tool calls keep OpenAI's shape with
`arguments` as an object (chat templates render it as JSON); `tools` is the OpenAI list, present in
every record (null without tools, as in `hf-messages`). `--check` prints the dataset YAML to paste
(`SNIPPET`).

Rules: `data_type`; `unrecognized_key` (messages, tools); `missing_messages_list`;
`message_missing_key` (role, content or train); `message_unrecognized_key`; `unrecognized_role`
(system/user/assistant/tool); `missing_content`; `invalid_tool_call` (arguments not an object);
`unknown_tool_call_id`; `invalid_tools`; `example_missing_assistant_message`; `invalid_train_flag` (not a boolean,
or true on a turn that is not the assistant's); `nothing_to_train` (no message has train true).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from .hf_messages import check_tools_column, with_tools_column
from .openai import check_messages, render_messages

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "tool_calls", "tool_call_id", "name", "train"}

SNIPPET = """datasets:
  - path: {path}
    ds_type: json
    type: chat_template
    field_messages: messages
    message_property_mappings:
      role: role
      content: content
    message_field_training: train
    roles_to_train: ["assistant"]
    train_on_eos: turn"""


def render(conv: Conversation) -> Record:
    weights = ([None] if conv.system else []) + [t.get("weight") for t in conv.turns]
    messages = render_messages(conv, weight=False, object_args=True)
    for m, w in zip(messages, weights, strict=True):
        m["train"] = m["role"] == "assistant" and w != 0
    return with_tools_column({"messages": messages}, conv)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"messages", "tools"}, "unrecognized_key", "record") + check_tools_column(record)
    messages = record.get("messages")
    problems += check_messages(messages, ROLES, MESSAGE_KEYS, object_args=True)
    if not isinstance(messages, list):
        return problems
    flagged = [m for m in messages if isinstance(m, dict)]
    for i, m in enumerate(flagged):
        if "train" not in m:
            problems.append(Problem("message_missing_key", f"message {i} lacks train"))
        elif not isinstance(m["train"], bool) or (m["train"] and m.get("role") != "assistant"):
            detail = f"message {i}: train must be a boolean, true only on assistant turns"
            problems.append(Problem("invalid_train_flag", detail))
    if flagged and not any(m.get("train") is True for m in flagged):
        problems.append(Problem("nothing_to_train", "no message has train true"))
    return problems


FORMAT = Format(
    name="axolotl",
    summary="Axolotl chat_template (messages with per-message train flags)",
    render=render,
    validate=validate,
    system_field=False,
    uniform_keys={"messages": [], "tools": None},
    weight_lost=None,
    snippet=SNIPPET.format(path="path/to/axolotl.jsonl"),
    sources=("https://docs.axolotl.ai/docs/dataset-formats/conversation.html",),
)
