"""One stored example through one format: render, validate, optionally repair, secret re-check, encode.

Shared by `export()` and `check()` so the portability report counts exactly what an export does.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import partial
from typing import TYPE_CHECKING, Any

import orjson

from ..errors import StoreError
from ..scrub import structured
from .base import Conversation, Format, Problem, Record, Unrepresentable, uniform
from .fix import Mode, repair

if TYPE_CHECKING:
    from ..store import StoreBackend

log = logging.getLogger(__name__)

SecretFinder = Callable[[str], list[str]]

# OpenAI's data-preparation notebook: TARGET_EPOCHS 3, examples wanted between 100 and 25,000 per run, epochs 1-25.
TARGET_EPOCHS, MIN_TARGET_EXAMPLES, MAX_TARGET_EXAMPLES, MIN_EPOCHS, MAX_EPOCHS = 3, 100, 25_000, 1, 25


def notebook_epochs(n: int) -> int:
    if n <= 0:
        return 0
    if n * TARGET_EPOCHS < MIN_TARGET_EXAMPLES:
        return min(MAX_EPOCHS, MIN_TARGET_EXAMPLES // n)
    if n * TARGET_EPOCHS > MAX_TARGET_EXAMPLES:
        return max(MIN_EPOCHS, MAX_TARGET_EXAMPLES // n)
    return TARGET_EPOCHS


def load_secret_finder(
    skip: frozenset[str] = frozenset(), catalog: bool = True, allow: tuple[str, ...] = ()
) -> SecretFinder | None:
    """The export's re-check, `scrub.detect.find_secrets` (a seam: benchmarks turn it off).
    `skip` and `allow`: the types the config turned off and the values it allows, which the
    scrubber kept on purpose, so the export never refuses them."""
    from ..scrub.detect import find_secrets

    return partial(find_secrets, skip=skip, catalog=catalog, allow=allow)


@dataclass(slots=True)
class Stamps:
    """Which stored examples this catalog need not read again: those whose collect-time stamp
    still covers their texts (`detect.stamp_holds`), and those it already read clean at an
    earlier export, whose stamps the store keeps (`StoreBackend.keep`). Examples stored before
    stamps, or under another catalog (every release that changes a rule), are read by the
    catalog once, not at every export. A kept stamp names the texts it covers, so an example
    changed since is read again."""

    store: StoreBackend
    skip: frozenset[str]
    allow: tuple[str, ...]
    kind: str
    kept: dict[str, Any]
    fresh: dict[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, store: StoreBackend, skip: frozenset[str], allow: tuple[str, ...] = ()) -> Stamps:
        from ..scrub.detect import catalog_fingerprint  # the re-check's modules load when an export runs

        kind = f"recheck:{catalog_fingerprint(skip, allow)}"
        return cls(store, skip, allow, kind, store.kept(kind))

    def trusted(self, doc_id: str, doc: dict[str, Any]) -> bool:
        """Whether this catalog has read these texts and found nothing: from a stamp, or by
        reading them now (as the collect-time re-check does) and keeping the stamp."""
        from ..scrub.detect import refusals, stamp, stamp_holds, stamped_texts

        texts = stamped_texts(doc)
        now = stamp(texts, self.skip, self.allow)
        if stamp_holds(doc, self.skip, self.allow, now):
            return True
        kept = self.kept.get(doc_id)
        if kept == now:
            return True
        if kept == REFUSED + now:
            return False
        found = bool(refusals("\n".join(texts), skip=self.skip, allow=self.allow))
        # Found: the export's own check over the record says what it is and refuses it.
        self.fresh[doc_id] = REFUSED + now if found else now
        if len(self.fresh) >= KEEP_EVERY:
            self.save()
        return not found

    def save(self) -> None:
        """Keep the stamps made since the last save (call when the pass ends)."""
        if not self.fresh:
            return
        try:
            self.store.keep(self.kind, self.fresh)
        except StoreError as err:  # a cache: the next export reads these examples again
            log.info("re-check stamps not kept: %s", err)
        self.kept.update(self.fresh)
        self.fresh = {}


KEEP_EVERY = 1000  # stamps kept per write: an interrupted export keeps what it read
REFUSED = "-"  # before a kept stamp: the catalog found something in these texts


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


def _plain_texts(conv: Conversation) -> list[str] | None:
    """The conversation's strings when it has no tool data, else None.

    Without tools every format copies these texts verbatim (or joins them with markers at
    whitespace, as `anthropic` does) and adds only its own key and role names and constants
    (nova's schema version, sharegpt's "[]"), so one check of them covers every format's record.
    Tool data is transformed by some renderers (arguments decoded to objects, declarations
    re-encoded as JSON text), so a conversation with tools is checked on each rendered record
    instead. tests/export/test_export_secrets.py holds both to it.
    """
    if conv.tools:
        return None
    texts = [conv.system] if conv.system else []
    for t in conv.turns:
        for v in t.values():
            if isinstance(v, str):
                texts.append(v)
            elif v is not None and not isinstance(v, int):  # tool_calls, or anything unexpected
                return None
    return texts + conv.rejected + conv.inferred  # the preference formats write the alternatives too


def _structured_texts(conv: Conversation) -> list[str]:
    """A conversation with tool data as the store-time scrubber judged it (scrub/structured.py):
    its texts, tool-call arguments decoded and each value framed by its key, tool declarations
    the same way. The same for every format, so all formats refuse the same examples."""
    return structured.texts(conv.system, conv.turns, conv.tools, [*conv.rejected, *conv.inferred])


@dataclass(slots=True)
class SecretCheck:
    """Runs the detector once per example over its texts joined by newlines, memoised for the
    example (check() runs nine formats over the same conversation).

    One policy with the scrubber: the detector reads the conversation as the scrubber read it.
    A conversation with tool data is read structured (`_structured_texts`), not through each
    format's record, where a value arrives without its key (`{"password": "…"}` decoded to an
    object, its key dropped as a field name) or with one the scrubber never saw. The record's
    own strings still go through the independent shapes (`shapes`), which need no key."""

    finder: SecretFinder | None
    memo: list[tuple[list[str], list[str]]] = field(default_factory=list)
    # The shapes-only finder: for an example whose unchanged texts this catalog checked at
    # collect time (`trusted`), in place of the catalog; for the strings of a record rendered
    # from tool data, always.
    shapes: SecretFinder | None = None
    trusted: bool = False

    def types(self, conv: Conversation, record: Record | list[Record]) -> list[str]:
        """Secret types in what `record` (rendered from `conv`) would write; values never leave."""
        if self.finder is None:
            return []
        # Inferred alternatives are other examples' texts, which this example's stamp never covered.
        stamped = self.trusted and not conv.inferred
        finder = self.shapes if stamped and self.shapes is not None else self.finder
        texts = _plain_texts(conv)
        if texts is None:
            hit = self._ask(finder, _structured_texts(conv))
            if self.shapes is not None:
                hit = sorted({*hit, *self._ask(self.shapes, [s for s in _strings(record) if len(s) >= 8])})
            return hit
        return self._ask(finder, [s for s in texts if len(s) >= 8])

    def _ask(self, finder: SecretFinder, strings: list[str]) -> list[str]:
        # The formats of one example share their string objects, so the list comparison is mostly
        # identity checks: cheaper than hashing a joined text of several KB.
        for seen, hit in self.memo:
            if seen == strings:
                return hit
        # One detector pass over the strings joined by newlines (a token never spans a newline),
        # instead of one call per string: per-call overhead dominated on short turns.
        hit = sorted(set(finder("\n".join(strings))))
        if len(self.memo) >= 16:  # repairs and context placements make a few variants, not more
            self.memo.clear()
        self.memo.append((strings, hit))
        return hit


@dataclass(slots=True)
class Outcome:
    line: bytes | None = None
    problem: Problem | None = None
    fixes: list[str] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    over_limit: bool = False
    losses: list[str] = field(default_factory=list)  # what the record could not carry, by name
    records: int = 0  # lines in `line`: one, or one per answer for the unpaired formats


def _attempt(fmt: Format, conv: Conversation) -> tuple[list[Record] | None, list[Problem]]:
    try:
        records = fmt.records(conv) if fmt.records is not None else [fmt.render(conv)]
    except Unrepresentable as err:
        return None, [err.problem]
    if fmt.uniform_keys:
        records = [uniform(r, fmt.uniform_keys) for r in records]
    return records, [p for r in records for p in fmt.validate(r)]


def losses(conv: Conversation, fmt: Format) -> list[str]:
    """What this example loses in `fmt` though the record is valid (reported, never silent)."""
    if fmt.weight_lost is not None and fmt.weight_lost(conv):
        return ["weight_not_carried"]
    return []


def process(conv: Conversation, fmt: Format, token_limit: int | None, mode: Mode, secrets: SecretCheck) -> Outcome:
    """`mode`: "strict" refuses what breaks a rule, "safe" applies the repairs that change no words
    and remove no turn, "all" also drops blank turns and, where the format needs it, the text
    beside tool calls (fix.py)."""
    out = Outcome()
    if token_limit is not None and conv.tokens > token_limit:
        out.over_limit = True
        if fmt.limit_is_hard:
            out.problem = Problem("too_many_tokens", f"{conv.tokens} tokens > {token_limit}")
            return out
        out.warnings.append(Problem("over_token_limit", f"{conv.tokens} > {token_limit}", fatal=False))
    record, problems = _attempt(fmt, conv)  # the example's records (one, but for trl-kto)
    rendered = conv
    fatal = [p for p in problems if p.fatal]
    failed = {p.rule for p in fatal}
    # A repair can uncover the next rule a record breaks (ShareGPT: the system turn moved, then a
    # turn with text beside its calls), so a second round repairs for what the first one found,
    # and a record still refused is reported by what stands in its way after the repairs.
    while fatal and mode != "strict":
        fixed, applied = repair(conv, fmt.system_field, mode, frozenset(failed))
        if not applied:
            break
        record2, problems2 = _attempt(fmt, fixed)
        fatal2 = [p for p in problems2 if p.fatal]
        if not fatal2:
            record, problems, fatal, out.fixes, rendered = record2, problems2, [], applied, fixed
            break
        fatal = fatal2
        if {p.rule for p in fatal2} <= failed:
            break
        failed |= {p.rule for p in fatal2}
    if fatal or record is None:
        first = fatal[0]
        more = sorted({p.rule for p in fatal[1:]} - {first.rule})
        detail = first.detail + (f"; also {', '.join(more)}" if more else "")
        if mode != "all" and first.rule in FIXABLE_HINT:
            detail += " (safe fixes may repair this: leave strict off)" if mode == "strict" else (
                " (fix=True, CLI --fix, may repair this)"
            )
        out.problem = Problem(first.rule, detail)
        return out
    out.warnings += [p for p in problems if not p.fatal]
    out.losses = losses(rendered, fmt)
    if "dropped_text_before_tool_call" in out.fixes:  # words gone, not only structure: a loss too
        out.losses.append("text_beside_tool_calls")
    types = secrets.types(rendered, record)
    if types:
        # Types only: the matched value must never reach a report or a log.
        out.problem = Problem("secret_detected", f"still looks like: {', '.join(types)}")
        return out
    try:
        out.line = b"".join(orjson.dumps(r) + b"\n" for r in record)
        out.records = len(record)
    except TypeError:  # e.g. a lone surrogate, which UTF-8 cannot encode
        out.problem = Problem("invalid_unicode", "text cannot be encoded as UTF-8")
    return out


FIXABLE_HINT = {
    "text_and_tool_call_in_one_turn",
    "turns_not_alternating",
    "system_turn_in_messages",
    "missing_content",
    "odd_even_position",
    "odd_number_of_turns",
    "first_message_not_user",
    "prompt_must_start_with_human",
}
