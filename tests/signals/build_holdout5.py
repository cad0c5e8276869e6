"""Writes holdout5.jsonl: a fifth held-out part, written by an independent auditor on 2026-12-02
(81 exchanges: runners the other sets lack, reply traps in several languages, precision traps),
copied here unchanged but for this note, ruff's import order and the writing at the end. Measured once before any
change to the detectors (figures in the commit that added it); the detectors were then fixed by
family of mistake, so it is no longer blind.
Run: `.venv/bin/python tests/signals/build_holdout5.py`.
"""
import itertools
import json

ERR = "[tool error] "
ids = itertools.count(500)

def call(name, args, content, prefix="toolu_"):
    cid = f"{prefix}{next(ids):04d}"
    return [{"role": "assistant", "tool_calls": [{"id": cid, "type": "function",
             "function": {"name": name, "arguments": args if isinstance(args, str) else json.dumps(args)}}]},
            {"role": "tool", "tool_call_id": cid, "content": content or "(no output)"}]

def bash(cmd, out="", code=0):
    return call("Bash", {"command": cmd, "description": "run"}, f"{ERR}Exit code {code}\n{out}" if code else out)

def edit(path="src/app.py"):
    return call("Edit", {"file_path": path, "old_string": "x", "new_string": "y"},
                f"The file {path} has been updated. Here's the result of running `cat -n` on a snippet of the edited file:\n    10\ty")

def cx(cmd, out="", code=0):
    args = {"cmd": cmd, "workdir": "/home/dev/repo", "yield_time_ms": 10000}
    body = f"Chunk ID: a1b2c3\nWall time: 2.1042 seconds\nProcess exited with code {code}\nOriginal token count: {len(out)//4}\nOutput:\n{out}"
    return call("exec_command", json.dumps(args), body, "call_")

def patch(path):
    body = f"*** Begin Patch\n*** Update File: {path}\n@@\n-a\n+b\n*** End Patch\n"
    res = json.dumps({"output": f"Success. Updated the following files:\nM {path}\n", "metadata": {"exit_code": 0, "duration_seconds": 0.1}})
    return call("apply_patch", json.dumps({"input": body}), res, "call_")

R = []
def rec(id, note, req, *steps, reply=None, expect=(), shape="claude"):
    msgs = [{"role": "user", "content": req}] + [m for s in steps for m in s] + [{"role": "assistant", "content": "Done — summary above."}]
    R.append({"id": id, "shape": shape, "note": note, "messages": msgs, "after_user_reply": reply, "expect": sorted(expect)})

CARGO_PASS = """   Compiling mycrate v0.1.0 (/home/u/mycrate)
    Finished `test` profile [unoptimized + debuginfo] target(s) in 1.52s
     Running unittests src/lib.rs (target/debug/deps/mycrate-1a2b3c4d5e6f)

running 4 tests
test tests::parses_empty ... ok
test tests::parses_one ... ok
test tests::rejects_bad ... ok
test tests::roundtrip ... ok

test result: ok. 4 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

   Doc-tests mycrate

running 1 test
test src/lib.rs - parse (line 12) ... ok

test result: ok. 1 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.21s
"""
CARGO_FAIL = """running 2 tests
test tests::a ... ok
test tests::b ... FAILED

failures:

---- tests::b stdout ----
thread 'tests::b' panicked at src/lib.rs:20:9:
assertion `left == right` failed
  left: 3
 right: 4
note: run with `RUST_BACKTRACE=1` environment variable to display a backtrace


failures:
    tests::b

test result: FAILED. 1 passed; 1 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s

error: test failed, to rerun pass `--lib`
"""
rec("n01", "cargo test pass with unit and doc-test result lines", "fix parse", edit("src/lib.rs"), bash("cargo test", CARGO_PASS),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n02", "codex go test ./... one package fails", "fix handler", patch("internal/http/handler.go"),
    cx("go test ./...", "ok  \texample.com/app/internal/config\t0.004s\n--- FAIL: TestHandler (0.00s)\n    handler_test.go:27: got 500, want 200\nFAIL\nFAIL\texample.com/app/internal/http\t0.011s\n?   \texample.com/app/cmd/app\t[no test files]\nFAIL\n", 1),
    expect=["errors_occurred"], shape="codex")
JEST_FAIL = """FAIL src/cart.test.js
  ● cart › applies discount

    expect(received).toBe(expected) // Object.is equality

    Expected: 90
    Received: 100

      12 |   const c = cart([{price: 100}]);
    > 13 |   expect(c.total({discount: 10})).toBe(90);
         |                                   ^

PASS src/sum.test.js

Test Suites: 1 failed, 1 passed, 2 total
Tests:       1 failed, 8 passed, 9 total
Snapshots:   0 total
Time:        0.912 s
Ran all test suites."""
JEST_PASS = """
> shop@1.0.0 test
> jest

PASS src/sum.test.js
PASS src/cart.test.js

Test Suites: 2 passed, 2 total
Tests:       9 passed, 9 total
Snapshots:   0 total
Time:        0.812 s, estimated 1 s
Ran all test suites."""
rec("n03", "jest: edit, fail, edit, pass (one failed cycle)", "discount bug", edit("src/cart.js"), bash("npm test", "\n> shop@1.0.0 test\n> jest\n\n" + JEST_FAIL, 1),
    edit("src/cart.js"), bash("npm test", JEST_PASS), expect=["tests_passed"])
rec("n04", "vitest skipped-only", "skip flaky", edit("src/a.test.ts"),
    bash("npx vitest run", " RUN  v2.1.4 /home/u/web\n\n ↓ src/a.test.ts (3 tests | 3 skipped)\n\n Test Files  1 skipped (1)\n      Tests  3 skipped (3)\n   Start at  10:02:11\n   Duration  312ms\n"),
    expect=[])
rec("n05", "pytest pass with xfailed and warnings", "fix", edit(),
    bash("python -m pytest", "============================= test session starts ==============================\nplatform linux -- Python 3.12.3, pytest-8.3.2, pluggy-1.5.0\nrootdir: /app\ncollected 43 items\n\ntests/test_a.py .........x.....                                         [ 34%]\ntests/test_b.py ..........x.................                             [100%]\n\n=============================== warnings summary ===============================\ntests/test_b.py::test_old\n  DeprecationWarning: datetime.utcnow() is deprecated\n\n-- Docs: https://docs.pytest.org/en/stable/how-to/capture-warnings.html\n================== 41 passed, 2 xfailed, 3 warnings in 2.31s ==================="),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n06", "pytest || true hides the exit code; summary shows a failure", "fix", edit(),
    bash("pytest -x || true", "FAILED tests/test_x.py::test_a - AssertionError: assert 1 == 2\n!!!!!!!!!!!!!!!!!!!!!!!!!! stopping after 1 failures !!!!!!!!!!!!!!!!!!!!!!!!!!!\n========================= 1 failed, 3 passed in 0.22s ========================="),
    expect=["errors_occurred"])
rec("n07", "mocha fail", "parser", edit("lib/parser.js"),
    bash("npx mocha", "\n\n  Parser\n    ✔ parses numbers\n    1) parses strings\n\n\n  1 passing (12ms)\n  1 failing\n\n  1) Parser\n       parses strings:\n\n      AssertionError [ERR_ASSERTION]: Expected values to be strictly equal:\n\n'a' !== 'b'\n\n      at Context.<anonymous> (test/parser.test.js:9:12)\n", 1),
    expect=["errors_occurred"])
rec("n08", "bundle exec rspec pass", "fix model", edit("app/models/user.rb"),
    bash("bundle exec rspec", ".........\n\nFinished in 0.04213 seconds (files took 0.31 seconds to load)\n9 examples, 0 failures\n"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n09", "phpunit 10 failure", "fix total", edit("src/Cart.php"),
    bash("vendor/bin/phpunit", "PHPUnit 10.5.2 by Sebastian Bergmann and contributors.\n\nRuntime:       PHP 8.3.1\n\n..F.                                                                4 / 4 (100%)\n\nTime: 00:00.021, Memory: 8.00 MB\n\nThere was 1 failure:\n\n1) Tests\\CartTest::testTotal\nFailed asserting that 90 matches expected 100.\n\n/app/tests/CartTest.php:21\n\nFAILURES!\nTests: 4, Assertions: 6, Failures: 1.", 1),
    expect=["errors_occurred"])
rec("n10", "dotnet test (vstest) pass", "fix", edit("src/Shop/Cart.cs"),
    bash("dotnet test", "  Determining projects to restore...\n  All projects are up-to-date for restore.\n  Shop -> /src/Shop/bin/Debug/net8.0/Shop.dll\n  Shop.Tests -> /src/Shop.Tests/bin/Debug/net8.0/Shop.Tests.dll\nTest run for /src/Shop.Tests/bin/Debug/net8.0/Shop.Tests.dll (.NETCoreApp,Version=v8.0)\nMicrosoft (R) Test Execution Command Line Tool Version 17.8.0 (x64)\nCopyright (c) Microsoft Corporation.  All rights reserved.\n\nStarting test execution, please wait...\nA total of 1 test files matched the specified pattern.\n\nPassed!  - Failed:     0, Passed:    14, Skipped:     0, Total:    14, Duration: 38 ms - Shop.Tests.dll (net8.0)"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n11", "gradle test fail", "fix divide", edit("src/main/java/Calc.java"),
    bash("./gradlew test", "> Task :compileJava\n> Task :compileTestJava UP-TO-DATE\n> Task :test FAILED\n\nCalculatorTest > divideByZero() FAILED\n    java.lang.AssertionError at CalculatorTest.java:31\n\n5 tests completed, 1 failed\n\nFAILURE: Build failed with an exception.\n\n* What went wrong:\nExecution failed for task ':test'.\n> There were failing tests. See the report at: file:///app/build/reports/tests/test/index.html\n\n* Try:\n> Run with --scan to get full insights.\n\nBUILD FAILED in 3s\n4 actionable tasks: 2 executed, 2 up-to-date", 1),
    expect=["errors_occurred"])
rec("n12", "codex mvn test pass", "fix", patch("src/main/java/com/acme/App.java"),
    cx("mvn test", "[INFO] -------------------------------------------------------\n[INFO]  T E S T S\n[INFO] -------------------------------------------------------\n[INFO] Running com.acme.AppTest\n[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0, Time elapsed: 0.041 s -- in com.acme.AppTest\n[INFO] \n[INFO] Results:\n[INFO] \n[INFO] Tests run: 3, Failures: 0, Errors: 0, Skipped: 0\n[INFO] \n[INFO] ------------------------------------------------------------------------\n[INFO] BUILD SUCCESS\n[INFO] ------------------------------------------------------------------------\n[INFO] Total time:  2.114 s\n"),
    expect=["tests_passed", "zero_fix_iterations"], shape="codex")
rec("n13", "ctest fail with output-on-failure", "fix io", edit("src/io.cpp"),
    bash("cd build && ctest --output-on-failure", "Test project /src/build\n    Start 1: unit_math\n1/3 Test #1: unit_math ........................   Passed    0.01 sec\n    Start 2: unit_io\n2/3 Test #2: unit_io ..........................***Failed    0.02 sec\n    Start 3: integ\n3/3 Test #3: integ ............................   Passed    0.10 sec\n\n67% tests passed, 1 tests failed out of 3\n\nTotal Test time (real) =   0.14 sec\n\nThe following tests FAILED:\n\t  2 - unit_io (Failed)\nErrors while running CTest", 8),
    expect=["errors_occurred"])
rec("n14", "bats TAP (non-tty) pass", "fix cli", edit("bin/cli.sh"),
    bash("bats test/", "1..4\nok 1 prints usage with no args\nok 2 parses --name\nok 3 rejects unknown flag\nok 4 exits 0 on --help"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n15", "bats TAP fail", "fix cli", edit("bin/cli.sh"),
    bash("bats test/", "1..3\nok 1 prints usage\nnot ok 2 parses --name\n# (in test file test/cli.bats, line 14)\n#   `[ \"$output\" = \"hello bob\" ]' failed\nok 3 exits 0 on --help", 1),
    expect=["errors_occurred"])
rec("n16", "deno test pass", "fix", edit("main.ts"),
    bash("deno test", "running 3 tests from ./main_test.ts\nadd ... ok (1ms)\nsub ... ok (0ms)\nmul ... ok (0ms)\n\nok | 3 passed | 0 failed (14ms)\n"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n17", "misleading: cat of README quoting a jest summary, no run", "update", edit("src/index.js"),
    bash("cat README.md", "# shop\n\nRun `npm test`; you should see:\n\nTest Suites: 2 passed, 2 total\nTests:       9 passed, 9 total\n"),
    expect=[])
rec("n18", "misleading: pass, then another edit, then a collection error", "add route", edit("app/routes.py"),
    bash("pytest -q", "........\n8 passed in 0.31s"), edit("app/api.py"),
    bash("pytest -q", "==================================== ERRORS ====================================\n_____________________ ERROR collecting tests/test_api.py ______________________\nImportError while importing test module '/app/tests/test_api.py'.\nE   ModuleNotFoundError: No module named 'app.routes'\n=========================== short test summary info ============================\nERROR tests/test_api.py\n!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!\n1 error in 0.12s", 2),
    expect=["errors_occurred"])
rec("n19", "misleading: commit message says all tests passed, no run", "commit it",
    bash('git commit -am "fix: all tests passed now"', "[main 4f9e2a1] fix: all tests passed now\n 1 file changed, 2 insertions(+)"),
    expect=["committed"])
rec("n20", "git commit with nothing to commit", "commit",
    bash('git commit -am "wip"', "On branch main\nYour branch is up to date with 'origin/main'.\n\nnothing to commit, working tree clean", 1),
    expect=[])
rec("n21", "jest timeout in a test", "fix fetch", edit("src/fetch.js"),
    bash("npx jest", "FAIL src/fetch.test.js (5.4 s)\n  ● fetchUser › resolves\n\n    thrown: \"Exceeded timeout of 5000 ms for a test.\n    Add a timeout value to this test to increase the timeout, if this is a long-running test. See https://jestjs.io/docs/api#testname-fn-timeout.\"\n\nTest Suites: 1 failed, 1 total\nTests:       1 failed, 4 passed, 5 total\nSnapshots:   0 total\nTime:        5.61 s", 1),
    expect=["errors_occurred", "timeout"])
rec("n22", "codex go build + go vet silent", "fix", patch("main.go"),
    cx("go build ./...", ""), cx("go vet ./...", ""), expect=["build_passed", "lint_clean"], shape="codex")
rec("n23", "golangci-lint clean", "lint", edit("main.go"), bash("golangci-lint run ./...", "0 issues."), expect=["lint_clean"])
rec("n24", "cargo: three failed cycles then pass", "fix b", edit("src/lib.rs"), bash("cargo test", CARGO_FAIL, 101),
    edit("src/lib.rs"), bash("cargo test", CARGO_FAIL, 101), edit("src/lib.rs"), bash("cargo test", CARGO_FAIL, 101),
    edit("src/lib.rs"), bash("cargo test", CARGO_PASS), expect=["multiple_retries", "tests_passed"])
rec("n25", "pytest -k deselects everything (exit 5)", "run one", edit(),
    bash("pytest -k nosuchtest", "============================= test session starts ==============================\ncollected 12 items / 12 deselected / 0 selected\n\n============================ 12 deselected in 0.05s ============================", 5),
    expect=[])
rec("n26", "codex uv run pytest -q pass", "fix", patch("src/app.py"), cx("uv run pytest -q", "....\n4 passed in 0.03s\n"),
    expect=["tests_passed", "zero_fix_iterations"], shape="codex")
rec("n27", "ctest no tests", "run", edit("src/a.cpp"), bash("ctest", "Test project /src/build\nNo tests were found!!!"), expect=[])
rec("n28", "jest --passWithNoTests", "run", edit("src/a.js"), bash("npx jest --passWithNoTests", "No tests found, exiting with code 0\nRun with `--passWithNoTests` to exit with code 0\nIn /app\n  12 files checked."), expect=[])
rec("n29", "dotnet test, Microsoft.Testing.Platform summary (.NET 9/10)", "fix", edit("src/Shop/Cart.cs"),
    bash("dotnet test", "Shop.Tests test net9.0 succeeded (1.2s)\n\nTest run summary: Passed! - bin/Debug/net9.0/Shop.Tests.dll (net9.0|x64)\n  total: 14\n  failed: 0\n  succeeded: 14\n  skipped: 0\n  duration: 512ms"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n30", "vitest v3 pass", "fix", edit("src/utils.ts"),
    bash("pnpm vitest run", "\n RUN  v3.0.5 /home/u/web\n\n ✓ src/utils.test.ts (5 tests) 3ms\n ✓ src/api.test.ts (7 tests) 12ms\n\n Test Files  2 passed (2)\n      Tests  12 passed (12)\n   Start at  09:14:55\n   Duration  640ms (transform 50ms, setup 0ms, collect 80ms, tests 15ms, environment 0ms, prepare 120ms)\n"),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n31", "mocha 0 passing via npm test", "run", edit("lib/a.js"), bash("npm test", "\n> lib@1.0.0 test\n> mocha\n\n\n\n  0 passing (1ms)\n"), expect=[])
rec("n32", "pytest to a log file then tail in one command", "fix", edit(),
    bash("pytest > /tmp/pytest.log 2>&1; tail -5 /tmp/pytest.log", "tests/test_z.py ....                                                     [100%]\n\n============================== 30 passed in 4.20s =============================="),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n33", "pytest to a log (exit 1), separate tail shows failure", "fix", edit(),
    bash("pytest > /tmp/t.log 2>&1", "", 1), bash("tail -20 /tmp/t.log", "FAILED tests/test_a.py::test_x - KeyError: 'id'\n========================= 1 failed, 11 passed in 0.90s ========================="),
    expect=["errors_occurred"])
rec("n34", "pytest to a log (exit 0), separate tail shows pass", "fix", edit(),
    bash("pytest > /tmp/t.log 2>&1"), bash("tail -3 /tmp/t.log", "\n============================== 12 passed in 0.88s =============================="),
    expect=["tests_passed", "zero_fix_iterations"])
rec("n35", "go test -run matching nothing", "run", edit("x.go"),
    bash("go test -run TestNope ./...", "testing: warning: no tests to run\nPASS\nok  \texample.com/x\t0.003s [no tests to run]"), expect=[])

# replies: no tools, just the verdict
REPLIES = [
    ("r01", "de accept", "Passt, danke dir!", ["user_accepted"]),
    ("r02", "fr reject", "Non, ce n'est pas ce que je voulais.", ["user_rejected"]),
    ("r03", "es question", "¿Funciona también en Windows?", []),
    ("r04", "ja negated praise + still wrong", "完璧ではないですね。まだ改行が残っています。", ["user_rejected"]),
    ("r05", "zh reject", "还是不行，报同样的错", ["user_rejected"]),
    ("r06", "zh accept", "可以，合并吧，谢谢", ["user_accepted"]),
    ("r07", "pt reject", "Ainda não funcionou, dá o mesmo erro.", ["user_rejected"]),
    ("r08", "pt accept", "Perfeito, muito obrigado!", ["user_accepted"]),
    ("r09", "en no worries (unclear)", "no worries, I'll test it tomorrow", []),
    ("r10", "en indirect reject", "I don't think that's right, the header is still missing", ["user_rejected"]),
    ("r11", "de still not working", "Funktioniert leider immer noch nicht.", ["user_rejected"]),
    ("r12", "en accept with reservation", "Not perfect, but good enough. Thanks!", ["user_accepted"]),
    ("r13", "ja thanks but tests still fail", "ありがとうございます、でもまだテストが落ちます", ["user_rejected"]),
    ("r14", "es reject + revert", "No, así no. Revierte el cambio.", ["user_rejected"]),
    ("r15", "fr accept", "Merci, c'est parfait !", ["user_accepted"]),
    ("r16", "zh not what I want", "这不是我想要的", ["user_rejected"]),
    ("r17", "zh negated praise", "不太完美，标题还是错的", ["user_rejected"]),
    ("r18", "en don't revert (keep)", "Don't revert it, just rename the variable", []),
    ("r19", "de negated", "Das ist nicht perfekt, aber okay.", []),
    ("r20", "en works-on-my-machine but CI red", "works locally but CI is still red", ["user_rejected"]),
    ("r21", "ja accept", "動きました！助かりました", ["user_accepted"]),
    ("r22", "es negated perfect", "No está perfecto todavía, faltan los tests", ["user_rejected"]),
    ("r23", "pt question", "Funciona com Python 3.9?", []),
    ("r24", "en sarcasm", "Oh great, now the login page is broken too", ["user_rejected"]),
    ("r25", "en new task with thanks-free text", "Now add pagination to the list endpoint", []),
    ("r26", "de ok ship", "Sieht gut aus, merge ich gleich.", ["user_accepted"]),
    ("r27", "fr still broken", "Ça ne marche toujours pas, même erreur", ["user_rejected"]),
    ("r28", "zh no problem reported (neutral)", "没问题的话就提交吧", []),
    ("r29", "en not working?", "Is it still not working?", []),
    ("r30", "ja negative of 'works'", "全然動いてないです", ["user_rejected"]),
]
for id, note, reply, exp in REPLIES:
    R.append({"id": id, "shape": "reply", "note": note, "messages": [{"role": "user", "content": "Rename the helper"},
              {"role": "assistant", "content": "Renamed `helper` to `format_row` in 3 files."}], "after_user_reply": reply, "expect": sorted(exp)})


# second batch: precision traps
rec("x01", "failing test whose assertion text mentions 'Request timed out' (no timeout happened)", "fix message", edit("app/client.py"),
    bash("pytest -q", "F...\n=================================== FAILURES ===================================\n_____________________________ test_error_message ______________________________\n\n    def test_error_message():\n>       assert format_error(504) == \"Request timed out\"\nE       AssertionError: assert 'Gateway error' == 'Request timed out'\n\ntests/test_client.py:8: AssertionError\n=========================== short test summary info ============================\nFAILED tests/test_client.py::test_error_message - AssertionError: assert 'Gateway error' == 'Request timed out'\n1 failed, 3 passed in 0.12s", 1),
    expect=["errors_occurred"])
rec("x02", "Django manage.py test pass", "fix view", edit("shop/views.py"),
    bash("python manage.py test", "Found 5 test(s).\nCreating test database for alias 'default'...\nSystem check identified no issues (0 silenced).\n.....\n----------------------------------------------------------------------\nRan 5 tests in 0.012s\n\nOK\nDestroying test database for alias 'default'..."),
    expect=["tests_passed", "zero_fix_iterations"])
MORE = [
    ("x03", "en thanks then still fail (no contrast word)", "Thanks. Unfortunately the tests still fail on CI.", ["user_rejected"]),
    ("x04", "en question with a version number", "Did it get merged into v1.2 already?", []),
    ("x05", "es question with a version number", "¿Funciona con la versión 2.0?", []),
    ("x06", "fr question with a version number", "Ça marche avec Node 20.x ?", []),
    ("x07", "en perfect except broke", "Perfect, except it broke the import in utils.py", ["user_rejected"]),
    ("x08", "zh thanks but unresolved", "谢谢，但是还有一个问题没解决", ["user_rejected"]),
    ("x09", "de accept short", "Danke! Läuft.", ["user_accepted"]),
    ("x10", "en 'no more errors' accept", "No more errors, thanks!", ["user_accepted"]),
    ("x11", "ja errors no longer appear (accept)", "エラーが出なくなりました！", ["user_accepted"]),
    ("x12", "ja fixed, no longer broken (accept)", "直りました、もう壊れてないです", ["user_accepted"]),
    ("x13", "zh old error gone, no need to roll back", "之前的错误没有了，不用回滚", ["user_accepted"]),
    ("x14", "en it no longer breaks", "It no longer breaks on empty input, thanks", ["user_accepted"]),
    ("x15", "pt no more errors", "Não dá mais erro, valeu!", ["user_accepted"]),
    ("x16", "es version question 2", "¿Está listo para la 3.1?", []),
]
for id, note, reply, exp in MORE:
    R.append({"id": id, "shape": "reply", "note": note, "messages": [{"role": "user", "content": "Fix the crash"},
              {"role": "assistant", "content": "Fixed the null check in parse()."}], "after_user_reply": reply, "expect": sorted(exp)})
records = R

if __name__ == "__main__":
    from pathlib import Path

    out = Path(__file__).with_name("holdout5.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
