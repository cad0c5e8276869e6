"""Listings of stored examples: the rows behind `finetune list` and `finetune://examples`."""

from __future__ import annotations

from typing import Any

from .store import Store

PREVIEW_CHARS = 80


def preview(doc: dict[str, Any]) -> str:
    """A short one-line preview of the user's request (stored text is already scrubbed)."""
    given, messages = doc.get("input"), doc.get("messages")
    if given:
        text = given.get("user", "") if isinstance(given, dict) else ""
    else:
        # Stored documents are schema-checked when written, but the file can be edited by hand.
        turns = messages if isinstance(messages, list) else []
        text = next((m.get("content") or "" for m in turns if isinstance(m, dict) and m.get("role") == "user"), "")
    text = " ".join(str(text).split())
    return text if len(text) <= PREVIEW_CHARS else text[: PREVIEW_CHARS - 1] + "…"


def row(doc: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": doc.get("id"),
        "status": doc.get("status"),
        "created_at": doc.get("created_at"),
        "task_type": doc.get("task_type"),
        "quality_score": doc.get("quality_score"),
        "preview": preview(doc),
    }


def list_page(
    store: Store,
    status: str | None = None,
    task_type: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> tuple[list[dict[str, Any]], int]:
    """(matching rows newest first, by created_at then insertion order; how many match in all)."""
    store.refresh()
    docs = [
        (doc.get("created_at") or "", i, doc)
        for i, doc in enumerate(store.docs())
        if (status is None or doc.get("status") == status) and (task_type is None or doc.get("task_type") == task_type)
    ]
    docs.sort(key=lambda t: (t[0], t[1]), reverse=True)
    end = None if limit is None else offset + limit
    return [row(doc) for _, _, doc in docs[offset:end]], len(docs)


def list_rows(
    store: Store, status: str | None = None, task_type: str | None = None, limit: int | None = None
) -> list[dict[str, Any]]:
    return list_page(store, status, task_type, limit)[0]
