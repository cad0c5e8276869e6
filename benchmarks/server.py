"""Server cold start and collect_example round trips over stdio, next to a bare one-tool MCPServer.

    .venv/bin/python benchmarks/server.py [--starts 5] [--rounds 6] [--block 20]

- cold start: spawn -> initialize -> tools/list answered, for `python -m finetune_collection`
  and for a bare `MCPServer` with one trivial tool (same interpreter, same client, same run);
- round trip: `collect_example` p50/p95 with 100 and with 20k examples already stored, next to
  the bare server's trivial tool; the three servers run side by side and are measured in
  alternating blocks of calls (see round_trips).
Targets: cold_start_ratio <= 1.3; collect_20k/100 <= 1.3; collect_20k/trivial <= 3.
"""

from __future__ import annotations

import argparse
import functools
import os
import random
import shutil
import statistics
import sys
import sysconfig
import tempfile
import textwrap
import time
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import anyio

from mcp import Client, StdioServerParameters

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "benchmarks"))

from finetune_collection.config import Config  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.store import Store  # noqa: E402
from store import fill  # noqa: E402  (benchmarks/store.py: grows a store quickly)

BARE = textwrap.dedent(
    """
    from mcp.server.mcpserver import MCPServer
    mcp = MCPServer("bare")

    @mcp.tool()
    def ping(n: int = 0) -> int:
        \"\"\"Return n.\"\"\"
        return n

    mcp.run()
    """
)


def env(home: Path) -> dict[str, str]:
    return {"FINETUNE_HOME": str(home), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "server")}


async def cold_start(params: StdioServerParameters) -> float:
    t0 = time.perf_counter()
    async with Client(params, mode="legacy") as client:
        await client.list_tools()
        elapsed = time.perf_counter() - t0
    return elapsed


@functools.lru_cache(maxsize=1)
def _real_text() -> str:
    """Real code and prose from this machine (stdlib sources), as assistants' work looks."""
    files = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    return "".join(p.read_text(encoding="utf-8", errors="replace") for p in files)


def collect_args(i: int) -> dict[str, Any]:
    """A ~4 KB example (1 KB request, 3 KB answer): consecutive, non-overlapping slices of real
    text, so no two are duplicates."""
    text = _real_text()
    start = (i * 4096) % (len(text) - 4096)
    return {
        "task_type": "code_generation",
        "quality": "high",
        "input": {"user": f"request {i}: {text[start:start + 1024]}"},
        "output": {"assistant": f"answer {i}: {text[start + 1024:start + 4096]}"},
        "metadata": {"human_approved": True},
    }


async def round_trips(targets: dict[str, tuple[StdioServerParameters, str, int]], rounds: int,
                      block: int) -> dict[str, list[float]]:
    """Round trips of each target's tool, all servers running at once and measured in
    alternating blocks, so that a slow minute on a shared machine hits every target alike
    instead of whichever one was being measured then. The first call of each block is not
    counted: after a pause, the first call pays for waking the process (a block's first trivial
    call measured ~1.5x a warm one; printed each run), which is the same for every target and
    not what the targets compare."""
    times: dict[str, list[float]] = {name: [] for name in targets}
    first: dict[str, list[float]] = {name: [] for name in targets}
    async with AsyncExitStack() as stack:
        clients = {}
        for name, (params, tool, offset) in targets.items():
            client = await stack.enter_async_context(Client(params, mode="legacy"))
            await client.list_tools()
            await client.call_tool(tool, _args(tool, offset))  # the store is opened on first use
            clients[name] = client
        done = 0
        for _ in range(rounds):
            for name, (_params, tool, offset) in targets.items():
                for i in range(block + 1):
                    args = _args(tool, offset + 1 + done + i)
                    t0 = time.perf_counter()
                    result = await clients[name].call_tool(tool, args)
                    (times[name] if i else first[name]).append(time.perf_counter() - t0)
                    assert not result.is_error, result.content
            done += block + 1
    cold = ", ".join(f"{k} {statistics.median(v) * 1000:.2f} ms" for k, v in first.items())
    print(f"first call of a block (not counted), p50: {cold}")
    return times


def _args(tool: str, i: int) -> dict[str, Any]:
    return collect_args(i) if tool == "collect_example" else {"n": i}


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--block", type=int, default=20, help="calls per target per round")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ft-bench-server-"))
    try:
        bare_file = root / "bare.py"
        bare_file.write_text(BARE)
        bare = StdioServerParameters(command=sys.executable, args=[str(bare_file)], env=env(root / "unused"))
        small, large = root / "small", root / "large"
        rng = random.Random(7)
        fill(Store(small, Config()), rng, 0, 100)
        fill(Store(large, Config()), rng, 0, 20_000)
        # fill() writes exact keys only; opening the core once computes the near-dup keys a real
        # store holds, so the measured server does not start by repairing 20k examples' keys.
        Pipeline.open(small, Config()), Pipeline.open(large, Config())
        ours_small = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env(small))
        ours_large = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env(large))

        bare_starts, our_starts = [], []
        for _ in range(args.starts):  # interleaved so machine load hits both alike
            bare_starts.append(await cold_start(bare))
            our_starts.append(await cold_start(ours_small))
        times = await round_trips({"trivial": (bare, "ping", 0), "c100": (ours_small, "collect_example", 1_000),
                                   "c20k": (ours_large, "collect_example", 2_000)}, args.rounds, args.block)
        trivial, c100, c20k = times["trivial"], times["c100"], times["c20k"]
    finally:
        shutil.rmtree(root, ignore_errors=True)

    ms = 1000.0
    print(f"cold start (spawn -> tools/list): bare {statistics.median(bare_starts):.2f} s, "
          f"finetune-collection {statistics.median(our_starts):.2f} s")
    for name, values in (("trivial tool (bare)", trivial), ("collect @100", c100), ("collect @20k", c20k)):
        print(f"{name:>20}: p50 {statistics.median(values) * ms:6.2f} ms  p95 {pct(values, 0.95) * ms:6.2f} ms")
    a = statistics.median(our_starts) / statistics.median(bare_starts)
    b = statistics.median(c20k) / statistics.median(c100)
    c = statistics.median(c20k) / statistics.median(trivial)
    print(f"server: cold_start_ratio={a:.2f} collect_20k/100={b:.2f} collect_20k/trivial={c:.2f}")


if __name__ == "__main__":
    anyio.run(main)
