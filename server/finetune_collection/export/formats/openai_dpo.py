"""OpenAI-style preference pairs (DPO): `{"input": {"messages", "tools"?}, "preferred_output":
[assistant], "non_preferred_output": [assistant]}`.

https://platform.openai.com/docs/guides/direct-preference-optimization; the same shape is taken
by Azure OpenAI, Together (https://docs.together.ai/docs/preference-fine-tuning: exactly one
assistant message per output) and Fireworks. `input.messages` is every turn before the chosen
answer (system, user, assistant, tool; tool arguments as JSON strings); the two outputs replace
the final assistant turn.
Rules: `data_type`, `unrecognized_key` (input, preferred_output, non_preferred_output; inside
input: messages, tools), `missing_input`, the OpenAI notebook's message checks
(`message_missing_key`, `message_unrecognized_key`, `unrecognized_role`, `missing_content`),
`invalid_tool_definition` (the openai format's rule on `input.tools`),
`prompt_must_end_with_user`, `invalid_answer` (exactly one assistant message with content),
`chosen_equals_rejected`; an example without a rejected answer is `no_rejected_alternative`, one
whose chosen answer is a tool call `final_turn_not_text`.
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from ..preference import answer, prompt, same, split
from .openai import check_tools, render_tools


def render(conv: Conversation) -> Record:
    messages, chosen, rejected = split(conv, object_args=False)
    given: Record = {"messages": messages}
    tools = render_tools(conv)
    if tools:
        given["tools"] = tools
    return {
        "input": given,
        "preferred_output": [{"role": "assistant", "content": chosen}],
        "non_preferred_output": [{"role": "assistant", "content": rejected}],
    }


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"input", "preferred_output", "non_preferred_output"}, "unrecognized_key", "record")
    given = record.get("input")
    if not isinstance(given, dict) or not given.get("messages"):
        return [*problems, Problem("missing_input", "input.messages is missing or empty")]
    problems += check_keys(given, {"messages", "tools"}, "unrecognized_key", "input") + check_tools(given.get("tools"))
    problems += prompt(given["messages"], object_args=False)
    problems += answer(record.get("preferred_output"), "preferred_output")
    problems += answer(record.get("non_preferred_output"), "non_preferred_output")
    return problems + same(record.get("preferred_output"), record.get("non_preferred_output"))


FORMAT = Format(
    name="openai-dpo",
    summary="Preference pairs, OpenAI DPO shape (OpenAI, Azure, Together, Fireworks)",
    render=render,
    validate=validate,
    system_field=False,
    preference="pairs",
    # Preference training learns from the two answers only: a weight 0 on the chosen one is lost.
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    sources=("https://platform.openai.com/docs/guides/direct-preference-optimization",
             "https://docs.together.ai/docs/preference-fine-tuning"),
)
