"""What the preference formats share: the prompt (every turn before the final answer), the chosen
answer and the rejected one, checked the same way.

A paired record needs a rejected alternative: `collect_example`'s `rejected` (the answer the user
turned down) first, else an inferred one (the answer of an earlier `user_rejected` example to the
same prompt, export/pairs.py); an example with neither is skipped as `no_rejected_alternative`.
The first alternative is used: one record per example, like every other format. The unpaired
formats (trl-kto) write every answer instead, each with its label.
"""

from __future__ import annotations

from typing import Any

from .base import Conversation, Problem, Unrepresentable
from .formats.openai import check_messages, render_messages

ROLES = {"system", "user", "assistant", "tool"}
MESSAGE_KEYS = {"role", "content", "tool_calls", "tool_call_id", "name"}


def alternatives(conv: Conversation) -> list[str]:
    """Rejected answers, explicit ones first (the primary source), then inferred ones."""
    return [*conv.rejected, *conv.inferred]


def final_text(turn: dict[str, Any] | None) -> str:
    """The final turn's text; refused (`final_turn_not_text`) unless it is assistant text."""
    if turn is None or turn.get("role") != "assistant" or not isinstance(turn.get("content"), str) \
            or turn.get("tool_calls"):
        raise Unrepresentable("final_turn_not_text", "the chosen answer must be a final assistant text turn")
    return str(turn["content"])


def prompt_and_answer(conv: Conversation, object_args: bool) -> tuple[list[dict[str, Any]], str]:
    """(prompt messages, the final answer's text)."""
    messages = render_messages(conv, weight=False, object_args=object_args)
    return messages[:-1], final_text(messages[-1] if messages else None)


def split(conv: Conversation, object_args: bool) -> tuple[list[dict[str, Any]], str, str]:
    """(prompt messages, chosen text, rejected text)."""
    given = alternatives(conv)
    if not given:
        raise Unrepresentable("no_rejected_alternative", "the example has no rejected answer to pair with")
    messages, chosen = prompt_and_answer(conv, object_args)
    return messages, chosen, given[0]


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
