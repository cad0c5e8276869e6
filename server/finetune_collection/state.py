"""The MCP server's state: the store and pipeline it opened, shared by tools and resources.

Not `from __future__ import annotations`: the SDK evaluates signatures that mention Context.
"""

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import anyio.to_thread
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.exceptions import ToolError

from . import config as config_mod
from .errors import FinetuneError
from .lock import LockBusy
from .pipeline import Pipeline
from .store import Store

log = logging.getLogger("finetune_collection.server")
T = TypeVar("T")


@dataclass
class AppState:
    home: Path
    config: config_mod.Config
    store: Store
    pipeline: Pipeline
    lock: threading.Lock

    async def run(self, fn: Callable[..., T], *args: Any) -> T:
        """Run a core call in a worker thread, one at a time; our errors become ToolErrors."""

        def locked() -> T:
            with self.lock:
                return fn(*args)

        try:
            return await anyio.to_thread.run_sync(locked)
        except FinetuneError as err:
            raise ToolError(str(err)) from None

    def run_small(self, fn: Callable[[], T]) -> T | None:
        """Run a call known to be a few milliseconds (a collect of a modest example) right here on
        the event loop, or return None when it might not be: then the caller uses `run()`.

        The worker-thread round trip costs ~0.4 ms of a ~4 ms collect. It is skipped only when
        nothing can make the call slow: no other core call in progress, the store lock free now
        (`no_wait`: a lock held by another process ends this attempt, and the caller retries in a
        thread), and no long catch-up read or compaction due (`quick_write_likely`). What `fn`
        did before the lock was taken is pure computation, so repeating it is safe.
        """
        storage = self.store.storage
        if not storage.quick_write_likely() or not self.lock.acquire(blocking=False):
            return None
        try:
            with storage.no_wait():
                return fn()
        except LockBusy:
            return None
        except FinetuneError as err:
            raise ToolError(str(err)) from None
        finally:
            self.lock.release()


class LazyState:
    """The server's state, opened in a background thread as soon as the server starts.

    Loading a large store and importing the dedup stack (datasketch pulls in scipy) takes a
    second or more; `initialize` and `tools/list` must not wait for it. The config is loaded
    eagerly, so a bad config still fails at start with its file, key and reason.
    """

    def __init__(self, config: config_mod.Config, home: Path) -> None:
        self.config, self.home = config, home
        self._ready = threading.Event()
        self._state: AppState | None = None
        self._error: BaseException | None = None
        threading.Thread(target=self._open, name="finetune-open-store", daemon=True).start()

    def _open(self) -> None:
        try:
            store = Store(self.home, self.config)
            for message in store.recovered:
                log.warning("recovered at start-up: %s", message)
            self._state = AppState(self.home, self.config, store, Pipeline(store, self.config), threading.Lock())
        except BaseException as err:  # reported to every caller below
            self._error = err
        finally:
            self._ready.set()

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
