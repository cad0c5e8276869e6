"""An unknown id is repeated only when it has the shape this store generates (`ex_` and 12 hex
digits, store/api.py `new_id`); anything else a caller gives in place of an id (a key, a card
number, a name) is described by its length, on every surface: the CLI, the review API, the
MCP tool and resource, and the server's log."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import anyio
import hypothesis
import pytest
from click.testing import CliRunner
from hypothesis import strategies as st
from mcp.shared.exceptions import MCPError

from finetune_collection.cli import cli
from finetune_collection.mcp.server import build_server
from finetune_collection.pipeline import Pipeline
from finetune_collection.review import api
from finetune_collection.store import Store
from finetune_collection.store.api import GENERATED_ID, shown_id
from mcp import Client

# Built at run time so no key-shaped literal sits in the repository.
HOSTILE = ["AKIA" + "Z7QW3ERT5YUI8OPL", "4111111111111111", "jane.doe", "ex_12345", "my-example-1",
           "EX_0123456789AB", "ex_0123456789abc", "ex_0123456789ag"]


def test_generated_ids_are_shown_and_nothing_else_is(store: Store) -> None:
    for _ in range(50):
        made = store.new_id()
        assert GENERATED_ID.fullmatch(made) and shown_id(made) == repr(made)
    for given in HOSTILE:
        assert given not in shown_id(given) and f"{len(given)} characters" in shown_id(given)


@hypothesis.settings(max_examples=300, deadline=None, database=None)
@hypothesis.given(st.text(min_size=1, max_size=40))
def test_shown_id_never_repeats_other_text(given: str) -> None:
    if not GENERATED_ID.fullmatch(given):
        assert shown_id(given) == f"(the id given: {len(given)} characters, not an id this store uses)"


@pytest.mark.parametrize("given", HOSTILE)
@pytest.mark.parametrize("command", ["show", "approve", "reject", "delete"])
def test_cli_never_echoes_an_unknown_id(command: str, given: str) -> None:
    result = CliRunner().invoke(cli, [command, given])
    assert result.exit_code == 1
    assert given not in result.output and "characters, not an id this store uses" in result.output


def test_cli_shows_an_unknown_id_of_the_generated_shape() -> None:
    result = CliRunner().invoke(cli, ["show", "ex_0123456789ab"])
    assert result.exit_code == 1 and "no example with id 'ex_0123456789ab'" in result.output


def test_cli_never_echoes_an_unknown_id_among_several(pipeline: Pipeline) -> None:
    stored = pipeline.collect({"input": {"user": "How do I list files?"}, "output": {"assistant": "Use ls."},
                               "quality_score": 0.95}).id
    assert stored is not None
    result = CliRunner().invoke(cli, ["approve", stored, HOSTILE[0]])
    assert result.exit_code == 1 and HOSTILE[0] not in result.output and "nothing was changed" in result.output


def test_review_api_reports_unknown_ids_without_repeating_them(pipeline: Pipeline) -> None:
    result = api.act(pipeline, {"ids": HOSTILE, "action": "approve"})
    blob = json.dumps(result)
    assert result["done"] == [] and len(result["missing"]) == len(HOSTILE)
    assert not [g for g in HOSTILE if g in blob]


def test_mcp_review_resource_and_log_never_echo_an_unknown_id(
    caplog: pytest.LogCaptureFixture, finetune_home: Path
) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    async def scenario() -> None:
        with anyio.fail_after(60):
            async with Client(build_server(), mode="legacy") as client:
                for given in HOSTILE:
                    result = await client.call_tool("finetune_review", {"action": "approve", "id": given})
                    assert result.is_error
                    seen.append(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
                    with pytest.raises(MCPError) as err:
                        await client.read_resource(f"finetune://examples/{given}")
                    seen.append(repr(err.value))

    anyio.run(scenario)
    blob = "\n".join(seen)
    assert blob.count("not an id this store uses") == 2 * len(HOSTILE)
    assert not [g for g in HOSTILE if g in blob or g in caplog.text]
