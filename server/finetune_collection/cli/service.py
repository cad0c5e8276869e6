"""Everything else: `scrub`, `config`, `repair`, the review page, `serve` and `demo`."""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path

import click

from .. import config as config_mod
from .app import (
    App,
    cli,
    emit,
    fails_cleanly,
    pass_app,
)


@cli.command()
@click.option("--jsonl", is_flag=True, help="each input line is an object with a `text` field")
@click.option("--explain", is_flag=True, help="list the types and positions found (never the values)")
@pass_app
@fails_cleanly
def scrub(app: App, jsonl: bool, explain: bool) -> None:
    """Scrub text on stdin and print what would be stored."""
    from ..scrub import build_scrubber
    from ..scrub.engine import locate

    scrubber = build_scrubber(app.config)
    # Bytes in, decoded leniently: a stray invalid byte must not abort a whole scrub run.
    stdin = io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8", errors="replace")

    def names() -> dict[tuple[str, str], str] | None:
        return {} if app.config.scrub.pseudonyms else None  # pseudonyms are per text / per line

    if not jsonl:
        text = stdin.read()
        if explain:
            found = scrubber.explain(text, names())
            for f in found:
                click.echo(f"{f.type}\t{f.start}-{f.end}\tline {f.line}:{f.col}")
            click.echo(f"{len(found)} finding(s)", err=True)
        else:
            sys.stdout.write(scrubber.scrub_text(text, names()).text)
        return
    bad = []
    for number, line in enumerate(stdin, start=1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            obj = None
        if not isinstance(obj, dict):
            bad.append(number)
            click.echo(f"line {number}: not a JSON object; skipped", err=True)
            continue
        if isinstance(obj.get("text"), str):
            result = scrubber.scrub_text(obj["text"], names())
            if explain:
                obj["findings"] = [
                    {"type": f.type, "start": f.start, "end": f.end, "line": f.line, "col": f.col}
                    for f in locate(obj["text"], result.findings)
                ]
            obj["text"] = result.text
        emit(obj)
    if bad:
        raise click.ClickException(f"{len(bad)} line(s) were not JSON objects: {bad[:10]}")


@cli.command(name="config")
@pass_app
@fails_cleanly
def config_cmd(app: App) -> None:
    """Print the effective configuration (YAML) and where it came from."""
    config = app.config  # a bad file fails before anything is printed
    source = config_mod.config_path()
    click.echo(f"# source: {source if source else 'built-in defaults'}")
    click.echo(f"# data folder: {app.home}")
    click.echo(config_mod.dump(config), nl=False)


@cli.command()
@pass_app
@fails_cleanly
def repair(app: App) -> None:
    """Rewrite a damaged store keeping every valid record; the damaged file is kept beside it."""
    from ..store import STORE_FILE
    from ..store.repair import repair_file

    report = repair_file(app.home / STORE_FILE, app.config.limits.lock_timeout)
    click.echo(report)


@cli.command()
@click.option("--port", type=click.IntRange(0, 65535), default=0, help="port on 127.0.0.1 (default: a free one)")
@click.option("--no-browser", is_flag=True, help="only print the URL (for CI, SSH, or another browser)")
@pass_app
@fails_cleanly
def review(app: App, port: int, no_browser: bool) -> None:
    """Open the review page in a local browser: approve, reject, edit, compare, and see charts.

    Serves on 127.0.0.1 only, with a random per-run token in the URL; Ctrl-C stops it.
    """
    from ..review.web import ReviewServer

    server = ReviewServer(app.home, app.config, port=port)
    click.echo(f"Review page: {server.url}")
    click.echo("Press Ctrl-C to stop.", err=True)
    if not no_browser:
        import webbrowser

        webbrowser.open(server.url)  # returns False, harmlessly, where there is no browser
    server.serve()
    click.echo("Review server stopped.", err=True)


@cli.command()
@fails_cleanly
def serve() -> None:
    """Run the MCP server on stdio (what Claude Desktop, Claude Code and IDEs start)."""
    from ..mcp.server import main as serve_main

    serve_main()


@cli.command()
@click.option("--home", type=click.Path(file_okay=False, path_type=Path),
              help="data folder to use (default: a fresh temporary folder, kept afterwards)")
@click.option("--json", "as_json", is_flag=True, help="print the summary as one JSON object")
@fails_cleanly
def demo(home: Path | None, as_json: bool) -> None:
    """Run the MCP server on ~20 bundled examples and export them: a tour in a few seconds."""
    from ..demo import render, render_outcome, run_demo

    summary = run_demo(home, None if as_json else lambda o: click.echo(render_outcome(o)))
    click.echo(summary.model_dump_json(indent=2) if as_json else render(summary))
