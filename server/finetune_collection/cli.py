"""The `finetune` command line: thin wrappers over the core (pipeline, store, stats, export).

Errors print `Error: …` on stderr and exit 1 (usage errors exit 2, by click). `import --json`,
`scrub --jsonl`, `list --json` and `show` are machine interfaces: their output shapes are fixed.
"""

from __future__ import annotations

import functools
import io
import json
import logging
import os
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, TypeVar

import click

from . import config as config_mod
from .errors import FinetuneError, InvalidExample, NotFound

F = TypeVar("F", bound=Callable[..., Any])
STATUSES = ["accepted", "pending", "rejected", "below_threshold", "superseded"]


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
            self._config = config_mod.load()
        return self._config

    @property
    def store(self) -> Any:
        if self._store is None:
            from .store import Store

            self._store = Store(self.home, self.config)
            for message in self._store.recovered:
                click.echo(f"note: {message}", err=True)
        return self._store

    @property
    def pipeline(self) -> Any:
        if self._pipeline is None:
            from .pipeline import Pipeline

            self._pipeline = Pipeline(self.store, self.config)
        return self._pipeline


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


def emit(obj: Any) -> None:
    """One JSON object per line, flushed at once (a printed line is a promise)."""
    sys.stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def progress(items: list[Any] | None, length: int | None, label: str) -> Any:
    """A progress bar on a terminal only: click renders nothing but the label when piped."""
    if not sys.stderr.isatty():
        return _Quiet(items)
    return click.progressbar(items, length=length, label=label, file=sys.stderr)


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


pass_app = click.make_pass_decorator(App)


class FiniteRange(click.FloatRange):
    """click.FloatRange lets `nan` through (every comparison with it is false)."""

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if number != number:
            self.fail(f"{value!r} is not a number in the range {self._describe_range()}.", param, ctx)
        return number


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


@cli.command()
@click.option("--quality", help="high | medium | low | a score in [0, 1] (default: computed from signals)")
@click.option("--task-type", default=None, help="e.g. code_generation (default: general)")
@click.option("--system", help="system prompt")
@click.option("--context", help="background the assistant had (kept apart from the system prompt)")
@click.option("--user", help="the user's request")
@click.option("--assistant", help="the assistant's answer")
@click.option("--signal", "signals", multiple=True, help="NAME or NAME=evidence, repeatable")
@click.option("--approved", is_flag=True, help="a human approved this example")
@click.option("--from-transcript", is_flag=True,
              help="the last completed exchange of this folder's latest Claude Code session, verbatim")
@click.option("--session", help="with --from-transcript: this session id instead of the latest")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_app
@fails_cleanly
def add(app: App, quality: str | None, task_type: str | None, system: str | None, context: str | None,
        user: str | None, assistant: str | None, signals: tuple[str, ...], approved: bool, from_transcript: bool,
        session: str | None, as_json: bool) -> None:
    """Add one example from flags, one JSON example on stdin, or the last exchange of a transcript."""
    if from_transcript:
        from .capture import find_session
        from .capture.hook import HookRequest
        from .ingest import Overrides, capture_hook

        if user is not None or assistant is not None:
            raise click.UsageError("--from-transcript takes the exchange from the transcript, not --user/--assistant")
        path = find_session(session, cwd=os.getcwd())
        request = HookRequest(session, str(path), os.getcwd(), "", None, [])
        overrides = Overrides(parse_quality(quality), task_type, [parse_signal(s) for s in signals], approved)
        note = capture_hook(app.pipeline, request, overrides)
        if as_json:
            emit({"message": note})
        else:
            click.echo(note)
        return
    if session is not None:
        raise click.UsageError("--session goes with --from-transcript")
    if user is None and assistant is None:
        if sys.stdin.isatty():
            raise click.UsageError("give --user and --assistant, or pipe one JSON example on stdin")
        text = sys.stdin.read().removeprefix("\ufeff")
        if not text.strip():
            raise click.UsageError("stdin is empty: pipe one JSON example, or give --user and --assistant")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InvalidExample(f"stdin is not valid JSON: {err.msg} at line {err.lineno}") from None
        except RecursionError:
            raise InvalidExample("stdin: the example is nested too deeply to parse") from None
        if not isinstance(data, dict):
            raise InvalidExample("stdin must hold one JSON object (an example)")
    else:
        if not (user and assistant):
            raise click.UsageError("--user and --assistant go together")
        data = {"input": {"user": user, "system": system, "context": context}, "output": {"assistant": assistant}}
    data.update(parse_quality(quality))
    if task_type:
        data["task_type"] = task_type
    # Flags are merged only into fields of the right type; a wrong type is left for validation to
    # name (`signals: Input should be a valid list`) rather than crash here.
    if signals and data.get("signals") is None:
        data["signals"] = []  # null means none, as it does without --signal
    if signals and isinstance(data["signals"], list):
        data["signals"] = [*data["signals"], *(parse_signal(s) for s in signals)]
    if approved and isinstance(data.setdefault("metadata", {}), dict):
        data["metadata"]["human_approved"] = True
    result = app.pipeline.collect(data)
    if as_json:
        emit(result.model_dump())
    else:
        click.echo(result.message)


IMPORT_FORMATS = ("jsonl", "claude-code", "codex", "openai", "sharegpt", "hf-messages", "alpaca")


@cli.command(name="import")
@click.argument("paths", nargs=-1)
@click.option("--from", "fmt", type=click.Choice(IMPORT_FORMATS), default="jsonl", show_default=True,
              help="jsonl: our example lines (PATH or - for stdin); claude-code / codex: agent transcripts "
                   "(files or folders); openai, sharegpt, hf-messages, alpaca: training files")
@click.option("--session", help="claude-code / codex: this session id, found under the host's folder")
@click.option("--latest", is_flag=True, help="claude-code / codex: the most recent session")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="the host's transcript folder [default: ~/.claude/projects or ~/.codex/sessions]")
@click.option("--turns", type=click.IntRange(min=1), help="the last N completed exchanges (default: the last one)")
@click.option("--since-prompt", help="from the last request containing this text to the end")
@click.option("--whole-session", is_flag=True, help="every completed exchange, split at user requests")
@click.option("--keep-reasoning", is_flag=True, help="keep the assistant's thinking (as reasoning, not trained on)")
@click.option("--quality", help="high | medium | low | a score in [0, 1], for every imported example")
@click.option("--approved", is_flag=True, help="a human approved these examples")
@click.option("--task-type", help="task type for every imported example")
@click.option("--signal", "signals", multiple=True, help="NAME or NAME=evidence for every example, repeatable")
@click.option("--dry-run", is_flag=True, help="scrub and score every example, say what would happen, store nothing")
@click.option("--json", "as_json", is_flag=True, help="one result object per example (per input line for jsonl)")
@pass_app
@fails_cleanly
def import_(app: App, paths: tuple[str, ...], fmt: str, session: str | None, latest: bool, root: Path | None,
            turns: int | None, since_prompt: str | None, whole_session: bool, keep_reasoning: bool,
            quality: str | None, approved: bool, task_type: str | None, signals: tuple[str, ...],
            dry_run: bool, as_json: bool) -> None:
    """Import examples: a JSONL file of examples, agent transcripts, or training files.

    With --json, each example prints {"line","id","status","duplicate_of","reasons","redactions"} as
    soon as it is durably stored ("line": the input or transcript line it starts at); a bad one
    gets status "invalid" and the import goes on. Everything is scrubbed, scored and checked for
    duplicates like a collected example.
    """
    from .ingest import Overrides

    overrides = Overrides(parse_quality(quality), task_type, [parse_signal(s) for s in signals], approved)
    if fmt == "jsonl":
        if len(paths) != 1 or session or latest:
            raise click.UsageError("--from jsonl reads one FILE (or - for stdin)")
        with click.open_file(paths[0], "r", encoding="utf-8-sig", errors="surrogateescape") as file:
            _import_jsonl(app, file, overrides, dry_run, as_json)
        return
    _import_recorded(app, fmt, paths, session, latest, root, overrides, dry_run, as_json,
                     turns=turns, since_prompt=since_prompt, whole_session=whole_session,
                     keep_reasoning=keep_reasoning)


def _import_recorded(app: App, fmt: str, paths: tuple[str, ...], session: str | None, latest: bool,
                     root: Path | None, overrides: Any, dry_run: bool, as_json: bool, **options: Any) -> None:
    from .capture import CaptureOptions, find_rollout, find_session
    from .ingest import collect_all, read

    hosts = ("claude-code", "codex")
    if (session or latest) and fmt not in hosts:
        raise click.UsageError("--session and --latest find agent transcripts: use --from claude-code or codex")
    if (session or latest) and paths:
        raise click.UsageError("give PATHs or --session/--latest, not both")
    if session or latest:
        find = find_session if fmt == "claude-code" else find_rollout
        files = [find(session, root=root)]
    elif paths:
        files = [Path(p) for p in paths]
    else:
        raise click.UsageError("give one or more PATHs" + (", or --session ID / --latest" if fmt in hosts else ""))
    imported = read(fmt, files, CaptureOptions(**options))
    totals: dict[str, int] = {}
    for row in collect_all(app.pipeline, imported, overrides, dry_run):
        totals[row["status"]] = totals.get(row["status"], 0) + 1
        if as_json:
            emit(row)
        elif row["status"] == "invalid":
            click.echo(f"line {row['line']}: invalid: {row['reasons'][0]}", err=True)
    for text in imported.notes:
        click.echo(f"note: {text}", err=True)
    if as_json:
        return
    skipped = ", ".join(f"{k} {v}" for k, v in sorted(imported.skipped.items()))
    verb = "would import" if dry_run else "imported"
    click.echo(f"{verb}: " + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing")
               + f" from {len(files)} file(s), {imported.lines} line(s)" + (f"; skipped {skipped}" if skipped else ""))


def _import_jsonl(app: App, file: Any, overrides: Any, dry_run: bool, as_json: bool) -> None:
    pipeline = app.pipeline
    totals: dict[str, int] = {}
    printed: int | None = None  # lines printed before stdout's reader went away
    lines = file if as_json or not sys.stderr.isatty() else list(file)
    with progress(lines, None, "importing") as bar:
        for number, line in enumerate(bar, start=1):
            if not line.strip():
                continue
            row = import_line(pipeline, number, line, overrides, dry_run)
            totals[row["status"]] = totals.get(row["status"], 0) + 1
            if as_json and printed is None:
                try:
                    emit(row)
                except BrokenPipeError:
                    # The reader left (`| head -1`); the import is what was asked for, so it goes
                    # on. Every printed line is still a stored example; later ones are not printed.
                    discard_stdout()
                    printed = number - 1
            elif row["status"] == "invalid" and not as_json:
                click.echo(f"line {number}: invalid: {row['reasons'][0]}", err=True)
    if printed is not None:
        click.echo(f"note: stdout was closed after input line {printed}; the import went on without printing "
                   f"({', '.join(f'{k} {v}' for k, v in sorted(totals.items()))})", err=True)
    if not as_json:
        verb = "would import" if dry_run else "imported"
        click.echo(f"{verb}: " + (", ".join(f"{k} {v}" for k, v in sorted(totals.items())) or "nothing"))


def import_line(pipeline: Any, number: int, line: str, overrides: Any = None,
                dry_run: bool = False) -> dict[str, Any]:
    from .ingest import preview

    row: dict[str, Any] = {"line": number, "id": None, "status": "invalid", "duplicate_of": None,
                           "reasons": [], "redactions": {}}
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        row["reasons"] = [f"not valid JSON: {err.msg} at column {err.colno}"]
        return row
    except RecursionError:  # the stdlib parser recurses per nesting level
        row["reasons"] = ["example is nested too deeply to parse"]
        return row
    if overrides is not None and isinstance(data, dict):
        data = overrides.apply(data)
    try:
        result = preview(pipeline, data) if dry_run else pipeline.collect(data)
    except InvalidExample as err:
        row["reasons"] = [str(err)]
        return row
    row.update(id=result.id, status=result.status, duplicate_of=result.duplicate_of,
               reasons=result.reasons, redactions=result.redactions)
    return row


@cli.command()
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@pass_app
@fails_cleanly
def stats(app: App, as_json: bool) -> None:
    """Collection statistics: counts, quality, tokens, rejections, redactions, readiness."""
    from .reports import compute, render

    result = compute(app.store)
    click.echo(result.model_dump_json(indent=2) if as_json else render(result))


@cli.command()
@click.option("--format", "fmt", default="openai", show_default=True,
              help="openai, anthropic (legacy), bedrock, vertex, together, sharegpt, alpaca, hf-messages, "
                   "hf-prompt-completion")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="file to write, relative to the current folder [default: $FINETUNE_HOME/exports/FORMAT-TIME.jsonl]")
@click.option("--task-type", multiple=True, help="only this task type (repeatable)")
@click.option("--workflow", multiple=True, help="only this workflow (repeatable)")
@click.option("--phase", multiple=True, help="only this phase (repeatable)")
@click.option("--min-quality", type=FiniteRange(0, 1), help="minimum quality_score")
@click.option("--signal", "signals", multiple=True, help="only examples carrying this signal (repeatable: all)")
@click.option("--since", help="created at or after (YYYY-MM-DD or ISO time)")
@click.option("--until", help="created before (YYYY-MM-DD or ISO time)")
@click.option("--id", "ids", multiple=True, help="only this example id (repeatable)")
@click.option("--status", multiple=True, type=click.Choice(STATUSES),
              help="statuses to export (repeatable) [default: accepted]")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many examples")
@click.option("--split", type=FiniteRange(0, 1, min_open=True, max_open=True),
              help="validation fraction: writes NAME.train.jsonl and NAME.val.jsonl")
@click.option("--seed", type=int, default=0, show_default=True, help="seed for a deterministic split")
@click.option("--fix", is_flag=True, help="also drop empty turns (moving a system turn and merging same-role turns "
              "are applied by default)")
@click.option("--tier", "tiers", multiple=True, type=click.Choice(["gold", "silver", "bronze"]),
              help="only examples of this evidence tier (repeatable): gold = observed tests passed and user "
                   "accepted, silver = an observed positive signal, bronze = claims only")
@click.option("--strict", is_flag=True, help="refuse examples that need any structural fix instead of fixing them")
@click.option("--model", help="the model to train, for its per-example token limit")
@click.option("--license", "license_", help="hf-dataset: the dataset card's license id (e.g. mit, cc-by-4.0)")
@click.option("--overwrite", is_flag=True, help="replace an existing output file")
@click.option("--dedup", is_flag=True, help="leave out near-duplicates a `finetune dedup` re-check would remove")
@click.option("--check", is_flag=True, help="write nothing; report what passes and fails in every format")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@pass_app
@fails_cleanly
def export(app: App, fmt: str, output: Path | None, task_type: tuple[str, ...], workflow: tuple[str, ...],
           phase: tuple[str, ...], min_quality: float | None, signals: tuple[str, ...], since: str | None,
           until: str | None, ids: tuple[str, ...], status: tuple[str, ...], limit: int | None,
           split: float | None, seed: int, fix: bool, tiers: tuple[str, ...], strict: bool, model: str | None,
           license_: str | None, overwrite: bool, dedup: bool, check: bool, as_json: bool) -> None:
    """Export examples as JSONL for a fine-tuning target, validated per target before writing."""
    from . import export as export_mod

    if output is not None and output.name in ("", ".", ".."):  # `--output ""` is the current folder
        raise click.BadParameter("give a file name, e.g. training.jsonl", param_hint="--output")
    if output is not None and str(output) == "-":
        raise click.BadParameter("exports are written to a file atomically, not to stdout; give a file name",
                                 param_hint="--output")
    request = export_mod.ExportRequest(
        format=fmt, output=output.absolute() if output else None, task_type=list(task_type) or None,
        workflow=list(workflow) or None, phase=list(phase) or None, min_quality=min_quality,
        signals=list(signals) or None, since=parse_date(since, "--since") if since is not None else None,
        until=parse_date(until, "--until") if until is not None else None, ids=list(ids) or None,
        status=list(status) or ["accepted"],  # type: ignore[arg-type]  # click.Choice checked them
        limit=limit, split=split, seed=seed, fix=fix, tier=list(tiers) or None,  # type: ignore[arg-type]
        strict=strict, model=model, license=license_,
        overwrite=overwrite, dedup=dedup,
    )
    if check:
        report: Any = export_mod.check(app.store, app.config, request)
    else:
        with progress(None, 1, "exporting") as bar:
            shown = [0]

            def on_progress(done: int, total: int | None) -> None:
                bar.length = total or bar.length
                bar.update(done - shown[0])
                shown[0] = done

            report = export_mod.export(app.store, app.config, request, on_progress)
    click.echo(report.model_dump_json(indent=2) if as_json else report.render())


@cli.command(name="list")
@click.option("--status", type=click.Choice(STATUSES), help="only this status")
@click.option("--task-type", help="only this task type")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many (newest first)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line, every match")
@pass_app
@fails_cleanly
def list_(app: App, status: str | None, task_type: str | None, limit: int | None, as_json: bool) -> None:
    """List stored examples, newest first."""
    from .reports import list_rows

    rows = list_rows(app.store, status=status, task_type=task_type, limit=limit)
    for row in rows:
        if as_json:
            emit(row)
        else:
            # str(): a document edited by hand may hold any JSON type in these fields; _one_line:
            # a task type may hold a newline, and the text listing is one line per example.
            q = row["quality_score"]
            score = f"{q:<5g}" if isinstance(q, int | float) else f"{q!s:<5}"
            click.echo(f"{_one_line(row['id']):<20} {_one_line(row['status']):<9} {score} "
                       f"{_one_line(row['task_type']):<18} {_one_line(row['created_at'])}  {row['preview']}")


def _one_line(value: Any) -> str:
    return " ".join(str(value).split())


@cli.command()
@click.argument("example_id")
@pass_app
@fails_cleanly
def show(app: App, example_id: str) -> None:
    """Print one stored example as JSON."""
    click.echo(json.dumps(app.store.get_doc(example_id), ensure_ascii=False, indent=2))


def _review_command(action: Literal["approve", "reject", "delete"], help_text: str) -> None:
    @cli.command(name=action, help=help_text)
    @click.argument("example_ids", nargs=-1, required=True)
    @pass_app
    @fails_cleanly
    def command(app: App, example_ids: tuple[str, ...]) -> None:
        from . import curate

        ids = list(dict.fromkeys(example_ids))  # `delete X X` deletes X once
        try:
            # All or nothing, under one lock: an unknown id among several changed the ones before it.
            curate.review(app.store, ids, action)
        except NotFound as err:
            raise NotFound(f"{err}; nothing was changed" if len(ids) > 1 else str(err)) from None
        done = {"approve": "approved", "reject": "rejected", "delete": "deleted"}[action]
        for example_id in ids:
            click.echo(f"{done} {example_id}")


_review_command("approve", "Approve pending example(s): they become accepted and exportable.")
_review_command("reject", "Reject example(s): kept as rejected, never exported.")
_review_command("delete", "Delete example(s) from the store file, the dedup index and stats.")


@cli.command()
@click.option("--before", required=True, help="delete examples created before this date (YYYY-MM-DD or ISO time)")
@click.option("--status", type=click.Choice(STATUSES), help="only this status")
@click.option("--yes", is_flag=True, help="do it (without --yes, only list what would be deleted)")
@pass_app
@fails_cleanly
def purge(app: App, before: str, status: str | None, yes: bool) -> None:
    """Delete examples in bulk by creation date."""
    from . import curate

    cutoff = parse_date(before, "--before")
    ids = curate.purge(app.store, cutoff, status=status, dry_run=not yes)
    verb = "deleted" if yes else "would delete"
    click.echo(f"{verb} {len(ids)} example(s)" + ("" if yes or not ids else "; add --yes to delete them"))


@cli.command()
@click.option("--threshold", type=FiniteRange(0, 1, min_open=True), help="default: dedup.threshold in the config")
@click.option("--apply", is_flag=True, help="remove the duplicates (without it, only report the clusters)")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@pass_app
@fails_cleanly
def dedup(app: App, threshold: float | None, apply: bool, as_json: bool) -> None:
    """Re-check the whole dataset for near-duplicates and keep the best of each cluster."""
    from . import curate

    config = app.config
    if threshold is not None:
        config = config.model_copy(update={"dedup": config.dedup.model_copy(update={"threshold": threshold})})
    report = curate.recheck(app.pipeline, config)
    for cluster in [] if as_json else report.clusters:
        click.echo(f"cluster of {len(cluster.ids)}:")
        for m in cluster.members:
            click.echo(f"  {'keep' if m.keep else 'drop'} {m.id} (quality {m.quality_score:g}): {m.reason}")
    if apply and report.remove:
        report = curate.recheck(app.pipeline, config, apply=True)  # recomputed under the store lock
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        verb = "superseded" if apply else "would supersede"
        click.echo(f"{verb} {len(report.remove)} of {report.examples} example(s) in {len(report.clusters)} "
                   f"cluster(s)" + ("; add --apply to do it (they are kept, never exported)"
                                    if report.remove and not apply else ""))


@cli.command()
@click.option("--apply", is_flag=True, help="change the statuses (without it, only report what would change)")
@click.option("--json", "as_json", is_flag=True, help="print {new status: [ids]} as JSON")
@pass_app
@fails_cleanly
def rescore(app: App, apply: bool, as_json: bool) -> None:
    """Re-decide examples no person has judged under the current scoring and min_quality_score.

    After lowering the threshold, below_threshold examples that now pass become accepted or
    pending; after raising it, the others become below_threshold. Nothing is re-collected.
    """
    from . import curate

    changes = curate.rescore(app.store, app.config, apply=apply)
    if as_json:
        emit(changes)
        return
    verb = "changed" if apply else "would change"
    moved = ", ".join(f"{len(ids)} to {status}" for status, ids in sorted(changes.items()))
    click.echo(f"{verb}: {moved or 'nothing'}" + ("; add --apply to do it" if changes and not apply else ""))


def parse_date(value: str, hint: str) -> datetime:
    from .model import parse_time

    try:
        parsed = parse_time(value)
    except ValueError as err:
        raise click.BadParameter(str(err), param_hint=hint) from None
    if parsed is None:  # an empty value
        raise click.BadParameter("give a date: YYYY-MM-DD or an ISO 8601 time", param_hint=hint)
    return parsed


@cli.command()
@click.option("--jsonl", is_flag=True, help="each input line is an object with a `text` field")
@click.option("--explain", is_flag=True, help="list the types and positions found (never the values)")
@pass_app
@fails_cleanly
def scrub(app: App, jsonl: bool, explain: bool) -> None:
    """Scrub text on stdin and print what would be stored."""
    from .scrub import build_scrubber
    from .scrub.engine import locate

    scrubber = build_scrubber(app.config)
    # Bytes in, decoded leniently: a stray invalid byte must not abort a whole scrub run.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")

    def names() -> dict[tuple[str, str], str] | None:
        return {} if app.config.scrub.pseudonyms else None  # pseudonyms are per text / per line

    if not jsonl:
        text = stdin.read()
        if explain:
            found = scrubber.explain(text, names())
            for f in found:
                click.echo(f"{f.type}\t{f.start}-{f.end}\tline {f.line}:{f.col}")
            click.echo(f"{len(found)} finding(s)", err=True)
        else:
            sys.stdout.write(scrubber.scrub_text(text, names()).text)
        return
    bad = []
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            bad.append(number)
            click.echo(f"line {number}: not a JSON object; skipped", err=True)
            continue
        if isinstance(obj.get("text"), str):
            result = scrubber.scrub_text(obj["text"], names())
            if explain:
                obj["findings"] = [
                    {"type": f.type, "start": f.start, "end": f.end, "line": f.line, "col": f.col}
                    for f in locate(obj["text"], result.findings)
                ]
            obj["text"] = result.text
        emit(obj)
    if bad:
        raise click.ClickException(f"{len(bad)} line(s) were not JSON objects: {bad[:10]}")


@cli.command(name="config")
@pass_app
@fails_cleanly
def config_cmd(app: App) -> None:
    """Print the effective configuration (YAML) and where it came from."""
    config = app.config  # a bad file fails before anything is printed
    source = config_mod.config_path()
    click.echo(f"# source: {source if source else 'built-in defaults'}")
    click.echo(f"# data folder: {app.home}")
    click.echo(config_mod.dump(config), nl=False)


@cli.command()
@pass_app
@fails_cleanly
def repair(app: App) -> None:
    """Rewrite a damaged store keeping every valid record; the damaged file is kept beside it."""
    from .store import STORE_FILE
    from .store.repair import repair_file

    report = repair_file(app.home / STORE_FILE, app.config.limits.lock_timeout)
    click.echo(report)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="port on 127.0.0.1 (default: a free one)")
@click.option("--no-browser", is_flag=True, help="only print the URL (for CI, SSH, or another browser)")
@pass_app
@fails_cleanly
def review(app: App, port: int, no_browser: bool) -> None:
    """Open the review page in a local browser: approve, reject, edit, compare, and see charts.

    Serves on 127.0.0.1 only, with a random per-run token in the URL; Ctrl-C stops it.
    """
    from .review.web import ReviewServer

    server = ReviewServer(app.home, app.config, port=port)
    click.echo(f"Review page: {server.url}")
    click.echo("Press Ctrl-C to stop.", err=True)
    if not no_browser:
        import webbrowser

        webbrowser.open(server.url)  # returns False, harmlessly, where there is no browser
    server.serve()
    click.echo("Review server stopped.", err=True)


@cli.command()
@fails_cleanly
def serve() -> None:
    """Run the MCP server on stdio (what Claude Desktop, Claude Code and IDEs start)."""
    from .mcp.server import main as serve_main

    serve_main()


@cli.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="data folder to use (default: a fresh temporary folder, kept afterwards)")
@click.option("--json", "as_json", is_flag=True, help="print the summary as one JSON object")
@fails_cleanly
def demo(home: Path | None, as_json: bool) -> None:
    """Run the MCP server on ~20 bundled examples and export them: a tour in a few seconds."""
    from .demo import render, render_outcome, run_demo

    summary = run_demo(home, None if as_json else lambda o: click.echo(render_outcome(o)))
    click.echo(summary.model_dump_json(indent=2) if as_json else render(summary))


@cli.command()
@click.option("--hook", is_flag=True, required=True,
              help="read a UserPromptSubmit hook's JSON on stdin (Claude Code, Codex); capture on a trigger")
@click.option("--trigger", "triggers", multiple=True, help="another phrase that asks for a capture (repeatable)")
def capture(hook: bool, triggers: tuple[str, ...]) -> None:
    """Capture the last exchange verbatim from the host's transcript, when the prompt asks for it.

    Run by the plugin's UserPromptSubmit hook on every prompt. A prompt that is not a trigger
    ("save this for training", "collect example", `/finetune add …`) exits 0 with no output.
    """
    from .capture.hook import DEFAULT_TRIGGERS, read_request

    del hook
    raw = sys.stdin.read()
    phrases = [*DEFAULT_TRIGGERS, *triggers]
    sys.exit(0 if read_request(raw, phrases) is None else run_hook(raw, phrases))


def run_hook(raw: str, triggers: list[str]) -> int:
    """Capture for a triggered hook and print the note for the model. Always exits 0: a hook
    that fails must never block the user's prompt, so every failure becomes the note."""
    from .capture.hook import read_request

    request = read_request(raw, triggers)
    if request is None:
        return 0
    try:
        from .ingest import capture_hook

        note = capture_hook(App().pipeline, request, _add_overrides(request.args))
    except (FinetuneError, click.ClickException) as err:
        note = f"finetune-collection: nothing captured: {err}"
    except Exception:  # noqa: BLE001  (the hook must answer; the traceback goes to stderr, not the model)
        logging.getLogger("finetune_collection.capture").exception("capture hook failed")
        note = "finetune-collection: nothing captured: an unexpected error (details on the hook's stderr)"
    emit({"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": note}})
    return 0


def _add_overrides(args: list[str]) -> Any:
    """`/finetune add --quality high --task-type X --signal Y`: the arguments a user may give."""
    from .ingest import Overrides

    overrides = Overrides()
    it = iter(args)
    for arg in it:
        name, _, value = arg.partition("=")
        if name in ("--quality", "--task-type", "--signal") and not value:
            value = next(it, "")
        if name == "--quality":
            overrides.quality = parse_quality(value)
        elif name == "--task-type" and value:
            overrides.task_type = value
        elif name == "--signal" and value:
            overrides.signals.append(parse_signal(value))
        elif name not in ("--approved", "--from-transcript"):
            raise click.UsageError("/finetune add takes --quality, --task-type and --signal")
    return overrides


SKILL = """---
name: finetune
description: >-
  The finetune-collection commands as typed: /finetune export --format openai --output
  training.jsonl, /finetune stats, /finetune add --quality high.
argument-hint: "export --format openai --output training.jsonl | stats | add --quality high"
allowed-tools: Bash(finetune:*)
disable-model-invocation: true
---
Run this command with the Bash tool and show the user its output, unchanged:

    finetune $ARGUMENTS

If the first word is `add`, run `finetune $ARGUMENTS --from-transcript` instead: it stores the
last completed exchange of this session, verbatim from the transcript Claude Code keeps (the
/finetune prompt itself is left out). Do not retell the exchange yourself.
"""


@cli.command(name="install-command")
@click.option("--project", "scope", flag_value="project", help="this project: .claude/skills/finetune/")
@click.option("--user", "scope", flag_value="user", default=True, help="every project: ~/.claude/skills/finetune/")
@click.option("--force", is_flag=True, help="replace an existing skill file")
def install_command(scope: str, force: bool) -> None:
    """Write a `finetune` skill so that `/finetune export …`, `/finetune stats` and `/finetune add …`
    work in Claude Code as typed (a plugin's own commands are always namespaced)."""
    base = Path.cwd() / ".claude" if scope == "project" else Path.home() / ".claude"
    target = base / "skills" / "finetune" / "SKILL.md"
    if target.exists() and not force:
        raise click.ClickException(f"{target} exists; add --force to replace it")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(SKILL, encoding="utf-8")
    click.echo(f"wrote {target}: /finetune now runs the finetune command in Claude Code")


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
