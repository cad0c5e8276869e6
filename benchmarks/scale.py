"""Start-up, memory, stats and collect at 1k and 100k examples (embedded), and on PostgreSQL.

    .venv/bin/python benchmarks/scale.py [--big 100000] [--small 1000] [--samples 30] [--pg]

Stores are filled quickly (one lock, batched appends) with ~6 KB examples and random MinHash
signatures (unrelated texts: no band collisions), as many stored examples look to the index.
- start: a real `finetune serve` process, from spawn to the first answered tool call
  (`collect_example`, the call a session starts with), through a real MCP client; memory then;
- stats after a write: in that server, `collect_example` then the next `finetune_stats`;
- collect: median in-process `Pipeline.collect` of a new example at each size;
- `--pg`: the same collects on PostgreSQL at 10k and 1M stored rows (benchmarks/scale_pg.py), next
  to the embedded store's; the server fsyncs its commits and gets `--pg-shared-buffers` of cache.
Goals (issue 19): start_100k <= 2 s and <= 5x start_1k; rss_100k <= 400 MB; stats after a write
at 100k <= 0.5 s; collect_100k/collect_1k <= 1.3; pg_collect_1m/pg_collect_10k <= 1.3.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "benchmarks"))

import numpy as np  # noqa: E402
import psutil  # noqa: E402
from mcp.client import Client  # noqa: E402
from mcp.client.stdio import StdioServerParameters  # noqa: E402
from server import collect_args  # noqa: E402  (benchmarks/server.py: ~4 KB examples of real text)

from finetune_collection.config import Config  # noqa: E402
from finetune_collection.dedup.minhash import encode, fingerprint  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.store import Store  # noqa: E402
from store import make_doc  # noqa: E402  (benchmarks/store.py)

BATCH = 2000


def random_keys(rng: np.random.Generator, i: int, config: Config) -> dict[str, Any]:
    perm = config.dedup.num_perm
    return {
        "exact": f"{i:032x}",
        "near": {
            "fp": fingerprint(config.dedup),
            "p": encode(rng.integers(0, 2**32, perm, dtype=np.uint32)),
            "a": encode(rng.integers(0, 2**32, perm, dtype=np.uint32)),
        },
    }


def fill(home: Path, n: int, config: Config) -> None:
    store = Store(home, config)
    rng = random.Random(n)
    nrng = np.random.default_rng(n)
    done = 0
    while done < n:
        with store.transaction():
            records = []
            for i in range(done, min(n, done + BATCH)):
                doc = make_doc(rng, i)
                doc["output"] = {"assistant": str(doc["output"]["assistant"]) * 2}  # type: ignore[index]
                records.append({"op": "put", "t": "examples", "id": doc["id"], "doc": doc})
                records.append({"op": "put", "t": "dedup", "id": doc["id"], "doc": random_keys(nrng, i, config)})
            store.storage.append(records)
        done = min(n, done + BATCH)
    store.close()


def params(home: Path) -> StdioServerParameters:
    env = {"FINETUNE_HOME": str(home), "PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(ROOT / "server")}
    return StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env)


async def serve(home: Path, n: int) -> dict[str, float]:
    """Spawn → first answered call; RSS; then a collect and the next stats."""
    t0 = time.perf_counter()
    async with Client(params(home), mode="legacy") as client:
        result = await client.call_tool("collect_example", collect_args(n + 100))
        start = time.perf_counter() - t0
        assert not result.is_error, result.content
        child = [p for p in psutil.Process().children(recursive=True) if "finetune_collection" in " ".join(p.cmdline())]
        rss = max(p.memory_info().rss for p in child) / 2**20 if child else float("nan")
        t1 = time.perf_counter()
        first = await client.call_tool("finetune_stats", {})
        stats_first = time.perf_counter() - t1
        assert not first.is_error, first.content
        after = []
        for i in range(3):
            collected = await client.call_tool("collect_example", collect_args(n + i))
            assert not collected.is_error, collected.content
            t2 = time.perf_counter()
            stats = await client.call_tool("finetune_stats", {})
            after.append(time.perf_counter() - t2)
            assert not stats.is_error, stats.content
        rss_end = max(p.memory_info().rss for p in child) / 2**20 if child else float("nan")
    return {"start": start, "rss": rss, "rss_end": rss_end, "stats_first": stats_first,
            "stats_after_write": statistics.median(after)}


def collect_time(home: Path, samples: int, offset: int) -> float:
    core = Pipeline.open(home, Config())
    times = []
    for i in range(samples):
        data = collect_args(offset + i)
        t0 = time.perf_counter()
        result = core.collect(data)
        times.append(time.perf_counter() - t0)
        assert result.id is not None, result.reasons
    core.store.close()
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--big", type=int, default=100_000)
    parser.add_argument("--small", type=int, default=1_000)
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--pg", action="store_true", help="also measure PostgreSQL (needs its binaries)")
    parser.add_argument("--pg-shared-buffers", default="4GB",
                        help="PostgreSQL's cache (its default 128MB cannot hold a 1M-example band index)")
    args = parser.parse_args()
    config = Config()
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in (args.small, args.big):
            home = Path(tmp) / f"s{n}"
            t0 = time.perf_counter()
            fill(home, n, config)
            print(f"filled {n} in {time.perf_counter() - t0:.1f} s "
                  f"({(home / 'examples.json').stat().st_size / 2**20:.0f} MB log)", flush=True)
            res = asyncio.run(serve(home, n))
            res["collect"] = collect_time(home, args.samples, 1_000_000)  # the same texts at each size
            out[str(n)] = res
            print(n, {k: round(v, 4) for k, v in res.items()}, flush=True)
    small, big = out[str(args.small)], out[str(args.big)]
    line = (
        f"scale: start_100k/start_1k={big['start'] / small['start']:.2f} start_100k_s={big['start']:.2f} "
        f"rss_100k_mb={big['rss_end']:.0f} stats_after_write_100k_s={big['stats_after_write']:.2f} "
        f"collect_100k/collect_1k={big['collect'] / small['collect']:.2f}"
    )
    if args.pg:
        import scale_pg

        # The same examples as the embedded collects (collect_args), on 10k and 1M stored rows.
        pg10k = scale_pg.pg_collect(10_000, args.samples, collect_args, args.pg_shared_buffers)
        pg1m = scale_pg.pg_collect(1_000_000, args.samples, collect_args, args.pg_shared_buffers)
        line += (f" pg_collect/tinydb_collect={pg10k / small['collect']:.2f}"
                 f" pg_collect_1m/pg_collect_10k={pg1m / pg10k:.2f}")
    print(line)


if __name__ == "__main__":
    main()
