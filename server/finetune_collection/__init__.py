"""finetune-collection: turn an assistant's successful work into a clean fine-tuning dataset.

capture → quality filter → PII scrub → dedup → store → export, in one core (`Pipeline`) that
the MCP server (`mcp/`), the CLI (`cli.py`) and the review page (`review/`) all open.

The names below load on first use: `import finetune_collection.capture.hook` (run on every
prompt by a Claude Code hook) must not pay for pydantic and the pipeline.
"""

from __future__ import annotations

TYPE_CHECKING = False  # not from `typing`: the hook's no-op path loads this file on every prompt

__version__ = "0.1.0"

_EXPORTS = {
    "Config": ("config", "Config"),
    "load_config": ("config", "load"),
    "ConfigError": ("errors", "ConfigError"),
    "ExportError": ("errors", "ExportError"),
    "FinetuneError": ("errors", "FinetuneError"),
    "InvalidExample": ("errors", "InvalidExample"),
    "NotFound": ("errors", "NotFound"),
    "StoreCorrupt": ("errors", "StoreCorrupt"),
    "StoreError": ("errors", "StoreError"),
    "StoreLocked": ("errors", "StoreLocked"),
    "Example": ("model", "Example"),
    "ExampleIn": ("model", "ExampleIn"),
    "Message": ("model", "Message"),
    "CollectResult": ("pipeline", "CollectResult"),
    "Pipeline": ("pipeline", "Pipeline"),
    "Store": ("store", "Store"),
}

__all__ = [
    "CollectResult",
    "Config",
    "ConfigError",
    "Example",
    "ExampleIn",
    "ExportError",
    "FinetuneError",
    "InvalidExample",
    "Message",
    "NotFound",
    "Pipeline",
    "Store",
    "StoreCorrupt",
    "StoreError",
    "StoreLocked",
    "__version__",
    "load_config",
]

if TYPE_CHECKING:
    from typing import Any

    from .config import Config
    from .config import load as load_config
    from .errors import (
        ConfigError,
        ExportError,
        FinetuneError,
        InvalidExample,
        NotFound,
        StoreCorrupt,
        StoreError,
        StoreLocked,
    )
    from .model import Example, ExampleIn, Message
    from .pipeline import CollectResult, Pipeline
    from .store import Store


def __getattr__(name: str) -> Any:
    try:
        module, attr = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}") from None
    import importlib

    value = getattr(importlib.import_module(f".{module}", __name__), attr)
    globals()[name] = value
    return value
