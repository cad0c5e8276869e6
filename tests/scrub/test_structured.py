"""Structured values (tool-call arguments, metadata, tool declarations): each value is judged in
the context of its key, at any depth and inside lists, by the catalog's own rules; benign values
stay byte-identical; keys are still scrubbed as text (scrub/structured.py)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.pipeline import Pipeline
from finetune_collection.scrub import Scrubber
from finetune_collection.scrub.structured import lines, texts

# (JSON value holding a secret whose only clue is its key, the secret)
SECRETS: list[tuple[Any, str]] = [
    ({"password": "Tr0ub4dorXy9", "user": "admin"}, "Tr0ub4dorXy9"),
    ({"sql": "select 1", "connection": {"user": "etl", "password": "N3stedArgPw"}}, "N3stedArgPw"),
    ({"headers": {"X-Api-Key": "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp"}}, "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp"),
    ({"db_password": "M3taPassw0rd"}, "M3taPassw0rd"),
    ({"env": {"API_KEY": "Mk9Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws"}}, "Mk9Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws"),
    ({"accounts": [{"name": "ci", "passwd": "L1stItemPw7"}]}, "L1stItemPw7"),
    ({"passwords": ["Abc123xyz9", "Zz9Yy8Xx7q"]}, "Abc123xyz9"),
    ({"deep": {"a": {"b": {"c": [{"client_secret": "Dp3Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3W"}]}}}}, "Dp3Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3W"),
    # A JSON Schema value keyword is judged by the property it describes.
    ({"type": "object", "properties": {"password": {"type": "string", "default": "T00lDefaultPw"}}}, "T00lDefaultPw"),
    ({"properties": {"db_password": {"type": "string", "examples": ["Ex4mpleSchemaPw"]}}}, "Ex4mpleSchemaPw"),
    # A card number given as a JSON number, under a card key.
    ({"card_number": 4111111111111111}, "4111111111111111"),
]

# Structured values that look secret-ish and are not: kept byte-identical.
BENIGN: list[Any] = [
    {"password": "${DB_PASSWORD}"},
    {"password_min_length": 12},
    {"token_type": "bearer"},
    {"secret_name": "prod/db"},
    {"password": "changeme"},
    {"token": ""},
    {"type": "password"},
    {"port": 5432, "timeout": 30, "retries": 3, "id": 4155550123},
    {"secret": True, "password": None},
    {"name": "login", "description": "Logs in.", "parameters": {"type": "object", "properties": {
        "password": {"type": "string", "description": "the user's password"},
        "remember": {"type": "boolean", "default": False}}, "required": ["password"]}},
    {"keyPressed": "kVK_Return", "schemaKey": "users.v2", "bucket_key": "assets-1.2"},
    {"password": {"type": "string", "minLength": 12, "enum": ["<PASSWORD>"]}},
]


@pytest.mark.parametrize(("value", "secret"), SECRETS, ids=[s for _, s in SECRETS])
def test_a_value_whose_only_clue_is_its_key_is_replaced(scrubber: Scrubber, value: Any, secret: str) -> None:
    counts: Counter[str] = Counter()
    out = scrubber.scrub_value(value, counts)
    assert secret not in json.dumps(out) and sum(counts.values()) >= 1


@pytest.mark.parametrize("value", BENIGN, ids=[json.dumps(v)[:40] for v in BENIGN])
def test_benign_structured_values_stay_byte_identical(scrubber: Scrubber, value: Any) -> None:
    counts: Counter[str] = Counter()
    out = scrubber.scrub_value(value, counts)
    assert json.dumps(out) == json.dumps(value) and not counts


def test_only_the_value_is_replaced_and_keys_are_still_scrubbed_as_text(scrubber: Scrubber) -> None:
    counts: Counter[str] = Counter()
    out = scrubber.scrub_value({"password": "Tr0ub4dor\nsecond line", "a@b.io": {"k": "8.8.8.8"}}, counts)
    assert out == {"password": "<REDACTED>\nsecond line", "<EMAIL>": {"k": "<IP_ADDRESS>"}}


def test_lines_render_what_the_scrubber_judges() -> None:
    value = {"password": "x1", "n": 3, "ok": True, "properties": {"pw": {"default": "y2"}}, "l": ["z3"]}
    assert list(lines(value)) == [
        "password", '"password": "x1"', "n", '"n": 3', "ok", "properties", "pw", "default", '"pw": "y2"',
        "l", '"l": "z3"',
    ]
    turns = [{"role": "assistant", "content": None, "tool_calls": [
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"password": "x1"}'}}]}]
    assert texts("Sys.", turns, None, ["alt"]) == [
        "Sys.", "assistant", "c1", "function", "f", "password", '"password": "x1"', "alt"
    ]


# -- through the collect pipeline: what reaches the store file --------------------------------------
AUDIT_EXAMPLE: dict[str, Any] = {
    "task_type": "debugging",
    "metadata": {"db_password": "M3taPassw0rd", "env": {"API_KEY": "Mk9Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws"}},
    "tools": [{"name": "db_query", "description": "Runs SQL.", "parameters": {
        "type": "object", "properties": {"password": {"type": "string", "default": "T00lDefaultPw"}}}}],
    "messages": [
        {"role": "user", "content": "run the nightly report query against the warehouse and summarise it"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "db_query", "arguments": json.dumps({
                "sql": "select 1", "connection": {"user": "etl", "password": "N3stedArgPw"},
                "headers": {"X-Api-Key": "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp"}, "login": {"password": "Tr0ub4dorXy9"}})}}]},
        {"role": "tool", "content": "1 row", "tool_call_id": "c1"},
        {"role": "assistant", "content": "The nightly report query returned a single row with value 1."},
    ],
}
AUDIT_SECRETS = ["M3taPassw0rd", "Mk9Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws", "T00lDefaultPw", "N3stedArgPw",
                 "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp", "Tr0ub4dorXy9"]


def test_context_only_secrets_in_tool_args_metadata_and_tools_never_reach_the_store(
    pipeline: Pipeline, finetune_home: Path
) -> None:
    result = pipeline.collect(AUDIT_EXAMPLE)
    assert result.id is not None and result.redactions == {"password": 4, "secret": 2}
    stored = b"".join(p.read_bytes() for p in finetune_home.rglob("*") if p.is_file())
    for secret in AUDIT_SECRETS:
        assert secret.encode() not in stored, secret
    doc = pipeline.store.get_doc(result.id)
    args = json.loads(doc["messages"][1]["tool_calls"][0]["function"]["arguments"])
    assert args["connection"] == {"user": "etl", "password": "<REDACTED>"} and args["sql"] == "select 1"
    assert doc["tools"][0]["parameters"]["properties"]["password"] == {"type": "string", "default": "<REDACTED>"}


def test_benign_tool_data_is_stored_byte_identical(pipeline: Pipeline) -> None:
    args = {"password": "${DB_PASSWORD}", "password_min_length": 12, "token_type": "bearer", "secret_name": "prod/db"}
    tools = [BENIGN[9]]
    example = {**AUDIT_EXAMPLE, "metadata": {"token_type": "bearer"}, "tools": tools, "messages": [
        AUDIT_EXAMPLE["messages"][0],
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "login", "arguments": json.dumps(args)}}]},
        *AUDIT_EXAMPLE["messages"][2:]]}
    result = pipeline.collect(example)
    assert result.id is not None and result.redactions == {} and "export_would_refuse" not in result.reasons
    doc = pipeline.store.get_doc(result.id)
    assert doc["messages"][1]["tool_calls"][0]["function"]["arguments"] == json.dumps(args)
    assert doc["tools"] == tools and doc["metadata"]["token_type"] == "bearer"


def test_an_example_with_tool_data_is_rechecked_at_collect_time(
    pipeline: Pipeline, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The collect-time question "would the export refuse this?" is asked of tool data too, over
    the texts the export reads (arguments decoded, values framed by their keys), and its answer is
    kept as `refused` and reported."""
    from finetune_collection.scrub import detect

    asked: list[str] = []

    def refusals(text: str, **_: Any) -> list[str]:
        asked.append(text)
        return ["github_token"]

    monkeypatch.setattr(detect, "refusals", refusals)
    result = pipeline.collect(AUDIT_EXAMPLE)
    assert result.id is not None and "export_would_refuse" in result.reasons
    assert pipeline.store.get_doc(result.id)["refused"] == ["github_token"]
    (text,) = asked
    assert '"password": "<REDACTED>"' in text and '"sql": "select 1"' in text and "Runs SQL." in text
