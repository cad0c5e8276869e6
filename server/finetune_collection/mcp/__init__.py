"""The MCP surface: a thin layer over the core that the CLI uses too.

    server      `build_server()` (registration) and `main()` (stdio)
    tools       the tools, as module-level functions: collect_example, finetune_stats, finetune_export
    review_tool the finetune_review tool: approve, reject or delete, with bulk confirmation
    schemas     argument schemas and result models the tools publish
    resources   finetune:// resources;  prompts: the seed's triggers as prompts
    state       the core a running server opened, shared by tools, resources and the review app

Named like the SDK's top-level package; modules here import the SDK absolutely (`mcp.server…`).
"""
