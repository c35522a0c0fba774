"""The resumption of a run at another parameter date (issue 15, « no work done twice »).

:func:`~entadvisor.engine.moteur.run_at_launch` runs a case at a first parameter date, then often again
at the plan's launch. The second run need not start from nothing: it can start from the state of the
first at its checkpoint, just before the first firing of a rule at or under the highest salience of the
rules reading ``Seuils`` or ``Contexte`` (:data:`DATEES`, the facts that depend on the parameter date).

Why a run of the same case at another parameter date can start there: before the checkpoint only rules
of a higher salience fire, and the agenda fires a rule of a lower salience only when none of a higher
one is activated. Those rules read neither ``Seuils`` nor ``Contexte``, so their activations, their
order (salience, fact ids, name) and their bindings are the same at any parameter date; their code
reads the parameters only through ``param`` (the names read are kept: resuming is refused when one of
them has another value at the new date). So a fresh run at the other date fires the same rules,
declares the same facts with the same ids and notes the same things up to the checkpoint, where its
working memory differs only by the content of ``Seuils`` and ``Contexte``. Resuming puts the two new
facts at the ids of the old ones, matches again the rules that read them (the compiled matcher
recomputes their matches), and runs on.

The rule modules' code is checked once (:func:`lit_le_moteur`): none reads ``moteur.facts`` or
``moteur.parametres``, else there is no resumption; nor with experta's Rete matcher, which keeps its
state in its network. ``tests/test_reprise.py`` checks the engine's state and the advice byte for byte
against fresh runs.
"""

from __future__ import annotations

import datetime as dt
import sys
import types
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from entadvisor.answers import Answers
from entadvisor.engine._experta import Agenda, QuietFactList
from entadvisor.engine._matcher import CompiledMatcher
from entadvisor.engine.parameters import ParameterValue

DATEES = frozenset({"Seuils", "Contexte"})
"""The input facts whose content depends on the parameter date (the rest of the input does not)."""

MEMOIRE = frozenset({"facts", "parametres"})
"""The engine's attributes through which a rule's code could read ``Seuils``, ``Contexte`` or a parameter
without ``param`` (and so without the prefix knowing it)."""


@dataclass(frozen=True)
class Prefixe:
    """A run's state at its checkpoint (see the module's docstring): what a run at another parameter
    date starts from."""

    answers: Any
    as_of: dt.date
    parametres: dict[str, ParameterValue]
    datees: tuple[Any, Any]
    faits: list[tuple[int, Any]]
    dernier: int
    compteur: Counter[Any]
    agenda: list[Any]
    classes: dict[type, list[Any]]
    etat: list[dict[tuple[int, ...], Any]]
    trace: int
    notes: int
    utilises: frozenset[str]
    lus: frozenset[str]
    declarations: int
    plancher: float


def lit_le_moteur(rules: list[Any]) -> bool:
    """True when a function of a rule module names an attribute of :data:`MEMOIRE` (conservative)."""
    vus: set[int] = set()

    def nomme(code: types.CodeType) -> bool:
        if id(code) in vus:
            return False
        vus.add(id(code))
        if MEMOIRE & set(code.co_names):
            return True
        return any(nomme(c) for c in code.co_consts if isinstance(c, types.CodeType))

    modules = {rule._wrapped.__module__ for rule in rules}
    for rule in rules:
        if nomme(rule._wrapped.__code__):
            return True
    for name in modules:
        module = sys.modules.get(name)
        for value in vars(module).values() if module is not None else ():
            code = getattr(value, "__code__", None)
            if (
                isinstance(code, types.CodeType)
                and getattr(value, "__module__", None) == name
                and nomme(code)
            ):
                return True
    return False


class Reprise:
    """The engine's part that keeps a run's prefix and resumes from it (mixed into ``Moteur``).

    ``run_case(..., garder=True)`` sets :attr:`_attendu` to :attr:`_palier` and the run loop calls
    :meth:`_garder` at the checkpoint; ``run_case(..., reprendre=True)`` calls :meth:`_reprendre`.
    """

    _palier: int | None
    """Rules above this salience read no fact that depends on the parameter date; None: no resumption
    (experta's Rete matcher keeps its state in its network; a rule module whose code reads the engine's
    facts or parameter table directly could read what the prefix must not)."""
    _attendu: int | None
    """The salience at which this run keeps its prefix (None: it keeps none, or has kept it)."""
    _prefixe: Prefixe | None
    _cas: tuple[Answers, dt.date, Any, Any]
    """The case being run with ``garder``: answers, analysis date and its two dated facts."""

    # the engine's own state, read and restored here (set by Moteur and experta's KnowledgeEngine)
    knowledge: Any
    matcher: Any
    strategy: Any
    facts: Any
    agenda: Any
    running: bool
    trace: list[Any]
    notes: list[dict[str, Any]]
    parametres: dict[str, ParameterValue]
    used_parameters: set[str]
    _lus: set[str]
    _current: Any
    _pause: int | None
    _plancher: float
    declarations: list[tuple[str, str]] | None
    _datees: Callable[[dt.date, dt.date], tuple[Any, Any]]  # the input facts that depend on the date
    run: Callable[[], None]  # the run loop

    def _palier_de_reprise(self, metas: list[Any], rules: list[Any]) -> int | None:
        """The checkpoint's salience for this knowledge base (:attr:`_palier`), found once."""
        lisent = [meta.salience for meta in metas if meta.faits.keys() & DATEES]
        if not isinstance(self.matcher, CompiledMatcher) or lit_le_moteur(rules):
            return None
        return max(lisent) if lisent else -(10**9)

    def _garder(self) -> None:
        """Keep the state of this run at its checkpoint."""
        matcher = self.matcher
        answers, as_of, seuils, contexte = self._cas
        self._prefixe = Prefixe(
            answers=answers,
            as_of=as_of,
            parametres=self.parametres,
            datees=(seuils, contexte),
            faits=list(self.facts.items()),
            dernier=self.facts.last_index,
            compteur=Counter(self.facts.reference_counter),
            agenda=list(self.agenda.activations),
            classes={cls: list(facts) for cls, facts in matcher._facts.items()},
            etat=list(matcher._state),  # the matcher replaces a rule's matches, never changes them in place
            trace=len(self.trace),
            notes=len(self.notes),
            utilises=frozenset(self.used_parameters),
            lus=frozenset(self._lus),
            declarations=len(self.declarations) if self.declarations is not None else 0,
            plancher=self._plancher,
        )

    def _reprendre(
        self, answers: Answers, as_of: dt.date, parameter_date: dt.date, jusqu_a: int | None = None
    ) -> bool:
        """Resume the case from the kept prefix at ``parameter_date``; False when that is not provably safe."""
        prefixe = self._prefixe
        if prefixe is None or prefixe.answers is not answers or prefixe.as_of != as_of:
            return False
        parametres = self.knowledge.parameters.at(parameter_date)
        for nom in prefixe.lus:  # a parameter the prefix's rules read must be the same at both dates
            avant, apres = prefixe.parametres[nom].valeur, parametres[nom].valeur
            if type(avant) is not type(apres) or avant != apres:
                return False
        self.trace = self.trace[: prefixe.trace]
        self.notes = self.notes[: prefixe.notes]
        self.parametres = parametres
        self.used_parameters = set(prefixe.utilises)
        self._lus = set(prefixe.lus)
        self._current = None
        if self.declarations is not None:
            del self.declarations[prefixe.declarations :]
        nouvelles = self._datees(as_of, parameter_date)
        self.facts = _memoire(prefixe, nouvelles)
        matcher = self.matcher
        matcher._facts = {cls: list(same) for cls, same in prefixe.classes.items()}
        matcher._state = list(prefixe.etat)
        added, removed = matcher.changes(adding=list(nouvelles), deleting=list(prefixe.datees))
        agenda = Agenda()
        agenda.activations = list(prefixe.agenda)
        self.strategy.update_agenda(agenda, added, removed)
        self.agenda = agenda
        self._prefixe, self._attendu = prefixe, None  # kept: valid for any other parameter date
        self._pause, self._plancher = jusqu_a, prefixe.plancher
        self.running = False
        self.run()
        return True


def _memoire(prefixe: Prefixe, nouvelles: tuple[Any, Any]) -> QuietFactList:
    """The prefix's working memory with the two dated facts replaced, at the ids of the old ones."""
    facts = QuietFactList()
    facts.update(prefixe.faits)
    facts.last_index = prefixe.dernier
    facts.reference_counter = Counter(prefixe.compteur)
    for ancienne, nouvelle in zip(prefixe.datees, nouvelles, strict=True):
        identifiant = ancienne["__factid__"]
        nouvelle.__factid__ = identifiant  # the same place in the working memory as in a fresh run
        facts[identifiant] = nouvelle
        cle = QuietFactList._get_fact_id(ancienne)
        facts.reference_counter[cle] -= 1
        if facts.reference_counter[cle] <= 0:
            del facts.reference_counter[cle]
        facts.reference_counter[QuietFactList._get_fact_id(nouvelle)] += 1
    return facts
