"""The same store tests on both backends: the embedded store and PostgreSQL (a real server)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from conftest import example
from finetune_collection.config import Config
from finetune_collection.dedup import make_index
from finetune_collection.errors import NotFound
from finetune_collection.model import Example
from finetune_collection.store import Store, StoreBackend
from finetune_collection.store.log import encode
from finetune_collection.store.snapshot import Snapshot


def make(n: int, status: str = "accepted", **overrides: Any) -> Example:
    data = {**example(n), "id": f"ex_{n:012x}", "created_at": "2024-01-02T10:30:00Z", "status": status, **overrides}
    return Example.model_validate(data)


def keys(e: Example, config: Config | None = None) -> dict[str, Any]:
    return make_index((config or Config()).dedup).keys(e)


def near_copy(e: Example, new_id: str) -> Example:
    other = e.model_copy(deep=True)
    other.id = new_id
    assert other.output is not None
    other.output.assistant += "  # and a comment"
    return other


def add(store: StoreBackend, *examples: Example) -> None:
    with store.transaction():
        for e in examples:
            store.insert(e, keys(e))


def test_insert_get_and_oldest_first(backend: StoreBackend) -> None:
    a, b, c = make(3), make(1), make(2, status="pending")
    add(backend, a, b, c)
    assert backend.ids() == [a.id, b.id, c.id]
    assert len(backend) == 3 and a.id in backend and "ex_000000000999" not in backend
    assert backend.get(a.id) == a
    assert backend.get_doc(b.id) == b.to_doc()
    assert [d["id"] for d in backend.docs()] == [a.id, b.id, c.id]
    assert [d["id"] for d in backend.docs("pending")] == [c.id]
    assert backend.statuses() == {a.id: "accepted", b.id: "accepted", c.id: "pending"}
    assert backend.keys_of(a.id) == keys(a)
    assert backend.all_keys() == {e.id: keys(e) for e in (a, b, c)}


def test_missing_ids_raise_not_found_without_echoing_long_text(backend: StoreBackend) -> None:
    secret = "sk-" + "A" * 40
    for call in (lambda: backend.get(secret), lambda: backend.get_doc(secret), lambda: backend.remove(secret)):
        with pytest.raises(NotFound) as err:
            call()
        assert secret not in str(err.value) and "finetune list" in str(err.value)


def test_an_id_utf8_cannot_encode_names_nothing(backend: StoreBackend) -> None:
    """A lone surrogate (a cut emoji) as an id: neither SQLite nor PostgreSQL takes it as a
    parameter; it names no example, as any unknown id (the review tool raised UnicodeEncodeError)."""
    add(backend, make(1))
    odd = "ex_\ud800"
    assert odd not in backend and backend.keys_of(odd) is None and backend.neighbours(odd) == []
    for call in (lambda: backend.get(odd), lambda: backend.get_doc(odd), lambda: backend.remove(odd)):
        with pytest.raises(NotFound):
            call()


def test_put_many_keeps_order_and_keys(backend: StoreBackend) -> None:
    a, b = make(1), make(2)
    add(backend, a, b)
    a.status, b.status = "rejected", "pending"
    with backend.transaction():
        backend.put_many([a, b])
    assert backend.statuses() == {a.id: "rejected", b.id: "pending"}
    assert backend.ids() == [a.id, b.id] and backend.keys_of(a.id) == keys(a)


def test_remove_many_is_all_or_nothing(backend: StoreBackend) -> None:
    a, b, c = make(1), make(2), make(3)
    add(backend, a, b, c)
    with pytest.raises(NotFound), backend.transaction():
        backend.remove_many([a.id, "ex_000000000999"])
    assert backend.ids() == [a.id, b.id, c.id]
    with backend.transaction():
        backend.remove_many([a.id, c.id])
    assert backend.ids() == [b.id] and backend.keys_of(a.id) is None
    assert backend.find_duplicate(keys(a)) is None  # gone from the duplicate index too


def test_update_replaces_content_and_keys(backend: StoreBackend) -> None:
    a = make(1)
    add(backend, a)
    edited = make(2, id=a.id)
    with backend.transaction():
        backend.update(edited, keys(edited))
    assert backend.get(a.id) == edited and backend.keys_of(a.id) == keys(edited)
    assert backend.find_duplicate(keys(edited)) is not None and backend.find_duplicate(keys(a)) is None
    with pytest.raises(NotFound), backend.transaction():
        backend.update(make(5), keys(make(5)))


def test_replace_keeps_the_old_one_superseded_and_linked(backend: StoreBackend) -> None:
    old = make(1)
    add(backend, old)
    new = near_copy(old, "ex_0000000000aa")
    with backend.transaction():
        backend.replace(old.id, new, keys(new))
    assert backend.ids() == [old.id, new.id]
    stored = backend.get_doc(old.id)
    assert stored["status"] == "superseded" and stored["superseded_by"] == new.id
    assert backend.keys_of(old.id) is None
    match = backend.find_duplicate(keys(old))
    assert match is not None and match.id == new.id  # the superseded one left the index


def test_supersede(backend: StoreBackend) -> None:
    a, b = make(1), make(2)
    add(backend, a, b)
    with backend.transaction():
        backend.supersede([b.id], {b.id: a.id})
    assert backend.get_doc(b.id)["superseded_by"] == a.id and backend.find_duplicate(keys(b)) is None
    assert b.id not in backend.missing_keys()


def test_counters(backend: StoreBackend) -> None:
    with backend.transaction():
        backend.bump("rejected:duplicate")
        backend.bump("rejected:duplicate", 2)
        backend.bump("rejected:below_min_quality")
    assert backend.counter_values() == {"rejected:duplicate": 3, "rejected:below_min_quality": 1}


def test_find_duplicate_exact_and_near(backend: StoreBackend) -> None:
    a, b = make(1), make(2)
    add(backend, a, b)
    exact = backend.find_duplicate(keys(make(1, id="ex_0000000000bb")))
    assert exact is not None and (exact.id, exact.kind, exact.similarity) == (a.id, "exact", 1.0)
    near = backend.find_duplicate(keys(near_copy(a, "ex_0000000000cc")))
    assert near is not None and near.id == a.id and near.kind == "near" and 0.7 <= near.similarity < 1
    assert backend.find_duplicate(keys(make(3))) is None
    assert backend.find_duplicate(keys(a), exclude=a.id) is None
    assert [m.id for m in backend.neighbours(a.id)] == []
    twin = near_copy(b, "ex_0000000000dd")
    add(backend, twin)
    assert [m.id for m in backend.neighbours(b.id)] == [twin.id]


def test_keys_made_under_other_settings_count_as_missing(backend: StoreBackend) -> None:
    a, b = make(1), make(2)
    other = Config.model_validate({"dedup": {"num_perm": 64}})
    with backend.transaction():
        backend.insert(a, keys(a, other))
        backend.insert(b, keys(b))
    assert backend.missing_keys() == [a.id]
    assert backend.find_duplicate(keys(near_copy(a, "ex_0000000000ee"))) is None  # never compared
    with backend.transaction():
        backend.set_keys({a.id: keys(a)})
    assert backend.missing_keys() == []
    match = backend.find_duplicate(keys(near_copy(a, "ex_0000000000ee")))
    assert match is not None and match.id == a.id


def test_stream_is_a_snapshot(backend: StoreBackend) -> None:
    a, b = make(1), make(2)
    add(backend, a, b)
    with backend.stream() as rows:
        first = next(rows)
        add(backend, make(3))
        with backend.transaction():
            backend.remove(b.id)
        rest = list(rows)
    assert [first[0], *[i for i, _ in rest]] == [a.id, b.id]
    assert rest[0][1] == b.to_doc()


def test_a_snapshot_reads_only_the_documents_holding_a_word(backend: StoreBackend) -> None:
    a, b, c = make(1), make(2, signals=[{"name": "user_rejected"}]), make(3, superseded_by="ex_000000000001")
    add(backend, a, b, c)
    with backend.snapshot() as snap:
        index = snap.index()["examples"]
        assert snap.index()["examples"] is index  # one scan per snapshot
        assert [i for i, _ in snap.docs(index, b"user_rejected")] == [b.id]
        assert [d for _, d in snap.docs(index, b"superseded")] == [c.to_doc()]
        assert [i for i, _ in snap.docs(index)] == [a.id, b.id, c.id]


def test_a_word_spelled_with_escapes_still_comes_through(store: Store) -> None:
    """JSON may spell a letter as \\u0066: a hand-edited record is parsed, not skipped."""
    store.path.write_bytes(encode({"op": "put", "t": "examples", "id": "ex_1", "doc": {"s": "user_rejected"}})
                           .replace(b"user_rejected", b"user\\u005frejected")
                           + encode({"op": "put", "t": "examples", "id": "ex_2", "doc": {"s": "other"}}))
    with Snapshot(store.path) as snap:
        assert [(i, d) for i, d in snap.docs(snap.index()["examples"], b"user_rejected")] == [
            ("ex_1", {"s": "user_rejected"})]


def test_kept_values_belong_to_stored_examples_and_leave_with_them(backend: StoreBackend) -> None:
    """`keep` is a cache for self-checking values (re-check stamps): only for stored examples,
    one kind of a family at a time, and deleted with the example (a deletion leaves nothing)."""
    a, b = make(1), make(2)
    add(backend, a, b)
    backend.keep("recheck:x", {a.id: "s1", b.id: "-s2", "ex_000000000999": "s3", "ex_\ud800": "s4"})
    assert backend.kept("recheck:x") == {a.id: "s1", b.id: "-s2"}
    backend.keep("recheck:y", {a.id: "t1", b.id: "t2"})  # another catalog: the old stamps go
    assert backend.kept("recheck:x") == {} and backend.kept("recheck:y") == {a.id: "t1", b.id: "t2"}
    with backend.transaction():
        backend.remove(a.id)
    assert backend.kept("recheck:y") == {b.id: "t2"}


def test_version_changes_with_every_write(backend: StoreBackend) -> None:
    seen = [backend.version()]
    a = make(1)
    add(backend, a)
    seen.append(backend.version())
    a.status = "rejected"
    with backend.transaction():
        backend.put(a)
    seen.append(backend.version())
    with backend.transaction():
        backend.remove(a.id)
    seen.append(backend.version())
    assert len(set(seen)) == 4
    assert backend.version() == seen[-1]  # and only then


def test_the_stages_run_on_every_backend(backend: StoreBackend, config: Config, tmp_path: Path) -> None:
    """Collect, review, stats with readiness, --check, an export with dedup and a split, and
    fold(): what a team's server does, on each backend (the export reads a snapshot twice)."""
    import json

    from finetune_collection import curate, export, reports
    from finetune_collection.export import ExportRequest
    from finetune_collection.pipeline import Pipeline

    core = Pipeline(backend, config)
    ids = [core.collect(example(n)).id for n in range(6)]
    assert all(ids) and len(backend) == 6
    curate.review(backend, [ids[0] or ""], "reject")
    stats = reports.compute(backend)
    assert stats.total == 6 and stats.by_status == {"accepted": 5, "rejected": 1}
    ready = {r["target"]: r for r in stats.ready_to_train}
    assert ready["openai"]["accepted"] == 5
    assert export.check(backend, config, ExportRequest()).matched == 5
    out = tmp_path / "train.jsonl"
    report = export.export(backend, config, ExportRequest(format="openai", output=out, dedup=True, split=0.2))
    lines = [line for p in report.paths for line in Path(p).read_text(encoding="utf-8").splitlines()]
    assert len(report.paths) == 2 and len(lines) == 5 and all(json.loads(line)["messages"] for line in lines)
    blocks = backend.fold("test:1", lambda i, d: d["status"], lambda rows: [s for _, s in rows])
    assert sorted(s for b in blocks for s in b) == ["accepted"] * 5 + ["rejected"]
    # Kept values and folds follow writes: a new example, a review, a delete.
    extra = core.collect(example(40)).id or ""
    curate.review(backend, [ids[1] or ""], "reject")
    with backend.transaction():
        backend.remove(ids[2] or "")
    again = reports.compute(backend)
    assert again.total == 6 and again.by_status == {"accepted": 4, "rejected": 2}
    blocks = backend.fold("test:1", lambda i, d: d["status"], lambda rows: [i for i, _ in rows])
    assert sorted(i for b in blocks for i in b) == sorted([*(i or "" for i in ids if i != ids[2]), extra])
