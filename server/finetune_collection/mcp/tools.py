"""The MCP tools collect_example, finetune_stats and finetune_export, as module-level functions;
`server.build_server()` registers them (finetune_review is in `review_tool`).

Each tool is a thin wrapper: it turns its arguments into a core call, runs it through the
server's state (one core call at a time, in a worker thread), and returns a typed result.
Tool errors the model can fix are `ToolError`s carrying our error message (never example text).

No `from __future__ import annotations`: the SDK evaluates tool signatures (`Resolve(...)`,
`Context`) with this module's globals.
"""

from pathlib import Path
from typing import Annotated, Any, Literal

import anyio.from_thread
from mcp.server.elicitation import AcceptedElicitation, CancelledElicitation, ElicitationResult
from mcp.server.mcpserver import Context, Elicit, Resolve
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.resolve import ListRoots
from mcp.types import CallToolResult, ListRootsResult, ResourceLink, TextContent
from pydantic import Field, ValidationError

from .. import export
from ..errors import FinetuneError
from ..export.target import resolve_output, root_paths
from ..export.writer import protected_files
from ..model import describe_validation_error, parse_time
from ..pipeline import CollectResult, Prepared
from ..reports import Stats, approval_preview, compute
from .schemas import (
    INPUT_SCHEMA,
    MESSAGES_SCHEMA,
    METADATA_SCHEMA,
    OUTPUT_SCHEMA,
    SIGNALS_SCHEMA,
    Approval,
    CaptureResult,
    ClaimReport,
    ExportResult,
    Loose,
    schema,
)
from .state import caller, is_remote, state_of


def _arguments(
    task_type: str | None, input: Any, output: Any, messages: Any, tools: Any, quality_score: Any,
    quality: Any, signals: Any, metadata: Any, id: Any, rejected: Any = None,
) -> dict[str, Any]:
    given = {
        "task_type": task_type, "input": input, "output": output, "messages": messages, "tools": tools,
        "quality_score": quality_score, "quality": quality, "signals": signals, "metadata": metadata, "id": id,
        "rejected": rejected,
    }
    return {k: v for k, v in given.items() if v is not None}


# -- collect_example ----------------------------------------------------------------------------
async def prepare_to_ask(
    ctx: Context, task_type: str | None, input: Any, output: Any, messages: Any, tools: Any,
    quality_score: Any, quality: Any, signals: Any, metadata: Any, id: Any, from_transcript: Any = False,
    rejected: Any = None,
) -> Prepared | None:
    """The prepared example, when the client can be asked to approve it (else None: the tool
    body prepares and commits in one worker-thread call). The SDK runs a resolver once per
    call, so the approval question and the commit share this one preparation."""
    caps = ctx.client_capabilities
    if caps is None or caps.elicitation is None or from_transcript is True:
        return None
    state = state_of(ctx)
    args = _arguments(task_type, input, output, messages, tools, quality_score, quality, signals, metadata, id,
                      rejected)
    try:
        return await state.run(state.core.prepare, args)
    except ToolError:
        return None  # the tool body prepares again and reports the error


async def ask_approval(
    ctx: Context, prepared: Annotated[Prepared | None, Resolve(prepare_to_ask)]
) -> Elicit[Approval] | None:
    """Ask the user (scrubbed preview) only when approval is all that stands in the way."""
    if prepared is None or not prepared.verdict.keep or not prepared.verdict.needs_approval:
        return None
    state = state_of(ctx)
    if await state.run(state.core.would_be_duplicate, prepared):
        return None
    return Elicit(approval_preview(prepared.example, prepared.verdict.score), Approval)


async def collect_example(
    ctx: Context,
    prepared: Annotated[Prepared | None, Resolve(prepare_to_ask)],
    approval: Annotated[ElicitationResult[Approval], Resolve(ask_approval)],
    task_type: Annotated[str | None, Field(description="e.g. code_generation, debugging, refactoring")] = None,
    input: Annotated[Loose, schema(INPUT_SCHEMA)] = None,
    output: Annotated[Loose, schema(OUTPUT_SCHEMA)] = None,
    messages: Annotated[Loose, schema(MESSAGES_SCHEMA)] = None,
    tools: Annotated[Loose, schema({"type": "array", "items": {"type": "object"},
                                    "description": "tool definitions (OpenAI function format)"})] = None,
    quality_score: Annotated[Loose, schema({"type": "number", "minimum": 0, "maximum": 1,
                                            "description": "only if the user gave one"})] = None,
    quality: Annotated[Loose, schema({"enum": ["high", "medium", "low"],
                                      "description": "only if the user rated it"})] = None,
    signals: Annotated[Loose, schema(SIGNALS_SCHEMA)] = None,
    metadata: Annotated[Loose, schema(METADATA_SCHEMA)] = None,
    id: Annotated[Loose, schema({"type": "string", "description": "optional id to keep"})] = None,
    from_transcript: Annotated[Loose, schema({
        "type": "boolean", "description": "take the last completed exchange verbatim from this project's "
        "Claude Code transcript instead of input/output/messages (Claude Code only)"})] = False,
    rejected: Annotated[Loose, schema({
        "type": "array", "items": {"type": "object", "properties": {
            "assistant": {"type": "string"}, "reason": {"type": "string"}}, "required": ["assistant"]},
        "description": "answers the user rejected or corrected for the same request (your first attempt "
        "when the user corrected it): preference data (DPO)"})] = None,
) -> CaptureResult:
    """Save one successful exchange as a fine-tuning example.

    Call when the user says "collect example", "save for training" or similar. In Claude Code, pass
    `from_transcript: true` (with task_type, signals, …) and nothing else: the last completed
    exchange is taken verbatim from the session transcript. Elsewhere give the exchange as `input`
    {system, user, context} + `output` {assistant}, or as `messages` (+ `tools`) for multi-turn or
    tool-use work. When the user corrected or turned down an earlier answer, pass it in `rejected`:
    the pair trains preference formats (openai-dpo, trl-preference).
    The example is scored (quality_score, else quality, else computed from `signals`: 0.7 + 0.1
    per positive signal, minus 0.2 per negative one, so two honest positive signals reach the 0.9
    default; any negative signal keeps it out until a person approves it, even with quality high),
    scrubbed of secrets and personal data, checked for duplicates, and stored:
    `accepted`; `pending` until a human approves (the user may be asked directly); or
    `below_threshold` (kept, not exported unless a person approves it). Returns id, status
    (accepted|pending|below_threshold|rejected|duplicate), quality_score, reasons, redactions by
    type and duplicate_of. With `from_transcript`, signals the transcript shows (test runs, build,
    lint, commit, the user's reply) are attached as observed, and `claims` says which of your
    `signals` the transcript confirmed, which it contradicted (dropped, with reason
    `claim_contradicted:<signal>`) and which it could not check. The result never contains the
    example's text.
    """
    state = state_of(ctx)
    approved: bool | None = None
    if isinstance(approval, AcceptedElicitation) and isinstance(approval.data, Approval):
        approved = approval.data.approve
    elif approval is not None and not isinstance(approval, AcceptedElicitation | CancelledElicitation):
        approved = False  # declined: the user said no, so nothing is stored
    by = caller()
    if prepared is not None:
        return _plain(await state.run(state.core.commit, prepared, approved, by))
    if from_transcript is True:
        if state.remote:
            # The newest session in the server's working folder belongs to whoever runs the
            # server, not to the caller: storing it would file someone else's work under them.
            raise ToolError("from_transcript reads the transcripts of the machine the server runs on, so the team "
                            "server refuses it; pass the exchange as input/output or messages, or capture on your "
                            "machine (`finetune add --from-transcript`, the Claude Code plugin's hook)")
        return await state.run(_from_transcript, state.core, task_type, quality_score, quality, signals, metadata)
    args = _arguments(task_type, input, output, messages, tools, quality_score, quality, signals, metadata, id,
                      rejected)
    return _plain(await state.run(state.core.collect, args, approved, False, by))


def _plain(result: CollectResult) -> CaptureResult:
    return CaptureResult(**result.model_dump())


def _from_transcript(
    core: Any, task_type: Any, quality_score: Any, quality: Any, signals: Any, metadata: Any
) -> CaptureResult:
    """The last exchange of the newest Claude Code session of the server's working folder
    (Claude Code starts the server there), with the caller's task type, quality and signals."""
    from ..capture import find_session
    from ..ingest import Overrides, capture_last

    quality_fields = {"quality_score": quality_score} if quality_score is not None else (
        {"quality": quality} if quality is not None else {})
    overrides = Overrides(quality_fields, task_type if isinstance(task_type, str) else None,
                          signals if isinstance(signals, list) else [],
                          isinstance(metadata, dict) and metadata.get("human_approved") is True)
    session = find_session(None, cwd=str(Path.cwd()))
    captured = capture_last(core, session, "claude-code", overrides)
    claims = ClaimReport.model_validate(captured.claims.to_dict()) if captured.claims is not None else None
    return CaptureResult(**captured.result.model_dump(), claims=claims)


# -- finetune_stats -----------------------------------------------------------------------------
async def finetune_stats(
    ctx: Context,
    tier: Annotated[list[Literal["gold", "silver", "bronze"]] | None, Field(
        description="count only these evidence tiers: gold = observed tests passed and user accepted, "
        "silver = an observed positive signal, bronze = claims only (rejections and readiness stay store-wide)",
    )] = None,
) -> Stats:
    """Show what has been collected: totals by status, task type, workflow and phase; quality
    distribution; token totals (estimated where metadata has none); rejections by reason;
    redactions by type; evidence tiers; and, per export target, whether the accepted set is ready
    to train. Call when the user asks how many examples there are or whether the data is ready."""
    state = state_of(ctx)
    state.stats_asked.set()  # the call computes what is missing: no warm-up needed any more
    return await state.run(compute, state.core.store, tier or None)


# -- finetune_export ----------------------------------------------------------------------------
def get_roots(ctx: Context, output: str | None = None) -> ListRoots | ListRootsResult:
    """Ask for the client's roots only when an absolute path outside our folder is requested,
    and never over HTTP: a remote client's roots are folders on its machine, not on ours."""
    caps = ctx.client_capabilities
    if (not output or not Path(output).is_absolute() or caps is None or caps.roots is None
            or is_remote(ctx)):
        return ListRootsResult(roots=[])
    return ListRoots()


async def finetune_export(
    ctx: Context,
    roots: Annotated[ListRootsResult, Resolve(get_roots)],
    format: Annotated[str, Field(description="openai | anthropic | bedrock | nova | vertex | together | sharegpt | "
                                             "alpaca | axolotl | hf-messages | hf-prompt-completion | hf-dataset; "
                                             "preference data: openai-dpo | trl-preference | trl-kto | "
                                             "vertex-preference")] = "openai",
    output: Annotated[str | None, Field(description="file name (written under the data folder's exports/) "
                                                    "or, over stdio only, an absolute path inside a root you "
                                                    "shared; never inside the data folder elsewhere")] = None,
    task_type: Annotated[list[str] | None, Field(description="only these task types")] = None,
    workflow: Annotated[list[str] | None, Field(description="only these workflows")] = None,
    phase: Annotated[list[str] | None, Field(description="only these phases")] = None,
    min_quality: Annotated[float | None, Field(ge=0, le=1, description="minimum quality_score")] = None,
    signals: Annotated[list[str] | None, Field(description="only examples carrying all these signals, e.g. "
                                                           "tests_passed (CLI --require-signal)")] = None,
    source: Annotated[list[str] | None, Field(description="only examples imported from these formats: claude-code, "
                                                          "codex, openai, …")] = None,
    approved_only: Annotated[bool, Field(description="only examples a person approved")] = False,
    inferred_pairs: Annotated[bool, Field(description="preference formats: also pair an accepted answer with an "
                                                      "earlier user_rejected answer to the same or a near-duplicate "
                                                      "prompt (listed as inferred in the result)")] = True,
    since: Annotated[str | None, Field(description="created at or after (ISO date/time)")] = None,
    until: Annotated[str | None, Field(description="created before (ISO date/time)")] = None,
    ids: Annotated[list[str] | None, Field(description="only these ids")] = None,
    collected_by: Annotated[list[str] | None, Field(description="only examples collected by these people (token "
                                                                 "names or identity-provider subjects)")] = None,
    include_pending: Annotated[bool, Field(description="also export pending examples")] = False,
    limit: Annotated[int | None, Field(ge=1, description="at most this many examples")] = None,
    split: Annotated[float | None, Field(gt=0, lt=1, description="validation fraction, e.g. 0.1")] = None,
    seed: Annotated[int, Field(description="seed for a deterministic split")] = 0,
    fix: Annotated[bool, Field(description="also drop empty turns, and for sharegpt the text beside tool "
                                           "calls (moving a system turn and merging same-role turns "
                                           "happen by default)")] = False,
    strict: Annotated[bool, Field(description="refuse examples that need a structural fix instead")] = False,
    tier: Annotated[list[Literal["gold", "silver", "bronze"]] | None, Field(
        description="only these evidence tiers: gold = observed tests passed and user accepted, silver = an "
                    "observed positive signal, bronze = claims only")] = None,
    model: Annotated[str | None, Field(description="the model to train, for its token limit")] = None,
    license: Annotated[str | None, Field(description="hf-dataset: the card's license id, e.g. mit")] = None,
    dedup: Annotated[bool, Field(description="leave out near-duplicates a dedup re-check would remove "
                                             "(keeps the best of each cluster; deletes nothing)")] = False,
    overwrite: Annotated[bool, Field(description="replace an existing file")] = False,
    dry_run: Annotated[bool, Field(description="write nothing; report, for every format, what would "
                                               "pass and fail, and estimated tokens and cost")] = False,
) -> Annotated[CallToolResult, ExportResult]:
    """Export accepted examples as JSONL for a fine-tuning target, validated per target first.

    Call when the user says "export training data". Only accepted examples are exported unless
    include_pending is true; signals, min_quality, source, approved_only and tier keep only verified
    work. The preference formats (openai-dpo, trl-preference, vertex-preference: pairs; trl-kto:
    labelled answers) use the rejected answers given to collect_example, and pairs inferred from
    user_rejected examples (listed in the result; inferred_pairs=false leaves them out).
    Examples that break the target's rules are skipped and reported by id and rule; records that
    still look like they hold a secret are refused. Returns counts, the written path(s), warnings,
    and a link to the file. With dry_run nothing is written. On a team server (HTTP) the file is
    written in the server's exports folder, not on the user's machine: a relative name only.
    """
    state = state_of(ctx)
    try:
        folder = export.get_format(format).folder
        name = output or (format if folder else f"{format}.jsonl")
        target = None if dry_run else resolve_output(
            name, state.home, [] if state.remote else root_paths([str(r.uri) for r in roots.roots]), overwrite,
            folder=folder, remote=state.remote, protected=protected_files(state.config),
        )
        request = export.ExportRequest(
            format=format, output=target, task_type=task_type, workflow=workflow, phase=phase,
            min_quality=min_quality, signals=signals, since=parse_time(since),
            until=parse_time(until), ids=ids, collected_by=collected_by,
            status=["accepted", "pending"] if include_pending else ["accepted"], limit=limit,
            split=split, seed=seed, fix=fix, tier=tier, strict=strict, model=model, license=license,
            overwrite=overwrite, dedup=dedup, source=source, approved_only=approved_only,
            inferred_pairs=inferred_pairs,
        )
    except FinetuneError as err:
        raise ToolError(str(err)) from None
    except ValidationError as err:  # the fields and rules, never the values given
        detail = describe_validation_error(err, known=export.ExportRequest.model_fields)
        raise ToolError(f"invalid export arguments: {detail}") from None
    except ValueError as err:
        raise ToolError(f"invalid export arguments: {err}") from None

    store = state.core.store
    if dry_run:
        report = await state.run(export.check, store, state.config, request)
        dry = ExportResult(format=format, written=0, matched=report.matched, dry_run=True, portability=report)
        return CallToolResult(
            content=[TextContent(type="text", text=report.render())],
            structured_content=dry.model_dump(mode="json"),
        )

    async def send(done: int, total: int | None) -> None:
        await ctx.report_progress(done, total, f"exported {done}")

    def progress(done: int, total: int | None) -> None:
        anyio.from_thread.run(send, done, total)

    result = await state.run(export.export, store, state.config, request, progress)
    if state.remote:
        # A file:// link or an absolute path names a file on the server, which the remote caller
        # cannot open: say where it is inside the server's data folder instead.
        home = state.home.resolve()

        def shown(path: str) -> str:
            return Path(path).resolve().relative_to(home).as_posix()

        result.paths = [shown(p) for p in result.paths]
        result.counts = {shown(p): n for p, n in result.counts.items()}
        links: list[ResourceLink] = []
    else:
        links = [
            ResourceLink(type="resource_link", uri=Path(p).as_uri(), name=Path(p).name,
                         mime_type="application/jsonl")
            for p in result.paths
        ]
    return CallToolResult(
        content=[TextContent(type="text", text=result.model_dump_json(indent=2)), *links],
        structured_content=ExportResult(**result.model_dump()).model_dump(mode="json"),
    )
