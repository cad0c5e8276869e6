"""Every import points down the pipeline, and no module imports one that imports it back.

    surfaces   entry, cli, demo, mcp, review         (the ways in)
    stages     export, curate, ingest, reports       (what people do with the data)
    core       pipeline                              (collect = prepare + commit)
    storage    store                                 (keeps the live duplicate index)
    parts      scrub, dedup, quality, capture        (each knows nothing of the others)
    base       model, config, tokens, errors

A module may import its own unit (package) and any unit on a lower rank, never upward or
sideways. Imports inside functions count too: a lazy import is still a dependency.
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "server" / "finetune_collection"

RANK = {
    "errors": 0,
    "model": 1, "config": 1,
    "tokens": 2,  # estimates a stored document through model's one turns reader
    "quality": 2, "scrub": 2, "dedup": 2, "capture": 2, "signals": 2,
    "store": 3,  # answers duplicate lookups from its own index (dedup.bands), so no process holds one
    "pipeline": 4,
    "curate": 5, "export": 5, "ingest": 5,
    "reports": 6,  # stats show export readiness
    "review": 7,
    "mcp": 8,  # registers the review app
    "demo": 9, "cli": 10, "__main__": 10, "entry": 11,
}


def _unit(module: str) -> str:
    """`finetune_collection.dedup.near` -> `dedup`; the package itself -> `__init__`."""
    parts = module.split(".")
    if len(parts) == 1 or parts[1] == "__version__":  # `from .. import __version__`: the package
        return "__init__"
    return parts[1]


def _module_name(path: Path) -> str:
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _imports(path: Path) -> set[str]:
    """Every finetune_collection module this file imports, resolved to absolute names."""
    name = _module_name(path)
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            else:
                target = node.module or ""
            if target.startswith("finetune_collection"):
                # `from . import curate` names a module; `from .x import y` names x.
                found.update(f"{target}.{a.name}" if not node.module else target for a in node.names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("finetune_collection"))
    return found


def _graph() -> dict[str, set[str]]:
    return {_module_name(p): _imports(p) for p in sorted(PACKAGE.rglob("*.py"))}


def test_every_unit_has_a_rank() -> None:
    units = {_unit(m) for m in _graph()} - {"__init__"}
    assert units <= set(RANK), f"give these a rank in RANK: {sorted(units - set(RANK))}"


def test_imports_point_down() -> None:
    upward = []
    for module, targets in _graph().items():
        source = _unit(module)
        if source == "__init__":
            continue  # the package's lazy re-exports
        for target in targets:
            dest = _unit(target)
            if dest == "__init__" or dest == source:
                continue
            if RANK.get(dest, 99) >= RANK[source]:
                upward.append(f"{module} -> {target}")
    assert not upward, "imports that point up or sideways:\n" + "\n".join(sorted(upward))


def test_no_import_cycles() -> None:
    graph = _graph()
    modules = set(graph)

    def resolve(target: str) -> str | None:
        while target and target not in modules:  # `pkg.mod.name` -> the module `pkg.mod`
            target = target.rpartition(".")[0]
        return target or None

    edges = {m: {t for t in map(resolve, targets) if t and t != m} for m, targets in graph.items()}
    # A package's __init__ re-exporting its own modules is not a cycle of design.
    edges = {m: {t for t in ts if not (m.startswith(t + ".") or t.startswith(m + "."))} for m, ts in edges.items()}
    state: dict[str, int] = {}
    cycles: list[str] = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt):], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert not cycles, "import cycles:\n" + "\n".join(cycles)


def test_the_checker_sees_an_upward_import(tmp_path: Path) -> None:
    """The walker resolves relative imports: a store module importing the pipeline is caught."""
    fake = PACKAGE / "store" / "api.py"
    assert "finetune_collection.model" in _imports(fake)
    bad = tmp_path / "x.py"
    bad.write_text("from ..pipeline import Pipeline\n")
    tree = ast.parse(bad.read_text())
    node = next(n for n in ast.walk(tree) if isinstance(n, ast.ImportFrom))
    assert node.level == 2 and node.module == "pipeline"


def test_the_export_package_names_stay_what_they_are_after_every_submodule_is_imported() -> None:
    """export/__init__ resolves its heavy names on first use; a submodule named like one of them
    would replace the name with the module once imported (`export.check` was the module)."""
    import importlib
    import pkgutil

    from finetune_collection import export

    for info in pkgutil.walk_packages(export.__path__, "finetune_collection.export."):
        importlib.import_module(info.name)
    for name in export.__all__:
        value = getattr(export, name)
        assert not inspect.ismodule(value), name
    assert callable(export.check) and callable(export.readiness) and callable(export.export)
