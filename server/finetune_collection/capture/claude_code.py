"""Claude Code sessions → examples: the public API, and the sub-agents of a session.

A session file becomes a conversation in `claude_code_chain.py`; this module selects the
exchanges and adds the sub-agents. Sub-agents (Task tool; files found by `locate.py`) become their
own examples, whole, with `source.parent` naming the session, the agent and the Task call. When a
sub-agent's file is missing, it can be rebuilt (by option) from the copies in the parent's
`agent_progress` lines.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from .claude_code_chain import Reader, parse_session
from .exchange import Result, Turn, examples_from
from .lines import Line, parse_lines, read_bytes
from .locate import all_subagent_files, subagent_file
from .result import CaptureOptions, ImportResult, TranscriptError, safe_name

__all__ = ["parse_session", "progress_copies", "read_project", "read_session"]


def progress_copies(lines: list[Line], agent_id: str) -> list[Line]:
    """A sub-agent's messages as its parent recorded them in `agent_progress` lines, chained in
    file order (the copies carry no parentUuid). Used when the sub-agent's own file is missing."""
    out: list[Line] = []
    previous: str | None = None
    for ln in lines:
        data = ln.obj.get("data")
        if not (ln.obj.get("type") == "progress" and isinstance(data, dict)):
            continue
        message = data.get("message")
        if data.get("type") != "agent_progress" or data.get("agentId") != agent_id or not isinstance(message, dict):
            continue
        uuid = f"agent-progress-{ln.number}"
        copy = {**{k: ln.obj.get(k) for k in ("sessionId", "version", "cwd", "gitBranch")}, **message}
        copy.update(uuid=uuid, parentUuid=previous, isSidechain=True, agentId=agent_id)
        out.append(Line(ln.number, copy))
        previous = uuid
    return out


# -- public API ----------------------------------------------------------------------------------
def read_session(path: Path, opts: CaptureOptions | None = None) -> ImportResult:
    """The selected exchanges of one session file, plus its sub-agents per `opts.subagents`."""
    opts = opts or CaptureOptions()
    result = ImportResult(files=1)  # its sub-agent files are part of it, not counted apart
    lines = parse_lines(read_bytes(path), path.name, result)
    session = Reader(lines, path.name, result).run()
    examples = examples_from(session, opts, result)
    result.examples += examples
    if opts.subagents == "none":
        return result
    calls_by_agent = {r.agent_id: r.call_id for r in session.results.values() if r.agent_id}
    if opts.subagents == "linked":
        wanted = [link["agent_id"] for ex in examples for link in ex["metadata"]["source"].get("subagents", [])]
        # A sub-agent that finished inside an exchange newer than the selection (one still
        # running, or cut off) is complete work of its own: its parent's state does not change it.
        end = max((ex["metadata"]["source"]["lines"][1] for ex in examples), default=0)
        wanted += [r.agent_id for r in session.results.values() if r.agent_id and not r.is_error and r.line > end]
        files = {agent: subagent_file(path, agent) for agent in dict.fromkeys(wanted)}
    else:
        files = dict(all_subagent_files(path, session.info.get("session_id")))
        for agent in [*calls_by_agent, *_progress_agents(lines)]:
            if agent not in files:
                files[agent] = subagent_file(path, agent)
    sub_opts = replace(opts, turns=None, since_prompt=None, whole_session=True, subagents="none", ignore_request=None)
    for agent, file in files.items():
        if file is not None:
            sub = read_session(file, sub_opts)
        elif opts.subagents_from_progress:
            answer = session.results.get(calls_by_agent.get(agent, ""))
            sub = _from_progress(lines, agent, path.name, sub_opts, answer)
        else:
            sub = ImportResult()
            sub.note(f"{path.name}: the file of sub-agent {safe_name(agent)} was not found; not imported")
        parent = {"session_id": session.info.get("session_id"), "agent_id": agent}
        if agent in calls_by_agent:
            parent["tool_call_id"] = calls_by_agent[agent]
        for ex in sub.examples:
            ex["metadata"]["source"]["parent"] = {k: v for k, v in parent.items() if v}
        result.examples += sub.examples
        result.notes += [n for n in sub.notes if n not in result.notes]
        result.lines += sub.lines
        result.skipped.update(sub.skipped)
    return result


def _progress_agents(lines: list[Line]) -> list[str]:
    found: dict[str, None] = {}
    for ln in lines:
        data = ln.obj.get("data")
        if ln.obj.get("type") == "progress" and isinstance(data, dict) and data.get("type") == "agent_progress":
            agent = data.get("agentId")
            if isinstance(agent, str) and agent:
                found[agent] = None
    return list(found)


def _from_progress(
    lines: list[Line], agent: str, name: str, opts: CaptureOptions, answer: Result | None
) -> ImportResult:
    copies = progress_copies(lines, agent)
    result = ImportResult()
    if not copies:
        result.note(f"{name}: the file of sub-agent {safe_name(agent)} was not found; not imported")
        return result
    # The copies are lines of the parent file, already counted there: only examples and notes matter.
    scratch = ImportResult()
    session = Reader(copies, name, scratch).run()
    last = session.stream[-1] if session.stream else None
    if answer is not None and answer.agent_answer and not answer.is_error:
        if last is None or last.kind != "assistant" or last.calls or not last.text:
            # Claude Code copies the sub-agent's calls and results but not its text; the final
            # answer comes back in the Task result (`toolUseResult.content`).
            session.stream.append(Turn("assistant", answer.line, answer.line, [answer.agent_answer]))
    result.examples = examples_from(session, opts, scratch)
    for ex in result.examples:
        ex["metadata"]["source"]["rebuilt_from"] = "agent_progress"
    what = f"{name}: sub-agent {safe_name(agent)}"
    if result.examples:
        result.note(f"{what} rebuilt from its agent_progress lines (no text between tool calls)")
    else:
        result.note(f"{what} has no file and no completed exchange in its progress copies")
    return result


def read_project(folder: Path, opts: CaptureOptions | None = None) -> ImportResult:
    """Every session of a project folder (sub-agent files are read through their sessions)."""
    if not folder.is_dir():
        raise TranscriptError(f"{folder.name}: not a folder of Claude Code sessions")
    result = ImportResult()
    for path in sorted(folder.glob("*.jsonl")):
        if not path.name.startswith("agent-"):
            result.extend(read_session(path, opts))
    return result
