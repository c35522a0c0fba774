"""One section of the questionnaire as an HTML form, and the reading of that form back into answers.

Nothing here decides the flow or parses an answer in its own way: which questions are asked comes
from :meth:`Question.visible <entadvisor.questionnaire.model.Question.visible>`, the parsing of numbers,
dates and words from :meth:`Question.valider <entadvisor.questionnaire.model.Question.valider>` (the
terminal's French parsing), and the removal of answers whose condition stopped holding from
:class:`~entadvisor.questionnaire.parcours.Parcours`. Each field is named after its answer key and each choice's
value is its code; yes/no answers are ``oui``/``non``; « je ne sais pas » is the value ``ne_sait_pas``.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from entadvisor.questionnaire.model import INCONNU, Question, Section
from entadvisor.questionnaire.parcours import Parcours

NSP = "ne_sait_pas"
"""The value of the « Je ne sais pas » box (or radio) of an optional question."""
LONGUEUR_CHAMP = 2000
"""Longest value accepted in one field (the answer file stays small whatever is posted)."""

_MODE_SAISIE = {"entier": "numeric", "annee": "numeric", "nombre": "decimal"}
_FORMAT = {"date": "Format : JJ/MM/AAAA, par exemple 15/03/2027", "annee": "Une année, par exemple 2027"}


@dataclass
class Champ:
    """What the template needs to draw one question."""

    question: Question
    radios: list[tuple[str, str]]  # (value, label); empty for a text field
    coche: str | None  # the radio value checked
    saisie: str  # the text of a text field
    nsp: bool  # the « Je ne sais pas » box is checked
    erreur: str | None = None
    indication: str = ""

    @property
    def id(self) -> str:
        return self.question.id

    @property
    def ancre(self) -> str:
        """The id of the element an error link points at (the first radio, or the field)."""
        return f"{self.id}-1" if self.radios else self.id

    @property
    def case_nsp(self) -> bool:
        """A « Je ne sais pas » checkbox beside a text field."""
        return self.question.facultative and not self.radios

    @property
    def mode_saisie(self) -> str | None:
        return _MODE_SAISIE.get(self.question.type)

    @property
    def longueur_max(self) -> int:
        return self.question.max_longueur or LONGUEUR_CHAMP


def _radios(question: Question) -> list[tuple[str, str]]:
    if question.type == "choix":
        radios = [(choix.valeur, choix.libelle) for choix in question.choix]
    elif question.type == "oui_non":
        radios = [("oui", "Oui"), ("non", "Non")]
    else:
        return []
    if question.facultative and NSP not in (valeur for valeur, _ in radios):
        radios.append((NSP, "Je ne sais pas"))
    return radios


def _indication(question: Question, reponses: Mapping[str, Any]) -> str:
    if question.type in _FORMAT:
        return _FORMAT[question.type]
    if question.type in ("entier", "nombre") and question.unite:
        return f"En {question.unite}"
    return ""


def _en_radio(question: Question, valeur: Any) -> str | None:
    if valeur is INCONNU:
        return NSP
    if question.type == "oui_non" and isinstance(valeur, bool):
        return "oui" if valeur else "non"
    return None if valeur is None else str(valeur)


def questions_affichees(section: Section, reponses: Mapping[str, Any]) -> list[Question]:
    """The questions of a section asked given the answers so far (a question whose condition is
    still undecided appears once the answer it depends on is given)."""
    return [question for question in section.questions if question.visible(reponses) is True]


def champs(
    section: Section,
    parcours: Parcours,
    saisies: Mapping[str, Sequence[str]] | None = None,
    erreurs: Mapping[str, str] | None = None,
) -> list[Champ]:
    """The fields of a section page: current answers (or the default), or what was just posted."""
    erreurs = erreurs or {}
    resultat = []
    for question in questions_affichees(section, parcours.reponses):
        radios = _radios(question)
        valeur = parcours.valeur_courante(question)
        if valeur is None and question.defaut is not None:
            valeur = question.accepter(question.defaut)
        if saisies is not None and question.id in erreurs:
            postees = list(saisies.get(question.id, []))
            nsp = NSP in postees
            texte = next((v for v in postees if v != NSP), "")
            coche = NSP if nsp and radios else (texte or None)
        else:
            nsp = valeur is INCONNU
            coche = _en_radio(question, valeur) if radios else None
            texte = "" if radios or valeur is None or valeur is INCONNU else question.en_saisie(valeur)
        resultat.append(
            Champ(
                question=question,
                radios=radios,
                coche=coche,
                saisie=texte,
                nsp=nsp,
                erreur=erreurs.get(question.id),
                indication=_indication(question, parcours.reponses),
            )
        )
    return resultat


def interpreter(question: Question, postees: Sequence[str], reponses: Mapping[str, Any]) -> Any:
    """The answer to one question from the values posted for its key; ValueError (French) if invalid."""
    if any(len(v) > LONGUEUR_CHAMP for v in postees):
        raise ValueError(f"La réponse est trop longue ({LONGUEUR_CHAMP} caractères au plus).")
    if question.facultative and NSP in postees:
        return INCONNU
    texte = next((v for v in postees if v.strip()), "")
    if question.type == "choix":
        if not texte:
            raise ValueError("Choisissez une réponse.")
        return question.accepter(texte)
    if question.type == "oui_non":
        if texte not in ("oui", "non"):
            raise ValueError("Choisissez oui ou non.")
        return texte == "oui"
    if not texte:
        suite = " ou cochez « Je ne sais pas »" if question.facultative else ""
        raise ValueError(f"Une réponse est attendue : complétez ce champ{suite}.")
    try:
        return question.valider(texte, reponses)
    except ValueError as exc:
        message = str(exc)
        if question.ne_sait_pas is None and "tapez ?" in message:
            message = (
                "Cette question demande une réponse : « Pourquoi cette question ? » dit à quoi elle sert."
            )
        raise ValueError(message) from None


@dataclass
class Lecture:
    """What a posted section gives: the new answers and « je ne sais pas », and the errors by key."""

    reponses: dict[str, Any]
    inconnues: set[str]
    erreurs: dict[str, str] = field(default_factory=dict)


def lire_section(
    section: Section, parcours: Parcours, formulaire: Mapping[str, Sequence[str]], affichees: Sequence[str]
) -> Lecture:
    """Read the posted values of the questions that were on the page, in order (a bound that
    depends on an earlier answer of the same page sees the new answer). Valid answers are kept
    even when another field of the page is wrong: nothing typed correctly is lost."""
    lecture = Lecture(dict(parcours.reponses), set(parcours.inconnues))
    for question in section.questions:
        if question.id not in affichees or question.visible(lecture.reponses) is False:
            continue
        try:
            valeur = interpreter(question, formulaire.get(question.id, []), lecture.reponses)
        except ValueError as exc:
            lecture.erreurs[question.id] = str(exc)
            continue
        if valeur is INCONNU:
            lecture.reponses.pop(question.id, None)
            lecture.inconnues.add(question.id)
        else:
            lecture.reponses[question.id] = valeur
            lecture.inconnues.discard(question.id)
    return lecture
