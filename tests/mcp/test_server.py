"""The MCP server through real clients: in-memory in both protocol eras, and over stdio."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import MCPError
from mcp.types import ElicitResult, ListRootsResult, Root

from conftest import ROOT, SEED_EXAMPLE, example
from finetune_collection.mcp.server import build_server
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.anyio
MODES = ["legacy", "auto"]  # 2025-11-25 handshake (Claude Desktop, Inspector) and 2026-07-28


def seed_args() -> dict[str, Any]:
    return {k: v for k, v in SEED_EXAMPLE.items() if k != "created_at"}


def unapproved(n: int) -> dict[str, Any]:
    data = example(n)
    data["metadata"] = {}
    return data


@pytest.mark.parametrize("mode", MODES)
async def test_listing_tools_resources_templates_prompts(mode: str) -> None:
    async with Client(build_server(), mode=mode) as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
        assert {"collect_example", "finetune_stats", "finetune_export", "finetune_review"} <= set(tools)
        for tool in tools.values():
            assert tool.title and tool.description and tool.annotations and tool.output_schema
            assert tool.annotations.open_world_hint is False
        assert tools["finetune_stats"].annotations.read_only_hint is True
        assert tools["finetune_review"].annotations.destructive_hint is True
        assert tools["collect_example"].annotations.destructive_hint is False
        assert {"id", "status", "quality_score", "reasons", "redactions", "duplicate_of"} <= set(
            tools["collect_example"].output_schema["properties"])
        props = tools["collect_example"].input_schema["properties"]
        assert {"task_type", "input", "output", "messages", "tools", "quality_score", "quality", "signals",
                "metadata"} <= set(props)
        assert "approval" not in props  # filled by the resolver, not by the model
        resources = {str(r.uri) for r in (await client.list_resources()).resources}
        assert {"finetune://examples", "finetune://stats", "finetune://config"} <= resources
        templates = {t.uri_template for t in (await client.list_resource_templates()).resource_templates}
        assert "finetune://examples/{example_id}" in templates
        prompts = {p.name: p for p in (await client.list_prompts()).prompts}
        assert {"save_for_training", "export_training_data", "finetune_stats"} <= set(prompts)
        assert [a.name for a in prompts["save_for_training"].arguments or []] == ["quality", "task_type"]
        assert [a.name for a in prompts["export_training_data"].arguments or []] == ["format", "output"]


@pytest.mark.parametrize("mode", MODES)
async def test_seed_example_collected_then_stats_and_resources(mode: str) -> None:
    async with Client(build_server(), mode=mode) as client:
        result = await client.call_tool("collect_example", seed_args())
        assert not result.is_error
        assert result.structured_content is not None
        assert result.structured_content["id"] == "ex_12345"
        assert result.structured_content["status"] == "accepted"
        stats = await client.call_tool("finetune_stats", {})
        assert stats.structured_content and stats.structured_content["by_status"] == {"accepted": 1}
        listing = json.loads((await client.read_resource("finetune://examples")).contents[0].text)
        assert listing["total"] == 1 and listing["examples"][0]["id"] == "ex_12345"
        one = json.loads((await client.read_resource("finetune://examples/ex_12345")).contents[0].text)
        assert one["input"]["context"] == "Project uses TypeScript..."
        with pytest.raises(MCPError) as err:
            await client.read_resource("finetune://examples/ex_00000000dead")
        assert "ex_00000000dead" in str(err.value)
        config = (await client.read_resource("finetune://config")).contents[0].text
        assert "min_quality_score: 0.9" in config


@pytest.mark.parametrize("mode", MODES)
async def test_export_to_a_file_and_read_it_back(mode: str, finetune_home: Path) -> None:
    async with Client(build_server(), mode=mode) as client:
        for n in range(3):
            await client.call_tool("collect_example", example(n))
        result = await client.call_tool("finetune_export", {"format": "openai", "output": "train.jsonl"})
        assert not result.is_error, result.content
        path = finetune_home / "exports" / "train.jsonl"
        assert result.structured_content and result.structured_content["paths"] == [str(path)]
        links = [c for c in result.content if c.type == "resource_link"]
        assert links and str(links[0].uri) == path.as_uri()
        records = [json.loads(line) for line in path.read_text().splitlines()]
        assert len(records) == 3 and all(r["messages"][-1]["role"] == "assistant" for r in records)
        dry = await client.call_tool("finetune_export", {"dry_run": True})
        assert not dry.is_error and "openai" in dry.content[0].text


@pytest.mark.parametrize("mode", MODES)
async def test_pending_approved_through_elicitation(mode: str) -> None:
    asked: list[str] = []

    async def elicit(ctx: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    secret_mail = "reviewer.person@example.com"
    data = unapproved(1)
    data["input"]["user"] += f" cc {secret_mail}"
    async with Client(build_server(), mode=mode, elicitation_callback=elicit) as client:
        result = await client.call_tool("collect_example", data)
        assert result.structured_content and result.structured_content["status"] == "accepted"
    assert len(asked) == 1 and "<EMAIL>" in asked[0] and secret_mail not in asked[0]


@pytest.mark.parametrize("mode", MODES)
async def test_declined_elicitation_stores_nothing(mode: str) -> None:
    async def elicit(ctx: Any, params: Any) -> ElicitResult:
        return ElicitResult(action="decline")

    async with Client(build_server(), mode=mode, elicitation_callback=elicit) as client:
        result = await client.call_tool("collect_example", unapproved(1))
        assert not result.is_error
        assert result.structured_content and result.structured_content["status"] == "rejected"
        assert "user_declined" in result.structured_content["reasons"]
        stats = await client.call_tool("finetune_stats", {})
        assert stats.structured_content and stats.structured_content["total"] == 0


@pytest.mark.parametrize("mode", MODES)
async def test_pending_without_elicitation_then_review(mode: str) -> None:
    async with Client(build_server(), mode=mode) as client:
        result = await client.call_tool("collect_example", unapproved(1))
        assert not result.is_error and result.structured_content
        assert result.structured_content["status"] == "pending"
        ex_id = result.structured_content["id"]
        review = await client.call_tool("finetune_review", {"id": ex_id, "action": "approve"})
        assert review.structured_content and review.structured_content["status"] == "accepted"
        gone = await client.call_tool("finetune_review", {"id": ex_id, "action": "delete"})
        assert gone.structured_content and gone.structured_content["status"] == "deleted"
        missing = await client.call_tool("finetune_review", {"id": ex_id, "action": "approve"})
        assert missing.is_error and "no example" in missing.content[0].text


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"input": "not an object", "output": {"assistant": "x"}}, "input"),
        ({"input": {"user": "u"}}, "output.assistant"),
        ({"messages": [{"role": "user", "content": "hi"}]}, "assistant"),
        ({"input": {"user": "u"}, "output": {"assistant": "a"}, "signals": ["great_vibes"]}, "known signals"),
        ({"input": {"user": "u"}, "output": {"assistant": "a"}, "quality": "superb"}, "quality"),
    ],
)
async def test_bad_arguments_are_tool_errors_that_say_what_to_fix(args: dict[str, Any], fragment: str) -> None:
    secret = "sk-" + "Q7w8" * 10
    args = json.loads(json.dumps(args).replace('"u"', json.dumps(secret)))
    async with Client(build_server()) as client:
        result = await client.call_tool("collect_example", args)
        assert result.is_error
        text = result.content[0].text
        assert fragment in text and secret not in text and "Traceback" not in text


async def test_refused_export_paths(tmp_path: Path, finetune_home: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    async with Client(build_server()) as client:
        await client.call_tool("collect_example", example(1))
        (finetune_home / "exports").mkdir(exist_ok=True)
        (finetune_home / "exports" / "link").symlink_to(outside)
        (finetune_home / "exports" / "taken.jsonl").write_text("keep me\n")
        cases = {
            "../escape.jsonl": "'..'",
            "a/../../escape.jsonl": "'..'",
            str(outside / "abs.jsonl"): "outside the allowed folders",
            "link/through-symlink.jsonl": "outside the allowed folders",
            "/dev/null": "outside the allowed folders",
            "taken.jsonl": "already exists",
            "exports-dir/": "folder",
        }
        for output, reason in cases.items():
            result = await client.call_tool("finetune_export", {"output": output})
            assert result.is_error, output
            assert reason in result.content[0].text, (output, result.content[0].text)
        assert (finetune_home / "exports" / "taken.jsonl").read_text() == "keep me\n"
        assert list(outside.iterdir()) == []
        ok = await client.call_tool("finetune_export", {"output": "taken.jsonl", "overwrite": True})
        assert not ok.is_error


async def test_absolute_path_inside_a_declared_root_is_allowed(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()

    async def roots(ctx: Any) -> ListRootsResult:
        return ListRootsResult(roots=[Root(uri=project.as_uri())])

    async with Client(build_server(), mode="legacy", list_roots_callback=roots) as client:
        await client.call_tool("collect_example", example(1))
        ok = await client.call_tool("finetune_export", {"output": str(project / "data.jsonl")})
        assert not ok.is_error, ok.content
        assert (project / "data.jsonl").exists()
        refused = await client.call_tool("finetune_export", {"output": str(tmp_path / "elsewhere.jsonl")})
        assert refused.is_error


async def test_progress_notifications_during_export() -> None:
    seen: list[float] = []

    async def progress(value: float, total: float | None, message: str | None) -> None:
        seen.append(value)

    async with Client(build_server(), mode="legacy") as client:
        for n in range(5):
            await client.call_tool("collect_example", example(n))
        result = await client.call_tool("finetune_export", {"output": "p.jsonl"}, progress_callback=progress)
        assert not result.is_error
    assert seen and seen[-1] >= 5


async def test_server_sees_examples_added_by_another_process(finetune_home: Path) -> None:
    from conftest import run_cli

    async with Client(build_server()) as client:
        assert (await client.call_tool("finetune_stats", {})).structured_content["total"] == 0  # type: ignore[index]
        run_cli("add", "--user", "from the CLI", "--assistant", "ok", "--quality", "high", "--approved", check=True)
        stats = await client.call_tool("finetune_stats", {})
        assert stats.structured_content and stats.structured_content["total"] == 1
        again = await client.call_tool("collect_example", {"input": {"user": "from the CLI"},
                                                            "output": {"assistant": "ok"}, "quality": "high"})
        assert again.structured_content and again.structured_content["status"] == "duplicate"


@pytest.mark.parametrize("mode", MODES)
async def test_prompts_render(mode: str) -> None:
    async with Client(build_server(), mode=mode) as client:
        save = await client.get_prompt("save_for_training", {"quality": "high", "task_type": "debugging"})
        text = save.messages[0].content.text  # type: ignore[union-attr]
        assert "collect_example" in text and "debugging" in text
        export = await client.get_prompt("export_training_data", {"format": "bedrock"})
        assert "bedrock" in export.messages[0].content.text  # type: ignore[union-attr]
        assert (await client.get_prompt("finetune_stats", {})).messages


@pytest.mark.slow
async def test_real_stdio_subprocess(finetune_home: Path) -> None:
    env = {"FINETUNE_HOME": str(finetune_home), "PATH": os.environ.get("PATH", ""),
           "PYTHONPATH": str(ROOT / "server")}
    for args in (["-m", "finetune_collection"], [str(ROOT / "server" / "main.py")]):
        params = StdioServerParameters(command=sys.executable, args=args, env=env)
        with anyio.fail_after(60):
            async with Client(params, mode="legacy") as client:
                assert client.server_info.name == "finetune-collection"
                result = await client.call_tool("collect_example", example(len(args[0])))
                assert result.structured_content and result.structured_content["status"] == "accepted"
    stored = [json.loads(x) for x in (finetune_home / "examples.json").read_bytes().splitlines()]
    assert sum(1 for r in stored if r["t"] == "examples") == 2


def test_bad_config_stops_the_server_at_start_with_one_line(tmp_path: Path) -> None:
    """The lifespan's ConfigError used to escape the task group as an ExceptionGroup traceback."""
    import subprocess

    bad = tmp_path / "config.yaml"
    bad.write_text("quality_filters: 5\n")
    env = {**os.environ, "FINETUNE_CONFIG": str(bad), "PYTHONPATH": str(ROOT / "server")}
    proc = subprocess.run([sys.executable, "-m", "finetune_collection"], input="", capture_output=True, text=True,
                          env=env, timeout=60)
    assert proc.returncode == 1 and proc.stdout == ""
    assert "Traceback" not in proc.stderr
    assert proc.stderr.startswith(f"Error: {bad}: quality_filters:"), proc.stderr


def _warm_ups(home: Path) -> list[int]:
    """Pids of stats warm-up processes working on `home` (read from /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            environ = (entry / "environ").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"warm_stats" in cmdline and f"FINETUNE_HOME={home}".encode() in environ:
            found.append(int(entry.name))
    return found


def _large_store(home: Path) -> None:
    from finetune_collection.config import Config
    from finetune_collection.mcp.state import WARM_MIN
    from finetune_collection.model import Example
    from finetune_collection.store import Store

    store = Store(home, Config())
    template = Example.model_validate({**example(1), "id": "ex_000000000000", "status": "accepted",
                                       "created_at": "2026-01-01T00:00:00Z"})
    with store.transaction():  # quickly: WARM_MIN examples appended as records
        store.storage.append([r for n in range(WARM_MIN) for r in (
            {"op": "put", "t": "examples", "id": f"ex_{n:012x}", "doc": {**template.to_doc(), "id": f"ex_{n:012x}"}},
            {"op": "put", "t": "dedup", "id": f"ex_{n:012x}", "doc": {"exact": f"{n:032x}"}})])
    store.close()


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/environ").exists(), reason="reads processes from /proc")
async def test_the_warm_up_does_not_outlive_the_server(finetune_home: Path) -> None:
    """A client that leaves while the warm-up runs stops it too: it wrote into a test's folder
    after the test had ended."""
    import time

    _large_store(finetune_home)
    env = {"FINETUNE_HOME": str(finetune_home), "PATH": os.environ.get("PATH", ""),
           "PYTHONPATH": str(ROOT / "server")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env)
    with anyio.fail_after(120):
        async with Client(params, mode="legacy") as client:
            await client.list_tools()
            while not _warm_ups(finetune_home):
                await anyio.sleep(0.1)
    # The server stops it before it exits (terminate, then wait): gone at once, not when done.
    deadline = time.monotonic() + 1
    while _warm_ups(finetune_home) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _warm_ups(finetune_home) == []


@pytest.mark.slow
async def test_a_large_store_gets_its_stats_values_warmed_at_start(finetune_home: Path) -> None:
    """From WARM_MIN examples on, the server computes the kept stats values in a low-priority
    process of its own at start, so the first finetune_stats does not run every check itself."""
    import sqlite3
    import time

    from finetune_collection.mcp.state import WARM_MIN
    from finetune_collection.store.log import index_path

    _large_store(finetune_home)
    env = {"FINETUNE_HOME": str(finetune_home), "PATH": os.environ.get("PATH", ""),
           "PYTHONPATH": str(ROOT / "server")}
    params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"], env=env)

    def kept() -> int:
        with sqlite3.connect(index_path(finetune_home / "examples.json")) as db:
            return int(db.execute("SELECT count(*) FROM memo WHERE kind LIKE 'readiness:%'").fetchone()[0])

    assert kept() == 0
    with anyio.fail_after(240):
        async with Client(params, mode="legacy") as client:
            await client.list_tools()
            while kept() < WARM_MIN:  # no tool call asked for stats: the warm-up keeps them
                await anyio.sleep(0.5)
    deadline = time.monotonic() + 5
    while kept() < WARM_MIN and time.monotonic() < deadline:
        time.sleep(0.2)
    assert kept() == WARM_MIN


def test_the_instructions_name_every_export_format() -> None:
    """The model reads the formats it may offer from the instructions: none may be missing."""
    import re

    from finetune_collection.export import FORMATS
    from finetune_collection.mcp.server import INSTRUCTIONS

    export_line = INSTRUCTIONS[INSTRUCTIONS.index('"export training data"'):]
    named = set(re.findall(r"[a-z][a-z0-9-]+", export_line.split("use dry_run")[0]))
    assert set(FORMATS) <= named


def test_the_warm_up_works_with_the_servers_settings_not_a_config_read_again(finetune_home: Path, tmp_path: Path) -> None:
    """The warm-up process gets the server's own settings on stdin: a config file that says
    otherwise (here one that does not even load) is not read again."""
    import subprocess

    from finetune_collection.config import Config

    _large_store(finetune_home)
    bad = tmp_path / "config.yaml"
    bad.write_text("quality_filters: 5\n")
    env = {**os.environ, "FINETUNE_HOME": str(finetune_home), "FINETUNE_CONFIG": str(bad),
           "PYTHONPATH": str(ROOT / "server")}
    code = "from finetune_collection.mcp.state import warm_stats; warm_stats()"
    proc = subprocess.run([sys.executable, "-c", code], input=Config().model_dump_json(), capture_output=True,
                          text=True, env=env, timeout=300)
    assert proc.returncode == 0, proc.stderr


def test_the_opening_thread_leaves_the_store_alone_once_calls_can_use_it(
    finetune_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Once the state is shared, tool calls use the store under the core's lock from worker
    threads; the opening thread counting the store after that raced them on the index file's
    SQLite connection ("cannot start a transaction within a transaction", seen in two test runs)."""
    from finetune_collection.config import Config
    from finetune_collection.mcp.state import LazyState
    from finetune_collection.store import Store

    shared_when_counted: list[bool] = []
    lazy: LazyState | None = None
    real_len = Store.__len__

    def counting(self: Store) -> int:
        shared_when_counted.append(lazy is not None and lazy._ready.is_set())
        return real_len(self)

    monkeypatch.setattr(Store, "__len__", counting)
    lazy = LazyState(Config(), finetune_home)
    lazy.get()
    lazy.close()
    assert shared_when_counted and not any(shared_when_counted)
