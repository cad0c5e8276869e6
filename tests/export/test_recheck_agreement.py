"""One policy for both layers, over the same structures: every export format refuses exactly what
the store-time scrubber would have replaced in tool-call arguments and tool declarations (a value
judged by its key), and refuses nothing the scrubber keeps on purpose. All formats agree, whatever
their record does with the tool data (openai keeps arguments as JSON text, vertex decodes them to
objects, the Hugging Face shapes re-encode declarations)."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.config import Config
from finetune_collection.export import FORMATS, Conversation, ExportRequest
from finetune_collection.export.portability import check
from finetune_collection.export.process import SecretCheck, load_secret_finder, process
from finetune_collection.pipeline import Pipeline
from finetune_collection.scrub import Scrubber, build_scrubber

SCRUBBER: Scrubber = build_scrubber(Config())

# (arguments, declared parameter properties, the value that must not leave; None: benign, kept)
CASES: list[tuple[dict[str, Any], dict[str, Any], str | None]] = [
    ({"password": "Hunter2xyz9"}, {"password": {"type": "string"}}, "Hunter2xyz9"),
    ({"api_key": "Qz8Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws"}, {}, "Qz8Lm2Zr7Vn4Bt8Cs1Hy6Fg0Qk5Pd3Ws"),
    ({"connection": {"user": "etl", "password": "N3stedArgPw"}}, {}, "N3stedArgPw"),
    ({"headers": {"X-Api-Key": "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp"}}, {}, "Hd7Lm2Zr9Pk4Vt1Wn8Bc3Gf0Js5Ka2Qp"),
    ({"users": [{"name": "ci", "passwd": "L1stItemPw7"}]}, {}, "L1stItemPw7"),
    ({"q": "x"}, {"password": {"type": "string", "default": "T00lDefaultPw"}}, "T00lDefaultPw"),
    ({"command": "mongosh -u root -p Mng0Root2024"}, {}, "Mng0Root2024"),
    # Benign look-alikes: the scrubber keeps them byte-identical, so every format writes them.
    ({"password": "${DB_PASSWORD}"}, {"password": {"type": "string", "description": "the user's password"}}, None),
    ({"password_min_length": 12, "token_type": "bearer"}, {}, None),
    ({"secret_name": "prod/db", "keyPressed": "kVK_Return"}, {"token_type": {"type": "string", "enum": ["bearer"]}},
     None),
    ({"password": "changeme"}, {}, None),
]


def _conv(args: dict[str, Any], properties: dict[str, Any]) -> Conversation:
    turns: list[dict[str, Any]] = [
        {"role": "user", "content": "Look it up."},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "connect", "arguments": json.dumps(args)}}]},
        {"role": "tool", "content": "found it", "tool_call_id": "call_1"},
        {"role": "assistant", "content": "Done."},
    ]
    tools = [{"name": "connect", "description": "Connects.",
              "parameters": {"type": "object", "properties": properties}}]
    return Conversation("ex_1", "qa", "Use tools.", turns, tools)


def _scrubbed(args: dict[str, Any], properties: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], bool]:
    """What the store-time scrubber keeps of the arguments and declarations, and whether it changed them."""
    counts: Counter[str] = Counter()
    out_args = SCRUBBER.scrub_value(args, counts)
    out_props = SCRUBBER.scrub_value(properties, counts)
    return out_args, out_props, bool(counts)


def _secrets() -> SecretCheck:
    return SecretCheck(load_secret_finder(), shapes=load_secret_finder(catalog=False))


@pytest.mark.parametrize(("args", "properties", "secret"), CASES, ids=[json.dumps(c[0])[:30] for c in CASES])
def test_every_format_agrees_with_the_scrubber(args: dict[str, Any], properties: dict[str, Any],
                                               secret: str | None) -> None:
    kept_args, kept_props, replaced = _scrubbed(args, properties)
    assert replaced is (secret is not None)
    written = 0
    for name, fmt in FORMATS.items():
        for fix in (False, True):
            unchecked = process(_conv(args, properties), fmt, None, fix, SecretCheck(None))
            if unchecked.line is None:
                continue  # the format cannot carry this conversation at all (alpaca: no tools)
            written += 1
            raw = process(_conv(args, properties), fmt, None, fix, _secrets())
            stored = process(_conv(kept_args, kept_props), fmt, None, fix, _secrets())
            # Nothing refused that the scrubber keeps: the stored form is always written.
            assert stored.line is not None, (name, fix, stored.problem)
            if secret is None:
                assert raw.line == unchecked.line, (name, fix, raw.problem)  # kept on purpose: written
            else:
                # Nothing written that the scrubber would have replaced.
                assert raw.line is None and raw.problem is not None, (name, fix)
                assert raw.problem.rule == "secret_detected" and secret not in raw.problem.detail
                assert secret.encode() not in stored.line
    assert written >= 10  # most formats carry tool calls: the agreement is not vacuous


def test_a_format_that_decodes_arguments_is_held_to_the_same_policy() -> None:
    """vertex writes the arguments as an object; the value arrives there without the JSON text
    around it, and the key is a field name. The re-check still reads it under its key."""
    out = process(_conv({"password": "Hunter2xyz9"}, {}), FORMATS["vertex"], None, True, _secrets())
    assert out.problem is not None and out.problem.rule == "secret_detected"


SECRET_EXAMPLE: dict[str, Any] = {
    "task_type": "debugging", "quality_score": 0.95, "metadata": {"human_approved": True, "db_password": "M3taPassw0rd"},
    "tools": [{"name": "db_query", "description": "Runs SQL.", "parameters": {
        "type": "object", "properties": {"password": {"type": "string", "default": "T00lDefaultPw"}}}}],
    "messages": [
        {"role": "user", "content": "run the nightly report query against the warehouse and summarise it"},
        {"role": "assistant", "content": None, "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "db_query", "arguments": json.dumps({"sql": "select 1", "connection": {"password": "N3stedArgPw"}})}}]},
        {"role": "tool", "content": "1 row", "tool_call_id": "c1"},
        {"role": "assistant", "content": "The nightly report query returned a single row with value 1."},
    ],
}


def test_collected_examples_pass_every_format_and_leak_nothing(pipeline: Pipeline, tmp_path: Path) -> None:
    """End to end: what the pipeline stored from context-only secrets in tool args, metadata and
    tools, and from benign look-alikes, is refused by no format and written without the secrets."""
    from finetune_collection.errors import ExportError
    from finetune_collection.export import export

    benign = json.loads(json.dumps(SECRET_EXAMPLE))
    benign["metadata"] = {"human_approved": True, "token_type": "bearer"}
    benign["tools"][0]["parameters"]["properties"] = {"password": {"type": "string", "description": "the password"}}
    benign["messages"][1]["tool_calls"][0]["function"]["arguments"] = json.dumps({"password": "${DB_PASSWORD}"})
    benign["messages"][0]["content"] = "run the weekly report query against the warehouse, then summarise it"
    ids = [pipeline.collect(SECRET_EXAMPLE).id, pipeline.collect(benign).id]
    assert all(ids)
    report = check(pipeline.store, pipeline.config, ExportRequest())
    for fmt in report.formats:
        assert "secret_detected" not in fmt.failures, fmt.format
    both = 0
    for name, fmt in FORMATS.items():
        if fmt.folder or fmt.preference:
            continue
        out = tmp_path / f"{name}.jsonl"
        try:
            export(pipeline.store, pipeline.config, ExportRequest(format=name, output=out))
        except ExportError:  # a format that carries neither example (no tool calls) writes nothing
            continue
        data = out.read_bytes()
        for secret in ("M3taPassw0rd", "T00lDefaultPw", "N3stedArgPw"):
            assert secret.encode() not in data, (name, secret)
        both += b"<REDACTED>" in data and b"${DB_PASSWORD}" in data
    assert both >= 5  # the formats that carry tool calls wrote both examples
