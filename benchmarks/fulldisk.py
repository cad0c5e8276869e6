"""Full-disk matrix: run each writing command on a nearly full disk, free the space, check the truth.

A small tmpfs (needs root or CAP_SYS_ADMIN) holds the data folder. Each trial seeds a store, fills
the rest of the disk with a filler file, leaves `free` pages, runs one operation (collect, import,
edit, review, delete, purge, compaction), then deletes the filler and checks:
- nothing acknowledged is missing: every example stored before is still there (unless the command
  said it deleted it) and every id the command printed is there;
- no command says something untrue: "nothing was stored/changed" means the store holds exactly
  what it held before; "deleted" means the example is gone and its text is no longer in the file;
  an edit that succeeded is stored, one that failed left the old text;
- no traceback, and the store opens.

    .venv/bin/python benchmarks/fulldisk.py [--free 0,1,2,3,5,8,13,21]

Last line: `fulldisk: disk_full_trials=<n> failures_seen=<f> lost=<l> untrue=<u>`;
`benchmarks/faults.py` runs it after the kill trials, `tests/store/test_fulldisk.py` a subset.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

OPERATIONS = ("collect", "import", "import_plain", "edit", "review", "delete", "purge", "compaction")
PAGE = 4096
SEEDED = 24
MARK = "fdmark{n:03d}"  # a word only example n's text holds: searched for in the file's bytes


class MountRefused(Exception):
    """Mounting a tmpfs is not permitted here (not root, or inside a restricted container)."""


@contextlib.contextmanager
def tmpfs(size_kb: int = 1024) -> Iterator[Path]:
    mount = Path(tempfile.mkdtemp(prefix="fulldisk-"))
    proc = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size_kb}k,mode=0700", "tmpfs", str(mount)],
                          capture_output=True, text=True)
    if proc.returncode != 0:
        mount.rmdir()
        raise MountRefused(proc.stderr.strip() or "mount failed")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], capture_output=True)
        with contextlib.suppress(OSError):
            mount.rmdir()


def env(home: Path) -> dict[str, str]:
    return {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}


def finetune() -> list[str]:
    exe = Path(sys.executable).parent / "finetune"
    return [str(exe)] if exe.exists() else [sys.executable, "-c", "from finetune_collection.cli import main; main()"]


def example(n: int, created: str = "2025-03-01T00:00:00Z") -> dict[str, Any]:
    words = " ".join(f"w{(n * 7 + i * 13) % 97}x{i}" for i in range(12))
    return {
        "task_type": "code_generation", "quality_score": 0.95, "created_at": created,
        "input": {"user": f"{MARK.format(n=n)} please write {words}"},
        "output": {"assistant": f"Here it is: {words} done {n}"},
        "metadata": {"human_approved": n % 2 == 0},
    }


@dataclass
class Outcome:
    op: str
    free: int
    ok: bool
    said: str
    acknowledged: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    edited: str | None = None


@dataclass
class Verdict:
    lost: list[str]
    untrue: list[str]


def seed(home: Path) -> dict[str, dict[str, Any]]:
    from finetune_collection.config import Config
    from finetune_collection.pipeline import Pipeline

    core = Pipeline.open(home, Config())
    for n in range(SEEDED):
        core.collect(example(n, created="2023-01-01T00:00:00Z" if n < 4 else "2025-03-01T00:00:00Z"))
    docs = {d["id"]: d for d in core.store.docs()}
    core.store.storage.close()
    return docs


def fill(mount: Path, free_pages: int) -> Path:
    """Fill the disk, then give back `free_pages` pages."""
    filler = mount / "filler"
    fd = os.open(filler, os.O_WRONLY | os.O_CREAT, 0o600)
    try:
        with contextlib.suppress(OSError):
            while os.write(fd, b"\0" * PAGE):
                pass
    finally:
        os.close(fd)
    size = filler.stat().st_size
    os.truncate(filler, max(0, size - free_pages * PAGE))
    return filler


def run_cli(home: Path, *args: str, stdin: str | None = None) -> tuple[bool, str, str]:
    proc = subprocess.run([*finetune(), *args], input=stdin, capture_output=True, text=True, env=env(home),
                          timeout=120)
    return proc.returncode == 0, proc.stdout, proc.stderr


def operate(op: str, home: Path, before: dict[str, dict[str, Any]], free: int) -> Outcome:
    ids = sorted(before)
    if op == "collect":
        ok, out, err = run_cli(home, "add", stdin=json.dumps(example(500)))
        acked = [line.split()[1] for line in out.splitlines() if line.startswith("stored ")]
        return Outcome(op, free, ok, err, acknowledged=acked)
    if op in ("import", "import_plain"):
        lines = "".join(json.dumps(example(600 + i)) + "\n" for i in range(40))
        if op == "import":
            ok, out, err = run_cli(home, "import", "--json", "-", stdin=lines)
            acked = [r["id"] for r in map(json.loads, out.splitlines()) if r.get("id")]
        else:  # the ids stored are listed only when the import stops early
            ok, out, err = run_cli(home, "import", "-", stdin=lines)
            acked = [i for line in out.splitlines() if line.startswith("stored: ")
                     for i in line.removeprefix("stored: ").split(", ") if i != "none"]
        return Outcome(op, free, ok, err, acknowledged=acked)
    if op in ("review", "delete"):
        target = ids[5:8]
        ok, out, err = run_cli(home, "approve" if op == "review" else "delete", *target)
        return Outcome(op, free, ok, err, deleted=target if ok and op == "delete" else [])
    if op == "purge":
        ok, out, err = run_cli(home, "purge", "--before", "2024-01-01", "--yes")
        gone = [i for i, d in before.items() if d["created_at"] < "2024"] if ok else []
        return Outcome(op, free, ok, err, deleted=gone)
    return _in_process(op, home, ids, free)


def _in_process(op: str, home: Path, ids: list[str], free: int) -> Outcome:
    """edit (the review page's path) and a compaction, through the library in this process."""
    from finetune_collection import curate
    from finetune_collection.config import Config
    from finetune_collection.errors import FinetuneError
    from finetune_collection.pipeline import Pipeline
    from finetune_collection.store import compaction

    try:
        core = Pipeline.open(home, Config())
    except FinetuneError as err:
        return Outcome(op, free, False, str(err))
    try:
        if op == "edit":
            curate.edit_turn(core, ids[3], 1, f"an edited answer {'y' * 300} for {ids[3]}")
            return Outcome(op, free, True, "", edited=ids[3])
        saved, compaction.COMPACT_MIN_DEAD = compaction.COMPACT_MIN_DEAD, 0
        try:  # with no allowance for dead records, every write compacts
            curate.review(core.store, ids[:10], "approve")
        finally:
            compaction.COMPACT_MIN_DEAD = saved
        return Outcome(op, free, True, "")
    except FinetuneError as err:
        return Outcome(op, free, False, str(err))
    finally:
        core.store.storage.close()


def check(outcome: Outcome, home: Path, before: dict[str, dict[str, Any]]) -> Verdict:
    from finetune_collection.config import Config
    from finetune_collection.errors import FinetuneError
    from finetune_collection.store import Store

    lost: list[str] = []
    untrue: list[str] = []
    if "Traceback" in outcome.said:
        untrue.append(f"{outcome.op}: a traceback")
    try:
        store = Store(home, Config())
        after = {d["id"]: d for d in store.docs()}
    except FinetuneError as err:
        return Verdict(list(before), [f"{outcome.op}: the store did not open: {err}"])
    data = store.path.read_bytes().decode("utf-8", "replace")
    lost += [i for i in before if i not in after and i not in outcome.deleted]
    lost += [i for i in outcome.acknowledged if i not in after]
    for i in outcome.deleted:
        if i in after or _mark(before[i]) in data:
            untrue.append(f"{outcome.op}: said deleted, but {i} is {'listed' if i in after else 'in the file'}")
    said = outcome.said
    if not outcome.ok:
        if not said.strip():
            untrue.append(f"{outcome.op}: failed without saying why")
        stored = re.search(r"(\d+) example\(s\) from the lines before it were stored", said)
        if stored or "nothing was" in said or "unchanged" in said:
            # Exactly what was said: the examples before, plus the ids printed, no more, no fewer.
            changed = [i for i in before if after.get(i) != before[i]]
            extra = set(after) - set(before) - set(outcome.acknowledged)
            if stored and int(stored.group(1)) != len(outcome.acknowledged):
                untrue.append(f"{outcome.op}: said {stored.group(1)} stored, printed {len(outcome.acknowledged)} id(s)")
            if not stored and outcome.acknowledged:
                untrue.append(f"{outcome.op}: said '{said.strip()[-90:]}' after printing stored ids")
            if changed or extra:
                untrue.append(f"{outcome.op}: said '{said.strip()[-90:]}' but {len(changed)} example(s) changed "
                              f"and {len(extra)} appeared")
        if outcome.op == "edit":
            target = sorted(before)[3]
            if after.get(target) != before[target]:
                untrue.append("edit: failed, but the example changed")
    elif outcome.edited is not None:
        doc = after.get(outcome.edited, {})
        if "an edited answer" not in json.dumps(doc):
            untrue.append("edit: said saved, but the edit is not stored")
        if before[outcome.edited]["output"]["assistant"] in data:
            untrue.append("edit: the old text is still in the file")
    store.storage.close()
    return Verdict(lost, untrue)


def _mark(doc: dict[str, Any]) -> str:
    return str(doc["input"]["user"]).split()[0]


def trial(op: str, free: int, size_kb: int = 8192) -> tuple[Outcome, Verdict]:
    with tmpfs(size_kb) as mount:
        home = mount / "home"
        before = seed(home)
        filler = fill(mount, free)
        outcome = operate(op, home, before, free)
        filler.unlink()
        return outcome, check(outcome, home, before)


def matrix(free_levels: list[int], ops: tuple[str, ...] = OPERATIONS) -> dict[str, Any]:
    totals: dict[str, Any] = {"trials": 0, "failed": 0, "lost": 0, "untrue": 0, "notes": []}
    for op in ops:
        for free in free_levels:
            outcome, verdict = trial(op, free)
            totals["trials"] += 1
            totals["failed"] += int(not outcome.ok)
            totals["lost"] += len(verdict.lost)
            totals["untrue"] += len(verdict.untrue)
            status = "ok" if not (verdict.lost or verdict.untrue) else "FAIL"
            said = outcome.said.strip().splitlines()[-1][-100:] if outcome.said.strip() else ""
            print(f"{op:10s} free={free:2d}p {'succeeded' if outcome.ok else 'refused  '} {status} {said}", flush=True)
            totals["notes"] += verdict.untrue + [f"{op}: lost {i}" for i in verdict.lost]
    return totals


def summary(totals: dict[str, Any]) -> str:
    return (f"disk_full_trials={totals['trials']} failures_seen={totals['failed']} lost={totals['lost']} "
            f"untrue={totals['untrue']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--free", default="0,1,2,3,5,8,13,21", help="free pages left after filling, per trial")
    args = parser.parse_args()
    try:
        totals = matrix([int(x) for x in args.free.split(",")])
    except MountRefused as err:
        print(f"fulldisk: skipped (cannot mount a tmpfs: {err})")
        return
    for note in totals["notes"]:
        print("  " + note)
    print("fulldisk: " + summary(totals))


if __name__ == "__main__":
    main()
