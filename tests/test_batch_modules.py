"""The batch package stays readable: modules of at most about 350 lines, functions of at most about 60.

Issue 11 asks it of the whole package; this file checks ``entadvisor/batch/`` (its own area), read
with ``ast``: a function is counted from its ``def`` to its last line (decorators aside, the
docstring included).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

BATCH = Path(__file__).resolve().parent.parent / "entadvisor" / "batch"
LIGNES_MAX = 350
FONCTION_MAX = 60
MODULES = sorted(BATCH.glob("*.py"))


def test_the_batch_package_has_its_parts() -> None:
    """The run, its inputs, outputs, synthesis, index, words and summary each have a module."""
    noms = {module.stem for module in MODULES}
    assert {"run", "entrees", "outputs", "synthese", "index", "mots", "bilan", "cli"} <= noms


@pytest.mark.parametrize("module", [pytest.param(m, id=m.name) for m in MODULES])
def test_a_batch_module_is_short(module: Path) -> None:
    texte = module.read_text(encoding="utf-8")
    lignes = len(texte.splitlines())
    assert lignes <= LIGNES_MAX, f"{module.name} : {lignes} lignes (au plus {LIGNES_MAX})"
    longues = [
        f"{module.name}:{noeud.lineno} {noeud.name} ({noeud.end_lineno - noeud.lineno + 1} lignes)"
        for noeud in ast.walk(ast.parse(texte, str(module)))
        if isinstance(noeud, ast.FunctionDef | ast.AsyncFunctionDef)
        and noeud.end_lineno is not None
        and noeud.end_lineno - noeud.lineno + 1 > FONCTION_MAX
    ]
    assert not longues, f"fonctions de plus de {FONCTION_MAX} lignes : " + ", ".join(longues)
