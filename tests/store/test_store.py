"""The store on a real file: durability format, other processes' appends, locks, corruption."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from filelock import FileLock

from conftest import example
from finetune_collection import curate
from finetune_collection.config import Config, Limits
from finetune_collection.errors import StoreCorrupt, StoreLocked
from finetune_collection.model import Example
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store
from finetune_collection.store.repair import repair_file


def lines(path: Path) -> list[dict[str, object]]:
    return [json.loads(x) for x in path.read_bytes().splitlines()]


def test_insert_appends_one_record_per_table_and_survives_reopen(pipeline: Pipeline, store: Store) -> None:
    result = pipeline.collect(example(1))
    records = lines(store.path)
    assert [(r["op"], r["t"], r["id"]) for r in records] == [("put", "examples", result.id), ("put", "dedup", result.id)]
    reopened = Store(store.home, Config())
    assert reopened.get(result.id or "").output is not None
    assert len(reopened) == 1


def test_a_second_store_sees_appends_from_another_instance(finetune_home: Path) -> None:
    a, b = Store(finetune_home, Config()), Store(finetune_home, Config())
    first = Pipeline(a, Config()).collect(example(1))
    assert first.id in b
    # and b's dedup index knows it: the same example through b is a duplicate
    second = Pipeline(b, Config()).collect(example(1))
    assert second.status == "duplicate" and second.duplicate_of == first.id


def test_update_and_delete_are_single_records_and_are_replayed(pipeline: Pipeline, store: Store) -> None:
    pending = pipeline.collect(example(1, metadata={}))
    assert pending.status == "pending"
    curate.review(pipeline.store, [pending.id or ""], "approve")[0]
    other = pipeline.collect(example(2))
    curate.review(pipeline.store, [other.id or ""], "delete")[0]
    reopened = Store(store.home, Config())
    assert reopened.get(pending.id or "").status == "accepted"
    assert other.id not in reopened
    assert Pipeline(reopened, Config()).store.keys_of(other.id or "") is None


def test_a_torn_last_record_is_ignored_by_readers_and_removed_by_the_next_writer(
        pipeline: Pipeline, store: Store) -> None:
    kept = pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"ex_torn","doc":{"id"')
    before = store.path.read_bytes()
    reopened = Store(store.home, Config())
    assert kept.id in reopened and "ex_torn" not in reopened and len(reopened) == 1
    assert any("partial last record" in m and "next command that writes" in m for m in reopened.recovered)
    assert store.path.read_bytes() == before  # opening and reading never write the log
    Pipeline(reopened, Config()).collect(example(2))
    assert any("removed a partial last record" in m for m in reopened.recovered)
    assert b"ex_torn" not in store.path.read_bytes() and store.path.read_bytes().endswith(b"\n")
    assert len(Store(store.home, Config())) == 2


def test_a_whole_last_record_without_its_newline_is_kept(pipeline: Pipeline, store: Store) -> None:
    """An approval whose line lost its final newline (an editor, a copy) was removed as a "torn
    record ... never acknowledged": the approval was gone, and repair called the file valid."""
    ex = pipeline.collect(example(1)).id or ""
    curate.review(store, [ex], "reject")
    curate.review(store, [ex], "approve")
    data = store.path.read_bytes()
    store.path.write_bytes(data[:-1])  # the approval's line, without its "\n"
    reader = Store(store.home, Config())
    assert reader.get(ex).status == "accepted" and reader.recovered == []
    assert store.path.read_bytes() == data[:-1]
    with reader.snapshot() as snap:  # the export's reader agrees
        assert dict(snap.docs(snap.index()["examples"]))[ex]["status"] == "accepted"
    assert "every record is valid" in repair_file(store.path)
    Pipeline(reader, Config()).collect(example(2))  # the next writer adds the newline first
    again = Store(store.home, Config())
    assert again.get(ex).status == "accepted" and len(again) == 2
    assert store.path.read_bytes().startswith(data)


@pytest.mark.parametrize(
    "content",
    [
        b'{"_default": {"1": {"input": {"user": "hi"}}}}',  # TinyDB's own JSONStorage: no final newline
        b'[{"input": {"user": "hi"}}]',
        b"\xff\xfe\x00 not ours",
    ],
)
def test_a_last_line_that_is_not_our_record_is_never_truncated(finetune_home: Path, content: bytes) -> None:
    """Only the start of one of our records can be a crashed append; anything else is someone's
    data. Truncating it as a 'torn record' emptied the whole file."""
    finetune_home.mkdir()
    path = finetune_home / "examples.json"
    path.write_bytes(content)
    with pytest.raises(StoreCorrupt) as err:
        len(Store(finetune_home, Config()))  # the log is read on first use
    assert "line 1" in str(err.value) and "finetune repair" in str(err.value)
    assert path.read_bytes() == content


def test_after_valid_records_a_foreign_tail_is_an_error_not_a_truncation(pipeline: Pipeline, store: Store) -> None:
    pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(b"hand-typed note without a newline")
    before = store.path.read_bytes()
    with pytest.raises(StoreCorrupt, match="line 3"):
        len(Store(store.home, Config()))  # documents load on first use
    assert store.path.read_bytes() == before


def test_blank_lines_are_not_damage(pipeline: Pipeline, store: Store) -> None:
    kept = pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(b"\n  \n")
    reopened = Store(store.home, Config())
    assert kept.id in reopened
    assert pipeline.collect(example(2)).status == "accepted"
    assert len(Store(store.home, Config())) == 2


def test_a_record_with_a_non_string_id_is_damage(pipeline: Pipeline, store: Store) -> None:
    """An integer id could never be named on the command line (`finetune delete 5` looks for "5")."""
    pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":5,"doc":{}}\n')
    with pytest.raises(StoreCorrupt, match="line 3"):
        len(Store(store.home, Config()))  # documents load on first use
    assert "1 unreadable line(s)" in repair_file(store.path)


def test_leftover_temp_file_from_compaction_is_removed_by_the_next_writer(pipeline: Pipeline, store: Store) -> None:
    tmp = store.path.with_name(store.path.name + ".tmp-123-abc")
    tmp.write_bytes(b"partial")
    reopened = Store(store.home, Config())
    assert tmp.exists() and any("temporary file" in m for m in reopened.recovered)
    Pipeline(reopened, Config()).collect(example(1))
    assert not tmp.exists()
    assert any("removed a temporary file" in m for m in reopened.recovered)


def test_corrupt_line_gives_a_clear_error_and_repair_keeps_valid_records(pipeline: Pipeline, store: Store) -> None:
    good = pipeline.collect(example(1))
    with open(store.path, "ab") as f:
        f.write(b"this is not json\n")
    with pytest.raises(StoreCorrupt) as err:
        len(Store(store.home, Config()))  # documents load on first use
    assert "line 3" in str(err.value) and "finetune repair" in str(err.value)
    report = repair_file(store.path)
    assert "1 unreadable line(s)" in report
    assert good.id in Store(store.home, Config())
    assert list(store.path.parent.glob("examples.json.damaged-*"))


def test_a_held_lock_ends_in_a_clear_retryable_error(finetune_home: Path) -> None:
    config = Config(limits=Limits(lock_timeout=0.3))
    store = Store(finetune_home, config)
    with FileLock(str(store.path) + ".lock"):
        with pytest.raises(StoreLocked) as err:
            Pipeline(store, config).collect(example(1))
    assert "Retry" in str(err.value)
    assert len(Store(finetune_home, Config())) == 0


def test_compaction_rewrites_the_log_when_dead_records_dominate(pipeline: Pipeline, store: Store) -> None:
    ids = [pipeline.collect(example(i, metadata={})).id or "" for i in range(30)]
    for _ in range(40):
        with store.transaction():
            for i in ids:
                ex = store.get(i)
                store.put(ex)
    # 60 live records + 1200 superseded puts: compaction (when the lock is released) kept the
    # file from growing past live + the dead-record allowance.
    after = len(store.path.read_bytes().splitlines())
    assert after < 60 + 1200
    assert after <= 60 + 1000 + 30
    assert sorted(ids) == sorted(d["id"] for d in Store(store.home, Config()).docs())


def test_files_are_private(store: Store) -> None:
    assert oct(store.path.stat().st_mode & 0o777) == "0o600"
    assert oct(store.home.stat().st_mode & 0o777) == "0o700"


def test_lone_surrogates_and_control_characters_are_stored_safely(pipeline: Pipeline, store: Store) -> None:
    result = pipeline.collect(example(1, input={"user": "bad \ud800 surrogate, NUL \x00 and ESC \x1b[31m"}))
    assert result.status == "accepted"
    stored = Store(store.home, Config()).get(result.id or "")
    assert stored.input is not None and "\ufffd" in stored.input.user and "\x00" in stored.input.user
    store.path.read_bytes().decode("utf-8")  # the file stays valid UTF-8


def test_example_round_trips_through_the_file(store: Store, seed_example: dict[str, object]) -> None:
    Pipeline(store, Config()).collect(seed_example)
    doc = lines(store.path)[0]["doc"]
    assert isinstance(doc, dict)
    assert Example.model_validate(doc).id == "ex_12345"
    assert os.path.getsize(store.path) > 0


@pytest.mark.parametrize("value", ['"x"', "[1]", "null", "true"])
def test_a_hand_edited_counter_counts_as_zero(pipeline: Pipeline, store: Store, value: str) -> None:
    """int(\"x\") raised from stats, and a rejection's bump added to the string."""
    with open(store.path, "ab") as f:
        f.write(b'{"op":"put","t":"counters","id":"rejected:below_min_quality","doc":{"n":' + value.encode() + b"}}\n")
    reopened = Store(store.home, Config())
    assert reopened.counter_values() == {"rejected:below_min_quality": 0}
    discard = Config.model_validate({"quality_filters": {"keep_below_threshold": False}})
    result = Pipeline(reopened, discard).collect(example(1, quality_score=0.1, metadata={}))
    assert result.status == "rejected"
    assert Store(store.home, Config()).counter_values() == {"rejected:below_min_quality": 1}


def test_an_id_holding_a_lone_surrogate_is_damage_that_repair_removes(pipeline: Pipeline, store: Store) -> None:
    """The index (SQLite) cannot take such an id: every list and stats died with a
    UnicodeEncodeError traceback, while repair called every record valid."""
    kept = pipeline.collect(example(1)).id or ""
    with open(store.path, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"ex_\\ud800","doc":{}}\n')
    with pytest.raises(StoreCorrupt, match="line 3"):
        len(Store(store.home, Config()))
    assert "1 unreadable line(s) (line 3)" in repair_file(store.path)
    assert Store(store.home, Config()).ids() == [kept]


def test_dedup_keys_holding_a_lone_surrogate_open_and_are_recomputed(pipeline: Pipeline, store: Store) -> None:
    kept = pipeline.collect(example(1)).id or ""
    with open(store.path, "ab") as f:
        f.write(b'{"op":"put","t":"dedup","id":"ex_z","doc":{"exact":"\\ud800"}}\n')
        f.write(b'{"op":"put","t":"examples","id":"ex_y","doc":{"status":"\\udc00"}}\n')
    reopened = Store(store.home, Config())
    assert reopened.ids() == [kept, "ex_y"] and reopened.statuses()["ex_y"] is None
    assert reopened.find_duplicate({"exact": "nothing"}) is None
    assert "every record is valid" in repair_file(store.path)  # the loader agrees: nothing to repair
