"""The bundled skill sends the model to the verbatim record, not to a retelling, where one exists."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from finetune_collection.ingest import note
from finetune_collection.mcp.server import build_server
from mcp import Client

ROOT = Path(__file__).resolve().parents[2]
SKILL = (ROOT / "skills" / "collecting-finetune-examples" / "SKILL.md").read_text(encoding="utf-8")
COLLECT = SKILL[SKILL.index("## Collect an example"):SKILL.index("### Signals")]


@pytest.mark.anyio
async def test_the_skill_uses_from_transcript_as_the_server_names_it() -> None:
    async with Client(build_server(), mode="legacy") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools}
    schema = tools["collect_example"].input_schema["properties"]
    assert schema["from_transcript"]["type"] == "boolean"
    assert "`from_transcript: true`" in COLLECT


def test_the_hook_note_means_do_not_collect_again() -> None:
    """The skill quotes the openings of the notes the hook really writes."""
    row = {"id": "ex_1", "status": "accepted", "duplicate_of": None, "reasons": [], "redactions": {}}
    openings = re.findall(r"starts with `([^`]+)`, `([^`]+)` or `([^`]+)`", COLLECT)
    assert openings, "the skill names the hook's notes"
    notes = [note(row), note({**row, "reasons": ["already_captured"]}), "finetune-collection: nothing captured: …"]
    assert all(n.startswith(o) for n, o in zip(notes, openings[0], strict=True))
    assert "don't collect again" in COLLECT


def test_retelling_is_only_for_hosts_without_a_transcript() -> None:
    first_retelling = COLLECT.index("retell the exchange")
    assert COLLECT.index("**No transcript**") < first_retelling
    assert COLLECT.index("The hook already did it") < COLLECT.index("A host with a transcript") < first_retelling
