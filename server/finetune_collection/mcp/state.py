"""The MCP server's state: the core it opened, shared by tools, resources and the review app.

Not `from __future__ import annotations`: the SDK evaluates signatures that mention Context.
"""

import logging
import os
import subprocess
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from .. import config as config_mod
from ..errors import FinetuneError
from ..pipeline import Pipeline
from ..reports import compute
from ..store import open_store

log = logging.getLogger("finetune_collection.server")
T = TypeVar("T")


@dataclass
class AppState:
    home: Path
    config: config_mod.Config
    core: Pipeline
    # Over HTTP the caller is on another machine: this server's folders and sessions are not theirs.
    remote: bool = False
    stats_asked: threading.Event = field(default_factory=threading.Event)

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a core call in a worker thread, one at a time; our errors become ToolErrors."""

        def locked() -> T:
            with self.core.lock:
                return fn(*args)

        try:
            return await anyio.to_thread.run_sync(locked)
        except FinetuneError as err:
            raise ToolError(str(err)) from None


class LazyState:
    """The server's state, opened in a background thread as soon as the server starts.

    Opening the store and importing the pipeline (the scrub catalog, numpy) takes a
    second or more; `initialize` and `tools/list` must not wait for it. The config is loaded
    eagerly, so a bad config still fails at start with its file, key and reason.
    """

    def __init__(self, config: config_mod.Config, home: Path, remote: bool = False) -> None:
        self.config, self.home, self.remote = config, home, remote
        self._ready = threading.Event()
        self._state: AppState | None = None
        self._error: BaseException | None = None
        self._timer: threading.Timer | None = None
        self._warming: subprocess.Popen[bytes] | None = None
        self._closed = False
        threading.Thread(target=self._open, name="finetune-open-store", daemon=True).start()

    def _open(self) -> None:
        size = 0
        try:
            core = Pipeline.open(self.home, self.config)
            for message in core.store.recovered:
                log.warning("recovered at start-up: %s", message)
            # Before the state is shared: once it is, the store is only used under the core's
            # lock, and a count from this thread would race a tool call on the index connection.
            size = len(core.store)
            self._state = AppState(self.home, self.config, core, self.remote)
        except BaseException as err:  # reported to every caller below
            self._error = err
        finally:
            self._ready.set()
        if self._state is not None and not self._closed and size >= WARM_MIN:
            self._timer = threading.Timer(WARM_AFTER, self._warm, (self._state,))
            self._timer.daemon = True
            self._timer.start()

    def _warm(self, state: AppState) -> None:
        """Bring the store's kept stats and readiness values up to date in a low-priority process
        of its own (no GIL shared with the tool calls), once the first calls are answered: on a
        large store that never had them (or after an upgrade), the first `finetune_stats` would
        otherwise run every check on every example inside one tool call, long enough for a
        client to give up. Not when a stats call already does that work."""
        if state.stats_asked.is_set() or self._closed:
            return
        env = {**os.environ, "FINETUNE_HOME": str(self.home)}
        code = "from finetune_collection.mcp.state import warm_stats; warm_stats()"
        try:
            self._warming = subprocess.Popen(
                [sys.executable, "-c", code], env=env, stdin=subprocess.PIPE, stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL, preexec_fn=_lower_priority if hasattr(os, "nice") else None,
            )
        except OSError as err:  # a cache: the tool call computes what is missing itself
            log.debug("stats warm-up not started: %s", err.strerror)
            return
        # Reaped when it ends, so it is never left a zombie beside a long-running server.
        threading.Thread(target=self._warming.wait, name="finetune-warm-up", daemon=True).start()
        assert self._warming.stdin is not None
        try:
            with self._warming.stdin as settings:
                settings.write(state.config.model_dump_json().encode())
        except OSError as err:  # it ended before reading them: nothing is warmed, nothing is lost
            log.debug("stats warm-up stopped early: %s", err.strerror)

    def close(self) -> None:
        """The server is stopping: no warm-up starts, and one still running stops (its values
        are kept per block in transactions, so what it finished stays and the rest is computed
        when asked). It must not outlive the server that started it."""
        self._closed = True
        if self._timer is not None:
            self._timer.cancel()
        proc = self._warming
        if proc is not None and proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                proc.kill()

    def get(self) -> AppState:
        self._ready.wait()
        if self._state is not None:
            return self._state
        if isinstance(self._error, FinetuneError):
            raise ToolError(str(self._error))
        log.error("the store could not be opened", exc_info=self._error)
        raise ToolError("the store could not be opened; see the server log")


def state_of(ctx: Context) -> AppState:
    lazy = ctx.request_context.lifespan_context
    assert isinstance(lazy, LazyState)
    return lazy.get()


def is_remote(ctx: Context) -> bool:
    """Whether the caller is on another machine (HTTP); known without waiting for the store."""
    lazy = ctx.request_context.lifespan_context
    assert isinstance(lazy, LazyState)
    return lazy.remote


def caller() -> str | None:
    """Who is calling: the authenticated token's name or JWT subject over HTTP (the SDK's bearer
    middleware puts it in the request's context); None over stdio, where the core records the
    OS user who started the server."""
    token = get_access_token()
    if token is None:
        return None
    return token.subject or token.client_id


WARM_MIN = 2000  # stored examples from which the server warms the stats values up at start
WARM_AFTER = 5.0  # seconds after start: a client's first calls come before it


def _lower_priority() -> None:
    os.nice(10)


def warm_stats() -> None:
    """The warm-up process: compute stats once, so the store keeps every value they need. It
    works with the server's own settings (sent as JSON on stdin), not with a config read again."""
    config = config_mod.Config.model_validate_json(sys.stdin.buffer.read())
    store = open_store(config_mod.home(), config)
    try:
        compute(store)
    finally:
        store.close()
