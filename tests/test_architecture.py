"""The shape of the code, checked: services in capability packages, layered, and no import circles.

These read the source with :mod:`ast` (imports under ``TYPE_CHECKING`` count like any other), so
a change that breaks the layering fails here before anyone has to notice it in review.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

SOURCE = Path(__file__).resolve().parent.parent / "src"
SERVICES = SOURCE / "cognitio" / "services"
# The service packages, lowest first: each imports only from itself and those before it (the
# same list, with what each owns, is the docstring of cognitio.services).
LAYERS = (
    "common",
    "events",
    "iam",
    "security",
    "sts",
    "pools",
    "mfa",
    "clients",
    "tokens",
    "triggers",
    "messages",
    "users",
    "signin",
    "federation",
    "oauth",
    "hosted",
    "identity",
)


def _module_name(path: Path) -> str:
    parts = path.with_suffix("").relative_to(SOURCE).parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, module) of every ``cognitio`` import in ``path``; ``from a import b`` gives both
    ``a`` and ``a.b``, since ``b`` may be a module."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("cognitio"):
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("cognitio"):
                    yield node.lineno, alias.name


def _graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in SOURCE.rglob("*.py")}
    return {
        name: {target for _, target in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def _circles(graph: dict[str, set[str]]) -> list[set[str]]:
    """The strongly connected components of more than one module (Tarjan, iteratively)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[set[str]] = []
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = len(index)
        stack.append(root)
        on_stack.add(root)
        while work:
            node, edges = work[-1]
            step = next(edges, None)
            if step is not None:
                if step not in index:
                    index[step] = low[step] = len(index)
                    stack.append(step)
                    on_stack.add(step)
                    work.append((step, iter(sorted(graph[step]))))
                elif step in on_stack:
                    low[node] = min(low[node], index[step])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                if len(component) > 1:
                    found.append(component)
    return found


def test_every_service_module_is_in_a_capability_package() -> None:
    loose = sorted(path.name for path in SERVICES.glob("*.py") if path.name != "__init__.py")
    assert loose == []
    packages = sorted(path.name for path in SERVICES.iterdir() if (path / "__init__.py").exists())
    assert packages == sorted(LAYERS)
    for package in LAYERS:
        docstring = ast.get_docstring(ast.parse((SERVICES / package / "__init__.py").read_text()))
        assert docstring and "Imports" in docstring, f"{package} says what it owns and imports"


def test_service_packages_import_only_downward() -> None:
    rank = {package: position for position, package in enumerate(LAYERS)}
    upward = []
    for path in sorted(SERVICES.rglob("*.py")):
        package = path.relative_to(SERVICES).parts[0]
        if package not in rank:
            continue
        for line, target in _imports(path):
            parts = target.split(".")
            edge = parts[1] in {"api", "wire", "web"}
            above = parts[1] == "services" and rank.get("".join(parts[2:3]), -1) > rank[package]
            if edge or above:
                upward.append(f"{path.relative_to(SOURCE)}:{line} imports {target}")
    assert upward == []


def test_no_module_imports_another_in_a_circle() -> None:
    assert _circles(_graph()) == []


def test_the_circle_finder_finds_circles() -> None:
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}, "e": set()}
    assert _circles(graph) == [{"a", "b", "c"}]


# Only the edges speak AWS's dicts; inside, a JSON document is typed as JSON (cognitio.documents).
_EDGES = ("api", "wire")


def _any_dicts(path: Path) -> Iterator[int]:
    """Lines of ``path`` that write ``dict[str, Any]`` or ``Mapping[str, Any]``."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Subscript) or not isinstance(node.slice, ast.Tuple):
            continue
        base = node.value.attr if isinstance(node.value, ast.Attribute) else None
        if isinstance(node.value, ast.Name):
            base = node.value.id
        items = node.slice.elts
        if (
            base in {"dict", "Dict", "Mapping", "MutableMapping"}
            and len(items) == 2
            and isinstance(items[1], ast.Name)
            and items[1].id == "Any"
        ):
            yield node.lineno


def test_aws_dicts_stay_at_the_edges() -> None:
    found = [
        f"{path.relative_to(SOURCE)}:{line}"
        for path in sorted((SOURCE / "cognitio").rglob("*.py"))
        if path.relative_to(SOURCE / "cognitio").parts[0] not in _EDGES
        for line in _any_dicts(path)
    ]
    assert found == []


def test_the_any_dict_finder_finds_them(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from typing import Any\n"
        "a: dict[str, Any] = {}\n"
        "b: typing.Mapping[str, Any]\n"
        "c: dict[str, object] = {}\n"
        "def f(x: list[dict[str, Any]]) -> None: ...\n"
    )
    assert list(_any_dicts(sample)) == [2, 3, 5]
