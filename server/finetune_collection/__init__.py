"""finetune-collection: turn an assistant's successful work into a clean fine-tuning dataset.

capture → quality filter → PII scrub → dedup → store (TinyDB) → export, in one in-process core
that the MCP server (`server.py`) and the CLI (`cli.py`) both call.
"""

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

__version__ = "0.1.0"

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
