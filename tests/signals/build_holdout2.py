"""Writes holdout2.jsonl: a second held-out part, written after the detectors (09:46 UTC) from
formats and phrasings the patterns were not written for, committed before it was measured, and
measured once. Labels say what really happened, whether or not a detector can see it.
Run: `.venv/bin/python tests/signals/build_holdout2.py`.
"""

from __future__ import annotations

import json
from pathlib import Path

from signals_shapes import bash, codex, edit, patch, record

ANSI_PYTEST = "\x1b[1m============================= test session starts ==============================\x1b[0m\ncollected 5 items / 2 deselected / 3 selected\n\ntests/test_io.py \x1b[32m.\x1b[0m\x1b[32m.\x1b[0m\x1b[32m.\x1b[0m\n\n\x1b[32m======================= \x1b[32m\x1b[1m3 passed\x1b[0m, \x1b[33m2 deselected\x1b[0m\x1b[32m in 0.05s\x1b[0m\x1b[32m ========================\x1b[0m"
PYTEST_ERR = "=========================== short test summary info ============================\nFAILED tests/test_io.py::test_read - OSError: [Errno 2] No such file\nFAILED tests/test_io.py::test_write - assert 0 == 1\nERROR tests/test_io.py::test_tmp - fixture 'tmpdir_factory2' not found\n==================== 2 failed, 4 passed, 1 error in 1.21s ====================="
JEST_TODO = "Test Suites: 3 passed, 3 total\nTests:       2 todo, 10 passed, 12 total\nSnapshots:   1 passed, 1 total\nTime:        3.2 s\nRan all test suites."
VITEST_FAIL = " ❯ src/math.test.ts (13 tests | 3 failed) 12ms\n\n Test Files  1 failed | 2 passed (3)\n      Tests  3 failed | 10 passed (13)\n   Start at  09:12:44\n   Duration  812ms"
GO_JSON = '{"Time":"2026-01-05T10:00:00Z","Action":"start","Package":"example.com/q"}\n{"Time":"2026-01-05T10:00:00Z","Action":"run","Package":"example.com/q","Test":"TestPop"}\n{"Time":"2026-01-05T10:00:00Z","Action":"pass","Package":"example.com/q","Test":"TestPop","Elapsed":0}\n{"Time":"2026-01-05T10:00:00Z","Action":"pass","Package":"example.com/q","Elapsed":0.012}'
NEXTEST_FAIL = "    Starting 10 tests across 2 binaries\n        PASS [   0.004s] ring tests::push\n        FAIL [   0.005s] ring tests::wrap\n------------\n     Summary [   0.031s] 10 tests run: 9 passed, 1 failed, 0 skipped\n        FAIL [   0.005s] ring tests::wrap\nerror: test run failed"
PNPM_VITEST = "\n> web@1.0.0 test /repo\n> vitest run\n\n Test Files  2 passed (2)\n      Tests  20 passed (20)\n   Start at  10:00:00\n   Duration  1.1s"
CARGO_FAIL = "test result: FAILED. 5 passed; 2 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s\n\nerror: test failed, to rerun pass `--lib`"
CARGO_PASS = "test result: ok. 7 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.01s"
DOTNET_BUILD = "  Determining projects to restore...\n  All projects are up-to-date for restore.\n  Shop -> /repo/bin/Debug/net8.0/Shop.dll\n\nBuild succeeded.\n    0 Warning(s)\n    0 Error(s)\n\nTime Elapsed 00:00:02.31"
ESLINT_WARN = "\n> web@1.0.0 lint\n> eslint src\n\n/repo/src/a.js\n  2:7  warning  'x' is assigned a value but never used  no-unused-vars\n\n✖ 3 problems (0 errors, 3 warnings)\n"
HOOKED_COMMIT = "trim trailing whitespace.................................................Passed\nfix end of files.........................................................Passed\n[feat/export 0d1e2f3] Add the export button\n 1 file changed, 12 insertions(+)"

records = [
    record("k01", "Fix io", edit("src/io.py"), bash("pytest -k io --color=yes", ANSI_PYTEST), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="colored pytest with deselected"),
    record("k02", "Fix io", edit("src/io.py"), bash("pytest", PYTEST_ERR, 1), shape="claude",
           expect=["errors_occurred"], note="pytest failures and an error"),
    record("k03", "Fix math", patch("src/math.ts"), codex("yarn test", JEST_TODO, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="jest with todo tests"),
    record("k04", "Fix math", patch("src/math.ts"), codex("pnpm vitest run", VITEST_FAIL, 1), shape="codex",
           expect=["errors_occurred"], note="vitest failures"),
    record("k05", "Fix pop", edit("q.go"), bash("go test -json ./...", GO_JSON), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="go test -json (no text summary)"),
    record("k06", "Fix wrap", edit("src/ring.rs"), bash("cargo nextest run", NEXTEST_FAIL, 100), shape="claude",
           expect=["errors_occurred"], note="nextest failure"),
    record("k07", "Fix the form", patch("src/form.tsx"), codex("pnpm test", PNPM_VITEST, 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations"], note="pnpm test running vitest"),
    record("k08", "Fix wrap", edit("src/ring.rs"), bash("cargo test", CARGO_FAIL, 101), edit("src/ring.rs"),
           bash("cargo test", CARGO_FAIL, 101), edit("src/ring.rs"), bash("cargo test", CARGO_PASS), shape="claude",
           expect=["tests_passed", "multiple_retries"], note="two failed cycles then pass"),
    record("k09", "Build", edit("src/Shop.cs"), bash("dotnet build", DOTNET_BUILD), shape="claude",
           expect=["build_passed"], note="dotnet build"),
    record("k10", "Lint", patch("src/a.js"), codex("npm run lint", ESLINT_WARN, 0), shape="codex",
           expect=[], note="eslint warnings only: not clean"),
    record("k11", "Lint", patch("q.go"), codex("golangci-lint run ./...", "", 0), shape="codex",
           expect=["lint_clean"], note="golangci-lint silent"),
    record("k12", "Commit", codex("git commit -m 'Add the export button'", HOOKED_COMMIT, 0), shape="codex",
           expect=["committed"], note="commit after pre-commit hooks"),
    record("k13", "Run tests with a limit", codex("timeout 30 npm test", "\n> web@1.0.0 test\n> jest\n\n", 124), shape="codex",
           expect=["timeout"], note="timeout(1) killed the run: no verdict"),
    record("k14", "What changed?", bash("git diff HEAD~1 -- tests/", "-    assert out == '2 passed in 0.1s'\n+    assert out == '3 passed in 0.1s'"),
           shape="claude", expect=[], note="diff quoting summaries"),
    record("k15", "Show snapshot", bash("bat --plain tests/__snapshots__/out.txt", "Tests:       3 passed, 3 total\nBUILD SUCCESSFUL in 2s"),
           shape="claude", expect=[], note="bat of a snapshot"),
    record("k16", "Rename", edit("a.py"), reply="Sounds good, ship it!", expect=["user_accepted"], note="en ship it"),
    record("k17", "Rename", edit("a.py"), reply="meh, not what I asked for", expect=["user_rejected"], note="en not what I asked"),
    record("k18", "Rename", edit("a.py"), reply="Vielen Dank, das war's.", expect=["user_accepted"], note="de vielen dank"),
    record("k19", "Rename", edit("a.py"), reply="C'est pas bon, recommence.", expect=["user_rejected"], note="fr c'est pas bon"),
    record("k20", "Rename", edit("a.py"), reply="Perfecto, ya lo mergeé.", expect=["user_accepted"], note="es perfecto"),
    record("k21", "Rename", edit("a.py"), reply="うーん、ちょっと違うかな。", expect=["user_rejected"], note="ja chotto chigau"),
    record("k22", "Rename", edit("a.py"), reply="Could you walk me through the change?", expect=[], note="question"),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("holdout2.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
