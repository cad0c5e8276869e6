"""The README.md dataset card of an `hf-dataset` folder.

Its YAML header is what the Hub and `datasets.load_dataset(folder)` read: `configs` with one
`data_files` entry per split (https://huggingface.co/docs/hub/datasets-manual-configuration), plus
`license`, `task_categories`, `tags` and `size_categories`
(https://huggingface.co/docs/hub/datasets-cards). The body says how the data was collected and
scrubbed, with counts only: no example text, ids, paths, config values or scrub patterns (a user's
own patterns can name what they protect).
"""

from __future__ import annotations

from dataclasses import dataclass, field

import yaml

SIZE_CATEGORIES = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"))


@dataclass(slots=True)
class CardFacts:
    splits: dict[str, int]  # split name -> records
    license: str
    tasks: dict[str, int] = field(default_factory=dict)
    fixes: dict[str, int] = field(default_factory=dict)
    losses: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    redactions: dict[str, int] = field(default_factory=dict)  # placeholder type -> count
    tokens: int = 0
    token_counting: str = ""
    min_quality: float | None = None


def size_category(n: int) -> str:
    for bound, name in SIZE_CATEGORIES:
        if n < bound:
            return name
    return "n>1M"


def render_card(facts: CardFacts) -> str:
    total = sum(facts.splits.values())
    header = {
        "license": facts.license,
        "task_categories": ["text-generation"],
        "tags": ["sft", "conversational", "finetune-collection"],
        "size_categories": [size_category(total)],
        "configs": [
            {
                "config_name": "default",
                "data_files": [{"split": s, "path": f"data/{s}.jsonl"} for s in facts.splits],
            }
        ],
    }
    lines = ["---", yaml.safe_dump(header, sort_keys=False).rstrip(), "---", "", "# Dataset card", ""]
    lines += [
        "Conversations in which an AI assistant's work succeeded, collected with finetune-collection "
        "for supervised fine-tuning.",
        "",
        "## Format",
        "",
        "One JSON object per line: `messages` (OpenAI-style roles system/user/assistant/tool; tool-call "
        "`arguments` are objects) and `tools` (function declarations, null when unused), the "
        "conversational format of TRL's `SFTTrainer` (https://huggingface.co/docs/trl/dataset_formats).",
        "",
        "## Splits",
        "",
        *[f"- {s}: {n} example(s)" for s, n in facts.splits.items()],
        "",
        "## How it was collected",
        "",
        "Each example was saved from a working session, scored for quality"
        + (f" (kept at {facts.min_quality:g} or more)" if facts.min_quality is not None else "")
        + ", approved, and deduplicated before it was stored.",
        "",
        "Task types: " + (", ".join(f"{k} {v}" for k, v in facts.tasks.items()) or "none") + ".",
        "",
        "## How it was scrubbed",
        "",
        "Personal data and secrets were replaced by typed placeholders when each example was stored, and "
        "every record was scanned again by an independent secret detector before this export; records "
        "that still looked like they held a secret were left out.",
        "",
        "Placeholders in the stored examples: "
        + (", ".join(f"{k} {v}" for k, v in facts.redactions.items()) or "none")
        + ".",
        "",
        "## Export",
        "",
        f"Tokens: {facts.tokens} ({facts.token_counting}).",
    ]
    for title, counts in (
        ("Structural repairs (no words changed)", facts.fixes),
        ("Lost in this format", facts.losses),
        ("Left out", facts.skipped),
    ):
        if counts:
            lines.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in counts.items()) + ".")
    lines += ["", "Review the data and set the license before you publish it.", ""]
    return "\n".join(lines)
