"""The finetune_review tool: approve, reject or delete stored examples by id, ids or a filter,
with the user's confirmation of a bulk count; `server.build_server()` registers it.

A thin wrapper like the other tools (`tools`): the arguments become a curate call, run through
the server's state, and errors the model can fix are `ToolError`s (never example text).

No `from __future__ import annotations`: the SDK evaluates tool signatures (`Resolve(...)`,
`Context`) with this module's globals.
"""

from dataclasses import dataclass
from typing import Annotated, Any, Literal

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from pydantic import Field, ValidationError

from .. import curate
from ..errors import InvalidExample
from ..model import describe_validation_error, parse_time
from .schemas import Confirm, ReviewFilter, ReviewResult
from .state import caller, state_of

ASK_FROM = 2
"""A review that acts on at least this many examples asks the user first, when the client can be
asked (elicitation); otherwise a filter takes two calls, the second with `expect`."""


@dataclass(frozen=True, slots=True)
class _Plan:
    """What one finetune_review call names: explicit ids, or a filter."""

    ids: list[str]
    flt: curate.Filter | None
    include_negative: bool = False


def _plan(action: Any, id: Any, ids: Any, filter: Any) -> _Plan:
    """Check which examples a call names, refusing what a model should not be able to do in one
    call: an empty filter (the whole store) and a delete by filter."""
    given = [x is not None for x in (id, ids, filter)]
    if sum(given) != 1:
        raise ToolError("give exactly one of id, ids or filter")
    if id is not None:
        if not isinstance(id, str):
            raise ToolError("id: must be an example id")
        return _Plan([id], None)
    if ids is not None:
        if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
            raise ToolError("ids: must be a non-empty list of example ids")
        if len(ids) > curate.MAX_BULK:
            raise ToolError(f"ids: at most {curate.MAX_BULK} per call")
        return _Plan(list(dict.fromkeys(ids)), None)
    try:
        given_filter = filter if isinstance(filter, ReviewFilter) else ReviewFilter.model_validate(filter)
    except ValidationError as err:
        raise ToolError(f"invalid filter: {describe_validation_error(err, known=ReviewFilter.model_fields)}") from None
    if action == "delete":
        raise ToolError("delete by filter is refused: delete examples by id (id or ids), after the user named them")
    criteria = given_filter.criteria()
    if not criteria:
        raise ToolError("filter: give at least one criterion (status, min_quality, max_quality, task_type, source, "
                        "since, signal); an empty filter would reach every example")
    try:
        since = parse_time(given_filter.since)
    except ValueError as err:
        raise ToolError(f"filter.since: {err}") from None
    flt = curate.Filter(given_filter.status, given_filter.min_quality, given_filter.max_quality,
                        given_filter.task_type, given_filter.source, since, given_filter.signal)
    return _Plan([], flt, given_filter.include_negative)


def _hold(state: Any, plan: _Plan) -> list[str]:
    return [] if plan.include_negative else list(state.config.quality_filters.negative_signals)


async def count_review(
    ctx: Context, action: Any = None, id: Any = None, ids: Any = None, filter: Any = None, expect: Any = None
) -> int | None:
    """How many examples a bulk call would act on, when the client can be asked to confirm
    (else None: the two-call `expect` protocol, or one example, which needs no question)."""
    caps = ctx.client_capabilities
    if caps is None or caps.elicitation is None or expect is not None:
        return None
    try:
        plan = _plan(action, id, ids, filter)
    except ToolError:
        return None  # the tool body reports it
    if plan.flt is None:
        return len(plan.ids) if len(plan.ids) >= ASK_FROM else None
    state = state_of(ctx)
    try:
        matched = await state.run(curate.review_matching, state.core.store, plan.flt, action, True, None,
                                  curate.MAX_BULK, _hold(state, plan))
    except ToolError:
        return None
    return len(matched.ids) if len(matched.ids) >= ASK_FROM else None


async def confirm_review(
    action: Any, counted: Annotated[int | None, Resolve(count_review)]
) -> Elicit[Confirm] | None:
    if counted is None:
        return None
    what = {"approve": "Approve (they become exportable)", "reject": "Reject (kept, never exported)",
            "delete": "Delete for good (cannot be undone)"}.get(str(action), "Act on")
    return Elicit(f"{what}: {counted} example(s)?", Confirm)


async def finetune_review(
    ctx: Context,
    action: Annotated[Literal["approve", "reject", "delete"], Field(
        description="approve: pending/below_threshold -> accepted (exportable); reject: kept as rejected, never "
                    "exported; delete: removed from the store for good (destructive; by id or ids only)")],
    id: Annotated[str | None, Field(description="one example id, e.g. from collect_example or "
                                                "finetune://examples")] = None,
    ids: Annotated[list[str] | None, Field(description="several example ids the user named (at most 5,000)")] = None,
    filter: Annotated[ReviewFilter | None, Field(description="instead of ids: every example matching all of these "
                                                             "(e.g. status pending, min_quality 0.9); at least one "
                                                             "criterion; not for delete")] = None,
    expect: Annotated[int | None, Field(ge=0, description="with a filter, when the user was not asked directly: "
                                                          "the count a first call (without expect) reported; acts "
                                                          "only if it still matches")] = None,
    counted: Annotated[int | None, Resolve(count_review)] = None,
    # Filled by the resolvers (None when the tool is called directly, without a client).
    confirmation: Annotated[ElicitationResult[Confirm], Resolve(confirm_review)] = None,  # type: ignore[assignment]
) -> ReviewResult:
    """Approve, reject or delete stored examples: one `id`, a list of `ids`, or every example
    matching a `filter` (approve and reject only).

    Call when the user approves or rejects a pending example, or asks to remove one. For many
    at once ("approve everything pending above 0.9"), pass `filter`: when the client can ask the
    user, the user confirms the count and it is done in this call; otherwise nothing changes and
    the count comes back: tell the user, then call again with `expect` set to it (all or nothing,
    refused if the set changed). An approval by filter leaves out examples carrying a negative
    signal (user_rejected, …) unless the filter names that signal or sets include_negative.
    `delete` erases examples from the store file, the duplicate index and stats, and cannot be
    undone: only by id or ids.
    """
    state = state_of(ctx)
    plan = _plan(action, id, ids, filter)
    asked = confirmation is not None and counted is not None
    if asked and not (isinstance(confirmation, AcceptedElicitation) and isinstance(confirmation.data, Confirm)
                      and confirmation.data.confirm):
        return ReviewResult(action=action, count=counted, applied=False,
                            message=f"not done: the user did not confirm {action} of {counted} example(s)")
    if plan.flt is None:
        notes = await state.run(curate.superseded_notes, state.core.store, plan.ids) if action == "approve" else []
        done = await state.run(curate.review, state.core.store, plan.ids, action, caller())
        warn = "".join(f"; warning: {n}" for n in notes)
        if id is not None:
            (ex,) = done
            status = "deleted" if ex is None else ex.status
            return ReviewResult(id=id, action=action, status=status, message=f"{id} is now {status}{warn}")
        return ReviewResult(action=action, count=len(plan.ids), message=f"{action}: {len(plan.ids)} example(s) "
                            f"done{warn}")
    hold = _hold(state, plan)
    if expect is None and not asked:
        matched = await state.run(curate.review_matching, state.core.store, plan.flt, action, True, None,
                                  curate.MAX_BULK, hold)
        n = len(matched.ids)
        return ReviewResult(action=action, count=n, applied=False, held_back=len(matched.held),
                            message=f"{n} example(s) match; tell the user, and call again with expect={n} to "
                            f"{action} them" + _held(matched.held))
    want = counted if asked else expect
    assert want is not None
    matched = await state.run(_review_if_count, state.core.store, plan.flt, action, want, caller(), hold)
    return ReviewResult(action=action, count=len(matched.ids), held_back=len(matched.held),
                        message=f"{action}: {len(matched.ids)} example(s) done" + _held(matched.held))


def _held(held: list[str]) -> str:
    return (f"; {len(held)} matching example(s) carrying a negative signal were left out (approve them by id, or "
            "set include_negative)") if held else ""


def _review_if_count(store: Any, flt: Any, action: Any, expect: int, by: str | None, hold: list[str]) -> Any:
    """Act on the filter's matches only if they are still the count the user was shown."""
    with store.transaction():
        found = curate.review_matching(store, flt, action, dry_run=True, hold=hold)
        if len(found.ids) != expect:
            raise InvalidExample(f"expect: the filter now matches {len(found.ids)} example(s), not {expect}; "
                                 "count again and confirm")
        return curate.review_matching(store, flt, action, by=by, hold=hold)
