"""Bring recorded work into the dataset: transcripts and training files, and the capture hook.

The importers in `capture/` read what the host really wrote (Claude Code sessions, Codex
rollouts, our own and other common training files) into examples; this module runs them through
the same pipeline as a collected example (scrub, quality, dedup, store), with the caller's
overrides (quality, approval, task type, signals). `--dry-run` prepares every example (scrub and
score included) and writes nothing.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any

from .capture import CaptureOptions, ImportResult, import_path
from .capture.hook import DEFAULT_TRIGGERS, HookRequest, is_trigger
from .capture.locate import transcript_format
from .capture.preference_files import unapprovable
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


def capture_last(
    core: Pipeline, transcript: Path, host: str | None, overrides: Overrides,
    triggers: Sequence[str] = DEFAULT_TRIGGERS,
) -> Captured:
    """Collect the last completed exchange of a Claude Code session or Codex rollout, verbatim.

    `host` None: told from the file's first line. Prompts that ask for a capture (`triggers`:
    "save this for training", …) are never part of it, nor read as the user's reply to it; a
    request after the exchange that is not one (the user's "perfect, thanks, now …" whose answer
    is still running) is. Raises `TranscriptError` when the transcript holds no completed
    exchange. The result's message says how many images the exchange held (dropped: the example
    is text only) and when it was captured before.
    """
    data, reply = last_exchange(transcript, host, overrides, triggers)
    captured = collect_capture(core, data, reply)
    images = images_dropped(data)
    if images:
        captured.result.message += f"; {dropped_images(images)}"
    return captured


def last_exchange(
    transcript: Path, host: str | None, overrides: Overrides, triggers: Sequence[str] = DEFAULT_TRIGGERS
) -> tuple[dict[str, Any], str | None]:
    """The example a capture would collect (the transcript's last completed exchange, with the
    overrides) and the user's reply to it, if the transcript holds one."""
    fmt = host if host in ("codex", "claude-code") else transcript_format(transcript)
    # The exchange itself only: its sub-agents are not what the user asked to save (nor read).
    opts = CaptureOptions(ignore_request=partial(is_trigger, triggers=tuple(triggers)), subagents="none")
    imported = read(fmt, [transcript], opts)
    if not imported.examples:
        reasons = ", ".join(f"{k} {v}" for k, v in sorted(imported.skipped.items())) or "nothing readable"
        raise TranscriptError(f"{transcript.name}: no completed exchange to capture ({reasons})")
    last = imported.examples[-1]
    return overrides.apply(last), imported.reply_after(last)


def collect_capture(core: Pipeline, data: dict[str, Any], reply: str | None) -> Captured:
    """Collect a captured exchange, unless that very exchange (same session and lines) is stored
    already: the hook captures on `/finetune add`, and the command it expands to asks again."""
    report = observe(core, data, reply)
    prepared = core.prepare(data, observed=True)
    result = _same_capture(core, prepared.keys, data) or core.commit(prepared)
    result.reasons = [*result.reasons, *contradicted(report)]
    return Captured(result, report)


def _same_capture(core: Pipeline, keys: dict[str, Any], data: dict[str, Any]) -> CollectResult | None:
    match = core.store.find_duplicate(keys) if keys else None
    if match is None or match.kind != "exact":
        return None
    doc = core.store.get_doc(match.id)
    status = doc.get("status")
    if _capture_key(doc) != _capture_key(data) or status not in ("accepted", "pending", "below_threshold", "rejected"):
        return None
    return CollectResult(id=match.id, status=status, quality_score=float(doc.get("quality_score") or 0),
                         reasons=["already_captured"], message=f"already captured as {match.id} ({status}); "
                         "nothing stored again")


def _capture_key(example: dict[str, Any]) -> tuple[Any, ...] | None:
    source = (example.get("metadata") or {}).get("source")
    if not isinstance(source, dict) or source.get("session_id") is None:
        return None
    return source.get("format"), source.get("session_id"), source.get("lines"), source.get("part")


def images_dropped(example: dict[str, Any]) -> int:
    source = (example.get("metadata") or {}).get("source")
    count = source.get("images_dropped") if isinstance(source, dict) else None
    return count if isinstance(count, int) else 0


def dropped_images(count: int) -> str:
    return (f"{count} image(s) the exchange held were dropped: the example is text only, so a request about an "
            "image lost what it was about (check it before you approve it)")


def capture_hook(
    core: Pipeline, request: HookRequest, overrides: Overrides, triggers: Sequence[str] = DEFAULT_TRIGGERS
) -> tuple[str, Report | None]:
    """Capture for a `UserPromptSubmit` hook; returns the note the model reads next and the claim
    report. The user asked for this capture in so many words, so the example counts as approved
    by a person."""
    if request.transcript_path is None:
        return "finetune-collection: nothing captured: the host gave no transcript_path.", None
    overrides.approved = True
    try:
        data, reply = last_exchange(Path(request.transcript_path), None, overrides, triggers)
        captured = collect_capture(core, data, reply)
    except InvalidExample as err:
        return note(invalid_row(None, err)), None
    row = {**row_of(None, captured.result), "images_dropped": images_dropped(data)}
    if captured.claims is not None:
        row["claims"] = captured.claims.sentence()
    return note(row), captured.claims


def note(row: dict[str, Any]) -> str:
    """A short report for the model: id, status, redactions, and what to do next."""
    if row["status"] == "invalid":
        return f"finetune-collection: the last exchange could not be stored: {row['reasons'][0]}"
    if "already_captured" in row["reasons"]:
        claims = f" {row['claims']}." if row.get("claims") else ""
        return (f"finetune-collection: the last exchange was already captured as {row['id']} ({row['status']}); "
                f"nothing stored again.{claims}")
    parts = [f"finetune-collection captured the last exchange verbatim from the transcript: {row['status']}"]
    if row["id"]:
        parts[0] += f" as {row['id']}"
    if row.get("images_dropped"):
        parts.append(dropped_images(row["images_dropped"]))
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
