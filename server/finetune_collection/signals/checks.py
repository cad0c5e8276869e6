"""The lines that say a build succeeded or failed, a linter found nothing or something, a commit
was made, or a tool ran out of time. Line patterns (multiline `^…$`), as data."""

from __future__ import annotations

import re

BUILD_OK = [
    r"^\s*Finished [`']?\w+[`']? profile \[.*\] target\(s\) in .*$",  # cargo
    r"^\s*Finished (?:dev|release|test) \[.*\] target\(s\) in .*$",  # older cargo
    r"^\[INFO\] BUILD SUCCESS$",
    r"^BUILD SUCCESSFUL in \S+$",
    r"^Build succeeded(?:\.| in [\d.]+m?s)$",  # dotnet (9's terminal logger adds the time)
    r"^\*\* BUILD SUCCEEDED \*\*$",  # xcodebuild
    r"^\s*✓ built in [\d.]+m?s$",  # vite
    r"^\s*✓ Compiled successfully.*$",  # next
    r"^Compiled successfully\.?$",  # create-react-app
    r"^.*compiled successfully in [\d.]+ ?m?s$",  # webpack
    r"^Successfully built \S+.*$",  # python -m build, docker
    r"^Build complete[.!]?.*$",
    r"^\[\+\] Building [\d.]+s \(\d+/\d+\) FINISHED.*$",  # docker buildx
    r"^\[100%\] Built target \S+$",  # cmake's makefiles
    r"^ninja: no work to do\.$",
    r"^⚡ Done in \d+ms$",  # esbuild
    r"^created \S+(?:, \S+)* in [\d.]+m?s$",  # rollup
    r"^✨ Built in [\d.]+m?s\.?$",  # parcel
    r"^Application bundle generation complete\..*$",  # angular
    r"^\[success\] Total time: .*$",  # sbt
    r"^\s*Tasks:\s+(?P<turbo>\d+) successful, (?P=turbo) total$",  # turbo
]
BUILD_FAILED = [
    r"^error(?:\[E\d+\])?: .*$",
    r"^.*error TS\d+: .*$",
    r"^\S+:\d+:\d+: (?:fatal )?error: .*$",  # gcc, clang, go
    r"^\[ERROR\] BUILD FAILURE$",
    r"^BUILD FAILED in \S+$",
    r"^Build FAILED\.$",
    r"^Build failed with \d+ error\(s\).*$",  # dotnet 9
    r"^.*\bcompiled with \d+ errors?\b.*$",  # webpack
    r"^✘ \[ERROR\] .*$",  # esbuild
    r"^\*\* BUILD FAILED \*\*$",
    r"^make(?:\[\d+\])?: \*\*\* .*$",
    r"^npm ERR! .*$",
    r"^ERR_PNPM_\w+.*$",
    r"^Failed to compile\.?$",
    r"^ERROR: failed to solve: .*$",
    r"^FAILED: .*$",  # ninja
    r"^error during build:$",  # vite
    r"^\s*Failed:\s+\S+#\S+$",  # turbo
]

LINT_CLEAN = [
    r"^All checks passed!$",  # ruff
    r"^\d+ files? already formatted$",  # ruff format --check
    r"^Success: no issues found in \d+ source files?$",  # mypy
    r"^0 errors, 0 warnings, 0 (?:informations|notes)\s*$",  # pyright
    r"^Your code has been rated at 10\.00/10.*$",  # pylint
    r"^\d+ files? inspected, no offenses detected$",  # rubocop
    r"^All matched files use Prettier code style!$",
    r"^All done! ✨ 🍰 ✨$",  # black --check (dirty runs also print it: LINT_DIRTY wins)
    r"^Checked \d+ files? in \S+\. No fixes (?:applied|needed)\.$",  # biome
    r"^\s*Finished [`']?\w+[`']? profile \[.*\] target\(s\) in .*$",  # cargo clippy (warnings are dirty)
    r"^Skipped \d+ files?$",  # isort --check
    r"^No issues found\.?$",
    r"^0 issues\.$",  # golangci-lint
    r"^Done linting! Found 0 violations, 0 serious in \d+ files?\.$",  # swiftlint
    r"^Checked \d+ files?$",  # deno lint, deno fmt --check
    r"^Found 0 warnings and 0 errors\.$",  # oxlint
    r"^\s*\[OK\] No errors\s*$",  # phpstan
    r"^No errors found!$",  # psalm
    r"^svelte-check found 0 errors and 0 warnings.*$",
]
LINT_DIRTY = [
    r"^Found \d+ errors?.*$",  # ruff, mypy
    r"^.*error TS\d+: .*$",
    r"^\S+:\d+(?::\d+)?: (?:error|warning|[A-Z]+\d+)\b.*$",  # mypy, flake8, ruff concise, shellcheck -f gcc
    r"^\s*✖ \d+ problems? \(.*\)$",  # eslint
    r"^(?!0 errors, 0 warnings, 0 )\d+ errors?, \d+ warnings?.*$",  # pyright (its all-zero line is clean)
    r"^[1-9]\d* issues?\.$",  # golangci-lint
    r"^Done linting! Found (?!0 violations, 0 serious)\d+ violations?.*$",  # swiftlint
    r"^Found (?!0 warnings and 0 errors)\d+ warnings? and \d+ errors?\.$",  # oxlint
    r"^\s*\[ERROR\] Found \d+ errors?\s*$",  # phpstan
    r"^svelte-check found (?!0 errors and 0 warnings)\d+ errors? and \d+ warnings?.*$",
    r"^Your code has been rated at (?!10\.00)[\d.]+/10.*$",
    r"^would reformat .*$",
    r"^Oh no! 💥 💔 💥$",
    r"^\d+ files? inspected, \d+ offenses? detected.*$",
    r"^(?:warning|error)(?:\[\w+\])?: .*$",  # cargo clippy
    r"^\[warn\] .*$",  # prettier --check
    r"^ERROR: .*$",
    r"^\s*In \S+ line \d+:$",  # shellcheck
]
SILENT_LINTERS = re.compile(
    r"^(?:eslint|flake8|pycodestyle|pyflakes|tsc|golangci-lint|go|shellcheck|stylelint|hadolint|cargo|gofmt|standard"
    r"|xo|npm|yarn|pnpm|bun|oxlint|vue-tsc|staticcheck|yamllint|actionlint|ktlint)$"
)
"""Linters that print nothing when clean (their success is an exit code of 0 and no output)."""

COMMIT = r"^\[(?P<branch>[^\]\s]+|detached HEAD)(?: \(root-commit\))? (?P<hash>[0-9a-f]{7,40})\] .*$"
"""`git commit`'s first line: `[main 3b7c9d2] message` (the evidence keeps the bracket only)."""

TIMEOUT = [
    r"^Command timed out after .*$",  # Claude Code's Bash tool
    r"^.*\btimed out after \d.*$",
    r"^panic: test timed out after .*$",  # go test
    r"^.*Exceeded timeout of \d+ ?ms.*$",  # jest
    r"^.*Timeout of \d+ms exceeded.*$",  # mocha
    r"^.*\bTest timed out in \d+ ?ms\b.*$",  # vitest
    r"^.*\bTest timeout of \d+ ?ms exceeded\b.*$",  # playwright
    r"^\s*TIMEOUT \[.*\] .*$",  # nextest
    r"^.*\*\*\*Timeout\s+[\d.]+ sec.*$",  # ctest
    r"^//\S+\s+TIMEOUT in .*$",  # bazel
    r"^.*\bFailed: Timeout \(?>[\d.]+s\)?(?: from pytest-timeout\.?)?$",  # pytest-timeout (E line, summary line)
    r"^\+{3,} Timeout \+{3,}$",  # pytest-timeout's thread dump
    r"^(?:[\w.]+\.)?TimeoutError\b.*$",
    r"^.*\b(?:connection|read|operation|request|command|process|job) timed out\b.*$",
    r"^.*\bcontext deadline exceeded\b.*$",
    r"^.*\bETIMEDOUT\b.*$",
]
TIMEOUT_EXIT = 124
"""Exit status of `timeout(1)` when the time ran out."""


def compile_all(patterns: list[str], flags: int = re.M) -> re.Pattern[str]:
    return re.compile("|".join(f"(?:{p})" for p in patterns), flags)


BUILD_OK_RE = compile_all(BUILD_OK)
BUILD_FAILED_RE = compile_all(BUILD_FAILED)
LINT_CLEAN_RE = compile_all(LINT_CLEAN)
LINT_DIRTY_RE = compile_all(LINT_DIRTY)
COMMIT_RE = re.compile(COMMIT, re.M)
TIMEOUT_RE = compile_all(TIMEOUT, re.M | re.I)
NPM_PREAMBLE = re.compile(r"^(?:> .*|\s*|\S+\.\w+ \d+ms(?: \(unchanged\))?)$")
"""Lines that are not a checker's own output: an npm/yarn/pnpm script's preamble (`> pkg@1.0 build`,
`> tsc`), and the files a formatter wrote earlier in the chain (prettier's `src/a.ts 41ms`)."""


_QUOTED = re.compile(r"\"[^\"\n]*\"|(?<![A-Za-z])'[^'\n]*'(?![A-Za-z])")
"""A string literal on one line (an apostrophe inside a word opens none)."""


def timeout_line(output: str) -> str | None:
    """The first line that reports running out of time. Words inside a string literal do not
    count: a failing test's source, assertion and summary lines quote what the code says
    (`assert msg == "Request timed out"`), not what happened to the run."""
    for m in TIMEOUT_RE.finditer(output):
        if TIMEOUT_RE.search(_QUOTED.sub(lambda q: " " * len(q.group(0)), m.group(0))):
            return m.group(0)
    return None


def silent(output: str) -> bool:
    return all(NPM_PREAMBLE.match(line) for line in output.splitlines())
