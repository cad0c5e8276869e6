"""Alpaca for LLaMA-Factory and Axolotl: `{"instruction", "input", "output", "system", "history"}`.

LLaMA-Factory `data/README.md` (hiyouga/LLaMA-Factory) and Axolotl's dataset-format docs. The last
user turn is the instruction, the last assistant turn the
output, earlier user/assistant pairs the history. `input` is always "" because context is placed
by `export.context_placement` like every other format (the trainer builds `instruction\\ninput`).
Every record has all five keys (`system` "" and `history` [] when unused), so a file loads as one
table without null columns. A `weight: 0` turn is not carried (reported as `weight_not_carried`).

Rules: `data_type`; `unrecognized_key`; `missing_instruction`, `missing_output` (non-empty
strings); `invalid_input`, `invalid_system` (not strings); `invalid_history` (not a list of
[question, answer] string pairs).
Not representable: tool use; a system turn not at the start (a leading one moves to `system`);
turns that are not user/assistant pairs ending with an assistant turn (`turns_not_alternating`;
consecutive same-role turns are merged first).
"""

from __future__ import annotations

from typing import Any

from ..base import (
    Conversation,
    Format,
    Problem,
    Record,
    Unrepresentable,
    alternation,
    check_keys,
    nonempty_str,
    reject_system_turn,
    reject_tools,
)

KEYS = ("instruction", "input", "output", "system", "history")


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    reject_system_turn(conv)
    roles = [t["role"] for t in conv.turns]
    bad = alternation(roles, "user", "assistant", "turn")
    if bad or len(roles) % 2:
        detail = bad[0].detail if bad else "the last turn is not an assistant turn"
        raise Unrepresentable("turns_not_alternating", detail)
    texts = [t["content"] for t in conv.turns]
    record: Record = {"instruction": texts[-2], "input": "", "output": texts[-1], "system": conv.system or ""}
    record["history"] = [[texts[i], texts[i + 1]] for i in range(0, len(texts) - 2, 2)]
    return record


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, KEYS, "unrecognized_key", "record")
    if not nonempty_str(record.get("instruction")):
        problems.append(Problem("missing_instruction", "instruction must be a non-empty string"))
    if not nonempty_str(record.get("output")):
        problems.append(Problem("missing_output", "output must be a non-empty string"))
    if not isinstance(record.get("input", ""), str):
        problems.append(Problem("invalid_input", "input must be a string"))
    if "system" in record and not isinstance(record["system"], str):
        problems.append(Problem("invalid_system", "system must be a string"))
    history = record.get("history", [])
    if not isinstance(history, list) or not all(
        isinstance(h, list) and len(h) == 2 and all(nonempty_str(x) for x in h) for h in history
    ):
        problems.append(Problem("invalid_history", "history must be [question, answer] pairs of text"))
    return problems


FORMAT = Format(
    name="alpaca",
    summary="Alpaca instruction/output (+history) for LLaMA-Factory / Axolotl",
    render=render,
    validate=validate,
    system_field=True,
    uniform_keys={"instruction": "", "input": "", "output": "", "system": "", "history": []},
    sources=("hiyouga/LLaMA-Factory: data/README.md", "https://docs.axolotl.ai/docs/dataset-formats/",),
)
