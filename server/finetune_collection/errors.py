"""The exception tree.

    FinetuneError                 base: every failure we expect and can explain
    ├── ConfigError               bad config file: names the file, the key and the reason
    ├── InvalidExample            an example (or its arguments) cannot be accepted as given
    ├── TranscriptError           a transcript or training file cannot be read as asked
    ├── NotFound                  an id that is not in the store
    ├── StoreError                the store file cannot be used
    │   ├── StoreCorrupt          the file does not parse; says where and how to recover
    │   ├── StoreLocked           another process held the lock too long; retryable
    │   └── StoreReadOnly         the data folder cannot be written here; reading works
    └── ExportError               an export cannot be written (path refused, no examples, ...)

Messages say what is wrong, where, and what to do about it. They never contain unscrubbed
example text: callers put ids, field names and limits in messages, never values.
The CLI prints ``Error: <message>`` and exits 1; the MCP server raises ``ToolError(message)``.
"""

from __future__ import annotations


class FinetuneError(Exception):
    """Base class for every error this package raises on purpose."""


class ConfigError(FinetuneError):
    pass


class InvalidExample(FinetuneError):
    pass


class TranscriptError(FinetuneError):
    """Names the file, the line and the rule; never the transcript's text."""


class NotFound(FinetuneError):
    pass


class StoreError(FinetuneError):
    pass


class StoreCorrupt(StoreError):
    pass


class StoreLocked(StoreError):
    pass


class StoreReadOnly(StoreError):
    pass


class ExportError(FinetuneError):
    pass
