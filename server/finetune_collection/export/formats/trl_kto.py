"""TRL unpaired preference data (KTOTrainer), conversational: `{"prompt": [messages], "completion":
[assistant], "label": true|false, "tools"}`, one record per answer.

https://huggingface.co/docs/trl/dataset_formats (unpaired preference) and
https://huggingface.co/docs/trl/kto_trainer. An accepted example writes its final answer with
label true, then each rejected alternative (explicit, then inferred: export/pairs.py) with label
false, all under the same prompt, as TRL's own `unpair_preference_dataset` unpairs a chosen and
a rejected answer. A `user_rejected` example that no later answer corrected is written alone with
label false (its own final answer). `prompt` is every turn before the final answer, tool-call
arguments as objects (as the chat templates expect); `tools` as in `hf-messages` (the list or null).
Every record has the same four keys.
Rules: `data_type`, `unrecognized_key` (prompt, completion, label, tools), `invalid_tools`, the
OpenAI notebook's message checks on the prompt (`missing_messages_list`, `message_missing_key`,
`message_unrecognized_key`, `unrecognized_role`, `missing_content`), `prompt_must_end_with_user`,
`invalid_answer` (the completion is exactly one assistant message with content), `invalid_label`
(not true or false); an example whose final answer is a tool call is `final_turn_not_text`, one whose rejected
alternative repeats the accepted answer `chosen_equals_rejected`.
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, Unrepresentable, check_keys
from ..preference import alternatives, answer, prompt, prompt_and_answer
from .hf_messages import check_tools_column
from .openai import render_tools


def _record(messages: list[dict[str, Any]], text: str, label: bool, tools: list[dict[str, Any]] | None) -> Record:
    return {"prompt": messages, "completion": [{"role": "assistant", "content": text}], "label": label, "tools": tools}


def records(conv: Conversation) -> list[Record]:
    messages, final = prompt_and_answer(conv, object_args=True)
    tools = render_tools(conv)
    if conv.negative:
        return [_record(messages, final, False, tools)]
    given = alternatives(conv)
    if final in given:
        raise Unrepresentable("chosen_equals_rejected", "a rejected alternative is the accepted answer's text")
    return [_record(messages, final, True, tools), *(_record(messages, alt, False, tools) for alt in given)]


def render(conv: Conversation) -> Record:
    return records(conv)[0]


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"prompt", "completion", "label", "tools"}, "unrecognized_key", "record")
    problems += check_tools_column(record)
    problems += prompt(record.get("prompt"), object_args=True)
    problems += answer(record.get("completion"), "completion")
    if not isinstance(record.get("label"), bool):
        problems.append(Problem("invalid_label", "label must be true or false"))
    return problems


FORMAT = Format(
    name="trl-kto",
    summary="Hugging Face TRL unpaired preference data for KTO (prompt, completion, label)",
    render=render,
    records=records,
    validate=validate,
    system_field=False,
    preference="labels",
    uniform_keys={"prompt": [], "completion": [], "label": False, "tools": None},
    # KTO learns from the labelled answers only: a weight 0 on the final answer is lost.
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    sources=("https://huggingface.co/docs/trl/dataset_formats", "https://huggingface.co/docs/trl/kto_trainer"),
)
