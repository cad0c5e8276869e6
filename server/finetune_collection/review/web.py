"""`finetune review`: the review page on a local web server (Starlette + uvicorn, from the MCP SDK).

Security model, in the order `Guard` checks it:
- bound to 127.0.0.1 only, on a free port chosen by the OS;
- `Host` must be 127.0.0.1:<port> or localhost:<port>: a DNS-rebinding page (evil.example
  resolving to 127.0.0.1) sends its own name and is refused;
- a present `Origin` must be this server's own: other sites' pages get 403 even with the token;
- every request, page included, carries the per-run token (`?token=` or `X-Finetune-Token`),
  compared in constant time; it is 32 random bytes, printed once, never logged;
- state-changing calls are POST with a JSON body (GET gets 405), so no link or form can act;
- every response carries a strict CSP (only the page's own inline script and style, calls to
  itself), no-store, no-referrer (the token is in the URL) and frame-ancestors 'none'.
It serves only what the store holds, which is scrubbed before it is written.
"""

from __future__ import annotations

import json
import logging
import secrets
import socket
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import anyio.to_thread
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from ..config import Config
from ..errors import FinetuneError
from ..pipeline import Pipeline
from . import api
from .page import page

log = logging.getLogger("finetune_collection.review")
MAX_BODY = 1_000_000
TOKEN_HEADER = "x-finetune-token"


Handler = Callable[[Pipeline, dict[str, Any], "str | None"], dict[str, Any]]


def _reads(fn: Callable[[Pipeline, dict[str, Any]], dict[str, Any]]) -> Handler:
    """A call that records no identity: it gets the core and the arguments only."""

    def call(core: Pipeline, args: dict[str, Any], by: str | None) -> dict[str, Any]:
        del by
        return fn(core, args)

    return call


def call_core(get_core: Callable[[], Pipeline], fn: Handler, args: dict[str, Any], by: str | None) -> dict[str, Any]:
    """One core call at a time, under the core's lock (the server runs handlers in threads)."""
    core = get_core()
    with core.lock:
        return fn(core, args, by)


# name -> (handler, changes state). Reads are POST too: one calling convention for the page.
# Approvals and rejections record `by` (approved_by / rejected_by).
CALLS: dict[str, tuple[Handler, bool]] = {
    api.NAMES["list"]: (_reads(api.list_page), False),
    api.NAMES["detail"]: (_reads(api.detail), False),
    api.NAMES["stats"]: (_reads(api.stats), False),
    api.NAMES["act"]: (api.act, True),
    api.NAMES["bulk"]: (api.bulk, True),
    api.NAMES["edit"]: (_reads(api.edit), True),
}


def security_headers() -> list[tuple[bytes, bytes]]:
    return [
        (b"content-security-policy", page().csp.encode()),
        (b"cache-control", b"no-store"),
        (b"referrer-policy", b"no-referrer"),
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"cross-origin-resource-policy", b"same-origin"),
    ]


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether a `Host` header is one of `allowed`, in the MCP SDK's own syntax
    (TransportSecuritySettings.allowed_hosts): an exact `name[:port]`, or `name:*` for any port.
    The team server gives the SDK the same list for /mcp and checks every other route with this,
    so the two never disagree. Compared as sent, as the SDK does: browsers send host names in
    lower case, and the lists are kept in lower case."""
    return any(host == a or (a.endswith(":*") and host.startswith(a[:-1])) for a in allowed)


class Guard:
    """ASGI middleware: Host, Origin and token checks before any route; headers on every reply."""

    def __init__(self, app: ASGIApp, token: str, port: int) -> None:
        self.app = app
        self.token = token
        self.hosts = [f"127.0.0.1:{port}", f"localhost:{port}"]
        self.origins = {f"http://{h}" for h in self.hosts}

    def refusal(self, scope: Scope) -> str | None:
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host", ""), self.hosts):
            return "foreign Host header"
        origin = headers.get("origin")
        if origin is not None and origin.lower() not in self.origins:
            return "foreign Origin header"
        given = headers.get(TOKEN_HEADER) or parse_qs(scope.get("query_string", b"").decode("latin-1")).get(
            "token", [""]
        )[0]
        if not secrets.compare_digest(given.encode(), self.token.encode()):
            return "missing or wrong token"
        return None

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)  # lifespan
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *security_headers()]
            await send(message)

        reason = self.refusal(scope)
        if reason is not None:
            response = JSONResponse({"error": f"forbidden: {reason}"}, status_code=403)
            await response(scope, receive, send_with_headers)
            return
        await self.app(scope, receive, send_with_headers)


def routes(get_core: Callable[[], Pipeline], who: Callable[[Request], str | None], html: str) -> list[Route]:
    """The page and its API, for `finetune review` (below) and the team server (mcp/http.py).

    `get_core` may block until the store is open (it runs in a worker thread); `who` names the
    caller a request is authenticated as (None: the OS user)."""

    async def index(request: Request) -> Response:
        return HTMLResponse(html)

    async def call(request: Request) -> Response:
        name = request.path_params["name"]
        if name not in CALLS:
            return JSONResponse({"error": f"unknown call; the calls are {', '.join(CALLS)}"}, status_code=404)
        if request.headers.get("content-type", "").split(";")[0].strip() != "application/json":
            return JSONResponse({"error": "send JSON (Content-Type: application/json)"}, status_code=415)
        body = await request.body()
        if len(body) > MAX_BODY:
            return JSONResponse({"error": f"request body over {MAX_BODY} bytes"}, status_code=413)
        try:
            args = json.loads(body or b"{}")
        except ValueError:
            return JSONResponse({"error": "request body is not valid JSON"}, status_code=400)
        if not isinstance(args, dict):
            return JSONResponse({"error": "request body must be a JSON object"}, status_code=400)
        fn, _ = CALLS[name]
        try:
            data = await anyio.to_thread.run_sync(call_core, get_core, fn, args, who(request))
        except FinetuneError as err:
            return JSONResponse({"error": str(err)}, status_code=400)
        return JSONResponse(data)

    return [
        Route("/", index, methods=["GET"]),
        Route("/api/{name}", call, methods=["POST"]),
    ]


def make_app(core: Pipeline, token: str, port: int) -> ASGIApp:
    return Guard(Starlette(routes=routes(lambda: core, lambda request: None, page().html)), token, port)


class ReviewServer:
    """The local server: bind first (so the URL is known), then serve until stopped or Ctrl-C."""

    def __init__(self, home: Path, config: Config, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        if host not in ("127.0.0.1", "localhost"):
            raise ValueError("the review server listens on the loopback interface only")
        self.core = Pipeline.open(home, config)
        self.token = secrets.token_urlsafe(32)
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.sock.bind(("127.0.0.1", port))
        except OSError as err:
            self.sock.close()
            raise FinetuneError(
                f"127.0.0.1:{port}: cannot listen ({err.strerror}); choose another --port, or leave it out "
                "for a free one"
            ) from None
        self.port: int = self.sock.getsockname()[1]
        # Listen now: the browser may connect before uvicorn starts; it waits in the backlog.
        self.sock.listen(128)
        app = make_app(self.core, self.token, self.port)
        # access_log off: every request line holds the token.
        cfg = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
        self.server = uvicorn.Server(cfg)
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/?token={self.token}"

    def serve(self) -> None:
        """Block until Ctrl-C. uvicorn shuts down gracefully, then re-raises the signal as
        KeyboardInterrupt; that is the normal way to stop, not an error."""
        try:
            self.server.run(sockets=[self.sock])
        except KeyboardInterrupt:
            pass

    def start(self) -> None:
        """Serve from a background thread (tests, benchmark); returns once it accepts connections."""
        self._thread = threading.Thread(target=self.serve, name="finetune-review", daemon=True)
        self._thread.start()
        while not self.server.started:
            if not self._thread.is_alive():
                raise RuntimeError("the review server failed to start")
            threading.Event().wait(0.01)

    def stop(self) -> None:
        self.server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        self.sock.close()
