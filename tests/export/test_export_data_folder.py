"""No export replaces the data folder's own files: only its exports/ folder takes exports, by any
name (absolute, a symlink, a hard link), from the CLI (in-process, click's CliRunner) as from MCP
(tests/mcp/test_export_targets.py drives the real servers)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from finetune_collection.cli import cli
from finetune_collection.errors import ExportError
from finetune_collection.export.target import refuse_data_folder, resolve_output

CONFIG = "limits:\n  lock_timeout: 10\n"


def run_cli(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def filled(finetune_home: Path) -> Path:
    """A data folder with a config, a tokens file, one accepted example and its index."""
    finetune_home.mkdir(parents=True, exist_ok=True)
    (finetune_home / "config.yaml").write_text(CONFIG)
    assert run_cli("token", "add", "eve").exit_code == 0
    added = run_cli("add", "--user", "q", "--assistant", "a", "--quality", "high", "--approved")
    assert added.exit_code == 0, added.stderr
    assert run_cli("stats").exit_code == 0
    (finetune_home / "exports").mkdir(exist_ok=True)
    return finetune_home


def own(home: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in home.iterdir() if p.is_file() and not p.name.startswith("examples.index")}


@pytest.mark.parametrize("name", ["tokens.json", "config.yaml", "examples.json", "examples.json.lock",
                                  "examples.index.sqlite", "examples.index.sqlite-wal", "new.jsonl"])
def test_cli_export_into_the_data_folder_is_refused(filled: Path, name: str) -> None:
    before = own(filled)
    proc = run_cli("export", "--output", str(filled / name), "--overwrite")
    assert proc.exit_code == 1 and "inside the data folder" in proc.stderr, proc.stderr
    assert own(filled) == before and not (filled / "new.jsonl").exists()
    assert (filled / "examples.index.sqlite").read_bytes().startswith(b"SQLite format 3\x00")


def test_cli_export_through_links_in_the_exports_folder_is_refused(filled: Path) -> None:
    exports = filled / "exports"
    (exports / "tok.jsonl").symlink_to(filled / "tokens.json")
    (exports / "up").symlink_to(filled, target_is_directory=True)
    os.link(filled / "config.yaml", exports / "hard.jsonl")
    before = own(filled)
    for output, reason in [("tok.jsonl", "inside the data folder"), ("up/config.yaml", "inside the data folder"),
                           ("hard.jsonl", "hard link")]:
        proc = run_cli("export", "--output", str(exports / output), "--overwrite")
        assert proc.exit_code == 1 and reason in proc.stderr, (output, proc.stderr)
    assert own(filled) == before and (exports / "tok.jsonl").is_symlink()
    assert (exports / "hard.jsonl").read_bytes() == CONFIG.encode()


def test_cli_export_of_a_dataset_folder_into_the_data_folder_is_refused(filled: Path) -> None:
    proc = run_cli("export", "--format", "hf-dataset", "--output", str(filled / "ds"))
    assert proc.exit_code == 1 and "inside the data folder" in proc.stderr, proc.stderr
    assert not (filled / "ds").exists()
    ok = run_cli("export", "--format", "hf-dataset", "--output", str(filled / "exports" / "ds"))
    assert ok.exit_code == 0, ok.stderr


def test_the_exports_folder_and_elsewhere_still_take_exports(filled: Path, tmp_path: Path) -> None:
    for target in (filled / "exports" / "fine.jsonl", tmp_path / "elsewhere.jsonl"):
        ok = run_cli("export", "--output", str(target))
        assert ok.exit_code == 0 and target.exists(), ok.stderr
    again = run_cli("export", "--output", str(tmp_path / "elsewhere.jsonl"))
    assert again.exit_code == 1 and "file exists" in again.stderr  # overwrite semantics unchanged
    assert run_cli("export", "--output", str(tmp_path / "elsewhere.jsonl"), "--overwrite").exit_code == 0


def test_an_exports_folder_linked_back_to_the_data_folder_opens_nothing(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    (home / "tokens.json").write_text("{}")
    (home / "exports").symlink_to(".", target_is_directory=True)
    with pytest.raises(ExportError, match="inside the data folder"):
        refuse_data_folder(home / "exports" / "tokens.json", home)
    with pytest.raises(ExportError, match="inside the data folder"):
        resolve_output("tokens.json", home, overwrite=True)


def test_a_config_or_tokens_file_kept_elsewhere_and_its_companions_are_protected(tmp_path: Path) -> None:
    home, shared = tmp_path / "home", tmp_path / "srv"
    home.mkdir()
    shared.mkdir()
    tokens = shared / "tokens.json"
    tokens.write_text("{}")
    for name in ("tokens.json", "tokens.json.lock", "tokens.json.state-key"):
        with pytest.raises(ExportError, match="the config or the tokens file"):
            resolve_output(str(shared / name), home, roots=[shared], overwrite=True, protected=[tokens])
    assert resolve_output(str(shared / "data.jsonl"), home, roots=[shared], protected=[tokens]) == shared / "data.jsonl"


def test_refusals_never_repeat_the_callers_path(tmp_path: Path) -> None:
    home = tmp_path / "home-SECRET"
    home.mkdir()
    (home / "tokens.json").write_text("{}")
    for output, kwargs in [(str(home / "tokens.json"), {"roots": [tmp_path]}),
                           (str(home / "tokens.json"), {"remote": True}),
                           ("~/x.jsonl", {"remote": True})]:
        with pytest.raises(ExportError) as caught:
            resolve_output(output, home, overwrite=True, **kwargs)  # type: ignore[arg-type]
        message = str(caught.value)
        assert message.startswith("output") and "SECRET" not in message and "x.jsonl" not in message


def test_a_cli_export_cannot_replace_a_tokens_file_kept_elsewhere(finetune_home: Path, tmp_path: Path) -> None:
    """`server.tokens_file` outside the data folder (a team's shared file): the CLI's export
    replaced it, and every server reading it refused every token."""
    shared = tmp_path / "srv"
    shared.mkdir()
    finetune_home.mkdir(parents=True, exist_ok=True)
    (finetune_home / "config.yaml").write_text(f"server:\n  tokens_file: {shared / 'tokens.json'}\n")
    assert run_cli("token", "add", "alice").exit_code == 0
    assert run_cli("add", "--user", "q", "--assistant", "a", "--quality", "high", "--approved").exit_code == 0
    before = {p.name: p.read_bytes() for p in shared.iterdir()}
    for name in ("tokens.json", "tokens.json.state-key", "tokens.json.lock"):
        result = run_cli("export", "--format", "openai", "--output", str(shared / name), "--overwrite")
        assert result.exit_code == 1 and "the config or the tokens file" in result.stderr
    assert {p.name: p.read_bytes() for p in shared.iterdir()} == before
    assert "alice" in run_cli("token", "list").stdout


def test_a_license_is_taken_in_any_case_and_a_bad_one_is_named_not_repeated(finetune_home: Path,
                                                                             tmp_path: Path) -> None:
    """`--license MIT` (the help's "e.g. mit") gave a traceback; the error echoed the value."""
    assert run_cli("add", "--user", "q", "--assistant", "a", "--quality", "high", "--approved").exit_code == 0
    good = run_cli("export", "--format", "hf-dataset", "--license", "MIT", "--output", str(tmp_path / "ds"))
    assert good.exit_code == 0 and "license: mit" in (tmp_path / "ds" / "README.md").read_text()
    bad = run_cli("export", "--format", "hf-dataset", "--license", "ghp CANARY!", "--output", str(tmp_path / "d2"))
    assert bad.exit_code == 2 and "license:" in bad.stderr and "CANARY" not in bad.stderr


def test_importing_a_missing_file_or_a_folder_says_so_without_a_traceback(finetune_home: Path, tmp_path: Path) -> None:
    for path in (tmp_path / "nope-SECRET.jsonl", tmp_path):
        result = run_cli("import", str(path))
        assert result.exit_code == 2 and "cannot be read" in result.stderr and "SECRET" not in result.stderr
        assert result.exception is None or isinstance(result.exception, SystemExit)


@pytest.mark.parametrize("name", ["\n", " ", "évil\u202elmth.jsonl", "a\tb.jsonl", " lead.jsonl", "trail.jsonl ",
                                  "zero\u200bwidth.jsonl"])
def test_names_a_listing_cannot_show_are_refused(tmp_path: Path, name: str) -> None:
    with pytest.raises(ExportError, match="without control or direction characters"):
        resolve_output(name, tmp_path / "home", remote=True)
