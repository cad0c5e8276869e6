"""`export()`: stream matching examples from the store log to one file (or train/val files)."""

from __future__ import annotations

import contextlib
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..config import Config
from ..dedup.clusters import components, resolve
from ..errors import ExportError
from ..model import Example
from ..pipeline import index_for
from ..store import Reader, StoreBackend
from .base import Conversation, Format, conversation
from .card import CardFacts, render_card
from .count import load_counter
from .filters import Selector
from .fix import Mode, mode_of
from .formats import FORMATS, get_format
from .pairs import Inferred, count, infer, is_negative, ordered
from .process import SecretCheck, Stamps, load_secret_finder, notebook_epochs, process
from .report import MAX_SKIPPED_LISTED, ExportReport, ExportRequest, InferredPair, Skipped
from .status import services_for
from .target import check_name_lengths
from .writer import AtomicFile, protected_files, refuse_existing, refuse_folder

MAX_LOST_IDS = 20
# What a skipped example needs to pass, by the mode it was refused in: the next mode up.
LOOSER: dict[Mode, tuple[Mode, str]] = {
    "strict": ("safe", "strict off (safe fixes: move a leading system turn, merge same-role turns)"),
    "safe": ("all", "fix=True (CLI --fix: also drop blank turns, and text beside tool calls for sharegpt)"),
}

Progress = Callable[[int, int | None], None]
PROGRESS_EVERY = 256


def token_limit(fmt: Format, config: Config, model: str | None = None) -> int | None:
    """The configured override, else the documented limit for `model` (or the format's default)."""
    return config.export.token_limits.get(fmt.name, fmt.limit_for(model)[0])


def placement(fmt: Format, config: Config) -> Any:
    return config.export.context_by_format.get(fmt.name, config.export.context_placement)


def default_output(home: Path, config: Config, fmt: str) -> Path:
    folder = Path(config.export.directory).expanduser() if config.export.directory else home / "exports"
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    return folder / (f"{fmt}-{stamp}" if FORMATS[fmt].folder else f"{fmt}-{stamp}.jsonl")


def output_paths(fmt: Format, output: Path, split: bool) -> list[Path]:
    """The data files: NAME.jsonl (NAME.train/val.jsonl), or a folder's data/train|validation.jsonl."""
    if fmt.folder:
        names = ["train", "validation"] if split else ["train"]
        return [output / "data" / f"{n}.jsonl" for n in names]
    return list(split_paths(output)) if split else [output]


def split_paths(output: Path) -> tuple[Path, Path]:
    stem = output.name.removesuffix(".jsonl")
    return output.with_name(f"{stem}.train.jsonl"), output.with_name(f"{stem}.val.jsonl")


def examples(
    snap: Reader, selector: Selector, progress: Progress | None, wanted: set[str] | None = None
) -> Iterator[tuple[str, dict[str, Any], Example | None]]:
    """Matching (id, doc, example) in store order; example is None when the doc fails the schema."""
    index = snap.index()["examples"]
    total = len(index)
    for n, (doc_id, doc) in enumerate(snap.docs(index), 1):
        if progress is not None and n % PROGRESS_EVERY == 0:
            progress(n, total)
        if (wanted is not None and doc_id not in wanted) or not selector.match(doc):
            continue
        try:
            yield doc_id, doc, Example.model_validate(doc)
        except ValidationError:
            yield doc_id, doc, None
    if progress is not None:
        progress(total, total)


def export(
    store: StoreBackend, config: Config, request: ExportRequest, progress: Progress | None = None
) -> ExportReport:
    """Write one format's file (or train/val files) from the store's current snapshot."""
    fmt = get_format(request.format)
    output = request.output or default_output(store.home, config, fmt.name)
    check_name_lengths(output)  # before any system call that would fail with the path in its error
    existed = output.exists()
    protected = protected_files(config)
    if fmt.folder:
        refuse_folder(output, request.overwrite, store.home, protected)
    targets = output_paths(fmt, output, bool(request.split))
    for path in targets:
        refuse_existing(path, request.overwrite, protected, store.path)
    counter = load_counter(config.export.tokenizer)
    limit, where = token_limit(fmt, config, request.model), placement(fmt, config)
    report = ExportReport(
        format=fmt.name, written=0, legacy=fmt.legacy, services=[s.line() for s in services_for(fmt.name)],
        model=fmt.limit_for(request.model)[1], token_limit=limit, token_counting=counter.label,
    )
    if request.model is not None and fmt.models and request.model not in fmt.models:
        report.warnings.append(
            f"{fmt.name}: model not in the documented limits table ({', '.join(fmt.models)}); "
            f"the default limit {limit} applies (set export.token_limits to change it)"
        )
    if request.split and fmt.split_note:
        report.warnings.append(fmt.split_note)
    skip = frozenset(config.scrub.disable)
    allow = tuple(config.scrub.allow)
    finder, shapes = load_secret_finder(skip, allow=allow), load_secret_finder(skip, catalog=False, allow=allow)
    if finder is None:
        report.warnings.append("secret re-check unavailable (scrub.detect missing): records were not re-scanned")
    stamps = Stamps.load(store, skip, allow) if finder is not None else None
    mode = mode_of(request.fix, request.strict)
    lost: Counter[str] = Counter()
    looser: Counter[str] = Counter()
    tasks: Counter[str] = Counter()
    redacted: Counter[str] = Counter()
    excluded = _dedup_losers(store, config) if request.dedup else set()
    with store.snapshot() as snap:
        val_ids: set[str] = set()
        wanted: set[str] | None = None
        if request.split:
            task_of: dict[str, str] = {}
            for doc_id, doc, _ in examples(snap, Selector(request), None):
                if request.limit is not None and len(task_of) >= request.limit:
                    break
                task_of[doc_id] = str(doc.get("task_type"))
            found = components(index_for(store, config.dedup))
            val_ids = _assign(task_of, found, request.split, request.seed)
            wanted = set(task_of)
        selector = Selector(request)
        inferred = infer(snap, store, config.dedup, request) if fmt.preference else None
        preference: Counter[str] = Counter()
        files = [AtomicFile(p, protected, request.overwrite) for p in targets]
        try:
            counts = [0] * len(files)
            skipped: Counter[str] = Counter()
            fixed: Counter[str] = Counter()
            warned: Counter[str] = Counter()
            tokens = billed = 0
            # Plain ints in the loop: assigning a pydantic model's field costs more than a record's
            # schema check. They go into the report when the loop ends.
            matched = written = 0
            # Selected examples, never again as unpaired labels; and those only the labels brought.
            selected: set[str] = set()
            extra: set[str] = set()
            rows = examples(snap, selector, progress, wanted)
            if fmt.preference == "labels" and inferred is not None:
                rows = itertools.chain(rows, unpaired_labels(inferred, request, selected, extra))
            for doc_id, doc, example in rows:
                if doc_id not in extra:
                    matched += 1
                    selected.add(doc_id)
                if request.limit is not None and not request.split and written >= request.limit:
                    break
                if example is None:
                    _skip(report, skipped, doc_id, "invalid_stored_example", "does not match the example schema")
                    continue
                if doc_id in excluded:
                    _skip(report, skipped, doc_id, "near_duplicate", "a better near-duplicate is exported instead")
                    continue
                conv: Conversation = conversation(example, where)
                if inferred is not None:
                    conv.inferred, conv.negative = inferred.for_chosen(doc_id), is_negative(doc)
                if counter.exact:
                    conv.tokens = counter.count(conv)
                secrets = SecretCheck(finder, shapes=shapes, trusted=stamps is not None and stamps.trusted(doc_id, doc))
                out = process(conv, fmt, limit, mode, secrets)
                if out.line is None:
                    assert out.problem is not None
                    _skip(report, skipped, doc_id, out.problem.rule, out.problem.detail)
                    if mode in LOOSER and out.problem.rule not in ("secret_detected", "too_many_tokens"):
                        next_mode, how = LOOSER[mode]
                        if process(conv, fmt, limit, next_mode, secrets).line is not None:
                            looser[how] += 1
                    continue
                i = 1 if doc_id in val_ids else 0
                files[i].write(out.line)
                counts[i] += out.records
                written += 1
                if fmt.preference:
                    _pairs_written(report, preference, fmt.preference, conv, out.records, inferred)
                if out.fixes:
                    fixed.update(out.fixes)
                if out.warnings:
                    warned.update({w.rule for w in out.warnings})
                for loss in out.losses:
                    lost[loss] += 1
                    ids = report.lost_ids.setdefault(loss, [])
                    if len(ids) < MAX_LOST_IDS:
                        ids.append(doc_id)
                tasks[example.task_type] += 1
                counts_by_type = doc.get("redactions")
                if isinstance(counts_by_type, dict):
                    redacted.update({str(k): v for k, v in counts_by_type.items() if isinstance(v, int)})
                tokens += conv.tokens
                billed += min(conv.tokens, limit) if limit is not None else conv.tokens
            report.matched, report.written = matched, written
            if written == 0:
                raise ExportError(_nothing(fmt, selector, skipped, matched, looser))
            for f in files:
                f.commit()
            if fmt.folder:
                for stale in [output / "data" / "validation.jsonl"]:
                    if stale not in targets and stale.is_file():
                        stale.unlink()
                facts = CardFacts(
                    splits={p.stem: c for p, c in zip(targets, counts, strict=True)},
                    license=request.license or "other",
                    tasks=dict(tasks.most_common()), fixes=dict(fixed.most_common()), losses=dict(lost.most_common()),
                    skipped=dict(skipped.most_common()), redactions=dict(redacted.most_common()),
                    tokens=tokens, token_counting=counter.label, min_quality=request.min_quality,
                )
                card = AtomicFile(output / "README.md", protected, request.overwrite)
                card.write(render_card(facts).encode())
                card.commit()
        except BaseException:
            for f in files:
                f.abort()
            if fmt.folder and not existed:
                _remove_empty(output)
            raise
        finally:
            if stamps is not None:
                stamps.save()
    report.paths = [str(p) for p in targets] + ([str(output / "README.md")] if fmt.folder else [])
    report.counts = {str(p): c for p, c in zip(targets, counts, strict=True)}
    report.skipped_by_rule = dict(skipped.most_common())
    report.fixed = dict(fixed.most_common())
    report.losses = dict(lost.most_common())
    report.more_would_pass = dict(looser.most_common())
    report.records = sum(counts)
    report.preference = ordered(preference)
    report.tokens_estimated = tokens
    report.default_epochs = fmt.default_epochs or notebook_epochs(counts[0])
    report.billed_tokens_estimated = billed * report.default_epochs
    report.warnings += _warnings(fmt, report.written, warned, limit, counter.label)
    if request.ids is not None and selector.id_hits < len(set(request.ids)):
        report.warnings.append(f"{len(set(request.ids)) - selector.id_hits} requested id(s) are not in the store")
    return report


def unpaired_labels(
    inferred: Inferred, request: ExportRequest, selected: set[str], extra: set[str]
) -> Iterator[tuple[str, dict[str, Any], Example | None]]:
    """The user_rejected examples no later answer corrected, for the unpaired formats (label false).
    Read after the selected ones, so `selected` is complete when this runs."""
    for doc_id in inferred.unpaired():
        if doc_id in selected or (request.ids is not None and doc_id not in request.ids):
            continue
        extra.add(doc_id)
        doc = inferred.negatives[doc_id]
        try:
            yield doc_id, doc, Example.model_validate(doc)
        except ValidationError:
            yield doc_id, doc, None


def _pairs_written(
    report: ExportReport, counts: Counter[str], kind: str, conv: Conversation, records: int, inferred: Inferred | None
) -> None:
    count(counts, kind, conv, records)
    used = inferred.links_of(conv.id) if inferred is not None else []
    if kind == "pairs" and conv.rejected:
        used = []  # the explicit alternative is the one written
    for link in used[: 1 if kind == "pairs" else None]:
        if len(report.inferred_pairs) < MAX_SKIPPED_LISTED:
            report.inferred_pairs.append(InferredPair(chosen=link.chosen, rejected=link.rejected, match=link.match,
                                                      similarity=link.similarity))


def _dedup_losers(store: StoreBackend, config: Config) -> set[str]:
    """Ids a dedup re-check would remove (the keep-the-best policy of dedup/clusters.py)."""
    store.refresh()
    # A view that deletes nothing: the user asked for one example per cluster, approved or not.
    docs = {str(d["id"]): d for d in store.docs()}
    return set(resolve(index_for(store, config.dedup), docs, people_first=False)[1])


def _remove_empty(folder: Path) -> None:
    """Undo the folders a failed folder export created (only while they are empty)."""
    for path in (folder / "data", folder):
        with contextlib.suppress(OSError):
            path.rmdir()


def _assign(task_of: dict[str, str], found: list[list[str]], fraction: float, seed: int) -> set[str]:
    from .split import assign

    return assign(task_of, found, fraction, seed)


def _skip(report: ExportReport, skipped: Counter[str], doc_id: str, rule: str, detail: str) -> None:
    skipped[rule] += 1
    report.skipped_count += 1
    if len(report.skipped) < MAX_SKIPPED_LISTED:
        report.skipped.append(Skipped(id=doc_id, rule=rule, detail=detail))


def _nothing(fmt: Format, selector: Selector, skipped: Counter[str], matched: int, looser: Counter[str]) -> str:
    if matched == 0:
        return f"nothing to export: {selector.explain()}"
    rules = ", ".join(f"{k} {v}" for k, v in skipped.most_common())
    more = "".join(f"; {n} would pass with {how}" for how, n in looser.most_common())
    return (
        f"nothing to export: all {matched} matching example(s) break {fmt.name}'s rules ({rules}){more}; "
        "run with --check to see every format and what would make them pass"
    )


def _warnings(fmt: Format, written: int, warned: Counter[str], limit: int | None, counting: str) -> list[str]:
    out = []
    if fmt.min_examples and written < fmt.min_examples:
        out.append(f"{fmt.name} requires at least {fmt.min_examples} examples; this export has {written}")
    if fmt.recommended_examples and written < fmt.recommended_examples:
        out.append(
            f"{fmt.name}: {fmt.recommended_examples} examples are recommended to start; this export has {written}"
        )
    for rule, n in warned.most_common():
        if rule == "over_token_limit":
            out.append(f"{n} example(s) over {limit} tokens ({counting}) will be truncated by the trainer")
        else:
            out.append(f"{n} example(s): {rule}")
    return out


__all__ = ["FORMATS", "export"]
