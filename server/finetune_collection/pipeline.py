"""The opened core: a store, its dedup index and the collect pipeline, shared by every surface.

collect = `prepare()` + `commit()`: capture → quality filter → PII scrub → dedup → store.
`prepare()` does the expensive, lock-free part (validate, score, scrub, dedup keys);
`commit()` takes the store lock, checks duplicates and ids against the current file, and
appends. The MCP server asks the user for approval between the two, showing only scrubbed
text, and commits the example it prepared.

Duplicates are answered by the store's own index (`find_duplicate`), which catches up with
what other processes appended or deleted whenever the store is read, so they count at once.
"""

from __future__ import annotations

import json
import logging
import re
import threading
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any

from pydantic import BaseModel, Field, ValidationError, WithJsonSchema

from .config import Config, DedupSettings, local_user
from .dedup import Deduper, Match, make_index
from .dedup.clusters import replaces
from .errors import InvalidExample, StoreCorrupt, StoreReadOnly
from .model import (
    ID_PATTERN,
    Example,
    ExampleIn,
    Outcome,
    Status,
    describe_validation_error,
    judged,
    now_utc,
)
from .quality import Verdict, score
from .scrub import Scrubber, build_scrubber, structured
from .scrub.fields import scrub_fields
from .scrub.structured import Session
from .store import StoreBackend, open_store

log = logging.getLogger(__name__)

HEAL_BATCH = 500  # dedup-key records per durable append when keys are recomputed


def status_for(verdict: Verdict, approved: bool) -> Status:
    """A new example's status: a person's approval outranks the score; under the threshold it is
    kept as below_threshold (or discarded, with retention off); above, it may wait for approval."""
    if approved:
        return "accepted"
    if not verdict.keep:
        return "below_threshold"
    return "pending" if verdict.needs_approval else "accepted"


# `{"type": [.., "null"]}` rather than pydantic's `anyOf`: clients validate every result against
# the output schema, and jsonschema takes twice as long over anyOf branches (~0.1 ms a call).
NullableStr = Annotated[str | None, WithJsonSchema({"type": ["string", "null"]})]
NullableFloat = Annotated[float | None, WithJsonSchema({"type": ["number", "null"]})]


class CollectResult(BaseModel):
    """What a caller learns about one collected example. Never contains example text."""

    id: NullableStr = Field(description="stored id (null when rejected)")
    status: Outcome
    quality_score: float
    reasons: list[str] = Field(
        default_factory=list,
        description="stable codes: below_min_quality, duplicate, near_duplicate, pending_approval, "
        "replaced_lower_quality (the other one is kept as superseded), id_in_use, id_invalid, user_declined, "
        "export_would_refuse (the export's secret re-check would refuse it: edit or delete it)",
    )
    redactions: dict[str, int] = Field(default_factory=dict, description="placeholders inserted, by type")
    duplicate_of: NullableStr = None
    replaced: NullableStr = Field(default=None, description="id of the lower-quality near-duplicate this replaced")
    similarity: NullableFloat = None
    message: str = ""


@dataclass(slots=True)
class Prepared:
    example: Example
    verdict: Verdict
    keys: dict[str, Any]
    redactions: Counter[str]
    notes: list[str] = field(default_factory=list)
    wanted_id: str | None = None


_SURROGATE = re.compile("[\ud800-\udfff]")


def sanitize(value: Any) -> Any:
    """Replace lone surrogates (not encodable as UTF-8) with U+FFFD, everywhere in a JSON value."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [sanitize(v) for v in value]
    if isinstance(value, dict):
        return {sanitize(k): sanitize(v) for k, v in value.items()}
    return value


MAX_DEPTH = 100
"""Nesting limit for an example's JSON (objects and arrays); real examples stay under ~20."""


def _too_deep(value: Any, limit: int) -> bool:
    stack: list[tuple[Any, int]] = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, dict | list):
            if depth > limit:
                return True
            children = item.values() if isinstance(item, dict) else item
            stack.extend((child, depth + 1) for child in children)
    return False


class Pipeline:
    """The core a surface opens once: `Pipeline.open(home, config)`."""

    def __init__(self, store: StoreBackend, config: Config, scrubber: Scrubber | None = None) -> None:
        self.store = store
        self.config = config
        self.scrubber = scrubber or build_scrubber(config)
        # Computes dedup keys; the live duplicate index is the store's own (store.find_duplicate).
        self.keyer: Deduper = make_index(config.dedup)
        # One core call at a time per process: servers run calls in worker threads.
        self.lock = threading.Lock()
        self._heal_dedup_keys()

    @classmethod
    def open(cls, home: Path, config: Config) -> Pipeline:
        return cls(open_store(home, config), config)

    def keys(self, example: Example) -> dict[str, Any]:
        return self.keyer.keys(example)

    def _heal_dedup_keys(self) -> None:
        """Examples whose dedup keys were lost (a crash between the two records) or were made
        under other dedup settings get them back, appended in batches of HEAL_BATCH."""
        if not self.store.missing_keys():
            return
        try:
            self._store_missing_keys()
        except StoreReadOnly:
            # Nothing can be collected here, so no lookup needs them; whole-store questions
            # (`index_for`: recheck, an export's dedup) compute missing keys in memory.
            log.info("dedup keys not recomputed: the data folder is read-only")

    def _store_missing_keys(self) -> None:
        with self.store.transaction():  # the file may have changed before the lock: look again
            batch: dict[str, dict[str, Any]] = {}
            for doc_id in self.store.missing_keys():
                try:
                    example = self.store.get(doc_id)
                except StoreCorrupt:
                    # A record that no longer fits the schema cannot be keyed. Opening must still
                    # work: `finetune delete ID`, which the error advises, opens the core too.
                    continue
                batch[doc_id] = self.keys(example)
                if len(batch) >= HEAL_BATCH:
                    self.store.set_keys(batch)
                    batch = {}
            self.store.set_keys(batch)

    def index_for(self, settings: DedupSettings) -> Deduper:
        return index_for(self.store, settings)

    # -- stage 1: capture (validate at the edge) ------------------------------------------------
    def parse(self, data: Any) -> ExampleIn:
        if isinstance(data, ExampleIn):
            return data
        if not isinstance(data, dict):
            raise InvalidExample(f"an example must be a JSON object, not {type(data).__name__}")
        if _too_deep(data, MAX_DEPTH):
            # Checked first and without recursion: json.dumps, pydantic validation and its
            # serializer all recurse, and each fails differently (or not at all) past ~255 levels.
            raise InvalidExample(
                f"example is nested more than {MAX_DEPTH} levels deep; flatten its metadata or tools"
            )
        size = len(json.dumps(data, ensure_ascii=False, default=str).encode("utf-8", "replace"))
        limit = self.config.limits.max_example_bytes
        if size > limit:
            raise InvalidExample(
                f"example is {size} bytes, over the limit of {limit} bytes (limits.max_example_bytes); "
                "trim it or raise the limit in the config"
            )
        try:
            return ExampleIn.model_validate(sanitize(data))
        except ValidationError as err:
            raise InvalidExample(describe_validation_error(err)) from None
        except RecursionError:
            raise InvalidExample("example is nested too deeply to store") from None

    # -- stages 2-4: quality, scrub, dedup keys --------------------------------------------------
    def prepare(self, data: Any, observed: bool = False) -> Prepared:
        """`observed`: the signals' `observed` flags come from our own reading of the record
        (ingest); from any other caller they are claims, whatever the caller says."""
        example_in = self.parse(data)
        if not observed:
            for signal in example_in.signals:
                signal.observed, signal.where = None, None
        try:
            verdict = score(example_in, self.config)
        except InvalidExample as err:  # messages leave the pipeline scrubbed, like stored text
            raise InvalidExample(self.scrubber.scrub_text(str(err)).text) from None
        raw = example_in.model_dump(
            mode="json", exclude_none=True, exclude={"id", "created_at", "quality", "quality_score"}
        )
        scrubbed, session = structured.scrub(Session(self.scrubber), lambda s: scrub_fields(raw, s))
        counts = session.counts
        notes: list[str] = []
        wanted = example_in.id
        if wanted is not None and (not ID_PATTERN.match(wanted) or self.scrubber.scrub_text(wanted).counts):
            notes.append("id_invalid")  # an id the scrubber would change (a token pasted as id) is never kept
            wanted = None
        try:
            example = Example.model_validate(
                {
                    **scrubbed,
                    "id": wanted or "pending",
                    "created_at": example_in.created_at or now_utc(),
                    "quality_score": verdict.score,
                    "status": status_for(verdict, example_in.metadata.human_approved),
                    "redactions": dict(counts),
                    "quality": example_in.quality,
                    "quality_given": example_in.quality_score,
                    "quality_from": "score" if example_in.quality_score is not None
                    else "label" if example_in.quality is not None else "signals",
                }
            )
        except ValidationError as err:  # a placeholder emptied a required field, e.g. all-PII turn
            raise InvalidExample(describe_validation_error(err, "after scrubbing: ")) from None
        self._recheck(example)
        discarded = example.status == "below_threshold" and not self.config.quality_filters.keep_below_threshold
        keys = {} if discarded else self.keys(example)
        return Prepared(example, verdict, keys, counts, notes, wanted)

    def _recheck(self, example: Example) -> None:
        """Ask the export's question now: would it refuse this (scrubbed) example? The answer is
        kept as `refused` (the types, for the caller and the review page) and stamped, so an
        export of the unchanged text under the same catalog need not run the catalog again."""
        from .scrub.detect import refusals, stamp, stamped_texts

        texts = stamped_texts(example.to_doc())
        skip, allow = frozenset(self.config.scrub.disable), tuple(self.config.scrub.allow)
        example.refused = refusals("\n".join(texts), skip=skip, allow=allow)
        example.checked = stamp(texts, skip, allow)

    def _match(self, keys: dict[str, Any]) -> tuple[Match, dict[str, Any]] | None:
        """The stored example these keys duplicate, with its document (None: no duplicate)."""
        match = self.store.find_duplicate(keys) if keys else None
        if match is None:
            return None
        return match, self.store.get_doc(match.id)

    def would_be_duplicate(self, prepared: Prepared, approved: bool = False) -> bool:
        """Read-only: would commit() reject this as a duplicate right now? (Asked before elicitation.)"""
        self.store.refresh()
        found = self._match(prepared.keys)
        approved = approved or prepared.example.metadata.human_approved
        return found is not None and not replaces(*found, prepared.verdict.score, approved)

    # -- stage 5: dedup check and store, under the lock -------------------------------------------
    def commit(self, prepared: Prepared, approved: bool | None = None, by: str | None = None) -> CollectResult:
        """`by`: who collects it (a server passes its caller's identity; default: the OS user)."""
        ex, verdict = prepared.example, prepared.verdict
        ex.collected_by = by or local_user()
        result = CollectResult(
            id=None,
            status="rejected",
            quality_score=verdict.score,
            reasons=list(prepared.notes),
            redactions=dict(prepared.redactions),
        )
        if approved is False:
            result.reasons.append("user_declined")
            result.message = "not stored: the user declined it"
            return result
        if approved:
            ex.status = "accepted"
            ex.metadata.human_approved = True
        if ex.metadata.human_approved:
            ex.approved_by = ex.collected_by
        with self.store.transaction():
            if not verdict.keep and not prepared.keys:  # retention off: the seed's discard
                result.reasons.append(verdict.reason or "below_min_quality")
                self.store.bump(f"rejected:{result.reasons[-1]}")
                result.message = (
                    "rejected: it carries a negative signal and no person approved it"
                    if verdict.reason == "negative_signal"
                    else f"rejected: quality {verdict.score:g} is below min_quality_score "
                    f"{self.config.quality_filters.min_quality_score:g}"
                )
                return result
            found = self._match(prepared.keys)
            replaced: str | None = None
            replaced_kind = "near"
            similarity: float | None = None
            if found is not None:
                match, stored = found
                stored_score = float(stored.get("quality_score", 0))
                similarity = round(match.similarity, 3)
                reason = "duplicate" if match.kind == "exact" else "near_duplicate"
                if replaces(match, stored, verdict.score, ex.metadata.human_approved):
                    replaced, replaced_kind = match.id, match.kind
                else:
                    self.store.bump(f"rejected:{reason}")
                    result.status = "duplicate"
                    result.reasons.append(reason)
                    result.duplicate_of = match.id
                    result.similarity = similarity
                    why = (
                        "a person judged it" if judged(stored)
                        else f"it has quality {stored_score:g} >= {verdict.score:g} and nobody approved this copy"
                    )
                    result.message = (
                        f"not stored: {'an exact' if reason == 'duplicate' else 'a near'} duplicate of "
                        f"{match.id} (similarity {match.similarity:.2f}), which is kept: {why}"
                        + _next_step(match.id, stored)
                    )
                    return result
            ex.id = self._assign_id(prepared, result)
            if replaced is not None:
                self.store.replace(replaced, ex, prepared.keys)
                result.replaced = replaced
                result.reasons.append("replaced_lower_quality")
                result.similarity = similarity
            else:
                self.store.insert(ex, prepared.keys)
        result.id = ex.id
        self._stored_as(prepared, result)
        result.message = self._message(result, replaced_kind)
        return result

    @staticmethod
    def _stored_as(prepared: Prepared, result: CollectResult) -> None:
        """The status and reasons of an example that is (or would be) stored."""
        ex = prepared.example
        assert ex.status != "superseded"  # only an example already stored becomes superseded
        result.status = ex.status
        if not prepared.verdict.keep:
            result.reasons.append(prepared.verdict.reason or "below_min_quality")
        if ex.refused:  # stored, but no export will write it until it is edited or deleted
            result.reasons.append("export_would_refuse")
        if ex.status == "pending":
            result.reasons.append("pending_approval")

    def preview(self, prepared: Prepared) -> CollectResult:
        """What commit() would do now, with nothing written (a dry run): the same decisions."""
        verdict = prepared.verdict
        result = CollectResult(id=None, status="rejected", quality_score=verdict.score,
                               reasons=list(prepared.notes), redactions=dict(prepared.redactions))
        self.store.refresh()
        found = self._match(prepared.keys)
        if not verdict.keep and not prepared.keys:  # retention off: the seed's discard
            result.reasons.append(verdict.reason or "below_min_quality")
        elif found is not None and not replaces(*found, verdict.score, prepared.example.metadata.human_approved):
            result.status = "duplicate"
            result.reasons.append("duplicate" if found[0].kind == "exact" else "near_duplicate")
            result.duplicate_of = found[0].id
        else:
            self._stored_as(prepared, result)
        result.message = f"would be {result.status} (quality {verdict.score:g}); nothing was written"
        return result

    def _assign_id(self, prepared: Prepared, result: CollectResult) -> str:
        wanted = prepared.wanted_id
        if wanted is not None and wanted not in self.store:
            return wanted
        if wanted is not None:
            result.reasons.append("id_in_use")
        return self.store.new_id()

    @staticmethod
    def _message(result: CollectResult, replaced_kind: str = "near") -> str:
        parts = [f"stored {result.id} as {result.status} (quality {result.quality_score:g})"]
        if result.status == "pending":
            parts.append("it waits for human approval: `finetune approve` or the finetune_review tool")
        if result.status == "below_threshold" and "negative_signal" in result.reasons:
            parts.append("it is kept but not exported: it carries a negative signal, which keeps it out until a "
                         "person approves it (preference exports use it as the rejected answer)")
        elif result.status == "below_threshold":
            parts.append("it is kept but not exported: approve it, or lower min_quality_score and run "
                         "`finetune rescore`")
        if result.replaced:
            what = "exact copy" if replaced_kind == "exact" else "near-duplicate"
            parts.append(f"it replaced the {what} {result.replaced}, kept as superseded")
        if result.redactions:
            parts.append("redacted " + ", ".join(f"{n} {t}" for t, n in sorted(result.redactions.items())))
        return "; ".join(parts)

    def collect(
        self, data: Any, approved: bool | None = None, observed: bool = False, by: str | None = None
    ) -> CollectResult:
        return self.commit(self.prepare(data, observed), approved, by)


def _next_step(kept: str, stored: dict[str, Any]) -> str:
    """What brings the kept copy into exports when it is not in them yet."""
    status = stored.get("status")
    if status == "below_threshold":
        return (f"; {kept} is below_threshold: `finetune approve {kept}` exports it, or lower min_quality_score "
                "and run `finetune rescore`")
    if status == "pending":
        return f"; {kept} is pending: `finetune approve {kept}` exports it"
    return ""


def index_for(store: StoreBackend, settings: DedupSettings) -> Deduper:
    """An in-memory duplicate index over the stored examples under `settings`, for whole-store
    questions (clusters, re-checks): built from the stored signatures (a threshold change needs no
    rehashing), recomputing keys only for signatures made with other shingling or permutations."""
    index = make_index(settings)
    stored = store.all_keys()
    for example_id in _indexed(store):
        keys = stored.get(example_id)
        if keys is not None:
            index.add(example_id, dict(keys))
        if example_id not in index:
            index.remove(example_id)
            index.add(example_id, index.keys(store.get(example_id)))
    return index


def _indexed(store: StoreBackend) -> list[str]:
    """Ids the dedup index holds: every stored example but the superseded ones."""
    return [i for i, status in store.statuses().items() if status != "superseded"]
