"""Bring recorded work into the dataset: transcripts and training files, and the capture hook.

The importers in `capture/` read what the host really wrote (Claude Code sessions, Codex
rollouts, our own and other common training files) into examples; this module runs them through
the same pipeline as a collected example (scrub, quality, dedup, store), with the caller's
overrides (quality, approval, task type, signals). `--dry-run` prepares every example (scrub and
score included) and writes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .capture import CaptureOptions, ImportResult, import_path
from .capture.hook import HookRequest, is_trigger
from .errors import FinetuneError, InvalidExample, TranscriptError
from .pipeline import CollectResult, Pipeline


@dataclass(slots=True)
class Overrides:
    """What the user says about every imported example, over what the file says."""

    quality: dict[str, Any] = field(default_factory=dict)  # {"quality": …} or {"quality_score": …}
    task_type: str | None = None
    signals: list[dict[str, str]] = field(default_factory=list)
    approved: bool = False

    def apply(self, example: dict[str, Any]) -> dict[str, Any]:
        data = copy.deepcopy(example)
        if self.quality:
            data.pop("quality", None)
            data.pop("quality_score", None)
            data.update(self.quality)
        if self.task_type:
            data["task_type"] = self.task_type
        if self.signals:
            given = data.get("signals")
            data["signals"] = [*(given if isinstance(given, list) else []), *self.signals]
        if self.approved and isinstance(data.setdefault("metadata", {}), dict):
            data["metadata"]["human_approved"] = True
        return data


def first_line(example: dict[str, Any]) -> int | None:
    """The transcript line an imported example starts at (its provenance), if it says."""
    source = (example.get("metadata") or {}).get("source")
    lines = source.get("lines") if isinstance(source, dict) else None
    return lines[0] if isinstance(lines, list) and lines and isinstance(lines[0], int) else None


def row_of(number: int | None, result: CollectResult) -> dict[str, Any]:
    """One result line of `import --json` (the shape the JSONL import prints)."""
    return {"line": number, "id": result.id, "status": result.status, "duplicate_of": result.duplicate_of,
            "reasons": result.reasons, "redactions": result.redactions}


def invalid_row(number: int | None, err: FinetuneError) -> dict[str, Any]:
    return {"line": number, "id": None, "status": "invalid", "duplicate_of": None, "reasons": [str(err)],
            "redactions": {}}


def preview(core: Pipeline, data: dict[str, Any]) -> CollectResult:
    """What collecting `data` would do now, with nothing written (scrub and score included)."""
    prepared = core.prepare(data)
    verdict = prepared.verdict
    result = CollectResult(id=None, status="rejected", quality_score=verdict.score,
                           reasons=list(prepared.notes), redactions=dict(prepared.redactions))
    if not verdict.keep:
        result.reasons.append(verdict.reason or "below_min_quality")
    elif core.would_be_duplicate(prepared):
        result.status = "duplicate"
        result.reasons.append("duplicate")
    else:
        result.status = "pending" if verdict.needs_approval else "accepted"
        if result.status == "pending":
            result.reasons.append("pending_approval")
    result.message = f"would be {result.status} (quality {verdict.score:g}); nothing was written"
    return result


def collect_all(
    core: Pipeline, imported: ImportResult, overrides: Overrides, dry_run: bool = False
) -> Iterator[dict[str, Any]]:
    """Collect (or, with `dry_run`, preview) every imported example; one result row each."""
    for example in imported.examples:
        number = first_line(example)
        try:
            data = overrides.apply(example)
            result = preview(core, data) if dry_run else core.collect(data)
        except InvalidExample as err:
            yield invalid_row(number, err)
            continue
        yield row_of(number, result)


def read(fmt: str, paths: list[Path], opts: CaptureOptions) -> ImportResult:
    """Every path read with one importer, as one result (counts and notes summed)."""
    total = ImportResult()
    for path in paths:
        part = import_path(fmt, path, opts)
        total.examples += part.examples
        total.skipped.update(part.skipped)
        total.lines += part.lines
        for note in part.notes:
            total.note(note)
    return total


def capture_last(core: Pipeline, transcript: Path, host: str, overrides: Overrides) -> CollectResult:
    """Collect the last completed exchange of a Claude Code session or Codex rollout, verbatim.

    Prompts that ask for a capture ("save this for training") are never part of it. Raises
    `TranscriptError` when the transcript holds no completed exchange.
    """
    fmt = "codex" if host == "codex" else "claude-code"
    imported = read(fmt, [transcript], CaptureOptions(ignore_request=is_trigger))
    main = [e for e in imported.examples if not _is_subagent(e)] or imported.examples
    if not main:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(imported.skipped.items())) or "nothing readable"
        raise TranscriptError(f"{transcript.name}: no completed exchange to capture ({reasons})")
    return core.collect(overrides.apply(main[-1]))


def capture_hook(core: Pipeline, request: HookRequest, overrides: Overrides) -> str:
    """Capture for a `UserPromptSubmit` hook; returns the note the model reads next. The user
    asked for this capture in so many words, so the example counts as approved by a person."""
    if request.transcript_path is None:
        return "finetune-collection: nothing captured: the host gave no transcript_path."
    overrides.approved = True
    try:
        result = capture_last(core, Path(request.transcript_path), request.host, overrides)
    except InvalidExample as err:
        return note(invalid_row(None, err))
    return note(row_of(None, result))


def _is_subagent(example: dict[str, Any]) -> bool:
    source = (example.get("metadata") or {}).get("source")
    return isinstance(source, dict) and source.get("parent") is not None


def note(row: dict[str, Any]) -> str:
    """A short report for the model: id, status, redactions, and what to do next."""
    if row["status"] == "invalid":
        return f"finetune-collection: the last exchange could not be stored: {row['reasons'][0]}"
    parts = [f"finetune-collection captured the last exchange verbatim from the transcript: {row['status']}"]
    if row["id"]:
        parts[0] += f" as {row['id']}"
    if row["duplicate_of"]:
        parts.append(f"a duplicate of {row['duplicate_of']}")
    if row["reasons"]:
        parts.append("reasons: " + ", ".join(row["reasons"]))
    if row["redactions"]:
        parts.append("redacted " + ", ".join(f"{n} {t}" for t, n in sorted(row["redactions"].items())))
    if row["status"] == "pending":
        parts.append(f"it waits for approval: `finetune approve {row['id']}` or the finetune_review tool")
    return "; ".join(parts) + "."
