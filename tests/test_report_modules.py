"""The report's package stays in modules of a readable size: each at most 350 lines, each function at most 60.

Issue 11 (item 5) sets these sizes for the whole package; this test holds them for ``entadvisor/report``,
whose long modules were split (view → view, parties, valeurs, textes, figures; charts → charts, gantt,
seuils; docx → docx, arbre).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPORT = Path(__file__).resolve().parent.parent / "entadvisor" / "report"
MODULES = sorted(REPORT.glob("*.py"))
MAX_LIGNES_MODULE = 350
MAX_LIGNES_FONCTION = 60


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_module_of_the_report_is_short(path: Path) -> None:
    lignes = len(path.read_text(encoding="utf-8").splitlines())
    assert lignes <= MAX_LIGNES_MODULE, f"{path.name} : {lignes} lignes (au plus {MAX_LIGNES_MODULE})"


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_each_function_of_the_report_is_short(path: Path) -> None:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    longues = [
        f"{path.name}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lignes)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_LIGNES_FONCTION
    ]
    assert not longues, f"fonctions de plus de {MAX_LIGNES_FONCTION} lignes :\n" + "\n".join(longues)
