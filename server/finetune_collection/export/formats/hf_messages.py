"""Hugging Face TRL conversational language modelling: `{"messages": [{role, content}], "tools"}`.

https://huggingface.co/docs/trl/dataset_formats; SFTTrainer applies the model's chat template. Tool
calls keep OpenAI's shape (`tool_calls`, `tool` messages with `tool_call_id`) but with `arguments`
as an object: the Qwen2.5 and Llama 3.1 chat templates render an object as JSON and a string as an
escaped string. `tools` is the OpenAI list, which chat templates read; every record has `tools`
so a file loads as one table, null without tools: TRL's trainers and Axolotl hand the column to
the chat template as it is, and the Llama 3.x templates write their tool preamble for an empty
list (TRL passes `tools or None` itself for that reason). TRL has no per-message training
flag: an example with a `weight: 0` turn is written and reported as `weight_not_carried`.
Every export must load with `datasets.load_dataset("json", …)`, which TRL, Axolotl and
LLaMA-Factory use (tests check it when `datasets` is installed).

Rules: the OpenAI notebook's (`data_type`, `missing_messages_list`, `message_missing_key`,
`message_unrecognized_key` (role, content, tool_calls, tool_call_id, name), `unrecognized_role`
(system/user/assistant/tool), `missing_content`, `example_missing_assistant_message`),
`invalid_tool_call` (arguments not an object), `duplicate_tool_call_id`, `unknown_tool_call_id`,
`unanswered_tool_call`, `unrecognized_key` (only messages, tools), `invalid_tools` (tools neither
null nor a non-empty list) and `invalid_tool_definition` (an entry without a name). Names need not
follow OpenAI's pattern: a chat template prints any.
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from .openai import check_messages, check_tools, render_messages, render_tools

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "tool_calls", "tool_call_id", "name"}


def with_tools_column(record: Record, conv: Conversation) -> Record:
    """The record plus the `tools` column of the Hugging Face shapes: the list, or null."""
    record["tools"] = render_tools(conv)
    return record


def check_tools_column(record: dict[str, Any]) -> list[Problem]:
    tools = record.get("tools")
    if tools is not None and (not isinstance(tools, list) or not tools):
        return [Problem("invalid_tools", "tools must be null or a non-empty list of {type: function, function}")]
    return check_tools(tools, strict=False)


def render(conv: Conversation) -> Record:
    record: Record = {"messages": render_messages(conv, weight=False, object_args=True)}
    return with_tools_column(record, conv)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"messages", "tools"}, "unrecognized_key", "record") + check_tools_column(record)
    return problems + check_messages(record.get("messages"), ROLES, MESSAGE_KEYS, object_args=True)


FORMAT = Format(
    name="hf-messages",
    summary="Hugging Face TRL conversational (messages)",
    render=render,
    validate=validate,
    system_field=False,
    uniform_keys={"messages": [], "tools": None},
    sources=("https://huggingface.co/docs/trl/dataset_formats",),
)
