"""`make bundle` → unpack → start the server the way a host would → it answers over MCP.

How the start works here, honestly:
- The bundle is packed by `make bundle` (the pinned mcpb CLI) and unpacked by `mcpb unpack`.
- The command, args and env come from mcpb's own `getMcpConfigForManifest` (the library hosts use
  to substitute `${__dirname}` and `${user_config.*}`), not from a re-implementation.
- The manifest's command is `uv run --directory <bundle> server/main.py`. uv then builds the
  bundle's project and installs its dependencies into `<bundle>/.venv`, fully offline: uv runs with
  UV_OFFLINE/UV_NO_INDEX from a local wheelhouse. The wheelhouse is filled once (cached in
  tests/artifacts/) by `pip download` through pip's configured indexes; that step is the only one
  that may use the network, and the test skips with the reason if it fails.
- One change to the unpacked bundle: `[tool.uv] environments` is narrowed to this platform and
  Python in its pyproject.toml. uv locks for every platform (Windows, macOS, other Pythons) and a
  wheelhouse made on this Linux machine cannot satisfy that offline; a real host locks online.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path
from typing import Any

import anyio
import pytest

from conftest import npm_bin
from finetune_collection.mcp.server import build_server
from mcp import Client, StdioServerParameters

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
BUNDLE = ROOT / "dist" / "finetune-collection.mcpb"
MANIFEST: dict[str, Any] = json.loads((ROOT / "manifest.json").read_text("utf-8"))
NEVER_SHIPPED = {"tests", "benchmarks", "skills", "node_modules", ".venv", "venv", "__pycache__", ".pytest_cache",
                 ".mypy_cache", ".ruff_cache", ".ci", "dist", "lib", "docs"}

CONFIG_JS = """
import { getMcpConfigForManifest } from "@anthropic-ai/mcpb";
import { readFileSync } from "node:fs";
const input = JSON.parse(readFileSync(0, "utf-8"));
const config = await getMcpConfigForManifest({
  manifest: input.manifest, extensionPath: input.dir, systemDirs: input.systemDirs,
  userConfig: input.userConfig, pathSeparator: "/",
});
process.stdout.write(JSON.stringify(config));
"""


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    npm_bin("mcpb")
    if shutil.which("make") is None:
        pytest.skip("make is not installed: `make bundle` is the interface under test")
    proc = subprocess.run(["make", "bundle"], cwd=ROOT, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    copy = tmp_path_factory.mktemp("bundle") / BUNDLE.name
    shutil.copy(BUNDLE, copy)
    return copy


@pytest.fixture(scope="module")
def unpacked(bundle: Path) -> Path:
    target = bundle.parent / "unpacked"
    proc = subprocess.run([str(npm_bin("mcpb")), "unpack", str(bundle), str(target)], capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return target


def host_config(unpacked: Path, user_config: dict[str, str], home: Path) -> dict[str, Any]:
    """command/args/env exactly as mcpb's substitution produces them for this install."""
    payload = {
        "manifest": json.loads((unpacked / "manifest.json").read_text("utf-8")), "dir": str(unpacked),
        "userConfig": user_config,
        "systemDirs": {"HOME": str(home), "DESKTOP": str(home), "DOCUMENTS": str(home), "DOWNLOADS": str(home)},
    }
    proc = subprocess.run(["node", "--input-type=module", "-e", CONFIG_JS], cwd=ROOT, input=json.dumps(payload),
                          capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0, proc.stderr
    config: dict[str, Any] = json.loads(proc.stdout)
    return config


def test_bundle_holds_the_server_and_nothing_else(bundle: Path) -> None:
    names = zipfile.ZipFile(bundle).namelist()
    for name in names:
        parts = Path(name).parts
        assert not NEVER_SHIPPED & set(parts[:-1]), name
        assert not name.endswith((".pyc", ".mcpb")) and ".egg-info" not in name, name
    # Every tracked file the server needs is inside: the package, its data, the entry point.
    tracked = subprocess.run(["git", "ls-files", "server", "pyproject.toml", "README.md", "manifest.json"],
                             cwd=ROOT, capture_output=True, text=True, check=True).stdout.split()
    missing = [f for f in tracked if ".egg-info" not in f and f not in names]
    assert not missing, f"tracked files left out of the bundle: {missing}"
    assert "server/finetune_collection/data/demo_examples.jsonl" in names


def test_unset_user_config_becomes_empty_env(unpacked: Path, tmp_path: Path) -> None:
    """No data folder or config chosen: the server gets "" (its own defaults), not a literal ${...}."""
    config = host_config(unpacked, {}, tmp_path)
    assert config["env"] == {"FINETUNE_HOME": "", "FINETUNE_CONFIG": ""}
    assert config["command"] == "uv"
    assert config["args"] == ["run", "--directory", str(unpacked), "server/main.py"]


def uv_binary() -> str:
    found = shutil.which("uv", path=str(Path(sys.executable).parent)) or shutil.which("uv")
    if found is None:
        pytest.skip("uv is not installed, so the manifest's `uv run` cannot start: install the test extras")
    return found


def wheelhouse(unpacked: Path) -> Path:
    """Wheels for the bundle's dependencies (and test extras, which uv also locks), filled by the
    Makefile's `wheelhouse` target for this pyproject (tests never download software)."""
    key = hashlib.sha256((unpacked / "pyproject.toml").read_bytes()).hexdigest()[:12]
    folder = ROOT / "tests" / "artifacts" / f"wheelhouse-{key}"
    if not (folder / ".complete").exists():
        pytest.skip("no offline wheelhouse for this pyproject: run `make wheelhouse` (`make test` does)")
    return folder


def narrow_to_this_platform(unpacked: Path) -> None:
    pyproject = unpacked / "pyproject.toml"
    marker = f"sys_platform == '{sys.platform}' and python_full_version == '{platform.python_version()}'"
    line = f'environments = ["{marker}"]\n'
    text = pyproject.read_text("utf-8")
    if "environments" in text:
        return
    text = text.replace("[tool.uv]\n", f"[tool.uv]\n{line}") if "[tool.uv]\n" in text else \
        text + f"\n[tool.uv]\n{line}"
    pyproject.write_text(text, "utf-8")


@pytest.mark.anyio
async def test_unpacked_bundle_starts_with_the_manifest_command(unpacked: Path, tmp_path: Path) -> None:
    uv = uv_binary()
    wheels = wheelhouse(unpacked)
    narrow_to_this_platform(unpacked)
    data = tmp_path / "chosen data folder"
    config_file = tmp_path / "finetune.yaml"
    config_file.write_text("quality_filters:\n  min_quality_score: 0.5\n", "utf-8")
    config = host_config(unpacked, {"data_dir": str(data), "config_file": str(config_file)}, tmp_path)
    assert config["env"] == {"FINETUNE_HOME": str(data), "FINETUNE_CONFIG": str(config_file)}

    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("FINETUNE_", "UV_", "PYTHON", "VIRTUAL_ENV"))}  # nothing from this checkout
    env.update(config["env"])
    env.update(
        PATH=os.pathsep.join([str(Path(uv).parent), env.get("PATH", "")]),
        UV_OFFLINE="1", UV_NO_INDEX="1", UV_FIND_LINKS=str(wheels), UV_NO_CONFIG="1",
        UV_CACHE_DIR=str(tmp_path / "uv-cache"), UV_PYTHON=sys.executable, UV_PYTHON_DOWNLOADS="never",
    )
    command = shutil.which(config["command"], path=env["PATH"])
    assert command is not None
    params = StdioServerParameters(command=command, args=config["args"], env=env, cwd=str(tmp_path))

    async with Client(build_server(), mode="legacy") as local:
        expected = {t.name for t in (await local.list_tools()).tools}
    with anyio.fail_after(600):  # the first start builds the project and installs ~40 wheels
        async with Client(params, mode="legacy") as client:
            assert client.server_info.name == "finetune-collection"
            tools = {t.name for t in (await client.list_tools()).tools}
            # quality "low" is 0.5: accepted only if the chosen config file (min 0.5) was read.
            result = await client.call_tool("collect_example", {
                "input": {"user": "bundle smoke test"}, "output": {"assistant": "it runs"},
                "quality": "low", "metadata": {"human_approved": True},
            })
    assert tools == expected
    assert not result.is_error and result.structured_content
    assert result.structured_content["status"] == "accepted"
    assert (data / "examples.json").is_file(), "the chosen data folder was not used"
    assert (unpacked / ".venv").is_dir(), "uv did not build the bundle's own environment"
