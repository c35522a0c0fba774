"""The rule vocabulary: the ``regle`` decorator, its load-time checks, and the salience strata.

Rule modules import it through :mod:`entadvisor.facts`, beside the fact classes::

    from entadvisor.facts import Projet, Voie, Strate, regle, MATCH, NOT, L

A rule's declaration is checked when its module is imported: its references are :class:`Ref` (or
texts read as one), its stratum comes from the fact class it concludes or is named for a rule that
only notes, and an exception says which class it concludes. What a rule declares is kept as a
:class:`Regle` (the trace, the report, ``entadvisor regles`` and the knowledge base's checks read it).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from entadvisor.engine._experta import Fact, Rule
from entadvisor.references import Ref, citation

__all__ = ["Regle", "Strate", "regle"]


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
            found.update(type(item).__name__ for item in pattern if isinstance(item, Fact))
    return tuple(sorted(found))


def _fields_read(patterns: Iterable[Any]) -> dict[str, tuple[str, ...]]:
    found: dict[str, set[str]] = {}

    def walk(item: Any) -> None:
        if isinstance(item, Fact):
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
