"""Where an export may be written.

The data folder (`$FINETUNE_HOME`) holds the store, its lock, index, temp files and backups, the
tokens file and its request-state key, and the config. An export is text a caller chose, renamed
over its target: written over one of those files it loses the dataset, locks every team member
out or breaks the next start. So, on every surface, nothing inside the data folder but its
`exports/` folder takes an export, by any name (symlinks are followed, hard links compared by
inode), and neither do the config or a tokens file kept elsewhere (`refuse_data_folder`).

Through MCP (`resolve_output`): a relative name goes under `$FINETUNE_HOME/exports/`. Over stdio
an absolute path is also accepted inside a root the client declared (MCP roots, `file://` URIs):
the client runs on this machine and shares its own folders. Over HTTP the client is on another
machine and its roots name folders there, so they are ignored: only relative names, resolving
inside the exports folder. `..` components, symlinks that lead out, device files and other
non-regular files are refused with the reason. Overwriting an existing file needs `overwrite=True`.
"""

from __future__ import annotations

import contextlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path
from urllib.parse import unquote, urlparse

from ..errors import ExportError
from ..model import UNSHOWABLE

EXPORTS = "exports"


def exports_dir(home: Path) -> Path:
    return home / EXPORTS


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
    """File systems take at most 255 bytes per name, and the system at most PATH_MAX bytes per
    path (4096 on Linux): say so rather than fail deep in a write (ENAMETOOLONG, the path in it)."""
    if any(len(part.encode("utf-8", "surrogateescape")) > 255 for part in Path(output).parts):
        raise ExportError("output: a file or folder name is at most 255 bytes; choose a shorter name")
    if len(os.fsencode(os.path.abspath(output))) >= _path_max():
        raise ExportError(f"output: a path is at most {_path_max() - 1} bytes, counted from the root folder; "
                          "choose a shorter path")


def _path_max() -> int:
    try:
        return max(256, os.pathconf("/", "PC_PATH_MAX"))
    except (OSError, ValueError, AttributeError):
        return 4096


def refuse_data_folder(path: Path, home: Path, protected: Iterable[Path] = ()) -> None:
    """Refuse an export target inside the data folder `home` other than under its exports/ folder,
    or that is one of `protected` (files kept elsewhere: the config, a shared tokens file) or a
    companion of one (the same name plus a suffix: `.lock`, `.state-key`, `-wal`).

    Two places are checked, because the writer renames over the name itself (a symlink is
    replaced, not followed) while a later reader follows it: the name in its resolved folder, and
    the name fully resolved. An existing target is also compared by inode with the data folder's
    own files and the protected ones: a hard link has no other trace."""
    real_home = home.resolve()
    # Not resolved: an exports/ that is a symlink back into the data folder must not make the
    # whole data folder count as exports.
    allowed = real_home / EXPORTS
    guarded = [p.resolve() for p in protected]
    for where in (path.parent.resolve() / path.name, path.resolve()):
        if _inside(where, real_home) and not _inside(where, allowed):
            raise ExportError(
                "output: that is inside the data folder, which holds the store, its index, the tokens and "
                "the config; only its exports/ folder takes exports: give a name there or a path elsewhere"
            )
        if any(where.parent == g.parent and where.name.startswith(g.name) for g in guarded):
            raise ExportError("output: that is the config or the tokens file (or a file beside it that they use); "
                              "choose another output name")
    try:
        st = os.stat(path)
    except OSError:
        return  # missing, or unreachable: creating the file reports that
    if not stat.S_ISREG(st.st_mode) or st.st_nlink < 2:
        return  # a second name is what a hard link adds; a symlink was resolved above
    own: list[Path] = [*guarded]
    with contextlib.suppress(OSError):
        own += [p for p in real_home.iterdir() if p.name != EXPORTS]
    for other in own:
        with contextlib.suppress(OSError):
            if os.path.samestat(st, os.stat(other)):
                raise ExportError("output: that file is a hard link to one of the data folder's own files; "
                                  "remove the link or choose another output name")


def resolve_output(
    output: str, home: Path, roots: list[Path] | None = None, overwrite: bool = False, folder: bool = False,
    remote: bool = False, protected: Iterable[Path] = (),
) -> Path:
    """Validate an export target and return its resolved absolute path.

    `folder`: the target is a folder (the hf-dataset format); an existing folder is left to the
    exporter, which refuses one that is not empty unless `overwrite`. `remote`: the caller is on
    another machine (HTTP): `roots` are ignored and only a relative name is taken. `protected`:
    files outside the data folder that no export may replace (see refuse_data_folder)."""
    if not output or "\x00" in output:
        raise ExportError("output must be a non-empty file name without NUL characters")
    if UNSHOWABLE.search(output) or not output.strip() or any(
        part != part.strip() for part in Path(output).parts
    ):
        # A file named by a newline, a space or a right-to-left override cannot be told apart
        # (or is shown reversed) in a listing of the folder it lands in.
        raise ExportError("output: a file name without control or direction characters and without "
                          "leading or trailing spaces, such as training.jsonl")
    check_name_lengths(output)
    base = exports_dir(home)
    if remote and (output.startswith("~") or Path(output).is_absolute()):
        raise ExportError(
            "output: over HTTP an export is written only under the server's exports folder; give a relative "
            "file name such as training.jsonl (absolute paths and client roots name another machine's folders)"
        )
    raw = Path(os.path.expanduser(output)) if output.startswith("~") else Path(output)
    if ".." in raw.parts:
        raise ExportError(
            "output: '..' is not allowed; give a file name or a path inside an allowed folder"
        )
    allowed = [base] if remote else [base, *(roots or [])]
    candidate = raw if raw.is_absolute() else base / raw
    check_name_lengths(candidate)  # a relative name lands under the exports folder: longer there
    if candidate.name in ("", ".") or (not folder and output.endswith(("/", os.sep))):
        raise ExportError("output names a folder; give a file name such as training.jsonl")
    # Resolve symlinks in every existing component: a link inside an allowed folder that points
    # outside it must not be a way out.
    resolved = candidate.resolve()
    bases = [b.resolve() for b in allowed]
    if not any(_inside(resolved, b) for b in bases):
        if remote:  # the server's own paths are not the caller's business
            raise ExportError(
                "output: resolves outside the server's exports folder (a symlink there leads out); "
                "give another file name"
            )
        where = ", ".join(str(b) for b in bases)
        raise ExportError(
            f"output resolves outside the allowed folders ({where}); use a relative name "
            "(it goes under the exports folder) or a path inside a root your client shares"
        )
    refuse_data_folder(candidate, home, protected)
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
