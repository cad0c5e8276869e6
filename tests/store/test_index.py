"""The index file beside the log: start-up reads only what it does not cover, and whatever
happens to it (deleted, damaged, behind, describing a replaced log) the log's content comes back."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from conftest import example
from finetune_collection import curate, reports
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store, catchup, log
from finetune_collection.store.log import index_path


def _seed(home: Path, n: int) -> list[str]:
    core = Pipeline(Store(home, Config()), Config())
    ids = [core.collect(example(i)).id or "" for i in range(n)]
    core.store.close()
    return ids


def _parsed(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Count the log records parsed from now on."""
    seen: list[int] = []
    original = catchup.parse_record

    def counting(line: bytes) -> dict[str, object]:
        seen.append(len(line))
        return original(line)

    monkeypatch.setattr(catchup, "parse_record", counting)
    return seen


def test_opening_reads_only_what_was_appended_since(finetune_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    ids = _seed(finetune_home, 20)
    writer = Pipeline(Store(finetune_home, Config()), Config())
    late = writer.collect(example(99)).id or ""
    # The writer's index is current: a new process parses no record to open, list and count.
    seen = _parsed(monkeypatch)
    reader = Store(finetune_home, Config())
    assert reader.ids() == [*ids, late] and len(reader) == 21 and seen == []
    # Records a writer appended and fdatasync'd before it died, without its index commit: only
    # those are read.
    doc = {**reader.get_doc(ids[0]), "id": "ex_crashed0001"}
    with (finetune_home / "examples.json").open("ab") as f:
        f.write(log.encode({"op": "put", "t": "examples", "id": "ex_crashed0001", "doc": doc}))
        f.write(log.encode({"op": "put", "t": "dedup", "id": "ex_crashed0001", "doc": {"exact": "k"}}))
    seen.clear()
    caught_up = Store(finetune_home, Config())
    assert "ex_crashed0001" in caught_up and len(caught_up) == 22
    assert len(seen) == 2  # those two records, nothing older
    assert caught_up.get_doc("ex_crashed0001")["id"] == "ex_crashed0001"


def test_a_deleted_or_damaged_index_is_rebuilt_from_the_log(finetune_home: Path,
                                                             caplog: pytest.LogCaptureFixture) -> None:
    ids = _seed(finetune_home, 5)
    index_path(finetune_home / "examples.json").unlink()
    rebuilt = Pipeline(Store(finetune_home, Config()), Config())
    assert rebuilt.store.ids() == ids
    assert rebuilt.collect(example(3)).status == "duplicate"  # the duplicate index came back too
    rebuilt.store.close()
    for suffix in ("-wal", "-shm"):
        Path(str(index_path(finetune_home / "examples.json")) + suffix).unlink(missing_ok=True)
    index_path(finetune_home / "examples.json").write_bytes(b"this is not a database" * 100)
    with caplog.at_level(logging.WARNING):
        again = Store(finetune_home, Config())
    assert again.ids() == ids and "rebuilt from the log" in caplog.text


def test_a_replaced_log_is_read_again(finetune_home: Path) -> None:
    """Another process compacts (a new file under the name): offsets move, documents still read."""
    ids = _seed(finetune_home, 6)
    reader = Store(finetune_home, Config())
    assert reader.get_doc(ids[5])["id"] == ids[5]  # the reader holds the old file open now
    writer = Store(finetune_home, Config())
    curate.review(writer, [ids[0], ids[2]], "delete")  # erase: the writer rewrites the file
    assert [d["id"] for d in reader.docs()] == [ids[1], *ids[3:]]
    assert reader.get_doc(ids[5])["id"] == ids[5]


def test_stats_follow_an_edit_after_a_compaction(finetune_home: Path) -> None:
    """Kept values are per document revision; revisions are never reused, compaction or not."""
    ids = _seed(finetune_home, 4)
    core = Pipeline(Store(finetune_home, Config()), Config())
    assert reports.compute(core.store).total == 4
    curate.review(core.store, [ids[3]], "delete")  # compacts
    first = reports.compute(core.store)
    doc = core.store.get(ids[0])
    doc.task_type = "debugging"
    with core.store.transaction():
        core.store.put(doc)
    later = Store(finetune_home, Config())  # another process: only the memos in the file
    assert reports.compute(later).by_task_type.get("debugging") == 1
    assert reports.compute(core.store).by_task_type.get("debugging") == 1
    assert first.total == 3


def test_a_reader_waits_for_an_index_another_process_is_building(finetune_home: Path, tmp_path: Path) -> None:
    """Two commands opening a store whose index covers none of it (new, deleted, replaced log):
    the one that finds the other building the index waits for it instead of showing an empty
    store (`stats` said 0 examples while the other process caught up)."""
    import json
    import sqlite3
    import subprocess
    import time

    from conftest import finetune_cmd

    ids = _seed(tmp_path / "elsewhere", 5)
    Store(finetune_home, Config()).close()  # an index that covers an empty store
    (finetune_home / "examples.json").write_bytes((tmp_path / "elsewhere" / "examples.json").read_bytes())
    builder = sqlite3.connect(index_path(finetune_home / "examples.json"), isolation_level=None)
    builder.execute("BEGIN IMMEDIATE")  # another process catching up, not committed yet
    try:
        reader = subprocess.Popen([*finetune_cmd(), "list", "--json"], stdout=subprocess.PIPE, text=True)
        time.sleep(1.0)
        assert reader.poll() is None  # still waiting for the index
    finally:
        builder.execute("ROLLBACK")
        builder.close()
    out, _ = reader.communicate(timeout=60)
    assert reader.returncode == 0
    assert sorted(json.loads(line)["id"] for line in out.splitlines()) == sorted(ids)
