"""The scrub engine: applies the catalog, then the user's config patterns, to every string.

Rules are data (`Rule`); the engine knows no PII type by name. Catalog rules all run on the
ORIGINAL text in one pass: every rule proposes matches, and where two overlap the earlier rule
in the list wins (specific provider keys before generic assignments before emails, …). The
output is then built once. User patterns (`pii_patterns`) run afterwards, in order, on the
scrubbed text, exactly like the seed's sequential `re.sub`, each under a per-call timeout.

Speed: a rule with `anchors` is not scanned across the whole text. The engine finds every anchor
literal of every rule in ONE pass per text (`literals.py`: case-insensitive, a table lookup of each
position's first characters) and tries a rule's pattern only where one of its anchors starts,
with `match`, so context before the anchor goes in a lookbehind. A rule none of whose anchors
occurs costs nothing more. Other rules use `finditer`, skipped entirely when none of their
`prefilter` literals occurs. Both give the same matches: `finditer` could only start a match
where an anchor starts.

Findings report `type`, `start`, `end` as offsets into the ORIGINAL input text (also for user
patterns: their spans are mapped back through the catalog's replacements). Never values.
"""

from __future__ import annotations

import bisect
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import regex

from ..errors import ConfigError
from . import structured, view
from .catalog import CATALOG
from .digits import Digits
from .literals import ALPHABET, Literals, fold
from .rule import Finding, Located, PatternTimeout, Rule, ScrubResult

if TYPE_CHECKING:
    from ..config import Config


class _Compiled:
    """A rule and its pattern, compiled on first use: the regex module's parser is Python, so
    compiling the whole catalog is a noticeable start-up cost, and one text needs a few dozen."""

    __slots__ = ("rule", "_regex", "value", "lead")

    def __init__(self, rule: Rule, compiled: Any = None) -> None:
        self.rule = rule
        self._regex: Any = None
        self.value = 0  # number of the `value` group, 0 if none (set when compiled)
        self.lead = 0  # number of the `lead` group, 0 if none (set when compiled)
        if compiled is not None:
            self._set(compiled)

    def _set(self, compiled: Any) -> None:
        groups = compiled.groupindex
        self.value, self.lead = groups.get("value", 0), groups.get("lead", 0)
        self._regex = compiled

    @property
    def regex(self) -> Any:
        if self._regex is None:
            self._set(regex.compile(self.rule.pattern))
        return self._regex


@dataclass(slots=True)
class _Edit:
    """A replaced span: [start, end) in the original text and [out_start, out_end) in the output."""

    start: int
    end: int
    out_start: int
    out_end: int


def _core(literal: str) -> str | None:
    """The longest run of 3+ characters of `literal` that the literal pass can find (lowercase),
    or None."""
    # Only ASCII letters are lowered: `K` (Kelvin) lowers to `k`, which the text's fold never shows.
    plain = "".join(c.lower() if c.isascii() else "\0" for c in literal)
    runs = regex.findall("[" + regex.escape(ALPHABET) + "]{3,}", plain)
    return max(runs, key=len) if runs else None


def locate(text: str, findings: list[Finding]) -> list[Located]:
    """Findings with 1-based line and column of their start in `text` (the original)."""
    located = []
    for f in findings:
        line = text.count("\n", 0, f.start) + 1
        col = f.start - (text.rfind("\n", 0, f.start) + 1) + 1
        located.append(Located(f.type, f.start, f.end, line, col))
    return located


class Scrubber:
    def __init__(
        self,
        rules: list[Rule],
        *,
        allow: list[str] | None = None,
        pseudonyms: bool = False,
        timeout: float = 1.0,
    ) -> None:
        self.catalog: list[_Compiled] = []
        self.user: list[_Compiled] = []
        for r in rules:
            if r.user:  # the config's patterns: a bad one fails here, when the config loads
                self.user.append(_Compiled(r, regex.compile(r.pattern)))
            else:
                self.catalog.append(_Compiled(r))
        # A prefilter literal with a run of 3+ characters the literal pass knows (its core) is
        # looked for only when the pass found the core: a search for an absent literal reads the
        # whole text, the pass finds all cores at once (`"kty"`, `kind: Secret`).
        self.cores = {lit: core for c in self.catalog for lit in c.rule.prefilter if (core := _core(lit))}
        anchors = {lit for c in self.catalog for lit in c.rule.anchors}
        self.literals = Literals(frozenset(anchors | set(self.cores.values())))
        self.anchored: dict[str, list[int]] = {}  # anchor literal -> catalog indexes of its rules
        for i, c in enumerate(self.catalog):
            for lit in c.rule.anchors:
                self.anchored.setdefault(lit, []).append(i)
        self.scanning = [i for i, c in enumerate(self.catalog) if not c.rule.anchors]
        # Prefilter literals with characters outside ASCII -> those characters.
        self.needs = {
            lit: frozenset(ch for ch in lit if not ch.isascii())
            for c in self.catalog
            for lit in c.rule.prefilter
            if not lit.isascii()
        }
        # Rules with a `value` group, read from the pattern's text (nothing compiled yet).
        self.contextual = {c.rule for c in self.catalog if "(?P<value>" in c.rule.pattern}
        self.allow = [regex.compile(a) for a in allow or []]
        self.pseudonyms = pseudonyms
        self.timeout = timeout

    @property
    def rules(self) -> list[_Compiled]:
        return [*self.catalog, *self.user]

    def scrub_text(
        self,
        text: str,
        names: dict[tuple[str, str], str] | None = None,
        *,
        frame: tuple[str, str] | None = None,
        known: dict[str, Rule] | None = None,
    ) -> ScrubResult:
        """Scrub one string. `names` carries pseudonyms across the strings of one example.

        `frame`: text the catalog reads before and after this one (`"password": "` and `"`, see
        structured.py); only spans inside `text` are replaced. `known`: values other strings of
        the example judged secret by context; their copies here go too, and this string's own
        such values are added to it (structured.Session). User patterns see `text` alone.
        Finding offsets refer to `text` as given (the original), sorted by start."""
        result = ScrubResult(text)
        spans = self._spans(text, frame, known)
        out: list[str] = []
        edits: list[_Edit] = []
        last = pos = 0
        for start, end, rule in spans:
            value = text[start:end]
            replacement = self._placeholder(rule, value, names)
            out.append(text[last:start])
            pos += start - last
            out.append(replacement)
            edits.append(_Edit(start, end, pos, pos + len(replacement)))
            pos += len(replacement)
            result.counts[rule.type] += 1
            result.findings.append(Finding(rule.type, start, end))
            last = end
        if spans:
            out.append(text[last:])
            result.text = "".join(out)
        for compiled in self.user:
            result.text, edits = self._apply_user(compiled, result, edits, names)
        result.findings.sort(key=lambda f: (f.start, f.end))
        return result

    # -- catalog: one pass over the original text ------------------------------------------------
    def _spans(
        self, text: str, frame: tuple[str, str] | None = None, known: dict[str, Rule] | None = None
    ) -> list[tuple[int, int, Rule]]:
        """Catalog spans in the original text: found in its `view` (framed, if a frame is given),
        then every other copy of a value found (a secret pasted twice goes twice, though only one
        copy had a name before it), and of the values `known` from the example's other strings."""
        if frame is None:
            spans = self._found(text)
        else:
            head, tail = frame
            lo, hi = len(head), len(head) + len(text)
            spans = [
                (max(s, lo) - lo, min(e, hi) - lo, r)
                for s, e, r in self._found(head + text + tail)
                if s < hi and e > lo
            ]
        if not spans and not known:
            return spans
        # Only values judged by their context (a `value` group: a name, a flag, a label before
        # them) are looked for again; a shape rule finds its other copies by itself.
        values = {text[s:e]: r for s, e, r in spans if r in self.contextual}
        if known is not None:
            for value, rule in values.items():
                if structured.chased(value):
                    known.setdefault(value, rule)
            for value, rule in known.items():
                if value not in values and value in text:
                    values[value] = rule
        if not values:
            return spans
        rules = list(dict.fromkeys(values.values()))
        index = {r: i for i, r in enumerate(rules)}
        extra = view.copies(text, {v: index[r] for v, r in values.items()}, [(s, e) for s, e, _ in spans])
        if extra:
            spans = sorted([*spans, *((s, e, rules[i]) for s, e, i in extra)], key=lambda t: t[0])
        return spans

    def _found(self, text: str) -> list[tuple[int, int, Rule]]:
        """Catalog spans found in the text's view, as offsets into the text."""
        beyond = view.beyond_ascii(text)
        seen, keep = view.view(text, beyond)
        spans = self._catalog_spans(seen, beyond)
        if spans and keep is not None:
            spans = [(*view.to_original(keep, s, e), r) for s, e, r in spans]
        return spans

    def _catalog_spans(self, text: str, beyond: set[str]) -> list[tuple[int, int, Rule]]:
        """`beyond`: the characters outside ASCII of the text or of one it was made from by
        swapping and dropping characters (a superset does: it only decides what is searched)."""
        taken: list[tuple[int, int, Rule]] = []  # sorted by start, non-overlapping
        starts: list[int] = []
        folded = fold(text)
        # The pass also finds prefilter cores (_present needs it even with no anchored rule left).
        anchors = self.literals.find(text, folded) if self.anchored or self.cores else {}
        digits = Digits(folded)
        # Only the rules one of whose anchors occurs, plus the scanning ones, in catalog order.
        todo = sorted({i for lit in anchors for i in self.anchored.get(lit, ())}.union(self.scanning))
        passed: dict[tuple[str, ...], bool] = {}  # rules often share a prefilter (the digits)
        ascii_text = text.isascii()  # O(1): CPython records it
        for compiled in map(self.catalog.__getitem__, todo):
            rule = compiled.rule
            if rule.wide and ascii_text:
                continue
            if rule.prefilter:
                ok = passed.get(rule.prefilter)
                if ok is None:
                    ok = passed[rule.prefilter] = self._present(rule.prefilter, text, beyond, anchors)
                if not ok:
                    continue
            if rule.gate is not None and not rule.gate(digits):
                continue
            if rule.anchors:
                found = self._anchored(compiled, text, anchors)
            else:
                found = self._scanned(compiled, text)
            for start, end in found:
                i = bisect.bisect_left(starts, start)
                if i > 0 and taken[i - 1][1] > start or i < len(taken) and taken[i][0] < end:
                    continue  # an earlier (more specific) rule already owns part of this span
                starts.insert(i, start)
                taken.insert(i, (start, end, rule))
        return taken

    def _scanned(self, compiled: _Compiled, text: str) -> Iterator[tuple[int, int]]:
        return (s for m in compiled.regex.finditer(text) if (s := self._accept(compiled, m, text)))

    def _present(
        self, needles: tuple[str, ...], text: str, beyond: set[str], found: dict[str, list[int]]
    ) -> bool:
        """Whether one of the literals occurs. A literal holding a character the text lacks, or
        a core the literal pass did not find (`found`), is not searched for."""
        for needle in needles:
            need = self.needs.get(needle)
            if need is not None and not need <= beyond:
                continue
            core = self.cores.get(needle)
            if core is not None and core not in found:
                continue
            if needle in text:
                return True
        return False

    def _anchored(self, compiled: _Compiled, text: str, anchors: dict[str, list[int]]) -> Iterator[tuple[int, int]]:
        """Accepted spans of an anchored rule. Anchors inside an accepted match are skipped; those
        inside a rejected one are still tried (`{"auths":{…{"auth":"…"}}}`: the outer name's
        candidate runs to the end of the line and is rejected, the inner one is the secret)."""
        hits = [anchors[lit] for lit in compiled.rule.anchors if lit in anchors]
        if not hits:
            return
        positions = hits[0] if len(hits) == 1 else sorted({p for ps in hits for p in ps})
        reach = -1
        size = len(text)
        longest = compiled.rule.reach
        for p in positions:
            if p < reach:
                continue
            # `endpos`: the regex module checks that a pattern's required literal (a `(`, an `@`)
            # occurs before it tries one, searching to the end of the text; without a bound, a
            # text of many anchors and no such literal costs the square of its length.
            end = p + longest
            m = compiled.regex.match(text, p, end if end < size else size)
            if m is None:
                continue
            span = self._accept(compiled, m, text)
            if span is not None:
                yield span
                reach = m.end()

    def _accept(self, compiled: _Compiled, m: Any, text: str) -> tuple[int, int] | None:
        # Runs for every candidate (thousands per MB of code): group numbers, not names, and a
        # span of -1 for a group that did not take part, as m.group() is then None.
        rule = compiled.rule
        start, end = m.span()
        if compiled.value:
            v_start, v_end = m.span(compiled.value)
            if v_start >= 0:
                start, end = v_start, v_end
        if compiled.lead:
            lead = m.start(compiled.lead)
            if 0 <= lead < start:
                start = lead
        if start >= end:
            return None
        value = text[start:end]
        if rule.validator is not None and not rule.validator(value):
            return None
        if rule.check is not None and not rule.check(m):
            return None
        if self.allow and any(a.fullmatch(value) for a in self.allow):
            return None
        return start, end

    # -- user patterns: sequential, on the scrubbed text, under a timeout --------------------------
    def _apply_user(
        self,
        compiled: _Compiled,
        result: ScrubResult,
        edits: list[_Edit],
        names: dict[tuple[str, str], str] | None,
    ) -> tuple[str, list[_Edit]]:
        rule = compiled.rule
        text = result.text
        try:
            matches = list(compiled.regex.finditer(text, timeout=self.timeout))
        except TimeoutError:
            raise PatternTimeout(
                f"pii_patterns: pattern for type {rule.type!r} exceeded its {self.timeout}s timeout "
                "(catastrophic backtracking?); simplify the pattern"
            ) from None
        out: list[str] = []
        new: list[tuple[int, int, str]] = []  # spans in `text` and their replacement
        last = 0
        for m in matches:
            span = self._accept(compiled, m, text)
            if span is None or span[0] < last:
                continue
            start, end = span
            replacement = self._placeholder(rule, text[start:end], names)
            out += [text[last:start], replacement]
            new.append((start, end, replacement))
            last = end
        if not new:
            return text, edits
        out.append(text[last:])
        merged = _compose(edits, new)
        for start, end, _ in new:
            o_start, o_end = _to_original(edits, start, end)
            result.counts[rule.type] += 1
            result.findings.append(Finding(rule.type, o_start, o_end))
        return "".join(out), merged

    def _placeholder(self, rule: Rule, value: str, names: dict[tuple[str, str], str] | None) -> str:
        # Only `<TYPE>` placeholders number; a replacement that is text (`~/`) stays as it is.
        if not self.pseudonyms or names is None or rule.user or not rule.replacement.endswith(">"):
            return rule.replacement
        key = (rule.type, value)
        if key not in names:
            n = sum(1 for t, _ in names if t == rule.type) + 1
            base = rule.replacement[:-1] if rule.replacement.endswith(">") else rule.replacement
            names[key] = f"{base}_{n}>"
        return names[key]

    def explain(self, text: str, names: dict[tuple[str, str], str] | None = None) -> list[Located]:
        """What `scrub_text` would replace, by type and position, never by value (`--explain`)."""
        return locate(text, self.scrub_text(text, names).findings)

    def scrub_value(self, value: Any, counts: Counter[str], names: dict[tuple[str, str], str] | None = None) -> Any:
        """Scrub every string inside a JSON value, counting per type: keys as text, each value in
        the context of its key (structured.py)."""
        out, session = structured.scrub(structured.Session(self, names=names), lambda s: s.value(value))
        counts.update(session.counts)
        return out


def _to_original(edits: list[_Edit], start: int, end: int) -> tuple[int, int]:
    """Map an output span back to the original text; a span touching a placeholder widens to
    the whole original value it stands for."""

    def point(pos: int, is_end: bool) -> int:
        shift = 0
        for e in edits:
            if pos < e.out_start or (is_end and pos == e.out_start):
                break
            if pos < e.out_end or (is_end and pos == e.out_end):
                return e.end if is_end else e.start
            shift = e.end - e.out_end
        return pos + shift

    return point(start, False), point(end, True)


def _compose(edits: list[_Edit], new: list[tuple[int, int, str]]) -> list[_Edit]:
    """Edits of the text after `new` replacements were applied on top of `edits`."""
    out: list[_Edit] = []
    delta = 0  # length change so far from `new`, for edits that survive
    queue = sorted(new)
    i = 0
    for start, end, replacement in queue:
        o_start, o_end = _to_original(edits, start, end)
        while i < len(edits) and edits[i].out_end <= start:
            e = edits[i]
            out.append(_Edit(e.start, e.end, e.out_start + delta, e.out_end + delta))
            i += 1
        while i < len(edits) and edits[i].out_start < end:
            i += 1  # swallowed by the new replacement
        out.append(_Edit(o_start, o_end, start + delta, start + delta + len(replacement)))
        delta += len(replacement) - (end - start)
    for e in edits[i:]:
        out.append(_Edit(e.start, e.end, e.out_start + delta, e.out_end + delta))
    return out


def build_scrubber(config: Config) -> Scrubber:
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
