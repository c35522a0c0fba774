"""Golden files: the report of each example answer file, analysed on 29 November 2026, byte for byte.

A change to a template, a label or a rule changes these files on purpose only: rewrite them with
``pytest tests/test_report_golden.py --regenerer-golden`` and review the diff before committing.
"""

from __future__ import annotations

import datetime as dt
import difflib
from pathlib import Path

import pytest

from entadvisor.report.render import render_report

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
GOLDEN = Path(__file__).resolve().parent / "golden"
AS_OF = dt.date(2026, 11, 29)


SENSIBILITE = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
"""The example whose report is also kept with the section « Ce qui changerait le conseil »."""


def render_example(path: Path, *, sensibilite: bool = False) -> str:
    """The report of one example answer file, with the fixed analysis date of the golden files."""
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    return render_report(evaluate(load_answers(path), as_of=AS_OF, sensibilite=sensibilite))


CASES = [pytest.param(p, False, f"{p.stem}.html", id=p.stem) for p in EXAMPLES] + [
    pytest.param(
        SENSIBILITE, True, f"{SENSIBILITE.stem}.sensibilite.html", id=f"{SENSIBILITE.stem}-sensibilite"
    )
]


def test_every_example_has_a_golden_file() -> None:
    """No stale golden file, none missing: one per example answer file."""
    assert EXAMPLES, "aucun exemple dans questionnaires/examples"
    expected = sorted(name for _, _, name in (case.values for case in CASES))
    assert sorted(p.name for p in GOLDEN.glob("*.html")) == expected


@pytest.mark.parametrize(("example", "sensibilite", "name"), CASES)
def test_report_matches_its_golden_file(
    example: Path, sensibilite: bool, name: str, request: pytest.FixtureRequest
) -> None:
    """The rendered report equals tests/golden/<example>.html exactly."""
    golden = GOLDEN / name
    html = render_example(example, sensibilite=sensibilite)
    if request.config.getoption("--regenerer-golden"):
        GOLDEN.mkdir(exist_ok=True)
        golden.write_text(html, encoding="utf-8", newline="\n")
        pytest.skip(f"fichier de référence réécrit : {golden.relative_to(ROOT)} (relire le diff)")
    if not golden.exists():
        pytest.fail(
            f"{golden.relative_to(ROOT)} absent : lancez pytest --regenerer-golden et relisez le résultat"
        )
    expected = golden.read_text(encoding="utf-8")
    if html != expected:
        diff = difflib.unified_diff(
            expected.splitlines(), html.splitlines(), "attendu (golden)", "obtenu", lineterm="", n=1
        )
        shown = "\n".join(list(diff)[:80])
        pytest.fail(
            f"le rapport de {example.name} diffère de {golden.relative_to(ROOT)} "
            f"(pytest --regenerer-golden pour l'accepter après relecture) :\n{shown}"
        )
