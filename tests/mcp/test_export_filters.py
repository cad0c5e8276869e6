"""finetune_export's outcome filters and preference options over a real MCP client: the schema
names them, and the written file holds exactly the expected examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import anyio

from finetune_collection.mcp.server import build_server
from mcp import Client

QUESTIONS = {
    "codex_tested": "How do I retry a flaky HTTP call with exponential backoff in Python?",
    "codex_plain": "What does the walrus operator do in a list comprehension?",
    "claude_approved": "Explain why my SQL query with GROUP BY returns fewer rows than expected.",
}


def _example(case_id: str, source: str, approved: bool, signals: list[str]) -> dict[str, Any]:
    return {
        "id": case_id, "task_type": "qa", "quality_score": 0.95, "signals": signals,
        "input": {"user": QUESTIONS[case_id]}, "output": {"assistant": f"The answer for {case_id}, in detail."},
        "metadata": {"source": {"format": source}, "human_approved": approved},
    }


def _users(path: Path) -> set[str]:
    return {next(m["content"] for m in json.loads(x)["messages"] if m["role"] == "user")
            for x in path.read_text(encoding="utf-8").splitlines()}


def test_finetune_export_filters_and_preference_options(finetune_home: Path) -> None:
    async def scenario() -> dict[str, Any]:
        out: dict[str, Any] = {}
        with anyio.fail_after(120):
            async with Client(build_server(), mode="legacy") as client:
                tool = next(t for t in (await client.list_tools()).tools if t.name == "finetune_export")
                out["schema"] = tool.input_schema["properties"]
                for args in (_example("codex_tested", "codex", False, ["tests_passed"]),
                             _example("codex_plain", "codex", True, []),
                             _example("claude_approved", "claude-code", True, ["tests_passed"])):
                    assert not (await client.call_tool("collect_example", args)).is_error
                common = {"format": "openai", "include_pending": True}
                for name, extra in {
                    "source.jsonl": {"source": ["codex"]},
                    "approved.jsonl": {"approved_only": True},
                    "verified.jsonl": {"signals": ["tests_passed"], "approved_only": True},
                }.items():
                    result = await client.call_tool("finetune_export", {**common, "output": name, **extra})
                    assert not result.is_error, result.content
                kto = await client.call_tool("finetune_export", {"format": "trl-kto", "output": "kto.jsonl",
                                                                 "inferred_pairs": False})
                out["kto"] = kto.structured_content
                dry = await client.call_tool("finetune_export", {"format": "trl-kto", "dry_run": True})
                out["dry"] = dry.structured_content
        return out

    got = anyio.run(scenario)
    assert {"source", "approved_only", "inferred_pairs", "signals", "min_quality", "tier"} <= set(got["schema"])
    assert "trl-kto" in got["schema"]["format"]["description"]
    exports = finetune_home / "exports"
    assert _users(exports / "source.jsonl") == {QUESTIONS["codex_tested"], QUESTIONS["codex_plain"]}
    assert _users(exports / "approved.jsonl") == {QUESTIONS["codex_plain"], QUESTIONS["claude_approved"]}
    assert _users(exports / "verified.jsonl") == {QUESTIONS["claude_approved"]}
    # the two approved examples are accepted (the unapproved one waits): two answers labelled true
    assert got["kto"]["preference"] == {"label_true": 2, "label_false": 0, "label_false_inferred": 0}
    assert got["kto"]["records"] == 2 and got["kto"]["inferred_pairs"] == []
    kto_check = next(f for f in got["dry"]["portability"]["formats"] if f["format"] == "trl-kto")
    assert kto_check["preference"]["label_true"] == 2
    assert got["dry"]["portability"]["evidence"]["signals_claimed"] == 1
