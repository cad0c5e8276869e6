"""What a crashed writer can leave behind, found without writing and removed by the next writer.

A crash can leave a partial last record (its append was never acknowledged: a record is
acknowledged only once its whole line is written and fdatasync'd) and a compaction's temporary
file. Readers ignore both and never write; the next writer, under the store lock, truncates the
partial record and removes the temporary files, and says so.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

from .lock import StoreLock
from .record import complete_record, partial_record


def temp_files(path: Path) -> list[Path]:
    return sorted(path.parent.glob(path.name + ".tmp-*"))


def last_line(path: Path) -> bytes:
    """The bytes after the log's last newline (read from the end, not the whole file)."""
    try:
        with open(path, "rb") as f:
            at = size = f.seek(0, os.SEEK_END)
            while at > 0:
                step = min(1 << 16, at)
                f.seek(at - step)
                nl = f.read(step).rfind(b"\n")
                if nl >= 0:
                    f.seek(at - step + nl + 1)
                    return f.read(size - (at - step + nl + 1))
                at -= step
            f.seek(0)
            return f.read(size)
    except OSError:
        return b""


def leftovers(path: Path, lock: StoreLock) -> list[str]:
    """Notes on what a crashed writer left, for a reader to say. Only while no writer holds the
    lock: a writer's append in progress or its compaction's temp file is not a leftover."""
    tail = last_line(path)
    partial = bool(tail) and partial_record(tail) and not complete_record(tail)
    temps = temp_files(path)
    if not (partial or temps) or not lock.is_free():
        return []
    notes = []
    if partial:
        notes.append(f"{path}: ignoring a partial last record ({len(tail)} bytes) left by a crashed write "
                     "(a record is acknowledged only once its whole line is written, so it never was); "
                     "the next command that writes removes it")
    if temps:
        notes.append(f"{path.parent}: {len(temps)} temporary file(s) of an interrupted compaction; "
                     "the next command that writes removes them")
    return notes


def truncate_partial(path: Path, at: int, length: int) -> str:
    """Remove a partial last record (bytes `at`..`at+length`); returns what to say."""
    with open(path, "r+b") as f:
        f.truncate(at)
        os.fsync(f.fileno())
    return (f"{path}: removed a partial last record ({length} bytes) left by a crashed write; "
            "a record is acknowledged only once its whole line is written, so it never was")


def remove_temp_files(path: Path) -> list[str]:
    said = []
    for tmp in temp_files(path):
        with contextlib.suppress(OSError):
            tmp.unlink()
            said.append(f"{tmp}: removed a temporary file left by an interrupted compaction")
    return said
