"""`check()`: every format's rules over the matching examples, as an export would (a portability
report that writes nothing).

A target's verdict: "ready" only when the examples that pass it, within its token limit, meet its
minimum (1 when it documents none) and most matching examples pass it; "partial" when the minimum
is met but most examples fail (an export would leave most of the data out); else "not ready". A
legacy target (its service has ended) is always "not ready", with the reason.
"""

from __future__ import annotations

import dataclasses
import hashlib
import itertools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import ValidationError

from ..config import Config
from ..model import Example, code_version
from ..store import StoreBackend
from .base import Conversation, conversation
from .count import load_counter
from .filters import Selector
from .fix import mode_of
from .formats import FORMATS
from .pairs import OUTCOME_FILTERS, Inferred, count, infer, is_negative, ordered
from .process import SecretCheck, Stamps, load_secret_finder, notebook_epochs, process
from .report import ExportRequest, FormatCheck, PortabilityReport, Verdict
from .run import LOOSER, examples, placement, token_limit, unpaired_labels
from .status import services_for


class _Tally:
    def __init__(self) -> None:
        self.passed = self.failed = self.fixable = self.over = self.tokens = self.capped = 0
        self.with_fixes = self.within = 0
        self.failures: Counter[str] = Counter()
        self.ids: dict[str, list[str]] = {}
        self.warnings: Counter[str] = Counter()
        self.looser: Counter[str] = Counter()
        self.losses: Counter[str] = Counter()
        self.tasks: Counter[str] = Counter()
        self.token_counts: list[int] = []
        self.turn_counts: list[int] = []
        self.preference: Counter[str] = Counter()

    def absorb(self, other: _Tally) -> None:
        """Add another block's counts (a fold of `StoreBackend.fold`, left unchanged)."""
        for name in ("passed", "failed", "fixable", "over", "tokens", "capped", "with_fixes", "within"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for name in ("failures", "warnings", "looser", "losses", "tasks", "preference"):
            getattr(self, name).update(getattr(other, name))
        for rule, ids in other.ids.items():
            mine = self.ids.setdefault(rule, [])
            mine.extend(ids[: max(0, 5 - len(mine))])
        self.token_counts.extend(other.token_counts)
        self.turn_counts.extend(other.turn_counts)


def check(store: StoreBackend, config: Config, request: ExportRequest, memo: str | None = None) -> PortabilityReport:
    """Run every format's rules over the matching examples, as an export would; write nothing.

    `memo`: a name under which each example's outcome is kept in the store per document revision
    (readiness asks the same question after every write: only new or changed examples are run).
    What depends on other examples (pairs inferred from a user_rejected one) is re-run after."""
    skip = frozenset(config.scrub.disable)
    allow = tuple(config.scrub.allow)
    finder, shapes = load_secret_finder(skip, allow=allow), load_secret_finder(skip, catalog=False, allow=allow)
    stamps = Stamps.load(store, skip, allow) if finder is not None else None
    counter = load_counter(config.export.tokenizer)
    mode = mode_of(request.fix, request.strict)
    tallies = {name: _Tally() for name in FORMATS}

    def outcomes(doc_id: str, doc: dict[str, Any], example: Example | None, inferred: Inferred | None,
                 extra: bool = False) -> list[list[Any] | None]:
        """One example's outcome per format (None: not data for that format), as `_add` counts it."""
        if example is None:
            return [["f", "invalid_stored_example", None, 0]] * len(FORMATS)
        # one secret memo per example, shared by the formats
        secrets = SecretCheck(finder, shapes=shapes, trusted=stamps is not None and stamps.trusted(doc_id, doc))
        convs: dict[str, Conversation] = {}  # one per context placement, not per format
        out: list[list[Any] | None] = []
        for fmt in FORMATS.values():
            if extra and fmt.preference != "labels":
                out.append(None)  # an uncorrected rejected answer is data for the unpaired formats only
                continue
            limit = token_limit(fmt, config, request.model)
            where = placement(fmt, config)
            if where not in convs:
                convs[where] = conversation(example, where)
                if counter.exact:
                    convs[where].tokens = counter.count(convs[where])
            conv = _copy(convs[where])
            if fmt.preference:
                conv.inferred = inferred.for_chosen(doc_id) if inferred is not None else []
                conv.negative = is_negative(doc)
            done = process(conv, fmt, limit, mode, secrets)
            over = int(done.over_limit)
            if done.line is None:
                assert done.problem is not None
                how = None
                if mode in LOOSER and done.problem.rule not in ("secret_detected", "too_many_tokens"):
                    next_mode, looser = LOOSER[mode]
                    if process(conv, fmt, limit, next_mode, secrets).line is not None:
                        how = looser
                out.append(["f", done.problem.rule, how, over])
                continue
            pref: Counter[str] = Counter()
            if fmt.preference:
                count(pref, fmt.preference, conv, done.records)
            capped = min(conv.tokens, limit) if limit is not None else conv.tokens
            out.append(["p", bool(done.fixes), not done.over_limit, conv.tokens, capped,
                        sorted({w.rule for w in done.warnings}), list(done.losses), example.task_type,
                        len(conv.turns), over, dict(pref)])
        return out

    matched, unpaired_rejected = 0, 0
    evidence: Counter[str] = Counter()

    def add(doc_id: str, found: list[list[Any] | None]) -> None:
        for t, outcome in zip(tallies.values(), found, strict=True):
            if outcome is not None:
                _add(t, doc_id, outcome)

    # A limit stops at the n-th match in store order: only the full check knows where that is.
    folded = _from_memos(store, config, request, memo, outcomes) if memo and request.limit is None else None
    if folded is not None:
        matched, evidence, tallies = folded.matched, folded.evidence, folded.tallies
        unpaired_rejected = folded.unpaired_rejected
    else:
        with store.snapshot() as snap:
            inferred = infer(snap, store, config.dedup, request)
            selected: set[str] = set()
            extra: set[str] = set()
            # then the uncorrected rejected answers, which only the unpaired formats write
            every = itertools.chain(
                examples(snap, Selector(request), None), unpaired_labels(inferred, request, selected, extra)
            )
            for doc_id, doc, example in every:
                if doc_id not in extra:
                    if request.limit is not None and matched >= request.limit:
                        continue  # the unpaired labels still follow
                    matched += 1
                    selected.add(doc_id)
                    _evidence(evidence, doc)
                add(doc_id, outcomes(doc_id, doc, example, inferred, doc_id in extra))
            unpaired_rejected = len(inferred.unpaired())
    if stamps is not None:
        stamps.save()
    for name, fmt in FORMATS.items():
        t = tallies[name]
        if fmt.preference == "pairs":
            t.preference["unpaired_accepted"] = t.failures["no_rejected_alternative"]
            t.preference["unpaired_rejected"] = unpaired_rejected
    formats = [_summary(name, tallies[name], config, request, counter.label) for name in FORMATS]
    report = PortabilityReport(matched=matched, formats=formats, evidence=dict(evidence))
    if finder is None:
        report.note += "; secret re-check unavailable (scrub.detect missing)"
    return report


class Outcomes(Protocol):
    def __call__(self, doc_id: str, doc: dict[str, Any], example: Example | None, inferred: Inferred | None,
                 extra: bool = False) -> list[list[Any] | None]: ...


@dataclass
class _Block:
    """The check of one block of examples, as `StoreBackend.fold` keeps it."""

    matched: int = 0
    negative: bool = False  # a user_rejected example in scope: examples link to each other
    evidence: Counter[str] = field(default_factory=Counter)
    tallies: dict[str, _Tally] = field(default_factory=lambda: {name: _Tally() for name in FORMATS})
    selected: list[str] = field(default_factory=list)
    unpaired_rejected: int = 0


def _from_memos(
    store: StoreBackend, config: Config, request: ExportRequest, memo: str, outcomes: Outcomes
) -> _Block:
    """The whole check, added up from per-block folds of per-example outcomes kept by the store,
    with what pairs between examples change re-run (`_link`)."""
    from ..signals import doc_signals, doc_tier  # the pattern tables load only when asked for

    selector = Selector(request)
    scope = Selector(request.model_copy(update=OUTCOME_FILTERS))

    def compute(doc_id: str, doc: dict[str, Any]) -> list[Any]:
        negative = is_negative(doc) and scope.match(doc)
        if not selector.match(doc):
            return [negative, None]
        try:
            example: Example | None = Example.model_validate(doc)
        except ValidationError:
            example = None
        seen, claimed = doc_signals(doc)
        return [negative, [doc_tier(doc) or "none", len(seen), len(claimed), outcomes(doc_id, doc, example, None)]]

    def fold(rows: list[tuple[str, Any]]) -> _Block:
        block = _Block()
        for doc_id, (negative, found) in rows:
            block.negative = block.negative or negative
            if found is None:
                continue
            tier, seen, claimed, each = found
            block.matched += 1
            block.selected.append(doc_id)
            block.evidence.update({tier: 1, "signals_observed": seen, "signals_claimed": claimed})
            for t, outcome in zip(block.tallies.values(), each, strict=True):
                if outcome is not None:
                    _add(t, doc_id, outcome)
        return block

    total = _Block()
    for block in store.fold(f"{memo}:{_fingerprint(config, request)}", compute, fold):
        total.negative = total.negative or block.negative
        total.matched += block.matched
        total.evidence.update(block.evidence)
        total.selected.extend(block.selected)
        for name, t in total.tallies.items():
            t.absorb(block.tallies[name])
    if total.negative:
        _link(total, store, config, request, outcomes)
    return total


def _link(total: _Block, store: StoreBackend, config: Config, request: ExportRequest, outcomes: Outcomes) -> None:
    """Kept outcomes assume no example is paired with another. With user_rejected examples in
    scope, find the pairs (one read of the store, no checks) and re-run only what they change:
    the chosen examples' preference formats, and the uncorrected rejected answers the unpaired
    formats write after the selected ones, as the full check does."""
    with store.snapshot() as snap:
        inferred = infer(snap, store, config.dedup, request)
    selected = set(total.selected)
    for doc_id in dict.fromkeys(link.chosen for link in inferred.links):
        if doc_id not in selected:
            continue
        doc = store.get_doc(doc_id)
        example = Example.model_validate(doc)
        alone, paired = outcomes(doc_id, doc, example, None), outcomes(doc_id, doc, example, inferred)
        for t, before, after in zip(total.tallies.values(), alone, paired, strict=True):
            if before != after:
                if before is not None:
                    _add(t, doc_id, before, -1)
                if after is not None:
                    _add(t, doc_id, after)
    for doc_id, doc, maybe in unpaired_labels(inferred, request, selected, set()):
        for t, outcome in zip(total.tallies.values(), outcomes(doc_id, doc, maybe, inferred, True), strict=True):
            if outcome is not None:
                _add(t, doc_id, outcome)
    for t in total.tallies.values():
        # Keys a take-back left at zero (the preference counts name their zeros, as `count` does).
        for counts in (t.failures, t.warnings, t.looser, t.losses, t.tasks):
            for key in [k for k, n in counts.items() if n <= 0]:
                del counts[key]
    total.unpaired_rejected = len(inferred.unpaired())


def _add(t: _Tally, doc_id: str, outcome: list[Any], sign: int = 1) -> None:
    """Count one example's outcome for one format (as `outcomes` encodes it); `sign` -1 takes
    back one counted before (an example whose outcome a pairing changed)."""
    if outcome[0] == "f":
        _, rule, how, over = outcome
        t.over += sign * over
        if sign > 0:
            _fail(t, doc_id, rule)
        else:
            t.failed -= 1
            t.failures[rule] -= 1
            if doc_id in t.ids.get(rule, []):
                t.ids[rule].remove(doc_id)
        if how is not None:
            t.fixable += sign
            t.looser[how] += sign
        return
    _, fixed, within, tokens, capped, warnings, losses, task, turns, over, pref = outcome
    t.over += sign * over
    t.passed += sign
    t.with_fixes += sign * fixed
    t.within += sign * within
    t.tokens += sign * tokens
    t.capped += sign * capped
    for rule in warnings:  # Counter.update costs more than these loops over mostly-empty lists
        t.warnings[rule] += sign
    for lost in losses:
        t.losses[lost] += sign
    t.tasks[task] += sign
    if sign > 0:
        t.token_counts.append(tokens)
        t.turn_counts.append(turns)
    else:
        t.token_counts.remove(tokens)
        t.turn_counts.remove(turns)
    for key, n in pref.items():
        t.preference[key] += sign * n


def _fingerprint(config: Config, request: ExportRequest) -> str:
    """What an example's outcome depends on besides its document: the config, the request and
    this release's code (rules change between releases)."""
    data = f"{code_version()}|{config.model_dump_json()}|{request.model_dump_json()}"
    return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


def _evidence(counts: Counter[str], doc: dict[str, Any]) -> None:
    """Tier and observed/claimed signal counts, as `stats` gives them for the whole store."""
    from ..signals import doc_signals, doc_tier  # the pattern tables load only when asked for

    seen, claimed = doc_signals(doc)
    counts[doc_tier(doc) or "none"] += 1
    counts["signals_observed"] += len(seen)
    counts["signals_claimed"] += len(claimed)


def _copy(conv: Conversation) -> Conversation:
    # Formats only read the conversation, but a repair builds new turns; a shallow copy keeps
    # one format's view from leaking into the next.
    return dataclasses.replace(conv, turns=list(conv.turns), rejected=list(conv.rejected), inferred=list(conv.inferred))


def _fail(t: _Tally, doc_id: str, rule: str) -> None:
    t.failed += 1
    t.failures[rule] += 1
    ids = t.ids.setdefault(rule, [])
    if len(ids) < 5:
        ids.append(doc_id)


def percentiles(values: list[int], *qs: float) -> list[int]:
    """Nearest-rank percentiles, q = 100 being the maximum (0s for no values). One conversion and
    one partial sort for all of them: readiness asks this of every target over the whole store."""
    if not values:
        return [0] * len(qs)
    import numpy as np

    ranks = [int(max(1, -(-len(values) * q // 100))) - 1 for q in qs]  # ceil(n*q/100) - 1, at least 0
    part = np.partition(np.fromiter(values, dtype=np.int64, count=len(values)), sorted(set(ranks)))
    return [int(part[r]) for r in ranks]


def verdict(passed_within: int, passed: int, failed: int, minimum: int) -> Verdict:
    if passed_within < minimum or passed_within == 0:
        return "not ready"
    return "ready" if passed > failed else "partial"


def _summary(name: str, t: _Tally, config: Config, request: ExportRequest, counting: str) -> FormatCheck:
    fmt = FORMATS[name]
    epochs = fmt.default_epochs or notebook_epochs(t.passed)
    limit = token_limit(fmt, config, request.model)
    minimum = fmt.min_examples or 1
    # A legacy target's service no longer trains on it: never "ready", whatever passes.
    state = "not ready" if fmt.legacy else verdict(t.within, t.passed, t.failed, minimum)
    missing: list[str] = [f"no current service takes it: {fmt.legacy}"] if fmt.legacy else []
    if t.passed == 0:
        missing.append("no example passes this format's rules")
    if t.within < minimum:
        missing.append(
            f"{minimum - t.within} more passing example(s) within the token limit for the minimum of {minimum}"
        )
    if t.within >= minimum and t.failed >= t.passed > 0:
        missing.append(f"most examples fail ({t.failed} of {t.passed + t.failed}); an export would leave them out")
    if fmt.recommended_examples and t.passed < fmt.recommended_examples:
        missing.append(f"{fmt.recommended_examples - t.passed} more for the recommended {fmt.recommended_examples}")
    for how, n in t.looser.items():
        missing.append(f"{n} failing example(s) pass with {how}")
    for loss, n in t.losses.items():
        missing.append(f"{n} passing example(s) lose something: {loss}")
    epochs_note = "documented default" if fmt.default_epochs else "OpenAI notebook's default"
    cost = (
        f"~{t.capped} billable tokens × {epochs} epoch(s) ({epochs_note}) = ~{t.capped * epochs} "
        f"training tokens ({counting})"
    )
    tokens_p50, tokens_p90, tokens_max = percentiles(t.token_counts, 50, 90, 100)
    turns_p50, turns_max = percentiles(t.turn_counts, 50, 100)
    return FormatCheck(
        format=name,
        passed=t.passed,
        failed=t.failed,
        fixable=t.fixable,
        passed_with_fixes=t.with_fixes,
        would_pass_with=dict(t.looser.most_common()),
        verdict=state,
        within_limit=t.within,
        tokens_p50=tokens_p50,
        tokens_p90=tokens_p90,
        tokens_max=tokens_max,
        turns_p50=turns_p50,
        turns_max=turns_max,
        task_balance=dict(t.tasks.most_common()),
        losses=dict(t.losses.most_common()),
        model=fmt.limit_for(request.model)[1],
        token_counting=counting,
        legacy=fmt.legacy,
        services=[s.line() for s in services_for(name)],
        snippet=fmt.snippet,
        failures=dict(t.failures.most_common()),
        failed_ids=t.ids,
        warnings=dict(t.warnings.most_common()),
        over_token_limit=t.over,
        token_limit=limit,
        tokens_estimated=t.tokens,
        billed_tokens_estimated=t.capped * epochs,
        default_epochs=epochs,
        min_examples=fmt.min_examples,
        recommended_examples=fmt.recommended_examples,
        ready=state == "ready",
        missing=missing,
        cost_line=cost,
        preference=ordered(t.preference),
    )
