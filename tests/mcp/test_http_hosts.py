"""DNS rebinding against the team server: a page on evil.example, whose name the attacker points
at this server's address, makes the browser send `Host: evil.example:PORT` and an Origin that
equals it. Every route (the review page, its API, /mcp) answers only to allowed Host names,
with and without tokens: 421, as the SDK answers on /mcp. A real `finetune serve --http` process."""

from __future__ import annotations

import json
import socket
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner
from http_helpers import INITIALIZE, Served, bearer, http, serve

from conftest import run_cli
from finetune_collection.cli import cli
from finetune_collection.mcp.http import allowed_hosts

LIST, ACT = "/review/api/finetune_review_list", "/review/api/finetune_review_act"


def cli_in(home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    out = run_cli(*args, env={"FINETUNE_HOME": str(home)})
    assert out.returncode == 0, out.stderr
    return out


def seeded(home: Path) -> str:
    cli_in(home, "add", "--user", "victim question", "--assistant", "victim answer", "--quality", "high",
           "--approved")
    return str(json.loads(cli_in(home, "list", "--json").stdout.splitlines()[0])["id"])


def port_of(served: Served) -> int:
    port = urlsplit(served.url).port
    assert port is not None
    return port


def as_host(served: Served, host: str, method: str, path: str, body: Any = None,
            headers: dict[str, str] | None = None, origin: bool = True) -> tuple[int, bytes]:
    """A request to the server's real address that names `host`, as a rebinding page's would."""
    sent = {"Host": host, **({"Origin": f"http://{host}"} if origin else {}), **(headers or {})}
    answer = http(method, f"{served.base}{path}", body, sent)
    return answer.status, answer.body


def refusals(served: Served, host: str, example_id: str, headers: dict[str, str] | None = None) -> None:
    for method, path, body in [("POST", ACT, {"ids": [example_id], "action": "delete"}), ("POST", LIST, {}),
                               ("GET", "/review/", None), ("GET", "/review", None), ("POST", "/mcp", INITIALIZE)]:
        status, text = as_host(served, host, method, path, body, headers)
        assert status == 421, (path, status, text[:200])
        assert b"victim" not in text and b"evil" not in text
        assert b"--allowed-host" in text or path == "/mcp", text


def test_rebinding_is_refused_without_auth(tmp_path: Path) -> None:
    home = tmp_path / "home"
    example_id = seeded(home)
    with serve(home, "--no-auth") as served:
        port = port_of(served)
        refusals(served, f"evil.example.com:{port}", example_id)
        refusals(served, "evil.example.com", example_id)
        for host in (f"127.0.0.1:{port}", f"localhost:{port}"):
            status, text = as_host(served, host, "POST", LIST, {})
            assert status == 200 and b"victim answer" in text, text[:200]
            assert as_host(served, host, "GET", "/review/")[0] == 200
            assert as_host(served, host, "POST", "/mcp", INITIALIZE)[0] == 200
        assert f"Answers to Host: 127.0.0.1:{port}, localhost:{port}, [::1]:{port}" in served.log()
    assert example_id in cli_in(home, "list", "--json").stdout  # never deleted


def test_rebinding_is_refused_with_a_valid_token(tmp_path: Path) -> None:
    home = tmp_path / "home"
    example_id = seeded(home)
    token = cli_in(home, "token", "add", "alice").stdout.strip()
    with serve(home) as served:
        port = port_of(served)
        refusals(served, f"evil.example.com:{port}", example_id, bearer(token))
        status, _ = as_host(served, f"evil.example.com:{port}", "GET", f"/review/?token={token}", origin=False)
        assert status == 421  # no cookie is handed out under a foreign name
        status, text = as_host(served, f"127.0.0.1:{port}", "POST", LIST, {}, bearer(token))
        assert status == 200 and b"victim answer" in text
        assert as_host(served, f"127.0.0.1:{port}", "POST", "/mcp", INITIALIZE, bearer(token))[0] == 200
        assert token not in served.log()
    assert example_id in cli_in(home, "list", "--json").stdout


def test_one_allow_list_from_the_option_and_the_config_drives_review_and_mcp(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "config.yaml").write_text('server:\n  allowed_hosts: ["10.1.2.3:*"]\n')
    example_id = seeded(home)
    with serve(home, "--no-auth", "--allowed-host", "Team.Example.com") as served:
        port = port_of(served)
        for host in ("team.example.com", f"team.example.com:{port}", "team.example.com:443", "10.1.2.3:9999"):
            status, text = as_host(served, host, "POST", LIST, {})
            assert status == 200 and b"victim answer" in text, (host, text[:200])
            assert as_host(served, host, "POST", "/mcp", INITIALIZE)[0] == 200, host  # the SDK agrees
            https = {"Origin": f"https://{host}"}
            assert as_host(served, host, "POST", "/mcp", INITIALIZE, https, origin=False)[0] == 200, host
        for host in ("10.1.2.3", "other.example.com", "team.example.com.evil.example", "10.1.2.30:1"):
            assert as_host(served, host, "POST", LIST, {})[0] == 421, host
            assert as_host(served, host, "POST", "/mcp", INITIALIZE)[0] == 421, host
        assert "team.example.com, team.example.com:*" in served.log()
    assert example_id in cli_in(home, "list", "--json").stdout


@pytest.mark.parametrize("bad", ["http://evil.example/", "a b", "*.example.com", "::1", "x:99999999"])
def test_a_bad_allowed_host_is_a_usage_error_that_does_not_repeat_it(bad: str) -> None:
    result = CliRunner().invoke(cli, ["serve", "--http", "--port", "0", "--allowed-host", bad])
    assert result.exit_code == 2 and "--allowed-host" in result.stderr, result.output
    assert bad not in result.stderr and "finetune.example.com" in result.stderr


def test_a_bad_allowed_host_in_the_config_names_the_key(finetune_home: Path) -> None:
    finetune_home.mkdir(parents=True)
    (finetune_home / "config.yaml").write_text('server:\n  allowed_hosts: ["evil/path"]\n')
    result = CliRunner().invoke(cli, ["config"])
    assert result.exit_code == 1 and "server.allowed_hosts" in result.stderr, result.output
    assert "evil/path" not in result.stderr
    assert CliRunner().invoke(cli, ["serve", "--allowed-host", "x.example"]).exit_code == 2  # needs --http


def test_the_default_names_follow_the_bound_address() -> None:
    assert allowed_hosts("127.0.0.1", 8765) == ["127.0.0.1:8765", "localhost:8765", "[::1]:8765"]
    assert allowed_hosts("::1", 80) == ["[::1]:80", "127.0.0.1:80", "localhost:80"]
    assert allowed_hosts("10.0.0.5", 8765, ["finetune.example.com", "[fd00::5]:443"]) == [
        "10.0.0.5:8765", "finetune.example.com", "finetune.example.com:*", "[fd00::5]:443"]
    every = allowed_hosts("0.0.0.0", 8765)
    assert f"{socket.gethostname().lower()}:8765" in every and "localhost:8765" in every
