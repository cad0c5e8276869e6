"""Gemini preference tuning on Vertex AI: `{"system_instruction"?, "contents": [... ending with a
user turn], "completions": [{"score": 1, "completion": {"role": "model", "parts": [{"text"}]}},
{"score": 0, "completion": {...}}]}`.

https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning-prepare:
`contents` is the supervised format's (roles `user` and `model`, `parts`), text only, and ends
with a user turn; `system_instruction` (snake_case on that page, unlike the supervised format's
`systemInstruction`) is optional; `completions` is a pair, one preferred (score 1) and one
dispreferred (score 0), each a single model turn. The chosen answer is the example's final
assistant turn; the dispreferred one its first rejected alternative (explicit, else inferred:
export/pairs.py).
Rules: `data_type`, `unrecognized_key` (system_instruction, contents, completions),
`missing_contents`, `message_missing_key` (role or parts), `message_unrecognized_key`,
`unrecognized_role` (user/model), `missing_content` (a part that is not non-empty text),
`invalid_system`, `prompt_must_end_with_user`, `invalid_completions` (not exactly one score-1 and
one score-0 model turn with text parts), `chosen_equals_rejected`; `too_many_tokens` (over 131,072
input+output tokens per example: "About preference tuning for Gemini models", limitations,
https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning).
Not representable: tool calls or results (`tool_use_unsupported`: text only), a stored system
turn not at the start (`system_turn_in_messages`; a leading one moves to system_instruction), no
rejected alternative (`no_rejected_alternative`), a tool call as the final answer
(`final_turn_not_text`).
"""

from __future__ import annotations

from typing import Any

from ..base import Conversation, Format, Problem, Record, check_keys, nonempty_str, reject_system_turn, reject_tools
from ..preference import alternatives, final_text, split
from .vertex import content_problems


def _text(role: str, text: Any) -> dict[str, Any]:
    return {"role": role, "parts": [{"text": text}]}


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    reject_system_turn(conv)
    split(conv, object_args=False)  # the shared refusals: no alternative, a final tool call
    chosen = final_text(conv.turns[-1])
    contents = [_text("model" if t["role"] == "assistant" else t["role"], t.get("content")) for t in conv.turns[:-1]]
    record: Record = {"system_instruction": {"parts": [{"text": conv.system}]}} if conv.system else {}
    record["contents"] = contents
    record["completions"] = [
        {"score": 1, "completion": _text("model", chosen)},
        {"score": 0, "completion": _text("model", alternatives(conv)[0])},
    ]
    return record


def _text_parts(parts: Any) -> bool:
    return isinstance(parts, list) and bool(parts) and all(
        isinstance(p, dict) and set(p) == {"text"} and nonempty_str(p["text"]) for p in parts
    )


def _text_only(content: dict[str, Any], where: str) -> list[Problem]:
    if "parts" in content and not _text_parts(content["parts"]):
        return [Problem("missing_content", f"{where} needs non-empty text parts (text only)")]
    return []


def _contents(contents: list[Any]) -> list[Problem]:
    problems = content_problems(contents, _text_only)
    last = contents[-1]
    if isinstance(last, dict) and last.get("role") != "user":
        problems.append(Problem("prompt_must_end_with_user", "the last content is not a user turn"))
    return problems


def _completions(value: Any) -> list[Problem]:
    bad = [Problem("invalid_completions", "completions must be one score-1 and one score-0 model turn with text")]
    if not isinstance(value, list) or len(value) != 2:
        return bad
    scores = []
    for entry in value:
        if not isinstance(entry, dict) or set(entry) != {"score", "completion"}:
            return bad
        completion, score = entry["completion"], entry["score"]
        if isinstance(score, bool) or score not in (0, 1) or not isinstance(completion, dict) \
                or set(completion) != {"role", "parts"} or completion["role"] != "model" \
                or not _text_parts(completion["parts"]):
            return bad
        scores.append(score)
    if sorted(scores) != [0, 1]:
        return bad
    texts = [entry["completion"]["parts"] for entry in value]
    return [Problem("chosen_equals_rejected", "the two completions are the same text")] if texts[0] == texts[1] else []


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"system_instruction", "contents", "completions"}, "unrecognized_key", "record")
    system = record.get("system_instruction")
    if system is not None and not (
        isinstance(system, dict) and set(system) == {"parts"} and _text_parts(system["parts"])
    ):
        problems.append(Problem("invalid_system", "system_instruction needs non-empty text parts only"))
    contents = record.get("contents")
    if not isinstance(contents, list) or not contents:
        problems.append(Problem("missing_contents", "no contents, or not a non-empty list"))
    else:
        problems += _contents(contents)
    return problems + _completions(record.get("completions"))


FORMAT = Format(
    name="vertex-preference",
    summary="Gemini preference tuning on Vertex AI (contents + scored completions)",
    render=render,
    validate=validate,
    system_field=True,
    preference="pairs",
    # Input+output tokens per training example: 131,072 (Vertex AI "About preference tuning for
    # Gemini models", limitations table, gemini-preference-tuning page cited above).
    models={"gemini-2.5-flash": 131_072},
    # Preference tuning learns from the two completions only: a weight 0 on the chosen one is lost.
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    sources=("https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning-prepare",
             "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning"),
)
