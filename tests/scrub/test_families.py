"""Every rule family's own examples: each must-match text loses its secret, each must-keep text
comes out byte-identical, and every family shows at least three syntaxes."""

from __future__ import annotations

import pytest

from finetune_collection.scrub import (
    calls,
    commands,
    contexts,
    fallbacks,
    personal,
    prose,
    protocols,
    sql,
    syntaxes,
)
from finetune_collection.scrub.catalog import CATALOG
from finetune_collection.scrub.engine import Scrubber
from finetune_collection.scrub.family import Family

FAMILIES: list[Family] = [
    *commands.FAMILIES,
    *syntaxes.FAMILIES,
    *calls.FAMILIES, *sql.FAMILIES, *fallbacks.FAMILIES, *protocols.FAMILIES, *contexts.FAMILIES, *prose.FAMILIES,
    *personal.FAMILIES,
]
MATCH = [(f.name, text, secret) for f in FAMILIES for text, secret in f.match]
KEEP = [(f.name, text) for f in FAMILIES for text in f.keep]



def test_every_family_shows_three_syntaxes_and_keeps_something() -> None:
    for family in FAMILIES:
        assert len(family.match) >= 3, family.name
        assert family.keep, family.name


def test_every_family_rule_is_in_the_catalog() -> None:
    ids = {id(r) for r in CATALOG}
    for family in FAMILIES:
        assert all(id(r) in ids for r in family.rules), family.name


@pytest.mark.parametrize(("family", "text", "secret"), MATCH, ids=[f"{m[0]}-{i}" for i, m in enumerate(MATCH)])
def test_family_must_match(scrubber: Scrubber, family: str, text: str, secret: str) -> None:
    result = scrubber.scrub_text(text)
    assert secret not in result.text, result.text
    assert result.findings


@pytest.mark.parametrize(("family", "text"), KEEP, ids=[f"{k[0]}-{i}" for i, k in enumerate(KEEP)])
def test_family_must_keep(scrubber: Scrubber, family: str, text: str) -> None:
    assert scrubber.scrub_text(text).text == text
