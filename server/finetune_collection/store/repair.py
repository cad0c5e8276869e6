"""`finetune repair`: keep every record the loader accepts; keep the damaged file beside it.

Repair and the loader share one definition of a valid record (`record.parse_record`): a line that
would stop every command from opening the store is exactly a line repair drops.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
from pathlib import Path

from ..errors import StoreError, StoreLocked
from .files import fsync_dir, refuse_special_file
from .lock import LockTimeout, StoreLock
from .record import encode, parse_record


def repair_file(path: Path, lock_timeout: float = 10.0) -> str:
    """Keep every valid record; save the damaged file as a backup. Returns a one-line report.

    The repaired file is written and fsync'd under a temporary name before anything is moved, so
    a failure (a full disk) leaves the store exactly as it was.
    """
    if not path.exists():
        return f"{path}: no store file; nothing to repair"
    refuse_special_file(path)
    lock = StoreLock(str(path) + ".lock", lock_timeout)
    try:
        lock.acquire()
    except LockTimeout:
        raise StoreLocked(f"{path}: the store is locked by another process; stop it and retry") from None
    except OSError as err:  # a read-only data folder: nobody can be writing it, so look without the lock
        kept, bad = _read(path)
        if not bad:
            return f"{path}: every record is valid; nothing to repair"
        raise StoreError(
            f"{path}: {len(bad)} unreadable line(s), but the data folder cannot be written ({err.strerror}); "
            "copy the folder somewhere writable and run `finetune repair` there"
        ) from None
    try:
        kept, bad = _read(path)
        if not bad:
            return f"{path}: every record is valid; nothing to repair"
        tmp = path.with_name(f"{path.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
        backup = path.with_name(f"{path.name}.damaged-{secrets.token_hex(3)}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            with os.fdopen(fd, "wb") as out:
                out.writelines(kept)
                out.flush()
                os.fsync(out.fileno())
            _keep_copy(path, backup)
            os.replace(tmp, path)
        except OSError as err:
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise StoreError(
                f"{path}: repair failed ({err.strerror}); the store file is unchanged. "
                "Free disk space and retry."
            ) from None
        fsync_dir(path.parent)
        shown = ", ".join(str(n) for n in bad[:5]) + (", …" if len(bad) > 5 else "")
        return (
            f"{path}: kept {len(kept)} record(s); {len(bad)} unreadable line(s) (line {shown}) were "
            f"left out. The file as it was, with those lines, is saved as {backup}"
        )
    finally:
        lock.release()
        lock.close()


def _read(path: Path) -> tuple[list[bytes], list[int]]:
    """Every valid record (re-encoded) and the numbers of the lines that are not one. The last
    line needs no newline when it is a whole record; a partial one is unreadable."""
    kept: list[bytes] = []
    bad: list[int] = []
    with open(path, "rb") as f:
        for lineno, line in enumerate(f, 1):
            if not line.strip():
                continue  # blank lines hold no record; the loader skips them too
            try:
                kept.append(encode(parse_record(line)))
            except ValueError:
                bad.append(lineno)
    return kept, bad


def _keep_copy(path: Path, backup: Path) -> None:
    """The damaged file under a new name: a hard link (no copy, no disk space), else a copy."""
    try:
        os.link(path, backup)
    except OSError:
        shutil.copy2(path, backup)
        os.chmod(backup, 0o600)
