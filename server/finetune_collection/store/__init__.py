"""The store: one append-only log file per data folder with its index file, shared safely by every process.

    api        `Store`: examples, their dedup keys and counters; reads and durable writes
    protocol   `StoreBackend`: what every backend answers (the pipeline and surfaces use only this)
    log        `LogStorage`: opens, locks and appends to the log (append + fdatasync), catches the index up
    record     the log's line format and the one definition of a valid record (loader and repair)
    compaction rewriting the log with only live records, so deleted and edited text leaves it
    recovery   what a crashed writer left (a partial last record, temp files): found by readers, removed by writers
    files      the data folder's files: private folder, regular files only, fsync
    index      the index file beside the log: record offsets, statuses, the duplicate index
    folds      per-block folds kept in a process (stats and readiness after a write read one block)
    lock       the inter-process file lock
    snapshot   a streaming, point-in-time reader for exports (never loads the whole store)
    repair     `finetune repair`: keep what parses, move the damaged file aside
    postgres   `PgStore`: the same API over a PostgreSQL database shared by a team
    migrate    `finetune migrate`: move every example, key and counter from one store to another

`open_store(home, config)` picks the backend: `$FINETUNE_STORE`, else `store.url` in the config,
names a PostgreSQL database; neither, the embedded store in `home`.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..config import Config
from ..errors import ConfigError
from .api import STORE_FILE, Store
from .files import ensure_private_dir
from .protocol import Reader, StoreBackend
from .snapshot import Snapshot

__all__ = ["STORE_FILE", "Reader", "Snapshot", "Store", "StoreBackend", "ensure_private_dir", "open_store", "store_url"]


def store_url(config: Config) -> tuple[str, str] | None:
    """(URL, where it was set) of the configured PostgreSQL store, or None for the embedded one."""
    env = os.environ.get("FINETUNE_STORE", "").strip()
    if env:
        return env, "FINETUNE_STORE"
    if config.store.url:
        return config.store.url, "store.url in the config"
    return None


def open_store(home: Path, config: Config) -> StoreBackend:
    """The configured store: PostgreSQL when a URL is set, else the embedded one in `home`."""
    found = store_url(config)
    if found is None:
        return Store(home, config)
    url, source = found
    from .postgres import PgStore, is_url
    from .postgres.connection import URL_SHAPE

    if not is_url(url):
        # The value is not repeated: it may be a URL with a password in another shape.
        raise ConfigError(
            f"{source}: only PostgreSQL URLs ({URL_SHAPE}) are supported; unset it for the embedded store in "
            "$FINETUNE_HOME"
        )
    return PgStore(url, home, config, source)
