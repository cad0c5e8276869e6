"""What the preference formats share: the prompt (every turn before the final answer), the chosen
answer and the rejected one, checked the same way.

A preference record needs a rejected alternative (`collect_example`'s `rejected`, the answer
the user turned down); an example without one is skipped as `no_rejected_alternative`. The first
alternative is used: one record per example, like every other format.
"""

from __future__ import annotations

from typing import Any

from .base import Conversation, Problem, Unrepresentable
from .formats.openai import check_messages, render_messages

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "tool_calls", "tool_call_id", "name"}


def split(conv: Conversation, object_args: bool) -> tuple[list[dict[str, Any]], str, str]:
    """(prompt messages, chosen text, rejected text)."""
    if not conv.rejected:
        raise Unrepresentable("no_rejected_alternative", "the example has no rejected answer to pair with")
    messages = render_messages(conv, weight=False, object_args=object_args)
    final = messages[-1] if messages else {}
    if final.get("role") != "assistant" or not isinstance(final.get("content"), str) or final.get("tool_calls"):
        raise Unrepresentable("final_turn_not_text", "the chosen answer must be a final assistant text turn")
    return messages[:-1], final["content"], conv.rejected[0]


def answer(value: Any, where: str) -> list[Problem]:
    """A chosen or rejected answer: exactly one assistant message with non-empty text."""
    if not isinstance(value, list) or len(value) != 1 or not isinstance(value[0], dict):
        return [Problem("invalid_answer", f"{where} must be a list of one assistant message")]
    message = value[0]
    if message.get("role") != "assistant" or set(message) - {"role", "content"}:
        return [Problem("invalid_answer", f"{where} must hold role assistant and content only")]
    if not isinstance(message.get("content"), str) or not message["content"].strip():
        return [Problem("missing_content", f"{where} has no text")]
    return []


def prompt(messages: Any, object_args: bool) -> list[Problem]:
    problems = [p for p in check_messages(messages, ROLES, MESSAGE_KEYS, object_args)
                if p.rule != "example_missing_assistant_message"]  # a prompt ends before the answer
    if isinstance(messages, list) and messages and isinstance(messages[-1], dict) \
            and messages[-1].get("role") not in ("user", "tool"):
        problems.append(Problem("prompt_must_end_with_user", "the prompt's last message is not user or tool"))
    return problems


def same(chosen: Any, rejected: Any) -> list[Problem]:
    try:
        equal = chosen[0]["content"] == rejected[0]["content"]
    except (TypeError, KeyError, IndexError):
        return []
    return [Problem("chosen_equals_rejected", "the two answers are the same text")] if equal else []
