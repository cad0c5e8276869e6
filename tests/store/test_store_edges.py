"""Store edges: records the loader refuses and repair must drop, special files as the store."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from conftest import example, finetune_cmd
from finetune_collection.config import Config
from finetune_collection.errors import StoreCorrupt, StoreError
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store
from finetune_collection.store.repair import repair_file

# Each line is valid JSON that the loader refuses; repair must drop exactly these.
REFUSED = [
    b'{"op":"put","id":"ex_x","doc":{}}',  # no "t"
    b'{"op":"put","t":5,"id":"ex_x","doc":{}}',  # non-string "t"
    b'{"op":"put","t":"examples","id":"ex_x"}',  # no "doc"
    b'{"op":"put","t":"examples","id":"ex_x","doc":[1]}',  # "doc" not an object
    b'{"op":"put","t":"examples","id":"ex_x","doc":"text"}',
    b'{"op":"put","t":"examples","id":7,"doc":{}}',  # non-string id
    b'{"op":"move","t":"examples","id":"ex_x"}',  # unknown op
    b'{"t":"examples","id":"ex_x"}',  # no op
    b'["op","put"]',  # not an object
    b"12",
]


@pytest.mark.parametrize("line", REFUSED)
def test_repair_drops_every_record_the_loader_refuses(pipeline: Pipeline, store: Store, line: bytes) -> None:
    """Repair used to say 'every record is valid' for these while every command refused to open
    the store and told the user to run repair."""
    kept = pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(line + b"\n")
    with pytest.raises(StoreCorrupt, match="line 3"):
        len(Store(store.home, Config()))
    before = store.path.read_bytes()
    report = repair_file(store.path)
    assert "1 unreadable line(s) (line 3)" in report and "saved as" in report
    reopened = Store(store.home, Config())
    assert kept.id in reopened and len(reopened) == 1
    backups = list(store.path.parent.glob("examples.json.damaged-*"))
    assert len(backups) == 1 and backups[0].read_bytes() == before  # the unreadable line is kept there
    assert str(backups[0]) in report
    # The report never echoes the file's content (paths aside: a temp folder or the backup's
    # random suffix may hold "12").
    assert line.decode() not in report.replace(str(backups[0]), "").replace(str(store.path.parent), "")


def test_repair_of_a_valid_store_changes_nothing(pipeline: Pipeline, store: Store) -> None:
    pipeline.collect(example(1))
    before = store.path.read_bytes()
    assert "every record is valid" in repair_file(store.path)
    assert store.path.read_bytes() == before
    assert not list(store.path.parent.glob("examples.json.damaged-*"))


def test_a_fifo_as_the_store_file_is_refused_at_open(finetune_home: Path) -> None:
    """Reading a FIFO blocks until a writer appears: every command hung forever."""
    finetune_home.mkdir(mode=0o700)
    os.mkfifo(finetune_home / "examples.json")
    with pytest.raises(StoreError) as err:
        Store(finetune_home, Config())
    assert "regular file" in str(err.value) and "named pipe" in str(err.value)
    with pytest.raises(StoreError, match="regular file"):
        repair_file(finetune_home / "examples.json")


@pytest.mark.parametrize("command", [["list"], ["stats"], ["repair"]])
def test_commands_on_a_fifo_store_fail_fast_with_the_reason(finetune_home: Path, command: list[str]) -> None:
    finetune_home.mkdir(mode=0o700)
    os.mkfifo(finetune_home / "examples.json")
    proc = subprocess.run([*finetune_cmd(), *command], capture_output=True, text=True, timeout=60,
                          env={**os.environ, "FINETUNE_HOME": str(finetune_home)})
    assert proc.returncode == 1
    assert "must be a regular file" in proc.stderr and "Traceback" not in proc.stderr


def test_a_folder_as_the_store_file_is_refused_at_open(finetune_home: Path) -> None:
    (finetune_home / "examples.json").mkdir(parents=True)
    with pytest.raises(StoreError, match="regular file, and this is a folder"):
        Store(finetune_home, Config())
