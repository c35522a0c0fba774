"""The answers and the questionnaire stay in modules of a readable size: each at most 350 lines, each
function at most 60.

Issue 11 (item 5) sets these sizes for the whole package; this test holds them for the answers
(``entadvisor/answers/``, once one 512-line ``answers.py``: model, forms, messages, validation, dates),
the answer files and the questionnaire (``model.py`` split into model and lecture, ``parcours.py``
into parcours and reponses_partielles).
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "entadvisor"
MODULES = [
    *sorted((PACKAGE / "answers").glob("*.py")),
    PACKAGE / "answer_files.py",
    *sorted((PACKAGE / "questionnaire").glob("*.py")),
]
MAX_LIGNES_MODULE = 350
MAX_LIGNES_FONCTION = 60


def _nom(path: Path) -> str:
    return str(path.relative_to(PACKAGE))


def _longues(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    return [
        f"{_nom(path)}:{node.lineno} {node.name} ({node.end_lineno - node.lineno + 1} lignes)"
        for node in ast.walk(tree)
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.end_lineno is not None
        and node.end_lineno - node.lineno + 1 > MAX_LIGNES_FONCTION
    ]


def test_the_modules_are_found() -> None:
    """The list is not empty by mistake: the answers package and its five modules are there."""
    noms = {_nom(path) for path in MODULES}
    assert {"answers/model.py", "answers/forms.py", "answers/messages.py", "answers/validation.py"} <= noms
    assert {"questionnaire/model.py", "questionnaire/lecture.py", "questionnaire/parcours.py"} <= noms


@pytest.mark.parametrize("path", MODULES, ids=_nom)
def test_each_module_of_the_answers_and_the_questionnaire_is_short(path: Path) -> None:
    lignes = len(path.read_text(encoding="utf-8").splitlines())
    assert lignes <= MAX_LIGNES_MODULE, f"{_nom(path)} : {lignes} lignes (au plus {MAX_LIGNES_MODULE})"


@pytest.mark.parametrize("path", MODULES, ids=_nom)
def test_each_function_of_the_answers_and_the_questionnaire_is_short(path: Path) -> None:
    longues = _longues(path)
    assert not longues, f"fonctions de plus de {MAX_LIGNES_FONCTION} lignes :\n" + "\n".join(longues)
