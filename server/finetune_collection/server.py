"""The MCP server: tools, resources and prompts over the same core the CLI uses.

`build_server()` makes a fresh `MCPServer`; the store is opened once per server (lifespan) and
re-read incrementally on every call, so examples added by the CLI or another server show up.
Core calls run in a worker thread under one lock: the event loop never blocks on a long export
and the store object is never used by two threads at once.

Tool errors the model can fix are `ToolError`s carrying our error message (never example text);
argument types are loose (`Any` with a published JSON schema) so that the SDK's own validation
message, which echoes input values, is never what the client sees: our pipeline validates.
"""

# No `from __future__ import annotations`: the SDK evaluates tool signatures with the module's
# globals, and `Resolve(ask_approval)` / `ExportReport` are locals of build_server().

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any, Literal, TypeVar

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.elicitation import AcceptedElicitation, CancelledElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, MCPServer, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import ListRoots
from mcp.types import CallToolResult, ListRootsResult, ResourceLink, TextContent, ToolAnnotations
from pydantic import BaseModel, Field, ValidationError, WithJsonSchema

from . import __version__
from . import config as config_mod
from .errors import ConfigError, FinetuneError
from .model import describe_validation_error, parse_time
from .pipeline import CollectResult, Prepared
from .prompts import add_prompts
from .resources import add_resources
from .state import LazyState, state_of

log = logging.getLogger("finetune_collection.server")
T = TypeVar("T")

INSTRUCTIONS = """\
finetune-collection turns good work from this conversation into a fine-tuning dataset.
- When the user says "collect example", "save for training", "save this as an example" or similar,
  call collect_example with the exchange: task_type, input {system, user, context} and
  output {assistant}, or `messages` (+ `tools`) for multi-turn / tool-use work. Report signals
  honestly (tests_passed, code_review_approved, zero_fix_iterations, user_accepted; and
  errors_occurred, multiple_retries, user_rejected, timeout). Never invent a quality score: give
  `quality` only if the user stated it; otherwise the score is computed from the signals.
  Secrets and personal data are scrubbed before anything is stored.
- Examples need human approval: set metadata.human_approved only if the user approved in chat;
  otherwise the server may ask the user, or stores the example as pending.
- "export training data": call finetune_export (format openai, anthropic, bedrock, vertex,
  together, sharegpt, alpaca, hf-messages, hf-prompt-completion); use dry_run to check first.
- "how many examples / stats": call finetune_stats. Approve, reject or delete pending examples
  with finetune_review; "review my examples": call finetune_review_page (a page in hosts that
  show MCP Apps, a text summary elsewhere). Browse with the finetune://examples resource.
"""

TEXT = {"type": "string"}
INPUT_SCHEMA = {
    "type": "object",
    "description": "The seed's single-turn input. Use with `output`, or use `messages` instead.",
    "properties": {
        "system": {**TEXT, "description": "system prompt"},
        "user": {**TEXT, "description": "the user's request"},
        "context": {**TEXT, "description": "background the assistant had (project facts, files)"},
    },
    "required": ["user"],
}
OUTPUT_SCHEMA = {
    "type": "object",
    "properties": {"assistant": {**TEXT, "description": "the assistant's final answer"}},
    "required": ["assistant"],
}
MESSAGES_SCHEMA = {
    "type": "array",
    "description": "Multi-turn example in OpenAI chat roles (system first if any, then user/assistant/tool); "
    "assistant turns may carry tool_calls [{id, type:function, function:{name, arguments}}], tool turns "
    "carry tool_call_id. Use instead of input/output.",
    "items": {
        "type": "object",
        "properties": {
            "role": {"enum": ["system", "user", "assistant", "tool"]},
            "content": {"type": ["string", "null"]},
            "tool_calls": {"type": "array", "items": {"type": "object"}},
            "tool_call_id": TEXT,
            "name": TEXT,
            "weight": {"enum": [0, 1]},
        },
        "required": ["role"],
    },
}
SIGNALS_SCHEMA = {
    "description": "Quality signals observed, e.g. [\"tests_passed\", {\"name\": \"user_accepted\", "
    "\"evidence\": \"user said thanks, works\"}]. Known: tests_passed, code_review_approved, "
    "zero_fix_iterations, user_accepted (positive); errors_occurred, multiple_retries, user_rejected, "
    "timeout (negative).",
    "anyOf": [
        {"type": "array", "items": {"anyOf": [TEXT, {"type": "object"}]}},
        {"type": "object", "additionalProperties": TEXT},
    ],
}
METADATA_SCHEMA = {
    "type": "object",
    "description": "tokens_used, execution_time, human_approved (true only if the user approved), "
    "workflow, phase, and any other JSON fields",
}

Loose = Any  # validated by the pipeline, which never echoes values in its errors


def _schema(schema: dict[str, Any]) -> Any:
    return WithJsonSchema(schema)


class Approval(BaseModel):
    approve: bool = Field(description="Store this example for fine-tuning?")


class ReviewResult(BaseModel):
    id: str
    action: Literal["approve", "reject", "delete"]
    status: Literal["accepted", "pending", "rejected", "deleted"]
    message: str


SMALL_EXAMPLE_CHARS = 32_000
"""Examples up to this much text are collected on the event loop when the store is free (about
10 ms of work at most; see AppState.run_small). Larger ones go to a worker thread."""


def _is_small(value: Any, limit: int = SMALL_EXAMPLE_CHARS) -> bool:
    """Does a JSON value hold at most `limit` characters of text (keys included)? Counted
    without serializing and without recursion (hostile input nests deeply), stopping early."""
    total, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            total += len(item)
        elif isinstance(item, dict):
            total += sum(len(str(k)) for k in item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
        else:
            total += 8
        if total > limit:
            return False
    return True


def _preview(prepared: Prepared) -> str:
    lines = [f"Save this example for fine-tuning? ({prepared.example.task_type}, quality {prepared.verdict.score:g})"]
    for m in prepared.example.turns():
        if m.role in ("user", "assistant") and m.content:
            text = " ".join(m.content.split())
            lines.append(f"{m.role}: {text[:160]}{'…' if len(text) > 160 else ''}")
    return "\n".join(lines[:5])


def build_server(config: config_mod.Config | None = None) -> MCPServer:
    """`config`: already loaded (`main` checks it before serving); None loads it at each start."""
    holder: dict[str, LazyState] = {}

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[LazyState]:
        lazy = LazyState(config if config is not None else config_mod.load(), config_mod.home())
        holder["state"] = lazy  # static resources get no Context; they read the state from here
        yield lazy

    from mcp.server.apps import Apps

    from .review.app import register as register_review

    apps = Apps()  # the review page (MCP App) and the tools it calls: review/app.py
    register_review(apps, state_of)
    mcp = MCPServer(
        "finetune-collection",
        title="Fine-tune Collection",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        extensions=[apps],
    )

    # -- collect_example ------------------------------------------------------------------------
    def _arguments(
        task_type: str | None, input: Any, output: Any, messages: Any, tools: Any, quality_score: Any,
        quality: Any, signals: Any, metadata: Any, id: Any,
    ) -> dict[str, Any]:
        given = {
            "task_type": task_type, "input": input, "output": output, "messages": messages, "tools": tools,
            "quality_score": quality_score, "quality": quality, "signals": signals, "metadata": metadata, "id": id,
        }
        return {k: v for k, v in given.items() if v is not None}

    async def ask_approval(
        ctx: Context, task_type: str | None, input: Any, output: Any, messages: Any, tools: Any,
        quality_score: Any, quality: Any, signals: Any, metadata: Any, id: Any,
    ) -> Elicit[Approval] | None:
        """Ask the user (scrubbed preview) only when approval is all that stands in the way.

        Async so that a client without elicitation (most calls) costs no worker-thread hop."""
        caps = ctx.client_capabilities
        if caps is None or caps.elicitation is None:
            return None
        state = state_of(ctx)
        args = _arguments(task_type, input, output, messages, tools, quality_score, quality, signals, metadata, id)

        def preview_if_needed() -> str | None:
            with state.lock:
                prepared = state.pipeline.prepare(args)
                if not prepared.verdict.keep or not prepared.verdict.needs_approval:
                    return None
                if state.pipeline.would_be_duplicate(prepared):
                    return None
            return _preview(prepared)

        try:
            preview = await anyio.to_thread.run_sync(preview_if_needed)
        except FinetuneError:
            return None  # the tool body reports the error
        return Elicit(preview, Approval) if preview is not None else None

    @mcp.tool(
        title="Collect a fine-tuning example",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False
        ),
    )
    async def collect_example(
        ctx: Context,
        approval: Annotated[ElicitationResult[Approval], Resolve(ask_approval)],
        task_type: Annotated[str | None, Field(description="e.g. code_generation, debugging, refactoring")] = None,
        input: Annotated[Loose, _schema(INPUT_SCHEMA)] = None,
        output: Annotated[Loose, _schema(OUTPUT_SCHEMA)] = None,
        messages: Annotated[Loose, _schema(MESSAGES_SCHEMA)] = None,
        tools: Annotated[Loose, _schema({"type": "array", "items": {"type": "object"},
                                         "description": "tool definitions (OpenAI function format)"})] = None,
        quality_score: Annotated[Loose, _schema({"type": "number", "minimum": 0, "maximum": 1,
                                                 "description": "only if the user gave one"})] = None,
        quality: Annotated[Loose, _schema({"enum": ["high", "medium", "low"],
                                           "description": "only if the user rated it"})] = None,
        signals: Annotated[Loose, _schema(SIGNALS_SCHEMA)] = None,
        metadata: Annotated[Loose, _schema(METADATA_SCHEMA)] = None,
        id: Annotated[Loose, _schema({"type": "string", "description": "optional id to keep"})] = None,
    ) -> CollectResult:
        """Save one successful exchange as a fine-tuning example.

        Call when the user says "collect example", "save for training" or similar. Give the exchange
        as `input` {system, user, context} + `output` {assistant}, or as `messages` (+ `tools`) for
        multi-turn or tool-use work. The example is scored (quality_score, else quality, else computed
        from `signals`; negative signals lower it), rejected below the minimum (0.9 by default),
        scrubbed of secrets and personal data, checked for duplicates, and stored: `accepted`, or
        `pending` until a human approves (the user may be asked directly). Returns id, status
        (accepted|pending|rejected|duplicate), quality_score, reasons, redactions by type and
        duplicate_of. The result never contains the example's text.
        """
        state = state_of(ctx)
        args = _arguments(task_type, input, output, messages, tools, quality_score, quality, signals, metadata, id)
        approved: bool | None = None
        if isinstance(approval, AcceptedElicitation) and isinstance(approval.data, Approval):
            approved = approval.data.approve
        elif approval is not None and not isinstance(approval, AcceptedElicitation | CancelledElicitation):
            approved = False  # declined: the user said no, so nothing is stored

        def collect() -> CollectResult:
            return state.pipeline.collect(args, approved)

        if _is_small(args):
            result = state.run_small(collect)
            if result is not None:
                return result
        return await state.run(collect)

    # -- finetune_stats -------------------------------------------------------------------------
    from .stats import Stats

    @mcp.tool(
        title="Fine-tuning dataset statistics",
        annotations=ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False),
    )
    async def finetune_stats(ctx: Context) -> Stats:
        """Show what has been collected: totals by status, task type, workflow and phase; quality
        distribution; token totals (estimated where metadata has none); rejections by reason;
        redactions by type; and, per export target, whether the accepted set is ready to train.
        Call when the user asks how many examples there are or whether the data is ready."""
        from .stats import compute

        state = state_of(ctx)
        return await state.run(compute, state.store)

    # -- finetune_export ------------------------------------------------------------------------
    def get_roots(ctx: Context, output: str | None = None) -> ListRoots | ListRootsResult:
        """Ask for the client's roots only when an absolute path outside our folder is requested."""
        caps = ctx.client_capabilities
        if not output or not Path(output).is_absolute() or caps is None or caps.roots is None:
            return ListRootsResult(roots=[])
        return ListRoots()

    from .export import ExportReport, PortabilityReport

    class ExportResult(ExportReport):
        """An export's report; with dry_run, nothing written and the portability report filled."""

        dry_run: bool = False
        portability: PortabilityReport | None = None

    @mcp.tool(
        title="Export training data",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False
        ),
    )
    async def finetune_export(
        ctx: Context,
        roots: Annotated[ListRootsResult, Resolve(get_roots)],
        format: Annotated[str, Field(description="openai | anthropic | bedrock | vertex | together | sharegpt | "
                                                 "alpaca | hf-messages | hf-prompt-completion")] = "openai",
        output: Annotated[str | None, Field(description="file name (written under the data folder's exports/) "
                                                        "or an absolute path inside a root you shared")] = None,
        task_type: Annotated[list[str] | None, Field(description="only these task types")] = None,
        workflow: Annotated[list[str] | None, Field(description="only these workflows")] = None,
        phase: Annotated[list[str] | None, Field(description="only these phases")] = None,
        min_quality: Annotated[float | None, Field(ge=0, le=1, description="minimum quality_score")] = None,
        signals: Annotated[list[str] | None, Field(description="only examples carrying all these signals")] = None,
        since: Annotated[str | None, Field(description="created at or after (ISO date/time)")] = None,
        until: Annotated[str | None, Field(description="created before (ISO date/time)")] = None,
        ids: Annotated[list[str] | None, Field(description="only these ids")] = None,
        include_pending: Annotated[bool, Field(description="also export pending examples")] = False,
        limit: Annotated[int | None, Field(ge=1, description="at most this many examples")] = None,
        split: Annotated[float | None, Field(gt=0, lt=1, description="validation fraction, e.g. 0.1")] = None,
        seed: Annotated[int, Field(description="seed for a deterministic split")] = 0,
        fix: Annotated[bool, Field(description="apply safe, reported repairs (merge/move/drop turns)")] = False,
        dedup: Annotated[bool, Field(description="leave out near-duplicates a dedup re-check would remove "
                                                 "(keeps the best of each cluster; deletes nothing)")] = False,
        overwrite: Annotated[bool, Field(description="replace an existing file")] = False,
        dry_run: Annotated[bool, Field(description="write nothing; report, for every format, what would "
                                                   "pass and fail, and estimated tokens and cost")] = False,
    ) -> Annotated[CallToolResult, ExportResult]:
        """Export accepted examples as JSONL for a fine-tuning target, validated per target first.

        Call when the user says "export training data". Only accepted examples are exported unless
        include_pending is true. Examples that break the target's rules are skipped and reported by
        id and rule; records that still look like they hold a secret are refused. Returns counts,
        the written path(s), warnings, and a link to the file. With dry_run nothing is written.
        """
        from . import export as export_mod
        from .paths import resolve_output, root_paths

        state = state_of(ctx)
        name = output or f"{format}.jsonl"
        try:
            target = None if dry_run else resolve_output(
                name, state.home, root_paths([str(r.uri) for r in roots.roots]), overwrite
            )
            request = export_mod.ExportRequest(
                format=format, output=target, task_type=task_type, workflow=workflow, phase=phase,
                min_quality=min_quality, signals=signals, since=parse_time(since),
                until=parse_time(until), ids=ids,
                status=["accepted", "pending"] if include_pending else ["accepted"], limit=limit,
                split=split, seed=seed, fix=fix, overwrite=overwrite, dedup=dedup,
            )
        except FinetuneError as err:
            raise ToolError(str(err)) from None
        except ValueError as err:
            raise ToolError(f"invalid export arguments: {err}") from None

        if dry_run:
            report = await state.run(export_mod.check, state.store.path, state.config, request)
            dry = ExportResult(format=format, written=0, matched=report.matched, dry_run=True, portability=report)
            return CallToolResult(
                content=[TextContent(type="text", text=report.render())],
                structured_content=dry.model_dump(mode="json"),
            )

        async def send(done: int, total: int | None) -> None:
            await ctx.report_progress(done, total, f"exported {done}")

        def progress(done: int, total: int | None) -> None:
            anyio.from_thread.run(send, done, total)

        result = await state.run(export_mod.export, state.store.path, state.config, request, progress)
        links = [
            ResourceLink(type="resource_link", uri=Path(p).as_uri(), name=Path(p).name, mime_type="application/jsonl")
            for p in result.paths
        ]
        return CallToolResult(
            content=[TextContent(type="text", text=result.model_dump_json(indent=2)), *links],
            structured_content=ExportResult(**result.model_dump()).model_dump(mode="json"),
        )

    # -- finetune_review ------------------------------------------------------------------------
    @mcp.tool(
        title="Approve, reject or delete an example",
        annotations=ToolAnnotations(
            read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False
        ),
    )
    async def finetune_review(
        ctx: Context,
        id: Annotated[str, Field(description="example id, e.g. from collect_example or finetune://examples")],
        action: Annotated[Literal["approve", "reject", "delete"], Field(
            description="approve: pending -> accepted (exportable); reject: kept as rejected, never exported; "
                        "delete: removed from the store for good (destructive)")],
    ) -> ReviewResult:
        """Approve, reject or delete one stored example by id.

        Call when the user approves or rejects a pending example, or asks to remove one. `delete`
        erases the example from the store file, the duplicate index and stats, and cannot be undone.
        """
        state = state_of(ctx)
        ex = await state.run(state.pipeline.review, id, action)
        status = "deleted" if ex is None else ex.status
        return ReviewResult(id=id, action=action, status=status, message=f"{id} is now {status}")

    add_resources(mcp, holder)
    add_prompts(mcp)
    _hide_argument_values(mcp)
    return mcp


def _hide_argument_values(mcp: MCPServer) -> None:
    """Argument type errors name the field and the rule, never the rejected value.

    The SDK's message is pydantic's, which quotes the input (`input_value=['sk-…']`): a secret
    sent in a wrongly typed field would come straight back in the result and the client's log.
    """
    call_tool = mcp.call_tool

    async def call_tool_quietly(name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await call_tool(name, arguments, context)
        except ToolError as err:
            if isinstance(err.__cause__, ValidationError):
                problems = describe_validation_error(err.__cause__)
                raise ToolError(f"Error executing tool {name}: invalid arguments: {problems}") from err.__cause__
            raise

    mcp.call_tool = call_tool_quietly  # type: ignore[method-assign]


def main() -> None:
    """Run on stdio. Nothing but JSON-RPC goes to stdout; logs go to stderr."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        # Loaded here, not in the lifespan: a failure there surfaces as an ExceptionGroup traceback
        # from the task group, so a bad config is reported before serving, like the CLI does.
        config = config_mod.load()
    except ConfigError as err:
        print(f"Error: {err}", file=sys.stderr)
        sys.exit(1)
    build_server(config).run()
