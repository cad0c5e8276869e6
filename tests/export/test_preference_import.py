"""Preference files back in (capture/preference_files.py): export → import → export gives the same
bytes for each preference format, and a line of an export given to the plain import says which
`--from` reads it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline

TOOLS = [{"type": "function", "function": {"name": "get_weather", "parameters": {
    "type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]


def _seed(home: Path, with_tools: bool) -> None:
    core = Pipeline.open(home, Config())
    try:
        core.collect({"input": {"system": "You debug Python.", "user": "Why does my while loop never end?"},
                      "output": {"assistant": "The counter is never incremented: add `i += 1` at the end."},
                      "rejected": [{"assistant": "Loops sometimes run forever; restart the program."}]},
                     approved=True)
        core.collect({"messages": [{"role": "user", "content": "Name a prime between 10 and 20."},
                                   {"role": "assistant", "content": "12"},
                                   {"role": "user", "content": "12 is not prime. Another one?"},
                                   {"role": "assistant", "content": "13 is prime."}],
                      "rejected": [{"assistant": "15 is prime."}]}, approved=True)
        if with_tools:
            core.collect({"messages": [
                {"role": "user", "content": "Is it raining in Oslo?"},
                {"role": "assistant", "tool_calls": [{"id": "call_r", "type": "function",
                                                      "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}}]},
                {"role": "tool", "tool_call_id": "call_r", "content": "{\"sky\": \"rain\"}"},
                {"role": "assistant", "content": "Yes, it is raining in Oslo."}], "tools": TOOLS,
                "rejected": [{"assistant": "I cannot check the weather."}]}, approved=True)
        # an answer the user turned down that nothing corrected: trl-kto writes it with label false
        core.collect({"input": {"user": "Summarise the design document in one line."},
                      "output": {"assistant": "It is a document."}, "signals": ["user_rejected"]})
    finally:
        core.store.close()


def _run(home: Path, *args: str) -> Any:
    result = CliRunner().invoke(cli, list(args), env={"FINETUNE_HOME": str(home)})
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize("fmt", ["openai-dpo", "trl-preference", "trl-kto", "vertex-preference"])
def test_export_import_export_is_identical(fmt: str, tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _seed(first, with_tools=fmt != "vertex-preference")  # vertex-preference is text only
    out1, out2 = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    _run(first, "export", "--format", fmt, "-o", str(out1))
    assert out1.read_text().count("\n") >= 2
    imported = _run(second, "import", "--from", fmt, str(out1), "--approved")
    assert "invalid" not in imported.output and "skipped" not in imported.output, imported.output
    _run(second, "export", "--format", fmt, "-o", str(out2))
    assert out2.read_bytes() == out1.read_bytes()


def test_kto_label_false_is_never_approved_by_the_import(tmp_path: Path) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    _seed(first, with_tools=False)
    out = tmp_path / "kto.jsonl"
    _run(first, "export", "--format", "trl-kto", "-o", str(out))
    rows = [json.loads(x) for x in _run(second, "import", "--from", "trl-kto", str(out), "--approved",
                                        "--json").output.splitlines()]
    assert [r["status"] for r in rows] == ["accepted", "accepted", "below_threshold", "summary"]
    assert "negative_signal" in rows[2]["reasons"]


@pytest.mark.parametrize(("fmt", "says"), [
    ("openai-dpo", "import it with --from openai-dpo"),
    ("trl-preference", "import it with --from trl-preference"),
    ("trl-kto", "import it with --from trl-kto"),
    ("vertex-preference", "import it with --from vertex-preference"),
    ("sharegpt", "import it with --from sharegpt"),
    ("hf-prompt-completion", "cannot be imported"),
    ("anthropic", "cannot be imported"),
    ("bedrock", "cannot be imported"),
    ("nova", "cannot be imported"),
    ("vertex", "cannot be imported"),
])
def test_an_export_given_to_the_plain_import_names_its_format(fmt: str, says: str, tmp_path: Path) -> None:
    first = tmp_path / "first"
    _seed(first, with_tools=False)
    out = tmp_path / "out.jsonl"
    _run(first, "export", "--format", fmt, "-o", str(out))
    rows = [json.loads(x) for x in _run(tmp_path / "second", "import", "--json", str(out)).output.splitlines()]
    assert rows[0]["status"] == "invalid" and says in rows[0]["reasons"][0]
    assert "Why does" not in rows[0]["reasons"][0] and "prime" not in rows[0]["reasons"][0]  # no caller text
