"""MCP resources: the dataset listing (paged), one example, stats and the effective config.

Not `from __future__ import annotations`: the SDK evaluates resource signatures (Context).
"""

import json
from typing import Any

from mcp.server.mcpserver import Context, MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from .. import config as config_mod
from ..errors import NotFound
from ..reports import compute, list_page
from .state import AppState, LazyState, state_of


def add_resources(mcp: MCPServer, holder: dict[str, LazyState]) -> None:
    """Register the finetune:// resources; `holder` gives static resources (no Context) the state."""

    def current() -> AppState:
        if "state" not in holder:
            raise ResourceError("the server is still starting; retry")
        return holder["state"].get()

    def page(state: AppState, number: int) -> str:
        size = state.config.limits.list_page_size
        with state.core.lock:
            rows, total = list_page(state.core.store, limit=size, offset=(number - 1) * size)
        pages = max(1, -(-total // size))
        body: dict[str, Any] = {
            "total": total, "page": number, "pages": pages, "page_size": size, "examples": rows,
            "next": f"finetune://examples/page/{number + 1}" if number < pages else None,
            "note": "newest first; read finetune://examples/page/N for more, finetune://examples/{id} for one",
        }
        return json.dumps(body, ensure_ascii=False, indent=2)

    @mcp.resource("finetune://examples", name="examples", title="Collected examples (newest first)",
                  mime_type="application/json")
    def examples() -> str:
        """First page of the dataset listing: id, created_at, task_type, status, quality_score and a short
        scrubbed preview; `next` names the following page."""
        return page(current(), 1)

    @mcp.resource("finetune://examples/page/{number}", name="examples_page", title="A page of the listing",
                  mime_type="application/json")
    def examples_page(number: str, ctx: Context) -> str:
        """Page N (1-based) of the dataset listing, newest first."""
        if not number.isdigit() or int(number) < 1:
            raise ResourceNotFoundError("page must be a positive number")
        return page(state_of(ctx), int(number))

    @mcp.resource("finetune://examples/{example_id}", name="example", title="One stored example",
                  mime_type="application/json")
    def example(example_id: str, ctx: Context) -> str:
        """The full stored (scrubbed) example."""
        state = state_of(ctx)
        with state.core.lock:
            state.core.store.refresh()
            try:
                doc = state.core.store.get_doc(example_id)
            except NotFound as err:
                raise ResourceNotFoundError(str(err)) from None
        return json.dumps(doc, ensure_ascii=False, indent=2)

    @mcp.resource("finetune://stats", name="stats", title="Dataset statistics", mime_type="application/json")
    def stats_resource() -> str:
        """The same statistics as the finetune_stats tool."""
        state = current()
        with state.core.lock:
            return compute(state.core.store).model_dump_json(indent=2)

    @mcp.resource("finetune://config", name="config", title="Effective configuration", mime_type="application/yaml")
    def config_resource() -> str:
        """The effective configuration (YAML), after defaults and the config file."""
        state = current()
        return config_mod.dump(state.config)

    del examples, examples_page, example, stats_resource, config_resource
