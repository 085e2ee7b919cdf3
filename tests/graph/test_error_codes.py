"""UserErrorCode lists every code a domain error can carry: read from the source, so a new code fails
here until it is added to graph/error_codes.py (and thereby to the schema typed clients use)."""

from __future__ import annotations

import ast
import logging
from collections.abc import Iterator
from pathlib import Path

import pytest

from graph.error_codes import UserErrorCode

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("domain", "graph", "workers")


def _name(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _strings(node: ast.expr | None) -> Iterator[str]:
    """A literal code, or both codes of `a if ... else b`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.IfExp):
        yield from _strings(node.body)
        yield from _strings(node.orelse)


def _error_classes(trees: list[ast.Module]) -> set[str]:
    """DomainError and every class deriving from it, by name, to any depth."""
    classes = {"DomainError"}
    grown = True
    while grown:
        grown = False
        for tree in trees:
            for node in ast.walk(tree):
                if not isinstance(node, ast.ClassDef) or node.name in classes:
                    continue
                if any(_name(base) in classes for base in node.bases):
                    classes.add(node.name)
                    grown = True
    return classes


def _code_helpers(trees: list[ast.Module], errors: set[str]) -> dict[str, tuple[int, ast.FunctionDef]]:
    """Functions that pass their own `code` parameter on to a domain error (`invalid(message, field,
    code)`), with the position of that parameter as callers see it (without `self`)."""
    helpers: dict[str, tuple[int, ast.FunctionDef]] = {}
    for tree in trees:
        for node in ast.walk(tree):
            if not isinstance(node, ast.FunctionDef):
                continue
            names = [arg.arg for arg in node.args.args]
            if "code" not in names:
                continue
            forwards = any(
                isinstance(call, ast.Call)
                and _name(call.func) in errors
                and any(
                    k.arg == "code" and isinstance(k.value, ast.Name) and k.value.id == "code" for k in call.keywords
                )
                for call in ast.walk(node)
            )
            if forwards:
                helpers[node.name] = (names.index("code") - (names[:1] == ["self"]), node)
    return helpers


def domain_error_codes() -> set[str]:
    trees = [ast.parse(path.read_text(), str(path)) for package in PACKAGES for path in (ROOT / package).rglob("*.py")]
    errors = _error_classes(trees)
    helpers = _code_helpers(trees, errors)
    codes: set[str] = set()
    for _, helper in helpers.values():  # their defaults
        defaults = helper.args.defaults
        names = [arg.arg for arg in helper.args.args][-len(defaults) :] if defaults else []
        codes.update(
            code for name, default in zip(names, defaults, strict=True) if name == "code" for code in _strings(default)
        )
    for tree in trees:
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef) and node.name in errors:  # `code = "..."` of an error class
                for item in node.body:
                    if isinstance(item, ast.Assign) and any(_name(t) == "code" for t in item.targets):
                        codes.update(_strings(item.value))
            if isinstance(node, ast.Call) and (_name(node.func) in errors or _name(node.func) in helpers):
                codes.update(code for k in node.keywords if k.arg == "code" for code in _strings(k.value))
                position = helpers.get(_name(node.func) or "", (None, None))[0]
                if position is not None and len(node.args) > position:
                    codes.update(_strings(node.args[position]))
    return codes


def test_every_code_the_domain_raises_is_a_user_error_code() -> None:
    codes = domain_error_codes()

    missing = codes - {member.value for member in UserErrorCode}
    assert not missing, f"add these codes to graph/error_codes.py (UserErrorCode): {sorted(missing)}"


def test_the_scan_finds_codes_in_every_form_the_source_uses() -> None:
    codes = domain_error_codes()

    assert {"NOT_FOUND", "IDEMPOTENCY_KEY_REUSED"} <= codes  # class attributes
    assert {"SLUG_TAKEN", "NOT_A_PDF"} <= codes  # code= on an error, in domain/ and in graph/
    assert {"TOO_LONG", "WRONG_TYPE"} <= codes  # positional, through helpers that pass `code` on


def test_a_code_missing_from_the_enum_still_answers_as_invalid_and_is_logged(
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.ERROR, logger="learnql.errors"):
        assert UserErrorCode.of("NOT_A_CODE_YET") is UserErrorCode.INVALID

    assert "NOT_A_CODE_YET" in caplog.text
    assert UserErrorCode.of("SLUG_TAKEN") is UserErrorCode.SLUG_TAKEN
