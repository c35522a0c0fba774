"""Checking one case in a worker of ``entadvisor verifier``: run it, check it, time it.

The reference parameters of the independent checker (:func:`reference_parameters`), the
verification engine that records every declaration (:func:`recording_engine`: two rules concluding
on one question are then seen as a conflict, although experta merges equal facts), and
:func:`verifier_cas`, which validates a case, runs it, checks it (:func:`entadvisor.verify.checks.invariants`)
and adds what it found to the worker's :class:`Lot`. The fired rules are counted per batch of
cases, from which :mod:`entadvisor.verify.run` reports the dead ones.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from entadvisor import pydantic_fr
from entadvisor.answers import Answers
from entadvisor.engine._experta import clear_matcher_caches
from entadvisor.engine.knowledge import rules_folder
from entadvisor.engine.moteur import matcher_name, run_at_launch
from entadvisor.engine.parameters import ParameterSet, load_parameters
from entadvisor.engine.synthesis import build_advice
from entadvisor.errors import EntreeInvalide, EvaluationError
from entadvisor.verify.checks import Etat, invariants

CONSEIL_TOUS_LES = 50
"""Every n-th clean case is also built into an Advice (EvaluationError, pydantic validation)."""


# --- the reference parameters ----------------------------------------------------------------------


def reference_parameters(reference: str | os.PathLike[str] | None) -> tuple[ParameterSet, Path, str]:
    """The reference parameters (a knowledge base folder, or its ``parameters`` folder; None: the bundled
    one), their folder and how the report names them."""
    if reference is None:
        folder = rules_folder() / "parameters"
        return load_parameters(folder), folder, "paramètres de la base fournie"
    path = Path(reference)
    folder = path / "parameters" if (path / "parameters").is_dir() else path
    if not folder.is_dir():
        raise EntreeInvalide(str(path), "dossier de paramètres de référence introuvable.")
    return load_parameters(folder), folder, str(folder)


def default_reference() -> ParameterSet:
    """The reference parameters of the bundled knowledge base."""
    return reference_parameters(None)[0]


# --- the verification engine -------------------------------------------------------------------------


_MOTEURS: dict[tuple[int, str], tuple[Any, Any, list[tuple[str, str]]]] = {}


def recording_engine(knowledge: Any, filtrage: str | None = None) -> tuple[Any, list[tuple[str, str]]]:
    """A verification engine for this process, separate from ``knowledge.engine()``, recording declarations.

    experta merges a fact equal to one already declared, so two rules concluding the same thing
    would leave one fact: the wrapper sees every declaration, with the rule that made it.
    """
    filtrage = matcher_name(filtrage)
    found = _MOTEURS.get((id(knowledge), filtrage))
    if found is not None and found[0] is knowledge:
        return found[1], found[2]
    engine = knowledge.engine_class(knowledge, filtrage)
    clear_matcher_caches()
    declarations: list[tuple[str, str]] = []
    engine.declarations = declarations  # the engine records them (those of the last run, resumed or not)
    _MOTEURS[(id(knowledge), filtrage)] = (knowledge, engine, declarations)
    return engine, declarations


@dataclass
class Lot:
    """What a worker returns for a batch of cases (plain data: it crosses process boundaries)."""

    regles: Counter[str] = field(default_factory=Counter)
    conflits: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    violations: list[tuple[int, str, str]] = field(default_factory=list)
    temps: dict[str, float] = field(default_factory=dict)
    empreintes: list[bytes] = field(default_factory=list)
    """One digest per case, to check that no two choices of the sweep gave the same case."""
    couverture: dict[str, Counter[Any]] = field(default_factory=dict)
    """Per answer key, how many cases had each value (the report's coverage, merged by the parent)."""
    analyses: set[dt.date] = field(default_factory=set)
    dates_parametres: set[dt.date] = field(default_factory=set)
    echecs: dict[int, Any] = field(default_factory=dict)
    """The failing cases the report may write as answer files (the first ones of each code)."""
    note_filtrage: str | None = None
    """Why the worker's engine matches with Rete although the compiled matcher was asked for."""

    @classmethod
    def fusion(cls, lots: Iterable[Lot]) -> Lot:
        """The lots of every worker as one: counts and times added, cases and dates joined."""
        total = cls()
        for lot in lots:
            total.regles.update(lot.regles)
            for cle, numeros in lot.conflits.items():
                total.conflits.setdefault(cle, []).extend(numeros)
            total.violations.extend(lot.violations)
            for etape, duree in lot.temps.items():
                add_time(total.temps, etape, duree)
            total.empreintes.extend(lot.empreintes)
            for key, comptes in lot.couverture.items():
                total.couverture.setdefault(key, Counter()).update(comptes)
            total.analyses |= lot.analyses
            total.dates_parametres |= lot.dates_parametres
            total.echecs.update(lot.echecs)
            total.note_filtrage = total.note_filtrage or lot.note_filtrage
        return total


def add_time(temps: dict[str, float], cle: str, duree: float) -> None:
    """Add ``duree`` seconds to the time of one stage."""
    temps[cle] = temps.get(cle, 0.0) + duree


def verifier_cas(
    etat: Etat, numero: int, data: dict[str, Any], as_of: dt.date, lot: Lot
) -> list[tuple[str, str]]:
    t0 = time.process_time()
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        return [("cas_invalide", f"le balayage a produit des réponses invalides : {exc.errors()[0]['msg']}")]
    t1 = time.process_time()
    engine = etat.engine
    try:
        parameter_date = run_at_launch(engine, engine.knowledge, answers, as_of)
    except Exception as exc:  # any exception is a finding, reported with the case
        add_time(etat.temps, "moteur", time.process_time() - t1)
        return [("exception", f"{type(exc).__name__} : {exc}")]
    t2 = time.process_time()
    fired = {step.meta.id for step in engine.trace}
    lot.regles.update(fired)
    try:
        problems, conflits = invariants(etat, answers, parameter_date, fired)
        for conflit in conflits:
            lot.conflits.setdefault(conflit, []).append(numero)
    except Exception as exc:  # a fact missing a field, a wrong type...: the base concluded something unusable
        problems = [("exception", f"contrôle impossible : {type(exc).__name__} : {exc}")]
    if not problems and numero % CONSEIL_TOUS_LES == 0:
        try:
            build_advice(engine, answers, as_of, parameter_date)
        except EvaluationError as exc:
            problems.append(("evaluation", str(exc)))
        except ValidationError as exc:
            problems.append(("conseil_invalide", _conseil_invalide(exc)))
        except Exception as exc:  # the Advice cannot be assembled from what the rules concluded
            problems.append(("conseil_invalide", f"{type(exc).__name__} : {exc}"))
    t3 = time.process_time()
    add_time(etat.temps, "validation", t1 - t0)
    add_time(etat.temps, "moteur", t2 - t1)
    add_time(etat.temps, "controles", t3 - t2)
    return problems


_MOTS_CONSEIL = {"missing": "champ obligatoire absent", "extra_forbidden": "champ inconnu du modèle"}


def _conseil_invalide(exc: ValidationError) -> str:
    """What the Advice model refused in what the rules concluded, in French: the first field and why."""
    erreurs = exc.errors()
    erreur = pydantic_fr.lire(erreurs[0])
    ou = ".".join(str(partie) for partie in erreur.loc) or "conseil"
    pourquoi = pydantic_fr.mot(
        erreur, _MOTS_CONSEIL, defaut=f"valeur {erreur.entree!r} refusée (contrôle « {erreur.type} »)"
    )
    autres = f" (et {len(erreurs) - 1} autre(s))" if len(erreurs) > 1 else ""
    return f"le conseil ne se construit pas à partir des faits conclus : « {ou} » : {pourquoi}{autres}"
