"""Export: stream the store to a trainer's JSONL, validated per target before anything is written.

    export(store, config, request, progress, index) -> ExportReport   one format, one file (or train/val)
    check(store, config, request) -> PortabilityReport                 every format, writes nothing
    readiness(store, config) -> list[dict]                             "ready to train?" per target
    FORMATS: dict[str, Format]                                         the registry (formats/)

Modules: run (the export loop) · portability (`check`, verdicts) · ready (`readiness` per target, for stats)
· filters (which examples) · view (`Conversation`, one example as formats see it) · base (building
it; the `Format` record) · process (validate, repair, secret re-check per record) · fix (safe
repairs, applied by default; `strict` refuses) · count (token counts: a local tokenizer, else the
labelled estimate) · status (which services take which format, with sources and dates) · card (the
hf-dataset README) · split (train/val by cluster) · writer (atomic output files, folder targets) ·
target (where an output path may point) · report (request and report models) · formats/ (one
module per target, each declaring its name, renderer, validator, documented limits and what it
cannot carry).

Formats (one module each): openai, anthropic (legacy), bedrock (legacy: Claude 3 Haiku), nova,
vertex, together, sharegpt, alpaca, axolotl, hf-messages, hf-prompt-completion, hf-dataset (a
folder). Where `input.context` goes is `export.context_placement` (system | user | drop),
overridable per format with `export.context_by_format`.
"""

from importlib import import_module
from typing import TYPE_CHECKING, Any

from ..errors import ExportError
from .report import ExportReport, ExportRequest, FormatCheck, PortabilityReport, Skipped

if TYPE_CHECKING:
    from .base import Conversation, Format, Options, Problem, Unrepresentable
    from .formats import FORMATS, get_format
    from .portability import check
    from .ready import readiness
    from .run import export

# The request and report models load with the package (a server's tool schemas need them); the
# exporter, the formats and the checks load on first use, so a server answers `tools/list`
# without importing them (PEP 562).
_LAZY = {
    "Conversation": "base", "Format": "base", "Options": "base", "Problem": "base", "Unrepresentable": "base",
    "check": "portability", "FORMATS": "formats", "get_format": "formats", "readiness": "ready", "export": "run",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value

__all__ = [
    "FORMATS",
    "Conversation",
    "ExportError",
    "ExportReport",
    "ExportRequest",
    "Format",
    "FormatCheck",
    "Options",
    "PortabilityReport",
    "Problem",
    "Skipped",
    "Unrepresentable",
    "check",
    "export",
    "get_format",
    "readiness",
]
