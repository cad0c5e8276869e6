"""Signals from evidence: what the record of an exchange shows, next to what the caller claims.

`detect(messages, after_user_reply=…)` reads a captured exchange (OpenAI-style messages, as the
capture importers write them) and returns `Observation`s: the signal, a short raw excerpt of the
tool's own line (unscrubbed: the caller scrubs it before storing), and where it was found.
`reconcile(claimed, observed, policy)` decides which claims stand; `tier(signals)` grades them.

Use at capture time (one exchange, or the exchanges of one example):

    observed = detect(example["messages"], after_user_reply=next_user_text)
    signals, report = reconcile(example.get("signals", []), observed, Policy())
    # scrub each signal's evidence like content before storing; report.to_dict() holds codes only
    grade = tier(signals)

Modules: `record` (steps: edits and runs with exit status), `commands` (what a shell command
does), `runners` (test runners' summary lines), `checks` (build, lint, commit, timeout lines),
`testruns` and `outcomes` (the detectors), `replies` and `phrases` (the user's replies), `reconcile`.
"""

from __future__ import annotations

from typing import Any

from ..model import Message
from .observation import Observation
from .outcomes import detect_build, detect_commit, detect_lint, detect_timeout
from .reconcile import (
    CLAIM_REASONS,
    DETECTABLE,
    EVIDENCE_ONLY,
    NEGATIVE,
    POSITIVE,
    ClaimCheck,
    Policy,
    Report,
    Tier,
    doc_signals,
    doc_tier,
    reconcile,
    tier,
)
from .record import as_dicts, steps
from .replies import detect_replies
from .testruns import detect_cycles, detect_final

__all__ = [
    "CLAIM_REASONS", "DETECTABLE", "EVIDENCE_ONLY", "NEGATIVE", "POSITIVE", "ClaimCheck", "Observation", "Policy",
    "Report", "Tier", "detect", "doc_signals", "doc_tier", "reconcile", "tier",
]

DETECTORS = (detect_final, detect_cycles, detect_build, detect_lint, detect_commit, detect_timeout)


def detect(
    messages: list[dict[str, Any]] | list[Message], *, after_user_reply: str | None = None
) -> list[Observation]:
    """Every signal the record shows, at most one observation per signal name. `after_user_reply`:
    the user's words after the last exchange, when the caller has them (the replies to earlier
    exchanges are the example's own user messages)."""
    dicts = as_dicts(messages)
    found = steps(dicts)
    out: list[Observation] = []
    for detector in DETECTORS:
        out += detector(found)
    out += detect_replies(dicts, after_user_reply)
    unique: dict[str, Observation] = {}
    for obs in out:
        unique.setdefault(obs.signal, obs)  # errors_occurred: tests before build
    return list(unique.values())
