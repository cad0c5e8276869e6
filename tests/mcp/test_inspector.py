"""The real MCP Inspector CLI (pinned in package.json) against `finetune serve`."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT, npm_bin

pytestmark = pytest.mark.slow


def inspector(home: Path, *args: str) -> dict[str, object]:
    binary = npm_bin("mcp-inspector")
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    cmd = [str(binary), "--cli", sys.executable, "-m", "finetune_collection", *args]
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=180, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr[-2000:]
    result: dict[str, object] = json.loads(proc.stdout)
    return result


def test_inspector_lists_calls_reads_and_prompts(finetune_home: Path) -> None:
    tools = inspector(finetune_home, "--method", "tools/list")["tools"]
    assert isinstance(tools, list)
    names = {t["name"] for t in tools}
    assert {"collect_example", "finetune_stats", "finetune_export", "finetune_review"} <= names

    called = inspector(
        finetune_home, "--method", "tools/call", "--tool-name", "collect_example",
        "--tool-arg", "task_type=code_generation",
        "--tool-arg", 'input={"user": "Write a haiku about tests, mail me at poet@example.com"}',
        "--tool-arg", 'output={"assistant": "Green bar at midnight"}',
        "--tool-arg", "quality=high",
        "--tool-arg", 'metadata={"human_approved": true}',
    )
    assert called["isError"] is False
    structured = called["structuredContent"]
    assert isinstance(structured, dict)
    assert structured["status"] == "accepted" and structured["redactions"] == {"email": 1}
    assert "poet@example.com" not in json.dumps(called)

    read = inspector(finetune_home, "--method", "resources/read", "--uri", "finetune://examples")
    contents = read["contents"]
    assert isinstance(contents, list)
    listing = json.loads(contents[0]["text"])
    assert listing["total"] == 1 and listing["examples"][0]["id"] == structured["id"]

    prompts = inspector(finetune_home, "--method", "prompts/list")["prompts"]
    assert isinstance(prompts, list)
    assert {"save_for_training", "export_training_data", "finetune_stats"} <= {p["name"] for p in prompts}
