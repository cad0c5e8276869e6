"""Token estimates without network access or a tokenizer download.

About 4 characters per token for English prose and code (OpenAI's rule of thumb), plus the
chat format's per-message overhead (3 tokens per message, 3 per conversation, as in OpenAI's
data-preparation notebook). Every figure derived from this is labelled an estimate.
"""

from __future__ import annotations

from typing import Any

from .model import doc_context, doc_turns

CHARS_PER_TOKEN = 4
TOKENS_PER_MESSAGE = 3
TOKENS_PER_CONVERSATION = 3


def estimate_text(text: str) -> int:
    return (len(text) + CHARS_PER_TOKEN - 1) // CHARS_PER_TOKEN


def estimate_messages(messages: list[dict[str, Any]]) -> int:
    total = TOKENS_PER_CONVERSATION
    for m in messages:
        total += TOKENS_PER_MESSAGE
        content = m.get("content")
        if isinstance(content, str):
            total += estimate_text(content)
        for call in m.get("tool_calls") or []:
            fn = call.get("function", {})
            total += estimate_text(str(fn.get("name", ""))) + estimate_text(str(fn.get("arguments", "")))
    return total


def estimate_doc_tokens(doc: dict[str, Any]) -> int:
    """Estimate for a stored example document (either shape): its turns and its context."""
    context = doc_context(doc)
    return estimate_messages([*doc_turns(doc), *([{"content": context}] if context else [])])
