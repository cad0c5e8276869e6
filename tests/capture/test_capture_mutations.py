"""Neither format is a contract: any field of any line may change type or vanish. Every such
mutation of the fixtures must import without an exception, and whatever comes out must still be
a valid example."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.claude_code import parse_session
from finetune_collection.capture.codex import parse_rollout
from finetune_collection.capture.exchange import examples_from
from finetune_collection.capture.result import CaptureOptions, ImportResult
from finetune_collection.capture.training_files import read_training_file
from finetune_collection.model import ExampleIn

FIXTURES = Path(__file__).parent / "fixtures"
REPLACEMENTS: list[Any] = [None, 0, "", [], {}]
DROP = object()


def paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key path into an object, two containers deep below the line (message, content, blocks)."""
    if len(prefix) > 4:
        return
    items = obj.items() if isinstance(obj, dict) else enumerate(obj) if isinstance(obj, list) else []
    for key, value in items:
        yield (*prefix, key)
        yield from paths(value, (*prefix, key))


def mutated(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    copy = json.loads(json.dumps(obj))
    parent = copy
    for key in path[:-1]:
        parent = parent[key]
    if value is DROP:
        del parent[path[-1]]
    else:
        parent[path[-1]] = value
    return copy


def cases(name: str) -> Iterator[tuple[int, tuple[Any, ...], Any]]:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    for i, line in enumerate(lines):
        try:
            obj = json.loads(line)
        except ValueError:
            continue  # the torn last line
        for path in paths(obj):
            for value in [DROP, *REPLACEMENTS]:
                yield i, path, value


@pytest.mark.parametrize(
    ("name", "parse"),
    [
        ("claude_tools.jsonl", parse_session),
        ("claude_branches.jsonl", parse_session),
        ("claude_parallel.jsonl", parse_session),
        ("codex_rollout.jsonl", parse_rollout),
    ],
)
def test_every_mutation_imports(name: str, parse: Any) -> None:
    lines = (FIXTURES / name).read_text(encoding="utf-8").splitlines()
    opts = CaptureOptions(whole_session=True, keep_reasoning=True, keep_compaction_summary=True, keep_system_prompt=True)
    count = 0
    for i, path, value in cases(name):
        changed = list(lines)
        changed[i] = json.dumps(mutated(json.loads(lines[i]), path, value))
        result = ImportResult()
        session = parse("\n".join(changed).encode(), name, result)
        for example in examples_from(session, opts, result):
            ExampleIn.model_validate(example)
        count += 1
    assert count > 500


@pytest.mark.parametrize("fmt", ["openai", "sharegpt", "hf-messages"])
def test_every_mutation_of_a_training_record_imports(fmt: str, tmp_path: Path) -> None:
    golden = Path(__file__).parents[1] / "export" / "golden" / fmt / "tools.jsonl"
    record = json.loads(golden.read_text(encoding="utf-8"))
    target = tmp_path / "data.jsonl"
    count = 0
    for path in paths(record):
        for value in [DROP, *REPLACEMENTS]:
            target.write_text(json.dumps(mutated(record, path, value)) + "\n", encoding="utf-8")
            result = read_training_file(target, fmt, keep_reasoning=True)
            for example in result.examples:
                ExampleIn.model_validate(example)
            assert len(result.examples) + sum(result.skipped.values()) >= 1
            count += 1
    assert count > 50


def test_deeply_nested_json_is_an_unreadable_line(tmp_path: Path) -> None:
    from finetune_collection.capture.claude_code import read_session
    from finetune_collection.capture.hook import read_request

    deep = "[" * 100_000 + "]" * 100_000
    path = tmp_path / "s.jsonl"
    path.write_text((FIXTURES / "claude_parallel.jsonl").read_text(encoding="utf-8") + deep + "\n", encoding="utf-8")
    result = read_session(path)
    assert len(result.examples) == 1 and result.skipped["invalid_json"] == 1
    assert read_training_file(path, "openai").skipped["invalid_json"] == 1
    assert read_request('{"prompt": "save for training", "x": ' + deep + "}") is None
