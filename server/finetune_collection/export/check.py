"""`check()` (portability report, writes nothing) and `readiness()` (per-target "ready to train?")."""

from __future__ import annotations

import copy
from collections import Counter
from typing import Any

from ..config import Config
from ..store import Store
from .base import Conversation, conversation
from .filters import Selector
from .formats import FORMATS
from .process import SecretCheck, load_secret_finder, notebook_epochs, process
from .report import ExportRequest, FormatCheck, PortabilityReport
from .run import examples, placement, token_limit


class _Tally:
    def __init__(self) -> None:
        self.passed = self.failed = self.fixable = self.over = self.tokens = self.capped = 0
        self.failures: Counter[str] = Counter()
        self.ids: dict[str, list[str]] = {}
        self.warnings: Counter[str] = Counter()


def check(store: Store, config: Config, request: ExportRequest) -> PortabilityReport:
    """Run every format's rules over the matching examples, as an export would; write nothing."""
    finder = load_secret_finder()
    tallies = {name: _Tally() for name in FORMATS}
    matched = 0
    with store.snapshot() as snap:
        for doc_id, _, example in examples(snap, Selector(request), None):
            if request.limit is not None and matched >= request.limit:
                break
            matched += 1
            secrets = SecretCheck(finder)  # one memo per example, shared by the nine formats
            convs: dict[str, Conversation] = {}  # one per context placement, not per format
            for name, fmt in FORMATS.items():
                t = tallies[name]
                if example is None:
                    _fail(t, doc_id, "invalid_stored_example")
                    continue
                limit = token_limit(fmt, config)
                where = placement(fmt, config)
                if where not in convs:
                    convs[where] = conversation(example, where)
                conv = _copy(convs[where])
                out = process(conv, fmt, limit, request.fix, secrets)
                t.over += out.over_limit
                if out.line is None:
                    assert out.problem is not None
                    _fail(t, doc_id, out.problem.rule)
                    if not request.fix and process(conv, fmt, limit, True, secrets).line is not None:
                        t.fixable += 1
                    continue
                t.passed += 1
                t.tokens += conv.tokens
                t.capped += min(conv.tokens, limit) if limit is not None else conv.tokens
                t.warnings.update({w.rule for w in out.warnings})
    formats = [_summary(name, tallies[name], config) for name in FORMATS]
    report = PortabilityReport(matched=matched, formats=formats)
    if finder is None:
        report.note += "; secret re-check unavailable (scrub.detect missing)"
    return report


def _copy(conv: Conversation) -> Conversation:
    # Formats only read the conversation, but a repair builds new turns; a shallow copy keeps
    # one format's view from leaking into the next.
    return Conversation(conv.id, conv.task_type, conv.system, list(conv.turns), conv.tools, conv.tokens)


def _fail(t: _Tally, doc_id: str, rule: str) -> None:
    t.failed += 1
    t.failures[rule] += 1
    ids = t.ids.setdefault(rule, [])
    if len(ids) < 5:
        ids.append(doc_id)


def _summary(name: str, t: _Tally, config: Config) -> FormatCheck:
    fmt = FORMATS[name]
    epochs = fmt.default_epochs or notebook_epochs(t.passed)
    missing: list[str] = []
    if t.passed == 0:
        missing.append("no example passes this format's rules")
    if fmt.min_examples and t.passed < fmt.min_examples:
        missing.append(f"{fmt.min_examples - t.passed} more passing example(s) for the minimum of {fmt.min_examples}")
    if fmt.recommended_examples and t.passed < fmt.recommended_examples:
        missing.append(f"{fmt.recommended_examples - t.passed} more for the recommended {fmt.recommended_examples}")
    if t.fixable:
        missing.append(f"{t.fixable} failing example(s) pass with --fix")
    limit = token_limit(fmt, config)
    epochs_note = "documented default" if fmt.default_epochs else "OpenAI notebook's default"
    cost = (
        f"~{t.capped} billable tokens × {epochs} epoch(s) ({epochs_note}) = ~{t.capped * epochs} "
        "training tokens (estimated offline)"
    )
    return FormatCheck(
        format=name,
        passed=t.passed,
        failed=t.failed,
        fixable=t.fixable,
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
        ready=t.passed > 0 and t.passed >= (fmt.min_examples or 1),
        missing=missing,
        cost_line=cost,
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
        state = "yes" if f.ready else "no"
        summary = f"{state}: {f.passed}/{report.matched} accepted example(s) pass"
        if f.min_examples:
            summary += f" (minimum {f.min_examples})"
        if f.recommended_examples:
            summary += f" (recommended {f.recommended_examples})"
        if f.over_token_limit:
            summary += f"; {f.over_token_limit} over {f.token_limit} tokens"
        summary += f"; ~{f.billed_tokens_estimated} billed tokens over {f.default_epochs} epoch(s), estimated"
        if f.missing:
            summary += "; missing: " + "; ".join(f.missing)
        rows.append(
            {
                "target": f.format,
                "ready": f.ready,
                "examples": f.passed,
                "accepted": report.matched,
                "minimum": f.min_examples,
                "recommended": f.recommended_examples,
                "over_token_limit": f.over_token_limit,
                "token_limit": f.token_limit,
                "failures": f.failures,
                "fixable": f.fixable,
                "billed_tokens_estimated": f.billed_tokens_estimated,
                "default_epochs": f.default_epochs,
                "missing": f.missing,
                "summary": summary,
            }
        )
    return rows
