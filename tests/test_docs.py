"""The README stays true: every CLI command, tool, resource and prompt is documented."""

from __future__ import annotations

import json

import anyio
import pytest

from conftest import ROOT
from finetune_collection.cli import cli
from finetune_collection.mcp.server import build_server
from finetune_collection.pipeline import Pipeline
from mcp import Client

README = (ROOT / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("command", sorted(cli.commands))
def test_every_cli_command_is_in_the_readme(command: str) -> None:
    assert f"finetune {command}" in README or f"`{command} ID" in README


def test_every_tool_resource_and_prompt_is_in_the_readme() -> None:
    async def surface() -> list[str]:
        async with Client(build_server()) as client:
            names = [t.name for t in (await client.list_tools()).tools]
            names += [str(r.uri) for r in (await client.list_resources()).resources]
            names += [t.uri_template for t in (await client.list_resource_templates()).resource_templates]
            names += [p.name for p in (await client.list_prompts()).prompts]
            return names

    missing = [n for n in anyio.run(surface) if f"`{n}`" not in README]
    assert not missing, f"undocumented in README.md: {missing}"


def test_readme_shows_the_two_fresh_machine_commands() -> None:
    assert "make demo" in README and "make test" in README


def test_the_readme_collect_example_shows_what_it_returns(pipeline: Pipeline) -> None:
    """The README's collect_example call, run as written, returns the status and score it shows."""
    block = README.split("collect_example {", 1)[1]
    arguments = json.loads("{" + block.split("\n→ ", 1)[0])
    shown = block.split("\n→ ", 1)[1].split("\n", 1)[0]
    result = pipeline.collect(arguments)
    assert f'"status": "{result.status}"' in shown
    assert f'"quality_score": {result.quality_score:g}' in shown
    assert f'"reasons": {json.dumps(result.reasons)}' in shown


def _readme_tree() -> dict[str, str]:
    """The Development section's tree: each module's path (packages end in `/`) → its job."""
    block = README.split("\n```\nserver/finetune_collection/\n", 1)[1].split("\n```", 1)[0]
    tree: dict[str, str] = {}
    parents: list[str] = []
    for line in block.splitlines():
        depth = (len(line) - len(line.lstrip(" "))) // 2 - 1
        name, _, job = line.strip().partition(" ")
        del parents[depth:]
        path = "".join(parents) + name
        assert job.strip(), f"README's tree gives {path} no job"
        tree[path] = job.strip()
        if name.endswith("/"):
            parents.append(name)
    return tree


def test_the_development_tree_lists_every_module_with_its_job() -> None:
    package = ROOT / "server" / "finetune_collection"
    actual = {
        str(p.relative_to(package)) + ("/" if p.is_dir() else "")
        for p in package.rglob("*")
        if "__pycache__" not in p.parts
        and ((p.suffix == ".py" and p.name != "__init__.py") or (p.is_dir() and (p / "__init__.py").exists()))
    }
    listed = set(_readme_tree())
    assert not actual - listed, f"modules missing from README's Development tree: {sorted(actual - listed)}"
    assert not listed - actual, f"README's Development tree lists what does not exist: {sorted(listed - actual)}"
