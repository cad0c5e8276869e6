"""Writes holdout6.jsonl: a sixth held-out part, 30 exchanges written after the holdout5 fixes by
the same hand (so not blind to the detectors, but none of it was looked at while fixing): runners
and result shapes in new wordings, a log read back with `grep`, multi-exchange examples whose
replies sit inside them, and replies in several languages with contrasts, negations and
questions. Committed with its first-run figures, before any change. Labels follow the conventions
of build_holdout3.py, and for replies inside an example the rule in signals/replies.py.
Run: `.venv/bin/python tests/signals/build_holdout6.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

from signals_shapes import bash, codex, edit, patch, record, say, user

PY_FAIL = ("....F.\n=================================== FAILURES ===================================\n"
           "______________________________ test_slugify ______________________________\n"
           "E       AssertionError: assert 'a-b' == 'a_b'\n"
           "=========================== short test summary info ============================\n"
           "FAILED tests/test_text.py::test_slugify - AssertionError: assert 'a-b' == 'a_b'\n"
           "1 failed, 5 passed in 0.33s")
PY_PASS = "......                                                                   [100%]\n6 passed in 0.31s"
RSPEC_PASS = "..........\n\nFinished in 0.21 seconds (files took 0.9 seconds to load)\n10 examples, 0 failures"
RSPEC_FAIL = ("..F.......\n\nFailures:\n\n  1) Cart#total sums the lines\n     Failure/Error: expect(cart.total).to eq(30)\n\n"
              "Finished in 0.22 seconds (files took 0.9 seconds to load)\n10 examples, 1 failure")
MOCHA_PASS = "\n  parser\n    ✔ reads an empty file\n    ✔ reads a header\n\n\n  2 passing (12ms)\n"
PHPUNIT_PASS = "PHPUnit 11.2.1 by Sebastian Bergmann and contributors.\n\n.......                                                             7 / 7 (100%)\n\nTime: 00:00.041, Memory: 8.00 MB\n\nOK (7 tests, 15 assertions)"
MVN_FAIL = ("[INFO] -------------------------------------------------------\n[INFO]  T E S T S\n"
            "[INFO] -------------------------------------------------------\n"
            "[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0, Time elapsed: 0.05 s <<< FAILURE! -- in shop.CartTest\n"
            "[INFO] \n[INFO] Results:\n[INFO] \n[ERROR] Failures: \n[ERROR]   CartTest.total:21 expected: <30> but was: <20>\n"
            "[INFO] \n[ERROR] Tests run: 4, Failures: 1, Errors: 0, Skipped: 0\n[INFO] \n[INFO] BUILD FAILURE")
CTEST_PASS = ("Test project /repo/build\n    Start 1: parse\n1/2 Test #1: parse ............................   Passed    0.01 sec\n"
              "    Start 2: eval\n2/2 Test #2: eval .............................   Passed    0.02 sec\n\n"
              "100% tests passed, 0 tests failed out of 2\n\nTotal Test time (real) =   0.04 sec")
GO_PASS = "ok  \texample.com/kv\t0.021s\nok  \texample.com/kv/store\t0.034s"
JEST_SKIPPED = ("\n> app@1.0.0 test\n> jest -t nothing-matches\n\nTest Suites: 3 skipped, 0 of 3 total\n"
                "Tests:       21 skipped, 21 total\nSnapshots:   0 total\nTime:        0.8 s\nRan all test suites with tests matching \"nothing-matches\".")
CONN_TIMEOUT = ("Traceback (most recent call last):\n  File \"/repo/scripts/sync.py\", line 12, in <module>\n"
                "    fetch(URL)\nurllib.error.URLError: <urlopen error [Errno 110] Connection timed out>")

records = [
    # -- runners and result shapes ------------------------------------------------------------
    record("h601", "fix the cart total", edit("lib/cart.rb"), bash("bundle exec rspec", RSPEC_FAIL, 1),
           edit("lib/cart.rb"), bash("bundle exec rspec", RSPEC_PASS),
           expect=["tests_passed"], shape="claude", note="rspec: one failed cycle, then pass"),
    record("h602", "add the header row", edit("src/parser.js"), bash("npx mocha", MOCHA_PASS),
           expect=["tests_passed", "zero_fix_iterations"], shape="claude", note="mocha passing via npx"),
    record("h603", "fix the total", edit("src/main/java/shop/Cart.java"), bash("./mvnw -q test", MVN_FAIL, 1),
           expect=["errors_occurred"], shape="claude", note="maven wrapper, failing test"),
    record("h604", "make eval handle unary minus", edit("src/eval.cpp"),
           bash("cmake --build build && ctest --test-dir build", CTEST_PASS),
           expect=["build_passed", "tests_passed", "zero_fix_iterations"], shape="claude",
           note="cmake build chained with ctest (the build passed: the chain went on)"),
    record("h605", "fix the kv store", patch("store/kv.go"), codex("go test ./...", GO_PASS),
           expect=["tests_passed", "zero_fix_iterations"], shape="codex", note="codex go test two packages"),
    record("h606", "check the slugify tests", bash("pytest tests/test_text.py", PY_FAIL, 1),
           expect=["errors_occurred"], shape="claude", note="failing run, no edit at all"),
    record("h607", "run only the new tests", edit("src/app.ts"), bash("npm test -- -t nothing-matches", JEST_SKIPPED),
           expect=[], shape="claude", note="jest: everything skipped is no verdict"),
    record("h608", "fix slugify", edit("src/text.py"), bash("pytest -q > /tmp/pytest.out 2>&1", "", 1),
           bash("grep -E 'passed|failed' /tmp/pytest.out", "1 failed, 5 passed in 0.33s"),
           expect=["errors_occurred"], shape="claude", note="pytest into a file, failing exit, grep reads it back"),
    record("h609", "fix slugify", edit("src/text.py"), bash("pytest", PY_FAIL, 1), edit("src/text.py"),
           bash("pytest", PY_FAIL, 1), edit("src/text.py"), bash("pytest", PY_FAIL, 1), edit("src/text.py"),
           bash("pytest", PY_PASS),
           expect=["tests_passed", "multiple_retries"], shape="claude", note="three failed cycles then pass"),
    record("h610", "sync the fixtures", bash("python scripts/sync.py", CONN_TIMEOUT, 1),
           expect=["timeout"], shape="claude", note="a real connection timeout in a script"),
    record("h611", "add the price test", edit("tests/PriceTest.php"), bash("vendor/bin/phpunit", PHPUNIT_PASS),
           bash("git commit -am 'Add price test'", "[main 4e5f6a7] Add price test\n 1 file changed, 14 insertions(+)"),
           expect=["committed", "tests_passed", "zero_fix_iterations"], shape="claude", note="phpunit pass then commit"),
    record("h612", "explain the failure", edit("src/text.py"), bash("pytest", PY_PASS),
           bash("cat tests/test_text.py", "def test_slugify():\n    assert slugify('a b') == 'a_b'  # was: 1 failed, 5 passed"),
           expect=["tests_passed", "zero_fix_iterations"], shape="claude", note="a file printed after the run quotes a failure"),
    # -- replies inside a multi-exchange example ---------------------------------------------------
    {"id": "h613", "shape": "claude", "note": "two exchanges: thanks inside, a new request after",
     "messages": [*user("rename the flag"), *say("Renamed --dry to --dry-run."),
                  *user("Great, that's exactly it. Now update the help text."), *say("Updated the help text.")],
     "after_user_reply": "Now let's look at the logging.", "expect": ["user_accepted"]},
    {"id": "h614", "shape": "claude", "note": "two exchanges: a complaint inside, fixed, no later reply",
     "messages": [*user("rename the flag"), *say("Renamed --dry to --dry-run."),
                  *user("That broke the CI script, it still passes --dry."), *say("Updated ci.sh too.")],
     "after_user_reply": None, "expect": []},
    {"id": "h615", "shape": "claude", "note": "two exchanges: a complaint inside, then thanks after",
     "messages": [*user("rename the flag"), *say("Renamed --dry to --dry-run."),
                  *user("Wrong flag, I meant --verbose."), *say("Renamed --verbose to --loud.")],
     "after_user_reply": "Yes, that's right, thanks!", "expect": ["user_accepted"]},
]

REPLIES = [
    ("h616", "en thanks but regression", "Thanks! But now the dark mode toggle doesn't work.", ["user_rejected"]),
    ("h617", "en question with a path", "Did you also update docs/setup.md?", []),
    ("h618", "en no longer crashes", "It doesn't crash anymore, nice work.", ["user_accepted"]),
    ("h619", "de thanks but still wrong", "Danke, aber das Datum ist immer noch falsch.", ["user_rejected"]),
    ("h620", "fr works, thanks", "Nickel, ça marche maintenant. Merci !", ["user_accepted"]),
    ("h621", "es question with version", "¿Esto ya está en la 4.2?", []),
    ("h622", "pt still broken after thanks", "Valeu, mas o botão continua quebrado.", ["user_rejected"]),
    ("h623", "ja works now", "ちゃんと動きました、ありがとうございます。", ["user_accepted"]),
    ("h624", "ja not what I wanted", "これは違います。元に戻してください。", ["user_rejected"]),
    ("h625", "zh works, thanks", "好了，谢谢！", ["user_accepted"]),
    ("h626", "zh still failing", "测试还是失败", ["user_rejected"]),
    ("h627", "en neutral follow-up", "Can we also cache the result somewhere?", []),
    ("h628", "en lukewarm", "Hmm, okay. I'll look at it tomorrow.", []),
    ("h629", "ko thanks works", "감사합니다, 잘 작동해요!", ["user_accepted"]),
    ("h630", "it not working", "Purtroppo non funziona ancora.", ["user_rejected"]),
]
for rid, note, reply, exp in REPLIES:
    records.append({"id": rid, "shape": "reply", "note": note,
                    "messages": [*user("Fix the date format"), *say("Changed the format to ISO 8601 in 2 places.")],
                    "after_user_reply": reply, "expect": sorted(exp)})


if __name__ == "__main__":
    out = Path(__file__).with_name("holdout6.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
