"""Shared fixtures: every test gets its own FINETUNE_HOME (a real folder, a real store file)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import traceback
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "server"))

from finetune_collection.config import Config, parse  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.scrub import build_scrubber  # noqa: E402
from finetune_collection.scrub.engine import Scrubber  # noqa: E402
from finetune_collection.store import Store  # noqa: E402

SEED_EXAMPLE: dict[str, Any] = {
    "id": "ex_12345",
    "created_at": "2024-01-02T10:30:00Z",
    "task_type": "code_generation",
    "quality_score": 0.95,
    "input": {
        "system": "You are a code assistant...",
        "user": "Create a function that...",
        "context": "Project uses TypeScript...",
    },
    "output": {"assistant": "Here is the function..."},
    "metadata": {
        "tokens_used": 2500,
        "execution_time": 1.5,
        "human_approved": True,
        "workflow": "orchestrate",
        "phase": "BUILD",
    },
}


@pytest.fixture(autouse=True)
def finetune_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    monkeypatch.setenv("FINETUNE_HOME", str(home))
    monkeypatch.delenv("FINETUNE_CONFIG", raising=False)
    monkeypatch.delenv("FINETUNE_STORE", raising=False)  # a developer's team store is never a test's
    return home


@pytest.fixture
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture
def config() -> Config:
    return Config()


@pytest.fixture(scope="session")
def scrubber() -> Scrubber:
    """The built-in catalog under the default config, built once: the scrub tests share it."""
    return build_scrubber(parse(""))


@pytest.fixture
def store(finetune_home: Path, config: Config) -> Iterator[Store]:
    yield Store(finetune_home, config)


@pytest.fixture
def pipeline(store: Store, config: Config) -> Pipeline:
    return Pipeline(store, config)


@pytest.fixture
def seed_example() -> dict[str, Any]:
    import copy

    return copy.deepcopy(SEED_EXAMPLE)


_WORDS = (
    "parse sort merge filter cache retry stream batch index query render validate encode decode hash "
    "schedule throttle compress rotate migrate archive sync deploy profile trace fetch upload resize "
    "tokenize normalize paginate debounce serialize authenticate localize aggregate reconcile"
).split()
_NOUNS = (
    "invoices logs users orders images events sessions metrics tickets files rows messages payments "
    "reports tasks comments tags records jobs builds releases alerts devices routes"
).split()


def example(n: int, **overrides: Any) -> dict[str, Any]:
    """A distinct, approved, high-quality example number n (different words, not just numbers,
    so near-duplicate detection rightly keeps them apart)."""
    import random

    rng = random.Random(n)
    verb, noun, other = rng.choice(_WORDS), rng.choice(_NOUNS), rng.choice(_NOUNS)
    steps = " then ".join(rng.sample(_WORDS, 4))
    data: dict[str, Any] = {
        "task_type": "code_generation",
        "quality_score": 0.95,
        "input": {"user": f"Task {n}: {verb} the {noun} grouped by {other}; {steps}."},
        "output": {"assistant": f"def {verb}_{noun}_{n}({other}):\n    # {steps}\n    return sorted({other})[:{n % 97}]"},
        "metadata": {"human_approved": True},
    }
    data.update(overrides)
    return data


def finetune_cmd() -> list[str]:
    """The installed console script if present, else `python -m finetune_collection.cli`."""
    exe = shutil.which("finetune", path=str(Path(sys.executable).parent))
    return [exe] if exe else [sys.executable, "-c", "from finetune_collection.cli import main; main()"]


def run_cli(*args: str, input: str | None = None, env: dict[str, str] | None = None,
            check: bool = False, process: bool = False) -> subprocess.CompletedProcess[str]:
    """`finetune ARGS` in-process with click's CliRunner, or as a real process with `process=True`
    (where the test needs one: real stdio, signals, exit codes of the console script, another
    process's view of the store). A command that raises past click puts its traceback on stderr,
    as the console script would, so tests that look for `Traceback` still see one."""
    if process:
        full_env = {**os.environ, **(env or {})}
        full_env["PYTHONPATH"] = str(ROOT / "server")
        return subprocess.run([*finetune_cmd(), *args], input=input, capture_output=True, text=True,
                              env=full_env, check=check, timeout=120)
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    result = CliRunner().invoke(cli, list(args), input=input, env=env, prog_name="finetune")
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        stderr += "".join(traceback.format_exception(result.exception))
    done = subprocess.CompletedProcess(["finetune", *args], result.exit_code, result.stdout, stderr)
    if check:
        done.check_returncode()
    return done


def npm_bin(name: str) -> Path:
    """A binary of the npm tools pinned in package.json; skips the calling test, saying what to
    run, when they are not installed (tests never install software: `make test` runs npm install)."""
    binary = ROOT / "node_modules" / ".bin" / name
    if not binary.exists():
        reason = "npm is not installed" if shutil.which("npm") is None else "run `npm install` (`make test` does)"
        pytest.skip(f"the pinned {name} CLI is missing: {reason}")
    return binary


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[Any]:
    """One real PostgreSQL for the session (tests/store/postgres_helpers.py); skipped, saying why,
    where its binaries are not installed."""
    sys.path.insert(0, str(ROOT / "tests" / "store"))
    from postgres_helpers import MISSING, PostgresServer, binaries

    if binaries() is None:
        pytest.skip(MISSING)
    server = PostgresServer.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def pg_empty_url(postgres_server: Any) -> str:
    """A fresh database with no tables."""
    return str(postgres_server.create_database())


@pytest.fixture
def pg_url(pg_empty_url: str) -> str:
    """A fresh database with the store's schema (what `finetune db upgrade` creates)."""
    from finetune_collection.store.postgres import schema
    from finetune_collection.store.postgres.connection import connect

    with connect(pg_empty_url, 10) as conn:
        schema.upgrade(conn, pg_empty_url)
    return pg_empty_url


@pytest.fixture(params=["embedded", "postgresql"])
def backend(request: pytest.FixtureRequest, finetune_home: Path, config: Config) -> Iterator[Any]:
    """The same test on each store backend: the embedded store and PostgreSQL (a real server)."""
    from finetune_collection.store.postgres import PgStore

    store: Any
    if request.param == "embedded":
        store = Store(finetune_home, config)
    else:
        store = PgStore(request.getfixturevalue("pg_url"), finetune_home, config)
    try:
        yield store
    finally:
        store.close()
