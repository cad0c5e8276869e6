"""The scrub package's data types: a rule (data, not code) and what scrubbing reports.

`catalog` builds rules, `engine` applies them; both import these, so neither imports the other
for its types.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..errors import ConfigError


class PatternTimeout(ConfigError):
    """A user pattern ran past its timeout (catastrophic backtracking): a config problem, so the
    example is refused (never stored unscrubbed) and the message names the pattern's type."""


@dataclass(frozen=True, slots=True)
class Rule:
    """One PII type's pattern. Named groups the engine understands:

    - `value`: only this span is replaced (keys, quotes and code around it stay);
    - `lead`: a group inside a leading lookbehind that starts the replaced span (lets a pattern
      be anchored on a literal such as `@` while still replacing the text before it).

    `validator` sees the value; `check` sees the whole match (for names, syntax variants).
    `anchors` are lowercase literals one of which every match starts with, in any case (see the
    module docstring). Anchors of 3+ characters from `literals.ALPHABET` are found in the shared pass;
    others are searched for one by one. Under `(?i)`, leave out letters with non-ASCII case
    partners (`i`: `İ`, `k`: `K`, `s`: `ſ`), which the folded copy cannot see.
    """

    type: str
    pattern: str
    replacement: str
    validator: Callable[[str], bool] | None = None
    prefilter: tuple[str, ...] = ()
    user: bool = False  # config patterns: replace the whole match, run with a timeout
    anchors: tuple[str, ...] = ()
    check: Callable[[Any], bool] | None = None
    wide: bool = False  # matches only text with a non-ASCII character: skipped on ASCII text
    reach: int = 1024  # an anchored match is looked for within this many characters of its anchor
    # A question about the text's digits (digits.Digits) that every text holding a match answers
    # yes, as the pattern itself requires: a long text answering no skips the rule.
    gate: Callable[[Any], bool] | None = None


@dataclass(slots=True)
class Finding:
    type: str
    start: int
    end: int


@dataclass(slots=True)
class Located:
    """A finding with 1-based line and column (in characters) of its start in the original."""

    type: str
    start: int
    end: int
    line: int
    col: int


@dataclass(slots=True)
class ScrubResult:
    text: str
    counts: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)
