"""The questionnaire flow, with no terminal code.

:class:`Parcours` is the flow as a state machine that any front end drives (the line-mode terminal,
a scripted fake in tests, an arrow-key interface): current question, next and previous question,
conditions, review and edit, resume at the first unanswered question, and removal of an answer
whose condition no longer holds. :func:`executer` runs it against an :class:`Interface`.
The questionnaire model is :mod:`entadvisor.questionnaire.model`; the partial answer files that save
and resume a flow are :mod:`entadvisor.questionnaire.reponses_partielles`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from entadvisor.answers import FORMAT_VERSION, Answers, validate_answers
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
