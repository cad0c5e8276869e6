"""Training files → examples: our own golden exports read back to the same conversations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.capture.result import CaptureOptions, TranscriptError
from finetune_collection.capture.sources import SOURCE_FORMATS, import_path
from finetune_collection.capture.training_files import read_training_file
from finetune_collection.export import FORMATS
from finetune_collection.model import Example, ExampleIn

GOLDEN = Path(__file__).parents[1] / "export" / "golden"
ROUND_TRIP = ["openai", "sharegpt", "hf-messages", "axolotl", "alpaca"]


def stored(example: dict[str, Any]) -> Example:
    """What the store would hold for an imported example (the pipeline's own fields filled in)."""
    ExampleIn.model_validate(example)
    head = {"id": "x", "created_at": "2024-01-01T00:00:00Z", "task_type": "qa", "quality_score": 1, "status": "accepted"}
    return Example.model_validate({**example, **head})


def golden_files(fmt: str) -> list[Path]:
    return sorted((GOLDEN / fmt).glob("*.jsonl"))


@pytest.mark.parametrize(
    ("fmt", "path"), [(fmt, p) for fmt in ROUND_TRIP for p in golden_files(fmt)], ids=lambda v: str(getattr(v, "name", v))
)
def test_our_golden_exports_read_back_to_the_same_records(fmt: str, path: Path) -> None:
    result = read_training_file(path, fmt)
    assert result.skipped == {} and result.notes == []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert [FORMATS[fmt].to_record(stored(e)) for e in result.examples] == records
    assert [e["metadata"]["source"] for e in result.examples] == [
        {"format": fmt, "importer": "capture/2", "file": path.name, "lines": [i, i]} for i in range(1, len(records) + 1)
    ]


def test_golden_round_trip_covers_the_cases() -> None:
    for fmt in ROUND_TRIP:
        assert {p.stem for p in golden_files(fmt)} >= {"single", "multi", "context", "unicode"}, fmt
    assert all((GOLDEN / fmt / "tools.jsonl").is_file() for fmt in ("openai", "sharegpt", "hf-messages"))


@pytest.mark.parametrize("case", ["single", "multi", "context", "tools", "unicode"])
def test_sharegpt_and_openai_goldens_are_the_same_conversation(case: str) -> None:
    """ShareGPT has no call ids: they are numbered call_1… so the tool case matches OpenAI's."""
    from_sharegpt = read_training_file(GOLDEN / "sharegpt" / f"{case}.jsonl", "sharegpt").examples
    from_openai = read_training_file(GOLDEN / "openai" / f"{case}.jsonl", "openai").examples
    openai = FORMATS["hf-messages"]
    assert [openai.to_record(stored(e)) for e in from_sharegpt] == [openai.to_record(stored(e)) for e in from_openai]


def test_shapes_single_turn_vs_messages() -> None:
    single = read_training_file(GOLDEN / "openai" / "context.jsonl", "openai").examples[0]
    assert {k: single[k] for k in ("input", "output")} == {
        "input": {"system": "You are a code assistant.\n\nProject uses TypeScript 5.", "user": "Create a function that reverses a string."},
        "output": {"assistant": "const reverse = (s: string) => [...s].reverse().join('');"},
    }
    multi = read_training_file(GOLDEN / "openai" / "multi.jsonl", "openai").examples[0]
    assert multi["messages"][-1] == {"role": "assistant", "content": "2 is the only even prime.", "weight": 1}
    hf = read_training_file(GOLDEN / "openai" / "multi.jsonl", "hf-messages").examples[0]
    assert "weight" not in hf["messages"][-1]


def write(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_json_array_parts_reasoning_positional_results_and_images(tmp_path: Path) -> None:
    record = {
        "messages": [
            {"role": "user", "content": [{"type": "text", "value": "Weather in Oslo?"}, {"type": "image_url", "image_url": {"url": "x"}}]},
            {
                "role": "assistant",
                "content": [
                    {"type": "reasoning", "value": "Call the tool."},
                    {"type": "tool_call", "value": '{"name": "get_weather", "arguments": {"city": "Oslo"}}'},
                ],
            },
            {"role": "tool", "content": [{"type": "text", "value": "4 C"}]},
            {"role": "assistant", "content": [{"type": "text", "value": "It is 4 C."}]},
        ],
        "tools": '[{"name": "get_weather", "parameters": {"type": "object"}}]',
        "images": ["a.png"],
    }
    path = write(tmp_path, "data.json", json.dumps([record]))
    result = read_training_file(path, "openai", keep_reasoning=True)
    assert result.examples[0]["messages"] == [
        {"role": "user", "content": "Weather in Oslo?"},
        {
            "role": "assistant",
            "tool_calls": [{"id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'}}],
            "reasoning": "Call the tool.",
        },
        {"role": "tool", "content": "4 C", "tool_call_id": "call_1"},
        {"role": "assistant", "content": "It is 4 C."},
    ]
    assert result.examples[0]["tools"] == [{"name": "get_weather", "parameters": {"type": "object"}}]
    assert result.skipped == {"image_block": 2}
    assert result.notes == ["data.json: 2 image(s) dropped (the chat formats carry text only)"]
    ExampleIn.model_validate(result.examples[0])


def test_bad_records_are_skipped_by_rule_and_number(tmp_path: Path) -> None:
    lines = [
        '{"conversations": [{"from": "human", "value": "hi"}, {"from": "gpt", "value": "hello"}]}',
        '{"conversations": [{"from": "alien", "value": "SECRET-TEXT-42"}]}',
        '{"conversations": [{"from": "human", "value": "x"}, {"from": "observation", "value": "SECRET-TEXT-42"}]}',
        '{"conversations": [{"from": "human", "value": "only a question"}]}',
        "not json SECRET-TEXT-42",
        '{"conversations": []}',
        '{"conversations": [{"from": "human", "value": "a"}, {"from": "gpt", "value": "b"}]',
    ]
    result = read_training_file(write(tmp_path, "d.jsonl", "\n".join(lines)), "sharegpt")
    assert len(result.examples) == 1
    assert result.skipped == {
        "unrecognized_role": 1,
        "result_without_call": 1,
        "invalid_example": 1,
        "invalid_json": 1,
        "missing_conversations": 1,
        "torn_last_line": 1,
    }
    assert result.notes == [
        "d.jsonl: line 7 is cut off (the file is still being written); skipped",
        "d.jsonl: line(s) 5 are not JSON objects; skipped",
        "d.jsonl: record 4: (example): messages need at least one assistant message",
        "d.jsonl: record(s) 2 skipped: unrecognized_role",
        "d.jsonl: record(s) 3 skipped: result_without_call",
        "d.jsonl: record(s) 4 skipped: invalid_example",
        "d.jsonl: record(s) 6 skipped: missing_conversations",
    ]
    assert not any("SECRET" in n for n in result.notes)
    # One (number, rule) per bad record, for `import --json`'s invalid rows.
    assert [(n, reason.split(":")[0]) for n, reason in sorted(result.invalid)] == [
        (2, "unrecognized_role"), (3, "result_without_call"), (4, "invalid_example"), (5, "invalid_json"),
        (6, "missing_conversations"), (7, "torn_last_line"),
    ]
    assert not any("SECRET" in reason for _, reason in result.invalid)


def test_alpaca_input_and_history(tmp_path: Path) -> None:
    rec = {"instruction": "Translate", "input": "chat", "output": "cat", "history": [["hi", "hello"]], "system": "Be terse."}
    example = read_training_file(write(tmp_path, "a.jsonl", json.dumps(rec)), "alpaca").examples[0]
    assert example["messages"] == [
        {"role": "system", "content": "Be terse."},
        {"role": "user", "content": "hi"},
        {"role": "assistant", "content": "hello"},
        {"role": "user", "content": "Translate\nchat"},
        {"role": "assistant", "content": "cat"},
    ]


def test_import_path_dispatches_every_format(tmp_path: Path) -> None:
    fixtures = Path(__file__).parent / "fixtures"
    assert SOURCE_FORMATS == ("claude-code", "codex", "alpaca", "axolotl", "hf-messages", "openai", "sharegpt",
                              "openai-dpo", "trl-preference", "vertex-preference", "trl-kto")
    assert len(import_path("claude-code", fixtures / "claude_tools.jsonl").examples) == 1
    assert len(import_path("claude-code", fixtures / "claude_projects" / "-home-alice-proj").examples) == 2
    assert len(import_path("codex", fixtures / "codex_rollout.jsonl").examples) == 1
    folder = tmp_path / "2026" / "05"
    folder.mkdir(parents=True)
    (folder / "rollout-1.jsonl").write_bytes((fixtures / "codex_rollout.jsonl").read_bytes())
    assert len(import_path("codex", tmp_path, CaptureOptions(whole_session=True)).examples) == 1
    assert len(import_path("openai", GOLDEN / "openai" / "single.jsonl").examples) == 1
    with pytest.raises(TranscriptError, match="is not one of"):
        import_path("csv", tmp_path)


@pytest.mark.parametrize("fmt", ["axolotl", "openai", "hf-messages"])
def test_an_excluded_turn_stays_excluded_through_an_axolotl_file(fmt: str) -> None:
    """Axolotl's `train: false` on an assistant turn is our `weight: 0`, whichever messages
    reader takes the file (it was dropped, and the turn became trainable again)."""
    example = read_training_file(GOLDEN / "axolotl" / "weighted.jsonl", fmt).examples[0]
    assert [m.get("weight") for m in example["messages"] if m["role"] == "assistant"] == [0, None]
