"""The package's import graph: no cycles, and the pipeline's layers import only downwards.

Every module under src/reskb is read with `ast` (nothing is imported or run): imports at module level
and inside functions, absolute and relative, all count. Imports under `if TYPE_CHECKING:` never run and
are left out. An import of `a.b.c` also imports the packages `a.b` (its `__init__.py`), so those count.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import reskb

PACKAGE = Path(reskb.__file__).parent

#: What each part of the package may import (besides itself and the shared base modules).
BASE = {"reskb", "reskb.problems", "reskb.labels", "reskb.cache_dir", "reskb.mkdocs_yml"}
LAYERS = {
    "reskb.citations": set(),
    "reskb.records": {"reskb.citations"},
    "reskb.search": {"reskb.citations", "reskb.records"},
    "reskb.site": {"reskb.citations", "reskb.records", "reskb.search"},
}


def module_names(root: Path, package: str = "reskb") -> dict[str, Path]:
    """Dotted name -> file of every module under root (a package by its __init__.py)."""
    names = {}
    for path in sorted(root.rglob("*.py")):
        parts = [package, *path.relative_to(root).with_suffix("").parts]
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _type_checking_only(node: ast.AST) -> bool:
    test = node.test if isinstance(node, ast.If) else None
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST) -> list[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except those under `if TYPE_CHECKING:` (their else kept)."""
    found: list[ast.Import | ast.ImportFrom] = []
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        children = node.orelse if _type_checking_only(node) else ast.iter_child_nodes(node)
        stack.extend(children)
    return found


def import_graph(root: Path, package: str = "reskb") -> dict[str, set[str]]:
    """Module -> the package's modules it imports (directly, or as the parent package of one it imports)."""
    modules = module_names(root, package)
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        here = name if path.name == "__init__.py" else name.rpartition(".")[0]
        targets: set[str] = set()
        for node in _imports(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets.update(alias.name for alias in node.names)
                continue
            base = node.module or ""
            if node.level:
                parts = here.split(".")[: len(here.split(".")) - node.level + 1]
                base = ".".join(parts + ([node.module] if node.module else []))
            targets.add(base)
            targets.update(f"{base}.{alias.name}" for alias in node.names)  # `from pkg import module`
        edges = set()
        for target in targets:
            parts = target.split(".")
            for i in range(2, len(parts) + 1):  # the target and the packages above it (not `reskb` itself)
                if ".".join(parts[:i]) in modules:
                    edges.add(".".join(parts[:i]))
        edges.discard(name)
        edges -= {p for p in edges if name.startswith(p + ".")}  # a module's own packages are imported first
        graph[name] = edges
    return graph


def find_cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle (as a closed path) for every group of modules that import each other (Tarjan's SCCs)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:  # recursion depth is bounded by the number of modules (a few dozen)
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return [_cycle_in(group, graph) for group in groups]


def _cycle_in(group: list[str], graph: dict[str, set[str]]) -> list[str]:
    """A closed path through the group's first module, found by breadth-first search inside the group."""
    start, members = group[0], set(group)
    came_from: dict[str, str] = {}
    frontier = [start]
    while frontier:
        following = []
        for node in frontier:
            for nxt in sorted(graph.get(node, set()) & members):
                if nxt == start:
                    path = [node]
                    while path[-1] != start:
                        path.append(came_from[path[-1]])
                    return [start, *reversed(path[:-1]), start]
                if nxt not in came_from:
                    came_from[nxt] = node
                    following.append(nxt)
        frontier = following
    return group


def _part(module: str) -> str:
    return ".".join(module.split(".")[:2])


def layer_violations(graph: dict[str, set[str]]) -> list[str]:
    out = []
    for module, targets in sorted(graph.items()):
        if module in BASE:
            allowed = BASE
        elif _part(module) in LAYERS:
            allowed = BASE | {_part(module)} | LAYERS[_part(module)]
        else:
            continue  # the command line may import any layer
        out += [f"{module} imports {t}" for t in sorted(targets) if _part(t) not in allowed and t not in allowed]
    return out


# --- the package --------------------------------------------------------------------------------


def test_the_package_has_no_import_cycles():
    cycles = find_cycles(import_graph(PACKAGE))
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_each_layer_imports_only_the_layers_below_it():
    problems = layer_violations(import_graph(PACKAGE))
    assert not problems, "\n".join(problems)


def test_every_module_is_in_a_layer_or_named_here():
    others = {m for m in import_graph(PACKAGE) if m not in BASE and _part(m) not in LAYERS}
    assert others <= {"reskb.cli"}, others


# --- the checks can fail -------------------------------------------------------------------------


def _package(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "pkg"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text, encoding="utf-8")
    return root


def test_a_cycle_through_a_function_level_import_is_found(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "pages.py": "from .sub.helpers import rel\n",
        "sub/__init__.py": "",
        "sub/helpers.py": "def rel():\n    from ..pages import x\n",
        "plain.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from .pages import x\n",
    })
    graph = import_graph(root, "pkg")
    assert graph["pkg.pages"] == {"pkg.sub", "pkg.sub.helpers"}
    assert graph["pkg.plain"] == set()  # TYPE_CHECKING imports never run
    assert find_cycles(graph) == [["pkg.pages", "pkg.sub.helpers", "pkg.pages"]]


def test_absolute_and_from_package_imports_count(tmp_path):
    root = _package(tmp_path, {
        "__init__.py": "",
        "a.py": "import pkg.b\n",
        "b.py": "from pkg import c\n",
        "c.py": "def f():\n    from . import a\n",
    })
    assert find_cycles(import_graph(root, "pkg")) == [["pkg.a", "pkg.b", "pkg.c", "pkg.a"]]


@pytest.mark.parametrize(("graph", "expected"), [
    ({"a": {"b"}, "b": {"c"}, "c": set()}, []),
    ({"a": {"b"}, "b": {"a"}, "c": {"a"}}, [["a", "b", "a"]]),
    ({"a": {"b"}, "b": {"c", "d"}, "c": {"a"}, "d": {"d2"}, "d2": {"d"}}, [["d", "d2", "d"], ["a", "b", "c", "a"]]),
])
def test_find_cycles_on_small_graphs(graph, expected):
    assert find_cycles(graph) == expected


def test_a_record_module_importing_the_site_is_a_violation():
    graph = {"reskb.records.curation": {"reskb.site.markdown", "reskb.problems"},
             "reskb.citations.syntax": {"reskb.records.loader"},
             "reskb.site.pages": {"reskb.records.catalogue"}}
    assert layer_violations(graph) == ["reskb.citations.syntax imports reskb.records.loader",
                                       "reskb.records.curation imports reskb.site.markdown"]
