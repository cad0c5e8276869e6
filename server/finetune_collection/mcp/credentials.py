"""The access tokens file of the team server: `finetune token add / list / revoke`.

A token is shown once, when it is made, and only its SHA-256 is kept, with the name it was given
and when. SHA-256 without a salt or a slow KDF is enough here: a token is 32 random bytes, so
there is nothing to guess from its hash (a slow hash protects low-entropy passwords). Looking a
token up compares it with every stored hash in constant time, whichever matches.

The file is JSON, mode 0600, replaced atomically (a temp file beside it, fsynced, renamed), and
changed under an exclusive lock on `<file>.lock` so two `token add` runs never lose one. Servers
re-read it when its size or modification time changes, so a revoked token stops working on every
server sharing the file at its next request, without a restart.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import re
import secrets
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from .. import config as config_mod
from ..errors import ConfigError

TOKENS_FILE = config_mod.TOKENS_FILE
PREFIX = "ftc_"  # marks our tokens in logs and secret scanners; not part of the secret
NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
NAME_RULE = "1-64 letters, digits, '_', '.', '@' or '-', starting with a letter or digit"
VERSION = 1

try:
    import fcntl
except ImportError:  # pragma: no cover  (Windows: single writer assumed)
    fcntl = None  # type: ignore[assignment]


@dataclass(frozen=True, slots=True)
class Entry:
    name: str
    created: str
    sha256: str


def tokens_path(config: config_mod.Config) -> Path:
    """`server.tokens_file` from the config (relative to the data folder), else the default."""
    return config_mod.tokens_file(config)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


def read(path: Path) -> list[Entry]:
    """The entries of a tokens file ([] when it does not exist)."""
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return []
    except OSError as err:
        raise ConfigError(f"{path}: cannot read the tokens file: {err.strerror}") from None
    try:
        data = json.loads(raw)
        entries = [Entry(str(t["name"]), str(t["created"]), str(t["sha256"])) for t in data["tokens"]]
    except (ValueError, KeyError, TypeError):
        raise ConfigError(
            f"{path}: not a tokens file (expected {{\"tokens\": [{{name, created, sha256}}]}}); restore it "
            "or move it away and create tokens again with `finetune token add NAME`"
        ) from None
    if any(not re.fullmatch(r"[0-9a-f]{64}", e.sha256) for e in entries):
        raise ConfigError(f"{path}: an entry's sha256 is not 64 hex digits; remove it and add the token again")
    return entries


def _write(path: Path, entries: list[Entry]) -> None:
    body = {"version": VERSION, "tokens": [{"name": e.name, "created": e.created, "sha256": e.sha256}
                                           for e in entries]}
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tokens-", suffix=".tmp", dir=path.parent)  # mkstemp: mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(body, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):  # the rename is durable once the folder is synced
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(f"{path}.lock", os.O_RDWR | os.O_CREAT, 0o600)
    try:
        if fcntl is not None:
            fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the flock


def check_name(name: str) -> None:
    if not NAME_PATTERN.match(name):
        raise ConfigError(f"token name: must be {NAME_RULE}")


def add(path: Path, name: str) -> str:
    """Make a token for `name`, store its hash, and return the token (the only time it exists)."""
    from ..model import now_utc

    check_name(name)
    token = PREFIX + secrets.token_urlsafe(32)
    with _locked(path):
        entries = read(path)
        if any(e.name == name for e in entries):
            raise ConfigError(
                f"token name {name} is already in use in {path}; choose another name, or revoke it first "
                f"(`finetune token revoke {name}`)"
            )
        _write(path, [*entries, Entry(name, now_utc().isoformat(), digest(token))])
    return token


def revoke(path: Path, name: str) -> None:
    check_name(name)
    with _locked(path):
        entries = read(path)
        kept = [e for e in entries if e.name != name]
        if len(kept) == len(entries):
            raise ConfigError(f"no token named {name} in {path}; `finetune token list` shows the names")
        _write(path, kept)


def match(entries: list[Entry], token: str) -> str | None:
    """The name of the entry whose hash is the token's, comparing with every entry in constant time."""
    given = digest(token).encode()
    found: str | None = None
    for e in entries:
        if hmac.compare_digest(given, e.sha256.encode()):
            found = e.name
    return found


def state_key(path: Path) -> bytes:
    """The secret that seals MCP request state (a question to the user and its answer may reach
    different server processes), kept beside the tokens file so every server sharing that file
    shares it. Made once, 32 random bytes, mode 0600; two servers starting together agree on
    one: the file appears whole (a hard link of a finished temp file) or not at all."""
    key_path = path.with_name(path.name + ".state-key")
    try:
        return bytes.fromhex(key_path.read_text().strip())
    except FileNotFoundError:
        pass
    except ValueError:
        raise ConfigError(f"{key_path}: not a hex key; delete it and start the server again") from None
    key_path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".state-key-", dir=key_path.parent)
    try:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_hex(32) + "\n")
            f.flush()
            os.fsync(f.fileno())
        with contextlib.suppress(FileExistsError):  # another server made it first: use theirs
            os.link(tmp, key_path)
    finally:
        os.unlink(tmp)
    return bytes.fromhex(key_path.read_text().strip())


class TokensFile:
    """A tokens file as a server reads it: parsed again whenever it changed on disk."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._seen: tuple[int, int, int] | None = None
        self._entries: list[Entry] = []

    def entries(self) -> list[Entry]:
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            self._seen, self._entries = None, []
            return []
        stamp = (st.st_ino, st.st_size, st.st_mtime_ns)
        if stamp != self._seen:
            self._entries = read(self.path)
            self._seen = stamp
        return self._entries

    def verify(self, token: str) -> str | None:
        return match(self.entries(), token)
