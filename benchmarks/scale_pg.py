"""Collect latency on PostgreSQL at a given store size: `pg_collect(n_existing) -> seconds`.

Starts a throwaway PostgreSQL (tests/store/postgres_helpers.py: initdb + pg_ctl in a temp folder),
fills it with `n_existing` examples through the backend's bulk path (`PgStore.load`: COPY, with
their band rows), then times real `Pipeline.collect` calls of new, distinct examples: validate,
score, scrub, dedup keys, then the transaction (advisory lock, exact and band lookups, insert).

The filler's signatures are random uint32 vectors under the real fingerprint: for LSH that is what
unrelated content looks like (band hashes spread uniformly), and it fills 1M rows in minutes where
computing MinHash of 1M texts would take most of an hour. The timed collects compute real keys.

    .venv/bin/python benchmarks/scale_pg.py [N ...]      (prints fill time and per-collect p50)
"""

from __future__ import annotations

import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests" / "store"))

from postgres_helpers import PostgresServer  # noqa: E402

from finetune_collection.config import Config  # noqa: E402

COLLECTS = 200
WORDS = "the a function returns value list index error test file path config user data model token".split()


def _filler(n: int, config: Config) -> Iterator[tuple[str, dict[str, Any], dict[str, Any]]]:
    import numpy as np

    from finetune_collection.dedup.minhash import encode, fingerprint

    rng = np.random.default_rng(1)
    fp, perm = fingerprint(config.dedup), config.dedup.num_perm
    for i in range(n):
        doc = {
            "id": f"ex_{i:012x}", "created_at": "2024-01-02T10:30:00Z", "task_type": "code_generation",
            "quality_score": 0.95, "status": "accepted",
            "input": {"user": f"Task {i}: " + " ".join(WORDS[(i * 7 + k) % len(WORDS)] for k in range(60))},
            "output": {"assistant": f"def f_{i}(x):\n    return x  # "
                       + " ".join(WORDS[(i + k) % len(WORDS)] for k in range(400))},
            "metadata": {"human_approved": True, "source": "benchmark"},
        }
        sig = rng.integers(0, 2**32, size=(2, perm), dtype=np.uint32)
        yield doc["id"], doc, {"exact": f"{i:032x}", "near": {"fp": fp, "p": encode(sig[0]), "a": encode(sig[1])}}


def _new(rng: random.Random, n: int) -> dict[str, Any]:
    words = " ".join(rng.choice(WORDS) + str(rng.randrange(10**6)) for _ in range(80))
    return {"task_type": "code_generation", "quality_score": 0.95, "input": {"user": f"Question {n}: {words}"},
            "output": {"assistant": f"Answer {n}: " + words[::-1]}, "metadata": {"human_approved": True}}


def pg_collect(
    n_existing: int, collects: int = COLLECTS, make: Callable[[int], dict[str, Any]] | None = None,
    shared_buffers: str = "128MB",
) -> float:
    """Median seconds of one `Pipeline.collect` into a PostgreSQL store holding `n_existing`
    (`make(n)`: the examples to collect, so another store can be timed on the same ones)."""
    from finetune_collection.pipeline import Pipeline
    from finetune_collection.store.postgres import PgStore, schema
    from finetune_collection.store.postgres.connection import connect

    # Commits fsync'd, as the embedded store's appends are.
    server = PostgresServer.start(durable=True, shared_buffers=shared_buffers)
    try:
        url = server.create_database()
        with connect(url, 10) as conn:
            schema.upgrade(conn, url)
        config = Config()
        home = Path(tempfile.mkdtemp(prefix="finetune-pg-bench-"))
        store = PgStore(url, home, config)
        started = time.perf_counter()
        store.load(_filler(n_existing, config))
        with connect(url, 10) as conn:
            conn.execute("VACUUM ANALYZE")
        print(f"pg fill {n_existing}: {time.perf_counter() - started:.1f} s", file=sys.stderr)
        core = Pipeline(store, config)
        rng = random.Random(n_existing)
        new = make or (lambda n: _new(rng, n))
        for n in range(20):  # warm: first imports, prepared plans, caches
            core.collect(new(10_000_000 + n))
        times = []
        for n in range(collects):
            data = new(1_000_000 + n)
            t0 = time.perf_counter()
            result = core.collect(data)
            times.append(time.perf_counter() - t0)
            assert result.id is not None, result.message
        store.close()
        shutil.rmtree(home, ignore_errors=True)
        return statistics.median(times)
    finally:
        server.stop()


if __name__ == "__main__":
    sizes = [int(a) for a in sys.argv[1:]] or [10_000]
    for size in sizes:
        print(f"pg_collect({size}) p50 = {pg_collect(size) * 1000:.2f} ms")
