"""The engine's anchor pass: one pass over a text must find exactly what a search per literal
finds, and trying a rule only where its anchors start must give exactly what scanning the whole
text with that rule gives. Random texts are built from the catalog's own anchors, corpus secrets
and code/prose noise, so hits, near misses and overlaps all occur."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.scrub import literals as literals_mod
from finetune_collection.scrub.catalog import CATALOG
from finetune_collection.scrub.engine import Scrubber

CORPUS = [json.loads(line) for line in (Path(__file__).parents[1] / "pii" / "corpus.jsonl").read_text().splitlines()]
SECRETS = [str(r["value"]) for r in CORPUS if r.get("value")]
ANCHORS = sorted({a for r in CATALOG for a in r.anchors})
TOKEN = "ABCDEFabcdef0123456789xyzXYZ_-"
NOISE = [" ", "\n", "\t", '"', "'", "=", ": ", ".", "/", "@", "é", "日本", "key", "Pass", "AUTH", "-" * 7, "x" * 40]


def _texts(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    texts = []
    for _ in range(n):
        parts = []
        for _ in range(rng.randint(1, 30)):
            k = rng.random()
            if k < 0.3:
                anchor = rng.choice(ANCHORS)
                parts.append(rng.choice([anchor, anchor.upper(), anchor.title()]))
            elif k < 0.5:
                parts.append("".join(rng.choice(TOKEN) for _ in range(rng.choice([3, 16, 20, 32, 40, 64]))))
            elif k < 0.65:
                s = rng.choice(SECRETS)
                cut = rng.randrange(len(s) + 1)
                parts.append(rng.choice([s, s[:cut], s[cut:]]))
            else:
                parts.append(rng.choice(NOISE))
        texts.append("".join(parts))
    return texts


TEXTS = _texts(1500, seed=11)


def _one_by_one(text: str, literals: list[str]) -> dict[str, list[int]]:
    folded = text.encode("latin-1", "replace").lower()
    found: dict[str, list[int]] = {}
    for lit in literals:
        i = folded.find(lit.encode("latin-1"))
        while i >= 0:
            found.setdefault(lit, []).append(i)
            i = folded.find(lit.encode("latin-1"), i + 1)
    return found


@pytest.mark.parametrize("small", [0, 10**9], ids=["table", "scan"])
def test_one_pass_finds_every_occurrence_a_search_per_literal_finds(monkeypatch: pytest.MonkeyPatch, small: int) -> None:
    monkeypatch.setattr(literals_mod, "SMALL", small)  # force one path for every length
    literals = literals_mod.Literals(frozenset(ANCHORS))
    assert not literals.rest  # every catalog anchor fits the shared pass
    for text in [*TEXTS, "", "a", "ke", "key", "xkey", "KEY-", "---", "-" * 50, "AKIAKIA"]:
        assert literals.find(text) == _one_by_one(text, ANCHORS), text


def test_literals_outside_the_alphabet_are_still_found() -> None:
    literals = literals_mod.Literals(frozenset({"ab", "a;b", "päss", "key"}))
    assert sorted(literals.rest) == ["a;b", "ab", "päss"]
    found = literals.find("AB a;b PÄSS key")
    assert found["ab"] == [0] and found["a;b"] == [3] and found["key"] == [12]
    assert found["päss"] == [7]


def test_anchored_rules_match_exactly_what_a_full_scan_matches() -> None:
    scrubber = Scrubber(CATALOG)
    anchored = [c for c in scrubber.catalog if c.rule.anchors]
    assert len(anchored) > 40
    texts = [*TEXTS, *(str(r["text"]) for r in CORPUS)]
    for text in texts:
        anchors = scrubber.literals.find(text)
        for c in anchored:
            expected = _scan(scrubber, c, text)
            assert list(scrubber._anchored(c, text, anchors)) == expected, (c.rule.type, text)


def _scan(scrubber: Scrubber, c: Any, text: str) -> list[tuple[int, int]]:
    """Accepted spans of a search over the whole text: after an accepted match the search goes on
    at its end, after a rejected one at the next character (a rejected candidate hides nothing)."""
    spans = []
    pos = 0
    while (m := c.regex.search(text, pos)) is not None:
        span = scrubber._accept(c, m, text)
        if span is not None:
            spans.append(span)
            pos = max(m.end(), m.start() + 1)
        else:
            pos = m.start() + 1
    return spans


def test_patterns_compile_on_first_use_and_their_groups_read_from_the_text() -> None:
    """The engine compiles a catalog pattern when a text first needs it, and knows which rules
    have a `value` group from the pattern's text: that reading must agree with the compiled one."""
    import regex

    from finetune_collection.scrub.catalog import CATALOG
    from finetune_collection.scrub.engine import Scrubber

    scrubber = Scrubber(CATALOG)
    assert all(c._regex is None for c in scrubber.catalog)
    for c in scrubber.catalog:
        groups = regex.compile(c.rule.pattern).groupindex
        assert ("value" in groups) == (c.rule in scrubber.contextual), c.rule.type
        assert (c.regex.groupindex.get("value", 0), c.regex.groupindex.get("lead", 0)) == (c.value, c.lead)
    assert "Tr0ub4dorXy9" not in Scrubber(CATALOG).scrub_text("password = 'Tr0ub4dorXy9'").text
