"""The vocabulary of the knowledge base: fact classes, what rules note, and the rule vocabulary.

The ``regle`` decorator and the salience strata live in :mod:`entadvisor.regle` and experta's pattern
words in the shim; rule modules (``rules/*.py``) import everything they need from here all the same::

    from entadvisor.facts import Projet, Voie, Strate, regle, MATCH, NOT, L

Facts are flat (no inheritance between fact classes: experta matches the exact class) and hold
plain hashable values only. Input facts are declared by the engine from validated answers and
parameters; every other fact is derived by a rule, through :meth:`Moteur.conclure`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from entadvisor.advice import CODES_VIGILANCE
from entadvisor.engine._experta import AND, AS, MATCH, NOT, OR, TEST, ConditionalElement, L, P, W, freeze
from entadvisor.engine._experta import Fact as _ExpertaFact
from entadvisor.references import Ref
from entadvisor.regle import Regle, Strate, regle

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
    "Contrat",
    "Duree",
    "Effectif",
    "Experimentation",
    "Fact",
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
        if args or self.__fields__:
            super().__init__(*args, **kwargs)
            return
        for key, value in kwargs.items():  # experta's __setitem__ freezes each value: only these need it
            if type(value) not in _SCALAIRES:
                kwargs[key] = freeze(value)
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
