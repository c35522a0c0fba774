"""The suite notices a changed word, a misspelt note kind and a shifted threshold (issue 9, the mutation habit).

Each mutation is applied to a copy (of the knowledge base, or of one label) and the check the suite runs
on the real one must fail on it: the knowledge cases for the rules and parameters, the golden files for
the words a user reads.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from plugin_cas import check_case

from entadvisor.errors import EvaluationError
from entadvisor.report import text

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


def _cases() -> list[dict]:
    found = []
    for path in CASES:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += content["cases"] if isinstance(content, dict) and "cases" in content else [content]
    return found


def _copie(tmp_path: Path) -> Path:
    regles = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", regles, ignore=shutil.ignore_patterns("__pycache__"))
    return regles


def _echecs(regles: Path) -> int:
    """How many knowledge cases fail (or raise) with the knowledge base in ``regles``."""
    echecs = 0
    for case in _cases():
        try:
            echecs += bool(check_case(case, knowledge=regles))
        except EvaluationError:
            echecs += 1
    return echecs


def test_the_cases_pass_on_an_unchanged_copy(tmp_path: Path) -> None:
    """The control: a faithful copy of the knowledge base passes every case."""
    assert _echecs(_copie(tmp_path)) == 0


def test_a_misspelt_note_kind_is_an_error_not_a_lost_reason(tmp_path: Path) -> None:
    """« raison » → « raisons » in one rule: the evaluation fails loudly, naming the kind."""
    regles = _copie(tmp_path)
    module = regles / "contrat.py"
    source = module.read_text(encoding="utf-8")
    assert '"raison",' in source
    module.write_text(source.replace('"raison",', '"raisons",', 1), encoding="utf-8")
    assert _echecs(regles) > 0
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    with pytest.raises(EvaluationError, match="raisons"):
        evaluate(
            load_answers(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"), knowledge=regles
        )


def test_a_shifted_threshold_fails_the_cases_on_both_sides_of_it(tmp_path: Path) -> None:
    """The dispense threshold moved from 60 000 to 61 000 € HT: the boundary cases notice."""
    regles = _copie(tmp_path)
    seuils = regles / "parameters" / "seuils.yaml"
    source = seuils.read_text(encoding="utf-8")
    assert source.count("value: 60000") >= 1
    seuils.write_text(source.replace("value: 60000", "value: 61000", 1), encoding="utf-8")
    assert _echecs(regles) > 0


def test_a_changed_terminal_label_fails_the_text_golden_files(monkeypatch: pytest.MonkeyPatch) -> None:
    """« procédure adaptée (MAPA) » worded otherwise in the terminal: a golden text file differs."""
    from test_text_golden import EXAMPLES, GOLDEN, text_of

    assert all(text_of(p) == (GOLDEN / f"{p.stem}.txt").read_text(encoding="utf-8") for p in EXAMPLES)
    code = next(iter(text.PROCEDURES))
    monkeypatch.setitem(text.PROCEDURES, code, text.PROCEDURES[code] + " (modifié)")
    assert any(text_of(p) != (GOLDEN / f"{p.stem}.txt").read_text(encoding="utf-8") for p in EXAMPLES)
