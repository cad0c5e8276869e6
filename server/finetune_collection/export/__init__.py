"""Export: stream the store to a trainer's JSONL, validated per target before anything is written.

    export(store, config, request, progress, index) -> ExportReport   one format, one file (or train/val)
    check(store, config, request) -> PortabilityReport                 every format, writes nothing
    readiness(store, config) -> list[dict]                             "ready to train?" per target
    FORMATS: dict[str, Format]                                         the registry (formats/)

Modules: run (the export loop) · check (portability, readiness) · filters (which examples) ·
base (a conversation as formats see it) · process (validate, fix, secret re-check per record) ·
fix (safe repairs) · split (train/val by cluster) · writer (atomic output file) · target
(where an output path may point) · report (request and report models) · formats/ (one module
per target, each declaring its name, renderer and validator).

Formats (one module each): openai, anthropic (legacy), bedrock, vertex, together, sharegpt,
alpaca, hf-messages, hf-prompt-completion. Where `input.context` goes is
`export.context_placement` (system | user | drop), overridable per format with
`export.context_by_format`.
"""

from ..errors import ExportError
from .base import Conversation, Format, Options, Problem, Unrepresentable
from .check import check, readiness
from .formats import FORMATS, get_format
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
