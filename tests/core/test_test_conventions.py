"""The tests' own conventions (issue 10): the root conftest knows no pillar, and no fixture is named
like a test (pytest would also collect it as one, or a reader would take it for one)."""

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
PILLARS = {"party", "government", "economy", "society", "border_gate"}


def _imported_modules(tree: ast.AST) -> set[str]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.add(node.module)
    return found


def _is_fixture(decorator: ast.expr) -> bool:
    target = decorator.func if isinstance(decorator, ast.Call) else decorator
    return (isinstance(target, ast.Attribute) and target.attr == "fixture") or (
        isinstance(target, ast.Name) and target.id == "fixture"
    )


def test_the_root_conftest_imports_no_pillar():
    modules = _imported_modules(ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8")))
    pillars = sorted(m for m in modules if m.split(".")[0] in PILLARS or m.split(".")[:2][-1] in PILLARS)
    assert not pillars, f"tests/conftest.py imports {pillars}: a pillar's fixtures go in tests/<app>/conftest.py"


def test_no_fixture_is_named_like_a_test():
    named_like_tests = [
        f"{path.relative_to(TESTS)}::{node.name}"
        for path in sorted(TESTS.rglob("*.py"))
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test")
        and any(_is_fixture(d) for d in node.decorator_list)
    ]
    assert not named_like_tests, named_like_tests


def test_the_checks_see_what_they_look_for():
    tree = ast.parse("import pytest\nfrom economy.models import Wallet\n@pytest.fixture\ndef test_data():\n    pass\n")
    assert "economy.models" in _imported_modules(tree)
    function = next(n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef))
    assert _is_fixture(function.decorator_list[0])
