"""Export end to end on a real store file: golden files per format, files, filters, split, API."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path
from typing import Any

import pytest

from conftest import example, run_cli
from finetune_collection import export as export_mod
from finetune_collection.config import Config
from finetune_collection.errors import ExportError
from finetune_collection.export import FORMATS, ExportRequest
from finetune_collection.pipeline import Pipeline
from finetune_collection.store import STORE_FILE, Store

GOLDEN = Path(__file__).parent / "golden"
UPDATE = os.environ.get("UPDATE_GOLDEN") == "1"

APPROVED = {"human_approved": True}
CASES: dict[str, dict[str, Any]] = {
    "single": {
        "task_type": "qa",
        "input": {"user": "What is the capital of France?"},
        "output": {"assistant": "Paris."},
    },
    "context": {
        "task_type": "code_generation",
        "input": {
            "system": "You are a code assistant.",
            "user": "Create a function that reverses a string.",
            "context": "Project uses TypeScript 5.",
        },
        "output": {"assistant": "const reverse = (s: string) => [...s].reverse().join('');"},
    },
    "multi": {
        "task_type": "qa",
        "messages": [
            {"role": "user", "content": "Name a prime number."},
            {"role": "assistant", "content": "7 is prime."},
            {"role": "user", "content": "And an even one?"},
            {"role": "assistant", "content": "2 is the only even prime.", "weight": 1},
        ],
    },
    "tools": {
        "task_type": "tool_use",
        "messages": [
            {"role": "user", "content": "What's the weather in Oslo?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {
                        "id": "call_1",
                        "type": "function",
                        "function": {"name": "get_weather", "arguments": {"city": "Oslo"}},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": "call_1", "content": '{"temp_c": 4, "sky": "rain"}'},
            {"role": "assistant", "content": "It is 4 °C and raining in Oslo."},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "description": "Current weather for a city",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                },
            }
        ],
    },
    "unicode": {
        "task_type": "translation",
        "input": {"system": "Traduis en français 🇫🇷", "user": "Good morning, 世界! Καλημέρα — مرحبا"},
        "output": {"assistant": "Bonjour, 世界 ! « Καλημέρα » — مرحبا 👋"},
    },
}
# Golden-only cases (the other tests count the five above): a rejected answer, one after a tool call,
# a parallel call with a leading system turn and a nullable parameter, and a turn the user excluded
# from training.
EXTRA_CASES: dict[str, dict[str, Any]] = {
    "preference": {
        "task_type": "debugging",
        "messages": [
            {"role": "system", "content": "You debug Python."},
            {"role": "user", "content": "Why does my while loop never end?"},
            {"role": "assistant", "content": "The counter is never incremented: add `i += 1` at the end of the body."},
        ],
        "rejected": [{"assistant": "Loops sometimes run forever; restart the program.", "reason": "missed the bug"}],
    },
    "parallel": {
        "task_type": "tool_use",
        "messages": [
            {"role": "system", "content": "You check the weather."},
            {"role": "user", "content": "Weather in Oslo and Bergen?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "call_a", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
                    {"id": "call_b", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Bergen", "unit": None}}},
                ],
            },
            {"role": "tool", "tool_call_id": "call_a", "content": "4 C, rain"},
            {"role": "tool", "tool_call_id": "call_b", "content": "7 C, sun"},
            {"role": "assistant", "content": "Oslo: 4 °C and rain. Bergen: 7 °C and sun."},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {
                        "type": "object",
                        "properties": {"city": {"type": "string"}, "unit": {"type": ["string", "null"]}},
                        "required": ["city"],
                    },
                },
            }
        ],
    },
    "agent_preference": {
        "task_type": "tool_use",
        "messages": [
            {"role": "user", "content": "Is it raining in Oslo?"},
            {
                "role": "assistant",
                "tool_calls": [
                    {"id": "call_r", "type": "function", "function": {"name": "get_weather", "arguments": {"city": "Oslo"}}},
                ],
            },
            {"role": "tool", "tool_call_id": "call_r", "content": '{"sky": "rain"}'},
            {"role": "assistant", "content": "Yes, it is raining in Oslo."},
        ],
        "tools": [
            {
                "type": "function",
                "function": {
                    "name": "get_weather",
                    "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
                },
            }
        ],
        "rejected": [{"assistant": "I cannot check the weather.", "reason": "ignored the tool result"}],
    },
    "weighted": {
        "task_type": "qa",
        "messages": [
            {"role": "user", "content": "Say hi."},
            {"role": "assistant", "content": "Hi, I guess.", "weight": 0},
            {"role": "user", "content": "Say it properly."},
            {"role": "assistant", "content": "Hello!", "weight": 1},
        ],
    },
}


def opened(path: Path) -> Store:
    """The store whose file is `path` (export and check take the caller's Store)."""
    return Store(path.parent, Config())


def collect(pipeline: Pipeline, cases: dict[str, dict[str, Any]]) -> None:
    for i, (case_id, data) in enumerate(cases.items()):
        doc = {
            "id": case_id,
            "created_at": f"2024-01-0{i + 1}T10:00:00Z",
            "quality_score": 0.95,
            "metadata": APPROVED,
            **data,
        }
        result = pipeline.collect(doc)
        assert result.status == "accepted", (case_id, result)


@pytest.fixture
def golden_store(pipeline: Pipeline, finetune_home: Path) -> Path:
    collect(pipeline, CASES)
    return finetune_home / STORE_FILE


@pytest.fixture
def golden_all(pipeline: Pipeline, finetune_home: Path) -> Path:
    collect(pipeline, CASES | EXTRA_CASES)
    return finetune_home / STORE_FILE


WORDS = (
    "river stone cloud maple violet engine harbor pencil winter garden copper lantern "
    "orbit canyon meadow signal quartz ribbon falcon tundra cedar glacier pepper saddle"
).split()


def distinct(n: int, words: int = 40) -> str:
    """Text that shares few word 3-grams with any other n (so near-dedup keeps them all)."""
    import random

    rng = random.Random(n)
    return " ".join(rng.choice(WORDS) + str(rng.randrange(1000)) for _ in range(words))


def varied(n: int, **overrides: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {"input": {"user": f"{n}: {distinct(n)}"}, "output": {"assistant": distinct(n + 100_000)}}
    return example(n, **{**fields, **overrides})


@pytest.fixture
def many(pipeline: Pipeline, finetune_home: Path) -> Path:
    for n in range(40):
        task = ("code_generation", "qa", "review")[n % 3]
        result = pipeline.collect(varied(n, task_type=task))
        assert result.status == "accepted", result
    return finetune_home / STORE_FILE


# -- golden files ---------------------------------------------------------------------------------
@pytest.mark.parametrize("fmt", list(FORMATS))
def test_golden(fmt: str, golden_all: Path, config: Config, tmp_path: Path) -> None:
    out = tmp_path / ("out" if FORMATS[fmt].folder else "out.jsonl")
    report = export_mod.export(opened(golden_all), config, ExportRequest(format=fmt, output=out))
    data = out / "data" / "train.jsonl" if FORMATS[fmt].folder else out
    lines = data.read_bytes().splitlines(keepends=True)
    produced: dict[str, str] = {}
    if FORMATS[fmt].folder:
        produced["README.md"] = (out / "README.md").read_text(encoding="utf-8")
    written_ids = [c for c in CASES | EXTRA_CASES if c not in {s.id for s in report.skipped}]
    assert len(written_ids) == report.written
    if FORMATS[fmt].records is None:
        assert len(lines) == len(written_ids)
        per_case = [[line] for line in lines]
    else:  # several lines per example (trl-kto): export each case alone to know whose lines they are
        per_case = []
        for case_id in written_ids:
            alone = tmp_path / f"{case_id}.jsonl"
            export_mod.export(opened(golden_all), config, ExportRequest(format=fmt, output=alone, ids=[case_id]))
            per_case.append(alone.read_bytes().splitlines(keepends=True))
        assert [x for group in per_case for x in group] == lines and report.records == len(lines)
    for case_id, group in zip(written_ids, per_case, strict=True):
        for line in group:
            json.loads(line)  # every line parses on its own
        produced[f"{case_id}.jsonl"] = b"".join(group).decode()
    for s in report.skipped:
        produced[f"{s.id}.skipped"] = f"{s.rule}: {s.detail}\n"
    folder = GOLDEN / fmt
    if UPDATE:
        folder.mkdir(parents=True, exist_ok=True)
        for old in folder.iterdir():
            old.unlink()
        for name, text in produced.items():
            (folder / name).write_text(text, encoding="utf-8")
    expected = {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir()}
    assert produced == expected


def test_golden_covers_every_case_and_format() -> None:
    for fmt in FORMATS:
        names = {p.stem for p in (GOLDEN / fmt).iterdir()} - ({"README"} if FORMATS[fmt].folder else set())
        assert names == set(CASES) | set(EXTRA_CASES), fmt
        assert any(p.suffix == ".jsonl" for p in (GOLDEN / fmt).iterdir())


# -- context placement ---------------------------------------------------------------------------
@pytest.mark.parametrize(("placement", "where"), [("system", "system"), ("user", "user"), ("drop", None)])
def test_context_placement(golden_store: Path, tmp_path: Path, placement: str, where: str | None) -> None:
    config = Config.model_validate({"export": {"context_placement": placement}})
    out = tmp_path / "o.jsonl"
    export_mod.export(opened(golden_store), config, ExportRequest(ids=["context"], output=out))
    messages = json.loads(out.read_text())["messages"]
    holder = [m["role"] for m in messages if "TypeScript 5" in m["content"]]
    assert holder == ([where] if where else [])


def test_context_placement_per_format(golden_store: Path, tmp_path: Path) -> None:
    config = Config.model_validate({"export": {"context_by_format": {"bedrock": "user"}}})
    out = tmp_path / "o.jsonl"
    export_mod.export(opened(golden_store), config, ExportRequest(format="bedrock", ids=["context"], output=out))
    record = json.loads(out.read_text())
    assert "TypeScript" not in record["system"] and "TypeScript" in record["messages"][0]["content"]


# -- files ----------------------------------------------------------------------------------------
def test_file_is_private_and_existing_file_refused(golden_store: Path, config: Config, tmp_path: Path) -> None:
    out = tmp_path / "o.jsonl"
    export_mod.export(opened(golden_store), config, ExportRequest(output=out))
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    before = out.read_bytes()
    with pytest.raises(ExportError, match="overwrite"):
        export_mod.export(opened(golden_store), config, ExportRequest(output=out, ids=["single"]))
    assert out.read_bytes() == before
    export_mod.export(opened(golden_store), config, ExportRequest(output=out, ids=["single"], overwrite=True))
    assert len(out.read_bytes().splitlines()) == 1


def _fail_process_at(monkeypatch: pytest.MonkeyPatch, n: int) -> dict[str, int]:
    """Make the exporter's n-th record fail like a full disk; returns the call counter."""
    calls = {"n": 0}
    real = export_mod.run.process

    def failing(*args: Any, **kwargs: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == n:
            raise OSError("disk full (simulated)")
        return real(*args, **kwargs)

    monkeypatch.setattr(export_mod.run, "process", failing)
    return calls


def test_failure_midway_leaves_no_file(
    golden_store: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "exports" / "o.jsonl"
    calls = _fail_process_at(monkeypatch, 3)
    with pytest.raises(OSError):
        export_mod.export(opened(golden_store), config, ExportRequest(output=out))
    assert calls["n"] == 3
    assert list(out.parent.iterdir()) == []  # neither the final file nor a temp file


def test_write_behind_syncs_while_writing_and_changes_no_byte(
    golden_store: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from finetune_collection.export import writer as _writer

    plain = tmp_path / "plain.jsonl"
    export_mod.export(opened(golden_store), config, ExportRequest(output=plain))
    synced: list[int] = []
    real = os.fdatasync

    def datasync(fd: int) -> None:
        synced.append(fd)
        real(fd)

    monkeypatch.setattr(_writer, "SYNC_EVERY", 64)
    monkeypatch.setattr(os, "fdatasync", datasync)
    behind = tmp_path / "behind.jsonl"
    export_mod.export(opened(golden_store), config, ExportRequest(output=behind))
    assert synced and behind.read_bytes() == plain.read_bytes()
    # A failure mid-export joins the sync thread before the temp file is removed.
    _fail_process_at(monkeypatch, 4)
    failed = tmp_path / "failed"
    failed.mkdir()
    with pytest.raises(OSError):
        export_mod.export(opened(golden_store), config, ExportRequest(output=failed / "o.jsonl"))
    assert list(failed.iterdir()) == []


def test_killed_export_leaves_no_final_file(golden_store: Path, tmp_path: Path) -> None:
    """A real SIGKILL between writing and renaming: only a hidden temp file may remain."""
    import signal
    import subprocess
    import sys

    out = tmp_path / "killed.jsonl"
    code = (
        "import os, signal, sys\n"
        "from pathlib import Path\n"
        "from finetune_collection.config import Config\n"
        "from finetune_collection.export import writer, export, ExportRequest\n"
        "from finetune_collection.store import Store\n"
        "def die(self): os.kill(os.getpid(), signal.SIGKILL)\n"
        "writer.AtomicFile.commit = die\n"
        f"export(Store(Path({str(golden_store.parent)!r}), Config()), Config(), ExportRequest(output=Path({str(out)!r})))\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, timeout=120)
    assert proc.returncode == -signal.SIGKILL
    assert not out.exists()
    temps = list(tmp_path.glob(".killed.jsonl.tmp-*"))
    assert len(temps) == 1
    # The next export to that name removes the dead process's temp file.
    export_mod.export(opened(golden_store), Config(), ExportRequest(output=out))
    assert out.exists() and not list(tmp_path.glob(".killed.jsonl.tmp-*"))


def test_default_output_under_exports(golden_store: Path, config: Config, finetune_home: Path) -> None:
    report = export_mod.export(opened(golden_store), config, ExportRequest(format="sharegpt"))
    (path,) = report.paths
    assert Path(path).parent == finetune_home / "exports" and Path(path).name.startswith("sharegpt-")


# -- errors ---------------------------------------------------------------------------------------
def test_unknown_format_lists_known(golden_store: Path, config: Config) -> None:
    with pytest.raises(ExportError, match="known formats: openai, anthropic, bedrock"):
        export_mod.export(opened(golden_store), config, ExportRequest(format="jsonl9"))


def test_nothing_to_export_names_the_filters(golden_store: Path, config: Config, tmp_path: Path) -> None:
    with pytest.raises(ExportError) as err:
        export_mod.export(opened(golden_store), config, ExportRequest(task_type=["nope"], output=tmp_path / "o.jsonl"))
    message = str(err.value)
    assert "task_type (1 given) matched 0 of 5" in message and "these matched nothing" in message
    assert "nope" not in message  # a filter value is the caller's text: counted, never repeated
    assert not (tmp_path / "o.jsonl").exists()


def test_nothing_passes_the_format(golden_store: Path, config: Config, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="break anthropic's rules .*tool_use_unsupported 1"):
        export_mod.export(opened(
            golden_store), config, ExportRequest(format="anthropic", ids=["tools"], output=tmp_path / "o.jsonl")
        )


def test_empty_store(config: Config, finetune_home: Path) -> None:
    with pytest.raises(ExportError, match="no examples"):
        export_mod.export(opened(finetune_home / STORE_FILE), config, ExportRequest())


# -- filters --------------------------------------------------------------------------------------
def ids_of(path: Path) -> int:
    return len(path.read_bytes().splitlines())


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        ({"task_type": ["qa"]}, 2),
        ({"ids": ["single", "tools"]}, 2),
        ({"since": "2024-01-03T00:00:00Z"}, 3),
        ({"until": "2024-01-03T00:00:00"}, 2),  # naive = UTC; until is exclusive
        ({"min_quality": 0.96}, 0),
        ({"limit": 3}, 3),
        ({"status": ["pending"]}, 0),
    ],
)
def test_filters(golden_store: Path, config: Config, tmp_path: Path, filters: dict[str, Any], expected: int) -> None:
    out = tmp_path / "o.jsonl"
    request = ExportRequest.model_validate({"format": "hf-messages", "output": out, **filters})
    if expected == 0:
        with pytest.raises(ExportError, match="nothing to export"):
            export_mod.export(opened(golden_store), config, request)
        return
    assert export_mod.export(opened(golden_store), config, request).written == expected == ids_of(out)


def test_filters_workflow_phase_signals(
    pipeline: Pipeline, config: Config, finetune_home: Path, tmp_path: Path
) -> None:
    pipeline.collect(
        varied(
            1, metadata={"human_approved": True, "workflow": "orchestrate", "phase": "BUILD"}, signals=["tests_passed"]
        )
    )
    pipeline.collect(varied(2, metadata={"human_approved": True, "workflow": "orchestrate", "phase": "PLAN"}))
    pipeline.collect(varied(3, metadata={"human_approved": False}))  # pending
    store = finetune_home / STORE_FILE

    def count(**kw: Any) -> int:
        out = tmp_path / f"{len(list(tmp_path.iterdir()))}.jsonl"
        return export_mod.export(opened(store), config, ExportRequest(output=out, **kw)).written

    assert count(workflow=["orchestrate"]) == 2
    assert count(phase=["BUILD"]) == 1
    assert count(signals=["tests_passed"]) == 1
    assert count() == 2  # accepted only by default
    assert count(status=["accepted", "pending"]) == 3


# -- secrets --------------------------------------------------------------------------------------
def test_record_that_still_looks_secret_is_refused(
    golden_store: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fake(text: str) -> list[str]:
        return ["api_key"] if "France" in text else []

    monkeypatch.setattr(export_mod.run, "load_secret_finder", lambda *_, **__: fake)
    out = tmp_path / "o.jsonl"
    report = export_mod.export(opened(golden_store), config, ExportRequest(output=out))
    (skip,) = report.skipped
    assert (skip.id, skip.rule) == ("single", "secret_detected")
    assert "api_key" in skip.detail and "France" not in report.model_dump_json()
    assert b"France" not in out.read_bytes() and report.written == 4


def test_real_secret_detector_if_present(golden_store: Path) -> None:
    from finetune_collection.export.process import load_secret_finder

    finder = load_secret_finder()
    assert finder is not None
    assert finder("plain words about Paris") == []


# -- progress and memory --------------------------------------------------------------------------
def test_progress_reports_done_and_total(many: Path, config: Config, tmp_path: Path) -> None:
    seen: list[tuple[int, int | None]] = []
    export_mod.export(opened(many), config, ExportRequest(output=tmp_path / "o.jsonl"), lambda d, t: seen.append((d, t)))
    assert seen[-1] == (40, 40)


def test_reader_holds_offsets_not_documents(many: Path) -> None:
    """Memory stays flat: pass 1 keeps (offset, length) per id, pass 2 yields one doc at a time."""
    import types

    from finetune_collection.store.snapshot import Snapshot

    with Snapshot(many) as snap:
        index = snap.index()["examples"]
        assert len(index) == 40
        assert all(isinstance(v, tuple) and len(v) == 2 and all(isinstance(x, int) for x in v) for v in index.values())
        docs = snap.docs(index)
        assert isinstance(docs, types.GeneratorType)
        first = next(docs)
        assert first[0] in index and isinstance(first[1], dict)


def test_reader_peak_memory_independent_of_doc_count(pipeline: Pipeline, finetune_home: Path) -> None:
    import tracemalloc

    from finetune_collection.store.snapshot import Snapshot

    for n in range(300):
        assert pipeline.collect(varied(n, output={"assistant": distinct(n + 1000, 700)})).status == "accepted"
    with Snapshot(finetune_home / STORE_FILE) as snap:
        index = snap.index()["examples"]
        tracemalloc.start()
        for _doc_id, _doc in snap.docs(index):
            pass
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert peak < 300 * 4000 / 10  # holding every ~4 KB document would need > 1.2 MB


def test_reader_snapshot_ignores_torn_tail_and_survives_compaction(golden_store: Path) -> None:
    from finetune_collection.store.snapshot import Snapshot

    with open(golden_store, "ab") as f:
        f.write(b'{"op":"put","t":"examples","id":"torn","doc":{"id":"to')  # crashed writer
    with Snapshot(golden_store) as snap:
        index = snap.index()["examples"]
        # Another process compacts: a new file renamed over the path. Our fd keeps the old one.
        tmp = golden_store.with_name("compacted")
        tmp.write_bytes(b"")
        os.replace(tmp, golden_store)
        assert [d for d, _ in snap.docs(index)] == list(CASES)


def test_reader_latest_put_wins_and_del_removes(golden_store: Path) -> None:
    from finetune_collection.store.snapshot import Snapshot

    line = golden_store.read_bytes().splitlines()[0]
    assert line.startswith(b'{"op":"put","t":"examples","id":"single"')
    record = json.loads(line)
    record["doc"]["task_type"] = "edited"
    with open(golden_store, "ab") as f:
        f.write(json.dumps(record).encode() + b"\n")  # stdlib spacing: not the fast prefix
        f.write(b'{"op":"del","t":"examples","id":"multi"}\n')
    with Snapshot(golden_store) as snap:
        docs = dict(snap.docs(snap.index()["examples"]))
    assert "multi" not in docs and docs["single"]["task_type"] == "edited"


# -- split ----------------------------------------------------------------------------------------
def test_split_deterministic_and_stratified(many: Path, config: Config, tmp_path: Path) -> None:
    def run(seed: int, name: str) -> tuple[list[bytes], list[bytes]]:
        report = export_mod.export(opened(many), config, ExportRequest(output=tmp_path / name, split=0.25, seed=seed))
        train, val = (Path(p) for p in report.paths)
        assert train.name == name.replace(".jsonl", ".train.jsonl") and val.name.endswith(".val.jsonl")
        return train.read_bytes().splitlines(), val.read_bytes().splitlines()

    a_train, a_val = run(1, "a.jsonl")
    b_train, b_val = run(1, "b.jsonl")
    c_train, c_val = run(2, "c.jsonl")
    assert (a_train, a_val) == (b_train, b_val)
    assert set(a_val) != set(c_val)
    assert len(a_train) + len(a_val) == 40 and not set(a_train) & set(a_val)
    # 40 examples in 3 task types (14/13/13): round(0.25 × size) of each goes to validation.
    assert len(a_val) == round(0.25 * 14) + 2 * round(0.25 * 13)


def test_split_keeps_clusters_together() -> None:
    from finetune_collection.export.split import assign

    task_of = {f"e{i}": "qa" for i in range(20)}
    clusters = [["e1", "e2", "e3"], ["e4", "e5"], ["e10", "e11", "e12", "e13"]]
    for seed in range(30):
        val = assign(task_of, clusters, 0.3, seed)
        for c in clusters:
            assert set(c) <= val or not set(c) & val, (seed, c)
        assert 0 < len(val) <= 6


def test_split_clusters_from_store_keep_exact_duplicates_together(many: Path, config: Config) -> None:
    from finetune_collection.dedup.clusters import components
    from finetune_collection.pipeline import index_for

    found = components(index_for(opened(many), config.dedup))
    assert all(len(c) >= 2 for c in found)


def test_split_refuses_existing_part(many: Path, config: Config, tmp_path: Path) -> None:
    (tmp_path / "t.val.jsonl").write_text("keep")
    with pytest.raises(ExportError, match="t.val.jsonl: file exists"):
        export_mod.export(opened(many), config, ExportRequest(output=tmp_path / "t.jsonl", split=0.1))
    assert (tmp_path / "t.val.jsonl").read_text() == "keep" and not (tmp_path / "t.train.jsonl").exists()


# -- check and readiness -------------------------------------------------------------------------
def test_check_writes_nothing_and_reports_every_format(golden_store: Path, config: Config, finetune_home: Path) -> None:
    before = sorted(p.name for p in finetune_home.rglob("*"))
    report = export_mod.check(opened(golden_store), config, ExportRequest())
    assert sorted(p.name for p in finetune_home.rglob("*")) == before
    by = {f.format: f for f in report.formats}
    assert set(by) == set(FORMATS)
    assert by["openai"].passed == 5 and by["openai"].min_examples == 10 and not by["openai"].ready
    assert by["anthropic"].failures == {"tool_use_unsupported": 1}
    assert by["anthropic"].failed_ids == {"tool_use_unsupported": ["tools"]}
    assert by["openai"].default_epochs == 20  # notebook: min(25, 100 // 5)
    assert by["openai"].billed_tokens_estimated == 20 * by["openai"].tokens_estimated
    assert by["bedrock"].default_epochs == 2
    assert "estimated (~4 characters per token" in report.render()


def test_check_counts_fixable(pipeline: Pipeline, config: Config, finetune_home: Path) -> None:
    collect(
        pipeline,
        {
            "sys": {
                "task_type": "qa",
                "messages": [
                    {"role": "system", "content": "Be terse."},
                    {"role": "user", "content": "Hi"},
                    {"role": "user", "content": "there"},
                    {"role": "assistant", "content": "Hello."},
                ],
            }
        },
    )
    store = opened(finetune_home / STORE_FILE)
    by = {f.format: f for f in export_mod.check(store, config, ExportRequest()).formats}
    # The safe fixes apply by default: the system turn moves, the two user turns merge.
    assert by["bedrock"].passed == 1 and by["bedrock"].passed_with_fixes == 1 and by["bedrock"].failed == 0
    assert by["openai"].passed == 1 and by["openai"].passed_with_fixes == 0
    strict = {f.format: f for f in export_mod.check(store, config, ExportRequest(strict=True)).formats}
    assert strict["bedrock"].failed == 1 and strict["bedrock"].fixable == 1
    (how,) = strict["bedrock"].would_pass_with
    assert how.startswith("strict off") and "pass with strict off" in " ".join(strict["bedrock"].missing)
    report = export_mod.export(store, config, ExportRequest(format="bedrock", output=finetune_home / "exports" / "b.jsonl"))
    assert report.written == 1 and report.fixed == {"moved_system_turn": 1, "merged_same_role_turns": 1}
    with pytest.raises(ExportError, match="strict"):
        export_mod.export(store, config, ExportRequest(format="bedrock", strict=True, output=finetune_home / "exports" / "s.jsonl"))


def test_readiness_in_stats(many: Path, store: Any) -> None:
    from finetune_collection.reports import compute, render

    stats = compute(store)
    rows = {r["target"]: r for r in stats.ready_to_train}
    assert set(rows) == set(FORMATS)
    openai = rows["openai"]
    assert openai["ready"] is True and openai["examples"] == 40 and openai["minimum"] == 10
    assert openai["default_epochs"] == 3 and openai["billed_tokens_estimated"] > 0
    vertex = rows["vertex"]
    assert vertex["recommended"] == 100 and "60 more for the recommended 100" in vertex["missing"]
    assert "ready to train on openai: yes" in render(stats)


def test_over_token_limit(pipeline: Pipeline, finetune_home: Path, tmp_path: Path) -> None:
    pipeline.collect(varied(1, output={"assistant": "word " * 4000}))
    config = Config.model_validate({"export": {"token_limits": {"bedrock": 1000, "openai": 1000}}})
    report = export_mod.check(opened(finetune_home / STORE_FILE), config, ExportRequest())
    by = {f.format: f for f in report.formats}
    assert by["bedrock"].failures == {"too_many_tokens": 1} and by["bedrock"].over_token_limit == 1
    # OpenAI truncates rather than rejects: kept, warned, billed at the limit.
    assert by["openai"].passed == 1 and by["openai"].warnings["over_token_limit"] == 1
    assert by["openai"].billed_tokens_estimated == 1000 * by["openai"].default_epochs
    out = export_mod.export(opened(finetune_home / STORE_FILE), config, ExportRequest(output=tmp_path / "o.jsonl"))
    assert any("over 1000 tokens" in w for w in out.warnings)


# -- API, CLI, datasets ---------------------------------------------------------------------------
def test_public_api_names() -> None:
    for name in ("ExportRequest", "ExportReport", "export", "check", "readiness", "FORMATS", "ExportError"):
        assert name in export_mod.__all__ and hasattr(export_mod, name)
    assert sorted(export_mod.__all__) == sorted(set(export_mod.__all__))
    for fmt in FORMATS.values():
        assert fmt.sources and callable(fmt.render) and callable(fmt.validate)


def test_cli_export_relative_output_and_check(golden_store: Path, tmp_path: Path) -> None:
    import subprocess

    env = {"FINETUNE_HOME": str(golden_store.parent)}
    work = tmp_path / "work"
    work.mkdir()
    cmd = [
        *__import__("conftest").finetune_cmd(),
        "export",
        "--format",
        "openai",
        "--output",
        "training.jsonl",
        "--task-type",
        "qa",
    ]
    full_env = {**os.environ, **env, "PYTHONPATH": str(Path(__file__).parents[2] / "server")}
    proc = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=full_env, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "wrote 2 example(s)" in proc.stdout and ids_of(work / "training.jsonl") == 2
    again = subprocess.run(cmd, cwd=work, capture_output=True, text=True, env=full_env, timeout=120)
    assert again.returncode == 1 and "Error:" in again.stderr and "--overwrite" in again.stderr
    check = run_cli("export", "--check", env=env)
    assert check.returncode == 0 and "bedrock:" in check.stdout and "nothing written" in check.stdout
    bad = run_cli("export", "--format", "nope", env=env)
    assert bad.returncode == 1 and "known formats" in bad.stderr


PREFERENCE = ("openai-dpo", "trl-preference", "trl-kto", "vertex-preference")


@pytest.mark.parametrize("fmt", PREFERENCE)
def test_preference_exports_load_as_one_table_and_pass_trl(
    fmt: str, pipeline: Pipeline, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed")
    for n in range(6):
        data = example(n)
        data["rejected"] = [{"assistant": f"A vaguer answer {n} that misses the point.", "reason": "too vague"}]
        assert pipeline.collect(data).status == "accepted"
    pipeline.collect(example(99))  # no rejected alternative: skipped by name, or one label for KTO
    out = tmp_path / "o.jsonl"
    report = export_mod.export(pipeline.store, config, ExportRequest(format=fmt, output=out))
    table = datasets.load_dataset("json", data_files=str(out), cache_dir=str(tmp_path / "cache"))["train"]
    if fmt == "trl-kto":  # every answer is a record: 7 accepted (true) and 6 rejected (false)
        assert (report.written, report.records, report.skipped_count) == (7, 13, 0)
        assert report.preference == {"label_true": 7, "label_false": 6, "label_false_inferred": 0}
        assert len(table) == 13 and sorted(table["label"]) == [False] * 6 + [True] * 7
    else:
        assert report.written == report.records == 6 and report.skipped_by_rule == {"no_rejected_alternative": 1}
        assert report.preference == {"explicit_pairs": 6}
        assert len(table) == 6
    # No column is filled with null by the loader; `tools` is null on purpose (no tools here).
    assert None not in [v for k, v in table[0].items() if k != "tools"] and table[0].get("tools", None) is None
    if fmt.startswith("trl-"):
        trl = pytest.importorskip("trl.data_utils", reason="trl is not installed")
        assert all(trl.is_conversational(row) for row in table)


@pytest.mark.parametrize("fmt", [f for f in FORMATS if f not in PREFERENCE])
def test_hf_datasets_loads_export(
    fmt: str, golden_store: Path, config: Config, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("HF_DATASETS_OFFLINE", "1")  # never reach for the network in tests
    datasets = pytest.importorskip("datasets", reason="Hugging Face datasets is not installed")
    folder = FORMATS[fmt].folder
    out = tmp_path / ("o" if folder else "o.jsonl")
    report = export_mod.export(opened(golden_store), config, ExportRequest(format=fmt, output=out, split=0.4))
    cache = str(tmp_path / "cache")
    if folder:  # the card's YAML configs name the splits, as the Hub reads them
        loaded = datasets.load_dataset(str(out), cache_dir=cache)
        assert {k: len(v) for k, v in loaded.items()} == {Path(p).stem: n for p, n in report.counts.items()}
        assert set(loaded) == {"train", "validation"}
        return
    # One table per file: a record missing a key would come back as a null column.
    total = 0
    for path in report.paths:
        ds = datasets.load_dataset("json", data_files=path, split="train", cache_dir=cache)
        total += len(ds)
        if FORMATS[fmt].uniform_keys:
            lines = [json.loads(x) for x in Path(path).read_text(encoding="utf-8").splitlines()]
            assert all(list(r) == list(FORMATS[fmt].uniform_keys) for r in lines), fmt
    assert total == report.written


def test_missing_ids_are_reported(golden_store: Path, config: Config, tmp_path: Path) -> None:
    report = export_mod.export(opened(golden_store), config, ExportRequest(ids=["single", "gone"], output=tmp_path / "o.jsonl"))
    assert report.written == 1 and "1 requested id(s) are not in the store" in report.warnings


def test_readiness_follows_store_changes(golden_store: Path, pipeline: Pipeline, config: Config) -> None:
    first = {r["target"]: r["examples"] for r in export_mod.readiness(opened(golden_store), config)}
    assert first == {r["target"]: r["examples"] for r in export_mod.readiness(opened(golden_store), config)}
    assert pipeline.collect(varied(7)).status == "accepted"
    after = {r["target"]: r["examples"] for r in export_mod.readiness(opened(golden_store), config)}
    assert after["openai"] == first["openai"] + 1


def test_real_detector_refuses_a_secret_that_reached_the_store(
    golden_store: Path, config: Config, tmp_path: Path
) -> None:
    """A key stored before the scrubber knew its pattern (written here behind the pipeline's back)."""
    from finetune_collection.export.process import load_secret_finder

    assert load_secret_finder() is not None
    key = "ghp_" + "Zq8rT2vLx9Wm4Kp7Ys3Nd6Hc1Bf5Gj0Ae2Ru"
    doc = {
        "id": "leaky",
        "created_at": "2024-02-01T00:00:00Z",
        "task_type": "qa",
        "quality_score": 0.95,
        "status": "accepted",
        "input": {"user": "Which token do I use?"},
        "output": {"assistant": f"Use {key}."},
    }
    with open(golden_store, "ab") as f:
        f.write(
            json.dumps({"op": "put", "t": "examples", "id": "leaky", "doc": doc}, separators=(",", ":")).encode()
            + b"\n"
        )
    out = tmp_path / "o.jsonl"
    report = export_mod.export(opened(golden_store), config, ExportRequest(output=out))
    assert [(s.id, s.rule) for s in report.skipped] == [("leaky", "secret_detected")]
    assert "github_token" in report.skipped[0].detail
    assert key not in report.model_dump_json() and key.encode() not in out.read_bytes()


def test_cli_export_never_replaces_the_store_or_a_non_regular_file(golden_store: Path, tmp_path: Path) -> None:
    """The export is renamed over its target: `--output $FINETUNE_HOME/examples.json --overwrite`
    replaced the whole dataset with the export, and `--output /dev/full --overwrite` the device."""
    before = golden_store.read_bytes()
    link = tmp_path / "link.jsonl"
    link.symlink_to(golden_store)
    for target in (golden_store, golden_store.with_name("examples.json.lock"), link):
        for extra in ([], ["--overwrite"]):
            proc = run_cli("export", "--output", str(target), *extra)
            assert proc.returncode == 1 and "inside the data folder" in proc.stderr, proc.stderr
    assert golden_store.read_bytes() == before
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    proc = run_cli("export", "--output", str(fifo), "--overwrite")
    assert proc.returncode == 1 and "not a regular file" in proc.stderr, proc.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
