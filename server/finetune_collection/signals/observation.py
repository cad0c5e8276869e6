"""What a detector found: a signal, the short raw excerpt that shows it, and where it is."""

from __future__ import annotations

from dataclasses import dataclass

from ..model import MAX_EVIDENCE, Signal

EXCERPT = 160
"""Characters of evidence kept: a summary line, never a whole output (the caller scrubs it)."""


@dataclass(frozen=True, slots=True)
class Observation:
    """`signal`: its name; `evidence`: a raw excerpt of the runner's own line (e.g. "12 passed in
    0.4s"), unscrubbed; `where`: "tool result N" (N = index in the messages given) or "user reply";
    `index`: that message index; `count`: how many (tests passed, failed cycles, commits) if known;
    `source`: the detector ("tests", "cycles", "build", "lint", "commit", "timeout", "reply")."""

    signal: str
    evidence: str
    where: str
    source: str
    index: int | None = None
    count: int | None = None

    def to_signal(self) -> Signal:
        return Signal(name=self.signal, evidence=self.evidence[:MAX_EVIDENCE] or None, observed=True, where=self.where)


def excerpt(text: str) -> str:
    line = " ".join(text.split())
    return line if len(line) <= EXCERPT else line[: EXCERPT - 1] + "…"


def at(index: int) -> str:
    return f"tool result {index}"
