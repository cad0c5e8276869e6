"""Captures from a transcript report how the caller's claimed signals fared against the record
(MCP `from_transcript`, `finetune add --from-transcript`, the hook), and read the user's replies:
the request after the captured exchange, and the requests inside a multi-exchange import."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import anyio
import click.testing
import pytest
from mcp.server.context import ServerRequestContext
from mcp.server.mcpserver import Context
from test_capture_surfaces import hook, payload

from finetune_collection.capture.locate import project_slug
from finetune_collection.config import Config
from finetune_collection.mcp import tools
from finetune_collection.mcp.state import LazyState
from finetune_collection.store import Store
from transcript_helpers import SESSION, _line

FAILING = "..F.F\n2 failed, 3 passed in 0.41s"
PASSING = ".....\n5 passed in 0.12s"
COLLECTION = Path(os.environ.get("FINETUNE_TRANSCRIPTS", "/work/shared/transcripts"))


def cli(*args: str) -> click.testing.Result:
    """The `finetune` command, in process (the hook's tests run the installed one)."""
    from finetune_collection.cli import cli as finetune

    return click.testing.CliRunner().invoke(finetune, list(args))


def _asst(n: str, parent: str, block: dict[str, Any], stop: str) -> dict[str, Any]:
    return _line("assistant", f"a{n}", parent, {"model": "claude-opus-4-6", "id": f"m{n}", "type": "message",
                 "role": "assistant", "content": [block], "stop_reason": stop}, requestId=f"r{n}")


def session(path: Path, *turns: tuple[str, str | None]) -> Path:
    """One exchange per (request, test output): the request, a `pytest -q` call whose result is the
    output (no call when None), the answer. A request with output "open" starts a call that has no
    result yet (the exchange still running, as when the model calls the tool that captures)."""
    lines: list[dict[str, Any]] = []
    parent: str | None = None
    for i, (request, output) in enumerate(turns):
        lines.append(_line("user", f"u{i}", parent, {"role": "user", "content": request}))
        parent = f"u{i}"
        if output is not None:
            call = {"type": "tool_use", "id": f"toolu_{i}", "name": "Bash", "input": {"command": "pytest -q"}}
            lines.append(_asst(f"{i}c", parent, call, "tool_use"))
            if output == "open":
                break
            result = {"type": "tool_result", "tool_use_id": f"toolu_{i}", "content": output}
            lines.append(_line("user", f"t{i}", f"a{i}c", {"role": "user", "content": [result]}))
            parent = f"t{i}"
        lines.append(_asst(f"{i}e", parent, {"type": "text", "text": "Done: the tests pass."}, "end_turn"))
        parent = f"a{i}e"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    return path


def _project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The Claude Code projects folder of a fresh working folder (the one `find_session` reads)."""
    project = tmp_path / "proj"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("CLAUDE_CONFIG_DIR", str(tmp_path / "claude"))
    folder = tmp_path / "claude" / "projects" / project_slug(str(project))
    folder.mkdir(parents=True)
    return folder / f"{SESSION}.jsonl"


def _collect_from_transcript(home: Path, config: Config, signals: list[str]) -> Any:
    request = ServerRequestContext(session=None, lifespan_context=LazyState(config, home),  # type: ignore[arg-type]
                                   protocol_version="2026-07-28", method="tools/call")
    ctx = Context(request_context=request)

    async def main() -> Any:
        with anyio.fail_after(30):
            return await tools.collect_example(ctx, None, None, from_transcript=True, signals=signals)

    return anyio.run(main)


def test_mcp_from_transcript_reports_each_claim(
    finetune_home: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session(_project(tmp_path, monkeypatch), ("Fix the parser and run the tests", FAILING))
    result = _collect_from_transcript(finetune_home, config, ["tests_passed", "user_accepted", "code_review_approved"])
    assert "claim_contradicted:tests_passed" in result.reasons
    claims = result.claims.model_dump()
    assert claims["contradicted"] == [
        {"signal": "tests_passed", "reason": "record_contradicts", "by": "errors_occurred", "kept": False}]
    assert claims["unconfirmed"] == [{"signal": "user_accepted", "reason": "not_in_record", "kept": True},
                                     {"signal": "code_review_approved", "reason": "not_checkable", "kept": True}]
    assert claims["confirmed"] == [] and claims["observed_added"] == ["errors_occurred"]
    assert "parser" not in json.dumps(claims) and "2 failed" not in json.dumps(result.model_dump())


def test_mcp_from_transcript_confirms_a_claim_and_reads_the_reply_after_the_exchange(
    finetune_home: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The user's reply started an exchange still running: the one that calls collect_example.
    session(_project(tmp_path, monkeypatch), ("Fix the parser and run the tests", PASSING),
            ("Perfect, thanks! Now the changelog.", "open"))
    result = _collect_from_transcript(finetune_home, config, ["tests_passed", "user_accepted"])
    assert result.claims.confirmed == ["tests_passed", "user_accepted"]
    doc = Store(finetune_home, config).get_doc(result.id)
    observed = {s["name"]: s for s in doc["signals"] if s.get("observed")}
    assert observed["user_accepted"]["where"] == "user reply"
    assert [m["role"] for m in doc["messages"]][0] == "user" and len(doc["messages"]) == 4  # the reply is not in it


def test_cli_add_from_transcript_reports_claims(
    finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    session(_project(tmp_path, monkeypatch), ("Fix the parser and run the tests", FAILING))
    proc = cli("add", "--from-transcript", "--signal", "tests_passed", "--json")
    assert proc.exit_code == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert out["claims"]["contradicted"][0]["signal"] == "tests_passed"
    assert "claims the record contradicts: tests_passed (record_contradicts: errors_occurred; dropped)" in out["message"]
    proc = cli("add", "--from-transcript", "--signal", "tests_passed")
    assert "claims the record contradicts: tests_passed" in proc.stdout


def test_the_hook_reports_claims(finetune_home: Path, tmp_path: Path) -> None:
    path = session(tmp_path / "s.jsonl", ("Fix the parser and run the tests", FAILING))
    proc = hook(payload(path, "/finetune add --signal tests_passed --signal user_accepted"), finetune_home)
    note = json.loads(proc.stdout)["hookSpecificOutput"]["additionalContext"]
    assert "claims the record contradicts: tests_passed (record_contradicts: errors_occurred; dropped)" in note
    assert "claims not confirmed: user_accepted (not_in_record; kept as a claim)" in note


def test_a_whole_session_import_reads_the_replies_inside_it(finetune_home: Path, tmp_path: Path) -> None:
    path = session(tmp_path / "s.jsonl", ("Fix the parser and run the tests", PASSING),
                   ("Perfect, thanks! Now the changelog.", None), ("And bump the version", None))
    proc = cli("import", "--from", "claude-code", str(path), "--whole-session", "--approved")
    assert proc.exit_code == 0, proc.stderr
    (doc,) = Store(finetune_home, Config()).docs()
    observed = {s["name"]: s["where"] for s in doc["signals"] if s.get("observed")}
    assert observed["user_accepted"] == "user message 4"


def test_turns_import_reads_the_request_after_the_selection(finetune_home: Path, tmp_path: Path) -> None:
    # --turns 1 keeps the last completed exchange; the reply to it opened one that never finished
    path = session(tmp_path / "s.jsonl", ("Fix the parser and run the tests", PASSING),
                   ("No, that broke the CLI, revert it.", "open"))
    proc = cli("import", "--from", "claude-code", str(path), "--turns", "1", "--approved", "--json")
    assert proc.exit_code == 0, proc.stderr
    (doc,) = Store(finetune_home, Config()).docs()
    assert {s["name"] for s in doc["signals"] if s.get("observed")} >= {"tests_passed", "user_rejected"}


@pytest.mark.skipif(not COLLECTION.is_dir(), reason="the transcript collection is not present")
def test_the_shared_transcripts_give_an_observed_reply_when_imported_whole(finetune_home: Path) -> None:
    proc = cli("import", "--from", "claude-code", str(COLLECTION / "claude-code"), "--whole-session",
                   "--approved")
    assert proc.exit_code == 0, proc.stderr
    observed = [s["name"] for d in Store(finetune_home, Config()).docs() for s in d.get("signals", [])
                if s.get("observed")]
    assert "user_accepted" in observed
