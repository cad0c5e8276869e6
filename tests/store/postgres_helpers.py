"""A real PostgreSQL server for tests and benchmarks: `initdb` + `pg_ctl` in a temp folder.

The server runs as a non-root user (PostgreSQL refuses root; CI runs as root): the `postgres`
system user Debian's package creates, else `nobody`, with the folder owned by it. It listens on
a free localhost port and a unix socket in its folder, trusts local connections, and is stopped
and removed by `stop()`. Nothing is installed here: `binaries()` says what is missing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

MISSING = "PostgreSQL server binaries (initdb, pg_ctl) are not installed; `.ci/run` installs Debian's postgresql"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl: PATH first, then Debian's versioned folders."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _run_as() -> dict[str, Any]:
    """subprocess arguments that drop root to an unprivileged user (nothing when not root)."""
    if os.geteuid() != 0:
        return {}
    for name in ("postgres", "nobody"):
        try:
            user = pwd.getpwnam(name)
        except KeyError:
            continue
        return {"user": user.pw_uid, "group": user.pw_gid, "extra_groups": []}
    raise RuntimeError("running as root and neither a postgres nor a nobody user exists to run PostgreSQL")


@dataclass
class PostgresServer:
    folder: Path
    port: int
    bin: Path
    owner: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def start(cls, durable: bool = False, shared_buffers: str = "128MB") -> PostgresServer:
        """`durable`: fsync as a production server does (benchmarks); tests skip it for speed.
        `shared_buffers`: PostgreSQL's own cache (its default is 128MB; its docs suggest a
        quarter of the machine's memory for a dedicated server)."""
        bin_dir = binaries()
        if bin_dir is None:
            raise RuntimeError(MISSING)
        owner = _run_as()
        # Directly under /tmp: pytest's own temp folders are root-only, so the server user could
        # not reach a folder inside them.
        folder = Path(tempfile.mkdtemp(prefix="finetune-pg-"))
        if owner:
            os.chown(folder, owner["user"], owner["group"])
        server = cls(folder, _free_port(), bin_dir, owner)
        data = folder / "data"
        server._run("initdb", "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8", "--no-sync")
        server._run(
            "pg_ctl", "-D", str(data), "-l", str(folder / "log"), "-w", "-t", "60", "start",
            "-o", f"-p {server.port} -k {folder} -c listen_addresses=127.0.0.1 {'' if durable else '-c fsync=off '}"
            f"-c max_connections=200 -c shared_buffers={shared_buffers}",
        )
        return server

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([str(self.bin / tool), *args], capture_output=True, text=True, cwd=self.folder,
                                timeout=120, **self.owner)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed ({result.returncode}): {result.stderr[-2000:]}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def create_database(self) -> str:
        """A fresh, empty database; its URL."""
        import psycopg

        name = "t_" + uuid.uuid4().hex[:16]
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name}")
        return self.url(name)

    def stop(self) -> None:
        try:
            self._run("pg_ctl", "-D", str(self.folder / "data"), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
