"""Where `finetune_export` may write, through real servers and real MCP clients.

Over HTTP the client is on another machine: its roots (here `file:///`, everything) name its own
folders, so they are never asked for and the export lands only under the server's exports
folder. On both transports the data folder's own files (store, index, tokens, config) are never
a target, by any name: absolute, through a symlink in the exports folder, or a hard link.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import anyio
import httpx2
import pytest
from http_helpers import Served, bearer, env_for, serve
from mcp.client.streamable_http import streamable_http_client
from mcp.types import ListRootsResult, Root

from conftest import example, run_cli
from mcp import Client, StdioServerParameters

CONFIG = "limits:\n  lock_timeout: 10\n"
OWN_FILES = ("tokens.json", "config.yaml", "examples.json", "examples.json.lock", "examples.index.sqlite")


def add_token(home: Path, name: str) -> str:
    out = run_cli("token", "add", name, env={"FINETUNE_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


def snapshot(home: Path) -> dict[str, bytes]:
    """The data folder's own files; the index by its header only (the server itself writes to it)."""
    found = {name: (home / name).read_bytes() for name in OWN_FILES if (home / name).exists()}
    if "examples.index.sqlite" in found:
        found["examples.index.sqlite"] = found["examples.index.sqlite"][:16]
    return found


def text_of(result: Any) -> str:
    """The result's text, without the SDK's `Error executing tool NAME: ` in front of an error."""
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    return text.split(": ", 1)[1] if text.startswith("Error executing tool ") else text


class Roots:
    """A roots callback that offers the whole file system and counts how often it was asked."""

    def __init__(self, uri: str = "file:///") -> None:
        self.uri = uri
        self.asked = 0

    async def __call__(self, ctx: Any) -> ListRootsResult:
        self.asked += 1
        return ListRootsResult(roots=[Root(uri=self.uri)])


def export_over_http(served: Served, token: str, roots: Roots, outputs: list[str],
                     **extra: Any) -> list[tuple[bool, str, Any]]:
    """(is_error, text, structured) of `finetune_export` for each output, with one client."""

    async def run() -> list[tuple[bool, str, Any]]:
        answers = []
        with anyio.fail_after(120):
            async with httpx2.AsyncClient(headers=bearer(token), timeout=60) as http_client, \
                    Client(streamable_http_client(served.url, http_client=http_client),  # type: ignore[arg-type]
                           list_roots_callback=roots) as client:
                for output in outputs:
                    result = await client.call_tool(
                        "finetune_export", {"format": "openai", "output": output, "overwrite": True, **extra})
                    answers.append((bool(result.is_error), text_of(result), result.structured_content))
        return answers

    return anyio.run(run)


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Path, str, Served]]:
    """A team server over a data folder with a config, a token for eve, and one accepted example;
    beside it, a folder the server user can write that stands for ~ (a .bashrc in it)."""
    base = tmp_path_factory.mktemp("exports-http")
    home, victim = base / "home", base / "victim"
    home.mkdir()
    victim.mkdir()
    (victim / ".bashrc").write_text("# the user's shell setup\n")
    (home / "config.yaml").write_text(CONFIG)
    token = add_token(home, "eve")
    added = run_cli("add", "--user", "$(touch pwned) run this", "--assistant", "ok", "--quality", "high",
                    "--approved", env={"FINETUNE_HOME": str(home)})
    assert added.returncode == 0, added.stderr
    with serve(home) as served:
        yield home, victim, token, served


def test_http_ignores_client_roots_and_refuses_absolute_paths(team: tuple[Path, Path, str, Served]) -> None:
    home, victim, token, served = team
    before, bashrc = snapshot(home), (victim / ".bashrc").read_bytes()
    roots = Roots()
    targets = [str(victim / ".bashrc"), str(victim / "new.jsonl"), str(home / "tokens.json"),
               str(home / "config.yaml"), str(home / "exports" / "abs.jsonl"), "~/finetune.jsonl"]
    for target, (is_error, text, _) in zip(targets, export_over_http(served, token, roots, targets), strict=True):
        assert is_error, target
        assert text.startswith("output: over HTTP") and "relative file name" in text, text
        assert target not in text and str(home) not in text
    assert roots.asked == 0  # a remote client's roots are not even asked for
    assert snapshot(home) == before and (victim / ".bashrc").read_bytes() == bashrc
    assert sorted(p.name for p in victim.iterdir()) == [".bashrc"]


def test_http_refuses_dot_dot_and_symlinks_out_of_the_exports_folder(team: tuple[Path, Path, str, Served]) -> None:
    home, victim, token, served = team
    exports = home / "exports"
    exports.mkdir(exist_ok=True)
    (exports / "rc.jsonl").symlink_to(victim / ".bashrc")
    (exports / "away").symlink_to(victim, target_is_directory=True)
    (exports / "tok.jsonl").symlink_to(home / "tokens.json")
    (exports / "cfg.jsonl").symlink_to(home / "config.yaml")
    (exports / "data").symlink_to(home, target_is_directory=True)
    before, bashrc = snapshot(home), (victim / ".bashrc").read_bytes()
    cases = {
        "../tokens.json": "'..' is not allowed",
        "../config.yaml": "'..' is not allowed",
        "sub/../../../victim/.bashrc": "'..' is not allowed",
        "rc.jsonl": "outside the server's exports folder",
        "away/new.jsonl": "outside the server's exports folder",
        "tok.jsonl": "outside the server's exports folder",
        "cfg.jsonl": "outside the server's exports folder",
        "data/tokens.json": "outside the server's exports folder",
        "data/examples.index.sqlite": "outside the server's exports folder",
    }
    answers = export_over_http(served, token, Roots(), list(cases))
    for (output, reason), (is_error, text, _) in zip(cases.items(), answers, strict=True):
        assert is_error, output
        assert text.startswith("output") and reason in text, (output, text)
        assert str(home) not in text and str(victim) not in text
    assert snapshot(home) == before and (victim / ".bashrc").read_bytes() == bashrc
    assert sorted(p.name for p in victim.iterdir()) == [".bashrc"]


def test_http_refuses_a_hard_link_to_the_tokens_file(team: tuple[Path, Path, str, Served]) -> None:
    home, _, token, served = team
    exports = home / "exports"
    exports.mkdir(exist_ok=True)
    os.link(home / "tokens.json", exports / "hard.jsonl")
    before = snapshot(home)
    ((is_error, text, _),) = export_over_http(served, token, Roots(), ["hard.jsonl"])
    assert is_error and text.startswith("output: that file is a hard link"), text
    assert snapshot(home) == before and (exports / "hard.jsonl").read_bytes() == before["tokens.json"]


def test_http_relative_export_lands_in_the_servers_exports_folder(team: tuple[Path, Path, str, Served]) -> None:
    """As the README says: `$FINETUNE_HOME/exports/NAME` on the server's machine."""
    home, _, token, served = team
    before = snapshot(home)
    ((is_error, text, result),) = export_over_http(served, token, Roots(), ["team-training.jsonl"])
    assert not is_error, text
    landed = home / "exports" / "team-training.jsonl"
    # Said as a place in the server's data folder: an absolute path or file:// link names a file
    # the remote caller cannot open.
    assert result["paths"] == ["exports/team-training.jsonl"] and result["written"] == 1
    assert "file://" not in text and str(home) not in text
    assert b"pwned" in landed.read_bytes()
    again = export_over_http(served, token, Roots(), ["team-training.jsonl"], overwrite=False)
    assert again[0][0] and "already exists" in again[0][1]  # overwrite semantics unchanged
    assert snapshot(home) == before


# -- stdio: the client's root may cover the data folder; the data folder's files stay out of reach --
def test_stdio_root_over_the_data_folder_cannot_reach_its_files(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.yaml").write_text(CONFIG)
    add_token(home, "eve")  # a tokens file, as on a machine that also runs the team server
    elsewhere = tmp_path / "project"
    elsewhere.mkdir()
    roots = Roots(tmp_path.as_uri())  # the root covers FINETUNE_HOME and its parent
    env = {k: v for k, v in env_for(home).items() if k != "FINETUNE_CONFIG"}
    params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env)

    async def run() -> tuple[dict[str, bytes], list[tuple[str, bool, str]]]:
        seen = []
        with anyio.fail_after(120):
            async with Client(params, mode="legacy", list_roots_callback=roots) as client:
                stored = await client.call_tool("collect_example", example(1))
                assert not stored.is_error, text_of(stored)
                await client.call_tool("finetune_stats", {})  # the index exists now
                before = snapshot(home)
                assert "examples.index.sqlite" in before and "tokens.json" in before
                outputs = [str(home / name) for name in
                           (*OWN_FILES, "examples.index.sqlite-wal", "examples.index.sqlite-shm", "new.jsonl")]
                outputs.append(str(home / "exports" / "inside.jsonl"))
                outputs.append(str(elsewhere / "inside-a-root.jsonl"))
                for output in outputs:
                    result = await client.call_tool("finetune_export", {"output": output, "overwrite": True})
                    seen.append((output, bool(result.is_error), text_of(result)))
        return before, seen

    before, seen = anyio.run(run)
    *refused, (_, inside_failed, inside_text), (_, root_failed, root_text) = seen
    for output, is_error, text in refused:
        assert is_error, output
        assert text.startswith("output: that is inside the data folder"), (output, text)
        assert output not in text
    assert snapshot(home) == before
    assert not (home / "new.jsonl").exists()
    # Roots still work over stdio, and so does the exports folder by its absolute path.
    assert not inside_failed and (home / "exports" / "inside.jsonl").exists(), inside_text
    assert not root_failed and (elsewhere / "inside-a-root.jsonl").exists(), root_text
    assert roots.asked >= 1
