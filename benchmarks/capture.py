"""Capture: the hook's no-op path and a 2,000-line transcript import, against a bare Python start.

The hook runs on every prompt the user types, so its no-op path (a prompt that is not a trigger)
is compared with `python -c pass` measured in the same run, the two started alternately and the
ratio taken per pair (load on a shared machine then touches both alike). The hook module is loaded from its
file, through the package, and as the host runs it (`finetune capture --hook`, the summary); the
path through the package import is printed too, for information. Bytecode is written during a
warm-up run (this environment may set PYTHONDONTWRITEBYTECODE), as an installed package has it.

The import is a generated Claude Code session of 2,000 lines (requests, thinking, parallel tool
calls, progress lines, results, answers), imported whole as a user runs it: `finetune import
--from claude-code --whole-session FILE` in a fresh process with an empty FINETUNE_HOME, so start
up, scrubbing, scoring, signal detection, dedup and the store write (fsync) are all in the figure
(the summary's `import_2k_lines_s`, a median); a bare `python -c pass` is timed alternately
with it. The default selection (last exchange) and, for information, the in-process parse alone
(Claude Code and a Codex rollout of the same length) are printed too.

    .venv/bin/python benchmarks/capture.py [--runs 40] [--import-runs 5]

Goal: noop_hook/python_start ≤ 1.5.
Last line: `capture: noop_hook/python_start=<x> import_2k_lines_s=<y>`.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from finetune_collection.capture.claude_code import read_session  # noqa: E402
from finetune_collection.capture.codex import read_rollout  # noqa: E402
from finetune_collection.capture.result import CaptureOptions  # noqa: E402

HOOK_DIR = ROOT / "server" / "finetune_collection" / "capture"
NOOP_INPUT = json.dumps(
    {
        "session_id": "5e551011-0000-4000-8000-000000000001",
        "transcript_path": "/home/alice/.claude/projects/-home-alice-proj/5e551011-0000-4000-8000-000000000001.jsonl",
        "cwd": "/home/alice/proj",
        "permission_mode": "default",
        "hook_event_name": "UserPromptSubmit",
        "prompt": "Refactor the store module so that compaction runs in the background, then run the tests.",
    }
)
BARE = [sys.executable, "-c", "pass"]
HOOK_FROM_FILE = [
    sys.executable,
    "-c",
    f"import sys; sys.path.insert(0, {str(HOOK_DIR)!r}); import hook; sys.exit(hook.main(lambda r: 1))",
]
HOOK_FROM_PACKAGE = [
    sys.executable,
    "-c",
    "import sys; from finetune_collection.capture import hook; sys.exit(hook.main(lambda r: 1))",
]
# What the host really runs: the installed console script (entry.py decides before click loads).
HOOK_COMMAND = [str(Path(sys.executable).parent / "finetune"), "capture", "--hook"]


def env() -> dict[str, str]:
    e = dict(os.environ)
    e.pop("PYTHONDONTWRITEBYTECODE", None)
    return e


def start(cmd: list[str]) -> float:
    t = time.perf_counter()
    done = subprocess.run(cmd, input=NOOP_INPUT, capture_output=True, text=True, env=env())
    elapsed = time.perf_counter() - t
    if done.returncode != 0 or done.stdout:
        raise SystemExit(f"{cmd[-1][:40]}… exited {done.returncode} with output: the no-op path must be silent")
    return elapsed


def paired(cmd: list[str], runs: int) -> tuple[float, float, float]:
    """Median time of `cmd`, of a bare start, and of their ratio, run alternately so that load
    on the machine touches both alike."""
    own, bare, ratios = [], [], []
    for _ in range(runs):
        b = start(BARE)
        c = start(cmd)
        own.append(c)
        bare.append(b)
        ratios.append(c / b)
    return statistics.median(own), statistics.median(bare), statistics.median(ratios)


def claude_line(i: int, parent: str | None, kind: str, body: dict[str, Any]) -> dict[str, Any]:
    return {
        "parentUuid": parent,
        "isSidechain": False,
        "userType": "external",
        "cwd": "/home/alice/proj",
        "sessionId": "bench",
        "version": "2.1.38",
        "gitBranch": "main",
        "type": kind,
        "uuid": f"u{i}",
        "timestamp": f"2026-02-10T21:00:{i % 60:02d}.000Z",
        **body,
    }


def claude_session(lines: int) -> list[str]:
    """A session of `lines` lines: 10-line exchanges with two parallel tool calls each."""
    out: list[dict[str, Any]] = []
    parent: str | None = None
    text = "Checked the module; the change is in place and the tests pass. " * 8

    def add(kind: str, body: dict[str, Any], parent_of: str | None = None) -> str:
        obj = claude_line(len(out), parent_of if parent_of is not None else parent, kind, body)
        out.append(obj)
        return str(obj["uuid"])

    def assistant(mid: str, block: dict[str, Any]) -> dict[str, Any]:
        return {"message": {"model": "claude-opus-4-6", "id": mid, "role": "assistant", "content": [block]}}

    n = 0
    while len(out) < lines:
        n += 1
        parent = add("user", {"message": {"role": "user", "content": f"Request {n}: update module {n}."}})
        parent = add("assistant", assistant(f"m{n}a", {"type": "thinking", "thinking": text, "signature": "x"}))
        parent = add("assistant", assistant(f"m{n}a", {"type": "text", "text": "Let me look."}))
        read = {"type": "tool_use", "id": f"t{n}a", "name": "Read", "input": {"file": "a"}}
        first = parent = add("assistant", assistant(f"m{n}a", read))
        parent = add("progress", {"data": {"type": "hook_progress", "hookEvent": "PreToolUse"}})
        bash = {"type": "tool_use", "id": f"t{n}b", "name": "Bash", "input": {"cmd": "ls"}}
        second = parent = add("assistant", assistant(f"m{n}a", bash))
        result = {"type": "tool_result", "content": text * 4}
        add("user", {"message": {"role": "user", "content": [{**result, "tool_use_id": f"t{n}a"}]}}, parent_of=first)
        parent = add("user", {"message": {"role": "user", "content": [{**result, "tool_use_id": f"t{n}b"}]}}, second)
        parent = add("assistant", assistant(f"m{n}b", {"type": "text", "text": text}))
        parent = add("system", {"subtype": "turn_duration", "durationMs": 1000})
    return [json.dumps(o) for o in out[:lines]]


def codex_rollout(lines: int) -> list[str]:
    out: list[dict[str, Any]] = [{"type": "session_meta", "payload": {"id": "bench", "cli_version": "0.125.0"}}]
    text = "Checked the module; the change is in place and the tests pass. " * 8
    answer = {"type": "output_text", "text": text}
    n = 0
    while len(out) < lines:
        n += 1
        items = [
            ("event_msg", {"type": "user_message", "message": f"Request {n}"}),
            ("response_item", {"type": "reasoning", "summary": [{"type": "summary_text", "text": text}]}),
            ("response_item", {"type": "function_call", "name": "exec_command", "arguments": "{}", "call_id": f"c{n}"}),
            ("event_msg", {"type": "token_count", "info": None}),
            ("response_item", {"type": "function_call_output", "call_id": f"c{n}", "output": text * 4}),
            ("response_item", {"type": "message", "role": "assistant", "content": [answer]}),
        ]
        out += [{"timestamp": "2026-05-11T08:27:17.493Z", "type": k, "payload": p} for k, p in items]
    return [json.dumps(o) for o in out[:lines]]


def cli_import(path: Path, *args: str) -> float:
    """Wall time of one `finetune import` into a fresh data folder (the store written and fsynced)."""
    with tempfile.TemporaryDirectory() as home:
        t = time.perf_counter()
        done = subprocess.run([str(Path(sys.executable).parent / "finetune"), "import", "--from", "claude-code",
                               *args, str(path)], capture_output=True, text=True, env={**env(), "FINETUNE_HOME": home})
        elapsed = time.perf_counter() - t
        if done.returncode != 0 or "imported from 1 file(s)" not in done.stdout:
            raise SystemExit(f"finetune import failed ({done.returncode}): {done.stderr.strip()[-300:]}")
    return elapsed


def timed_cli_import(path: Path, runs: int, *args: str) -> tuple[float, float]:
    """Median wall time of the CLI import and of a bare start, run alternately."""
    own, bare = [], []
    for _ in range(runs):
        bare.append(start(BARE))
        own.append(cli_import(path, *args))
    return statistics.median(own), statistics.median(bare)


def timed_import(read: Any, path: Path, runs: int) -> tuple[float, int]:
    times, examples = [], 0
    for _ in range(runs):
        t = time.perf_counter()
        result = read(path, CaptureOptions(whole_session=True))
        times.append(time.perf_counter() - t)
        examples = len(result.examples)
    return statistics.median(times), examples


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--import-runs", type=int, default=5, help="runs of the full CLI import (seconds each)")
    args = parser.parse_args()

    for cmd in (BARE, HOOK_FROM_FILE, HOOK_FROM_PACKAGE, HOOK_COMMAND):  # warm-up: bytecode caches
        start(cmd)
        start(cmd)
    hook_cmd, bare, ratio = paired(HOOK_COMMAND, args.runs)
    hook_file, _, ratio_file = paired(HOOK_FROM_FILE, max(5, args.runs // 4))
    hook_pkg, _, ratio_pkg = paired(HOOK_FROM_PACKAGE, max(5, args.runs // 4))
    print(f"python -c pass           {bare * 1000:7.2f} ms")
    print(f"finetune capture --hook  {hook_cmd * 1000:7.2f} ms   ({ratio:.2f}x, median of paired runs: the summary)")
    print(f"no-op hook, from file    {hook_file * 1000:7.2f} ms   ({ratio_file:.2f}x)")
    print(f"no-op hook, via package  {hook_pkg * 1000:7.2f} ms   ({ratio_pkg:.2f}x; runs the package __init__)")

    with tempfile.TemporaryDirectory() as tmp:
        session = Path(tmp) / "bench.jsonl"
        session.write_text("\n".join(claude_session(2000)) + "\n", encoding="utf-8")
        rollout = Path(tmp) / "rollout-bench.jsonl"
        rollout.write_text("\n".join(codex_rollout(2000)) + "\n", encoding="utf-8")
        size = session.stat().st_size / 2**20
        cli_import(session)  # warm-up: bytecode caches
        full, bare_start = timed_cli_import(session, args.import_runs, "--whole-session")
        last, _ = timed_cli_import(session, args.import_runs)
        cc, cc_examples = timed_import(read_session, session, 10)
        cx, cx_examples = timed_import(read_rollout, rollout, 10)
    print(f"python -c pass (alternating with the imports)             {bare_start * 1000:7.1f} ms")
    print(f"finetune import --whole-session, 2,000-line session ({size:.1f} MB, {cc_examples} examples)  "
          f"{full:7.2f} s   (the summary)")
    print(f"finetune import (last exchange), same session                 {last:7.2f} s")
    print(f"in-process parse only: Claude Code session                    {cc * 1000:7.1f} ms")
    print(f"in-process parse only: Codex rollout ({cx_examples} examples)           {cx * 1000:7.1f} ms")
    print(f"capture: noop_hook/python_start={ratio:.2f} import_2k_lines_s={full:.3f}")


if __name__ == "__main__":
    main()
