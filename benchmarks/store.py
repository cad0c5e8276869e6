"""Insert latency of the store at 100, 1k, 10k and 20k examples of ~4 KB, in one run, next to
TinyDB's default JSONStorage and a bare fsync'd append to a file.

    .venv/bin/python benchmarks/store.py [--samples 200]

"insert" is one locked, durable store write (lock, catch up with the file, append, fsync,
release): what every collect pays after scrubbing. The full collect path (validate, score,
scrub, dedup keys, then the same write) is printed too, for context.
Targets: p50 at 20k / p50 at 100 <= 1.5 and p50 at 20k <= 3x the bare fsync'd append.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from tinydb import TinyDB  # noqa: E402

from finetune_collection.config import Config  # noqa: E402
from finetune_collection.model import Example  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.store import Store  # noqa: E402

SIZES = [100, 1_000, 10_000, 20_000]
WORDS = "the a function returns value list index error test file path config user data model token".split()


def text(rng: random.Random, n_chars: int) -> str:
    out: list[str] = []
    size = 0
    while size < n_chars:
        w = rng.choice(WORDS) + str(rng.randrange(10_000))
        out.append(w)
        size += len(w) + 1
    return " ".join(out)


def make_doc(rng: random.Random, i: int) -> dict[str, object]:
    return {
        "id": f"ex_{i:012x}",
        "created_at": "2026-01-01T00:00:00Z",
        "task_type": "code_generation",
        "quality_score": 0.95,
        "status": "accepted",
        "input": {"user": text(rng, 1500)},
        "output": {"assistant": text(rng, 2500)},
        "metadata": {"human_approved": True},
    }


def pct(values: list[float], p: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(p * len(values)))]


def fill(store: Store, rng: random.Random, start: int, stop: int) -> None:
    """Grow the store quickly (one lock, many records) to the next measured size."""
    with store.transaction():
        records = []
        for i in range(start, stop):
            doc = make_doc(rng, i)
            records.append({"op": "put", "t": "examples", "id": doc["id"], "doc": doc})
            records.append({"op": "put", "t": "dedup", "id": doc["id"], "doc": {"exact": f"{i:032x}"}})
        store.storage.append(records)


def timed_growth(
    store: Store, rng: random.Random, sizes: list[int], samples: int, make_call: Callable[[int], Callable[[], object]]
) -> dict[int, list[float]]:
    """Grow the store to each size, then time `samples` calls (each call's set-up is untimed).
    The samples themselves add to the store, so a size is measured at up to size + samples."""
    results: dict[int, list[float]] = {}
    n = 0
    for size in sizes:
        fill(store, rng, n, max(n, size))
        n = max(n, size)
        times = []
        for _ in range(samples):
            call = make_call(n)
            t0 = time.perf_counter()
            call()
            times.append(time.perf_counter() - t0)
            n += 1
        results[size] = times
    return results


def bench_ours(root: Path, samples: int) -> dict[int, list[float]]:
    rng = random.Random(1)
    store = Store(root / "ours", Config())
    core = Pipeline(store, Config())

    def make_call(n: int) -> Callable[[], object]:
        ex = Example.model_validate(make_doc(rng, 10_000_000 + n))
        keys = core.keys(ex)

        def insert() -> None:
            with store.transaction():
                if store.find_duplicate(keys) is None and ex.id not in store:
                    store.insert(ex, keys)

        return insert

    return timed_growth(store, rng, SIZES, samples, make_call)


def bench_collect(root: Path, samples: int) -> dict[int, list[float]]:
    """Full pipeline (validate, score, scrub, dedup keys, locked write) at 100 and 20k."""
    rng = random.Random(2)
    store = Store(root / "collect", Config())
    pipeline = Pipeline(store, Config())

    def make_call(n: int) -> Callable[[], object]:
        data = make_doc(rng, 20_000_000 + n)
        for k in ("id", "status"):
            data.pop(k)
        return lambda: pipeline.collect(data)

    return timed_growth(store, rng, [100, 20_000], samples, make_call)


def bench_tinydb(root: Path, samples: int) -> dict[int, list[float]]:
    """TinyDB's default JSONStorage: every insert reads and rewrites the whole file."""
    rng = random.Random(3)
    results: dict[int, list[float]] = {}
    for size in SIZES:
        path = root / f"tinydb-{size}.json"
        table = {str(i + 1): make_doc(rng, i) for i in range(size)}
        path.write_text(json.dumps({"_default": table}))
        db = TinyDB(path)
        k = max(3, min(samples, 2_000 // max(1, size // 100)))
        times = []
        for i in range(k):
            doc = make_doc(rng, size + i)
            t0 = time.perf_counter()
            db.insert(doc)
            times.append(time.perf_counter() - t0)
        db.close()
        results[size] = times
    return results


def bench_append(root: Path, samples: int) -> list[float]:
    rng = random.Random(4)
    path = root / "append.jsonl"
    times = []
    with open(path, "ab") as f:
        for i in range(samples * 2):
            line = (json.dumps(make_doc(rng, i)) + "\n").encode()
            t0 = time.perf_counter()
            f.write(line)
            f.flush()
            os.fsync(f.fileno())
            times.append(time.perf_counter() - t0)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--samples", type=int, default=200)
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="ft-bench-store-"))
    try:
        append = bench_append(root, args.samples)
        ours = bench_ours(root, args.samples)
        collect = bench_collect(root, max(20, args.samples // 4))
        tiny = bench_tinydb(root, args.samples)
    finally:
        shutil.rmtree(root, ignore_errors=True)
    ms = 1000.0
    print(f"{'store size':>10} | {'ours p50':>9} {'ours p95':>9} | {'TinyDB JSONStorage p50':>22} | collect p50")
    for size in SIZES:
        c = f"{statistics.median(collect[size]) * ms:8.2f} ms" if size in collect else ""
        print(
            f"{size:>10} | {statistics.median(ours[size]) * ms:6.2f} ms {pct(ours[size], 0.95) * ms:6.2f} ms | "
            f"{statistics.median(tiny[size]) * ms:19.1f} ms | {c}"
        )
    append_p50 = statistics.median(append)
    print(f"bare fsync'd append: p50 {append_p50 * ms:.2f} ms, p95 {pct(append, 0.95) * ms:.2f} ms")
    ratio_size = statistics.median(ours[20_000]) / statistics.median(ours[100])
    ratio_append = statistics.median(ours[20_000]) / append_p50
    tiny_vs_ours = statistics.median(tiny[20_000]) / statistics.median(ours[20_000])
    print(f"TinyDB JSONStorage p50 at 20k / ours: {tiny_vs_ours:.0f}x")
    print(f"store: p50_20k/p50_100={ratio_size:.2f} p50_20k/fsync_append={ratio_append:.2f}")


if __name__ == "__main__":
    main()
