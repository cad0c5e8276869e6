"""The tables, as numbered migrations, and the version table that says which have run.

`finetune db upgrade` applies the missing ones (`upgrade`); opening a store checks the version
(`check`) and never changes the schema itself: a team's store is upgraded once, on purpose, not by
whichever laptop starts a newer finetune first.

Tables (all prefixed, so the store can share a database with other applications):
    finetune_schema     one row per applied migration
    finetune_examples   one row per example: the JSONB document, the columns listings filter on, a
                        sequence for "oldest first", the dedup keys and the exact key (unique among
                        examples not superseded: two writers can never both store one content)
    finetune_bands      (band, hash, id): the MinHash LSH bands of the near-duplicate index
    finetune_counters   rejection counts by reason
    finetune_meta       the store's id, its change counter (`version()`), the band parameters
    finetune_memo       values derived from a document (stats, readiness) per row version
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ...errors import StoreError

if TYPE_CHECKING:
    import psycopg

# Every write transaction takes this advisory lock first ("finetune" in ASCII): a collect's dedup
# check and insert are atomic across processes and machines, and migrations wait for writers.
LOCK_KEY = 0x66696E6574756E65

MIGRATIONS: dict[int, list[str]] = {
    1: [
        """CREATE TABLE finetune_examples (
            seq bigint GENERATED ALWAYS AS IDENTITY UNIQUE,
            id text PRIMARY KEY,
            doc jsonb NOT NULL,
            status text NOT NULL,
            quality_score double precision,
            task_type text,
            source text,
            created_at timestamptz,
            collected_by text,
            approved_by text,
            exact_key text,
            keys jsonb
        )""",
        "CREATE INDEX finetune_examples_status ON finetune_examples (status, seq)",
        "CREATE INDEX finetune_examples_quality ON finetune_examples (quality_score)",
        "CREATE INDEX finetune_examples_task ON finetune_examples (task_type)",
        "CREATE INDEX finetune_examples_source ON finetune_examples (source)",
        "CREATE INDEX finetune_examples_created ON finetune_examples (created_at)",
        "CREATE INDEX finetune_examples_collected_by ON finetune_examples (collected_by)",
        "CREATE INDEX finetune_examples_approved_by ON finetune_examples (approved_by)",
        "CREATE UNIQUE INDEX finetune_examples_exact ON finetune_examples (exact_key) WHERE status <> 'superseded'",
        "CREATE TABLE finetune_bands (band smallint NOT NULL, hash bigint NOT NULL, id text NOT NULL)",
        "CREATE INDEX finetune_bands_lookup ON finetune_bands (band, hash)",
        "CREATE INDEX finetune_bands_id ON finetune_bands (id)",
        "CREATE TABLE finetune_counters (name text PRIMARY KEY, n bigint NOT NULL)",
        "CREATE TABLE finetune_meta (key text PRIMARY KEY, value text NOT NULL)",
        "INSERT INTO finetune_meta VALUES ('store_id', gen_random_uuid()::text), ('version', '0'), ('bands', '')",
    ],
    2: [
        # What stats and readiness derived from each document, per row version (xmin), so a
        # write costs one document's checks instead of every document's.
        """CREATE TABLE finetune_memo (
            kind text NOT NULL,
            id text NOT NULL,
            rev text NOT NULL,
            data jsonb NOT NULL,
            PRIMARY KEY (kind, id)
        )""",
    ],
}
SCHEMA_VERSION = max(MIGRATIONS)


def current(conn: psycopg.Connection[Any]) -> int:
    """The schema version of the connected database (0: no finetune tables yet)."""
    found = conn.execute("SELECT to_regclass('finetune_schema') IS NOT NULL").fetchone()
    if not found or not found[0]:
        return 0
    row = conn.execute("SELECT coalesce(max(version), 0) FROM finetune_schema").fetchone()
    return int(str(row[0])) if row else 0


def check(conn: psycopg.Connection[Any], location: str) -> None:
    """Refuse a schema this code does not match, saying what to run."""
    version = current(conn)
    if version == SCHEMA_VERSION:
        return
    if version == 0:
        raise StoreError(
            f"{location}: no finetune tables in this database yet; run `finetune db upgrade` to create them"
        )
    if version < SCHEMA_VERSION:
        raise StoreError(
            f"{location}: the store's schema is version {version}, this finetune needs {SCHEMA_VERSION}; "
            "run `finetune db upgrade`"
        )
    raise StoreError(
        f"{location}: the store's schema is version {version}, newer than this finetune understands "
        f"({SCHEMA_VERSION}); upgrade finetune-collection on this machine"
    )


def upgrade(conn: psycopg.Connection[Any], location: str) -> list[int]:
    """Apply the missing migrations, each in its own transaction; the versions applied, in order."""
    applied: list[int] = []
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
        conn.execute(
            "CREATE TABLE IF NOT EXISTS finetune_schema "
            "(version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
        )
    while True:
        with conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            version = current(conn)
            if version > SCHEMA_VERSION:
                check(conn, location)
            if version >= SCHEMA_VERSION:
                return applied
            for statement in MIGRATIONS[version + 1]:
                conn.execute(statement)
            conn.execute("INSERT INTO finetune_schema (version) VALUES (%s)", (version + 1,))
            applied.append(version + 1)
