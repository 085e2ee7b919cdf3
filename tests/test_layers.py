"""Dependencies point one way: graph -> domain <- workers, and only the entry points (learnql/) see
both sides. Every import statement counts, also those inside functions or under TYPE_CHECKING.

`uv run python -m tests.test_layers` prints the imports between the top-level packages."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("graph", "domain", "workers", "learnql")
FORBIDDEN = {
    "domain": {"graph", "workers", "learnql"},
    "graph": {"workers", "learnql"},
    "workers": {"graph", "learnql"},
    "learnql": set(),
}


def imported_packages(path: Path) -> set[str]:
    """The top-level packages a module imports (relative imports stay inside its own package)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found


def import_graph() -> dict[str, dict[str, set[str]]]:
    """For each package: the project packages it imports, and from which of its modules."""
    graph: dict[str, dict[str, set[str]]] = {package: defaultdict(set) for package in PACKAGES}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            module = path.relative_to(ROOT).as_posix()
            for imported in imported_packages(path) & set(PACKAGES) - {package}:
                graph[package][imported].add(module)
    return graph


@pytest.mark.parametrize("package", PACKAGES)
def test_a_package_imports_no_package_above_it(package: str) -> None:
    edges = import_graph()[package]

    assert {imported: sorted(edges[imported]) for imported in FORBIDDEN[package] if imported in edges} == {}


def test_the_graph_sees_real_imports() -> None:
    """The check above can fail: the entry points do import both sides."""
    edges = import_graph()["learnql"]

    assert {"graph", "domain", "workers"} <= set(edges)


if __name__ == "__main__":
    for package, edges in import_graph().items():
        for imported, modules in sorted(edges.items()):
            print(f"{package} -> {imported}  ({len(modules)} modules)")
