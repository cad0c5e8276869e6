"""Time to first render of the review page with 20k stored examples, next to reading the store alone.

first_render: open the store in a new ReviewServer, start it, load the page in headless Chromium
(already launched) and wait until the first page of cards is on screen. store_load: open the same
core (`Pipeline.open(...)`, which reads the file and rebuilds the dedup index) and read every document.
Both are medians of RUNS, measured in this process on the same file. The page asks for 20 examples
at a time, so the ratio stays close to 1 whatever the store's size.

Run: .venv/bin/python benchmarks/review.py [N]   (needs playwright and /usr/bin/chromium)
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "server"))

from finetune_collection.config import Config  # noqa: E402
from finetune_collection.dedup import make_index  # noqa: E402
from finetune_collection.model import Example  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.review.web import ReviewServer  # noqa: E402
from finetune_collection.store import Store  # noqa: E402

RUNS = 3
TASKS = ["code_generation", "debugging", "refactoring", "documentation", "testing"]
WORDS = ("alpha bravo cobalt delta ember fjord garnet harbor indigo juniper kelp lumen marble nectar onyx "
         "pepper quartz raven saffron tundra umber velvet willow xenon yarrow zephyr").split()


def build(home: Path, n: int) -> None:
    """Insert n distinct examples directly (no scrub or scoring: this is test data, not user data)."""
    store = Store(home, Config())
    index = make_index(Config().dedup)
    start = datetime(2026, 1, 1, tzinfo=timezone.utc)
    real_fsync = os.fsync
    os.fsync = lambda fd: None  # building the fixture only; one os.sync() below makes it durable
    try:
        with store.transaction():
            for i in range(n):
                words = " ".join(WORDS[(i * k + k * k) % len(WORDS)] for k in range(1, 40))
                ex = Example(
                    id=f"ex_{i:06d}", created_at=start + timedelta(minutes=7 * i), task_type=TASKS[i % len(TASKS)],
                    quality_score=0.9 + (i % 10) / 100, status="pending" if i % 3 else "accepted",
                    input={"user": f"Request {i}: explain {words[:120]}"},  # type: ignore[arg-type]
                    output={"assistant": f"Answer {i}: {words} " * 6},  # type: ignore[arg-type]
                )
                store.insert(ex, index.keys(ex))
    finally:
        os.fsync = real_fsync
    os.sync()


def store_load(home: Path) -> float:
    t0 = time.perf_counter()
    store = Pipeline.open(home, Config()).store  # the store and its dedup index, as the page opens them
    docs = list(store.docs())
    elapsed = time.perf_counter() - t0
    assert docs
    return elapsed


def first_render(home: Path, browser: object) -> float:
    page = browser.new_page()  # type: ignore[attr-defined]
    t0 = time.perf_counter()
    server = ReviewServer(home, Config())
    server.start()
    try:
        page.goto(server.url)
        page.wait_for_selector("body[data-loaded='1'] article.card")
        elapsed = time.perf_counter() - t0
        assert page.locator("article.card").count() == 20
    finally:
        page.close()
        server.stop()
    return elapsed


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 20_000
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp)
        t0 = time.perf_counter()
        build(home, n)
        size = (home / "examples.json").stat().st_size >> 20
        print(f"built {n} examples in {time.perf_counter() - t0:.1f} s ({size} MB)")
        store_load(home)  # warm the OS file cache for both measurements
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", headless=True, args=[
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--no-first-run"])
            renders, loads = [], []
            for _ in range(RUNS):
                loads.append(store_load(home))
                renders.append(first_render(home, browser))
            browser.close()
    load, render = statistics.median(loads), statistics.median(renders)
    print(f"store_load median {load:.3f} s  ({', '.join(f'{x:.3f}' for x in loads)})")
    print(f"first_render median {render:.3f} s  ({', '.join(f'{x:.3f}' for x in renders)})")
    print(f"review: first_render_20k/store_load={render / load:.2f}")


if __name__ == "__main__":
    main()
