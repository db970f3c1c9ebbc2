"""Layers point one way: the module import graph of rag/, ingest/, ui/ and eval/.

Every import statement counts (top level, inside functions, under ``TYPE_CHECKING``), so a
cycle cannot be hidden by importing lazily. The rules (docs/ARCHITECTURE.md):

- no import cycle between our modules;
- ``rag`` imports only ``rag``; ``ingest`` imports ``ingest`` and ``rag``; ``eval`` imports
  ``eval``, ``rag`` and ``ingest``; ``ui`` may import everything;
- only ``rag/index.py`` (the facade) and ``rag/catalog.py`` touch an attribute named ``catalog``.

The checks are plain functions over a source root, so the synthetic-package tests below can
prove each one actually fails on a violation.
"""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("rag", "ingest", "ui", "eval")
# Which top-level packages each package may import (its own included).
ALLOWED = {"rag": {"rag"}, "ingest": {"ingest", "rag"}, "eval": {"eval", "rag", "ingest"},
           "ui": {"ui", "rag", "ingest", "eval"}}
CATALOG_OWNERS = {"rag/index.py", "rag/catalog.py"}

Edge = tuple[str, int]  # (imported module, line)


def find_modules(root: Path, packages=PACKAGES) -> dict[str, Path]:
    """Dotted module name → file, for every .py file under the ``packages`` of ``root``."""
    found = {}
    for package in packages:
        for path in sorted((root / package).rglob("*.py")):
            parts = path.relative_to(root).with_suffix("").parts
            found[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return found


def _resolve(name: str, known: dict[str, Path]) -> str | None:
    """The longest known module that ``name`` is or lies inside; None when it is not ours."""
    parts = name.split(".")
    for end in range(len(parts), 0, -1):
        candidate = ".".join(parts[:end])
        if candidate in known:
            return candidate
    return None


def _from_base(node: ast.ImportFrom, module: str, is_package: bool) -> str:
    """The absolute module a ``from X import ...`` reads from, relative imports resolved."""
    if not node.level:
        return node.module or ""
    package = module.split(".") if is_package else module.split(".")[:-1]
    base = package[:len(package) - (node.level - 1)]
    return ".".join(base + ([node.module] if node.module else []))


def module_imports(module: str, known: dict[str, Path]) -> list[Edge]:
    """Our modules that ``module`` imports anywhere in its file, with the line of each import.

    ``from pkg import name`` counts as importing ``pkg.name`` when that is a module, else ``pkg``.
    """
    path = known[module]
    is_package = path.name == "__init__.py"
    edges: list[Edge] = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = _from_base(node, module, is_package)
            targets = [f"{base}.{a.name}" if f"{base}.{a.name}" in known else base for a in node.names]
        else:
            continue
        for target in targets:
            resolved = _resolve(target, known)
            if resolved and resolved != module:
                edges.append((resolved, node.lineno))
    return edges


def import_graph(root: Path, packages=PACKAGES) -> tuple[dict[str, list[Edge]], dict[str, Path]]:
    """(module → its imports of our modules, module → file) for the source tree at ``root``."""
    known = find_modules(root, packages)
    return {m: module_imports(m, known) for m in known}, known


def find_cycle(graph: dict[str, list[Edge]]) -> list[str] | None:
    """One import cycle as ``[a, b, ..., a]``, or None when the graph is acyclic."""
    state: dict[str, int] = {}  # 1: on the current path, 2: fully explored
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for target, _line in graph.get(node, ()):
            if state.get(target) == 1:
                return path[path.index(target):] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for start in sorted(graph):
        if start not in state and (cycle := visit(start)):
            return cycle
    return None


def layer_violations(graph: dict[str, list[Edge]], files: dict[str, Path], root: Path) -> list[str]:
    """``file:line: a imports b`` for every edge into a package its layer may not import."""
    found = []
    for module, edges in sorted(graph.items()):
        layer = module.split(".")[0]
        for target, line in edges:
            if target.split(".")[0] not in ALLOWED[layer]:
                found.append(f"{files[module].relative_to(root).as_posix()}:{line}: {module} imports {target}")
    return found


def catalog_reaches(root: Path, packages=PACKAGES) -> list[str]:
    """``file:line`` for every ``x.catalog`` (or ``getattr(x, "catalog")``) outside the index."""
    found = []
    for path in find_modules(root, packages).values():
        rel = path.relative_to(root).as_posix()
        if rel in CATALOG_OWNERS:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            attribute = isinstance(node, ast.Attribute) and node.attr == "catalog"
            dynamic = (isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
                       and node.func.id in ("getattr", "setattr", "hasattr") and len(node.args) > 1
                       and isinstance(node.args[1], ast.Constant) and node.args[1].value == "catalog")
            if attribute or dynamic:
                found.append(f"{rel}:{node.lineno}")
    return found


# ---- the real source tree ----------------------------------------------------------------


def test_there_is_a_tree_to_check():
    graph, _ = import_graph(ROOT)
    assert {"rag.index", "ingest.pipeline", "ui.runtime", "eval.metrics"} <= set(graph)
    assert "rag.index" in {target for target, _line in graph["ingest.pipeline"]}


def test_no_import_cycles():
    graph, _ = import_graph(ROOT)
    cycle = find_cycle(graph)
    assert cycle is None, f"import cycle: {' -> '.join(cycle)}"


def test_layers_import_only_downwards():
    graph, files = import_graph(ROOT)
    violations = layer_violations(graph, files, ROOT)
    assert not violations, "layer violations:\n" + "\n".join(violations)


def test_only_the_index_touches_its_catalog():
    reaches = catalog_reaches(ROOT)
    assert not reaches, "use the Index facade instead of index.catalog at:\n" + "\n".join(reaches)


# ---- the checks themselves can fail ---------------------------------------------------------


def _write(root: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_a_cycle_through_a_nested_relative_import_is_found(tmp_path):
    root = _write(tmp_path, {
        "rag/__init__.py": "",
        "rag/a.py": "from rag import b\n",
        "rag/b.py": "import json\n\ndef f():\n    from .c import g\n    return g\n",
        "rag/c.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import rag.a\ndef g(): ...\n",
        "rag/d.py": "from rag.a import something\n",  # not on the cycle
    })
    graph, _ = import_graph(root, ("rag",))
    assert graph["rag.d"] == [("rag.a", 1)]
    cycle = find_cycle(graph)
    assert cycle is not None and cycle[0] == cycle[-1]
    assert set(cycle) == {"rag.a", "rag.b", "rag.c"}


def test_an_acyclic_graph_has_no_cycle(tmp_path):
    root = _write(tmp_path, {"rag/__init__.py": "", "rag/a.py": "from . import b\n", "rag/b.py": "x = 1\n"})
    graph, _ = import_graph(root, ("rag",))
    assert graph["rag.a"] == [("rag.b", 1)] and find_cycle(graph) is None


def test_an_upward_import_is_reported_with_file_and_line(tmp_path):
    root = _write(tmp_path, {
        "rag/__init__.py": "", "rag/x.py": "import os\n\n\ndef f():\n    from ingest.y import z\n",
        "ingest/__init__.py": "", "ingest/y.py": "from rag.x import f\nz = 1\n",
    })
    graph, files = import_graph(root, ("rag", "ingest"))
    assert layer_violations(graph, files, root) == ["rag/x.py:5: rag.x imports ingest.y"]


def test_reaching_into_the_catalog_is_reported(tmp_path):
    root = _write(tmp_path, {
        "rag/__init__.py": "", "rag/index.py": "class Index:\n    def f(self):\n        return self.catalog\n",
        "ingest/__init__.py": "",
        "ingest/p.py": "def f(index):\n    return index.catalog.source_of('a'), getattr(index, 'catalog')\n",
    })
    assert sorted(catalog_reaches(root, ("rag", "ingest"))) == ["ingest/p.py:2", "ingest/p.py:2"]
