"""No tool answer, resource answer or log line repeats caller text: a marker planted in every
argument value and every nested key of every tool, and in resource URIs, never comes back. The
markers are short and id-shaped, so an error that repeats "an id-like name" is caught too (a
pasted card number or `jane.doe` is as much the caller's text as a token)."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import MCPError

from finetune_collection.mcp.server import build_server
from mcp import Client

TOKEN = "sk-proj-" + "QzMARKERx7Lm2Zr9Pk4Vt1Wn8Bc3Hd6Gf0Js5Ka"
MARK = "Mark3rCallerTxt"  # 15 id-safe characters
MARKERS = (TOKEN, MARK, "QzMARKER")
BASE: dict[str, Any] = {"task_type": "debugging", "input": {"user": "why does it crash"},
                        "output": {"assistant": "because x"}}


def _turns(call: dict[str, Any], call_id: str) -> list[dict[str, Any]]:
    return [{"role": "user", "content": "q"}, {"role": "assistant", "content": None, "tool_calls": [call]},
            {"role": "tool", "content": "r", "tool_call_id": call_id}, {"role": "assistant", "content": "done"}]


CALLS: list[tuple[str, dict[str, Any]]] = [
    ("collect_example", {**BASE, TOKEN: 1}),
    ("collect_example", {**BASE, "input": {"user": "u", MARK: "x"}}),
    ("collect_example", {**BASE, "output": {"assistant": "a", MARK: 1}}),
    ("collect_example", {**BASE, "metadata": {MARK: {TOKEN: 1}}}),
    ("collect_example", {**BASE, "task_type": MARK}),
    ("collect_example", {**BASE, "id": MARK}),
    ("collect_example", {**BASE, "quality_score": MARK}),
    ("collect_example", {**BASE, "signals": {MARK: "e"}}),
    ("collect_example", {"messages": [{"role": MARK, "content": "x"}], "task_type": "debugging"}),
    ("collect_example", {"task_type": "debugging", "messages": _turns(
        {"id": MARK, "type": "function", "function": {"name": MARK + "fn", "arguments": "{}"}}, "call_" + MARK)}),
    ("collect_example", {"task_type": "debugging", "messages": _turns(
        {"id": "c1", "type": "function", "function": {"name": "f", "arguments": "{}", MARK: 1}}, "c1")}),
    ("finetune_export", {"format": MARK, "dry_run": True}),
    ("finetune_export", {"format": "openai", "output": "../" + MARK + "/x.jsonl"}),
    ("finetune_export", {"format": "openai", "output": "/etc/" + MARK}),
    ("finetune_export", {"format": "openai", "since": MARK, "dry_run": True}),
    ("finetune_export", {"format": "openai", "until": "2024-13-99" + MARK, "dry_run": True}),
    ("finetune_export", {"format": "openai", "model": MARK, "dry_run": True}),
    ("finetune_export", {"format": "hf-dataset", "license": MARK, "dry_run": True}),
    ("finetune_export", {"format": "openai", "tier": [MARK], "dry_run": True}),
    ("finetune_export", {"format": "openai", "source": [MARK], "dry_run": True}),
    ("finetune_export", {"format": "openai", "ids": [MARK], "dry_run": True}),
    ("finetune_export", {"format": "openai", MARK: 1}),
    ("finetune_export", {"format": "openai", "split": MARK}),
    ("finetune_review", {"action": "approve", "id": MARK}),
    ("finetune_review", {"action": "delete", "id": "4111111111111111"}),
    ("finetune_review", {"action": MARK, "id": "ex_1"}),
    ("finetune_review", {"action": "approve", "filter": {MARK: 1}}),
    ("finetune_review", {"action": "approve", "filter": {"task_type": [MARK]}, "expect": 0}),
    ("finetune_review", {"action": "approve", "filter": {"since": MARK}, "expect": 0}),
    ("finetune_stats", {MARK: 1}),
    ("prepare_to_ask", {MARK: 1}),
    ("ask_approval", {MARK: 1}),
    (MARK + "_tool", {}),
]
URIS = ["finetune://examples/" + MARK, "finetune://examples/4111111111111111", "finetune://" + MARK]


def _echoes(blob: str) -> str | None:
    for marker in (*MARKERS, "4111111111111111"):
        if marker in blob:
            return marker
    return None


def test_no_tool_resource_or_log_line_repeats_caller_text(
    caplog: pytest.LogCaptureFixture, finetune_home: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    bad: list[str] = []

    async def scenario() -> None:
        with anyio.fail_after(120):
            async with Client(build_server(), mode="legacy") as client:
                for name, args in CALLS:
                    try:
                        result = await client.call_tool(name, args)
                        blob = json.dumps(result.model_dump(mode="json"), ensure_ascii=False)
                    except MCPError as err:  # refused at the protocol level
                        blob = repr(err)
                    if _echoes(blob):
                        bad.append(f"{name} {sorted(args)}")
                for uri in URIS:
                    try:
                        answer = await client.read_resource(uri)
                        blob = json.dumps(answer.model_dump(mode="json"), ensure_ascii=False)
                    except MCPError as err:
                        blob = repr(err)
                    if _echoes(blob):
                        bad.append(f"resource {uri.split('/')[2]}")

    anyio.run(scenario)
    if _echoes(caplog.text):
        bad.append("the server's log")
    assert not bad
