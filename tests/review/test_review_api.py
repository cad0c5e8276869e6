"""The review page's core calls (review/api.py), on a real store file."""

from __future__ import annotations

from pathlib import Path

import pytest
from review_helpers import SECRET, insert_pair, seed, status_in_file

from finetune_collection import curate
from finetune_collection.errors import InvalidExample
from finetune_collection.pipeline import Pipeline
from finetune_collection.review import api
from finetune_collection.review.page import page
from finetune_collection.store import Store


def test_list_shows_pending_first_and_pages(pipeline: Pipeline, store: Store) -> None:
    ids = seed(pipeline, 5)
    curate.review(pipeline.store, [ids[4]], "approve")[0]  # the newest is accepted: it must still come after pending
    page_1 = api.list_page(pipeline, {"status": "", "limit": 2})
    assert page_1["total"] == 5 and page_1["counts"] == {"pending": 4, "accepted": 1, "rejected": 0,
                                                   "below_threshold": 0, "superseded": 0}
    assert [e["status"] for e in page_1["examples"]] == ["pending", "pending"]
    rest = api.list_page(pipeline, {"status": "", "offset": 2, "limit": 10})["examples"]
    assert [e["status"] for e in rest] == ["pending", "pending", "accepted"]
    shown = [e["id"] for e in page_1["examples"] + rest]
    assert sorted(shown) == sorted(ids)
    first = page_1["examples"][0]
    assert first["signals"] == [{"name": "tests_passed", "evidence": "3 passed", "observed": False}]
    assert "<EMAIL>" in first["turns"][0]["content"] and first["redactions"] == {"email": 1}


def test_filters_and_bad_arguments(pipeline: Pipeline, store: Store) -> None:
    seed(pipeline, 3)
    assert api.list_page(pipeline, {"q": "example 1:"})["total"] == 1
    assert api.list_page(pipeline, {"task_type": "debugging"})["total"] == 0
    assert api.list_page(pipeline, {"min_quality": 0.96})["total"] == 0
    for bad in ({"status": "gone"}, {"limit": 0}, {"limit": 101}, {"min_quality": 2}, {"offset": -1}):
        with pytest.raises(InvalidExample):
            api.list_page(pipeline, bad)


def test_act_changes_the_store_file(pipeline: Pipeline, finetune_home: Path) -> None:
    ids = seed(pipeline, 3)
    result = api.act(pipeline, {"ids": [ids[0], "missing_id", "ex_00000000beef"], "action": "approve"})
    assert result["done"] == [ids[0]]
    assert result["missing"] == ["(the id given: 10 characters, not an id this store uses)", "ex_00000000beef"]
    assert status_in_file(finetune_home, ids[0]) == "accepted"
    api.act(pipeline, {"ids": [ids[1]], "action": "delete"})
    assert status_in_file(finetune_home, ids[1]) is None
    with pytest.raises(InvalidExample):
        api.act(pipeline, {"ids": [ids[2]], "action": "publish"})


def test_bulk_approves_the_filtered_set_only(pipeline: Pipeline, finetune_home: Path) -> None:
    code = seed(pipeline, 3)
    other = pipeline.collect({**seed_text(99), "task_type": "debugging"}).id
    flt = {"status": "pending", "task_type": "code_generation"}
    with pytest.raises(InvalidExample, match="now matches 3"):
        api.bulk(pipeline, {"filter": flt, "action": "approve", "expect": 2})
    assert {status_in_file(finetune_home, i) for i in code} == {"pending"}
    result = api.bulk(pipeline, {"filter": flt, "action": "approve", "expect": 3})
    assert sorted(result["done"]) == sorted(code)
    assert {status_in_file(finetune_home, i) for i in code} == {"accepted"}
    assert other is not None and status_in_file(finetune_home, other) == "pending"
    with pytest.raises(InvalidExample):
        api.bulk(pipeline, {"filter": {}, "action": "delete"})


def test_bulk_refuses_an_unknown_filter_key_and_a_missing_expect(pipeline: Pipeline, finetune_home: Path) -> None:
    """A misspelt key was ignored, so {"status": "pending", "taskType": "x"} rejected every
    pending example; without `expect` nothing confirmed the count."""
    code = seed(pipeline, 2)
    with pytest.raises(InvalidExample, match="filter: an object with at most"):
        api.bulk(pipeline, {"filter": {"status": "pending", "taskType": "nope"}, "action": "reject", "expect": 2})
    with pytest.raises(InvalidExample, match="expect: "):
        api.bulk(pipeline, {"filter": {}, "action": "approve"})
    assert {status_in_file(finetune_home, i) for i in code} == {"pending"}


def seed_text(n: int) -> dict[str, object]:
    return {"quality_score": 0.95, "input": {"user": f"Why does test {n} fail on CI?"},
            "output": {"assistant": f"Because fixture {n} leaks state between runs."}}


def test_edit_pasting_a_secret_is_stored_scrubbed(pipeline: Pipeline, store: Store, finetune_home: Path) -> None:
    (example_id,) = seed(pipeline, 1)
    before = store.get_doc(example_id)
    result = api.edit(pipeline, {"id": example_id, "turn": 1, "content": f"Use key {SECRET} then return x + 0"})
    assert result["id"] == example_id and result["redactions"] == {"api_key": 1}
    raw = (finetune_home / "examples.json").read_bytes()
    assert SECRET.encode() not in raw
    fresh = Store(finetune_home, store.config)
    doc = fresh.get_doc(example_id)
    assert "<API_KEY>" in doc["output"]["assistant"]
    assert doc["created_at"] == before["created_at"] and doc["quality_score"] == before["quality_score"]
    assert doc["status"] == "pending" and doc["redactions"] == {"email": 1, "api_key": 1}
    assert len(fresh) == 1


def test_edit_into_a_duplicate_is_refused_and_keeps_the_original(pipeline: Pipeline, store: Store) -> None:
    a, b = seed(pipeline, 2)
    target = store.get_doc(b)["output"]["assistant"]
    user_b = store.get_doc(b)["input"]["user"]
    api.edit(pipeline, {"id": a, "turn": 0, "content": user_b})
    with pytest.raises(InvalidExample, match="duplicate"):
        api.edit(pipeline, {"id": a, "turn": 1, "content": target})
    store.refresh()
    assert a in store and b in store and len(store) == 2


def test_edit_of_an_accepted_example_stays_accepted(pipeline: Pipeline, store: Store) -> None:
    (example_id,) = seed(pipeline, 1)
    curate.review(pipeline.store, [example_id], "approve")[0]
    assert api.edit(pipeline, {"id": example_id, "turn": 1, "content": "def add(x):\n    return x"})["status"] \
        == "accepted"
    with pytest.raises(InvalidExample):
        api.edit(pipeline, {"id": example_id, "turn": 7, "content": "x"})


def test_detail_shows_similar_examples_with_a_word_diff(pipeline: Pipeline, store: Store) -> None:
    text = "Use a generator: for line in handle: yield parse(line). This keeps memory flat for large files."
    a, b = insert_pair(store, text, text.replace("flat", "constant"))
    found = api.detail(pipeline, {"id": a})
    assert [n["example"]["id"] for n in found["neighbours"]] == [b]
    n = found["neighbours"][0]
    assert ["del", "flat"] in n["left"] and ["ins", "constant"] in n["right"]
    assert "".join(t for _, t in n["right"]).count("constant") == 1


def test_stats_data_has_every_chart(pipeline: Pipeline, store: Store) -> None:
    ids = seed(pipeline, 4)
    curate.review(pipeline.store, [ids[0]], "approve")[0]
    data = api.stats(pipeline, {})
    assert data["stats"]["total"] == 4
    assert sum(data["tokens"]["counts"]) == 4
    assert sum(sum(v) for v in data["timeline"]["by_status"].values()) == 4
    assert data["timeline"]["by_task_type"] == {"code_generation": [4]}


def test_summary_text_stands_alone(pipeline: Pipeline, store: Store) -> None:
    ids = seed(pipeline, 2)
    text, data = api.summary_text(pipeline)
    assert text.startswith("Review queue: 2 pending, 0 accepted, 0 rejected.")
    assert all(i in text for i in ids) and "finetune_review" in text and "<EMAIL>" in text
    assert data["total"] == 2


def test_page_is_one_self_contained_document() -> None:
    html = page().html
    assert "http://" not in html and "https://" not in html
    assert 'src="' not in html and 'href="' not in html  # nothing to fetch: CSS and JS are inline
    assert html.count("<script>") == 1 and html.count("<style>") == 1


def test_cards_show_what_the_export_would_refuse_and_the_evidence_tier(pipeline: Pipeline, store: Store) -> None:
    (example_id,) = seed(pipeline, 1)
    doc = store.get_doc(example_id)
    flagged = {**doc, "refused": ["password"],
               "signals": [{"name": "tests_passed", "observed": True, "where": "tool result 2", "evidence": "5 passed"},
                           {"name": "user_accepted"}]}
    with store.transaction():
        store.storage.append([{"op": "put", "t": "examples", "id": example_id, "doc": flagged}])
    (card,) = api.list_page(pipeline, {})["examples"]
    assert card["refused"] == ["password"] and card["tier"] == "silver"
    assert [s["observed"] for s in card["signals"]] == [True, False]


def test_the_page_lists_and_bulk_reviews_every_status_with_the_cli_filter_keys(pipeline: Pipeline,
                                                                               store: Store) -> None:
    from conftest import example

    low = pipeline.collect(example(1, metadata={}, quality_score=0.5))
    turned_down = pipeline.collect(example(2, metadata={}, quality_score=0.5, signals=["user_rejected"]))
    old = pipeline.collect(example(3, metadata={}, quality_score=0.92))
    pipeline.collect(example(3, metadata={}, quality_score=0.97))  # supersedes it
    below = api.list_page(pipeline, {"status": "below_threshold"})
    assert {e["id"] for e in below["examples"]} == {low.id, turned_down.id}
    assert [e["id"] for e in api.list_page(pipeline, {"status": "superseded"})["examples"]] == [old.id]
    assert api.list_page(pipeline, {"max_quality": 0.6, "signal": "user_rejected"})["total"] == 1
    assert api.list_page(pipeline, {"since": "2999-01-01"})["total"] == 0
    assert api.list_page(pipeline, {"source": "openai"})["total"] == 0
    for bad in ({"since": "yesterday"}, {"max_quality": 2}, {"signal": 3}):
        with pytest.raises(InvalidExample):
            api.list_page(pipeline, bad)
    done = api.bulk(pipeline, {"action": "approve", "filter": {"status": "below_threshold", "max_quality": 0.6},
                               "expect": 2})
    assert done["done"] == [low.id] and done["held"] == [turned_down.id]
    assert store.get_doc(turned_down.id or "")["status"] == "below_threshold"
