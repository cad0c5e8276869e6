"""Hostile input at the MCP surface: generated arguments to every tool, resource and prompt.

The server must never die, every answer must be a result or a clean error (no traceback text,
no pydantic dump echoing the input, no bare "Error executing tool X" which is what the SDK sends
when a tool crashed), and later calls must still work. One in-memory server per protocol mode is
kept open across all generated examples (a blocking portal holds the client's task), so hypothesis
can run many cases cheaply. Export paths get hand-written cases: `..`, absolute paths outside the
allowed folders, symlinks out, device files, FIFOs, existing files without `overwrite`.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any, get_args

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mcp.shared.exceptions import MCPError
from mcp.types import CallToolResult

from finetune_collection.mcp.server import build_server
from finetune_collection.model import Outcome
from mcp import Client

TOOLS = ("collect_example", "finetune_stats", "finetune_export", "finetune_review")
PROMPTS = ("save_for_training", "export_training_data", "finetune_stats")

# Text that leaks internals: tracebacks, raw pydantic errors (they echo the rejected value).
INTERNALS = ("Traceback", 'File "', "input_value", "errors.pydantic.dev", "validation error for", "Arguments\n")
# Planted inside generated caller text (filter values, names, ids): it must never come back, in a
# result or in the server's log, whatever the tool does with the value. Longer than an id the
# store would repeat in "no example with id …" (store/api.py shown_id), as a pasted token is.
CANARY = "ghp_zqCANARYq9x1kVZQ2tqMnMcLRk"


class Server:
    """A live in-memory client/server pair driven from synchronous hypothesis tests."""

    def __init__(self, portal: BlockingPortal, client: Client, home: Path, log: LogLines) -> None:
        self.portal = portal
        self.client = client
        self.home = home
        self.log = log

    def call(self, tool: str, args: dict[str, Any]) -> CallToolResult:
        result = self.portal.call(self.client.call_tool, tool, args)
        assert isinstance(result, CallToolResult)
        check_tool_result(tool, result)
        self.log.check()
        return result

    def read(self, uri: str) -> str | None:
        try:
            result = self.portal.call(self.client.read_resource, uri)
        except MCPError as err:
            check_protocol_error(err)
            return None
        finally:
            self.log.check()
        return str(getattr(result.contents[0], "text", ""))

    def prompt(self, name: str, args: dict[str, str]) -> None:
        try:
            self.portal.call(self.client.get_prompt, name, args)
        except MCPError as err:
            check_protocol_error(err)
        finally:
            self.log.check()

    def alive(self) -> None:
        stats = self.call("finetune_stats", {})
        assert not stats.is_error and stats.structured_content is not None
        assert stats.structured_content["total"] == len(self.stored_ids())

    def stored_ids(self) -> set[str]:
        path = self.home / "examples.json"
        ids: set[str] = set()
        for line in path.read_bytes().split(b"\n")[:-1]:
            record = json.loads(line)  # every line parses: the file is never broken
            if record["t"] == "examples":
                (ids.add if record["op"] == "put" else ids.discard)(record["id"])
        return ids


class LogLines(logging.Handler):
    """Every log record of the server and the SDK, checked for the canary after each call."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record))

    def check(self) -> None:
        leaked = [line for line in self.lines if CANARY in line]
        self.lines.clear()
        assert not leaked, f"the log repeats caller text: {leaked[0][:300]}"


def check_tool_result(tool: str, result: CallToolResult) -> None:
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert CANARY not in text, f"{tool} repeats caller text: {text[:400]}"
    if not result.is_error:
        return
    for marker in INTERNALS:
        assert marker not in text, f"{tool} error leaks internals ({marker!r}): {text[:400]}"
    # The SDK's message for an unexpected exception is exactly this: it means the tool crashed.
    assert text.strip() != f"Error executing tool {tool}", f"{tool} crashed on its input (see the server log)"
    assert len(text) < 4000


def check_protocol_error(err: MCPError) -> None:
    message = err.error.message
    assert CANARY not in message and CANARY not in json.dumps(err.error.data), f"protocol error repeats: {message}"
    for marker in INTERNALS:
        assert marker not in message, f"protocol error leaks internals: {message[:400]}"


@pytest.fixture(scope="module", params=["legacy", "auto"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    home = tmp_path_factory.mktemp("hostile") / "home"
    old = os.environ.get("FINETUNE_HOME")
    os.environ["FINETUNE_HOME"] = str(home)  # read once, when the server's lifespan opens the store
    log = LogLines()
    root = logging.getLogger()
    root.addHandler(log)
    old_level = root.level
    root.setLevel(logging.DEBUG)
    try:
        with start_blocking_portal() as portal:
            with portal.wrap_async_context_manager(Client(build_server(), mode=request.param)) as client:
                srv = Server(portal, client, home, log)
                srv.alive()
                yield srv
    finally:
        root.removeHandler(log)
        root.setLevel(old_level)
        if old is None:
            os.environ.pop("FINETUNE_HOME", None)
        else:
            os.environ["FINETUNE_HOME"] = old


# -- strategies ---------------------------------------------------------------------------------------
# Every code point, surrogates included: the transport and the store must cope with all of them.
any_text = st.text(st.characters(codec=None, exclude_categories=()), max_size=40)
short_text = st.text(max_size=12)
# Caller text with the canary inside: what a model might pass, a pasted token included.
planted = st.builds(lambda a, b: f"{a}{CANARY}{b}", short_text, short_text)
planted_list = st.lists(planted | any_text, min_size=1, max_size=3)
scalars = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False, allow_infinity=False) | any_text
json_values = st.recursive(
    scalars, lambda inner: st.lists(inner, max_size=4) | st.dictionaries(short_text, inner, max_size=4), max_leaves=10
)
roles = st.sampled_from(["system", "user", "assistant", "tool"]) | short_text
messages = st.lists(
    st.fixed_dictionaries(
        {"role": roles},
        optional={
            "content": any_text | json_values,
            "tool_calls": json_values,
            "tool_call_id": any_text | json_values,
            "name": any_text,
            "weight": st.sampled_from([0, 1, 2, "1"]),
        },
    ),
    max_size=5,
)
collect_args = st.fixed_dictionaries(
    {},
    optional={
        "task_type": any_text | json_values,
        "input": json_values
        | st.fixed_dictionaries({"user": any_text}, optional={"system": any_text, "context": any_text}),
        "output": json_values | st.fixed_dictionaries({"assistant": any_text}),
        "messages": messages | json_values,
        "tools": json_values,
        "quality_score": st.floats() | json_values,
        "quality": st.sampled_from(["high", "medium", "low"]) | json_values,
        "signals": json_values | st.lists(st.sampled_from(["tests_passed", "timeout"]) | any_text, max_size=3),
        "metadata": json_values | st.dictionaries(short_text, json_values, max_size=4),
        "id": any_text | json_values,
        "unexpected": json_values,
    },
)
path_text = st.lists(st.sampled_from(["..", ".", "", "a", "/", "~", "exports", "x.jsonl", "\x00", "/dev/null"])
                     | short_text, min_size=1, max_size=4).map("/".join)
export_args = st.fixed_dictionaries(
    {"dry_run": st.booleans()},
    optional={
        "format": st.sampled_from(["openai", "anthropic", "vertex", "alpaca"]) | any_text | json_values,
        "output": path_text | json_values,
        "task_type": planted_list | json_values,
        "workflow": planted_list | json_values,
        "phase": planted_list | json_values,
        "source": planted_list | json_values,
        "signals": planted_list | json_values,
        "collected_by": planted_list | json_values,
        "tier": planted_list | st.lists(st.sampled_from(["gold", "silver", "bronze"]), max_size=2),
        "min_quality": json_values,
        "since": planted | any_text | json_values,
        "until": planted | any_text,
        "ids": planted_list | json_values,
        "limit": json_values,
        "split": json_values,
        "seed": json_values,
        "fix": json_values,
        "overwrite": st.booleans() | json_values,
        "include_pending": json_values,
    },
)
review_filter = st.fixed_dictionaries(
    {}, optional={"status": st.sampled_from(["pending", "accepted"]) | planted, "task_type": planted,
                  "source": planted, "signal": planted, "min_quality": json_values}
)
review_args = st.fixed_dictionaries(
    {}, optional={"id": planted | any_text | json_values,
                  "action": st.sampled_from(["approve", "reject", "delete"]) | json_values,
                  "filter": review_filter | json_values, "expect": st.integers(-1, 3) | json_values}
)

HYPO = settings(
    # 40 per test keeps the suite quick; HOSTILE_EXAMPLES=400 for a deeper run (passed: 22 tests, 77 s).
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "40")), deadline=None, database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


# -- generated calls ------------------------------------------------------------------------------------
@HYPO
@given(args=collect_args)
def test_collect_example_survives_anything(server: Server, args: dict[str, Any]) -> None:
    result = server.call("collect_example", args)
    if not result.is_error:
        assert result.structured_content is not None
        assert result.structured_content["status"] in get_args(Outcome)


@HYPO
@given(args=export_args)
def test_finetune_export_survives_anything(server: Server, args: dict[str, Any]) -> None:
    server.call("finetune_export", args)


@HYPO
@given(args=review_args, tool=st.sampled_from(TOOLS) | short_text | planted)
@example(args={"id": "\ud800", "action": "approve"}, tool="finetune_review")  # a cut emoji as the id
def test_review_and_unknown_tools_survive_anything(server: Server, args: dict[str, Any], tool: str) -> None:
    server.call("finetune_review", args)
    if tool not in ("collect_example", "finetune_export"):
        server.call(tool, args)


uris = st.one_of(
    st.builds("finetune://examples/{}".format, any_text | planted),
    st.builds("finetune://examples/page/{}".format, any_text | st.integers().map(str)),
    st.builds("finetune://{}".format, short_text),
    st.sampled_from(["finetune://examples", "finetune://stats", "finetune://config", "file:///etc/passwd",
                     "finetune://examples/../../etc/passwd", "finetune://examples/%2e%2e%2fconfig"]),
)


@HYPO
@given(uri=uris)
def test_resources_survive_any_uri(server: Server, uri: str) -> None:
    try:
        server.read(uri)
    except ValueError:
        pass  # the client refused to send a string that is not a URI: nothing reached the server


@HYPO
@given(name=st.sampled_from(PROMPTS) | short_text | planted,
       args=st.dictionaries(short_text | planted, any_text | planted, max_size=3))
def test_prompts_survive_any_arguments(server: Server, name: str, args: dict[str, str]) -> None:
    server.prompt(name, args)


def test_server_still_serves_after_the_onslaught(server: Server) -> None:
    """Runs after the generated tests (same module-scoped server): it still collects and lists."""
    ok = {"input": {"user": "a fresh, valid request after the storm"}, "output": {"assistant": "and its answer"},
          "quality_score": 0.97, "metadata": {"human_approved": True}}
    result = server.call("collect_example", ok)
    assert not result.is_error and result.structured_content is not None
    new_id = result.structured_content["id"]
    assert new_id in server.stored_ids()
    body = server.read(f"finetune://examples/{new_id}")
    assert body is not None and json.loads(body)["id"] == new_id
    server.alive()


# -- specific cases found worth pinning ----------------------------------------------------------------
@pytest.mark.parametrize(
    ("tool", "args"),
    [
        ("collect_example", {"task_type": ["sk-HOSTILEabcdefghijklmnopqrstuvwxyz0123456789"]}),
        ("finetune_review", {"id": {"key": "sk-HOSTILEabcdefghijklmnopqrstuvwxyz0123456789"}, "action": "delete"}),
        ("finetune_export", {"output": ["sk-HOSTILEabcdefghijklmnopqrstuvwxyz0123456789"]}),
        ("finetune_export", {"ids": "sk-HOSTILEabcdefghijklmnopqrstuvwxyz0123456789", "dry_run": True}),
    ],
)
def test_argument_type_errors_name_the_field_not_the_value(server: Server, tool: str, args: dict[str, Any]) -> None:
    """The SDK's own validation message quotes the rejected value: a secret in a wrong-typed field leaked."""
    result = server.call(tool, args)
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error
    assert "HOSTILE" not in text
    assert next(iter(args)) in text  # names the field


FILTERS = ("task_type", "workflow", "phase", "source", "signals", "collected_by", "ids")


@pytest.mark.parametrize("field", FILTERS)
def test_filter_values_are_counted_never_repeated(server: Server, field: str) -> None:
    """A filter that matches nothing explains itself by counts: `task_type (1 given) matched 0`."""
    result = server.call("finetune_export", {"format": "openai", "output": "a.jsonl", field: [CANARY]})
    text = "\n".join(getattr(c, "text", "") for c in result.content)
    assert result.is_error and f"{field} (1 given) matched 0" in text, text[:400]


# -- export paths --------------------------------------------------------------------------------------
def export(server: Server, output: str, **extra: Any) -> tuple[bool, str]:
    result = server.call("finetune_export", {"format": "openai", "output": output, **extra})
    return bool(result.is_error), "\n".join(getattr(c, "text", "") for c in result.content)


def test_export_path_policy(server: Server, tmp_path: Path) -> None:
    ok = {"input": {"user": "an example so exports have content"}, "output": {"assistant": "right"},
          "quality_score": 0.99, "metadata": {"human_approved": True}}
    server.call("collect_example", ok)
    exports = server.home / "exports"
    exports.mkdir(exist_ok=True)
    outside = tmp_path / "outside"
    outside.mkdir()
    (exports / "link-out.jsonl").symlink_to(outside / "target.jsonl")
    (exports / "dir-out").symlink_to(outside, target_is_directory=True)
    (exports / "null.jsonl").symlink_to("/dev/null")
    os.mkfifo(exports / "fifo.jsonl")
    refused = {
        "../escape.jsonl": "'..' is not allowed",
        "sub/../../escape.jsonl": "'..' is not allowed",
        str(outside / "abs.jsonl"): "outside the allowed folders",
        "/etc/finetune.jsonl": "outside the allowed folders",
        "/dev/null": "outside the allowed folders",
        "link-out.jsonl": "outside the allowed folders",
        "dir-out/x.jsonl": "outside the allowed folders",
        "null.jsonl": "outside the allowed folders",
        "fifo.jsonl": "not a regular file",
        "exports/": "names a folder",
    }
    for output, reason in refused.items():
        is_error, text = export(server, output, overwrite=True)
        assert is_error, f"{output!r} was accepted: {text[:200]}"
        assert reason in text, f"{output!r}: {text[:300]}"
    assert list(outside.iterdir()) == []  # nothing was written outside
    # An existing file needs overwrite=true; with it, the file is replaced.
    is_error, text = export(server, "kept.jsonl")
    assert not is_error, text
    before = (exports / "kept.jsonl").read_bytes()
    is_error, text = export(server, "kept.jsonl")
    assert is_error and "already exists" in text and "overwrite" in text
    assert (exports / "kept.jsonl").read_bytes() == before
    is_error, text = export(server, "kept.jsonl", overwrite=True)
    assert not is_error, text
