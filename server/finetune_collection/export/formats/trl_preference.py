"""TRL preference pairs (DPOTrainer and the other pairwise trainers), conversational:
`{"prompt": [messages], "chosen": [assistant], "rejected": [assistant], "tools"}`.

https://huggingface.co/docs/trl/dataset_formats (preference, conversational). `prompt` is every
turn before the chosen answer, tool-call arguments as objects (as the chat templates expect);
`chosen` and `rejected` replace the final assistant turn. `tools` as in `hf-messages` (the list or
null): DPOTrainer renders the prompt with it, as the model will see the tools when it answers.
Every record has the same four keys.
Rules: `data_type`, `unrecognized_key` (prompt, chosen, rejected, tools), `invalid_tools`, the OpenAI notebook's message
checks on the prompt (`missing_messages_list`, `message_missing_key`, `message_unrecognized_key`,
`unrecognized_role`, `missing_content`), `prompt_must_end_with_user`, `invalid_answer` (exactly
one assistant message with content), `chosen_equals_rejected`; an example without a rejected
answer is `no_rejected_alternative`, one whose chosen answer is a tool call `final_turn_not_text`.
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys
from ..preference import answer, prompt, same, split
from .hf_messages import check_tools_column, with_tools_column


def render(conv: Conversation) -> Record:
    messages, chosen, rejected = split(conv, object_args=True)
    record: Record = {
        "prompt": messages,
        "chosen": [{"role": "assistant", "content": chosen}],
        "rejected": [{"role": "assistant", "content": rejected}],
    }
    return with_tools_column(record, conv)


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"prompt", "chosen", "rejected", "tools"}, "unrecognized_key", "record")
    problems += check_tools_column(record)
    problems += prompt(record.get("prompt"), object_args=True)
    problems += answer(record.get("chosen"), "chosen") + answer(record.get("rejected"), "rejected")
    return problems + same(record.get("chosen"), record.get("rejected"))


FORMAT = Format(
    name="trl-preference",
    summary="Hugging Face TRL preference pairs (prompt, chosen, rejected)",
    render=render,
    validate=validate,
    system_field=False,
    preference="pairs",
    uniform_keys={"prompt": [], "chosen": [], "rejected": [], "tools": None},
    # Preference training learns from the two answers only: a weight 0 on the chosen one is lost.
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    sources=("https://huggingface.co/docs/trl/dataset_formats",),
)
