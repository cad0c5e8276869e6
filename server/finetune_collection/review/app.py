"""The review page as an MCP App: a `ui://` resource, the review tool bound to it, and app tools.

`finetune_review_page` is for the model (and every client): its text result is a summary of the
pending queue that stands on its own where the host cannot render apps. The page's own calls
(`finetune_review_list`, `_detail`, `_act`, `_bulk`, `_edit`, `_stats`) are app-visible tools
over the same `api.py` functions the local server uses; a plain client can call them too
(hosts, not servers, hide app-only tools), so they validate like any tool.
"""

from __future__ import annotations

import functools
import inspect
import json
from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Protocol, TypeVar

from mcp.server.apps import Apps, ResourceCsp
from mcp.server.mcpserver import Context
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, WithJsonSchema

from ..pipeline import Pipeline
from . import api
from .page import page

URI = "ui://finetune-collection/review.html"
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

PAGE_TOOL = (
    "Open the review page for collected examples (pending first) or, in clients that cannot show pages, "
    "get a text summary: counts by status and the newest pending examples with id, task type, quality, "
    "signals and a scrubbed preview. Call when the user wants to review, curate or approve collected "
    "fine-tuning examples. Changes nothing; approve or reject with finetune_review."
)
# Loose types with a published schema: api.py validates, and its messages never echo values.
Loose = Any
Text = Annotated[Loose, WithJsonSchema({"type": "string"})]
Number = Annotated[Loose, WithJsonSchema({"type": "number", "minimum": 0, "maximum": 1})]
Integer = Annotated[Loose, WithJsonSchema({"type": "integer", "minimum": 0})]
Status = Annotated[Loose, WithJsonSchema({"enum": ["pending", "accepted", "rejected", ""],
                                          "description": "empty: every status, pending first"})]
Ids = Annotated[Loose, WithJsonSchema({"type": "array", "items": {"type": "string"}, "maxItems": api.MAX_BULK})]
ActionArg = Annotated[Loose, WithJsonSchema({"enum": ["approve", "reject", "delete"]})]
FilterArg = Annotated[Loose, WithJsonSchema({
    "type": "object", "description": "as finetune_review_list: status, task_type, min_quality, q",
    "properties": {"status": {"type": "string"}, "task_type": {"type": "string"},
                   "min_quality": {"type": ["number", "null"]}, "q": {"type": "string"}}})]


class PageOut(BaseModel):
    page: dict[str, Any] = Field(description="the first page of pending examples, as finetune_review_list")


class ListOut(BaseModel):
    total: int
    offset: int
    limit: int
    filter: dict[str, Any]
    counts: dict[str, int]
    task_types: list[str]
    examples: list[dict[str, Any]] = Field(description="scrubbed examples: turns, signals, redactions, score")


class DetailOut(BaseModel):
    example: dict[str, Any]
    neighbours: list[dict[str, Any]] = Field(description="similar examples with left/right word-diff segments")


class StatsOut(BaseModel):
    stats: dict[str, Any]
    timeline: dict[str, Any]
    tokens: dict[str, Any]


class ActOut(BaseModel):
    action: str
    done: list[str]
    missing: list[str]
    message: str


class EditOut(BaseModel):
    id: str
    status: str
    changed: bool
    redactions: dict[str, int]
    message: str


class CoreState(Protocol):
    core: Pipeline

    def run(self, fn: Callable[..., T], *args: Any) -> Awaitable[T]: ...


def _result(data: dict[str, Any], text: str | None = None) -> CallToolResult:
    body = text if text is not None else json.dumps(data, ensure_ascii=False)
    return CallToolResult(content=[TextContent(type="text", text=body)], structured_content=data)


READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


def register(apps: Apps, state_of: Callable[[Context], CoreState], caller: Callable[[], str | None]) -> None:
    """Add the review page resource and its tools to `apps` (the server passes its state getter,
    and `caller`: who is calling, recorded as approved_by / rejected_by)."""
    apps.add_html_resource(
        URI, page().html, name="review_page", title="Fine-tune review",
        description="Review pending examples, compare near-duplicates, edit turns and see dataset charts.",
        csp=ResourceCsp(),  # no domains at all: the page needs nothing but the bridge
        prefers_border=True,
    )

    @apps.tool(
        resource_uri=URI, name="finetune_review_page", title="Review collected examples",
        description=PAGE_TOOL, annotations=READ,
    )
    async def finetune_review_page(ctx: Context) -> Annotated[CallToolResult, PageOut]:
        """The review page (PAGE_TOOL is its description)."""
        state = state_of(ctx)
        text, page_data = await state.run(api.summary_text, state.core)
        return _result({"page": page_data}, text)

    async def run(ctx: Context, call: Callable[[Pipeline, dict[str, Any]], dict[str, Any]],
                  **given: Any) -> CallToolResult:
        state = state_of(ctx)
        args = {k: v for k, v in given.items() if v is not None}
        data = await state.run(call, state.core, args)
        return _result(data, data.get("message"))

    def tool(key: str, title: str, annotations: ToolAnnotations) -> Callable[[F], F]:
        """An app-only tool (MCP Apps `visibility: ["app"]`): hosts that support it keep it out
        of the model's tool list; only the page calls it."""
        def register(fn: F) -> F:
            return apps.tool(resource_uri=URI, visibility=["app"], name=api.NAMES[key], title=title,
                             description=inspect.cleandoc(fn.__doc__ or ""), annotations=annotations)(fn)
        return register

    @tool("list", "Review page: list", READ)
    async def finetune_review_list(
        ctx: Context, status: Status = None, task_type: Text = None, min_quality: Number = None,
        q: Text = None, offset: Integer = None, limit: Integer = None,
    ) -> Annotated[CallToolResult, ListOut]:
        """For the review page: one page (limit <= 100) of scrubbed examples matching the filter,
        pending first, then newest first."""
        return await run(ctx, api.list_page, status=status, task_type=task_type,
                         min_quality=min_quality, q=q, offset=offset, limit=limit)

    @tool("detail", "Review page: similar examples", READ)
    async def finetune_review_detail(ctx: Context, id: Text = None) -> Annotated[CallToolResult, DetailOut]:
        """For the review page: one example and up to 3 similar stored ones, each with a word diff."""
        return await run(ctx, api.detail, id=id)

    @tool("stats", "Review page: chart data", READ)
    async def finetune_review_stats(ctx: Context) -> Annotated[CallToolResult, StatsOut]:
        """For the review page: statistics, counts over time and the token distribution per export target."""
        return await run(ctx, api.stats)

    @tool("act", "Review page: approve, reject or delete", WRITE)
    async def finetune_review_act(
        ctx: Context, ids: Ids = None, action: ActionArg = None,
    ) -> Annotated[CallToolResult, ActOut]:
        """For the review page: approve, reject or delete these ids. delete cannot be undone."""
        return await run(ctx, functools.partial(api.act, by=caller()), ids=ids, action=action)

    @tool("bulk", "Review page: bulk approve or reject", WRITE)
    async def finetune_review_bulk(
        ctx: Context, filter: FilterArg = None, action: ActionArg = None, expect: Integer = None,
    ) -> Annotated[CallToolResult, ActOut]:
        """For the review page: approve or reject every example matching `filter`; refuses when the
        matching set no longer has `expect` examples (it changed since the user looked)."""
        return await run(ctx, functools.partial(api.bulk, by=caller()), filter=filter, action=action, expect=expect)

    @tool("edit", "Review page: edit a turn", WRITE)
    async def finetune_review_edit(ctx: Context, id: Text = None, turn: Integer = None,
                                   content: Text = None) -> Annotated[CallToolResult, EditOut]:
        """For the review page: replace the text of turn `turn` (0-based) of example `id`. The edited
        example is scrubbed and checked for duplicates like a new one, then replaces the old one under
        the same id."""
        return await run(ctx, api.edit, id=id, turn=turn, content=content)

    del finetune_review_page, finetune_review_list, finetune_review_detail, finetune_review_stats
    del finetune_review_act, finetune_review_bulk, finetune_review_edit
