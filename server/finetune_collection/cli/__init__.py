"""The `finetune` command line: thin wrappers over the core (pipeline, store, curate, export).

    app       the click group, its shared state and helpers, `main()`
    collect   add, capture --hook, install-command
    imports   import (example lines, agent transcripts, training files)
    dataset   stats, export, list, show, approve / reject / delete, purge, dedup, rescore
    service   scrub, config, repair, review, serve, demo
    storage   db upgrade, migrate (the PostgreSQL store)

Errors print `Error: …` on stderr and exit 1 (usage errors exit 2, by click). `import --json`,
`scrub --jsonl`, `list --json` and `show` are machine interfaces: their output shapes are fixed.
"""

from . import collect, dataset, imports, service, storage  # noqa: F401  (each registers its commands on `cli`)
from .app import cli, main
from .collect import run_hook
from .imports import import_line

__all__ = ["cli", "import_line", "main", "run_hook"]
