"""No import circles in ``src/billable``: the module graph, with the imports made inside
functions counted too, is acyclic. A circle is named in full when it appears."""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from pathlib import Path

from tests.test_architecture import PACKAGE, imported_modules

Graph = Mapping[str, set[str]]


def module_name(path: Path, root: Path = PACKAGE) -> str:
    """The dotted name of the module at ``path`` under ``root``'s parent."""
    parts = path.relative_to(root.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _named(source: str, module: str, is_package: bool) -> set[str]:
    """What ``source`` names as imported: modules, and ``from x import y`` as ``x.y``
    too (``y`` may be a submodule)."""
    names = imported_modules(source, module, is_package)
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _resolve(name: str, modules: Iterable[str]) -> set[str]:
    """The known modules importing ``name`` runs: the longest known prefix and, since
    Python runs a package's ``__init__`` first, every package above it."""
    known = set(modules)
    parts = name.split(".")
    while parts and ".".join(parts) not in known:
        parts.pop()
    return {".".join(parts[:i]) for i in range(1, len(parts) + 1)} & known


def import_graph(sources: Mapping[str, tuple[str, bool]]) -> dict[str, set[str]]:
    """``{module: modules it imports}`` for ``{module: (source, is_package)}``."""
    graph: dict[str, set[str]] = {}
    for module, (source, is_package) in sources.items():
        targets: set[str] = set()
        for name in _named(source, module, is_package):
            targets |= _resolve(name, sources)
        graph[module] = targets - {module}
    return graph


def cycles(graph: Graph) -> list[list[str]]:
    """Each import circle as a path ``[a, b, ..., a]``, one per strongly connected group."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in sorted(graph.get(node, ())):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                found.append(_circle(graph, set(group)))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _circle(graph: Graph, group: set[str]) -> list[str]:
    """One concrete circle through the group's first member (breadth-first, shortest)."""
    start = min(group)
    paths = {start: [start]}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for target in sorted(graph[node] & group):
                if target == start:
                    return [*paths[node], start]
                if target not in paths:
                    paths[target] = [*paths[node], target]
                    following.append(target)
        frontier = following
    raise AssertionError(f"{sorted(group)} is not strongly connected")


def _package_sources() -> dict[str, tuple[str, bool]]:
    return {
        module_name(path): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_no_module_of_billable_is_part_of_an_import_circle() -> None:
    graph = import_graph(_package_sources())
    assert len(graph) > 50, "the graph should cover the whole package"
    found = [" -> ".join(circle) for circle in cycles(graph)]
    assert found == [], "import circles:\n" + "\n".join(found)


def test_the_circle_check_names_a_circle_made_by_a_function_level_import() -> None:
    sources = {
        "app": ("", True),
        "app.a": ("from app import b\n", False),
        "app.b": ("def f():\n    from app.c import thing\n", False),
        "app.c": ("from . import a\n", False),
        "app.d": ("import app.a\n", False),
    }
    assert cycles(import_graph(sources)) == [["app.a", "app.b", "app.c", "app.a"]]


def test_the_circle_check_counts_a_package_init_that_imports_its_importer() -> None:
    sources = {
        "app": ("from app import tools\n", True),
        "app.tools": ("", False),
        "app.cli": ("from app.tools import x\n", False),
        "app.main": ("import app.cli\n", False),
    }
    graph = import_graph(sources)
    assert graph["app.cli"] == {"app", "app.tools"}
    assert cycles(graph) == []
    circular = {**sources, "app.tools": ("import app.main\n", False)}
    assert cycles(import_graph(circular)) == [["app", "app.tools", "app"]]


def test_the_circle_check_passes_an_acyclic_graph() -> None:
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
