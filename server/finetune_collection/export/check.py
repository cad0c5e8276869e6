"""`check()` (portability report, writes nothing) and `readiness()` (per-target "ready to train?").

A target is "ready" only when the examples that pass it, within its token limit, meet its minimum
(1 when it documents none) and most matching examples pass it; "partial" when the minimum is met but
most examples fail (an export would leave most of the data out); else "not ready". A legacy target
(its service has ended) is always "not ready", with the reason.
"""

from __future__ import annotations

import copy
import dataclasses
import itertools
from collections import Counter
from typing import Any

from ..config import Config
from ..store import Store
from .base import Conversation, conversation
from .count import load_counter
from .filters import Selector
from .fix import mode_of
from .formats import FORMATS
from .pairs import count, infer, is_negative, ordered
from .process import SecretCheck, load_secret_finder, notebook_epochs, process, trusted
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


def check(store: Store, config: Config, request: ExportRequest) -> PortabilityReport:
    """Run every format's rules over the matching examples, as an export would; write nothing."""
    skip = frozenset(config.scrub.disable)
    allow = tuple(config.scrub.allow)
    finder, shapes = load_secret_finder(skip, allow=allow), load_secret_finder(skip, catalog=False, allow=allow)
    counter = load_counter(config.export.tokenizer)
    mode = mode_of(request.fix, request.strict)
    tallies = {name: _Tally() for name in FORMATS}
    matched = 0
    evidence: Counter[str] = Counter()
    with store.snapshot() as snap:
        inferred = infer(snap, store, config.dedup, request)
        selected: set[str] = set()
        extra: set[str] = set()
        # then the uncorrected rejected answers, which only the unpaired formats write
        rows = itertools.chain(
            examples(snap, Selector(request), None), unpaired_labels(inferred, request, selected, extra)
        )
        for doc_id, doc, example in rows:
            if doc_id not in extra:
                if request.limit is not None and matched >= request.limit:
                    continue  # the unpaired labels still follow
                matched += 1
                selected.add(doc_id)
                _evidence(evidence, doc)
            # one memo per example, shared by the formats
            secrets = SecretCheck(finder, shapes=shapes, trusted=finder is not None and trusted(doc, skip, allow))
            convs: dict[str, Conversation] = {}  # one per context placement, not per format
            for name, fmt in FORMATS.items():
                if doc_id in extra and fmt.preference != "labels":
                    continue  # an uncorrected rejected answer is data for the unpaired formats only
                t = tallies[name]
                if example is None:
                    _fail(t, doc_id, "invalid_stored_example")
                    continue
                limit = token_limit(fmt, config, request.model)
                where = placement(fmt, config)
                if where not in convs:
                    convs[where] = conversation(example, where)
                    if counter.exact:
                        convs[where].tokens = counter.count(convs[where])
                conv = _copy(convs[where])
                if fmt.preference:
                    conv.inferred, conv.negative = inferred.for_chosen(doc_id), is_negative(doc)
                out = process(conv, fmt, limit, mode, secrets)
                t.over += out.over_limit
                if out.line is None:
                    assert out.problem is not None
                    _fail(t, doc_id, out.problem.rule)
                    if mode in LOOSER and out.problem.rule not in ("secret_detected", "too_many_tokens"):
                        next_mode, how = LOOSER[mode]
                        if process(conv, fmt, limit, next_mode, secrets).line is not None:
                            t.fixable += 1
                            t.looser[how] += 1
                    continue
                t.passed += 1
                t.with_fixes += bool(out.fixes)
                t.within += not out.over_limit
                t.tokens += conv.tokens
                t.capped += min(conv.tokens, limit) if limit is not None else conv.tokens
                t.warnings.update({w.rule for w in out.warnings})
                t.losses.update(out.losses)
                t.tasks[example.task_type] += 1
                t.token_counts.append(conv.tokens)
                t.turn_counts.append(len(conv.turns))
                if fmt.preference:
                    count(t.preference, fmt.preference, conv, out.records)
    for name, fmt in FORMATS.items():
        t = tallies[name]
        if fmt.preference == "pairs":
            t.preference["unpaired_accepted"] = t.failures["no_rejected_alternative"]
            t.preference["unpaired_rejected"] = len(inferred.unpaired())
    formats = [_summary(name, tallies[name], config, request, counter.label) for name in FORMATS]
    report = PortabilityReport(matched=matched, formats=formats, evidence=dict(evidence))
    if finder is None:
        report.note += "; secret re-check unavailable (scrub.detect missing)"
    return report


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


def percentile(values: list[int], q: float) -> int:
    """Nearest-rank percentile (0 for no values)."""
    if not values:
        return 0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * q // 100))  # ceil(n*q/100), at least 1
    return ordered[int(rank) - 1]


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
    return FormatCheck(
        format=name,
        passed=t.passed,
        failed=t.failed,
        fixable=t.fixable,
        passed_with_fixes=t.with_fixes,
        would_pass_with=dict(t.looser.most_common()),
        verdict=state,
        within_limit=t.within,
        tokens_p50=percentile(t.token_counts, 50),
        tokens_p90=percentile(t.token_counts, 90),
        tokens_max=max(t.token_counts, default=0),
        turns_p50=percentile(t.turn_counts, 50),
        turns_max=max(t.turn_counts, default=0),
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


_CACHE: dict[tuple[Any, ...], list[dict[str, Any]]] = {}


def readiness(store: Store, config: Config) -> list[dict[str, Any]]:
    """Per target: can the accepted set be trained on now, and what is missing (for `stats`).

    This runs every format over the accepted set, so a long-lived server remembers the answer
    until the store file or the config changes (file identity, size and mtime).
    """
    try:
        st = store.path.stat()
        key: tuple[Any, ...] = (str(store.path), st.st_ino, st.st_size, st.st_mtime_ns, config.model_dump_json())
    except OSError:
        key = ()
    if key and key in _CACHE:
        return copy.deepcopy(_CACHE[key])
    rows = _readiness(store, config)
    if key:
        _CACHE.clear()
        _CACHE[key] = copy.deepcopy(rows)
    return rows


def _readiness(store: Store, config: Config) -> list[dict[str, Any]]:
    report = check(store, config, ExportRequest())
    rows = []
    for f in report.formats:
        as_is = f.passed - f.passed_with_fixes
        summary = (
            f"{'yes' if f.ready else 'no'} ({f.verdict}): {as_is} pass, {f.passed_with_fixes} pass with safe fixes, "
            f"{f.failed} fail of {report.matched} accepted"
        )
        if f.min_examples:
            summary += f" (minimum {f.min_examples})"
        if f.recommended_examples:
            summary += f" (recommended {f.recommended_examples})"
        if f.passed:
            summary += (
                f"; tokens p50 {f.tokens_p50}, p90 {f.tokens_p90}, max {f.tokens_max} ({f.token_counting}); "
                f"turns p50 {f.turns_p50}, max {f.turns_max}"
            )
        if f.over_token_limit:
            summary += f"; {f.over_token_limit} over {f.token_limit} tokens"
            if f.model:
                summary += f" ({f.model})"
        summary += f"; ~{f.billed_tokens_estimated} billed tokens over {f.default_epochs} epoch(s)"
        if f.preference:
            summary += "; preference data: " + ", ".join(f"{k} {v}" for k, v in f.preference.items())
        if f.missing:
            summary += "; missing: " + "; ".join(f.missing)
        rows.append(
            {
                "target": f.format,
                "ready": f.ready,
                "verdict": f.verdict,
                "examples": f.passed,
                "passed_as_is": as_is,
                "passed_with_fixes": f.passed_with_fixes,
                "failed": f.failed,
                "accepted": report.matched,
                "minimum": f.min_examples,
                "recommended": f.recommended_examples,
                "within_token_limit": f.within_limit,
                "over_token_limit": f.over_token_limit,
                "token_limit": f.token_limit,
                "model": f.model,
                "tokens": {"p50": f.tokens_p50, "p90": f.tokens_p90, "max": f.tokens_max, "counting": f.token_counting},
                "turns": {"p50": f.turns_p50, "max": f.turns_max},
                "task_balance": f.task_balance,
                "failures": f.failures,
                "fixable": f.fixable,
                "would_pass_with": f.would_pass_with,
                "losses": f.losses,
                "billed_tokens_estimated": f.billed_tokens_estimated,
                "default_epochs": f.default_epochs,
                "missing": f.missing,
                "legacy": f.legacy,
                "services": f.services,
                "service_status": "; ".join(s.short() for s in services_for(f.format)),
                "preference": f.preference,
                "summary": summary,
            }
        )
    return rows
