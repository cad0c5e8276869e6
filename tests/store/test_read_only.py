"""A data folder this process cannot write (a read-only mount, a backup, another user's folder):
reading commands work and change no byte; commands that write say why they cannot."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import example
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store


def _seed(home: Path) -> list[str]:
    core = Pipeline(Store(home, Config()), Config())
    ids = [core.collect(example(n)).id or "" for n in range(3)]
    core.store.close()
    return ids


@contextlib.contextmanager
def read_only(folder: Path) -> Iterator[Path]:
    """`folder` as this process cannot write it: a read-only bind mount for root (who ignores
    permissions), file modes otherwise."""
    if os.geteuid() != 0:
        modes = {p: p.stat().st_mode for p in [folder, *folder.iterdir()]}
        for p in modes:
            p.chmod(0o500 if p.is_dir() else 0o400)
        try:
            yield folder
        finally:
            for p, mode in modes.items():
                p.chmod(mode)
        return
    view = folder.with_name(folder.name + "-ro")
    view.mkdir()
    if subprocess.run(["mount", "--bind", str(folder), str(view)], capture_output=True).returncode != 0:
        view.rmdir()
        pytest.skip("cannot bind-mount here; run without root to test with file modes")
    try:
        if subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True).returncode != 0:
            pytest.skip("cannot remount read-only here")
        yield view
    finally:
        subprocess.run(["umount", "-l", str(view)], capture_output=True)
        with contextlib.suppress(OSError):
            view.rmdir()


def _bytes(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir()) if p.is_file()}


def test_a_read_only_data_folder_can_be_listed_shown_counted_exported_and_checked(
        finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seed(finetune_home)
    # What a crash or an older writer can leave: an index behind the log and a partial last record.
    (finetune_home / "examples.index.sqlite").unlink()
    with open(finetune_home / "examples.json", "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"ex_torn","doc":{"id"')
    before = _bytes(finetune_home)
    out = tmp_path / "out"
    out.mkdir()
    with read_only(finetune_home) as home:
        monkeypatch.setenv("FINETUNE_HOME", str(home))
        runner = CliRunner()
        listed = runner.invoke(cli, ["list", "--json"])
        assert listed.exit_code == 0, listed.output
        assert "read-only" in listed.stderr and listed.stderr.count("read-only") == 1  # said once
        assert sorted(line.split('"id": "')[1][:15] for line in listed.stdout.splitlines()) == sorted(ids)
        for args in (["stats"], ["show", ids[1]],
                     ["export", "--format", "openai", "--output", str(out / "train.jsonl")]):
            result = runner.invoke(cli, args)
            assert result.exit_code == 0, (args, result.output)
            assert "Traceback" not in result.output and "Free disk space" not in result.output
        assert (out / "train.jsonl").read_text().count("\n") == 3
        refused = runner.invoke(cli, ["approve", ids[0]])
        assert refused.exit_code == 1 and "read-only" in refused.stderr and "Traceback" not in refused.output
        assert _bytes(home) == before
    assert _bytes(finetune_home) == before  # not a byte changed, not a file added


def test_a_read_only_folder_whose_dedup_keys_are_stale_still_opens_the_core(
        finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Other dedup settings make every stored key stale. Opening the core recomputes and stores
    them, which a read-only folder cannot: the core (the MCP server, `finetune dedup`) used to
    fail to open. Now it opens without them, and whole-store questions compute them in memory."""
    _seed(finetune_home)
    config = tmp_path / "config.yaml"
    config.write_text("dedup:\n  num_perm: 64\n")
    monkeypatch.setenv("FINETUNE_CONFIG", str(config))
    before = _bytes(finetune_home)
    with read_only(finetune_home) as home:
        monkeypatch.setenv("FINETUNE_HOME", str(home))
        result = CliRunner().invoke(cli, ["dedup", "--json"])
        assert result.exit_code == 0, result.output
        assert '"examples": 3' in result.stdout and "Traceback" not in result.output
        refused = CliRunner().invoke(cli, ["add", "--user", "a question", "--assistant", "an answer"])
        assert refused.exit_code == 1 and "read-only" in refused.stderr
        assert _bytes(home) == before
    assert _bytes(finetune_home) == before


def test_repair_of_a_damaged_read_only_folder_says_it_cannot_write(finetune_home: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    _seed(finetune_home)
    with open(finetune_home / "examples.json", "ab") as f:
        f.write(b"not a record\n")
    before = _bytes(finetune_home)
    with read_only(finetune_home) as home:
        monkeypatch.setenv("FINETUNE_HOME", str(home))
        result = CliRunner().invoke(cli, ["repair"])
        assert result.exit_code == 1 and "cannot be written" in result.stderr, result.output
        assert "Traceback" not in result.output
    assert _bytes(finetune_home) == before


def test_opening_and_reading_a_store_never_writes_the_log(finetune_home: Path) -> None:
    """Opening used to take the lock and truncate a torn last line: a reader changed the log."""
    _seed(finetune_home)
    log = finetune_home / "examples.json"
    with open(log, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"ex_torn","doc":{"id"')
    before = log.read_bytes()
    store = Store(finetune_home, Config())
    assert len(store) == 3 and len(list(store.docs())) == 3
    store.close()
    assert log.read_bytes() == before
    shutil.rmtree(finetune_home / "exports", ignore_errors=True)
