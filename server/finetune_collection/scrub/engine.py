"""The scrub engine: applies the catalog, then the user's config patterns, to every string.

Rules are data (`Rule`); the engine knows no PII type by name. Each rule may carry literal
prefilters (skip the regex when none occurs in the text) and a validator (Luhn, checksum,
entropy) that must accept the matched value. Results report counts per type, never values.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import regex

from ..errors import ConfigError

if TYPE_CHECKING:
    from ..config import Config


class PatternTimeout(Exception):
    """A user pattern ran past its timeout (catastrophic backtracking)."""


@dataclass(frozen=True, slots=True)
class Rule:
    type: str
    pattern: str
    replacement: str
    validator: Callable[[str], bool] | None = None
    prefilter: tuple[str, ...] = ()
    user: bool = False  # config patterns: replace the whole match, run with a timeout


@dataclass(slots=True)
class Finding:
    type: str
    start: int
    end: int


@dataclass(slots=True)
class ScrubResult:
    text: str
    counts: Counter[str] = field(default_factory=Counter)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class _Compiled:
    rule: Rule
    regex: Any


class Scrubber:
    def __init__(
        self,
        rules: list[Rule],
        *,
        allow: list[str] | None = None,
        pseudonyms: bool = False,
        timeout: float = 1.0,
    ) -> None:
        self.rules = [_Compiled(r, regex.compile(r.pattern)) for r in rules]
        self.allow = [regex.compile(a) for a in allow or []]
        self.pseudonyms = pseudonyms
        self.timeout = timeout

    def scrub_text(self, text: str, names: dict[tuple[str, str], str] | None = None) -> ScrubResult:
        """Scrub one string. `names` carries pseudonyms across the strings of one example."""
        result = ScrubResult(text)
        for compiled in self.rules:
            rule = compiled.rule
            if rule.prefilter and not any(p in result.text for p in rule.prefilter):
                continue
            result.text = self._apply(compiled, result, names)
        return result

    def _apply(self, compiled: _Compiled, result: ScrubResult, names: dict[tuple[str, str], str] | None) -> str:
        rule = compiled.rule
        text = result.text
        out: list[str] = []
        last = 0
        try:
            matches = list(compiled.regex.finditer(text, timeout=self.timeout if rule.user else None))
        except TimeoutError:
            raise PatternTimeout(
                f"pii_patterns: pattern for type {rule.type!r} exceeded its {self.timeout}s timeout "
                "(catastrophic backtracking?); simplify the pattern"
            ) from None
        for m in matches:
            has_value = "value" in compiled.regex.groupindex and m.group("value") is not None
            start, end = m.span("value") if has_value else m.span()
            value = text[start:end]
            if start < last or not value:
                continue
            if rule.validator is not None and not rule.validator(value):
                continue
            if any(a.fullmatch(value) for a in self.allow):
                continue
            replacement = self._placeholder(rule, value, names)
            out.append(text[last:start])
            out.append(replacement)
            result.counts[rule.type] += 1
            result.findings.append(Finding(rule.type, start, end))
            last = end
        if not out:
            return text
        out.append(text[last:])
        return "".join(out)

    def _placeholder(self, rule: Rule, value: str, names: dict[tuple[str, str], str] | None) -> str:
        if not self.pseudonyms or names is None or rule.user:
            return rule.replacement
        key = (rule.type, value)
        if key not in names:
            n = sum(1 for t, _ in names if t == rule.type) + 1
            base = rule.replacement[:-1] if rule.replacement.endswith(">") else rule.replacement
            names[key] = f"{base}_{n}>"
        return names[key]

    def scrub_value(self, value: Any, counts: Counter[str], names: dict[tuple[str, str], str] | None = None) -> Any:
        """Scrub every string inside a JSON value (dict keys included), counting per type."""
        if isinstance(value, str):
            res = self.scrub_text(value, names)
            counts.update(res.counts)
            return res.text
        if isinstance(value, list):
            return [self.scrub_value(v, counts, names) for v in value]
        if isinstance(value, dict):
            return {
                self.scrub_value(k, counts, names): self.scrub_value(v, counts, names) for k, v in value.items()
            }
        return value


def build_scrubber(config: Config) -> Scrubber:
    from .catalog import CATALOG

    known = {r.type for r in CATALOG}
    unknown = [t for t in config.scrub.disable if t not in known]
    if unknown:
        raise ConfigError(
            f"scrub.disable: unknown catalog type(s) {', '.join(unknown)}; known: {', '.join(sorted(known))}"
        )
    rules = [r for r in CATALOG if r.type not in config.scrub.disable]
    rules += [Rule(p.type, p.pattern, p.replacement, user=True) for p in config.pii_patterns]
    return Scrubber(
        rules,
        allow=config.scrub.allow,
        pseudonyms=config.scrub.pseudonyms,
        timeout=config.scrub.pattern_timeout,
    )
