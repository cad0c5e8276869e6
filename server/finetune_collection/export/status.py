"""Which fine-tuning services accept which export format now: one table, its sources and the date
each row was checked. `check()` and `readiness()` attach each target's rows, and the README prints
the same table (a test keeps the two in step).

A service that stopped taking jobs stays listed so a user holding an old file learns why; the
formats it used stay available and are labelled legacy (`Format.legacy`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

State = Literal["active", "winding down", "ended", "deprecated", "open source"]
CHECKED = "2026-12-02"


@dataclass(frozen=True, slots=True)
class Service:
    name: str
    formats: tuple[str, ...]
    state: State
    note: str
    source: str
    checked: str = CHECKED

    def line(self) -> str:
        return f"{self.name}: {self.state} ({self.note}; {self.source}, checked {self.checked})"

    def short(self) -> str:
        return f"{self.name}: {self.state}"


SERVICES: tuple[Service, ...] = (
    Service(
        "OpenAI self-serve fine-tuning", ("openai", "openai-dpo"), "winding down",
        "closed to new users since May 2026; existing users for the coming months",
        "https://developers.openai.com/docs/guides/supervised-fine-tuning",
    ),
    Service(
        "Azure OpenAI / AI Foundry", ("openai", "openai-dpo"), "active",
        "SFT on gpt-4o / gpt-4o-mini and later; DPO in preview",
        "https://learn.microsoft.com/en-us/azure/ai-foundry/openai/how-to/fine-tuning",
    ),
    Service(
        "Together AI", ("together", "openai", "openai-dpo"), "active",
        "messages with tools, or prompt/completion; DPO pairs with one assistant message per output",
        "https://docs.together.ai/docs/fine-tuning/data-preparation",
    ),
    Service(
        "Fireworks AI", ("openai", "openai-dpo"), "active", "OpenAI messages with weight 0/1; DPO pairs",
        "https://docs.fireworks.ai/fine-tuning/fine-tuning-models",
    ),
    Service(
        "Amazon Bedrock, Amazon Nova", ("nova",), "active",
        "bedrock-conversation-2024; Nova 2 SFT takes no tool use",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/nova-2-sft-data-prep.html",
    ),
    Service(
        "Amazon Bedrock, Claude 3 Haiku", ("bedrock",), "ended", "end of life 2026-09-10 in most regions",
        "https://docs.aws.amazon.com/bedrock/latest/userguide/model-card-anthropic-claude-3-haiku.html",
    ),
    Service(
        "Anthropic text completions", ("anthropic",), "ended",
        "legacy prompt/completion shape; no Claude fine-tuning service takes it",
        "https://docs.anthropic.com/en/api/prompt-validation",
    ),
    Service(
        "Vertex AI, Gemini", ("vertex",), "active", "Gemini 2.5 supervised tuning",
        "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-supervised-tuning-prepare",
    ),
    Service(
        "Vertex AI, Gemini preference tuning", ("vertex-preference",), "active",
        "text-only contents ending with a user turn, a scored pair of completions",
        "https://cloud.google.com/vertex-ai/generative-ai/docs/models/gemini-preference-tuning-prepare",
    ),
    Service(
        "Mistral, Cohere fine-tuning", (), "deprecated", "no format of ours targets them",
        "https://docs.mistral.ai/getting-started/models/deprecated ; https://docs.cohere.com/docs/fine-tuning",
    ),
    Service(
        "TRL / Unsloth", (
            "hf-messages", "hf-prompt-completion", "hf-dataset", "trl-preference", "trl-kto",
        ), "open source",
        "SFTTrainer applies the chat template; no per-message training flag; DPOTrainer takes prompt/chosen/rejected, "
        "KTOTrainer prompt/completion/label",
        "https://huggingface.co/docs/trl/dataset_formats",
    ),
    Service(
        "Axolotl", ("axolotl", "alpaca", "sharegpt"), "open source",
        "type chat_template with a per-message train flag; type sharegpt deprecated",
        "https://docs.axolotl.ai/docs/dataset-formats/conversation.html",
    ),
    Service(
        "LLaMA-Factory", ("sharegpt", "alpaca"), "open source", "dataset_info.json maps columns and tags",
        "hiyouga/LLaMA-Factory data/README.md",
    ),
)


def services_for(fmt: str) -> list[Service]:
    return [s for s in SERVICES if fmt in s.formats]


def markdown_table() -> str:
    """The table as the README shows it."""
    rows = ["| service | formats | status | source (checked) |", "|---|---|---|---|"]
    for s in SERVICES:
        formats = ", ".join(f"`{f}`" for f in s.formats) or "—"
        rows.append(f"| {s.name} | {formats} | {s.state}: {s.note} | {s.source} ({s.checked}) |")
    return "\n".join(rows)
