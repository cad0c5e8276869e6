"""`finetune migrate` both ways between the embedded store and PostgreSQL, losing nothing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from test_backends import add, keys, make, near_copy

from conftest import run_cli
from finetune_collection.config import Config
from finetune_collection.store import Store, StoreBackend
from finetune_collection.store.postgres import PgStore


def contents(store: StoreBackend) -> tuple[list[tuple[str, dict[str, Any]]], dict[str, Any], dict[str, int]]:
    with store.stream() as rows:
        docs = list(rows)
    return docs, {i: store.keys_of(i) for i, _ in docs}, store.counter_values()


def seeded(home: Path) -> Store:
    store = Store(home, Config())
    a, b, c = make(1), make(2, status="pending"), make(3, status="rejected")
    add(store, a, b, c)
    better = near_copy(a, "ex_0000000000aa")
    with store.transaction():
        store.replace(a.id, better, keys(better))
        store.bump("rejected:duplicate", 4)
        store.bump("rejected:below_min_quality")
    return store


def test_migrate_round_trips_exactly_and_a_rerun_changes_nothing(finetune_home: Path, pg_empty_url: str,
                                                                  tmp_path: Path) -> None:
    original = seeded(finetune_home)
    before = contents(original)
    original.close()
    there = run_cli("migrate", "--to", pg_empty_url)
    assert there.returncode == 0, there.stderr
    assert "copied 4 example(s)" in there.stdout and "2 counter(s)" in there.stdout
    with PgStore(pg_empty_url, finetune_home, Config()) as pg:
        assert contents(pg) == before
        assert pg.missing_keys() == []
    again = run_cli("migrate", "--to", pg_empty_url)
    assert again.returncode == 0 and "nothing to do" in again.stdout

    back_home = tmp_path / "back"
    back = run_cli("migrate", "--to", str(back_home), env={"FINETUNE_STORE": pg_empty_url})
    assert back.returncode == 0, back.stderr
    returned = Store(back_home, Config())
    assert contents(returned) == before
    assert returned.find_duplicate(keys(make(1, id="ex_0000000000bb"))) is not None
    returned.close()
    again = run_cli("migrate", "--to", str(back_home), env={"FINETUNE_STORE": pg_empty_url})
    assert again.returncode == 0 and "nothing to do" in again.stdout


def test_a_non_empty_target_is_refused_unless_merged(finetune_home: Path, pg_url: str) -> None:
    seeded(finetune_home).close()
    with PgStore(pg_url, finetune_home, Config()) as pg:
        add(pg, make(9), make(1, id="ex_000000000002"))  # one id in common with the source
    refused = run_cli("migrate", "--to", pg_url)
    assert refused.returncode == 1 and "--merge" in refused.stderr
    with PgStore(pg_url, finetune_home, Config()) as pg:
        assert len(pg) == 2
    merged = run_cli("migrate", "--to", pg_url, "--merge")
    assert merged.returncode == 0, merged.stderr
    assert "copied 3 example(s)" in merged.stdout and "skipped 1" in merged.stdout
    with PgStore(pg_url, finetune_home, Config()) as pg:
        assert len(pg) == 5 and pg.counter_values() == {"rejected:duplicate": 4, "rejected:below_min_quality": 1}
    rerun = run_cli("migrate", "--to", pg_url, "--merge")
    assert rerun.returncode == 0 and "copied 0 example(s)" in rerun.stdout
    with PgStore(pg_url, finetune_home, Config()) as pg:
        assert pg.counter_values() == {"rejected:duplicate": 4, "rejected:below_min_quality": 1}
