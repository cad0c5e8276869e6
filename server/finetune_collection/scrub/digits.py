"""Questions about where a text's ASCII digits (and colons, dots) stand, for the rules needing them.

A card number needs 13 digits at most one separator apart, an SSN nine digits laid out 3-2-4, an
IBAN a word that starts with two letters and two digits, an IPv4 address three dots between
digits, an IPv6 address `::` or seven colons within 31 characters. Most texts of code and prose
hold none of these, yet scanning them for the patterns costs a scan of the whole text per rule.
The positions come from the folded copy the literal finder makes anyway (literals.py), in one
numpy pass per character class; each question is then a few comparisons over those positions.
A short text answers yes to everything: its own scan is as cheap as asking.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, Concatenate, ParamSpec

from .literals import FOLD, SMALL

_ZERO, _NINE = FOLD[ord("0")], FOLD[ord("9")]
_A, _Z = FOLD[ord("a")], FOLD[ord("z")]  # both cases fold to these codes
P = ParamSpec("P")


def _question(method: Callable[Concatenate[Digits, P], bool]) -> Callable[Concatenate[Digits, P], bool]:
    """A question of a long text, answered once per text and arguments; a short text: yes."""

    def ask(digits: Digits, /, *args: P.args, **kwargs: P.kwargs) -> bool:
        if len(digits.folded) < SMALL:
            return True
        key = (method.__name__, *args, *kwargs.items())
        if key not in digits.answers:
            digits.answers[key] = method(digits, *args, **kwargs)
        return digits.answers[key]

    ask.__doc__ = method.__doc__
    return ask


def _within(pos: Any, n: int, span: int) -> bool:
    """Whether some n of the sorted positions lie within `span` characters."""
    return len(pos) >= n and bool((pos[n - 1 :] - pos[: len(pos) - n + 1] < span).any())


def _digit(codes: Any) -> Any:
    return (codes >= _ZERO) & (codes <= _NINE)


class Digits:
    """The digit positions of one text, found on the first question, and the answers given."""

    def __init__(self, folded: bytes) -> None:
        self.folded = folded
        self.positions: dict[str, Any] = {}  # "" for the digits, else the one character
        self.answers: dict[tuple[object, ...], bool] = {}

    @functools.cached_property
    def codes(self) -> Any:
        import numpy as np

        return np.frombuffer(self.folded, dtype=np.uint8)

    def _positions(self, char: str = "") -> Any:
        import numpy as np

        if char not in self.positions:
            found = _digit(self.codes) if not char else self.codes == FOLD[ord(char)]
            self.positions[char] = np.flatnonzero(found)
        return self.positions[char]

    @_question
    def cluster(self, n: int, span: int, char: str = "") -> bool:
        """Whether some n digits (or n of `char`, one of literals.ALPHABET) lie within `span`
        characters."""
        return _within(self._positions(char), n, span)

    @_question
    def run(self, n: int, gap: int) -> bool:
        """Whether some n digits follow one another, each at most `gap` characters after the one
        before (`4111 1111 1111 1111`: gaps of 1 and 2)."""
        import numpy as np

        pos = self._positions()
        close = np.concatenate(([0], np.cumsum(np.diff(pos) <= gap)))  # close[i]: close pairs before i
        return len(pos) >= n and bool((close[n - 1 :] - close[: len(pos) - n + 1] == n - 1).any())

    @_question
    def layout(self, offsets: tuple[int, ...]) -> bool:
        """Whether some digits stand at exactly these offsets from the first, with no digit in
        between (an SSN's `123-45-6789`: 0, 1, 2, 4, 5, 7, 8, 9, 10)."""
        import numpy as np

        pos = self._positions()
        n = len(offsets)
        if len(pos) < n:
            return False
        first = pos[: len(pos) - n + 1]
        fits = np.ones(len(first), dtype=bool)
        for k, offset in enumerate(offsets[1:], 1):
            fits &= pos[k : len(pos) - n + 1 + k] - first == offset
        return bool(fits.any())

    @_question
    def joined(self, n: int, span: int, char: str) -> bool:
        """Whether some n of `char` (one of literals.ALPHABET), each with a digit on both sides,
        lie within `span` characters (the dots of `10.0.0.1`)."""
        codes = self.codes
        pos = self._positions(char)
        pos = pos[(pos > 0) & (pos < len(codes) - 1)]
        return _within(pos[_digit(codes[pos - 1]) & _digit(codes[pos + 1])], n, span)

    @_question
    def led(self, letters: int, digits: int) -> bool:
        """Whether some word starts with `letters` ASCII letters and then `digits` digits (after
        the text's start or a character that is no ASCII letter or digit)."""
        codes = self.codes
        pos = self._positions()
        # The first of `digits` consecutive digits, with room for the letters before it.
        run = pos[: len(pos) - digits + 1]
        run = run[pos[digits - 1 :] - run == digits - 1]
        run = run[run >= letters]
        for back in range(1, letters + 1):
            before = codes[run - back]
            run = run[(before >= _A) & (before <= _Z)]
        edge = run - letters - 1
        inside = edge >= 0
        before = codes[edge[inside]]
        word = (before >= _A) & (before <= _NINE)  # letters and digits are codes 1..36
        return bool((~inside).any() or (~word).any())
