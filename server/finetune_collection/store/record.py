"""The log's line format: encode a record, and the one definition of a valid record.

Line format (field order fixed, so `snapshot.py` can scan headers without parsing documents):
    {"op":"put","t":"examples","id":"ex_…","doc":{…}}
    {"op":"del","t":"examples","id":"ex_…"}
A delete's or an edit's record ends with `"erase":true`: the text it supersedes must leave the
file (`compaction.py`).
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Callable
from typing import Any

try:  # orjson parses the log 2-3x faster; stdlib json is the fallback for odd records.
    import orjson

    def loads(line: bytes) -> Any:
        try:
            return orjson.loads(line)
        except orjson.JSONDecodeError:
            return json.loads(line)

    _dumps: Callable[..., bytes] | None = orjson.dumps
    _APPEND_NEWLINE = orjson.OPT_APPEND_NEWLINE
except ImportError:  # pragma: no cover
    loads = json.loads  # type: ignore[assignment]
    _dumps = None
    _APPEND_NEWLINE = 0

RECORD_START = b'{"op":'
_ERASE = b',"erase":true}'


def encode(record: dict[str, Any]) -> bytes:
    """One record as one line, newline included."""
    if _dumps is not None:
        # orjson writes the same compact form 5-10x faster (a compaction re-encodes every record);
        # it refuses lone surrogates, non-str keys and huge ints, which take the stdlib path.
        with contextlib.suppress(TypeError):
            return _dumps(record, option=_APPEND_NEWLINE)
    try:
        text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        return (text + "\n").encode("utf-8")
    except UnicodeEncodeError:
        # A lone surrogate cannot be UTF-8 encoded; \u-escaping keeps the line valid JSON.
        return (json.dumps(record, ensure_ascii=True, separators=(",", ":")) + "\n").encode("ascii")


def storable(text: str) -> bool:
    """Whether the index (SQLite, UTF-8) can take this string: not if it holds a lone surrogate."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def parse_record(line: bytes) -> dict[str, Any]:
    """The one definition of a valid record, shared by the loader and `finetune repair`:
    a JSON object with "op" put|del, string "t" and "id" that the index can store (no lone
    surrogate), and for a put an object "doc". Anything else raises ValueError (`finetune delete
    5` could never reach a numeric id, and no command could name an id holding a lone surrogate)."""
    try:
        record = loads(line)
    except (ValueError, RecursionError):
        raise ValueError("not JSON") from None
    if not isinstance(record, dict):
        raise ValueError("not an object")
    op = record.get("op")
    if op not in ("put", "del"):
        raise ValueError("op is not put or del")
    table, doc_id = record.get("t"), record.get("id")
    if not isinstance(table, str) or not isinstance(doc_id, str):
        raise ValueError("table and id must be strings")
    if not (storable(table) and storable(doc_id)):
        raise ValueError("table or id holds a lone surrogate")
    if op == "put" and not isinstance(record.get("doc"), dict):
        raise ValueError("doc is not an object")
    return record


def partial_record(tail: bytes) -> bool:
    """Could these bytes after the last newline be a crashed append of ours, cut short? Every
    record we write starts with `{"op":`, so a cut one starts with it (or is cut inside it)."""
    return not tail.strip() or tail.startswith(RECORD_START) or RECORD_START.startswith(tail)


def complete_record(tail: bytes) -> bool:
    """A last line without its newline that is a whole valid record: the newline is missing, not
    the record (a JSON object cut short never parses). It is kept; the next writer adds the newline."""
    if not tail.rstrip().endswith(b"}"):
        return False
    try:
        parse_record(tail)
    except ValueError:
        return False
    return True


def without_erase(line: bytes) -> bytes:
    """A record as compaction keeps it: its erase flag has done its work once the file is rewritten."""
    return line[: -len(_ERASE)] + b"}" if line.endswith(_ERASE) else line


def json_of(data: bytes) -> Any:
    """A document kept in the index (stdlib JSON, lone surrogates passed through)."""
    return json.loads(data.decode("utf-8", "surrogatepass"))


def record_of(line: bytes, doc_id: str) -> dict[str, Any] | None:
    """The document in `line` if it is the examples record of `doc_id` (else None: moved)."""
    if not line.endswith(b"}"):
        return None
    try:
        record = parse_record(line)
    except ValueError:
        return None
    if record["t"] != "examples" or record["id"] != doc_id or record["op"] != "put":
        return None
    doc: dict[str, Any] = record["doc"]
    return doc
