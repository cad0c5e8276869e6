"""Duplicate detection behind one seam: `Deduper.find(keys)` and `add()` / `remove()`.

Only what the user asked and what the assistant answered (plus tool calls and results) counts:
the system prompt and the context never make two examples duplicates, because a long shared
system prompt is the normal case. Exact duplicates (same normalized content) short-circuit;
near duplicates are found by MinHash LSH in `near.py` when enabled. The index never reads the
store: whoever owns it feeds it the stored keys (`add`) and the changes (`remove`).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

import regex

from ..config import DedupSettings
from ..model import Example

_SPACE = regex.compile(r"\s+")
# `str.split()` splits where `\s` does, and also at these four control characters (checked over
# every code point); text holding one of them takes the regex path, so keys never change.
SPLIT_ONLY = ("\x1c", "\x1d", "\x1e", "\x1f")


@dataclass(slots=True)
class Match:
    id: str
    kind: str  # "exact" | "near"
    similarity: float


def content_text(example: Example) -> str:
    """The text that decides duplicates: user/assistant/tool turns, never system or context."""
    parts: list[str] = []
    for m in example.turns():
        if m.role == "system":
            continue
        parts.append(f"{m.role}:")
        if m.content:
            parts.append(m.content)
        for call in m.tool_calls or []:
            parts.append(f"call {call.function.name} {call.function.arguments}")
    return "\n".join(parts)


def normalize(text: str) -> str:
    """Casefolded, whitespace runs collapsed to one space, stripped."""
    folded = text.casefold()
    if any(c in folded for c in SPLIT_ONLY):
        return str(_SPACE.sub(" ", folded)).strip()
    return " ".join(folded.split())  # 5x the regex's speed: a collect normalizes every text twice


def exact_key(example: Example) -> str:
    return hashlib.blake2b(normalize(content_text(example)).encode(), digest_size=16).hexdigest()


class Deduper:
    """In-memory duplicate index, rebuilt from the keys the store keeps for each example."""

    def __init__(self, settings: DedupSettings) -> None:
        self.settings = settings
        self._exact: dict[str, str] = {}  # exact key -> example id
        self._by_id: dict[str, str] = {}  # example id -> exact key

    def keys(self, example: Example) -> dict[str, Any]:
        """Keys to store beside the example (computed once, at collect time)."""
        return {"exact": exact_key(example)}

    def find(self, keys: dict[str, Any]) -> Match | None:
        hit = self._exact.get(keys["exact"])
        return Match(hit, "exact", 1.0) if hit is not None else None

    def add(self, example_id: str, keys: dict[str, Any]) -> None:
        self._exact.setdefault(keys["exact"], example_id)
        self._by_id[example_id] = keys["exact"]

    def remove(self, example_id: str) -> None:
        key = self._by_id.pop(example_id, None)
        if key is not None and self._exact.get(key) == example_id:
            del self._exact[key]

    def exact_groups(self) -> list[list[str]]:
        """Ids sharing an exact key, in groups of two or more."""
        groups: dict[str, list[str]] = {}
        for example_id, key in self._by_id.items():
            groups.setdefault(key, []).append(example_id)
        return [g for g in groups.values() if len(g) > 1]

    def exact_key_of(self, example_id: str) -> str | None:
        return self._by_id.get(example_id)

    def __contains__(self, example_id: str) -> bool:
        return example_id in self._by_id

    def __len__(self) -> int:
        return len(self._by_id)
