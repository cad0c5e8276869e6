"""build_passed, lint_clean, committed and timeout: one small detector each over the runs.

A build or lint run counts only after the last code change (it checked the final code), and the
last such run decides. Success needs the tool's own line or, for tools that print nothing when
all is well, a run that was not flagged and printed nothing of its own.
"""

from __future__ import annotations

import re

from .checks import (
    BUILD_FAILED_RE,
    BUILD_OK_RE,
    COMMIT_RE,
    LINT_CLEAN_RE,
    LINT_DIRTY_RE,
    SILENT_LINTERS,
    TIMEOUT_EXIT,
    silent,
    timeout_line,
)
from .commands import classify
from .observation import Observation, at, excerpt
from .record import Run, Step
from .testruns import last_edit, stopped


def _final_runs(steps: list[Step], kind: str) -> list[Run]:
    after = last_edit(steps)
    return [s.run for i, s in enumerate(steps) if i > after and s.kind == "run" and s.run is not None
            and s.run.finished and kind in s.run.command.kinds]


def _exit_ok(run: Run) -> str | None:
    return "exit code 0" if run.exit == 0 else None


def detect_build(steps: list[Step]) -> list[Observation]:
    runs = _final_runs(steps, "build")
    if not runs:
        return []
    run = runs[-1]
    bad = BUILD_FAILED_RE.search(run.output)
    if run.failed or bad:
        why = bad.group(0) if bad else f"exit code {run.exit}" if run.exit else "tool error"
        return [Observation("errors_occurred", excerpt(why), at(run.index), "build", run.index)]
    line: str | None
    if BUILD_OK_RE.search(run.output):
        line = _last(BUILD_OK_RE, run.output)
    elif "build" in run.command.last:  # a chain's exit status is its last command's
        line = _exit_ok(run) or ("no output" if silent(run.output) else None)
    elif "build" in run.command.gated:  # `build && ctest` exiting 0: the chain went past the build
        line = _exit_ok(run)
    else:
        line = None
    if line is None:
        return []
    return [Observation("build_passed", excerpt(line), at(run.index), "build", run.index)]


def detect_lint(steps: list[Step]) -> list[Observation]:
    """lint_clean when every lint run after the last change is clean (ruff clean, mypy not, is not)."""
    runs = _final_runs(steps, "lint")
    lines = []
    for run in runs:
        if run.failed or LINT_DIRTY_RE.search(run.output):
            return []
        if LINT_CLEAN_RE.search(run.output):
            lines.append(_last(LINT_CLEAN_RE, run.output))
        elif silent(run.output) and _program_is_silent(run):
            lines.append(_exit_ok(run) or "no output")
        else:
            return []  # output we cannot read: no claim either way
    if not lines:
        return []
    return [Observation("lint_clean", excerpt(lines[-1]), at(runs[-1].index), "lint", runs[-1].index, len(runs))]


def _program_is_silent(run: Run) -> bool:
    text = run.command.text or ""
    words = [w.rsplit("/", 1)[-1] for w in text.replace("&&", " ").split()]
    lint = [w for w in words if SILENT_LINTERS.match(w)]
    return bool(lint) and "lint" in classify(text).kinds


def detect_commit(steps: list[Step]) -> list[Observation]:
    commits = [(s.run, m) for s in steps if s.kind == "run" and s.run is not None and "commit" in s.run.command.kinds
               for m in COMMIT_RE.finditer(s.run.output)]
    if not commits:
        return []
    run, m = commits[-1]
    return [Observation("committed", f"[{m.group('branch')} {m.group('hash')}]", at(run.index), "commit", run.index,
                        len(commits))]


def detect_timeout(steps: list[Step]) -> list[Observation]:
    """A tool result that reports running out of time (never one that only shows a file)."""
    for step in steps:
        if step.kind == "run" and step.run is not None:
            run = step.run
            if run.exit == TIMEOUT_EXIT and stopped(run):
                return [Observation("timeout", f"exit code {TIMEOUT_EXIT}", at(run.index), "timeout", run.index)]
            if run.command.only_views:
                continue
            line = timeout_line(run.output)
            if line is not None and (run.failed or not run.finished):  # else a log line ("retrying after …")
                return [Observation("timeout", excerpt(line), at(run.index), "timeout", run.index)]
        elif step.kind == "tool" and step.error:
            line = timeout_line(step.text)
            if line is not None:
                return [Observation("timeout", excerpt(line), at(step.index), "timeout", step.index)]
    return []


def _last(pattern: re.Pattern[str], text: str) -> str:
    *_, m = pattern.finditer(text)
    return m.group(0)
