"""Human-readable lines built from stored text never carry terminal control characters; JSON
output keeps the stored values exactly."""

from __future__ import annotations

import json
import re
from pathlib import Path

from click.testing import CliRunner

from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.reports import approval_preview, preview, printable
from finetune_collection.review.api import summary_text

# Clear screen, set the window title (OSC ... BEL), a hyperlink left open, CSI as one C1 byte, DEL.
TASK = "debug\x1b]0;pwned\x07ging"
USER = ("please \x1b[2J\x1b[H fix \x9b31m red \x7f and \x1b]8;;https://example.com\x07 this long request "
        + "word " * 30 + "\x1b]0;title cut off here")
ANY_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")  # a newline between lines is fine


def example() -> dict[str, object]:
    return {"task_type": TASK, "input": {"user": USER}, "output": {"assistant": "done \x1b[0m"},
            "quality": "high", "metadata": {"workflow": "w\x1b[31m", "phase": "p\x9b1m"}}


def test_printable_escapes_every_control_and_cuts_after_escaping() -> None:
    assert printable("a\x1b[2Jb\x9bc\x7f\x00") == "a\\x1b[2Jb\\x9bc\\x7f\\x00"
    assert printable(" tab\there\nnew\r\nline ") == "tab here new line"
    cut = preview({"input": {"user": USER}}, width=60)
    assert not ANY_CONTROL.search(cut) and cut.endswith("…")


def test_cli_text_outputs_carry_no_controls_and_json_stays_exact(finetune_home: Path) -> None:
    runner = CliRunner()
    added = runner.invoke(cli, ["add", "--json"], input=json.dumps(example()))
    assert added.exit_code == 0, added.output
    example_id = json.loads(added.stdout)["id"]
    for args in (["list"], ["stats"], ["show", example_id], ["list", "--json"]):
        result = runner.invoke(cli, args)
        assert result.exit_code == 0, result.output
        assert not ANY_CONTROL.search(result.stdout), (args, result.stdout[:300])
    assert "debug\\x1b]0;pwned\\x07ging" in runner.invoke(cli, ["list"]).stdout
    (row,) = [json.loads(x) for x in runner.invoke(cli, ["list", "--json"]).stdout.splitlines()]
    assert row["task_type"] == TASK  # JSON: the stored value, controls written as \u escapes
    shown = json.loads(runner.invoke(cli, ["show", example_id]).stdout)
    assert shown["input"]["user"] == USER and shown["metadata"]["phase"] == "p\x9b1m"


def test_review_summary_and_approval_preview(pipeline: Pipeline, config: Config) -> None:
    result = pipeline.collect(example())
    text, _ = summary_text(pipeline)
    assert result.id in text and not ANY_CONTROL.search(text)
    stored = pipeline.store.get(result.id)
    assert not ANY_CONTROL.search(approval_preview(stored, 0.9))


def test_list_orders_by_instant_not_by_text(pipeline: Pipeline) -> None:
    from finetune_collection.reports import list_rows

    times = {"early": "2021-06-01T12:00:00Z", "utc_midnight": "2021-06-02T00:00:00",
             "later_in_utc": "2021-06-01T23:30:00-05:00", "undated": None}
    ids = {}
    for n, (name, when) in enumerate(times.items()):
        data: dict[str, object] = {"input": {"user": f"request {name} number {n} of the ordering test"},
                                   "output": {"assistant": "ok"}, "quality": "high"}
        if when is not None:
            data["created_at"] = when
        ids[pipeline.collect(data).id] = name
    # The undated one gets the time of collection (now): newest.
    order = [ids[row["id"]] for row in list_rows(pipeline.store)]
    assert order == ["undated", "later_in_utc", "utc_midnight", "early"]


def test_reordering_and_hidden_characters_are_shown_as_escapes() -> None:
    """A right-to-left override in a task type or preview reordered the rest of the line on
    screen (Trojan Source); a zero-width space hid where a word was cut. The joiners emoji and
    several scripts need stay."""
    from finetune_collection.reports import _line, printable

    shown = printable("tt\u202eabc \u2066iso\u2069 zero\u200bwidth \ufeffbom 👨\u200d👩")
    assert shown == "tt\\u202eabc \\u2066iso\\u2069 zero\\u200bwidth \\ufeffbom 👨\u200d👩"
    assert _line("a" * 77 + "\u202eabc", 80) == "a" * 77 + "…"  # no half escape at the cut
