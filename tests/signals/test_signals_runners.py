"""Runner summary lines: each row of the table has a case, and prose or code never matches."""

from __future__ import annotations

import re

import pytest

from finetune_collection.signals.runners import TABLE, summarize

# (output, is a test command, outcome, passed count or None)
CASES = [
    ("===== 12 passed in 0.41s =====", False, "pass", 12),
    ("==== 1 failed, 4 passed, 2 skipped in 0.22s (0:00:01) ====", False, "fail", 4),
    ("80 passed, 2 warnings in 3.10s", False, "pass", 80),
    ("3 skipped in 0.02s", False, "empty", 0),
    ("============ no tests ran in 0.01s ============", False, "empty", None),
    ("collected 0 items", True, "empty", None),
    ("!!!!!! Interrupted: 1 error during collection !!!!!!\n==== 1 error in 0.09s ====", False, "fail", None),
    ("Ran 6 tests in 0.004s\n\nOK", False, "pass", 6),
    ("Ran 3 tests in 0.001s\n\nOK (skipped=3)", False, "empty", 0),
    ("Ran 6 tests in 0.005s\n\nFAILED (failures=1, errors=1)", False, "fail", 4),
    ("Ran 0 tests in 0.000s\n\nNO TESTS RAN", False, "empty", 0),
    ("ok  \texample.com/a\t0.014s\nok  \texample.com/b\t(cached)", False, "pass", 2),
    ("ok  \texample.com/a\t0.010s [no tests to run]", False, "empty", None),
    ("?   \texample.com/cmd\t[no test files]", False, "empty", None),
    ("--- FAIL: TestTotal (0.00s)\nFAIL\nFAIL\texample.com/a\t0.011s", False, "fail", None),
    ('{"Time":"2026-01-05T10:00:00Z","Action":"pass","Package":"example.com/q","Test":"TestPop","Elapsed":0}\n'
     '{"Time":"2026-01-05T10:00:00Z","Action":"pass","Package":"example.com/q","Elapsed":0.012}', False, "pass", 1),
    ('{"Time":"2026-01-05T10:00:00Z","Action":"fail","Package":"example.com/q","Elapsed":0.02}', False, "fail", None),
    ("test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s", False, "pass", 4),
    ("test result: ok. 0 passed; 0 failed; 2 ignored; 0 measured; 0 filtered out; finished in 0.00s", False, "empty", 0),
    ("error: test failed, to rerun pass `--lib`", False, "fail", None),
    ("     Summary [   0.020s] 12 tests run: 12 passed, 1 skipped", False, "pass", 12),
    ("Tests:       1 failed, 27 passed, 28 total", False, "fail", 27),
    ("Test Suites: 1 failed, 1 total\nTests:       0 total", False, "fail", None),
    ("No tests found, exiting with code 1", False, "empty", None),
    ("      Tests  1 passed | 15 skipped (16)", False, "pass", 1),
    (" Test Files  1 failed (1)\n      Tests  1 failed | 15 skipped (16)", False, "fail", None),
    ("No test files found, exiting with code 1", False, "empty", None),
    ("  7 passing (18ms)\n  2 failing\n  1 pending", False, "fail", 7),
    (" 3 pass\n 0 fail\n 1 skip", False, "pass", 3),
    ("FAILED | 1 passed | 1 failed (6ms)", False, "fail", 1),
    ("# pass 5\n# fail 0", False, "pass", 5),
    ("ℹ pass 5\nℹ fail 1", False, "fail", 5),
    ("Error: no test specified", True, "empty", None),
    ("[ERROR] Tests run: 8, Failures: 1, Errors: 0, Skipped: 0", False, "fail", 7),
    ("[INFO] Tests run: 14, Failures: 0, Errors: 0, Skipped: 0\n[INFO] BUILD SUCCESS", False, "pass", 14),
    ("[INFO] BUILD FAILURE", True, "fail", None),
    ("[INFO] No tests to run.", False, "empty", None),
    ("8 tests completed, 1 failed", False, "fail", 7),
    ("BUILD SUCCESSFUL in 7s", True, "pass", None),
    ("BUILD FAILED in 5s", True, "fail", None),
    ("> Task :test NO-SOURCE", False, "empty", None),
    ("10 examples, 0 failures", False, "pass", 10),
    ("2 examples, 0 failures, 2 pending", False, "empty", 0),
    ("1 error occurred outside of examples", False, "fail", None),
    ("12 runs, 30 assertions, 0 failures, 0 errors, 1 skips", False, "pass", 11),
    ("1 doctest, 10 tests, 0 failures", False, "pass", 10),
    ("There are no tests to run", False, "empty", None),
    ("100% tests passed, 0 tests failed out of 2", False, "pass", 2),
    ("No tests were found!!!", False, "empty", None),
    ("Passed!  - Failed:     0, Passed:    12, Skipped:     0, Total:    12, Duration: 41 ms", False, "pass", 12),
    ("OK (4 tests, 9 assertions)", False, "pass", 4),
    ("Tests: 4, Assertions: 4, Failures: 1.", False, "fail", 3),
    ("No tests executed!", False, "empty", None),
    ("Executed 5 tests, with 0 failures (0 unexpected) in 0.012 (0.015) seconds", False, "pass", 5),
    ("00:02 +12: All tests passed!", False, "pass", 12),
    ("00:02 +10 -2: Some tests failed.", False, "fail", None),
    ("All 5 tests passed.", False, "pass", 5),
    ("4 passed; 1 skipped; 0 failed.", False, "pass", 4),
    # added with holdout3
    ("Asserts:  4 pass  0 fail  4 of 4 complete", False, "pass", 4),
    ("  ✔ sum › adds\n  ─\n\n  3 tests passed", False, "pass", 3),
    ("  2 tests passed\n  1 test failed", False, "fail", 2),
    ("  1 uncaught exception", False, "fail", None),
    ("  2 tests skipped", False, "empty", 0),
    ("Running 12 tests using 4 workers\n\n  12 passed (8.1s)", False, "pass", 12),
    ("  1 flaky\n    [chromium] › a.spec.ts:3:5 › logs in\n  11 passed (1.2m)", False, "pass", 12),
    ("  1 failed\n    [firefox] › a.spec.ts:8:5 › adds\n  5 passed (12.4s)", False, "fail", 5),
    ("  3 skipped\n  2 did not run", False, "empty", 0),
    ("12 specs, 0 failures", False, "pass", 12),
    ("12 specs, 1 failure, 2 pending specs", False, "fail", 9),
    ("TOTAL: 10 SUCCESS", False, "pass", 10),
    ("TOTAL: 1 FAILED, 9 SUCCESS", False, "fail", 9),
    ("  │ ✔  All specs passed!   00:05   12   12   -   -   -  │", False, "pass", 12),
    ("    ✖  1 of 5 failed (20%)   00:30   40   38   2   -   -", False, "fail", None),
    ("[info] Passed: Total 12, Failed 0, Errors 0, Passed 12", False, "pass", 12),
    ("[error] Failed: Total 12, Failed 1, Errors 0, Passed 11", False, "fail", 11),
    ("[info] No tests were executed.", False, "empty", None),
    ("42 tests, 0 failures, 3 excluded", False, "pass", 39),
    ("10 tests, 0 failures, 10 invalid", False, "fail", 0),
    ("Test summary: total: 12, failed: 0, succeeded: 12, skipped: 0, duration: 0.9s", False, "pass", 12),
    ("Test summary: total: 12, failed: 1, succeeded: 11, skipped: 0, duration: 1.1s", False, "fail", 11),
    ("✔ Test run with 5 tests passed after 0.002 seconds.", False, "pass", 5),
    ("✘ Test run with 5 tests failed after 0.003 seconds with 1 issue.", False, "fail", 4),
    ("✔ Test run with 0 tests passed after 0.001 seconds.", False, "empty", 0),
    ("[ FAIL 0 | WARN 1 | SKIP 2 | PASS 12 ]", False, "pass", 12),
    ("[ FAIL 1 | WARN 0 | SKIP 0 | PASS 11 ]", False, "fail", 11),
    ("Build Summary: 5/5 steps succeeded; 12/12 tests passed", False, "pass", 12),
    ("Build Summary: 3/5 steps succeeded; 1 failed; 4/5 tests passed; 1 failed", False, "fail", 4),
    ("//src:cart_test   PASSED in 0.4s\n\nExecuted 1 out of 1 test: 1 test passes.", False, "pass", 1),
    ("Executed 2 out of 2 tests: 1 test passes and 1 fails locally.", False, "fail", None),
    ("Executed 1 out of 1 test: 1 fails to build.", False, "fail", None),
    ("INFO: Build completed, 1 test FAILED, 6 total actions", False, "fail", None),
    ("No test targets were found, yet testing was requested", False, "empty", None),
    ("  Tests:    4 passed (9 assertions)\n  Duration: 0.09s", False, "pass", 4),
    ("  Tests:    1 failed, 3 passed (8 assertions)", False, "fail", 3),
    ("Total tests: 12. Passed: 12. Failed: 0. Skipped: 0.", False, "pass", 12),
    ("[        12 tests successful      ]\n[         0 tests failed          ]", False, "pass", 12),
    ("[        11 tests successful      ]\n[         1 tests failed          ]", False, "fail", 11),
    ("DONE 42 tests, 1 skipped in 1.234s", False, "pass", 41),
    ("DONE 42 tests, 2 failures in 1.2s", False, "fail", 40),
    ("SUCCESS! -- 12 Passed | 0 Failed | 0 Pending | 0 Skipped", False, "pass", 12),
    ("FAIL! -- 11 Passed | 1 Failed | 0 Pending | 0 Skipped", False, "fail", 11),
    ("1 feature passed, 0 failed, 0 skipped\n3 scenarios passed, 0 failed, 0 skipped", False, "pass", 3),
    ("3 scenarios (3 passed)\n9 steps (9 passed)", False, "pass", 3),
    ("3 scenarios (1 failed, 2 passed)", False, "fail", 2),
    ("3 tests, 3 passed, 0 failed", False, "pass", 3),
    ("12 successes / 0 failures / 0 errors / 0 pending : 0.01 seconds", False, "pass", 12),
    ("Files=3, Tests=12,  0 wallclock secs\nResult: FAIL", False, "fail", None),
    ("All tests successful.\nFiles=3, Tests=12,  0 wallclock secs", True, "pass", None),
    ("1 of 1 test suites (1 of 1 test cases) passed.", False, "pass", 1),
    # added with holdout5: .NET's Microsoft.Testing.Platform block, TAP (bats)
    ("Shop.Tests test net9.0 succeeded (1.2s)\n\nTest run summary: Passed! - bin/Debug/net9.0/Shop.Tests.dll (net9.0|x64)\n"
     "  total: 14\n  failed: 0\n  succeeded: 14\n  skipped: 0\n  duration: 512ms", False, "pass", 14),
    ("Test run summary: Failed! - bin/Debug/net10.0/Api.Tests.dll (net10.0|arm64)\n  total: 9\n  failed: 2\n"
     "  succeeded: 6\n  skipped: 1\n  duration: 1s 020ms", False, "fail", 6),
    ("Test run summary: Zero tests ran - bin/Debug/net9.0/Empty.Tests.dll (net9.0|x64)", False, "empty", None),
    ("1..3\nok 1 prints usage\nok 2 parses --name\nok 3 slow one # skip no network", True, "pass", 2),
    ("1..3\nok 1 prints usage\nnot ok 2 parses --name\n# (in test file test/cli.bats, line 9)\nok 3 help", True, "fail", 2),
    ("1..2\nnot ok 1 future feature # TODO later\nok 2 works", True, "pass", 1),
    ("1..0 # Skipped: no bats files", True, "empty", None),
]

NEVER = [
    "All tests passed, thanks to the new fixture.",  # prose
    '    assert "5 passed in 0.12s" in out',  # code quoting a summary
    "# test result: ok. 3 passed; 0 failed; 0 ignored",
    "print('Tests:       3 passed, 3 total')",
    "the build passed and 12 tests passed",
    "BUILD SUCCESSFUL in 4s",  # Gradle's line says nothing about tests unless tests ran
    "Those 3 tests passed after the fix.",  # prose around an ava-like count
    "12 passed (see CI)",  # not Playwright's duration
    "  the 2 failed ones were flaky",
    "Executed the 12 tests by hand",
    "Build Summary: 3/3 steps succeeded",  # zig build without tests
    "echo '[ FAIL 0 | WARN 0 | SKIP 0 | PASS 3 ]' >> notes",
    "All tests successful.",  # prove's line, from anything but prove, is prose
    "Tests: the 4 passed ones (see above)",
    "ok 1 prints usage",  # a TAP line from anything but a test command is any text
    "1..4",
]


@pytest.mark.parametrize(("output", "test_command", "outcome", "passed"), CASES)
def test_summaries(output: str, test_command: bool, outcome: str, passed: int | None) -> None:
    summary = summarize(output, test_command)
    assert summary is not None and summary.outcome == outcome
    if passed is not None:
        assert summary.counts.get("passed", 0) == passed


@pytest.mark.parametrize("line", NEVER)
def test_not_a_summary(line: str) -> None:
    assert summarize(line, False) is None


def test_every_row_has_a_case() -> None:
    untested = [row.pattern for row in TABLE if not any(re.search(row.pattern, out, re.M) for out, *_ in CASES)]
    assert not untested, untested
