"""The local review server (`finetune review`): security checks over real HTTP, and Ctrl-C."""

from __future__ import annotations

import http.client
import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from review_helpers import review_server, seed, status_in_file

from finetune_collection.pipeline import Pipeline
from finetune_collection.review.web import ReviewServer

ROOT = Path(__file__).resolve().parents[2]
ACT = "/api/finetune_review_act"


def request(server: ReviewServer, method: str, path: str, *, token: str | None = None, body: Any = None,
            headers: dict[str, str] | None = None) -> tuple[int, dict[str, str], bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
    sent = {"Host": f"127.0.0.1:{server.port}", "Content-Type": "application/json"}
    if token is not None:
        sent["X-Finetune-Token"] = token
    sent.update(headers or {})
    data = None if body is None else json.dumps(body).encode()
    conn.request(method, path, body=data, headers=sent)
    resp = conn.getresponse()
    out = resp.status, {k.lower(): v for k, v in resp.getheaders()}, resp.read()
    conn.close()
    return out


@pytest.fixture
def served(pipeline: Pipeline, finetune_home: Path) -> Any:
    ids = seed(pipeline, 2)
    with review_server(finetune_home) as server:
        yield server, ids


def test_page_and_api_work_with_the_token(served: Any) -> None:
    server, ids = served
    status, headers, body = request(server, "GET", f"/?token={server.token}")
    assert status == 200 and b"Fine-tune review" in body
    csp = headers["content-security-policy"]
    assert "default-src 'none'" in csp and "script-src 'sha256-" in csp and "unsafe" not in csp
    assert headers["referrer-policy"] == "no-referrer" and headers["cache-control"] == "no-store"
    status, _, body = request(server, "POST", "/api/finetune_review_list", token=server.token, body={})
    assert status == 200 and json.loads(body)["total"] == 2


REFUSED = {
    "no token": ({}, None),
    "wrong token": ({}, "x" * 43),
    "foreign Origin": ({"Origin": "http://evil.example"}, "TOKEN"),
    "foreign Host (DNS rebinding)": ({"Host": "evil.example:80"}, "TOKEN"),
    "Origin on another local port": ({"Origin": "http://127.0.0.1:1"}, "TOKEN"),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_refused_requests_change_nothing(served: Any, finetune_home: Path, case: str) -> None:
    server, ids = served
    headers, token = REFUSED[case]
    token = server.token if token == "TOKEN" else token
    status, resp_headers, _ = request(server, "POST", ACT, token=token, headers=headers,
                                      body={"ids": [ids[0]], "action": "approve"})
    assert status == 403
    assert "content-security-policy" in resp_headers
    page_status, _, _ = request(server, "GET", "/", token=token, headers=headers)
    assert page_status == 403
    assert status_in_file(finetune_home, ids[0]) == "pending"


def test_token_in_the_query_alone_is_refused_for_a_wrong_value(served: Any) -> None:
    server, _ = served
    assert request(server, "GET", "/?token=nope")[0] == 403
    assert request(server, "GET", "/")[0] == 403


def test_get_on_a_state_changing_route_is_405(served: Any, finetune_home: Path) -> None:
    server, ids = served
    status, headers, _ = request(server, "GET", f"{ACT}?ids={ids[0]}&action=approve", token=server.token)
    assert status == 405 and "POST" in headers.get("allow", "")
    assert status_in_file(finetune_home, ids[0]) == "pending"


def test_non_json_post_is_refused(served: Any, finetune_home: Path) -> None:
    # A cross-site form can only send text/plain or form encodings: never accepted.
    server, ids = served
    status, _, _ = request(server, "POST", ACT, token=server.token, headers={"Content-Type": "text/plain"},
                           body={"ids": [ids[0]], "action": "approve"})
    assert status == 415
    assert status_in_file(finetune_home, ids[0]) == "pending"


def test_post_with_token_acts_and_errors_are_messages(served: Any, finetune_home: Path) -> None:
    server, ids = served
    status, _, body = request(server, "POST", ACT, token=server.token, body={"ids": [ids[0]], "action": "approve"})
    assert status == 200 and json.loads(body)["done"] == [ids[0]]
    assert status_in_file(finetune_home, ids[0]) == "accepted"
    status, _, body = request(server, "POST", ACT, token=server.token, body={"ids": [], "action": "approve"})
    assert status == 400 and "ids" in json.loads(body)["error"]


def test_an_unknown_call_is_not_repeated_back(served: Any) -> None:
    server, _ = served
    status, _, body = request(server, "POST", "/api/HOSTILE%3Cscript%3E", token=server.token, body={})
    assert status == 404
    error = json.loads(body)["error"]
    assert "HOSTILE" not in error and "script" not in error and "finetune_review_list" in error


def test_only_loopback() -> None:
    with pytest.raises(ValueError, match="loopback"):
        ReviewServer(Path("unused"), None, host="0.0.0.0")  # type: ignore[arg-type]


@pytest.mark.slow
def test_cli_review_serves_and_stops_on_ctrl_c(finetune_home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "FINETUNE_HOME": str(finetune_home)}
    proc = subprocess.Popen([sys.executable, "-c", "from finetune_collection.cli import main; main()", "review",
                             "--no-browser"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert proc.stdout is not None
        line = proc.stdout.readline()
        assert line.startswith("Review page: http://127.0.0.1:"), line
        url = line.split(": ", 1)[1].strip()
        port = int(url.split(":")[2].split("/")[0])
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        conn.request("GET", url.split(str(port), 1)[1])
        assert conn.getresponse().status == 200
        conn.close()
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=20)
        assert proc.returncode == 0, err
        assert "Review server stopped." in err and "Traceback" not in err
    finally:
        if proc.poll() is None:
            proc.kill()


def test_a_port_in_use_is_a_clear_cli_error() -> None:
    import socket

    from conftest import run_cli

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        proc = run_cli("review", "--no-browser", "--port", str(port))
    assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
    assert f"127.0.0.1:{port}: cannot listen" in proc.stderr and "--port" in proc.stderr
