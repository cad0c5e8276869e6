"""Where an export requested through MCP may be written.

A relative name goes under `$FINETUNE_HOME/exports/`. An absolute path is accepted only inside
that folder or inside a root the client declared (MCP roots, `file://` URIs). `..` components,
symlinks that lead out, device files and other non-regular files are refused with the reason.
Overwriting an existing file needs `overwrite=True`.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import ExportError


def exports_dir(home: Path) -> Path:
    return home / "exports"


def root_paths(uris: list[str]) -> list[Path]:
    """Local folders from MCP root URIs (non-file URIs are ignored)."""
    paths = []
    for uri in uris:
        parsed = urlparse(uri)
        if parsed.scheme == "file" and parsed.path:
            paths.append(Path(unquote(parsed.path)))
    return paths


def _inside(path: Path, base: Path) -> bool:
    try:
        path.relative_to(base)
        return True
    except ValueError:
        return False


def check_name_lengths(output: str | Path) -> None:
    """File systems take at most 255 bytes per name: say so rather than fail deep in a write."""
    if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in Path(output).parts):
        raise ExportError("output: a file or folder name is at most 255 bytes; choose a shorter name")


def resolve_output(
    output: str, home: Path, roots: list[Path] | None = None, overwrite: bool = False, folder: bool = False
) -> Path:
    """Validate an export target and return its resolved absolute path.

    `folder`: the target is a folder (the hf-dataset format); an existing folder is left to the
    exporter, which refuses one that is not empty unless `overwrite`."""
    if not output or "\x00" in output:
        raise ExportError("output must be a non-empty file name without NUL characters")
    check_name_lengths(output)
    base = exports_dir(home)
    raw = Path(os.path.expanduser(output)) if output.startswith("~") else Path(output)
    if ".." in raw.parts:
        raise ExportError(
            "output: '..' is not allowed; give a file name or a path inside an allowed folder"
        )
    allowed = [base, *(roots or [])]
    candidate = raw if raw.is_absolute() else base / raw
    if candidate.name in ("", ".") or (not folder and output.endswith(("/", os.sep))):
        raise ExportError("output names a folder; give a file name such as training.jsonl")
    # Resolve symlinks in every existing component: a link inside an allowed folder that points
    # outside it must not be a way out.
    resolved = candidate.resolve()
    bases = [b.resolve() for b in allowed]
    if not any(_inside(resolved, b) for b in bases):
        where = ", ".join(str(b) for b in bases)
        raise ExportError(
            f"output resolves outside the allowed folders ({where}); use a relative name "
            "(it goes under the exports folder) or a path inside a root your client shares"
        )
    if folder and resolved.is_dir() and not resolved.is_symlink():
        pass
    elif resolved.exists() or resolved.is_symlink():
        mode = os.lstat(resolved).st_mode
        if not stat.S_ISREG(mode):
            raise ExportError("output exists and is not a regular file; choose another name")
        if not overwrite:
            raise ExportError("output already exists; pass overwrite=true to replace it")
    if _inside(resolved, base.resolve()) or resolved.parent == base.resolve():
        base.mkdir(parents=True, exist_ok=True, mode=0o700)
    if not resolved.parent.is_dir():
        raise ExportError("output: its folder does not exist; create it or choose another path")
    return resolved
