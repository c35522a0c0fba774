"""Straight arrows: the package's imports, read with ``ast``, form no circle and reach no private name.

Every import counts, at the top of a module, under ``if TYPE_CHECKING:`` or inside a function: an
import moved into a function to dodge a circle is still a circle. A name starting with ``_`` is
private to its module; ``entadvisor._files``, ``entadvisor._yaml`` and the experta shim
``entadvisor.engine._experta`` are package-private *modules* whose public names anyone may import.
Only the shim imports experta (and the rule modules import their vocabulary from it).
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "entadvisor"
RULES = ROOT / "rules"
SHIM = "entadvisor.engine._experta"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {_module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _is_package(name: str) -> bool:
    return MODULES[name].name == "__init__.py"


def _imports(name: str, path: Path) -> Iterator[tuple[str, list[str], int]]:
    """Each import of a module: the module imported, the names taken from it, the line."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, [], node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - (node.level - 1)]
                target = ".".join([*base, node.module] if node.module else base)
            else:
                target = node.module or ""
            yield target, [alias.name for alias in node.names], node.lineno


def _edges(name: str, path: Path) -> Iterator[tuple[str, int]]:
    """The project's modules this module imports: ``from pkg import sub`` is an arrow to ``pkg.sub``."""
    for target, names, line in _imports(name, path):
        if target not in MODULES:
            continue
        submodules = [f"{target}.{n}" for n in names if f"{target}.{n}" in MODULES]
        yield from ((sub, line) for sub in submodules)
        if len(submodules) < len(names) or not names:
            yield target, line


GRAPH = {name: sorted(set(_edges(name, path))) for name, path in MODULES.items()}


def _cycles() -> list[list[str]]:
    """The strongly connected components of more than one module, or with a module importing itself."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = 0

    def visit(node: str) -> None:
        nonlocal counter
        index[node] = low[node] = counter
        counter += 1
        stack.append(node)
        on_stack.add(node)
        for target, _line in GRAPH[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1 or any(t == node for t, _ in GRAPH[node]):
                found.append(sorted(component))

    for node in GRAPH:
        if node not in index:
            visit(node)
    return found


def _arrows_within(component: list[str]) -> list[str]:
    members = set(component)
    return [
        f"{MODULES[source].relative_to(ROOT)}:{line} importe {target}"
        for source in component
        for target, line in GRAPH[source]
        if target in members and not (_is_package(source) and target.startswith(source + "."))
    ]


def test_the_graph_sees_every_kind_of_import():
    """Top-level, relative, ``from pkg import module``, TYPE_CHECKING and function-level imports are arrows."""
    assert {"entadvisor", "entadvisor.answers", "entadvisor.answer_files", SHIM} <= set(GRAPH)
    targets = {name: {target for target, _line in GRAPH[name]} for name in GRAPH}
    assert "entadvisor.answers" in targets["entadvisor.answer_files"]  # from entadvisor.answers import …
    assert "entadvisor.french_input" in targets["entadvisor.answers.model"]  # from entadvisor import …
    assert "entadvisor.web.formulaire" in targets["entadvisor.web.app"]  # from . import formulaire
    assert "entadvisor.api" in targets["entadvisor.cli"]  # inside a command's function


def test_no_module_imports_in_a_circle():
    circles = {" ↔ ".join(component): _arrows_within(component) for component in _cycles()}
    assert not circles, "imports en cercle :\n" + "\n".join(
        f"- {nom} :\n    " + "\n    ".join(arrows) for nom, arrows in circles.items()
    )


def _private(name: str) -> bool:
    """``_name`` is private to its module; ``__version__`` and the other dunders are not."""
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def test_no_module_imports_another_module_s_private_names():
    found = [
        f"{path.relative_to(ROOT)}:{line} importe {', '.join(private)} de {target}"
        for name, path in MODULES.items()
        for target, names, line in _imports(name, path)
        if target.startswith("entadvisor")
        and (private := [n for n in names if _private(n) and f"{target}.{n}" not in MODULES])
    ]
    assert not found, "noms privés importés d'un autre module :\n" + "\n".join(found)


@pytest.mark.parametrize(
    "path",
    [pytest.param(path, id=str(path.relative_to(ROOT))) for path in [*MODULES.values(), *RULES.glob("*.py")]],
)
def test_only_the_shim_imports_experta(path: Path):
    name = _module_name(path)
    experta = [line for target, _names, line in _imports(name, path) if target.split(".")[0] == "experta"]
    if name == SHIM:
        assert experta, "le module d'accès à experta ne l'importe plus"
    else:
        assert not experta, (
            f"{path.relative_to(ROOT)} importe experta (ligne {experta[0]}) : passez par {SHIM}"
        )
