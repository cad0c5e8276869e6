"""Hugging Face TRL conversational language modelling: `{"messages": [{role, content}], "tools"}`.

https://huggingface.co/docs/trl/dataset_formats; SFTTrainer applies the model's chat template. Tool
calls keep OpenAI's shape (`tool_calls`, `tool` messages with `tool_call_id`) but with `arguments`
as an object: the Qwen2.5 and Llama 3.1 chat templates render an object as JSON and a string as an
escaped string. `tools` is the OpenAI list, which chat templates read; every record has `tools`
(an empty list without tools) so a file loads as one table. TRL has no per-message training
flag: an example with a `weight: 0` turn is written and reported as `weight_not_carried`.
Every export must load with `datasets.load_dataset("json", …)`, which TRL, Axolotl and
LLaMA-Factory use (tests check it when `datasets` is installed).

Rules: the OpenAI notebook's (`data_type`, `missing_messages_list`, `message_missing_key`,
`message_unrecognized_key` (role, content, tool_calls, tool_call_id, name), `unrecognized_role`
(system/user/assistant/tool), `missing_content`, `example_missing_assistant_message`),
`invalid_tool_call` (arguments not an object), `unknown_tool_call_id`, and `unrecognized_key` (only
messages, tools).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from .openai import check_messages, render_messages, with_tools

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "tool_calls", "tool_call_id", "name"}


def render(conv: Conversation) -> Record:
    record: Record = {"messages": render_messages(conv, weight=False, object_args=True)}
    return with_tools(record, conv)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"messages", "tools"}, "unrecognized_key", "record")
    return problems + check_messages(record.get("messages"), ROLES, MESSAGE_KEYS, object_args=True)


FORMAT = Format(
    name="hf-messages",
    summary="Hugging Face TRL conversational (messages)",
    render=render,
    validate=validate,
    system_field=False,
    uniform_keys={"messages": [], "tools": []},
    sources=("https://huggingface.co/docs/trl/dataset_formats",),
)
