"""Typed answers are parsed the French way, and refused with a French message saying what is expected."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.questionnaire.model import INCONNU

QUESTIONS = {q.id: q for q in load_questionnaire().questions()}


@pytest.mark.parametrize(
    ("key", "typed", "expected"),
    [
        pytest.param("porteur", "2", "epci", id="choix-numero"),
        pytest.param("porteur", " epci ", "epci", id="choix-valeur"),
        pytest.param("porteur", "un département", "departement", id="choix-libelle-sans-accent"),
        pytest.param("offre_mutualisee", "nsp", "ne_sait_pas", id="choix-nsp-est-une-valeur"),
        pytest.param("offre_mutualisee", "Je ne sais pas", "ne_sait_pas", id="choix-libelle-nsp"),
        pytest.param("service_marches", "o", True, id="oui-o"),
        pytest.param("service_marches", "OUI", True, id="oui-majuscules"),
        pytest.param("service_marches", "non", False, id="non"),
        pytest.param("nombre_ecoles", "1 200", 1200, id="entier-espace"),
        pytest.param("nombre_ecoles", "12 écoles", 12, id="entier-avec-unite"),
        pytest.param("prix_eleve_an_ht", "3,50", 3.5, id="nombre-virgule"),
        pytest.param("prix_eleve_an_ht", "2.8 € HT", 2.8, id="nombre-point-euros"),
        pytest.param("couts_ponctuels_ht", "12 000", 12000, id="nombre-entier"),
        pytest.param("date_lancement", "15/01/2027", dt.date(2027, 1, 15), id="date-francaise"),
        pytest.param("date_lancement", "2027-01-15", dt.date(2027, 1, 15), id="date-iso"),
        pytest.param("date_lancement", "1er septembre 2027", dt.date(2027, 9, 1), id="date-en-lettres"),
        pytest.param("rentree_visee", "2027", 2027, id="annee"),
        pytest.param("rentree_visee", "2027-2028", 2027, id="annee-scolaire"),
        pytest.param("nom_projet", "  ENT   de Saint-Martin ", "ENT de Saint-Martin", id="texte-espaces"),
        pytest.param("nombre_eleves", "je ne sais pas", INCONNU, id="nsp-facultative"),
    ],
)
def test_accepted_answers(key: str, typed: str, expected: Any) -> None:
    """Numbers, labels, French yes/no, French decimals and dates are understood."""
    assert QUESTIONS[key].valider(typed) == expected


@pytest.mark.parametrize(
    ("key", "typed", "earlier", "message"),
    [
        pytest.param(
            "porteur", "9", {}, "« 9 » n'est pas un des choix : tapez un numéro, de 1 à 6.", id="choix-hors"
        ),
        pytest.param("porteur", "mairie", {}, "tapez un numéro, de 1 à 6", id="choix-inconnu"),
        pytest.param("nombre_ecoles", "douze", {}, "« douze » n'est pas un nombre entier", id="entier-mot"),
        pytest.param("nombre_ecoles", "12,5", {}, "n'est pas un nombre entier", id="entier-decimal"),
        pytest.param(
            "nombre_ecoles", "0", {}, "il faut un nombre entier entre 1 et 60 000", id="entier-sous-mini"
        ),
        pytest.param(
            "nombre_classes",
            "10",
            {"nombre_ecoles": 12},
            "il faut un nombre entier entre 12 et 400 000 (chaque école compte au moins une classe)",
            id="entier-borne-relative",
        ),
        pytest.param(
            "nombre_eleves",
            "5000",
            {"nombre_classes": 60},
            "entre 300 et 2 100 (de 5 à 35 élèves par classe en moyenne)",
            id="eleves-par-classe",
        ),
        pytest.param(
            "prix_eleve_an_ht", "0", {}, "il faut un nombre supérieur à 0, au plus 1 000", id="prix-nul"
        ),
        pytest.param("prix_eleve_an_ht", "trois", {}, "tapez par exemple 3,50", id="nombre-mot"),
        pytest.param("service_marches", "peut-être", {}, "répondez par o (oui) ou n (non)", id="oui-non"),
        pytest.param(
            "date_lancement", "31/02/2027", {}, "n'est pas une date qui existe", id="date-impossible"
        ),
        pytest.param("date_lancement", "bientôt", {}, "tapez par exemple 15/01/2027", id="date-mot"),
        pytest.param("rentree_visee", "27", {}, "n'est pas une année", id="annee-courte"),
        pytest.param("rentree_visee", "1999", {}, "il faut une année entre 2000 et 2100", id="annee-hors"),
        pytest.param("nom_projet", "x" * 201, {}, "201 caractères ; 200 au plus", id="texte-long"),
        pytest.param(
            "nombre_ecoles",
            "nsp",
            {},
            "« Je ne sais pas » n'est pas possible ici : le conseil dépend de cette réponse. Tapez un nombre entier",
            id="nsp-refuse",
        ),
    ],
)
def test_refused_answers_say_what_is_expected(
    key: str, typed: str, earlier: dict[str, Any], message: str
) -> None:
    """Bad input at each kind of question raises ValueError with a French message and an example."""
    with pytest.raises(ValueError) as error:
        QUESTIONS[key].valider(typed, earlier)
    assert message in str(error.value)


def test_enter_keeps_current_then_default_then_unknown() -> None:
    """An empty line keeps the current answer, else takes the default, else means « je ne sais pas »."""
    assert QUESTIONS["porteur"].saisie("", courant="epci") == "epci"
    assert QUESTIONS["porteur"].saisie("") == "commune"
    assert QUESTIONS["couts_ponctuels_ht"].saisie("") == 0
    assert QUESTIONS["nombre_eleves"].saisie("") is INCONNU
    assert QUESTIONS["nombre_eleves"].saisie("", courant=INCONNU) is INCONNU
    with pytest.raises(ValueError, match=r"Rien n.a été tapé\. Tapez"):
        QUESTIONS["nombre_ecoles"].saisie("  ")


@pytest.mark.parametrize(
    ("key", "value", "shown", "typed_again"),
    [
        pytest.param(
            "porteur",
            "syndicat_scolaire",
            "Un syndicat scolaire (syndicat intercommunal à vocation unique ou scolaire, SIVU ou SIVOS)",
            "3",
            id="choix",
        ),
        pytest.param("service_marches", True, "oui", "o", id="oui"),
        pytest.param("nombre_eleves", 12000, "12 000", "12 000", id="entier"),
        pytest.param("prix_eleve_an_ht", 2.8, "2,80 € HT", "2,80", id="nombre"),
        pytest.param("date_lancement", dt.date(2027, 1, 5), "05/01/2027", "05/01/2027", id="date"),
        pytest.param("rentree_visee", 2027, "2027", "2027", id="annee"),
        pytest.param("nombre_eleves", INCONNU, "je ne sais pas", "je ne sais pas", id="inconnu"),
    ],
)
def test_display_in_french_and_round_trip(key: str, value: Any, shown: str, typed_again: str) -> None:
    """The review shows French words; the value between brackets can be typed again as is."""
    question = QUESTIONS[key]
    assert question.afficher(value) == shown
    assert question.en_saisie(value) == typed_again
    assert question.valider(typed_again, {"nombre_classes": 1000}) == value


@pytest.mark.parametrize(
    ("key", "stored", "expected"),
    [
        pytest.param("service_marches", True, True, id="booleen"),
        pytest.param("service_marches", "oui", True, id="oui-texte"),
        pytest.param("date_lancement", dt.date(2027, 1, 15), dt.date(2027, 1, 15), id="date"),
        pytest.param("nombre_ecoles", 12.0, 12, id="entier-flottant"),
        pytest.param("offre_mutualisee", "ne_sait_pas", "ne_sait_pas", id="choix-valeur"),
    ],
)
def test_values_read_from_a_file_are_checked(key: str, stored: Any, expected: Any) -> None:
    """Values read back from an answer file go through the same checks as typed answers."""
    assert QUESTIONS[key].accepter(stored) == expected


@pytest.mark.parametrize(
    ("key", "stored"),
    [
        pytest.param("porteur", "2", id="numero-pas-une-valeur"),
        pytest.param("nombre_ecoles", True, id="booleen-pour-entier"),
        pytest.param("nombre_ecoles", 0, id="hors-bornes"),
        pytest.param("date_lancement", dt.datetime(2027, 1, 15, 10, 0), id="date-heure"),
    ],
)
def test_bad_values_in_a_file_are_refused(key: str, stored: Any) -> None:
    """A stored value must be the value itself, not what one would type (e.g. a choice number)."""
    with pytest.raises(ValueError):
        QUESTIONS[key].accepter(stored)
