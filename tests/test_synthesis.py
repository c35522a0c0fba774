"""The Advice's mapper (engine/synthesis.py): each part from the facts concluded and the notes written."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from entadvisor.answer_files import load_answers
from entadvisor.engine.knowledge import load_knowledge
from entadvisor.engine.synthesis import build_advice
from entadvisor.errors import EvaluationError

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
AS_OF = dt.date(2026, 11, 29)


class _Vue:
    """The engine after a run, seen without some fact classes, or with some twice."""

    def __init__(
        self, engine: Any, absentes: frozenset[str] = frozenset(), doubles: frozenset[str] = frozenset()
    ):
        self._engine, self._absentes, self._doubles = engine, absentes, doubles

    def derived(self, classes: frozenset[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        found = self._engine.derived(classes)
        for name in self._doubles:
            found[name] = [*found[name], {**found[name][0], "double": True}]
        return {name: facts for name, facts in found.items() if name not in self._absentes}

    def __getattr__(self, name: str) -> Any:
        return getattr(self._engine, name)


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return load_knowledge()


@pytest.fixture
def ran(knowledge):
    engine = knowledge.engine()
    answers = load_answers(EXAMPLE)
    engine.run_case(answers, AS_OF, AS_OF)
    yield engine, answers
    engine.run_case(answers, AS_OF, AS_OF)  # the next test's engine state is a fresh run's


@pytest.mark.parametrize(
    ("absentes", "doubles", "nommee"),
    [
        pytest.param(
            {"Experimentation", "Duree"},
            set(),
            "aucune règle n'a conclu sur « Experimentation »",
            id="exp-avant-duree",
        ),
        pytest.param(
            {"Duree", "Contrat"}, set(), "aucune règle n'a conclu sur « Duree »", id="duree-avant-contrat"
        ),
        pytest.param(
            {"Duree"},
            {"FormatExperimentation"},
            "concluent différemment sur « FormatExperimentation »",
            id="format-avant-duree",
        ),
        pytest.param(set(), {"Taille"}, "concluent différemment sur « Taille »", id="taille"),
    ],
)
def test_the_first_missing_or_doubled_conclusion_named_is_in_the_checking_order(
    ran, absentes, doubles, nommee
):
    """Two faults at once: the error names the class checked first (CONCLUES), whichever part maps it."""
    engine, answers = ran
    with pytest.raises(EvaluationError, match=nommee):
        build_advice(_Vue(engine, frozenset(absentes), frozenset(doubles)), answers, AS_OF, AS_OF)


def test_an_experimentation_format_is_optional(ran):
    engine, answers = ran
    advice = build_advice(_Vue(engine, frozenset({"FormatExperimentation"})), answers, AS_OF, AS_OF)
    assert advice.experimentation.format is None and advice.experimentation.duree_mois is None


def test_two_warnings_of_one_code_are_one_item_with_both_messages_in_order(ran):
    engine, answers = ran
    first = next(n for n in engine.notes if n["kind"] == "vigilance")
    engine.notes.append({**first, "message": "Second message.", "regle": "AUTRE-REGLE"})
    items = [v for v in build_advice(engine, answers, AS_OF, AS_OF).vigilance if v.code == first["code"]]
    assert len(items) == 1
    assert items[0].message == f"{first['message']} Second message." and items[0].regle == first["regle"]


def test_calendar_steps_are_sorted_by_dates_and_ties_keep_the_order_noted(ran):
    engine, answers = ran
    steps = [n for n in engine.notes if n["kind"] == "etape"]
    base = steps[0]
    engine.notes.extend(
        {**base, "etape": name, "libelle": name, "debut": dt.date(2000, 1, 1), "fin": dt.date(2000, 1, 2)}
        for name in ("b_tie", "a_tie")
    )
    calendrier = build_advice(engine, answers, AS_OF, AS_OF).calendrier
    assert [e.etape for e in calendrier[:2]] == ["b_tie", "a_tie"]
    dates = [(e.debut, e.fin) for e in calendrier]
    assert dates == sorted(dates)


def test_the_reasons_of_a_part_are_those_noted_under_its_subjects(ran):
    engine, answers = ran
    advice = build_advice(engine, answers, AS_OF, AS_OF)
    noted = [n for n in engine.notes if n["kind"] == "raison" and n["sujet"] in ("Duree", "Contrat")]
    assert [r.texte for r in advice.contrat.raisons] == [n["texte"] for n in noted] and noted
