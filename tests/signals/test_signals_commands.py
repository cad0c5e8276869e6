"""What a shell command does, and the steps read from the importers' result shapes."""

from __future__ import annotations

import pytest
from signals_shapes import bash, codex_long, edit, patch, record

from finetune_collection.capture import TOOL_ERROR_PREFIX
from finetune_collection.model import Message
from finetune_collection.signals import detect
from finetune_collection.signals.commands import classify
from finetune_collection.signals.record import ERROR_PREFIX, parse_result, steps

KINDS = [
    ("pytest -q", {"test"}),
    ("cd backend && uv run pytest tests 2>&1 | tail -20", {"test"}),
    ("python -m pytest -x", {"test"}),
    ("PYTHONPATH=src timeout 600 python3 -m unittest discover", {"test"}),
    ("npm test -- --run src/a.test.ts", {"test"}),
    ("npm run test:unit", {"test"}),
    ("go test ./...", {"test"}),
    ("cargo test --lib", {"test"}),
    ("./gradlew test", {"test"}),
    ("bundle exec rspec", {"test"}),
    ("mix test", {"test"}),
    ("ctest --test-dir build", {"test"}),
    ("make test", {"test"}),
    ("npm run build", {"build"}),
    ("cargo build --release", {"build"}),
    ("tsc -p .", {"build"}),
    ("make", {"build"}),
    ("tsc --noEmit", {"lint"}),
    ("ruff check .", {"lint"}),
    ("mypy src", {"lint"}),
    ("npx eslint src", {"lint"}),
    ("cargo clippy -- -D warnings", {"lint"}),
    ("git commit -m 'x'", {"commit"}),
    ("git add -A && git commit -am 'x' && git push", {"commit"}),
    ("cat tests/test_x.py", {"view"}),
    ("sed -n '1,80p' tests/test_x.py", {"view"}),
    ("grep -rn passed tests/", {"view"}),
    ("git log -1", {"view"}),
    ("gh run view 12 --log | tail", {"view"}),
    ("echo '5 passed in 0.1s'", {"view"}),
    # a command that runs tests is a test run even when its words say build
    ("zig build test", {"test"}),
    ("zig build", {"build"}),
    ("./gradlew :app:test", {"test"}),
    ("./gradlew connectedDebugAndroidTest", {"test"}),
    ("./gradlew build -x test", {"build"}),
    ("./gradlew :app:assembleDebug", {"build"}),
    ("pnpm -r test", {"test"}),
    ("pnpm --filter web run build", {"build"}),
    ("yarn workspace web test", {"test"}),
    ("npm -w web run lint", {"lint"}),
    ("bazel test //src/...", {"test"}),
    ("sbt test", {"test"}),
    ("deno lint", {"lint"}),
    ("npm install jest", set()),
    ("dotnet build tests/Shop.Tests.csproj", {"build"}),
    ("bazel build //tests:all", {"build"}),
    ("make test-integration", {"test"}),
    # runners whose options come before the command, and package managers running a binary
    ("uv run --with pytest pytest -q", {"test"}),
    ("uv run python -m pytest", {"test"}),
    ("uv run python script.py", set()),
    ("docker compose run --rm app pytest", {"test"}),
    ("kubectl exec -it pod -- pytest -q", {"test"}),
    ("nix develop -c cargo test", {"test"}),
    ("pnpm vitest run", {"test"}),
    ("yarn jest --ci", {"test"}),
    ("yarn tsc --noEmit", {"lint"}),
    ("yarn install", set()),
    ("docker build -t app .", {"build"}),
    # test commands of frameworks and task runners
    ("python manage.py test", {"test"}),
    ("./manage.py test shop", {"test"}),
    ("php artisan test", {"test"}),
    ("xcodebuild test -scheme App", {"test"}),
    ("xcodebuild -scheme App build", {"build"}),
    ('sbt "testOnly *Spec"', {"test"}),
    ("hatch test", {"test"}),
    ("task test", {"test"}),
    ("gotestsum --format testname", {"test"}),
    ("npx vue-tsc --noEmit", {"lint"}),
    ("staticcheck ./...", {"lint"}),
    ("make lint test", {"lint", "test"}),
    ("just typecheck", {"lint"}),
]
LAST = [  # the kinds of the command whose exit status the result reports
    ("npm run build", {"build"}),
    ("cmake --build build && ctest --test-dir build", {"test"}),
    ("npm run build 2>&1 | tail -5", set()),
    ("cd web && npm run build", {"build"}),
    ("cargo build; echo done", {"view"}),
]
EDITS = [
    ("sed -i 's/a/b/' src/app.py", True),
    ("perl -pi -e 's/a/b/' x.pl", True),
    ("cat > src/app.py <<'EOF'\nprint('> hi')\nEOF", True),
    ("git apply fix.patch", True),
    ("apply_patch '*** Begin Patch\n*** Update File: a.py\n*** End Patch'", True),
    ("apply_patch <<'EOF'\n*** Begin Patch\n*** End Patch\nEOF", True),
    ("git stash pop", True),
    ("git stash list", False),
    ("pnpm eslint --fix .", True),
    ("sed -i '' 's/v1/v2/' README.md", False),  # docs only: the code stays as tested
    ("sed -i 's/a/b/' README.md src/app.py", True),
    ("git restore docs/guide.md", False),
    ("ruff check --fix .", True),
    ("ruff format src", True),
    ("pytest > out.log 2>&1", False),
    ("sed -n '1,5p' src/app.py", False),
    ("ruff check .", False),
    ("echo done > /dev/null", False),
]


@pytest.mark.parametrize(("text", "kinds"), KINDS)
def test_kinds(text: str, kinds: set[str]) -> None:
    assert classify(text).kinds == kinds


@pytest.mark.parametrize(("text", "last"), LAST)
def test_last_kinds(text: str, last: set[str]) -> None:
    assert classify(text).last == last


@pytest.mark.parametrize(("text", "edits"), EDITS)
def test_edits(text: str, edits: bool) -> None:
    assert classify(text).edits is edits


def test_unknown_command() -> None:
    command = classify(None)
    assert not command.known and not command.kinds and not command.only_views


def test_error_prefix_is_capture_s() -> None:
    assert ERROR_PREFIX == TOOL_ERROR_PREFIX


@pytest.mark.parametrize(("content", "expected"), [
    ("[tool error] Exit code 2\nboom", ("boom", 2, True, None)),
    ("Chunk ID: a\nWall time: 0.1 seconds\nProcess exited with code 0\nOriginal token count: 3\nOutput:\nhi", ("hi", 0, False, None)),
    ("Chunk ID: a\nWall time: 1.0 seconds\nProcess running with session ID 7\nOriginal token count: 0\nOutput:\n", ("", None, False, 7)),
    ('{"output":"Success.\\n","metadata":{"exit_code":0,"duration_seconds":0.3}}', ("Success.\n", 0, False, None)),
    ("(no output)", ("", None, False, None)),
    ("Exit code: 124\nWall time: 60 seconds\nOutput:\ncommand timed out after 60000 milliseconds\n",
     ("command timed out after 60000 milliseconds\n", 124, False, None)),
    ("Exit code: 0\nWall time: 1.2 seconds\nTotal output lines: 900\nOutput:\nok", ("ok", 0, False, None)),
    ("\x1b[32m3 passed\x1b[0m in 0.1s", ("3 passed in 0.1s", None, False, None)),
    ("==== 3 passed in 0.1s ====\r\n", ("==== 3 passed in 0.1s ====\n", None, False, None)),  # Windows, tty
    ("Running 1/3\rRunning 3/3\r3 passed in 0.1s\n", ("3 passed in 0.1s\n", None, False, None)),  # redrawn line
    ("\x1b]8;;file:///a.py\x1b\\a.py\x1b]8;;\x1b\\:1:1: F401", ("a.py:1:1: F401", None, False, None)),  # OSC 8 link
])
def test_parse_result(content: str, expected: tuple[str, int | None, bool, int | None]) -> None:
    assert parse_result(content) == expected


def test_codex_polls_finish_the_run_they_name() -> None:
    rec = record("x", "run", codex_long("pytest", ["collected 3 items\n", "3 passed in 0.1s"], 0, 11))
    found = [s for s in steps(rec["messages"]) if s.kind == "run"]
    assert len(found) == 1 and found[0].run is not None
    assert found[0].run.finished and found[0].run.exit == 0 and "3 passed" in found[0].run.output
    assert found[0].index == len(rec["messages"]) - 2  # the last poll's result


def test_a_run_that_never_exits_is_no_evidence() -> None:
    rec = record("x", "run", codex_long("pytest", ["3 passed in 0.1s"], 0, 11))
    rec["messages"] = rec["messages"][:-3]  # drop the final poll and the answer
    assert detect(rec["messages"]) == []


def test_message_objects_are_read_like_dicts() -> None:
    rec = record("x", "fix", edit("a.py"), bash("pytest -q", "3 passed in 0.05s"))
    as_models = [Message.model_validate(m) for m in rec["messages"]]
    assert detect(as_models) == detect(rec["messages"])
    assert {o.signal for o in detect(as_models)} == {"tests_passed", "zero_fix_iterations"}


def test_a_patch_that_did_not_apply_changes_nothing() -> None:
    rec = record("x", "fix", edit("a.py"), bash("pytest -q", "3 passed in 0.05s"), patch("src/a.ts"))
    rec["messages"][-2]["content"] = '{"output":"Failed to find expected lines in src/a.ts","metadata":{"exit_code":1}}'
    assert {o.signal for o in detect(rec["messages"])} == {"tests_passed", "zero_fix_iterations"}
    rec["messages"][-2]["content"] = '{"output":"Success. Updated the following files:\\nM src/a.ts\\n","metadata":{"exit_code":0}}'
    assert detect(rec["messages"]) == []


def test_claude_bash_unflagged_means_exit_0() -> None:
    """Claude Code flags every non-zero exit of its Bash tool; other hosts' silence says nothing."""
    rec = record("x", "build", edit("main.c"), bash("make", "cc -o app main.o"))
    [run] = [s.run for s in steps(rec["messages"]) if s.kind == "run"]
    assert run is not None and run.exit == 0
    assert {o.signal for o in detect(rec["messages"])} == {"build_passed"}
    [call] = [c for m in rec["messages"] for c in m.get("tool_calls", []) if c["function"]["name"] == "Bash"]
    call["function"]["name"] = "run_terminal_cmd"
    [run] = [s.run for s in steps(rec["messages"]) if s.kind == "run"]
    assert run is not None and run.exit is None
    assert detect(rec["messages"]) == []


def test_a_build_piped_to_tail_is_not_judged_by_its_exit() -> None:
    rec = record("x", "build", edit("main.c"), bash("make 2>&1 | tail -3", "cc -o app main.o"))
    assert detect(rec["messages"]) == []


def test_silent_test_runners_pass_on_a_clean_exit() -> None:
    rec = record("x", "test", edit("src/a.zig"), bash("zig build test", ""))
    assert {o.signal for o in detect(rec["messages"])} == {"tests_passed", "zero_fix_iterations"}
    rec = record("x", "test", edit("src/a.py"), bash("pytest -q", ""))  # a runner that always prints a summary
    assert detect(rec["messages"]) == []


def test_a_chain_that_stopped_at_its_linter_ran_no_tests() -> None:
    out = "All checks passed!\nsrc/a.py:3: error: Missing return statement  [empty-body]\nFound 1 error in 1 file"
    rec = record("x", "check", edit("src/a.py"), bash("ruff check . && mypy src && pytest -q", out, 1))
    assert detect(rec["messages"]) == []
    rec = record("x", "check", edit("src/a.py"), bash("ruff check . && pytest -q", "All checks passed!\nImportError: x", 1))
    assert {o.signal for o in detect(rec["messages"])} == {"errors_occurred"}


def test_a_formatter_listing_does_not_hide_a_silent_linter() -> None:
    rec = record("x", "lint", edit("src/a.ts"), bash("npx prettier --write src && npx eslint src", "src/a.ts 41ms\nsrc/b.ts 3ms (unchanged)"))
    assert {o.signal for o in detect(rec["messages"])} == {"lint_clean"}
