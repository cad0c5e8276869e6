"""Atomic export files: a temp file in the same folder, fsync, then one rename.

A killed or failed export leaves no file under the final name (at most a hidden
`.NAME.tmp-PID-xxxx`, removed by the next export to that name once PID is gone). Files are
created 0600 (they hold people's conversations). Without `overwrite`, the temp file is
hard-linked to the final name, which fails if the name appeared meanwhile — no clobbering race.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from types import TracebackType

from ..errors import ExportError
from ..storage import ensure_private_dir


def refuse_existing(path: Path, overwrite: bool) -> None:
    if path.exists() and not overwrite:
        raise ExportError(f"{path}: file exists; pass overwrite=True (CLI: --overwrite) to replace it")


class AtomicFile:
    def __init__(self, final: Path, overwrite: bool = False) -> None:
        self.final = final
        self.overwrite = overwrite
        refuse_existing(final, overwrite)
        ensure_private_dir(final.parent)
        _remove_stale_temps(final)
        self.tmp = final.with_name(f".{final.name}.tmp-{os.getpid()}-{secrets.token_hex(3)}")
        try:
            fd = os.open(self.tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as err:
            raise ExportError(f"{final.parent}: cannot create the export file: {err.strerror}") from None
        self.file = os.fdopen(fd, "wb", buffering=1 << 20)
        self.bytes = 0

    def write(self, data: bytes) -> None:
        self.file.write(data)
        self.bytes += len(data)

    def commit(self) -> None:
        try:
            self.file.flush()
            os.fsync(self.file.fileno())
            self.file.close()
            if self.overwrite:
                os.replace(self.tmp, self.final)
            else:
                try:
                    os.link(self.tmp, self.final)
                except FileExistsError:
                    raise ExportError(
                        f"{self.final}: file exists; pass overwrite=True (CLI: --overwrite) to replace it"
                    ) from None
                os.unlink(self.tmp)
            _fsync_dir(self.final.parent)
        except OSError as err:
            self.abort()
            raise ExportError(f"{self.final}: cannot write the export file: {err.strerror}") from None
        except ExportError:
            self.abort()
            raise

    def abort(self) -> None:
        with contextlib.suppress(OSError):
            self.file.close()
        with contextlib.suppress(OSError):
            self.tmp.unlink()

    def __enter__(self) -> AtomicFile:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if kind is not None:
            self.abort()


def _remove_stale_temps(final: Path) -> None:
    for tmp in final.parent.glob(f".{final.name}.tmp-*"):
        try:
            pid = int(tmp.name.rsplit("-", 2)[-2])
            os.kill(pid, 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                tmp.unlink()
        except (ValueError, IndexError, OSError):
            continue


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
