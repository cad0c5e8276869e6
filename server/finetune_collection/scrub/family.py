"""A family of rules: one kind of secret written in several syntaxes, with the examples that prove it.

Each family carries must-match examples (a text and the value that must disappear from it) and
must-keep examples (texts that must come out byte-identical); `tests/scrub/test_families.py`
runs every one, so a rule cannot be added without saying what it is for and what it must leave.
"""

from __future__ import annotations

from dataclasses import dataclass

from .rule import Rule


@dataclass(frozen=True, slots=True)
class Family:
    name: str
    rules: tuple[Rule, ...]
    match: tuple[tuple[str, str], ...]  # (text, the secret that must not survive)
    keep: tuple[str, ...] = ()  # texts that must come out unchanged
