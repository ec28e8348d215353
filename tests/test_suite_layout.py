"""The shape of the test suite, checked: test modules share helpers through tests/helpers, never
by importing one another, so that changing one test module cannot break another's imports and no
fixture travels between them unseen."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

TESTS = Path(__file__).resolve().parent


def _is_test_module(dotted: str) -> bool:
    return any(part.startswith("test_") for part in dotted.split("."))


def _test_module_imports(tree: ast.Module) -> Iterator[tuple[int, str]]:
    """(line, module) of every import of a ``test_*`` module, absolute or relative, at any depth;
    ``from a import b`` counts ``a.b`` too, since ``b`` may be a module."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            module = "." * node.level + (node.module or "")
            names = [module] + [f"{module}.{alias.name}" for alias in node.names]
        else:
            continue
        for name in names:
            if _is_test_module(name):
                yield node.lineno, name
                break


def test_no_test_module_imports_another() -> None:
    modules = sorted(TESTS.rglob("test_*.py"))
    assert len(modules) > 50, "the test modules were not found"
    found = [
        f"{path.relative_to(TESTS.parent)}:{line} imports {name}"
        for path in modules
        for line, name in _test_module_imports(ast.parse(path.read_text(), str(path)))
    ]
    assert not found, "move what they share into tests/helpers:\n" + "\n".join(found)
