"""One stored example through one format: render, validate, optionally repair, secret re-check, encode.

Shared by `export()` and `check()` so the portability report counts exactly what an export does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson

from ._base import Conversation, Format, Problem, Record, Unrepresentable
from ._fix import repair

log = logging.getLogger(__name__)

SecretFinder = Callable[[str], list[str]]

# OpenAI notebook [18]: TARGET_EPOCHS 3, examples wanted between 100 and 25,000 per run, epochs 1-25.
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES, MIN_EPOCHS, MAX_EPOCHS = 3, 100, 25_000, 1, 25


def notebook_epochs(n: int) -> int:
    if n <= 0:
        return 0
    if n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_EPOCHS, MIN_TARGET_EXAMPLES // n)
    if n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_EPOCHS, MAX_TARGET_EXAMPLES // n)
    return TARGET_EPOCHS


def load_secret_finder() -> SecretFinder | None:
    """The independent detector, `scrub.detect.find_secrets` (a seam: benchmarks turn it off)."""
    from ..scrub.detect import find_secrets

    finder: SecretFinder = find_secrets
    return finder


_SCHEMA_KEY = re.compile(r"[A-Za-z_]{1,31}")  # `systemInstruction`, `tool_call_id`: no digits, short


def _strings(value: Any) -> Iterator[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for k, v in value.items():
            # Field names of the record's own shape are not content; checking them made every
            # record look like it held a long token (`systemInstruction`) and cost a full pass.
            if not _SCHEMA_KEY.fullmatch(k):
                yield k
            yield from _strings(v)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v)


@dataclass(slots=True)
class SecretCheck:
    """Runs the detector on each distinct string of a record; memoised per example (check() runs
    nine formats over the same texts)."""

    finder: SecretFinder | None
    memo: dict[str, list[str]] = field(default_factory=dict)

    def types(self, record: Record) -> list[str]:
        if self.finder is None:
            return []
        # One detector pass over the record's strings joined by newlines (a token never spans a
        # newline), instead of one call per string: per-call overhead dominated on short turns.
        text = "\n".join(s for s in _strings(record) if len(s) >= 8)
        hit = self.memo.get(text)
        if hit is None:
            if len(self.memo) > 64:  # the memo serves check()'s nine formats of one example
                self.memo.clear()
            hit = self.memo[text] = self.finder(text)
        return sorted(set(hit))


@dataclass(slots=True)
class Outcome:
    line: bytes | None = None
    problem: Problem | None = None
    fixes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    over_limit: bool = False


def _attempt(fmt: Format, conv: Conversation) -> tuple[Record | None, list[Problem]]:
    try:
        record = fmt.render(conv)
    except Unrepresentable as err:
        return None, [err.problem]
    return record, fmt.validate(record)


def process(conv: Conversation, fmt: Format, token_limit: int | None, fix: bool, secrets: SecretCheck) -> Outcome:
    out = Outcome()
    if token_limit is not None and conv.tokens > token_limit:
        out.over_limit = True
        if fmt.limit_is_hard:
            out.problem = Problem("too_many_tokens", f"~{conv.tokens} tokens (estimated) > {token_limit}")
            return out
        out.warnings.append(Problem("over_token_limit", f"~{conv.tokens} > {token_limit}", fatal=False))
    record, problems = _attempt(fmt, conv)
    fatal = [p for p in problems if p.fatal]
    if fatal and fix:
        fixed, applied = repair(conv, fmt.system_field)
        if applied:
            record2, problems2 = _attempt(fmt, fixed)
            if not any(p.fatal for p in problems2):
                record, problems, fatal, out.fixes = record2, problems2, [], applied
    if fatal or record is None:
        first = fatal[0]
        more = sorted({p.rule for p in fatal[1:]} - {first.rule})
        detail = first.detail + (f"; also {', '.join(more)}" if more else "")
        if not fix and first.rule in FIXABLE_HINT:
            detail += " (--fix may repair this)"
        out.problem = Problem(first.rule, detail)
        return out
    out.warnings += [p for p in problems if not p.fatal]
    types = secrets.types(record)
    if types:
        # Types only: the matched value must never reach a report or a log.
        out.problem = Problem("secret_detected", f"still looks like: {', '.join(types)}")
        return out
    try:
        out.line = orjson.dumps(record) + b"\n"
    except TypeError:  # e.g. a lone surrogate, which UTF-8 cannot encode
        out.problem = Problem("invalid_unicode", "text cannot be encoded as UTF-8")
    return out


FIXABLE_HINT = {
    "turns_not_alternating",
    "system_turn_in_messages",
    "missing_content",
    "odd_even_position",
    "odd_number_of_turns",
    "first_message_not_user",
    "prompt_must_start_with_human",
}
