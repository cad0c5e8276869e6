"""manifest.json: a valid MCP bundle manifest that lists exactly what the server exposes.

The tool and prompt lists are compared with what a real MCP client gets from `build_server()`,
so a tool added to the server without a manifest entry (or the reverse) fails here. Tools the
server marks app-only (`_meta.ui.visibility == ["app"]`: the review page's own calls, hidden from
the model) are not listed: the install dialog shows what the assistant can do.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path
from typing import Any

import pytest

from conftest import npm_bin
from finetune_collection import __version__
from finetune_collection.mcp.server import build_server
from mcp import Client

ROOT = Path(__file__).resolve().parents[2]
MANIFEST: dict[str, Any] = json.loads((ROOT / "manifest.json").read_text("utf-8"))


def app_only(tool: Any) -> bool:
    ui = (tool.meta or {}).get("ui") or {}
    return bool(ui.get("visibility")) and "model" not in ui["visibility"]


def mcpb() -> Path:
    binary = npm_bin("mcpb")
    package = json.loads((ROOT / "package.json").read_text("utf-8"))["devDependencies"]["@anthropic-ai/mcpb"]
    installed = json.loads((ROOT / "node_modules/@anthropic-ai/mcpb/package.json").read_text("utf-8"))["version"]
    assert installed == package, f"node_modules has mcpb {installed}; package.json pins {package}: npm install"
    return binary


async def server_listing() -> tuple[dict[str, Any], dict[str, list[str]]]:
    async with Client(build_server(), mode="legacy") as client:
        tools = {t.name: t for t in (await client.list_tools()).tools if not app_only(t)}
        prompts = {p.name: [a.name for a in p.arguments or []] for p in (await client.list_prompts()).prompts}
    return tools, prompts


@pytest.mark.anyio
async def test_tools_equal_the_servers() -> None:
    tools, _ = await server_listing()
    listed = [t["name"] for t in MANIFEST["tools"]]
    assert len(listed) == len(set(listed)), "a tool is listed twice"
    assert set(listed) == set(tools), "manifest.json tools differ from the model-visible tools the server lists"
    for entry in MANIFEST["tools"]:
        assert entry.get("description"), f"{entry['name']}: the install dialog shows this; write one"


@pytest.mark.anyio
async def test_prompts_and_their_arguments_equal_the_servers() -> None:
    _, prompts = await server_listing()
    listed = {p["name"]: p.get("arguments", []) for p in MANIFEST["prompts"]}
    assert listed == prompts


def test_prompt_text_uses_only_declared_arguments() -> None:
    for prompt in MANIFEST["prompts"]:
        used = set(re.findall(r"\$\{arguments\.([A-Za-z0-9_]+)\}", prompt["text"]))
        assert used <= set(prompt.get("arguments", [])), prompt["name"]


def test_user_config_reaches_the_server_as_env() -> None:
    config = MANIFEST["server"]["mcp_config"]
    assert config["env"] == {
        "FINETUNE_HOME": "${user_config.data_dir}",
        "FINETUNE_CONFIG": "${user_config.config_file}",
    }
    options = MANIFEST["user_config"]
    assert options["data_dir"]["type"] == "directory"
    assert options["config_file"]["type"] == "file"
    for name, option in options.items():
        assert option["required"] is False, name
        # mcpb leaves `${user_config.X}` in place when X has no value and no default; an empty
        # default becomes "" and the server then falls back to its own defaults.
        assert option["default"] == "", name


def test_server_entry_point_and_versions() -> None:
    server = MANIFEST["server"]
    assert server["type"] == "uv" and MANIFEST["manifest_version"] == "0.4"
    assert (ROOT / server["entry_point"]).is_file()
    assert server["entry_point"] in server["mcp_config"]["args"]
    assert server["mcp_config"]["args"][:3] == ["run", "--directory", "${__dirname}"]
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
    assert MANIFEST["version"] == pyproject["project"]["version"] == __version__
    assert MANIFEST["name"] == pyproject["project"]["name"]


@pytest.mark.slow
def test_mcpb_validate_passes() -> None:
    proc = subprocess.run([str(mcpb()), "validate", "manifest.json"], cwd=ROOT, capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "validation passes" in proc.stdout


@pytest.mark.slow
def test_mcpb_validate_is_strict(tmp_path: Path) -> None:
    """The check above means something: the same validator rejects an unknown key and a prompt without text."""
    for label, mutate in [("unknown key", lambda m: m.update(skills=["x"])),
                          ("prompt without text", lambda m: m["prompts"][0].pop("text"))]:
        broken = json.loads(json.dumps(MANIFEST))
        mutate(broken)
        path = tmp_path / "manifest.json"
        path.write_text(json.dumps(broken), "utf-8")
        proc = subprocess.run([str(mcpb()), "validate", str(path)], capture_output=True, text=True, timeout=120)
        assert proc.returncode != 0, label
