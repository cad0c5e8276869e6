"""Build, lint, commit and timeout lines: each row of each table has a line it must match, and
lines that only look alike (prose, dirty counts, logs) must not match."""

from __future__ import annotations

import re

import pytest

from finetune_collection.signals.checks import (
    BUILD_FAILED,
    BUILD_FAILED_RE,
    BUILD_OK,
    BUILD_OK_RE,
    COMMIT_RE,
    LINT_CLEAN,
    LINT_CLEAN_RE,
    LINT_DIRTY,
    LINT_DIRTY_RE,
    TIMEOUT,
    TIMEOUT_RE,
    timeout_line,
)

BUILD_OK_LINES = [
    "    Finished `release` profile [optimized] target(s) in 12.31s",
    "    Finished dev [unoptimized + debuginfo] target(s) in 0.5s",
    "[INFO] BUILD SUCCESS",
    "BUILD SUCCESSFUL in 11s",
    "Build succeeded.",
    "Build succeeded in 3.1s",
    "** BUILD SUCCEEDED **",
    "✓ built in 1.21s",
    " ✓ Compiled successfully",
    "Compiled successfully.",
    "webpack 5.91.0 compiled successfully in 2841 ms",
    "Successfully built shop-0.1.0.tar.gz and shop-0.1.0-py3-none-any.whl",
    "Build complete! (2.41s)",
    "[+] Building 12.3s (10/10) FINISHED",
    "[100%] Built target app",
    "ninja: no work to do.",
    "⚡ Done in 12ms",
    "created dist/bundle.js in 1.2s",
    "✨ Built in 1.23s.",
    "Application bundle generation complete. [3.120 seconds]",
    "[success] Total time: 3 s, completed Jan 5, 2026",
    " Tasks:    3 successful, 3 total",
]
BUILD_FAILED_LINES = [
    "error[E0425]: cannot find value `discount` in this scope",
    "src/index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    "main.c:10:5: error: implicit declaration of function 'parse_args'",
    "[ERROR] BUILD FAILURE",
    "BUILD FAILED in 5s",
    "Build FAILED.",
    "Build failed with 1 error(s) in 4.2s",
    "webpack 5.91.0 compiled with 1 error in 1203 ms",
    "✘ [ERROR] Could not resolve \"./cart\"",
    "** BUILD FAILED **",
    "make: *** [Makefile:5: main.o] Error 1",
    "npm ERR! code ELIFECYCLE",
    "ERR_PNPM_RECURSIVE_RUN_FIRST_FAIL  web@1.0.0 build: `vite build`",
    "Failed to compile.",
    "ERROR: failed to solve: process \"/bin/sh -c make\" did not complete successfully",
    "FAILED: CMakeFiles/app.dir/main.c.o",
    "error during build:",
    "  Failed:    web#build",
]
NOT_BUILD = ["The build succeeded yesterday.", "# webpack compiled successfully in earlier runs", "errors: none",
             " Tasks:    2 successful, 3 total"]

LINT_CLEAN_LINES = [
    "All checks passed!",
    "12 files already formatted",
    "Success: no issues found in 31 source files",
    "0 errors, 0 warnings, 0 informations ",
    "Your code has been rated at 10.00/10 (previous run: 9.50/10, +0.50)",
    "12 files inspected, no offenses detected",
    "All matched files use Prettier code style!",
    "All done! ✨ 🍰 ✨",
    "Checked 12 files in 3ms. No fixes applied.",
    "    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.93s",
    "Skipped 2 files",
    "No issues found.",
    "0 issues.",
    "Done linting! Found 0 violations, 0 serious in 12 files.",
    "Checked 12 files",
    "Found 0 warnings and 0 errors.",
    " [OK] No errors ",
    "No errors found!",
    "svelte-check found 0 errors and 0 warnings",
]
LINT_DIRTY_LINES = [
    "Found 1 error.",
    "src/index.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.",
    "src/app.py:12: error: Incompatible return value type",
    "  ✖ 3 problems (0 errors, 3 warnings)",
    "1 error, 0 warnings, 0 informations ",
    "3 issues.",
    "Done linting! Found 2 violations, 0 serious in 12 files.",
    "Your code has been rated at 9.50/10",
    "would reformat src/app.py",
    "Oh no! 💥 💔 💥",
    "12 files inspected, 1 offense detected, 1 offense autocorrectable",
    "warning: this `if` has identical blocks",
    "[warn] src/cart.ts",
    "ERROR: /repo/Dockerfile:3 DL3008",
    "In scripts/deploy.sh line 4:",
    "Found 2 warnings and 1 error.",
    " [ERROR] Found 3 errors ",
    "svelte-check found 2 errors and 1 warning in 3 files",
]
NOT_LINT_DIRTY = ["0 errors, 0 warnings, 0 informations ", "0 issues.", "Done linting! Found 0 violations, 0 serious in 3 files.",
                  "Found 0 warnings and 0 errors.", "svelte-check found 0 errors and 0 warnings"]

COMMITS = [
    ("[main 3b7c9d2] Fix leap years", "main"),
    ("[feature/api/v2 1a2b3c4] Add v2 routes", "feature/api/v2"),
    ("[master (root-commit) 0f1e2d3] Initial commit", "master"),
    ("[detached HEAD 7a6b5c4] All tests passed: fix 404", "detached HEAD"),
]
NOT_COMMITS = ["7a6b5c4 (HEAD -> main) Fix 404", "[main] nothing to commit", "[WIP abcdefg] not a hash"]

TIMEOUT_LINES = [
    "Command timed out after 2m 0.0s",
    "command timed out after 120000 milliseconds",
    "panic: test timed out after 30s",
    "    thrown: \"Exceeded timeout of 5000 ms for a test.",
    "     Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure \"done()\" is called",
    "E       Failed: Timeout (>10.0s) from pytest-timeout.",
    "FAILED tests/test_net.py::test_fetch - Failed: Timeout (>10.0s) from pytest-timeout.",
    "E       Failed: Timeout >5.0s",
    "+++++++++++++++++++++++++++++++++++ Timeout ++++++++++++++++++++++++++++++++++++",
    "asyncio.exceptions.TimeoutError",
    "requests.exceptions.ReadTimeout: read timed out",
    "Get \"http://localhost\": context deadline exceeded",
    "Error: connect ETIMEDOUT 10.0.0.1:443",
    "Error: Test timed out in 5000ms.",
    "    Test timeout of 30000ms exceeded.",
    "     TIMEOUT [  60.001s] shop cart::slow",
    "3/3 Test #3: slow .............................***Timeout  30.01 sec",
    "//src:slow_test                                                         TIMEOUT in 60.0s",
]
NOT_TIMEOUT = [
    "tests/test_client.py::test_timeout_is_raised PASSED", "timeout = 30", "def test_retry_after_timeout():",
    # added with holdout5: a string literal quotes what the code says, not what happened
    '>       assert format_error(504) == "Request timed out"',
    "E       AssertionError: assert 'Gateway error' == 'Request timed out'",
    "FAILED tests/test_client.py::test_msg - AssertionError: assert 'Bad gateway' == 'Connection timed out'",
    "    expect(render(err)).toBe('context deadline exceeded')",
]


def _covered(patterns: list[str], lines: list[str], flags: int = re.M) -> list[str]:
    return [p for p in patterns if not any(re.search(p, line, flags) for line in lines)]


@pytest.mark.parametrize(("patterns", "lines", "flags"), [
    (BUILD_OK, BUILD_OK_LINES, re.M), (BUILD_FAILED, BUILD_FAILED_LINES, re.M), (LINT_CLEAN, LINT_CLEAN_LINES, re.M),
    (LINT_DIRTY, LINT_DIRTY_LINES, re.M), (TIMEOUT, TIMEOUT_LINES, re.M | re.I),
], ids=["build_ok", "build_failed", "lint_clean", "lint_dirty", "timeout"])
def test_every_row_has_a_line(patterns: list[str], lines: list[str], flags: int) -> None:
    assert not _covered(patterns, lines, flags)


@pytest.mark.parametrize("line", BUILD_OK_LINES)
def test_build_ok(line: str) -> None:
    assert BUILD_OK_RE.search(line) and not BUILD_FAILED_RE.search(line)


@pytest.mark.parametrize("line", BUILD_FAILED_LINES)
def test_build_failed(line: str) -> None:
    assert BUILD_FAILED_RE.search(line) and not BUILD_OK_RE.search(line)


@pytest.mark.parametrize("line", NOT_BUILD)
def test_not_a_build_line(line: str) -> None:
    assert not BUILD_OK_RE.search(line) and not BUILD_FAILED_RE.search(line)


@pytest.mark.parametrize("line", [x for x in LINT_CLEAN_LINES if "Finished" not in x and "All done" not in x])
def test_lint_clean(line: str) -> None:
    assert LINT_CLEAN_RE.search(line) and not LINT_DIRTY_RE.search(line)


@pytest.mark.parametrize("line", LINT_DIRTY_LINES)
def test_lint_dirty(line: str) -> None:
    assert LINT_DIRTY_RE.search(line)


@pytest.mark.parametrize("line", NOT_LINT_DIRTY)
def test_all_zero_counts_are_not_dirty(line: str) -> None:
    assert not LINT_DIRTY_RE.search(line)


@pytest.mark.parametrize(("line", "branch"), COMMITS)
def test_commit(line: str, branch: str) -> None:
    m = COMMIT_RE.search(line)
    assert m is not None and m.group("branch") == branch


@pytest.mark.parametrize("line", NOT_COMMITS)
def test_not_a_commit(line: str) -> None:
    assert COMMIT_RE.search(line) is None


@pytest.mark.parametrize("line", TIMEOUT_LINES)
def test_timeout(line: str) -> None:
    assert TIMEOUT_RE.search(line) and timeout_line(line) is not None


@pytest.mark.parametrize("line", NOT_TIMEOUT)
def test_not_a_timeout(line: str) -> None:
    assert timeout_line(line) is None
