"""Hugging Face TRL conversational prompt-completion: `{"prompt": [msgs], "completion": [msg]}`.

https://huggingface.co/docs/trl/dataset_formats. The prompt is every turn before the final assistant
turn (system included,
tool turns kept in OpenAI's shape, arguments as objects); the completion is that final assistant
turn, so TRL trains on the answer only. `tools` as in `hf-messages`, present in every record.
A `weight: 0` turn in the prompt is not trained on anyway; one on the final answer is reported as
`weight_not_carried`.

Rules: `data_type`; `unrecognized_key` (prompt, completion, tools); `missing_prompt` (no prompt
messages); `missing_completion` (no completion, e.g. the conversation ends with a user turn);
`completion_not_assistant` (completion must be exactly one assistant message);
`prompt_ends_with_assistant`; and the message rules of `hf-messages` for both lists
(`message_missing_key`, `message_unrecognized_key`, `unrecognized_role`, `missing_content`,
`invalid_tool_call`, `unknown_tool_call_id`).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from .hf_messages import MESSAGE_KEYS, ROLES, check_tools_column, with_tools_column
from .openai import check_messages, render_messages


def render(conv: Conversation) -> Record:
    messages = render_messages(conv, weight=False, object_args=True)
    split = len(messages) - 1 if messages and messages[-1]["role"] == "assistant" else len(messages)
    record: Record = {"prompt": messages[:split], "completion": messages[split:]}
    return with_tools_column(record, conv)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"prompt", "completion", "tools"}, "unrecognized_key", "record")
    problems += check_tools_column(record)
    prompt, completion = record.get("prompt"), record.get("completion")
    if not isinstance(prompt, list) or not prompt:
        return problems + [Problem("missing_prompt", "no prompt messages")]
    if not isinstance(completion, list) or not completion:
        return problems + [Problem("missing_completion", "no completion: the conversation must end with an answer")]
    if len(completion) != 1 or not isinstance(completion[0], dict) or completion[0].get("role") != "assistant":
        problems.append(Problem("completion_not_assistant", "completion must be one assistant message"))
    if isinstance(prompt[-1], dict) and prompt[-1].get("role") == "assistant":
        problems.append(Problem("prompt_ends_with_assistant", "the prompt's last message is an assistant turn"))
    # One check over the whole conversation so tool results in the prompt match their calls.
    problems += check_messages(prompt + completion, ROLES, MESSAGE_KEYS, object_args=True)
    return problems


FORMAT = Format(
    name="hf-prompt-completion",
    summary="Hugging Face TRL conversational prompt/completion",
    render=render,
    validate=validate,
    system_field=False,
    uniform_keys={"prompt": [], "completion": [], "tools": None},
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    sources=("https://huggingface.co/docs/trl/dataset_formats",),
)
