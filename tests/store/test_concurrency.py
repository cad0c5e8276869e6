"""Several writers on one store at once, and a lock held too long.

Three `finetune serve` processes (each driven by a real MCP client over stdio) and two
`finetune import --json` processes write one store while readers list, count and export it:
every acknowledged example is there exactly once, ids are unique, the file is valid and the
rejection counters match what the writers were told. A lock held by a stopped process ends in
a clear, retryable StoreLocked error, never a hang.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

import anyio
import pytest
from filelock import FileLock

from conftest import ROOT, example, finetune_cmd
from finetune_collection.config import Config
from finetune_collection.errors import StoreError
from finetune_collection.reports import compute, list_rows
from finetune_collection.store import Store
from mcp import Client, StdioServerParameters

sys.path.insert(0, str(ROOT / "benchmarks"))
import faults  # noqa: E402

pytestmark = [pytest.mark.slow, pytest.mark.anyio]

PER_SERVER = 12
PER_IMPORT = 30


def child_env(home: Path, config: Path | None = None) -> dict[str, str]:
    env = {"FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server"), "PATH": os.environ.get("PATH", "")}
    if config is not None:
        env["FINETUNE_CONFIG"] = str(config)
    return env


def distinct(n: int) -> dict[str, Any]:
    return faults.example(n, 0)


def records(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_bytes().split(b"\n")[:-1]]


async def drive_server(home: Path, first: int, outcomes: list[dict[str, Any]]) -> None:
    params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=child_env(home))
    async with Client(params, mode="legacy") as client:
        for n in range(first, first + PER_SERVER):
            # Every fourth call repeats an example an import process also sends: a duplicate race.
            data = distinct(n if n % 4 else 10_000 + n)
            result = await client.call_tool("collect_example", data)
            assert not result.is_error, result.content
            assert result.structured_content is not None
            outcomes.append(result.structured_content)
        stats = await client.call_tool("finetune_stats", {})
        assert not stats.is_error
        check = await client.call_tool("finetune_export", {"format": "openai", "dry_run": True})
        assert not check.is_error, check.content


async def run_import(home: Path, numbers: list[int], outcomes: list[dict[str, Any]]) -> None:
    lines = "".join(json.dumps(distinct(n)) + "\n" for n in numbers)
    lines += json.dumps(example(1, quality_score=0.1, metadata={})) + "\n"  # kept as below_threshold, once
    result = await anyio.run_process([*finetune_cmd(), "import", "--json", "-"], input=lines.encode(),
                                     env={**os.environ, **child_env(home)}, check=False)
    assert result.returncode == 0, result.stderr.decode()[-2000:]
    outcomes.extend(r for r in map(json.loads, result.stdout.decode().splitlines()) if r["status"] != "summary")


def read_continuously(home: Path, stop: threading.Event, errors: list[BaseException], reads: list[int]) -> None:
    """Another process's view while everyone writes: never corrupt, never shrinking."""
    try:
        store = Store(home, Config())
        last = 0
        while not stop.is_set():
            store.refresh()
            rows = list_rows(store)
            total = compute(store).total  # refreshes again: writers may have added more since
            assert len(rows) >= last and total >= len(rows)
            last = len(rows)
            reads.append(last)
            stop.wait(0.02)
    except BaseException as err:  # reported to the test thread
        errors.append(err)


async def test_three_servers_two_imports_and_readers(finetune_home: Path) -> None:
    Store(finetune_home, Config())  # create the folder and file up front
    server_out: list[dict[str, Any]] = []
    import_out: list[dict[str, Any]] = []
    stop = threading.Event()
    errors: list[BaseException] = []
    reads: list[int] = []
    reader = threading.Thread(target=read_continuously, args=(finetune_home, stop, errors, reads), daemon=True)
    reader.start()
    try:
        with anyio.fail_after(240):
            async with anyio.create_task_group() as tg:
                for s in range(3):
                    tg.start_soon(drive_server, finetune_home, 1 + s * PER_SERVER, server_out)
                # Both imports also send the examples the servers repeat (10_000 + n): races on dedup.
                shared = [10_000 + n for n in range(1, 1 + 3 * PER_SERVER) if n % 4 == 0]
                tg.start_soon(run_import, finetune_home, [*range(1000, 1000 + PER_IMPORT), *shared], import_out)
                tg.start_soon(run_import, finetune_home, [*range(2000, 2000 + PER_IMPORT), *shared], import_out)
    finally:
        stop.set()
        reader.join(timeout=30)
    assert not errors, errors
    assert reads, "the reader never ran"

    outcomes = server_out + import_out
    stored = [o["id"] for o in outcomes if o["status"] in ("accepted", "pending", "below_threshold")]
    assert len(stored) == len(set(stored)), "an id was handed out twice"
    # Each shared example was sent three times (a server, two imports): stored exactly once; the
    # low-scored line of both imports is kept once as below_threshold.
    assert len(stored) == 3 * PER_SERVER + 2 * PER_IMPORT + 1
    assert sum(o["status"] == "below_threshold" for o in outcomes) == 1
    path = finetune_home / "examples.json"
    state: dict[str, Any] = {}
    for record in records(path):  # every line parses; replaying the log gives the final state
        if record["t"] == "examples":
            if record["op"] == "put":
                state[record["id"]] = record["doc"]
            else:
                state.pop(record["id"], None)
    assert set(state) == set(stored)
    store = Store(finetune_home, Config())
    assert sorted(store.docs(), key=lambda d: d["id"]) == sorted(state.values(), key=lambda d: d["id"])
    told = Counter(reason for o in outcomes if o["status"] in ("rejected", "duplicate") for reason in o["reasons"])
    counters = store.counter_values()
    assert counters.get("rejected:duplicate", 0) + counters.get("rejected:near_duplicate", 0) == (
        told["duplicate"] + told["near_duplicate"]
    )
    assert counters.get("rejected:below_min_quality", 0) == told["below_min_quality"] == 0
    stats = compute(store)
    assert stats.total == len(stored)
    assert sum(stats.rejections.values()) == sum(told[r] for r in ("duplicate", "near_duplicate", "below_min_quality"))


# -- a lock held too long --------------------------------------------------------------------------------
@pytest.fixture
def short_lock(tmp_path: Path) -> Path:
    config = tmp_path / "config.yaml"
    config.write_text("limits:\n  lock_timeout: 1\n")
    return config


def test_cli_gives_a_retryable_error_when_the_lock_is_held(finetune_home: Path, short_lock: Path) -> None:
    Store(finetune_home, Config())
    lock = FileLock(str(finetune_home / "examples.json.lock"))
    with lock:
        proc = subprocess.run([*finetune_cmd(), "import", "--json", "-"], input=json.dumps(distinct(1)) + "\n",
                              capture_output=True, text=True, timeout=120,
                              env={**os.environ, **child_env(finetune_home, short_lock)})
    assert proc.returncode == 1
    assert [json.loads(line)["status"] for line in proc.stdout.splitlines()] == ["summary"]  # nothing stored
    assert "Error:" in proc.stderr and "lock" in proc.stderr and "Retry" in proc.stderr
    assert "Traceback" not in proc.stderr
    again = subprocess.run([*finetune_cmd(), "import", "--json", "-"], input=json.dumps(distinct(1)) + "\n",
                           capture_output=True, text=True, timeout=120,
                           env={**os.environ, **child_env(finetune_home, short_lock)})
    assert json.loads(again.stdout.splitlines()[0])["status"] == "accepted"  # retried once the lock is free


HOLDER = """
import sys, time
from pathlib import Path
from finetune_collection.config import Config
from finetune_collection.store import Store
store = Store(Path(sys.argv[1]), Config())
with store.transaction():
    print("locked", flush=True)
    time.sleep(600)
"""


async def test_stopped_lock_holder_gives_mcp_tool_error_not_a_hang(finetune_home: Path, short_lock: Path) -> None:
    """A finetune process stopped (SIGSTOP) while holding the lock: the server answers with StoreLocked."""
    Store(finetune_home, Config())
    holder = subprocess.Popen([sys.executable, "-c", HOLDER, str(finetune_home)], stdout=subprocess.PIPE,
                              env={**os.environ, **child_env(finetune_home)})
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == b"locked"
        holder.send_signal(signal.SIGSTOP)
        params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"],
                                       env=child_env(finetune_home, short_lock))
        with anyio.fail_after(120):
            async with Client(params, mode="legacy") as client:
                result = await client.call_tool("collect_example", distinct(5))
                text = "\n".join(getattr(c, "text", "") for c in result.content)
                assert result.is_error and "lock" in text and "Retry" in text, text
                stats = await client.call_tool("finetune_stats", {})  # reads need no lock
                assert not stats.is_error
                holder.send_signal(signal.SIGCONT)
                holder.kill()  # the lock dies with its process
                holder.wait(timeout=30)
                retry = await client.call_tool("collect_example", distinct(5))
                assert not retry.is_error and retry.structured_content is not None
                assert retry.structured_content["status"] == "accepted"
    finally:
        holder.send_signal(signal.SIGCONT)
        holder.kill()
        holder.communicate(timeout=30)


def test_store_api_raises_store_locked(finetune_home: Path) -> None:
    from finetune_collection.config import Limits
    from finetune_collection.errors import StoreLocked
    from finetune_collection.pipeline import Pipeline

    config = Config(limits=Limits(lock_timeout=0.2))
    pipeline = Pipeline(Store(finetune_home, config), config)
    with FileLock(str(finetune_home / "examples.json.lock")), pytest.raises(StoreLocked) as err:
        pipeline.collect(distinct(3))
    assert isinstance(err.value, StoreError) and "0.2s" in str(err.value)
    assert pipeline.collect(distinct(3)).status == "accepted"
