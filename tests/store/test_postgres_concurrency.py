"""Eight `finetune import --json` processes collecting into one PostgreSQL store at once, with
exact and near-identical content sent by several of them, and a writer killed mid-collect."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path
from typing import Any

import psycopg
import pytest

from conftest import ROOT, example, finetune_cmd

pytestmark = pytest.mark.slow

WRITERS = 8
PER_WRITER = 15


def env(home: Path, url: str) -> dict[str, str]:
    return {**os.environ, "FINETUNE_HOME": str(home), "FINETUNE_STORE": url, "PYTHONPATH": str(ROOT / "server")}


def shared(n: int, writer: int) -> dict[str, Any]:
    """Example n as every writer sends it: the same content, or a near copy (a writer's comment)."""
    data = example(50_000 + n)
    if writer % 2:
        data["output"]["assistant"] += f"  # writer {writer}"
    return data


def test_eight_writers_lose_nothing_and_store_one_copy_per_content(finetune_home: Path, pg_url: str) -> None:
    procs = []
    for w in range(WRITERS):
        lines = [example(w * 1000 + i) for i in range(PER_WRITER)] + [shared(n, w) for n in range(5)]
        feed = finetune_home.parent / f"writer{w}.jsonl"
        feed.write_text("".join(json.dumps(x) + "\n" for x in lines))
        with feed.open() as stdin:  # every writer has all its input at once: they race from the start
            procs.append(subprocess.Popen([*finetune_cmd(), "import", "--json", "-"], stdin=stdin,
                                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                          env=env(finetune_home, pg_url)))
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=300)
        assert p.returncode == 0, err[-2000:]
        outcomes += [json.loads(line) for line in out.splitlines()]
    acknowledged = {o["id"] for o in outcomes if o.get("id")}
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id, status, keys->>'exact' FROM finetune_examples").fetchall()
    stored = {r[0] for r in rows}
    assert acknowledged <= stored
    live_keys = [r[2] for r in rows if r[1] != "superseded"]
    assert len(live_keys) == len(set(live_keys))  # no content twice
    # Each shared example: one live copy in all, whatever mix of exact and near copies arrived.
    live = {r[0] for r in rows if r[1] != "superseded"}
    assert len(live) == WRITERS * PER_WRITER + 5
    assert sum(o["status"] == "duplicate" for o in outcomes) + len(stored - live) == WRITERS * 5 - 5


def test_kill_9_mid_collect_loses_nothing_acknowledged(finetune_home: Path, pg_url: str) -> None:
    proc = subprocess.Popen([*finetune_cmd(), "import", "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
                            env=env(finetune_home, pg_url))
    assert proc.stdin is not None and proc.stdout is not None
    acknowledged = []
    for n in range(40):
        proc.stdin.write(json.dumps(example(n)) + "\n")
        proc.stdin.flush()
        if n < 20:
            acknowledged.append(json.loads(proc.stdout.readline())["id"])
    os.kill(proc.pid, signal.SIGKILL)  # mid-stream: lines 20.. are being collected
    proc.wait(timeout=30)
    proc.stdin.close()
    proc.stdout.close()
    with psycopg.connect(pg_url) as conn:
        stored = {r[0] for r in conn.execute("SELECT id FROM finetune_examples").fetchall()}
    assert set(acknowledged) <= stored
    assert len(stored) <= 40
