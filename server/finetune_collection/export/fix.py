"""Structural repairs that never change what a turn says, applied and reported per example.

Safe (applied by default; `ExportRequest.strict` refuses the example instead):
- `moved_system_turn`: a leading system turn goes to the target's system field (only for formats
  that have one); a system field already set keeps its text first.
- `merged_same_role_turns`: consecutive user (or assistant) turns become one, texts joined by a
  blank line; assistant tool calls are concatenated. Turns with different `weight`s are not merged
  (that would change what is trained on), nor are tool results (each answers its own call).
Asked for (`ExportRequest.fix`, CLI `--fix`), because they remove words:
- `dropped_empty_turn`: a user/assistant turn whose text is blank and that carries no tool call.
- `dropped_text_before_tool_call`: the text of an assistant turn that also calls tools ("Let me
  run the tests."), only where the format failed for holding both in one turn (ShareGPT has one
  value per turn): agent sessions narrate before most calls, and the example is kept otherwise
  whole.
Repairs run only on an example that failed its format's rules, and the record is validated again.
"""

from __future__ import annotations

import dataclasses
from typing import Any, Literal

from .view import Conversation

Mode = Literal["strict", "safe", "all"]
SAFE_FIXES = ("moved_system_turn", "merged_same_role_turns")
ASKED_FIXES = ("dropped_empty_turn", "dropped_text_before_tool_call")


def mode_of(fix: bool, strict: bool) -> Mode:
    return "strict" if strict else "all" if fix else "safe"


def repair(conv: Conversation, system_field: bool, mode: Mode = "all", failed: frozenset[str] = frozenset()
           ) -> tuple[Conversation, list[str]]:
    """`failed`: the rules the example broke, for the repairs that only one failure calls for."""
    applied: list[str] = []
    turns = [dict(t) for t in conv.turns]
    system = conv.system
    if mode == "strict":
        return conv, applied

    if mode == "all":
        kept = [t for t in turns if not _blank(t)]
        if len(kept) != len(turns):
            applied.append("dropped_empty_turn")
        turns = kept

    if system_field and turns and turns[0]["role"] == "system":
        text = turns.pop(0).get("content") or ""
        system = f"{system}\n\n{text}" if system else text
        applied.append("moved_system_turn")

    merged: list[dict[str, Any]] = []
    for t in turns:
        prev = merged[-1] if merged else None
        if prev is not None and _mergeable(prev, t):
            _merge_into(prev, t)
            if "merged_same_role_turns" not in applied:
                applied.append("merged_same_role_turns")
        else:
            merged.append(t)
    if mode == "all" and "text_and_tool_call_in_one_turn" in failed:
        narrated = [t for t in merged if t["role"] == "assistant" and t.get("tool_calls") and t.get("content")]
        for t in narrated:
            t["content"] = None
        if narrated:
            applied.append("dropped_text_before_tool_call")
    # replace(): every other field (alternatives, flags) travels with the repaired turns
    fixed = dataclasses.replace(conv, system=system, turns=merged, rejected=list(conv.rejected),
                                inferred=list(conv.inferred))
    return fixed, applied


def _blank(t: dict[str, Any]) -> bool:
    if t["role"] not in ("user", "assistant") or t.get("tool_calls"):
        return False
    content = t.get("content")
    return not (isinstance(content, str) and content.strip())


def _mergeable(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return a["role"] == b["role"] and a["role"] in ("user", "assistant") and a.get("weight") == b.get("weight")


def _merge_into(a: dict[str, Any], b: dict[str, Any]) -> None:
    texts = [x for x in (a.get("content"), b.get("content")) if x]
    a["content"] = "\n\n".join(texts) if texts else None
    calls = (a.get("tool_calls") or []) + (b.get("tool_calls") or [])
    if calls:
        a["tool_calls"] = calls
