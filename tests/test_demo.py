"""`finetune demo`: the real CLI runs the real server over stdio, and its summary matches the store.

Every check reads the data folder through other commands (`stats --json`, `list --json`) or its
bytes, so the demo's own tally is cross-examined rather than trusted.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

from conftest import run_cli
from finetune_collection.demo import DEMO_FORMATS, load_examples

# The bundled examples carry these on purpose; none may reach the store or an export.
RAW_SECRETS = [
    "sk-DEMOnotARealKey0000aaaa1111bbbb2222cccc",
    "Tr0ub4dor&3-prod",
    "maria.gonzalez@example.com",
    "support@acme-shop.example.org",
    "jan.novak@example.net",
    "ops@example.com",
]


@pytest.fixture(scope="module")
def demo_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    home = tmp_path_factory.mktemp("demo") / "data"
    proc = run_cli("demo", "--home", str(home), "--json", env={"FINETUNE_HOME": ""})
    assert proc.returncode == 0, proc.stderr
    return home, json.loads(proc.stdout)


def cli_json(home: Path, *args: str) -> Any:
    proc = run_cli(*args, env={"FINETUNE_HOME": str(home)})
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


def test_bundled_examples_cover_every_outcome() -> None:
    examples = load_examples()
    assert 18 <= len(examples) <= 25
    expected = Counter(e["expect"] for e in examples)
    for outcome in ("accepted", "pending:pending_approval", "below_threshold:below_min_quality", "duplicate:duplicate",
                    "duplicate:near_duplicate", "accepted:replaced_lower_quality"):
        assert expected[outcome] >= 1, outcome


def test_each_example_meets_its_expectation(demo_run: tuple[Path, dict[str, Any]]) -> None:
    _, summary = demo_run
    for example, outcome in zip(load_examples(), summary["outcomes"], strict=True):
        status, _, reason = example["expect"].partition(":")
        assert outcome["status"] == status, example["label"]
        if reason:
            assert reason in outcome["reasons"], example["label"]


def test_summary_counts_match_the_store(demo_run: tuple[Path, dict[str, Any]]) -> None:
    home, summary = demo_run
    stats = json.loads(cli_json(home, "stats", "--json"))
    expected = {k: summary[k] for k in ("accepted", "pending", "below_threshold", "superseded") if summary[k]}
    assert stats["by_status"] == expected
    assert summary["store"] == stats["by_status"]
    assert stats["rejections"] == {**summary["rejected"], **summary["duplicates"]}
    assert stats["redactions"] == summary["redactions"]
    assert {"email", "api_key", "password"} <= set(summary["redactions"])

    rows = [json.loads(line) for line in cli_json(home, "list", "--json").splitlines()]
    assert Counter(r["status"] for r in rows) == expected
    stored = {o["id"] for o in summary["outcomes"] if o["id"] is not None}
    assert {r["id"] for r in rows} == stored  # a replaced example is kept (superseded), not gone
    replaced = {o["replaced"] for o in summary["outcomes"] if o["replaced"]}
    assert replaced and {r["status"] for r in rows if r["id"] in replaced} == {"superseded"}
    assert summary["collected"] == len(load_examples()) == len(summary["outcomes"])


def test_one_pending_example_was_approved(demo_run: tuple[Path, dict[str, Any]]) -> None:
    home, summary = demo_run
    first_pending = next(o["id"] for o in summary["outcomes"] if o["status"] == "pending")
    assert summary["approved"] == first_pending
    shown = json.loads(cli_json(home, "show", first_pending))
    assert shown["status"] == "accepted" and shown["metadata"]["human_approved"] is True


def test_exports_are_written_and_scrubbed(demo_run: tuple[Path, dict[str, Any]]) -> None:
    home, summary = demo_run
    assert [e["format"] for e in summary["exports"]] == list(DEMO_FORMATS)
    for export in summary["exports"]:
        (path,) = export["paths"]
        lines = Path(path).read_text("utf-8").splitlines()
        assert len(lines) == export["written"] > 0
        assert export["written"] + sum(export["skipped_by_rule"].values()) == summary["accepted"]
        assert Path(path).parent == home / "exports"
    files = [home / "examples.json", *(Path(p) for e in summary["exports"] for p in e["paths"])]
    for file in files:
        data = file.read_bytes()
        for secret in RAW_SECRETS:
            assert secret.encode() not in data, f"{secret[:6]}… leaked into {file.name}"


@pytest.mark.slow  # a second full demo run (CLI + server subprocesses)
def test_default_run_uses_a_fresh_temporary_folder_and_prints_a_summary(tmp_path: Path) -> None:
    proc = run_cli("demo", env={"TMPDIR": str(tmp_path)}, process=True)  # TMPDIR is read once per process
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    for heading in ("accepted", "pending", "rejected", "duplicates", "redactions", "exported", "data folder:"):
        assert heading in out, heading
    folder = Path(next(line for line in out.splitlines() if line.startswith("data folder:")).split(":", 1)[1].strip())
    assert folder.parent == tmp_path and folder.name.startswith("finetune-demo-")
    assert (folder / "examples.json").is_file()
    assert "Processing request" not in out + proc.stderr  # the server's log goes to its file, not the terminal
    assert (folder / "demo-server.log").is_file()
