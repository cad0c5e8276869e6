"""The tokens file (`finetune token add / list / revoke`) and the SDK TokenVerifier over it."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import anyio
import pytest
from click.testing import CliRunner

from finetune_collection.cli import cli
from finetune_collection.config import Config, ServerSettings
from finetune_collection.errors import ConfigError
from finetune_collection.mcp import credentials
from finetune_collection.mcp.auth import Verifier, is_loopback, require_auth


def test_add_prints_the_token_once_and_keeps_only_its_hash(finetune_home: Path) -> None:
    added = CliRunner().invoke(cli, ["token", "add", "alice"])
    assert added.exit_code == 0, added.output
    token = added.stdout.strip()
    assert token.startswith("ftc_") and len(token) > 40
    path = finetune_home / "tokens.json"
    raw = path.read_text()
    assert token not in raw and token.removeprefix("ftc_") not in raw
    entry = json.loads(raw)["tokens"][0]
    assert entry["name"] == "alice" and entry["sha256"] == credentials.digest(token)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    listing = CliRunner().invoke(cli, ["token", "list"])
    assert "alice" in listing.output and entry["sha256"] not in listing.output and token not in listing.output
    as_json = CliRunner().invoke(cli, ["token", "list", "--json"]).output
    assert set(json.loads(as_json)) == {"name", "created"}


def test_revoke_and_the_errors_name_what_to_do(finetune_home: Path) -> None:
    runner = CliRunner()
    token = runner.invoke(cli, ["token", "add", "bob"]).stdout.strip()
    again = runner.invoke(cli, ["token", "add", "bob"])
    assert again.exit_code == 1 and "already in use" in again.output and "finetune token revoke bob" in again.output
    bad = runner.invoke(cli, ["token", "add", "ftc_looks like a secret"])
    assert bad.exit_code == 1 and "token name: must be" in bad.output and "secret" not in bad.output
    assert runner.invoke(cli, ["token", "revoke", "bob"]).exit_code == 0
    missing = runner.invoke(cli, ["token", "revoke", "bob"])
    assert missing.exit_code == 1 and "no token named bob" in missing.output
    assert credentials.match(credentials.read(finetune_home / "tokens.json"), token) is None


def test_the_verifier_reads_the_shared_file_named_in_the_config(tmp_path: Path) -> None:
    shared = tmp_path / "shared" / "team-tokens.json"
    config = Config(server=ServerSettings(tokens_file=str(shared)))
    assert credentials.tokens_path(config) == shared
    token = credentials.add(shared, "carol")
    verifier = require_auth(config, "0.0.0.0", no_auth=False)
    assert isinstance(verifier, Verifier)

    async def check(given: str) -> str | None:
        found = await verifier.verify_token(given)
        return None if found is None else found.subject

    assert anyio.run(check, token) == "carol"
    assert anyio.run(check, token + "x") is None
    assert anyio.run(check, "not-even-our-prefix") is None
    credentials.revoke(shared, "carol")
    assert anyio.run(check, token) is None  # the file changed: read again


def test_a_damaged_tokens_file_stops_the_start_with_its_path(finetune_home: Path) -> None:
    finetune_home.mkdir(parents=True)
    (finetune_home / "tokens.json").write_text('{"tokens": [{"name": "x"}]}')
    with pytest.raises(ConfigError, match="tokens.json: not a tokens file"):
        require_auth(Config(), "127.0.0.1", no_auth=False)


@pytest.mark.parametrize(("host", "loopback"), [
    ("127.0.0.1", True), ("::1", True), ("[::1]", True), ("localhost", True), ("127.0.0.2", True),
    ("0.0.0.0", False), ("::", False), ("10.0.0.5", False), ("team.example.com", False),
])
def test_loopback(host: str, loopback: bool) -> None:
    assert is_loopback(host) is loopback


def test_serve_options_need_http() -> None:
    result = CliRunner().invoke(cli, ["serve", "--port", "9000"])
    assert result.exit_code == 2 and "--port needs --http" in result.output
