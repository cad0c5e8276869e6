"""A value judged secret by its context in one string of an example is replaced wherever else it
occurs in that example (turns, tool arguments and results, metadata, system prompt), with the same
placeholder or pseudonym; bare words and numbers are not chased across strings."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.config import Config, parse
from finetune_collection.pipeline import Pipeline
from finetune_collection.scrub import build_scrubber
from finetune_collection.scrub.structured import Session, chased, scrub
from finetune_collection.store import Store

PW = "Cr0ssTurnPw9"


def _two_turns(first: str, second: str, **extra: Any) -> dict[str, Any]:
    return {"task_type": "debugging", **extra, "messages": [
        {"role": "user", "content": first}, {"role": "assistant", "content": second}]}


def _stored(finetune_home: Path) -> bytes:
    return b"".join(p.read_bytes() for p in finetune_home.rglob("*") if p.is_file())


def test_a_later_copy_in_another_turn_goes(pipeline: Pipeline, finetune_home: Path) -> None:
    result = pipeline.collect(_two_turns(
        f"My staging config has DB_PASSWORD={PW} and the app still cannot connect to postgres",
        f"Try connecting by hand: psql -h staging-db -U app and type {PW} at the prompt to see the real error.",
    ))
    assert result.id is not None and result.redactions == {"password": 2}
    assert PW.encode() not in _stored(finetune_home)
    turns = pipeline.store.get_doc(result.id)["messages"]
    assert turns[1]["content"].startswith("Try connecting by hand: psql -h staging-db -U app and type <REDACTED> at")
    assert "connect to postgres" in turns[0]["content"]  # the rest of the text is untouched


def test_an_earlier_copy_goes_too(pipeline: Pipeline, finetune_home: Path) -> None:
    """The copy comes before the string that names it (system prompt, then a tool call's key)."""
    example = {"task_type": "debugging", "messages": [
        {"role": "system", "content": f"Deploy notes: the staging box answers to {PW} only."},
        {"role": "user", "content": "log in to staging and restart the worker service please"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "ssh", "arguments": json.dumps({"host": "staging", "password": PW})}}]},
        {"role": "tool", "content": f"login ok (used {PW})", "tool_call_id": "c1"},
        {"role": "assistant", "content": "The worker service on staging has been restarted."},
    ], "metadata": {"note": f"rotated {PW} last week"}}
    result = pipeline.collect(example)
    assert result.id is not None and result.redactions == {"password": 4}
    assert PW.encode() not in _stored(finetune_home)


def test_copies_share_the_pseudonym(finetune_home: Path) -> None:
    config = parse("scrub:\n  pseudonyms: true\n")
    core = Pipeline(Store(finetune_home, config), config)
    result = core.collect(_two_turns(
        f"I set DB_PASSWORD={PW} and API_PASSWORD=Zq7Lm2Kx9Wp and neither works for the admin login",
        f"Then {PW} is wrong for that account; Zq7Lm2Kx9Wp is only for the API, not for the admin login.",
    ))
    assert result.id is not None
    first, second = (t["content"] for t in core.store.get_doc(result.id)["messages"])
    assert "DB_PASSWORD=<REDACTED_1>" in first and "API_PASSWORD=<REDACTED_2>" in first
    assert second.startswith("Then <REDACTED_1> is wrong") and "; <REDACTED_2> is only" in second


def test_bare_words_and_numbers_are_not_chased_across_strings(pipeline: Pipeline) -> None:
    result = pipeline.collect(_two_turns(
        "my local setup uses DB_PASSWORD=postgres and PIN=20240611 and it connects fine with both",
        "Good: postgres is the default superuser, and 20240611 looks like a date you picked for it.",
    ))
    assert result.id is not None
    second = pipeline.store.get_doc(result.id)["messages"][1]["content"]
    assert second == "Good: postgres is the default superuser, and 20240611 looks like a date you picked for it."


@pytest.mark.parametrize(("value", "expected"), [
    ("Cr0ssTurnPw9", True), ("hunter2", True), ("s3cr3t", True), ("pw-2024", True),
    ("postgres", False), ("Password", False), ("12345678", False), ("ab1", False), ("abc12", False),
])
def test_what_is_chased(value: str, expected: bool) -> None:
    assert chased(value) is expected


def test_a_copy_is_never_part_of_a_longer_word() -> None:
    session = Session(build_scrubber(Config()))
    out, session = scrub(session, lambda s: [s.text(f"x{PW}y and {PW}z and ({PW})"), s.text(f"DB_PASSWORD={PW}")])
    assert out[0] == f"x{PW}y and {PW}z and (<REDACTED>)" and out[1] == "DB_PASSWORD=<REDACTED>"
    assert session.counts == Counter({"password": 2})


def test_scrub_value_replaces_copies_in_any_order() -> None:
    counts: Counter[str] = Counter()
    out = build_scrubber(Config()).scrub_value({"cmd": f"echo {PW}", "password": PW}, counts)
    assert out == {"cmd": "echo <REDACTED>", "password": "<REDACTED>"} and counts == Counter({"password": 2})
