"""The questionnaire flow, without any terminal: a scripted fake interface drives the state machine."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from entadvisor.answer_files import load_answers
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.questionnaire.model import INCONNU, RETOUR, Marque, Question
from entadvisor.questionnaire.parcours import LigneRevue, Parcours, Position, executer
from entadvisor.questionnaire.reponses_partielles import lire_reponses_partielles, texte_fichier

QUESTIONNAIRE = load_questionnaire()

# What a user types for a town of 12 schools with no ENT yet (25 questions asked).
SAISIES = {
    "nom_projet": "ENT des écoles de Saint-Martin",
    "nom_collectivite": "Commune de Saint-Martin",
    "porteur": "1",
    "competence_scolaire": "1",
    "nombre_communes": "1",
    "service_marches": "o",
    "communes_partenaires_interessees": "n",
    "nombre_ecoles": "12",
    "nombre_classes": "60",
    "nombre_eleves": "1400",
    "degres": "1",
    "ent_existant": "1",
    "usages_numeriques": "2",
    "equipement_ecoles": "2",
    "autorite_academique_associee": "o",
    "convention_partenariat": "2",
    "comite_pilotage": "n",
    "dpo_associe": "o",
    "accompagnement_prevu": "o",
    "offre_mutualisee": "4",
    "besoin": "1",
    "prix_eleve_an_ht": "",
    "couts_ponctuels_ht": "5000",
    "rentree_visee": "2027",
    "date_lancement": "",
}


class Script:
    """Fake interface: replays typed lines (parsed by the questions) and review choices; records all.

    When the script runs out, it raises KeyboardInterrupt, as a user pressing Ctrl-C would.
    """

    def __init__(self, saisies: list[str], revues: list[int | Marque | None] | None = None) -> None:
        self.saisies = list(saisies)
        self.revues = list(revues if revues is not None else [None])
        self.posees: list[tuple[str, Any]] = []
        self.positions: list[Position] = []
        self.problemes: list[list[Probleme]] = []
        self.messages: list[str] = []

    def demander(self, question: Question, position: Position, courant: Any, reponses: dict[str, Any]) -> Any:
        self.posees.append((question.id, courant))
        self.positions.append(position)
        if not self.saisies:
            raise KeyboardInterrupt
        texte = self.saisies.pop(0)
        return RETOUR if texte == "<" else question.saisie(texte, courant, reponses)

    def revoir(self, lignes: list[LigneRevue], problemes: list[Probleme]) -> int | Marque | None:
        self.problemes.append(problemes)
        if not self.revues:
            raise KeyboardInterrupt
        return self.revues.pop(0)

    def signaler(self, message: str) -> None:
        self.messages.append(message)

    @property
    def ids(self) -> list[str]:
        return [qid for qid, _ in self.posees]


def _saisies(**changes: str) -> list[str]:
    return list({**SAISIES, **changes}.values())


def test_full_run_gives_valid_answers() -> None:
    """25 answers then Enter at the review give the validated answers; unknowns are left out."""
    script = Script(_saisies())
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert (
        answers.nombre_eleves == 1400 and answers.prix_eleve_an_ht is None and answers.date_lancement is None
    )
    assert answers.offre_mutualisee == "ne_sait_pas" and answers.couts_ponctuels_ht == 5000
    assert len(script.posees) == 25
    assert "fin_contrat_actuel" not in script.ids and "specifications_precises" not in script.ids


def test_progress_counts_sections_and_questions() -> None:
    """Positions read « Section 3/7 · question 11/N », N shrinking once a condition is known false."""
    script = Script(_saisies())
    executer(Parcours(QUESTIONNAIRE), script)
    onze = script.positions[11]
    assert (onze.section, onze.sections, onze.titre_section, onze.numero, onze.total) == (
        3,
        7,
        "État des lieux",
        12,
        27,
    )
    assert script.positions[-1].numero == script.positions[-1].total == 25


def test_back_asks_the_previous_question_again_with_its_answer() -> None:
    """« < » goes back one question; the answer given is offered again, and then the flow goes on in order."""
    lignes = list(SAISIES.values())
    lignes[9:9] = ["<", "<", "6", ""]  # at nombre_eleves: back to classes, back to écoles → 6, keep 60
    script = Script(lignes)
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert script.ids[7:13] == [
        "nombre_ecoles",
        "nombre_classes",
        "nombre_eleves",
        "nombre_classes",
        "nombre_ecoles",
        "nombre_classes",
    ]
    assert script.posees[11] == ("nombre_ecoles", 12) and script.posees[12] == ("nombre_classes", 60)
    assert answers.nombre_ecoles == 6 and answers.nombre_classes == 60


def test_back_at_the_first_question_says_so() -> None:
    """There is nothing before the first question: the interface is told, the question is asked again."""
    script = Script(["<", *SAISIES.values()])
    executer(Parcours(QUESTIONNAIRE), script)
    assert script.ids[:2] == ["nom_projet", "nom_projet"]
    assert script.messages == ["C'est la première question : il n'y a pas de question précédente."]


def test_conditional_questions_follow_earlier_answers() -> None:
    """An existing ENT brings the end-of-contract question; a non-standard need brings the specification one."""
    lignes = _saisies(ent_existant="2", besoin="2")
    lignes.insert(12, "31/08/2027")  # fin_contrat_actuel, right after ent_existant
    lignes.insert(22, "n")  # specifications_precises, right after besoin
    script = Script(lignes)
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert script.ids[11:13] == ["ent_existant", "fin_contrat_actuel"]
    assert script.ids[21:23] == ["besoin", "specifications_precises"]
    assert answers.fin_contrat_actuel == dt.date(2027, 8, 31) and answers.specifications_precises is False


def test_review_edit_asks_only_that_question() -> None:
    """From the review, changing answer n° 8 asks that question alone, then shows the review again."""
    script = Script([*_saisies(), "14"], revues=[8, None])
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert script.posees[-1] == ("nombre_ecoles", 12)
    assert len(script.problemes) == 2 and answers.nombre_ecoles == 14


def test_review_edit_asks_newly_needed_questions() -> None:
    """Changing the need to « adaptations » at the review asks the new conditional question, then reviews."""
    numero = 21  # besoin in the review of the standard run
    script = Script([*_saisies(), "2", "o"], revues=[numero, None])
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert script.ids[-2:] == ["besoin", "specifications_precises"]
    assert answers.besoin == "adaptations" and answers.specifications_precises is True


def test_stale_answer_is_dropped_when_its_condition_stops_holding() -> None:
    """With an ENT, the contract end is answered; changing to « aucun » at the review removes it."""
    lignes = _saisies(ent_existant="3")
    lignes.insert(12, "31/08/2027")
    script = Script([*lignes, "1"], revues=[12, None])
    parcours = Parcours(QUESTIONNAIRE)
    answers = executer(parcours, script)
    assert answers.ent_existant == "aucun" and answers.fin_contrat_actuel is None
    assert "fin_contrat_actuel" not in parcours.reponses
    assert "fin_contrat_actuel" not in [ligne.question.id for ligne in parcours.revue()]


def test_back_from_the_edited_question_returns_to_the_review() -> None:
    """« < » while changing an answer from the review cancels the change."""
    script = Script([*_saisies(), "<"], revues=[8, None])
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert answers.nombre_ecoles == 12 and len(script.problemes) == 2


def test_back_from_the_review_reasks_the_last_question() -> None:
    """« < » at the review goes back to the last question asked."""
    script = Script([*_saisies(), "15/03/2027"], revues=[RETOUR, None])
    answers = executer(Parcours(QUESTIONNAIRE), script)
    assert script.posees[-1] == ("date_lancement", INCONNU)
    assert answers.date_lancement == dt.date(2027, 3, 15)


def test_inconsistent_answers_send_back_to_the_review() -> None:
    """More schools than classes (changed at the review) is shown at the review and must be fixed there."""
    revues: list[int | Marque | None] = [8, None, 9, None]
    script = Script([*_saisies(), "80", "90"], revues=revues)  # écoles → 80, then classes → 90
    answers = executer(Parcours(QUESTIONNAIRE), script)
    premier = script.problemes[1]
    assert [p.champ for p in premier] == ["nombre_classes"]
    assert "moins de classes (60) que d'écoles (80)" in premier[0].message
    assert script.messages == [
        "Corrigez d'abord les réponses signalées : tapez le numéro de la réponse à modifier."
    ]
    assert script.problemes[-1] == [] and answers.nombre_classes == 90


def test_enter_rechecks_a_kept_answer_against_moved_bounds() -> None:
    """After going back to raise the schools above the classes, Enter cannot keep the classes as they were."""
    lignes = list(SAISIES.values())
    lignes[10:10] = ["<", "<", "<", "80", ""]  # at degres: back to écoles → 80, then Enter at classes (60)
    script = Script(lignes)
    with pytest.raises(ValueError, match="entre 80 et 400 000"):  # a real interface re-asks; the fake stops
        executer(Parcours(QUESTIONNAIRE), script)
    assert script.posees[-1] == ("nombre_classes", 60)


def test_answers_are_saved_after_every_answer_and_kept_on_interruption() -> None:
    """``enregistrer`` runs after each answer; Ctrl-C propagates with every answer given in the state."""
    sauvegardes: list[dict[str, Any]] = []
    parcours = Parcours(QUESTIONNAIRE)
    script = Script(list(SAISIES.values())[:10])
    with pytest.raises(KeyboardInterrupt):
        executer(parcours, script, lambda p: sauvegardes.append(dict(p.reponses)))
    assert len(sauvegardes) == 10
    assert sauvegardes[-1] == parcours.reponses and parcours.reponses["nombre_eleves"] == 1400
    assert parcours.question is not None and parcours.question.id == "degres"


def test_resume_starts_at_the_first_unanswered_question() -> None:
    """Answered and « je ne sais pas » keys are not asked again; back from there reaches earlier answers."""
    premier = Parcours(QUESTIONNAIRE)
    with pytest.raises(KeyboardInterrupt):
        executer(premier, Script(_saisies(nombre_eleves="")[:11]))
    assert premier.inconnues == {"nombre_eleves"}
    reprise = Parcours(QUESTIONNAIRE, premier.reponses, premier.inconnues)
    assert reprise.question is not None and reprise.question.id == "ent_existant"
    script = Script(["<", "", *list(SAISIES.values())[11:]])
    answers = executer(reprise, script)
    assert script.posees[:3] == [("ent_existant", None), ("degres", "premier_degre"), ("ent_existant", None)]
    assert answers.nombre_eleves is None and answers.rentree_visee == 2027


def test_resume_of_a_complete_file_goes_to_the_review() -> None:
    """When every question has an answer, the flow starts at the review."""
    complet = Parcours(QUESTIONNAIRE)
    executer(complet, Script(_saisies()))
    reprise = Parcours(QUESTIONNAIRE, complet.reponses, complet.inconnues)
    assert reprise.en_revue and len(reprise.revue()) == 25


def test_unknown_is_refused_where_an_answer_is_needed() -> None:
    """The state machine itself refuses « je ne sais pas » for a required key."""
    parcours = Parcours(QUESTIONNAIRE, {"nom_projet": "x", "nom_collectivite": "y"})
    assert parcours.question is not None and parcours.question.id == "porteur"
    with pytest.raises(ValueError):
        parcours.repondre(INCONNU)


# --- partial answer files ---------------------------------------------------------------------


def test_partial_file_round_trip_keeps_every_answer(tmp_path: Path) -> None:
    """The file written after an answer is read back with the same answers and « je ne sais pas » keys."""
    parcours = Parcours(QUESTIONNAIRE)
    with pytest.raises(KeyboardInterrupt):
        executer(parcours, Script(_saisies(nombre_eleves="nsp")[:13]))
    chemin = tmp_path / "r.yaml"
    chemin.write_text(
        texte_fichier(parcours, "entadvisor questionnaire --reprendre r.yaml"), encoding="utf-8"
    )
    texte = chemin.read_text(encoding="utf-8")
    assert (
        "# Questionnaire en cours ; pour le reprendre : entadvisor questionnaire --reprendre r.yaml" in texte
    )
    assert "# je_ne_sais_pas: nombre_eleves" in texte
    assert lire_reponses_partielles(chemin, QUESTIONNAIRE) == (parcours.reponses, {"nombre_eleves"})


def test_complete_file_is_a_valid_answer_file(tmp_path: Path) -> None:
    """A finished questionnaire writes a file that ``load_answers`` accepts, YAML or JSON."""
    parcours = Parcours(QUESTIONNAIRE)
    answers = executer(parcours, Script(_saisies()))
    for nom, json_ in (("r.yaml", False), ("r.json", True)):
        chemin = tmp_path / nom
        chemin.write_text(texte_fichier(parcours, json_=json_), encoding="utf-8")
        assert load_answers(chemin) == answers
    assert "# Questionnaire complet." in (tmp_path / "r.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        pytest.param(
            "nombre_ecole: 3\n", "clé inconnue ; vouliez-vous dire « nombre_ecoles » ?", id="cle-proche"
        ),
        pytest.param("porteur: mairie\n", "« mairie » n'est pas une valeur permise", id="choix"),
        pytest.param("nombre_ecoles: 0\n", "il faut un nombre entier entre 1 et 60 000", id="bornes"),
        pytest.param("version: 2\n", "version « 2 » inconnue", id="version"),
        pytest.param("- 1\n- 2\n", "table de réponses", id="liste"),
        pytest.param("a: &x 1\nb: *x\n", "ancres et alias", id="alias"),
        pytest.param("nombre_ecoles: [\n", "YAML mal formé", id="yaml-casse"),
    ],
)
def test_bad_partial_files_are_refused(tmp_path: Path, contenu: str, message: str) -> None:
    """A resumed file is checked value by value; problems are French and name the field."""
    chemin = tmp_path / "r.yaml"
    chemin.write_text(contenu, encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        lire_reponses_partielles(chemin, QUESTIONNAIRE)
    assert message in str(error.value)
