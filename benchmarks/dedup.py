"""Near-duplicate detection: signature cost, LSH insert/query at 1k/10k/100k, start-up, memory,
and precision/recall per kind on the labelled corpus (tests/dedup/corpus.jsonl.gz).

Run: `.venv/bin/python benchmarks/dedup.py` (about 3 minutes; `--quick` skips 100k).
Baselines are measured in the same run: datasketch's default sha1 hashing through
`MinHash.bulk`, LSH query at 1k, and loading the store file without any index.
Last line: `dedup: query_100k/1k=<x> startup_20k/store_load=<y> precision=<p> recall=<r>`.
"""

from __future__ import annotations

import base64
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))
sys.path.insert(0, str(ROOT / "tests" / "dedup"))

import evaluate  # noqa: E402

from finetune_collection.config import Config, DedupSettings  # noqa: E402
from finetune_collection.dedup.minhash import fingerprint, shingles  # noqa: E402
from finetune_collection.dedup.near import NearDeduper, sides  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.store import STORE_FILE, Store  # noqa: E402
from finetune_collection.store.snapshot import Snapshot  # noqa: E402

RNG = np.random.default_rng(7)
SETTINGS = DedupSettings()


def rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096 / 2**20


def sig() -> str:
    return base64.b64encode(RNG.integers(0, 2**32, SETTINGS.num_perm, dtype=np.uint32).astype("<u4").tobytes()).decode()


def random_keys(i: int) -> dict[str, Any]:
    return {"exact": f"{i:032x}", "near": {"fp": fingerprint(SETTINGS), "p": sig(), "a": sig()}}


def minhash_cost(examples: list[Any]) -> None:
    from datasketch import MinHash

    deduper = NearDeduper(SETTINGS)
    sets = [[shingles(t, SETTINGS.shingle, SETTINGS.shingle_size) for t in sides(e)] for e in examples]
    size = statistics.mean(sum(len(t) for t in sides(e)) for e in examples)
    t = time.perf_counter()
    for e in examples:
        deduper.keys(e)
    ours = (time.perf_counter() - t) / len(examples) * 1000
    t = time.perf_counter()
    MinHash.bulk([list(s) for pair in sets for s in pair], num_perm=SETTINGS.num_perm)
    bulk = (time.perf_counter() - t) / len(examples) * 1000
    t = time.perf_counter()
    for pair in sets:
        for s in pair:
            MinHash(num_perm=SETTINGS.num_perm).update_batch(list(s))
    batch = (time.perf_counter() - t) / len(examples) * 1000
    print(f"signature per example ({size:.0f} chars, both sides): keys() {ours:.2f} ms "
          f"(shingling + crc32 + update_batch); datasketch sha1: MinHash.bulk {bulk:.2f} ms, "
          f"update_batch {batch:.2f} ms (hashing only, shingles given)")


def lsh_scale(sizes: list[int]) -> dict[int, float]:
    query_us: dict[int, float] = {}
    for n in sizes:
        before = rss_mb()
        deduper = NearDeduper(SETTINGS)
        keys = [random_keys(i) for i in range(n)]
        t = time.perf_counter()
        for i, k in enumerate(keys):
            deduper.add(f"ex_{i}", k)
        insert = (time.perf_counter() - t) / n * 1e6
        memory = rss_mb() - before
        probes = [random_keys(n + i) for i in range(1000)]
        for i in range(0, 1000, 2):  # half the probes are near copies of stored entries
            near = dict(keys[int(RNG.integers(n))]["near"])
            values = np.frombuffer(base64.b64decode(near["a"]), dtype="<u4").copy()
            values[RNG.choice(len(values), 10, replace=False)] = RNG.integers(0, 2**32, 10, dtype=np.uint32)
            near["a"] = base64.b64encode(values.tobytes()).decode()
            probes[i] = {"exact": "-", "near": near}
        times = []
        for k in probes:
            t = time.perf_counter()
            deduper.find(k)
            times.append(time.perf_counter() - t)
        query_us[n] = statistics.median(times) * 1e6
        print(f"LSH {n:>6d} indexed: insert {insert:.1f} µs, query p50 {query_us[n]:.1f} µs, "
              f"index memory ≈ {memory:.0f} MB (RSS delta, incl. the keys list)")
        del deduper, keys
    return query_us


def startup(n: int = 20_000) -> float:
    with tempfile.TemporaryDirectory() as root:
        home = Path(root)
        texts = [p["a"] for p in evaluate.load()]
        store = Store(home, Config.model_validate({"dedup": {"near": False}}))
        with store.transaction():
            batch = []
            for i in range(n):
                ex = evaluate.example(texts[i % len(texts)]).model_copy(update={"id": f"ex_{i:06d}"})
                batch += [
                    {"op": "put", "t": "examples", "id": ex.id, "doc": ex.to_doc()},
                    {"op": "put", "t": "dedup", "id": ex.id, "doc": random_keys(i)},
                ]
                if len(batch) >= 2000:
                    store.storage.append(batch)
                    batch = []
            store.storage.append(batch)
        size = (home / STORE_FILE).stat().st_size / 2**20
        plain, full = [], []
        for _ in range(3):
            t = time.perf_counter()
            with Snapshot(home / STORE_FILE) as snap:  # every document and key read from the file
                index = snap.index(("examples", "dedup"))
                for table in index.values():
                    for _ in snap.docs(table):
                        pass
            plain.append(time.perf_counter() - t)
            t = time.perf_counter()
            loaded = Pipeline.open(home, Config())
            full.append(time.perf_counter() - t)
            assert len(loaded.store) == n and not loaded.store.missing_keys()
        ratio = statistics.median(full) / statistics.median(plain)
        print(f"start-up, {n} stored examples ({size:.0f} MB file): store file alone "
              f"{statistics.median(plain):.2f} s, Store with its index file {statistics.median(full):.2f} s")
        return ratio


def quality() -> tuple[float, float]:
    pairs = evaluate.load()
    scores, precision, recall = evaluate.score(pairs, evaluate.judge_index(pairs))
    print(f"labelled corpus ({len(pairs)} pairs), NearDeduper with the default settings:")
    print(evaluate.table(scores))
    print(f"overall: precision {precision:.4f} recall {recall:.4f}")
    return precision, recall


def main() -> None:
    quick = "--quick" in sys.argv
    examples = [evaluate.example(p["a"]) for p in evaluate.load()[:300]]
    minhash_cost(examples)
    sizes = [1_000, 10_000] if quick else [1_000, 10_000, 100_000]
    query = lsh_scale(sizes)
    ratio_start = startup()
    precision, recall = quality()
    print(f"dedup: query_{sizes[-1] // 1000}k/1k={query[sizes[-1]] / query[1_000]:.2f} "
          f"startup_20k/store_load={ratio_start:.2f} precision={precision:.3f} recall={recall:.3f}")


if __name__ == "__main__":
    main()
