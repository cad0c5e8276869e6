"""Getting examples in one at a time: `add`, the capture hook (`capture --hook`), `install-command`.

Many at once (`finetune import`) is `imports`."""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import FinetuneError, InvalidExample
from .app import App, cli, emit, fails_cleanly, parse_quality, parse_signal, pass_app
from .imports import RAW_LINE_FACTOR, TOO_MANY_DIGITS, too_long


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
              help="the last completed exchange, verbatim, of the newest Claude Code session of this folder "
                   "(launched here or in a folder above, or that recorded working here)")
@click.option("--session", help="with --from-transcript: this session id instead of the latest")
@click.option("--json", "as_json", is_flag=True, help="print the result as JSON")
@pass_app
@fails_cleanly
def add(app: App, quality: str | None, task_type: str | None, system: str | None, context: str | None,
        user: str | None, assistant: str | None, signals: tuple[str, ...], approved: bool, from_transcript: bool,
        session: str | None, as_json: bool) -> None:
    """Add one example from flags, one JSON example on stdin, or the last exchange of a transcript."""
    if from_transcript:
        from ..capture import find_session
        from ..capture.hook import HookRequest
        from ..ingest import Overrides, capture_hook

        if user is not None or assistant is not None:
            raise click.UsageError("--from-transcript takes the exchange from the transcript, not --user/--assistant")
        path = find_session(session, cwd=os.getcwd())
        request = HookRequest(session, str(path), os.getcwd(), "", None, [])
        overrides = Overrides(parse_quality(quality), task_type, [parse_signal(s) for s in signals], approved)
        note, claims = capture_hook(app.pipeline, request, overrides)
        if as_json:
            emit({"message": note, "claims": claims.to_dict() if claims is not None else None})
        else:
            click.echo(note)
        return
    if session is not None:
        raise click.UsageError("--session goes with --from-transcript")
    if user is None and assistant is None:
        if sys.stdin.isatty():
            raise click.UsageError("give --user and --assistant, or pipe one JSON example on stdin")
        most = RAW_LINE_FACTOR * app.config.limits.max_example_bytes
        text = sys.stdin.read(most + 1).removeprefix("\ufeff")  # never more than one example can take
        if len(text) > most or len(text.encode("utf-8", "replace")) > most:
            raise InvalidExample(f"stdin: {too_long(app.config.limits.max_example_bytes)}")
        if not text.strip():
            raise click.UsageError("stdin is empty: pipe one JSON example, or give --user and --assistant")
        try:
            data = json.loads(text)
        except json.JSONDecodeError as err:
            raise InvalidExample(f"stdin is not valid JSON: {err.msg} at line {err.lineno}") from None
        except ValueError:  # int(): Python refuses integer literals over sys.get_int_max_str_digits()
            raise InvalidExample(f"stdin: {TOO_MANY_DIGITS}") from None
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


@cli.command()
@click.option("--hook", is_flag=True, required=True,
              help="read a UserPromptSubmit hook's JSON on stdin (Claude Code, Codex); capture on a trigger")
@click.option("--trigger", "triggers", multiple=True, help="another phrase that asks for a capture (repeatable)")
def capture(hook: bool, triggers: tuple[str, ...]) -> None:
    """Capture the last exchange verbatim from the host's transcript, when the prompt asks for it.

    Run by the plugin's UserPromptSubmit hook on every prompt. A prompt that is not a trigger
    ("save this for training", "collect example", `/finetune add …`) exits 0 with no output.
    """
    from ..capture.hook import DEFAULT_TRIGGERS, read_request

    del hook
    raw = sys.stdin.read()
    phrases = [*DEFAULT_TRIGGERS, *triggers]
    sys.exit(0 if read_request(raw, phrases) is None else run_hook(raw, phrases))


def run_hook(raw: str, triggers: list[str]) -> int:
    """Capture for a triggered hook and print the note for the model. Always exits 0: a hook
    that fails must never block the user's prompt, so every failure becomes the note."""
    from ..capture.hook import read_request

    request = read_request(raw, triggers)
    if request is None:
        return 0
    try:
        from ..ingest import capture_hook

        note, _ = capture_hook(App().pipeline, request, _add_overrides(request.args), triggers)
    except (FinetuneError, click.ClickException) as err:
        note = f"finetune-collection: nothing captured: {_hide_transcript(str(err), request.transcript_path)}"
    except Exception:  # noqa: BLE001  (the hook must answer; the traceback goes to stderr, not the model)
        logging.getLogger("finetune_collection.capture").exception("capture hook failed")
        note = "finetune-collection: nothing captured: an unexpected error (details on the hook's stderr)"
    emit({"hookSpecificOutput": {"hookEventName": "UserPromptSubmit", "additionalContext": note}})
    return 0


def _hide_transcript(message: str, transcript_path: str | None) -> str:
    """The note without the transcript's path or file name: both come from the hook's input,
    and the importers' messages start with the file name they read."""
    import re

    if not transcript_path:
        return message
    name = transcript_path.replace("\\", "/").rsplit("/", 1)[-1]
    for text in (transcript_path, name):
        if text:  # whole names only: a one-letter file name must not eat letters of words
            message = re.sub(rf"(?<![\w.-]){re.escape(text)}(?![\w.-])", "the transcript", message)
    return message


def _add_overrides(args: list[str]) -> Any:
    """`/finetune add --quality high --task-type X --signal Y`: the arguments a user may give."""
    from ..ingest import Overrides

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
/finetune prompt itself is left out). Do not retell the exchange yourself. When the
finetune-collection plugin's hook already captured it as this prompt was sent, the command says
`already captured as …` and stores nothing again: report that line.
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
