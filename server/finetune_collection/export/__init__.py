"""Export: stream the store to a trainer's JSONL, validated per target before anything is written.

    export(store_path, config, request, progress) -> ExportReport   one format, one file (or train/val)
    check(store_path, config, request) -> PortabilityReport          every format, writes nothing
    readiness(store_path, config) -> list[dict]                      "ready to train?" per target
    FORMATS: dict[str, Format]                                       the registry (registry.py)

Formats (one module each): openai, anthropic (legacy), bedrock, vertex, together, sharegpt,
alpaca, hf-messages, hf-prompt-completion. Where `input.context` goes is
`export.context_placement` (system | user | drop), overridable per format with
`export.context_by_format`.
"""

from ..errors import ExportError
from ._base import Conversation, Format, Options, Problem, Unrepresentable
from ._check import check, readiness
from ._models import ExportReport, ExportRequest, FormatCheck, PortabilityReport, Skipped
from ._run import export
from .registry import FORMATS, get_format

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
