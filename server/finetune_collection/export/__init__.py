"""Export: stream the store to a trainer's JSONL, validated per target before anything is written.

    export(store, config, request, progress, index) -> ExportReport   one format, one file (or train/val)
    check(store, config, request) -> PortabilityReport                 every format, writes nothing
    readiness(store, config) -> list[dict]                             "ready to train?" per target
    FORMATS: dict[str, Format]                                         the registry (formats/)

Modules: run (the export loop) · check (portability, verdicts) · readiness (per target, for stats)
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

from ..errors import ExportError
from .base import Conversation, Format, Options, Problem, Unrepresentable
from .check import check
from .formats import FORMATS, get_format
from .readiness import readiness
from .report import ExportReport, ExportRequest, FormatCheck, PortabilityReport, Skipped
from .run import export

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
