"""`python -m finetune_collection` runs the MCP server on stdio."""

from .mcp.server import main

if __name__ == "__main__":
    main()
