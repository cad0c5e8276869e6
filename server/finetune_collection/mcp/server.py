"""The MCP server: `build_server()` registers the tools, resources, prompts and the review app
over the core the CLI uses too; `main()` serves it on stdio.

The core is opened once per server (lifespan, in a background thread so `initialize` never
waits for a large store) and re-read incrementally on every call, so examples added by the CLI
or another server show up. Core calls run in a worker thread under one lock: the event loop
never blocks on a long export and the core is never used by two threads at once.
"""

import contextlib
import inspect
import io
import json
import logging
import os
import re
import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any, BinaryIO

import anyio
from anyio.abc import ObjectSendStream
from mcp.server.apps import Apps
from mcp.server.auth.provider import TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError, ToolError, UnexpectedResourceError
from mcp.server.request_state import RequestStateSecurity
from mcp.server.stdio import stdio_server
from mcp.shared.exceptions import MCPError
from mcp.shared.message import SessionMessage
from mcp.types import (
    INTERNAL_ERROR,
    INVALID_PARAMS,
    INVALID_REQUEST,
    METHOD_NOT_FOUND,
    PARSE_ERROR,
    CallToolResult,
    ErrorData,
    GetPromptResult,
    InputRequiredResult,
    JSONRPCError,
    JSONRPCNotification,
    TextContent,
    ToolAnnotations,
    jsonrpc_message_adapter,
)
from pydantic import ValidationError

from .. import __version__
from .. import config as config_mod
from ..errors import ConfigError
from ..model import describe_validation_error
from ..review.app import register as register_review
from . import review_tool, tools
from .prompts import add_prompts
from .resources import add_resources
from .state import LazyState, caller, state_of

log = logging.getLogger("finetune_collection.server")

INSTRUCTIONS = """\
finetune-collection turns good work from this conversation into a fine-tuning dataset.
- When the user says "collect example", "save for training", "save this as an example" or similar,
  call collect_example with the exchange: task_type, input {system, user, context} and
  output {assistant}, or `messages` (+ `tools`) for multi-turn / tool-use work. Report signals
  honestly (tests_passed, code_review_approved, zero_fix_iterations, user_accepted; and
  errors_occurred, multiple_retries, user_rejected, timeout). Never invent a quality score: give
  `quality` only if the user stated it; otherwise the score is computed from the signals (two
  positive signals and no negative one pass; any negative signal keeps an example out; an example
  kept out is stored as below_threshold, not exported unless a person approves it).
  Secrets and personal data are scrubbed before anything is stored.
- Examples need human approval: set metadata.human_approved only if the user approved in chat;
  otherwise the server may ask the user, or stores the example as pending.
- "export training data": call finetune_export (format openai, together, vertex, nova, sharegpt,
  alpaca, axolotl, hf-messages, hf-prompt-completion, hf-dataset, anthropic, bedrock; preference
  data from rejected answers: openai-dpo, trl-preference, trl-kto, vertex-preference); use dry_run
  to check first.
- "how many examples / stats": call finetune_stats. Approve, reject or delete pending examples
  with finetune_review; "review my examples": call finetune_review_page (a page in hosts that
  show MCP Apps, a text summary elsewhere). Browse with the finetune://examples resource.
"""


# Fixed answers to names we do not serve: the SDK's own repeat the name, which is caller text
# (a model can paste anything into a tool name), into the result and the server's log.
NO_TOOL = "no tool by that name; tools/list shows them"
NO_PROMPT = "no prompt by that name; prompts/list shows them"
NO_RESOURCE = "no resource at that URI; resources/list and resources/templates/list show them"
NO_METHOD = "Method not found: this server does not serve that method (see the MCP specification's list)"


class FinetuneServer(MCPServer):
    """`MCPServer` whose errors name the field and the rule, never the caller's value or name.

    The SDK's argument message is pydantic's, which quotes the input (`input_value=['sk-…']`): a
    secret sent in a wrongly typed field would come straight back in the result and the client's
    log. Unknown tool, prompt and method names get fixed answers (NO_TOOL, NO_PROMPT, NO_METHOD).
    """

    lazy_state: LazyState | None = None  # set when the lifespan starts; the HTTP review page reads it

    def state(self) -> LazyState:
        if self.lazy_state is None:
            raise ToolError("the server has not started yet; retry in a moment")
        return self.lazy_state

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        tools = {t.name: t for t in await self.list_tools()}
        if name not in tools:
            # Answered here, not raised: the SDK logs a raised ToolError with the tool's name.
            log.info("refused a call to a tool this server does not have")
            return CallToolResult(content=[TextContent(type="text", text=NO_TOOL)], is_error=True)
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as err:
            if isinstance(err.__cause__, ValidationError):
                # The tool's own parameter names may be shown; any other key is the caller's.
                params = list(tools[name].input_schema.get("properties", {}))
                problems = describe_validation_error(err.__cause__, known=params)
                # `from None`: with a ValidationError as the cause, the SDK logs every field
                # location, unknown keys (caller text) included.
                raise ToolError(f"Error executing tool {name}: invalid arguments: {problems}") from None
            raise

    async def read_resource(self, uri: Any, context: Any = None) -> Any:
        """The SDK's, but a refusal is answered here: the SDK's answer carries the URI (caller
        text) as `data`, its unknown-URI message repeats it, and both go to its log."""
        try:
            return await super().read_resource(uri, context)
        except UnexpectedResourceError:
            log.exception("a resource read failed")
            raise MCPError(code=INTERNAL_ERROR, message="the resource could not be read; the server log says why") \
                from None
        except ResourceError as err:
            # Our own messages (resources.py) name no caller text beyond an id-shaped name.
            unknown = str(err).startswith("Unknown resource")
            message = NO_RESOURCE if unknown else str(err)
            log.info("refused a resource read (%s)", "unknown URI" if unknown else type(err).__name__)
            code = INVALID_PARAMS if isinstance(err, ResourceNotFoundError) else INTERNAL_ERROR
            raise MCPError(code=code, message=message) from None

    async def get_prompt(
        self, name: str, arguments: dict[str, Any] | None = None, context: Any = None
    ) -> GetPromptResult | InputRequiredResult:
        """The SDK's, but an unknown name or bad arguments are an INVALID_PARAMS error naming only
        our own parameters; the SDK raises a ValueError, which the dispatcher logs with a traceback
        and answers with the name or pydantic's text."""
        prompts = {p.name: p for p in await self.list_prompts()}
        if name not in prompts:
            log.info("refused a request for a prompt this server does not have")
            raise MCPError(code=INVALID_PARAMS, message=NO_PROMPT)
        try:
            return await super().get_prompt(name, arguments, context)
        except ValueError as err:
            cause: BaseException | None = err
            while cause is not None and not isinstance(cause, ValidationError):
                cause = cause.__cause__
            known = [a.name for a in prompts[name].arguments or []]
            if isinstance(cause, ValidationError):
                problem = describe_validation_error(cause, known=known)
            else:
                problem = f"the arguments could not be used; it takes {', '.join(known) or 'none'}"
            log.info("prompt %s refused its arguments", name)
            raise MCPError(code=INVALID_PARAMS, message=f"prompt {name}: {problem}") from None


    async def run_stdio_async(self) -> None:
        """The SDK's stdio loop (`MCPServer.run_stdio_async`), but stdin is read here
        (`read_requests`): the SDK's reader drops a line it cannot parse, and reads a request
        whose id is neither a string nor an integer as a notification, so neither got an answer.
        The SDK's transport still writes stdout (given an empty stdin, its reader ends at once).
        There is no public way to hand the session other streams, hence the SDK's own
        `_lowlevel_server`, exactly as its method uses it."""
        server = self._lowlevel_server
        with claimed_stdin() as wire:
            lines = anyio.wrap_file(io.TextIOWrapper(wire, encoding="utf-8", errors="replace"))
            async with stdio_server(stdin=anyio.wrap_file(io.StringIO())) as (unused, write_stream):
                await unused.aclose()
                send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](0)
                async with anyio.create_task_group() as tg:
                    tg.start_soon(read_requests, lines, send, write_stream)
                    await server.run(receive, write_stream, server.create_initialization_options())


@contextlib.contextmanager
def claimed_stdin() -> Iterator[BinaryIO]:
    """The wire on a private duplicate of fd 0, and fd 0 on the null device meanwhile, as the
    SDK's transport does for its own reader: a tool or a child process reading stdin gets EOF,
    not protocol bytes."""
    try:
        if sys.stdin is None or sys.stdin.fileno() != 0:
            raise OSError("stdin is not fd 0")
        private = os.dup(0)
    except (OSError, ValueError, AttributeError):
        yield sys.stdin.buffer
        return
    try:
        null = os.open(os.devnull, os.O_RDONLY)
        try:
            os.dup2(null, 0)
        finally:
            os.close(null)
        yield os.fdopen(private, "rb", closefd=False)
    finally:
        with contextlib.suppress(OSError):
            os.dup2(private, 0)
        os.close(private)


async def read_requests(lines: Any, sink: ObjectSendStream[SessionMessage | Exception], replies: Any) -> None:
    """Parse each stdin line into a message for the session; answer the lines that are not one.

    A line the parser refuses (a lone surrogate escape such as a truncated emoji, nesting deeper
    than ~190 levels, a malformed envelope) or a request whose id is not a valid JSON-RPC id gets
    a JSON-RPC error, and the log gets one line without the content. Nothing a line holds stops
    the server.
    """
    async with sink:
        async for line in lines:
            try:
                try:
                    message = jsonrpc_message_adapter.validate_json(line, by_name=False)
                except Exception as exc:  # noqa: BLE001  (what the SDK's own reader catches)
                    reply = refusal(line, exc)
                else:
                    unanswered = isinstance(message, JSONRPCNotification) and '"id"' in line
                    if not unanswered or "id" not in (top_level(line) or {}):
                        await sink.send(SessionMessage(message))
                        continue
                    reply = refusal(line)
                if reply is not None:
                    await replies.send(SessionMessage(reply))
            except (anyio.ClosedResourceError, anyio.BrokenResourceError):
                raise
            except Exception as err:  # noqa: BLE001  (one bad line must not end the session)
                log.error("could not answer a JSON-RPC message (%s)", type(err).__name__)


async def refuse_unknown_methods(ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
    """Middleware: the SDK answers an unknown method with the method's name as `data`, caller text
    sent back; here the answer and the one log line are fixed."""
    try:
        return await call_next(ctx)
    except MCPError as err:
        if err.error.code != METHOD_NOT_FOUND:
            raise
        log.info("refused a request for a method this server does not serve")
        raise MCPError(code=METHOD_NOT_FOUND, message=NO_METHOD) from None


def refusal(line: str, exc: Exception | None = None) -> JSONRPCError | None:
    """The error answer to a line that is not a usable message (None: nothing to answer).

    `exc`: the parser's error; None when the line parsed, but as a request whose id is neither a
    string nor an integer. The id is read from the line's top level without parsing what is
    nested, so a line nested too deeply or holding a 5000-digit number still gets its id back,
    when that id is a valid one: a string UTF-8 can encode, or an integer within 64 bits. Any
    other id, or a line that is not one whole object, is answered with JSON-RPC's null id; a
    notification or a client's response is not answered at all."""
    errors = exc.errors(include_url=False) if isinstance(exc, ValidationError) else []
    kind = errors[0]["type"] if errors else type(exc).__name__
    detail = errors[0]["msg"] if errors and kind == "json_invalid" else ""
    members = top_level(line)
    request_id = request_id_of(members["id"]) if members is not None and "id" in members else None
    if "recursion limit" in detail:
        code, message = PARSE_ERROR, "Parse error: the message is nested too deeply (the limit is about 190 levels)"
    elif "escape" in detail or "surrogate" in detail:
        code, message = PARSE_ERROR, (
            "Parse error: the message contains an invalid string escape, such as a lone UTF-16 "
            "surrogate (\\ud800-\\udfff without its pair, e.g. a cut emoji); nothing was done")
    elif kind == "json_invalid":
        code, message = PARSE_ERROR, "Parse error: the message is not valid JSON"
    elif exc is None:
        code, message = INVALID_REQUEST, "Invalid request: a request id must be a string or an integer"
    else:
        code, message = INVALID_REQUEST, "Invalid request: not a JSON-RPC 2.0 request, notification or response"
    log.warning("refused an unreadable JSON-RPC message (%d characters, id %s): %s",
                len(line), "present" if request_id is not None else "none", message)
    if members is not None and ("method" not in members or "id" not in members):
        return None  # a notification or a client's response: JSON-RPC sends nothing back
    return JSONRPCError(jsonrpc="2.0", id=request_id, error=ErrorData(code=code, message=message))


_STRING = r'"[^"\\]*(?:\\.[^"\\]*)*"'
_TOKEN = re.compile(rf'\s*({_STRING}|[{{}}\[\],:]|[^\s"{{}}\[\],:]+)')
_INTEGER = re.compile(r"-?(?:0|[1-9][0-9]{0,19})")


class _Tokens:
    """JSON tokens of a line, one at a time (a string is one token: what it holds is not looked at)."""

    def __init__(self, line: str) -> None:
        self.line, self.pos = line, 0

    def next(self) -> str | None:
        found = _TOKEN.match(self.line, self.pos)
        if found is None:
            return None
        self.pos = found.end()
        return found.group(1)

    def skip(self) -> bool:
        """Past the object or array just opened, however deep (no recursion)."""
        depth = 1
        while depth:
            token = self.next()
            if token is None:
                return False
            depth += 1 if token in ("{", "[") else -1 if token in ("}", "]") else 0
        return True


def _string(token: str) -> str | None:
    try:
        value = json.loads(token)
    except ValueError:
        return None
    return value if isinstance(value, str) else None


def top_level(line: str) -> dict[str, str] | None:
    """The members of a line holding one JSON object: key → the raw text of a scalar value, or ""
    for an object or array (skipped, not parsed). None unless the line is one whole object."""
    tokens = _Tokens(line)
    if tokens.next() != "{":
        return None
    members: dict[str, str] = {}
    token = tokens.next()
    while token is not None and token != "}":
        key = _string(token) if token.startswith('"') else None
        value = tokens.next() if key is not None and tokens.next() == ":" else None
        if key is None or value is None or value in ("}", "]", ",", ":"):
            return None
        if value in ("{", "[") and not tokens.skip():
            return None
        members[key] = "" if value in ("{", "[") else value
        token = tokens.next()
        if token == ",":
            token = tokens.next()
        elif token != "}":
            return None
    if token != "}" or line[tokens.pos:].strip():
        return None
    return members


def request_id_of(raw: str) -> str | int | None:
    """A JSON-RPC id from its raw text: a string UTF-8 can encode (no lone surrogate), or an
    integer within 64 bits; None for anything else (an object, a float, null, a huge number)."""
    if raw.startswith('"'):
        value = _string(raw)
        if value is None:
            return None
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return value
    if _INTEGER.fullmatch(raw) and -(2**63) <= (number := int(raw)) < 2**63:
        return number
    return None


WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)
REVIEW = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


def catalog_types() -> list[str]:
    """The scrub catalog's types, for checking `scrub.disable` when the config loads."""
    from ..scrub.catalog import CATALOG

    return [rule.type for rule in CATALOG]


def describe(fn: Any) -> str:
    """A tool's docstring as its description, without the source's indentation."""
    return inspect.cleandoc(fn.__doc__ or "")


def build_server(
    config: config_mod.Config | None = None, *, token_verifier: TokenVerifier | None = None,
    auth: AuthSettings | None = None, request_state: RequestStateSecurity | None = None, remote: bool = False,
) -> FinetuneServer:
    """`config`: already loaded (`main` checks it before serving); None loads it at each start.
    `token_verifier` and `auth`: the SDK's bearer-token checks; `request_state`: a key shared
    by several server processes (default: one per process); `remote`: served over HTTP, to
    callers on other machines. For HTTP (mcp/http.py)."""
    holder: dict[str, LazyState] = {}

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[LazyState]:
        loaded = config if config is not None else config_mod.load(scrub_types=catalog_types)
        lazy = LazyState(loaded, config_mod.home(), remote)
        holder["state"] = lazy  # static resources get no Context; they read the state from here
        mcp.lazy_state = lazy
        try:
            yield lazy
        finally:
            lazy.close()

    apps = Apps()  # the review page (MCP App) and the tools it calls: review/app.py
    register_review(apps, state_of, caller)
    mcp = FinetuneServer(
        "finetune-collection",
        title="Fine-tune Collection",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        extensions=[apps],
        token_verifier=token_verifier,
        auth=auth,
        request_state_security=request_state,
        middleware=[refuse_unknown_methods],
    )
    for fn, title, annotations in (
        (tools.collect_example, "Collect a fine-tuning example", WRITE),
        (tools.finetune_stats, "Fine-tuning dataset statistics", READ),
        (tools.finetune_export, "Export training data", DESTRUCTIVE),
        (review_tool.finetune_review, "Approve, reject or delete an example", REVIEW),
    ):
        mcp.add_tool(fn, title=title, description=describe(fn), annotations=annotations)
    add_resources(mcp, holder)
    add_prompts(mcp)
    return mcp


def main() -> None:
    """Run on stdio. Nothing but JSON-RPC goes to stdout; logs go to stderr."""
    logging.basicConfig(stream=sys.stderr, level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        # Loaded here, not in the lifespan: a failure there surfaces as an ExceptionGroup traceback
        # from the task group, so a bad config is reported before serving, like the CLI does.
        config = config_mod.load(scrub_types=catalog_types)
    except ConfigError as err:
        print(f"Error: {err}", file=sys.stderr)
        sys.exit(1)
    build_server(config).run()
