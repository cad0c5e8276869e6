"""The team server: a real `finetune serve --http` process, a real MCP client (the SDK's
streamable HTTP client), tokens from `finetune token add`, the review page behind the same auth."""

from __future__ import annotations

import json
import socket
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from http_helpers import INITIALIZE, Served, bearer, call_tools, env_for, http, serve

from conftest import example, finetune_cmd, run_cli


def cli(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return run_cli(*args, env={"FINETUNE_HOME": str(home)})


def listed(home: Path) -> dict[str, dict[str, Any]]:
    out = cli(home, "list", "--json")
    assert out.returncode == 0, out.stderr
    return {row["id"]: row for row in map(json.loads, out.stdout.splitlines())}


def add_token(home: Path, name: str) -> str:
    out = cli(home, "token", "add", name)
    assert out.returncode == 0, out.stderr
    return out.stdout.strip()


@pytest.fixture(scope="module")
def team(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, dict[str, str], Served]]:
    """One server for the module: tokens alice and bob, and carol's token revoked before start."""
    home = tmp_path_factory.mktemp("team")
    tokens = {name: add_token(home, name) for name in ("alice", "bob", "carol")}
    assert cli(home, "token", "revoke", "carol").returncode == 0
    with serve(home) as served:
        yield home, tokens, served
    for token in tokens.values():
        assert token not in served.log(), "a token reached the server's log"


def test_collect_over_http_records_the_token_name(team: tuple[Path, dict[str, str], Served]) -> None:
    home, tokens, served = team
    # auto negotiates 2026-07-28 (no handshake); legacy does the 2025-11-25 initialize.
    (first,) = call_tools(served.url, tokens["alice"], [("collect_example", example(1))], mode="auto")
    (second,) = call_tools(served.url, tokens["bob"], [("collect_example", example(2))], mode="legacy")
    rows = listed(home)
    assert rows[first["id"]]["collected_by"] == "alice"
    assert rows[second["id"]]["collected_by"] == "bob"
    # human_approved in the arguments: the collector approved it in chat.
    assert rows[first["id"]]["approved_by"] == "alice"


def test_the_team_server_refuses_to_read_its_own_transcripts(team: tuple[Path, dict[str, str], Served]) -> None:
    """from_transcript reads the newest session of the server's folder: someone else's work."""
    home, tokens, served = team
    before = listed(home)
    (message,) = call_tools(served.url, tokens["alice"], [("collect_example", {"from_transcript": True})],
                            errors=True)
    assert "from_transcript" in message and "team server refuses it" in message
    assert listed(home) == before


def test_review_and_export_over_http_use_the_caller(team: tuple[Path, dict[str, str], Served]) -> None:
    home, tokens, served = team
    pending = {**example(3), "metadata": {}}
    (stored,) = call_tools(served.url, tokens["alice"], [("collect_example", pending)])
    assert stored["status"] == "pending"
    call_tools(served.url, tokens["bob"], [("finetune_review", {"action": "approve", "id": stored["id"]})])
    row = listed(home)[stored["id"]]
    assert (row["collected_by"], row["approved_by"], row["status"]) == ("alice", "bob", "accepted")

    call_tools(served.url, tokens["bob"], [("collect_example", example(21))])  # accepted: approved in chat
    (report,) = call_tools(served.url, tokens["bob"], [
        ("finetune_export", {"format": "openai", "collected_by": ["bob"], "dry_run": True})])
    everyone = sum(1 for r in listed(home).values() if r["status"] == "accepted")
    bobs = sum(1 for r in listed(home).values() if r["status"] == "accepted" and r["collected_by"] == "bob")
    assert 0 < bobs < everyone
    assert report["matched"] == bobs


@pytest.mark.parametrize("case", ["none", "wrong", "revoked", "not bearer"])
def test_refused_tokens_get_401_with_www_authenticate(team: tuple[Path, dict[str, str], Served], case: str) -> None:
    home, tokens, served = team
    headers = {"none": {}, "wrong": bearer("ftc_" + "x" * 43), "revoked": bearer(tokens["carol"]),
               "not bearer": {"Authorization": f"Basic {tokens['alice']}"}}[case]
    answer = http("POST", served.url, INITIALIZE, headers)
    assert answer.status == 401
    assert answer.headers["www-authenticate"].startswith("Bearer ")
    assert 'error="invalid_token"' in answer.headers["www-authenticate"]
    assert tokens["carol"].encode() not in answer.body


def test_a_token_revoked_while_serving_is_refused_at_its_next_request(tmp_path: Path) -> None:
    home = tmp_path / "home"
    token = add_token(home, "dave")
    add_token(home, "erin")  # the server still has a token after dave's is gone
    with serve(home) as served:
        assert http("POST", served.url, INITIALIZE, bearer(token)).status == 200
        assert cli(home, "token", "revoke", "dave").returncode == 0
        assert http("POST", served.url, INITIALIZE, bearer(token)).status == 401


# -- the review page over HTTP --------------------------------------------------------------------
def test_review_page_needs_the_token(team: tuple[Path, dict[str, str], Served]) -> None:
    home, tokens, served = team
    call_tools(served.url, tokens["bob"], [("collect_example", example(20))])
    page = f"{served.base}/review/"
    refused = http("GET", page)
    assert refused.status == 401 and refused.headers["www-authenticate"].startswith("Bearer ")
    api = f"{served.base}/review/api/finetune_review_list"
    assert http("POST", api, {}).status == 401
    assert http("POST", api, {}, {"Cookie": f"finetune_review={tokens['carol']}"}).status == 401
    assert http("GET", f"{page}?token={tokens['carol']}").status == 401

    bare = http("GET", f"{served.base}/review?token={tokens['alice']}")
    assert bare.status == 307 and bare.headers["location"] == f"/review/?token={tokens['alice']}"
    # A one-time ?token= becomes an HttpOnly, SameSite=Strict cookie, and the URL loses it.
    login = http("GET", f"{page}?token={tokens['alice']}")
    assert login.status == 303 and login.headers["location"] == "/review/"
    cookie = login.headers["set-cookie"]
    assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/review" in cookie
    jar = {"Cookie": cookie.split(";", 1)[0]}
    shown = http("GET", page, headers=jar)
    assert shown.status == 200 and b'data-transport="http"' in shown.body
    assert "frame-ancestors 'none'" in shown.headers["content-security-policy"]

    listing = http("POST", api, {"status": ""}, jar)
    assert listing.status == 200
    assert "bob" in {e["collected_by"] for e in listing.json()["examples"]}
    # Another site's page gets nothing, cookie or not (SameSite aside).
    assert http("POST", api, {}, {**jar, "Origin": "http://evil.example"}).status == 403


def test_review_page_approve_records_the_caller(team: tuple[Path, dict[str, str], Served]) -> None:
    home, tokens, served = team
    (stored,) = call_tools(served.url, tokens["alice"], [("collect_example", {**example(4), "metadata": {}})])
    act = http("POST", f"{served.base}/review/api/finetune_review_act",
               {"ids": [stored["id"]], "action": "reject"}, bearer(tokens["bob"]))
    assert act.status == 200, act.body
    assert listed(home)[stored["id"]]["rejected_by"] == "bob"


# -- who may start a server -----------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_public_bind_without_auth_refuses_to_start(tmp_path: Path) -> None:
    home = tmp_path / "home"
    port = _free_port()
    proc = subprocess.run([*finetune_cmd(), "serve", "--http", "--host", "0.0.0.0", "--port", str(port)],
                          env=env_for(home), capture_output=True, text=True, timeout=60)
    assert proc.returncode == 1
    assert "refusing to serve without authentication on 0.0.0.0" in proc.stderr
    assert "finetune token add NAME" in proc.stderr
    with socket.socket() as s:  # nothing listened, not even briefly: the refusal comes first
        s.bind(("0.0.0.0", port))


@pytest.mark.parametrize(("args", "message"), [
    ([], "(or, for yourself alone on this machine, add --no-auth)"),
    (["--host", "0.0.0.0", "--no-auth"], "--no-auth is only allowed on a loopback address"),
])
def test_other_refusals(tmp_path: Path, args: list[str], message: str) -> None:
    proc = cli(tmp_path / "home", "serve", "--http", "--port", "0", *args)
    assert proc.returncode == 1 and message in proc.stderr


def test_no_auth_on_loopback_serves_and_records_the_os_user(tmp_path: Path) -> None:
    import getpass

    home = tmp_path / "home"
    with serve(home, "--no-auth") as served:
        assert "Authentication is off" in served.log()
        (stored,) = call_tools(served.url, "unused", [("collect_example", example(5))])
    assert listed(home)[stored["id"]]["collected_by"] == getpass.getuser()


class RoundRobin:
    """A load balancer in miniature: each request goes to the next backend in turn."""

    def __init__(self, backends: list[str]) -> None:
        import itertools
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        turn = itertools.cycle(backends)
        self.seen: list[str] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  (the standard library's name)
                backend = next(turn)
                outer.seen.append(backend)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                headers = {k: v for k, v in self.headers.items() if k.lower() not in ("host", "content-length")}
                answer = http("POST", backend, None, headers) if not body else _forward(backend, body, headers)
                self.send_response(answer.status)
                for k, v in answer.headers.items():
                    if k not in ("content-length", "transfer-encoding", "connection", "date", "server"):
                        self.send_header(k, v)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/mcp"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(5)


def _forward(url: str, body: bytes, headers: dict[str, str]) -> Any:
    import urllib.error
    import urllib.request

    from http_helpers import Answer

    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return Answer(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as err:
        return Answer(err.code, {k.lower(): v for k, v in err.headers.items()}, err.read())


@pytest.mark.slow
def test_an_approval_asked_by_one_process_is_answered_by_another(tmp_path: Path) -> None:
    """2026-07-28: the question comes back as a result carrying sealed request state, and the
    answer is a new request; behind a load balancer it reaches the other process, which must be
    able to open the state (the key beside the tokens file)."""
    import anyio
    import httpx2
    from mcp.client import Client
    from mcp.client.streamable_http import streamable_http_client
    from mcp.types import ElicitResult

    home = tmp_path / "home"
    token = add_token(home, "alice")
    asked: list[str] = []

    async def elicit(ctx: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"approve": True})

    async def collect(url: str) -> Any:
        with anyio.fail_after(60):
            async with httpx2.AsyncClient(headers=bearer(token), timeout=30) as client, \
                    Client(streamable_http_client(url, http_client=client), mode="auto",  # type: ignore[arg-type]
                           elicitation_callback=elicit) as mcp:
                result = await mcp.call_tool("collect_example", {**example(9), "metadata": {}})
                assert not result.is_error, result.content
                return result.structured_content

    with serve(home) as one, serve(home) as two:
        balancer = RoundRobin([one.url, two.url])
        try:
            stored = anyio.run(collect, balancer.url)
        finally:
            balancer.close()
    assert len(asked) == 1 and stored["status"] == "accepted"
    assert {one.url, two.url} <= set(balancer.seen)
    row = listed(home)[stored["id"]]
    assert (row["collected_by"], row["approved_by"]) == ("alice", "alice")


@pytest.mark.slow
def test_two_server_processes_over_one_folder(tmp_path: Path) -> None:
    """Stateless: each request may go to either process; both write to the one store."""
    home = tmp_path / "home"
    tokens = {name: add_token(home, name) for name in ("alice", "bob")}
    with serve(home) as one, serve(home) as two:
        ids: list[str] = []
        for n in range(6):
            served, name = (one, "alice") if n % 2 else (two, "bob")
            (stored,) = call_tools(served.url, tokens[name], [("collect_example", example(100 + n))])
            ids.append(stored["id"])
        # A request answered by one process about what the other stored.
        (review,) = call_tools(one.url, tokens["alice"], [("finetune_review", {"action": "reject", "id": ids[0]})])
        assert review["status"] == "rejected"
    rows = listed(home)
    assert set(ids) <= set(rows) and len(set(ids)) == 6
    assert [rows[i]["collected_by"] for i in ids] == ["bob", "alice"] * 3
    assert rows[ids[0]]["rejected_by"] == "alice"
