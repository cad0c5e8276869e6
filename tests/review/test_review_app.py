"""The review page as an MCP App, through a real SDK Client (in memory)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from mcp.client import advertise
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID
from review_helpers import SECRET, seed, status_in_file

from finetune_collection.config import Config
from finetune_collection.mcp.server import build_server
from finetune_collection.pipeline import Pipeline
from finetune_collection.review.app import URI
from finetune_collection.store import Store
from mcp import Client

pytestmark = pytest.mark.anyio
APP_TOOLS = {"finetune_review_list", "finetune_review_detail", "finetune_review_act", "finetune_review_bulk",
             "finetune_review_edit", "finetune_review_stats"}


def seeded(home: Path, n: int = 3) -> list[str]:
    store = Store(home, Config())
    return seed(Pipeline(store, Config()), n)


@pytest.mark.parametrize("mode", ["legacy", "auto"])
async def test_review_tool_is_bound_to_the_ui_resource(mode: str) -> None:
    async with Client(build_server(), mode=mode) as client:  # type: ignore[arg-type]
        tools = {t.name: t for t in (await client.list_tools()).tools}
        page_tool = tools["finetune_review_page"]
        assert page_tool.meta == {"ui": {"resourceUri": URI}}
        assert page_tool.annotations is not None and page_tool.annotations.read_only_hint is True
        for name in APP_TOOLS:
            assert tools[name].meta == {"ui": {"resourceUri": URI, "visibility": ["app"]}}, name
        listed = {str(r.uri): r for r in (await client.list_resources()).resources}
        assert listed[URI].mime_type == APP_MIME_TYPE
        read = await client.read_resource(URI)
        (content,) = read.contents
        assert content.mime_type == APP_MIME_TYPE
        html = content.text  # type: ignore[union-attr]
        assert "<script>" in html and "finetune_review_list" in html
        assert not re.search(r"https?://", html), "the app resource must not reference any URL"


async def test_text_result_stands_alone_for_a_client_without_apps(finetune_home: Path) -> None:
    ids = seeded(finetune_home)
    async with Client(build_server(), mode="legacy") as client:
        result = await client.call_tool("finetune_review_page", {})
    assert not result.is_error
    text = result.content[0].text  # type: ignore[union-attr]
    assert text.startswith("Review queue: 3 pending, 0 accepted, 0 rejected.")
    assert all(i in text for i in ids) and "finetune_review" in text
    assert not text.lstrip().startswith("{")  # prose, not a JSON dump
    assert result.structured_content is not None and result.structured_content["page"]["total"] == 3


async def test_client_with_apps_gets_the_same_result(finetune_home: Path) -> None:
    seeded(finetune_home, 1)
    ext = advertise(EXTENSION_ID, {"mimeTypes": [APP_MIME_TYPE]})
    async with Client(build_server(), mode="legacy", extensions=[ext]) as client:
        result = await client.call_tool("finetune_review_page", {})
    assert result.content[0].text.startswith("Review queue: 1 pending")  # type: ignore[union-attr]


async def test_app_tools_act_on_the_store(finetune_home: Path) -> None:
    ids = seeded(finetune_home)
    async with Client(build_server(), mode="legacy") as client:
        listed = await client.call_tool("finetune_review_list", {"status": "pending", "limit": 2})
        assert listed.structured_content is not None and listed.structured_content["total"] == 3
        done = await client.call_tool("finetune_review_act", {"ids": [ids[0]], "action": "approve"})
        assert not done.is_error and done.content[0].text == "approved 1 example(s)"  # type: ignore[union-attr]
        edited = await client.call_tool("finetune_review_edit",
                                        {"id": ids[1], "turn": 0, "content": f"my key is {SECRET}"})
        assert not edited.is_error, edited.content
        bad = await client.call_tool("finetune_review_act", {"ids": [ids[2]], "action": "explode"})
        assert bad.is_error and "action" in bad.content[0].text  # type: ignore[union-attr]
        stats = await client.call_tool("finetune_review_stats", {})
        assert stats.structured_content is not None and stats.structured_content["stats"]["total"] == 3
    assert status_in_file(finetune_home, ids[0]) == "accepted"
    assert SECRET.encode() not in (finetune_home / "examples.json").read_bytes()
