"""The test suite checks what it seems to check: no assert whose condition is a conditional expression
(`assert a == b if c else d` asserts `(a == b) if c else d`, and `d` is usually a non-empty list that
always passes), no comparison whose result is thrown away, no local copy of a shared factory, a
benchmark that needs nothing from tests/, and nothing that breaks when pytest-xdist runs the files on several
workers at once."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MODULE_PATH = r"[a-z_]+(\.[a-z_]+)+(:[A-Za-z_]+)?"


def _sources(*places: str) -> Iterator[tuple[str, ast.Module]]:
    """(path from the root, parsed module) of each Python file in `places` (folders or files)."""
    for place in places:
        for path in sorted((ROOT / place).rglob("*.py")) if (ROOT / place).is_dir() else [ROOT / place]:
            name = str(path.relative_to(ROOT))
            yield name, ast.parse(path.read_text(), name)


def _is_comparison(node: ast.expr) -> bool:
    if isinstance(node, ast.Compare):
        return True
    if isinstance(node, ast.BoolOp):
        return any(_is_comparison(value) for value in node.values)
    return isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not) and _is_comparison(node.operand)


def mistakes(name: str, tree: ast.Module) -> list[str]:
    """`file:line: code` of each assert on a conditional expression and each unused comparison."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and isinstance(node.test, ast.IfExp):
            found.append(f"{name}:{node.lineno}: assert on a conditional expression: {ast.unparse(node.test)}")
        elif isinstance(node, ast.Expr) and _is_comparison(node.value):
            found.append(f"{name}:{node.lineno}: comparison never used: {ast.unparse(node.value)}")
    return found


def test_the_checks_catch_the_mistakes_they_name() -> None:
    source = """
def test_example(postgres, outcomes, report):
    assert outcomes == [1] if postgres else [2]
    assert outcomes == ([1] if postgres else [2])
    outcomes == [1]
    report.created == [] and report.updated == []
    not outcomes == [1]
    assert outcomes == [1]
    result = outcomes == [1]
"""
    assert mistakes("example.py", ast.parse(source)) == [
        "example.py:3: assert on a conditional expression: outcomes == [1] if postgres else [2]",
        "example.py:5: comparison never used: outcomes == [1]",
        "example.py:6: comparison never used: report.created == [] and report.updated == []",
        "example.py:7: comparison never used: not outcomes == [1]",
    ]


def test_no_test_or_benchmark_asserts_a_conditional_expression_or_drops_a_comparison() -> None:
    found = [mistake for name, tree in _sources("tests", "bench") for mistake in mistakes(name, tree)]
    assert found == []


def test_the_benchmark_imports_nothing_from_tests() -> None:
    """Neither an import statement nor a module path handed to uvicorn or `python -m` ("tests.x:app")."""
    found = []
    for name, tree in _sources("bench"):
        for node in ast.walk(tree):
            modules = [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            if isinstance(node, ast.ImportFrom) and node.module:
                modules = [node.module]
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and re.fullmatch(MODULE_PATH, node.value):
                modules = [node.value]
            found += [f"{name}:{node.lineno}: {module}" for module in modules if module.split(".")[0] == "tests"]
    assert found == []


def test_no_test_module_keeps_its_own_copy_of_a_shared_factory() -> None:
    """A local `make_user` shadows the shared one and drifts from it; extend tests/factories.py instead."""
    _, factories = next(_sources("tests/factories.py"))
    shared = {
        node.name
        for node in factories.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and not node.name.startswith("_")
    }
    found = [
        f"{name}:{node.lineno}: {node.name}"
        for name, tree in _sources("tests")
        if name != "tests/factories.py"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.name in shared
    ]
    assert shared >= {"make_user", "make_course", "make_lesson"}
    assert found == []


def parallel_hazards(name: str, tree: ast.Module) -> list[str]:
    """`file:line: code` of each port read straight from an environment variable (two xdist workers would both take
    it; tests/test_serve.port_from adds the worker's number) and each xdist_group marker (the suite runs
    `--dist loadfile`, and xdist 3.8's loadgroup does not see the marker under pytest 9)."""
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and ast.unparse(node.func) in {"os.environ.get", "os.getenv"} and node.args:
            variable = node.args[0]
            if isinstance(variable, ast.Constant) and str(variable.value).endswith("PORT"):
                found.append((node.lineno, f"fixed port without the worker's number: {ast.unparse(node)}"))
        elif isinstance(node, ast.Attribute) and node.attr == "xdist_group":
            found.append((node.lineno, f"xdist_group marker: {ast.unparse(node)}"))
    return [f"{name}:{line}: {hazard}" for line, hazard in sorted(found)]


def test_the_parallel_checks_catch_the_hazards_they_name() -> None:
    source = """
port = int(os.environ.get("CLIENTS_TEST_PORT") or free_port())
other = os.getenv("LEARNQL_TEST_SERVE_PORT")
pytestmark = pytest.mark.xdist_group("servers")
fine = port_from("CLIENTS_TEST_PORT")
url = os.environ.get("LEARNQL_TEST_REDIS_URL")
"""
    assert parallel_hazards("example.py", ast.parse(source)) == [
        "example.py:2: fixed port without the worker's number: os.environ.get('CLIENTS_TEST_PORT')",
        "example.py:3: fixed port without the worker's number: os.getenv('LEARNQL_TEST_SERVE_PORT')",
        "example.py:4: xdist_group marker: pytest.mark.xdist_group",
    ]


def test_no_test_takes_a_fixed_port_for_itself_or_counts_on_an_xdist_group() -> None:
    found = [
        hazard
        for name, tree in _sources("tests")
        if name not in {"tests/test_serve.py", "tests/test_suite_hygiene.py"}
        for hazard in parallel_hazards(name, tree)
    ]
    assert found == []
