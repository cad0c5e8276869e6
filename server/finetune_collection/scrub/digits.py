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

from typing import Any

from .literals import FOLD, SMALL

_ZERO, _NINE = FOLD[ord("0")], FOLD[ord("9")]
_A, _Z = FOLD[ord("a")], FOLD[ord("z")]  # both cases fold to these codes


class Digits:
    """The digit positions of one text, found on the first question, and the answers given."""

    def __init__(self, folded: bytes) -> None:
        self.folded = folded
        self.positions: dict[str, Any] = {}  # "" for the digits, else the one character
        self.answers: dict[tuple[object, ...], bool] = {}

    def _positions(self, char: str = "") -> Any:
        import numpy as np

        if char not in self.positions:
            codes = np.frombuffer(self.folded, dtype=np.uint8)
            found = (codes >= _ZERO) & (codes <= _NINE) if not char else codes == FOLD[ord(char)]
            self.positions[char] = np.flatnonzero(found)
        return self.positions[char]

    def cluster(self, n: int, span: int, char: str = "") -> bool:
        """Whether some n digits (or n of `char`, one of literals.ALPHABET) lie within `span`
        characters."""
        if len(self.folded) < SMALL:
            return True
        key = ("cluster", n, span, char)
        if key not in self.answers:
            pos = self._positions(char)
            self.answers[key] = len(pos) >= n and bool((pos[n - 1 :] - pos[: len(pos) - n + 1] < span).any())
        return self.answers[key]

    def run(self, n: int, gap: int) -> bool:
        """Whether some n digits follow one another, each at most `gap` characters after the one
        before (`4111 1111 1111 1111`: gaps of 1 and 2)."""
        if len(self.folded) < SMALL:
            return True
        key = ("run", n, gap, "")
        if key not in self.answers:
            import numpy as np

            pos = self._positions()
            close = np.concatenate(([0], np.cumsum(np.diff(pos) <= gap)))  # close[i]: close pairs before i
            self.answers[key] = len(pos) >= n and bool((close[n - 1 :] - close[: len(pos) - n + 1] == n - 1).any())
        return self.answers[key]

    def layout(self, offsets: tuple[int, ...]) -> bool:
        """Whether some digits stand at exactly these offsets from the first, with no digit in
        between (an SSN's `123-45-6789`: 0, 1, 2, 4, 5, 7, 8, 9, 10)."""
        if len(self.folded) < SMALL:
            return True
        key = ("layout", offsets)
        if key not in self.answers:
            import numpy as np

            pos = self._positions()
            n = len(offsets)
            if len(pos) < n:
                self.answers[key] = False
            else:
                first = pos[: len(pos) - n + 1]
                fits = np.ones(len(first), dtype=bool)
                for k, offset in enumerate(offsets[1:], 1):
                    fits &= pos[k : len(pos) - n + 1 + k] - first == offset
                self.answers[key] = bool(fits.any())
        return self.answers[key]

    def joined(self, n: int, span: int, char: str) -> bool:
        """Whether some n of `char` (one of literals.ALPHABET), each with a digit on both sides,
        lie within `span` characters (the dots of `10.0.0.1`)."""
        if len(self.folded) < SMALL:
            return True
        key = ("joined", n, span, char)
        if key not in self.answers:
            import numpy as np

            codes = np.frombuffer(self.folded, dtype=np.uint8)
            pos = self._positions(char)
            pos = pos[(pos > 0) & (pos < len(codes) - 1)]
            before, after = codes[pos - 1], codes[pos + 1]
            pos = pos[(before >= _ZERO) & (before <= _NINE) & (after >= _ZERO) & (after <= _NINE)]
            self.answers[key] = len(pos) >= n and bool((pos[n - 1 :] - pos[: len(pos) - n + 1] < span).any())
        return self.answers[key]

    def led(self, letters: int, digits: int) -> bool:
        """Whether some word starts with `letters` ASCII letters and then `digits` digits (after
        the text's start or a character that is no ASCII letter or digit)."""
        if len(self.folded) < SMALL:
            return True
        key = ("led", letters, digits, "")
        if key not in self.answers:
            import numpy as np

            pos = self._positions()
            # The first of `digits` consecutive digits, with room for the letters before it.
            run = pos[: len(pos) - digits + 1]
            run = run[pos[digits - 1 :] - run == digits - 1]
            run = run[run >= letters]
            codes = np.frombuffer(self.folded, dtype=np.uint8)
            for back in range(1, letters + 1):
                before = codes[run - back]
                run = run[(before >= _A) & (before <= _Z)]
            edge = run - letters - 1
            inside = edge >= 0
            before = codes[edge[inside]]
            word = (before >= _A) & (before <= _NINE)  # letters and digits are codes 1..36
            self.answers[key] = bool((~inside).any() or (~word).any())
        return self.answers[key]
