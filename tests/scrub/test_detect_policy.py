"""One policy for store and export: the export's re-check (scrub.detect) refuses what the scrubber
would replace, and nothing the scrubber keeps on purpose. Measured on the project's corpora and,
when it is on this machine, on the outside evaluation set (read in place, never copied)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.scrub import find_secrets, refusals
from finetune_collection.scrub.detect import PERSONAL
from finetune_collection.scrub.engine import Scrubber

PII = Path(__file__).parents[1] / "pii"
OUTSIDE = Path("/work/shared/eval-data/pii")


def _rows(name: str) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (PII / name).read_text(encoding="utf-8").splitlines()]


CORPUS = _rows("corpus.jsonl")
EVERYDAY = _rows("everyday.jsonl")



def test_export_refuses_nothing_the_scrubber_kept(scrubber: Scrubber) -> None:
    texts = [str(r["text"]) for r in [*CORPUS, *EVERYDAY]]
    refused = [t[:60] for t in texts if refusals(scrubber.scrub_text(t).text)]
    assert not refused


def test_export_is_at_least_as_strict_as_the_scrubber(scrubber: Scrubber) -> None:
    # Every text in which the scrubber replaces a secret (not personal data) is refused raw.
    missed = []
    for row in [*CORPUS, *EVERYDAY]:
        text = str(row["text"])
        types = {f.type for f in scrubber.scrub_text(text).findings} - PERSONAL
        if types and not find_secrets(text):
            missed.append(row["id"])
    assert not missed


def test_short_passwords_placeholders_and_skip() -> None:
    assert find_secrets("db_password: hunter2x") == ["password"]
    assert find_secrets("aws_access_key_id = AKIAIOSFODNN7EXAMPLE") == []
    assert find_secrets('password = "<REDACTED>"  # scrubbed') == []
    assert find_secrets("db_password: hunter2x", skip=("password",)) == []
    assert all("hunter2x" not in t for t in refusals("db_password: hunter2x"))


def _outside() -> tuple[list[tuple[str, list[str]]], list[tuple[str, list[str]]]]:
    positives = {r["id"]: r for r in map(json.loads, (OUTSIDE / "corpus.jsonl").read_text().splitlines())}
    negatives = [json.loads(line) for line in (OUTSIDE / "negatives.jsonl").read_text().splitlines()]
    pos, neg = [], []
    for v in map(json.loads, (OUTSIDE / "adjudication.jsonl").read_text().splitlines()):
        if v["verdict"] != "clear":
            continue
        if v["set"] == "pos":
            row = positives[v["id"]]
            pos.append((row["text"], v.get("secrets", row["secrets"])))
        else:
            row = negatives[v["idx"]]
            neg.append((row["text"], row["keep"]))
    return pos, neg


@pytest.mark.skipif(not (OUTSIDE / "adjudication.jsonl").exists(), reason="outside evaluation set not present")
def test_outside_set_floor(scrubber: Scrubber) -> None:
    """A floor under the measured figures (0.955 / 0.017 when this was written), so a change that
    loses recall or breaks benign code on data the rules were not written from shows up here."""
    pos, neg = _outside()
    recall = sum(not any(s in scrubber.scrub_text(t).text for s in secrets) for t, secrets in pos) / len(pos)
    fp = sum(any(k not in scrubber.scrub_text(t).text for k in keep) for t, keep in neg) / len(neg)
    assert recall >= 0.94 and fp <= 0.025, (recall, fp)


def test_everyday_set(scrubber: Scrubber) -> None:
    planted = [r for r in EVERYDAY if r["kind"] == "planted"]
    benign = [r for r in EVERYDAY if r["kind"] == "benign"]
    assert len(benign) >= 300
    missed = [r["id"] for r in planted if str(r["value"]) in scrubber.scrub_text(str(r["text"])).text]
    changed = [r["id"] for r in benign if scrubber.scrub_text(str(r["text"])).text != r["text"]]
    assert len(missed) / len(planted) <= 0.02, missed
    assert len(changed) / len(benign) <= 0.02, changed


# Tokens joined to an id or a name by `_`, `-` or a %-escape (tool-call ids, tool names, URL
# paths): whole tokens all the same, replaced at store time and refused at export.
JOINED_TOKENS = {
    "github": "ghp_9382dffx1kVZQ2tqMnMcLRkBOzZU3G8xI7CG",
    "openai": "sk-proj-r5c3bxD7u6yB54HkJlpobluliGGxGRJl5CYAVH66WxYLwx29",
    "huggingface": "hf_kT3vQpZrW8yLmN2xBcD5fGhJ7kLqS9tUvXwY",
}


@pytest.mark.parametrize("joined", ["call_{}", "fn_{}", "x-{}", "%2F{}", "toolu_{}", "mcp__server__{}"])
@pytest.mark.parametrize("kind", list(JOINED_TOKENS))
def test_a_token_joined_to_an_id_or_name_is_caught_by_both(scrubber: Scrubber, joined: str, kind: str) -> None:
    token = JOINED_TOKENS[kind]
    text = f"id {joined.format(token)} done"
    assert token not in scrubber.scrub_text(text).text
    assert find_secrets(text)


@pytest.mark.parametrize("kept", ["task-proj-management-framework-assessment", "asked_ghp_questions",
                                  "mask_hf_transformers_AutoModelForCausalLM", "%2Fsk-learn"])
def test_words_that_only_contain_a_prefix_stay(scrubber: Scrubber, kept: str) -> None:
    assert scrubber.scrub_text(kept).text == kept and not find_secrets(kept)
