"""Structured values (tool-call arguments, tool declarations, metadata) read as the JSON they are,
and the state one example's strings share.

A value whose only clue is its key (`{"password": "Tr0ub4dor"}`) is judged as the catalog judges
that pair written as JSON text: the engine scans `"password": "Tr0ub4dor"` and replaces only what
falls inside the value. The catalog's keyword and assignment rules decide; there is no keyword list
here. A value under a JSON Schema value keyword (`default`, `enum`, …) is judged by the property
it describes: `{"password": {"type": "string", "default": "…"}}`. Keys are scrubbed as text.

`lines()` renders a value the same way for the export's re-check (`texts()` for a whole
conversation), so both layers judge the same pairs with the same rules.

`Session` is one example's scrub: pseudonyms, and the values judged secret by their context
(a name, a flag, a label before them), whose every copy in any string of the example goes too.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from .rule import Rule, ScrubResult
from .view import MIN_COPY

__all__ = ["SCHEMA_VALUES", "Session", "chased", "context", "frame", "lines", "scrub", "texts"]

T = TypeVar("T")


class Scrubs(Protocol):
    """What a session needs of the engine (engine.Scrubber, which imports this module)."""

    def scrub_text(
        self,
        text: str,
        names: dict[tuple[str, str], str] | None = None,
        *,
        frame: tuple[str, str] | None = None,
        known: dict[str, Rule] | None = None,
    ) -> ScrubResult: ...

# JSON Schema keywords whose value is an instance of the property they sit in.
SCHEMA_VALUES = frozenset({"default", "const", "enum", "example", "examples"})


def context(key: str, parent: str | None) -> str:
    """The name a value under `key` is judged by: the key, or for a schema value keyword the
    property it describes (`parent`)."""
    return parent if parent is not None and key in SCHEMA_VALUES else key


def frame(key: str, quoted: bool = True) -> tuple[str, str]:
    """What goes before and after a value under `key` so the catalog reads it as a JSON pair."""
    head = json.dumps(key, ensure_ascii=False) + ": "
    return (head + '"', '"') if quoted else (head, "")


def chased(value: str) -> bool:
    """A value judged secret in one string that is looked for in the example's other strings.
    A bare word or number is not (`password=postgres` must not take every "postgres" in the
    conversation with it); within its own string every copy of 6+ characters goes (view.copies)."""
    return len(value) >= MIN_COPY and not value.isalpha() and not value.isdigit()


def lines(value: Any, key: str | None = None) -> Iterator[str]:
    """The strings the scrubber judges in a JSON value, each value framed by its key as the
    engine frames it (`Session.value`); keys and values outside any object as they are."""
    if isinstance(value, str):
        if key is None:
            yield value
        else:
            head, tail = frame(key)
            yield head + value + tail
    elif isinstance(value, bool) or value is None:
        return
    elif isinstance(value, int):
        if key is not None:
            yield frame(key, quoted=False)[0] + str(value)
    elif isinstance(value, list):
        for item in value:
            yield from lines(item, key)
    elif isinstance(value, dict):
        for k, v in value.items():
            name = str(k)
            yield name
            yield from lines(v, context(name, key))


def arguments(text: str) -> Iterator[str]:
    """A tool call's JSON-encoded arguments as the scrubber judges them: decoded, else as text."""
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        yield text
        return
    yield from lines(value)


def texts(system: str | None, turns: Iterable[dict[str, Any]], tools: Any, extra: Iterable[str] = ()) -> list[str]:
    """What the re-check reads in an OpenAI-style conversation: every string of every turn (tool
    call arguments decoded), the tool declarations, and `extra` (alternatives, context)."""
    out = [system] if system else []
    for turn in turns:
        for k, v in turn.items():
            if isinstance(v, str):
                out.append(v)
            elif k == "tool_calls" and isinstance(v, list):
                for call in v:
                    out += _call(call)
            elif isinstance(v, dict | list):
                out += lines(v)
    if tools:
        out += lines(tools)
    return out + [e for e in extra if e]


def _call(call: Any) -> Iterator[str]:
    if not isinstance(call, dict):
        yield from lines(call)
        return
    for k, v in call.items():
        if k == "function" and isinstance(v, dict):
            for fk, fv in v.items():
                yield from arguments(fv) if fk == "arguments" and isinstance(fv, str) else lines(fv)
        else:
            yield from lines(v)


@dataclass(slots=True)
class Session:
    """One example's scrub. `names`: pseudonyms shared by its strings (None: plain placeholders).
    `known`: values judged secret by their context so far, with the rule that judged them; every
    later string replaces their copies. A string scrubbed before a value became known may hold a
    copy: `stale()` says so, and the caller scrubs the example again with a session that starts
    knowing them (rare: the work is done twice only for such an example)."""

    scrubber: Scrubs
    counts: Counter[str] = field(default_factory=Counter)
    names: dict[tuple[str, str], str] | None = field(default_factory=dict)
    known: dict[str, Rule] = field(default_factory=dict)
    seen: list[tuple[str, int]] = field(default_factory=list)  # a string, and len(known) after it

    def text(self, value: Any, key: str | None = None) -> Any:
        """Scrub one string (anything else is returned as it is), judged by `key` if given."""
        if not isinstance(value, str):
            return value
        result = self.scrubber.scrub_text(
            value, self.names, frame=None if key is None else frame(key), known=self.known
        )
        self.seen.append((value, len(self.known)))
        self.counts.update(result.counts)
        return result.text

    def value(self, value: Any, key: str | None = None) -> Any:
        """Scrub every string inside a JSON value: keys as text, values in the context of their key
        (at any depth, in lists too). An integer the catalog replaces in its key's context (a card
        number) becomes the placeholder."""
        if isinstance(value, str):
            return self.text(value, key)
        if isinstance(value, list):
            return [self.value(v, key) for v in value]
        if isinstance(value, dict):
            return {self.text(k): self.value(v, context(str(k), key)) for k, v in value.items()}
        if isinstance(value, int) and not isinstance(value, bool) and key is not None:
            result = self.scrubber.scrub_text(str(value), self.names, frame=frame(key, quoted=False))
            if result.counts:
                self.counts.update(result.counts)
                return result.text
        return value

    def stale(self) -> bool:
        """Does a string scrubbed before a value became known hold a copy of it?"""
        if not self.known:
            return False
        values = list(self.known)
        return any(v in s for s, n in self.seen if n < len(values) for v in values[n:])

    def again(self) -> Session:
        """A fresh session for the same example that knows what this one learned. The pseudonyms
        carry over: the same values get the same names, and the caller's other strings keep theirs."""
        return Session(self.scrubber, names=self.names, known=dict(self.known))


def scrub(session: Session, job: Callable[[Session], T], rounds: int = 3) -> tuple[T, Session]:
    """Run `job` (the scrub of one example's strings) until no string holds a copy of a value that
    became known after it was scrubbed; returns the result and the session that made it."""
    out = job(session)
    for _ in range(rounds - 1):
        if not session.stale():
            break
        session = session.again()
        out = job(session)
    return out, session
