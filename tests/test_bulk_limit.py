"""A filtered review acts on at most curate.MAX_BULK examples: the MCP tool and the review page
refuse more and say how to narrow; the CLI refuses too unless --all."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner

from finetune_collection import curate
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.dedup import make_index
from finetune_collection.errors import InvalidExample
from finetune_collection.mcp.server import build_server
from finetune_collection.model import Example
from finetune_collection.pipeline import Pipeline
from finetune_collection.review import api
from finetune_collection.store import Store
from mcp import Client

OVER = curate.MAX_BULK + 1


@pytest.fixture(scope="module")
def over_the_limit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A store of MAX_BULK + 1 pending examples, built once (one transaction) and copied per test."""
    home = tmp_path_factory.mktemp("bulk") / "home"
    config = Config()
    store, index = Store(home, config), make_index(config.dedup)
    with store.transaction():
        for n in range(OVER):
            example = Example.model_validate({
                "id": f"ex_{n:012x}", "created_at": "2024-01-02T10:30:00Z", "status": "pending", "task_type": "t",
                "quality_score": 0.95, "input": {"user": f"request number {n}"}, "output": {"assistant": "ok"}})
            store.insert(example, index.keys(example))
    store.close()
    return home


@pytest.fixture
def home(over_the_limit: Path, finetune_home: Path) -> Path:
    shutil.copytree(over_the_limit, finetune_home)
    return finetune_home


def pending(home: Path) -> int:
    store = Store(home, Config())
    try:
        return sum(1 for status in store.statuses().values() if status == "pending")
    finally:
        store.close()


def test_curate_refuses_over_the_limit_dry_run_included(home: Path) -> None:
    store = Store(home, Config())
    try:
        flt = curate.Filter(status="pending")
        for dry_run in (True, False):
            with pytest.raises(InvalidExample, match=f"matches {OVER} examples; one review acts on at most 5000"):
                curate.review_matching(store, flt, "approve", dry_run)
        assert len(curate.review_matching(store, flt, "approve", True, limit=None).ids) == OVER
    finally:
        store.close()
    assert pending(home) == OVER


def test_cli_refuses_without_all_and_acts_with_it(home: Path) -> None:
    runner = CliRunner()
    for extra in ([], ["--dry-run"]):
        result = runner.invoke(cli, ["approve", "--status", "pending", *extra])
        assert result.exit_code == 1
        assert "narrow it" in result.stderr and "or pass --all" in result.stderr
    assert pending(home) == OVER
    result = runner.invoke(cli, ["approve", "--status", "pending", "--all"])
    assert result.exit_code == 0 and f"{OVER} example(s) approved" in result.stdout
    assert pending(home) == 0


def test_mcp_review_and_review_page_refuse_and_say_how_to_narrow(home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Over WARM_MIN examples the server starts a stats warm-up process a few seconds in; this
    # test is not about it, and the process would outlive the test.
    monkeypatch.setattr("finetune_collection.mcp.state.WARM_MIN", 10**9)

    async def calls() -> list[Any]:
        with anyio.fail_after(120):
            async with Client(build_server(), mode="legacy") as client:
                return [await client.call_tool("finetune_review", {"action": "approve", "filter": {"status": "pending"},
                                                                    **extra}) for extra in ({}, {"expect": OVER})]

    for result in anyio.run(calls):
        text = "\n".join(getattr(c, "text", "") for c in result.content)
        assert result.is_error and "one review acts on at most 5000" in text and "narrow it" in text
    store = Store(home, Config())
    try:
        with pytest.raises(InvalidExample, match="narrow it to at most 5000"):
            api.bulk(Pipeline(store, Config()), {"action": "approve", "filter": {"status": "pending"}, "expect": OVER})
    finally:
        store.close()
    assert pending(home) == OVER
