"""The MCP tools are plain module-level functions: callable without a server or a client."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context

from conftest import example
from finetune_collection.config import Config
from finetune_collection.mcp import review_tool, tools
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
            review = await review_tool.finetune_review(ctx, id=collected.id, action="reject")
            return review, await tools.finetune_stats(ctx)

    review, stats = anyio.run(main)
    assert review.status == "rejected"
    assert stats.total == 1 and stats.by_status == {"rejected": 1}


def test_collect_example_from_transcript_takes_the_exchange_verbatim(
    finetune_home: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from finetune_collection.capture.locate import project_slug
    from transcript_helpers import SECRET, transcript

    project = tmp_path / "proj"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    folder = tmp_path / "claude" / "projects" / project_slug(str(project))
    folder.mkdir(parents=True)
    transcript(folder / "5e551011-0000-4000-8000-00000000beef.jsonl")
    ctx = _context(finetune_home, config)

    async def main() -> Any:
        with anyio.fail_after(30):
            return await tools.collect_example(
                ctx, None, None, from_transcript=True, task_type="debugging",
                signals=["tests_passed", "user_accepted"], metadata={"human_approved": True},
            )

    result = anyio.run(main)
    assert result.status == "accepted" and result.redactions.get("api_key") == 1
    doc = Store(finetune_home, config).get_doc(result.id or "")
    assert doc["task_type"] == "debugging" and doc["messages"][0]["content"].startswith("Check which key")
    assert SECRET not in json.dumps(doc)


def test_collect_example_takes_a_rejected_answer_and_scrubs_it(finetune_home: Path, config: Config) -> None:
    ctx = _context(finetune_home, config)
    secret = "sk-proj-" + "Rt5yHn8uJm" * 4
    args = example(5)

    async def main() -> Any:
        with anyio.fail_after(30):
            return await tools.collect_example(
                ctx, None, None, **args,
                rejected=[{"assistant": f"Just hard-code the key {secret}.", "reason": "leaks a key"}],
            )

    result = anyio.run(main)
    assert result.status == "accepted"
    doc = Store(finetune_home, config).get_doc(result.id or "")
    assert doc["rejected"][0]["reason"] == "leaks a key" and secret not in json.dumps(doc)


def test_finetune_review_by_filter_counts_then_acts_on_the_confirmed_count(finetune_home: Path, config: Config) -> None:
    from finetune_collection.mcp.schemas import ReviewFilter

    ctx = _context(finetune_home, config)
    flt = ReviewFilter(status="pending", min_quality=0.94)

    async def main() -> tuple[Any, Any, Any]:
        with anyio.fail_after(30):
            for n in range(3):
                await tools.collect_example(ctx, None, None, **example(n, metadata={}))
            counted = await review_tool.finetune_review(ctx, action="approve", filter=flt)
            await tools.collect_example(ctx, None, None, **example(9, metadata={}))  # the set changes
            try:
                await review_tool.finetune_review(ctx, action="approve", filter=flt, expect=counted.count)
                stale = None
            except Exception as err:  # noqa: BLE001  (the ToolError the client would get)
                stale = err
            done = await review_tool.finetune_review(ctx, action="approve", filter=flt, expect=4)
            return counted, stale, done

    counted, stale, done = anyio.run(main)
    assert (counted.count, counted.applied) == (3, False)
    assert stale is not None and "now matches 4" in str(stale)
    assert (done.count, done.applied) == (4, True)
    assert {d["status"] for d in Store(finetune_home, config).docs()} == {"accepted"}
