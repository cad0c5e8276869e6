"""Writes holdout4.jsonl: a fourth held-out part, written after the holdout3 fixes by someone who had
read the detectors (so not blind to them), in the shape of whole agent sessions rather than minimal
exchanges: reads, searches, plans and status checks around the runs, runs piped through
tail/grep, chains of linters and tests, installs that print "0 vulnerabilities", docs touched after
the tests, everyday replies. Committed before it was measured, measured once. Labels follow the
same conventions as build_holdout3.py.
Run: `.venv/bin/python tests/signals/build_holdout4.py`.
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
    codex_shell_command,
    edit,
    patch,
    read,
    record,
    task,
    tool,
    write,
)

GREP = tool("Grep", {"pattern": "def create", "path": "src"}, "src/api.py:41:def create(payload):\nsrc/db.py:12:def create_engine():")
TODO = tool("TodoWrite", {"todos": [{"content": "Fix create", "status": "in_progress"}]},
            "Todos have been modified successfully. Ensure that you continue to use the todo list to track your progress.")
GIT_STATUS = bash("git status --short", " M src/api.py\n M tests/test_api.py")
GIT_DIFF = bash("git diff --stat", " src/api.py       | 4 ++--\n tests/test_api.py | 9 +++++++++\n 2 files changed, 11 insertions(+), 2 deletions(-)")
HEREDOC_COMMIT = "git add -A && git commit -m \"$(cat <<'EOF'\nFix create() for empty payloads\n\nCo-Authored-By: Claude <noreply@anthropic.com>\nEOF\n)\""

PY_FAIL = "..........F\n=================================== FAILURES ===================================\n_________________________________ test_create __________________________________\nE       KeyError: 'name'\n=========================== short test summary info ============================\nFAILED tests/test_api.py::test_create - KeyError: 'name'\n1 failed, 10 passed in 0.61s"
PY_PASS = "...........                                                              [100%]\n11 passed in 0.58s"
VITEST_RUN = "\n RUN  v2.1.4 /Users/dev/web\n\n ✓ src/cart.test.ts (9 tests) 14ms\n ✓ src/price.test.ts (5 tests) 6ms\n\n Test Files  2 passed (2)\n      Tests  14 passed (14)\n   Start at  10:12:01\n   Duration  1.02s (transform 120ms, setup 0ms, collect 300ms, tests 20ms)\n"
VITE_BUILD = "\n> web@1.0.0 build\n> vite build\n\nvite v5.4.2 building for production...\n✓ 128 modules transformed.\ndist/index.html                  0.46 kB │ gzip:  0.30 kB\ndist/assets/index-Bc1dE2f3.js  151.22 kB │ gzip: 49.01 kB\n✓ built in 2.04s"
JEST_PASS = "\n> web@1.0.0 test\n> jest\n\n PASS  src/cart.test.js\n PASS  src/price.test.js\n\nTest Suites: 2 passed, 2 total\nTests:       14 passed, 14 total\nSnapshots:   0 total\nTime:        1.9 s\nRan all test suites."
JEST_FAIL = "\n> web@1.0.0 test\n> jest\n\n FAIL  src/cart.test.js\n  ● cart › totals\n\n    expect(received).toBe(expected)\n\nTest Suites: 1 failed, 1 passed, 2 total\nTests:       1 failed, 13 passed, 14 total\nSnapshots:   0 total\nTime:        2.0 s"
CARGO_PASS = "    Finished `test` profile [unoptimized + debuginfo] target(s) in 0.9s\n     Running unittests src/lib.rs (target/debug/deps/ring-0a1b2c3d4e5f6071)\n\nrunning 6 tests\n......\ntest result: ok. 6 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s"
GO_FAIL = "--- FAIL: TestPop (0.00s)\n    queue_test.go:44: got 3, want 2\nFAIL\nFAIL\texample.com/queue\t0.012s\nFAIL"
GO_OK = "ok  \texample.com/queue\t0.010s"
CLIPPY_ERR = "    Checking ring v0.1.0 (/repo)\nerror: this `if` has identical blocks\n  --> src/lib.rs:21:9\n   |\n   = note: `-D clippy::if-same-then-else` implied by `-D warnings`\n\nerror: could not compile `ring` (lib) due to 1 previous error"
CLIPPY_OK = "    Checking ring v0.1.0 (/repo)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 0.71s"
HUSKY = "\n> web@1.0.0 lint-staged\n> lint-staged\n\n✖ eslint --fix:\n/repo/src/cart.ts\n  3:7  error  'x' is assigned a value but never used  no-unused-vars\n\n✖ 1 problem (1 error, 0 warnings)\n\nhusky - pre-commit script failed (code 1)"
PUSH = "[fix/cart-total 8c9d0e1] Fix the cart total\n 2 files changed, 6 insertions(+), 2 deletions(-)\nTo github.com:acme/web.git\n * [new branch]      fix/cart-total -> fix/cart-total"
NPM_CI = "\nadded 512 packages, and audited 513 packages in 9s\n\n148 packages are looking for funding\n  run `npm fund` for details\n\nfound 0 vulnerabilities"
PIP_INSTALL = "Obtaining file:///repo\n  Installing build dependencies ... done\nBuilding wheels for collected packages: shop\n  Building editable for shop (pyproject.toml) ... done\nSuccessfully built shop\nInstalling collected packages: shop\nSuccessfully installed shop-0.1.0"
PY_BUILD = "* Creating isolated environment: venv+pip...\n* Building sdist...\n* Building wheel from sdist\nSuccessfully built shop-0.1.0.tar.gz and shop-0.1.0-py3-none-any.whl"
CRA_FAIL = "\n> app@0.1.0 build\n> react-scripts build\n\nCreating an optimized production build...\nFailed to compile.\n\n./src/App.js\nModule not found: Error: Can't resolve './Cart' in '/repo/src'"
CRA_OK = "\n> app@0.1.0 build\n> react-scripts build\n\nCreating an optimized production build...\nCompiled successfully.\n\nFile sizes after gzip:\n\n  46.6 kB  build/static/js/main.1c2d3e4f.js"
VITE_WARN = "vite v5.4.2 building for production...\n✓ 640 modules transformed.\n(!) Some chunks are larger than 500 kB after minification. Consider:\n- Using dynamic import() to code-split the application\ndist/assets/index-9f8e7d6c.js   812.40 kB │ gzip: 250.11 kB\n✓ built in 6.81s"
VITEST_COV = "\n> web@1.0.0 test:unit\n> vitest run --coverage\n\n ✓ src/cart.test.ts (9 tests) 14ms\n\n Test Files  1 passed (1)\n      Tests  9 passed (9)\n   Start at  10:20:00\n   Duration  1.40s\n\n % Coverage report from v8\n----------|---------|----------|---------|---------|\nFile      | % Stmts | % Branch | % Funcs | % Lines |\n----------|---------|----------|---------|---------|\nAll files |   91.20 |    84.00 |     100 |   91.20 |"
MAKE_LINT_TEST = "golangci-lint run ./...\n0 issues.\ngo test ./...\nok  \texample.com/queue\t0.011s"

records = [
    record("n01", "create() crashes on an empty payload; fix it", read("src/api.py", "def create(payload):\n    return Item(payload['name'])"),
           GREP, edit("src/api.py"), bash("pytest -q", PY_FAIL, 1), read("tests/test_api.py", "def test_create(): ..."),
           edit("src/api.py"), bash("pytest -q", PY_PASS), GIT_STATUS, GIT_DIFF,
           bash(HEREDOC_COMMIT, "[main 4d5e6f7] Fix create() for empty payloads\n 2 files changed, 11 insertions(+), 2 deletions(-)"),
           reply="perfect, thanks", shape="claude", expect=["tests_passed", "committed", "user_accepted"],
           note="session: one failed cycle, pass, status, diff, heredoc commit"),
    record("n02", "Round prices half up", codex("rg -n 'round' src", "src/price.ts:3:  return Math.round(x)", 0),
           codex("sed -n '1,80p' src/price.ts", "export function price(x: number) {\n  return Math.round(x)\n}", 0), patch("src/price.ts"),
           codex_long("npm test -- --run", ["\n> web@1.0.0 test\n> vitest --run\n", VITEST_RUN], 0, 4411),
           codex("npm run lint", "\n> web@1.0.0 lint\n> eslint src\n\n", 0), codex("npx tsc --noEmit", "", 0), shape="codex",
           expect=["tests_passed", "zero_fix_iterations", "lint_clean"], note="codex session: look, patch, tests, lint, typecheck"),
    record("n03", "Add the price badge", edit("src/Badge.tsx"), bash("npm run build", VITE_BUILD), bash("npm test", JEST_PASS),
           edit("README.md"), shape="claude", expect=["build_passed", "tests_passed", "zero_fix_iterations"],
           note="build, tests, then the README"),
    record("n04", "Make the ring buffer generic", edit("src/lib.rs"), bash("cargo test", CARGO_PASS), edit("src/lib.rs"),
           bash("cargo build", "   Compiling ring v0.1.0 (/repo)\n    Finished `dev` profile [unoptimized + debuginfo] target(s) in 1.10s"),
           shape="claude", expect=["build_passed"], note="tests, another code edit, then only a build"),
    record("n05", "Fix create", TODO, edit("src/api.py"), bash("pytest -q", PY_PASS), TODO,
           bash("git commit -am 'Fix create'", "[main 1f2e3d4] Fix create\n 1 file changed, 2 insertions(+)"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations", "committed"], note="todo updates around the work"),
    record("n06", "Why does test_create fail?", bash("pytest -x -q 2>&1 | tail -5", PY_FAIL), edit("src/api.py"),
           bash("pytest -x -q 2>&1 | tail -5", PY_PASS), shape="claude", expect=["tests_passed", "zero_fix_iterations"],
           note="reproduce through tail (exit 0), fix, pass"),
    record("n07", "Pop should return the oldest", patch("queue.go"), codex("go test ./...", GO_FAIL, 1), patch("queue.go"),
           codex("go test ./...", GO_FAIL, 1), patch("queue.go"), codex("go test ./...", GO_FAIL, 1), patch("queue.go"),
           codex("go test ./...", GO_OK, 0), shape="codex", expect=["tests_passed", "multiple_retries"], note="three failed codex cycles, pass"),
    record("n08", "Fix create", edit("src/api.py"),
           bash('python -m pytest tests/test_api.py -k "create" -q', "...\n3 passed, 20 deselected in 0.21s"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="a -k subset passes"),
    record("n09", "Start the dev server and check health", edit("src/server.ts"),
           bash_background("npm run dev", "d3v5rv", [("\n> web@1.0.0 dev\n> vite\n\n  VITE v5.4.2  ready in 312 ms\n\n  ➜  Local:   http://localhost:5173/", None)]),
           bash("curl -s localhost:5173/health", '{"ok":true}'), shape="claude", expect=[], note="dev server still running; a health check"),
    record("n10", "Fix the slow test", edit("src/api.py"), bash_timeout("pytest", "2m 0.0s"), bash("pytest -x tests/unit -q", PY_PASS),
           shape="claude", expect=["timeout", "tests_passed", "zero_fix_iterations"], note="the full run timed out, the unit subset passed"),
    record("n11", "Tidy and check", edit("src/api.py"),
           bash("ruff check . && mypy src && pytest -q", "All checks passed!\nSuccess: no issues found in 14 source files\n" + PY_PASS),
           shape="claude", expect=["lint_clean", "tests_passed", "zero_fix_iterations"], note="ruff, mypy, pytest chained"),
    record("n12", "Tidy and check", edit("src/api.py"),
           bash("ruff check . && mypy src && pytest -q", "All checks passed!\nsrc/api.py:3: error: Missing return statement  [empty-body]\nFound 1 error in 1 file (checked 14 source files)", 1),
           shape="claude", expect=[], note="the chain stops at mypy: no tests ran"),
    record("n13", "Make clippy happy", codex("cargo clippy --all-targets -- -D warnings", CLIPPY_ERR, 101), patch("src/lib.rs"),
           codex("cargo clippy --all-targets -- -D warnings", CLIPPY_OK, 0), shape="codex", expect=["lint_clean"],
           note="clippy error, patch, clippy clean"),
    record("n14", "Commit it", codex("git commit -m 'Fix the cart total'", HUSKY, 1), shape="codex", expect=[],
           note="husky pre-commit hook failed"),
    record("n15", "Commit and push", bash("git commit -am 'Fix the cart total' && git push -u origin fix/cart-total", PUSH),
           shape="claude", expect=["committed"], note="commit then push"),
    record("n16", "Fix the queue", edit("queue.go"), bash("go test ./... 2>&1 | grep -E 'FAIL|ok'",
                                                          "ok  \texample.com/queue/ring\t0.004s\nFAIL\texample.com/queue\t0.012s"),
           shape="claude", expect=["errors_occurred"], note="go test filtered by grep: one package fails"),
    record("n17", "Any failures in the report?", bash("cat test-results/junit.xml | grep -c failure", "0"), shape="claude",
           expect=[], note="grep of a report"),
    record("n18", "What did the last run say?", bash("tail -3 /tmp/pytest.log", "FAILED tests/test_api.py::test_create\n3 failed, 2 passed in 0.5s"),
           shape="claude", expect=[], note="tail of an old log"),
    record("n19", "Check the suite", task("Run the tests and tell me if they pass", "All 214 tests pass and the build is clean."),
           shape="claude", expect=[], note="a sub-agent's report"),
    record("n20", "Why is the cart test red?", codex("npm test", JEST_FAIL, 1), answer="The total ignores the discount.",
           shape="codex", expect=["errors_occurred"], note="a failing run, explained, nothing changed"),
    record("n21", "Fix create and add a test", edit("src/api.py"), bash("pytest -q", PY_PASS), edit("tests/test_api.py"),
           shape="claude", expect=[], note="a test edited after the passing run"),
    record("n22", "Fix pop", edit("queue.go"), bash("make test", "go test ./...\n" + GO_OK), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="make test printing go test's lines"),
    record("n23", "Fix pop", edit("queue.go"), bash("make lint test", MAKE_LINT_TEST), shape="claude",
           expect=["lint_clean", "tests_passed", "zero_fix_iterations"], note="make lint test: golangci-lint clean, go test ok"),
    record("n24", "Format and lint", edit("src/cart.ts"), bash("npx prettier --write src && npx eslint src", "src/cart.ts 41ms"),
           shape="claude", expect=["lint_clean"], note="prettier --write then a silent eslint"),
    record("n25", "Run the tests", codex_shell_command("pytest -q", PY_PASS, 0, total_lines=1200), shape="codex",
           expect=["tests_passed"], note="shell_command with a cut middle, no edits"),
    record("n26", "Fix create", edit("src/api.py"), bash("docker compose run --rm web pytest -q", "Creating web_run ... done\n" + PY_PASS),
           shape="claude", expect=["tests_passed", "zero_fix_iterations"], note="tests in a container"),
    record("n27", "Cover the cart", edit("src/cart.ts"), bash("npm run test:unit -- --coverage", VITEST_COV), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="vitest with a coverage table"),
    record("n28", "Install deps", bash("npm ci", NPM_CI), shape="claude", expect=[], note="npm ci: '0 vulnerabilities'"),
    record("n29", "Install the package", bash("pip install -e .", PIP_INSTALL), shape="claude", expect=[],
           note="pip install prints 'Successfully built'"),
    record("n30", "Build the sdist and wheel", bash("python -m build", PY_BUILD), shape="claude", expect=["build_passed"],
           note="python -m build"),
    record("n31", "Fix the types", codex("npx tsc --noEmit", "src/cart.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.\n", 2),
           patch("src/cart.ts"), codex("npx tsc --noEmit", "", 0), shape="codex", expect=["lint_clean"], note="tsc errors, patch, tsc clean"),
    record("n32", "Re-run what failed", edit("src/api.py"), bash("pytest --lf -q", "..\n2 passed, 40 deselected in 0.30s"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="pytest --lf"),
    record("n33", "Run the tests", edit("src/api.py"),
           bash("uv run pytest", "error: Failed to spawn: `pytest`\n  Caused by: No such file or directory (os error 2)", 2), shape="claude",
           expect=["errors_occurred"], note="the runner is not installed"),
    record("n34", "Run the tests", edit("src/cart.js"), bash("npm test", "\n> web@1.0.0 test\n> jest\n\nsh: 1: jest: not found", 127),
           shape="claude", expect=["errors_occurred"], note="jest not found, exit 127"),
    record("n35", "Run the long suite", codex_long("pytest tests/e2e", ["collected 310 items\n\ntests/e2e/test_flow.py ........"], 0, 6001)[:-2],
           shape="codex", expect=[], note="still running when the exchange ends"),
    record("n36", "Check it builds and passes", edit("main.go"), bash("go build ./... && go test ./...", GO_OK), shape="claude",
           expect=["build_passed", "tests_passed", "zero_fix_iterations"],
           # Relabelled 2026-12-02: holdout6's h604 labels the same chain shape build_passed.
           note="go build silent in a chain, then go test: the chain went past the build, so it passed"),
    record("n37", "Run the specs", edit("lib/cart.rb"), bash("bundle exec rspec spec/none_spec.rb", "No examples found.\n\nFinished in 0.0003 seconds (files took 0.05 seconds to load)\n0 examples, 0 failures"),
           shape="claude", expect=[], note="rspec ran nothing"),
    record("n38", "Fix create", edit("src/api.py"), bash("pytest -q", PY_PASS), bash("sed -i '' 's/v1/v2/' README.md"), shape="claude",
           expect=["tests_passed", "zero_fix_iterations"], note="sed -i on the README after the passing run"),
    record("n39", "Fix the build", edit("src/App.js"), bash("npm run build", CRA_FAIL, 1), edit("src/App.js"), bash("npm run build", CRA_OK),
           shape="claude", expect=["build_passed"], note="failed build, fix, build ok"),
    record("n40", "Build it", codex("npm run build", "\n> web@1.0.0 build\n> vite build\n\n" + VITE_WARN, 0), shape="codex",
           expect=["build_passed"], note="vite build with a chunk-size warning"),
    record("n41", "Reword the commit", bash("git commit --amend -m 'Fix create() for empty payloads'",
                                            "[main 5e6f7a8] Fix create() for empty payloads\n Date: Mon Jan 5 10:00:00 2026 +0000\n 2 files changed, 11 insertions(+), 2 deletions(-)"),
           shape="claude", expect=["committed"], note="amend"),
    record("n42", "Merge the feature", bash("git merge feature/cart", "Merge made by the 'ort' strategy.\n src/cart.ts | 4 ++--\n 1 file changed, 2 insertions(+), 2 deletions(-)"),
           shape="claude", expect=[], note="a merge, not a git commit with its hash"),
    record("n43", "Write the migration", write("migrations/0002_add_index.sql", "CREATE INDEX ix ON items(name);\n"),
           bash("git diff --cached --stat", " migrations/0002_add_index.sql | 1 +"), shape="claude", expect=[], note="no runs"),
    # everyday replies
    record("n44", "Add the badge", edit("a.tsx"), reply="great, commit it", expect=["user_accepted"], note="praise + next step"),
    record("n45", "Add the badge", edit("a.tsx"), reply="that's not what I asked. I wanted it on the left", expect=["user_rejected"],
           note="not what I asked"),
    record("n46", "Add the badge", edit("a.tsx"), reply="why did you delete the test file?", expect=[], note="question"),
    record("n47", "Add the badge", edit("a.tsx"), reply="revert the last change", expect=["user_rejected"], note="revert request"),
    record("n48", "Add the badge", edit("a.tsx"), reply="It works but it's slow on big carts.", expect=[], note="works, with a reservation"),
    record("n49", "Add the badge", edit("a.tsx"), reply="nope, same error:\nTypeError: cannot read properties of undefined (reading 'total')",
           expect=["user_rejected"], note="nope + pasted error"),
    record("n50", "Add the badge", edit("a.tsx"), reply="Looks good! Can you also update the changelog?", expect=["user_accepted"],
           note="approval + new request"),
    record("n51", "Add the badge", edit("a.tsx"), reply="[Request interrupted by user]", expect=[], note="interrupt marker"),
    record("n52", "Add the badge", edit("a.tsx"), reply="k", expect=[], note="k"),
    record("n53", "Add the badge", edit("a.tsx"), reply="thank u!!", expect=["user_accepted"], note="thank u"),
    record("n54", "Add the badge", edit("a.tsx"), reply="Hmm no, the badge should be green.", expect=["user_rejected"], note="hmm no"),
    record("n55", "Add the badge", edit("a.tsx"), reply="still failing:\n```\nFAILED tests/test_badge.py::test_color - AssertionError\n```",
           expect=["user_rejected"], note="still failing + pasted output"),
    record("n56", "Add the badge", edit("a.tsx"), reply="passt so, danke", expect=["user_accepted"], note="de passt so"),
    record("n57", "Add the badge", edit("a.tsx"), reply="ok top merci", expect=["user_accepted"], note="fr ok top merci"),
    record("n58", "Add the badge", edit("a.tsx"), reply="Está bien, gracias.", expect=["user_accepted"], note="es está bien"),
    record("n59", "Add the badge", edit("a.tsx"), reply="OKです、ありがとうございます", expect=["user_accepted"], note="ja ok thanks"),
    record("n60", "Add the badge", edit("a.tsx"), reply="好的，可以了", expect=["user_accepted"], note="zh ok"),
    record("n61", "Add the badge", edit("a.tsx"), reply="Ficou ótimo, valeu!", expect=["user_accepted"], note="pt ficou ótimo"),
    record("n62", "Add the badge", edit("a.tsx"), reply="stop, that's wrong", expect=["user_rejected"], note="stop, wrong"),
]

if __name__ == "__main__":
    out = Path(__file__).with_name("holdout4.jsonl")
    out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    print(f"{out}: {len(records)} records")
