"""The inference engine: experta forward chaining over the facts of one project, with a trace.

One engine per process, built once from the knowledge base and reset for each case (building the
Rete network is the costly part; see shared EXPERTA.md §2.3). The agenda strategy is deterministic
(salience, then recency, then rule name, with exact removal), so the firing order and therefore
the trace do not depend on ``PYTHONHASHSEED``. A runaway knowledge base is stopped with an error.
"""

from __future__ import annotations

import datetime as dt
import inspect
import logging
import os
from collections.abc import Callable
from typing import Any

from entadvisor.answers import Answers
from entadvisor.engine._experta import (
    Agenda,
    DefFacts,
    Fact,
    FastReteMatcher,
    KnowledgeEngine,
    QuietFactList,
    Rule,
)
from entadvisor.engine._matcher import CompiledMatcher, NotCompilable
from entadvisor.engine.agenda import StableDepthStrategy
from entadvisor.engine.parameters import ParameterValue
from entadvisor.engine.reprise import Reprise
from entadvisor.engine.strates import StratesGardees
from entadvisor.engine.trace import Firing, plain_value
from entadvisor.errors import EvaluationError, RunawayRules
from entadvisor.facts import NOTES, Contexte, Planning, Projet, Seuils

SEUILS_PROCEDURE = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen")
MAX_FIRINGS = 2_000
"""A case fires about a hundred rules; far more means a rule loops on its own conclusion."""

SEUILS = {
    "dispense": "seuil_dispense",
    "publicite": "seuil_publicite_mapa",
    "europeen": "seuil_europeen",
    "innovant": "seuil_achat_innovant",
    "ecrit": "seuil_ecrit_obligatoire",
    "donnees_essentielles": "seuil_donnees_essentielles",
}


MATCHERS = {"compile": CompiledMatcher, "rete": FastReteMatcher}
"""The matchers: ``compile`` (default, rules compiled to Python functions) and ``rete`` (experta's network)."""

MATCHER_VARIABLE = "ENTADVISOR_MATCHER"

_log = logging.getLogger("entadvisor.engine.moteur")


def matcher_name(name: str | None = None) -> str:
    """The matcher asked for: ``name``, else ``$ENTADVISOR_MATCHER``, else ``compile``."""
    chosen = (name or os.environ.get(MATCHER_VARIABLE) or "compile").strip().lower()
    if chosen not in MATCHERS:
        raise ValueError(
            f"{MATCHER_VARIABLE} : filtrage « {chosen} » inconnu (valeurs permises : {', '.join(MATCHERS)})."
        )
    return chosen


class Moteur(Reprise, StratesGardees, KnowledgeEngine):
    """The engine: rules are attached by :mod:`entadvisor.engine.knowledge` as class attributes."""

    __strategy__ = StableDepthStrategy
    __matcher__: type = CompiledMatcher

    def __init__(self, knowledge: Any, matcher: str | None = None) -> None:
        self.knowledge = knowledge
        self._metas = {rule._wrapped.__name__: rule._entadvisor for rule in self._rules_of_class()}
        self._noms = {  # the bindings each rule's function takes (None: all, it takes **kwargs)
            r._wrapped.__name__: [n for n in r._wrapped_args if not n.startswith("__")]
            if r._wrapped_args
            else None
            for r in self._rules_of_class()
        }
        self._reset_case_state()
        self.matcher_name = matcher_name(matcher)
        self.matcher_note: str | None = None
        """Why the compiled matcher was not used for this knowledge base (None when it is)."""
        if type(self).__matcher__ is CompiledMatcher:  # a subclass that names its matcher keeps it
            self.__matcher__ = MATCHERS[self.matcher_name]
        try:
            super().__init__()
        except NotCompilable as exc:  # a --regles base using what the compiler does not handle
            self.matcher_note = f"filtrage compilé impossible ({exc}) : filtrage Rete d'experta utilisé."
            _log.warning("%s", self.matcher_note)
            self.matcher_name = "rete"
            self.__matcher__ = FastReteMatcher
            super().__init__()
        self._deffacts = self._inspect_deffacts()
        self._palier = self._palier_de_reprise(list(self._metas.values()), self._rules_of_class())
        self.declarations: list[tuple[str, str]] | None = None
        """When a list: every declaration of the case, (rule id, fact class) (the verifier's conflicts)."""
        self.raccourcis = True
        """Resume a run from another's prefix and stop a run whose rest is not read, where both provably
        change nothing (:mod:`entadvisor.engine.reprise`, ``run_case``'s ``jusqu_a``). False: every run
        from its start to its end, the reference the tests compare with."""

    def _inspect_deffacts(self) -> list[tuple[str, frozenset[str] | None]]:
        """Each DefFacts of the class, and the reset() arguments it takes (None: all), found once."""
        members = [(n, v) for n, v in inspect.getmembers(self) if isinstance(v, DefFacts)]
        members.sort(key=lambda member: member[1].order)  # experta's order: by name, then by ``order``
        found = []
        for attribute, deffact in members:
            parameters = inspect.signature(deffact).parameters.values()
            takes_all = any(p.kind == inspect.Parameter.VAR_KEYWORD for p in parameters)
            names = None if takes_all else frozenset(p.name for p in parameters)
            found.append((attribute, names))
        return found

    def get_deffacts(self) -> list[Any]:
        """The DefFacts, without experta's ``inspect.getmembers`` over every rule on each reset()."""
        return [getattr(self, name) for name, _ in self._deffacts]

    def reset(self, **kwargs: Any) -> None:
        """experta's reset() with the DefFacts found once and a fact list that logs nothing per fact."""
        self.agenda = Agenda()
        self.facts = QuietFactList()
        self.matcher.reset()
        facts: list[Any] = []
        for (_attribute, names), deffact in zip(self._deffacts, self.get_deffacts(), strict=True):
            chosen = kwargs if names is None else {k: v for k, v in kwargs.items() if k in names}
            facts.extend(deffact(**chosen))
        self._KnowledgeEngine__declare(*facts)  # type: ignore[attr-defined]
        self.running = False

    @classmethod
    def _rules_of_class(cls) -> list[Any]:
        """The rules of this class and of its bases (a subclass may, e.g., change the matcher)."""
        return [
            value
            for klass in cls.__mro__
            for value in vars(klass).values()
            if isinstance(value, Rule) and hasattr(value, "_entadvisor")
        ]

    def _reset_case_state(self) -> None:
        self.trace: list[Firing] = []
        self.notes: list[dict[str, Any]] = []
        self.parametres: dict[str, ParameterValue] = {}
        self.used_parameters: set[str] = set()
        self._lus: set[str] = set()  # the parameters the rules' own code read (``param``)
        self._current: Any = None
        self._prefixe = None
        self._attendu = None
        self._pause: int | None = None  # stop before an activation below this salience (run_case's jusqu_a)
        self._plancher: float = float("inf")  # the lowest salience fired in this run so far

    # --- used by the rules ---------------------------------------------------------------------

    def param(self, nom: str) -> Any:
        """The value of a parameter at the parameter date; the advice lists every parameter read."""
        self.used_parameters.add(nom)
        self._lus.add(nom)
        return self.parametres[nom].valeur

    def param_at(self, nom: str, date: dt.date) -> Any:
        """The value of a parameter at another date (e.g. the planned launch), without listing it."""
        return self.knowledge.parameters.value(nom, date).valeur

    def conclure(self, fait: Fact, texte: str | None = None) -> None:
        """Declare a derived fact (other rules chain on it) and record why, under the firing rule."""
        self.declare(fait)
        if texte:
            self.noter("raison", sujet=type(fait).__name__, texte=texte)

    def libelle(self, section: str, code: Any, forme: str = "libelle") -> str:
        """The words of a code from the knowledge base's lexicon (``rules/libelles.yaml``), in a named form:
        ``moteur.libelle("procedures", "mapa", "acte")``. A code or form the lexicon lacks is an evaluation
        error naming the rule, the section, the code and the form."""
        try:
            return str(self.knowledge.libelles.mot(section, code, forme))
        except KeyError as exc:
            meta = self._current
            raise EvaluationError(f"{exc} (règle {meta.id if meta else '?'})") from None

    def noter(self, kind: str, **payload: Any) -> None:
        """Record an output that no rule chains on (a reason, a warning, a readiness item, a timeline step)."""
        meta = self._current
        if kind not in NOTES:
            raise EvaluationError(
                f"la règle {meta.id if meta else '?'} note « {kind} », qui n'est pas une sorte de note connue "
                f"({', '.join(sorted(NOTES))}) : ce qu'elle dit serait perdu."
            )
        payload["kind"] = kind
        payload["regle"] = meta.id if meta else None
        payload["references"] = list(meta.references) if meta else []
        self.notes.append(payload)

    # --- one case ------------------------------------------------------------------------------

    def run_case(
        self,
        answers: Answers,
        as_of: dt.date,
        parameter_date: dt.date,
        *,
        garder: bool = False,
        reprendre: bool = False,
        jusqu_a: int | None = None,
    ) -> None:
        """Run one case with the parameters in force at ``parameter_date``.

        ``garder``: keep this run's prefix (:mod:`entadvisor.engine.reprise`) for a run of the same case
        at another parameter date. ``reprendre``: such a run; it resumes from the kept prefix when that
        provably gives the same run, else it runs the case from the start. ``jusqu_a``: stop before the
        first rule of a salience below it (the facts of the strata at or above it are then final, see
        :meth:`_strate_close`); :meth:`achever` runs the rest.
        """
        if not self.raccourcis:
            garder = reprendre = False
            jusqu_a = None
        if reprendre and self._reprendre(answers, as_of, parameter_date, jusqu_a):
            return
        self._reset_case_state()
        self._pause = jusqu_a
        self.parametres = self.knowledge.parameters.at(parameter_date)
        self.reset()
        if self.declarations is not None:
            self.declarations.clear()
        projet = Projet(**answers.model_dump())
        seuils, contexte = self._datees(as_of, parameter_date)
        self.declare(projet, seuils, contexte)
        self.used_parameters.update((*SEUILS.values(), "marge_seuil_proche"))
        if garder and self._palier is not None:
            self._attendu = self._palier
            self._cas = (answers, as_of, seuils, contexte)
        self.run()

    def _datees(self, as_of: dt.date, parameter_date: dt.date) -> tuple[Fact, Fact]:
        """The input facts that depend on the parameter date (``self.parametres`` at that date)."""
        seuils = {key: self.parametres[name] for key, name in SEUILS.items()}
        a_l_analyse = self.knowledge.parameters.at(as_of)
        changent = tuple(  # the procedure thresholds whose value differs between the analysis and the launch
            name for name in SEUILS_PROCEDURE if a_l_analyse[name].valeur != self.parametres[name].valeur
        )
        return (
            Seuils(
                **{key: float(value.valeur) for key, value in seuils.items()},
                **{f"{key}_connu": value.connu for key, value in seuils.items()},
                marge=float(self.parametres["marge_seuil_proche"].valeur),
            ),
            Contexte(date_analyse=as_of, date_parametres=parameter_date, seuils_changent=changent),
        )

    def run(self, steps: int | None = None) -> None:  # type: ignore[override]
        """experta 1.9.4's loop, with a structured trace and a guard against runaway rules."""
        limit = MAX_FIRINGS if steps is None else steps
        self.running = True
        try:
            while self.running:
                if self.facts.added or self.facts.removed:  # nothing to match when the last rule only noted
                    added, removed = self.get_activations()
                    self.strategy.update_agenda(self.agenda, added, removed)
                if self._attendu is not None:
                    waiting = self.agenda.activations
                    if not waiting or waiting[-1].rule.salience <= self._attendu:
                        self._garder()
                        self._attendu = None
                if self._pause is not None:
                    waiting = self.agenda.activations
                    if waiting and waiting[-1].rule.salience < self._pause:
                        break  # paused: the agenda and the memory are left as they are for achever()
                activation = self.agenda.get_next()
                if activation is None:
                    break
                if activation.rule.salience < self._plancher:
                    self._plancher = activation.rule.salience
                if len(self.trace) >= limit:
                    raise RunawayRules(
                        f"plus de {limit} règles déclenchées ; dernière : {activation.rule.__name__}"
                    )
                function_name = activation.rule._wrapped.__name__
                meta = self._metas[function_name]
                self._current = meta
                self.trace.append(Firing(meta, activation.facts))
                rule = activation.rule  # experta's Rule.__call__, inlined: only the names the function takes
                names, bound = self._noms[function_name], activation.context
                if names is None:
                    context = {k: v for k, v in bound.items() if not k.startswith("__")}
                else:
                    context = {k: bound[k] for k in names if k in bound}
                try:
                    if rule._wrapped_self is None:
                        rule._wrapped(self, **context)
                    else:
                        rule._wrapped(rule._wrapped_self, self, **context)
                except (EvaluationError, RunawayRules):
                    raise
                except Exception as exc:  # a rule of a modified knowledge base that fails when it fires
                    raise EvaluationError(
                        f"la règle {meta.id} (« {meta.titre} ») a échoué en se déclenchant : "
                        f"{type(exc).__name__} : {exc}"
                    ) from exc
                self._current = None
        finally:
            self.running = False

    def achever(self) -> None:
        """Run the rest of a run stopped by ``jusqu_a`` (nothing when it was not stopped)."""
        if self._pause is not None:
            self._pause = None
            self.run()

    def derived(self, classes: frozenset[str] | None = None) -> dict[str, list[dict[str, Any]]]:
        """Facts present after the run, by class name, as plain dicts (only those of ``classes`` if given)."""
        found: dict[str, list[dict[str, Any]]] = {}
        for fact in self.facts.values():
            name = type(fact).__name__
            if classes is not None and name not in classes:
                continue
            values = {k: plain_value(v) for k, v in fact.items() if isinstance(k, str) and k[:2] != "__"}
            found.setdefault(name, []).append(values)
        return found


def run_at_launch(
    engine: Any,
    knowledge: Any,
    answers: Answers,
    as_of: dt.date,
    at_first: Callable[[Any], None] | None = None,
    at_first_reads: int | None = None,
) -> dt.date:
    """Run the case with the parameters in force at the launch of the consultation (DOMAIN.md §3).

    The launch is the answered ``date_lancement``, else the plan's, which itself depends on the
    procedure and so on the thresholds: run at the first guess, and again at the plan's launch while
    the parameters in force there differ (twice at most in practice; bounded). A run again resumes from
    the first run's prefix (:mod:`entadvisor.engine.reprise`). Each run stops once its plan is final (below
    the stratum of Planning); ``achever()`` runs the rest of the last. ``at_first`` is called with the
    engine after the first run, stopped below ``at_first_reads`` too (None: that run is whole).
    """
    parameters = knowledge.parameters
    first = parameter_date = answers.date_lancement or as_of
    lu = Planning.strate if at_first is None else at_first_reads  # the lowest stratum read of the first run
    jusqu_a = None if lu is None else min(lu, Planning.strate)
    engine.run_case(answers, as_of, parameter_date, garder=True, jusqu_a=jusqu_a)
    if at_first is not None:
        at_first(engine)
    for _ in range(3):  # a procedure change moves the launch; once moved, the date follows the plan's launch
        launch = next((f["lancement"] for f in engine.facts.values() if type(f).__name__ == "Planning"), None)
        if launch is None or launch == parameter_date:
            break
        if parameter_date == first and parameters.at(launch) == parameters.at(parameter_date):
            break
        parameter_date = launch
        engine.run_case(answers, as_of, parameter_date, reprendre=True, jusqu_a=Planning.strate)
    engine.achever()
    return parameter_date
