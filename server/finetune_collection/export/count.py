"""Token counts: a real tokenizer when one is available offline, else the labelled estimate.

`export.tokenizer` names one:
- a path to a Hugging Face `tokenizer.json` (read with the `tokenizers` package), or
- `tiktoken:<encoding>` (e.g. `tiktoken:o200k_base`), used only when the encoding file is already
  in tiktoken's cache (`TIKTOKEN_CACHE_DIR`, else `<tmp>/data-gym-cache`, as tiktoken documents for
  offline use): loading an uncached one would download it, so we fall back to the estimate instead.
Chat overhead follows OpenAI's data-preparation notebook either way: 3 tokens per message plus 3
per conversation; tool declarations and call arguments are counted as their JSON text.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..tokens import TOKENS_PER_CONVERSATION, TOKENS_PER_MESSAGE
from .base import Conversation, estimate_tokens

Encode = Callable[[str], int]
ESTIMATE_LABEL = "estimated (~4 characters per token, no tokenizer)"
_TIKTOKEN_BLOB = "https://openaipublic.blob.core.windows.net/encodings/{}.tiktoken"


@dataclass(frozen=True, slots=True)
class TokenCounter:
    label: str  # says which tokenizer counted, or that the figure is an estimate
    encode: Encode | None = None

    @property
    def exact(self) -> bool:
        return self.encode is not None

    def count(self, conv: Conversation) -> int:
        if self.encode is None:
            return estimate_tokens(conv)
        n = TOKENS_PER_CONVERSATION
        texts = [conv.system] if conv.system else []
        n += TOKENS_PER_MESSAGE * (len(conv.turns) + (1 if conv.system else 0))
        for t in conv.turns:
            if isinstance(t.get("content"), str):
                texts.append(t["content"])
            for call in t.get("tool_calls") or []:
                fn = call.get("function") or {}
                texts += [str(fn.get("name", "")), str(fn.get("arguments", ""))]
        if conv.tools:
            texts.append(json.dumps(conv.tools, ensure_ascii=False))
        return n + sum(self.encode(x) for x in texts if x)


ESTIMATE = TokenCounter(ESTIMATE_LABEL)


def tiktoken_cached(encoding: str) -> bool:
    cache = os.environ.get("TIKTOKEN_CACHE_DIR") or os.environ.get("DATA_GYM_CACHE_DIR")
    folder = Path(cache) if cache else Path(tempfile.gettempdir()) / "data-gym-cache"
    key = hashlib.sha1(_TIKTOKEN_BLOB.format(encoding).encode()).hexdigest()
    return (folder / key).is_file()


def load_counter(spec: str | None) -> TokenCounter:
    """The counter `export.tokenizer` names, or the estimate (labelled with the reason)."""
    if not spec:
        return ESTIMATE
    if spec.startswith("tiktoken:"):
        name = spec.removeprefix("tiktoken:")
        if not tiktoken_cached(name):
            return TokenCounter(f"{ESTIMATE_LABEL}: tiktoken encoding {name} is not cached")
        try:
            import tiktoken

            enc = tiktoken.get_encoding(name)
        except Exception:  # noqa: BLE001 - any failure means: no offline tokenizer
            return TokenCounter(f"{ESTIMATE_LABEL}: tiktoken encoding {name} did not load")
        return TokenCounter(f"counted with tiktoken {name}", lambda s: len(enc.encode(s, disallowed_special=())))
    try:
        from tokenizers import Tokenizer
    except ImportError:
        return TokenCounter(f"{ESTIMATE_LABEL}: the tokenizers package is not installed")
    path = Path(spec).expanduser()
    try:
        tok = Tokenizer.from_file(str(path))
    except Exception:  # noqa: BLE001 - a missing or unreadable file
        return TokenCounter(f"{ESTIMATE_LABEL}: export.tokenizer file did not load")
    return TokenCounter(f"counted with {path.name}", lambda s: len(tok.encode(s, add_special_tokens=False).ids))
