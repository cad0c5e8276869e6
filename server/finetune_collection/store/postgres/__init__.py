"""The PostgreSQL store: one database shared by a team, behind the same store API.

    connection   opening a connection from a URL; driver failures as our errors (no password shown)
    schema       the tables as numbered migrations, the version table, `upgrade` and `check`
    index        the duplicate index in tables: exact key column, LSH bands, `dedup.bands` verification
    backend      `PgStore`: the `StoreBackend` protocol, with the embedded store's semantics

psycopg is imported inside functions: installs without the `postgresql` extra never load it.
"""

from __future__ import annotations

from .backend import PgStore
from .connection import is_url, redact
from .schema import SCHEMA_VERSION

__all__ = ["SCHEMA_VERSION", "PgStore", "is_url", "redact"]
