"""The seed's legacy Anthropic prompt/completion shape (compatibility only).

`{"prompt": "\\n\\nHuman: …\\n\\nAssistant:", "completion": " …"}`,
https://docs.anthropic.com/en/api/prompt-validation (legacy). Earlier
turns are folded into the prompt; the last assistant turn is the completion. The system text (and
context placed there) goes before the first `\\n\\nHuman:`, as the legacy API allowed.
No current Claude fine-tuning service accepts this shape: Claude on Bedrock takes `bedrock`.

Rules: `data_type`; `unrecognized_key` (only prompt, completion); `missing_content` (prompt or
completion not a non-empty string); `prompt_must_start_with_human` (the first turn marker is not
`\\n\\nHuman:`); `prompt_must_end_with_assistant`; `turns_not_alternating` (Human/Assistant
markers out of order — also what a turn containing a literal marker looks like);
`too_many_tokens` (prompt must be under 100,000−1 tokens, estimated).
Not representable: tool use (`tool_use_unsupported`), a stored system turn
(`system_turn_in_messages`, --fix moves it), a conversation not ending with an assistant turn
(`example_missing_assistant_message`).
"""

from __future__ import annotations

import re
from typing import Any

from ...tokens import estimate_text
from ..base import (
    Conversation,
    Format,
    Problem,
    Record,
    Unrepresentable,
    check_keys,
    nonempty_str,
    reject_system_turn,
    reject_tools,
)

HUMAN, ASSISTANT = "\n\nHuman:", "\n\nAssistant:"
_MARKER = re.compile(r"\n\n(Human|Assistant):")
PROMPT_TOKEN_LIMIT = 100_000 - 1


def render(conv: Conversation) -> Record:
    reject_tools(conv)
    reject_system_turn(conv)
    if not conv.turns or conv.turns[-1]["role"] != "assistant":
        raise Unrepresentable("example_missing_assistant_message", "the last turn is not an assistant turn")
    parts = [conv.system or ""]
    for t in conv.turns[:-1]:
        parts.append(f"{HUMAN if t['role'] == 'user' else ASSISTANT} {t['content']}")
    parts.append(ASSISTANT)
    return {"prompt": "".join(parts), "completion": " " + (conv.turns[-1]["content"] or "")}


def validate(record: Any) -> list[Problem]:
    if not isinstance(record, dict):
        return [Problem("data_type", "the line is not an object")]
    problems = check_keys(record, {"prompt", "completion"}, "unrecognized_key", "record")
    prompt, completion = record.get("prompt"), record.get("completion")
    if not nonempty_str(prompt) or not nonempty_str(completion):
        return problems + [Problem("missing_content", "prompt and completion must be non-empty strings")]
    assert isinstance(prompt, str)
    markers = _MARKER.findall(prompt)
    if not markers or markers[0] != "Human":
        problems.append(Problem("prompt_must_start_with_human", "the first turn marker is not \\n\\nHuman:"))
    if not prompt.endswith(ASSISTANT):
        problems.append(Problem("prompt_must_end_with_assistant", "the prompt does not end with \\n\\nAssistant:"))
    for i, m in enumerate(markers):
        if m != ("Human" if i % 2 == 0 else "Assistant"):
            problems.append(Problem("turns_not_alternating", f"turn marker {i} is {m}"))
            break
    if estimate_text(prompt) >= PROMPT_TOKEN_LIMIT:
        problems.append(Problem("too_many_tokens", f"prompt is over {PROMPT_TOKEN_LIMIT} tokens (estimated)"))
    return problems


FORMAT = Format(
    name="anthropic",
    summary="legacy Anthropic prompt/completion (the seed's shape; no current service accepts it)",
    render=render,
    validate=validate,
    system_field=True,
    # Earlier turns are prompt text, never trained on: only a weight 0 on the completion is lost.
    weight_lost=lambda conv: bool(conv.turns) and conv.turns[-1].get("weight") == 0,
    legacy="no Claude fine-tuning service takes this shape (checked 2026-12-02)",
    token_limit=PROMPT_TOKEN_LIMIT,
    sources=("https://docs.anthropic.com/en/api/prompt-validation",),
)
