"""Whole-example detection: a test run read back from its log, and the replies of an example that
holds several exchanges."""

from __future__ import annotations

from typing import Any

import pytest
from signals_shapes import bash, codex, edit, say, user

from finetune_collection.signals import detect

PASS = "============================== 12 passed in 0.88s =============================="
FAIL = "FAILED tests/test_a.py::test_x - assert 1 == 2\n========= 1 failed, 11 passed in 0.9s ========="


def _names(messages: list[dict[str, Any]], reply: str | None = None) -> set[str]:
    return {o.signal for o in detect(messages, after_user_reply=reply)}


def _exchange(request: str, *steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [*user(request), *(m for s in steps for m in s), *say("Done.")]


@pytest.mark.parametrize(("steps", "want"), [
    ([bash("pytest > /tmp/t.log 2>&1"), bash("tail -3 /tmp/t.log", PASS)], {"tests_passed", "zero_fix_iterations"}),
    ([bash("uv run pytest -q &> out.txt; echo done", "done"), bash("cat ./out.txt", FAIL)], {"errors_occurred"}),
    ([codex("go test ./... > test.log 2>&1", "", 1), codex("tail -n 20 test.log", PASS)], {"errors_occurred"}),
    ([bash("pytest > /tmp/t.log 2>&1"), bash("tail -3 /tmp/other.log", PASS)], set()),  # not its log
    ([bash("pytest > /tmp/t.log 2>&1"), edit("src/b.py"), bash("tail -3 /tmp/t.log", PASS)], set()),  # code changed
    ([bash("python gen.py > gen.log"), bash("tail gen.log", PASS)], set()),  # not a test command
])
def test_a_test_run_is_read_back_from_its_log(steps: list[list[dict[str, Any]]], want: set[str]) -> None:
    assert _names(_exchange("fix it", edit("src/a.py"), *steps)) == want


def _session(*replies: str) -> list[dict[str, Any]]:
    """Exchanges whose requests after the first are the user's replies to the one before."""
    out = _exchange("rename the helper", edit("src/a.py"))
    for text in replies:
        out += _exchange(text, edit("src/a.py"))
    return out


@pytest.mark.parametrize(("replies", "after", "want", "where"), [
    # the reply to the last exchange decides
    (["No, that broke the import."], "Perfect, thanks!", "user_accepted", "user reply"),
    (["Perfect, thanks! Now add a test."], "No, revert that.", "user_rejected", "user reply"),
    # no verdict after the last exchange: the latest reply with one, inside the example
    (["Perfect, thanks! Now add a test."], None, "user_accepted", "user message 4"),
    (["No, that broke the import.", "Works now, thanks. Next: the docs."], "ok", "user_accepted", "user message 8"),
    # a rejection that later exchanges answered, with no reply to them: nothing
    (["Thanks! Now the docs.", "That's wrong, the date is still off."], None, None, None),
    (["Now add a test.", "Also the docs."], None, None, None),
])
def test_replies_inside_an_example(replies: list[str], after: str | None, want: str | None, where: str | None) -> None:
    messages = _session(*replies)
    found = [o for o in detect(messages, after_user_reply=after) if o.source == "reply"]
    assert [(o.signal, o.where) for o in found] == ([(want, where)] if want else [])
    for o in found:
        if o.index is not None:
            assert messages[o.index]["role"] == "user"
        assert o.to_signal().where == where  # the stored shape accepts it


def test_a_build_gated_by_and_and_a_chain_that_exits_0_passed() -> None:
    from finetune_collection.signals.commands import classify

    chained = classify("cmake --build build && ctest --test-dir build")
    assert chained.gated == {"build"} and chained.last == {"test"}
    assert classify("cmake --build build | tail -3 && ctest").gated == set()  # a pipe's status is tail's
    assert classify("cmake --build build; ctest").gated == set()  # `;` runs ctest whatever the build did
