"""The store: one append-only log file per data folder with its index file, shared safely by every process.

    api        `Store`: examples, their dedup keys and counters; reads and durable writes
    protocol   `StoreBackend`: what every backend answers (the pipeline and surfaces use only this)
    log        `LogStorage`: the record format, append + fdatasync, catch-up, compaction, recovery
    index      the index file beside the log: record offsets, statuses, the duplicate index
    lock       the inter-process file lock
    snapshot   a streaming, point-in-time reader for exports (never loads the whole store)
    repair     `finetune repair`: keep what parses, move the damaged file aside
"""

from .api import STORE_FILE, Store
from .log import ensure_private_dir
from .snapshot import Snapshot

__all__ = ["STORE_FILE", "Snapshot", "Store", "ensure_private_dir"]
