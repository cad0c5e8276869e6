"""The `finetune` command's entry point.

`finetune capture --hook` runs on every prompt the user types in Claude Code or Codex, so its
no-op path (the prompt is not a capture trigger) must cost about a bare Python start: it is
decided here, with the stdlib-only `capture/hook.py`, before click, pydantic or the pipeline
load. Everything else goes to the CLI (`cli.py`).
"""

from __future__ import annotations

import sys


def main() -> None:
    argv = sys.argv[1:]
    if argv[:2] == ["capture", "--hook"]:
        from .capture import hook

        triggers = [*hook.DEFAULT_TRIGGERS, *_values(argv[2:], "--trigger")]
        raw = sys.stdin.read()
        if hook.read_request(raw, triggers) is None:
            sys.exit(0)
        from .cli import run_hook

        sys.exit(run_hook(raw, triggers))
    from .cli import main as cli_main

    cli_main()


def _values(args: list[str], option: str) -> list[str]:
    """The values of a repeated `--option VALUE` / `--option=VALUE` (the CLI checks the rest)."""
    out = []
    for i, arg in enumerate(args):
        if arg == option and i + 1 < len(args):
            out.append(args[i + 1])
        elif arg.startswith(option + "="):
            out.append(arg.split("=", 1)[1])
    return out
