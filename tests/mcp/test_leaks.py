"""Secrets never escape: plant one value of every catalog type and look for it everywhere.

The types come from `scrub.catalog.CATALOG` at test time, so a new rule is covered (or this test
fails asking for a sample). Values come from the scrub corpus (`tests/pii/corpus.jsonl`, format-
valid synthetic values in realistic context); a type without a corpus line needs one in FALLBACK.
Every path is exercised: CLI add/import/list/show/stats/export/scrub, MCP collect/stats/export/
resources, and error paths (an invalid example holding a secret must not be echoed), and the
store file, exports, results, stdout/stderr and the server's log lines are searched.
"""

from __future__ import annotations

import json
import logging
import random
from pathlib import Path
from typing import Any

import anyio
import pytest
from click.testing import CliRunner

from conftest import ROOT
from finetune_collection.cli import cli
from finetune_collection.mcp.server import build_server
from finetune_collection.scrub.catalog import CATALOG
from mcp import Client

CORPUS = ROOT / "tests" / "pii" / "corpus.jsonl"
# Types the corpus may lack: (text in context, the value that must disappear). Synthetic values.
FALLBACK: dict[str, tuple[str, str]] = {
    "webhook_url": (
        "notify via https://discord.com/api/webhooks/112233445566778899/Zr4kQ9wXbT2mLp7Vn5cJh8Ys3Df6Ga1U",
        "Zr4kQ9wXbT2mLp7Vn5cJh8Ys3Df6Ga1U",
    ),
    "url_credentials": ("DATABASE_URL=postgres://app_user:Qz8LeakPw7xKd2@db.internal:5432/orders",
                        "Qz8LeakPw7xKd2"),
    "auth_header": ("curl -H 'Authorization: Bearer LeakTok3nAbCdEf123456789xyzQ' https://api.example.com",
                    "LeakTok3nAbCdEf123456789xyzQ"),
    "email": ("write to leak.check@example-mail.org today", "leak.check@example-mail.org"),
    "api_key": ("key sk-LEAKabcdefghijklmnopqrstuvwxyz012345 here", "sk-LEAKabcdefghijklmnopqrstuvwxyz012345"),
    "password": ('db = {"password": "Leak-Pass-9931x"}', "Leak-Pass-9931x"),
}
MIN_VALUE = 8  # shorter values (an IP, a short phone) could occur by chance in ids or numbers


def samples() -> dict[str, tuple[str, str]]:
    by_type: dict[str, tuple[str, str]] = {}
    if CORPUS.exists():
        for line in CORPUS.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            if row.get("kind", "").startswith("negative") or row["type"] in by_type:
                continue
            if isinstance(row.get("value"), str) and len(row["value"]) >= MIN_VALUE:
                by_type[row["type"]] = (row["text"], row["value"])
    for type_, sample in FALLBACK.items():
        by_type.setdefault(type_, sample)
    return by_type


SAMPLES = samples()
CATALOG_TYPES = sorted({rule.type for rule in CATALOG})
TYPES = [t for t in CATALOG_TYPES if t in SAMPLES]  # a gap fails test_every_catalog_type_has_a_sample
WORDS = (
    "alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa "
    "quebec romeo sierra tango uniform victor whiskey xray yankee zulu amber basalt cobalt dune ember"
).split()


def test_every_catalog_type_has_a_sample() -> None:
    missing = [t for t in CATALOG_TYPES if t not in SAMPLES]
    assert not missing, f"add a synthetic sample to FALLBACK (or the corpus) for: {missing}"


def phrase(n: int) -> str:
    """Distinct wording per example (near-duplicate detection ignores numbers-only differences)."""
    return " ".join(random.Random(n).sample(WORDS, 12))


def example_for(n: int, text: str, multi_turn: bool = False) -> dict[str, Any]:
    meta = {"human_approved": True, "note": text, "nested": {"list": [text]}}
    if multi_turn:
        return {"quality_score": 0.97, "metadata": meta, "messages": [
            {"role": "system", "content": f"system {text}"},
            {"role": "user", "content": f"{phrase(n)} {text}"},
            {"role": "assistant", "content": None, "tool_calls": [
                {"id": "c1", "type": "function", "function": {"name": "run", "arguments": {"cmd": text}}}]},
            {"role": "tool", "tool_call_id": "c1", "content": f"output {text}"},
            {"role": "assistant", "content": f"done {phrase(n + 50)} {text}"},
        ]}
    return {"quality_score": 0.97, "metadata": meta,
            "input": {"user": f"{phrase(n)}\n{text}", "context": text, "system": text},
            "output": {"assistant": f"{phrase(n + 50)}\n{text}"}}


def secrets() -> list[str]:
    return [SAMPLES[t][1] for t in TYPES if t in SAMPLES]


def assert_clean(where: str, blob: str) -> None:
    found = [v for v in secrets() if v in blob]
    assert not found, f"{where} contains planted value(s) of type(s) " + ", ".join(
        t for t in TYPES if t in SAMPLES and SAMPLES[t][1] in found
    )


def scan_home(home: Path) -> None:
    for path in home.rglob("*"):
        if path.is_file():
            assert_clean(str(path.relative_to(home)), path.read_bytes().decode("utf-8", "replace"))


def test_cli_paths_never_show_a_secret(finetune_home: Path) -> None:
    runner = CliRunner()
    outputs: list[str] = []

    def run(*args: str, input: str | None = None) -> Any:
        result = runner.invoke(cli, list(args), input=input)
        outputs.append(result.stdout + result.stderr)
        assert "Traceback" not in result.stderr
        return result

    lines = [json.dumps(example_for(i, SAMPLES[t][0], multi_turn=i % 2 == 1)) for i, t in enumerate(TYPES)]
    imported = run("import", "--json", "-", input="\n".join(lines) + "\n")
    rows = [json.loads(x) for x in imported.stdout.splitlines()][:-1]  # the last line is the summary
    assert all(r["status"] == "accepted" for r in rows), [r for r in rows if r["status"] != "accepted"][:3]
    run("add", input=json.dumps(example_for(999, " ".join(SAMPLES[t][0] for t in TYPES))))
    # Error paths: invalid examples holding secrets (bad shape, bad score, unknown signal, too big).
    bad = [
        {"input": {"user": SAMPLES[TYPES[0]][0]}},
        {**example_for(1000, "x"), "quality_score": SAMPLES[TYPES[1]][1]},
        {**example_for(1001, "x"), "signals": [SAMPLES[TYPES[2]][1]]},
        {**example_for(1002, "x"), "task_type": SAMPLES[TYPES[3]][1] * 10},
        {**example_for(1003, "x"), "id": SAMPLES[TYPES[4]][1]},
        {"messages": [{"role": "user", "content": SAMPLES[TYPES[5]][0]}]},
    ]
    errors = run("import", "--json", "-", input="\n".join(json.dumps(b) for b in bad) + "\n")
    assert [json.loads(x)["status"] for x in errors.stdout.splitlines()][:3] == ["invalid"] * 3
    run("add", input=json.dumps(bad[0]))
    run("list", "--json")
    run("list")
    for row in rows:
        run("show", row["id"])
    run("stats", "--json")
    run("stats")
    export = run("export", "--format", "openai", "--output", str(finetune_home / "exports" / "o.jsonl"))
    assert export.exit_code == 0, export.output
    run("export", "--format", "anthropic", "--output", str(finetune_home / "exports" / "a.jsonl"))
    run("scrub", input="\n".join(SAMPLES[t][0] for t in TYPES))
    run("scrub", "--jsonl", input="\n".join(json.dumps({"text": SAMPLES[t][0]}) for t in TYPES))
    for i, output in enumerate(outputs):
        assert_clean(f"CLI output #{i}", output)
    scan_home(finetune_home)


def test_mcp_paths_never_show_a_secret(finetune_home: Path, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    seen: list[str] = []

    def keep(result: Any) -> Any:
        seen.append(json.dumps(result.model_dump(mode="json"), ensure_ascii=False))
        return result

    async def scenario() -> None:
        with anyio.fail_after(120):
            async with Client(build_server(), mode="legacy") as client:
                ids = []
                for i, t in enumerate(TYPES):
                    result = keep(await client.call_tool("collect_example", example_for(i, SAMPLES[t][0], i % 2 == 0)))
                    assert not result.is_error, result.content
                    ids.append(result.structured_content["id"])
                invalid = [
                    {"input": {"user": SAMPLES[TYPES[0]][0]}},
                    {"messages": [{"role": "user", "content": SAMPLES[TYPES[1]][0]}]},
                    {**example_for(2000, "x"), "quality_score": SAMPLES[TYPES[2]][1]},
                    {**example_for(2001, "x"), "signals": {SAMPLES[TYPES[3]][1]: "evidence"}},
                    {**example_for(2002, "x"), "metadata": {"tokens_used": SAMPLES[TYPES[4]][1]}},
                    {"task_type": [SAMPLES[TYPES[5]][1]], "input": {"user": "u"}, "output": {"assistant": "a"}},
                ]
                for args in invalid:
                    assert keep(await client.call_tool("collect_example", args)).is_error
                keep(await client.call_tool("finetune_stats", {}))
                keep(await client.call_tool("finetune_export", {"format": "openai", "dry_run": True}))
                keep(await client.call_tool("finetune_export", {"format": "openai", "output": "m.jsonl"}))
                keep(await client.call_tool("finetune_export", {"format": "sharegpt", "output": "s.jsonl"}))
                for uri in ["finetune://examples", "finetune://stats", "finetune://config",
                            *(f"finetune://examples/{i}" for i in ids)]:
                    keep(await client.read_resource(uri))
                keep(await client.get_prompt("save_for_training", {"task_type": "debugging"}))

    anyio.run(scenario)
    for i, blob in enumerate(seen):
        assert_clean(f"MCP answer #{i}", blob)
    assert_clean("server log", caplog.text)
    scan_home(finetune_home)
