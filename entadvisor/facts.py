"""The vocabulary of the knowledge base: fact classes, salience strata and the ``regle`` decorator.

Rule modules (``rules/*.py``) import everything they need from here::

    from entadvisor.facts import Projet, Voie, Strate, regle, MATCH, NOT, L

Facts are flat (no inheritance between fact classes: experta matches the exact class) and hold
plain hashable values only. Input facts are declared by the engine from validated answers and
parameters; every other fact is derived by a rule, through :meth:`Moteur.conclure`.
"""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from entadvisor.advice import CODES_VIGILANCE
from entadvisor.engine._experta import AND, AS, MATCH, NOT, OR, TEST, ConditionalElement, L, P, Rule, W
from entadvisor.engine._experta import Fact as _ExpertaFact
from entadvisor.references import Ref, citation

__all__ = [
    "AND",
    "AS",
    "CHAMPS_NOTES",
    "CODES_VIGILANCE",
    "MATCH",
    "NOT",
    "NOTES",
    "OR",
    "TEST",
    "Acheteur",
    "Contexte",
    "Duree",
    "Effectif",
    "Experimentation",
    "FacteurExperimentation",
    "FormatExperimentation",
    "L",
    "OffreRetenue",
    "P",
    "Passation",
    "PetitAcheteur",
    "Planning",
    "Prix",
    "Projet",
    "Ref",
    "Regle",
    "Seuils",
    "Strate",
    "Taille",
    "Tranche",
    "ValeurEstimee",
    "Voie",
    "W",
    "regle",
]


# --- the base of every fact class ----------------------------------------------------------------

_SCALAIRES = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})
"""Values experta's ``freeze`` returns unchanged: stored as they are, without its generic dispatch."""


class Fact(_ExpertaFact):
    """experta's Fact, freezing only what needs it (lists, dicts, sets); scalars are stored directly.

    Same content, equality, hash and immutability after declaration as experta's: ``freeze`` of a
    scalar is the scalar itself, so only the cost of asking changes.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        if args or self.__fields__ or any(type(v) not in _SCALAIRES for v in kwargs.values()):
            super().__init__(*args, **kwargs)
            return
        dict.update(self, kwargs)
        self._Fact__defaults: dict[Any, Any] = {}

    def __setitem__(self, key: Any, value: Any) -> None:
        if type(value) in _SCALAIRES and dict.get(self, "__factid__") is None:
            dict.__setitem__(self, key, value)
        else:
            super().__setitem__(key, value)

    def has_field_constraints(self) -> bool:
        """experta's check before declaring (no L, W, P… among the values), without a generator."""
        for value in self.values():
            if type(value) not in _SCALAIRES and isinstance(value, ConditionalElement):
                return True
        return False

    def has_nested_accessor(self) -> bool:
        """experta's check before declaring (no ``__`` inside a key), each key string checked once."""
        for key in self:
            sure = _CLES_SIMPLES.get(key) if type(key) is str else None
            if sure is None:
                sure = "__" not in str(key).strip("_")  # experta: str(k).strip("__"), the same characters
                if type(key) is str and len(_CLES_SIMPLES) < 4096:
                    _CLES_SIMPLES[key] = sure
            if not sure:
                return True
        return False


_CLES_SIMPLES: dict[str, bool] = {}
"""Keys already checked by ``has_nested_accessor``: key -> it has no ``__`` inside."""


# --- salience strata ---------------------------------------------------------------------------------


class Strate(enum.IntEnum):
    """Each derivation level fires after the one above it is complete (experta has no truth maintenance).

    A fact class declares its stratum (``Voie.strate``): a rule that concludes it (``regle(..., conclut=Voie)``)
    fires in that stratum; a rule that only notes declares its stratum itself (``strate=Strate.VIGILANCE``).
    """

    HYPOTHESES = 105  # « je ne sais pas » becomes its prudent value before any other rule reads the answers
    NORMALISATION = 100
    ACHETEUR = 90
    OFFRE = 85
    VOIE = 80
    FACTEURS = 75
    EXCEPTIONS_EXPERIMENTATION = 72
    EXPERIMENTATION = 70
    FORMAT = 65
    DUREE = 60
    VALEUR = 50
    TRANCHE = 45
    PROCEDURE = 40
    PLANNING = 35
    CONTRAT = 30
    PREPARATION = 20
    VIGILANCE = 10


# --- input facts (declared by the engine) ----------------------------------------------------------


class Projet(Fact):
    """The validated answers; one field per answer key (absent optional answers are ``None``)."""

    strate = Strate.HYPOTHESES  # the rules that replace « je ne sais pas » revise the answers first


class Seuils(Fact):
    """The thresholds in force at the parameter date, and whether each value is known at that date."""


class Contexte(Fact):
    """Dates of the analysis: ``date_analyse`` and ``date_parametres``."""


# --- derived facts ---------------------------------------------------------------------------------


class Effectif(Fact):
    """Pupils counted (``eleves``) and whether the count was estimated from the classes."""

    strate = Strate.NORMALISATION


class Prix(Fact):
    """Price per pupil and per year, € HT, and whether it is the default assumption."""

    strate = Strate.NORMALISATION


class Taille(Fact):
    """Size of the perimeter: ``categorie`` petit / moyen / grand."""

    strate = Strate.NORMALISATION


class PetitAcheteur(Fact):
    """The buyer is small: few schools, or no procurement staff (``motif``)."""

    strate = Strate.ACHETEUR


class Acheteur(Fact):
    """Who buys: ``nature``, ``libelle``, ``porte_pour_autres``, ``plusieurs_competents``."""

    strate = Strate.ACHETEUR


class OffreRetenue(Fact):
    """The mutualised offer the buyer can use: centrale_achat / groupement_existant / aucune."""

    strate = Strate.OFFRE


class Voie(Fact):
    """The purchasing route: ``voie`` and ``procedure_requise`` (False through a centrale or an existing groupement)."""

    strate = Strate.VOIE


class FacteurExperimentation(Fact):
    """One reason to start with an experimentation (``facteur``)."""

    strate = Strate.FACTEURS


class Experimentation(Fact):
    """Whether an experimentation is recommended (``recommandee``) and why (``motif``)."""

    strate = Strate.EXPERIMENTATION
    strate_exceptions = Strate.EXCEPTIONS_EXPERIMENTATION  # a case the guide excepts, decided first


class FormatExperimentation(Fact):
    """Design of the experimentation: ``format``, ``duree_mois``, ``ecoles_pilotes``."""

    strate = Strate.FORMAT


class Duree(Fact):
    """Contract sizing in school years: deployment, observation, total."""

    strate = Strate.DUREE


class ValeurEstimee(Fact):
    """Estimated value of the need (``montant``), € HT, whole duration."""

    strate = Strate.VALEUR


class Tranche(Fact):
    """Where the estimated value stands against the thresholds."""

    strate = Strate.TRANCHE


class Passation(Fact):
    """How the contract is awarded: ``procedure`` (None when the route needs none) and lead times."""

    strate = Strate.PROCEDURE


class Planning(Fact):
    """Backward planning from the rentrée: dates and feasibility."""

    strate = Strate.PLANNING


class Contrat(Fact):
    """The contract: form, dates, phases."""

    strate = Strate.CONTRAT


# --- what rules note (outputs no rule chains on) ---------------------------------------------------

CHAMPS_NOTES: dict[str, frozenset[str] | None] = {
    "action": frozenset({"ordre", "action", "qui", "echeance"}),  # one of the next actions (who, by when)
    "alternative": frozenset({"procedure", "raison"}),  # a procedure considered and why it is not retained
    "deliberation": None,  # the act the buyer adopts (its fields are those of ActeDecision)
    "deroulement": frozenset({"texte"}),  # a step of the experimentation
    "etape": frozenset({"etape", "libelle", "debut", "fin", "jalon"}),  # a dated step of the calendar
    # a key success factor of the guide, assessed
    "preparation": frozenset({"code", "facteur", "statut", "constat", "action"}),
    "raison": frozenset({"sujet", "texte"}),  # a reason, under the subject it explains
    "vehicule": frozenset({"texte"}),  # the contract vehicle of the pilot
    "vigilance": frozenset({"code", "message"}),  # a warning, by its code (one of CODES_VIGILANCE)
    "voie_ecartee": frozenset({"voie", "raison"}),  # a purchasing route considered and why it is not retained
}
"""The kinds of note the advice is built from, and the fields each carries (None: not checked).

``moteur.noter(kind, **fields)`` is checked when the knowledge base is loaded (entadvisor/engine/knowledge.py):
another kind, another field or an undeclared warning code is an error naming the module and the line,
never a lost line of the advice."""

NOTES = frozenset(CHAMPS_NOTES)
"""The kinds of note (the keys of :data:`CHAMPS_NOTES`)."""


# --- rules -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Regle:
    """What the knowledge base says about one rule, for the trace, the report and ``entadvisor regles``."""

    id: str
    titre: str
    references: tuple[str, ...]
    """The references as the advice cites them (each :class:`Ref` rendered, as in the public JSON)."""
    explication: str
    module: str
    salience: int
    faits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """For each fact class of the rule's patterns, the fields the rule reads (shown in the trace)."""
    sources: tuple[Ref, ...] = ()
    """The references as declared: code, article, title and link of each text."""
    conclut: str | None = None
    """The fact class the rule concludes (its stratum is that class's), or None for a rule that only notes."""
    exception_de: tuple[str, ...] = ()
    """The rules this one overrides: it fires first, and each of them waits for no fact of ``conclut``."""
    negations: tuple[str, ...] = ()
    """The fact classes the rule requires absent (``NOT(Experimentation())``)."""


def regle(
    id: str,
    titre: str,
    *patterns: Any,
    references: Iterable[Ref | str],
    explication: str,
    conclut: type[Fact] | None = None,
    exception_de: str | Iterable[str] = (),
    strate: Strate | None = None,
) -> Callable[[Callable[..., None]], Rule]:
    """Declare a rule: its id, French title, references, explanation and experta patterns.

    The decorated function is the right-hand side; it receives the engine and the bindings it
    names, and concludes through ``moteur.conclure`` / ``moteur.noter``. ``references`` are
    :class:`Ref`; a text (« CCP art. R2122-8 ») is read as :func:`~entadvisor.references.citation` reads
    a data file's (the bundled rules declare Refs: ``tests/test_references.py`` checks it).

    The salience comes from the fact class the rule concludes (``conclut=Voie``: ``Voie.strate``); a
    rule that concludes no fact (it only notes) names its ``strate``. ``exception_de="EXP-RECOMMANDEE"``
    declares a rule that overrides another: it fires in the class's ``strate_exceptions``, before the
    general rule, which requires the concluded fact absent (checked when the knowledge base loads).
    """
    exceptions = (exception_de,) if isinstance(exception_de, str) else tuple(exception_de)
    salience = _salience(id, conclut, exceptions, strate)

    def decorate(function: Callable[..., None]) -> Rule:
        name = "r_" + id.replace("-", "_").lower()
        function.__name__ = function.__qualname__ = name
        module = function.__module__.rsplit(".", 1)[-1]
        sources = tuple(citation(r) if isinstance(r, str) else r for r in references)
        for reference in sources:
            if not isinstance(reference, Ref):
                raise TypeError(
                    f"règle {id} : la référence {reference!r} n'est ni une Ref(code, article, titre, url) "
                    "(entadvisor.facts.Ref) ni un texte."
                )
        meta = Regle(
            id=id,
            titre=titre,
            references=tuple(str(reference) for reference in sources),
            sources=sources,
            explication=explication,
            module=module,
            salience=salience,
            faits=_fields_read(patterns),
            conclut=conclut.__name__ if conclut is not None else None,
            exception_de=exceptions,
            negations=_negations(patterns),
        )
        rule = Rule(*patterns, salience=salience)(function)
        rule._entadvisor = meta  # type: ignore[attr-defined]
        return rule

    return decorate


def _salience(id: str, conclut: type[Fact] | None, exceptions: tuple[str, ...], strate: Strate | None) -> int:
    """The stratum of a rule: that of the class it concludes (of its exceptions, for an override), else its own."""
    if conclut is None:
        if strate is None:
            raise TypeError(
                f"règle {id} : indiquer conclut=<classe de fait> ou, pour une règle qui note, strate=."
            )
        if exceptions:
            raise TypeError(
                f"règle {id} : une exception (exception_de=) indique la classe de fait qu'elle conclut."
            )
        return int(strate)
    if strate is not None:
        raise TypeError(
            f"règle {id} : la strate vient de {conclut.__name__}.strate ; ne pas indiquer aussi strate=."
        )
    name = "strate_exceptions" if exceptions else "strate"
    value = getattr(conclut, name, None)
    if not isinstance(value, Strate):
        raise TypeError(f"règle {id} : {conclut.__name__} ne déclare pas de {name} (entadvisor/facts.py).")
    return int(value)


def _negations(patterns: Iterable[Any]) -> tuple[str, ...]:
    found: set[str] = set()
    for pattern in patterns:
        if type(pattern).__name__ == "NOT":
            found.update(type(item).__name__ for item in pattern if isinstance(item, _ExpertaFact))
    return tuple(sorted(found))


def _fields_read(patterns: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}

    def walk(item: Any) -> None:
        if isinstance(item, _ExpertaFact):
            keys = {str(k) for k in item if not str(k).startswith("__")}
            found.setdefault(type(item).__name__, set()).update(keys)
        elif isinstance(item, (list, tuple)) or type(item).__name__ in {
            "AND",
            "OR",
            "NOT",
            "EXISTS",
            "FORALL",
        }:
            for sub in item:
                walk(sub)

    for pattern in patterns:
        walk(pattern)
    return {name: tuple(sorted(keys)) for name, keys in sorted(found.items())}
