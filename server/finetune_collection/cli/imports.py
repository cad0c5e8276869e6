"""`finetune import`: a JSONL file of examples, agent transcripts or training files into the store,
one result per example; and the raw JSON limits it shares with `add`."""

from __future__ import annotations

import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import click

from ..errors import InvalidExample, StoreError
from .app import (
    App,
    Choice,
    above_bar,
    cli,
    discard_stdout,
    emit,
    fails_cleanly,
    parse_quality,
    parse_signal,
    pass_app,
    progress,
)

# One example is at most limits.max_example_bytes as compact UTF-8 JSON; written with every
# character as a \uXXXX escape (json.dumps' default for non-ASCII) it takes up to 6 times that.
# Longer input cannot hold one example, so it is refused before parsing (a 200 MB line took
# ~850 MB to parse only to be refused).
RAW_LINE_FACTOR = 6


def too_long(limit: int) -> str:
    return (f"over {RAW_LINE_FACTOR * limit} bytes of JSON, more than an example of at most {limit} bytes "
            "(limits.max_example_bytes) can take; not parsed")


TOO_MANY_DIGITS = ("an integer has too many digits to read (Python's limit is 4300); integers must fit in 64 bits, "
                   "so store a larger number as a string")

# What a folder given to `import --from claude-code|codex` must hold; said when it holds none.
EMPTY_FOLDER = {
    "claude-code": "session files (*.jsonl) directly inside: give a project folder (one per working directory, "
                   "under ~/.claude/projects) or session files",
    "codex": "Codex rollouts: only files named rollout-*.jsonl are read (in the folder and below); give a renamed "
             "rollout as a FILE",
}

IMPORT_FORMATS = ("jsonl", "claude-code", "codex", "openai", "sharegpt", "hf-messages", "axolotl", "alpaca",
                  "openai-dpo", "trl-preference", "trl-kto", "vertex-preference")


@cli.command(name="import")
@click.argument("paths", nargs=-1)
@click.option("--from", "fmt", type=Choice(IMPORT_FORMATS), default="jsonl", show_default=True,
              help="jsonl: our example lines (PATH or - for stdin); claude-code / codex: agent transcripts "
                   "(files or folders); openai, sharegpt, hf-messages, alpaca: training files; openai-dpo, "
                   "trl-preference, trl-kto, vertex-preference: preference files (the rejected answers kept)")
@click.option("--session", help="claude-code / codex: this session id, found under the host's folder")
@click.option("--latest", is_flag=True, help="claude-code / codex: the most recent session")
@click.option("--root", type=click.Path(file_okay=False, path_type=Path),
              help="the host's transcript folder [default: ~/.claude/projects or ~/.codex/sessions]")
@click.option("--turns", type=click.IntRange(min=1), help="the last N completed exchanges (default: the last one)")
@click.option("--since-prompt", help="from the last request containing this text to the end")
@click.option("--whole-session", is_flag=True, help="every completed exchange, split at user requests")
@click.option("--keep-reasoning", is_flag=True, help="keep the assistant's thinking (as reasoning, not trained on)")
@click.option("--keep-compaction-summary", is_flag=True,
              help="an example that starts after a compaction gets its summary as a leading system message")
@click.option("--keep-system-prompt", is_flag=True,
              help="codex: the session's base instructions as a leading system message")
@click.option("--subagents", type=Choice(("linked", "all", "none")), default="linked", show_default=True,
              help="claude-code: sub-agents of the selected exchanges (and finished ones after them), every "
                   "sub-agent of the session, or none")
@click.option("--subagents-from-progress", is_flag=True,
              help="claude-code: rebuild a sub-agent whose file is missing from its parent's progress lines (lossy)")
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
            keep_compaction_summary: bool, keep_system_prompt: bool, subagents: str, subagents_from_progress: bool,
            quality: str | None, approved: bool, task_type: str | None, signals: tuple[str, ...],
            dry_run: bool, as_json: bool) -> None:
    """Import examples: a JSONL file of examples, agent transcripts, or training files.

    With --json, each example prints {"line","id","status","duplicate_of","reasons","redactions"} as
    soon as it is durably stored ("line": the input or transcript line it starts at); a bad one
    gets status "invalid" and the import goes on. Everything is scrubbed, scored and checked for
    duplicates like a collected example.
    """
    from ..ingest import Overrides

    overrides = Overrides(parse_quality(quality), task_type, [parse_signal(s) for s in signals], approved)
    if fmt == "jsonl":
        if len(paths) != 1 or session or latest:
            raise click.UsageError("--from jsonl reads one FILE (or - for stdin)")
        if paths[0] == "-" and sys.stdin.isatty():
            click.echo("reading examples from stdin, one JSON object per line; end it with Ctrl-D "
                       "(or give a FILE)", err=True)
        try:
            opened = click.open_file(paths[0], "r", encoding="utf-8-sig", errors="surrogateescape")
        except OSError as err:  # missing, a folder, unreadable: said by reason, not by the name given
            raise click.BadParameter(f"the file cannot be read ({err.strerror})", param_hint="PATH") from None
        with opened as file:
            _import_jsonl(app, file, overrides, dry_run, as_json)
        return
    _import_recorded(app, fmt, paths, session, latest, root, overrides, dry_run, as_json,
                     turns=turns, since_prompt=since_prompt, whole_session=whole_session,
                     keep_reasoning=keep_reasoning, keep_compaction_summary=keep_compaction_summary,
                     keep_system_prompt=keep_system_prompt, subagents=subagents,
                     subagents_from_progress=subagents_from_progress)


def _import_recorded(app: App, fmt: str, paths: tuple[str, ...], session: str | None, latest: bool,
                     root: Path | None, overrides: Any, dry_run: bool, as_json: bool, **options: Any) -> None:
    from ..capture import CaptureOptions, ImportResult, find_rollout, find_session, import_path
    from ..ingest import collect_all

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
    opts = CaptureOptions(**options)
    parts = [import_path(fmt, path, opts) for path in files]  # every file read before anything is stored
    for n, (path, part) in enumerate(zip(files, parts, strict=True), start=1):
        if part.files == 0 and fmt in EMPTY_FOLDER and path.is_dir():
            which = "the folder given" if len(files) == 1 else f"folder {n} of the paths given"
            part.note(f"{which} holds no {EMPTY_FOLDER[fmt]}")
    imported = ImportResult()
    totals: dict[str, int] = {}
    stored: list[str] = []
    failed: tuple[int, StoreError] | None = None  # (path number, error): a full disk stops the import
    for part in parts:
        imported.extend(part)
    for number, part in enumerate(parts, start=1):
        rows = _with_unreadable(collect_all(app.pipeline, part, overrides, dry_run), part.invalid, as_json)
        try:
            for row in rows:
                if row["id"] and not dry_run and row["status"] != "invalid":
                    stored.append(row["id"])
                totals[row["status"]] = totals.get(row["status"], 0) + 1
                if "replaced_lower_quality" in row["reasons"]:
                    totals["replaced"] = totals.get("replaced", 0) + 1
                if as_json:
                    emit(row)
                elif row["status"] == "invalid":
                    click.echo(f"line {row['line']}: invalid: {row['reasons'][0]}", err=True)
        except StoreError as err:  # what was stored stays, and is said
            failed = (number, err)
            break
    for text in imported.notes:
        click.echo(f"note: {text}", err=True)
    if as_json:
        emit(summary_row(totals, dict(imported.skipped)))
    else:
        skipped = ", ".join(f"{k} {v}" for k, v in sorted(imported.skipped.items()))
        verb = "would import" if dry_run else "imported"
        # The counts of what was read first: summary() may end with advice.
        click.echo(f"{verb} from {imported.files} file(s), {imported.lines} line(s): " + summary(totals)
                   + (f"; skipped {skipped}" if skipped else ""))
        if failed is not None:
            click.echo("stored: " + (", ".join(stored) or "none"))
    if failed is not None:
        at, error = failed
        where = "the transcript" if len(parts) == 1 else f"path {at} of the paths given"
        raise click.ClickException(
            f"an exchange of {where} could not be stored: {error} The import stopped there: that exchange and "
            f"the ones after it were not imported; {len(stored)} example(s) before it were stored"
            + (" (listed above)." if stored and not as_json else " (the rows above)." if stored else ".")
        )


def _with_unreadable(rows: Iterator[dict[str, Any]], invalid: list[tuple[int, str]],
                     as_json: bool) -> Iterator[dict[str, Any]]:
    """With --json, an `invalid` row for each training-file record that could not become an
    example, in line order among the others (one result per input record, as for --from jsonl).
    The text summary counts them under `skipped` already."""
    pending = sorted(invalid) if as_json else []
    for row in rows:
        while pending and row["line"] is not None and pending[0][0] < row["line"]:
            yield _unreadable_row(*pending.pop(0))
        yield row
    for number, reason in pending:
        yield _unreadable_row(number, reason)


def _unreadable_row(number: int, reason: str) -> dict[str, Any]:
    return {"line": number, "id": None, "status": "invalid", "duplicate_of": None, "reasons": [reason],
            "redactions": {}}


def _import_jsonl(app: App, file: Any, overrides: Any, dry_run: bool, as_json: bool) -> None:
    pipeline = app.pipeline
    totals: dict[str, int] = {}
    printed: int | None = None  # lines printed before stdout's reader went away
    lines = file if as_json or not sys.stderr.isatty() else list(file)
    stored: list[str] = []
    failed: tuple[int, StoreError] | None = None
    with progress(lines, None, "importing") as bar:
        for number, line in enumerate(bar, start=1):
            if not line.strip():
                continue
            try:
                row = import_line(pipeline, number, line, overrides, dry_run)
            except StoreError as err:  # a full disk: what was stored stays, and is said
                failed = (number, err)
                break
            if row["id"] and not dry_run:
                stored.append(row["id"])
            totals[row["status"]] = totals.get(row["status"], 0) + 1
            if "replaced_lower_quality" in row["reasons"]:
                totals["replaced"] = totals.get("replaced", 0) + 1
            if as_json and printed is None:
                try:
                    emit(row)
                except BrokenPipeError:
                    # The reader left (`| head -1`); the import is what was asked for, so it goes
                    # on. Every printed line is still a stored example; later ones are not printed.
                    discard_stdout()
                    printed = number - 1
            elif row["status"] == "invalid" and not as_json:
                above_bar(f"line {number}: invalid: {row['reasons'][0]}")
    if printed is not None:
        click.echo(f"note: stdout was closed after input line {printed}; the import went on without printing "
                   f"({', '.join(f'{k} {v}' for k, v in sorted(totals.items()))})", err=True)
    elif as_json:
        emit(summary_row(totals, {}))
    if not as_json:
        verb = "would import" if dry_run else "imported"
        click.echo(f"{verb}: " + summary(totals))
        if failed is not None:
            click.echo("stored: " + (", ".join(stored) or "none"))
    if failed is not None:
        at, error = failed
        raise click.ClickException(
            f"line {at} could not be stored: {error} The import stopped there: line {at} and the lines after "
            f"it were not imported; {len(stored)} example(s) from the lines before it were stored"
            + (" (listed above)." if stored else ".")
        )


def summary_row(totals: dict[str, int], skipped: dict[str, int]) -> dict[str, Any]:
    """`import --json`'s last line: the record shape (every key, so a reader that takes each line
    as a record does not fail), status `summary`, the counts under `summary` and the advice of
    the text summary under `reasons`."""
    counts = {k: v for k, v in sorted(totals.items())}
    counts.setdefault("replaced", 0)
    advice = summary(totals).split("; ")[1:]
    return {"line": None, "id": None, "status": "summary", "duplicate_of": None, "reasons": advice,
            "redactions": {}, "summary": {**counts, **({"skipped": skipped} if skipped else {})}}


def summary(totals: dict[str, int]) -> str:
    """Counts by outcome, plus what a replacement, a wait or a low score means for the dataset."""
    counts = {k: v for k, v in totals.items() if k != "replaced"}
    text = ", ".join(f"{k} {v}" for k, v in sorted(counts.items())) or "nothing"
    if totals.get("replaced"):
        text += (f" ({totals['replaced']} of them replaced an earlier copy no person had judged, now kept as "
                 "superseded)")
    if totals.get("pending"):
        text += "; pending examples wait for `finetune approve` or the review page"
    if totals.get("below_threshold"):
        text += "; below_threshold examples are kept, not exported: approve them or lower the threshold"
    return text


def import_line(pipeline: Any, number: int, line: str, overrides: Any = None,
                dry_run: bool = False) -> dict[str, Any]:
    from ..ingest import preview

    row: dict[str, Any] = {"line": number, "id": None, "status": "invalid", "duplicate_of": None,
                           "reasons": [], "redactions": {}}
    limit = pipeline.config.limits.max_example_bytes
    if len(line) > RAW_LINE_FACTOR * limit or len(line.encode("utf-8", "replace")) > RAW_LINE_FACTOR * limit:
        row["reasons"] = [f"the line is {too_long(limit)}"]
        return row
    try:
        data = json.loads(line)
    except json.JSONDecodeError as err:
        row["reasons"] = [f"not valid JSON: {err.msg} at column {err.colno}"]
        return row
    except ValueError:  # a JSONDecodeError is one too: this is int()'s digit limit
        row["reasons"] = [TOO_MANY_DIGITS]
        return row
    except RecursionError:  # the stdlib parser recurses per nesting level
        row["reasons"] = ["example is nested too deeply to parse"]
        return row
    if overrides is not None and isinstance(data, dict):
        data = overrides.apply(data)
    try:
        result = preview(pipeline, data) if dry_run else pipeline.collect(data)
    except InvalidExample as err:
        from ..capture.preference_files import detect

        row["reasons"] = [detect(data) or str(err)]
        return row
    row.update(id=result.id, status=result.status, duplicate_of=result.duplicate_of,
               reasons=result.reasons, redactions=result.redactions)
    return row
