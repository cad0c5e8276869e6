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
from .model import Signal
from .pipeline import CollectResult, Pipeline
from .signals import Policy, Report, detect, reconcile


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


def preview(core: Pipeline, data: dict[str, Any], observed: bool = False) -> CollectResult:
    """What collecting `data` would do now, with nothing written (scrub and score included)."""
    return core.preview(core.prepare(data, observed))


def collect_all(
    core: Pipeline, imported: ImportResult, overrides: Overrides, dry_run: bool = False
) -> Iterator[dict[str, Any]]:
    """Collect (or, with `dry_run`, preview) every imported example; one result row each.
    Examples read from an agent's transcript carry the signals its record shows (`signals/`)."""
    for example in imported.examples:
        number = first_line(example)
        try:
            data = overrides.apply(example)
            report = observe(core, data, imported.reply_after(example)) if _from_agent(example) else None
            result = preview(core, data, True) if dry_run else core.collect(data, observed=True)
        except InvalidExample as err:
            yield invalid_row(number, err)
            continue
        row = row_of(number, result)
        row["reasons"] = [*row["reasons"], *contradicted(report)]
        yield row


def observe(core: Pipeline, data: dict[str, Any], reply: str | None) -> Report | None:
    """Put the signals the record shows next to the claimed ones (in place). `reply`: the user's
    words after the example's last exchange (the replies to its earlier exchanges are its own
    user messages). Returns which claims the record confirms, contradicts or cannot check (codes
    and signal names only: the evidence is scrubbed with the example); None when detection is off."""
    settings = core.config.quality_filters.signals
    if not settings.detect or not isinstance(data.get("messages"), list):
        return None
    observed = detect(data["messages"], after_user_reply=reply)
    claimed = [s for s in data.get("signals") or [] if isinstance(s, str | dict)]
    signals, report = reconcile([_claim(s) for s in claimed], observed,
                                Policy(settings.contradicted_claims, settings.unconfirmed_claims))
    data["signals"] = [s.model_dump(exclude_none=True) for s in signals]
    return report


def contradicted(report: Report | None) -> list[str]:
    """`claim_contradicted:<signal>` reason codes, one per claim the record contradicts."""
    return [f"claim_contradicted:{c.signal}" for c in report.claims if c.status == "contradicted"] if report else []


def _claim(value: str | dict[str, Any]) -> Signal:
    if isinstance(value, str):
        return Signal(name=value)
    return Signal.model_validate({k: v for k, v in value.items() if k in ("name", "evidence")})


def _from_agent(example: dict[str, Any]) -> bool:
    source = (example.get("metadata") or {}).get("source")
    return isinstance(source, dict) and source.get("format") in ("claude-code", "codex")


def read(fmt: str, paths: list[Path], opts: CaptureOptions) -> ImportResult:
    """Every path read with one importer, as one result (counts and notes summed)."""
    total = ImportResult()
    for path in paths:
        part = import_path(fmt, path, opts)
        total.examples += part.examples
        total.replies.update(part.replies)
        total.skipped.update(part.skipped)
        total.lines += part.lines
        for note in part.notes:
            total.note(note)
    return total


@dataclass(slots=True)
class Captured:
    """A capture's result, and how the caller's claimed signals fared against the record (None
    when detection is off)."""

    result: CollectResult
    claims: Report | None


def capture_last(core: Pipeline, transcript: Path, host: str, overrides: Overrides) -> Captured:
    """Collect the last completed exchange of a Claude Code session or Codex rollout, verbatim.

    Prompts that ask for a capture ("save this for training") are never part of it, nor read as
    the user's reply to it; a request after the exchange that is not one (the user's "perfect,
    thanks, now …" whose answer is still running) is. Raises `TranscriptError` when the
    transcript holds no completed exchange.
    """
    fmt = "codex" if host == "codex" else "claude-code"
    imported = read(fmt, [transcript], CaptureOptions(ignore_request=is_trigger))
    main = [e for e in imported.examples if not _is_subagent(e)] or imported.examples
    if not main:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(imported.skipped.items())) or "nothing readable"
        raise TranscriptError(f"{transcript.name}: no completed exchange to capture ({reasons})")
    data = overrides.apply(main[-1])
    report = observe(core, data, imported.reply_after(main[-1]))
    result = core.collect(data, observed=True)
    result.reasons = [*result.reasons, *contradicted(report)]
    return Captured(result, report)


def capture_hook(core: Pipeline, request: HookRequest, overrides: Overrides) -> tuple[str, Report | None]:
    """Capture for a `UserPromptSubmit` hook; returns the note the model reads next and the claim
    report. The user asked for this capture in so many words, so the example counts as approved
    by a person."""
    if request.transcript_path is None:
        return "finetune-collection: nothing captured: the host gave no transcript_path.", None
    overrides.approved = True
    try:
        captured = capture_last(core, Path(request.transcript_path), request.host, overrides)
    except InvalidExample as err:
        return note(invalid_row(None, err)), None
    row = row_of(None, captured.result)
    if captured.claims is not None:
        row["claims"] = captured.claims.sentence()
    return note(row), captured.claims


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
    reasons = list(row["reasons"])
    if row["status"] == "accepted" and "below_min_quality" in reasons:
        # Not a contradiction to show as one: the capture was asked for, which counts as the
        # user's approval, and approval outranks the score (pipeline.status_for).
        reasons.remove("below_min_quality")
        parts.append("its quality score is under min_quality_score, but you asked for this capture, which counts "
                     "as your approval and outranks the score")
    if reasons:
        parts.append("reasons: " + ", ".join(reasons))
    if row["redactions"]:
        parts.append("redacted " + ", ".join(f"{n} {t}" for t, n in sorted(row["redactions"].items())))
    if row.get("claims"):
        parts.append(row["claims"])
    if row["status"] == "pending":
        parts.append(f"it waits for approval: `finetune approve {row['id']}` or the finetune_review tool")
    return "; ".join(parts) + "."
