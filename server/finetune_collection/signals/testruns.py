"""tests_passed / errors_occurred, and zero_fix_iterations / multiple_retries, from test runs.

Only runs after the last code change say whether the final code passes; the last of them decides.
Earlier runs make up the fix cycles: the runs between two code changes are one cycle, and its
last run says whether it failed. A failing run before any change reproduces the problem and is
not a failed fix. A run that collected nothing or skipped everything is no evidence either way.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .checks import LINT_DIRTY_RE, TIMEOUT_EXIT, silent
from .observation import Observation, at, excerpt
from .record import Run, Step
from .runners import Outcome, failure_line, summarize

HOST_TIMEOUT = re.compile(r"\A(?:Command timed out after |command timed out after \d+ milliseconds\b)")
"""The host ended the command (the runner printed no verdict): Claude Code's Bash tool, or Codex's
shell tools, which put this line before the partial output and report exit code 124."""

SILENT_TEST_COMMANDS = re.compile(r"(?:^|[\s;&|(])zig build test\b")
"""Test commands that print nothing when every test passes: a clean exit with no output is their
verdict (most runners print a summary, and their silence says nothing)."""

MULTIPLE_RETRIES = 2
"""Failed fix cycles (before the last one) that make `multiple_retries`; one failed attempt that
is then fixed is ordinary work and gives neither this nor `zero_fix_iterations`."""


@dataclass(slots=True)
class TestRun:
    position: int  # in the step list
    index: int
    outcome: Outcome
    line: str
    passed: int | None


def outcome(run: Run) -> TestRun | None:
    """The test outcome of one command run, or None when it ran no tests (or cannot tell)."""
    command = run.command
    if command.only_views or not run.finished:
        return None
    is_test = "test" in command.kinds
    summary = summarize(run.output, is_test)
    if summary is not None:
        if summary.outcome == "pass" and run.failed:
            # passing tests under a failing exit: a coverage gate, a later step of the chain
            return TestRun(0, run.index, "fail", _exit_line(run) or summary.line, None)
        return TestRun(0, run.index, summary.outcome, summary.line, summary.counts.get("passed"))
    if not is_test or stopped(run):
        return None  # the host or timeout(1) stopped it: the tests neither passed nor failed
    if run.exit == 0 and not run.error and silent(run.output) and SILENT_TEST_COMMANDS.search(run.command.text or ""):
        return TestRun(0, run.index, "pass", "exit code 0", None)
    if run.failed and "lint" in command.kinds and LINT_DIRTY_RE.search(run.output):
        return None  # `ruff check . && mypy src && pytest`: the chain stopped at the linter; no test ran
    if run.failed:
        return TestRun(0, run.index, "fail", failure_line(run.output) or _exit_line(run) or "tool error", None)
    traceback = failure_line(run.output)
    if traceback is not None and traceback.startswith("Traceback"):
        return TestRun(0, run.index, "fail", traceback, None)
    return None


def stopped(run: Run) -> bool:
    killed = run.exit == TIMEOUT_EXIT and (run.command.text or "").lstrip().startswith(("timeout ", "gtimeout "))
    return killed or HOST_TIMEOUT.match(run.output) is not None


def _exit_line(run: Run) -> str | None:
    return f"exit code {run.exit}" if run.exit not in (None, 0) else None


def read_back(steps: list[Step], position: int) -> Run | None:
    """A test run that wrote its output to a file, as the later look at that file shows it
    (`pytest > /tmp/t.log 2>&1`, then `tail -3 /tmp/t.log`): the look must come before any code
    change, and the run keeps its own command and exit status."""
    run = steps[position].run
    if run is None or not run.command.logs or summarize(run.output, True) is not None:
        return None
    names = [re.compile(rf"(?:^|[\s'\"=/]){re.escape(log.rsplit('/', 1)[-1])}(?:$|[\s'\";|&)])")
             for log in run.command.logs]
    for step in steps[position + 1:]:
        if step.kind == "edit":
            return None
        view = step.run
        if (view is not None and view.command.only_views and view.finished
                and any(n.search(view.command.text or "") for n in names)):
            return Run(view.index, run.command, view.output, run.exit, run.error)
    return None


def test_runs(steps: list[Step]) -> list[TestRun]:
    out = []
    for position, step in enumerate(steps):
        if step.kind == "run" and step.run is not None:
            found = outcome(read_back(steps, position) or step.run)
            if found is not None and found.outcome != "empty":
                found.position = position
                out.append(found)
    return out


def last_edit(steps: list[Step]) -> int:
    return max((i for i, s in enumerate(steps) if s.kind == "edit"), default=-1)


def detect_final(steps: list[Step]) -> list[Observation]:
    """tests_passed or errors_occurred: the last test run after the last code change."""
    final = [r for r in test_runs(steps) if r.position > last_edit(steps)]
    if not final:
        return []
    run = final[-1]
    name = "tests_passed" if run.outcome == "pass" else "errors_occurred"
    return [Observation(name, excerpt(run.line), at(run.index), "tests", run.index, run.passed)]


def detect_cycles(steps: list[Step]) -> list[Observation]:
    """zero_fix_iterations / multiple_retries: failed edit → test cycles before the last one."""
    runs = test_runs(steps)
    edits = [i for i, s in enumerate(steps) if s.kind == "edit"]
    if not runs or not edits:
        return []
    cycles: list[TestRun] = []  # the last run of each cycle that follows a code change
    for start, end in zip(edits, [*edits[1:], len(steps)], strict=True):
        inside = [r for r in runs if start < r.position < end]
        if inside:
            cycles.append(inside[-1])
    if not cycles:
        return []
    failed = sum(1 for c in cycles[:-1] if c.outcome == "fail")
    last = cycles[-1]
    final_passed = last.position > edits[-1] and last.outcome == "pass"
    if final_passed and failed == 0:
        return [Observation("zero_fix_iterations", excerpt(last.line), at(last.index), "cycles", last.index, 0)]
    if failed >= MULTIPLE_RETRIES:
        worst = [c for c in cycles[:-1] if c.outcome == "fail"][-1]
        return [Observation("multiple_retries", excerpt(worst.line), at(worst.index), "cycles", worst.index, failed)]
    return []
