"""Names the server does not serve (a tool, a prompt, a method) get fixed answers and one log line
without the name: a model can paste anything into a name, a token included."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import anyio
import pytest
from mcp.shared.exceptions import MCPError
from test_stdio_edges import handshake, receive, request, send, server

from finetune_collection.mcp.server import NO_METHOD, NO_PROMPT, NO_RESOURCE, NO_TOOL, build_server
from mcp import Client

TOKEN = "ghp_9382dffx1kVZQ2tqMnMcLRkBOzZU3G8xI7CG"


def test_unknown_tool_and_prompt_answer_without_the_name(
    finetune_home: Path, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> tuple[str, list[str]]:
        with anyio.fail_after(60):
            async with Client(build_server(), mode="legacy") as client:
                result = await client.call_tool(TOKEN, {"x": TOKEN})
                assert result.is_error
                text = "\n".join(getattr(c, "text", "") for c in result.content)
                messages = []
                # A key shaped like pydantic's own union labels (`list[str]`) is still the caller's.
                for name, args in ((TOKEN, {}), ("save_for_training", {TOKEN: TOKEN}),
                                   ("save_for_training", {f"list[{TOKEN}": "x"})):
                    with pytest.raises(MCPError) as err:
                        await client.get_prompt(name, args)
                    messages.append(f"{err.value.error.code} {err.value.error.message} {err.value.error.data}")
                bad_args = await client.call_tool("finetune_review", {"action": "approve", "filter": {TOKEN: 1}})
                assert bad_args.is_error
                messages.append("\n".join(getattr(c, "text", "") for c in bad_args.content))
                return text, messages

    text, (prompt, prompt_args, label_key, review_args) = anyio.run(scenario)
    assert text == NO_TOOL
    assert prompt == f"-32602 {NO_PROMPT} None"
    assert prompt_args.startswith("-32602 prompt save_for_training: (unknown key)")
    assert "filter.(unknown key)" in review_args
    assert label_key.startswith("-32602 prompt save_for_training: (unknown key)")
    for blob in (text, prompt, prompt_args, label_key, review_args, caplog.text):
        assert TOKEN not in blob
    assert "Traceback" not in caplog.text and not any(r.exc_info for r in caplog.records)
    assert "refused a call to a tool this server does not have" in caplog.text
    assert "refused a request for a prompt this server does not have" in caplog.text


@pytest.mark.slow
def test_unknown_method_over_stdio_answers_without_the_name(finetune_home: Path) -> None:
    proc = server(finetune_home)
    try:
        handshake(proc)
        send(proc, request(1, TOKEN, "{}"))
        send(proc, request(2, "prompts/get", json.dumps({"name": TOKEN})))
        send(proc, request(3, "tools/call", json.dumps({"name": TOKEN, "arguments": {}})))
        answers = {a["id"]: a for a in (receive(proc) for _ in range(3))}
    finally:
        out, err = proc.communicate(timeout=60)
    assert answers[1]["error"] == {"code": -32601, "message": NO_METHOD}
    assert answers[2]["error"] == {"code": -32602, "message": NO_PROMPT}
    assert answers[3]["result"]["isError"] and answers[3]["result"]["content"][0]["text"] == NO_TOOL
    log = err.decode()
    assert TOKEN not in log and TOKEN not in out.decode() and "Traceback" not in log
    for line in ("a method this server does not serve", "a prompt this server does not have",
                 "a tool this server does not have"):
        assert sum(line in x for x in log.splitlines()) == 1, log


def test_resource_refusals_carry_no_uri(finetune_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)

    async def scenario() -> list[tuple[int, str, object]]:
        out = []
        with anyio.fail_after(60):
            async with Client(build_server(), mode="legacy") as client:
                for uri in (f"finetune://{TOKEN}", f"finetune://examples/{TOKEN}", f"finetune://examples/page/{TOKEN}"):
                    with pytest.raises(MCPError) as err:
                        await client.read_resource(uri)
                    out.append((err.value.error.code, err.value.error.message, err.value.error.data))
        return out

    (unknown, example, page) = anyio.run(scenario)
    assert unknown == (-32602, NO_RESOURCE, None)
    assert example[0] == -32602 and "not an id this store uses" in example[1] and example[2] is None
    assert page == (-32602, "page must be a positive number", None)
    assert TOKEN not in caplog.text
