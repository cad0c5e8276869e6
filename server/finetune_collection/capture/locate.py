"""Where the hosts keep their transcripts, and which files belong to a session.

- Claude Code: `$CLAUDE_CONFIG_DIR/projects` or `~/.claude/projects`, one folder per working
  directory (its slug), `<session-id>.jsonl` inside; sub-agents in `<session-id>/subagents/`
  (≥2.1) or as `agent-<id>.jsonl` beside the sessions (2.0.x, told apart by `sessionId`).
- Codex CLI: `$CODEX_HOME/sessions` or `~/.codex/sessions`, `YYYY/MM/DD/rollout-<ts>-<uuid>.jsonl`.
Ids given by a caller are checked against a narrow pattern before they become part of a path,
and never repeated in an error (a token pasted as an id must not come back); the folder that was
searched is ours and is named.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterator
from pathlib import Path

from .lines import parse_lines
from .result import ImportResult, TranscriptError

_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$")
FORMATS = ("claude-code", "codex")  # indexed by "is it a Codex rollout?"
CODEX_LINE_TYPES = frozenset({"session_meta", "turn_context", "response_item", "event_msg", "compacted"})


def projects_root(root: Path | None = None) -> Path:
    """`root`, else `$CLAUDE_CONFIG_DIR/projects`, else `~/.claude/projects`."""
    if root is not None:
        return root
    config = os.environ.get("CLAUDE_CONFIG_DIR")
    return Path(config) / "projects" if config else Path.home() / ".claude" / "projects"


def project_slug(cwd: str) -> str:
    """The folder name Claude Code uses for a working directory: every character that is not a
    letter, digit or `-` becomes `-` (`/tmp/private` → `-tmp-private`)."""
    return re.sub(r"[^A-Za-z0-9-]", "-", cwd)


def find_session(session_id: str | None = None, *, root: Path | None = None, cwd: str | None = None) -> Path:
    """The file of `session_id`, or the most recently written session (of `cwd` if given).

    A session is `cwd`'s when it lives in the project folder of `cwd` or of a folder above it (the
    agent changed into a subfolder after it started), or when its last lines record `cwd` as
    their working folder (it changed anywhere else). The newest such session wins.
    """
    base = projects_root(root)
    folders = sorted(p for p in base.glob("*") if p.is_dir())
    mine = _ancestor_slugs(cwd) if cwd else []
    if session_id is not None:
        if not _ID.match(session_id):
            raise TranscriptError("session id: use the id Claude Code prints (letters, digits, '-' and '_')")
        for folder in [*(base / slug for slug in mine), *folders]:
            path = folder / f"{session_id}.jsonl"
            if path.is_file():
                return path
        raise TranscriptError(f"no session with that id under {base}: sessions are <session-id>.jsonl files "
                              "in its project folders; --latest takes the newest")
    sessions = [p for folder in folders for p in folder.glob("*.jsonl") if not p.name.startswith("agent-")]
    newest_first = sorted(sessions, key=_mtime, reverse=True)
    if cwd is None and newest_first:
        return newest_first[0]
    if cwd is not None:
        value = json.dumps(str(Path(cwd)), ensure_ascii=False).encode("utf-8")
        recorded = re.compile(rb'"cwd":\s*' + re.escape(value))
        for path in newest_first:
            if path.parent.name in mine or recorded.search(_tail(path)):
                return path
        raise TranscriptError(f"no Claude Code session under {base} for this folder, a folder above it, or one "
                              "that worked in it; --session ID names one")
    raise TranscriptError(f"no Claude Code session under {base}")


TAIL_BYTES = 256 << 10
"""How much of a session's end is searched for the working folder it recorded last: every
user and assistant line carries `cwd`, so a few lines suffice, but one tool result can be long."""


def _ancestor_slugs(cwd: str) -> list[str]:
    here = Path(cwd)
    return [project_slug(str(p)) for p in (here, *here.parents)]


def _mtime(path: Path) -> float:
    try:
        return path.stat().st_mtime
    except OSError:  # removed while we looked
        return 0.0


def _tail(path: Path) -> bytes:
    try:
        with path.open("rb") as f:
            f.seek(max(0, f.seek(0, os.SEEK_END) - TAIL_BYTES))
            return f.read()
    except OSError:
        return b""


def subagent_file(session_path: Path, agent_id: str) -> Path | None:
    if not _ID.match(agent_id):
        return None
    for path in (
        session_path.parent / session_path.stem / "subagents" / f"agent-{agent_id}.jsonl",
        session_path.parent / f"agent-{agent_id}.jsonl",
    ):
        if path.is_file():
            return path
    return None


def all_subagent_files(session_path: Path, session_id: str | None) -> Iterator[tuple[str, Path]]:
    nested = sorted((session_path.parent / session_path.stem / "subagents").glob("agent-*.jsonl"))
    beside = sorted(session_path.parent.glob("agent-*.jsonl"))
    for path in nested:
        yield path.stem.removeprefix("agent-"), path
    for path in beside:
        # The 2.0.x layout keeps every session's agents in one folder; the sessionId tells them apart.
        if session_id is not None and _first_session_id(path) == session_id:
            yield path.stem.removeprefix("agent-"), path


def _first_session_id(path: Path) -> str | None:
    probe = ImportResult()
    try:
        with path.open("rb") as f:
            head = f.readline()
    except OSError:
        return None
    lines = parse_lines(head, path.name, probe)
    value = lines[0].obj.get("sessionId") if lines else None
    return value if isinstance(value, str) else None


def transcript_format(path: Path) -> str:
    """`codex` when the file's first line is a Codex rollout line (`{timestamp, type, payload}`,
    `session_meta` first), else `claude-code`: the shape decides, not the file's name, which a
    host or a user may change. A first line still being written is judged by its opening."""
    head = b""
    try:
        with path.open("rb") as f:
            while not head.strip():
                head = f.readline(4 << 20)
                if not head:
                    break
    except OSError:
        pass  # the importer says why it cannot read the file
    try:
        obj = json.loads(head)
        codex = isinstance(obj, dict) and isinstance(obj.get("payload"), dict) and obj.get("type") in CODEX_LINE_TYPES
    except (ValueError, RecursionError):
        codex = re.match(rb'\s*\{"timestamp":"[^"]*","type":"session_meta"', head) is not None
    return FORMATS[codex]


def sessions_root(root: Path | None = None) -> Path:
    """`root`, else `$CODEX_HOME/sessions`, else `~/.codex/sessions`."""
    if root is not None:
        return root
    home = os.environ.get("CODEX_HOME")
    return Path(home) / "sessions" if home else Path.home() / ".codex" / "sessions"


def find_rollout(session_id: str | None = None, *, root: Path | None = None) -> Path:
    """The rollout of `session_id` (the uuid at the end of its name), or the most recent one."""
    base = sessions_root(root)
    if session_id is not None and not _ID.match(session_id):
        raise TranscriptError("session id: use the uuid from the rollout's file name")
    pattern = f"rollout-*{session_id}.jsonl" if session_id else "rollout-*.jsonl"
    found = [p for p in base.rglob(pattern) if p.is_file()]
    if not found:
        what = "rollout with that session id" if session_id else "Codex rollout (rollout-*.jsonl)"
        raise TranscriptError(f"no {what} under {base}")
    return max(found, key=lambda p: p.stat().st_mtime)
