"""`finetune serve --http`: the team server. MCP streamable HTTP at /mcp and the review page at
/review/, one Starlette app from the SDK, behind the SDK's bearer-token middleware.

Stateless: every MCP request is answered by a fresh transport (`stateless_http=True`) with a JSON
response, so any of several server processes behind a load balancer can take any request; what
they share is the store, the tokens file and the request-state key beside it (which seals a
question put to the user, so its answer may reach another process), not memory.

Authentication is the SDK's: `AuthenticationMiddleware(BearerAuthBackend(Verifier))` reads
`Authorization: Bearer …` on every request and `RequireAuthMiddleware` answers 401 with
`WWW-Authenticate: Bearer error="invalid_token", …` in front of /mcp and /review. Browsers cannot
set that header on a page load, so for paths under /review only, `ReviewCredentials` lends the
header from one of two places before the SDK checks it:
- `GET /review/?token=…` (the link you open once): the token is verified by the SDK like any
  other, and the answer is a redirect to /review/ that sets it as an HttpOnly, SameSite=Strict
  cookie scoped to /review (Secure over HTTPS). The URL with the token is not kept: the
  redirect replaces it, and Referrer-Policy is no-referrer.
- that cookie, on every later page load and API call. The page's script never sees the token.
The cookie holds the token itself, so it works on every server process and a revoked token stops
working at once. Cross-site requests carry no SameSite=Strict cookie; a present Origin must also
be this server's own, as for `finetune review`.

Every route answers only to the Host names in one allow-list (`allowed_hosts`): the bound
address, the loopback names when bound to loopback, this machine's names when bound to every
interface, and `--allowed-host` / `server.allowed_hosts`. `HostCheck` applies it outermost to the
review page and its API; the SDK's own TransportSecuritySettings get the same list for /mcp.
Tokens do not stop DNS rebinding under `--no-auth` (evil.example resolving to 127.0.0.1 makes the
browser a local caller whose Origin equals its Host), and with tokens the check is a second wall.

Access logs are off: a request line may hold the token (`?token=`).
"""

from __future__ import annotations

import logging
import socket
import sys
from collections.abc import Callable, Iterable
from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qs, urlsplit

from mcp.server.auth.middleware.bearer_auth import RequireAuthMiddleware
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.request_state import RequestStateSecurity
from mcp.server.transport_security import TransportSecuritySettings
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import Mount, Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from .. import config as config_mod
from ..errors import ConfigError, FinetuneError
from ..pipeline import Pipeline
from ..review.page import served_html
from ..review.web import host_allowed, security_headers
from ..review.web import routes as review_routes
from .auth import auth_settings, is_loopback, require_auth
from .credentials import state_key, tokens_path
from .server import FinetuneServer, build_server
from .state import caller

log = logging.getLogger("finetune_collection.http")

MCP_PATH = "/mcp"
REVIEW_PATH = "/review"
COOKIE = "finetune_review"
EVERY_INTERFACE = ("0.0.0.0", "::", "[::]", "")
MISDIRECTED = ("this server does not answer to the Host name in the request; if that name is this server's, "
               "start it with --allowed-host NAME (or list it in server.allowed_hosts in the config)")


def _headers(scope: Scope) -> dict[str, str]:
    return {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}


def _under_review(path: str) -> bool:
    return path == REVIEW_PATH or path.startswith(REVIEW_PATH + "/")


def allowed_hosts(host: str, port: int, extra: Iterable[str] = ()) -> list[str]:
    """The Host header values the team server answers to, in the MCP SDK's syntax (`name:port`,
    or `name:*` for any port): the address it is bound to; the loopback names when that is a
    loopback address; the loopback names and this machine's names when it is every interface;
    and `extra` (--allowed-host, server.allowed_hosts), where a name without a port takes any
    port, since a TLS proxy in front sends none."""
    names = []
    if host in EVERY_INTERFACE:
        names += [socket.gethostname(), socket.getfqdn(), "127.0.0.1", "localhost", "::1"]
    else:
        names.append(host.strip("[]"))
        if is_loopback(host):
            names += ["127.0.0.1", "localhost", "::1"]
    found = [f"[{n}]:{port}" if ":" in n else f"{n}:{port}" for n in names if n]
    for given in extra:
        has_port = ":" in given.rsplit("]", 1)[-1]
        found += [given] if has_port else [given, f"{given}:*"]
    return list(dict.fromkeys(name.lower() for name in found))


def transport_security(allowed: list[str]) -> TransportSecuritySettings:
    """The SDK's rebinding check for /mcp, from the same list `HostCheck` uses for the rest; a
    present Origin must be one of those hosts over http or https."""
    origins = [f"{scheme}://{name}" for name in allowed for scheme in ("http", "https")]
    return TransportSecuritySettings(enable_dns_rebinding_protection=True, allowed_hosts=allowed,
                                     allowed_origins=origins)


class HostCheck:
    """Outermost: a request whose Host is not an allowed name gets 421 (the SDK's answer on /mcp),
    on every route, before any credential is looked at."""

    def __init__(self, app: ASGIApp, allowed: list[str]) -> None:
        self.app = app
        self.allowed = allowed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and not host_allowed(_headers(scope).get("host", ""), self.allowed):
            log.info("refused a request whose Host is not an allowed name")
            response = JSONResponse({"error": MISDIRECTED}, status_code=421)
            response.raw_headers.extend(security_headers())
            await response(scope, receive, send)
            return
        await self.app(scope, receive, send)


class ReviewCredentials:
    """Outside the SDK's auth: under /review only, an `Authorization` header made from `?token=` (page loads)
    or the review cookie, for the SDK's bearer middleware to check. It verifies nothing itself."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and _under_review(scope["path"]):
            headers = _headers(scope)
            if "authorization" not in headers:
                token = self._token(scope, headers)
                if token and token.isascii() and token.isprintable():  # else no header: the SDK says 401
                    scope = dict(scope)
                    scope["headers"] = [*scope["headers"], (b"authorization", f"Bearer {token}".encode("latin-1"))]
        await self.app(scope, receive, send)

    @staticmethod
    def _token(scope: Scope, headers: dict[str, str]) -> str | None:
        if scope["method"] == "GET":
            given = parse_qs(scope.get("query_string", b"").decode("latin-1")).get("token")
            if given:
                return str(given[0])
        cookie: SimpleCookie = SimpleCookie()
        try:
            cookie.load(headers.get("cookie", ""))
        except Exception:  # http.cookies raises CookieError on a malformed header: no cookie then
            return None
        morsel = cookie.get(COOKIE)
        return str(morsel.value) if morsel is not None else None


class ReviewFront:
    """Inside the SDK's auth: the one-time `?token=` exchange for the cookie, the Origin check,
    and the review page's security headers on every answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *security_headers()]
            await send(message)

        headers = _headers(scope)
        origin = headers.get("origin")
        if origin is not None and urlsplit(origin).netloc.lower() != headers.get("host", "").lower():
            await JSONResponse({"error": "forbidden: foreign Origin header"}, status_code=403)(
                scope, receive, with_headers)
            return
        query = parse_qs(scope.get("query_string", b"").decode("latin-1"))
        if scope["method"] == "GET" and query.get("token") and "authorization" in headers:
            # The SDK accepted the token (we are behind RequireAuthMiddleware): keep it as a cookie.
            token = headers["authorization"].removeprefix("Bearer ").removeprefix("bearer ")
            secure = scope.get("scheme") == "https" or headers.get("x-forwarded-proto") == "https"
            response = RedirectResponse(f"{REVIEW_PATH}/", status_code=303)
            response.set_cookie(COOKIE, token, path=REVIEW_PATH, httponly=True, samesite="strict", secure=secure)
            await response(scope, receive, with_headers)
            return
        await self.app(scope, receive, with_headers)


def review_app(server: FinetuneServer) -> ASGIApp:
    """The review page and its API (review/web.py's routes) over the MCP server's own core."""

    def core() -> Pipeline:
        try:
            return server.state().get().core
        except ToolError as err:  # the store could not be opened: say so on the page
            raise FinetuneError(str(err)) from None

    def who(request: Request) -> str | None:
        del request  # the SDK's auth middleware put the caller in the request's context
        return caller()

    return Starlette(routes=review_routes(core, who, served_html()))


def build_app(config: config_mod.Config, host: str, port: int, no_auth: bool = False,
              allowed: list[str] | None = None) -> ASGIApp:
    """The whole team server as one ASGI app; refuses (ConfigError) to build one without auth
    where auth is required (auth.require_auth). `allowed`: the Host names it answers to
    (default: allowed_hosts() of the address and the config)."""
    verifier = require_auth(config, host, no_auth)
    if allowed is None:
        allowed = allowed_hosts(host, port, config.server.allowed_hosts)
    url_host = f"[{host}]" if ":" in host else host
    server = build_server(
        config, token_verifier=verifier, auth=auth_settings(f"http://{url_host}:{port}") if verifier else None,
        # An approval asked of the user comes back as a new request, maybe to another process.
        request_state=RequestStateSecurity(keys=[state_key(tokens_path(config))]),
        remote=True,
    )
    app = server.streamable_http_app(streamable_http_path=MCP_PATH, stateless_http=True, json_response=True,
                                     host=host, transport_security=transport_security(allowed))
    review: ASGIApp = ReviewFront(review_app(server))
    if verifier is not None:
        # The SDK's own gate, as in front of /mcp: 401 + WWW-Authenticate without a valid token.
        review = RequireAuthMiddleware(review, required_scopes=[])

    async def to_page(request: Request) -> Response:
        query = f"?{request.url.query}" if request.url.query else ""  # keeps a one-time ?token=
        return RedirectResponse(f"{REVIEW_PATH}/{query}", status_code=307)

    app.router.routes.extend([Route(REVIEW_PATH, to_page, methods=["GET"]), Mount(REVIEW_PATH, app=review)])
    return HostCheck(ReviewCredentials(app), allowed)


def bind(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise ConfigError(
            f"{host}:{port}: cannot listen ({err.strerror}); choose another --port or --host"
        ) from None
    sock.listen(2048)
    return sock


def serve(host: str, port: int, no_auth: bool = False, announce: Callable[[str], Any] | None = None,
          allowed_host: Iterable[str] = ()) -> None:
    """Check the config and the auth policy, bind, then serve until stopped (Ctrl-C, SIGTERM).
    `allowed_host`: Host names to answer to besides the defaults and server.allowed_hosts
    (--allowed-host, checked by config.allowed_host)."""
    import uvicorn

    config = config_mod.load()
    extra = [*config.server.allowed_hosts, *allowed_host]
    require_auth(config, host, no_auth)  # refuse before listening at all
    sock = bind(host, port)
    bound = sock.getsockname()[1]
    allowed = allowed_hosts(host, bound, extra)
    try:
        app = build_app(config, host, bound, no_auth, allowed)
    except BaseException:
        sock.close()
        raise
    url_host = f"[{host}]" if ":" in host else host
    lines = []
    if no_auth:
        lines.append("Authentication is off (--no-auth): anyone on this machine can call the server.")
    elif not is_loopback(host):
        lines.append("Serve it behind TLS (a reverse proxy) so tokens never cross the network in clear text.")
    lines.append(f"Answers to Host: {', '.join(allowed)} (more with --allowed-host NAME)")
    # The endpoint last: a supervisor (or a test) waiting for it has read every line before it.
    lines += [f"Review page:  http://{url_host}:{bound}{REVIEW_PATH}/?token=YOUR_TOKEN (opened once; then a cookie)",
              f"MCP endpoint: http://{url_host}:{bound}{MCP_PATH}"]
    for line in lines:
        (announce or (lambda text: print(text, file=sys.stderr, flush=True)))(line)
    cfg = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on", server_header=False,
                         proxy_headers=True)
    try:
        uvicorn.Server(cfg).run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        sock.close()
