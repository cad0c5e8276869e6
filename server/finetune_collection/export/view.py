"""The exporter's view of one example (`Conversation`), shared by base.py and fix.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class Conversation:
    """The exporter's view of one example.

    `system` is a system *field* (the seed's `input.system`, plus context when placed there).
    A system *turn* stored in `messages` stays in `turns`: formats with a separate system field
    reject it and the safe repair moves a leading one, so the move is visible in the report.
    Turns are OpenAI-style dicts: role, content (str | None), and optionally tool_calls,
    tool_call_id, name, weight. `tools` are function declarations {name, description?, parameters?}.
    """

    id: str
    task_type: str
    system: str | None
    turns: list[dict[str, Any]]
    tools: list[dict[str, Any]] | None = None
    tokens: int = 0
    rejected: list[str] = field(default_factory=list)  # alternatives to the final assistant answer
    # Final answers of earlier `user_rejected` examples to the same prompt (export/pairs.py):
    # alternatives too, but inferred, so they come after the explicit ones and are reported apart.
    inferred: list[str] = field(default_factory=list)
    # The final answer is itself one the user rejected (a `user_rejected` example): the unpaired
    # formats write it with label false; the others never see such a conversation.
    negative: bool = False
