"""Issue 20's sharp edges at the CLI and MCP surfaces: a FIFO as the config, export paths over
PATH_MAX, unshowable `--output` names, huge input lines, and stdin prompts on a terminal."""

from __future__ import annotations

import json
import os
import pty
import select
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from conftest import ROOT, example, finetune_cmd
from finetune_collection.cli import cli
from finetune_collection.mcp.server import build_server
from mcp import Client

LONG_PATH = "/".join(["b" * 200] * 30)  # 30 names of 200 bytes: each allowed, the whole over 4096


@pytest.mark.parametrize("where", ["home", "FINETUNE_CONFIG"])
def test_a_fifo_as_the_config_is_refused_not_waited_on(finetune_home: Path, where: str) -> None:
    finetune_home.mkdir()
    fifo = finetune_home / "config.yaml"
    os.mkfifo(fifo)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    if where == "FINETUNE_CONFIG":
        env["FINETUNE_CONFIG"] = str(fifo)
    try:  # the timeout bounds the hang it used to be; it asserts nothing about time
        proc = subprocess.run([*finetune_cmd(), "list"], capture_output=True, text=True, env=env, timeout=60)
    except subprocess.TimeoutExpired:
        pytest.fail("`finetune list` waited on the FIFO")
    assert proc.returncode == 1 and "must be a regular file" in proc.stderr and "FIFO" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_export_paths_over_path_max_are_a_clear_error_without_the_path(finetune_home: Path) -> None:
    result = CliRunner().invoke(cli, ["export", "--output", LONG_PATH])
    assert result.exit_code == 1 and "a path is at most" in result.stderr, result.output
    assert "b" * 200 not in result.output and result.exception is not None
    assert isinstance(result.exception, SystemExit)


@pytest.mark.anyio
async def test_mcp_export_with_an_over_long_name_says_why_without_the_name(
        finetune_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    async with Client(build_server()) as client:
        stored = await client.call_tool("collect_example", {k: v for k, v in example(1).items() if k != "created_at"})
        assert not stored.is_error
        answers = []
        for output in (LONG_PATH, "x" * 300 + ".jsonl", "/".join(["c" * 250] * 16) + ".jsonl"):
            result = await client.call_tool("finetune_export", {"format": "openai", "output": output})
            text = "\n".join(getattr(c, "text", "") for c in result.content)
            answers.append(text)
            assert result.is_error and ("a path is at most" in text or "at most 255 bytes" in text), text
            assert "b" * 200 not in text and "c" * 250 not in text and "x" * 255 not in text
    assert "b" * 200 not in caplog.text and "c" * 250 not in caplog.text


@pytest.mark.parametrize("name", ["a\u202eb.jsonl", "x\ty.jsonl", "x\x1b[31my.jsonl", "x\u200by.jsonl"])
def test_export_output_names_a_listing_cannot_show_are_refused(finetune_home: Path, tmp_path: Path,
                                                               name: str) -> None:
    result = CliRunner().invoke(cli, ["export", "--output", str(tmp_path / name)])
    assert result.exit_code == 2 and "control or direction characters" in result.stderr, result.output
    assert name not in result.output and not (tmp_path / name).exists()


def _small_limit(home: Path) -> None:
    home.mkdir(exist_ok=True)
    (home / "config.yaml").write_text("limits:\n  max_example_bytes: 1000\n")


def test_a_line_longer_than_any_example_is_refused_before_it_is_parsed(
        finetune_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A 200 MB line was parsed (~850 MB of memory) before the size limit refused it."""
    _small_limit(finetune_home)
    big = json.dumps({**example(1), "output": {"assistant": "y" * 7000}})
    parsed: list[int] = []
    real = json.loads

    def spy(text: Any, *args: Any, **kwargs: Any) -> Any:
        parsed.append(len(text))
        return real(text, *args, **kwargs)

    monkeypatch.setattr(json, "loads", spy)
    result = CliRunner().invoke(cli, ["import", "--json", "-"], input=big + "\n" + json.dumps(example(2)) + "\n")
    rows = [real(line) for line in result.stdout.splitlines()]
    assert [r["status"] for r in rows] == ["invalid", "accepted", "summary"], result.output
    assert "not parsed" in rows[0]["reasons"][0] and "limits.max_example_bytes" in rows[0]["reasons"][0]
    added = CliRunner().invoke(cli, ["add"], input=big)
    assert added.exit_code == 1 and "not parsed" in added.stderr, added.output
    assert all(n < 6000 for n in parsed), parsed  # the big line never reached the JSON parser


def _on_a_terminal(args: list[str], home: Path) -> str:
    """Run with stdin on a pseudo-terminal, end its input at once (Ctrl-D), return stderr."""
    leader, follower = pty.openpty()
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    proc = subprocess.Popen([*finetune_cmd(), *args], stdin=follower, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env)
    os.close(follower)
    try:
        assert proc.stderr is not None
        ready, _, _ = select.select([proc.stderr], [], [], 60)  # bounds a hang; not a timing assertion
        assert ready, "nothing said on stderr while waiting for stdin"
        os.write(leader, b"\x04")  # end of input
        _, err = proc.communicate(timeout=60)
    finally:
        proc.kill()
        proc.wait()
        os.close(leader)
    return err.decode()


@pytest.mark.slow
@pytest.mark.parametrize("args", [["import", "-"], ["scrub"]])
def test_reading_stdin_on_a_terminal_says_so(finetune_home: Path, args: list[str]) -> None:
    said = _on_a_terminal(args, finetune_home)
    assert "from stdin" in said and "Ctrl-D" in said
