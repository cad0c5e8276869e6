"""The real server process over raw stdio: lines the SDK's parser refuses still get an answer, and
what a host sees of the tools (app-only `_meta`, clean descriptions)."""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
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
def test_every_request_line_is_answered_with_its_id_when_valid_and_the_server_keeps_serving(
        finetune_home: Path) -> None:
    """A lone surrogate in the id was echoed back and crashed the server's writer (exit 1, no answer);
    an object or float id was read as a notification (no answer); a line nested 5000 deep or
    holding a 5000-digit number was answered with a null id though its id was readable."""
    deep, digits = "[" * 5000 + "]" * 5000, "9" * 5000
    lines = {
        "surrogate id": ('{"jsonrpc":"2.0","id":"\\ud800","method":"tools/list"}', None, -32700),
        "object id": ('{"jsonrpc":"2.0","id":{"a":1},"method":"tools/list"}', None, -32600),
        "float id": ('{"jsonrpc":"2.0","id":1.5,"method":"tools/list"}', None, -32600),
        "deep": (request(7, "tools/list", f'{{"x":{deep}}}'), 7, -32700),
        "digits": (request(8, "tools/list", f'{{"x":{digits}}}'), 8, -32700),
        "huge id": (f'{{"jsonrpc":"2.0","id":{digits},"method":"tools/list"}}', None, -32700),
        "surrogate param": ('{"jsonrpc":"2.0","id":"s1","method":"tools/list","params":{"x":"\\udc00"}}', "s1", -32700),
    }
    proc = server(finetune_home)
    assert proc.stdout is not None
    replies: queue.Queue[bytes] = queue.Queue()
    reader = threading.Thread(target=lambda: [replies.put(x) for x in iter(proc.stdout.readline, b"")], daemon=True)
    reader.start()

    def answer() -> dict[str, Any]:
        try:  # bounds a hang (the old server never answered): not a timing assertion
            return dict(json.loads(replies.get(timeout=60)))
        except queue.Empty:
            proc.kill()
            raise AssertionError("no answer") from None

    try:
        send(proc, json.dumps({"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}}}))
        assert answer()["id"] == 0
        send(proc, '{"jsonrpc":"2.0","method":"notifications/initialized"}')
        answers = []
        for line, _, _ in lines.values():
            send(proc, line)
            answers.append(answer())
        send(proc, request(9, "tools/list", "{}"))
        last = answer()
    finally:
        proc.stdin.close()  # type: ignore[union-attr]
        err = proc.stderr.read()  # type: ignore[union-attr]  (until the server exits)
        proc.wait(timeout=60)
        reader.join(timeout=60)
        proc.stdout.close()
        proc.stderr.close()  # type: ignore[union-attr]
    for (name, (_, wanted_id, code)), answer in zip(lines.items(), answers, strict=True):
        assert answer["id"] == wanted_id and answer["error"]["code"] == code, (name, answer)
    assert last["id"] == 9 and "result" in last  # still serving
    assert proc.returncode == 0 and "Traceback" not in err.decode()


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
