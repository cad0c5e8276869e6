"""Integers outside the signed 64-bit range are refused at validation, on every surface and both
backends, with the field named and the number not repeated; a JSON line with an integer too long
for Python to read is one `invalid` line and the import goes on."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner

from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.errors import InvalidExample
from finetune_collection.mcp.server import build_server
from finetune_collection.model import Example, ExampleIn
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import StoreBackend
from mcp import Client

BIG = 123456789012345678901234567890
TOP = 2**63 - 1


def example(user: str = "big int example here", **metadata: Any) -> dict[str, Any]:
    return {"input": {"user": user}, "output": {"assistant": "x"}, "quality": "high",
            "metadata": {"human_approved": True, **metadata}}


@pytest.mark.parametrize(("data", "where"), [
    (example(tokens_used=BIG), "metadata.tokens_used"),
    (example(tokens_used=TOP + 1), "metadata.tokens_used"),
    (example(counts=[1, {"x": -(2**63) - 1}]), "metadata.(unknown key).1.(unknown key)"),
    ({"messages": [{"role": "user", "content": "q"},
                   {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {
                       "name": "f", "arguments": {"n": BIG}}}]},
                   {"role": "tool", "tool_call_id": "c", "content": "r"}, {"role": "assistant", "content": "a"}],
      "tools": [{"type": "function", "function": {"name": "f", "parameters": {"maximum": BIG}}}]},
     "messages.1.tool_calls.0.function.arguments.(unknown key)"),
    ({**example(), "quality": None, "quality_score": BIG}, "quality_score"),
])
def test_model_refuses_integers_past_64_bits(data: dict[str, Any], where: str) -> None:
    for model in (ExampleIn, Example):
        with pytest.raises(ValueError) as err:
            model.model_validate(data)
        text = str(err.value)
        assert f"{where}: integer outside the signed 64-bit range" in text
        assert str(BIG) not in text and "counts" not in text


def test_the_quick_proof_and_the_walk_agree_at_every_boundary() -> None:
    from finetune_collection.model import INT64_MAX, INT64_MIN, _has_oversized_int, _oversized_int_path

    edges = [0, 2**53 - 1, 2**53, -(2**53), INT64_MAX, INT64_MAX + 1, INT64_MIN, INT64_MIN - 1, 2**64 - 1, 2**64, BIG]
    for n in edges:
        for value in (n, [n], {"a": {"b": [1, n]}}, ("t", n), {1: n}, {"s": "\ud800", "n": n}, [True, 1.5, None, n]):
            found = _oversized_int_path(value)
            assert (found is not None) == _has_oversized_int(value) == (not INT64_MIN <= n <= INT64_MAX), (n, value)


def test_the_64_bit_bounds_themselves_pass() -> None:
    ExampleIn.model_validate(example(tokens_used=TOP, low=-(2**63), flag=True))


def test_collect_refuses_and_the_largest_int_reads_back_exactly(backend: StoreBackend, config: Config) -> None:
    pipeline = Pipeline(backend, config)
    with pytest.raises(InvalidExample, match="metadata.tokens_used: integer outside"):
        pipeline.collect(example(tokens_used=BIG))
    result = pipeline.collect(example(tokens_used=TOP, other=-(2**63)))
    assert result.status == "accepted"
    backend.refresh()
    doc = backend.get_doc(result.id)
    assert doc["metadata"]["tokens_used"] == TOP and isinstance(doc["metadata"]["tokens_used"], int)
    assert doc["metadata"]["other"] == -(2**63)
    assert backend.get(result.id).metadata.tokens_used == TOP


def test_cli_add_and_import_go_on_past_a_huge_integer(finetune_home: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["add"], input=json.dumps(example(tokens_used=BIG)))
    assert added.exit_code == 1 and "metadata.tokens_used: integer outside" in added.stderr
    assert str(BIG) not in added.output + added.stderr
    digits = '{"input":{"user":"second line"},"output":{"assistant":"x"},"metadata":{"n":' + "9" * 5000 + "}}"
    huge = runner.invoke(cli, ["add"], input=digits)
    assert huge.exit_code == 1 and "too many digits" in huge.stderr and "Traceback" not in huge.output
    lines = [json.dumps(example(note="first line")), digits, json.dumps(example("a different third request, kept")),
             json.dumps(example(tokens_used=BIG, note="fourth"))]
    result = runner.invoke(cli, ["import", "--json", "-"], input="\n".join(lines) + "\n")
    assert result.exit_code == 0, result.output
    rows = [json.loads(x) for x in result.stdout.splitlines()][:-1]  # the last line is the summary
    assert [(r["line"], r["status"]) for r in rows] == [(1, "accepted"), (2, "invalid"), (3, "accepted"),
                                                         (4, "invalid")]
    assert "too many digits" in rows[1]["reasons"][0] and "metadata.tokens_used" in rows[3]["reasons"][0]


def test_mcp_collect_refuses_without_the_number(finetune_home: Path) -> None:
    async def call() -> Any:
        with anyio.fail_after(60):
            async with Client(build_server(), mode="legacy") as client:
                return await client.call_tool("collect_example", example(tokens_used=BIG))

    result = anyio.run(call)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error and "metadata.tokens_used" in text and str(BIG) not in text
