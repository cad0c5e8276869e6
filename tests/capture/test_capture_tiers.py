"""Evidence tiers on the way out: `export --tier` and `--observed-signals-only` hold exactly the
expected examples, and `stats` (CLI and MCP) counts one tier when asked."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context
from test_capture_claims import PASSING, cli, session

from conftest import example
from finetune_collection.config import Config
from finetune_collection.mcp import tools
from finetune_collection.mcp.state import LazyState
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

GOLD, SILVER = "Fix the parser and run the tests", "Make the config loader lazy and run the tests"


@pytest.fixture
def tiered(finetune_home: Path, tmp_path: Path, config: Config) -> dict[str, str]:
    """One accepted example per tier, and one with no signal: the text that tells each apart."""
    # gold: an observed passing run and the user's "perfect, thanks" after it; silver: the run only
    gold = session(tmp_path / "gold.jsonl", (GOLD, PASSING), ("Perfect, thanks! Now the changelog.", "open"))
    silver = session(tmp_path / "silver.jsonl", (SILVER, PASSING))
    for path in (gold, silver):
        assert cli("import", "--from", "claude-code", str(path), "--approved").exit_code == 0
    core = Pipeline(Store(finetune_home, config), config)
    bronze = core.collect(example(3, signals=["tests_passed", "user_accepted"]))  # claims only
    bare = core.collect(example(4, signals=[]))
    assert bronze.status == bare.status == "accepted"
    return {"gold": GOLD, "silver": SILVER, "bronze": "Task 3:", "none": "Task 4:"}


def _exported(out: Path, *args: str) -> set[str]:
    """Which of the tiered examples an export with these options wrote, by their telling text."""
    proc = cli("export", "--format", "hf-messages", "--output", str(out), *args)
    if proc.exit_code != 0:
        assert "no examples" in (proc.stderr + proc.stdout).lower(), proc.stderr
        return set()
    return {json.dumps(json.loads(line), ensure_ascii=False) for line in out.read_text().splitlines()}


@pytest.mark.parametrize(("args", "want"), [
    (("--tier", "gold"), {"gold"}),
    (("--tier", "silver"), {"silver"}),
    (("--tier", "bronze"), {"bronze"}),
    (("--tier", "gold", "--tier", "bronze"), {"gold", "bronze"}),
    (("--observed-signals-only",), {"gold", "silver"}),
    (("--observed-signals-only", "--tier", "silver", "--tier", "bronze"), {"silver"}),
    ((), {"gold", "silver", "bronze", "none"}),
])
def test_an_export_by_tier_holds_exactly_that_tier(
    finetune_home: Path, tmp_path: Path, tiered: dict[str, str], args: tuple[str, ...], want: set[str]
) -> None:
    written = _exported(tmp_path / "out.jsonl", *args)
    got = {name for name, text in tiered.items() if any(text in line for line in written)}
    assert got == want and len(written) == len(want)


def test_stats_by_tier(finetune_home: Path, tiered: dict[str, str]) -> None:
    def stats(*args: str) -> dict[str, Any]:
        proc = cli("stats", "--json", *args)
        assert proc.exit_code == 0, proc.stderr
        return json.loads(proc.stdout)  # type: ignore[no-any-return]

    whole = stats()
    assert whole["total"] == 4 and whole["tiers"] is None
    assert {k: whole["evidence"][k] for k in ("gold", "silver", "bronze", "none")} == dict.fromkeys(
        ("gold", "silver", "bronze", "none"), 1)
    gold = stats("--tier", "gold")
    assert gold["total"] == 1 and gold["tiers"] == ["gold"] and gold["evidence"]["gold"] == 1
    assert "silver" not in gold["evidence"]
    observed = stats("--observed-signals-only")
    assert observed["total"] == 2 and observed["tiers"] == ["gold", "silver"]
    text = cli("stats", "--tier", "bronze").stdout
    assert text.startswith("examples: 1 (evidence tiers bronze only)")


def test_observed_only_with_a_claims_only_tier_is_a_usage_error(finetune_home: Path) -> None:
    proc = cli("stats", "--observed-signals-only", "--tier", "bronze")
    assert proc.exit_code == 2 and "--observed-signals-only" in proc.stderr


def test_mcp_stats_by_tier(finetune_home: Path, config: Config, tiered: dict[str, str]) -> None:
    request = ServerRequestContext(session=None, lifespan_context=LazyState(config, finetune_home),  # type: ignore[arg-type]
                                   protocol_version="2026-07-28", method="tools/call")
    ctx = Context(request_context=request)

    async def main() -> tuple[Any, Any]:
        with anyio.fail_after(30):
            return await tools.finetune_stats(ctx), await tools.finetune_stats(ctx, tier=["gold", "silver"])

    whole, observed = anyio.run(main)
    assert (whole.total, observed.total, observed.tiers) == (4, 2, ["gold", "silver"])
