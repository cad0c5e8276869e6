"""Capture through the surfaces people use: the hook as Claude Code runs it, `import --from`,
round trips through our own exports, the literal `/finetune` skill and the plugin manifest."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, example, finetune_cmd, npm_bin, run_cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store
from transcript_helpers import SECRET, SESSION, session_with_test_run, transcript


def hook(payload: dict[str, Any], home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FINETUNE_HOME": str(home), "PYTHONPATH": str(ROOT / "server")}
    return subprocess.run([*finetune_cmd(), "capture", "--hook", *args], input=json.dumps(payload),
                          capture_output=True, text=True, env=env, timeout=120)


def payload(path: Path, prompt: str) -> dict[str, Any]:
    return {"session_id": SESSION, "transcript_path": str(path), "cwd": "/home/alice/proj",
            "hook_event_name": "UserPromptSubmit", "permission_mode": "default", "prompt": prompt}


def test_hook_ignores_other_prompts_without_output(finetune_home: Path, tmp_path: Path) -> None:
    proc = hook(payload(transcript(tmp_path / "s.jsonl"), "now refactor the loader"), finetune_home)
    assert (proc.returncode, proc.stdout, proc.stderr) == (0, "", "")
    assert not (finetune_home / "examples.json").exists()  # nothing was even opened


def test_hook_captures_the_last_exchange_verbatim_and_scrubbed(finetune_home: Path, tmp_path: Path) -> None:
    proc = hook(payload(transcript(tmp_path / "s.jsonl"), "Great, save this for training!"), finetune_home)
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)["hookSpecificOutput"]
    assert out["hookEventName"] == "UserPromptSubmit"
    assert "captured the last exchange verbatim" in out["additionalContext"]
    raw = (finetune_home / "examples.json").read_text(encoding="utf-8")
    assert SECRET not in raw and SECRET not in proc.stdout
    # The home path planted in the tool result and the cwd (/home/alice/…) are anonymised to ~/…
    assert "alice" not in raw and "alice" not in proc.stdout
    docs = list(Store(finetune_home, Config()).docs())
    assert len(docs) == 1
    roles = [m["role"] for m in docs[0]["messages"]]
    assert roles == ["user", "assistant", "tool", "assistant"]  # the trigger prompt is not part of it
    assert docs[0]["messages"][0]["content"] == "Check which key the service reads from .env"
    assert docs[0]["metadata"]["human_approved"] is True
    assert docs[0]["metadata"]["source"]["session_id"] == SESSION


def test_hook_with_a_custom_trigger(finetune_home: Path, tmp_path: Path) -> None:
    path = transcript(tmp_path / "s.jsonl")
    assert hook(payload(path, "ship it to the dataset"), finetune_home).stdout == ""
    proc = hook(payload(path, "ship it to the dataset"), finetune_home, "--trigger", "ship it to the dataset")
    assert "additionalContext" in proc.stdout


def test_hook_never_blocks_the_prompt(finetune_home: Path, tmp_path: Path) -> None:
    missing = payload(tmp_path / "gone.jsonl", "save this for training")
    proc = hook(missing, finetune_home)
    assert proc.returncode == 0
    note = json.loads(proc.stdout)["hookSpecificOutput"]["additionalContext"]
    assert note.startswith("finetune-collection: nothing captured") and "Traceback" not in proc.stderr


def test_import_from_claude_code_dry_run_writes_nothing(finetune_home: Path, tmp_path: Path) -> None:
    path = transcript(tmp_path / "s.jsonl")
    proc = run_cli("import", "--from", "claude-code", str(path), "--dry-run", "--approved", "--json",
                   env={"FINETUNE_HOME": str(finetune_home)})
    assert proc.returncode == 0, proc.stderr
    row, summary = [json.loads(x) for x in proc.stdout.splitlines()]
    assert summary["status"] == "summary"
    assert row["line"] == 1 and row["id"] is None and "api_key" in json.dumps(row["redactions"])
    assert len(Store(finetune_home, Config())) == 0


def test_import_options_apply_to_every_example(finetune_home: Path, tmp_path: Path) -> None:
    path = transcript(tmp_path / "s.jsonl")
    proc = run_cli("import", "--from", "claude-code", str(path), "--quality", "high", "--approved",
                   "--task-type", "debugging", "--signal", "tests_passed", env={"FINETUNE_HOME": str(finetune_home)})
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.startswith("imported from 1 file(s), ") and ": accepted 1" in proc.stdout
    (doc,) = Store(finetune_home, Config()).docs()
    assert doc["task_type"] == "debugging" and doc["quality_score"] == 0.95
    assert [s["name"] for s in doc["signals"]] == ["tests_passed"]


@pytest.mark.parametrize("fmt", ["openai", "sharegpt", "hf-messages"])
def test_export_import_export_round_trip_is_identical(fmt: str, tmp_path: Path, config: Config) -> None:
    first, second = tmp_path / "first", tmp_path / "second"
    core = Pipeline(Store(first, config), config)
    for n in range(6):
        assert core.collect(example(n)).status == "accepted"
    env1, env2 = {"FINETUNE_HOME": str(first)}, {"FINETUNE_HOME": str(second)}
    out1, out2 = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert run_cli("export", "--format", fmt, "--output", str(out1), env=env1).returncode == 0
    proc = run_cli("import", "--from", fmt, str(out1), "--quality", "high", "--approved", env=env2)
    assert proc.returncode == 0 and "accepted 6" in proc.stdout, proc.stdout + proc.stderr
    assert run_cli("export", "--format", fmt, "--output", str(out2), env=env2).returncode == 0
    assert sorted(out1.read_text().splitlines()) == sorted(out2.read_text().splitlines())


def test_install_command_writes_the_literal_finetune_skill(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    proc = subprocess.run([*finetune_cmd(), "install-command", "--project"], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    skill = (tmp_path / ".claude" / "skills" / "finetune" / "SKILL.md").read_text()
    assert skill.startswith("---\nname: finetune\n") and "finetune $ARGUMENTS" in skill
    again = subprocess.run([*finetune_cmd(), "install-command", "--project"], cwd=tmp_path, env=env,
                           capture_output=True, text=True, timeout=60)
    assert again.returncode == 1 and "--force" in again.stderr


@pytest.mark.slow
def test_claude_plugin_validate_passes() -> None:
    claude = npm_bin("claude")
    for target in (ROOT, ROOT / ".claude-plugin" / "plugin.json"):
        proc = subprocess.run([str(claude), "plugin", "validate", str(target)], capture_output=True, text=True,
                              timeout=120, env={**os.environ, "HOME": str(ROOT / "tests" / "artifacts")})
        assert proc.returncode == 0, proc.stdout + proc.stderr
        assert "Validation passed" in proc.stdout and "warning" not in proc.stdout.lower()


def test_a_claim_the_record_contradicts_is_dropped_and_named(finetune_home: Path, tmp_path: Path) -> None:
    path = session_with_test_run(tmp_path / "s.jsonl", "..F.F\n2 failed, 3 passed in 0.41s")
    proc = run_cli("import", "--from", "claude-code", str(path), "--signal", "tests_passed", "--approved", "--json",
                   env={"FINETUNE_HOME": str(finetune_home)})
    assert proc.returncode == 0, proc.stderr
    row, _ = [json.loads(x) for x in proc.stdout.splitlines()]
    assert "claim_contradicted:tests_passed" in row["reasons"]
    (doc,) = Store(finetune_home, Config()).docs()
    names = {s["name"]: s for s in doc["signals"]}
    assert "tests_passed" not in names  # never counted, as observed or as a claim
    assert names["errors_occurred"]["observed"] is True and "2 failed" in names["errors_occurred"]["evidence"]


def test_a_passing_run_in_the_record_is_an_observed_signal(finetune_home: Path, tmp_path: Path) -> None:
    path = session_with_test_run(tmp_path / "s.jsonl", ".....\n5 passed in 0.12s")
    proc = hook(payload(path, "save this for training"), finetune_home)
    assert proc.returncode == 0, proc.stderr
    (doc,) = Store(finetune_home, Config()).docs()
    observed = [s["name"] for s in doc["signals"] if s.get("observed")]
    assert "tests_passed" in observed


def test_a_caller_cannot_claim_a_signal_is_observed(pipeline: Pipeline) -> None:
    data = example(7, signals=[{"name": "tests_passed", "observed": True, "where": "tool result 1"}])
    result = pipeline.collect(data)
    (signal,) = pipeline.store.get_doc(result.id or "")["signals"]
    assert signal.get("observed") is None and signal.get("where") is None
