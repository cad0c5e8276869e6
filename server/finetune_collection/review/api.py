"""The review page's core calls, shared by both transports (MCP App tools and `finetune review`).

Every function takes the opened core (`Pipeline`) and JSON-ready arguments and returns a JSON-ready dict, so
`app.py` and `web.py` are thin: they validate nothing themselves, hold their lock, and call in.
The tool `NAMES` are the same on both sides, so the page calls `finetune_review_list` whether it
talks to an MCP host or to the local server. Everything returned comes from the store, which
only ever holds scrubbed text.
"""

from __future__ import annotations

from typing import Any, Literal

from ..curate import MAX_BULK as curate_max_bulk
from ..curate import Filter as CurateFilter
from ..curate import edit_turn, held_back, review
from ..errors import InvalidExample
from ..pipeline import Pipeline
from ..reports import printable
from ..store.api import GENERATED_ID, shown_id
from .query import FILTER_KEYS, STATUSES, Filter, matching, view
from .views import chart_data, neighbours

Action = Literal["approve", "reject", "delete"]
ACTIONS: tuple[Action, ...] = ("approve", "reject", "delete")
PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
# One bulk call touches at most this many examples: each is a durable append (fsync), so a
# larger set is done in several calls rather than one request that runs for minutes.
MAX_BULK = curate_max_bulk  # the same limit as the CLI and the finetune_review tool

NAMES = {
    "list": "finetune_review_list",
    "detail": "finetune_review_detail",
    "act": "finetune_review_act",
    "bulk": "finetune_review_bulk",
    "edit": "finetune_review_edit",
    "stats": "finetune_review_stats",
}


def _action(value: Any) -> Action:
    for action in ACTIONS:
        if value == action:
            return action
    raise InvalidExample(f"action: must be one of {', '.join(ACTIONS)}")


def _int(args: dict[str, Any], key: str, default: int, lo: int, hi: int) -> int:
    value = args.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise InvalidExample(f"{key}: must be an integer in [{lo}, {hi}]")
    return value


def counts(core: Pipeline) -> dict[str, int]:
    store = core.store
    out = dict.fromkeys(STATUSES, 0)
    for doc in store.docs():
        status = str(doc.get("status"))
        out[status] = out.get(status, 0) + 1
    return out


def list_page(core: Pipeline, args: dict[str, Any]) -> dict[str, Any]:
    """One page of examples matching a filter, pending first, then newest first."""
    store = core.store
    store.refresh()
    flt = Filter.parse(args)
    offset = _int(args, "offset", 0, 0, 10**9)
    limit = _int(args, "limit", PAGE_SIZE, 1, MAX_PAGE_SIZE)
    docs = matching(store, flt)
    task_types = sorted({str(d.get("task_type")) for d in store.docs()})
    return {
        "total": len(docs),
        "offset": offset,
        "limit": limit,
        "filter": flt.as_dict(),
        "counts": counts(core),
        "task_types": task_types,
        "examples": [view(d) for d in docs[offset : offset + limit]],
    }


def detail(core: Pipeline, args: dict[str, Any]) -> dict[str, Any]:
    """One example and its near-duplicate neighbours, each with a word diff against it."""
    store = core.store
    store.refresh()
    example_id = str(args.get("id", ""))
    doc = store.get_doc(example_id)
    return {"example": view(doc), "neighbours": neighbours(core, doc)}


def act(pipeline: Pipeline, args: dict[str, Any], by: str | None = None) -> dict[str, Any]:
    """Approve, reject or delete the given ids (one to MAX_BULK); unknown ids are reported.
    `by`: who acts (the transport's authenticated caller; None: the OS user)."""
    action = _action(args.get("action"))
    ids = args.get("ids")
    if not isinstance(ids, list) or not ids or not all(isinstance(i, str) for i in ids):
        raise InvalidExample("ids: must be a non-empty list of example ids")
    if len(ids) > MAX_BULK:
        raise InvalidExample(f"ids: at most {MAX_BULK} per call")
    return _apply(pipeline, list(dict.fromkeys(ids)), action, by)


def _apply(pipeline: Pipeline, ids: list[str], action: Action, by: str | None) -> dict[str, Any]:
    done: list[str] = []
    missing: list[str] = []
    store = pipeline.store
    # One lock for the whole batch: the file is caught up once, and no other writer interleaves.
    with store.transaction():
        for example_id in ids:
            (done if example_id in store else missing).append(example_id)
        review(store, done, action, by)
    past = {"approve": "approved", "reject": "rejected", "delete": "deleted"}[action]
    message = f"{past} {len(done)} example(s)" + (f"; {len(missing)} not found" if missing else "")
    # Unknown ids are the caller's text: only the store's own shape is repeated (shown_id).
    shown = [i if GENERATED_ID.fullmatch(i) else shown_id(i) for i in missing]
    return {"action": action, "done": done, "missing": shown, "message": message}


def bulk(pipeline: Pipeline, args: dict[str, Any], by: str | None = None) -> dict[str, Any]:
    """Apply an action to every example matching a filter.

    `expect` (required) is the count the user saw; if the set changed since (new examples
    arrived), nothing is done, so a click never approves examples nobody looked at the list of.
    An unknown filter key is refused rather than ignored.
    """
    action = _action(args.get("action"))
    if action == "delete":
        raise InvalidExample("action: bulk supports approve and reject; delete examples one at a time")
    store = pipeline.store
    given = args.get("filter") or {}
    if not isinstance(given, dict) or not set(given) <= FILTER_KEYS:
        # A misspelt key would otherwise be no filter at all: the action would reach everything.
        raise InvalidExample(f"filter: an object with at most {', '.join(sorted(FILTER_KEYS))}")
    flt = Filter.parse(given)
    if "expect" not in args:
        raise InvalidExample("expect: the number of examples the list showed for this filter is required")
    expect = _int(args, "expect", -1, 0, 10**9)
    hold = pipeline.config.quality_filters.negative_signals
    same = curate_filter(flt)
    with store.transaction():
        docs = matching(store, flt)
        if expect != len(docs):
            raise InvalidExample(
                f"expect: the filter now matches {len(docs)} examples, not {expect}; reload the list and retry"
            )
        if len(docs) > MAX_BULK:
            raise InvalidExample(f"filter: matches {len(docs)} examples; narrow it to at most {MAX_BULK}")
        # As the CLI and the tool: a bulk approval leaves out the answers users turned down.
        held = [str(d["id"]) for d in docs if action == "approve" and held_back(d, same, hold)]
        result = _apply(pipeline, [str(d["id"]) for d in docs if str(d["id"]) not in held], action, by)
    if held:
        result["held"] = held
        result["message"] += (f"; left out {len(held)} carrying a negative signal (approve them one by one, or "
                              "filter by that signal)")
    return result


def curate_filter(flt: Filter) -> CurateFilter:
    return CurateFilter(flt.status, flt.min_quality, flt.max_quality, flt.task_type, flt.source, flt.since,
                        flt.signal)


def stats(core: Pipeline, args: dict[str, Any]) -> dict[str, Any]:
    """Everything the stats view draws: aggregates, time series, token histogram, targets."""
    del args
    return chart_data(core.store)


def edit(pipeline: Pipeline, args: dict[str, Any]) -> dict[str, Any]:
    example_id = args.get("id")
    turn = args.get("turn")
    content = args.get("content")
    if not isinstance(example_id, str) or not example_id:
        raise InvalidExample("id: must be an example id")
    if isinstance(turn, bool) or not isinstance(turn, int) or turn < 0:
        raise InvalidExample("turn: must be the index of a turn (0 = first)")
    if not isinstance(content, str) or not content.strip():
        raise InvalidExample("content: must be non-empty text")
    return edit_turn(pipeline, example_id, turn, content)


def summary_text(core: Pipeline, limit: int = 10) -> tuple[str, dict[str, Any]]:
    """A summary that stands on its own for clients that cannot show the page."""
    page = list_page(core, {"status": "pending", "limit": limit})
    c = page["counts"]
    lines = [
        f"Review queue: {c.get('pending', 0)} pending, {c.get('accepted', 0)} accepted, "
        f"{c.get('rejected', 0)} rejected."
    ]
    if page["examples"]:
        lines.append(f"Pending, newest first (showing {len(page['examples'])} of {page['total']}):")
        for ex in page["examples"]:
            signals = printable(", ".join(s["name"] for s in ex["signals"])) or "no signals"
            lines.append(
                f"- {ex['id']} [{printable(ex['task_type'])}, quality {ex['quality_score']:g}, {signals}]: "
                f"{ex['preview']}"
            )
        lines.append(
            "Approve, reject or delete with the finetune_review tool (id, action), or open the review page "
            "(`finetune review` in a terminal) to see turns, redactions and near-duplicates."
        )
    else:
        lines.append("Nothing is waiting for review.")
    return "\n".join(lines), page
