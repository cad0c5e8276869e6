"""Scrub benchmark: the full catalog next to the seed's three patterns (stdlib `re`), same run.

Input: >= 2 MB of real text from this machine (the Python stdlib sources and /usr/share/doc),
cut into documents of at most 64 KB, as the pipeline scrubs one string at a time, with
synthetic secrets from the test corpus planted every ~20 KB. Prints:

- speed_vs_seed: seed time / catalog time on the same documents (>= 0.5 is the target);
- linearity_4x: time on 4x the input / time on 1x (~4 means linear);
- a 1 MB single line (no newlines) and a pathological user pattern, each with its bound;
- recall / fp on tests/pii/corpus.jsonl.

Times are CPU time of this process (`process_time`), best of 5, so other load on a shared
machine does not skew the ratios.

    .venv/bin/python benchmarks/scrub.py
"""

from __future__ import annotations

import json
import re
import sys
import sysconfig
import time
from collections import Counter
from pathlib import Path

from finetune_collection.scrub.catalog import CATALOG
from finetune_collection.scrub.engine import Scrubber
from finetune_collection.scrub.rule import PatternTimeout, Rule

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "pii" / "corpus.jsonl"
SEED = [
    (r"[a-zA-Z0-9._%+-]+@[a-zA-Z0-9.-]+\.[a-zA-Z]{2,}", "<EMAIL>"),
    (r"sk-[a-zA-Z0-9]{32,}", "<API_KEY>"),
    (r"password[\"']?\s*[:=]\s*[\"'][^\"']+[\"']", "password: <REDACTED>"),
]
DOC = 64 * 1024
LINE_BOUND_S = 5.0  # a 1 MB line must finish within this (it takes well under a second here)


def real_text(target: int) -> str:
    """Mixed code and prose: stdlib .py files interleaved with plain-text docs."""
    code = sorted(Path(sysconfig.get_paths()["stdlib"]).glob("*.py"))
    prose = sorted(p for p in Path("/usr/share/doc").rglob("*") if p.is_file() and p.suffix in ("", ".txt", ".md"))
    parts: list[str] = []
    size = 0
    for i in range(max(len(code), len(prose))):
        for pool in (code, prose):
            if i < len(pool) and size < target:
                try:
                    text = pool[i].read_text(encoding="utf-8")
                except (OSError, UnicodeDecodeError):
                    continue
                parts.append(text)
                size += len(text)
    return "".join(parts)[:target]


def corpus_rows() -> list[dict[str, object]]:
    return [json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines()]


def plant(text: str, rows: list[dict[str, object]]) -> list[str]:
    secrets = [str(r["text"]) for r in rows if "value" in r]
    docs = []
    for n, i in enumerate(range(0, len(text), DOC)):
        doc = text[i : i + DOC]
        cut = doc.find("\n", len(doc) // 3) + 1
        docs.append(doc[:cut] + secrets[n % len(secrets)] + "\n" + doc[cut:])
    return docs


def time_seed(docs: list[str]) -> float:
    compiled = [(re.compile(p), r) for p, r in SEED]
    start = time.process_time()
    for doc in docs:
        for pattern, replacement in compiled:
            doc = pattern.sub(replacement, doc)
    return time.process_time() - start


def time_catalog(scrubber: Scrubber, docs: list[str]) -> float:
    start = time.process_time()
    for doc in docs:
        scrubber.scrub_text(doc)
    return time.process_time() - start


def best(fn: object, *args: object, runs: int = 5) -> float:
    return min(fn(*args) for _ in range(runs))  # type: ignore[operator]


def recall_fp(scrubber: Scrubber, rows: list[dict[str, object]]) -> tuple[float, float, dict[str, float]]:
    hit: Counter[str] = Counter()
    total: Counter[str] = Counter()
    fp = negatives = 0
    for r in rows:
        res = scrubber.scrub_text(str(r["text"]))
        if "value" not in r:
            negatives += 1
            fp += bool(res.findings)
            continue
        kind = str(r["kind"])
        total[kind] += 1
        value = r["value"]
        found = any(f.type == r["type"] for f in res.findings)
        hit[kind] += found and (value is None or str(value) not in res.text)
    per_kind = {k: hit[k] / total[k] for k in total}
    return sum(hit.values()) / sum(total.values()), fp / max(negatives, 1), per_kind


def main() -> None:
    rows = corpus_rows()
    scrubber = Scrubber(CATALOG)
    text = real_text(2_200_000)
    docs = plant(text, rows)
    mb = sum(map(len, docs)) / 1e6
    seed_s = best(time_seed, docs)
    cat_s = best(time_catalog, scrubber, docs)
    print(f"input: {mb:.2f} MB in {len(docs)} documents")
    print(f"seed (3 patterns, re): {seed_s * 1000:.0f} ms   catalog ({len(CATALOG)} rules): {cat_s * 1000:.0f} ms")
    big = docs * 4
    cat4 = best(time_catalog, scrubber, big)
    line = text.replace("\n", " ")[:1_000_000]
    start = time.process_time()
    scrubber.scrub_text(line)
    line_s = time.process_time() - start
    print(f"4x input: {cat4 * 1000:.0f} ms; 1 MB single line: {line_s * 1000:.0f} ms (bound {LINE_BOUND_S:.0f} s)")
    evil = Scrubber([Rule("evil", r"(a+)+$", "<X>", user=True)], timeout=0.5)
    start = time.process_time()
    try:
        evil.scrub_text("a" * 5000 + "!")
        stopped = "not stopped"
    except PatternTimeout:
        stopped = "stopped by its timeout"
    print(f"pathological user pattern (a+)+$ on 5000 chars: {stopped} after "
          f"{time.process_time() - start:.2f} s (timeout 0.5 s, bound 1 s)")
    recall, fp, per_kind = recall_fp(scrubber, rows)
    worst = sorted(per_kind.items(), key=lambda kv: kv[1])[:3]
    print("lowest per-kind recall: " + ", ".join(f"{k}={v:.2f}" for k, v in worst))
    ok = line_s < LINE_BOUND_S and stopped.startswith("stopped")
    print(f"bounds {'met' if ok else 'MISSED'}")
    print(f"scrub: speed_vs_seed={seed_s / cat_s:.2f} linearity_4x={cat4 / cat_s:.2f} recall={recall:.3f} fp={fp:.3f}")
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
