"""Compaction: rewrite the log with one record per live id, so deleted and edited text leaves the file.

The new file is written and fsync'd under a temporary name, then renamed over the log: a crash or
a full disk at any point leaves either the old file or the new one, never a mix. Documents are
copied line by line from the current file (never all held in memory).
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterable, Iterator
from pathlib import Path

from .files import fsync_dir
from .index import TAIL, Covered, IndexFile
from .record import encode, json_of, without_erase

COMPACT_MIN_DEAD = 1000


class RewriteFailed(Exception):
    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def due(c: Covered) -> bool:
    """Housekeeping is due when superseded records outnumber live ones (and at least COMPACT_MIN_DEAD)."""
    return c.records - c.live > max(COMPACT_MIN_DEAD, c.live)


def temp_name(path: Path) -> Path:
    return path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")


def replace_file(path: Path, lines: Iterable[bytes]) -> os.stat_result:
    """Write `lines` to a temporary file, fsync it and rename it over `path` (RewriteFailed: unchanged)."""
    tmp = temp_name(path)
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.writelines(lines)
            f.flush()
            os.fsync(f.fileno())
            st = os.fstat(f.fileno())
        os.replace(tmp, path)
        fsync_dir(path.parent)
    except OSError as err:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise RewriteFailed(err.strerror or "write error") from None
    return st


def rewrite(path: Path, index: IndexFile, fd: int, c: Covered) -> None:
    """Compact the log `fd` reads into `path`: every live record, once. The new file holds exactly
    what the index describes, so the index adopts it (new offsets, `c` updated) without reading
    it back. RewriteFailed: the log is unchanged."""
    moves: list[tuple[int, int, str]] = []
    last = [b""]

    def keep(line: bytes) -> bytes:
        last[0] = line[-TAIL:] if len(line) >= TAIL else (last[0] + line)[-TAIL:]
        return line

    def lines() -> Iterator[bytes]:
        at = 0
        for doc_id, off, length in index.locations():
            line = without_erase(os.pread(fd, length, off)) + b"\n"
            moves.append((at, len(line) - 1, doc_id))
            at += len(line)
            yield keep(line)
        for doc_id, keys in index.dedup_records():
            line = encode({"op": "put", "t": "dedup", "id": doc_id, "doc": json_of(keys)})
            at += len(line)
            yield keep(line)
        for table, doc_id, doc in index.small_records():
            line = encode({"op": "put", "t": table, "id": doc_id, "doc": json_of(doc)})
            at += len(line)
            yield keep(line)

    st = replace_file(path, lines())
    index.relocate(moves)
    c.ino, c.offset, c.records, c.erase_pending, c.tail = st.st_ino, st.st_size, c.live, False, last[0]


def truncate(path: Path, ino: int | None, offset: int) -> None:
    """Cut the log back to `offset`, if it is still the file `ino` (OSError otherwise)."""
    if ino is None or os.stat(path).st_ino != ino:
        raise OSError(0, "the file was replaced")
    with open(path, "r+b") as f:
        f.truncate(offset)
        os.fsync(f.fileno())
