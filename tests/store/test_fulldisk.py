"""A full disk: every writing command either does what it says or changes nothing and says so.

`benchmarks/fulldisk.py` runs the whole matrix (more free-space levels); here each operation runs
with no free page, two free pages (an append fits, a rewrite does not) and plenty.
"""

from __future__ import annotations

import errno
import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from conftest import ROOT, example
from finetune_collection import curate
from finetune_collection.cli import cli
from finetune_collection.config import Config
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import Store, log

sys.path.insert(0, str(ROOT / "benchmarks"))
import fulldisk  # noqa: E402


@pytest.fixture(scope="module")
def can_mount() -> None:
    try:
        with fulldisk.tmpfs(64):
            pass
    except (fulldisk.MountRefused, FileNotFoundError) as err:
        pytest.skip(f"cannot mount a tmpfs here ({err}); run as root to test full disks")


@pytest.mark.slow
@pytest.mark.parametrize("free", [0, 2, 1000])
@pytest.mark.parametrize("op", fulldisk.OPERATIONS)
def test_full_disk_loses_nothing_and_says_nothing_untrue(can_mount: None, op: str, free: int) -> None:
    outcome, verdict = fulldisk.trial(op, free)
    assert verdict.lost == [] and verdict.untrue == [], (outcome, verdict)
    if free == 1000:
        assert outcome.ok, outcome.said  # with room, every operation succeeds


def test_a_compaction_a_crash_prevented_is_done_by_the_next_write(pipeline: Pipeline, store: Store) -> None:
    """A delete recorded without its compaction (the process died in between) leaves the text in
    the file; the next writer finds the erase record and compacts."""
    gone = pipeline.collect(example(1, input={"user": "the unique words zebra quokka"})).id or ""
    pipeline.collect(example(2))
    with open(store.path, "ab") as f:
        f.write(b'{"op":"del","t":"examples","id":"%s","erase":true}\n' % gone.encode())
    assert b"quokka" in store.path.read_bytes()
    other = Pipeline(Store(store.home, Config()), Config())
    assert gone not in other.store
    other.collect(example(3))
    data = store.path.read_bytes()
    assert b"quokka" not in data and b'"erase"' not in data
    assert len(Store(store.home, Config())) == 2


def test_an_edit_is_one_append_that_keeps_the_id(pipeline: Pipeline, store: Store) -> None:
    """The edit used to append a delete record and the edited copy separately: on a full disk only
    the delete fit and the example was gone."""
    ex = pipeline.collect(example(1)).id or ""
    appends: list[list[dict[str, object]]] = []
    original = store.storage.append
    store.storage.append = lambda records: (appends.append(records), original(records))[1]  # type: ignore[method-assign]
    curate.edit_turn(pipeline, ex, 1, "a different answer altogether, rewritten by the reviewer")
    store.storage.append = original  # type: ignore[method-assign]
    assert len(appends) == 1 and all(r["op"] == "put" for r in appends[0])
    assert "rewritten by the reviewer" in str(Store(store.home, Config()).get(ex).output)


def disk_full_from(monkeypatch: pytest.MonkeyPatch, call: int) -> list[int]:
    """Simulated ENOSPC (no tmpfs, no root): every append's fdatasync from the `call`-th on fails.
    Returns the call counter; set it far below zero to give the disk room again."""
    real = log.datasync
    calls = [0]

    def datasync(fd: int) -> None:
        calls[0] += 1
        if calls[0] >= call:
            raise OSError(errno.ENOSPC, "No space left on device")
        real(fd)

    monkeypatch.setattr(log, "datasync", datasync)
    return calls


def stored_lines(stdout: str) -> list[list[str]]:
    """The ids of each `stored: …` line an interrupted import printed."""
    return [line.removeprefix("stored: ").split(", ") for line in stdout.splitlines() if line.startswith("stored: ")]


def test_import_stopped_by_a_full_disk_says_what_was_stored_and_which_line_failed(
        finetune_home: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The third append's fdatasync fails (`disk_full_from`). The import used
    to print only "write failed; nothing was stored" though two examples were stored."""
    calls = disk_full_from(monkeypatch, 3)
    lines = "".join(json.dumps(example(n)) + "\n" for n in range(6))
    result = CliRunner().invoke(cli, ["import", "-"], input=lines)
    assert result.exit_code == 1
    stored = stored_lines(result.stdout)
    assert len(stored) == 1 and len(stored[0]) == 2, result.output
    assert "line 3 could not be stored" in result.stderr and "line 3 and the lines after it were not imported" in result.stderr
    assert "2 example(s) from the lines before it were stored" in result.stderr
    assert "imported: accepted 2" in result.stdout
    calls[0] = -(10**6)  # the disk has room again
    assert sorted(Store(finetune_home, Config()).ids()) == sorted(stored[0])  # exactly those, nothing else


def test_a_transcript_import_stopped_by_a_full_disk_says_what_was_stored(
        finetune_home: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`import --from claude-code` used to end in a bare error, neither the summary nor which
    examples were stored: it now stops and says so as `import -` does, in text and in --json."""
    from transcript_helpers import transcript

    asks = ["Which port does the web server listen on", "How many workers does the queue start",
            "Where are the nightly backups written", "What timezone do the cron jobs use", "Which region hosts the bucket"]

    def session(n: int) -> str:
        path = transcript(tmp_path / f"s{n}.jsonl")
        text = path.read_text(encoding="utf-8").replace("Check which key the service reads from .env", asks[n])
        path.write_text(text.replace("rotate it.", f"{asks[n].split()[-1]} is set there."), encoding="utf-8")
        return str(path)

    paths = [session(n) for n in range(4)]
    calls = disk_full_from(monkeypatch, 3)
    result = CliRunner().invoke(cli, ["import", "--from", "claude-code", *paths])
    assert result.exit_code == 1, result.output
    stored = stored_lines(result.stdout)
    assert len(stored) == 1 and len(stored[0]) == 2, result.output
    assert "an exchange of path 3 of the paths given could not be stored" in result.stderr
    assert "2 example(s) before it were stored" in result.stderr and "Traceback" not in result.output
    assert all(p not in result.output for p in paths)
    calls[0] = -(10**6)  # the disk has room again: the rest goes in; then a --json run fails at its first append
    assert sorted(Store(finetune_home, Config()).ids()) == sorted(stored[0])
    rest = CliRunner().invoke(cli, ["import", "--from", "claude-code", "--json", *paths])
    assert rest.exit_code == 0, rest.output
    calls[0] = 10**6
    failed = CliRunner().invoke(cli, ["import", "--from", "claude-code", "--json", session(4)])
    rows = [json.loads(line) for line in failed.stdout.splitlines()]
    assert failed.exit_code == 1 and rows[-1]["status"] == "summary"
    assert "an exchange of the transcript could not be stored" in failed.stderr and "0 example(s)" in failed.stderr

