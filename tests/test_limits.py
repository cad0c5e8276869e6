"""Resource limits and awkward input: full disk, read-only folder, giant or pathological examples.

Every case ends in one of two ways: stored safely (the file stays valid JSON lines, valid UTF-8)
or refused with a clear message; never a traceback, never a broken file.
"""

from __future__ import annotations

import json
import os
import resource
import signal
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import ROOT, example, finetune_cmd, run_cli
from finetune_collection.config import Config, Limits
from finetune_collection.errors import InvalidExample, StoreError
from finetune_collection.pipeline import Pipeline, sanitize
from finetune_collection.store import Store


def assert_valid_file(path: Path) -> list[dict[str, Any]]:
    """Every line of the store is a complete JSON record in valid UTF-8."""
    raw = path.read_bytes()
    text = raw.decode("utf-8")  # raises on invalid UTF-8
    assert text == "" or text.endswith("\n")
    return [json.loads(line) for line in text.split("\n")[:-1]]  # not splitlines(): U+2028 is data


def deep_object(depth: int) -> str:
    """JSON text of an object nested `depth` levels (built as text: json.dumps would recurse)."""
    return '{"a":' * depth + "1" + "}" * depth


def example_line(n: int, metadata_extra: str = "") -> str:
    extra = f',"deep":{metadata_extra}' if metadata_extra else ""
    return (
        f'{{"quality_score":0.95,"input":{{"user":"request {n}"}},"output":{{"assistant":"answer {n}"}},'
        f'"metadata":{{"human_approved":true{extra}}}}}'
    )


# -- size limit ---------------------------------------------------------------------------------------
def test_giant_example_refused_with_the_limit(finetune_home: Path) -> None:
    cfg = Config(limits=Limits(max_example_bytes=5_000))
    pipeline = Pipeline(Store(finetune_home, cfg), cfg)
    big = example(1, output={"assistant": "x" * 6_000})
    with pytest.raises(InvalidExample) as err:
        pipeline.collect(big)
    assert "5000" in str(err.value) and "limits.max_example_bytes" in str(err.value)
    assert "xxxxxxxx" not in str(err.value)  # the message names the limit, never echoes the text
    assert len(pipeline.store) == 0
    pipeline.collect(example(2))  # a normal example still goes in
    assert len(pipeline.store) == 1


def test_default_limit_is_documented_value(pipeline: Pipeline) -> None:
    assert pipeline.config.limits.max_example_bytes == 1_000_000
    with pytest.raises(InvalidExample, match="1000000"):
        pipeline.collect(example(1, output={"assistant": "y" * 1_000_001}))


@pytest.mark.slow
def test_cli_import_refuses_giant_line_and_goes_on(finetune_home: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "config.yaml"
    cfg.write_text("limits:\n  max_example_bytes: 2000\n")
    giant = example_line(1).replace("request 1", "r" * 3000)
    proc = run_cli("import", "--json", "-", input=giant + "\n" + example_line(2) + "\n",
                   env={"FINETUNE_CONFIG": str(cfg)})
    rows = [json.loads(line) for line in proc.stdout.splitlines()][:-1]  # the last line is the summary
    assert [r["status"] for r in rows] == ["invalid", "accepted"], proc.stderr
    assert "2000" in rows[0]["reasons"][0]
    assert len(assert_valid_file(finetune_home / "examples.json")) == 2  # example + its dedup keys


# -- nesting, surrogates, NUL and control characters ------------------------------------------------------
@pytest.mark.parametrize("depth", [50, 400, 990, 5_000, 100_000])
def test_deep_nesting_in_import_is_refused_cleanly(depth: int, finetune_home: Path) -> None:
    """A deeply nested line is `invalid` (or stored, if shallow enough); the import goes on."""
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    lines = [example_line(1, deep_object(depth)), "[" * depth + "]" * depth, example_line(2)]
    result = CliRunner().invoke(cli, ["import", "--json", "-"], input="\n".join(lines) + "\n")
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()][:-1]  # the last line is the summary
    assert [r["line"] for r in rows] == [1, 2, 3]
    assert rows[0]["status"] in ("accepted", "invalid")
    if rows[0]["status"] == "invalid":
        assert "nested" in rows[0]["reasons"][0]
    assert rows[1]["status"] == "invalid"
    assert rows[2]["status"] == "accepted"
    records = assert_valid_file(finetune_home / "examples.json")
    assert Store(finetune_home, Config()).get(rows[2]["id"])  # reopens and reads
    assert len(records) == 2 * sum(r["status"] == "accepted" for r in rows)


def test_deep_nesting_through_the_pipeline(pipeline: Pipeline) -> None:
    data: dict[str, Any] = {}
    cur = data
    for _ in range(20_000):  # built iteratively: deeper than any recursive encoder can follow
        cur["a"] = {}
        cur = cur["a"]
    with pytest.raises(InvalidExample, match="nested"):
        pipeline.collect(example(1, metadata={"human_approved": True, "deep": data}))
    assert len(pipeline.store) == 0
    assert pipeline.collect(example(2)).status == "accepted"


def test_deep_nesting_in_add_stdin(finetune_home: Path) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    result = CliRunner().invoke(cli, ["add"], input=example_line(1, deep_object(50_000)))
    assert result.exit_code == 1, repr(result.exception)
    assert "Error:" in result.output and "nested" in result.output


HOSTILE_STRINGS = [
    "NUL \x00 inside",
    "controls \x01\x07\x08\x0b\x0c\x1b[31mred\x1b[0m \x7f \x85",
    "lone high \ud800 and low \udfff surrogates",
    "line\u2028separator\u2029paragraph",
    "bidi \u202etxet\u202c and zero-width \u200b\ufeff",
    "astral \U0001f600 and combining e\u0301",
]


@pytest.mark.parametrize("text", HOSTILE_STRINGS)
def test_odd_characters_are_stored_safely(text: str, pipeline: Pipeline, finetune_home: Path) -> None:
    data = example(1, input={"user": f"please handle {text}"}, output={"assistant": f"ok {text}"})
    data["metadata"] = {"human_approved": True, f"key {text}": text, "list": [text, {"x": text}]}
    result = pipeline.collect(data)
    assert result.status == "accepted"
    records = assert_valid_file(finetune_home / "examples.json")
    assert len(records) == 2
    reopened = Store(finetune_home, Config())
    stored = reopened.get(result.id or "")
    assert stored.input is not None
    # Kept as given, except lone surrogates (not encodable as UTF-8) become U+FFFD.
    assert stored.input.user == sanitize(f"please handle {text}")
    stored.input.user.encode("utf-8")


@pytest.mark.slow
def test_odd_bytes_through_cli_import_show_and_list(finetune_home: Path) -> None:
    """Invalid UTF-8, NUL and escapes on the CLI edge: stored safely, readable by show and list."""
    line = example_line(1).replace("request 1", "bad \\u0000 \\ud800 \\u001b[2J")
    raw = line.encode() + b"\n" + example_line(2).replace("request 2", "\xff\xfe raw").encode("latin-1") + b"\n"
    proc = subprocess.run([*finetune_cmd(), "import", "--json", "-"], input=raw, capture_output=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT / "server")}, timeout=120)
    rows = [json.loads(x) for x in proc.stdout.decode().splitlines()][:-1]  # the last line is the summary
    assert proc.returncode == 0, proc.stderr
    assert [r["status"] for r in rows] == ["accepted", "accepted"]
    assert_valid_file(finetune_home / "examples.json")
    for row in rows:
        shown = run_cli("show", row["id"])
        assert shown.returncode == 0 and json.loads(shown.stdout)["id"] == row["id"]
    listed = run_cli("list", "--json")
    assert {json.loads(x)["id"] for x in listed.stdout.splitlines()} == {r["id"] for r in rows}


# -- full disk and read-only folder ---------------------------------------------------------------------
def _fsize_limit(limit: int) -> Callable[[], None]:
    def apply() -> None:
        # Without ignoring SIGXFSZ the kernel kills the writer instead of failing the write.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return apply


@pytest.mark.slow
@pytest.mark.parametrize("headroom", [0, 40])
def test_full_disk_gives_clear_error_and_leaves_store_unchanged(headroom: int, finetune_home: Path) -> None:
    """RLIMIT_FSIZE stands in for a full disk: the append fails (maybe half-written) and is rolled back."""
    first = run_cli("import", "--json", "-", input=example_line(1) + "\n")
    assert first.returncode == 0, first.stderr
    path = finetune_home / "examples.json"
    before = path.read_bytes()
    proc = subprocess.run(
        [*finetune_cmd(), "import", "--json", "-"], input=example_line(2) + "\n", capture_output=True, text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT / "server")}, timeout=120,
        preexec_fn=_fsize_limit(len(before) + headroom),
    )
    assert proc.returncode == 1
    # Nothing acknowledged: no line (the store could not be opened), or only the summary line.
    assert [json.loads(line)["status"] for line in proc.stdout.splitlines()] in ([], ["summary"])
    # The log's append or the index file beside it refuses first; either way nothing changed.
    assert "Error:" in proc.stderr and ("nothing was stored" in proc.stderr or "nothing was changed" in proc.stderr)
    assert "Traceback" not in proc.stderr
    assert path.read_bytes() == before
    again = run_cli("import", "--json", "-", input=example_line(2) + "\n")  # space is back: it works
    assert json.loads(again.stdout.splitlines()[0])["status"] == "accepted"


def test_write_failure_in_process_rolls_back(finetune_home: Path, pipeline: Pipeline) -> None:
    pipeline.collect(example(1))
    path = finetune_home / "examples.json"
    before = path.read_bytes()
    old = resource.getrlimit(resource.RLIMIT_FSIZE)
    handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    try:
        resource.setrlimit(resource.RLIMIT_FSIZE, (len(before) + 25, old[1]))
        with pytest.raises(StoreError, match="nothing was stored"):
            pipeline.collect(example(2))
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, old)
        signal.signal(signal.SIGXFSZ, handler)
    assert path.read_bytes() == before
    assert len(pipeline.store) == 1
    assert pipeline.collect(example(2)).status == "accepted"
    assert len(Store(finetune_home, Config())) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root ignores permission bits; RLIMIT_FSIZE tests cover this")
def test_read_only_folder_gives_clear_error(finetune_home: Path, pipeline: Pipeline) -> None:
    pipeline.collect(example(1))
    path = finetune_home / "examples.json"
    before = path.read_bytes()
    os.chmod(path, 0o400)
    try:
        with pytest.raises(StoreError, match="cannot open the store for writing"):
            pipeline.collect(example(2))
    finally:
        os.chmod(path, 0o600)
    assert path.read_bytes() == before


# -- pathological config ---------------------------------------------------------------------------------
def test_catastrophic_user_pattern_is_stopped_and_the_server_keeps_serving(
    finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`(a|aa)+$` on a long run of a's backtracks for ages: the timeout stops it, the example is
    refused (never stored unscrubbed), the error names the pattern's type, and later calls work."""
    import anyio

    from finetune_collection.mcp.server import build_server
    from mcp import Client

    config = tmp_path / "config.yaml"
    config.write_text(
        "scrub:\n  pattern_timeout: 0.2\n"
        "pii_patterns:\n  - type: runaway_pattern\n    pattern: '(a|aa)+$'\n    replacement: '<RUNAWAY>'\n"
    )
    monkeypatch.setenv("FINETUNE_CONFIG", str(config))

    async def scenario() -> None:
        with anyio.fail_after(60):
            async with Client(build_server(), mode="legacy") as client:
                hostile = example(1, input={"user": "a" * 60 + "!"})
                result = await client.call_tool("collect_example", hostile)
                text = "\n".join(getattr(c, "text", "") for c in result.content)
                assert result.is_error and "runaway_pattern" in text and "timeout" in text, text
                assert "aaaaaaaaaa" not in text
                fine = await client.call_tool("collect_example", example(2))
                assert not fine.is_error and fine.structured_content is not None
                assert fine.structured_content["status"] == "accepted"
                stats = await client.call_tool("finetune_stats", {})
                assert stats.structured_content is not None and stats.structured_content["total"] == 1

    anyio.run(scenario)
    assert b"aaaaaaaaaa" not in (finetune_home / "examples.json").read_bytes()


def test_user_pattern_never_rewrites_field_names_or_roles(finetune_home: Path) -> None:
    """A config pattern matching words like `user` or `metadata` scrubs text, not structure."""
    from finetune_collection.config import parse

    cfg = parse("pii_patterns:\n  - {type: word, pattern: '(?i)\\b(user|metadata|assistant|content)\\b|a$', "
                "replacement: '<W>'}\n")
    pipeline = Pipeline(Store(finetune_home, cfg), cfg)
    single = pipeline.collect(example(1, input={"user": "the user said metadata"}))
    multi = pipeline.collect({"quality_score": 0.95, "metadata": {"human_approved": True, "user": "a user"},
                              "messages": [{"role": "user", "content": "hello user"},
                                           {"role": "assistant", "content": "hi, said the assistant"}]})
    assert single.status == multi.status == "accepted"
    stored = pipeline.store.get(multi.id or "")
    assert [m.role for m in stored.turns()] == ["user", "assistant"]
    assert stored.turns()[0].content == "hello <W>"
    assert pipeline.store.get(single.id or "").input.user == "the <W> said <W>"  # type: ignore[union-attr]
