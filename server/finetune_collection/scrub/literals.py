"""Anchor literals of every scrub rule, found case-insensitively in ONE pass over a text.

The engine (engine.py) tries an anchored rule's pattern only where one of its anchors starts;
this module says where those are. A search per literal costs as much as a regex scan each, and
neither one alternation of every literal nor an Aho-Corasick automaton (pyahocorasick) is as fast
as looking up each position's first characters in a table, which this module does.
"""

from __future__ import annotations

import re
from typing import Any

# Anchor literals are found in a folded copy of the text: one byte per code point (Latin-1, with
# `?` for the rest), ASCII letters case-folded, every character an anchor may hold mapped to its
# own small code and all others to 0, so three bytes index a 2**18 table.
ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789_-.:/~@+ "  # a space too: `cc ` before a card number
FOLD = bytes(
    ALPHABET.index(chr(b).lower()) + 1 if chr(b).lower() in ALPHABET else 0 for b in range(256)
)
SMALL = 512  # below this many characters a `re` scan beats numpy's fixed call overhead


def fold(text: str) -> bytes:
    return text.encode("latin-1", "replace").translate(FOLD)


def _class(chars: set[bytes]) -> bytes:
    if len(chars) == 1:
        return re.escape(next(iter(chars)))
    return b"[" + b"".join(re.escape(c) for c in sorted(chars)) + b"]"


def _trie(grams: list[bytes]) -> bytes:
    """A regex matching the first byte of each of the three-byte `grams` (the other two in a
    lookahead, so overlapping grams are all found): the first byte, then for each set of second
    bytes that share their third bytes, two classes. Every branch starts with a literal byte, so
    sre skips positions that start no gram in a tight loop (a leading lookahead defeats that)."""
    tree: dict[bytes, dict[bytes, set[bytes]]] = {}
    for g in grams:
        tree.setdefault(g[:1], {}).setdefault(g[1:2], set()).add(g[2:3])
    branches = []
    for first, seconds in sorted(tree.items()):
        by_thirds: dict[frozenset[bytes], set[bytes]] = {}
        for second, thirds in seconds.items():
            by_thirds.setdefault(frozenset(thirds), set()).add(second)
        alts = sorted(_class(secs) + _class(set(thirds)) for thirds, secs in by_thirds.items())
        branches.append(re.escape(first) + b"(?=" + b"|".join(alts) + b")")
    return b"|".join(branches)


class Literals:
    """Finds every anchor literal (case-insensitively) in one pass over a text.

    One pass looks up each position's first three characters in a table (numpy; a `re` scan for
    short texts), then checks the few hits."""

    def __init__(self, literals: frozenset[str]) -> None:
        self.folded = {lit: fold(lit) for lit in literals}
        self.grams: dict[bytes, list[str]] = {}
        # Literals the table cannot hold are searched for one by one; a character outside the
        # alphabet folds to 0 like every other such character, so its hits are a superset.
        self.rest: list[str] = []
        for lit, key in self.folded.items():
            if len(key) >= 3 and 0 not in key:
                self.grams.setdefault(key[:3], []).append(lit)
            else:
                self.rest.append(lit)
        # Short texts: one `re` match (of one byte) per position whose first three characters
        # start a literal: a trie by first byte, the next two in a lookahead as character classes
        # (a class is one test where an alternation of literals costs one per branch; Discord's
        # 400 grams are 4 x 10 x 10 characters), cheaper than one flat lookahead alternation.
        self.scan = re.compile(_trie(list(self.grams))) if self.grams else None
        # Each three characters' number (from 1, in `grams` order) and its literals, with the
        # folded literal to check, or None where the table's four characters already prove it:
        # a three-character literal, or a four-character one whose fourth no other literal of
        # its three shares a table entry with.
        self.numbers = {gram: n for n, gram in enumerate(self.grams, 1)}
        self.entries: list[tuple[tuple[str, bytes | None], ...]] = [()]
        self.entries3: list[tuple[tuple[str, bytes | None], ...]] = [()]  # the `re` scan checks three
        for lits in self.grams.values():
            fourths = {self.folded[lit][3:4] for lit in lits}
            sure = len(fourths) == 1 and b"" not in fourths
            keys = [(lit, self.folded[lit]) for lit in lits]
            self.entries.append(tuple((lit, None if len(k) == 3 or sure and len(k) == 4 else k) for lit, k in keys))
            self.entries3.append(tuple((lit, None if len(k) == 3 else k) for lit, k in keys))
        self.table: Any = None  # numpy tables, built on the first long text
        self.number: Any = None
        self.fourth: Any = None

    def find(self, text: str, folded: bytes | None = None) -> dict[str, list[int]]:
        """Start positions of each literal that occurs (all occurrences, overlapping ones too).
        `folded`: `fold(text)`, if the caller has it."""
        if folded is None:
            folded = fold(text)
        found: dict[str, list[int]] = {}
        hits, numbers, entries = self._hits(folded)
        # Runs once per hit (thousands per MB of code): no slicing, no call for the sure ones.
        for p, n in zip(hits, numbers, strict=True):
            for lit, key in entries[n]:
                if key is None or folded.startswith(key, p):
                    if lit in found:
                        found[lit].append(p)
                    else:
                        found[lit] = [p]
        for lit in self.rest:
            key = self.folded[lit]
            i = folded.find(key)
            while i >= 0:
                found.setdefault(lit, []).append(i)
                i = folded.find(key, i + 1)
        return found

    def _hits(self, folded: bytes) -> tuple[list[int], list[int], list[tuple[tuple[str, bytes | None], ...]]]:
        """Positions whose first three characters start some literal (and, in the table, whose
        fourth can continue one of those literals); the number of each one's first three
        characters; and the literals to check for each number."""
        if self.scan is None:
            return [], [], []
        if len(folded) < SMALL:
            starts = [m.start() for m in self.scan.finditer(folded)]
            return starts, [self.numbers[folded[p : p + 3]] for p in starts], self.entries3
        import numpy as np

        if self.table is None:
            self._build(np)
        codes = np.frombuffer(folded + b"\0", dtype=np.uint8).astype(np.uint32)
        index = codes[:-3] << 12
        index |= codes[1:-2] << 6
        index |= codes[2:-1]
        hits = np.flatnonzero(np.take(self.table, index))  # take: faster than table[index]
        # `age`, `sec`, `lin` start many words but few `age-`, `secr`, `lin_`: cheaper to drop here.
        numbers = self.number[index[hits]]
        keep = self.fourth[numbers << 6 | codes[hits + 3]]
        return hits[keep].tolist(), numbers[keep].tolist(), self.entries

    def _build(self, np: Any) -> None:
        number = np.zeros(1 << 18, dtype=np.intp)  # three characters -> their number, from 1
        fourth = np.zeros((len(self.grams) + 1) << 6, dtype=bool)  # number << 6 | 4th character
        for gram, n in self.numbers.items():
            lits = self.grams[gram]
            number[gram[0] << 12 | gram[1] << 6 | gram[2]] = n
            for lit in lits:
                key = self.folded[lit]
                if len(key) == 3:
                    fourth[n << 6 : (n + 1) << 6] = True
                else:
                    fourth[n << 6 | key[3]] = True
        self.number = number
        self.fourth = fourth
        self.table = number > 0
