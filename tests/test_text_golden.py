"""Golden files for the terminal: the advice text of each example, at 80 columns, byte for byte.

A changed label, sentence or rule shows here as a diff (the report has its own golden files). Rewrite
them on purpose with ``pytest tests/test_text_golden.py --regenerer-golden`` and review the diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest

from entadvisor.report.text import advice_text

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = dt.date(2026, 11, 29)
LARGEUR = 80


def text_of(path: Path) -> str:
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    return advice_text(evaluate(load_answers(path), as_of=AS_OF), largeur=LARGEUR) + "\n"


def differences(attendu: str, obtenu: str, nom: str) -> str:
    return "".join(
        difflib.unified_diff(
            attendu.splitlines(keepends=True),
            obtenu.splitlines(keepends=True),
            f"{nom} (référence)",
            "obtenu",
            n=1,
        )
    )


def test_every_example_has_a_text_golden_file() -> None:
    assert sorted(p.name for p in GOLDEN.glob("*.txt")) == sorted(f"{p.stem}.txt" for p in EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_terminal_text_matches_its_golden_file(example: Path, request: pytest.FixtureRequest) -> None:
    """The advice text at 80 columns equals tests/golden/<example>.txt exactly."""
    golden = GOLDEN / f"{example.stem}.txt"
    texte = text_of(example)
    if request.config.getoption("--regenerer-golden"):
        golden.write_text(texte, encoding="utf-8", newline="\n")
        pytest.skip(f"fichier de référence réécrit : {golden.relative_to(ROOT)} (relire le diff)")
    attendu = golden.read_text(encoding="utf-8")
    if texte != attendu:
        pytest.fail(
            f"le texte de {example.name} diffère de {golden.relative_to(ROOT)} (--regenerer-golden pour "
            f"l'accepter après relecture) :\n{differences(attendu, texte, golden.name)}"
        )
