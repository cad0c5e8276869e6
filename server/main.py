"""MCP bundle entry point: run the finetune-collection MCP server on stdio.

Claude Desktop starts this file directly; the package next to it (and any vendored
dependencies in `lib/`) must be importable without an install step.
"""

import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE / "lib")]

from finetune_collection.mcp.server import main  # noqa: E402

if __name__ == "__main__":
    main()
