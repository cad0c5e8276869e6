"""A Hugging Face dataset folder: `data/train.jsonl` (and `data/validation.jsonl` with a split) in
the `hf-messages` record shape, plus a `README.md` dataset card (card.py).

The folder is what `hf upload` pushes and `datasets.load_dataset(folder)` loads: the card's YAML
header declares the `configs` with one `data_files` entry per split
(https://huggingface.co/docs/hub/datasets-manual-configuration). Records, rules and losses are
those of `hf-messages` (see that module).
"""

from __future__ import annotations

from dataclasses import replace

from . import hf_messages

FORMAT = replace(
    hf_messages.FORMAT,
    name="hf-dataset",
    summary="Hugging Face dataset folder (data/train.jsonl + README.md card) for `hf upload`",
    folder=True,
    sources=(*hf_messages.FORMAT.sources, "https://huggingface.co/docs/hub/datasets-manual-configuration"),
)
