"""Export throughput per format vs. the floor, and peak memory 50k vs 5k examples.

Floor (measured in the same run): read the same store lines, `json.loads` each, `json.dumps` the
document and write it — nothing else. Each format's export does the real work on top: prefix scan,
parse, schema check, render, validate, secret re-check (when scrub.detect is present), encode,
fsync and rename. Peak memory is `ru_maxrss` of a fresh subprocess per run.

    .venv/bin/python benchmarks/export.py            # 50k and 5k stores of ~4 KB examples
    .venv/bin/python benchmarks/export.py --n 5000   # quicker
    .venv/bin/python benchmarks/export.py --n 5000 --tools   # a quarter agent work (tool calls)
    .venv/bin/python benchmarks/export.py --n 5000 --unstamped   # a store from before stamps

Targets: worst format ≤ 2× floor; peak RSS at 50k ≤ 1.5× peak RSS at 5k.
Last line: `export: worst_format/floor=<x> mem_50k/5k=<y>`.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from finetune_collection.store.log import encode  # noqa: E402

WORDS = (
    "alpha beta gamma delta function return value import module class object string number "
    "list dict test assert error retry timeout config store export format token"
).split()


def text(seed: int, chars: int) -> str:
    out, i = [], seed
    while sum(len(w) + 1 for w in out) < chars:
        i = (i * 1103515245 + 12345) & 0x7FFFFFFF
        out.append(WORDS[i % len(WORDS)])
    return " ".join(out)


def doc(n: int, stamp: bool = True, tools: bool = False) -> dict[str, object]:
    base = {
        "id": f"ex_{n:08x}",
        "created_at": "2024-01-02T10:30:00Z",
        "task_type": ("code_generation", "qa", "review")[n % 3],
        "quality_score": 0.95,
        "status": "accepted",
        "signals": [],
        "redactions": {},
        "metadata": {"human_approved": True, "workflow": "orchestrate", "phase": "BUILD"},
    }
    if tools and n % 4 == 2:  # --tools: a quarter are agent work, as a transcript import stores it
        base["messages"] = [
            {"role": "user", "content": text(n + 1, 700)},
            {"role": "assistant", "content": text(n + 7, 200), "tool_calls": [{
                "id": f"call_{n}", "type": "function",
                "function": {"name": "run", "arguments": json.dumps({"command": text(n + 8, 120), "timeout": 60})}}]},
            {"role": "tool", "tool_call_id": f"call_{n}", "content": text(n + 3, 1500)},
            {"role": "assistant", "content": text(n + 4, 1100)},
        ]
        base["tools"] = [{"type": "function", "function": {
            "name": "run", "description": text(n + 9, 100),
            "parameters": {"type": "object", "properties": {"command": {"type": "string"}}}}}]
    elif n % 4 == 3:  # a quarter multi-turn
        base["messages"] = [
            {"role": "system", "content": text(n, 300)},
            {"role": "user", "content": text(n + 1, 700)},
            {"role": "assistant", "content": text(n + 2, 1000)},
            {"role": "user", "content": text(n + 3, 700)},
            {"role": "assistant", "content": text(n + 4, 1100)},
        ]
    else:
        base["input"] = {"system": text(n, 300), "user": text(n + 1, 1200), "context": text(n + 5, 500)}
        base["output"] = {"assistant": text(n + 2, 1900)}
    if n % 2:  # half carry a rejected first attempt, so the preference formats have pairs to write
        base["rejected"] = [{"assistant": text(n + 6, 900)}]
    return stamped(base) if stamp else base


def stamped(doc: dict[str, object]) -> dict[str, object]:
    """The collect-time re-check's stamp, as the pipeline writes it (the re-check really runs)."""
    from finetune_collection.scrub.detect import refusals, stamp, stamped_texts

    texts = stamped_texts(doc)
    doc["refused"] = refusals("\n".join(texts))
    doc["checked"] = stamp(texts)
    return doc


def build_store(path: Path, n: int, stamp: bool = True, tools: bool = False) -> None:
    with open(path, "wb") as f:
        for i in range(n):
            d = doc(i, stamp, tools)
            f.write(encode({"op": "put", "t": "examples", "id": d["id"], "doc": d}))
            f.write(encode({"op": "put", "t": "dedup", "id": d["id"], "doc": {"exact": f"{i:032x}"}}))


def floor(store: Path, out: Path) -> float:
    t0 = time.perf_counter()
    with open(store, "rb") as src, open(out, "w", encoding="utf-8") as dst:
        for line in src:
            record = json.loads(line)
            if record["t"] == "examples":
                dst.write(json.dumps(record["doc"], ensure_ascii=False) + "\n")
    return time.perf_counter() - t0


CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {server!r})
from finetune_collection.config import Config
from finetune_collection.export import ExportRequest, export, run
from finetune_collection.store import Store
if not {secrets}:
    run.load_secret_finder = lambda *_, **__: None
t0 = time.perf_counter()
request = ExportRequest(format={fmt!r}, output=Path({out!r}), overwrite=True, fix=True)
r = export(Store(Path({store!r}).parent, Config()), Config(), request)
dt = time.perf_counter() - t0
print(dt, r.written, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, flush=True)
"""


def run_export(store: Path, fmt: str, out: Path, secrets: bool) -> tuple[float, int, int]:
    code = CHILD.format(server=str(ROOT / "server"), store=str(store), fmt=fmt, out=str(out), secrets=secrets)
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    dt, written, rss = proc.stdout.split()
    return float(dt), int(written), int(rss)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=50_000)
    parser.add_argument("--small", type=int, default=5_000)
    parser.add_argument("--unstamped", action="store_true",
                        help="store examples without the collect-time stamp, as a release before stamps (or "
                        "before a catalog change) left them: the first export reads them with the whole catalog")
    parser.add_argument("--tools", action="store_true",
                        help="a quarter of the examples carry tool calls and declarations (agent work)")
    parser.add_argument("--secret-check", choices=["on", "off"], default="on",
                        help="off: measure the exporter without scrub.detect's per-record re-scan")
    parser.add_argument("--repeat", type=int, default=3,
                        help="runs per format, each next to a floor (the fastest of each counts)")
    args = parser.parse_args()
    secrets = args.secret_check == "on"
    from finetune_collection.export import FORMATS
    from finetune_collection.export.process import load_secret_finder
    from finetune_collection.store import STORE_FILE

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        big, small = folder / "big" / STORE_FILE, folder / "small" / STORE_FILE
        big.parent.mkdir()
        small.parent.mkdir()
        build_store(big, args.n, not args.unstamped, args.tools)
        build_store(small, args.small, not args.unstamped, args.tools)
        size = big.stat().st_size
        print(f"store: {args.n} examples, {size / 1e6:.0f} MB (~{size / args.n / 1024:.1f} KB per example)", flush=True)
        found = "on" if load_secret_finder() else "off"
        state = found if secrets else "off (--secret-check off)"
        print(f"secret re-check: {state}", flush=True)
        # A shared machine's speed drifts within a run: each format is timed --repeat times, each run
        # next to a floor, and its ratio is its fastest run over the fastest of its own floors.
        ratios: dict[str, float] = {}
        floors: list[float] = []
        rss_big = 0
        first: tuple[float, float] | None = None  # the store's first export, next to its floor
        for fmt in FORMATS:
            runs, near = [], []
            for _ in range(max(1, args.repeat)):
                near.append(floor(big, folder / "floor.jsonl"))
                runs.append(run_export(big, fmt, folder / f"{fmt}.jsonl", secrets))
                first = first or (runs[0][0], near[0])
            fastest = min(dt for dt, _, _ in runs)
            ratios[fmt] = fastest / min(near)
            floors += near
            if fmt == "openai":
                rss_big = runs[0][2]
            peak = max(r for _, _, r in runs) / 1024
            print(f"{fmt:42} {fastest:6.2f} s  {ratios[fmt]:4.2f}x floor  {runs[0][1]} written  peak {peak:.0f} MB",
                  flush=True)
        print(f"{'floor (json.loads + json.dumps + write)':42} {min(floors):6.2f} s "
              f"(fastest of {len(floors)}; each format is divided by its own)", flush=True)
        if first is not None and args.unstamped:
            print(f"first export: {first[0]:.2f} s, {first[0] / first[1]:.2f}x floor (the catalog reads every "
                  "example no stamp covers, once; the store keeps their stamps)", flush=True)
        worst_fmt = max(ratios, key=lambda f: ratios[f])
        worst = ratios[worst_fmt]
        _, _, rss_small = run_export(small, "openai", folder / "small.jsonl", secrets)
        mem = rss_big / rss_small
        mb = f"{args.n}: {rss_big / 1024:.0f} MB, {args.small}: {rss_small / 1024:.0f} MB"
        print(f"peak RSS openai: {mb}", flush=True)
        print(f"worst format: {worst_fmt}", flush=True)
        print(f"export: worst_format/floor={worst:.2f} mem_50k/5k={mem:.2f}", flush=True)


if __name__ == "__main__":
    main()
