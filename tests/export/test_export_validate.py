"""Each validator catches each rule it claims: one broken record per rule, plus --fix repairs."""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

import orjson
import pytest

from finetune_collection.export import FORMATS, Conversation, Unrepresentable
from finetune_collection.export.fix import repair
from finetune_collection.export.process import SecretCheck, notebook_epochs, process

Mut = Callable[[dict[str, Any]], Any]


def conv(turns: list[dict[str, Any]], system: str | None = None, tools: Any = None) -> Conversation:
    for t in turns:
        t.setdefault("content", None)
    # A rejected alternative for the preference formats; the others never read it.
    return Conversation("ex_1", "qa", system, turns, tools, rejected=["A worse answer."])


def basic() -> Conversation:
    return conv(
        [
            {"role": "user", "content": "Question one?"},
            {"role": "assistant", "content": "Answer one."},
            {"role": "user", "content": "Question two?"},
            {"role": "assistant", "content": "Answer two."},
        ],
        system="Be brief.",
    )


def tooly() -> Conversation:
    call = {"id": "c1", "type": "function", "function": {"name": "f", "arguments": '{"a": 1}'}}
    return conv(
        [
            {"role": "user", "content": "Use f."},
            {"role": "assistant", "tool_calls": [call]},
            {"role": "tool", "tool_call_id": "c1", "content": "42"},
            {"role": "assistant", "content": "It is 42."},
        ],
        tools=[{"name": "f", "parameters": {}}],
    )


def setp(path: str, value: Any) -> Mut:
    """Mutation that sets record[path] (dotted, ints index lists); value DEL deletes."""

    def mutate(r: dict[str, Any]) -> Any:
        *head, last = [int(p) if p.isdigit() else p for p in path.split(".")]
        obj: Any = r
        for p in head:
            obj = obj[p]
        if value is DEL:
            del obj[last]
        else:
            obj[last] = value
        return r

    return mutate


DEL = object()


def swap(path: str, i: int, j: int) -> Mut:
    def mutate(r: dict[str, Any]) -> Any:
        seq = r
        for p in path.split("."):
            seq = seq[p]
        seq[i], seq[j] = seq[j], seq[i]
        return r

    return mutate


CASES: dict[str, list[tuple[str, Mut]]] = {
    "openai-dpo": [
        ("data_type", lambda r: [r]),
        ("unrecognized_key", setp("metadata", {})),
        ("unrecognized_key", setp("input.extra", 1)),
        ("invalid_tool_definition", setp("input.tools", [{"type": "function", "function": {"name": "a b"}}])),
        ("missing_input", setp("input", DEL)),
        ("message_missing_key", setp("input.messages.1.content", DEL)),
        ("message_unrecognized_key", setp("input.messages.1.mood", "x")),
        ("unrecognized_role", setp("input.messages.1.role", "narrator")),
        ("missing_content", setp("input.messages.1.content", " ")),
        ("prompt_must_end_with_user", lambda r: {**r, "input": {"messages": r["input"]["messages"][:-1]}}),
        ("invalid_answer", setp("preferred_output", [])),
        ("invalid_answer", setp("non_preferred_output.0.role", "user")),
        ("missing_content", setp("preferred_output.0.content", "")),
        ("chosen_equals_rejected", lambda r: {**r, "non_preferred_output": r["preferred_output"]}),
    ],
    "trl-preference": [
        ("data_type", lambda r: "x"),
        ("unrecognized_key", setp("images", [])),
        ("missing_messages_list", setp("prompt", [])),
        ("message_missing_key", setp("prompt.1.content", DEL)),
        ("message_unrecognized_key", setp("prompt.1.mood", "x")),
        ("unrecognized_role", setp("prompt.1.role", "narrator")),
        ("missing_content", setp("prompt.1.content", 3)),
        ("prompt_must_end_with_user", lambda r: {**r, "prompt": r["prompt"][:-1]}),
        ("invalid_answer", setp("chosen.0.extra", 1)),
        ("missing_content", setp("rejected.0.content", " ")),
        ("chosen_equals_rejected", lambda r: {**r, "rejected": r["chosen"]}),
        ("invalid_tools", setp("tools", [])),
        ("invalid_tool_definition", setp("tools", [{"name": "f"}])),
    ],
    "trl-kto": [
        ("data_type", lambda r: 1),
        ("unrecognized_key", setp("chosen", [])),
        ("missing_messages_list", setp("prompt", [])),
        ("message_missing_key", setp("prompt.1.role", DEL)),
        ("message_unrecognized_key", setp("prompt.1.mood", "x")),
        ("unrecognized_role", setp("prompt.1.role", "narrator")),
        ("missing_content", setp("prompt.1.content", "")),
        ("prompt_must_end_with_user", lambda r: {**r, "prompt": r["prompt"][:-1]}),
        ("invalid_answer", setp("completion", [])),
        ("invalid_answer", setp("completion.0.role", "user")),
        ("missing_content", setp("completion.0.content", " ")),
        ("invalid_label", setp("label", "true")),
        ("invalid_label", setp("label", DEL)),
        ("invalid_label", setp("label", 1)),
        ("invalid_tools", setp("tools", [])),
        ("invalid_tool_definition", setp("tools", [{"name": "f"}])),
    ],
    "vertex-preference": [
        ("data_type", lambda r: [r]),
        ("unrecognized_key", setp("systemInstruction", {})),
        ("missing_contents", setp("contents", [])),
        ("message_missing_key", setp("contents.0.parts", DEL)),
        ("message_unrecognized_key", setp("contents.0.mood", "x")),
        ("unrecognized_role", setp("contents.0.role", "assistant")),
        ("missing_content", setp("contents.0.parts", [{"functionCall": {"name": "f", "args": {}}}])),
        ("missing_content", setp("contents.0.parts.0.text", " ")),
        ("invalid_system", setp("system_instruction", {"role": "system", "parts": [{"text": "S"}]})),
        ("invalid_system", setp("system_instruction.parts", [])),
        ("prompt_must_end_with_user", lambda r: {**r, "contents": r["contents"][:-1]}),
        ("invalid_completions", lambda r: {**r, "completions": r["completions"][:1]}),
        ("invalid_completions", setp("completions.1.score", 1)),
        ("invalid_completions", setp("completions.1.score", True)),
        ("invalid_completions", setp("completions.0.completion.role", "user")),
        ("invalid_completions", setp("completions.0.completion.parts", [])),
        ("invalid_completions", setp("completions.0.extra", 1)),
        ("chosen_equals_rejected", setp("completions.1.completion", {"role": "model", "parts": [{"text": "Answer two."}]})),
    ],
    "openai": [
        ("data_type", lambda r: [r]),
        ("missing_messages_list", setp("messages", [])),
        ("missing_messages_list", setp("messages", DEL)),
        ("message_missing_key", setp("messages.1.content", DEL)),
        ("message_unrecognized_key", setp("messages.1.mood", "happy")),
        ("unrecognized_role", setp("messages.1.role", "narrator")),
        ("missing_content", setp("messages.1.content", "   ")),
        ("missing_content", setp("messages.1.content", 42)),
        ("example_missing_assistant_message", lambda r: {"messages": r["messages"][:2]}),
        ("unrecognized_key", setp("metadata", {})),
        ("invalid_weight", setp("messages.1.weight", 2)),
        ("invalid_weight", setp("messages.1.weight", 1)),  # on a user message
        ("missing_system_message", lambda r: {"messages": r["messages"][1:]}),
        ("missing_user_message", lambda r: {"messages": [r["messages"][0], r["messages"][2]]}),
    ],
    "anthropic": [
        ("data_type", lambda r: "text"),
        ("unrecognized_key", setp("id", "x")),
        ("missing_content", setp("completion", "")),
        ("missing_content", setp("prompt", DEL)),
        ("prompt_must_start_with_human", setp("prompt", "\n\nAssistant: hi\n\nHuman: x\n\nAssistant:")),
        ("prompt_must_end_with_assistant", setp("prompt", "\n\nHuman: x")),
        ("turns_not_alternating", setp("prompt", "\n\nHuman: x\n\nHuman: y\n\nAssistant:")),
        ("too_many_tokens", setp("prompt", "\n\nHuman: " + "x" * 400_000 + "\n\nAssistant:")),
    ],
    "bedrock": [
        ("data_type", lambda r: None),
        ("unrecognized_key", setp("id", "ex_1")),
        ("missing_messages_list", setp("messages", DEL)),
        ("message_missing_key", setp("messages.0.content", DEL)),
        ("message_unrecognized_key", setp("messages.0.name", "bob")),
        ("unrecognized_role", setp("messages.0.role", "system")),
        ("missing_content", setp("messages.1.content", "")),
        ("too_few_messages", lambda r: {"messages": r["messages"][:1]}),
        ("first_message_not_user", lambda r: {"messages": r["messages"][1:]}),
        ("last_message_not_assistant", lambda r: {"messages": r["messages"][:3]}),
        ("turns_not_alternating", swap("messages", 1, 2)),
        ("invalid_system", setp("system", "")),
    ],
    "vertex": [
        ("data_type", lambda r: []),
        ("unrecognized_key", setp("messages", [])),
        ("missing_contents", setp("contents", [])),
        ("message_missing_key", setp("contents.0.parts", DEL)),
        ("message_unrecognized_key", setp("contents.0.name", "x")),
        ("unrecognized_role", setp("contents.1.role", "assistant")),
        ("missing_content", setp("contents.0.parts", [])),
        ("missing_content", setp("contents.0.parts", [{"text": ""}])),
        ("missing_content", setp("contents.0.parts", [{"video": {}}])),
        ("example_missing_assistant_message", lambda r: {"contents": r["contents"][:1]}),
        ("invalid_system", setp("systemInstruction", {"parts": []})),
        ("invalid_tool_schema", setp("tools", [{"functionDeclarations": [{"name": "f", "parameters": {"type": ["string", "null"]}}]}])),
        ("invalid_tool_schema", setp("tools", [{"functionDeclarations": [{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": "string", "nullable": "yes"}}}}]}])),
        ("invalid_tool_definition", setp("tools", [{"functionDeclarations": [{"name": "f"}, {"foo": "bar"}]}])),
        ("invalid_tool_definition", setp("tools", [{"functionDeclarations": [{"name": "f", "strict": True}]}])),
        ("invalid_tool_call", setp("contents.1.parts", [{"functionCall": {"name": "f", "args": [1, 2]}}])),
        ("invalid_tool_call", setp("contents.1.parts", [{"functionCall": {"args": {}}}])),
        ("invalid_tool_call", setp("contents.1.parts", [{"functionCall": {"name": "[REDACTED_NAME len=4]", "args": {}}}])),
        ("invalid_tool_definition", setp("tools", [{"functionDeclarations": [{"name": "1st tool"}]}])),
    ],
    "nova": [
        ("data_type", lambda r: [r]),
        ("unrecognized_key", setp("id", "x")),
        ("missing_schema_version", setp("schemaVersion", DEL)),
        ("invalid_system", setp("system", [])),
        ("invalid_system", setp("system", "Be brief.")),
        ("missing_messages_list", setp("messages", [])),
        ("message_missing_key", setp("messages.0.content", DEL)),
        ("message_unrecognized_key", setp("messages.0.name", "bob")),
        ("unrecognized_role", setp("messages.0.role", "system")),
        ("missing_content", setp("messages.1.content", [{"text": ""}])),
        ("invalid_content_block", setp("messages.0.content", [{"text": "x"}, {"image": {}}])),
        ("invalid_content_block", setp("messages.0.content", [{"reasoningContent": {"reasoningText": {"text": "t"}}}, {"text": "x"}])),
        ("first_message_not_user", lambda r: {**r, "messages": r["messages"][1:]}),
        ("last_message_not_assistant", lambda r: {**r, "messages": r["messages"][:3]}),
        ("turns_not_alternating", swap("messages", 1, 2)),
        ("reserved_keyword", setp("messages.0.content.0.text", "User: hi")),
        ("reserved_keyword", setp("system.0.text", "Reply with [EOS] at the end.")),
    ],
    "axolotl": [
        ("data_type", lambda r: None),
        ("unrecognized_key", setp("system", "x")),
        ("missing_messages_list", setp("messages", [])),
        ("message_missing_key", setp("messages.2.train", DEL)),
        ("message_unrecognized_key", setp("messages.2.weight", 1)),
        ("unrecognized_role", setp("messages.1.role", "human")),
        ("missing_content", setp("messages.2.content", "")),
        ("example_missing_assistant_message", lambda r: {**r, "messages": r["messages"][:2]}),
        ("invalid_train_flag", setp("messages.2.train", "yes")),
        ("invalid_train_flag", setp("messages.1.train", True)),
        ("nothing_to_train", lambda r: {**r, "messages": [{**m, "train": False} for m in r["messages"]]}),
        ("invalid_tools", setp("tools", "[]")),
    ],
    "together": [
        ("data_type", lambda r: 1),
        ("unrecognized_key", setp("metadata", {})),
        ("missing_messages_list", setp("messages", None)),
        ("message_missing_key", setp("messages.1.content", DEL)),
        ("message_unrecognized_key", setp("messages.1.mood", "happy")),
        ("unrecognized_role", setp("messages.1.role", "narrator")),
        ("missing_content", setp("messages.2.content", "")),
        ("example_missing_assistant_message", lambda r: {"messages": r["messages"][:2]}),
        ("first_message_not_system_or_user", lambda r: {"messages": r["messages"][2:]}),
        ("turns_not_alternating", swap("messages", 2, 3)),
    ],
    "sharegpt": [
        ("data_type", lambda r: "x"),
        ("unrecognized_key", setp("id", "x")),
        ("missing_conversations", setp("conversations", DEL)),
        ("message_missing_key", setp("conversations.0.value", DEL)),
        ("message_unrecognized_key", setp("conversations.0.role", "user")),
        ("unrecognized_role", setp("conversations.0.from", "user")),
        ("missing_content", setp("conversations.1.value", " ")),
        ("odd_even_position", swap("conversations", 0, 1)),
        ("odd_number_of_turns", lambda r: {"conversations": r["conversations"][:3]}),
        ("example_missing_assistant_message", lambda r: {"conversations": r["conversations"][:1]}),
        ("invalid_system", setp("system", 3)),
        ("invalid_tools", setp("tools", [{"name": "f"}])),
    ],
    "alpaca": [
        ("data_type", lambda r: ["x"]),
        ("unrecognized_key", setp("messages", [])),
        ("missing_instruction", setp("instruction", "")),
        ("missing_output", setp("output", DEL)),
        ("invalid_input", setp("input", None)),
        ("invalid_system", setp("system", 3)),
        ("invalid_history", setp("history", [["only question"]])),
        ("invalid_history", setp("history", "q/a")),
    ],
    "hf-messages": [
        ("data_type", lambda r: None),
        ("unrecognized_key", setp("system", "x")),
        ("missing_messages_list", setp("messages", [])),
        ("message_missing_key", setp("messages.0.role", DEL)),
        ("message_unrecognized_key", setp("messages.1.weight", 1)),
        ("unrecognized_role", setp("messages.1.role", "function")),
        ("missing_content", setp("messages.1.content", None)),
        ("example_missing_assistant_message", lambda r: {"messages": r["messages"][:2]}),
        ("invalid_tools", setp("tools", [])),
        ("invalid_tool_definition", setp("tools", [{"name": "f"}])),
    ],
    "hf-prompt-completion": [
        ("data_type", lambda r: 0),
        ("unrecognized_key", setp("messages", [])),
        ("missing_prompt", setp("prompt", [])),
        ("missing_completion", setp("completion", [])),
        ("completion_not_assistant", setp("completion.0.role", "user")),
        ("prompt_ends_with_assistant", lambda r: {**r, "prompt": r["prompt"] + r["completion"]}),
        ("message_missing_key", setp("prompt.0.content", DEL)),
        ("message_unrecognized_key", setp("prompt.1.x", 1)),
        ("unrecognized_role", setp("prompt.1.role", "bot")),
        ("missing_content", setp("prompt.1.content", "")),
        ("invalid_tools", setp("tools", [])),
        ("invalid_tool_definition", setp("tools", [{"name": "f"}])),
    ],
}

def _second_call(key: str, same_id: bool) -> Mut:
    """Another call in the first assistant turn: with the first call's id, or with its own id and
    no result."""

    def mutate(r: dict[str, Any]) -> Any:
        turn = r[key][1]
        turn["tool_calls"] = [*turn["tool_calls"], {**turn["tool_calls"][0], "id": "c1" if same_id else "c2"}]
        return r

    return mutate


def _shared_tool_cases(key: str) -> list[tuple[str, Mut]]:
    return [
        ("duplicate_tool_call_id", _second_call(key, same_id=True)),
        ("unanswered_tool_call", _second_call(key, same_id=False)),
        ("invalid_tool_definition", setp("tools.0.function.name", "")),
        ("invalid_tool_definition", setp("tools", [{"type": "function", "function": {"name": "f", "parameters": "x"}}])),
    ]


TOOL_CASES: dict[str, list[tuple[str, Mut]]] = {
    name: [
        ("invalid_tool_call", setp(f"{key}.1.tool_calls.0.function.arguments", {"a": 1})),
        ("invalid_tool_call", setp(f"{key}.1.tool_calls.0.function.arguments", "{not json")),
        ("unknown_tool_call_id", setp(f"{key}.2.tool_call_id", "c9")),
        ("invalid_tool_definition", setp("tools.0.function.returns", {})),  # a key OpenAI refuses
        ("invalid_tool_call", setp(f"{key}.1.tool_calls.0.function.name", "get weather!")),  # OpenAI's pattern
        ("invalid_tool_definition", setp("tools.0.function.name", "get.weather")),
        *_shared_tool_cases(key),
    ]
    for name, key in (("openai", "messages"), ("together", "messages"))
} | {
    # The Hugging Face shapes want arguments as an object: a JSON string is the broken case there.
    name: [
        ("invalid_tool_call", setp(f"{key}.1.tool_calls.0.function.arguments", '{"a": 1}')),
        ("invalid_tool_call", setp(f"{key}.1.tool_calls.0.function.name", DEL)),
        ("unknown_tool_call_id", setp(f"{key}.2.tool_call_id", "c9")),
        *_shared_tool_cases(key),
    ]
    for name, key in (("hf-messages", "messages"), ("hf-prompt-completion", "prompt"), ("axolotl", "messages"))
}


def rules(name: str, record: Any) -> set[str]:
    return {p.rule for p in FORMATS[name].validate(record)}


@pytest.mark.parametrize("name", list(FORMATS))
def test_valid_record_has_no_fatal_problem(name: str) -> None:
    fmt = FORMATS[name]
    assert [p for p in fmt.validate(fmt.render(basic())) if p.fatal] == []


@pytest.mark.parametrize(
    ("name", "rule", "mutate"),
    [(n, r, m) for n, cases in CASES.items() for r, m in cases],
    ids=[f"{n}-{r}-{i}" for n, cases in CASES.items() for i, (r, _) in enumerate(cases)],
)
def test_each_rule_is_caught(name: str, rule: str, mutate: Mut) -> None:
    record = FORMATS[name].render(basic())
    assert rule not in rules(name, record)
    assert rule in rules(name, mutate(copy.deepcopy(record)))


@pytest.mark.parametrize(
    ("name", "rule", "mutate"),
    [(n, r, m) for n, cases in TOOL_CASES.items() for r, m in cases],
    ids=[f"{n}-{r}-{i}" for n, cases in TOOL_CASES.items() for i, (r, _) in enumerate(cases)],
)
def test_tool_rules_are_caught(name: str, rule: str, mutate: Mut) -> None:
    record = FORMATS[name].render(tooly())
    assert not [p for p in FORMATS[name].validate(record) if p.fatal]
    assert rule in rules(name, mutate(copy.deepcopy(record)))


def test_every_rule_named_in_a_docstring_is_tested() -> None:
    """A rule a format documents but no test breaks would be a claim nobody checks."""
    import importlib

    tested = {(n, r) for n, cases in {**CASES}.items() for r, _ in cases}
    tested |= {(n, r) for n, cases in TOOL_CASES.items() for r, _ in cases}
    tested |= {(n, r) for n, r, _ in UNREPRESENTABLE}
    tested.add(("vertex", "too_many_tokens"))  # enforced by process(): test_too_many_tokens_for_hard_limits
    tested.add(("vertex-preference", "too_many_tokens"))  # the same test, over both Vertex formats
    tested |= {(n, "weight_not_carried") for n in WEIGHT_LOST}  # test_weight_loss_is_reported
    module_names = {"hf-messages": "hf_messages", "hf-prompt-completion": "hf_prompt_completion", "hf-dataset": "hf_dataset",
                    "openai-dpo": "openai_dpo", "trl-preference": "trl_preference", "trl-kto": "trl_kto",
                    "vertex-preference": "vertex_preference"}
    for name in FORMATS:
        mod = importlib.import_module(f"finetune_collection.export.formats.{module_names.get(name, name)}")
        documented = set(re.findall(r"`([a-z_]+)`", mod.__doc__ or ""))
        claimed = {r for r in documented if "_" in r and r not in NOT_RULES}
        missing = {r for r in claimed if (name, r) not in tested}
        assert not missing, (name, missing)


WEIGHT_LOST = {"anthropic", "bedrock", "nova", "vertex", "sharegpt", "alpaca", "hf-messages", "hf-prompt-completion", "hf-dataset",
               "openai-dpo", "trl-preference", "trl-kto", "vertex-preference"}


def _weighted(last: int) -> Conversation:
    return conv(
        [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "a", "weight": 0},
            {"role": "user", "content": "q2"},
            {"role": "assistant", "content": "b", "weight": last},
        ]
    )


@pytest.mark.parametrize("name", list(FORMATS))
def test_weight_loss_is_reported(name: str) -> None:
    """A `weight: 0` turn is carried, or the example is reported as losing it; never silently trained on."""
    fmt = FORMATS[name]
    early = process(_weighted(1), fmt, None, "safe", SecretCheck(None))
    assert early.line is not None
    # The prompt-completion shapes never train on earlier turns: only a weight 0 on the answer is lost.
    prompt_only = name in ("hf-prompt-completion", "anthropic", "openai-dpo", "trl-preference", "trl-kto",
                           "vertex-preference")
    assert early.losses == (["weight_not_carried"] if name in WEIGHT_LOST and not prompt_only else [])
    last = process(_weighted(0), fmt, None, "safe", SecretCheck(None))
    if name in WEIGHT_LOST:
        assert last.losses == ["weight_not_carried"]
    elif name == "axolotl":  # every turn excluded: nothing to train on, refused by name
        assert last.problem is not None and last.problem.rule == "nothing_to_train"
    else:
        record = orjson.loads(last.line or b"{}")
        flags = [m.get("train", m.get("weight")) for m in record["messages"] if m["role"] == "assistant"]
        assert flags in ([0, 0], [False, False])


NOT_RULES = {
    "tool_calls",
    "tool_call_id",
    "function_call",
    "parallel_tool_calls",
    "input.context",
    "export.token_limits.openai",
    "hf-messages",
    "missing_messages_list",
    "chat_template",
    "message_field_training",
    "roles_to_train",
    "data_files",
    "unpair_preference_dataset",
    "user_rejected",
    "system_instruction",
}  # documented names, not rules

def _system_turn() -> Conversation:
    return conv(
        [{"role": "system", "content": "S"}, {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}]
    )


def _rejecting(text: str) -> Conversation:
    c = basic()
    c.rejected = [text]
    return c


def _no_alternative() -> Conversation:
    c = basic()
    c.rejected = []
    return c


UNREPRESENTABLE: list[tuple[str, str, Callable[[], Conversation]]] = [
    *[(name, "no_rejected_alternative", _no_alternative) for name in ("openai-dpo", "trl-preference",
                                                                      "vertex-preference")],
    *[(name, "final_turn_not_text", lambda: conv([{"role": "user", "content": "u"}, {
        "role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "{}"}}]},
    ])) for name in ("openai-dpo", "trl-preference", "trl-kto")],
    ("vertex-preference", "final_turn_not_text", lambda: conv([  # text only: a final tool call is tool use
        {"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}, {"role": "user", "content": "u2"},
    ])),
    ("trl-kto", "chosen_equals_rejected", lambda: _rejecting("Answer two.")),
    ("vertex-preference", "tool_use_unsupported", tooly),
    ("anthropic", "tool_use_unsupported", tooly),
    ("bedrock", "tool_use_unsupported", tooly),
    ("nova", "tool_use_unsupported", tooly),
    ("alpaca", "tool_use_unsupported", tooly),
    *[
        (name, "system_turn_in_messages", _system_turn)
        for name in ("anthropic", "bedrock", "nova", "vertex", "sharegpt", "alpaca", "vertex-preference")
    ],
    ("vertex", "tool_schema_unsupported", lambda: _typed_tool(["string", "integer"])),
    ("vertex", "invalid_tool_call", lambda: conv([  # Gemini's args is an object: a JSON list is refused
        {"role": "user", "content": "u"},
        {"role": "assistant", "tool_calls": [{"id": "c", "type": "function", "function": {"name": "f", "arguments": "[1, 2]"}}]},
        {"role": "tool", "tool_call_id": "c", "content": "r"}, {"role": "assistant", "content": "a"},
    ])),
    (
        "anthropic",
        "example_missing_assistant_message",
        lambda: conv(
            [{"role": "user", "content": "u"}, {"role": "assistant", "content": "a"}, {"role": "user", "content": "u2"}]
        ),
    ),
    (
        "alpaca",
        "turns_not_alternating",
        lambda: conv(
            [{"role": "user", "content": "u"}, {"role": "user", "content": "u2"}, {"role": "assistant", "content": "a"}]
        ),
    ),
    ("sharegpt", "text_and_tool_call_in_one_turn", lambda: _text_and_call()),
    ("vertex", "invalid_tool_call", lambda: _bad_args()),
    ("sharegpt", "invalid_tool_call", lambda: _bad_args()),
]


def _typed_tool(kind: Any) -> Conversation:
    c = tooly()
    c.tools = [{"name": "f", "parameters": {"type": "object", "properties": {"a": {"type": kind}}}}]
    return c


@pytest.mark.parametrize("where", ["system.0.text", "messages.0.content.0.text", "messages.1.content.0.text"])
def test_nova_refuses_each_reserved_word_wherever_it_stands(where: str) -> None:
    from finetune_collection.export.formats.nova import RESERVED

    nova = FORMATS["nova"]
    for word in RESERVED:
        for text in (word, f"say {word} twice", f"a: b <c> [d]\nthen {word}"):
            record = setp(where, text)(nova.render(basic()))
            assert "reserved_keyword" in {p.rule for p in nova.validate(record)}, (word, text)
    clean = setp(where, "Time: 10:30 <b>bold</b> [1] user bot assistant")(nova.render(basic()))
    assert "reserved_keyword" not in {p.rule for p in nova.validate(clean)}


def test_vertex_tool_schema_takes_one_type_and_nullable() -> None:
    record = FORMATS["vertex"].render(_typed_tool(["string", "null"]))
    params = record["tools"][0]["functionDeclarations"][0]["parameters"]
    assert params["properties"]["a"] == {"type": "string", "nullable": True}
    assert not [p for p in FORMATS["vertex"].validate(record) if p.fatal]


def _text_and_call() -> Conversation:
    c = tooly()
    c.turns[1]["content"] = "Let me check."
    return c


def _bad_args() -> Conversation:
    c = tooly()
    c.turns[1]["tool_calls"][0]["function"]["arguments"] = "{oops"
    return c


@pytest.mark.parametrize(("name", "rule", "make"), UNREPRESENTABLE, ids=[f"{n}-{r}" for n, r, _ in UNREPRESENTABLE])
def test_unrepresentable(name: str, rule: str, make: Callable[[], Conversation]) -> None:
    with pytest.raises(Unrepresentable) as err:
        FORMATS[name].render(make())
    assert err.value.problem.rule == rule


def test_too_many_tokens_for_hard_limits() -> None:
    c = basic()
    c.tokens = 200_000
    out = process(c, FORMATS["vertex"], 131_072, "strict", SecretCheck(None))
    assert out.problem is not None and out.problem.rule == "too_many_tokens"


def test_problem_details_never_contain_example_text() -> None:
    secret_text = "TOPSECRETVALUE"
    c = conv(
        [
            {"role": "user", "content": secret_text},
            {"role": "user", "content": secret_text},
            {"role": "assistant", "content": secret_text},
        ]
    )
    for fmt in FORMATS.values():
        try:
            problems = fmt.validate(fmt.render(c))
        except Unrepresentable as err:
            problems = [err.problem]
        assert all(secret_text not in p.detail for p in problems)


# -- --fix ----------------------------------------------------------------------------------------
def messy() -> Conversation:
    return conv(
        [
            {"role": "system", "content": "Be kind."},
            {"role": "user", "content": "Hello"},
            {"role": "user", "content": "   "},
            {"role": "user", "content": "are you there?"},
            {"role": "assistant", "content": "Yes."},
            {"role": "assistant", "content": "How can I help?"},
        ]
    )


def test_fix_repairs_and_reports_without_changing_words() -> None:
    fixed, applied = repair(messy(), system_field=True, mode="all")
    assert applied == ["dropped_empty_turn", "moved_system_turn", "merged_same_role_turns"]
    assert fixed.system == "Be kind."
    assert [(t["role"], t["content"]) for t in fixed.turns] == [
        ("user", "Hello\n\nare you there?"),
        ("assistant", "Yes.\n\nHow can I help?"),
    ]
    words = lambda c: sorted(w for t in c.turns for w in (t["content"] or "").split()) + (c.system or "").split()  # noqa: E731
    assert sorted(words(fixed)) == sorted(words(messy()))


def test_fix_keeps_system_turn_where_the_target_has_no_system_field() -> None:
    fixed, applied = repair(messy(), system_field=False)
    assert "moved_system_turn" not in applied and fixed.turns[0]["role"] == "system"


def test_fix_does_not_merge_turns_with_different_weights() -> None:
    c = conv(
        [
            {"role": "user", "content": "q"},
            {"role": "assistant", "content": "a", "weight": 0},
            {"role": "assistant", "content": "b", "weight": 1},
        ]
    )
    fixed, applied = repair(c, system_field=False)
    assert applied == [] and len(fixed.turns) == 3


@pytest.mark.parametrize("name", ["bedrock", "nova", "together", "sharegpt", "alpaca", "anthropic", "vertex"])
def test_safe_fixes_by_default_strict_refuses(name: str) -> None:
    fmt = FORMATS[name]
    strict = process(messy(), fmt, None, "strict", SecretCheck(None))
    assert strict.line is None and strict.problem is not None and "strict" in strict.problem.detail
    safe = process(messy(), fmt, None, "safe", SecretCheck(None))
    assert safe.line is not None and safe.fixes and "dropped_empty_turn" not in safe.fixes
    assert set(safe.fixes) <= {"moved_system_turn", "merged_same_role_turns"}
    asked = process(messy(), fmt, None, "all", SecretCheck(None))
    assert asked.line is not None and "dropped_empty_turn" in asked.fixes
    clean = process(basic(), fmt, None, "all", SecretCheck(None))
    assert clean.line is not None and clean.fixes == []


def test_fix_drops_narration_before_tool_calls_only_where_the_format_cannot_hold_both() -> None:
    """ShareGPT has one value per turn: an agent's "Let me look." with its call is refused, and
    --fix keeps the example without the narration; openai carries both and is left alone."""
    narrated = tooly()
    narrated.turns[1]["content"] = "Let me run f."
    safe = process(narrated, FORMATS["sharegpt"], None, "safe", SecretCheck(None))
    assert safe.line is None and safe.problem is not None and safe.problem.rule == "text_and_tool_call_in_one_turn"
    assert "--fix" in safe.problem.detail
    asked = process(narrated, FORMATS["sharegpt"], None, "all", SecretCheck(None))
    assert asked.line is not None and asked.fixes == ["dropped_text_before_tool_call"]
    assert asked.losses == ["text_beside_tool_calls"]  # reported with the ids, as weight losses are
    assert "Let me run f." not in asked.line.decode() and '"function_call"' in asked.line.decode()
    kept = process(narrated, FORMATS["openai"], None, "all", SecretCheck(None))
    assert kept.fixes == [] and kept.line is not None and "Let me run f." in kept.line.decode()


def test_a_repair_that_uncovers_the_next_rule_repairs_again_and_reports_what_remains() -> None:
    """A leading system turn (moved by a safe fix) and narration beside a call: ShareGPT named the
    system turn, which was not what kept the example out."""
    narrated = tooly()
    narrated.turns.insert(0, {"role": "system", "content": "Be brief."})
    narrated.turns[2]["content"] = "Let me run f."
    safe = process(narrated, FORMATS["sharegpt"], None, "safe", SecretCheck(None))
    assert safe.problem is not None and safe.problem.rule == "text_and_tool_call_in_one_turn"
    asked = process(narrated, FORMATS["sharegpt"], None, "all", SecretCheck(None))
    assert asked.line is not None and asked.fixes == ["moved_system_turn", "dropped_text_before_tool_call"]


def test_safe_mode_names_fix_for_what_only_dropping_a_turn_repairs() -> None:
    blank_answer = conv(
        [{"role": "user", "content": "q"}, {"role": "assistant", "content": "  "}, {"role": "user", "content": "q2"},
         {"role": "assistant", "content": "a"}]
    )
    out = process(blank_answer, FORMATS["bedrock"], None, "safe", SecretCheck(None))
    assert out.line is None and out.problem is not None and "--fix" in out.problem.detail
    assert process(blank_answer, FORMATS["bedrock"], None, "all", SecretCheck(None)).line is not None


def test_secret_check_reports_types_only() -> None:
    out = process(basic(), FORMATS["openai"], None, "safe", SecretCheck(lambda s: ["aws_key"] if "two" in s else []))
    assert out.line is None and out.problem is not None
    assert out.problem.rule == "secret_detected" and out.problem.detail == "still looks like: aws_key"


@pytest.mark.parametrize(
    ("n", "epochs"),
    [(1, 25), (5, 20), (10, 10), (34, 3), (100, 3), (8333, 3), (8334, 2), (10_000, 2), (30_000, 1), (0, 0)],
)
def test_notebook_epochs(n: int, epochs: int) -> None:
    assert notebook_epochs(n) == epochs
