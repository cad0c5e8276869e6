"""Streaming reader for the store's append-only log, in two passes over one open file descriptor.

Pass 1 (`index`) scans line prefixes only — log.py writes `{"op":…,"t":…,"id":…,"doc":…}` in
that fixed order — to find the latest `put` offset per id (a later `del` removes it). Pass 2
(`docs`) parses just those lines, one at a time, with `pread`. Memory is the id → (offset, length)
index (about 100 bytes per example) plus one document, whatever the store's size; loading the
Store instead would hold every document.

Holding one fd makes the read a snapshot: a compaction renames a new file over the path but our fd
keeps the old inode, and lines appended after we opened are beyond the size we read up to.
Only complete records count (a torn tail from a crashed writer is ignored, as the store does).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import orjson

from ..errors import StoreCorrupt, StoreError
from .record import complete_record

CHUNK = 1 << 20
_HEAD = re.compile(rb'\{"op":"(put|del)","t":"([^"\\]*)","id":"([^"\\]*)"')

Index = dict[str, tuple[int, int]]


class Snapshot:
    """One open store file. Use as a context manager."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.fd = os.open(path, os.O_RDONLY)
        except FileNotFoundError:
            self.fd = -1  # no store yet: an empty snapshot
        except OSError as err:
            raise StoreError(f"{path}: cannot read the store: {err.strerror}") from None
        self.size = os.fstat(self.fd).st_size if self.fd >= 0 else 0
        self._indexes: dict[tuple[str, ...], dict[str, Index]] = {}

    def __enter__(self) -> Snapshot:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    # -- pass 1 -----------------------------------------------------------------------------------
    def index(self, tables: Iterable[str] = ("examples",)) -> dict[str, Index]:
        """Latest put per id, for each table asked for; dict order is the store's (oldest first).
        Scanned once per snapshot (it cannot change), however many passes read documents."""
        key = tuple(tables)
        if key not in self._indexes:
            self._indexes[key] = self._scan(key)
        return self._indexes[key]

    def _scan(self, tables: tuple[str, ...]) -> dict[str, Index]:
        out: dict[str, Index] = {t: {} for t in tables}
        for offset, line in self._lines():
            m = _HEAD.match(line, 0, 300)
            if m is not None:
                op, table, doc_id = m.group(1), m.group(2).decode(), m.group(3).decode()
            else:  # not our canonical encoding (hand-edited, other writer): parse it
                try:
                    rec = orjson.loads(line)
                    op, table, doc_id = rec["op"].encode(), rec["t"], rec["id"]
                except (ValueError, KeyError, TypeError, AttributeError):
                    raise StoreCorrupt(
                        f"{self.path}: the record at byte {offset} is not a valid store record; "
                        "run `finetune repair` or restore a backup"
                    ) from None
            idx = out.get(table)
            if idx is None:
                continue
            if op == b"put":
                idx[doc_id] = (offset, len(line))
            else:
                idx.pop(doc_id, None)
        return out

    def _lines(self) -> Iterator[tuple[int, bytes]]:
        pos, carry, carry_at = 0, b"", 0
        while pos < self.size:
            chunk = os.pread(self.fd, min(CHUNK, self.size - pos), pos)
            if not chunk:
                break
            buf = carry + chunk if carry else chunk
            base = carry_at if carry else pos
            start = 0
            while True:
                nl = buf.find(b"\n", start)
                if nl < 0:
                    break
                if nl > start:
                    yield base + start, buf[start:nl]
                start = nl + 1
            carry, carry_at = buf[start:], base + start
            pos += len(chunk)
        # A last line without "\n": kept when it is a whole record (only the newline is missing),
        # ignored when it is a torn write (never acknowledged), as the store does.
        if carry and complete_record(carry):
            yield carry_at, carry

    # -- pass 2 -----------------------------------------------------------------------------------
    def doc(self, offset: int, length: int) -> dict[str, Any]:
        return self._parse(os.pread(self.fd, length, offset), offset)

    def _parse(self, line: bytes, offset: int) -> dict[str, Any]:
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError:
            try:  # stdlib json accepts what orjson refuses (e.g. escaped lone surrogates)
                record = json.loads(line)
            except ValueError:
                raise StoreCorrupt(f"{self.path}: the record at byte {offset} does not parse") from None
        doc = record.get("doc") if isinstance(record, dict) else None
        if not isinstance(doc, dict):
            raise StoreCorrupt(f"{self.path}: the record at byte {offset} has no document")
        return doc

    def docs(self, index: Index, containing: bytes | None = None) -> Iterator[tuple[str, dict[str, Any]]]:
        """The documents of `index`, in its order. `containing` (ASCII letters, digits, `_`): only
        the documents whose record holds it; a record with a `\\u` escape is parsed anyway (JSON
        can spell those characters with escapes). Parsing is most of a pass; a search is not."""
        for doc_id, (offset, length) in index.items():
            line = os.pread(self.fd, length, offset)
            if containing is None or containing in line or b"\\u" in line:
                yield doc_id, self._parse(line, offset)
