"""finetune_review over MCP in bulk: a list of ids, `since`, refusals (an empty filter, delete by
filter) and the user's confirmation by elicitation, through a real client."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp.types import ElicitResult

from conftest import example
from finetune_collection.config import Config
from finetune_collection.mcp.server import build_server
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store
from mcp import Client

pytestmark = pytest.mark.anyio
MODES = ["legacy", "auto"]


async def _collect(client: Client, n: int, **extra: Any) -> str:
    result = await client.call_tool("collect_example", example(n, metadata={}, **extra))
    assert result.structured_content is not None
    return str(result.structured_content["id"])


def _statuses(home: Any) -> dict[str, str]:
    return {str(d["id"]): str(d["status"]) for d in Store(home, Config()).docs()}


@pytest.mark.parametrize("mode", MODES)
async def test_ids_since_and_the_refusals(mode: str, finetune_home: Any) -> None:
    with anyio.fail_after(60):
        async with Client(build_server(), mode=mode) as client:
            ids = [await _collect(client, n) for n in range(3)]
            done = await client.call_tool("finetune_review", {"action": "approve", "ids": ids[:2]})
            assert done.structured_content and done.structured_content["count"] == 2
            for args in ({"action": "approve", "filter": {}},
                         {"action": "delete", "filter": {"status": "accepted"}},
                         {"action": "approve", "id": ids[0], "ids": ids}):
                refused = await client.call_tool("finetune_review", args)
                assert refused.is_error, args
            text = " ".join(c.text for c in refused.content if c.type == "text")
            assert "exactly one of id, ids or filter" in text
            counted = await client.call_tool("finetune_review", {"action": "reject",
                                                                 "filter": {"since": "2000-01-01"}})
            assert counted.structured_content and counted.structured_content["count"] == 3
            assert counted.structured_content["applied"] is False
            future = await client.call_tool("finetune_review", {"action": "reject",
                                                                "filter": {"since": "2999-01-01"}})
            assert future.structured_content and future.structured_content["count"] == 0
            gone = await client.call_tool("finetune_review", {"action": "delete", "ids": ids[2:]})
            assert not gone.is_error
    assert _statuses(finetune_home) == {ids[0]: "accepted", ids[1]: "accepted"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("answer", ["accept", "decline"])
async def test_a_bulk_review_asks_the_user_when_the_client_can_be_asked(
    mode: str, answer: str, finetune_home: Any
) -> None:
    asked: list[str] = []

    async def elicit(ctx: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        if answer == "accept":
            return ElicitResult(action="accept", content={"confirm": True})
        return ElicitResult(action="decline")

    with anyio.fail_after(60):
        core = Pipeline.open(finetune_home, Config())  # collected where nobody is asked: pending
        ids = [str(core.collect(example(n, metadata={})).id) for n in range(3)]
        turned_down = str(core.collect(example(7, metadata={}, signals=["user_rejected"])).id)
        core.store.close()
        async with Client(build_server(), mode=mode, elicitation_callback=elicit) as client:
            result = await client.call_tool("finetune_review", {"action": "approve", "filter": {"status": "pending"}})
    assert not result.is_error and result.structured_content
    assert asked and "3 example(s)" in asked[0]
    statuses = _statuses(finetune_home)
    if answer == "accept":
        assert result.structured_content["applied"] is True and result.structured_content["count"] == 3
        assert result.structured_content["held_back"] == 0  # the negative one is below_threshold, not pending
        assert [statuses[i] for i in ids] == ["accepted"] * 3
    else:
        assert result.structured_content["applied"] is False
        assert [statuses[i] for i in ids] == ["pending"] * 3
    assert statuses[turned_down] == "below_threshold"
