"""Near-duplicate detection (near.py), the keep-the-best policy, the persisted index, clusters
and the whole-dataset re-check, on the labelled corpus built from real text (tests/dedup/)."""

from __future__ import annotations

import copy
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).parent))

import evaluate  # noqa: E402

from finetune_collection import curate  # noqa: E402
from finetune_collection.config import Config, DedupSettings  # noqa: E402
from finetune_collection.curate import recheck  # noqa: E402
from finetune_collection.dedup.clusters import components  # noqa: E402
from finetune_collection.dedup.exact import content_text  # noqa: E402
from finetune_collection.dedup.near import NearDeduper  # noqa: E402
from finetune_collection.pipeline import Pipeline  # noqa: E402
from finetune_collection.store import Store  # noqa: E402

PAIRS = evaluate.load()


def pair(kind: str, n: int = 0) -> tuple[dict[str, Any], dict[str, Any]]:
    found = [p for p in PAIRS if p["kind"] == kind][n]
    return copy.deepcopy(found["a"]), copy.deepcopy(found["b"])


def approved(example: dict[str, Any], quality: float = 0.95, created: str | None = None) -> dict[str, Any]:
    out = evaluate.approved(example)
    out["quality_score"] = quality
    if created:
        out["created_at"] = created
    return out


# -- the labelled corpus -------------------------------------------------------------------------
def test_corpus_has_every_kind() -> None:
    kinds = {p["kind"] for p in PAIRS}
    assert set(evaluate.MATCH + evaluate.HARD_NEGATIVE) <= kinds
    assert all(sum(p["kind"] == k for p in PAIRS) >= 50 for k in evaluate.MATCH + evaluate.HARD_NEGATIVE)


def test_corpus_precision_recall_at_index_level() -> None:
    predicted = evaluate.judge_index(PAIRS)
    scores, precision, recall = evaluate.score(PAIRS, predicted)
    report = evaluate.table(scores)
    assert precision >= 0.99, report
    assert recall >= 0.95, report
    for s in scores:
        if s.kind in evaluate.MATCH:
            assert s.recall is not None and s.recall >= 0.95, report


def test_corpus_precision_recall_through_the_pipeline() -> None:
    # Every 4th pair (≥ 24 per kind): each pair goes through Pipeline.collect into a fresh store,
    # both approved at equal quality, as the independent evaluation imports them.
    sample = PAIRS[::4]
    predicted = evaluate.judge_pipeline(sample)
    scores, precision, recall = evaluate.score(sample, predicted)
    assert precision >= 0.99, evaluate.table(scores)
    assert recall >= 0.95, evaluate.table(scores)
    assert predicted == evaluate.judge_index(sample)  # the pipeline adds no judgement of its own


# -- the rules ------------------------------------------------------------------------------------
def test_exact_duplicates_short_circuit_before_minhash() -> None:
    a, _ = pair("exact")
    deduper = NearDeduper(DedupSettings())
    deduper.add("a", deduper.keys(evaluate.example(a)))
    match = deduper.find(deduper.keys(evaluate.example(a)))
    assert match is not None and match.kind == "exact" and match.similarity == 1.0


def test_near_duplicate_is_reported_with_its_similarity() -> None:
    a, b = pair("small_edit", 3)
    deduper = NearDeduper(DedupSettings())
    deduper.add("a", deduper.keys(evaluate.example(a)))
    match = deduper.find(deduper.keys(evaluate.example(b)))
    assert match is not None and match.kind == "near" and 0.7 <= match.similarity < 1.0


def test_system_prompt_and_context_never_make_duplicates(pipeline: Pipeline) -> None:
    a, b = pair("shared_system")
    assert a["input"]["system"] == b["input"]["system"] and len(a["input"]["system"].split()) >= 80
    assert pipeline.collect(approved(a)).status == "accepted"
    assert pipeline.collect(approved(b)).status == "accepted"
    # The converse: the same conversation under another system prompt and context is a duplicate.
    c = copy.deepcopy(a)
    c["input"]["system"] = "You are a terse assistant."
    c["input"]["context"] = "Project uses Rust."
    assert content_text(evaluate.example(c)) == content_text(evaluate.example(a))
    assert pipeline.collect(approved(c)).reasons == ["duplicate"]


def test_same_prompt_with_a_different_answer_is_kept() -> None:
    # The pair whose shared prompt outweighs its answers most (a pasted function, short replies).
    a, b = max(
        (pair("same_prompt", n) for n in range(20)),
        key=lambda p: len(p[0]["input"]["user"])
        / (len(p[0]["output"]["assistant"]) + len(p[1]["output"]["assistant"])),
    )
    deduper = NearDeduper(DedupSettings())
    ka, kb = deduper.keys(evaluate.example(a)), deduper.keys(evaluate.example(b))
    deduper.add("a", ka)
    assert deduper.find(kb) is None
    # ... although the whole texts alone would pass the threshold: the answer-side rule decides.
    loose = NearDeduper(DedupSettings(answer_threshold=0))
    loose.add("a", ka)
    assert loose.find(kb) is not None


def test_keys_are_compact_json_and_record_how_they_were_made() -> None:
    a, _ = pair("small_edit")
    keys = NearDeduper(DedupSettings()).keys(evaluate.example(a))
    assert json.loads(json.dumps(keys)) == keys
    assert len(json.dumps(keys)) < 1500  # two 128 x uint32 signatures in base64 + exact key
    assert keys["near"]["fp"] == "affine32/crc32/128/char5/1"


# -- keep-the-best policy through the pipeline -------------------------------------------------------
def unjudged(example: dict[str, Any], quality: float) -> dict[str, Any]:
    """Scored, but no person has approved it (it waits as pending)."""
    out = approved(example, quality)
    out["metadata"] = {**out.get("metadata", {}), "human_approved": False}
    return out


def test_higher_quality_newcomer_supersedes_the_stored_near_duplicate(pipeline: Pipeline, store: Store) -> None:
    a, b = pair("renamed_identifiers", 2)
    old = pipeline.collect(unjudged(a, 0.92))
    new = pipeline.collect(unjudged(b, 0.97))
    assert new.status == "pending" and new.replaced == old.id
    assert "replaced_lower_quality" in new.reasons and new.similarity is not None
    assert f"replaced the near-duplicate {old.id}, kept as superseded" in new.message
    kept = store.get_doc(old.id or "")  # superseded, not gone
    assert kept["status"] == "superseded" and kept["superseded_by"] == new.id
    assert set(store.all_keys()) == {new.id}  # the superseded one left the duplicate index


@pytest.mark.parametrize("quality", [0.95, 0.93])
def test_equal_or_lower_quality_newcomer_is_rejected(pipeline: Pipeline, store: Store, quality: float) -> None:
    a, b = pair("sentence_edit", 4)
    old = pipeline.collect(unjudged(a, 0.95))
    new = pipeline.collect(unjudged(b, quality))
    assert new.status == "duplicate" and new.id is None
    assert new.reasons == ["near_duplicate"] and new.duplicate_of == old.id
    assert f"a near duplicate of {old.id}" in new.message and ">= " in new.message
    assert len(store) == 1


def test_a_person_approved_example_is_never_replaced_by_a_score(pipeline: Pipeline, store: Store) -> None:
    a, b = pair("renamed_identifiers", 2)
    old = pipeline.collect(approved(a, 0.92))
    new = pipeline.collect(unjudged(b, 0.99))
    assert new.status == "duplicate" and new.duplicate_of == old.id
    assert "a person judged it" in new.message
    assert store.get_doc(old.id or "")["status"] == "accepted"


def test_a_person_approved_newcomer_supersedes_an_unjudged_one(pipeline: Pipeline, store: Store) -> None:
    a, b = pair("renamed_identifiers", 2)
    old = pipeline.collect(unjudged(a, 0.97))
    new = pipeline.collect(approved(b, 0.92))
    assert new.status == "accepted" and new.replaced == old.id
    assert store.get_doc(old.id or "")["status"] == "superseded"


# -- the persisted index ---------------------------------------------------------------------------
def test_another_store_instance_sees_the_index_and_follows_deletes_and_replaces(
    finetune_home: Path, config: Config
) -> None:
    first = Store(finetune_home, config)
    writer = Pipeline(first, config)
    a, b = pair("small_edit", 7)
    c, d = pair("real_revision", 1)
    kept = writer.collect(approved(a))
    gone = writer.collect(unjudged(c, 0.91))

    second = Store(finetune_home, config)  # another process opening the same folder
    reader = Pipeline(second, config)
    assert set(second.all_keys()) == {kept.id, gone.id}
    assert reader.prepare(approved(b)).keys["near"] == writer.prepare(approved(b)).keys["near"]
    assert reader.collect(approved(b)).duplicate_of == kept.id

    better = writer.collect(approved(d, 0.99))  # replaces `gone` in the file
    with first.transaction():
        first.remove(kept.id)
    second.refresh()
    assert set(second.all_keys()) == {better.id}
    assert better.replaced == gone.id
    assert reader.collect(approved(b)).status == "accepted"  # its near duplicate was deleted


def test_a_store_written_by_another_process_is_picked_up(finetune_home: Path, store: Store) -> None:
    a, b = pair("whitespace_case", 9)
    script = (
        "import json, sys; from pathlib import Path\n"
        "from finetune_collection import Config, Pipeline, Store\n"
        "c = Config(); p = Pipeline(Store(Path(sys.argv[1]), c), c)\n"
        "print(p.collect(json.loads(sys.stdin.read())).id)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script, str(finetune_home)],
        input=json.dumps(approved(a)), capture_output=True, text=True, check=True, timeout=120,
    )
    other_id = done.stdout.strip()
    result = Pipeline(store, store.config).collect(approved(b))
    assert result.status == "duplicate" and result.duplicate_of == other_id


def test_signatures_made_with_other_settings_are_recomputed(finetune_home: Path) -> None:
    a, b = pair("small_edit", 11)
    old = Config.model_validate({"dedup": {"shingle": "word", "shingle_size": 3, "num_perm": 64}})
    first = Pipeline(Store(finetune_home, old), old).collect(approved(a))
    store = Store(finetune_home, Config())
    before = store.path.read_bytes()
    assert len(store) == 1 and store.path.read_bytes() == before  # reading a store never writes
    core = Pipeline(store, store.config)  # opening the core re-keys what it cannot use
    assert (store.keys_of(first.id) or {})["near"]["fp"] == "affine32/crc32/128/char5/1"
    assert core.collect(approved(b)).duplicate_of == first.id


# -- clusters and the re-check -------------------------------------------------------------------------
def _seed_cluster(pipeline: Pipeline) -> dict[str, str]:
    """Three versions of one answer (as re-collected with edits) and an unrelated example."""
    a, b = next(p for p in (pair("small_edit", n) for n in range(20, 40)) if "input" in p[0])
    c = copy.deepcopy(b)
    c["input"]["user"] = c["input"]["user"] + " Thanks."
    lone, _ = pair("same_module", 0)
    ids = {}
    store = pipeline.store
    # Collected with near-duplicate detection off, as a store filled before this feature was.
    # No person judged them (accepted without approval), so the re-check may supersede them.
    loose = Config.model_validate({"dedup": {"near": False}, "quality_filters": {"min_human_approval": False}})
    loose_pipe = Pipeline(Store(store.home, loose), loose)
    for name, ex, q, when in [
        ("a", a, 0.95, "2024-01-01T00:00:00Z"),
        ("b", b, 0.95, "2024-01-02T00:00:00Z"),
        ("c", c, 0.99, "2024-01-03T00:00:00Z"),
        ("lone", lone, 0.95, "2024-01-04T00:00:00Z"),
    ]:
        result = loose_pipe.collect({**unjudged(ex, q), "created_at": when})
        assert result.status == "accepted", result.message
        ids[name] = str(result.id)
    store.refresh()
    return ids


def test_clusters_group_near_duplicates_transitively(pipeline: Pipeline, store: Store) -> None:
    ids = _seed_cluster(pipeline)
    assert components(pipeline.index_for(pipeline.config.dedup)) == [sorted([ids["a"], ids["b"], ids["c"]])]


def test_recheck_reports_before_it_acts_and_keeps_the_best(pipeline: Pipeline, store: Store) -> None:
    ids = _seed_cluster(pipeline)
    report = recheck(pipeline, store.config, apply=False)
    assert not report.applied and report.examples == 4 and len(store) == 4
    (cluster,) = report.clusters
    assert cluster.kept == [ids["c"]]  # highest quality wins over the older ones
    assert cluster.ids[0] == ids["c"]
    losers = {m.id: m for m in cluster.members if not m.keep}
    assert set(losers) == {ids["a"], ids["b"]} and sorted(report.remove) == sorted(losers)
    assert all(m.duplicate_of == ids["c"] and "higher quality" in m.reason for m in losers.values())

    done = recheck(pipeline, store.config, apply=True)
    assert done.applied and sorted(done.remove) == sorted(losers)
    assert {d["id"] for d in store.docs() if d["status"] != "superseded"} == {ids["c"], ids["lone"]}
    assert {store.get_doc(i)["superseded_by"] for i in losers} == {ids["c"]}  # kept, linked
    reopened = Pipeline(Store(store.home, store.config), store.config).store
    assert set(reopened.all_keys()) == {ids["c"], ids["lone"]}
    assert recheck(pipeline, store.config).clusters == []


def test_recheck_never_drops_an_example_a_person_approved(pipeline: Pipeline, store: Store) -> None:
    ids = _seed_cluster(pipeline)
    curate.review(store, [ids["a"]], "approve")
    report = recheck(pipeline, store.config, apply=True)
    assert report.remove == [ids["b"]]
    assert store.get_doc(ids["a"])["status"] == "accepted"


def test_recheck_tie_keeps_the_oldest_and_a_stricter_threshold_finds_less(pipeline: Pipeline, store: Store) -> None:
    ids = _seed_cluster(pipeline)
    cfg = Config.model_validate({"dedup": {"near": True}})
    store.refresh()
    # Make c as good as the others: a tie between a (oldest), b and c.
    doc = store.get(ids["c"])
    doc.quality_score = 0.95
    with store.transaction():
        store.put(doc)
    (cluster,) = recheck(pipeline, cfg).clusters
    assert cluster.kept[0] == ids["a"]
    assert all("older" in m.reason for m in cluster.members if not m.keep)
    strict = Config.model_validate({"dedup": {"threshold": 0.999}})
    assert recheck(pipeline, strict).clusters == []


def test_cli_dedup_prints_the_clusters_before_it_applies(pipeline: Pipeline, store: Store) -> None:
    from click.testing import CliRunner

    from finetune_collection.cli import cli

    ids = _seed_cluster(pipeline)
    dry = CliRunner().invoke(cli, ["dedup"])
    assert dry.exit_code == 0, dry.output
    assert "cluster of 3:" in dry.stdout and f"keep {ids['c']}" in dry.stdout
    assert "would supersede 2 of 4 example(s) in 1 cluster(s); add --apply" in dry.stdout
    assert len(Store(store.home, store.config)) == 4
    done = CliRunner().invoke(cli, ["dedup", "--apply", "--json"])
    assert done.exit_code == 0, done.output
    report = json.loads(done.stdout)
    assert report["applied"] and sorted(report["remove"]) == sorted([ids["a"], ids["b"]])
    statuses = {d["id"]: d["status"] for d in Store(store.home, store.config).docs()}
    assert [statuses[ids[k]] for k in "ab"] == ["superseded", "superseded"] and len(statuses) == 4
    bad = CliRunner().invoke(cli, ["dedup", "--threshold", "1.5"])
    assert bad.exit_code == 2 and "--threshold" in bad.output


ASCII_CASES = [
    "def add(a, b):\n    return a + b",
    "Refactor the parser loop to stream lines; memory stays flat.",
    "abc",
    "x" * 3000 + " end",
    "  Mixed   CASE and punctuation!!! (f(x, y)) -> z;  ",
    "".join(chr(c) for c in range(128) if c not in range(0x1C, 0x20)) * 3,  # controls included
    "tab\tvt\x0bff\x0ccr\rnl\n\x00nul\x7fdel a_b __x__ 3.14 -> !=",
]


@pytest.mark.parametrize("text", ASCII_CASES)
@pytest.mark.parametrize("size", [1, 2, 5, 8])
def test_fast_char_hashing_equals_datasketch_update_batch(text: str, size: int) -> None:
    """The tokenizer, table crc32 and permutation path give exactly datasketch's update_batch
    signature over `shingles()`, for odd and even shingle sizes, whatever texts share the pass
    (shorter than a shingle, blank, another long one)."""
    import zlib

    from datasketch import MinHash

    from finetune_collection.dedup.minhash import SCHEME, SEED, _ascii_char_hashes, _permutations, shingles, signatures

    settings = DedupSettings(shingle_size=size)
    batch = {"short": "ab", "before": "fn(x) -> y", "text": text, "blank": " ", "after": "A, b; c" * 9}
    fast = _ascii_char_hashes(batch, size)
    assert fast is not None and "text" in fast[1] and "blank" not in fast[1]  # the fast path is under test
    expected = {}
    for key, value in batch.items():
        slow = MinHash(num_perm=settings.num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32,
                       permutations=_permutations(settings.num_perm))
        slow.update_batch(shingles(value, settings.shingle, settings.shingle_size) or {f"<empty {key}>".encode()})
        expected[key] = slow.hashvalues
    got = signatures(batch, settings)
    assert all((got[key] == expected[key]).all() for key in batch)


def test_signatures_of_texts_shorter_than_a_shingle_equal_datasketch() -> None:
    import zlib

    from datasketch import MinHash

    from finetune_collection.dedup.minhash import SCHEME, SEED, _permutations, shingles, signatures

    settings = DedupSettings()
    batch = {"p": "What?", "a": "4", "blank": "", "dots": "..."}
    got = signatures(batch, settings)
    for key, value in batch.items():
        slow = MinHash(num_perm=settings.num_perm, seed=SEED, scheme=SCHEME, hashfunc=zlib.crc32,
                       permutations=_permutations(settings.num_perm))
        slow.update_batch(shingles(value, "char", settings.shingle_size) or {f"<empty {key}>".encode()})
        assert (got[key] == slow.hashvalues).all(), key


def test_table_crc_equals_zlib_on_every_window() -> None:
    import random
    import zlib

    from finetune_collection.dedup.minhash import _ascii_char_hashes, _ascii_tokens_joined

    rng = random.Random(5)
    for size in range(1, 10):
        texts = {str(i): "".join(rng.choice("abcXYZ019 _-(){}\t\n.,;'\"~\x7f\x00") for _ in range(n))
                 for i, n in enumerate((300, 3, 40, 1, 120))}
        found = _ascii_char_hashes(texts, size)
        assert found is not None
        hashes, spans = found
        for key, text in texts.items():
            joined = _ascii_tokens_joined(text)
            data = joined.tobytes() if joined is not None else b""
            if not data:
                assert key not in spans
                continue
            windows = [data[i : i + size] for i in range(len(data) - size + 1)] or [data]
            start, end = spans[key]
            assert hashes[start:end].tolist() == [zlib.crc32(w) for w in windows], (size, key)


def test_fast_tokenizer_equals_the_regex_one_on_random_ascii() -> None:
    import random

    from finetune_collection.dedup.exact import normalize
    from finetune_collection.dedup.minhash import _TOKEN, _ascii_tokens_joined

    rng = random.Random(11)
    alphabet = [chr(c) for c in range(128)] + list("  \n\tabcXYZ_09") * 8
    for _ in range(2000):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randrange(0, 40)))
        fast = _ascii_tokens_joined(text)
        if fast is None:  # \x1c-\x1f: the regex path
            assert any(c in text for c in "\x1c\x1d\x1e\x1f")
            continue
        assert fast.tobytes().decode("ascii") == " ".join(_TOKEN.findall(normalize(text))), repr(text)


@pytest.mark.parametrize("num_perm", [16, 128, 256])
def test_our_permutations_are_datasketchs(num_perm: int) -> None:
    import numpy as np
    from datasketch import MinHash

    from finetune_collection.dedup.minhash import SCHEME, SEED, _permutations

    theirs = MinHash(num_perm=num_perm, seed=SEED, scheme=SCHEME).permutations
    ours = _permutations(num_perm)
    assert ours.dtype == theirs.dtype and np.array_equal(ours, theirs)
