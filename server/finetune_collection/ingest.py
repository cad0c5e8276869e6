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
from .capture.preference_files import unapprovable
from .errors import FinetuneError, InvalidExample, TranscriptError
from .model import Signal
from .pipeline import CollectResult, Pipeline
from .signals import Policy, detect, reconcile


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
        if self.approved and not unapprovable(data) and isinstance(data.setdefault("metadata", {}), dict):
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
    examples = imported.examples
    for n, example in enumerate(examples):
        number = first_line(example)
        try:
            data = overrides.apply(example)
            contradicted: list[str] = []
            if _from_agent(example):
                contradicted = observe(core, data, _next_request(example, examples[n + 1:]))
            result = preview(core, data, True) if dry_run else core.collect(data, observed=True)
        except InvalidExample as err:
            yield invalid_row(number, err)
            continue
        row = row_of(number, result)
        row["reasons"] = [*row["reasons"], *(f"claim_contradicted:{name}" for name in contradicted)]
        yield row


def observe(core: Pipeline, data: dict[str, Any], reply: str | None) -> list[str]:
    """Put the signals the record shows next to the claimed ones (in place); returns the claims
    the record contradicts (codes only: the evidence is scrubbed with the example)."""
    settings = core.config.quality_filters.signals
    if not settings.detect or not isinstance(data.get("messages"), list):
        return []
    observed = detect(data["messages"], after_user_reply=reply)
    claimed = [s for s in data.get("signals") or [] if isinstance(s, str | dict)]
    signals, report = reconcile([_claim(s) for s in claimed], observed,
                                Policy(settings.contradicted_claims, settings.unconfirmed_claims))
    data["signals"] = [s.model_dump(exclude_none=True) for s in signals]
    return [c["signal"] for c in report.to_dict()["contradicted"]]


def _claim(value: str | dict[str, Any]) -> Signal:
    if isinstance(value, str):
        return Signal(name=value)
    return Signal.model_validate({k: v for k, v in value.items() if k in ("name", "evidence")})


def _from_agent(example: dict[str, Any]) -> bool:
    source = (example.get("metadata") or {}).get("source")
    return isinstance(source, dict) and source.get("format") in ("claude-code", "codex")


def _next_request(example: dict[str, Any], later: list[dict[str, Any]]) -> str | None:
    """The user's next words after this example: the first request of the next example of the
    same session (the reply that accepts or rejects the work), if the import holds it."""
    session = ((example.get("metadata") or {}).get("source") or {}).get("session_id")
    for other in later:
        source = (other.get("metadata") or {}).get("source") or {}
        if source.get("session_id") != session or source.get("parent") is not None:
            continue
        first = next((m for m in other.get("messages") or [] if m.get("role") == "user"), None)
        return first.get("content") if isinstance(first, dict) and isinstance(first.get("content"), str) else None
    return None


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
    data = overrides.apply(main[-1])
    observe(core, data, None)  # the user's next words are the capture request itself: not a reply
    return core.collect(data, observed=True)


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
    if row["status"] == "pending":
        parts.append(f"it waits for approval: `finetune approve {row['id']}` or the finetune_review tool")
    return "; ".join(parts) + "."
