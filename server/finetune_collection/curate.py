"""What people do with stored examples: approve, reject, delete, purge, edit a turn, re-check
for duplicates. Every function takes the opened core (`Pipeline`) and works under its store lock.

Editing a turn: the edit is prepared as a fresh example (so a secret pasted into it is scrubbed
before anything is written) under the old id, created_at, signals and metadata, and replaces the
old one in one append under one store lock; the old text is then erased from the file. The
reviewer edits text, not quality: the stored score is kept as is (re-scoring would subtract
negative signals a second time). An edit that would duplicate another example is refused.

Re-check: `recheck(core, config)` reports the duplicate clusters under `config.dedup` and which
example of each it keeps (dedup/clusters.py has the policy); `apply=True` marks the others
superseded. Re-score: `rescore(store, config)` re-decides what no person has judged after the
threshold or the weights changed. Only `review(…, "delete")` and `purge` remove bytes.
"""

from __future__ import annotations

import contextlib
import copy
from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import Any, Literal

from pydantic import ValidationError

from .config import Config, local_user
from .dedup import Match
from .dedup.clusters import RecheckReport, resolve
from .errors import InvalidExample
from .model import Example, ExampleIn, created_at, judged, now_utc
from .pipeline import Pipeline, status_for
from .quality import decide, score
from .store import StoreBackend

Action = Literal["approve", "reject", "delete"]
_STATUSES = ("accepted", "pending", "rejected", "below_threshold", "superseded")

_UNDATED = datetime(1970, 1, 1, tzinfo=timezone.utc)  # purge treats a hand-edited date as oldest
MAX_BULK = 5000
"""The most examples one filtered review acts on (MCP finetune_review, the review page; the CLI
unless --all): a model or a stray click approving the whole store is the case it bounds."""


def review(store: StoreBackend, example_ids: list[str], action: Action, by: str | None = None) -> list[Example | None]:
    """Approve, reject or delete examples under one lock, in one durable append: all or nothing
    (an unknown id changes nothing). Deleted examples come back as None. `by`: who decided,
    kept as approved_by / rejected_by (default: the OS user)."""
    who = by or local_user()
    with store.transaction():
        if action == "delete":
            store.remove_many(example_ids)
            return [None] * len(example_ids)
        examples = [store.get(i) for i in example_ids]
        for ex in examples:
            ex.status = "accepted" if action == "approve" else "rejected"
            ex.metadata.human_approved = action == "approve"
            if action == "approve":
                ex.approved_by = who
            else:
                ex.rejected_by = who
        store.put_many(examples)
        return list(examples)


def superseded_notes(store: StoreBackend, example_ids: list[str]) -> list[str]:
    """Warnings for approving examples a better copy replaced: each comes back as a duplicate."""
    notes = []
    for example_id in example_ids:
        if example_id not in store:
            continue
        doc = store.get_doc(example_id)
        if doc.get("status") == "superseded":
            by = doc.get("superseded_by")
            other = by if isinstance(by, str) and by in store else "another example"
            notes.append(f"{example_id} was superseded by {other}: approving it exports a duplicate of it "
                         f"(`finetune delete` or reject one of them if that is not wanted)")
    return notes


@dataclass(frozen=True, slots=True)
class Filter:
    """Which stored examples a bulk review acts on; every given criterion must hold."""

    status: str | None = None
    min_quality: float | None = None
    max_quality: float | None = None
    task_type: str | None = None
    source: str | None = None  # metadata.source.format: claude-code, codex, openai, …
    since: datetime | None = None
    signal: str | None = None

    def empty(self) -> bool:
        return all(getattr(self, f) is None for f in self.__slots__)

    def accepts(self, doc: dict[str, Any]) -> bool:
        score = doc.get("quality_score")
        score = float(score) if isinstance(score, int | float) else 0.0
        meta, source = doc.get("metadata"), None
        if isinstance(meta, dict):
            source = meta.get("source")
        source = source if isinstance(source, dict) else {}
        names = {s.get("name") for s in doc.get("signals") or [] if isinstance(s, dict)}
        created = created_at(doc)
        return (
            (self.status is None or doc.get("status") == self.status)
            and (self.min_quality is None or score >= self.min_quality)
            and (self.max_quality is None or score <= self.max_quality)
            and (self.task_type is None or doc.get("task_type") == self.task_type)
            and (self.source is None or source.get("format") == self.source)
            and (self.since is None or (created is not None and created >= self.since))
            and (self.signal is None or self.signal in names)
        )


@dataclass(frozen=True, slots=True)
class Matched:
    """What a filtered review acted on (`ids`), and the matches it held back (`held`)."""

    ids: list[str]
    held: list[str]


def held_back(doc: dict[str, Any], flt: Filter, hold: Collection[str]) -> bool:
    """Does a bulk approval leave this match out? An example carrying a negative signal (`hold`)
    is approved only one by one, or when the filter asks for that signal by name: a sweep such as
    `--status below_threshold` must not let the answers users turned down into the training set."""
    if not hold or (flt.signal is not None and flt.signal in hold):
        return False
    return any(isinstance(s, dict) and s.get("name") in hold for s in doc.get("signals") or [])


def review_matching(
    store: StoreBackend, flt: Filter, action: Action, dry_run: bool = False, by: str | None = None,
    limit: int | None = MAX_BULK, hold: Collection[str] = (),
) -> Matched:
    """Approve, reject or delete every example the filter matches, all or nothing under one
    lock (with `dry_run`, only say which). More than `limit` matches (None: no limit) is refused,
    dry run included, so the count a caller is shown is one it can act on. An approval holds back
    the matches carrying a signal in `hold` (the negative signals; see `held_back`)."""
    with store.transaction():
        ids: list[str] = []
        held: list[str] = []
        for d in store.docs():
            if flt.accepts(d):
                (held if action == "approve" and held_back(d, flt, hold) else ids).append(str(d["id"]))
        if limit is not None and len(ids) > limit:
            raise InvalidExample(
                f"filter: matches {len(ids)} examples; one review acts on at most {limit}: narrow it "
                "(status, task type, quality range, source, signal, since) and review in parts"
            )
        if not dry_run and ids:
            review(store, ids, action, by)
    return Matched(ids, held)


def purge(store: StoreBackend, before: datetime, status: str | None = None, dry_run: bool = False) -> list[str]:
    """Delete (for real: from the file, the dedup index and stats) examples created before a time."""
    with store.transaction():
        ids = [
            doc["id"]
            for doc in store.docs()
            if (created_at(doc) or _UNDATED) < before and (status is None or doc.get("status") == status)
        ]
        if not dry_run:
            store.remove_many(ids)
    return ids


def rescore(store: StoreBackend, config: Config, apply: bool = False) -> dict[str, list[str]]:
    """Re-decide every example no person has judged under the current scoring and threshold
    (after `min_quality_score` or the weights changed), without re-collecting anything.

    Returns the ids whose status would change (`apply`: did change), by new status. The score is
    recomputed from what the caller gave (score, label or signals), exactly as at collect time.
    """
    changes: dict[str, list[str]] = {}
    with store.transaction() if apply else contextlib.nullcontext():
        if not apply:
            store.refresh()
        updated: list[Example] = []
        for doc in store.docs():
            if judged(doc) or doc.get("status") not in ("accepted", "pending", "below_threshold"):
                continue
            try:
                example = Example.model_validate(doc)
            except ValidationError:
                continue  # a hand-edited record: `finetune show` / `stats` name it
            if example.quality_from is None:
                # Written before the score's origin was kept: keep the score, re-decide the status.
                negatives = {s.name for s in example.signals} & set(config.quality_filters.negative_signals)
                verdict = decide(example.quality_score, len(negatives), False, config)
            else:
                fields = {"quality_score": example.quality_given, "quality": example.quality, "input": example.input,
                          "output": example.output, "messages": example.messages, "tools": example.tools,
                          "signals": example.signals, "metadata": example.metadata}
                verdict = score(ExampleIn.model_validate({k: v for k, v in fields.items() if v is not None}), config)
            # Only a threshold crossing changes a status: approval rules are not re-applied.
            status = example.status
            if (example.status == "below_threshold") == verdict.keep:
                status = status_for(verdict, approved=False)
            if status != example.status or verdict.score != example.quality_score:
                if status != example.status:
                    changes.setdefault(status, []).append(example.id)
                example.status, example.quality_score = status, verdict.score
                updated.append(example)
        if apply:
            store.put_many(updated)
    return changes


def recheck(core: Pipeline, config: Config, apply: bool = False) -> RecheckReport:
    """Find duplicate clusters under `config.dedup`; with `apply`, mark all but the best as
    superseded (kept, never exported; a person-judged example is never dropped)."""
    store = core.store
    with store.transaction() if apply else contextlib.nullcontext():
        if not apply:
            store.refresh()
        docs = {str(d["id"]): d for d in store.docs()}
        found, remove = resolve(core.index_for(config.dedup), docs)
        if apply:
            by = {m.id: m.duplicate_of or "" for c in found for m in c.members if not m.keep}
            store.supersede(remove, by)
    return RecheckReport(
        threshold=config.dedup.threshold, examples=len(docs), clusters=found, remove=remove, applied=apply
    )


def _edited_input(doc: dict[str, Any], turn: int, text: str) -> dict[str, Any]:
    """The example as a caller would send it, with turn `turn` (as the page numbers them) replaced."""
    keep = ("task_type", "input", "output", "messages", "tools", "signals", "metadata", "created_at")
    data: dict[str, Any] = {k: copy.deepcopy(doc[k]) for k in keep if k in doc}
    if data.get("messages") is not None:
        if turn >= len(data["messages"]):
            raise InvalidExample(f"turn: example {doc.get('id')} has {len(data['messages'])} turns")
        data["messages"][turn]["content"] = text
    else:
        slots = ([("input", "system")] if (data.get("input") or {}).get("system") else []) + [
            ("input", "user"), ("output", "assistant")]
        if turn >= len(slots):
            raise InvalidExample(f"turn: example {doc.get('id')} has {len(slots)} turns")
        part, key = slots[turn]
        data[part][key] = text
    data.setdefault("metadata", {})["edited_at"] = now_utc().isoformat()
    data["id"] = doc.get("id")
    return data


def edit_turn(core: Pipeline, example_id: str, turn: int, text: str) -> dict[str, Any]:
    """Replace one turn's text: scrubbed and checked for duplicates like a new example, then
    stored under the same id in one durable append (`Store.update`): on a full disk or a crash
    the example is either edited or untouched, never gone."""
    store = core.store
    with store.transaction():
        old = store.get_doc(example_id)
        prepared = core.prepare(_edited_input(old, turn, text))
        example = prepared.example
        example.id = example_id
        example.quality_score = float(old.get("quality_score", 0))
        for who in ("collected_by", "approved_by", "rejected_by"):  # an edit changes text, not who decided
            setattr(example, who, old.get(who) if isinstance(old.get(who), str) else None)
        keys = prepared.keys or core.keys(example)  # prepare() skips keys below the minimum
        before = [m.model_dump() for m in Example.model_validate(old).turns()]
        if [m.model_dump() for m in example.turns()] == before:
            return {"id": example_id, "status": old.get("status"), "changed": False,
                    "redactions": {}, "message": "no change: the edited text has the same content"}
        match = _duplicate_of_another(core, example_id, keys)
        if match is not None:
            raise InvalidExample(f"edit not saved: it would make {example_id} a {match.kind} duplicate of {match.id}")
        # An edit changes text, not the decision: the status stays (an accepted one as approved).
        example.status = old["status"] if old.get("status") in _STATUSES else example.status
        if example.status == "accepted":
            example.metadata.human_approved = True
        merged = dict(old.get("redactions") or {})
        for kind, n in prepared.redactions.items():
            merged[kind] = merged.get(kind, 0) + n
        example.redactions = merged
        store.update(example, keys)
    redactions = dict(prepared.redactions)
    note = f"; redacted {', '.join(f'{n} {t}' for t, n in sorted(redactions.items()))}" if redactions else ""
    return {"id": example_id, "status": example.status, "changed": True, "redactions": redactions,
            "message": f"saved the edit to {example_id} ({example.status}){note}"}


def _duplicate_of_another(core: Pipeline, example_id: str, keys: dict[str, Any]) -> Match | None:
    """The stored example other than the one edited that `keys` duplicate (the edited example
    does not count, or it would hide every other match behind itself)."""
    return core.store.find_duplicate(keys, exclude=example_id)
