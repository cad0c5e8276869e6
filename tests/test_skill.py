"""skills/collecting-finetune-examples: valid per `agentskills validate` and per the rules it must meet.

`agentskills` comes from the PyPI package skills-ref (in the test extras, which `make test`
installs); the tests install nothing and skip, saying so, when it is missing.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from finetune_collection.config import SEED_NEGATIVE, SEED_POSITIVE
from finetune_collection.mcp.server import build_server
from mcp import Client

ROOT = Path(__file__).resolve().parents[1]
NAME = "collecting-finetune-examples"
SKILL_DIR = ROOT / "skills" / NAME
SKILL = SKILL_DIR / "SKILL.md"
SERVER = "finetune-collection"


def split() -> tuple[dict[str, Any], str]:
    text = SKILL.read_text("utf-8")
    match = re.match(r"^---\n(.*?)\n---\n(.*)$", text, re.S)
    assert match, "SKILL.md must start with YAML frontmatter between --- lines"
    front: dict[str, Any] = yaml.safe_load(match.group(1))
    return front, match.group(2)


def agentskills() -> str:
    exe = shutil.which("agentskills", path=str(Path(sys.executable).parent)) or shutil.which("agentskills")
    if exe is None:
        pytest.skip("agentskills is not installed: install the test extras (skills-ref; `make test` does)")
    return exe


def test_agentskills_validate_passes() -> None:
    proc = subprocess.run([agentskills(), "validate", str(SKILL_DIR)], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "Valid skill" in proc.stdout


def test_agentskills_validate_is_strict(tmp_path: Path) -> None:
    """The pass above means something: a folder whose name differs from `name` is rejected."""
    other = tmp_path / "other-name"
    shutil.copytree(SKILL_DIR, other)
    proc = subprocess.run([agentskills(), "validate", str(other)], capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0


def test_name_rules() -> None:
    front, _ = split()
    name = front["name"]
    assert name == SKILL_DIR.name == NAME
    assert 1 <= len(name) <= 64
    assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", name), "lowercase letters, digits, single inner hyphens"
    assert "claude" not in name and "anthropic" not in name


def test_description_says_what_and_when_with_the_seed_triggers() -> None:
    front, _ = split()
    description = front["description"]
    assert 1 <= len(description) <= 1024
    assert not re.search(r"<[^>]+>", front["name"] + description), "no XML tags in name or description"
    assert "Use when" in description
    for trigger in ("collect example", "save for training", "export training data"):
        assert trigger in description, trigger
    assert set(front) <= {"name", "description", "license", "compatibility", "metadata", "allowed-tools"}


def test_body_teaches_honest_signals_approval_scores_and_export() -> None:
    _, body = split()
    assert len(body.splitlines()) < 500
    for signal in SEED_POSITIVE + SEED_NEGATIVE:
        assert f"`{signal}`" in body, signal
    assert "evidence" in body
    assert "never invent" in body.lower()
    assert "human_approved" in body and "explicitly approved" in body
    assert "dry_run" in body
    for reason in ("below_min_quality", "duplicate", "near_duplicate", "pending_approval"):
        assert f"`{reason}`" in body, reason


@pytest.mark.anyio
async def test_tools_are_named_qualified_and_exist_on_the_server() -> None:
    _, body = split()
    async with Client(build_server(), mode="legacy") as client:
        tools = {t.name for t in (await client.list_tools()).tools}
    qualified = set(re.findall(rf"`{SERVER}:([a-z_]+)`", body))
    assert {"collect_example", "finetune_export", "finetune_stats", "finetune_review"} <= qualified
    assert qualified <= tools, f"the skill names tools the server lacks: {qualified - tools}"
    assert f"mcp__{SERVER}__collect_example" in body  # Claude Code's form, for permission rules
    # No bare tool call instructions that a multi-server host might resolve to another server.
    for name in qualified:
        assert not re.search(rf"Call `{name}`", body), name


def test_references_are_one_level_deep_and_exist() -> None:
    _, body = split()
    for link in re.findall(r"\]\(([^)#]+)\)", body):
        assert not link.startswith(("http:", "https:")), link
        assert len(Path(link).parts) <= 2, link
        assert (SKILL_DIR / link).is_file(), link
