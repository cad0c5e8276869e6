"""One example's fields scrubbed for the store: every free-text value, and keys where they are
caller data, but never the example's own field names or roles."""

from __future__ import annotations

import json
from typing import Any

from ..model import Metadata
from .structured import Session

_METADATA_FIELDS = frozenset(Metadata.model_fields)


def scrub_fields(raw: dict[str, Any], session: Session) -> dict[str, Any]:
    """Scrub every free-text value, but never the example's own field names or roles.

    Scrubbing the whole dump (keys included) let a rule rewrite structure: a user pattern
    such as `a+$` turned the key "metadata" into "metadat<X>" and the example was refused.
    Keys are scrubbed only where they are caller data (metadata extras, tool definitions).
    Caller data is judged as JSON: each value in the context of its key (scrub/structured.py).
    """
    text = session.text
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key in ("input", "output") and isinstance(value, dict):
            out[key] = {k: text(v) for k, v in value.items()}
        elif key == "messages" and isinstance(value, list):
            out[key] = [_scrub_message(m, session) for m in value]
        elif key == "rejected" and isinstance(value, list):
            out[key] = [{k: text(v) for k, v in r.items()} for r in value]
        elif key == "signals" and isinstance(value, list):
            out[key] = [{**s, "evidence": text(s["evidence"])} if "evidence" in s else s for s in value]
        elif key == "metadata" and isinstance(value, dict):
            out[key] = {(k if k in _METADATA_FIELDS else text(k)): session.value(v, k) for k, v in value.items()}
        elif key == "tools":
            out[key] = session.value(value)
        else:  # task_type and any other scalar
            out[key] = text(value)
    return out


def _scrub_message(message: dict[str, Any], session: Session) -> dict[str, Any]:
    text = session.text
    out: dict[str, Any] = dict(message)
    # Ids and tool names are caller text too: a call id can carry a token. The same value
    # scrubs to the same text, so a call and the tool message answering it still match.
    for key in ("content", "name", "reasoning", "tool_call_id"):
        if key in message:
            out[key] = text(message[key])
    if message.get("tool_calls"):
        out["tool_calls"] = [
            {**call, "id": text(call["id"]),
             "function": {"name": text(call["function"]["name"]),
                          "arguments": _scrub_arguments(call["function"]["arguments"], session)}}
            for call in message["tool_calls"]
        ]
    return out


def _scrub_arguments(text: str, session: Session) -> str:
    """Scrub JSON-encoded arguments as the values they encode, not as escaped text.

    In `{"cmd": "password = \\"hunter2\\""}` the rules see `\\"` where a quote should be, so
    a keyword rule redacted the backslash and kept the secret. Decoded, the string is
    ordinary text, each value judged under its key; it is re-encoded after scrubbing.
    """
    try:
        value = json.loads(text)
    except (ValueError, RecursionError):
        return str(session.text(text))
    return json.dumps(session.value(value), ensure_ascii=False)
