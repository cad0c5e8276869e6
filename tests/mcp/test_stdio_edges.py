"""The real server process over raw stdio: lines the SDK's parser refuses still get an answer, and
what a host sees of the tools (app-only `_meta`, clean descriptions)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.client.stdio import StdioServerParameters, stdio_client

from conftest import ROOT
from mcp import Client

APP_TOOLS = {"finetune_review_list", "finetune_review_detail", "finetune_review_stats", "finetune_review_act",
             "finetune_review_bulk", "finetune_review_edit"}
SURROGATE = "truncated emoji \\ud83d here"  # a lone high surrogate escape, as JSON.stringify writes it


def server(home: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    return subprocess.Popen([sys.executable, "-m", "finetune_collection"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)


def send(proc: subprocess.Popen[bytes], line: str) -> None:
    assert proc.stdin is not None
    proc.stdin.write(line.encode() + b"\n")
    proc.stdin.flush()


def receive(proc: subprocess.Popen[bytes]) -> dict[str, Any]:
    assert proc.stdout is not None
    line = proc.stdout.readline()  # bounded by the subprocess timeout below (communicate)
    assert line, "the server closed stdout"
    message: dict[str, Any] = json.loads(line)
    return message


def handshake(proc: subprocess.Popen[bytes]) -> None:
    """initialize (2025-11-25) and its notification, as raw lines."""
    send(proc, json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}))
    assert receive(proc)["id"] == 0
    send(proc, '{"jsonrpc":"2.0","method":"notifications/initialized"}')


def request(request_id: int, method: str, params: str) -> str:
    return f'{{"jsonrpc":"2.0","id":{request_id},"method":"{method}","params":{params}}}'


@pytest.mark.slow
def test_unreadable_requests_get_a_json_rpc_error_and_one_log_line(finetune_home: Path) -> None:
    proc = server(finetune_home)
    try:
        handshake(proc)
        arguments = f'{{"input":{{"user":"{SURROGATE}"}},"output":{{"assistant":"ok"}}}}'
        send(proc, request(1, "tools/call", f'{{"name":"collect_example","arguments":{arguments}}}'))
        deep = "[" * 400 + "]" * 400
        send(proc, request(2, "tools/call", f'{{"name":"finetune_stats","arguments":{{"x":{deep}}}}}'))
        send(proc, '{"jsonrpc":"2.0","id":3,"method":')  # cut off mid-line
        send(proc, f'{{"jsonrpc":"2.0","method":"notifications/cancelled","params":{{"x":"{SURROGATE}"}}}}')
        send(proc, request(4, "tools/list", "{}"))
        answers = [receive(proc) for _ in range(4)]
    finally:
        out, err = proc.communicate(timeout=60)
    by_id = {a.get("id"): a for a in answers}
    assert by_id[1]["error"]["code"] == -32700 and "surrogate" in by_id[1]["error"]["message"]
    assert by_id[2]["error"]["code"] == -32700 and "nested too deeply" in by_id[2]["error"]["message"]
    assert by_id[None]["error"]["code"] == -32700  # no id could be read: JSON-RPC's null id
    assert {t["name"] for t in by_id[4]["result"]["tools"]} >= APP_TOOLS  # still serving
    log = err.decode()
    refused = [line for line in log.splitlines() if "refused an unreadable JSON-RPC message" in line]
    assert len(refused) == 4, log  # the notification is logged too, but gets no answer
    assert "truncated emoji" not in log and "[[[" not in log


@pytest.mark.slow
def test_a_host_sees_the_review_page_tools_as_app_only_with_clean_descriptions(finetune_home: Path) -> None:
    async def main() -> list[Any]:
        params = StdioServerParameters(command=sys.executable, args=["-m", "finetune_collection"],
                                       env={**os.environ, "FINETUNE_HOME": str(finetune_home),
                                            "PYTHONPATH": str(ROOT / "server")})
        with anyio.fail_after(60):
            async with Client(stdio_client(params)) as client:  # type: ignore[arg-type]
                return list((await client.list_tools()).tools)

    tools = {t.name: t for t in anyio.run(main)}
    for name in APP_TOOLS:
        assert tools[name].meta is not None and tools[name].meta["ui"]["visibility"] == ["app"], name
    for name, tool in tools.items():
        visible = "model" in ((tool.meta or {}).get("ui", {}).get("visibility") or ["model"])
        assert visible == (name not in APP_TOOLS), name
        assert tool.description and "\n " not in tool.description, name  # no source indentation
        if name in APP_TOOLS:
            assert len(tool.description) <= 200, name
