"""The `finetune` CLI end to end: real processes, a real store file."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from conftest import ROOT, SEED_EXAMPLE, example, finetune_cmd, run_cli


def jsonl(text: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_import_json_contract_one_result_per_line_in_order(finetune_home: Path) -> None:
    lines = [
        json.dumps(SEED_EXAMPLE),
        "not json at all",
        json.dumps(example(2, quality_score=0.2, metadata={})),
        json.dumps(SEED_EXAMPLE | {"id": None}),
        json.dumps(example(3, metadata={})),
        json.dumps({"input": {"user": "only a user"}}),
    ]
    proc = run_cli("import", "--json", "-", input="\n".join(lines) + "\n")
    assert proc.returncode == 0, proc.stderr
    rows = [r for r in jsonl(proc.stdout) if r["status"] != "summary"]  # the last line sums up
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5, 6]
    assert [r["status"] for r in rows] == ["accepted", "invalid", "below_threshold", "duplicate", "pending", "invalid"]
    for row in rows:
        assert set(row) == {"line", "id", "status", "duplicate_of", "reasons", "redactions"}
    assert rows[0]["id"] == "ex_12345" and rows[3]["duplicate_of"] == "ex_12345"
    assert rows[1]["reasons"] and "JSON" in str(rows[1]["reasons"][0])


def test_add_list_show_approve_and_stats(finetune_home: Path) -> None:
    added = run_cli("add", "--user", "Reverse a string in Python", "--assistant", "s[::-1]",
                    "--quality", "high", "--task-type", "code_generation", "--signal", "tests_passed=3 passed",
                    "--json")
    result = json.loads(added.stdout)
    assert result["status"] == "pending"
    listed = jsonl(run_cli("list", "--json", "--status", "pending").stdout)
    assert [r["id"] for r in listed] == [result["id"]]
    assert {"id", "status", "created_at", "task_type", "quality_score"} <= set(listed[0])
    shown = json.loads(run_cli("show", result["id"]).stdout)
    assert shown["signals"] == [{"name": "tests_passed", "evidence": "3 passed"}]
    assert run_cli("approve", result["id"]).returncode == 0
    stats = json.loads(run_cli("stats", "--json").stdout)
    assert stats["by_status"] == {"accepted": 1} and stats["by_task_type"] == {"code_generation": 1}


def test_add_reads_one_json_example_on_stdin(finetune_home: Path) -> None:
    proc = run_cli("add", "--json", input=json.dumps(SEED_EXAMPLE))
    assert json.loads(proc.stdout)["id"] == "ex_12345"


def test_list_json_prints_every_match_without_a_cap(finetune_home: Path) -> None:
    body = "\n".join(json.dumps(example(i)) for i in range(150)) + "\n"
    run_cli("import", "-", input=body, check=True)
    rows = jsonl(run_cli("list", "--json").stdout)
    assert len(rows) == 150 and len({r["id"] for r in rows}) == 150


def test_list_text_is_one_line_per_example_even_with_a_newline_in_the_task_type(finetune_home: Path) -> None:
    odd = {**example(1), "task_type": "code\ngeneration"}
    body = json.dumps(example(0)) + "\n" + json.dumps(odd) + "\n"
    run_cli("import", "-", input=body, check=True)
    lines = run_cli("list", check=True).stdout.splitlines()
    assert len(lines) == 2 and any("code generation" in line for line in lines)


def test_errors_go_to_stderr_with_exit_codes(finetune_home: Path) -> None:
    missing = run_cli("show", "ex_missing")
    assert missing.returncode == 1 and missing.stderr.startswith("Error: no example with id")
    assert missing.stdout == ""
    usage = run_cli("add", "--quality", "superb", "--user", "u", "--assistant", "a")
    assert usage.returncode == 2 and "--quality" in usage.stderr
    bad_signal = run_cli("add", "--user", "u", "--assistant", "a", "--signal", "vibes")
    assert bad_signal.returncode == 1 and "known signals" in bad_signal.stderr


def test_bad_config_fails_at_start_with_file_and_key(finetune_home: Path, tmp_path: Path) -> None:
    cfg = tmp_path / "c.yaml"
    cfg.write_text("quality_filters:\n  min_quality_score: 7\n")
    proc = run_cli("stats", env={"FINETUNE_CONFIG": str(cfg)})
    assert proc.returncode == 1 and str(cfg) in proc.stderr and "min_quality_score" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_corrupt_store_is_a_clear_error(finetune_home: Path) -> None:
    finetune_home.mkdir(parents=True)
    (finetune_home / "examples.json").write_text('{"_default": {"1": {"x": 1}}}\n')
    proc = run_cli("stats")
    assert proc.returncode == 1 and "not a valid store record" in proc.stderr and "Traceback" not in proc.stderr


def test_scrub_text_and_jsonl_keep_order_and_other_fields(finetune_home: Path) -> None:
    plain = run_cli("scrub", input="write to alice@example.com\n")
    assert plain.stdout == "write to <EMAIL>\n"
    rows = [{"text": f"user{i}@example.com said hi", "id": i, "label": ["x"]} for i in range(5)]
    rows.insert(2, {"id": "no-text", "other": 1})
    proc = run_cli("scrub", "--jsonl", input="\n".join(json.dumps(r) for r in rows) + "\n")
    out = jsonl(proc.stdout)
    assert [o["id"] for o in out] == [0, 1, "no-text", 2, 3, 4]
    assert out[0] == {"text": "<EMAIL> said hi", "id": 0, "label": ["x"]}
    explained = run_cli("scrub", "--explain", input="a@b.io and c@d.io")
    assert explained.stdout.count("email") == 2 and "a@b.io" not in explained.stdout


def test_config_prints_the_effective_config(finetune_home: Path) -> None:
    proc = run_cli("config")
    assert "min_quality_score: 0.9" in proc.stdout and "built-in defaults" in proc.stdout


@pytest.mark.slow
def test_two_processes_importing_300_each_end_with_600(finetune_home: Path, tmp_path: Path) -> None:
    files = []
    for p in range(2):
        path = tmp_path / f"batch{p}.jsonl"
        path.write_text("\n".join(json.dumps(example(p * 1000 + i)) for i in range(300)) + "\n")
        files.append(path)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    procs = [subprocess.Popen([*finetune_cmd(), "import", "--json", str(f)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True, env=env) for f in files]
    outputs = [p.communicate(timeout=300) for p in procs]
    ids = [r["id"] for out, _ in outputs for r in jsonl(out) if r["status"] != "summary"]
    assert all(p.returncode == 0 for p in procs), [e for _, e in outputs]
    assert len(ids) == 600 and len(set(ids)) == 600
    listed = jsonl(run_cli("list", "--json").stdout)
    assert sorted(r["id"] for r in listed) == sorted(ids)
    for line in (finetune_home / "examples.json").read_bytes().splitlines():
        json.loads(line)


@pytest.mark.slow
def test_kill_9_during_import_json_loses_no_printed_id(finetune_home: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    proc = subprocess.Popen([*finetune_cmd(), "import", "--json", "-"], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert proc.stdin and proc.stdout
    printed: list[str] = []
    for i in range(40):
        proc.stdin.write((json.dumps(example(i)) + "\n").encode())
        proc.stdin.flush()
        if i % 3 == 0:
            printed.append(json.loads(proc.stdout.readline())["id"])
    time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    proc.stdin.close()
    proc.stdout.close()
    stored = {r["id"] for r in jsonl(run_cli("list", "--json").stdout)}
    assert printed and set(printed) <= stored


def test_module_entry_point_runs() -> None:
    proc = subprocess.run([sys.executable, "-c", "import finetune_collection.cli as c; c.main()", "--help"],
                          capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(ROOT / "server")})
    assert proc.returncode == 0 and "import" in proc.stdout


BROKEN_DOCS = [  # documents edited by hand so that they break the example schema
    {"input": "not an object"},
    {"messages": [1, "x", None], "created_at": "garbage", "status": 5},
    {"input": {"user": ["x"]}, "quality_score": "high", "task_type": {"a": 1}},
    {"id": "other", "input": {"user": "u"}, "output": {"assistant": "a"}, "redactions": {"email": "x"}},
]


def test_hand_edited_examples_never_brick_the_store(finetune_home: Path) -> None:
    """The error for a document that breaks the schema says `finetune delete ID`; that must work,
    and nothing else may crash on it (opening the store re-keyed it for dedup and raised)."""
    good = json.loads(run_cli("add", "--user", "real one", "--assistant", "kept", "--quality", "high",
                              "--approved", "--json", check=True).stdout)["id"]
    with open(finetune_home / "examples.json", "ab") as f:
        for n, doc in enumerate(BROKEN_DOCS):
            f.write(json.dumps({"op": "put", "t": "examples", "id": f"bad{n}", "doc": doc}).encode() + b"\n")
    for args in (["list"], ["list", "--json"], ["stats"], ["stats", "--json"], ["dedup"],
                 ["purge", "--before", "2099-01-01"], ["export", "--check"], ["show", "bad0"], ["approve", "bad1"]):
        proc = run_cli(*args)
        assert "Traceback" not in proc.stderr + proc.stdout, (args, proc.stderr[-800:])
        assert proc.returncode in (0, 1), (args, proc.returncode)
        if proc.returncode:
            assert "finetune delete bad" in proc.stderr, (args, proc.stderr)
    assert run_cli("delete", *(f"bad{n}" for n in range(len(BROKEN_DOCS)))).returncode == 0
    assert [json.loads(x)["id"] for x in run_cli("list", "--json").stdout.splitlines()] == [good]
    assert run_cli("stats").returncode == 0


def _sh(script: str, **env: str) -> subprocess.CompletedProcess[str]:
    """Run a command line through sh, for redirections subprocess cannot express (`>&-`)."""
    cmd = " ".join(f"'{part}'" for part in finetune_cmd())
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), **env}
    return subprocess.run(["sh", "-c", script.replace("finetune", cmd, 1)], capture_output=True, text=True,
                          env=full_env, timeout=120)


def _stored_ids() -> list[str]:
    return [json.loads(x)["id"] for x in run_cli("list", "--json", check=True).stdout.splitlines()]


def test_closed_stdin_stdout_or_stderr_is_not_a_crash(tmp_path: Path) -> None:
    """Python sets sys.stdout (…) to None for a closed descriptor: every write raised."""
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(example(n)) + "\n" for n in range(3)) + "not json\n")
    proc = _sh(f"finetune import --json '{lines}' >&-")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert len(_stored_ids()) == 3
    proc = _sh(f"finetune import '{lines}' 2>&-")
    assert proc.returncode == 0 and "duplicate 3" in proc.stdout, proc.stdout
    proc = _sh("finetune add <&-")
    assert proc.returncode == 2 and "stdin is empty" in proc.stderr, proc.stderr
    proc = _sh("finetune scrub --jsonl <&-")
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr


def test_import_json_goes_on_when_its_reader_leaves(tmp_path: Path) -> None:
    """`finetune import --json big.jsonl | head -1` used to stop after the first example, exit 0."""
    lines = tmp_path / "in.jsonl"
    lines.write_text("".join(json.dumps(example(n)) + "\n" for n in range(60)))
    full_env = {**os.environ, "PYTHONPATH": str(ROOT / "server")}
    proc = subprocess.Popen([*finetune_cmd(), "import", "--json", str(lines)], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=full_env)
    assert proc.stdout is not None and proc.stderr is not None
    first = json.loads(proc.stdout.readline())
    proc.stdout.close()  # like `head -1`
    with proc.stderr:
        err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "Traceback" not in err
    ids = _stored_ids()
    assert first["id"] in ids and len(ids) == 60


def test_data_folder_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    not_a_folder = tmp_path / "file"
    not_a_folder.write_text("x")
    for args in (["list"], ["add", "--user", "u", "--assistant", "a"], ["stats"]):
        proc = run_cli(*args, env={"FINETUNE_HOME": str(not_a_folder)})
        assert proc.returncode == 1 and "Traceback" not in proc.stderr, proc.stderr
        assert f"{not_a_folder}: not a folder" in proc.stderr and "FINETUNE_HOME" in proc.stderr
    assert not_a_folder.read_text() == "x"


@pytest.mark.parametrize(
    ("stdin_fields", "flags", "message"),
    [
        ({"signals": "ab"}, ["--signal", "tests_passed"], "signals: Input should be a valid list"),
        ({"metadata": 5}, ["--approved"], "metadata: Input should be a valid dictionary"),
        ({"metadata": []}, ["--approved"], "metadata: Input should be a valid dictionary"),
    ],
)
def test_add_flags_never_crash_on_wrong_typed_stdin_fields(
    stdin_fields: dict[str, object], flags: list[str], message: str
) -> None:
    data = {"input": {"user": "u"}, "output": {"assistant": "a"}, **stdin_fields}
    proc = run_cli("add", *flags, input=json.dumps(data))
    assert proc.returncode == 1 and message in proc.stderr and "Traceback" not in proc.stderr, proc.stderr


def test_add_signal_flag_joins_null_signals_and_a_bom_is_not_json_error() -> None:
    data = {"input": {"user": "u"}, "output": {"assistant": "a"}, "signals": None}
    result = json.loads(run_cli("add", "--signal", "tests_passed", "--json", input=json.dumps(data), check=True).stdout)
    assert result["quality_score"] == pytest.approx(0.8)  # 0.7 + one positive signal
    data = {"input": {"user": "other"}, "output": {"assistant": "b"}, "quality": "high"}
    assert run_cli("add", input="\ufeff" + json.dumps(data)).returncode == 0


def test_import_accepts_a_byte_order_mark(tmp_path: Path) -> None:
    lines = tmp_path / "in.jsonl"
    lines.write_bytes(b"\xef\xbb\xbf" + "".join(json.dumps(example(n)) + "\r\n" for n in range(2)).encode())
    rows = [json.loads(x) for x in run_cli("import", "--json", str(lines), check=True).stdout.splitlines()]
    assert [r["status"] for r in rows] == ["accepted", "accepted", "summary"]


@pytest.mark.parametrize(
    "args",
    [["export", "--min-quality", "nan"], ["export", "--split", "nan"], ["dedup", "--threshold", "nan"],
     ["add", "--user", "u", "--assistant", "a", "--quality", "nan"], ["export", "--output", ""],
     ["purge", "--before", ""], ["export", "--since", "", "--check"]],
)
def test_nan_or_an_empty_output_is_a_usage_error(args: list[str]) -> None:
    proc = run_cli(*args)
    assert proc.returncode == 2 and "Traceback" not in proc.stderr and "Invalid value" in proc.stderr, proc.stderr


def test_config_command_prints_nothing_for_a_bad_config(tmp_path: Path) -> None:
    bad = tmp_path / "config.yaml"
    bad.write_text("quality_filters: 5\n")
    proc = run_cli("config", env={"FINETUNE_CONFIG": str(bad)})
    assert proc.returncode == 1 and proc.stdout == "" and "quality_filters" in proc.stderr


@pytest.mark.parametrize("action", ["approve", "reject", "delete"])
def test_review_of_several_ids_is_all_or_nothing(action: str) -> None:
    """An unknown id after a good one used to leave the good one changed, with exit 1."""
    good = json.loads(run_cli("add", "--user", "u", "--assistant", "a", "--quality", "high", "--json",
                              check=True).stdout)["id"]
    before = run_cli("show", good, check=True).stdout
    proc = run_cli(action, good, "ex_00000000dead")
    assert proc.returncode == 1 and "ex_00000000dead" in proc.stderr and "nothing was changed" in proc.stderr, proc.stderr
    assert proc.stdout == ""
    assert run_cli("show", good, check=True).stdout == before
    again = run_cli(action, good, good)
    assert again.returncode == 0 and again.stdout.count(good) == 1, again.stderr


def test_scrub_jsonl_keeps_a_lone_surrogate_as_an_escape() -> None:
    # A real process: main() sets how the console script's stdout encodes lone surrogates.
    proc = run_cli("scrub", "--jsonl", "--explain", input='{"text": "a@b.com \\ud800", "k": "\\udc00"}\n', process=True)
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert json.loads(proc.stdout) == {"text": "<EMAIL> \ud800", "k": "\udc00", "findings": [
        {"type": "email", "start": 0, "end": 7, "line": 1, "col": 1}]}


def test_show_and_list_print_a_lone_surrogate_from_a_hand_edited_store(finetune_home: Path) -> None:
    run_cli("add", "--user", "u", "--assistant", "a", "--quality", "high", check=True)
    doc = {**SEED_EXAMPLE, "id": "s", "status": "accepted", "input": {"user": "x \ud800 y"}}
    with open(finetune_home / "examples.json", "ab") as f:
        f.write(json.dumps({"op": "put", "t": "examples", "id": "s", "doc": doc}).encode() + b"\n")
    shown = run_cli("show", "s", process=True)  # the console script's stdout, as above
    assert shown.returncode == 0 and "Traceback" not in shown.stderr, shown.stderr
    assert json.loads(shown.stdout)["input"]["user"] == "x \ud800 y"
    listed = run_cli("list", process=True)
    assert listed.returncode == 0 and "x \\ud800 y" in listed.stdout, listed.stderr


def test_export_edges_are_clear_errors(finetune_home: Path, tmp_path: Path) -> None:
    """Issue 20, items 6-8: a piped export of an empty store, `--output -`, a 256-byte name."""
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    empty = CliRunner().invoke(cli, ["export", "--output", str(tmp_path / "o.jsonl")])
    assert empty.exit_code == 1 and "nothing to export" in empty.output and empty.exception is not None
    assert isinstance(empty.exception, SystemExit)  # a clean exit, not the '_Quiet' AttributeError
    dash = CliRunner().invoke(cli, ["export", "--output", "-"])
    assert dash.exit_code == 2 and "--output" in dash.output and not (Path.cwd() / "-").exists()
    long_name = "x" * 252 + ".jsonl"
    long = CliRunner().invoke(cli, ["export", "--output", str(tmp_path / long_name)])
    assert long.exit_code == 1 and "at most 255 bytes" in long.output and long_name not in long.output


def test_import_summary_says_what_was_replaced_and_what_waits(tmp_path: Path) -> None:
    first = example(1, quality_score=0.92, metadata={})
    better = {**first, "quality_score": 0.97, "output": {"assistant": first["output"]["assistant"] + "\n# checked"}}
    low = example(2, quality_score=0.3, metadata={})
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in (first, better, low)))
    proc = run_cli("import", str(path))
    assert proc.returncode == 0, proc.stderr
    assert "pending 2 (1 of them replaced an earlier copy no person had judged, now kept as superseded)" in proc.stdout
    assert "below_threshold 1" in proc.stdout and "finetune approve" in proc.stdout


def test_bulk_review_by_filter_counts_first_then_acts(finetune_home: Path) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli
    from finetune_collection.config import Config
    from finetune_collection.pipeline import Pipeline
    from finetune_collection.store import Store

    core = Pipeline(Store(finetune_home, Config()), Config())
    high = [core.collect(example(n, metadata={}, quality_score=0.95)).id for n in range(3)]
    low = core.collect(example(9, metadata={}, quality_score=0.91)).id
    runner = CliRunner()
    dry = runner.invoke(cli, ["approve", "--status", "pending", "--min-quality", "0.94", "--dry-run"])
    assert dry.exit_code == 0 and dry.output.startswith("3 example(s) would be approved")
    assert {d["status"] for d in Store(finetune_home, Config()).docs()} == {"pending"}
    done = runner.invoke(cli, ["approve", "--status", "pending", "--min-quality", "0.94"])
    assert done.exit_code == 0 and done.output.startswith("3 example(s) approved")
    statuses = {d["id"]: d["status"] for d in Store(finetune_home, Config()).docs()}
    assert [statuses[i] for i in high] == ["accepted"] * 3 and statuses[low] == "pending"
    both = runner.invoke(cli, ["reject", str(low), "--status", "pending"])
    assert both.exit_code == 2 and "not both" in both.output
    assert runner.invoke(cli, ["reject"]).exit_code == 2


def test_a_dry_run_decides_as_the_import_does(tmp_path: Path) -> None:
    """--dry-run and a real import give the same status per line (below_threshold, duplicate, …)."""
    lines = [example(1, metadata={}, quality_score=0.3), example(2), example(2)]
    path = tmp_path / "in.jsonl"
    path.write_text("".join(json.dumps(x) + "\n" for x in lines))
    dry = [json.loads(x)["status"] for x in run_cli("import", "--dry-run", "--json", str(path)).stdout.splitlines()]
    real = [json.loads(x)["status"] for x in run_cli("import", "--json", str(path)).stdout.splitlines()]
    assert dry[0] == real[0] == "below_threshold" and dry[1] == real[1] == "accepted"
    assert real[2] == "duplicate"  # the dry run stores nothing, so its third line is not yet a duplicate


def _on_a_terminal(args: list[str], home: Path) -> bytes:
    """Run the CLI with stdout and stderr on a real pseudo-terminal; what the terminal received."""
    import pty
    import select
    import time

    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "server"), "FINETUNE_HOME": str(home), "COLUMNS": "80"}
    proc = subprocess.Popen([*finetune_cmd(), *args], stdin=subprocess.DEVNULL, stdout=follower, stderr=follower,
                            env=env)
    os.close(follower)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        waiting = select.poll()  # not select(): the suite may hold over 1024 descriptors by now
        waiting.register(leader, select.POLLIN)
        while time.monotonic() < deadline:
            if not waiting.poll(1000):
                if proc.poll() is not None:
                    break
                continue
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: the terminal's other side closed, the process ended
                break
            if not chunk:
                break
            seen += chunk
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(leader)
    return seen


def test_an_invalid_line_is_not_written_over_the_progress_bar(finetune_home: Path, tmp_path: Path) -> None:
    """Issue 20, item 17: on a terminal the bar's line is cleared before the message, which
    used to be written over the bar's text."""
    feed = tmp_path / "in.jsonl"
    feed.write_text(json.dumps(example(1)) + "\n{not json\n" + json.dumps(example(2)) + "\n")
    seen = _on_a_terminal(["import", str(feed)], finetune_home)
    assert b"line 2: invalid" in seen, seen[-2000:]
    before = seen[: seen.index(b"line 2: invalid")]
    assert before.endswith(b"\r\x1b[K"), before[-80:]
    assert b"imported: accepted 2" in seen, seen[-2000:]


@pytest.mark.parametrize("args", [["export", "--status"], ["export", "--tier"], ["list", "--status"],
                                  ["import", "--from"], ["export", "--min-quality"]])
def test_a_refused_option_value_is_not_repeated(finetune_home: Path, args: list[str]) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    canary = "nan" if args[-1] == "--min-quality" else "ghp_zqCANARYq9x1kVZQ2tqMnMcLRk"
    result = CliRunner().invoke(cli, [*args, canary, *(["x"] if args[0] == "import" else [])])
    assert result.exit_code == 2 and "Invalid value" in result.stderr
    assert canary not in result.stderr and "CANARY" not in result.stderr
