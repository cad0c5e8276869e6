"""A team at once: 8 MCP clients over HTTP (spread over three server processes, one of them
killed with SIGKILL mid-collect) and 8 `finetune import` processes, all collecting into one
PostgreSQL store, with content several of them send. Every acknowledged id is stored, and no
content is live twice."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import psycopg
import pytest
from http_helpers import serve

from conftest import ROOT, example, finetune_cmd, run_cli

pytestmark = pytest.mark.slow

CLIENTS = 8
IMPORTERS = 8
EACH = 12
SHARED = 4  # examples every process sends (alternating exact and near copies)

# One client process: collect its examples over HTTP, round robin over the servers; print each
# acknowledged result as a JSON line the moment it arrives. A call to a server that died is not
# acknowledged; the client moves on to the next server.
CLIENT = """
import json, sys, anyio, httpx2
from mcp.client import Client
from mcp.client.streamable_http import streamable_http_client

urls, token, examples = json.loads(sys.argv[1]), sys.argv[2], json.loads(sys.stdin.read())

async def main():
    for n, data in enumerate(examples):
        for attempt in range(len(urls)):
            url = urls[(n + attempt) % len(urls)]
            try:
                with anyio.fail_after(60):
                    async with httpx2.AsyncClient(headers={"Authorization": "Bearer " + token}, timeout=30) as http, \\
                            Client(streamable_http_client(url, http_client=http)) as mcp:
                        result = await mcp.call_tool("collect_example", data)
            except Exception:
                continue  # that server is gone: nothing was acknowledged
            if not result.is_error:
                print(json.dumps(result.structured_content), flush=True)
            break

anyio.run(main)
"""


def shared(n: int, writer: int) -> dict[str, Any]:
    data = example(70_000 + n)
    if writer % 2:
        data["output"]["assistant"] += f"  # sent by {writer}"
    return data


def test_a_team_collects_at_once_over_http_and_the_cli(tmp_path: Path, pg_url: str) -> None:
    home = tmp_path / "home"
    env = {"FINETUNE_HOME": str(home), "FINETUNE_STORE": pg_url, "PYTHONPATH": str(ROOT / "server")}
    token = run_cli("token", "add", "team", env=env).stdout.strip()
    assert token
    with ExitStack() as stack:
        servers = [stack.enter_context(serve(home, env={"FINETUNE_STORE": pg_url})) for _ in range(3)]
        urls = [s.url for s in servers]
        procs: list[tuple[str, subprocess.Popen[str]]] = []
        for c in range(CLIENTS):
            batch = [example(c * 1000 + i) for i in range(EACH)] + [shared(n, c) for n in range(SHARED)]
            proc = subprocess.Popen([sys.executable, "-c", CLIENT, json.dumps(urls), token], stdin=subprocess.PIPE,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                    env={**os.environ, **env})
            assert proc.stdin is not None
            proc.stdin.write(json.dumps(batch))
            proc.stdin.close()
            proc.stdin = None  # written: communicate() below only reads
            procs.append(("http", proc))
        for w in range(IMPORTERS):
            batch = [example(100_000 + w * 1000 + i) for i in range(EACH)] + [shared(n, w + 1) for n in range(SHARED)]
            feed = tmp_path / f"import{w}.jsonl"
            feed.write_text("".join(json.dumps(x) + "\n" for x in batch))
            with feed.open() as stdin:
                procs.append(("cli", subprocess.Popen([*finetune_cmd(), "import", "--json", "-"], stdin=stdin,
                                                      stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                                      env={**os.environ, **env})))
        time.sleep(2)  # the clients are collecting: kill one server in the middle of it
        assert any(proc.poll() is None for kind, proc in procs if kind == "http"), "the clients finished too soon"
        os.kill(servers[0].proc.pid, signal.SIGKILL)
        results: list[dict[str, Any]] = []
        for kind, proc in procs:
            out, err = proc.communicate(timeout=300)
            assert proc.returncode == 0, (kind, err[-2000:])
            results += [json.loads(line) for line in out.splitlines()]
    acknowledged = {r["id"] for r in results if r.get("id")}
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT id, status, keys->>'exact', collected_by FROM finetune_examples").fetchall()
    stored = {r[0] for r in rows}
    assert acknowledged <= stored, "an acknowledged example is missing"
    live = [r for r in rows if r[1] != "superseded"]
    assert len({r[2] for r in live}) == len(live), "the same content is live twice"
    # Every distinct example (but those whose only sender was cut off with the killed server) is live.
    assert len(live) >= (CLIENTS + IMPORTERS) * EACH + SHARED - 2 * CLIENTS
    assert {r[3] for r in rows if r[0] in {x["id"] for x in results if x.get("id")}} >= {"team"}
