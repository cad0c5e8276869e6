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

from ..errors import TranscriptError as TranscriptError  # the importers raise it from here

IMPORTER_VERSION = "capture/2"
"""Bumped whenever the mapping from a transcript to messages changes (kept in provenance)."""

DEFAULT_MAX_CHARS = 200_000
"""Per-example text budget when a selection spans several exchanges (about 50k tokens at ~4
characters per token: inside the context limit of every target in `export/formats/` except the
gpt-3.5-era 4096). A single exchange is never cut, even when it is longer."""

SubAgents = Literal["linked", "all", "none"]

SKIP_REASONS: dict[str, str] = {
    # Lines of any JSONL file
    "torn_last_line": "the last line is cut off: the file is still being written",
    "invalid_json": "a line that is not JSON",
    "not_an_object": "a line (or array item) that is JSON but not an object",
    # Claude Code lines that are not turns (line types are their own reason)
    "file-history-snapshot": "Claude Code: file backup bookkeeping",
    "progress": "Claude Code: hook, tool and sub-agent progress",
    "summary": "Claude Code: a session title",
    "queue-operation": "Claude Code: a message queued while the agent was busy",
    "system": "Claude Code: local command output, hook summaries, turn durations",
    "compact_boundary": "Claude Code: where a compaction happened",
    "compact_summary": "the compaction summary (kept as context by option)",
    "meta": "Claude Code: an isMeta line (caveats, reminders, hook context)",
    "local_command": "a local slash command and its output",
    "synthetic": "Claude Code's own stand-in reply (API error, no response)",
    "off_branch": "a line on an abandoned branch (rewind, edit) or outside the conversation",
    "sidechain": "a sub-agent line inside a main session file",
    "interrupted": "the user interrupted the answer (the exchange is not completed)",
    "empty": "a message without text",
    "malformed": "a line of a known type missing the fields it needs",
    # Codex lines that are not turns
    "session_meta": "Codex: session header (kept as provenance)",
    "turn_context": "Codex: per-turn settings (the model is kept as provenance)",
    "event_msg": "Codex: UI and telemetry events (they repeat response items)",
    "compacted": "Codex: compaction with its replacement history (repeats earlier turns)",
    "developer_message": "Codex: permission, collaboration and skill instructions",
    "user_item": "Codex: user items repeat the user_message event or carry context",
    "user_context": "Codex: AGENTS.md or environment context sent as a user item",
    "reasoning_encrypted": "Codex: reasoning with no readable summary",
    "web_search_call": "Codex: a web search (no call id, no output)",
    "unknown_item": "Codex: a response item type this importer does not know",
    "unknown_type": "a line type this importer does not know",
    # Content blocks (counted per block, not per line)
    "image_block": "an image: the chat formats carry text only",
    "redacted_thinking_block": "thinking the host stored encrypted",
    "unknown_block": "a content block type this importer does not know",
    # Exchanges and messages
    "incomplete_exchange": "an exchange without a final answer, with an open call, or interrupted",
    "answer_without_request": "an answer before any user request",
    "reasoning_only_message": "a response holding only thinking (no chat format can carry it)",
    "orphan_tool_result": "a tool result whose call is not in the conversation",
    # Training-file records
    "data_type": "a message or turn that is not an object",
    "missing_messages_list": "no messages, or not a non-empty list",
    "missing_conversations": "no conversations, or not a non-empty list",
    "unrecognized_role": "a role or ShareGPT tag outside the known set",
    "missing_content": "a message without usable text",
    "invalid_tool_call": "a tool call without a name or with unreadable arguments",
    "result_without_call": "a tool result that answers no open call",
    "invalid_tools": "tools that are not a list of function declarations",
    "missing_instruction": "Alpaca: no instruction",
    "missing_output": "Alpaca: no output",
    "invalid_history": "Alpaca: history is not [question, answer] pairs",
    "invalid_example": "the record does not make a valid example (the note names the field)",
    # Preference-file records (capture/preference_files.py)
    "missing_input": "openai-dpo: no input object",
    "invalid_answer": "a chosen, rejected or completion answer that is not one assistant message with text",
    "invalid_label": "trl-kto: a label that is not true or false",
    "missing_contents": "vertex-preference: no contents, or not a non-empty list",
    "invalid_completions": "vertex-preference: not one score-1 and one score-0 model completion",
}
"""Every reason code `ImportResult.skipped` can hold. Units differ by group: lines (or records),
content blocks (`*_block`), exchanges and messages; a test keeps this table complete."""

_SAFE_NAME = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")


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
    """Claude Code: `linked` = sub-agents started by a Task call inside the selected exchanges, or
    finished inside a later (incomplete) one; `all` = every sub-agent file of the session; `none`."""
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
    """Reason code → count; the codes and their units are in `SKIP_REASONS`."""
    notes: list[str] = field(default_factory=list)
    lines: int = 0
    """Source lines (or records) read, blank lines excluded."""
    invalid: list[tuple[int, str]] = field(default_factory=list)
    """Training files: (line or record number, rule) of each record that could not become an
    example, so `import --json` prints an `invalid` row for it (transcripts leave this empty:
    most of their lines are not meant to be examples)."""
    files: int = 0
    """Files read (a folder counts the sessions or rollouts in it)."""
    replies: dict[int, tuple[dict[str, Any], str]] = field(default_factory=dict)
    """Transcripts: the user's words right after an example's last exchange (the reply that
    judges it), kept beside the example because they are not part of it and are never stored.
    Keyed by the example object (see `reply_after`)."""

    def set_reply(self, example: dict[str, Any], text: str) -> None:
        self.replies[id(example)] = (example, text)

    def reply_after(self, example: dict[str, Any]) -> str | None:
        """The reply to `example` (an object of `examples`, not a copy), if the transcript has one."""
        kept = self.replies.get(id(example))
        return kept[1] if kept is not None and kept[0] is example else None

    def extend(self, other: ImportResult) -> None:
        self.examples += other.examples
        self.replies.update(other.replies)
        self.skipped.update(other.skipped)
        for text in other.notes:
            self.note(text)
        self.lines += other.lines
        self.invalid += other.invalid
        self.files += other.files

    def report(self) -> dict[str, Any]:
        """A JSON-ready summary for the CLI and the MCP tool (no example text in it)."""
        return {
            "examples": len(self.examples),
            "lines": self.lines,
            "skipped": dict(sorted(self.skipped.items())),
            "notes": list(self.notes),
        }

    def note(self, text: str) -> None:
        if text not in self.notes:
            self.notes.append(text)
