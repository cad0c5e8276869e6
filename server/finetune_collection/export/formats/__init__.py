"""The format registry: one module per target, each exporting `FORMAT`. A new format is one module
plus its golden files, and one line here."""

from __future__ import annotations

from ...errors import ExportError
from ..base import Format
from . import (
    alpaca,
    anthropic,
    axolotl,
    bedrock,
    hf_dataset,
    hf_messages,
    hf_prompt_completion,
    nova,
    openai,
    openai_dpo,
    sharegpt,
    together,
    trl_kto,
    trl_preference,
    vertex,
    vertex_preference,
)

FORMATS: dict[str, Format] = {
    m.FORMAT.name: m.FORMAT
    for m in (
        openai, anthropic, bedrock, nova, vertex, together, sharegpt, alpaca, axolotl, hf_messages,
        hf_prompt_completion, hf_dataset, openai_dpo, trl_preference, trl_kto, vertex_preference,
    )
}


def get_format(name: str) -> Format:
    try:
        return FORMATS[name]
    except KeyError:
        raise ExportError(f"unknown export format; known formats: {', '.join(FORMATS)}") from None
