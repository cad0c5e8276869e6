"""Kill writers at random moments and check that nothing acknowledged is lost or leaked.

Each trial starts one writer on a fresh-or-growing store and SIGKILLs it after a random delay:
- `finetune import --json -` fed line by line through a pipe: every id it printed is a promise;
- `finetune serve` driven with raw JSON-RPC over stdio (2025-11-25 handshake), several
  `collect_example` calls in flight: every id in a response is a promise.
After each kill the store must open (a `Store` in this process and `finetune list --json`), and
every acknowledged id must be there (`finetune show` for a sample). Every example carries planted
secrets; none may appear in the store file, the writer's stdout or its stderr.

    .venv/bin/python benchmarks/faults.py [--trials 120] [--seed 1]

Then the full-disk matrix (`fulldisk.py`: each writing command on a nearly full tmpfs; skipped,
saying why, where mounting is not permitted).

Last line: `faults: trials=<n> acknowledged=<a> lost=<l> corrupt_opens=<c> leaked=<k>
disk_full_trials=<d> untrue=<u>` (lost counts both parts).
`tests/store/test_crash.py` and `tests/store/test_fulldisk.py` run the same trials, fewer of them.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

# Format-valid synthetic secrets (not real): scrubbed by the seed's rules and the catalog.
PLANTED = {
    "email": "fault.victim.{n}@example-corp.com",
    "api_key": "sk-FAULT{n:04d}" + "Zq8RtY2uIo9PaSd7FgHj3KlX",
    "password": "Hunter{n:04d}Secret!",
}


def env(home: Path) -> dict[str, str]:
    return {
        **os.environ,
        "FINETUNE_HOME": str(home),
        "PYTHONPATH": str(ROOT / "server"),
        "PYTHONUNBUFFERED": "1",
    }


def finetune() -> list[str]:
    exe = Path(sys.executable).parent / "finetune"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from finetune_collection.cli import main; main()"]


def planted(n: int) -> list[str]:
    return [p.format(n=n) for p in PLANTED.values()]


WORDS = (
    "parse render cache queue merge split retry index stream batch shard vector token schema "
    "router widget ledger invoice sensor pixel kernel socket buffer cursor lambda tensor matrix "
    "graph node edge weight bias gradient epoch sample filter reduce map fold zip sort search"
).split()


def words(n: int, salt: str, k: int = 10) -> str:
    """Distinct wording per example: near-duplicate detection rejects texts differing only in numbers."""
    pick = random.Random(f"{salt}-{n}")
    return " ".join(pick.choice(WORDS) for _ in range(k))


def example(n: int, trial: int) -> dict[str, Any]:
    email, key, password = planted(n)
    return {
        "task_type": "code_generation",
        "quality_score": 0.95,
        "input": {"user": f"Request {n}: {words(n, 'u')}; mail {email} the report and use key {key}."},
        "output": {"assistant": f'{words(n, "a")}.\nconfig = {{"password": "{password}"}}'},
        "metadata": {"human_approved": True, "trial": trial},
    }


@dataclass
class Trial:
    kind: str
    acknowledged: list[str] = field(default_factory=list)
    output: list[str] = field(default_factory=list)  # everything the writer printed
    killed: bool = False
    secrets: list[str] = field(default_factory=list)


def _drain(stream: IO[bytes], sink: list[str], on_line: Any = None) -> None:
    for raw in iter(stream.readline, b""):
        line = raw.decode("utf-8", "replace")
        sink.append(line)
        if on_line is not None:
            on_line(line)


def _read_output(proc: subprocess.Popen[bytes], result: Trial, record: Callable[[str], None]) -> list[threading.Thread]:
    """Threads collecting the writer's stdout (each line also to `record`) and stderr."""
    readers = [threading.Thread(target=_drain, args=(proc.stdout, result.output, record), daemon=True),
               threading.Thread(target=_drain, args=(proc.stderr, result.output), daemon=True)]
    for t in readers:
        t.start()
    return readers


def _feeder(result: Trial, trial: int, rng: random.Random, count: int,
            send: Callable[[int, dict[str, Any]], None]) -> Callable[[], None]:
    """Sends `count` examples with planted secrets, at random short pauses, until the pipe breaks."""
    pauses = [rng.uniform(0, 0.01) for _ in range(count)]

    def feed() -> None:
        try:
            for i in range(count):
                n = trial * 1000 + i
                result.secrets += planted(n)
                send(i, example(n, trial))
                time.sleep(pauses[i])
        except (BrokenPipeError, ValueError):
            pass

    return feed


def import_trial(home: Path, rng: random.Random, trial: int, lines: int = 200) -> Trial:
    """Feed `finetune import --json -` through a pipe and kill it at a random moment."""
    result = Trial("import")
    proc = subprocess.Popen([*finetune(), "import", "--json", "-"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env(home))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None

    def record(line: str) -> None:
        row = json.loads(line)
        if row.get("id"):
            result.acknowledged.append(row["id"])

    readers = _read_output(proc, result, record)
    def send(_: int, ex: dict[str, Any]) -> None:
        proc.stdin.write((json.dumps(ex) + "\n").encode())  # type: ignore[union-attr]
        proc.stdin.flush()  # type: ignore[union-attr]

    return _kill_and_collect(proc, _feeder(result, trial, rng, lines, send), readers, rng, result)


def _kill_and_collect(proc: subprocess.Popen[bytes], feed: Callable[[], None], readers: list[threading.Thread],
                      rng: random.Random, result: Trial) -> Trial:
    """Feed the writer, SIGKILL it at a random moment after its first acknowledgement, reap it."""
    feeder = threading.Thread(target=feed, daemon=True)
    feeder.start()
    kill_after_first_ack(proc, rng, lambda: bool(result.acknowledged))
    result.killed = proc.poll() is None
    proc.kill()
    proc.wait(timeout=30)
    for t in [feeder, *readers]:
        t.join(timeout=10)
    _close(proc)
    return result


def _close(proc: subprocess.Popen[bytes]) -> None:
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            with contextlib.suppress(OSError):
                stream.close()


def kill_after_first_ack(proc: subprocess.Popen[bytes], rng: random.Random, acked: Any) -> None:
    """SIGKILL at a random moment once the writer is up and writing (start-up takes ~1 s)."""
    limit = time.monotonic() + 30
    while not acked() and proc.poll() is None and time.monotonic() < limit:
        time.sleep(0.01)
    time.sleep(rng.uniform(0, 0.6))
    if proc.poll() is None:
        proc.send_signal(signal.SIGKILL)


def _rpc(stdin: IO[bytes], message: dict[str, Any]) -> None:
    stdin.write((json.dumps(message) + "\n").encode())
    stdin.flush()


def serve_trial(home: Path, rng: random.Random, trial: int, calls: int = 200) -> Trial:
    """Drive `finetune serve` over stdio with raw JSON-RPC and kill it mid-collect."""
    result = Trial("serve")
    proc = subprocess.Popen([*finetune(), "serve"], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env(home))
    assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
    ready = threading.Event()

    def record(line: str) -> None:
        try:
            msg = json.loads(line)
        except ValueError:
            return
        if msg.get("id") == 0:
            ready.set()
        structured = (msg.get("result") or {}).get("structuredContent") or {}
        if isinstance(structured, dict) and structured.get("id") and not msg["result"].get("isError"):
            result.acknowledged.append(structured["id"])

    readers = _read_output(proc, result, record)
    try:
        _rpc(proc.stdin, {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "faults", "version": "0"}}})
        if not ready.wait(60):
            raise RuntimeError("server did not answer initialize: " + "".join(result.output)[-2000:])
        _rpc(proc.stdin, {"jsonrpc": "2.0", "method": "notifications/initialized"})
    except BrokenPipeError:
        pass
    def send(i: int, ex: dict[str, Any]) -> None:
        _rpc(proc.stdin, {"jsonrpc": "2.0", "id": i + 1, "method": "tools/call",  # type: ignore[arg-type]
                          "params": {"name": "collect_example", "arguments": ex}})

    return _kill_and_collect(proc, _feeder(result, trial, rng, calls, send), readers, rng, result)


@dataclass
class Check:
    found: int
    lost: list[str]
    corrupt: bool
    leaked: list[str]
    notes: list[str]


def check(home: Path, trial: Trial, cli_sample: int = 3, rng: random.Random | None = None) -> Check:
    """Open the store (in process and with the CLI), look up every acknowledged id, scan for secrets."""
    from finetune_collection.config import Config
    from finetune_collection.errors import FinetuneError
    from finetune_collection.store import Store

    notes: list[str] = []
    try:
        store = Store(home, Config())
        notes += store.recovered
        present = {i for i in trial.acknowledged if i in store}
    except FinetuneError as err:
        return Check(0, list(trial.acknowledged), True, [], [f"store did not open: {err}"])
    listed = subprocess.run([*finetune(), "list", "--json"], capture_output=True, text=True, env=env(home),
                            timeout=120)
    corrupt = listed.returncode != 0
    if corrupt:
        notes.append("finetune list failed: " + listed.stderr.strip()[-500:])
    listed_ids = {json.loads(x)["id"] for x in listed.stdout.splitlines() if x.strip()}
    lost = [i for i in trial.acknowledged if i not in present or i not in listed_ids]
    picker = rng or random.Random(0)
    for example_id in picker.sample(trial.acknowledged, min(cli_sample, len(trial.acknowledged))):
        shown = subprocess.run([*finetune(), "show", example_id], capture_output=True, text=True, env=env(home),
                               timeout=120)
        if shown.returncode != 0 or json.loads(shown.stdout)["id"] != example_id:
            lost.append(example_id)
            notes.append(f"finetune show {example_id} failed: {shown.stderr.strip()[-300:]}")
    data = (home / "examples.json").read_bytes().decode("utf-8", "replace")
    seen = data + "".join(trial.output) + listed.stdout + listed.stderr
    leaked = [s for s in set(trial.secrets) if s in seen]
    return Check(len(present), sorted(set(lost)), corrupt, leaked, notes)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=120)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh-every", type=int, default=15, help="start a new store after this many trials")
    parser.add_argument("--disk-free", default="0,1,2,3,5,8,13,21",
                        help="full-disk matrix: free pages per trial ('' skips the matrix)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    base = Path(tempfile.mkdtemp(prefix="faults-"))
    totals = {"trials": 0, "kills": 0, "acknowledged": 0, "found": 0, "lost": 0, "corrupt_opens": 0, "leaked": 0}
    kinds = {"import": 0, "serve": 0}
    started = time.monotonic()
    home = base / "home-0"
    for trial in range(args.trials):
        if trial and trial % args.fresh_every == 0:
            home = base / f"home-{trial}"
        kind = "import" if trial % 2 == 0 else "serve"
        run = import_trial(home, rng, trial) if kind == "import" else serve_trial(home, rng, trial)
        result = check(home, run, rng=rng)
        kinds[kind] += 1
        totals["trials"] += 1
        totals["kills"] += int(run.killed)
        totals["acknowledged"] += len(run.acknowledged)
        totals["found"] += result.found
        totals["lost"] += len(result.lost)
        totals["corrupt_opens"] += int(result.corrupt)
        totals["leaked"] += len(result.leaked)
        status = "ok" if not (result.lost or result.corrupt or result.leaked) else "FAIL"
        print(f"trial {trial:3d} {kind:6s} killed={run.killed!s:5s} acknowledged={len(run.acknowledged):2d} "
              f"found={result.found:2d} {status}" + "".join(f"\n    note: {n}" for n in result.notes), flush=True)
        if status == "FAIL":
            print(f"    lost={result.lost} corrupt={result.corrupt} leaked={len(result.leaked)}", flush=True)
    elapsed = time.monotonic() - started
    print(f"\n{totals['trials']} trials ({kinds['import']} import, {kinds['serve']} serve) in {elapsed:.0f}s; "
          f"kills={totals['kills']} acknowledged={totals['acknowledged']} found={totals['found']}")
    disk = {"trials": 0, "lost": 0, "untrue": 0}
    if args.disk_free:
        import fulldisk

        print("\nfull-disk matrix:")
        try:
            disk = fulldisk.matrix([int(x) for x in args.disk_free.split(",")])
            print(f"{fulldisk.summary(disk)}" + "".join(f"\n    note: {n}" for n in disk["notes"]))
        except fulldisk.MountRefused as err:
            print(f"skipped: cannot mount a tmpfs here ({err})")
    print(f"faults: trials={totals['trials']} acknowledged={totals['acknowledged']} "
          f"lost={totals['lost'] + disk['lost']} corrupt_opens={totals['corrupt_opens']} leaked={totals['leaked']} "
          f"disk_full_trials={disk['trials']} untrue={disk['untrue']}")


if __name__ == "__main__":
    main()
