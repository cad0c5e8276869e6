"""Preference training files back into examples: openai-dpo, trl-preference, trl-kto and
vertex-preference, the shapes `finetune export` writes (export/formats/).

A pair (prompt, chosen, rejected) becomes one example: the prompt's turns, the chosen answer as
the final assistant turn, and the rejected answer in `rejected`, so exporting it again writes the
same pair. trl-kto is unpaired: a `label: true` record is an example, and the `label: false`
records right after it under the same prompt (how the export unpairs an example and its rejected
answers) are its `rejected`; a `label: false` record with no such example before it is an answer
the user turned down, stored with the `user_rejected` signal (kept out of training as an answer;
the unpaired formats write it with label false again). `import --approved` does not approve
those: the file says they are bad answers.

`detect(record)` names the export format a line's keys look like, for the error of an import
that was not told (`--from`): it reads key names only, and only ours.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from .lines import read_bytes
from .result import IMPORTER_VERSION, ImportResult, TranscriptError
from .training_files import Skip, _from_messages, _records, to_example

PAIR_FORMATS = ("openai-dpo", "trl-preference", "vertex-preference")
FORMATS = (*PAIR_FORMATS, "trl-kto")

# Key sets of every format `finetune export` writes (optional keys after the required ones), and
# the `--from` that reads it back (None: no importer; the export loses what an example needs).
SHAPES: tuple[tuple[frozenset[str], frozenset[str], str, str | None], ...] = (
    (frozenset({"input", "preferred_output", "non_preferred_output"}), frozenset(), "openai-dpo", "openai-dpo"),
    (frozenset({"prompt", "chosen", "rejected"}), frozenset({"tools"}), "trl-preference", "trl-preference"),
    (frozenset({"prompt", "completion", "label"}), frozenset({"tools"}), "trl-kto", "trl-kto"),
    (frozenset({"contents", "completions"}), frozenset({"system_instruction"}), "vertex-preference",
     "vertex-preference"),
    (frozenset({"prompt", "completion"}), frozenset({"tools"}), "hf-prompt-completion or anthropic", None),
    (frozenset({"conversations"}), frozenset({"system", "tools"}), "sharegpt", "sharegpt"),
    (frozenset({"instruction", "output"}), frozenset({"input", "system", "history"}), "alpaca", "alpaca"),
    (frozenset({"schemaVersion", "messages"}), frozenset({"system"}), "nova", None),
    (frozenset({"system", "messages"}), frozenset(), "bedrock", None),
    (frozenset({"contents"}), frozenset({"systemInstruction", "tools"}), "vertex", None),
    (frozenset({"messages"}), frozenset({"tools", "parallel_tool_calls"}), "openai or hf-messages", "openai"),
)


def detect(record: Any) -> str | None:
    """What to tell a user whose line is not one of our examples but has an export's keys."""
    from ..model import ExampleIn

    if not isinstance(record, dict) or not all(isinstance(k, str) for k in record):
        return None
    keys = frozenset(record)
    if keys <= set(ExampleIn.model_fields):
        return None  # one of our examples (`messages` alone is one): its own error says what is wrong
    for required, optional, name, reader in SHAPES:
        if required <= keys <= required | optional:
            if reader is None:
                return (f"the line has the keys of a {name} export, which cannot be imported (it drops what an "
                        "example needs); import the examples it came from, or an openai export")
            return f"the line has the keys of a {name} export: import it with --from {reader}"
    return None


def _messages(value: Any, where: str, result: ImportResult, keep_reasoning: bool) -> list[dict[str, Any]]:
    messages, _ = _from_messages({"messages": value}, result, keep_reasoning, weight=False)
    if not messages:
        raise Skip("missing_messages_list", f"{where} has no messages")
    return messages


def _answer(value: Any, where: str) -> str:
    """The text of a one-assistant-message answer (`chosen`, `preferred_output`, `completion`)."""
    if not (isinstance(value, list) and len(value) == 1 and isinstance(value[0], dict)
            and value[0].get("role") == "assistant" and isinstance(value[0].get("content"), str)
            and value[0]["content"].strip()):
        raise Skip("invalid_answer", f"{where} must be a list of one assistant message with text")
    return str(value[0]["content"])


Parsed = tuple[list[dict[str, Any]], Any, str, str | None]  # prompt, tools, answer, rejected answer


def _openai_dpo(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> Parsed:
    given = record.get("input")
    if not isinstance(given, dict):
        raise Skip("missing_input", "input is missing or not an object")
    prompt = _messages(given.get("messages"), "input.messages", result, keep_reasoning)
    return (prompt, given.get("tools"), _answer(record.get("preferred_output"), "preferred_output"),
            _answer(record.get("non_preferred_output"), "non_preferred_output"))


def _trl_preference(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> Parsed:
    prompt = _messages(record.get("prompt"), "prompt", result, keep_reasoning)
    return (prompt, record.get("tools"), _answer(record.get("chosen"), "chosen"),
            _answer(record.get("rejected"), "rejected"))


def _trl_kto(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> Parsed:
    prompt = _messages(record.get("prompt"), "prompt", result, keep_reasoning)
    if not isinstance(record.get("label"), bool):
        raise Skip("invalid_label", "label must be true or false")
    return prompt, record.get("tools"), _answer(record.get("completion"), "completion"), None


def _parts_text(parts: Any, where: str) -> str:
    if not (isinstance(parts, list) and parts and all(isinstance(p, dict) and isinstance(p.get("text"), str)
                                                      for p in parts)):
        raise Skip("missing_content", f"{where} needs text parts")
    return "".join(p["text"] for p in parts)


def _vertex_preference(record: dict[str, Any], result: ImportResult, keep_reasoning: bool) -> Parsed:
    del result, keep_reasoning  # text only: no blocks, no reasoning
    prompt: list[dict[str, Any]] = []
    system = record.get("system_instruction")
    if system is not None:
        prompt.append({"role": "system", "content": _parts_text(
            system.get("parts") if isinstance(system, dict) else None, "system_instruction")})
    contents = record.get("contents")
    if not isinstance(contents, list) or not contents:
        raise Skip("missing_contents", "no contents, or not a non-empty list")
    for i, turn in enumerate(contents):
        role = turn.get("role") if isinstance(turn, dict) else None
        if role not in ("user", "model"):
            raise Skip("unrecognized_role", f"contents {i} has an unknown role")
        prompt.append({"role": "assistant" if role == "model" else "user",
                       "content": _parts_text(turn.get("parts"), f"contents {i}")})
    scored: dict[Any, str] = {}
    completions = record.get("completions")
    for entry in completions if isinstance(completions, list) else []:
        completion = entry.get("completion") if isinstance(entry, dict) else None
        if isinstance(completion, dict) and completion.get("role") == "model":
            scored[entry.get("score")] = _parts_text(completion.get("parts"), "completion")
    if set(scored) != {0, 1} or not isinstance(completions, list) or len(completions) != 2:
        raise Skip("invalid_completions", "completions must be one score-1 and one score-0 model turn")
    return prompt, None, scored[1], scored[0]


READERS: dict[str, Callable[[dict[str, Any], ImportResult, bool], Parsed]] = {
    "openai-dpo": _openai_dpo,
    "trl-preference": _trl_preference,
    "trl-kto": _trl_kto,
    "vertex-preference": _vertex_preference,
}


def _tools(value: Any) -> list[dict[str, Any]] | None:
    if value is None or value == []:
        return None
    if not isinstance(value, list) or not all(isinstance(t, dict) for t in value):
        raise Skip("invalid_tools", "tools must be a list of function declarations")
    return value


def _key(prompt: list[dict[str, Any]], tools: Any) -> str:
    return json.dumps([prompt, tools], sort_keys=True, ensure_ascii=False)


def read_preference_file(path: Path, fmt: str, *, keep_reasoning: bool = False) -> ImportResult:
    """Every record of a preference file as an example (trl-kto: grouped, see the module doc)."""
    from ..model import ExampleIn

    reader = READERS.get(fmt)
    if reader is None:
        raise TranscriptError(f"format {fmt[:30]!r} is not one of {', '.join(FORMATS)}")
    result = ImportResult(files=1)
    last: tuple[str, dict[str, Any]] | None = None  # trl-kto: the label-true example its falses join
    for rec in _records(read_bytes(path), path.name, result):
        try:
            prompt, tools, answer, rejected = reader(rec.obj, result, keep_reasoning)
            tools = _tools(tools)
            key = _key(prompt, tools)
            if fmt == "trl-kto" and rec.obj["label"] is False and last is not None and last[0] == key:
                last[1].setdefault("rejected", []).append({"assistant": answer})
                last[1]["metadata"]["source"]["lines"][1] = rec.number
                continue
            example = to_example([*prompt, {"role": "assistant", "content": answer}], tools)
            if rejected is not None:
                example["rejected"] = [{"assistant": rejected}]
            ExampleIn.model_validate(example)
        except Skip as skip:
            result.invalid.append((rec.number, f"{skip.rule}: {skip.detail}" if skip.detail else skip.rule))
            result.skipped[skip.rule] += 1
            continue
        except ValueError:  # pydantic's ValidationError: the turns do not make an example
            result.invalid.append((rec.number, "invalid_example: the record's turns do not make an example"))
            result.skipped["invalid_example"] += 1
            continue
        source: dict[str, Any] = {"format": fmt, "importer": IMPORTER_VERSION, "file": path.name,
                                  "lines": [rec.number] * 2}
        if fmt == "trl-kto" and rec.obj["label"] is False:
            source["label"] = False
            example["signals"] = [{"name": "user_rejected", "evidence": "label false in a trl-kto file"}]
            last = None
        else:
            last = (key, example) if fmt == "trl-kto" else None
        example["metadata"] = {"source": source}
        result.examples.append(example)
    return result


def unapprovable(example: dict[str, Any]) -> bool:
    """Is this an answer its file marked as bad (trl-kto label false), which `--approved` must not
    approve?"""
    source = (example.get("metadata") or {}).get("source")
    return isinstance(source, dict) and source.get("label") is False


__all__ = ["FORMATS", "READERS", "detect", "read_preference_file", "unapprovable"]
