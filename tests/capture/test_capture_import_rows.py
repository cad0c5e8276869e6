"""`import --json` prints one result row per input record for training files too: a record that
cannot become an example is an `invalid` row with its line number and rule, like `--from jsonl`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from finetune_collection.cli import cli

GOOD = {"messages": [{"role": "user", "content": "hello there what is 2+2"}, {"role": "assistant", "content": "4"}]}
ROW_KEYS = {"line", "id", "status", "duplicate_of", "reasons", "redactions"}


def rows(*args: str) -> list[dict[str, object]]:
    result = CliRunner().invoke(cli, ["import", "--json", *args])
    assert result.exit_code == 0, result.output
    *found, last = [json.loads(x) for x in result.stdout.splitlines()]
    assert last["status"] == "summary"
    return found


def test_openai_file_gets_an_invalid_row_per_bad_line(finetune_home: Path, tmp_path: Path) -> None:
    path = tmp_path / "mix.jsonl"
    path.write_text("\n".join([json.dumps(GOOD), "not json", '{"foo": "bar"}', "[1]", ""]), encoding="utf-8")
    out = rows("--from", "openai", str(path))
    assert [r["line"] for r in out] == [1, 2, 3, 4]
    assert all(set(r) == ROW_KEYS for r in out)
    assert out[0]["status"] != "invalid"
    assert [(r["status"], r["id"], str(r["reasons"][0]).split(":")[0]) for r in out[1:]] == [  # type: ignore[index]
        ("invalid", None, "invalid_json"), ("invalid", None, "missing_messages_list"),
        ("invalid", None, "not_an_object")]
    # The same shape as --from jsonl's invalid rows.
    (jsonl_row,) = rows(str(write(tmp_path / "bad.jsonl", "not json\n")))
    assert set(jsonl_row) == ROW_KEYS and jsonl_row["status"] == "invalid"


@pytest.mark.parametrize(("fmt", "good", "bad"), [
    ("alpaca", {"instruction": "say hello to the reader", "output": "hello"}, {"instruction": "no output"}),
    ("sharegpt", {"conversations": [{"from": "human", "value": "a question here"}, {"from": "gpt", "value": "ok"}]},
     {"conversations": [{"from": "alien", "value": "x"}]}),
    ("hf-messages", GOOD, {"messages": []}),
])
def test_every_training_format_reports_bad_records(finetune_home: Path, tmp_path: Path, fmt: str,
                                                   good: dict[str, object], bad: dict[str, object]) -> None:
    path = write(tmp_path / "f.json", json.dumps([bad, good, 7]))  # a JSON array: record numbers
    out = rows("--from", fmt, str(path))
    assert [(r["line"], r["status"] == "invalid") for r in out] == [(1, True), (2, False), (3, True)]


def write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
