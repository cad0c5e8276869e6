"""What only the PostgreSQL store has: its schema versions, its URL handling, its tables."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from test_backends import add, keys, make, near_copy

from conftest import run_cli
from finetune_collection.config import Config
from finetune_collection.errors import ConfigError, StoreCorrupt, StoreError
from finetune_collection.store import open_store
from finetune_collection.store.postgres import SCHEMA_VERSION, PgStore, redact

PASSWORD = "hunter2-Very-Secret"


def test_location_and_errors_never_show_the_password(finetune_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"postgresql://alice:{PASSWORD}@127.0.0.1:1/finetune?password={PASSWORD}"
    assert PASSWORD not in redact(url) and redact(url).startswith("postgresql://alice@127.0.0.1:1/finetune")
    monkeypatch.setenv("FINETUNE_STORE", url)
    with pytest.raises(StoreError) as err:
        open_store(finetune_home, Config())
    assert PASSWORD not in str(err.value) and "cannot connect" in str(err.value)
    result = run_cli("list")
    assert result.returncode == 1 and PASSWORD not in result.stderr and "Error: cannot connect" in result.stderr


@pytest.mark.parametrize("url", [f"mysql://bob:{PASSWORD}@host/db", f"postgresql://bob:{PASSWORD}@host/db?sslmode=%zz=="])
def test_a_bad_url_is_a_config_error_without_the_password(finetune_home: Path, url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FINETUNE_STORE", url)
    with pytest.raises((ConfigError, StoreError)) as err:
        open_store(finetune_home, Config())
    assert PASSWORD not in str(err.value) and "FINETUNE_STORE" in str(err.value)


def test_store_url_in_the_config_and_the_environment_wins(finetune_home: Path, pg_url: str,
                                                          monkeypatch: pytest.MonkeyPatch) -> None:
    config = Config.model_validate({"store": {"url": pg_url}})
    with open_store(finetune_home, config) as store:  # type: ignore[attr-defined]
        assert isinstance(store, PgStore)
    monkeypatch.setenv("FINETUNE_STORE", "postgresql://nobody@127.0.0.1:1/none")
    with pytest.raises(StoreError, match="127.0.0.1:1"):
        open_store(finetune_home, config)


def test_db_upgrade_creates_then_is_a_no_op(pg_empty_url: str, finetune_home: Path) -> None:
    with pytest.raises(StoreError, match="run `finetune db upgrade`"):
        PgStore(pg_empty_url, finetune_home, Config())
    first = run_cli("db", "upgrade", env={"FINETUNE_STORE": pg_empty_url})
    assert first.returncode == 0, first.stderr
    assert f"applied schema version(s) 1, 2; now at {SCHEMA_VERSION}" in first.stdout
    again = run_cli("db", "upgrade", env={"FINETUNE_STORE": pg_empty_url})
    assert again.returncode == 0 and "nothing to do" in again.stdout
    with psycopg.connect(pg_empty_url) as conn:
        assert conn.execute("SELECT count(*) FROM finetune_schema").fetchone() == (SCHEMA_VERSION,)
    PgStore(pg_empty_url, finetune_home, Config()).close()


def test_db_upgrade_without_a_store_says_what_to_set() -> None:
    result = run_cli("db", "upgrade")
    assert result.returncode == 1 and "FINETUNE_STORE" in result.stderr


def test_an_older_or_newer_schema_is_refused_with_what_to_do(pg_url: str, finetune_home: Path) -> None:
    with psycopg.connect(pg_url, autocommit=True) as conn:  # a store the previous release made
        conn.execute("DROP TABLE finetune_memo")
        conn.execute("DELETE FROM finetune_schema WHERE version = %s", (SCHEMA_VERSION,))
    with pytest.raises(StoreError, match="run `finetune db upgrade`"):
        PgStore(pg_url, finetune_home, Config())
    upgraded = run_cli("db", "upgrade", env={"FINETUNE_STORE": pg_url})
    assert upgraded.returncode == 0 and f"applied schema version(s) {SCHEMA_VERSION}" in upgraded.stdout
    PgStore(pg_url, finetune_home, Config()).close()
    with psycopg.connect(pg_url, autocommit=True) as conn:
        conn.execute("DELETE FROM finetune_schema")
        conn.execute("INSERT INTO finetune_schema (version) VALUES (%s)", (SCHEMA_VERSION + 1,))
    with pytest.raises(StoreError, match="newer than this finetune understands"):
        PgStore(pg_url, finetune_home, Config())


def test_the_exact_key_is_unique_among_live_rows(pg_url: str, finetune_home: Path) -> None:
    with PgStore(pg_url, finetune_home, Config()) as store:
        a = make(1)
        add(store, a)
    with psycopg.connect(pg_url) as conn, pytest.raises(psycopg.errors.UniqueViolation):
        conn.execute("INSERT INTO finetune_examples (id, doc, status, exact_key) VALUES ('x', '{}', 'accepted', %s)",
                     (keys(a)["exact"],))


def test_a_settings_change_rebands_from_the_stored_signatures(pg_url: str, finetune_home: Path) -> None:
    a = make(1)
    with PgStore(pg_url, finetune_home, Config()) as store:
        add(store, a)
    stricter = Config.model_validate({"dedup": {"threshold": 0.8}})
    with PgStore(pg_url, finetune_home, stricter) as store:
        probe = near_copy(a, "ex_0000000000aa")
        match = store.find_duplicate(keys(probe, stricter))
        assert match is not None and match.id == a.id  # found through bands made with 0.8's split
        with psycopg.connect(pg_url) as conn:
            tag = conn.execute("SELECT value FROM finetune_meta WHERE key = 'bands'").fetchone()
            bands = conn.execute("SELECT count(*) FROM finetune_bands").fetchone()
        from finetune_collection.dedup.near import lsh_params

        b, r = lsh_params(0.8, 128)
        assert tag is not None and tag[0].endswith(f"/{b}x{r}") and bands == (b,)


def test_a_document_that_no_longer_fits_is_store_corrupt(pg_url: str, finetune_home: Path) -> None:
    with PgStore(pg_url, finetune_home, Config()) as store:
        a = make(1)
        add(store, a)
        with psycopg.connect(pg_url, autocommit=True) as conn:
            conn.execute("UPDATE finetune_examples SET doc = doc - 'task_type'")
        with pytest.raises(StoreCorrupt, match=f"finetune delete {a.id}"):
            store.get(a.id)


def test_a_delete_removes_the_rows(pg_url: str, finetune_home: Path) -> None:
    with PgStore(pg_url, finetune_home, Config()) as store:
        a = make(1)
        add(store, a)
        with store.transaction():
            store.remove(a.id)
    with psycopg.connect(pg_url) as conn:
        assert conn.execute("SELECT count(*) FROM finetune_examples").fetchone() == (0,)
        assert conn.execute("SELECT count(*) FROM finetune_bands").fetchone() == (0,)
