"""Crafted inputs stay linear: a text of many anchors and nothing else costs each anchor a bounded
look, never a scan to the end of the text. Sizes are chosen so that the quadratic behaviour these
tests guard against would run for hours; the bound only stops a hang, it measures nothing."""

from __future__ import annotations

import anyio
import pytest

from finetune_collection.config import parse
from finetune_collection.scrub import build_scrubber
from finetune_collection.scrub.assign import _line_before
from finetune_collection.scrub.catalog import CATALOG
from finetune_collection.scrub.engine import Scrubber

SHAPES = {
    "glued headers": "-----BEGIN PRIVATE KEY-----",
    "headers, no end": "-----BEGIN RSA PRIVATE KEY-----\n",
    "escaped bodies, no end": "-----BEGIN RSA PRIVATE KEY-----\\nMIIEowIBAAKCAQEAq8Zr2LmX0vNb7Tk4\\n",
    "keys and no newline": "api_key=x token=y secret ",
}


@pytest.mark.parametrize("shape", list(SHAPES), ids=list(SHAPES))
def test_crafted_shapes_finish(shape: str) -> None:
    block = SHAPES[shape]
    text = block * (3_000_000 // len(block))
    scrubber = build_scrubber(parse(""))

    async def run() -> None:
        with anyio.fail_after(120):
            await anyio.to_thread.run_sync(scrubber.scrub_text, text)

    anyio.run(run)


def test_the_end_line_search_stops_at_the_next_header() -> None:
    # Two headers, the END line only after the second: the first header must not reach across
    # the second one to it (each header's search is bounded by the next `-----`).
    rule = next(r for r in CATALOG if r.type == "private_key" and r.validator is not None and "END" in r.pattern)
    body = "MIIEowIBAAKCAQEAq8Zr2LmX0vNb7Tk4WcYp9sQeHq7pW2zLx9Nc4Rt8Vb3Km6Yd\n"
    first = "-----BEGIN RSA PRIVATE KEY-----\n"
    second = "-----BEGIN RSA PRIVATE KEY-----\n" + body + "-----END RSA PRIVATE KEY-----\n"
    result = Scrubber([rule]).scrub_text(first + second)
    assert [f.start for f in result.findings] == [len(first)]


def test_the_line_before_a_name_is_a_bounded_look() -> None:
    rule = next(r for r in CATALOG if r.type == "secret" and "credential|sess" in r.pattern)
    import regex

    text = "x" * 100_000 + " api_key = 1"
    m = regex.compile(rule.pattern).search(text)
    assert m is not None and len(_line_before(m)) <= 200
