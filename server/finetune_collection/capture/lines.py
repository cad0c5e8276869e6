"""Reading a JSONL transcript that may still be being written.

Hosts append one JSON object per line while the session runs, so the last line can be cut in the
middle (a torn line): it is skipped with a note, never an error. A broken line anywhere else is
skipped as `invalid_json`; the note names its line number, never its text.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .result import ImportResult, TranscriptError


@dataclass(frozen=True, slots=True)
class Line:
    number: int  # 1-based, as an editor shows it
    obj: dict[str, Any]


def read_bytes(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as err:
        raise TranscriptError(f"{path.name}: cannot be read ({err.strerror or type(err).__name__})") from None


def parse_lines(data: bytes, name: str, result: ImportResult) -> list[Line]:
    """Every line that is a JSON object; the rest is counted in `result.skipped`."""
    raw = data.split(b"\n")
    ends_with_newline = raw[-1] == b""
    if ends_with_newline:
        raw.pop()
    out: list[Line] = []
    bad: list[int] = []
    for i, chunk in enumerate(raw, 1):
        if not chunk.strip():
            continue
        result.lines += 1
        try:
            obj = json.loads(chunk)
        except (ValueError, RecursionError):  # too deeply nested counts as unreadable
            if i == len(raw) and not ends_with_newline:
                result.skipped["torn_last_line"] += 1
                result.note(f"{name}: line {i} is cut off (the file is still being written); skipped")
            else:
                result.skipped["invalid_json"] += 1
                bad.append(i)
            continue
        if not isinstance(obj, dict):
            result.skipped["not_an_object"] += 1
            bad.append(i)
            continue
        out.append(Line(i, obj))
    if bad:
        shown = ", ".join(map(str, bad[:5])) + (f" and {len(bad) - 5} more" if len(bad) > 5 else "")
        result.note(f"{name}: line(s) {shown} are not JSON objects; skipped")
    return out
