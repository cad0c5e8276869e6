"""Shared set-up for the review tests: seeded stores, a running local server, Playwright."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.config import Config
from finetune_collection.dedup import make_index
from finetune_collection.model import Example
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
               "--disable-component-update", "--no-first-run"]
SECRET = "sk-proj-" + "Zq7Xv2Lm9Pw4Rt6Yb8Nc3Kd5Hf1Jg0Ts"  # shaped like an OpenAI key, not a real one
# Tests never change tracked files: screenshots go to a temp folder unless asked for
# (`FINETUNE_SCREENSHOTS=docs/screenshots make test` refreshes the README's pictures).
SCREENSHOTS = Path(os.environ.get("FINETUNE_SCREENSHOTS") or Path(tempfile.gettempdir()) / "finetune-screenshots")


TOPICS = ["parse a CSV header", "retry a flaky HTTP call", "merge two sorted lists", "debounce a resize handler",
          "hash a password with scrypt", "stream a large JSON file", "rotate log files daily", "cache a slow lookup",
          "validate an IBAN checksum", "paginate a SQL query", "resize images in bulk", "diff two config trees"]
WORDS = ["alpha", "bravo", "cobalt", "delta", "ember", "fjord", "garnet", "harbor", "indigo", "juniper", "kelp",
         "lumen", "marble", "nectar", "onyx", "pepper", "quartz", "raven", "saffron", "tundra", "umber", "velvet"]


def pending_example(n: int, task_type: str = "code_generation", **extra: Any) -> dict[str, Any]:
    """A distinct high-quality example that waits for approval (no human_approved)."""
    topic = TOPICS[n % len(TOPICS)]
    words = " ".join(WORDS[(n * 7 + i * 3) % len(WORDS)] for i in range(6))
    data: dict[str, Any] = {
        "task_type": task_type,
        "quality_score": 0.95,
        "input": {"user": f"Example {n}: how do I {topic}? Mail me at dev{n}@corp.example ({words})"},
        "output": {"assistant": f"To {topic}, write a helper named {WORDS[n % len(WORDS)]}_{n} and test it "
                                f"with the {words} fixtures; run it {n + 2} times to be sure."},
        "signals": [{"name": "tests_passed", "evidence": f"{n} passed"}],
    }
    data.update(extra)
    return data


def seed(pipeline: Pipeline, count: int, start: int = 0, **extra: Any) -> list[str]:
    ids = []
    for n in range(start, start + count):
        result = pipeline.collect(pending_example(n, **extra))
        assert result.id is not None and result.status == "pending", result
        ids.append(result.id)
    return ids


def insert_pair(store: Store, text: str, changed: str) -> tuple[str, str]:
    """Two similar examples stored directly (as if collected before near-dedup was on)."""
    now = datetime.now(timezone.utc).replace(microsecond=0)
    ids = ("near_a", "near_b")
    with store.transaction():
        for i, (example_id, answer) in enumerate(zip(ids, (text, changed), strict=True)):
            ex = Example(id=example_id, created_at=now - timedelta(minutes=i), task_type="refactoring",
                         quality_score=0.92, status="pending",
                         input={"user": "Refactor the parser loop to stream lines"},  # type: ignore[arg-type]
                         output={"assistant": answer})  # type: ignore[arg-type]
            store.insert(ex, make_index(store.config.dedup).keys(ex))
    return ids


def status_in_file(home: Path, example_id: str) -> str | None:
    """Read the status from a fresh Store on the file (what another process would see)."""
    for d in Store(home, Config()).docs():
        if d.get("id") == example_id:
            return str(d.get("status"))
    return None


@contextmanager
def review_server(home: Path) -> Iterator[Any]:
    from finetune_collection.review.web import ReviewServer

    server = ReviewServer(home, Config())
    server.start()
    try:
        yield server
    finally:
        server.stop()


def ensure_browser() -> None:
    """Skip, saying what to install, when Playwright or Debian's chromium is missing (tests never
    install software: `make test` installs the test extras, `.ci/run` installs chromium)."""
    try:
        import playwright  # noqa: F401
    except ImportError:
        pytest.skip("playwright is not installed: install the test extras (`make test` does)")
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"{CHROMIUM} is missing: install Debian's chromium (`.ci/run` does)")
