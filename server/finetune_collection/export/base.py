"""What every format shares: the `Conversation` a format renders, `Problem`s, and the `Format` record.

A stored `Example` is turned into one `Conversation` (context placed, tools normalised) and each
format's `render()` maps that to its record shape; `validate()` then checks the record against the
target's rules. Formats never repair anything: fix.py does (the safe repairs by default, unless
the request is strict), and every repair is reported.

Rule names follow OpenAI's data-preparation notebook where a rule exists there
(`data_type`, `missing_messages_list`, `message_missing_key`, `message_unrecognized_key`,
`unrecognized_role`, `missing_content`, `example_missing_assistant_message`); other rules are
stable snake_case codes of our own, listed in each format's docstring.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, Literal

from ..model import Example, single_turns
from ..tokens import TOKENS_PER_MESSAGE, estimate_messages, estimate_text
from .fix import repair
from .view import Conversation as Conversation  # re-exported: formats take it from base

Placement = Literal["system", "user", "drop"]
Record = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Problem:
    """One broken rule. `detail` names positions, roles and keys; never example text."""

    rule: str
    detail: str = ""
    fatal: bool = True  # False: a warning the target gives but still accepts the example


class Unrepresentable(Exception):
    """The conversation cannot be expressed in the target's shape (e.g. tool calls in Alpaca)."""

    def __init__(self, rule: str, detail: str = "") -> None:
        super().__init__(rule)
        self.problem = Problem(rule, detail)


def excluded_turns(conv: Conversation) -> bool:
    """The user excluded a turn from training (`weight: 0`)."""
    return any(t.get("weight") == 0 for t in conv.turns)


@dataclass(frozen=True, slots=True)
class Options:
    context_placement: Placement = "system"


@dataclass(frozen=True, slots=True)
class Format:
    name: str
    summary: str
    render: Callable[[Conversation], Record]
    validate: Callable[[Any], list[Problem]]
    system_field: bool  # has a system slot outside the turn list (so a system turn must move)
    min_examples: int | None = None
    recommended_examples: int | None = None
    token_limit: int | None = None
    limit_is_hard: bool = True  # False: the target truncates instead of rejecting (OpenAI)
    default_epochs: int | None = None  # None: OpenAI notebook's formula
    sources: tuple[str, ...] = field(default_factory=tuple)
    # Per-model limits for `ExportRequest.model` (the first entry is the default model), each
    # figure cited in the format module next to the number.
    models: dict[str, int] = field(default_factory=dict)
    # Whether an example loses a per-message `weight: 0` in this target (None: the target carries it).
    weight_lost: Callable[[Conversation], bool] | None = field(default=lambda conv: excluded_turns(conv))
    folder: bool = False  # writes a folder (hf-dataset), not one JSONL file
    # Where the loaders build one table from the file: every record gets these keys, so
    # `datasets` fills no column itself (an empty string or list, or null where the trainers
    # read null as "none": the Hugging Face shapes' `tools`).
    uniform_keys: dict[str, Any] = field(default_factory=dict)
    legacy: str | None = None  # why the target is legacy, with the date; None when current
    snippet: str = ""  # trainer configuration to paste, shown by --check (axolotl's dataset YAML)
    split_note: str | None = None  # a warning for a train/validation split the target will not use
    # Preference targets: "pairs" (a chosen and a rejected answer per record) or "labels" (unpaired
    # answers labelled good or bad); export/pairs.py adds inferred alternatives for both, and
    # --check counts what they would get.
    preference: Literal["pairs", "labels"] | None = None
    # Several records per example (trl-kto: one per answer); None: `render` writes the one record.
    # `render` still gives the first, so rule tests and `to_record` read one record as elsewhere.
    records: Callable[[Conversation], list[Record]] | None = None

    def limit_for(self, model: str | None) -> tuple[int | None, str | None]:
        """(token limit, model it is for); an unknown model keeps the format's default limit."""
        if model is not None and model in self.models:
            return self.models[model], model
        if self.models:
            first = next(iter(self.models))
            return self.models[first], first
        return self.token_limit, None

    def to_record(self, example: Example, opts: Options | None = None) -> Record:
        """Render one stored example as a default export writes its line: the safe repairs (fix.py)
        apply only when the plain rendering breaks a rule. Raises `Unrepresentable`."""
        conv = conversation(example, (opts or Options()).context_placement)
        try:
            record = self.render(conv)
            broken = any(p.fatal for p in self.validate(uniform(record, self.uniform_keys)))
        except Unrepresentable:
            broken = True
        if broken:
            fixed, applied = repair(conv, self.system_field, "safe")
            if applied:
                conv = fixed
            record = self.render(conv)
        return uniform(record, self.uniform_keys) if self.uniform_keys else record


# -- building a conversation --------------------------------------------------------------------
def function_declaration(tool: dict[str, Any]) -> dict[str, Any]:
    """Accept OpenAI's {"type":"function","function":{…}} or a bare {name, parameters} declaration."""
    if tool.get("type") == "function" and isinstance(tool.get("function"), dict):
        return dict(tool["function"])
    return dict(tool)


def conversation(example: Example, placement: Placement) -> Conversation:
    system: str | None = None
    if example.messages is None:  # the single-turn shape: its system prompt and context placed
        assert example.input is not None and example.output is not None
        turns = single_turns(example.input.system, example.input.user, example.output.assistant)
        if turns[0]["role"] == "system":
            system = turns.pop(0)["content"]
        context = example.context
        if context and placement == "system":
            system = f"{system}\n\n{context}" if system else context
        elif context and placement == "user":
            turns[0]["content"] = f"{context}\n\n{turns[0]['content']}"
    else:
        turns = [m.model_dump(exclude_none=True) for m in example.messages]
        for t in turns:
            t.setdefault("content", None)
    tools = [function_declaration(t) for t in example.tools] if example.tools else None
    conv = Conversation(example.id, example.task_type, system, turns, tools)
    conv.rejected = [r.assistant for r in example.rejected]
    conv.tokens = estimate_tokens(conv)
    return conv


def estimate_tokens(conv: Conversation) -> int:
    """Offline estimate (~4 chars/token, 3 per message + 3 per conversation, as OpenAI's notebook)."""
    total = estimate_messages(conv.turns)
    if conv.system:  # the system field counts as one more message
        total += TOKENS_PER_MESSAGE + estimate_text(conv.system)
    if conv.tools:
        total += estimate_text(json.dumps(conv.tools, ensure_ascii=False))
    return total


# -- helpers for formats ------------------------------------------------------------------------
def reject_system_turn(conv: Conversation) -> None:
    for i, t in enumerate(conv.turns):
        if t["role"] == "system":
            raise Unrepresentable(
                "system_turn_in_messages",
                f"turn {i} is a system turn; this target has a separate system field (a safe fix moves a "
                "leading one there unless strict is set)",
            )


def has_tools(conv: Conversation) -> bool:
    return bool(conv.tools) or any(t["role"] == "tool" or t.get("tool_calls") for t in conv.turns)


def decoded_arguments(call: dict[str, Any]) -> Any:
    """A tool call's `arguments` (a JSON string in the stored OpenAI shape) as an object."""
    try:
        return json.loads(call["function"]["arguments"])
    except (ValueError, TypeError):
        raise Unrepresentable("invalid_tool_call", "tool call arguments are not JSON") from None


def uniform(record: Record, defaults: dict[str, Any]) -> Record:
    """`record` with every key of `defaults` present, in the defaults' order (same columns per file)."""
    out = {k: record[k] if k in record else copy.deepcopy(v) for k, v in defaults.items()}
    out.update({k: v for k, v in record.items() if k not in out})
    return out


def reject_tools(conv: Conversation) -> None:
    if has_tools(conv):
        raise Unrepresentable("tool_use_unsupported", "this target's shape has no tool calls or tool results")


def check_keys(obj: dict[str, Any], allowed: Iterable[str], rule: str, where: str) -> list[Problem]:
    extra = [k for k in obj if k not in allowed]
    if not extra:
        return []
    return [Problem(rule, f"{where}: unexpected key(s) {', '.join(map(str, sorted(extra)))}")]


def nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def alternation(roles: list[str], first: str, second: str, where: str = "message") -> list[Problem]:
    """Strict first/second/first/... alternation (Bedrock, Together, Alpaca pairs)."""
    for i, role in enumerate(roles):
        want = first if i % 2 == 0 else second
        if role != want:
            return [Problem("turns_not_alternating", f"{where} {i} is {role}, expected {want}")]
    return []
