"""`readiness()`: per target, "ready to train?" over the accepted set, for `stats`.

The answer is `check()` with its per-example outcomes kept by the store (memo "readiness"), turned
into one row per target with a one-line summary; verdicts are `check`'s.
"""

from __future__ import annotations

import copy
from typing import Any

from ..config import Config
from ..store import StoreBackend
from .portability import check
from .report import ExportRequest
from .status import services_for

_CACHE: dict[tuple[str, str, str], list[dict[str, Any]]] = {}


def readiness(store: StoreBackend, config: Config) -> list[dict[str, Any]]:
    """Per target: can the accepted set be trained on now, and what is missing (for `stats`).

    Every format's outcome for each example is kept by the store per document revision, and
    added up per block of examples, so after a write only that example's block is read again;
    the answer itself is remembered until the store or the config changes.
    """
    key = (store.location, store.version(), config.model_dump_json())
    if key in _CACHE:
        return copy.deepcopy(_CACHE[key])
    rows = _readiness(store, config)
    _CACHE.clear()
    _CACHE[key] = copy.deepcopy(rows)
    return rows


def _readiness(store: StoreBackend, config: Config) -> list[dict[str, Any]]:
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
