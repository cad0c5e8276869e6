"""`finetune demo`: drive the real MCP server the way an assistant would, on bundled examples.

The demo is a client, not a shortcut: it starts `python -m finetune_collection` as a subprocess,
speaks MCP over stdio with the handshake real hosts use (`mode="legacy"`, protocol 2025-11-25),
collects the bundled examples with `collect_example`, approves one pending example with
`finetune_review`, exports two formats with `finetune_export`, and reads `finetune_stats`. What it
prints is tallied from the tool results, so a mismatch with the store is a bug somewhere.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path
from typing import Any, TextIO

import anyio
from pydantic import BaseModel, Field

from .errors import FinetuneError

__all__ = [
    "DEMO_FORMATS", "DemoError", "DemoSummary", "ExportSummary", "load_examples", "render", "render_outcome",
    "run_demo",
]

DEMO_FORMATS = ("openai", "anthropic")
SERVER_LOG = "demo-server.log"
# Bounds a hung server; the whole run takes a few seconds.
TIMEOUT_SECONDS = 300


class DemoError(FinetuneError):
    """The demo's server misbehaved: a tool failed or the server could not start."""


class ExportSummary(BaseModel):
    format: str
    written: int
    paths: list[str]
    skipped_by_rule: dict[str, int] = Field(default_factory=dict)


class DemoSummary(BaseModel):
    """What this run did; `store` is what the data folder holds afterwards (from finetune_stats)."""

    home: str
    server_log: str
    collected: int = Field(description="collect_example calls made")
    accepted: int = Field(description="accepted examples from this run still in the store")
    pending: int = Field(description="pending examples from this run still in the store")
    rejected: dict[str, int] = Field(description="not stored, by reason code")
    duplicates: dict[str, int] = Field(description="not stored as (near-)duplicates, by reason code")
    replaced: int = Field(description="stored examples that replaced a lower-quality near-duplicate")
    redactions: dict[str, int] = Field(description="placeholders in the stored examples, by type")
    approved: str | None = Field(description="id approved with finetune_review")
    exports: list[ExportSummary]
    store: dict[str, int] = Field(description="examples in the data folder by status, after the run")
    outcomes: list[dict[str, Any]] = Field(description="per example: label, status, reasons, redactions")


def load_examples() -> list[dict[str, Any]]:
    """The bundled examples: one {"label", "expect", "arguments"} object per line."""
    text = resources.files("finetune_collection").joinpath("data", "demo_examples.jsonl").read_text("utf-8")
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _server_env(home: Path) -> dict[str, str]:
    # The stdio client merges `env` over a minimal environment, not os.environ, so pass it whole:
    # PATH, PYTHONPATH and a venv's variables are what let `python -m finetune_collection` import.
    env = dict(os.environ)
    env["FINETUNE_HOME"] = str(home)
    # A demo should behave the same everywhere: ignore a personal config outside the data folder.
    env.pop("FINETUNE_CONFIG", None)
    return env


@contextmanager
def _log_file(path: Path) -> Iterator[TextIO]:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a", encoding="utf-8") as log:
        yield log


def _structured(result: Any, tool: str) -> dict[str, Any]:
    if result.is_error:
        text = " ".join(getattr(c, "text", "") for c in result.content)
        raise DemoError(f"{tool} failed: {text}")
    data: dict[str, Any] = result.structured_content or {}
    return data


async def _run(home: Path, examples: list[dict[str, Any]], on_outcome: Callable[[dict[str, Any]], None]) -> DemoSummary:
    from mcp.client.stdio import stdio_client

    from mcp import Client, StdioServerParameters

    params = StdioServerParameters(
        command=sys.executable, args=["-m", "finetune_collection"], env=_server_env(home)
    )
    stored: dict[str, dict[str, Any]] = {}  # id -> {"status", "redactions"} of examples this run stored
    rejected: Counter[str] = Counter()
    duplicates: Counter[str] = Counter()
    outcomes: list[dict[str, Any]] = []
    replaced = 0
    with _log_file(home / SERVER_LOG) as log:
        # stdio_client(errlog=...) keeps the server's INFO log out of the demo's output.
        async with Client(stdio_client(params, errlog=log), mode="legacy") as client:
            for item in examples:
                res = _structured(await client.call_tool("collect_example", item["arguments"]), "collect_example")
                outcome = {"label": item["label"], "id": res.get("id"), "status": res["status"],
                           "reasons": res.get("reasons", []), "redactions": res.get("redactions", {}),
                           "duplicate_of": res.get("duplicate_of"), "replaced": res.get("replaced")}
                outcomes.append(outcome)
                on_outcome(outcome)
                if res["status"] == "rejected":
                    rejected.update(res.get("reasons") or ["unknown"])
                elif res["status"] == "duplicate":
                    duplicates.update(r for r in res.get("reasons", []) if r in ("duplicate", "near_duplicate"))
                else:
                    stored[res["id"]] = {"status": res["status"], "redactions": res.get("redactions", {})}
                    if res.get("replaced"):
                        replaced += 1
                        stored.pop(res["replaced"], None)  # replaced in place: no longer in the store

            # A person approves one pending example, as they would after looking at it.
            approved = next((i for i, s in stored.items() if s["status"] == "pending"), None)
            if approved is not None:
                review = _structured(
                    await client.call_tool("finetune_review", {"id": approved, "action": "approve"}), "finetune_review"
                )
                stored[approved]["status"] = review["status"]

            exports = []
            for fmt in DEMO_FORMATS:
                report = _structured(
                    await client.call_tool("finetune_export", {"format": fmt, "output": f"demo-{fmt}.jsonl",
                                                               "overwrite": True}),
                    "finetune_export",
                )
                exports.append(ExportSummary(format=fmt, written=report.get("written", 0),
                                             paths=report.get("paths", []),
                                             skipped_by_rule=report.get("skipped_by_rule", {})))
            stats = _structured(await client.call_tool("finetune_stats", {}), "finetune_stats")

    statuses = Counter(s["status"] for s in stored.values())
    redactions: Counter[str] = Counter()
    for s in stored.values():
        redactions.update(s["redactions"])
    return DemoSummary(
        home=str(home), server_log=str(home / SERVER_LOG), collected=len(examples),
        accepted=statuses["accepted"], pending=statuses["pending"], rejected=dict(rejected),
        duplicates=dict(duplicates), replaced=replaced, redactions=dict(sorted(redactions.items())),
        approved=approved, exports=exports, store=dict(stats.get("by_status", {})), outcomes=outcomes,
    )


def run_demo(home: Path | None = None, on_outcome: Callable[[dict[str, Any]], None] | None = None) -> DemoSummary:
    """Run the demo against a data folder (a fresh temporary one by default; it is kept to look at)."""
    folder = home if home is not None else Path(tempfile.mkdtemp(prefix="finetune-demo-"))
    examples = load_examples()

    async def bounded() -> DemoSummary:
        with anyio.fail_after(TIMEOUT_SECONDS):
            return await _run(folder, examples, on_outcome or (lambda _: None))

    try:
        return anyio.run(bounded)
    except TimeoutError:
        raise DemoError(f"the server did not finish within {TIMEOUT_SECONDS}s; see {folder / SERVER_LOG}") from None
    except DemoError:
        raise
    except Exception as err:  # a failed start surfaces as a transport error (group)
        raise DemoError(f"could not talk to the MCP server ({type(err).__name__}); see {folder / SERVER_LOG}") from err


def render_outcome(outcome: dict[str, Any]) -> str:
    extra = ", ".join(outcome["reasons"])
    if outcome["redactions"]:
        redacted = ", ".join(f"{n} {t}" for t, n in sorted(outcome["redactions"].items()))
        extra = f"{extra}; redacted {redacted}" if extra else f"redacted {redacted}"
    return f"  {outcome['status']:<9} {outcome['label']}" + (f"  ({extra})" if extra else "")


def render(summary: DemoSummary) -> str:
    def counts(c: dict[str, int]) -> str:
        return ", ".join(f"{k} {v}" for k, v in c.items()) or "none"

    lines = [
        f"collected {summary.collected} examples through the MCP server:",
        f"  accepted   {summary.accepted}" + (f" (incl. {summary.approved}, approved with finetune_review)"
                                              if summary.approved else ""),
        f"  pending    {summary.pending} (wait for approval: finetune approve ID)",
        f"  rejected   {sum(summary.rejected.values())} ({counts(summary.rejected)})",
        f"  duplicates {sum(summary.duplicates.values())} ({counts(summary.duplicates)})"
        + (f"; {summary.replaced} replaced a lower-quality near-duplicate" if summary.replaced else ""),
        f"  redactions {counts(summary.redactions)}",
    ]
    for e in summary.exports:
        skipped = f"; skipped {counts(e.skipped_by_rule)}" if e.skipped_by_rule else ""
        lines.append(f"exported {e.written} as {e.format}: {', '.join(e.paths) or '(no file)'}{skipped}")
    lines += [
        f"data folder: {summary.home}",
        f"server log:  {summary.server_log}",
        f"look around: FINETUNE_HOME={summary.home} finetune stats",
    ]
    return "\n".join(lines)
