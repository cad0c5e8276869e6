"""What an import returns, the options every transcript importer takes, and the one error it raises.

`ImportResult.examples` are plain dicts in `ExampleIn`'s shape (they pass
`ExampleIn.model_validate`); the pipeline validates them again at its edge, so this package
never needs pydantic on its own hot path. `skipped` counts every source line (or record) that did
not become part of an example, by a stable reason code; `notes` are short sentences built only
from file names, line numbers, counts and reason codes, never from transcript text.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..errors import FinetuneError

IMPORTER_VERSION = "capture/1"
"""Bumped whenever the mapping from a transcript to messages changes (kept in provenance)."""

DEFAULT_MAX_CHARS = 200_000
"""Per-example text budget when a selection spans several exchanges (about 50k tokens at ~4
characters per token: inside every target's context limit in FORMATS.md except the gpt-3.5-era
4096). A single exchange is never cut, even when it is longer."""

SubAgents = Literal["linked", "all", "none"]

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


class TranscriptError(FinetuneError):
    """A transcript cannot be read or the selection cannot be met. Names file, line and rule only."""


def safe_name(value: Any) -> str:
    """A type/subtype/id from a transcript, fit for a note: identifier-like or `(other)`."""
    return value if isinstance(value, str) and _SAFE_NAME.match(value) else "(other)"


@dataclass(frozen=True, slots=True)
class CaptureOptions:
    """Which part of a session becomes an example, and what is kept besides the dialogue.

    Selection (at most one of `turns`, `since_prompt`, `whole_session`; none = the last completed
    exchange). An exchange runs from a real user request to the end of the assistant's answer,
    with every tool call in between; it is completed when it ends on an assistant message without
    tool calls, every call has its result, and the user did not interrupt it.
    - `turns`: the last N completed exchanges.
    - `since_prompt`: every completed exchange from the last request containing this text
      (case- and whitespace-insensitive) to the end.
    - `whole_session`: every completed exchange.
    Incomplete exchanges inside a multi-exchange selection are left out (counted as
    `incomplete_exchange`). Selections longer than `max_chars` split at exchange boundaries.
    """

    turns: int | None = None
    since_prompt: str | None = None
    whole_session: bool = False
    keep_reasoning: bool = False
    """Put the assistant's thinking in `Message.reasoning` (otherwise it is dropped)."""
    keep_compaction_summary: bool = False
    """When an example starts after a compaction, give it the summary as a leading system message."""
    keep_system_prompt: bool = False
    """Codex only: the session's base instructions as a leading system message."""
    subagents: SubAgents = "linked"
    """Claude Code: `linked` = sub-agents started by a Task call inside the selected exchanges;
    `all` = every sub-agent file of the session; `none`."""
    subagents_from_progress: bool = False
    """Claude Code: rebuild a sub-agent whose file is missing from the copies its parent keeps in
    `agent_progress` lines. Lossy: the copies hold its tool calls and results but not its text
    between them (its final answer is taken from the Task result)."""
    max_chars: int = DEFAULT_MAX_CHARS
    ignore_request: Callable[[str], bool] | None = None
    """Requests for which this returns True are not exchanges (e.g. the capture trigger itself)."""

    def __post_init__(self) -> None:
        chosen = [self.turns is not None, self.since_prompt is not None, self.whole_session]
        if sum(chosen) > 1:
            raise TranscriptError("choose at most one of turns, since_prompt and whole_session")
        if self.turns is not None and self.turns < 1:
            raise TranscriptError(f"turns: {self.turns} is not a positive number of exchanges")
        if self.since_prompt is not None and not self.since_prompt.strip():
            raise TranscriptError("since_prompt: give some text to look for")
        if self.subagents not in ("linked", "all", "none"):
            raise TranscriptError("subagents: use linked, all or none")
        if self.max_chars < 1:
            raise TranscriptError(f"max_chars: {self.max_chars} is not positive")


@dataclass(slots=True)
class ImportResult:
    """Examples (ExampleIn-shaped dicts) plus what was left out, by reason, and notes."""

    examples: list[dict[str, Any]] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)
    lines: int = 0
    """Source lines (or records) read, blank lines excluded."""

    def extend(self, other: ImportResult) -> None:
        self.examples += other.examples
        self.skipped.update(other.skipped)
        self.notes += other.notes
        self.lines += other.lines

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
