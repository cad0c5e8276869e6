"""Test runners' own summary lines, as data, and what a run's output says about its outcome.

A row is (runner, line pattern, fixed). The pattern's named groups are counts: `passed`,
`failed`, `errors`, `skipped`, `total` (passed = total minus the rest when no `passed` group),
or `body`: a list like "1 failed, 27 passed" read word by word (WORDS). `fixed` marks a line
that decides the outcome by itself ("no tests ran" → empty, "FAIL" → fail). Patterns are matched
per line (`^…$`, multiline), so prose that mentions "passed" does not match; rows marked
`test_command_only` match only when the command is a known test command (their lines, such as
Gradle's `BUILD SUCCESSFUL`, say nothing about tests otherwise).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Outcome = Literal["pass", "fail", "empty"]

WORDS = {
    "passed": "passed", "passing": "passed", "pass": "passed", "xpassed": "passed", "ok": "passed",
    "failed": "failed", "failing": "failed", "failures": "failed", "failure": "failed", "fail": "failed",
    "error": "errors", "errors": "errors",
    "skipped": "skipped", "skip": "skipped", "pending": "skipped", "ignored": "skipped", "xfailed": "skipped",
    "deselected": "skipped", "todo": "skipped", "excluded": "skipped",
    "invalid": "errors",  # ExUnit: a failed setup_all invalidates its tests
}
UNITTEST_KEYS = {
    "failures": "failed", "errors": "errors", "skipped": "skipped", "expected failures": "skipped",
    "unexpected successes": "failed",
}
_DUR = r"[\d.]+\s?m?s"


@dataclass(frozen=True, slots=True)
class Row:
    runner: str
    pattern: str
    fixed: Outcome | None = None
    test_command_only: bool = False


TABLE: list[Row] = [
    # pytest: "==== 1 failed, 11 passed in 0.31s ====" and -q's bare "3 passed in 0.05s"
    Row("pytest", rf"^=+ (?P<body>\d+ \w+(?:, \d+ \w+)*) in {_DUR}(?: \([\d:.]+\))? =+$"),
    Row("pytest", rf"^(?P<body>\d+ (?:passed|failed|errors?|skipped|xfailed|xpassed|deselected)(?:, \d+ \w+)*)"
                  rf" in {_DUR}(?: \([\d:.]+\))?$"),
    Row("pytest", rf"^=*\s*no tests ran in {_DUR}\s*=*$", "empty"),
    Row("pytest", r"^collected 0 items(?: / \d+ deselected)?$", "empty"),
    Row("pytest", r"^!+ Interrupted: \d+ errors? during collection !+$", "fail"),
    # unittest: "Ran 3 tests in 0.001s" then "OK (skipped=3)" / "FAILED (failures=1)"
    Row("unittest", r"^Ran (?P<total>\d+) tests? in [\d.]+s\s*\n\s*\n(?:OK|FAILED)(?: \((?P<kv>[^)]*)\))?$"),
    Row("unittest", r"^NO TESTS RAN$", "empty"),
    # go test
    Row("go", r"^ok\s+\S+\s+(?:[\d.]+s|\(cached\))(?P<passed>)(?:\s+coverage: .*)?$"),
    Row("go", r"^ok\s+\S+\s+(?:[\d.]+s|\(cached\))\s+\[no tests to run\]$", "empty"),
    Row("go", r"^\?\s+\S+\s+\[no test files\]$", "empty"),
    Row("go", r"^--- FAIL: \S+(?P<failed>) \([\d.]+s\)$"),
    Row("go", r"^FAIL\s+\S+\s+(?:[\d.]+s|\[build failed\]|\[setup failed\])$", "fail"),
    # go test -json: the package's own result line (a test's line also names its "Test")
    Row("go", r'^\{"Time":"[^"]*","Action":"pass","Package":"[^"]*","Elapsed":[\d.]+\}(?P<passed>)$'),
    Row("go", r'^\{"Time":"[^"]*","Action":"fail","Package":"[^"]*","Elapsed":[\d.]+\}$', "fail"),
    # cargo test / nextest
    Row("cargo", r"^test result: (?:ok|FAILED)\. (?P<passed>\d+) passed; (?P<failed>\d+) failed;"
                 r" (?P<skipped>\d+) ignored;.*$"),
    Row("cargo", r"^error: (?:test failed, to rerun pass|\d+ targets? failed).*$", "fail"),
    Row("nextest", r"^\s*Summary \[.*?\] (?P<body>\d+ tests? run: .*)$"),
    # jest, vitest, mocha, bun, deno, node --test, tap, ava, playwright, jasmine, karma, cypress
    Row("jest", r"^Tests:\s+(?P<body>(?:\d+ \w+, )*)(?P<total>\d+) total$"),
    Row("jest", r"^Test Suites: \d+ failed(?:, .*)?, \d+ total$", "fail"),
    Row("jest", r"^No tests found, exiting with code \d+$", "empty"),
    Row("vitest", r"^\s*Tests\s+(?P<body>\d+ \w+(?: \| \d+ \w+)*)\s+\((?P<total>\d+)\)$"),
    Row("vitest", r"^\s*Test Files\s+\d+ failed(?: \| .*)?\s+\(\d+\)$", "fail"),
    Row("vitest", r"^No test files found, exiting with code \d+$", "empty"),
    Row("mocha", r"^\s*(?P<passed>\d+) passing \(\d+\w*\)$"),
    Row("mocha", r"^\s*(?P<failed>\d+) failing$"),
    Row("mocha", r"^\s*(?P<skipped>\d+) pending$"),
    Row("bun", r"^\s*(?P<passed>\d+) pass$"),
    Row("bun", r"^\s*(?P<failed>\d+) fail$"),
    Row("bun", r"^\s*(?P<skipped>\d+) skip$"),
    Row("deno", r"^(?:ok|FAILED) \| (?P<passed>\d+) passed(?: \(\d+ steps?\))? \| (?P<failed>\d+) failed.*$"),
    Row("node", r"^(?:#|ℹ) pass (?P<passed>\d+)$"),
    Row("node", r"^(?:#|ℹ) fail (?P<failed>\d+)$"),
    Row("tap", r"^Asserts:\s+(?P<passed>\d+) pass\s+(?P<failed>\d+) fail\b.*$"),
    Row("ava", r"^\s*(?P<passed>\d+) tests? passed$"),
    Row("ava", r"^\s*(?P<failed>\d+) (?:tests? failed|uncaught exceptions?|unhandled rejections?)$"),
    Row("ava", r"^\s*(?P<skipped>\d+) tests? (?:skipped|todo)$"),
    # Playwright's list reporter indents its footer; a flaky test passed on retry (the run exits 0)
    Row("playwright", r"^\s+(?P<passed>\d+) passed \([\d.]+(?:ms|s|m|h)\)$"),
    Row("playwright", r"^\s+(?P<passed>\d+) flaky$"),
    Row("playwright", r"^\s+(?P<failed>\d+) (?:failed|interrupted)$"),
    Row("playwright", r"^\s+(?P<skipped>\d+) (?:skipped|did not run)$"),
    Row("jasmine", r"^(?P<total>\d+) specs?, (?P<failed>\d+) failures?(?:, (?P<skipped>\d+) pending specs?)?$"),
    Row("karma", r"^TOTAL: (?:(?P<failed>\d+) FAILED, )?(?P<passed>\d+) SUCCESS$"),
    Row("cypress", r"^.*\bAll specs passed!\s+[\d:]+\s+(?P<total>\d+)\s+(?P<passed>\d+)\b.*$"),
    Row("cypress", r"^.*✖\s+(?P<failed>\d+) of \d+ failed \(\d+%\).*$"),
    Row("npm", r'^Error: no test specified$', "empty"),
    # JVM
    Row("maven", r"^(?:\[\w+\] )?Tests run: (?P<total>\d+), Failures: (?P<failed>\d+), Errors: (?P<errors>\d+),"
                 r" Skipped: (?P<skipped>\d+)$"),
    Row("maven", r"^\[(?:ERROR|INFO)\] BUILD FAILURE$", "fail", test_command_only=True),
    Row("maven", r"^\[INFO\] No tests to run\.$", "empty"),
    Row("gradle", r"^(?P<total>\d+) tests? completed, (?P<failed>\d+) failed(?:, (?P<skipped>\d+) skipped)?$"),
    Row("gradle", r"^BUILD SUCCESSFUL in \S+$", "pass", test_command_only=True),
    Row("gradle", r"^BUILD FAILED in \S+$", "fail", test_command_only=True),
    Row("gradle", r"^> Task :\S*test NO-SOURCE$", "empty"),
    Row("sbt", r"^\[\w+\] (?:Passed|Failed): Total (?P<total>\d+), Failed (?P<failed>\d+), Errors (?P<errors>\d+),"
               r" Passed \d+.*$"),
    Row("sbt", r"^\[info\] No tests (?:were executed|to run)\.?$", "empty"),
    # Ruby, Elixir, bats, C/C++, .NET, PHP, Swift, R, Go tools, BDD, Perl, Lua, Haskell, Dart, Zig, Bazel
    Row("rspec", r"^(?P<total>\d+) examples?, (?P<failed>\d+) failures?(?:, (?P<skipped>\d+) pending)?$"),
    Row("rspec", r"^\d+ errors? occurred outside of examples$", "fail"),
    Row("minitest", r"^(?P<total>\d+) runs, \d+ assertions, (?P<failed>\d+) failures, (?P<errors>\d+) errors,"
                    r" (?P<skipped>\d+) skips$"),
    Row("mix", r"^(?:\d+ doctests?, )?(?:\d+ propert(?:y|ies), )?(?P<total>\d+) tests?, (?P<body>\d+ failures?"
               r"(?:, \d+ (?:excluded|skipped|invalid))*)(?: \(.*\))?$"),
    Row("mix", r"^There are no tests to run$", "empty"),
    Row("ctest", r"^\d+% tests passed, (?P<failed>\d+) tests? failed out of (?P<total>\d+)$"),
    Row("ctest", r"^No tests were found!!!$", "empty"),
    Row("dotnet", r"^Test summary: total: (?P<total>\d+), failed: (?P<failed>\d+), succeeded: \d+,"
                  r" skipped: (?P<skipped>\d+), duration: .*$"),  # .NET 9's terminal logger
    # .NET 9/10's Microsoft.Testing.Platform: a block under "Test run summary: Passed! - <dll>"
    Row("dotnet", r"^Test run summary: (?:Passed|Failed)!.*\n\s+total: (?P<total>\d+)\n\s+failed: (?P<failed>\d+)\n"
                  r"\s+succeeded: \d+\n\s+skipped: (?P<skipped>\d+)$"),
    Row("dotnet", r"^Test run summary: Zero tests ran\b.*$", "empty"),
    Row("dotnet", r"^(?:Passed|Failed)!\s+-\s+Failed:\s+(?P<failed>\d+),\s+Passed:\s+(?P<passed>\d+),"
                  r"\s+Skipped:\s+(?P<skipped>\d+),\s+Total:\s+\d+.*$"),
    Row("phpunit", r"^OK \((?P<passed>\d+) tests?, \d+ assertions?\)$"),
    Row("phpunit", r"^Tests: (?P<total>\d+), Assertions: \d+(?:, Errors: (?P<errors>\d+))?(?:, Failures: "
                   r"(?P<failed>\d+))?(?:, \w+: \d+)*(?:, Skipped: (?P<skipped>\d+))?(?:, \w+: \d+)*\.$"),
    Row("phpunit", r"^No tests executed!$", "empty"),
    Row("xctest", r"^\s*Executed (?P<total>\d+) tests?, with (?P<failed>\d+) failures? \(\d+ unexpected\) in .*$"),
    Row("swift-testing", r"^\S+ Test run with (?P<total>\d+) tests? (?:passed|failed) after [\d.]+ seconds"
                         r"(?: with (?P<failed>\d+) issues?)?\.$"),
    Row("testthat", r"^\[ FAIL (?P<failed>\d+) \| WARN \d+ \| SKIP (?P<skipped>\d+) \| PASS (?P<passed>\d+) \]$"),
    Row("dart", r"^\d+:\d+ \+(?P<passed>\d+)(?: ~(?P<skipped>\d+))?: All tests passed!$"),
    Row("dart", r"^\d+:\d+ \+\d+(?: ~\d+)? -(?P<failed>\d+): Some tests failed\.$"),
    Row("pest", r"^\s*Tests:\s+(?P<body>\d+ \w+(?:, \d+ \w+)*) \(\d+ assertions?\)$"),
    Row("dotnet", r"^Total tests: (?P<total>\d+)\. Passed: \d+\. Failed: (?P<failed>\d+)\."
                  r" Skipped: (?P<skipped>\d+)\.$"),  # .NET Core 2-3
    Row("junit", r"^\[\s+(?P<passed>\d+) tests successful\s+\]$"),  # JUnit Platform console launcher
    Row("junit", r"^\[\s+(?P<failed>\d+) tests failed\s+\]$"),
    Row("gotestsum", r"^DONE (?P<total>\d+) tests?(?:, (?P<skipped>\d+) skipped)?(?:, (?P<failed>\d+) failures?)?"
                     r"(?:, (?P<errors>\d+) errors?)? in [\d.]+m?s$"),
    Row("ginkgo", r"^(?:SUCCESS|FAIL)! -- (?P<passed>\d+) Passed \| (?P<failed>\d+) Failed \| (?P<skipped>\d+) Pending"
                  r" \| \d+ Skipped$"),
    Row("behave", r"^(?P<passed>\d+) scenarios? passed, (?P<failed>\d+) failed, (?P<skipped>\d+) skipped.*$"),
    Row("cucumber", r"^\d+ scenarios? \((?P<body>\d+ \w+(?:, \d+ \w+)*)\)$"),
    Row("robot", r"^(?P<total>\d+) tests?, \d+ passed, (?P<failed>\d+) failed(?:, (?P<skipped>\d+) skipped)?$"),
    Row("busted", r"^(?P<passed>\d+) successes? / (?P<failed>\d+) failures? / (?P<errors>\d+) errors?"
                  r" / (?P<skipped>\d+) pending : .*$"),
    # TAP (bats, and any TAP producer run as a test command): a line per test; "1..0" plans none
    Row("tap", r"^ok \d+\b(?!.*#\s*(?i:skip|todo)\b)(?P<passed>).*$", test_command_only=True),
    Row("tap", r"^ok \d+\b(?=.*#\s*(?i:skip|todo)\b)(?P<skipped>).*$", test_command_only=True),
    Row("tap", r"^not ok \d+\b(?!.*#\s*(?i:todo)\b)(?P<failed>).*$", test_command_only=True),
    Row("tap", r"^1\.\.0\b.*$", "empty", test_command_only=True),
    Row("prove", r"^Result: FAIL$", "fail"),
    Row("prove", r"^All tests successful\.$", "pass", test_command_only=True),
    Row("cabal", r"^(?P<passed>\d+) of \d+ test suites \(\d+ of \d+ test cases\) passed\.$"),
    Row("zig", r"^All (?P<passed>\d+) tests passed\.$"),
    Row("zig", r"^(?P<passed>\d+) passed; (?P<skipped>\d+) skipped; (?P<failed>\d+) failed\.$"),
    Row("zig", r"^Build Summary: \d+/\d+ steps succeeded(?:; \d+ failed)?; (?P<passed>\d+)/\d+ tests passed"
               r"(?:; (?P<skipped>\d+) skipped)?(?:; (?P<failed>\d+) failed)?$"),
    # Bazel: the closing line counts targets; its wording changes with the mix of outcomes
    Row("bazel", r"^Executed \d+ out of \d+ tests?: (?P<passed>\d+) tests? pass(?:es)?\.$"),
    Row("bazel", r"^Executed \d+ out of \d+ tests?: (?:\d+ tests? pass(?:es)? and )?(?P<failed>\d+) (?:tests? )?fails?"
                 r" (?:locally|remotely|to build)\b.*$"),
    Row("bazel", r"^INFO: Build completed, \d+ tests? FAILED, .*$", "fail"),
    Row("bazel", r"^No test targets were found, yet testing was requested\.?$", "empty"),
]

FAILURE_LINES = re.compile(
    r"^(?:Traceback \(most recent call last\):|panic: .*|FAIL\b.*|FAILED\b.*|error(?:\[E\d+\])?: .*"
    r"|\S+Error: .*|Error: .*|npm ERR! .*)$",
    re.M,
)
"""When a test command's output has no summary, the line quoted for its failure."""

_COMPILED = [(row, re.compile(row.pattern, re.M)) for row in TABLE]
_KV = re.compile(r"(\w+(?: \w+)?)=(\d+)")
_NUM_WORD = re.compile(r"(\d+) (\w+)")


@dataclass(slots=True)
class Summary:
    outcome: Outcome
    line: str
    runner: str
    counts: dict[str, int] = field(default_factory=dict)


def _counts(m: re.Match[str]) -> dict[str, int]:
    got = {k: int(v) for k, v in m.groupdict().items() if k in ("passed", "failed", "errors", "skipped", "total")
           and v is not None and v != ""}
    for k in ("passed", "failed", "errors", "skipped"):
        if k in m.groupdict() and m.group(k) == "":  # an empty group counts the line itself
            got[k] = 1
    body = m.groupdict().get("body")
    if body:
        for n, word in _NUM_WORD.findall(body):
            if word.lower() in WORDS:
                key = WORDS[word.lower()]
                got[key] = got.get(key, 0) + int(n)
    kv = m.groupdict().get("kv")
    if kv:
        for key, n in _KV.findall(kv):
            name = UNITTEST_KEYS.get(key)
            if name:
                got[name] = got.get(name, 0) + int(n)
    if "total" in got and "passed" not in got:
        got["passed"] = max(0, got["total"] - sum(got.get(k, 0) for k in ("failed", "errors", "skipped")))
    return got


def summarize(output: str, test_command: bool) -> Summary | None:
    """The outcome a runner's own summary lines give, or None when there is no summary."""
    total: dict[str, int] = {}
    fixed: list[tuple[Outcome, str, str]] = []
    last: tuple[int, str, str] | None = None
    for row, pattern in _COMPILED:
        if row.test_command_only and not test_command:
            continue
        for m in pattern.finditer(output):
            line = m.group(0).strip()
            if "\n" in line:  # unittest's two lines: "Ran 6 tests in 0.004s" … "OK"
                first, *_, last_line = line.splitlines()
                line = f"{first}: {last_line}"
            if row.fixed:
                fixed.append((row.fixed, line, row.runner))
            else:
                for k, v in _counts(m).items():
                    total[k] = total.get(k, 0) + v
            if last is None or m.start() >= last[0]:
                last = (m.start(), line, row.runner)
    if last is None:
        return None
    _, line, runner = last
    failed = total.get("failed", 0) + total.get("errors", 0)
    if failed or any(o == "fail" for o, _, _ in fixed):
        bad = [f for f in fixed if f[0] == "fail"]
        return Summary("fail", line if failed or not bad else bad[-1][1], runner, total)
    if total.get("passed", 0) or any(o == "pass" for o, _, _ in fixed):
        return Summary("pass", line, runner, total)
    return Summary("empty", line, runner, total)


def failure_line(output: str) -> str | None:
    m = FAILURE_LINES.search(output)
    return m.group(0).strip() if m else None
