"""`check()` (portability report, writes nothing) and `readiness()` (per-target "ready to train?").

A target is "ready" only when the examples that pass it, within its token limit, meet its minimum
(1 when it documents none) and most matching examples pass it; "partial" when the minimum is met but
most examples fail (an export would leave most of the data out); else "not ready". A legacy target
(its service has ended) is always "not ready", with the reason.
"""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from pydantic import ValidationError

from ..config import Config
from ..model import Example, code_version
from ..store import Store
from .base import Conversation, conversation
from .count import load_counter
from .filters import Selector
from .fix import mode_of
from .formats import FORMATS
from .process import SecretCheck, load_secret_finder, notebook_epochs, process, trusted
from .report import ExportRequest, FormatCheck, PortabilityReport, Verdict
from .run import LOOSER, examples, placement, token_limit
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


def check(store: Store, config: Config, request: ExportRequest, memo: str | None = None) -> PortabilityReport:
    """Run every format's rules over the matching examples, as an export would; write nothing.

    `memo`: a name under which each example's outcome is kept in the store per document revision
    (readiness asks the same question after every write: only new or changed examples are run)."""
    skip = frozenset(config.scrub.disable)
    allow = tuple(config.scrub.allow)
    finder, shapes = load_secret_finder(skip, allow=allow), load_secret_finder(skip, catalog=False, allow=allow)
    counter = load_counter(config.export.tokenizer)
    mode = mode_of(request.fix, request.strict)
    tallies = {name: _Tally() for name in FORMATS}
    selector = Selector(request)

    def outcomes(doc_id: str, doc: dict[str, Any], example: Example | None) -> list[list[Any]]:
        if example is None:
            return [["f", "invalid_stored_example", None, 0]] * len(FORMATS)
        # one secret memo per example, shared by the formats
        secrets = SecretCheck(finder, shapes=shapes, trusted=finder is not None and trusted(doc, skip, allow))
        convs: dict[str, Conversation] = {}  # one per context placement, not per format
        out: list[list[Any]] = []
        for fmt in FORMATS.values():
            limit = token_limit(fmt, config, request.model)
            where = placement(fmt, config)
            if where not in convs:
                convs[where] = conversation(example, where)
                if counter.exact:
                    convs[where].tokens = counter.count(convs[where])
            conv = _copy(convs[where])
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
            capped = min(conv.tokens, limit) if limit is not None else conv.tokens
            out.append(["p", bool(done.fixes), not done.over_limit, conv.tokens, capped,
                        sorted({w.rule for w in done.warnings}), list(done.losses), example.task_type,
                        len(conv.turns), over])
        return out

    if memo is not None:
        kind = f"{memo}:{_fingerprint(config, request)}"

        def compute(doc_id: str, doc: dict[str, Any]) -> list[list[Any]] | None:
            if not selector.match(doc):
                return None
            try:
                example: Example | None = Example.model_validate(doc)
            except ValidationError:
                example = None
            return outcomes(doc_id, doc, example)

        rows: Iterable[tuple[str, list[list[Any]] | None]] = store.memo(kind, compute)
    else:
        rows = _outcomes_of(store, selector, outcomes)
    matched = 0
    for doc_id, found in rows:
        if found is None:
            continue
        if request.limit is not None and matched >= request.limit:
            break
        matched += 1
        for t, outcome in zip(tallies.values(), found, strict=True):
            _add(t, doc_id, outcome)
    formats = [_summary(name, tallies[name], config, request, counter.label) for name in FORMATS]
    report = PortabilityReport(matched=matched, formats=formats)
    if finder is None:
        report.note += "; secret re-check unavailable (scrub.detect missing)"
    return report


def _outcomes_of(
    store: Store, selector: Selector, outcomes: Callable[[str, dict[str, Any], Example | None], list[list[Any]]]
) -> Iterator[tuple[str, list[list[Any]]]]:
    with store.snapshot() as snap:
        for doc_id, doc, example in examples(snap, selector, None):
            yield doc_id, outcomes(doc_id, doc, example)


def _add(t: _Tally, doc_id: str, outcome: list[Any]) -> None:
    """Count one example's outcome for one format (as `outcomes` encodes it)."""
    if outcome[0] == "f":
        _, rule, how, over = outcome
        t.over += over
        _fail(t, doc_id, rule)
        if how is not None:
            t.fixable += 1
            t.looser[how] += 1
        return
    _, fixed, within, tokens, capped, warnings, losses, task, turns, over = outcome
    t.over += over
    t.passed += 1
    t.with_fixes += fixed
    t.within += within
    t.tokens += tokens
    t.capped += capped
    for rule in warnings:  # Counter.update costs more than these loops over mostly-empty lists
        t.warnings[rule] += 1
    for lost in losses:
        t.losses[lost] += 1
    t.tasks[task] += 1
    t.token_counts.append(tokens)
    t.turn_counts.append(turns)


def _fingerprint(config: Config, request: ExportRequest) -> str:
    """What an example's outcome depends on besides its document: the config, the request and
    this release (rules change between releases)."""
    data = f"{code_version()}|{config.model_dump_json()}|{request.model_dump_json()}"
    return hashlib.blake2b(data.encode(), digest_size=8).hexdigest()


def _copy(conv: Conversation) -> Conversation:
    # Formats only read the conversation, but a repair builds new turns; a shallow copy keeps
    # one format's view from leaking into the next.
    return Conversation(
        conv.id, conv.task_type, conv.system, list(conv.turns), conv.tools, conv.tokens, list(conv.rejected)
    )


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
    )


_CACHE: dict[tuple[Any, ...], list[dict[str, Any]]] = {}


def readiness(store: Store, config: Config) -> list[dict[str, Any]]:
    """Per target: can the accepted set be trained on now, and what is missing (for `stats`).

    This runs every format over the accepted set, so a long-lived server remembers the answer
    until the store file or the config changes (file identity, size and mtime).
    """
    key: tuple[Any, ...] = (store.location, store.version(), config.model_dump_json())
    if key and key in _CACHE:
        return copy.deepcopy(_CACHE[key])
    rows = _readiness(store, config)
    if key:
        _CACHE.clear()
        _CACHE[key] = copy.deepcopy(rows)
    return rows


def _readiness(store: Store, config: Config) -> list[dict[str, Any]]:
    report = check(store, config, ExportRequest(), memo="readiness")
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
                "summary": summary,
            }
        )
    return rows
