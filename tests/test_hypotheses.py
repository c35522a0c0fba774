"""« Je ne sais pas » where a person may not know: the model accepts it, the questionnaire offers it, and
the engine treats it as the prudent value, named in the advice as an assumption to check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from entadvisor import evaluate
from entadvisor.answers import Answers, validate_answers
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.loader import load_questionnaire

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 12, 1)
BASE = yaml.safe_load(
    (ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml").read_text(encoding="utf-8")
)
QUESTIONS = {q.id: q for q in load_questionnaire().questions()}

# question → (prudent value, words of the vigilance message: the question, the value, whom to ask)
INCONNUES: dict[str, tuple[Any, tuple[str, ...]]] = {
    "communes_partenaires_interessees": (False, ("acheter avec vous", "aucun voisin", "mairies voisines")),
    "usages_numeriques": ("faibles", ("pratiques numériques", "faibles", "ERUN")),
    "equipement_ecoles": ("insuffisant", ("équipement et connexion", "insuffisants", "directeurs d'école")),
    "autorite_academique_associee": (False, ("autorité académique", "pas encore associée", "IEN")),
    "dpo_associe": (False, ("DPO", "pas encore associé", "direction générale des services")),
}


def _advice(**changes: Any) -> Any:
    return evaluate(validate_answers({**BASE, **changes}), as_of=AS_OF)


def _sans_hypotheses(advice: Any) -> dict[str, Any]:
    """The advice minus what only an assumption adds: its vigilance point, its rules, the answers given."""
    data = advice.model_dump(mode="json")
    data["vigilance"] = [v for v in data["vigilance"] if v["code"] != "reponse_inconnue"]
    data["trace"] = [
        {k: v for k, v in t.items() if k != "faits"}
        for t in data["trace"]
        if not t["regle"].startswith("HYP-")
    ]
    data.pop("reponses")
    return data


@pytest.mark.parametrize("question", list(INCONNUES))
def test_an_unknown_answer_gives_the_advice_of_its_prudent_value(question):
    """« ne_sait_pas » gives the same advice as the prudent value answered, plus the named assumption."""
    prudente, _ = INCONNUES[question]
    inconnue, connue = _advice(**{question: "ne_sait_pas"}), _advice(**{question: prudente})
    assert _sans_hypotheses(inconnue) == _sans_hypotheses(connue)
    assert "reponse_inconnue" in {v.code for v in inconnue.vigilance}
    assert "reponse_inconnue" not in {v.code for v in connue.vigilance}
    assert inconnue.reponses[question] == "ne_sait_pas"  # the answer file's words, not the assumption


@pytest.mark.parametrize("question", list(INCONNUES))
def test_the_assumption_names_the_question_the_value_and_whom_to_ask(question):
    """The vigilance message names the question, the value assumed and whom to ask."""
    advice = _advice(**{question: "ne_sait_pas"})
    (message,) = [v.message for v in advice.vigilance if v.code == "reponse_inconnue"]
    for mot in INCONNUES[question][1]:
        assert mot in message, (mot, message)
    assert message.startswith("Une réponse est inconnue")


def test_several_unknowns_make_one_vigilance_point_naming_each():
    """Five unknowns: one « reponse_inconnue » point, with the five assumptions in questionnaire order."""
    advice = _advice(**{q: "ne_sait_pas" for q in INCONNUES})
    messages = [v.message for v in advice.vigilance if v.code == "reponse_inconnue"]
    assert len(messages) == 1 and messages[0].startswith("5 réponses sont inconnues")
    positions = [messages[0].index(INCONNUES[q][1][0]) for q in INCONNUES]
    assert positions == sorted(positions)
    fired = [t.regle for t in advice.trace]
    assert fired[:5] == sorted(fired[:5]) and all(r.startswith("HYP-") for r in fired[:5])


@pytest.mark.parametrize("written", ["ne_sait_pas", "je ne sais pas", "NSP"])
def test_answer_files_accept_je_ne_sais_pas_for_a_yes_no_question_a_person_may_not_know(written):
    """A yes/no question a person may not know accepts « ne_sait_pas » (and « je ne sais pas », « nsp »)."""
    assert validate_answers({**BASE, "dpo_associe": written}).dpo_associe == "ne_sait_pas"


def test_a_question_everyone_knows_still_refuses_ne_sait_pas():
    """Whether the buyer has procurement staff is known: « ne_sait_pas » is refused, in French."""
    with pytest.raises(EntreeInvalide, match="service_marches"):
        validate_answers({**BASE, "service_marches": "ne_sait_pas"})


@pytest.mark.parametrize("question", list(INCONNUES))
def test_the_questionnaire_accepts_je_ne_sais_pas_and_says_what_follows(question):
    """Typing « je ne sais pas » (or nsp) stores « ne_sait_pas »; the help says what the advice assumes."""
    q = QUESTIONS[question]
    assert q.valider("je ne sais pas") == "ne_sait_pas" and q.valider("nsp") == "ne_sait_pas"
    assert q.afficher("ne_sait_pas") == ("Je ne sais pas" if q.type == "choix" else "je ne sais pas")
    assert q.ne_sait_pas is not None and "prudente" in q.ne_sait_pas.effet
    assert "ne_sait_pas" in str(Answers.model_json_schema()["properties"][question])
