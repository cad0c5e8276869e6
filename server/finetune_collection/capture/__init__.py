"""Capture: turn agent transcripts and common training files into examples (`ExampleIn` dicts).

Importers: `claude_code` (session JSONL; the tree walk in `claude_code_chain`), `codex`
(rollout JSONL), `training_files` (openai, sharegpt, hf-messages, alpaca), all behind
`sources.import_path`. `locate` finds the hosts' transcripts, `exchange` selects exchanges and
builds messages and provenance, `result` holds the options, the result type and the skip
reasons. `hook` is the stdlib-only fast path of a `UserPromptSubmit` hook.

Names are resolved lazily (PEP 562): importing `finetune_collection.capture.hook` runs this file,
and the hook's no-op path must not pay for the importers.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not from `typing`: the hook's no-op path loads this file on every prompt
if TYPE_CHECKING:
    from typing import Any

_EXPORTS = {
    "CaptureOptions": "result",
    "ImportResult": "result",
    "TranscriptError": "result",
    "IMPORTER_VERSION": "result",
    "SKIP_REASONS": "result",
    "TOOL_ERROR_PREFIX": "exchange",
    "read_session": "claude_code",
    "read_project": "claude_code",
    "find_session": "locate",
    "projects_root": "locate",
    "find_rollout": "locate",
    "read_rollout": "codex",
    "read_training_file": "training_files",
    "import_path": "sources",
    "SOURCE_FORMATS": "sources",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f".{module}", __name__), name)
