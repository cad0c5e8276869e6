"""`finetune repair`: keep every record of a damaged store file that parses; move the rest aside."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from ..errors import StoreLocked
from .lock import LockTimeout, StoreLock
from .log import encode, loads


def repair_file(path: Path, lock_timeout: float = 10.0) -> str:
    """Keep every record that parses; move the damaged file aside. Returns a one-line report."""
    if not path.exists():
        return f"{path}: no store file; nothing to repair"
    lock = StoreLock(str(path) + ".lock", lock_timeout)
    try:
        lock.acquire()
    except LockTimeout:
        raise StoreLocked(f"{path}: the store is locked by another process; stop it and retry") from None
    try:
        kept: list[bytes] = []
        dropped = 0
        with open(path, "rb") as f:
            for line in f:
                try:
                    record = loads(line)
                    if record["op"] not in ("put", "del") or not isinstance(record["id"], str):
                        raise KeyError("op")
                    kept.append(encode(record))
                except (ValueError, KeyError, TypeError):
                    dropped += 1
        if dropped == 0:
            return f"{path}: every record is valid; nothing to repair"
        backup = path.with_name(f"{path.name}.damaged-{secrets.token_hex(3)}")
        os.replace(path, backup)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.writelines(kept)
            out.flush()
            os.fsync(out.fileno())
        return f"{path}: kept {len(kept)} record(s), dropped {dropped} damaged line(s); damaged file saved as {backup}"
    finally:
        lock.release()
        lock.close()
