"""The command group, its shared state (`App`) and the helpers every command uses; `main()`.

Errors print `Error: …` on stderr and exit 1 (usage errors exit 2, by click). `import --json`,
`scrub --jsonl`, `list --json` and `show` are machine interfaces: their output shapes are fixed.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import click

from .. import config as config_mod
from ..errors import FinetuneError

F = TypeVar("F", bound=Callable[..., Any])
STATUSES = ["accepted", "pending", "rejected", "below_threshold", "superseded"]


def catalog_types() -> list[str]:
    """The scrub catalog's types, for checking `scrub.disable` when the config loads."""
    from ..scrub.catalog import CATALOG

    return [rule.type for rule in CATALOG]


@dataclass
class App:
    """Lazily opened core objects, shared by one command invocation."""

    _config: config_mod.Config | None = None
    _store: Any = None
    _pipeline: Any = None  # the core (store + dedup index + pipeline), opened by commands that collect

    @property
    def home(self) -> Path:
        return config_mod.home()

    @property
    def config(self) -> config_mod.Config:
        if self._config is None:
            self._config = config_mod.load(scrub_types=catalog_types)
        return self._config

    @property
    def store(self) -> Any:
        if self._store is None:
            from ..store import open_store

            self._store = open_store(self.home, self.config)
            for message in self._store.recovered:
                click.echo(f"note: {message}", err=True)
        return self._store

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from ..pipeline import Pipeline

            self._pipeline = Pipeline(self.store, self.config)
        return self._pipeline

    def close(self) -> None:
        """Close the store this command opened: its file descriptors, or its database connection,
        when the CLI runs inside another program (CliRunner, a host that imports it)."""
        if self._store is not None:
            self._store.close()
            self._store = self._pipeline = None


def fails_cleanly(fn: F) -> F:
    """Turn our errors into `Error: …` + exit 1; never a traceback for an expected failure."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except FinetuneError as err:
            raise click.ClickException(str(err)) from None
        except BrokenPipeError:  # `finetune list --json | head`
            sys.stderr.close()
            sys.exit(0)

    return wrapper  # type: ignore[return-value]


# json.dumps escapes C0 controls but writes DEL and C1 (CSI is U+009B) as they are; a terminal
# acts on them. As \u escapes the JSON holds the same values.
_RAW_CONTROLS = re.compile("[\x7f-\x9f]")


def json_text(obj: Any, indent: int | None = None) -> str:
    """JSON as printed by the CLI: non-ASCII text as it is, DEL and C1 controls as escapes."""
    text = json.dumps(obj, ensure_ascii=False, indent=indent)
    return _RAW_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def emit(obj: Any) -> None:
    """One JSON object per line, flushed at once (a printed line is a promise)."""
    sys.stdout.write(json_text(obj) + "\n")
    sys.stdout.flush()


def progress(items: list[Any] | None, length: int | None, label: str) -> Any:
    """A progress bar on a terminal only: click renders nothing but the label when piped."""
    if not sys.stderr.isatty():
        return _Quiet(items)
    return click.progressbar(items, length=length, label=label, file=sys.stderr)


def above_bar(message: str) -> None:
    """A line for stderr while a progress bar may be drawn there: on a terminal the bar's line is
    cleared first (the bar redraws below it), or the message is written over the bar's text."""
    click.echo(("\r\x1b[K" if sys.stderr.isatty() else "") + message, err=True)


class _Quiet:
    def __init__(self, items: list[Any] | None) -> None:
        self.items = items
        self.length: int | None = None  # read and set by callers as on click's progress bar

    def __enter__(self) -> _Quiet:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def __iter__(self) -> Iterator[Any]:
        return iter(self.items or [])

    def update(self, n: int) -> None:
        return None


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="finetune-collection")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Collect, scrub, deduplicate and export fine-tuning examples.

    Data lives in $FINETUNE_HOME (default: the platform's user data folder); the config is
    $FINETUNE_CONFIG, else $FINETUNE_HOME/config.yaml, else built-in defaults.
    """
    ctx.obj = App()
    ctx.call_on_close(ctx.obj.close)


pass_app = click.make_pass_decorator(App)


class FiniteRange(click.FloatRange):
    """click.FloatRange lets `nan` through (every comparison with it is false)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"not a number in the range {self._describe_range()}.", param, ctx)
        return number


class Choice(click.Choice):  # type: ignore[type-arg]
    """click.Choice whose refusal lists the choices without repeating what was typed (a value
    pasted into the wrong option can be a secret, and the error ends up in logs)."""

    def get_invalid_choice_message(self, value: Any, ctx: click.Context | None) -> str:
        return "not one of " + ", ".join(map(str, self.choices)) + "."


def parse_quality(value: str | None) -> dict[str, Any]:
    if value is None:
        return {}
    if value in ("high", "medium", "low"):
        return {"quality": value}
    try:
        score = float(value)
    except ValueError:
        score = -1.0
    if not 0 <= score <= 1:  # also refuses nan
        raise click.BadParameter("use high, medium, low or a number in [0, 1]", param_hint="--quality")
    return {"quality_score": score}


def parse_signal(value: str) -> dict[str, str]:
    name, _, evidence = value.partition("=")
    return {"name": name, "evidence": evidence} if evidence else {"name": name}


def parse_date(value: str, hint: str) -> datetime:
    from ..model import parse_time

    try:
        parsed = parse_time(value)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=hint) from None
    if parsed is None:  # an empty value
        raise click.BadParameter("give a date: YYYY-MM-DD or an ISO 8601 time", param_hint=hint)
    return parsed


def _open_closed_std_streams() -> None:
    """Put /dev/null where the caller closed stdin, stdout or stderr (`finetune import f >&-`).

    Python leaves sys.stdin/stdout/stderr as None then, and every read or write would raise; worse,
    the next file we open would take that descriptor, so a stray write to fd 1 or 2 would land in
    it. Closed stdin reads as empty; output to a closed stream is discarded.
    """
    for fd, name in ((0, "stdin"), (1, "stdout"), (2, "stderr")):
        if getattr(sys, name) is not None:
            continue
        try:
            os.fstat(fd)
            continue  # the descriptor is in use after all: leave it alone
        except OSError:
            pass
        _devnull_onto(fd)
        setattr(sys, name, open(fd, "r" if fd == 0 else "w", encoding="utf-8", closefd=False))  # noqa: SIM115


def discard_stdout() -> None:
    """Send the rest of stdout to /dev/null once its reader has gone (`import --json f | head -1`)."""
    _devnull_onto(sys.stdout.fileno())


def _devnull_onto(fd: int) -> None:
    """Make descriptor `fd` the null device (a closed fd may be the one os.open hands back)."""
    null = os.open(os.devnull, os.O_RDWR)
    if null != fd:
        os.dup2(null, fd)
        os.close(null)


def main() -> None:
    _open_closed_std_streams()
    # The store logs what it recovered at start-up (for the server's log); the CLI prints it as
    # a `note:` itself, and Python's last-resort handler would print each one a second time.
    logging.getLogger("finetune_collection.store").addHandler(logging.NullHandler())
    if isinstance(sys.stdout, io.TextIOWrapper):
        # A lone surrogate (`"\ud800"` kept by scrub --jsonl, or in a hand-edited store) cannot be
        # UTF-8 encoded; written as `\ud800` it stays a valid escape inside a JSON string.
        sys.stdout.reconfigure(errors="backslashreplace")
    cli(prog_name="finetune")
