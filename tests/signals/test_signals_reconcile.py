"""Claimed vs observed, and tiers."""

from __future__ import annotations

import json

import pytest
from signals_shapes import bash, edit, record

from finetune_collection.model import Signal
from finetune_collection.signals import CLAIM_REASONS, Observation, Policy, detect, reconcile, tier

FAIL = "collected 5 items\nFAILED tests/test_api.py::test_get\n==== 1 failed, 4 passed in 0.2s ===="
PASS = "==== 5 passed in 0.2s ===="
SECRET_TEXT = "Bearer sk-live-0123456789abcdefghij"


def _failing_final_run() -> list[Observation]:
    rec = record("x", "fix", edit("a.py"), bash("pytest", PASS), edit("a.py"), bash("pytest", FAIL, 1))
    return detect(rec["messages"])


def test_a_contradicted_claim_is_never_observed() -> None:
    observed = _failing_final_run()
    assert {o.signal for o in observed} == {"errors_occurred"}
    kept, report = reconcile(["tests_passed", "user_accepted"], observed)
    assert not any(s.name == "tests_passed" for s in kept)
    assert [c.reason for c in report.claims if c.signal == "tests_passed"] == ["record_contradicts"]
    assert report.to_dict()["contradicted"] == [
        {"signal": "tests_passed", "reason": "record_contradicts", "by": "errors_occurred", "kept": False}
    ]
    errors = next(s for s in kept if s.name == "errors_occurred")
    assert errors.observed is True and errors.where is not None
    assert next(s for s in kept if s.name == "user_accepted").observed is False  # no reply: a claim, counted
    assert tier(kept) == "bronze"


def test_kept_by_policy_it_is_still_only_a_claim() -> None:
    kept, report = reconcile([Signal(name="tests_passed", evidence="all green")], _failing_final_run(),
                             Policy(contradicted="keep"))
    claim = next(s for s in kept if s.name == "tests_passed")
    assert claim.observed is False and report.claims[0].kept


def test_confirmed_claims_carry_the_record_s_evidence() -> None:
    rec = record("x", "fix", edit("a.py"), bash("pytest", PASS))
    kept, report = reconcile([Signal(name="tests_passed", evidence="trust me")], detect(rec["messages"]))
    [passed] = [s for s in kept if s.name == "tests_passed"]
    assert passed.observed is True and passed.evidence == "==== 5 passed in 0.2s ====" and passed.where
    assert report.to_dict()["confirmed"] == ["tests_passed"]
    assert report.to_dict()["observed_added"] == ["zero_fix_iterations"]


@pytest.mark.parametrize(("name", "reason"), [("tests_passed", "not_in_record"), ("code_review_approved", "not_checkable")])
def test_claims_without_a_record(name: str, reason: str) -> None:
    kept, report = reconcile([name], [])
    assert [(s.name, s.observed) for s in kept] == [(name, False)]
    assert report.claims[0].status == "unconfirmed" and report.claims[0].reason == reason
    dropped, _ = reconcile([name], [], Policy(unconfirmed="drop"))
    assert dropped == []


def test_negative_claims_stand() -> None:
    rec = record("x", "fix", edit("a.py"), bash("pytest", PASS))
    kept, _ = reconcile(["errors_occurred"], detect(rec["messages"]))
    assert ("errors_occurred", False) in [(s.name, s.observed) for s in kept]


def test_the_report_never_echoes_text() -> None:
    rec = record("x", SECRET_TEXT, edit("a.py"), bash(f"pytest -k '{SECRET_TEXT}'", FAIL, 1))
    observed = detect(rec["messages"], after_user_reply=f"{SECRET_TEXT} no, revert")
    _, report = reconcile(["tests_passed", "user_accepted", SECRET_TEXT[:60]], observed)
    text = json.dumps(report.to_dict())
    assert "sk-live" not in text and "Bearer" not in text
    assert {c.reason for c in report.claims} <= set(CLAIM_REASONS)


def _s(name: str, observed: bool | None) -> Signal:
    return Signal(name=name, observed=observed)


@pytest.mark.parametrize(("signals", "expected"), [
    ([_s("tests_passed", True), _s("user_accepted", True)], "gold"),
    ([_s("tests_passed", True), _s("user_accepted", False)], "silver"),
    ([_s("committed", True)], "silver"),
    ([_s("tests_passed", None), _s("user_accepted", False)], "bronze"),
    ([_s("tests_passed", True), _s("user_accepted", True), _s("errors_occurred", True)], "bronze"),
    ([_s("errors_occurred", True)], None),
    ([], None),
])
def test_tiers(signals: list[Signal], expected: str | None) -> None:
    assert tier(signals) == expected


def test_a_caller_cannot_claim_to_have_observed() -> None:
    forged = Signal(name="tests_passed", evidence="12 passed", observed=True, where="tool result 3")
    kept, report = reconcile([forged], [])
    assert [(s.name, s.observed, s.where) for s in kept] == [("tests_passed", False, None)]
    assert report.claims[0].status == "unconfirmed"
    assert tier(kept) == "bronze"


def test_public_names_exist() -> None:
    import finetune_collection.signals as signals

    assert all(hasattr(signals, name) for name in signals.__all__)
    assert set(signals.POSITIVE) >= {"tests_passed", "build_passed", "committed", "lint_clean"}
