"""Quality filter: turn a score, a label or signals into a score and a verdict.

A filter returns keep, or `(False, reason)` with a stable snake_case reason code.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .config import Config
from .errors import InvalidExample
from .model import ExampleIn


@dataclass(slots=True)
class Verdict:
    score: float
    keep: bool
    reason: str | None  # `negative_signal` or `below_min_quality` when not kept
    needs_approval: bool


def decide(value: float, negatives: int, approved: bool, config: Config) -> Verdict:
    """The verdict on a score: kept when it reaches `min_quality_score` and carries no negative
    signal. A negative signal keeps an example out whatever the threshold (lowering it must not
    let a rejected answer in); only a person's approval brings such an example in."""
    qf = config.quality_filters
    reason: str | None = None
    if negatives and not approved:
        reason = "negative_signal"
    elif value < qf.min_quality_score:
        reason = "below_min_quality"
    return Verdict(score=value, keep=reason is None, reason=reason,
                   needs_approval=qf.min_human_approval and not approved)


_SIGNAL_NAME = re.compile(r"[a-z][a-z0-9_]{0,40}")


def check_signals(example: ExampleIn, config: Config) -> None:
    """Refuse unknown signal names, echoing only those that look like signal names.

    A signal name is caller text: a token pasted as a signal (`{"sk-…": "evidence"}`) would come
    back verbatim in the error, and a bare token has no context for the scrubber to catch.
    """
    known = config.known_signals
    unknown = sorted({s.name for s in example.signals} - set(known))
    if not unknown:
        return
    shown = [name for name in unknown if _SIGNAL_NAME.fullmatch(name)]
    hidden = len(unknown) - len(shown)
    listed = ", ".join(shown)
    if hidden:
        listed += f"{', ' if shown else ''}{hidden} more not shown (not snake_case names)"
    raise InvalidExample(f"signals: unknown signal(s) {listed}; known signals: {', '.join(known)}")


def score(example: ExampleIn, config: Config) -> Verdict:
    """Score an example (documented in the README, section "Quality score")."""
    qf = config.quality_filters
    check_signals(example, config)
    names = {s.name for s in example.signals}
    positives = len(names & set(qf.positive_signals))
    negatives = len(names & set(qf.negative_signals))
    if example.quality_score is not None:
        value = example.quality_score
    elif example.quality is not None:
        value = qf.quality_levels[example.quality]
    else:
        value = min(1.0, qf.scoring.base + qf.scoring.per_positive * positives)
    value = round(max(0.0, value - qf.scoring.per_negative * negatives), 4)
    return decide(value, negatives, example.metadata.human_approved, config)
