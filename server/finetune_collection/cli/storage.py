"""`db upgrade` and `migrate`: the PostgreSQL store's schema, and moving a store either way."""

from __future__ import annotations

from pathlib import Path

import click

from ..errors import ConfigError
from .app import App, cli, fails_cleanly, pass_app


@cli.group()
def db() -> None:
    """The PostgreSQL store's schema (FINETUNE_STORE or store.url in the config)."""


@db.command()
@pass_app
@fails_cleanly
def upgrade(app: App) -> None:
    """Create the store's tables, or bring them up to this version's schema."""
    from ..store import store_url
    from ..store.postgres import SCHEMA_VERSION, redact, schema
    from ..store.postgres.connection import connect, translated

    found = store_url(app.config)
    if found is None:
        raise ConfigError(
            "no PostgreSQL store is configured: set FINETUNE_STORE=postgresql://… or store.url in the config "
            "(the embedded store in $FINETUNE_HOME needs no upgrade)"
        )
    url, source = found
    location = redact(url)
    with connect(url, app.config.limits.lock_timeout, source) as conn, translated(location, url, 10):
        applied = schema.upgrade(conn, location)
    if applied:
        click.echo(f"{location}: applied schema version(s) {', '.join(map(str, applied))}; now at {SCHEMA_VERSION}")
    else:
        click.echo(f"{location}: already at schema version {SCHEMA_VERSION}; nothing to do")


@cli.command()
@click.option("--to", "target", required=True, metavar="postgresql://…|PATH/",
              help="a PostgreSQL URL, or a folder for an embedded store (a FINETUNE_HOME)")
@click.option("--merge", is_flag=True, help="add to a target that already holds examples, skipping ids it holds")
@pass_app
@fails_cleanly
def migrate(app: App, target: str, merge: bool) -> None:
    """Copy every example, its status, dedup keys and the counters into another store."""
    from ..store import Store, StoreBackend
    from ..store.migrate import migrate as move
    from ..store.postgres import PgStore, is_url, redact, schema
    from ..store.postgres.connection import connect, translated

    source = app.store
    if is_url(target):
        location = redact(target)
        with connect(target, app.config.limits.lock_timeout, "--to") as conn, translated(location, target, 10):
            applied = schema.upgrade(conn, location)
        if applied:
            click.echo(f"{location}: applied schema version(s) {', '.join(map(str, applied))}", err=True)
        destination: StoreBackend = PgStore(target, app.home, app.config, "--to")
    else:
        destination = Store(Path(target).expanduser(), app.config)
    try:
        moved = move(source, destination, merge)
    finally:
        destination.close()
    if moved.unchanged:
        click.echo(f"{destination.location} already holds this store ({len(source)} examples); nothing to do")
        return
    skipped = f", skipped {moved.skipped} it already held" if moved.skipped else ""
    raised = f"{moved.counters} counter(s) raised"
    click.echo(f"copied {moved.copied} example(s) to {destination.location}{skipped}; {raised}")
