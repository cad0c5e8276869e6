"""Writes holdout3.jsonl: a third held-out part, written without reading the detectors' sources,
from runners, tool shapes, replies and traps the earlier parts did not cover; committed before it
was measured, and measured once before any change. Labels follow the definitions (the issue and
benchmarks/signals.py) and the conventions the earlier parts set: verdicts count only after the last
code change; skipped-only, deselected-only and no-test runs give no verdict; a failing linter, type
checker or commit is not `errors_occurred`; `multiple_retries` needs two failed edit → run cycles
before the last one; a test command's own "BUILD SUCCESS" is not `build_passed`.
Run: `.venv/bin/python tests/signals/build_holdout3.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

from signals_shapes import (
    bash,
    bash_output,
    bash_timeout,
    codex,
    codex_long,
    codex_shell,
    codex_shell_command,
    edit,
    patch,
    patch_failed,
    read,
    read_missing,
    record,
    task,
    write,
)

# -- Python ---------------------------------------------------------------------------------------
XDIST = "============================= test session starts ==============================\nplatform linux -- Python 3.12.3, pytest-8.2.0, pluggy-1.5.0\nrootdir: /repo\nplugins: xdist-3.6.1\ncreated: 8/8 workers\n8 workers [214 items]\n\n........................................................................ [ 33%]\n........................................................................ [ 67%]\n......................................................................   [100%]\n============================= 214 passed in 6.02s =============================="
WARNINGS = "...............................                                          [100%]\n=============================== warnings summary ===============================\ntests/test_api.py::test_get\n  /repo/src/api.py:10: DeprecationWarning: datetime.datetime.utcnow() is deprecated\n    return datetime.utcnow()\n\n-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html\n31 passed, 1 warning in 0.88s"
VERBOSE_FAIL = "tests/test_cart.py::test_total PASSED                                    [ 33%]\ntests/test_cart.py::test_empty PASSED                                    [ 66%]\ntests/test_cart.py::test_discount FAILED                                 [100%]\n\n=================================== FAILURES ===================================\n________________________________ test_discount _________________________________\n\n    def test_discount():\n>       assert discount(100) == 90\nE       assert 100 == 90\n\ntests/test_cart.py:14: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_cart.py::test_discount - assert 100 == 90\n========================= 1 failed, 2 passed in 0.05s =========================="
SETUP_ERRORS = "..........EE                                                             [100%]\n==================================== ERRORS ====================================\n__________________________ ERROR at setup of test_db ___________________________\nfixture 'postgres' not found\n=========================== short test summary info ============================\nERROR tests/test_db.py::test_db\nERROR tests/test_db.py::test_db_rollback\n======================== 10 passed, 2 errors in 0.51s ========================="
ALL_DESELECTED = "============================= test session starts ==============================\ncollected 40 items / 40 deselected / 0 selected\n\n=========================== 40 deselected in 0.12s ============================"
SKIPPED_DESELECTED = "collected 7 items / 5 deselected / 2 selected\n\ntests/test_gpu.py ss                                                     [100%]\n\n======================= 2 skipped, 5 deselected in 0.02s ======================="
XFAIL = "..................xxX                                                    [100%]\n18 passed, 2 xfailed, 1 xpassed in 0.40s"
RERUN = "tests/test_net.py ..R.                                                   [100%]\n\n========================== 4 passed, 1 rerun in 1.10s =========================="
PYTEST_TIMEOUT = "tests/test_net.py .....F                                                 [100%]\n\n=================================== FAILURES ===================================\n__________________________________ test_fetch __________________________________\nE       Failed: Timeout (>10.0s) from pytest-timeout.\n=========================== short test summary info ============================\nFAILED tests/test_net.py::test_fetch - Failed: Timeout (>10.0s) from pytest-timeout.\n========================= 1 failed, 5 passed in 10.42s ========================="
TIMEOUT_NAMED = "tests/test_client.py::test_timeout_is_raised PASSED                      [ 50%]\ntests/test_client.py::test_retry_after_timeout PASSED                    [100%]\n\n============================== 2 passed in 0.07s ==============================="
COLLECT_ONLY = "<Module tests/test_cart.py>\n  <Function test_total>\n  <Function test_empty>\n\n========================== 2 tests collected in 0.01s =========================="
UNITTEST_VERBOSE_ERR = "test_add (test_calc.CalcTest.test_add) ... ok\ntest_div (test_calc.CalcTest.test_div) ... ERROR\n\n======================================================================\nERROR: test_div (test_calc.CalcTest.test_div)\n----------------------------------------------------------------------\nTraceback (most recent call last):\n  File \"/repo/test_calc.py\", line 9, in test_div\n    self.assertEqual(div(1, 0), 0)\nZeroDivisionError: division by zero\n\n----------------------------------------------------------------------\nRan 2 tests in 0.001s\n\nFAILED (errors=1)"
DJANGO = "Found 24 test(s).\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n........................\n----------------------------------------------------------------------\nRan 24 tests in 0.312s\n\nOK\nDestroying test database for alias 'default'..."
NOSE2_SKIP = "..s.\n----------------------------------------------------------------------\nRan 4 tests in 0.002s\n\nOK (skipped=1)"
TOX_FAIL = "py312: commands[0]> pytest -q\n..F\nFAILED tests/test_a.py::test_x - assert 1 == 2\n1 failed, 2 passed in 0.12s\npy312: exit 1 (0.50 seconds) /repo> pytest -q pid=4242\n  py312: FAIL code 1 (1.20=setup[0.70]+cmd[0.50] seconds)\n  evaluation failed :( (1.30 seconds)"
NOX_PASS = "nox > Running session tests-3.12\nnox > Creating virtual environment (virtualenv) using python3.12 in .nox/tests-3-12\nnox > python -m pip install -e '.[test]'\nnox > pytest\n........                                                                 [100%]\n8 passed in 0.21s\nnox > Session tests-3.12 was successful in 9 seconds."
MAKE_PYTEST_FAIL = "python -m pytest -q\n..F.\nFAILED tests/test_io.py::test_write - PermissionError: [Errno 13] Permission denied\n1 failed, 3 passed in 0.09s\nmake: *** [Makefile:14: test] Error 1"

# -- Go, Rust -------------------------------------------------------------------------------------
GO_VERBOSE = "=== RUN   TestParse\n=== RUN   TestParse/empty\n=== RUN   TestParse/nested\n--- PASS: TestParse (0.00s)\n    --- PASS: TestParse/empty (0.00s)\n    --- PASS: TestParse/nested (0.00s)\n=== RUN   TestDump\n--- PASS: TestDump (0.00s)\nPASS\nok  \texample.com/conf\t0.004s"
GO_JSON_FAIL = '{"Action":"start","Package":"example.com/conf"}\n{"Action":"run","Package":"example.com/conf","Test":"TestDump"}\n{"Action":"output","Package":"example.com/conf","Test":"TestDump","Output":"    conf_test.go:30: got \\"a\\", want \\"b\\"\\n"}\n{"Action":"fail","Package":"example.com/conf","Test":"TestDump","Elapsed":0}\n{"Action":"output","Package":"example.com/conf","Output":"FAIL\\n"}\n{"Action":"fail","Package":"example.com/conf","Elapsed":0.006}'
GO_NO_FILES = "?   \texample.com/tools/gen\t[no test files]\n?   \texample.com/tools/lint\t[no test files]"
CARGO_FILTERED = "    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.08s\n     Running unittests src/lib.rs (target/debug/deps/shop-1f2e3d4c5b6a7980)\n\nrunning 0 tests\n\ntest result: ok. 0 passed; 0 failed; 0 ignored; 0 measured; 12 filtered out; finished in 0.00s"
CARGO_SECOND_BIN_FAIL = "     Running unittests src/lib.rs (target/debug/deps/shop-1f2e3d4c5b6a7980)\n\nrunning 3 tests\ntest a ... ok\ntest b ... ok\ntest c ... ok\n\ntest result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s\n\n     Running tests/api.rs (target/debug/deps/api-0a9b8c7d6e5f4a3b)\n\nrunning 2 tests\ntest get ... ok\ntest post ... FAILED\n\nfailures:\n\n---- post stdout ----\nthread 'post' panicked at tests/api.rs:20:5:\nassertion failed: resp.ok()\n\nfailures:\n    post\n\ntest result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\nerror: test failed, to rerun pass `--test api`"
NEXTEST_PASS = "    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.11s\n    Starting 24 tests across 3 binaries (2 tests skipped)\n        PASS [   0.004s] shop cart::total\n        PASS [   0.006s] shop cart::empty\n------------\n     Summary [   0.210s] 24 tests run: 24 passed, 2 skipped"

# -- JavaScript -----------------------------------------------------------------------------------
VITEST_SKIPS = " ✓ src/date.test.ts (12 tests | 2 skipped) 9ms\n\n Test Files  1 passed (1)\n      Tests  10 passed | 2 skipped (12)\n   Start at  14:02:11\n   Duration  640ms"
AVA_PASS = "  ✔ sum › adds\n  ✔ sum › subtracts\n  ✔ sum › multiplies\n  ─\n\n  3 tests passed"
AVA_FAIL = "  ✔ sum › adds\n  ✘ [fail]: sum › subtracts Difference is not what was expected\n  ─\n\n  sum › subtracts\n\n  test/sum.js:9\n\n   8: test('subtracts', t => {\n   9:   t.is(sub(3, 1), 1);\n  10: });\n\n  Difference (- actual, + expected):\n\n  - 2\n  + 1\n\n  ─\n\n  1 test failed"
NODE_TEST_FAIL = "✔ parses an empty file (0.61ms)\n✖ parses a nested list (1.2ms)\n  AssertionError [ERR_ASSERTION]: Expected values to be strictly deep-equal\nℹ tests 3\nℹ suites 0\nℹ pass 2\nℹ fail 1\nℹ cancelled 0\nℹ skipped 0\nℹ todo 0\nℹ duration_ms 61.4"
NODE_TAP_PASS = "TAP version 13\n# Subtest: parses an empty file\nok 1 - parses an empty file\n  ---\n  duration_ms: 0.61\n  ...\n# Subtest: parses a nested list\nok 2 - parses a nested list\n  ---\n  duration_ms: 1.2\n  ...\n1..2\n# tests 2\n# suites 0\n# pass 2\n# fail 0\n# cancelled 0\n# skipped 0\n# todo 0\n# duration_ms 48.9"
BUN_FAIL = "src/slug.test.ts:\n✓ slug > lowercases [0.11ms]\n✗ slug > strips accents [0.32ms]\n\n 1 pass\n 1 fail\n 2 expect() calls\nRan 2 tests across 1 files. [14.00ms]"
DENO_PASS = "running 4 tests from ./slug_test.ts\nlowercases ... ok (1ms)\nstrips accents ... ok (0ms)\ntrims ... ok (0ms)\ncollapses dashes ... ok (0ms)\n\nok | 4 passed | 0 failed (15ms)"
PLAYWRIGHT_PASS = "Running 12 tests using 4 workers\n\n  12 passed (8.1s)\n\nTo open last HTML report run:\n\n  npx playwright show-report"
PLAYWRIGHT_FLAKY = "Running 12 tests using 4 workers\n\n  1 flaky\n    [chromium] › tests/login.spec.ts:12:5 › logs in with a magic link\n  11 passed (10.2s)"
PLAYWRIGHT_FAIL = "Running 6 tests using 2 workers\n\n  1) [firefox] › tests/cart.spec.ts:8:5 › adds an item ──────────────────────────\n\n    Error: Timed out 5000ms waiting for expect(locator).toHaveText(expected)\n\n    Locator: getByTestId('count')\n    Expected string: \"1\"\n    Received string: \"0\"\n\n  1 failed\n    [firefox] › tests/cart.spec.ts:8:5 › adds an item ───────────────────────────\n  5 passed (12.4s)"
NPM_JEST_FAIL = "\n> web@2.0.0 test\n> jest\n\n FAIL  src/price.test.js\n  ● price › rounds half up\n\n    expect(received).toBe(expected) // Object.is equality\n\n    Expected: 3\n    Received: 2\n\nTest Suites: 1 failed, 5 passed, 6 total\nTests:       1 failed, 40 passed, 41 total\nSnapshots:   0 total\nTime:        2.9 s\nnpm error Lifecycle script `test` failed with error:\nnpm error code 1\nnpm error path /repo\nnpm error workspace web@2.0.0\nnpm error location /repo\nnpm error command failed\nnpm error command sh -c jest"
YARN_MOCHA_FAIL = "yarn run v1.22.19\n$ mocha\n\n\n  slug\n    ✔ lowercases\n    1) strips accents\n\n\n  1 passing (9ms)\n  1 failing\n\n  1) slug\n       strips accents:\n     AssertionError [ERR_ASSERTION]: 'cafe' == 'café'\n\nerror Command failed with exit code 1.\ninfo Visit https://yarnpkg.com/en/docs/cli/run for documentation about this command."
PNPM_FAIL_TAIL = " ❯ src/api.test.ts (8 tests | 1 failed) 40ms\n\n Test Files  1 failed | 3 passed (4)\n      Tests  1 failed | 29 passed (30)\n ELIFECYCLE  Test failed. See above for more details."
JEST_TIMEOUT = " FAIL  src/sync.test.js (6.2 s)\n  ● sync › uploads the batch\n\n    thrown: \"Exceeded timeout of 5000 ms for a test.\n    Add a timeout value to this test to increase the timeout, if this is a long-running test. See https://jestjs.io/docs/api#testname-fn-timeout.\"\n\nTest Suites: 1 failed, 1 total\nTests:       1 failed, 3 passed, 4 total\nSnapshots:   0 total\nTime:        6.5 s"
MOCHA_TIMEOUT = "\n  upload\n    ✔ signs the request\n    1) retries on 503\n\n\n  1 passing (2s)\n  1 failing\n\n  1) upload\n       retries on 503:\n     Error: Timeout of 2000ms exceeded. For async tests and hooks, ensure \"done()\" is called; if returning a Promise, ensure it resolves. (/repo/test/upload.spec.js)\n"

# -- JVM, Ruby, PHP, .NET, Apple, C/C++, Elixir, Dart, Zig, Bazel --------------------------------
MVN_ERRORS = "[INFO] Running com.acme.RepoTest\n[ERROR] Tests run: 6, Failures: 0, Errors: 2, Skipped: 1, Time elapsed: 1.2 s <<< FAILURE! -- in com.acme.RepoTest\n[ERROR] com.acme.RepoTest.saves -- Time elapsed: 0.3 s <<< ERROR!\njava.lang.NullPointerException: Cannot invoke \"javax.sql.DataSource.getConnection()\" because \"this.ds\" is null\n[INFO]\n[INFO] Results:\n[INFO]\n[ERROR] Errors:\n[ERROR]   RepoTest.saves:22 NullPointer\n[ERROR]   RepoTest.loads:31 NullPointer\n[INFO]\n[ERROR] Tests run: 12, Failures: 0, Errors: 2, Skipped: 1\n[INFO]\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD FAILURE\n[INFO] ------------------------------------------------------------------------"
MVN_REACTOR = "[INFO] Results:\n[INFO]\n[INFO] Tests run: 30, Failures: 0, Errors: 0, Skipped: 2\n[INFO]\n[INFO] ------------------------------------------------------------------------\n[INFO] Reactor Summary for shop 1.0.0-SNAPSHOT:\n[INFO]\n[INFO] shop-core .......................................... SUCCESS [  3.104 s]\n[INFO] shop-api ........................................... SUCCESS [  2.218 s]\n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD SUCCESS\n[INFO] ------------------------------------------------------------------------\n[INFO] Total time:  5.611 s"
GRADLE_KT_FAIL = "> Task :app:test FAILED\n\nAppTest > greets the user() FAILED\n    java.lang.AssertionError at AppTest.kt:12\n\n3 tests completed, 1 failed\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':app:test'.\n> There were failing tests. See the report at: file:///repo/app/build/reports/tests/test/index.html\n\nBUILD FAILED in 4s\n5 actionable tasks: 2 executed, 3 up-to-date"
GRADLE_BUILD = "> Task :app:compileKotlin\n> Task :app:compileJava NO-SOURCE\n> Task :app:jar\n> Task :app:assemble\n> Task :app:build\n\nBUILD SUCCESSFUL in 11s\n9 actionable tasks: 9 executed"
RSPEC_PENDING_PASS = "Randomized with seed 41234\n..........*..*...\n\nPending: (Failures listed here are expected and do not affect your suite's status)\n\n  1) Invoice#pdf renders the logo\n     # Not yet implemented\n\nFinished in 1.2 seconds (files took 0.52 seconds to load)\n42 examples, 0 failures, 3 pending\n\nRandomized with seed 41234"
MINITEST_PASS = "Run options: --seed 4242\n\n# Running:\n\n..........\n\nFinished in 0.012345s, 810.0 runs/s, 1620.1 assertions/s.\n\n10 runs, 20 assertions, 0 failures, 0 errors, 0 skips"
RAILS_FAIL = "Running 5 tests in a single process (parallelization threshold is 50)\nRun options: --seed 1811\n\n# Running:\n\nF\n\nFailure:\nUserTest#test_valid [test/models/user_test.rb:5]:\nExpected false to be truthy.\n\n\nbin/rails test test/models/user_test.rb:4\n\n....\n\nFinished in 0.104s, 48.1 runs/s, 57.7 assertions/s.\n5 runs, 6 assertions, 1 failures, 0 errors, 0 skips"
PHPUNIT_PASS = "PHPUnit 11.0.3 by Sebastian Bergmann and contributors.\n\nRuntime:       PHP 8.3.2\nConfiguration: /repo/phpunit.xml\n\n.....                                                               5 / 5 (100%)\n\nTime: 00:00.012, Memory: 8.00 MB\n\nOK (5 tests, 9 assertions)"
PEST_FAIL = "   PASS  Tests\\Unit\\CartTest\n  ✓ it sums the items                                                  0.01s\n\n   FAIL  Tests\\Feature\\CheckoutTest\n  ⨯ it charges the card                                                0.04s\n  ────────────────────────────────────────────────────────────────────────────\n   FAILED  Tests\\Feature\\CheckoutTest > it charges the card\n  Failed asserting that 402 is identical to 200.\n\n  Tests:    1 failed, 3 passed (8 assertions)\n  Duration: 0.21s"
DOTNET_FAIL = "  Shop.Tests -> /repo/tests/bin/Debug/net8.0/Shop.Tests.dll\nTest run for /repo/tests/bin/Debug/net8.0/Shop.Tests.dll (.NETCoreApp,Version=v8.0)\nStarting test execution, please wait...\n  Failed Shop.Tests.CartTests.Total [12 ms]\n  Error Message:\n   Assert.Equal() Failure: Values differ\nExpected: 10\nActual:   9\n\nFailed!  - Failed:     1, Passed:    11, Skipped:     0, Total:    12, Duration: 50 ms - Shop.Tests.dll (net8.0)"
DOTNET9_PASS = "Restore complete (0.4s)\n  Shop succeeded (1.1s) → src/bin/Debug/net9.0/Shop.dll\n  Shop.Tests test succeeded (2.0s)\n\nTest summary: total: 12, failed: 0, succeeded: 12, skipped: 0, duration: 0.9s\nBuild succeeded in 3.1s"
SWIFT_PASS = "Building for debugging...\n[5/5] Linking ShopPackageTests\nBuild complete! (2.41s)\nTest Suite 'All tests' started at 2026-01-05 10:00:00.100.\nTest Suite 'ShopPackageTests.xctest' started at 2026-01-05 10:00:00.101.\nTest Suite 'ShopPackageTests.xctest' passed at 2026-01-05 10:00:00.130.\n\t Executed 12 tests, with 0 failures (0 unexpected) in 0.028 (0.029) seconds\nTest Suite 'All tests' passed at 2026-01-05 10:00:00.131.\n\t Executed 12 tests, with 0 failures (0 unexpected) in 0.028 (0.030) seconds\n◇ Test run started.\n↳ Testing Library Version: 6.0.3\n✔ Test run with 0 tests passed after 0.001 seconds."
XCODE_FAIL = "Test Suite 'ShopTests' started at 2026-01-05 10:00:00.000.\nTest Case '-[ShopTests.CartTests testTotal]' started.\n/repo/ShopTests/CartTests.swift:14: error: -[ShopTests.CartTests testTotal] : XCTAssertEqual failed: (\"9\") is not equal to (\"10\")\nTest Case '-[ShopTests.CartTests testTotal]' failed (0.004 seconds).\nTest Suite 'ShopTests' failed at 2026-01-05 10:00:00.010.\n\t Executed 8 tests, with 1 failure (0 unexpected) in 0.021 (0.024) seconds\n\nFailing tests:\n\tCartTests.testTotal()\n\n** TEST FAILED **"
CTEST_DISABLED = "Test project /repo/build\n    Start 1: unit\n1/3 Test #1: unit .............................   Passed    0.02 sec\n    Start 2: io\n2/3 Test #2: io ...............................   Passed    0.05 sec\n    Start 3: gpu\n3/3 Test #3: gpu ..............................***Not Run (Disabled)   0.00 sec\n\n100% tests passed, 0 tests failed out of 2\n\nTotal Test time (real) =   0.08 sec\n\nThe following tests did not run:\n\t  3 - gpu (Disabled)"
MIX_EXCLUDED = "Running ExUnit with seed: 118, max_cases: 16\nExcluding tags: [:integration]\n\n.........................................\nFinished in 0.3 seconds (0.2s async, 0.1s sync)\n42 tests, 0 failures, 3 excluded"
MIX_INVALID = "Running ExUnit with seed: 7, max_cases: 16\n\n\n  1) RepoTest: failure on setup_all callback, all tests have been invalidated\n     ** (DBConnection.ConnectionError) connection not available and request was dropped from queue after 2000ms\n\n\nFinished in 2.1 seconds (0.00s async, 2.1s sync)\n10 tests, 0 failures, 10 invalid"
DART_PASS = "00:00 +0: loading test/slug_test.dart\n00:01 +12: All tests passed!"
FLUTTER_FAIL = "00:03 +10: /repo/test/widget_test.dart: Counter increments\n══╡ EXCEPTION CAUGHT BY FLUTTER TEST FRAMEWORK ╞═════════════════\nExpected: '1'\n  Actual: '0'\n00:05 +10 -2: Some tests failed."
ZIG_FAIL = "test\n└─ run test 4/5 passed, 1 failed\nerror: 'test.parse nested' failed: expected 3, found 2\n/repo/src/parse.zig:40:5: 0x1037f0 in test.parse nested (test)\nerror: while executing test 'test.parse nested', the following test command failed:\n/repo/.zig-cache/o/ab12/test\nBuild Summary: 3/5 steps succeeded; 1 failed; 4/5 tests passed; 1 failed\ntest transitive failure\n└─ run test 4/5 passed, 1 failed"
BAZEL_PASS = "INFO: Analyzed target //src:cart_test (2 packages loaded, 9 targets configured).\nINFO: Found 1 test target...\nTarget //src:cart_test up-to-date:\n  bazel-bin/src/cart_test\nINFO: Elapsed time: 3.102s, Critical Path: 1.21s\nINFO: 6 processes: 3 internal, 3 linux-sandbox.\nINFO: Build completed successfully, 6 total actions\n//src:cart_test                                                          PASSED in 0.4s\n\nExecuted 1 out of 1 test: 1 test passes."
BAZEL_FAIL = "INFO: Found 2 test targets...\nFAIL: //src:cart_test (see /root/.cache/bazel/_bazel_root/1a2b/execroot/_main/bazel-out/k8-fastbuild/testlogs/src/cart_test/test.log)\nINFO: Elapsed time: 2.9s, Critical Path: 1.1s\nINFO: Build completed, 1 test FAILED, 6 total actions\n//src:price_test                                                         PASSED in 0.3s\n//src:cart_test                                                          FAILED in 0.5s\n  /root/.cache/bazel/_bazel_root/1a2b/execroot/_main/bazel-out/k8-fastbuild/testlogs/src/cart_test/test.log\n\nExecuted 2 out of 2 tests: 1 test passes and 1 fails locally."

# -- Builds, linters, commits ----------------------------------------------------------------------
WEBPACK_OK = "asset main.js 142 KiB [emitted] [minimized] (name: main)\norphan modules 310 KiB [orphan] 61 modules\nruntime modules 1.04 KiB 5 modules\n./src/index.ts + 60 modules 305 KiB [built] [code generated]\nwebpack 5.91.0 compiled successfully in 2841 ms"
WEBPACK_ERR = "asset main.js 140 KiB [emitted] [minimized] (name: main)\n\nERROR in ./src/index.ts 3:0-31\nModule not found: Error: Can't resolve './cart' in '/repo/src'\n\nwebpack 5.91.0 compiled with 1 error in 1203 ms"
NEXT_BUILD = "\n> shop@0.1.0 build\n> next build\n\n   ▲ Next.js 14.2.3\n\n   Creating an optimized production build ...\n ✓ Compiled successfully\n ✓ Linting and checking validity of types\n ✓ Collecting page data\n ✓ Generating static pages (5/5)\n ✓ Finalizing page optimization\n\nRoute (app)                              Size     First Load JS\n┌ ○ /                                    5.2 kB         92.1 kB\n└ ○ /_not-found                          871 B          87.8 kB"
DOTNET_BUILD_FAIL = "  Determining projects to restore...\n  All projects are up-to-date for restore.\n/repo/src/Cart.cs(12,20): error CS0103: The name 'discount' does not exist in the current context [/repo/src/Shop.csproj]\n\nBuild FAILED.\n\n/repo/src/Cart.cs(12,20): error CS0103: The name 'discount' does not exist in the current context [/repo/src/Shop.csproj]\n    0 Warning(s)\n    1 Error(s)\n\nTime Elapsed 00:00:01.92"
MAKE_C_OK = "cc -O2 -Wall -c main.c -o main.o\ncc -O2 -Wall -c util.c -o util.o\ncc -o app main.o util.o"
MAKE_C_FAIL = "cc -O2 -Wall -c main.c -o main.o\nmain.c: In function 'main':\nmain.c:10:5: error: implicit declaration of function 'parse_args' [-Wimplicit-function-declaration]\n   10 |     parse_args(argc, argv);\n      |     ^~~~~~~~~~\nmake: *** [Makefile:5: main.o] Error 1"
CARGO_BUILD_WARN = "   Compiling shop v0.1.0 (/repo)\nwarning: unused variable: `tax`\n --> src/cart.rs:8:9\n  |\n8 |     let tax = 0.2;\n  |         ^^^ help: if this is intentional, prefix it with an underscore: `_tax`\n  |\n  = note: `#[warn(unused_variables)]` on by default\n\nwarning: `shop` (lib) generated 1 warning\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1.84s"
XCODE_BUILD = "Command line invocation:\n    /Applications/Xcode.app/Contents/Developer/usr/bin/xcodebuild -scheme Shop build\n\nCompileSwift normal arm64 /repo/Shop/Cart.swift (in target 'Shop' from project 'Shop')\nLd /repo/build/Debug/Shop.app/Contents/MacOS/Shop normal (in target 'Shop' from project 'Shop')\n\n** BUILD SUCCEEDED **"
CLIPPY_CLEAN = "    Checking shop v0.1.0 (/repo)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.93s"
CLIPPY_WARN = "    Checking shop v0.1.0 (/repo)\nwarning: this `if` has identical blocks\n  --> src/cart.rs:21:9\n   |\n   = help: for further information visit https://rust-lang.github.io/rust-clippy/master/index.html#if_same_then_else\n   = note: `#[warn(clippy::if_same_then_else)]` on by default\n\nwarning: `shop` (lib) generated 1 warning\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.88s"
RUBOCOP_CLEAN = "Inspecting 12 files\n............\n\n12 files inspected, no offenses detected"
RUBOCOP_DIRTY = "Inspecting 12 files\n..C.........\n\nOffenses:\n\napp/models/user.rb:3:5: C: [Correctable] Style/StringLiterals: Prefer single-quoted strings when you don't need string interpolation or special symbols.\n    \"name\"\n    ^^^^^^\n\n12 files inspected, 1 offense detected, 1 offense autocorrectable"
PRETTIER_CLEAN = "Checking formatting...\nAll matched files use Prettier code style!"
PRETTIER_DIRTY = "Checking formatting...\n[warn] src/cart.ts\n[warn] Code style issues found in the above file. Run Prettier with --write to fix."
PYRIGHT_CLEAN = "0 errors, 0 warnings, 0 informations "
COMMIT_AMEND = "[main 9f8e7d6] Fix the typo in the README\n Date: Tue Jan 6 10:00:00 2026 +0100\n 1 file changed, 1 insertion(+), 1 deletion(-)"
HOOK_FAIL = "black....................................................................Passed\nmypy.....................................................................Failed\n- hook id: mypy\n- exit code: 1\n\nsrc/app.py:12: error: Incompatible return value type (got \"str\", expected \"int\")  [return-value]\nFound 1 error in 1 file (checked 1 source file)"
NO_IDENTITY = "Author identity unknown\n\n*** Please tell me who you are.\n\nRun\n\n  git config --global user.email \"you@example.com\"\n  git config --global user.name \"Your Name\"\n\nto set your account's default identity.\nOmit --global to set the identity only in this repository.\n\nfatal: unable to auto-detect email address (got 'dev@box.(none)')"

# -- Traps: runner-like text that is not a run here -----------------------------------------------
JEST_TEST_SOURCE = "describe('summary', () => {\n  it('parses the jest footer', () => {\n    expect(parse('Tests:       1 failed, 3 passed, 4 total')).toEqual({ failed: 1 });\n    expect(parse('Tests:       4 passed, 4 total')).toEqual({ failed: 0 });\n  });\n});"
GREP_LOG = "build.log:120:FAILED tests/test_io.py::test_write - PermissionError\nbuild.log:121:1 failed, 3 passed in 0.09s\nbuild.log:240:42 passed in 1.80s"
JUNIT_XML = '<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest" errors="0" failures="0" skipped="0" tests="42" time="1.8"><testcase classname="tests.test_api" name="test_get" time="0.01"/></testsuite></testsuites>'
GH_CHECKS = "All checks were successful\n0 failing, 0 successful, 0 skipped, and 0 pending checks\n\n✓  test (3.12)  2m3s  https://github.com/acme/shop/actions/runs/1/job/2\n✓  lint         41s   https://github.com/acme/shop/actions/runs/1/job/3"
LISTED = "/repo/src/cart.test.js\n/repo/src/price.test.js\n/repo/src/slug.test.js"
CODEX_TRUNCATED_PASS = "\n> web@2.0.0 test\n> jest --verbose\n\n PASS  src/a.test.js\n  ✓ one (2 ms)\n…5120 tokens truncated…  ✓ ninety-nine (1 ms)\n\nTest Suites: 14 passed, 14 total\nTests:       211 passed, 211 total\nSnapshots:   3 passed, 3 total\nTime:        9.81 s\nRan all test suites."
CLAUDE_TRUNCATED_FAIL = "tests/test_big.py ........................................................ [  5%]\ntests/test_big.py ........................................................ [ 10%]\n\n... [1423 lines truncated] ..."

records = [
    # pytest flavours
    record("m01", "Speed up the suite", edit("conftest.py"), bash("pytest -n auto", XDIST), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="pytest-xdist pass"),
    record("m02", "Fix the api", edit("src/api.py"), bash("pytest -q", WARNINGS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="pytest -q with a warnings summary"),
    record("m03", "Fix the discount", edit("src/cart.py"), bash("pytest -v tests/test_cart.py", VERBOSE_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="pytest -v with PASSED/FAILED per test and a failure"),
    record("m04", "Add db tests", write("tests/test_db.py", "def test_db(postgres): ...\n"), bash("pytest -q", SETUP_ERRORS, 1),
           shape="claude", expect=["errors_occurred"], note="pytest errors at setup, no failures"),
    record("m05", "Run the slow ones", codex("pytest -m slow", ALL_DESELECTED, 5), shape="codex",
           expect=[], note="pytest: everything deselected, exit 5"),
    record("m06", "Run the gpu tests", bash("pytest -m gpu", SKIPPED_DESELECTED), shape="claude",
           expect=[], note="pytest: 0 passed, only skipped and deselected"),
    record("m07", "Fix the parser", edit("src/parse.py"), bash("pytest -q", XFAIL), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="pytest xfailed/xpassed (not strict) pass"),
    record("m08", "Fix the client", edit("src/net.py"), bash("pytest --reruns 2 tests/test_net.py", RERUN), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="flaky test rerun then pass"),
    record("m09", "Fix the fetch", edit("src/net.py"), bash("pytest tests/test_net.py", PYTEST_TIMEOUT, 1), shape="claude",
           expect=["errors_occurred", "timeout"], note="pytest-timeout failure"),
    record("m10", "Harden the client", edit("src/client.py"), bash("pytest -v tests/test_client.py", TIMEOUT_NAMED), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="passing tests named after timeouts"),
    record("m11", "Which tests exist?", bash("pytest --collect-only -q tests/test_cart.py", COLLECT_ONLY), shape="claude",
           expect=[], note="pytest --collect-only"),
    record("m12", "Fix div", edit("calc.py"), bash("python -m unittest -v test_calc", UNITTEST_VERBOSE_ERR, 1), shape="claude",
           expect=["errors_occurred"], note="unittest -v with an ERROR"),
    record("m13", "Fix the view", patch("shop/views.py"), codex("python manage.py test", DJANGO, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="django test runner"),
    record("m14", "Fix the util", edit("util.py"), bash("nose2 -v", NOSE2_SKIP), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="nose2 OK with one skip"),
    record("m15", "Fix x", edit("src/a.py"), bash("tox -e py312", TOX_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="tox: failing env"),
    record("m16", "Fix x", patch("src/a.py"), codex_shell_command("nox -s tests-3.12", NOX_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="nox session successful (shell_command shape)"),
    record("m17", "Fix write", edit("src/io.py"), bash("make test", MAKE_PYTEST_FAIL, 2), shape="claude",
           expect=["errors_occurred"], note="make test wrapping a failing pytest"),
    # go, rust
    record("m18", "Fix parse", edit("conf.go"), bash("go test -v ./...", GO_VERBOSE), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="go test -v pass"),
    record("m19", "Fix dump", patch("conf.go"), codex("go test -json ./...", GO_JSON_FAIL, 1), shape="codex",
           expect=["errors_occurred"], note="go test -json failure"),
    record("m20", "Run the tool tests", codex("go test ./tools/...", GO_NO_FILES, 0), shape="codex",
           expect=[], note="go: no test files only"),
    record("m21", "Run the cart tests", edit("src/cart.rs"), bash("cargo test cart::", CARGO_FILTERED), shape="claude",
           expect=[], note="cargo: 0 passed, all filtered out"),
    record("m22", "Fix the api", edit("src/api.rs"), bash("cargo test", CARGO_SECOND_BIN_FAIL, 101), shape="claude",
           expect=["errors_occurred"], note="cargo: first binary ok, second FAILED"),
    record("m23", "Fix the cart", patch("src/cart.rs"), codex("cargo nextest run", NEXTEST_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="nextest pass"),
    # javascript
    record("m24", "Fix dates", patch("src/date.ts"), codex("npx vitest run src/date.test.ts", VITEST_SKIPS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="vitest pass with skips (subset run)"),
    record("m25", "Fix sum", edit("sum.js"), bash("npx ava", AVA_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="ava pass"),
    record("m26", "Fix sub", edit("sum.js"), bash("npx ava", AVA_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="ava fail"),
    record("m27", "Fix the list parser", edit("parse.mjs"), bash("node --test", NODE_TEST_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="node:test spec reporter failure"),
    record("m28", "Fix the list parser", patch("parse.mjs"), codex("node --test --test-reporter=tap", NODE_TAP_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="node:test TAP pass"),
    record("m29", "Fix slug", edit("src/slug.ts"), bash("bun test", BUN_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="bun test fail"),
    record("m30", "Fix slug", edit("slug.ts"), bash("deno test", DENO_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="deno test pass"),
    record("m31", "Fix login", edit("src/login.tsx"), bash("npx playwright test", PLAYWRIGHT_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="playwright pass"),
    record("m32", "Fix login", patch("src/login.tsx"), codex("npx playwright test", PLAYWRIGHT_FLAKY, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="playwright: one flaky, exit 0"),
    record("m33", "Fix the cart", edit("src/cart.tsx"), bash("npx playwright test --project=firefox", PLAYWRIGHT_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="playwright failure whose message says 'Timed out' waiting for an assertion"),
    record("m34", "Fix rounding", patch("src/price.js"), codex("npm test", NPM_JEST_FAIL, 1), shape="codex",
           expect=["errors_occurred"], note="npm 10 lifecycle error after a jest failure"),
    record("m35", "Fix accents", edit("src/slug.js"), bash("yarn test", YARN_MOCHA_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="yarn wrapping mocha"),
    record("m36", "Fix the api", patch("src/api.ts"), codex("pnpm test 2>&1 | tail -4", PNPM_FAIL_TAIL, 0), shape="codex",
           expect=["errors_occurred"], note="pnpm vitest failure piped to tail: exit 0 from tail"),
    record("m37", "Fix sync", edit("src/sync.js"), bash("npx jest src/sync.test.js", JEST_TIMEOUT, 1), shape="claude",
           expect=["errors_occurred", "timeout"], note="jest test exceeded its timeout"),
    record("m38", "Fix retries", edit("lib/upload.js"), bash("npx mocha", MOCHA_TIMEOUT, 1), shape="claude",
           expect=["errors_occurred", "timeout"], note="mocha: Timeout of 2000ms exceeded"),
    # jvm, ruby, php, .net, apple, c++, elixir, dart, zig, bazel
    record("m39", "Fix the repo", edit("src/main/java/com/acme/Repo.java"), bash("mvn test", MVN_ERRORS, 1), shape="claude",
           expect=["errors_occurred"], note="surefire errors, zero failures"),
    record("m40", "Fix the api", patch("shop-api/src/main/java/Api.java"), codex("mvn -B test", MVN_REACTOR, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="maven reactor pass with skipped"),
    record("m41", "Fix greeting", edit("app/src/main/kotlin/App.kt"), bash("./gradlew :app:test", GRADLE_KT_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="gradle kotlin test failure"),
    record("m42", "Fix the invoice", edit("app/models/invoice.rb"), bash("bundle exec rspec", RSPEC_PENDING_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="rspec pass with pending"),
    record("m43", "Fix the lib", edit("lib/slug.rb"), bash("ruby -Itest test/slug_test.rb", MINITEST_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="minitest pass"),
    record("m44", "Fix validation", edit("app/models/user.rb"), bash("bin/rails test", RAILS_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="rails minitest failure"),
    record("m45", "Fix the cart", patch("src/Cart.php"), codex("vendor/bin/phpunit", PHPUNIT_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="phpunit OK"),
    record("m46", "Fix checkout", edit("app/Checkout.php"), bash("./vendor/bin/pest", PEST_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="pest failure"),
    record("m47", "Fix the total", edit("src/Cart.cs"), bash("dotnet test", DOTNET_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="dotnet test failure"),
    record("m48", "Fix the total", patch("src/Cart.cs"), codex("dotnet test", DOTNET9_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note=".NET 9 terminal logger test summary"),
    record("m49", "Fix the cart", edit("Sources/Shop/Cart.swift"), bash("swift test", SWIFT_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="swift test: XCTest pass, swift-testing 0 tests"),
    record("m50", "Fix the cart", edit("Shop/Cart.swift"), bash("xcodebuild test -scheme Shop -destination 'platform=macOS'", XCODE_FAIL, 65),
           shape="claude", expect=["errors_occurred"], note="xcodebuild TEST FAILED"),
    record("m51", "Fix io", edit("src/io.cpp"), bash("ctest --test-dir build --output-on-failure", CTEST_DISABLED), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="ctest pass with a disabled test"),
    record("m52", "Fix the parser", edit("lib/parser.ex"), bash("mix test", MIX_EXCLUDED), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="mix pass with excluded"),
    record("m53", "Fix the repo", edit("lib/repo.ex"), bash("mix test", MIX_INVALID, 2), shape="claude",
           expect=["errors_occurred"], note="mix: 0 failures but every test invalid"),
    record("m54", "Fix slug", edit("lib/slug.dart"), bash("dart test", DART_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="dart test pass"),
    record("m55", "Fix counter", edit("lib/main.dart"), bash("flutter test", FLUTTER_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="flutter test fail"),
    record("m56", "Fix parse", edit("src/parse.zig"), bash("zig build test", ZIG_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="zig build test failure"),
    record("m57", "Fix parse", edit("src/parse.zig"), bash("zig build test", ""), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="zig build test: silent success, exit 0"),
    record("m58", "Fix the cart", edit("src/cart.cc"), bash("bazel test //src:cart_test", BAZEL_PASS), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="bazel test pass"),
    record("m59", "Fix the cart", patch("src/cart.cc"), codex("bazel test //src/...", BAZEL_FAIL, 3), shape="codex",
           expect=["errors_occurred"], note="bazel: one target FAILED"),
    # other result shapes
    record("m60", "Fix sum", patch("sum.py"), codex_shell("pytest -q", "....\n4 passed in 0.03s\n", 0), shape="codex-shell",
           expect=["tests_passed", "zero_fix_iterations"], note="older Codex shell tool, JSON output"),
    record("m61", "Fix sum", patch("sum.py"), codex_shell("pytest -q", "..F.\nFAILED test_sum.py::test_neg - assert -1 == 1\n1 failed, 3 passed in 0.04s\n", 1),
           shape="codex-shell", expect=["errors_occurred"], note="older Codex shell tool, failure"),
    record("m62", "Fix sum", edit("sum.py"), bash_output("pytest -q", "b3c4d5", "..F.\nFAILED test_sum.py::test_neg\n1 failed, 3 passed in 0.04s", 1),
           shape="claude", expect=["errors_occurred"], note="Claude 2.0 BashOutput with exit_code 1"),
    record("m63", "Fix sum", edit("sum.py"), bash_output("npm test", "a1b2c3", "Test Suites: 2 passed, 2 total\nTests:       9 passed, 9 total\nSnapshots:   0 total\nTime:        1.1 s",
                                                         0, stderr="(node:123) ExperimentalWarning: VM Modules is an experimental feature"),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="Claude 2.0 BashOutput with stderr, pass"),
    record("m64", "Fix everything", patch("src/a.js"), codex("npm test", CODEX_TRUNCATED_PASS, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="Codex cut the middle; the summary survives"),
    record("m65", "Fix the big suite", edit("src/big.py"), bash("pytest tests/test_big.py", CLAUDE_TRUNCATED_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="Claude cut the tail (summary lost); exit 1 remains"),
    # builds
    record("m66", "Build the bundle", edit("src/index.ts"), bash("npx webpack --mode production", WEBPACK_OK), shape="claude",
           expect=["build_passed"], note="webpack compiled successfully"),
    record("m67", "Build the bundle", edit("src/index.ts"), bash("npx webpack --mode production", WEBPACK_ERR, 1), shape="claude",
           expect=["errors_occurred"], note="webpack compiled with an error"),
    record("m68", "Build it", patch("app/page.tsx"), codex("npm run build", NEXT_BUILD, 0), shape="codex",
           expect=["build_passed"], note="next build"),
    record("m69", "Build it", patch("src/index.ts"), codex("npx tsc -b", "", 0), shape="codex",
           expect=["build_passed"], note="tsc -b silent success"),
    record("m70", "Build it", edit("main.go"), bash("go build ./...", ""), shape="claude",
           expect=["build_passed"], note="go build silent success"),
    record("m71", "Build it", edit("main.go"), bash("go build ./...", "# example.com/app\n./main.go:10:2: undefined: cfg", 1), shape="claude",
           expect=["errors_occurred"], note="go build failure"),
    record("m72", "Build it", edit("app/src/main/kotlin/App.kt"), bash("./gradlew build -x test", GRADLE_BUILD), shape="claude",
           expect=["build_passed"], note="gradle build"),
    record("m73", "Build it", edit("src/Cart.cs"), bash("dotnet build", DOTNET_BUILD_FAIL, 1), shape="claude",
           expect=["errors_occurred"], note="dotnet Build FAILED"),
    record("m74", "Build it", edit("main.c"), bash("make", MAKE_C_OK), shape="claude",
           expect=["build_passed"], note="make compiling C"),
    record("m75", "Build it", edit("main.c"), bash("make", MAKE_C_FAIL, 2), shape="claude",
           expect=["errors_occurred"], note="make with a compile error"),
    record("m76", "Build it", edit("src/cart.rs"), bash("cargo build", CARGO_BUILD_WARN), shape="claude",
           expect=["build_passed"], note="cargo build with warnings"),
    record("m77", "Build the app", edit("Shop/Cart.swift"), bash("xcodebuild -scheme Shop build", XCODE_BUILD), shape="claude",
           expect=["build_passed"], note="xcodebuild BUILD SUCCEEDED"),
    # linters
    record("m78", "Lint", edit("src/app.py"), bash("flake8 src", ""), shape="claude", expect=["lint_clean"], note="flake8 silent"),
    record("m79", "Lint", patch("main.go"), codex("golangci-lint run", "0 issues.", 0), shape="codex",
           expect=["lint_clean"], note="golangci-lint '0 issues.'"),
    record("m80", "Lint", edit("src/cart.rs"), bash("cargo clippy", CLIPPY_CLEAN), shape="claude", expect=["lint_clean"], note="clippy clean"),
    record("m81", "Lint", edit("src/cart.rs"), bash("cargo clippy", CLIPPY_WARN), shape="claude", expect=[], note="clippy warning"),
    record("m82", "Lint", edit("app/models/user.rb"), bash("bundle exec rubocop", RUBOCOP_CLEAN), shape="claude",
           expect=["lint_clean"], note="rubocop no offenses"),
    record("m83", "Lint", edit("app/models/user.rb"), bash("bundle exec rubocop", RUBOCOP_DIRTY, 1), shape="claude",
           expect=[], note="rubocop offense"),
    record("m84", "Lint", edit("scripts/deploy.sh"), bash("shellcheck scripts/*.sh", ""), shape="claude",
           expect=["lint_clean"], note="shellcheck silent"),
    record("m85", "Format check", patch("src/cart.ts"), codex("npx prettier --check src", PRETTIER_CLEAN, 0), shape="codex",
           expect=["lint_clean"], note="prettier clean"),
    record("m86", "Format check", patch("src/cart.ts"), codex("npx prettier --check src", PRETTIER_DIRTY, 1), shape="codex",
           expect=[], note="prettier dirty"),
    record("m87", "Type-check", patch("src/app.py"), codex("mypy --strict src", "Success: no issues found in 31 source files", 0),
           shape="codex", expect=["lint_clean"], note="mypy clean (codex)"),
    record("m88", "Type-check", edit("src/app.py"), bash("pyright", PYRIGHT_CLEAN), shape="claude", expect=["lint_clean"], note="pyright clean"),
    record("m89", "Lint then fix", edit("src/app.py"), bash("ruff check src", "All checks passed!"), edit("src/app.py"), shape="claude",
           expect=[], note="ruff clean, then another edit without a re-check"),
    # commits
    record("m90", "Commit", bash("git commit -m 'Add v2 routes'", "[feature/api/v2 1a2b3c4] Add v2 routes\n 3 files changed, 80 insertions(+)"),
           shape="claude", expect=["committed"], note="branch name with two slashes"),
    record("m91", "Commit", codex("git commit -m 'Initial commit'", "[master (root-commit) 0f1e2d3] Initial commit\n 12 files changed, 400 insertions(+)", 0),
           shape="codex", expect=["committed"], note="root commit in codex"),
    record("m92", "Fix the typo and amend", edit("README.md"), bash("git commit -a --amend --no-edit", COMMIT_AMEND), shape="claude",
           expect=["committed"], note="amend with a Date line"),
    record("m93", "Commit", codex("git commit -am 'wip'", "On branch feat/x\nnothing to commit, working tree clean", 1), shape="codex",
           expect=[], note="nothing to commit (codex)"),
    record("m94", "Commit", bash("git commit -m 'Fix types'", HOOK_FAIL, 1), shape="claude",
           expect=[], note="pre-commit mypy hook failed"),
    record("m95", "Commit", bash("git commit -m 'Fix'", NO_IDENTITY, 128), shape="claude", expect=[], note="author identity unknown"),
    record("m96", "Commit", bash("git commit -m 'All tests passed: fix 404'", "[detached HEAD 7a6b5c4] All tests passed: fix 404\n 1 file changed, 2 insertions(+)"),
           shape="claude", expect=["committed"], note="detached HEAD; message claims tests passed"),
    record("m97", "What was the last commit?", bash("git log -3 --oneline", "7a6b5c4 (HEAD -> main) Fix 404\n1a2b3c4 Add v2 routes\n0f1e2d3 Initial commit"),
           shape="claude", expect=[], note="git log, not a commit"),
    # timeouts
    record("m98", "Run the e2e suite", bash_timeout("npm run e2e", "5m 0s"), shape="claude", expect=["timeout"], note="Claude Bash timeout (5m 0s)"),
    record("m99", "Run the integration tests", codex_shell("pytest tests/integration", "command timed out after 120000 milliseconds\n", 124, 120.0),
           shape="codex-shell", expect=["timeout"], note="Codex shell tool timeout, exit 124"),
    record("m100", "Run the integration tests", codex_shell_command("go test ./integration/...",
                                                                   "command timed out after 60000 milliseconds\n=== RUN   TestSync\n", 124),
           shape="codex", expect=["timeout"], note="Codex shell_command timeout with partial output"),
    record("m101", "Run the slow suite", edit("src/a.py"), bash("timeout 60 pytest -q", "........", 124), shape="claude",
           expect=["timeout"], note="timeout(1) killed pytest mid-run"),
    # The last poll (call and result) is dropped: the exchange ends while the command still runs.
    record("m102", "Run the server tests", codex_long("npm test", ["\n> web@2.0.0 test\n> jest --runInBand\n\n", " PASS  src/a.test.js\n"], 0, 52000)[:-2],
           shape="codex", expect=[], note="still running at the last poll: no timeout, no verdict"),
    # ordering and cycles
    record("m103", "Fix the discount", edit("src/cart.py"), bash("pytest -q", VERBOSE_FAIL, 1), edit("src/cart.py"), shape="claude",
           expect=[], note="failing run, then an edit and no re-run"),
    record("m104", "Fix accents", patch("src/slug.js"), codex("npx mocha", YARN_MOCHA_FAIL.split("$ mocha\n", 1)[1].split("error Command")[0], 2),
           patch("src/slug.js"), codex("npx mocha", "\n  slug\n    ✔ lowercases\n    ✔ strips accents\n\n\n  2 passing (8ms)\n", 0),
           shape="codex", expect=["tests_passed"], note="one failed cycle, then pass"),
    record("m105", "Fix rounding", edit("src/price.js"), bash("npx jest", NPM_JEST_FAIL.split("npm error")[0], 1), edit("src/price.js"),
           bash("npx jest", NPM_JEST_FAIL.split("npm error")[0], 1), shape="claude", expect=["errors_occurred"],
           note="two failed cycles: only one before the last"),
    record("m106", "Fix the parser", edit("src/parse.zig"), bash("zig build test", ZIG_FAIL, 1), edit("src/parse.zig"),
           bash("zig build test", ZIG_FAIL, 1), edit("src/parse.zig"), bash("zig build test", ZIG_FAIL, 1), edit("src/parse.zig"),
           bash("zig build test --summary all", "Build Summary: 5/5 steps succeeded; 5/5 tests passed"), shape="claude",
           expect=["tests_passed", "multiple_retries"], note="three failed zig cycles then pass"),
    record("m107", "Fix the client", edit("src/net.py"), bash("pytest -q tests/test_net.py", PYTEST_TIMEOUT.replace("Timeout (>10.0s) from pytest-timeout", "ConnectionResetError"), 1),
           bash("pytest -q tests/test_net.py", "......\n6 passed in 0.3s"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="flaky: failed, re-run unchanged, passed"),
    record("m108", "Fix the cart", patch("src/cart.go"), codex("go test ./...", "ok  \texample.com/shop/cart\t0.01s", 0), patch_failed("src/cart.go"),
           shape="codex", expect=["tests_passed", "zero_fix_iterations"], note="a rejected apply_patch after the pass changed nothing"),
    record("m109", "Fix and add a test", edit("src/cart.py"), bash("pytest -q", "3 passed in 0.05s"), write("tests/test_cart_more.py", "def test_more():\n    assert False\n"),
           shape="claude", expect=[], note="a new test file written after the passing run"),
    record("m110", "Build and test", patch("src/index.ts"), codex("npm run build && npm test", "\n> site@1.0.0 build\n> vite build\n\n✓ built in 1.02s\n\n> site@1.0.0 test\n> vitest run\n\n Test Files  3 passed (3)\n      Tests  18 passed (18)\n", 0),
           shape="codex", expect=["build_passed", "tests_passed", "zero_fix_iterations"], note="build then tests chained"),
    record("m151", "Fix the api", patch("tests/api.rs"), codex("cargo test", CARGO_SECOND_BIN_FAIL, 101), patch("src/api.rs"),
           codex("cargo test", CARGO_SECOND_BIN_FAIL, 101), patch("src/api.rs"), codex("cargo test", CARGO_SECOND_BIN_FAIL, 101),
           shape="codex", expect=["errors_occurred", "multiple_retries"], note="three failed codex cycles, never fixed"),
    # traps
    record("m111", "What does this test check?", bash("cat src/summary.test.js", JEST_TEST_SOURCE), shape="claude",
           expect=[], note="cat of a jest test quoting both footers"),
    record("m112", "Did it fail before?", bash("grep -n 'passed\\|FAILED' build.log", GREP_LOG), shape="claude", expect=[], note="grep of a log"),
    record("m113", "Show the report", read("reports/junit.xml", JUNIT_XML), shape="claude", expect=[], note="junit xml read"),
    record("m114", "Is CI green?", codex("gh pr checks 42", GH_CHECKS, 0), shape="codex", expect=[], note="remote CI checks"),
    record("m115", "Which tests are there?", bash("npx jest --listTests", LISTED), shape="claude", expect=[], note="jest --listTests"),
    record("m116", "Check the notes", read_missing("NOTES.md"), shape="claude", expect=[], note="is_error Read of a missing file"),
    record("m117", "Run the tests", task("Run the test suite and report", "I ran `pytest` and all 42 tests passed. The build succeeded."),
           shape="claude", expect=[], note="a sub-agent's claim"),
    record("m118", "Fix it", edit("src/a.py"), answer="Fixed. All 12 tests pass ✅ and the build is green.", shape="claude",
           expect=[], note="the assistant's claim, no run"),
    record("m119", "Show the CI script", read("ci.sh", "#!/bin/sh\nset -e\npytest -q || { echo 'FAILED'; exit 1; }\necho '=== 10 passed in 0.1s ==='\necho 'BUILD SUCCESSFUL'"),
           shape="claude", expect=[], note="a script that prints runner-like lines"),
    # replies
    record("m120", "Rename", edit("a.py"), reply="ok ship it", expect=["user_accepted"], note="en terse ship it"),
    record("m121", "Rename", edit("a.py"), reply="lgtm", expect=["user_accepted"], note="en lgtm lowercase"),
    record("m122", "Rename", edit("a.py"), reply="👍", expect=["user_accepted"], note="thumbs up only"),
    record("m123", "Rename", edit("a.py"), reply="🤔", expect=[], note="thinking emoji only"),
    record("m124", "Rename", edit("a.py"), reply="great, now it's broken", expect=["user_rejected"], note="sarcasm"),
    record("m125", "Rename", edit("a.py"), reply="Nice, that works. Can you also add a test for the empty case?",
           expect=["user_accepted"], note="accept plus a new request"),
    record("m126", "Rename", edit("a.py"), reply="Thanks for trying, but I'd rather keep the old name. Please undo it.",
           expect=["user_rejected"], note="polite rejection"),
    record("m127", "Rename", edit("a.py"), reply="Why did you change the signature?", expect=[], note="question"),
    record("m128", "Rename", edit("a.py"), reply="No worries, looks good to me.", expect=["user_accepted"], note="'no' inside an approval"),
    record("m129", "Rename", edit("a.py"), reply="Super, läuft jetzt!", expect=["user_accepted"], note="de läuft"),
    record("m130", "Rename", edit("a.py"), reply="Leider geht es immer noch nicht.", expect=["user_rejected"], note="de immer noch nicht"),
    record("m131", "Rename", edit("a.py"), reply="Parfait, merci beaucoup !", expect=["user_accepted"], note="fr parfait"),
    record("m132", "Rename", edit("a.py"), reply="Non, ça casse les tests.", expect=["user_rejected"], note="fr ça casse"),
    record("m133", "Rename", edit("a.py"), reply="¡Genial, ya funciona!", expect=["user_accepted"], note="es ya funciona"),
    record("m134", "Rename", edit("a.py"), reply="Sigue fallando.", expect=["user_rejected"], note="es sigue fallando"),
    record("m135", "Rename", edit("a.py"), reply="Valeu, funcionou!", expect=["user_accepted"], note="pt funcionou"),
    record("m136", "Rename", edit("a.py"), reply="Não funcionou, ainda dá erro.", expect=["user_rejected"], note="pt não funcionou"),
    record("m137", "Rename", edit("a.py"), reply="Perfetto, grazie!", expect=["user_accepted"], note="it perfetto"),
    record("m138", "Rename", edit("a.py"), reply="Non funziona ancora.", expect=["user_rejected"], note="it non funziona"),
    record("m139", "Rename", edit("a.py"), reply="いいですね、マージしました。", expect=["user_accepted"], note="ja merged"),
    record("m140", "Rename", edit("a.py"), reply="まだエラーが出ます。", expect=["user_rejected"], note="ja still errors"),
    record("m141", "Rename", edit("a.py"), reply="可以了，谢谢！", expect=["user_accepted"], note="zh ok thanks"),
    record("m142", "Rename", edit("a.py"), reply="不对，还是报错。", expect=["user_rejected"], note="zh wrong, still errors"),
    record("m143", "Rename", edit("a.py"), reply="완벽해요, 감사합니다!", expect=["user_accepted"], note="ko perfect thanks"),
    record("m144", "Rename", edit("a.py"), reply="아직도 안 돼요.", expect=["user_rejected"], note="ko still not working"),
    record("m145", "Rename", edit("a.py"), reply="Спасибо, всё работает!", expect=["user_accepted"], note="ru works"),
    record("m146", "Rename", edit("a.py"), reply="Не работает, откати.", expect=["user_rejected"], note="ru revert"),
    record("m147", "Rename", edit("a.py"), reply="Top, werkt nu, bedankt!", expect=["user_accepted"], note="nl werkt"),
    record("m148", "Rename", edit("a.py"), reply="Dat klopt niet, draai het terug.", expect=["user_rejected"], note="nl revert"),
    record("m149", "Rename", edit("a.py"), reply="Don't revert it, it's fine.", expect=["user_accepted"], note="'revert' negated"),
    record("m150", "Fix and commit", patch("src/api.py"), codex("pytest -q", "12 passed in 0.4s", 0),
           codex("git commit -am 'Fix the 404'", "[fix/api-404 5d6e7f8] Fix the 404\n 1 file changed, 1 insertion(+)", 0),
           reply="Merci, c'est parfait.", shape="codex", expect=["tests_passed", "zero_fix_iterations", "committed", "user_accepted"],
           note="the gold shape in codex, French reply"),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("holdout3.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
