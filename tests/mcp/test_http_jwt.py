"""JWTs from an identity provider: a real JWKS endpoint (a local HTTP server), keys made here, and
a real `finetune serve --http` process that fetches the keys and checks every token."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from http_helpers import INITIALIZE, Served, bearer, call_tools, http, serve
from jwt.algorithms import RSAAlgorithm

from conftest import example, run_cli

ISSUER = "https://idp.example.test"
AUDIENCE = "finetune-team"


def _key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def provider() -> Iterator[tuple[str, rsa.RSAPrivateKey]]:
    """A JWKS endpoint publishing one RSA public key (kid "k1"), as an identity provider does."""
    key = _key()
    jwk = json.loads(RSAAlgorithm.to_jwk(key.public_key()))
    body = json.dumps({"keys": [{**jwk, "kid": "k1", "use": "sig", "alg": "RS256"}]}).encode()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802  (the standard library's name)
            self.send_response(200 if self.path == "/jwks.json" else 404)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(body if self.path == "/jwks.json" else b"{}")

        def log_message(self, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/jwks.json", key
    server.shutdown()
    server.server_close()
    thread.join(5)


@pytest.fixture(scope="module")
def idp_server(tmp_path_factory: pytest.TempPathFactory,
               provider: tuple[str, rsa.RSAPrivateKey]) -> Iterator[tuple[Path, Served]]:
    """A server with server.jwt configured and no tokens file at all: JWTs are its only auth."""
    home = tmp_path_factory.mktemp("idp")
    home.mkdir(exist_ok=True)
    (home / "config.yaml").write_text(
        f"server:\n  jwt:\n    issuer: {ISSUER}\n    audience: {AUDIENCE}\n    jwks_url: {provider[0]}\n")
    with serve(home) as served:
        yield home, served


def mint(key: rsa.RSAPrivateKey, kid: str = "k1", **claims: Any) -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "sub": "dana@example.com", "iat": now, "exp": now + 600, **claims}
    return jwt.encode(body, key, algorithm="RS256", headers={"kid": kid})


def test_a_valid_jwt_collects_as_its_subject(idp_server: tuple[Path, Served],
                                             provider: tuple[str, rsa.RSAPrivateKey]) -> None:
    home, served = idp_server
    (stored,) = call_tools(served.url, mint(provider[1]), [("collect_example", example(1))])
    out = run_cli("show", stored["id"], env={"FINETUNE_HOME": str(home)})
    assert json.loads(out.stdout)["collected_by"] == "dana@example.com"


@pytest.mark.parametrize("case", ["expired", "wrong audience", "wrong issuer", "other key", "no exp", "hs256"])
def test_bad_jwts_get_401(idp_server: tuple[Path, Served], provider: tuple[str, rsa.RSAPrivateKey],
                          case: str) -> None:
    home, served = idp_server
    key = provider[1]
    now = int(time.time())
    token = {
        "expired": lambda: mint(key, exp=now - 3600, iat=now - 7200),
        "wrong audience": lambda: mint(key, aud="another-service"),
        "wrong issuer": lambda: mint(key, iss="https://evil.example.test"),
        "other key": lambda: mint(_key()),  # kid k1, signed by a key the provider never published
        "no exp": lambda: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x"}, key, algorithm="RS256",
                                     headers={"kid": "k1"}),
        "hs256": lambda: jwt.encode({"iss": ISSUER, "aud": AUDIENCE, "sub": "x", "exp": now + 600},
                                    "a-secret-shared-with-nobody-at-all-32b", algorithm="HS256", headers={"kid": "k1"}),
    }[case]()
    answer = http("POST", served.url, INITIALIZE, bearer(token))
    assert answer.status == 401
    assert answer.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
    assert token not in served.log()


def test_the_valid_token_is_accepted_by_the_same_request(idp_server: tuple[Path, Served],
                                                          provider: tuple[str, rsa.RSAPrivateKey]) -> None:
    """The control for the 401 cases: the very request they send passes with a good token."""
    home, served = idp_server
    assert http("POST", served.url, INITIALIZE, bearer(mint(provider[1]))).status == 200
