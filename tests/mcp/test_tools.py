"""The MCP tools are plain module-level functions: callable without a server or a client."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import anyio
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context

from conftest import example
from finetune_collection.config import Config
from finetune_collection.mcp import tools
from finetune_collection.mcp.state import LazyState
from finetune_collection.store import Store


def _context(home: Path, config: Config) -> Context[Any, Any]:
    """A request context holding a real opened core, as the server's lifespan makes it."""
    request = ServerRequestContext(
        session=None,  # type: ignore[arg-type]  # the tools below never talk back to the client
        lifespan_context=LazyState(config, home),
        protocol_version="2026-07-28",
        method="tools/call",
    )
    return Context(request_context=request)


def test_collect_example_called_directly_stores_the_example(finetune_home: Path, config: Config) -> None:
    ctx = _context(finetune_home, config)
    args = example(1)

    async def main() -> Any:
        with anyio.fail_after(30):
            return await tools.collect_example(ctx, None, None, **args)

    result = anyio.run(main)
    assert result.status == "accepted" and result.id is not None
    stored = Store(finetune_home, config).get_doc(result.id)
    assert stored["input"]["user"] == args["input"]["user"]


def test_stats_and_review_called_directly(finetune_home: Path, config: Config) -> None:
    ctx = _context(finetune_home, config)

    async def main() -> tuple[Any, Any]:
        with anyio.fail_after(30):
            collected = await tools.collect_example(ctx, None, None, **example(2))
            review = await tools.finetune_review(ctx, id=collected.id, action="reject")
            return review, await tools.finetune_stats(ctx)

    review, stats = anyio.run(main)
    assert review.status == "rejected"
    assert stats.total == 1 and stats.by_status == {"rejected": 1}
