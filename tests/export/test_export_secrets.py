"""The exporter's secret re-check (scrub.detect via export._process.SecretCheck): a secret planted
in any kind of field is refused by every format that would write that field, and the per-example
shortcut (checking the conversation's texts instead of each rendered record) sees every line a
format writes."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from finetune_collection.errors import ExportError
from finetune_collection.export import FORMATS, Conversation
from finetune_collection.export.fix import repair
from finetune_collection.export.formats.nova import SCHEMA_VERSION
from finetune_collection.export.process import SecretCheck, _plain_texts, _strings, process
from finetune_collection.pipeline import Pipeline
from finetune_collection.scrub.detect import _chunks, find_secrets

# Built at run time so no key-shaped literal sits in the repository.
GH = "ghp_" + "Zq8rT2vLx9Wm4Kp7Ys3Nd6Hc1Bf5Gj0Ae2Ru"
# The same key as JSON escapes: only a renderer that decodes tool arguments (vertex, sharegpt)
# writes it in the clear.
GH_ESCAPED = "".join(f"\\u{ord(c):04x}" for c in GH[:4]) + GH[4:]


# -- the chunk finder -------------------------------------------------------------------------------
def _split_chunks(text: str) -> list[str]:
    return [w for w in text.split() if len(w) >= 14]


def test_chunks_equal_str_split_on_every_kind_of_whitespace() -> None:
    rnd = random.Random(7)
    spaces = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    others = list("aZ9-_=./:\"'<>@\x00\x08\x0e\x1b\x7f") + ["é", "€", "😀", "\ud800", "\x85\x85"[0], "ß"]
    for _ in range(20_000):
        n = rnd.randrange(80)
        text = "".join(
            rnd.choice(spaces) if rnd.random() < 0.15 else rnd.choice(others) if rnd.random() < 0.2 else "k"
            for _ in range(n)
        )
        assert _chunks(text) == _split_chunks(text), repr(text)


def test_chunks_edges() -> None:
    assert _chunks("") == []
    assert _chunks("a" * 13) == []
    assert _chunks("a" * 14) == ["a" * 14]
    assert _chunks(" " + "b" * 14 + "\x1c" + "c" * 15 + "\x1f") == ["b" * 14, "c" * 15]
    assert _chunks("short words only " * 300) == []
    assert _chunks("é" * 7 + " " + "x" * 13) == []  # 14 bytes of UTF-8, 7 characters
    assert _chunks("é" * 14) == ["é" * 14]
    assert _chunks("a" * 7 + "\u3000" + "a" * 7) == []  # non-ASCII whitespace still splits
    assert _chunks("a" * 7 + "\u200b" + "a" * 7) == ["a" * 7 + "\u200b" + "a" * 7]  # not whitespace


# -- a secret in each kind of field -----------------------------------------------------------------
Build = Callable[[str], Conversation]


def _call(args: str, call_id: str = "call_1", name: str = "lookup") -> dict[str, Any]:
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": args}}


def _tools(description: str = "Looks a thing up.", param: str = "query", enum: str = "fast") -> list[dict[str, Any]]:
    return [
        {
            "name": "lookup",
            "description": description,
            "parameters": {
                "type": "object",
                "properties": {param: {"type": "string", "enum": [enum, "slow"]}},
            },
        }
    ]


def _text(system: str = "Be brief.", user: str = "Which one?", assistant: str = "This one.") -> Conversation:
    turns: list[dict[str, Any]] = [
        {"role": "user", "content": user},
        {"role": "assistant", "content": assistant},
    ]
    return Conversation("ex_1", "qa", system, turns)


def _multi(first: str = "Earlier question?", answer: str = "Earlier answer.", name: str = "alice") -> Conversation:
    turns: list[dict[str, Any]] = [
        {"role": "system", "content": "You help."},
        {"role": "user", "content": first, "name": name},
        {"role": "assistant", "content": answer},
        {"role": "user", "content": "And now?"},
        {"role": "assistant", "content": "Now this."},
    ]
    return Conversation("ex_1", "qa", None, turns)


def _tooly(
    args: str = '{"q": "x"}',
    result: str = "found it",
    call_id: str = "call_1",
    tool_name: str = "lookup",
    description: str = "Looks a thing up.",
    param: str = "query",
    enum: str = "fast",
    declared: bool = True,
) -> Conversation:
    turns: list[dict[str, Any]] = [
        {"role": "user", "content": "Look it up."},
        {"role": "assistant", "content": None, "tool_calls": [_call(args, call_id, tool_name)]},
        {"role": "tool", "content": result, "tool_call_id": call_id},
        {"role": "assistant", "content": "Done."},
    ]
    tools = _tools(description, param, enum)
    tools[0]["name"] = tool_name
    return Conversation("ex_1", "qa", "Use tools.", turns, tools if declared else None)


def _escaped_args(value: str) -> str:
    return '{"token": "' + value.replace(GH, GH_ESCAPED) + '"}'


# (field, conversation with `value` planted there)
PLANTED: list[tuple[str, Build]] = [
    ("system field", lambda v: _text(system=f"Setup: {v}")),
    ("user turn", lambda v: _text(user=f"My key is {v} ok?")),
    ("assistant turn", lambda v: _text(assistant=f"Use {v}.")),
    ("system turn", lambda v: Conversation("ex_1", "qa", None, [{"role": "system", "content": v}, *_text().turns])),
    ("earlier user turn", lambda v: _multi(first=v)),
    ("earlier assistant turn", lambda v: _multi(answer=f"see {v}")),
    ("message name", lambda v: _multi(name=v)),
    ("tool call arguments", lambda v: _tooly(args=json.dumps({"token": v}))),
    ("tool call arguments, JSON-escaped", lambda v: _tooly(args=_escaped_args(v))),
    (
        "tool call arguments, JSON-escaped, no declared tools",
        lambda v: _tooly(args=_escaped_args(v), declared=False),
    ),
    ("tool call argument key", lambda v: _tooly(args=json.dumps({v: 1}))),
    ("tool call id", lambda v: _tooly(call_id=v)),
    ("tool name", lambda v: _tooly(tool_name=v)),
    ("tool result", lambda v: _tooly(result=f"token: {v}")),
    ("tool description", lambda v: _tooly(description=f"Uses {v} to authenticate.")),
    ("tool parameter name", lambda v: _tooly(param=v)),
    ("tool parameter enum", lambda v: _tooly(enum=v)),
]


@pytest.mark.parametrize("fmt_name", list(FORMATS))
@pytest.mark.parametrize(("where", "build"), PLANTED, ids=[p[0] for p in PLANTED])
def test_a_secret_in_any_field_is_refused_by_every_format(where: str, build: Build, fmt_name: str) -> None:
    fmt = FORMATS[fmt_name]
    for fix in (False, True):
        unchecked = process(build(GH), fmt, None, fix, SecretCheck(None))
        leaky = process(build(GH), fmt, None, fix, SecretCheck(find_secrets))
        assert leaky.line is None or GH[4:].encode() not in leaky.line
        if unchecked.line is None or GH[4:].encode() not in unchecked.line:
            continue  # the format does not write this field (or this conversation): nothing leaves
        assert leaky.problem is not None and leaky.problem.rule == "secret_detected", (where, fmt_name, fix)
        assert GH not in leaky.problem.detail and GH[4:] not in leaky.problem.detail


def test_every_field_is_written_by_some_format() -> None:
    """The table above is not vacuous: each planted field reaches at least one format's output."""
    for where, build in PLANTED:
        lines = [process(build(GH), fmt, None, True, SecretCheck(None)).line for fmt in FORMATS.values()]
        assert any(line and GH[4:].encode() in line for line in lines), where


def test_export_reports_id_and_type_never_the_value() -> None:
    out = process(_tooly(args=json.dumps({"token": GH})), FORMATS["vertex"], None, True, SecretCheck(find_secrets))
    assert out.problem is not None and out.problem.rule == "secret_detected"
    assert "github_token" in out.problem.detail or "high_entropy" in out.problem.detail
    assert GH not in out.problem.detail


# -- the per-example shortcut sees what each format writes ----------------------------------------
def _variants() -> list[Conversation]:
    rnd = random.Random(3)
    words = ["alpha", "beta", "gamma", "x" * 20, "path/to/some_file.py", "-----BEGIN", "PRIVATE", "KEY"]

    def text() -> str:
        return " ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 12))) + rnd.choice(["", "\n", "  ", "\n\n"])

    out: list[Conversation] = []
    for i in range(300):
        n = rnd.randrange(1, 4)
        turns: list[dict[str, Any]] = []
        if rnd.random() < 0.3:
            turns.append({"role": "system", "content": text()})
        for _ in range(n):
            user: dict[str, Any] = {"role": "user", "content": text()}
            if rnd.random() < 0.2:
                user["name"] = "bob"
            turns.append(user)
            if rnd.random() < 0.1:
                turns.append({"role": "user", "content": text()})  # --fix merges these
            answer: dict[str, Any] = {"role": "assistant", "content": text() if rnd.random() < 0.95 else " "}
            if rnd.random() < 0.2:
                answer["weight"] = rnd.choice([0, 1])
            turns.append(answer)
        system = text() if rnd.random() < 0.5 else None
        out.append(Conversation(f"ex_{i}", "qa", system, turns))
    return out


def _lines(texts: list[str]) -> set[str]:
    return {line.strip() for s in texts for line in s.splitlines()}


MARKERS = ("Human:", "Assistant:")  # anthropic's turn markers
# Role names and tags: with the markers, the only text a format adds (all too short to be a token).
ROLES = {"system", "user", "assistant", "tool", "model", "human", "gpt", "function_call", "observation"}


@pytest.mark.parametrize("fmt_name", list(FORMATS))
def test_every_line_a_format_writes_is_a_line_of_the_checked_texts(fmt_name: str) -> None:
    """Tokens never span lines, so a line-for-line match means the example-level check finds
    whatever a check of the rendered record would (anthropic's markers aside, which hold no token)."""
    fmt = FORMATS[fmt_name]
    seen = 0
    for conv in _variants():
        conv.rejected = ["A worse answer than the one given."]  # read by the preference formats only
        for candidate in (conv, repair(conv, fmt.system_field, "all")[0]):
            texts = _plain_texts(candidate)
            assert texts is not None
            try:
                record = fmt.render(candidate)
            except Exception:
                continue
            seen += 1
            # Constants a format writes: nova's schemaVersion, sharegpt's empty tool list.
            allowed = _lines(texts) | ROLES | {SCHEMA_VERSION, "[]"}
            for s in _strings(record):
                for line in s.splitlines():
                    line = line.strip()
                    for marker in MARKERS:
                        if fmt_name == "anthropic" and line.startswith(marker):
                            line = line[len(marker) :].strip()
                    assert line == "" or line in allowed, (fmt_name, line)
    assert seen > 100


def test_tool_data_is_checked_on_the_rendered_record() -> None:
    assert _plain_texts(_tooly()) is None
    turns = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": None, "tool_calls": [_call("{}")]}]
    assert _plain_texts(Conversation("ex_1", "qa", None, turns)) is None
    assert _plain_texts(_text()) == ["Be brief.", "user", "Which one?", "assistant", "This one."]


def test_check_runs_the_detector_once_per_example_across_formats() -> None:
    calls: list[str] = []

    def finder(text: str) -> list[str]:
        calls.append(text)
        return []

    secrets = SecretCheck(finder)
    conv = _text()
    for fmt in FORMATS.values():
        process(conv, fmt, None, True, secrets)
    assert len(calls) == 1


def test_a_hand_edit_after_collect_is_rechecked_in_full(pipeline: Pipeline, tmp_path: Path) -> None:
    """The collect-time stamp lets an export skip the catalog pass only for the exact texts it
    checked: text changed in the file afterwards gets the whole re-check."""
    from finetune_collection.export import ExportRequest, export
    from finetune_collection.model import example_texts

    result = pipeline.collect({"input": {"user": "Connect to the database"}, "output": {"assistant": "Use DSN."},
                               "quality_score": 0.95, "metadata": {"human_approved": True}})
    doc = pipeline.store.get_doc(result.id or "")
    assert doc["checked"] and doc.get("refused", []) == [] and example_texts(doc)
    edited = {**doc, "output": {"assistant": "Use DSN with password = 'Xk9#mP2qLr7'."}}
    with open(pipeline.store.path, "ab") as f:
        f.write(json.dumps({"op": "put", "t": "examples", "id": doc["id"], "doc": edited}).encode() + b"\n")
    with pytest.raises(ExportError, match="secret_detected"):
        export(pipeline.store, pipeline.config, ExportRequest(output=tmp_path / "o.jsonl", ids=[doc["id"]]))
    assert not (tmp_path / "o.jsonl").exists()


def test_tool_data_is_stamped_and_a_hand_edit_of_an_argument_is_rechecked_in_full(
    pipeline: Pipeline, tmp_path: Path
) -> None:
    """Tool data is stamped as the export reads it (arguments decoded, each value under its key):
    the unchanged example skips the catalog pass (the independent shapes still run), and a
    key-only secret written into an argument afterwards meets the whole catalog again."""
    from finetune_collection.export import ExportRequest, export
    from finetune_collection.scrub.detect import stamp_holds

    result = pipeline.collect({"messages": [
        {"role": "user", "content": "Connect to the staging database"},
        {"role": "assistant", "tool_calls": [{"id": "c1", "type": "function", "function": {
            "name": "connect", "arguments": json.dumps({"host": "db.staging", "user": "app"})}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "connected"},
        {"role": "assistant", "content": "Connected to the staging database."},
    ], "quality_score": 0.95, "metadata": {"human_approved": True}})
    doc = pipeline.store.get_doc(result.id or "")
    assert doc["checked"] and doc.get("refused", []) == [] and stamp_holds(doc)
    out = tmp_path / "o.jsonl"
    assert export(pipeline.store, pipeline.config, ExportRequest(output=out, ids=[doc["id"]])).written == 1
    call = doc["messages"][1]["tool_calls"][0]["function"]
    edited = json.loads(json.dumps(doc))
    edited["messages"][1]["tool_calls"][0]["function"]["arguments"] = json.dumps(
        {**json.loads(call["arguments"]), "password": "Tr0ub4dorXy9"})
    assert not stamp_holds(edited)
    with open(pipeline.store.path, "ab") as f:
        f.write(json.dumps({"op": "put", "t": "examples", "id": doc["id"], "doc": edited}).encode() + b"\n")
    with pytest.raises(ExportError, match="secret_detected"):
        export(pipeline.store, pipeline.config, ExportRequest(output=tmp_path / "p.jsonl", ids=[doc["id"]]))


def _unstamped(pipeline: Pipeline, doc: dict[str, Any]) -> None:
    """Store `doc` again as a release before stamps (or under another catalog) left it."""
    old = {k: v for k, v in doc.items() if k != "checked"}
    with open(pipeline.store.path, "ab") as f:
        f.write(json.dumps({"op": "put", "t": "examples", "id": doc["id"], "doc": old}).encode() + b"\n")


def _catalog_reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every text the whole catalog reads from now on (the stamp check and the export's own)."""
    from finetune_collection.scrub import detect

    reads: list[str] = []
    real = detect.find_secrets

    def counted(text: str, *, catalog: bool = True, **kwargs: Any) -> list[str]:
        if catalog:
            reads.append(text)
        return real(text, catalog=catalog, **kwargs)

    monkeypatch.setattr(detect, "find_secrets", counted)
    return reads


def test_an_unstamped_example_is_read_by_the_catalog_once(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An example without a stamp of this catalog is read by the catalog at the first export,
    which keeps its stamp in the store: the next export, in another process (a new store
    object), writes the same file without reading it again."""
    from finetune_collection.export import ExportRequest, check, export
    from finetune_collection.store import Store

    result = pipeline.collect({"input": {"user": "Connect to the database"}, "output": {"assistant": "Use the DSN."},
                               "quality_score": 0.95, "metadata": {"human_approved": True}})
    _unstamped(pipeline, pipeline.store.get_doc(result.id or ""))
    pipeline.store.close()
    for index in pipeline.store.home.glob("examples.index.sqlite*"):
        index.unlink()  # an index that has not read the log yet: the export alone brings it up
    reads = _catalog_reads(monkeypatch)
    first, second = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    assert export(Store(pipeline.store.home, pipeline.config), pipeline.config, ExportRequest(output=first)).written == 1
    assert len(reads) == 1
    again = Store(pipeline.store.home, pipeline.config)
    assert export(again, pipeline.config, ExportRequest(output=second)).written == 1
    assert len(reads) == 1 and first.read_bytes() == second.read_bytes()
    # `finetune export --check` trusts the same kept stamp.
    assert check(again, pipeline.config, ExportRequest()).matched == 1 and len(reads) == 1


def test_a_kept_stamp_covers_only_the_texts_it_was_made_for(
    pipeline: Pipeline, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Text changed in the file after an export kept a stamp is read in full and refused; the
    refusal is kept too, so the next export refuses it without a second catalog pass over
    its stamped texts, and only its own check of the record runs."""
    from finetune_collection.export import ExportRequest, export

    result = pipeline.collect({"input": {"user": "Connect to the database"}, "output": {"assistant": "Use the DSN."},
                               "quality_score": 0.95, "metadata": {"human_approved": True}})
    doc = pipeline.store.get_doc(result.id or "")
    _unstamped(pipeline, doc)
    assert export(pipeline.store, pipeline.config, ExportRequest(output=tmp_path / "a.jsonl")).written == 1
    _unstamped(pipeline, {**doc, "output": {"assistant": "Use the DSN with password = 'Xk9#mP2qLr7'."}})
    reads = _catalog_reads(monkeypatch)
    for name in ("b.jsonl", "c.jsonl"):
        with pytest.raises(ExportError, match="secret_detected"):
            export(pipeline.store, pipeline.config, ExportRequest(output=tmp_path / name))
    assert len(reads) == 3  # the stamp check once, then the record's check at each export


def test_a_stamped_example_skips_only_the_catalog() -> None:
    """Trusted: the shapes read the texts (plain) or the structured texts and the record's
    strings (tool data); the catalog reads nothing. Untrusted: the catalog reads them (and
    runs the shapes itself), and the record's strings of tool data still meet the shapes."""
    tooly = Conversation("ex_1", "qa", None, [
        {"role": "user", "content": "look it up please"},
        {"role": "assistant", "content": None, "tool_calls": [
            {"id": "c1", "type": "function", "function": {"name": "find", "arguments": '{"q": "weather"}'}}]},
        {"role": "tool", "tool_call_id": "c1", "content": "sunny all day"},
        {"role": "assistant", "content": "It is sunny all day."}])
    for conv, tools in ((_text(), False), (tooly, True)):
        for trusted in (True, False):
            catalog: list[str] = []
            shapes: list[str] = []

            def asked(into: list[str]) -> Callable[[str], list[str]]:
                return lambda text: into.append(text) or []

            check = SecretCheck(asked(catalog), shapes=asked(shapes), trusted=trusted)
            assert process(conv, FORMATS["openai"], None, "all", check).line is not None
            assert bool(catalog) is not trusted, (tools, trusted)
            assert bool(shapes) is (trusted or tools), (tools, trusted)


def test_a_value_the_user_allows_is_kept_by_the_scrubber_and_the_export(finetune_home: Path, tmp_path: Path) -> None:
    """`scrub.allow` is one policy too: what the scrubber keeps on purpose, the export writes."""
    from finetune_collection.config import Config
    from finetune_collection.export import ExportRequest, export
    from finetune_collection.store import Store

    token = "ghp_" + "k8Ls2Qw9Xz4Rt7Yu1Io3Pa6Sd5Fg0Hj8Kl2"
    config = Config.model_validate({"scrub": {"allow": [re.escape(token)]}})
    core = Pipeline(Store(finetune_home, config), config)
    result = core.collect({"input": {"user": f"Is {token} our CI fixture token?"},
                           "output": {"assistant": "Yes, it is the documented test token."},
                           "quality_score": 0.95, "metadata": {"human_approved": True}})
    doc = core.store.get_doc(result.id or "")
    assert token in doc["input"]["user"] and doc.get("refused", []) == []
    out = tmp_path / "o.jsonl"
    assert export(core.store, config, ExportRequest(output=out)).written == 1
    assert token in out.read_text()
    with pytest.raises(ExportError, match="secret_detected"):  # without the allow entry: refused
        export(core.store, Config(), ExportRequest(output=tmp_path / "p.jsonl"))
