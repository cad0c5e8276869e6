"""A real `finetune serve --http` process for tests, and small HTTP and MCP client helpers."""

from __future__ import annotations

import json
import os
import re
import subprocess
import threading
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import anyio
import httpx2
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

from conftest import ROOT, finetune_cmd

ENDPOINT = re.compile(r"MCP endpoint: (http://\S+/mcp)")


@dataclass
class Served:
    proc: subprocess.Popen[str]
    url: str  # http://127.0.0.1:PORT/mcp
    lines: list[str] = field(default_factory=list)

    @property
    def base(self) -> str:
        return self.url.removesuffix("/mcp")

    def log(self) -> str:
        return "".join(self.lines)


def env_for(home: Path) -> dict[str, str]:
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    env.pop("FINETUNE_CONFIG", None)
    return env


@contextmanager
def serve(home: Path, *args: str, env: dict[str, str] | None = None) -> Iterator[Served]:
    """`finetune serve --http --port 0 ARGS` over `home` (`env`: more variables), until the block ends."""
    proc = subprocess.Popen([*finetune_cmd(), "serve", "--http", "--port", "0", *args],
                            env={**env_for(home), **(env or {})},
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    served = Served(proc, "")
    found = threading.Event()

    def read() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            served.lines.append(line)
            match = ENDPOINT.search(line)
            if match and not found.is_set():
                served.url = match.group(1)
                found.set()
        found.set()  # the process ended

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    try:
        if not found.wait(60) or not served.url:
            raise AssertionError(f"the server did not start (exit {proc.poll()}):\n{served.log()}")
        yield served
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        reader.join(5)
        if proc.stderr is not None:
            proc.stderr.close()


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def http(method: str, url: str, body: Any = None, headers: dict[str, str] | None = None) -> Answer:
    """One HTTP request, redirects not followed, error statuses returned rather than raised."""
    data = None if body is None else json.dumps(body).encode()
    all_headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream",
                   **(headers or {})}
    request = urllib.request.Request(url, data=data, method=method, headers=all_headers)
    opener = urllib.request.build_opener(_NoRedirect)
    try:
        with opener.open(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "test", "version": "0"}}}


def call_tools(url: str, token: str, calls: list[tuple[str, dict[str, Any]]], mode: str = "auto",
               errors: bool = False) -> list[Any]:
    """Each (tool, arguments) through the SDK's own streamable HTTP client, sending the token.
    `errors`: tool errors are expected, and their text is returned instead of the results."""

    async def run() -> list[Any]:
        results = []
        with anyio.fail_after(60):
            async with httpx2.AsyncClient(headers=bearer(token), timeout=30) as client, \
                    Client(streamable_http_client(url, http_client=client), mode=mode) as mcp:  # type: ignore[arg-type]
                for name, arguments in calls:
                    result = await mcp.call_tool(name, arguments)
                    assert result.is_error == errors, result.content
                    results.append(result.content[0].text if errors else result.structured_content)  # type: ignore[union-attr]
        return results

    return anyio.run(run)
