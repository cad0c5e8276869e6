"""One entry point for every importable format: `import_path(fmt, path, opts)`."""

from __future__ import annotations

from pathlib import Path

from . import claude_code, codex, preference_files, training_files
from .result import CaptureOptions, ImportResult, TranscriptError

TRANSCRIPT_FORMATS = ("claude-code", "codex")
SOURCE_FORMATS = TRANSCRIPT_FORMATS + tuple(sorted(training_files.READERS)) + preference_files.FORMATS


def import_path(fmt: str, path: Path, opts: CaptureOptions | None = None) -> ImportResult:
    """Examples from a file (or a folder of sessions/rollouts) in format `fmt`.

    Transcripts follow `opts` (which exchanges, reasoning, sub-agents); a training file gives one
    example per record and only honours `opts.keep_reasoning`.
    """
    opts = opts or CaptureOptions()
    if fmt == "claude-code":
        return claude_code.read_project(path, opts) if path.is_dir() else claude_code.read_session(path, opts)
    if fmt == "codex":
        if not path.is_dir():
            return codex.read_rollout(path, opts)
        result = ImportResult()
        for rollout in sorted(path.rglob("rollout-*.jsonl")):
            result.extend(codex.read_rollout(rollout, opts))
        return result
    if fmt in training_files.READERS:
        return training_files.read_training_file(path, fmt, keep_reasoning=opts.keep_reasoning)
    if fmt in preference_files.READERS:
        return preference_files.read_preference_file(path, fmt, keep_reasoning=opts.keep_reasoning)
    raise TranscriptError(f"format {fmt[:30]!r} is not one of {', '.join(SOURCE_FORMATS)}")
