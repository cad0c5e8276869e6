"""Whether a text holds n ASCII digits within a span of characters, for the rules that need that.

A card number needs 13 digits close together, an SSN 9; most texts of code and prose hold neither,
yet scanning them for the patterns costs as much as a scan of the whole text per rule. The digits'
positions come from the folded copy the literal finder makes anyway (literals.py), in one numpy
pass, and each rule's question is then a comparison over those positions.
"""

from __future__ import annotations

from typing import Any

from .literals import FOLD, SMALL

_ZERO, _NINE = FOLD[ord("0")], FOLD[ord("9")]


class Digits:
    """The digit positions of one text, found on the first question."""

    def __init__(self, folded: bytes) -> None:
        self.folded = folded
        self.positions: Any = None
        self.answers: dict[tuple[int, int], bool] = {}

    def cluster(self, n: int, span: int) -> bool:
        """Whether some n digits lie within `span` characters (True for short texts: not worth
        asking, the rule's own scan is as cheap)."""
        if len(self.folded) < SMALL:
            return True
        answer = self.answers.get((n, span))
        if answer is None:
            import numpy as np

            if self.positions is None:
                codes = np.frombuffer(self.folded, dtype=np.uint8)
                self.positions = np.flatnonzero((codes >= _ZERO) & (codes <= _NINE))
            pos = self.positions
            answer = len(pos) >= n and bool((pos[n - 1 :] - pos[: len(pos) - n + 1] < span).any())
            self.answers[(n, span)] = answer
        return answer
