"""The questionnaire flow and the partial answer files, with no terminal code.

:class:`Parcours` is the flow as a state machine that any front end drives (the line-mode terminal,
a scripted fake in tests, an arrow-key interface): current question, next and previous question,
conditions, review and edit, resume at the first unanswered question, and removal of an answer
whose condition no longer holds. :func:`executer` runs it against an :class:`Interface`.
:func:`texte_fichier` and :func:`lire_reponses_partielles` write and read partial answer files.
The questionnaire model, its loader and the parsing of answers are in :mod:`entadvisor.questionnaire.model`.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from entadvisor.answer_files import answers_to_yaml, read_answers_text, read_mapping
from entadvisor.answers import FIELDS, FORMAT_VERSION, Answers, validate_answers
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.questionnaire.model import INCONNU, RETOUR, Marque, Question, Questionnaire, Section

# --- the flow -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where the current question stands: « Section 3/7 · question 9/24 »."""

    section: int
    sections: int
    titre_section: str
    introduction_section: str
    numero: int
    total: int


@dataclass(frozen=True)
class LigneRevue:
    """One line of the review screen."""

    numero: int
    question: Question
    section: Section
    valeur: Any

    @property
    def affichage(self) -> str:
        return self.question.afficher(self.valeur)


class Parcours:
    """The questionnaire flow as a state machine, independent of any user interface.

    ``reponses`` maps answered keys to values; ``inconnues`` holds the optional keys answered
    « je ne sais pas » (left out of the answer file). Going forward asks the next question in order;
    on a resume, answered questions are skipped and the flow starts at the first unanswered one. After
    going back, the following questions are asked again in order, with their current answer as
    default. When every asked question has an answer, the flow is at the review (``question`` is
    None), where any answer can be changed: after a change, newly needed questions are asked, then
    the review comes back. An answer whose condition stops holding is removed at once.
    """

    def __init__(
        self,
        questionnaire: Questionnaire,
        reponses: Mapping[str, Any] | None = None,
        inconnues: Sequence[str] | set[str] = (),
    ) -> None:
        self.questionnaire = questionnaire
        self._questions = questionnaire.questions()
        self._index = {q.id: i for i, q in enumerate(self._questions)}
        self.reponses: dict[str, Any] = dict(reponses or {})
        self.inconnues: set[str] = {k for k in inconnues if k not in self.reponses}
        self._courante: int | None = None
        self._plus_loin = -1
        self._depuis_revue = False
        self._purger()
        self._aller(self._premiere_sans_reponse(0))

    # -- state --

    @property
    def question(self) -> Question | None:
        """The question to ask now, or None at the review."""
        return None if self._courante is None else self._questions[self._courante]

    @property
    def en_revue(self) -> bool:
        return self._courante is None

    def valeur_courante(self, question: Question | None = None) -> Any:
        """The current answer to a question (default: the current one): a value, INCONNU or None."""
        question = question or self.question
        if question is None:
            return None
        if question.id in self.reponses:
            return self.reponses[question.id]
        return INCONNU if question.id in self.inconnues else None

    def nombre_reponses(self) -> int:
        return len(self.reponses) + len(self.inconnues)

    def position(self) -> Position:
        """Progress of the current question (the total counts questions not yet known to be skipped)."""
        if self._courante is None:
            raise ValueError("pas de question courante : le parcours est à la revue")
        comptees = [i for i, q in enumerate(self._questions) if q.visible(self.reponses) is not False]
        numero_section, section = self.questionnaire.section_de(self._questions[self._courante].id)
        return Position(
            section=numero_section,
            sections=len(self.questionnaire.sections),
            titre_section=section.titre,
            introduction_section=section.introduction,
            numero=sum(1 for i in comptees if i < self._courante) + 1,
            total=len(comptees),
        )

    def revue(self) -> list[LigneRevue]:
        """The answers of every question asked, numbered for the review screen."""
        lignes: list[LigneRevue] = []
        for question in self._questions:
            if question.visible(self.reponses) is True:
                _, section = self.questionnaire.section_de(question.id)
                lignes.append(LigneRevue(len(lignes) + 1, question, section, self.valeur_courante(question)))
        return lignes

    def reponses_finales(self) -> dict[str, Any]:
        """The answer mapping to validate: version and the answers of the questions asked."""
        finales: dict[str, Any] = {"version": FORMAT_VERSION}
        for question in self._questions:
            if question.id in self.reponses and question.visible(self.reponses) is not False:
                finales[question.id] = self.reponses[question.id]
        return finales

    def problemes(self, source: str | None = None) -> list[Probleme]:
        """What stops the answers from being valid (consistency between answers, missing answers)."""
        try:
            validate_answers(self.reponses_finales(), source)
        except EntreeInvalide as exc:
            return exc.problemes
        return []

    # -- moves --

    def repondre(self, valeur: Any) -> None:
        """Record the answer to the current question and move on."""
        question = self.question
        if question is None:
            raise ValueError("pas de question courante : le parcours est à la revue")
        if valeur is INCONNU:
            if not question.facultative:
                raise ValueError(f"« je ne sais pas » n'est pas accepté pour {question.id}")
            self.reponses.pop(question.id, None)
            self.inconnues.add(question.id)
        elif isinstance(valeur, Marque):
            raise ValueError(f"{valeur} n'est pas une réponse")
        else:
            self.reponses[question.id] = valeur
            self.inconnues.discard(question.id)
        self._purger()
        courante = self._index[question.id]
        if self._depuis_revue:
            suivante = self._premiere_sans_reponse(0)
        else:
            suivante = self._suivante_visible(courante + 1)
            if suivante is not None and suivante > self._plus_loin:
                suivante = self._premiere_sans_reponse(suivante)
            if suivante is None:
                suivante = self._premiere_sans_reponse(0)
        if suivante is None:
            self._depuis_revue = False
        self._aller(suivante)

    def retour(self) -> bool:
        """Go to the previous question (from the review: the last one). False at the first question.

        While changing an answer from the review, going back returns to the review.
        """
        if self._depuis_revue and self._premiere_sans_reponse(0) is None:
            self._depuis_revue = False
            self._aller(None)
            return True
        debut = len(self._questions) if self._courante is None else self._courante
        precedente = next(
            (i for i in range(debut - 1, -1, -1) if self._questions[i].visible(self.reponses) is True), None
        )
        if precedente is None:
            return False
        self._aller(precedente)
        return True

    def modifier(self, cible: int | str) -> None:
        """From the review, ask again the question of review line ``cible`` (or of that id)."""
        lignes = self.revue()
        if isinstance(cible, int):
            trouvee = lignes[cible - 1].question if 1 <= cible <= len(lignes) else None
        else:
            trouvee = next((ligne.question for ligne in lignes if ligne.question.id == cible), None)
        if trouvee is None:
            raise ValueError(f"« {cible} » n'est pas une ligne de la revue")
        question = trouvee
        self._depuis_revue = True
        self._aller(self._index[question.id])

    # -- helpers --

    def _aller(self, index: int | None) -> None:
        self._courante = index
        self._plus_loin = max(self._plus_loin, len(self._questions) if index is None else index)

    def _repondue(self, question: Question) -> bool:
        return question.id in self.reponses or question.id in self.inconnues

    def _suivante_visible(self, debut: int) -> int | None:
        return next(
            (
                i
                for i in range(debut, len(self._questions))
                if self._questions[i].visible(self.reponses) is True
            ),
            None,
        )

    def _premiere_sans_reponse(self, debut: int) -> int | None:
        return next(
            (
                i
                for i in range(debut, len(self._questions))
                if self._questions[i].visible(self.reponses) is True
                and not self._repondue(self._questions[i])
            ),
            None,
        )

    def _purger(self) -> None:
        """Remove the answers of questions whose condition no longer holds (in order: conditions
        refer to earlier questions, so one pass settles chains)."""
        for question in self._questions:
            if question.visible(self.reponses) is False:
                self.reponses.pop(question.id, None)
                self.inconnues.discard(question.id)


class Interface(Protocol):
    """What a front end provides to :func:`executer`."""

    def demander(
        self, question: Question, position: Position, courant: Any, reponses: Mapping[str, Any]
    ) -> Any:
        """Ask one question; return a value, :data:`INCONNU` or :data:`RETOUR`."""

    def revoir(self, lignes: list[LigneRevue], problemes: list[Probleme]) -> int | Marque | None:
        """Show the review; return a line number to change, :data:`RETOUR`, or None to finish."""

    def signaler(self, message: str) -> None:
        """Tell the user something (French)."""


def executer(
    parcours: Parcours,
    interface: Interface,
    enregistrer: Callable[[Parcours], None] | None = None,
    source: str | None = None,
) -> Answers:
    """Drive the flow until the user validates consistent answers; return them validated.

    ``enregistrer`` is called after every answer (the caller writes the answer file there), so an
    interruption (KeyboardInterrupt, or the interface's own exception) loses nothing: it propagates
    to the caller with every answer given so far already saved.
    """
    while True:
        question = parcours.question
        if question is not None:
            reponse = interface.demander(
                question, parcours.position(), parcours.valeur_courante(), dict(parcours.reponses)
            )
            if reponse is RETOUR:
                if not parcours.retour():
                    interface.signaler("C'est la première question : il n'y a pas de question précédente.")
                continue
            parcours.repondre(reponse)
            if enregistrer is not None:
                enregistrer(parcours)
            continue
        problemes = parcours.problemes(source)
        choix = interface.revoir(parcours.revue(), problemes)
        if choix is RETOUR:
            parcours.retour()
        elif choix is None:
            if not problemes:
                return validate_answers(parcours.reponses_finales(), source)
            interface.signaler(
                "Corrigez d'abord les réponses signalées : tapez le numéro de la réponse à modifier."
            )
        elif isinstance(choix, int):
            parcours.modifier(choix)


# --- partial answer files -----------------------------------------------------------------------

_MARQUE_NSP = "# je_ne_sais_pas:"


def texte_fichier(parcours: Parcours, commande_reprise: str | None = None, *, json_: bool = False) -> str:
    """The text of the answer file for the answers so far (complete or not), YAML by default.

    YAML files carry comments: how far the questionnaire went, the command to resume it, and the
    keys answered « je ne sais pas » (so that a resume does not ask them again).
    """
    donnees: dict[str, Any] = {"version": FORMAT_VERSION, **parcours.reponses}
    if json_:
        ordonnees = {k: donnees[k] for k in FIELDS if k in donnees}
        return json.dumps(ordonnees, ensure_ascii=False, indent=2, default=str) + "\n"
    lignes = [f"# Réponses au questionnaire « {parcours.questionnaire.titre} » (entadvisor questionnaire)."]
    if parcours.en_revue and not parcours.problemes():
        lignes.append("# Questionnaire complet.")
    elif commande_reprise:
        lignes.append(f"# Questionnaire en cours ; pour le reprendre : {commande_reprise}")
    texte = "\n".join(lignes) + "\n" + answers_to_yaml(donnees)
    ordre = [q.id for q in parcours.questionnaire.questions()]
    inconnues = sorted(parcours.inconnues, key=ordre.index)
    if inconnues:
        texte += f"{_MARQUE_NSP} {', '.join(inconnues)}\n"
    return texte


def lire_reponses_partielles(
    path: str | Path, questionnaire: Questionnaire
) -> tuple[dict[str, Any], set[str]]:
    """Read an answer file that may be incomplete: the answers (checked one by one) and the keys
    answered « je ne sais pas ». Consistency between answers is checked later, at the review.

    Raises :class:`EntreeInvalide` for an unreadable file, an unknown key or a value not allowed.
    """
    source = str(path)
    texte = read_answers_text(path)
    # the loader of complete answer files: YAML 1.2 core schema, French messages with their line
    data, lignes = read_mapping(texte, source, format="json" if source.lower().endswith(".json") else "yaml")
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise EntreeInvalide(source, "le fichier doit contenir une table de réponses « clé: valeur ».")
    problemes: list[Probleme] = []
    reponses: dict[str, Any] = {}
    for cle, valeur in data.items():
        if cle == "version":
            if valeur is True or str(valeur).strip() != str(FORMAT_VERSION):  # « 1 » as text is version 1
                problemes.append(
                    Probleme(f"version « {valeur} » inconnue ; attendu {FORMAT_VERSION}.", "version")
                )
            continue
        question = questionnaire.question(str(cle))
        if question is None:
            proches = difflib.get_close_matches(str(cle), FIELDS, n=1, cutoff=0.6)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            problemes.append(Probleme(f"clé inconnue{indice}", str(cle), lignes.get(str(cle))))
            continue
        if valeur is None:
            continue
        try:
            reponses[question.id] = question.accepter(valeur)
        except ValueError as exc:
            problemes.append(Probleme(str(exc), question.id, lignes.get(question.id)))
    if problemes:
        raise EntreeInvalide(source, problemes)
    inconnues: set[str] = set()
    for ligne in texte.splitlines():
        if ligne.startswith(_MARQUE_NSP):
            for cle in ligne.removeprefix(_MARQUE_NSP).split(","):
                question = questionnaire.question(cle.strip())
                if question is not None and question.facultative and question.id not in reponses:
                    inconnues.add(question.id)
    return reponses, inconnues
