"""Claimed vs. observed: which of the caller's signals the record confirms, contradicts or cannot
check, and the tier an example's signals earn.

Reasons are codes (CLAIM_REASONS), never text from the exchange or the caller.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Any, Literal

from ..config import SEED_NEGATIVE, SEED_POSITIVE
from ..model import Signal
from .observation import Observation

EVIDENCE_ONLY = ("build_passed", "committed", "lint_clean")
"""Signals only the record gives (a caller may claim them too; they count as positive)."""
POSITIVE = frozenset([*SEED_POSITIVE, *EVIDENCE_ONLY])
NEGATIVE = frozenset(SEED_NEGATIVE)
DETECTABLE = frozenset(POSITIVE - {"code_review_approved"}) | NEGATIVE
"""What the detectors can see; a claim outside this set can be neither confirmed nor contradicted."""

CONTRADICTS: dict[str, list[tuple[str, str]]] = {
    # claimed signal: (observed signal, from detector) pairs that contradict it
    "tests_passed": [("errors_occurred", "tests")],
    "zero_fix_iterations": [("multiple_retries", "cycles"), ("errors_occurred", "tests")],
    "user_accepted": [("user_rejected", "reply")],
    "build_passed": [("errors_occurred", "build")],
}

Status = Literal["confirmed", "contradicted", "unconfirmed"]
CLAIM_REASONS = {
    "seen_in_record": "the record shows this signal",
    "record_contradicts": "the record shows the opposite (see `by`)",
    "not_in_record": "a detector looks for this signal and did not find it",
    "not_checkable": "no detector looks for this signal",
}
_NAME = re.compile(r"^[a-z][a-z0-9_]{0,63}$")


@dataclass(frozen=True, slots=True)
class Policy:
    """How claims count. `contradicted`: a claimed positive signal the record contradicts is
    dropped (default) or kept as a claim. `unconfirmed`: a claim the record neither shows nor
    contradicts counts as before (default) or is dropped (observed-only)."""

    contradicted: Literal["drop", "keep"] = "drop"
    unconfirmed: Literal["count", "drop"] = "count"
    positive: frozenset[str] = POSITIVE


@dataclass(frozen=True, slots=True)
class ClaimCheck:
    signal: str  # the claimed name when it is a plain snake_case name, else "unnamed"
    status: Status
    reason: str  # a CLAIM_REASONS key
    by: str | None = None  # the observed signal that contradicts it
    kept: bool = True


@dataclass(slots=True)
class Report:
    claims: list[ClaimCheck] = field(default_factory=list)
    added: list[str] = field(default_factory=list)  # observed signals nobody claimed

    def to_dict(self) -> dict[str, Any]:
        return {
            "confirmed": [c.signal for c in self.claims if c.status == "confirmed"],
            "contradicted": [{"signal": c.signal, "reason": c.reason, "by": c.by, "kept": c.kept}
                             for c in self.claims if c.status == "contradicted"],
            "unconfirmed": [{"signal": c.signal, "reason": c.reason, "kept": c.kept}
                            for c in self.claims if c.status == "unconfirmed"],
            "observed_added": list(self.added),
        }

    def sentence(self) -> str | None:
        """The report in words for a person or a model (signal names and reason codes only), or
        None when there is nothing to say."""
        def fate(c: ClaimCheck) -> str:
            return "kept as a claim" if c.kept else "dropped"

        parts = []
        if confirmed := [c.signal for c in self.claims if c.status == "confirmed"]:
            parts.append("claims the record confirms: " + ", ".join(confirmed))
        if against := [f"{c.signal} (record_contradicts: {c.by}; {fate(c)})"
                       for c in self.claims if c.status == "contradicted"]:
            parts.append("claims the record contradicts: " + ", ".join(against))
        if unchecked := [f"{c.signal} ({c.reason}; {fate(c)})" for c in self.claims if c.status == "unconfirmed"]:
            parts.append("claims not confirmed: " + ", ".join(unchecked))
        if self.added:
            parts.append("observed besides: " + ", ".join(self.added))
        return "; ".join(parts) or None


def _as_signal(claim: str | Signal) -> Signal:
    return claim if isinstance(claim, Signal) else Signal(name=claim)


def reconcile(
    claimed: Sequence[str | Signal], observed: Sequence[Observation], policy: Policy | None = None
) -> tuple[list[Signal], Report]:
    """The signals to store (observed ones marked `observed=True`, kept claims `observed=False`)
    and a report of what happened to each claim."""
    policy = policy or Policy()
    seen = {o.signal: o for o in observed}
    report = Report()
    kept: list[Signal] = []
    names: set[str] = set()
    for claim in map(_as_signal, claimed):
        if claim.name in names:
            continue
        names.add(claim.name)
        label = claim.name if _NAME.match(claim.name) else "unnamed"
        if claim.name in seen:
            report.claims.append(ClaimCheck(label, "confirmed", "seen_in_record"))
            continue  # stored below, from the record
        by = next((o.signal for name, source in CONTRADICTS.get(claim.name, [])
                   for o in observed if o.signal == name and o.source == source), None)
        if by is not None and claim.name in policy.positive:
            keep = policy.contradicted == "keep"
            report.claims.append(ClaimCheck(label, "contradicted", "record_contradicts", by, keep))
            if keep:
                kept.append(claim.model_copy(update={"observed": False, "where": None}))
            continue
        reason = "not_in_record" if claim.name in DETECTABLE else "not_checkable"
        keep = policy.unconfirmed == "count"
        report.claims.append(ClaimCheck(label, "unconfirmed", reason, None, keep))
        if keep:
            kept.append(claim.model_copy(update={"observed": False, "where": None}))
    for obs in observed:
        if obs.signal not in names:
            report.added.append(obs.signal)
    unique = {o.signal: o for o in observed}
    return [o.to_signal() for o in unique.values()] + kept, report


Tier = Literal["gold", "silver", "bronze"]


def tier(
    signals: Iterable[Signal], positive: Iterable[str] = POSITIVE, negative: Iterable[str] = NEGATIVE
) -> Tier | None:
    """gold: observed tests_passed and observed user_accepted; silver: at least one observed
    positive signal; bronze: positive signals, claimed only; None: no positive signal. An
    observed negative signal (the record shows a failure) caps the tier at bronze."""
    signals = list(signals)
    return _grade({s.name for s in signals if s.observed}, {s.name for s in signals if not s.observed},
                  set(positive), set(negative))


def doc_signals(doc: dict[str, Any]) -> tuple[set[str], set[str]]:
    """(observed, claimed) signal names of a stored document, read as raw JSON: stats, export
    filters and the review page grade every document without validating it; a malformed entry
    (a hand edit) counts for nothing."""
    seen: set[str] = set()
    claimed: set[str] = set()
    given = doc.get("signals")
    for s in given if isinstance(given, list) else []:
        if isinstance(s, dict) and isinstance(s.get("name"), str):
            (seen if s.get("observed") is True else claimed).add(s["name"])
    return seen, claimed


def doc_tier(doc: dict[str, Any]) -> Tier | None:
    """`tier()` of a stored document's signals (see `doc_signals`)."""
    return _grade(*doc_signals(doc), POSITIVE, NEGATIVE)


def _grade(seen: set[str], claimed: set[str], positive: AbstractSet[str], negative: AbstractSet[str]) -> Tier | None:
    if not (seen | claimed) & positive:
        return None
    if seen & negative:
        return "bronze"
    if {"tests_passed", "user_accepted"} <= seen:
        return "gold"
    return "silver" if seen & positive else "bronze"
