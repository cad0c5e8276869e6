"""Privacy of the store: private permissions, and a delete that really erases.

`delete` (CLI, MCP `finetune_review`, `purge --before`) must remove the example from the file's
bytes at once (not only append a tombstone), from the dedup index and from stats.
"""

from __future__ import annotations

import json
import stat
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner, Result

from conftest import example
from finetune_collection import curate
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.errors import NotFound
from finetune_collection.mcp.server import build_server
from finetune_collection.pipeline import Pipeline
from finetune_collection.reports import compute
from finetune_collection.store import Store
from mcp import Client


def run_cli(*args: str, input: str | None = None) -> Result:
    """The CLI in-process (a subprocess per command costs seconds on a loaded 2-core runner)."""
    return CliRunner().invoke(cli, list(args), input=input)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def marked(n: int, marker: str) -> dict[str, Any]:
    return example(n, input={"user": f"request {n} about {marker}"}, output={"assistant": f"answer with {marker}"})


def test_data_folder_is_0700_and_files_0600(finetune_home: Path, pipeline: Pipeline) -> None:
    pipeline.collect(example(1))
    assert mode(finetune_home) == 0o700
    for name in ("examples.json", "examples.json.lock"):
        assert mode(finetune_home / name) == 0o600, name


def test_export_files_are_private(finetune_home: Path, pipeline: Pipeline) -> None:
    for n in range(3):
        pipeline.collect(example(n))
    out = finetune_home / "exports" / "train.jsonl"
    proc = run_cli("export", "--format", "openai", "--output", str(out))
    assert proc.exit_code == 0, proc.output
    assert mode(out) == 0o600


def test_delete_erases_the_bytes_at_once(finetune_home: Path, pipeline: Pipeline) -> None:
    keep = pipeline.collect(marked(1, "KEEPMARKER")).id
    gone = pipeline.collect(marked(2, "GONEMARKER")).id
    assert gone is not None and keep is not None
    curate.review(pipeline.store, [gone], "approve")[0]  # a second version of the record: both must go
    path = finetune_home / "examples.json"
    assert path.read_bytes().count(b"GONEMARKER") == 4  # 2 versions x (user + assistant)
    curate.review(pipeline.store, [gone], "delete")[0]
    data = path.read_bytes()
    assert b"GONEMARKER" not in data
    assert gone.encode() not in data  # not even a tombstone names it
    assert b"KEEPMARKER" in data
    assert not list(finetune_home.glob("examples.json.tmp-*"))
    # Gone from every API, including another process's view and the dedup index.
    fresh = Store(finetune_home, Config())
    assert gone not in fresh and keep in fresh
    with pytest.raises(NotFound):
        fresh.get(gone)
    assert compute(fresh).total == 1
    again = Pipeline(fresh, Config()).collect(marked(2, "GONEMARKER"))
    assert again.status == "accepted" and again.duplicate_of is None


def test_other_process_sees_the_delete(finetune_home: Path, pipeline: Pipeline) -> None:
    """A store opened before the delete (another server) drops the example after it."""
    ids = [pipeline.collect(example(n)).id for n in range(3)]
    other = Pipeline(Store(finetune_home, Config()), Config())
    assert len(other.store) == 3
    curate.review(pipeline.store, [ids[1] or ""], "delete")[0]
    other.store.refresh()
    assert ids[1] not in other.store and len(other.store) == 2
    assert other.store.keys_of(ids[1] or "") is None
    assert other.store.find_duplicate(pipeline.keys(pipeline.store.get(ids[0] or ""))) is not None


def test_cli_delete_and_purge(finetune_home: Path) -> None:
    lines = [
        json.dumps({**marked(1, "OLDMARKER1"), "created_at": "2020-01-01T00:00:00Z"}),
        json.dumps({**marked(2, "OLDMARKER2"), "created_at": "2020-06-01T00:00:00Z"}),
        json.dumps({**marked(3, "NEWMARKER3"), "created_at": "2030-01-01T00:00:00Z"}),
        json.dumps(marked(4, "DELMARKER4")),
    ]
    rows = [json.loads(x) for x in run_cli("import", "--json", "-", input="\n".join(lines) + "\n").stdout.splitlines()]
    assert [r["status"] for r in rows] == ["accepted"] * 4 + ["summary"]
    path = finetune_home / "examples.json"

    deleted = run_cli("delete", rows[3]["id"])
    assert deleted.exit_code == 0, deleted.output
    assert b"DELMARKER4" not in path.read_bytes()
    assert run_cli("show", rows[3]["id"]).exit_code == 1

    dry = run_cli("purge", "--before", "2021-01-01")
    assert dry.exit_code == 0 and "would delete 2" in dry.stdout
    assert b"OLDMARKER1" in path.read_bytes()  # a dry run deletes nothing
    done = run_cli("purge", "--before", "2021-01-01", "--yes")
    assert done.exit_code == 0 and "deleted 2" in done.stdout
    data = path.read_bytes()
    assert b"OLDMARKER1" not in data and b"OLDMARKER2" not in data and b"NEWMARKER3" in data
    listed = {json.loads(x)["id"] for x in run_cli("list", "--json").stdout.splitlines()}
    assert listed == {rows[2]["id"]}
    stats = json.loads(run_cli("stats", "--json").stdout)
    assert stats["total"] == 1


def test_mcp_delete_erases_the_bytes(finetune_home: Path) -> None:
    async def scenario() -> None:
        with anyio.fail_after(60):
            await drive()

    async def drive() -> None:
        async with Client(build_server(), mode="legacy") as client:
            result = await client.call_tool("collect_example", marked(7, "MCPMARKER"))
            assert not result.is_error and result.structured_content is not None
            ex_id = result.structured_content["id"]
            review = await client.call_tool("finetune_review", {"id": ex_id, "action": "delete"})
            assert not review.is_error and review.structured_content is not None
            assert review.structured_content["status"] == "deleted"
            stats = await client.call_tool("finetune_stats", {})
            assert stats.structured_content is not None and stats.structured_content["total"] == 0

    anyio.run(scenario)
    assert b"MCPMARKER" not in (finetune_home / "examples.json").read_bytes()
