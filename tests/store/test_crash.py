"""Crashes: SIGKILL writers at random moments; the store always opens and keeps every promise.

The kill trials are the ones `benchmarks/faults.py` runs by the hundred (here a dozen). Start-up
recovery (a partial last record, temp files of an interrupted compaction) is checked directly, in
the CLI (`note: …` on stderr) and in the server (its log), and an export killed midway must not
leave a partial file under the final name.
"""

from __future__ import annotations

import json
import random
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, example, finetune_cmd, run_cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store

sys.path.insert(0, str(ROOT / "benchmarks"))
import faults  # noqa: E402

pytestmark = pytest.mark.slow


@pytest.mark.parametrize("seed", range(3))
def test_killed_import_keeps_every_printed_id(seed: int, finetune_home: Path) -> None:
    rng = random.Random(seed)
    for trial in range(2):  # the second trial starts on whatever the first kill left behind
        run = faults.import_trial(finetune_home, rng, seed * 10 + trial, lines=120)
        result = faults.check(finetune_home, run, cli_sample=2, rng=rng)
        assert not result.corrupt, result.notes
        assert result.lost == [], result.notes
        assert result.leaked == []
        assert result.found == len(run.acknowledged)


@pytest.mark.parametrize("seed", range(3))
def test_killed_server_keeps_every_returned_id(seed: int, finetune_home: Path) -> None:
    rng = random.Random(100 + seed)
    run = faults.serve_trial(finetune_home, rng, 500 + seed, calls=120)
    result = faults.check(finetune_home, run, cli_sample=2, rng=rng)
    assert not result.corrupt, result.notes
    assert result.lost == [], result.notes
    assert result.leaked == []
    assert len(run.acknowledged) == len(set(run.acknowledged))


def _leave_wreckage(home: Path) -> tuple[str, Path]:
    """What a crash can leave: a torn last record and a compaction's temp file."""
    pipeline = Pipeline(Store(home, Config()), Config())
    kept = pipeline.collect(example(1)).id or ""
    path = home / "examples.json"
    with open(path, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"ex_torn","doc":{"id":"ex_to')
    tmp = home / "examples.json.tmp-4242-abcdef"
    tmp.write_bytes(b'{"op":"put"')
    return kept, tmp


def test_cli_readers_say_what_a_crash_left_and_the_next_writer_removes_it(finetune_home: Path) -> None:
    kept, tmp = _leave_wreckage(finetune_home)
    log_file = finetune_home / "examples.json"
    before = log_file.read_bytes()
    proc = run_cli("list", "--json")
    assert proc.returncode == 0, proc.stderr
    assert [json.loads(x)["id"] for x in proc.stdout.splitlines()] == [kept]
    assert "note:" in proc.stderr and "partial last record" in proc.stderr and "temporary file" in proc.stderr
    assert proc.stderr.count("partial last record") == 1, proc.stderr  # not again through the log
    assert log_file.read_bytes() == before and tmp.exists()  # a reader never writes
    added = run_cli("add", "--user", "write a function that reverses a list please",
                    "--assistant", "def reverse(xs): return xs[::-1]  # a reversed copy")
    assert added.returncode == 0, added.stderr
    assert not tmp.exists() and b"ex_torn" not in log_file.read_bytes()
    assert log_file.read_bytes().endswith(b"\n")
    again = run_cli("list", "--json")
    assert again.stderr == ""  # removed once; nothing left to say


def test_server_start_up_finds_what_a_crash_left_and_logs_it(finetune_home: Path) -> None:
    kept, tmp = _leave_wreckage(finetune_home)
    proc = subprocess.Popen([*finetune_cmd(), "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=faults.env(finetune_home))
    assert proc.stdin is not None and proc.stdout is not None
    try:
        faults._rpc(proc.stdin, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}})
        faults._rpc(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
        faults._rpc(proc.stdin, {"jsonrpc": "2.0", "id": 1, "method": "resources/read",
                                 "params": {"uri": f"finetune://examples/{kept}"}})
        # At EOF the server drops requests in flight: wait for the answer before closing stdin.
        answer: dict[str, object] = {}
        while "result" not in answer and "error" not in answer:
            line = proc.stdout.readline()  # bounded by the server's own exit if it dies
            assert line, "server exited without answering"
            message = json.loads(line)
            answer = message if message.get("id") == 1 else {}
        _, err = proc.communicate(timeout=90)
    finally:
        proc.kill()
        proc.wait(timeout=30)
    assert kept in json.dumps(answer["result"])
    log = err.decode()
    assert "recovered at start-up" in log and "partial last record" in log and "temporary file" in log, log[-2000:]
    assert tmp.exists()  # found, not removed: a read writes nothing; the next write removes it


def test_killed_export_leaves_no_partial_file(finetune_home: Path) -> None:
    pipeline = Pipeline(Store(finetune_home, Config()), Config())
    for n in range(400):
        pipeline.collect(faults.example(n, 0) | {"output": {"assistant": faults.words(n, "big", 400)}})
    total = len(pipeline.store)
    out = finetune_home / "exports" / "train.jsonl"
    rng = random.Random(7)
    kills = 0
    for _ in range(6):
        out.unlink(missing_ok=True)
        proc = subprocess.Popen([*finetune_cmd(), "export", "--format", "openai", "--output", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=faults.env(finetune_home))
        # Kill while the export is writing: as soon as its hidden temp file appears, after a random
        # extra delay of up to a few ms (a fixed sleep missed the window on a fast or loaded machine).
        deadline = time.monotonic() + 60
        while proc.poll() is None and time.monotonic() < deadline:
            if any(out.parent.glob(f".{out.name}.tmp-*")):
                time.sleep(rng.uniform(0, 0.004))
                break
            time.sleep(0.0005)
        if proc.poll() is None:
            proc.send_signal(signal.SIGKILL)
            kills += 1
        proc.communicate(timeout=60)
        if out.exists():  # finished before the kill: then it must be whole
            lines = out.read_bytes().split(b"\n")
            assert lines[-1] == b"" and all(json.loads(x) for x in lines[:-1])
            assert len(lines) - 1 == total
    assert kills, "no export was killed mid-way: the timing window missed"
    # A killed export's temp file is hidden (`.train.jsonl.tmp-…`), never the final name, and the
    # next export clears it and still works.
    finished = run_cli("export", "--format", "openai", "--output", str(out), "--overwrite")
    assert finished.returncode == 0, finished.stderr
    assert len(out.read_bytes().splitlines()) == total
    assert sorted(p.name for p in out.parent.iterdir()) == ["train.jsonl"]


def test_stopped_writer_is_not_a_corrupt_store(finetune_home: Path) -> None:
    """SIGKILL while another process reads: readers never see a half record as corruption."""
    proc = subprocess.Popen([*finetune_cmd(), "import", "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=faults.env(finetune_home))
    assert proc.stdin is not None
    reader = None
    try:
        for n in range(150):
            proc.stdin.write((json.dumps(faults.example(n, 9)) + "\n").encode())
        proc.stdin.flush()
        deadline = time.monotonic() + 60
        while not (finetune_home / "examples.json").exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        reader = Store(finetune_home, Config())
        seen = 0
        while proc.poll() is None and seen < 40 and time.monotonic() < deadline:
            reader.refresh()  # raises StoreCorrupt if it ever parsed a half-written line
            seen = len(reader)
            time.sleep(0.01)
    finally:
        proc.kill()
        proc.communicate(timeout=30)
    assert reader is not None
    reader.refresh()
    assert len(reader) == len(Store(finetune_home, Config()))
