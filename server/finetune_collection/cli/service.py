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
    if sys.stdin.isatty():
        click.echo("reading " + ("JSON lines with a `text` field" if jsonl else "text") + " from stdin; end it with "
                   "Ctrl-D (or pipe a file in)", err=True)
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


def _host_names(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
    names = tuple(config_mod.allowed_host(v) for v in value)
    if None in names:  # the message leaves the value out: it says what a good one looks like
        raise click.BadParameter(f"each is {config_mod.ALLOWED_HOST_RULE}")
    return tuple(n for n in names if n is not None)


@cli.command()
@click.option("--http", "http", is_flag=True, help="serve MCP over streamable HTTP (a team server) instead of stdio")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="with --http: the address to listen on (0.0.0.0: every interface; needs tokens or server.jwt)")
@click.option("--port", type=click.IntRange(0, 65535), default=8765, show_default=True,
              help="with --http: the port (0: a free one, printed at start)")
@click.option("--no-auth", is_flag=True, help="with --http on a loopback address only: accept calls without a token")
@click.option("--allowed-host", "allowed_host", multiple=True, callback=_host_names, metavar="NAME",
              help="with --http: another Host name to answer to (a proxy's name, a LAN address), repeatable; "
                   "also server.allowed_hosts in the config")
@click.pass_context
@fails_cleanly
def serve(ctx: click.Context, http: bool, host: str, port: int, no_auth: bool, allowed_host: tuple[str, ...]) -> None:
    """Run the MCP server: on stdio (what Claude Desktop, Claude Code and IDEs start), or with --http
    as a team server at http://HOST:PORT/mcp with the review page at /review/.

    Over HTTP every call needs a token from `finetune token add NAME` (or a JWT, with server.jwt in
    the config); the server refuses to start without one unless --no-auth is given on loopback.
    """
    if not http:
        given = [p for p in ("host", "port", "no_auth", "allowed_host")
                 if ctx.get_parameter_source(p) is not click.core.ParameterSource.DEFAULT]
        if given:
            raise click.UsageError(f"--{given[0].replace('_', '-')} needs --http (stdio has no address)")
        from ..mcp.server import main as serve_main

        serve_main()
        return
    from ..mcp.http import serve as serve_http

    serve_http(host, port, no_auth, announce=lambda line: click.echo(line, err=True), allowed_host=allowed_host)


@cli.group()
def token() -> None:
    """Access tokens for `finetune serve --http`: add, list, revoke.

    Stored in $FINETUNE_HOME/tokens.json (or server.tokens_file in the config), as hashes only.
    """


@token.command(name="add")
@click.argument("name")
@pass_app
@fails_cleanly
def token_add(app: App, name: str) -> None:
    """Create a token for NAME (a person or a machine) and print it once; only its hash is kept.

    NAME is recorded as collected_by / approved_by for whatever is done with the token.
    """
    from ..mcp import credentials

    path = credentials.tokens_path(app.config)
    secret = credentials.add(path, name)
    click.echo(secret)
    click.echo(f"token {name} added to {path}; it is shown only now: give it to its user, who sends it as "
               "`Authorization: Bearer TOKEN`", err=True)


@token.command(name="list")
@click.option("--json", "as_json", is_flag=True, help="one JSON object per line")
@pass_app
@fails_cleanly
def token_list(app: App, as_json: bool) -> None:
    """List token names and when they were created (never the tokens or their hashes)."""
    from ..mcp import credentials

    path = credentials.tokens_path(app.config)
    entries = credentials.read(path)
    for e in entries:
        if as_json:
            emit({"name": e.name, "created": e.created})
        else:
            click.echo(f"{e.name:<24} {e.created}")
    if not entries and not as_json:
        click.echo(f"no tokens in {path}; create one with `finetune token add NAME`", err=True)


@token.command(name="revoke")
@click.argument("name")
@pass_app
@fails_cleanly
def token_revoke(app: App, name: str) -> None:
    """Revoke NAME's token: every server reading this tokens file refuses it from its next request."""
    from ..mcp import credentials

    credentials.revoke(credentials.tokens_path(app.config), name)
    click.echo(f"revoked {name}")


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
