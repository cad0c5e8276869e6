"""Looking at and curating the dataset: `stats`, `export`, `list`, `show`, approve/reject/delete, `purge`,
`dedup`, `rescore`."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import click
from pydantic import ValidationError

from ..errors import FinetuneError, InvalidExample, NotFound
from ..model import describe_validation_error
from .app import (
    STATUSES,
    App,
    Choice,
    FiniteRange,
    cli,
    emit,
    fails_cleanly,
    json_text,
    parse_date,
    pass_app,
    progress,
)

TIER_HELP = ("only examples of this evidence tier (repeatable): gold = observed tests passed and user accepted, "
             "silver = an observed positive signal, bronze = claims only")
OBSERVED_HELP = "only examples whose tier rests on a signal observed in the record (gold and silver)"


def chosen_tiers(tiers: tuple[str, ...], observed_only: bool) -> list[str] | None:
    """The tiers `--tier` and `--observed-signals-only` select together (None: every example)."""
    from ..reports import OBSERVED_TIERS

    if not observed_only:
        return list(tiers) or None
    kept = [t for t in OBSERVED_TIERS if not tiers or t in tiers]
    if not kept:
        raise click.UsageError("--observed-signals-only keeps the gold and silver tiers; the --tier given selects "
                               "neither")
    return kept


@cli.command()
@click.option("--tier", "tiers", multiple=True, type=Choice(["gold", "silver", "bronze"]), help=TIER_HELP)
@click.option("--observed-signals-only", is_flag=True, help=OBSERVED_HELP)
@click.option("--json", "as_json", is_flag=True, help="machine-readable output")
@pass_app
@fails_cleanly
def stats(app: App, tiers: tuple[str, ...], observed_signals_only: bool, as_json: bool) -> None:
    """Collection statistics: counts, quality, tokens, rejections, redactions, readiness."""
    from ..reports import compute, render

    result = compute(app.store, chosen_tiers(tiers, observed_signals_only))
    click.echo(result.model_dump_json(indent=2) if as_json else render(result))


@cli.command()
@click.option("--format", "fmt", default="openai", show_default=True,
              help="openai, anthropic (legacy), bedrock (legacy), nova, vertex, together, sharegpt, alpaca, axolotl, "
                   "hf-messages, hf-prompt-completion, hf-dataset; preference data: openai-dpo, trl-preference, "
                   "trl-kto, vertex-preference")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="file to write, relative to the current folder [default: $FINETUNE_HOME/exports/FORMAT-TIME.jsonl]")
@click.option("--task-type", multiple=True, help="only this task type (repeatable)")
@click.option("--workflow", multiple=True, help="only this workflow (repeatable)")
@click.option("--phase", multiple=True, help="only this phase (repeatable)")
@click.option("--min-quality", type=FiniteRange(0, 1), help="minimum quality_score")
@click.option("--require-signal", "--signal", "signals", multiple=True,
              help="only examples carrying this signal, e.g. tests_passed (repeatable: all of them)")
@click.option("--source", "sources", multiple=True,
              help="only examples imported from this format: claude-code, codex, openai, … (repeatable)")
@click.option("--approved-only", is_flag=True, help="only examples a person approved")
@click.option("--inferred-pairs/--no-inferred-pairs", default=True, show_default=True,
              help="preference formats: also pair an accepted answer with an earlier user_rejected answer to the "
                   "same or a near-duplicate prompt (reported as inferred)")
@click.option("--since", help="created at or after (YYYY-MM-DD or ISO time)")
@click.option("--until", help="created before (YYYY-MM-DD or ISO time)")
@click.option("--id", "ids", multiple=True, help="only this example id (repeatable)")
@click.option("--collected-by", multiple=True, help="only examples collected by this person (repeatable)")
@click.option("--status", multiple=True, type=Choice(STATUSES),
              help="statuses to export (repeatable) [default: accepted]")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many examples")
@click.option("--split", type=FiniteRange(0, 1, min_open=True, max_open=True),
              help="validation fraction: writes NAME.train.jsonl and NAME.val.jsonl")
@click.option("--seed", type=int, default=0, show_default=True, help="seed for a deterministic split")
@click.option("--fix", is_flag=True, help="also drop empty turns, and for sharegpt the text beside tool calls "
              "(moving a system turn and merging same-role turns are applied by default)")
@click.option("--tier", "tiers", multiple=True, type=Choice(["gold", "silver", "bronze"]), help=TIER_HELP)
@click.option("--observed-signals-only", is_flag=True, help=OBSERVED_HELP)
@click.option("--strict", is_flag=True, help="refuse examples that need any structural fix instead of fixing them")
@click.option("--model", help="the model to train, for its per-example token limit")
@click.option("--license", "license_", help="hf-dataset: the dataset card's license id (e.g. mit, cc-by-4.0)")
@click.option("--overwrite", is_flag=True, help="replace an existing output file")
@click.option("--dedup", is_flag=True, help="leave out near-duplicates a `finetune dedup` re-check would remove")
@click.option("--check", is_flag=True, help="write nothing; report what passes and fails in every format")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@pass_app
@fails_cleanly
def export(app: App, fmt: str, output: Path | None, task_type: tuple[str, ...], workflow: tuple[str, ...],
           phase: tuple[str, ...], min_quality: float | None, signals: tuple[str, ...], sources: tuple[str, ...],
           approved_only: bool, inferred_pairs: bool, since: str | None,
           until: str | None, ids: tuple[str, ...], collected_by: tuple[str, ...], status: tuple[str, ...],
           limit: int | None,
           split: float | None, seed: int, fix: bool, tiers: tuple[str, ...], observed_signals_only: bool,
           strict: bool, model: str | None, license_: str | None, overwrite: bool, dedup: bool, check: bool,
           as_json: bool) -> None:
    """Export examples as JSONL for a fine-tuning target, validated per target before writing."""
    from .. import export as export_mod

    if output is not None and output.name in ("", ".", ".."):  # `--output ""` is the current folder
        raise click.BadParameter("give a file name, e.g. training.jsonl", param_hint="--output")
    if output is not None:
        from ..export.target import check_name_lengths
        from ..model import UNSHOWABLE

        if UNSHOWABLE.search(str(output)):  # echoed raw, a control or U+202E acts on the terminal
            raise click.BadParameter("give a file name without control or direction characters, such as "
                                     "training.jsonl", param_hint="--output")
        check_name_lengths(output)
    if output is not None and str(output) == "-":
        raise click.BadParameter("exports are written to a file atomically, not to stdout; give a file name",
                                 param_hint="--output")
    try:
        request = export_mod.ExportRequest(
            format=fmt, output=output.absolute() if output else None, task_type=list(task_type) or None,
            workflow=list(workflow) or None, phase=list(phase) or None, min_quality=min_quality,
            signals=list(signals) or None, since=parse_date(since, "--since") if since is not None else None,
            until=parse_date(until, "--until") if until is not None else None, ids=list(ids) or None,
            collected_by=list(collected_by) or None,
            status=list(status) or ["accepted"],  # type: ignore[arg-type]  # click.Choice checked them
            limit=limit, split=split, seed=seed, fix=fix,
            tier=chosen_tiers(tiers, observed_signals_only),  # type: ignore[arg-type]
            strict=strict, model=model, license=license_,
            overwrite=overwrite, dedup=dedup, source=list(sources) or None, approved_only=approved_only,
            inferred_pairs=inferred_pairs,
        )
    except ValidationError as err:  # e.g. a license id the Hub does not take: the option, not the value
        raise click.UsageError(describe_validation_error(err, known=export_mod.ExportRequest.model_fields)) from None
    try:
        _export_or_check(app, request, check, as_json)
    finally:
        _rescore_hint(app)


def _export_or_check(app: App, request: Any, check: bool, as_json: bool) -> None:
    from .. import export as export_mod

    if check:
        report: Any = export_mod.check(app.store, app.config, request)
    else:
        with progress(None, 1, "exporting") as bar:
            shown = [0]

            def on_progress(done: int, total: int | None) -> None:
                bar.length = total or bar.length
                bar.update(done - shown[0])
                shown[0] = done

            report = export_mod.export(app.store, app.config, request, on_progress)
    click.echo(report.model_dump_json(indent=2) if as_json else report.render())


def _rescore_hint(app: App) -> None:
    """Say so when statuses are out of step with the current threshold or weights (lowered
    since they were decided): the export follows the stored status, not today's score."""
    from .. import curate

    try:
        changes = curate.rescore(app.store, app.config)
    except FinetuneError:  # a hint only: the export's own outcome (or error) is what was asked for
        return
    waiting = len(changes.get("accepted", [])) + len(changes.get("pending", []))
    if waiting:
        click.echo(f"hint: {waiting} below_threshold example(s) pass the current min_quality_score or weights but "
                   "are not exported yet: run `finetune rescore --apply`, then export again", err=True)


@cli.command(name="list")
@click.option("--status", type=Choice(STATUSES), help="only this status")
@click.option("--task-type", help="only this task type")
@click.option("--limit", type=click.IntRange(min=1), help="at most this many (newest first)")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line, every match")
@pass_app
@fails_cleanly
def list_(app: App, status: str | None, task_type: str | None, limit: int | None, as_json: bool) -> None:
    """List stored examples, newest first."""
    from ..reports import list_rows

    rows = list_rows(app.store, status=status, task_type=task_type, limit=limit)
    for row in rows:
        if as_json:
            emit(row)
        else:
            # printable(): a document edited by hand may hold any JSON type in these fields, and a
            # task type may hold a newline or a terminal escape; the listing is one line per example.
            q = row["quality_score"]
            score = f"{q:<5g}" if isinstance(q, int | float) else f"{q!s:<5}"
            who = _one_line(row["collected_by"] or "-")
            click.echo(f"{_one_line(row['id']):<20} {_one_line(row['status']):<15} {score} "
                       f"{_one_line(row['task_type']):<18} {_one_line(row['created_at'])}  {who:<12} "
                       f"{row['preview']}")


def _one_line(value: Any) -> str:
    from ..reports import printable

    return printable(value)


@cli.command()
@click.argument("example_id")
@pass_app
@fails_cleanly
def show(app: App, example_id: str) -> None:
    """Print one stored example as JSON."""
    click.echo(json_text(app.store.get_doc(example_id), indent=2))


def _review_command(action: Literal["approve", "reject", "delete"], help_text: str) -> None:
    @cli.command(name=action, help=help_text)
    @click.argument("example_ids", nargs=-1)
    @click.option("--status", type=Choice(STATUSES), help="every example with this status")
    @click.option("--min-quality", type=FiniteRange(0, 1), help="… with at least this quality_score")
    @click.option("--max-quality", type=FiniteRange(0, 1), help="… with at most this quality_score")
    @click.option("--task-type", help="… of this task type")
    @click.option("--source", help="… imported from this format (claude-code, codex, openai, …)")
    @click.option("--since", help="… created at or after (YYYY-MM-DD or ISO time)")
    @click.option("--signal", help="… carrying this signal")
    @click.option("--dry-run", is_flag=True, help="with a filter: list what would change, change nothing")
    @click.option("--include-negative", is_flag=True,
                  help="approve with a filter: also examples carrying a negative signal (user_rejected, …), "
                       "which a filter otherwise leaves out")
    @click.option("--all", "every", is_flag=True,
                  help="with a filter: act on every match, even over the 5,000 one review takes by default")
    @pass_app
    @fails_cleanly
    def command(app: App, example_ids: tuple[str, ...], status: str | None, min_quality: float | None,
                max_quality: float | None, task_type: str | None, source: str | None, since: str | None,
                signal: str | None, dry_run: bool, include_negative: bool, every: bool) -> None:
        from .. import curate

        flt = curate.Filter(status, min_quality, max_quality, task_type, source,
                            parse_date(since, "--since") if since is not None else None, signal)
        if example_ids and not flt.empty():
            raise click.UsageError("give ids or filter options, not both")
        if every and example_ids:
            raise click.UsageError("--all goes with filter options, not ids")
        if not example_ids and flt.empty():
            raise click.UsageError("give example ids, or filter options such as --status pending --min-quality 0.9")
        done = {"approve": "approved", "reject": "rejected", "delete": "deleted"}[action]
        if not example_ids:
            # The count first: a filter is checked and acted on under one lock, all or nothing.
            hold = () if include_negative else app.config.quality_filters.negative_signals
            try:
                matched = curate.review_matching(app.store, flt, action, dry_run,
                                                 limit=None if every else curate.MAX_BULK, hold=hold)
            except InvalidExample as err:
                raise InvalidExample(f"{err}, or pass --all to act on every match") from None
            verb = f"would be {done}" if dry_run else done
            click.echo(f"{len(matched.ids)} example(s) {verb}"
                       + ("; run again without --dry-run to do it" if dry_run and matched.ids else ""))
            if matched.held:
                click.echo(f"left out {len(matched.held)} matching example(s) carrying a negative signal: approve "
                           "them by id, or add --include-negative", err=True)
            return
        ids = list(dict.fromkeys(example_ids))  # `delete X X` deletes X once
        notes = curate.superseded_notes(app.store, ids) if action == "approve" else []
        try:
            # All or nothing, under one lock: an unknown id among several changed the ones before it.
            curate.review(app.store, ids, action)
        except NotFound as err:
            raise NotFound(f"{err}; nothing was changed" if len(ids) > 1 else str(err)) from None
        for example_id in ids:
            click.echo(f"{done} {example_id}")
        for note in notes:
            click.echo(f"warning: {note}", err=True)


_review_command("approve", "Approve pending example(s): they become accepted and exportable.")
_review_command("reject", "Reject example(s): kept as rejected, never exported.")
_review_command("delete", "Delete example(s) from the store file, the dedup index and stats.")


@cli.command()
@click.option("--before", required=True, help="delete examples created before this date (YYYY-MM-DD or ISO time)")
@click.option("--status", type=Choice(STATUSES), help="only this status")
@click.option("--yes", is_flag=True, help="do it (without --yes, only list what would be deleted)")
@pass_app
@fails_cleanly
def purge(app: App, before: str, status: str | None, yes: bool) -> None:
    """Delete examples in bulk by creation date."""
    from .. import curate

    cutoff = parse_date(before, "--before")
    ids = curate.purge(app.store, cutoff, status=status, dry_run=not yes)
    verb = "deleted" if yes else "would delete"
    click.echo(f"{verb} {len(ids)} example(s)" + ("" if yes or not ids else "; add --yes to delete them"))


@cli.command()
@click.option("--threshold", type=FiniteRange(0, 1, min_open=True), help="default: dedup.threshold in the config")
@click.option("--apply", is_flag=True, help="remove the duplicates (without it, only report the clusters)")
@click.option("--json", "as_json", is_flag=True, help="print the report as JSON")
@pass_app
@fails_cleanly
def dedup(app: App, threshold: float | None, apply: bool, as_json: bool) -> None:
    """Re-check the whole dataset for near-duplicates and keep the best of each cluster."""
    from .. import curate

    config = app.config
    if threshold is not None:
        config = config.model_copy(update={"dedup": config.dedup.model_copy(update={"threshold": threshold})})
    report = curate.recheck(app.pipeline, config)
    for cluster in [] if as_json else report.clusters:
        click.echo(f"cluster of {len(cluster.ids)}:")
        for m in cluster.members:
            click.echo(f"  {'keep' if m.keep else 'drop'} {m.id} (quality {m.quality_score:g}): {m.reason}")
    if apply and report.remove:
        report = curate.recheck(app.pipeline, config, apply=True)  # recomputed under the store lock
    if as_json:
        click.echo(report.model_dump_json(indent=2))
    else:
        verb = "superseded" if apply else "would supersede"
        click.echo(f"{verb} {len(report.remove)} of {report.examples} example(s) in {len(report.clusters)} "
                   f"cluster(s)" + ("; add --apply to do it (they are kept, never exported)"
                                    if report.remove and not apply else ""))


@cli.command()
@click.option("--apply", is_flag=True, help="change the statuses (without it, only report what would change)")
@click.option("--json", "as_json", is_flag=True, help="print {new status: [ids]} as JSON")
@pass_app
@fails_cleanly
def rescore(app: App, apply: bool, as_json: bool) -> None:
    """Re-decide examples no person has judged under the current scoring and min_quality_score.

    After lowering the threshold, below_threshold examples that now pass become accepted or
    pending; after raising it, the others become below_threshold. Nothing is re-collected.
    """
    from .. import curate

    changes = curate.rescore(app.store, app.config, apply=apply)
    if as_json:
        emit(changes)
        return
    verb = "changed" if apply else "would change"
    moved = ", ".join(f"{len(ids)} to {status}" for status, ids in sorted(changes.items()))
    click.echo(f"{verb}: {moved or 'nothing'}" + ("; add --apply to do it" if changes and not apply else ""))
