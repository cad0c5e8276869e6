"""Writes holdout.jsonl: the part of the labelled set kept aside while the patterns were written.

Written (and committed) before any detector existed, and not edited afterwards: its figures are
reported apart by benchmarks/signals.py. Run: `.venv/bin/python tests/signals/build_holdout.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

from signals_shapes import bash, bash_timeout, codex, codex_long, edit, patch, read, record, write

PYTEST_PASS = """============================= test session starts ==============================
platform darwin -- Python 3.12.2, pytest-8.1.1, pluggy-1.4.0
rootdir: /Users/dev/proj
configfile: pyproject.toml
plugins: anyio-4.3.0
collected 57 items

tests/test_parser.py ........................                              [ 42%]
tests/test_render.py .................................                     [100%]

============================== 57 passed in 1.92s =============================="""

PYTEST_FAIL = """collected 12 items

tests/test_dates.py ....F.......                                          [100%]

=================================== FAILURES ===================================
_______________________________ test_leap_year ________________________________

    def test_leap_year():
>       assert is_leap(1900) is False
E       assert True is False

tests/test_dates.py:31: AssertionError
=========================== short test summary info ============================
FAILED tests/test_dates.py::test_leap_year - assert True is False
========================= 1 failed, 11 passed in 0.31s ========================="""

GO_PASS = """ok  \tgithub.com/acme/queue\t0.412s
ok  \tgithub.com/acme/queue/internal/ring\t(cached)
?   \tgithub.com/acme/queue/cmd/queuectl\t[no test files]"""

GO_FAIL = """--- FAIL: TestPop (0.00s)
    queue_test.go:44: got 3, want 2
FAIL
FAIL\tgithub.com/acme/queue\t0.219s
FAIL"""

CARGO_PASS = """   Compiling ringbuf v0.3.1 (/home/dev/ringbuf)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 2.31s
     Running unittests src/lib.rs (target/debug/deps/ringbuf-5c1d0a3e9f1b2c44)

running 9 tests
test tests::wraps_around ... ok
test tests::push_pop ... ok
test result: ok. 9 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests ringbuf

running 1 test
test src/lib.rs - RingBuf (line 12) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.18s"""

JEST_FAIL = """ FAIL  src/cart.test.js
  ● cart › applies discount

    expect(received).toBe(expected) // Object.is equality

    Expected: 90
    Received: 100

Test Suites: 1 failed, 3 passed, 4 total
Tests:       1 failed, 27 passed, 28 total
Snapshots:   0 total
Time:        2.114 s
Ran all test suites."""

JEST_PASS = """ PASS  src/cart.test.js
 PASS  src/price.test.js

Test Suites: 4 passed, 4 total
Tests:       28 passed, 28 total
Snapshots:   0 total
Time:        1.87 s, estimated 2 s
Ran all test suites."""

RSPEC_PASS = """..........

Finished in 0.04211 seconds (files took 0.2113 seconds to load)
10 examples, 0 failures"""

UNITTEST_SKIPPED = """sss
----------------------------------------------------------------------
Ran 3 tests in 0.001s

OK (skipped=3)"""

MVN_PASS = """[INFO] -------------------------------------------------------
[INFO]  T E S T S
[INFO] -------------------------------------------------------
[INFO] Running com.acme.OrderServiceTest
[INFO] Tests run: 14, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.412 s -- in com.acme.OrderServiceTest
[INFO]
[INFO] Results:
[INFO]
[INFO] Tests run: 14, Failures: 0, Errors: 0, Skipped: 0
[INFO]
[INFO] ------------------------------------------------------------------------
[INFO] BUILD SUCCESS
[INFO] ------------------------------------------------------------------------
[INFO] Total time:  6.204 s"""

VITEST_NONE = """
> web@0.4.0 test
> vitest --run src/none

 RUN  v1.6.0 /Users/dev/web

No test files found, exiting with code 1

filter: src/none
include: **/*.{test,spec}.?(c|m)[jt]s?(x)"""

TEST_SOURCE = """import pytest


def test_summary_line():
    out = run("pytest")
    assert "3 passed in 0.12s" in out
    assert "failed" not in out
"""

records = [
    record("h01", "Fix the parser crash on empty input", read("src/parser.py", "def parse(s):\n    return s[0]"),
           edit("src/parser.py"), bash("python -m pytest", PYTEST_PASS), shape="claude", note="pytest pass after edit",
           expect=["tests_passed", "zero_fix_iterations"]),
    record("h02", "Make is_leap correct", edit("src/dates.py"), bash("pytest -q tests/test_dates.py", PYTEST_FAIL, 1),
           edit("src/dates.py"), bash("pytest -q tests/test_dates.py", PYTEST_PASS.replace("57 passed in 1.92s", "12 passed in 0.29s")),
           shape="claude", note="one failed cycle then pass", expect=["tests_passed"]),
    record("h03", "Pop should return the oldest item", edit("queue.go"), bash("go test ./...", GO_FAIL, 1),
           edit("queue.go"), bash("go test ./...", GO_FAIL, 1), edit("queue.go"), bash("go test ./...", GO_FAIL, 1),
           edit("queue.go"), bash("go test ./...", GO_PASS), shape="claude", note="three failed cycles",
           expect=["tests_passed", "multiple_retries"]),
    record("h04", "Add wrap-around to the ring buffer", patch("src/lib.rs"), codex("cargo test", CARGO_PASS, 0),
           shape="codex", note="cargo pass with doc-tests", expect=["tests_passed", "zero_fix_iterations"]),
    record("h05", "Apply the discount before tax", patch("src/cart.js"), codex("npx jest", JEST_FAIL, 1),
           shape="codex", note="jest fails after the only edit", expect=["errors_occurred"]),
    record("h06", "Apply the discount before tax", patch("src/cart.js"), codex("npm test", JEST_PASS, 0),
           codex("git commit -am 'Apply discount before tax'", "[feature/discount 9f3e2a1] Apply discount before tax\n 1 file changed, 3 insertions(+), 2 deletions(-)", 0),
           shape="codex", note="jest pass then commit", expect=["tests_passed", "zero_fix_iterations", "committed"]),
    record("h07", "What does the summary test check?", read("tests/test_summary.py", TEST_SOURCE), shape="claude",
           note="test source printed with 'passed' in it", expect=[]),
    record("h08", "Run the specs", bash("bundle exec rspec", RSPEC_PASS), shape="claude", note="rspec pass without edits",
           expect=["tests_passed"]),
    record("h09", "Check the legacy tests", bash("python -m unittest discover -s legacy", UNITTEST_SKIPPED), shape="claude",
           note="unittest all skipped", expect=[]),
    record("h10", "Fix the order total rounding", edit("src/main/java/com/acme/OrderService.java"),
           bash("mvn -q test", MVN_PASS), shape="claude", note="maven pass", expect=["tests_passed", "zero_fix_iterations"]),
    record("h11", "Run the none-matching filter", codex("npm test -- --run src/none", VITEST_NONE, 1), shape="codex",
           note="vitest no test files", expect=[]),
    record("h12", "Fix the failing date test", edit("src/dates.py"), bash("pytest -q", PYTEST_PASS), edit("src/dates.py"),
           shape="claude", note="pass then another edit, no re-run", expect=[]),
    record("h13", "Is the suite green?", bash("pytest", PYTEST_PASS), bash("pytest", PYTEST_FAIL, 1), shape="claude",
           note="old passing run followed by a failing one", expect=["errors_occurred"]),
    record("h14", "Run the integration suite", bash_timeout("pytest tests/integration", "2m 0.0s"), shape="claude",
           note="Bash tool timeout", expect=["timeout"]),
    record("h15", "Build the site", patch("src/index.ts"),
           codex_long("npm run build", ["\n> site@1.2.0 build\n> tsc && vite build\n", "vite v5.2.8 building for production...\n✓ 42 modules transformed.\ndist/index.html                 0.46 kB │ gzip:  0.30 kB\ndist/assets/index-4sK2a9.js   143.20 kB │ gzip: 46.11 kB\n✓ built in 1.21s\n"], 0),
           shape="codex", note="long build polled with write_stdin", expect=["build_passed"]),
    record("h16", "Type-check", patch("src/index.ts"), codex("npx tsc --noEmit", "src/index.ts(14,7): error TS2322: Type 'string' is not assignable to type 'number'.\n\nFound 1 error in src/index.ts:14\n", 2),
           shape="codex", note="tsc errors: no lint_clean", expect=[]),
    record("h17", "Lint it", edit("app/models.py"), bash("ruff check .", "All checks passed!"), shape="claude",
           note="ruff clean", expect=["lint_clean"]),
    record("h18", "Lint it", edit("app/models.py"), bash("ruff check .", "app/models.py:3:8: F401 [*] `os` imported but unused\nFound 1 error.\n[*] 1 fixable with the `--fix` option.", 1),
           shape="claude", note="ruff errors", expect=[]),
    record("h19", "Commit the fix", bash("git add -A && git commit -m 'Fix leap years'", "[main 3b7c9d2] Fix leap years\n 2 files changed, 14 insertions(+), 3 deletions(-)"),
           shape="claude", note="commit succeeded", expect=["committed"]),
    record("h20", "Commit the fix", bash("git commit -m 'Fix leap years'", "On branch main\nnothing to commit, working tree clean", 1),
           shape="claude", note="nothing to commit", expect=[]),
    record("h21", "Thanks", edit("src/a.py"), bash("pytest -q", "3 passed in 0.05s"), reply="Danke, funktioniert jetzt!",
           shape="claude", note="German thanks", expect=["tests_passed", "zero_fix_iterations", "user_accepted"]),
    record("h22", "Rename the helper", edit("src/a.py"), reply="Non, ce n'est pas ce que je voulais. Annule ça.",
           shape="claude", note="French rejection", expect=["user_rejected"]),
    record("h23", "Rename the helper", edit("src/a.py"), reply="¡Perfecto, gracias!", shape="claude",
           note="Spanish thanks", expect=["user_accepted"]),
    record("h24", "Rename the helper", edit("src/a.py"), reply="動かないです。元に戻してください。", shape="claude",
           note="Japanese rejection", expect=["user_rejected"]),
    record("h25", "Rename the helper", edit("src/a.py"), reply="Can you also update the README?", shape="claude",
           note="unclear follow-up", expect=[]),
    record("h26", "Add the config file", write("config/app.toml", "[server]\nport = 8080\n"),
           bash("cat tests/expected_output.txt", "===== 4 passed in 0.10s =====\nBUILD SUCCESS\n"), shape="claude",
           note="cat of a file holding runner-like lines", expect=[]),
    record("h27", "Fix the flaky test", edit("src/a.py"), bash("pytest -q", PYTEST_FAIL, 1), shape="claude",
           reply="That broke the build, please revert.", note="fail + English rejection",
           expect=["errors_occurred", "user_rejected"]),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("holdout.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
