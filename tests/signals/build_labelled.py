"""Writes labelled.jsonl: the development part of the labelled set (the patterns were tuned on it).

Each record is an exchange in the importers' message shapes (signals_shapes.py), the user's next
message, and `expect`: exactly the signals the record shows. Runner outputs follow each tool's
own format; the Codex vitest runs copy the shape of the real rollout in ../shared/transcripts/codex
(a failing focused run, then passing runs, polled with write_stdin).
Run: `.venv/bin/python tests/signals/build_labelled.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

from signals_shapes import (
    bash,
    bash_background,
    bash_timeout,
    codex,
    codex_long,
    edit,
    edit_failed,
    patch,
    read,
    record,
    refused,
    write,
)

P = {  # pytest
    "pass": "============================= test session starts ==============================\ncollected 12 items\n\ntests/test_api.py ............                                           [100%]\n\n============================== 12 passed in 0.41s ==============================",
    "fail": "collected 5 items\n\ntests/test_api.py ..F..                                                  [100%]\n\n=================================== FAILURES ===================================\n___________________________________ test_get ___________________________________\nE       assert 404 == 200\n=========================== short test summary info ============================\nFAILED tests/test_api.py::test_get - assert 404 == 200\n========================= 1 failed, 4 passed in 0.22s ==========================",
    "error": "collected 0 items / 1 error\n\n==================================== ERRORS ====================================\n_____________________ ERROR collecting tests/test_api.py ______________________\nImportError while importing test module '/repo/tests/test_api.py'.\nE   ModuleNotFoundError: No module named 'api'\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n=============================== 1 error in 0.09s ===============================",
    "skipped": "collected 3 items\n\ntests/test_gpu.py sss                                                    [100%]\n\n============================== 3 skipped in 0.02s ==============================",
    "none": "============================= test session starts ==============================\ncollected 0 items\n\n============================ no tests ran in 0.01s =============================",
    "quiet": "........................................................................ [ 90%]\n........                                                                 [100%]\n80 passed, 2 warnings in 3.10s",
}
U = {  # unittest
    "pass": "......\n----------------------------------------------------------------------\nRan 6 tests in 0.004s\n\nOK",
    "fail": "..F.E.\n======================================================================\nFAIL: test_total (test_cart.CartTest.test_total)\n----------------------------------------------------------------------\nTraceback (most recent call last):\n  File \"/repo/test_cart.py\", line 12, in test_total\n    self.assertEqual(total, 10)\nAssertionError: 9 != 10\n\n----------------------------------------------------------------------\nRan 6 tests in 0.005s\n\nFAILED (failures=1, errors=1)",
    "none": "\n----------------------------------------------------------------------\nRan 0 tests in 0.000s\n\nNO TESTS RAN",
}
GO = {
    "pass": "ok  \texample.com/shop/cart\t0.014s\nok  \texample.com/shop/price\t0.009s",
    "fail": "--- FAIL: TestTotal (0.00s)\n    cart_test.go:18: total = 9, want 10\nFAIL\nFAIL\texample.com/shop/cart\t0.011s\nok  \texample.com/shop/price\t0.009s\nFAIL",
    "build": "# example.com/shop/cart [example.com/shop/cart.test]\n./cart.go:12:9: undefined: discount\nFAIL\texample.com/shop/cart [build failed]\nFAIL",
    "none": "?   \texample.com/shop/cmd/shop\t[no test files]\nok  \texample.com/shop/cart\t0.010s [no tests to run]",
}
CARGO = {
    "pass": "   Compiling shop v0.1.0 (/repo)\n    Finished `test` profile [unoptimized + debuginfo] target(s) in 1.02s\n     Running unittests src/lib.rs (target/debug/deps/shop-1f2e3d4c5b6a7980)\n\nrunning 4 tests\ntest cart::tests::total ... ok\ntest cart::tests::empty ... ok\ntest cart::tests::discount ... ok\ntest cart::tests::tax ... ok\n\ntest result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s",
    "fail": "running 4 tests\ntest cart::tests::total ... FAILED\ntest cart::tests::empty ... ok\n\nfailures:\n\n---- cart::tests::total stdout ----\nthread 'cart::tests::total' panicked at src/cart.rs:40:9:\nassertion `left == right` failed\n  left: 9\n right: 10\n\nfailures:\n    cart::tests::total\n\ntest result: FAILED. 3 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\nerror: test failed, to rerun pass `--lib`",
    "compile": "   Compiling shop v0.1.0 (/repo)\nerror[E0425]: cannot find value `discount` in this scope\n  --> src/cart.rs:12:9\n   |\n12 |         discount\n   |         ^^^^^^^^ not found in this scope\n\nFor more information about this error, try `rustc --explain E0425`.\nerror: could not compile `shop` (lib test) due to 1 previous error",
    "ignored": "running 2 tests\ntest slow::a ... ignored\ntest slow::b ... ignored\n\ntest result: ok. 0 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s",
}
JEST = {
    "pass": " PASS  src/sum.test.js\n  ✓ adds 1 + 2 to equal 3 (2 ms)\n\nTest Suites: 1 passed, 1 total\nTests:       1 passed, 1 total\nSnapshots:   0 total\nTime:        0.512 s\nRan all test suites.",
    "fail": " FAIL  src/sum.test.js\n  ✕ adds 1 + 2 to equal 3 (3 ms)\n\n  ● adds 1 + 2 to equal 3\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 3\n    Received: 4\n\nTest Suites: 1 failed, 1 total\nTests:       1 failed, 1 total\nSnapshots:   0 total\nTime:        0.61 s",
    "suite_error": " FAIL  src/sum.test.js\n  ● Test suite failed to run\n\n    SyntaxError: /repo/src/sum.js: Unexpected token (3:2)\n\nTest Suites: 1 failed, 1 total\nTests:       0 total\nSnapshots:   0 total\nTime:        0.4 s",
    "skipped": "Test Suites: 1 skipped, 0 of 1 total\nTests:       3 skipped, 3 total\nSnapshots:   0 total\nTime:        0.3 s",
    "none": "No tests found, exiting with code 1\nRun with `--passWithNoTests` to exit with code 0\nIn /repo\n  12 files checked.\n  testMatch: **/__tests__/**/*.[jt]s?(x), **/?(*.)+(spec|test).[tj]s?(x) - 0 matches",
}
VITEST_FAIL = "(node:36706) Warning: The 'NO_COLOR' env is ignored due to the 'FORCE_COLOR' env being set.\n(Use `node --trace-warnings ...` to show where the warning was created)\n ❯ src/agents/plugins/__tests__/reasoning.test.ts (16 tests | 1 failed | 15 skipped) 1316ms\n       × sets default context compaction threshold to 90% 1312ms\n\n⎯⎯⎯⎯⎯⎯⎯ Failed Tests 1 ⎯⎯⎯⎯⎯⎯⎯\n\n FAIL  src/agents/plugins/__tests__/reasoning.test.ts > Compaction Config > sets default threshold\nAssertionError: expected undefined to deeply equal { auto: true, prune: true, …(1) }\n\n Test Files  1 failed (1)\n      Tests  1 failed | 15 skipped (16)\n   Start at  11:42:09\n   Duration  2.91s (transform 1.18s, setup 0ms, import 794ms, tests 1.32s, environment 0ms)\n"
VITEST_PASS_FOCUSED = "\n> @codemieai/code@0.0.51 test\n> vitest --run src/agents/plugins/__tests__/reasoning.test.ts -t Compaction Config\n\n RUN  v4.1.5 /Users/Sample_User/repos/codemie-code\n\n Test Files  1 passed (1)\n      Tests  1 passed | 15 skipped (16)\n   Start at  11:42:53\n   Duration  1.45s (transform 567ms, setup 0ms, import 400ms, tests 658ms, environment 0ms)\n"
VITEST_PASS = "\n Test Files  1 passed (1)\n      Tests  16 passed (16)\n   Start at  11:43:08\n   Duration  3.78s (transform 1.93s, setup 0ms, import 1.46s, tests 1.47s, environment 2ms)\n"
VITEST_SKIPPED = "\n Test Files  1 skipped (1)\n      Tests  4 skipped (4)\n   Start at  10:01:02\n   Duration  0.80s\n"
MOCHA = {
    "pass": "\n  Array\n    #indexOf()\n      ✔ should return -1 when the value is not present\n\n\n  7 passing (18ms)\n",
    "fail": "\n  5 passing (20ms)\n  2 failing\n\n  1) Array\n       #indexOf():\n     AssertionError [ERR_ASSERTION]: -1 == 0\n",
    "pending": "\n  0 passing (4ms)\n  3 pending\n",
}
MVN_FAIL = "[INFO] Results:\n[INFO]\n[ERROR] Failures:\n[ERROR]   OrderTest.total:31 expected: <10> but was: <9>\n[INFO]\n[ERROR] Tests run: 8, Failures: 1, Errors: 0, Skipped: 0\n[INFO]\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------"
MVN_NONE = "[INFO] --- surefire:3.2.5:test (default-test) @ shop ---\n[INFO] No tests to run.\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD SUCCESS\n[INFO] ------------------------------------------------------------------------"
GRADLE = {
    "pass": "> Task :compileJava\n> Task :test\n\nBUILD SUCCESSFUL in 7s\n4 actionable tasks: 4 executed",
    "fail": "> Task :test FAILED\n\nOrderTest > total() FAILED\n    org.opentest4j.AssertionFailedError at OrderTest.java:31\n\n8 tests completed, 1 failed\n\nFAILURE: Build failed with an exception.\n\nBUILD FAILED in 5s",
}
RSPEC = {
    "fail": "..F\n\nFailures:\n\n  1) Cart#total sums items\n     Failure/Error: expect(cart.total).to eq(10)\n\n       expected: 10\n            got: 9\n\nFinished in 0.01 seconds (files took 0.1 seconds to load)\n3 examples, 1 failure\n\nFailed examples:\n\nrspec ./spec/cart_spec.rb:4 # Cart#total sums items",
    "pending": "**\n\nPending: (Failures listed here are expected and do not affect your suite's status)\n\nFinished in 0.002 seconds (files took 0.08 seconds to load)\n2 examples, 0 failures, 2 pending",
    "none": "No examples found.\n\nFinished in 0.0003 seconds (files took 0.05 seconds to load)\n0 examples, 0 failures",
}
CTEST = {
    "pass": "Test project /repo/build\n    Start 1: unit\n1/2 Test #1: unit .............................   Passed    0.01 sec\n    Start 2: integration\n2/2 Test #2: integration ......................   Passed    0.12 sec\n\n100% tests passed, 0 tests failed out of 2\n\nTotal Test time (real) =   0.14 sec",
    "fail": "1/2 Test #1: unit .............................   Passed    0.01 sec\n2/2 Test #2: integration ......................***Failed    0.10 sec\n\n50% tests passed, 1 tests failed out of 2\n\nTotal Test time (real) =   0.12 sec\n\nThe following tests FAILED:\n\t  2 - integration (Failed)\nErrors while running CTest",
    "none": "Test project /repo/build\nNo tests were found!!!",
}
MIX = {
    "pass": "Running ExUnit with seed: 52110, max_cases: 16\n\n..........\nFinished in 0.1 seconds (0.05s async, 0.05s sync)\n1 doctest, 10 tests, 0 failures",
    "fail": "  1) test parses a session (Spotter.Transcripts.JsonlParserTest)\n     test/spotter/transcripts/jsonl_parser_test.exs:14\n     Assertion with == failed\n\nFinished in 0.2 seconds (0.1s async, 0.1s sync)\n10 tests, 1 failure",
}
DOTNET_PASS = "  Determining projects to restore...\n  Shop.Tests -> /repo/tests/bin/Debug/net8.0/Shop.Tests.dll\nTest run for /repo/tests/bin/Debug/net8.0/Shop.Tests.dll (.NETCoreApp,Version=v8.0)\n\nPassed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 41 ms - Shop.Tests.dll (net8.0)"
PHPUNIT_FAIL = "PHPUnit 10.5.9 by Sebastian Bergmann and contributors.\n\n..F.                                                                4 / 4 (100%)\n\nThere was 1 failure:\n\n1) CartTest::testTotal\nFailed asserting that 9 matches expected 10.\n\nFAILURES!\nTests: 4, Assertions: 4, Failures: 1."
BUN_PASS = "src/sum.test.ts:\n✓ sum > adds [0.12ms]\n\n 3 pass\n 0 fail\n 3 expect() calls\nRan 3 tests across 1 files. [12.00ms]"
DENO_FAIL = "running 2 tests from ./sum_test.ts\nadds ... ok (1ms)\nsubtracts ... FAILED (1ms)\n\nFAILED | 1 passed | 1 failed (6ms)\n\nerror: Test failed"

TEST_SOURCE = 'import unittest\n\n\nclass SummaryTest(unittest.TestCase):\n    def test_line(self):\n        self.assertIn("5 passed in 0.12s", run())\n        self.assertIn("test result: ok. 3 passed; 0 failed;", run_cargo())\n'
RUFF_DIRTY = "src/app.py:1:8: F401 [*] `os` imported but unused\nFound 1 error.\n[*] 1 fixable with the `--fix` option."
MYPY_DIRTY = "src/app.py:12: error: Incompatible return value type (got \"str\", expected \"int\")  [return-value]\nFound 1 error in 1 file (checked 8 source files)"
ESLINT_DIRTY = "/repo/src/app.js\n  3:7  error  'x' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)\n"

records = [
    # pytest
    record("d01", "Fix the 404 on GET", edit("src/api.py"), bash("pytest", P["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="pytest pass"),
    record("d02", "Fix the 404 on GET", edit("src/api.py"), bash("pytest", P["fail"], 1), shape="claude",
           expect=["errors_occurred"], note="pytest fail"),
    record("d03", "Fix the import", edit("src/api.py"), bash("uv run pytest tests", P["error"], 2), shape="claude",
           expect=["errors_occurred"], note="pytest collection error"),
    record("d04", "Run the gpu tests", bash("pytest tests/test_gpu.py", P["skipped"]), shape="claude",
           expect=[], note="pytest skipped-only"),
    record("d05", "Run the tests", bash("python -m pytest -k nothing", P["none"], 5), shape="claude",
           expect=[], note="pytest no tests collected"),
    record("d06", "Fix the api", edit("src/api.py"), bash("cd backend && pytest -q 2>&1 | tail -3", P["quiet"]),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="pytest -q piped to tail"),
    # unittest
    record("d07", "Fix the total", edit("cart.py"), bash("python -m unittest", U["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="unittest pass"),
    record("d08", "Fix the total", edit("cart.py"), bash("python3 -m unittest discover", U["fail"], 1), shape="claude",
           expect=["errors_occurred"], note="unittest fail"),
    record("d09", "Run the unit tests", bash("python -m unittest discover -s nothing", U["none"], 5), shape="claude",
           expect=[], note="unittest no tests ran"),
    # go
    record("d10", "Fix the total", patch("cart.go"), codex("go test ./...", GO["pass"], 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="go pass"),
    record("d11", "Fix the total", patch("cart.go"), codex("go test ./...", GO["fail"], 1), shape="codex",
           expect=["errors_occurred"], note="go fail"),
    record("d12", "Fix the total", patch("cart.go"), codex("go test ./...", GO["build"], 1), shape="codex",
           expect=["errors_occurred"], note="go test build failed"),
    record("d13", "Run the tests", codex("go test -run TestNothing ./...", GO["none"], 0), shape="codex",
           expect=[], note="go no test files / no tests to run"),
    # cargo
    record("d14", "Fix the total", edit("src/cart.rs"), bash("cargo test", CARGO["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="cargo pass"),
    record("d15", "Fix the total", edit("src/cart.rs"), bash("cargo test", CARGO["fail"], 101), shape="claude",
           expect=["errors_occurred"], note="cargo fail"),
    record("d16", "Fix the total", edit("src/cart.rs"), bash("cargo test", CARGO["compile"], 101), shape="claude",
           expect=["errors_occurred"], note="cargo compile error"),
    record("d17", "Run the slow tests", bash("cargo test slow", CARGO["ignored"]), shape="claude",
           expect=[], note="cargo all ignored"),
    # jest / vitest / mocha / bun / deno
    record("d18", "Fix sum", edit("src/sum.js"), bash("npx jest", JEST["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="jest pass"),
    record("d19", "Fix sum", edit("src/sum.js"), bash("npm test", JEST["fail"], 1), shape="claude",
           expect=["errors_occurred"], note="jest fail"),
    record("d20", "Fix sum", edit("src/sum.js"), bash("npx jest", JEST["suite_error"], 1), shape="claude",
           expect=["errors_occurred"], note="jest suite failed to run"),
    record("d21", "Run the e2e tests", bash("npx jest e2e", JEST["skipped"]), shape="claude",
           expect=[], note="jest skipped-only"),
    record("d22", "Run the tests", bash("npx jest", JEST["none"], 1), shape="claude", expect=[], note="jest no tests found"),
    record("d23", "Set the default compaction threshold to 90%", patch("src/agents/plugins/__tests__/reasoning.test.ts"),
           codex_long("npm test -- --run src/agents/plugins/__tests__/reasoning.test.ts -t \"Compaction Config\"",
                      ["\n> @codemieai/code@0.0.51 test\n> vitest --run\n\n RUN  v4.1.5 /Users/Sample_User/repos/codemie-code\n", VITEST_FAIL], 1, 83395),
           patch("src/agents/plugins/codemie-code.plugin.ts"),
           codex_long("npm test -- --run src/agents/plugins/__tests__/reasoning.test.ts -t \"Compaction Config\"", [VITEST_PASS_FOCUSED], 0, 94348),
           codex_long("npm test -- --run src/agents/plugins/__tests__/reasoning.test.ts", ["\n RUN  v4.1.5\n", VITEST_PASS], 0, 70314),
           shape="codex-real", expect=["tests_passed"], note="the real rollout's TDD shape: red, implement, green"),
    record("d24", "Run the skipped suite", codex("npx vitest --run src/skip", VITEST_SKIPPED, 0), shape="codex",
           expect=[], note="vitest skipped-only"),
    record("d25", "Fix indexOf", edit("lib/array.js"), bash("npx mocha", MOCHA["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="mocha pass"),
    record("d26", "Fix indexOf", edit("lib/array.js"), bash("npx mocha", MOCHA["fail"], 2), shape="claude",
           expect=["errors_occurred"], note="mocha fail"),
    record("d27", "Run the pending specs", bash("npx mocha test/pending", MOCHA["pending"]), shape="claude",
           expect=[], note="mocha pending only"),
    record("d28", "Fix sum", edit("src/sum.ts"), bash("bun test", BUN_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="bun pass"),
    record("d29", "Fix subtract", edit("sum.ts"), bash("deno test", DENO_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="deno fail"),
    # JVM, Ruby, C++, Elixir, .NET, PHP
    record("d30", "Fix the order total", edit("src/main/java/Order.java"), bash("mvn test", MVN_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="maven fail"),
    record("d31", "Run the tests", bash("mvn -q test -Dtest=Nothing -Dsurefire.failIfNoSpecifiedTests=false", MVN_NONE),
           shape="claude", expect=[], note="maven no tests to run"),
    record("d32", "Fix the order total", edit("src/main/java/Order.java"), bash("./gradlew test", GRADLE["pass"]),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="gradle pass"),
    record("d33", "Fix the order total", edit("src/main/java/Order.java"), bash("./gradlew test", GRADLE["fail"], 1),
           shape="claude", expect=["errors_occurred"], note="gradle fail"),
    record("d34", "Fix the cart total", edit("lib/cart.rb"), bash("bundle exec rspec", RSPEC["fail"], 1), shape="claude",
           expect=["errors_occurred"], note="rspec fail"),
    record("d35", "Run the pending specs", bash("bundle exec rspec spec/pending_spec.rb", RSPEC["pending"]), shape="claude",
           expect=[], note="rspec pending only"),
    record("d36", "Run the specs", bash("rspec spec/none", RSPEC["none"]), shape="claude", expect=[], note="rspec no examples"),
    record("d37", "Fix the integration test", edit("src/net.cpp"), bash("cmake --build build && ctest --test-dir build", CTEST["pass"]),
           # build_passed since 2026-12-02: `&&` went on past the build (holdout6's h604, the same shape).
           shape="claude", expect=["build_passed", "tests_passed", "zero_fix_iterations"], note="ctest pass"),
    record("d38", "Fix the integration test", edit("src/net.cpp"), bash("ctest --test-dir build", CTEST["fail"], 8),
           shape="claude", expect=["errors_occurred"], note="ctest fail"),
    record("d39", "Run ctest", bash("ctest --test-dir build", CTEST["none"]), shape="claude", expect=[], note="ctest none"),
    record("d40", "Fix the parser", edit("lib/spotter/transcripts/jsonl_parser.ex"), bash("mix test", MIX["fail"], 2),
           edit("lib/spotter/transcripts/jsonl_parser.ex"), bash("mix test", MIX["pass"]), shape="claude",
           expect=["tests_passed"], note="mix: one failed cycle then pass"),
    record("d41", "Fix the total", edit("src/Cart.cs"), bash("dotnet test", DOTNET_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="dotnet pass"),
    record("d42", "Fix the total", edit("src/Cart.php"), bash("vendor/bin/phpunit", PHPUNIT_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="phpunit fail"),
    # retries and ordering
    record("d43", "Fix the 404", edit("src/api.py"), bash("pytest", P["fail"], 1), edit("src/api.py"), bash("pytest", P["fail"], 1),
           edit("src/api.py"), bash("pytest", P["pass"]), shape="claude", expect=["tests_passed", "multiple_retries"],
           note="two failed cycles then pass"),
    record("d44", "Fix the 404", bash("pytest", P["fail"], 1), edit("src/api.py"), bash("pytest", P["pass"]), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="reproduce first, then one fix that passes"),
    record("d45", "Fix the 404", edit("src/api.py"), bash("pytest", P["fail"], 1), edit("src/api.py"), bash("pytest", P["fail"], 1),
           edit("src/api.py"), bash("pytest", P["fail"], 1), shape="claude", expect=["errors_occurred", "multiple_retries"],
           note="never fixed"),
    record("d46", "Fix the 404", edit("src/api.py"), bash("pytest", P["pass"]), edit("src/api.py"), shape="claude",
           expect=[], note="passing run followed by another edit, no re-run"),
    record("d47", "Is it green?", bash("pytest", P["pass"]), bash("pytest", P["fail"], 1), shape="claude",
           expect=["errors_occurred"], note="old passing run then a failing one"),
    record("d48", "Fix the 404", edit("src/api.py"), bash("sed -i 's/404/200/' src/api.py"), shape="claude",
           expect=[], note="sed -i is a code change; no run after it"),
    record("d49", "Fix the 404", edit("src/api.py"), bash("pytest", P["pass"]), bash("sed -i 's/a/b/' src/api.py"),
           shape="claude", expect=[], note="pass then sed -i without a re-run"),
    record("d50", "Fix the 404", edit("src/api.py"), bash("pytest", P["pass"]), edit_failed("src/api.py"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="a failed edit changes nothing"),
    # misleading: runner-like text that is not a run
    record("d51", "What does this test check?", read("tests/test_summary.py", TEST_SOURCE), shape="claude",
           expect=[], note="Read of a test file quoting summaries"),
    record("d52", "Show me the test", bash("cat tests/test_summary.py", TEST_SOURCE), shape="claude",
           expect=[], note="cat of a test file quoting summaries"),
    record("d53", "Find the assertion", bash("grep -rn 'passed in' tests/", 'tests/test_summary.py:6:        self.assertIn("5 passed in 0.12s", run())'),
           shape="claude", expect=[], note="grep output"),
    record("d54", "What did CI say?", bash("gh run view 123 --log | tail -5", "test\tRun pytest\t2026-01-01T10:00:00Z ===== 40 passed in 9.01s ====="),
           shape="claude", expect=[], note="CI log viewed, not run here"),
    record("d55", "Check the last commit", bash("git log -1", "commit 1a2b3c4d\nAuthor: dev\n\n    Fix tests\n\n    test result: ok. 3 passed; 0 failed; 0 ignored"),
           shape="claude", expect=[], note="git log quoting a summary"),
    # build / lint / commit / timeout
    record("d56", "Build it", edit("src/main.rs"), bash("cargo build --release", "   Compiling shop v0.1.0 (/repo)\n    Finished `release` profile [optimized] target(s) in 12.31s"),
           shape="claude", expect=["build_passed"], note="cargo build pass"),
    record("d57", "Build it", edit("src/main.rs"), bash("cargo build", CARGO["compile"], 101), shape="claude",
           expect=["errors_occurred"], note="cargo build fails"),
    record("d58", "Build the site", patch("src/index.ts"), codex("npm run build", "\n> site@1.0.0 build\n> tsc\n\nsrc/index.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n", 2),
           shape="codex", expect=["errors_occurred"], note="npm build with tsc error"),
    record("d59", "Build the site", patch("src/index.ts"), codex("npm run build", "\n> site@1.0.0 build\n> tsc\n\n", 0),
           shape="codex", expect=["build_passed"], note="npm build silent success, exit 0"),
    record("d60", "Type-check", edit("src/app.py"), bash("mypy src", "Success: no issues found in 8 source files"),
           shape="claude", expect=["lint_clean"], note="mypy clean"),
    record("d61", "Type-check", edit("src/app.py"), bash("mypy src", MYPY_DIRTY, 1), shape="claude", expect=[], note="mypy errors"),
    record("d62", "Lint", edit("src/app.js"), bash("npx eslint src", ""), shape="claude", expect=["lint_clean"], note="eslint silent clean"),
    record("d63", "Lint", edit("src/app.js"), bash("npx eslint src", ESLINT_DIRTY, 1), shape="claude", expect=[], note="eslint problems"),
    record("d64", "Lint and test", edit("src/app.py"), bash("ruff check . && pytest -q", "All checks passed!\n" + P["quiet"]),
           shape="claude", expect=["lint_clean", "tests_passed", "zero_fix_iterations"], note="ruff and pytest chained"),
    record("d65", "Lint", edit("src/app.py"), bash("ruff check src", RUFF_DIRTY, 1), bash("ruff check --fix src", "Found 1 error (1 fixed, 0 remaining)."),
           shape="claude", expect=[], note="ruff --fix changes code; nothing re-checked after"),
    record("d66", "Commit", bash("git add -A && git commit -m 'Fix the 404'", "[fix/api-404 4e5f6a7] Fix the 404\n 1 file changed, 2 insertions(+), 1 deletion(-)"),
           shape="claude", expect=["committed"], note="commit"),
    record("d67", "Commit", bash("git commit -m 'Fix'", "[main (root-commit) 0a1b2c3] Fix\n 3 files changed, 40 insertions(+)"),
           shape="claude", expect=["committed"], note="root commit"),
    record("d68", "Commit", bash("git commit -am 'wip'", "ruff.....................................................................Failed\n- hook id: ruff\n- exit code: 1", 1),
           shape="claude", expect=[], note="pre-commit hook failed"),
    record("d69", "Commit", codex("git commit -m 'Add cart'", "[main 7c8d9e0] Add cart\n 2 files changed, 30 insertions(+)", 0),
           shape="codex", expect=["committed"], note="codex commit"),
    record("d70", "Run the e2e suite", bash_timeout("npx playwright test", "10m 0.0s"), shape="claude", expect=["timeout"],
           note="Bash timeout"),
    record("d71", "Run the slow test", edit("pkg/q.go"), bash("go test ./pkg/...", "panic: test timed out after 30s\n\ngoroutine 7 [running]:\ntesting.(*M).startAlarm.func1()\nFAIL\texample.com/pkg\t30.012s\nFAIL", 1),
           shape="claude", expect=["timeout", "errors_occurred"], note="go test timeout"),
    record("d72", "Why does it hang?", read("src/client.py", "def get(url):\n    # raises TimeoutError: read timed out after 30s\n    return http.get(url, timeout=30)"),
           shape="claude", expect=[], note="source mentioning timeouts"),
    record("d73", "Ping the service", bash("timeout 5 curl -s http://localhost:8080/health", "", 124), shape="claude",
           expect=["timeout"], note="timeout(1) exit 124"),
    # replies
    record("d74", "Rename it", edit("a.py"), reply="Thanks, works perfectly!", expect=["user_accepted"], note="en accept"),
    record("d75", "Rename it", edit("a.py"), reply="LGTM, merged.", expect=["user_accepted"], note="en lgtm"),
    record("d76", "Rename it", edit("a.py"), reply="No, that's wrong. Revert it.", expect=["user_rejected"], note="en reject"),
    record("d77", "Rename it", edit("a.py"), reply="It still doesn't work.", expect=["user_rejected"], note="en doesn't work"),
    record("d78", "Rename it", edit("a.py"), reply="Thanks, but the build is broken now.", expect=["user_rejected"], note="en contrast"),
    record("d79", "Rename it", edit("a.py"), reply="Does it work with Python 3.10?", expect=[], note="question"),
    record("d80", "Rename it", edit("a.py"), reply="Now add logging to the worker.", expect=[], note="new task, unclear"),
    record("d81", "Rename it", edit("a.py"), reply="No problem with the naming, thanks!", expect=["user_accepted"], note="no problem"),
    record("d82", "Rename it", edit("a.py"), reply="Perfekt, danke!", expect=["user_accepted"], note="de accept"),
    record("d83", "Rename it", edit("a.py"), reply="Das ist falsch, bitte rückgängig machen.", expect=["user_rejected"], note="de reject"),
    record("d84", "Rename it", edit("a.py"), reply="Funktioniert nicht.", expect=["user_rejected"], note="de funktioniert nicht"),
    record("d85", "Rename it", edit("a.py"), reply="Merci, ça marche !", expect=["user_accepted"], note="fr accept"),
    record("d86", "Rename it", edit("a.py"), reply="Ça ne marche pas.", expect=["user_rejected"], note="fr reject"),
    record("d87", "Rename it", edit("a.py"), reply="Gracias, funciona bien.", expect=["user_accepted"], note="es accept"),
    record("d88", "Rename it", edit("a.py"), reply="No funciona, está mal.", expect=["user_rejected"], note="es reject"),
    record("d89", "Rename it", edit("a.py"), reply="ありがとうございます！完璧です。", expect=["user_accepted"], note="ja accept"),
    record("d90", "Rename it", edit("a.py"), reply="違います。エラーが出ます。", expect=["user_rejected"], note="ja reject"),
    record("d91", "Rename it", edit("a.py"), reply="Hmm, let me think about it.", expect=[], note="unclear"),
    record("d92", "Rename it", edit("a.py"), reply="Not perfect yet, the names are still inconsistent.", expect=[], note="negated accept"),
    # combined
    record("d93", "Fix and commit", edit("src/api.py"), bash("pytest", P["pass"]),
           bash("git commit -am 'Fix 404'", "[main 5d6e7f8] Fix 404\n 1 file changed, 1 insertion(+)"),
           reply="Great, thanks!", shape="claude", expect=["tests_passed", "zero_fix_iterations", "committed", "user_accepted"],
           note="the gold shape"),
    record("d94", "Add the docs page", write("docs/page.md", "# Page\n"), shape="claude", expect=[], note="no runs at all"),
    # added after the real session 8463c716 (background tasks) and the collection's refused calls
    record("d95", "Fix the parser", edit("lib/spotter/parser.ex"),
           bash_background("mix test", "be613ab", [("==> file_system\nCompiling 7 files (.ex)", None),
                                                  ("==> file_system\nCompiling 7 files (.ex)\nRunning ExUnit with seed: 583328, max_cases: 32\n\n"
                                                   "....\nFinished in 0.8 seconds (0.8s async, 0.00s sync)\n49 tests, 0 failures", 0)]),
           shape="claude-real", expect=["tests_passed", "zero_fix_iterations"], note="background mix test finished by TaskOutput"),
    record("d96", "Run the suite", bash_background("mix test", "bae407b", [("==> ecto_sql\nCompiling 25 files (.ex)", None)]),
           shape="claude-real", expect=[], note="TaskOutput retrieval timeout while still running: no timeout, no verdict"),
    record("d97", "Run the tests", refused("pytest", "The user doesn't want to proceed with this tool use. The tool use was "
                                            "rejected (eg. if it was a file edit, the new_string was NOT written to the file)."),
           shape="claude", expect=[], note="the user refused the test run"),
    record("d98", "Fix it", edit("a.py"), bash("pytest -q", "3 passed in 0.05s"), write("NOTES.md", "# Notes\n"),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="notes written after the passing run"),
    record("d99", "Fix it", patch("src/a.ts"), codex("npx vitest --run", "      Tests  4 passed (4)\n", 0), patch("docs/README.md"),
           shape="codex", expect=["tests_passed", "zero_fix_iterations"], note="docs patched after the passing run"),
    record("d100", "Fix it", edit("a.py"),
           bash("pytest --cov=app --cov-fail-under=90", "FAIL Required test coverage of 90% not reached. Total coverage: 85.00%\n==== 10 passed in 1.02s ====", 1),
           shape="claude", expect=["errors_occurred"], note="tests pass but the coverage gate fails the run"),
    record("d101", "Run tests", refused("pytest", "<tool_use_error>Sibling tool call errored</tool_use_error>"),
           shape="claude", expect=[], note="cancelled: a sibling call failed"),
    record("d102", "Fix the flaky client", edit("src/client.py"),
           bash("pytest -q", "WARNING urllib3.connectionpool: Read timed out. Retrying (1/3)\n3 passed in 0.41s"),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="a retried timeout logged by a passing run"),
    record("d103", "Build the app", edit("src/App.js"),
           bash("npm run build", "> app@0.1.0 build\n> react-scripts build\n\nCreating an optimized production build...\n"
                "Compiled successfully.\n\nFile sizes after gzip:\n\n  46.6 kB  build/static/js/main.1c2d3e4f.js"),
           shape="claude", expect=["build_passed"], note="create-react-app build"),
    record("d104", "Run the check script", edit("src/a.py"), bash("python scripts/check.py", "checking...\n3 passed in 0.1s"),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="a wrapper script printing pytest's summary"),
    record("d105", "Run it all", edit("src/a.py"), bash("tox -e py312", "py312: commands[0]> pytest\n==== 8 passed in 0.3s ====\n"
                                                                   "  py312: OK (2.31=setup[1.2]+cmd[1.1] seconds)\n  congratulations :) (2.40 seconds)"),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="tox"),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("labelled.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
