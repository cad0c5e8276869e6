"""The MCP server: `build_server()` registers the tools, resources, prompts and the review app
over the core the CLI uses too; `main()` serves it on stdio.

The core is opened once per server (lifespan, in a background thread so `initialize` never
waits for a large store) and re-read incrementally on every call, so examples added by the CLI
or another server show up. Core calls run in a worker thread under one lock: the event loop
never blocks on a long export and the core is never used by two threads at once.
"""

import logging
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from mcp.server.apps import Apps
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.types import ToolAnnotations
from pydantic import ValidationError

from .. import __version__
from .. import config as config_mod
from ..errors import ConfigError
from ..model import describe_validation_error
from ..review.app import register as register_review
from . import tools
from .prompts import add_prompts
from .resources import add_resources
from .state import LazyState, state_of

log = logging.getLogger("finetune_collection.server")

INSTRUCTIONS = """\
finetune-collection turns good work from this conversation into a fine-tuning dataset.
- When the user says "collect example", "save for training", "save this as an example" or similar,
  call collect_example with the exchange: task_type, input {system, user, context} and
  output {assistant}, or `messages` (+ `tools`) for multi-turn / tool-use work. Report signals
  honestly (tests_passed, code_review_approved, zero_fix_iterations, user_accepted; and
  errors_occurred, multiple_retries, user_rejected, timeout). Never invent a quality score: give
  `quality` only if the user stated it; otherwise the score is computed from the signals (two
  positive signals and no negative one pass; an example under the threshold is kept as
  below_threshold, not exported unless a person approves it).
  Secrets and personal data are scrubbed before anything is stored.
- Examples need human approval: set metadata.human_approved only if the user approved in chat;
  otherwise the server may ask the user, or stores the example as pending.
- "export training data": call finetune_export (format openai, anthropic, bedrock, vertex,
  together, sharegpt, alpaca, hf-messages, hf-prompt-completion); use dry_run to check first.
- "how many examples / stats": call finetune_stats. Approve, reject or delete pending examples
  with finetune_review; "review my examples": call finetune_review_page (a page in hosts that
  show MCP Apps, a text summary elsewhere). Browse with the finetune://examples resource.
"""


class FinetuneServer(MCPServer):
    """`MCPServer` whose argument type errors name the field and the rule, never the value.

    The SDK's message is pydantic's, which quotes the input (`input_value=['sk-…']`): a secret
    sent in a wrongly typed field would come straight back in the result and the client's log.
    """

    async def call_tool(self, name: str, arguments: dict[str, Any], context: Any = None) -> Any:
        try:
            return await super().call_tool(name, arguments, context)
        except ToolError as err:
            if isinstance(err.__cause__, ValidationError):
                # The tool's own parameter names may be shown; any other key is the caller's.
                params = [p for t in await self.list_tools() if t.name == name for p in t.input_schema["properties"]]
                problems = describe_validation_error(err.__cause__, known=params)
                raise ToolError(f"Error executing tool {name}: invalid arguments: {problems}") from err.__cause__
            raise


WRITE = ToolAnnotations(read_only_hint=False, destructive_hint=False, idempotent_hint=False, open_world_hint=False)
READ = ToolAnnotations(read_only_hint=True, idempotent_hint=True, open_world_hint=False)
DESTRUCTIVE = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=False, open_world_hint=False)
REVIEW = ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True, open_world_hint=False)


def build_server(config: config_mod.Config | None = None) -> MCPServer:
    """`config`: already loaded (`main` checks it before serving); None loads it at each start."""
    holder: dict[str, LazyState] = {}

    @asynccontextmanager
    async def lifespan(_: MCPServer) -> AsyncIterator[LazyState]:
        lazy = LazyState(config if config is not None else config_mod.load(), config_mod.home())
        holder["state"] = lazy  # static resources get no Context; they read the state from here
        yield lazy

    apps = Apps()  # the review page (MCP App) and the tools it calls: review/app.py
    register_review(apps, state_of)
    mcp = FinetuneServer(
        "finetune-collection",
        title="Fine-tune Collection",
        instructions=INSTRUCTIONS,
        version=__version__,
        lifespan=lifespan,
        extensions=[apps],
    )
    mcp.add_tool(tools.collect_example, title="Collect a fine-tuning example", annotations=WRITE)
    mcp.add_tool(tools.finetune_stats, title="Fine-tuning dataset statistics", annotations=READ)
    mcp.add_tool(tools.finetune_export, title="Export training data", annotations=DESTRUCTIVE)
    mcp.add_tool(tools.finetune_review, title="Approve, reject or delete an example", annotations=REVIEW)
    add_resources(mcp, holder)
    add_prompts(mcp)
    return mcp


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
