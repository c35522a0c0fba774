"""Verification of a knowledge base: sweep the answer space, check invariants on every case.

``entadvisor verifier`` builds a deterministic list of distinct cases and runs each through the
engine, in parallel worker processes (one warm engine per worker, shared EXPERTA.md §2.7: the
batch's pool, :class:`entadvisor._pool.Pool`, so a dead worker's lot is checked again alone). The
parent only draws the sweep's choices (cheap and sequential: seeded generators); each worker makes
its cases' answers from them (the costly part: pupils and prices solved on a threshold). A case
is checked from the engine's facts and notes directly, without building the pydantic Advice
(about 0.8 ms, 15 %, saved per case); every 50th clean case is also turned into an Advice, so that
:class:`~entadvisor.errors.EvaluationError` and the Advice model are exercised too.

**The sweep.** Dimensions are derived from the answer model and the parameter files, never typed
here: the categorical answers come from :func:`entadvisor.answers.allowed_values`; the parameter
dates are both sides (day before, day of) of every change date of the thresholds
(:meth:`ParameterSet.change_dates`); at each date, the estimated values aimed at are, for each
threshold in force, value − 1, value, value ± the ``seuil_proche`` margin, the midpoints between
thresholds, half the lowest and twice the highest; the pupils, price per pupil and one-off costs
are solved so that ``pupils × price × years + one-off`` lands exactly on the aimed value, in five
ways (pupils and price given, default price, pupils estimated from the classes, both, large one-off
costs); the school counts sit on both sides of ``petit_acheteur_ecoles`` and ``grand_perimetre_ecoles``.
Blocks take the full product of some dimensions and rotate the others with a seeded generator:

- default (8 172 cases, about 40 s with 2 processes on 2 cores): the full product of the answers that
  decide the purchasing route and procedure (porteur × compétence × 1/plusieurs communes × offre
  mutualisée × besoin/spécifications × partenaires × ENT existant); the full product of thresholds
  × dates × besoin/spécifications; the full product of the answers that decide the experimentation
  (écoles × ENT existant × usages × équipement × besoin × offre);
- ``complet`` (131 816 cases, 107 s with 2 processes on 2 cores, measured in one run): the full product of all ten decision answers (72 576
  combinations), thresholds × dates × need × mutualised offer × the five value constructions, and
  the experimentation block crossed with 1/plusieurs communes.

The readiness answers (convention, comité, DPO, …), the analysis date, the target rentrée and the
end of the current contract are rotated, not multiplied.

**The independent checker.** The procedure is checked against the thresholds of a *reference*
parameter set, not against the parameters of the knowledge base under test: by default the
parameters of the bundled knowledge base, or ``--reference DOSSIER``. So a threshold shifted in a
modified knowledge base (in its YAML or in a rule) is reported. Pass ``--reference`` with your own
folder when you change a threshold on purpose (a new decree).

Invariants (codes in the report): one route; one procedure unless the route needs none (centrale,
existing groupement); the estimated value equals pupils × price × years + one-off costs; the
procedure and its publicity agree with the value and the reference thresholds at the parameter
date; no negotiation for a standard need; experimentation decided, with a format iff recommended;
contract within the legal maximum or flagged ``duree_depassee``; contract from 1 September to
31 August; phases and timeline in order and consecutive; the warning codes of shared ANSWERS.md
present exactly when due; every fired rule has references; no exception. Two rules concluding on
the same question (the same fact class, e.g. two VOIE-* rules) in one case is a conflict, found
from the declarations even when experta merges identical facts. Rules that never fire are dead.

Each failing case is written, up to a cap, as a valid answer file with its analysis date in a
comment, into the output folder (default ``verification-echecs/``).

**Where each part is.** This module runs the verification (the workers and the merge of their
results); :mod:`~entadvisor.verify.sweep` draws the choices, :mod:`~entadvisor.verify.cas` makes a
case from a choice, :mod:`~entadvisor.verify.worker` runs and checks one case,
:mod:`~entadvisor.verify.checks` states the law's checks, :mod:`~entadvisor.verify.invariants` the
plan's (shared with the property test on the Advice), :mod:`~entadvisor.verify.rapport` words the
report and writes the failing cases, :mod:`~entadvisor.verify.cli` is the command.
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections import Counter, deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from entadvisor._pool import MORTS_MAX, Pool, arret_demande, verifier_demarrage
from entadvisor.engine.knowledge import Knowledge, load_knowledge
from entadvisor.engine.moteur import matcher_name
from entadvisor.engine.parameters import load_parameters
from entadvisor.errors import EntreeInvalide
from entadvisor.formatting import nombre
from entadvisor.verify.cas import Cas, cas_du_choix, empreinte_cas
from entadvisor.verify.checks import Etat
from entadvisor.verify.rapport import (
    CLES_COUVERTURE,
    MAX_FICHIERS_PAR_CODE,
    Rapport,
    Violation,
    couverture_de,
    ecrire_echecs,
)
from entadvisor.verify.sweep import choix_du_plan, plan
from entadvisor.verify.worker import Lot, add_time, recording_engine, reference_parameters, verifier_cas

LOT = 200
MODES = {"rapide": 500}


# --- the workers -----------------------------------------------------------------------------------


_ETAT: Etat | None = None


def _init_worker(folder: str, reference: str, filtrage: str | None = None) -> None:
    global _ETAT
    from entadvisor.engine.knowledge import load_knowledge

    knowledge = load_knowledge(folder)
    engine, declarations = recording_engine(knowledge, filtrage)
    _ETAT = Etat(
        knowledge=knowledge,
        reference=load_parameters(Path(reference)),
        engine=engine,
        declarations=declarations,
        sans_references={r.id for r in knowledge.rules if not r.references},
    )


_Element = tuple[int, str, dict[str, Any] | None, dict[str, Any] | None, dt.date | None]
"""One case for a worker: number, block, and either the sweep's choice or the answers and date."""


def _verifier_lot(lot: list[_Element]) -> Lot:
    """Make each case from its choice (the plan is generated here, in the worker) and check it."""
    assert _ETAT is not None, "processus de vérification non initialisé"
    resultat = Lot()
    couverture = resultat.couverture = {key: Counter() for key in CLES_COUVERTURE}
    par_code: Counter[str] = Counter()
    generation = 0.0
    for numero, bloc, choix, data, as_of in lot:
        if choix is not None:
            t0 = time.process_time()
            cas = cas_du_choix(numero, bloc, choix, _ETAT.reference)
            generation += time.process_time() - t0
        else:
            assert data is not None and as_of is not None
            cas = Cas(numero, bloc, data, as_of)
        reponses = cas.reponses
        resultat.empreintes.append(empreinte_cas(cas))
        for key in CLES_COUVERTURE:
            couverture[key][reponses.get(key)] += 1
        resultat.analyses.add(cas.date_analyse)
        resultat.dates_parametres.add(reponses.get("date_lancement") or cas.date_analyse)
        problemes = verifier_cas(_ETAT, numero, reponses, cas.date_analyse, resultat)
        for code, message in problemes:
            resultat.violations.append((numero, code, message))
        codes = {code for code, _ in problemes}
        if any(par_code[c] < MAX_FICHIERS_PAR_CODE for c in codes):
            resultat.echecs[numero] = cas  # among the first of its code: the report may write it
        par_code.update(codes)
    resultat.temps = dict(_ETAT.temps)
    _ETAT.temps.clear()
    resultat.note_filtrage = getattr(_ETAT.engine, "matcher_note", None)
    if generation:
        add_time(resultat.temps, "generation", generation)
    return resultat


# --- the run ---------------------------------------------------------------------------------------


def _coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def verify(
    knowledge: Any = None,
    *,
    reference: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    complet: bool = False,
    limite: int | None = None,
    sortie: str | os.PathLike[str] = "verification-echecs",
    progression: Callable[[int, int], None] | None = None,
    filtrage: str | None = None,
) -> Rapport:
    """Sweep the answer space of a knowledge base and check every case (see the module docstring).

    ``knowledge`` is a :class:`~entadvisor.engine.knowledge.Knowledge`, a folder or None (the bundled
    one); ``reference`` a folder of reference parameters (default: the bundled parameters);
    ``jobs`` worker processes (default: the cores); ``limite`` an evenly spread sample;
    ``filtrage`` the engine's matcher (``compile`` or ``rete``; default ``$ENTADVISOR_MATCHER``, else ``compile``).
    Failing cases are written into ``sortie`` (stale ``echec-*.yaml`` files there are removed first).
    """
    debut = time.perf_counter()
    if not isinstance(knowledge, Knowledge):
        knowledge = load_knowledge(knowledge)
    params_ref, folder_ref, libelle_ref = reference_parameters(reference)
    filtrage = matcher_name(filtrage)
    # the choices are drawn here (cheap, sequential); each worker makes its cases from them
    choix, par_bloc = choix_du_plan(knowledge, params_ref, complet=complet, limite=limite)
    generation = time.perf_counter() - debut
    jobs = max(1, jobs or _coeurs())
    elements: list[_Element] = [(numero, bloc, c, None, None) for numero, bloc, c in choix]
    resultats = _executer(knowledge, params_ref, folder_ref, filtrage, elements, jobs, progression)
    empreintes = [e for resultat in resultats for e in resultat.empreintes]
    if len(set(empreintes)) < len(empreintes):
        # two choices gave the same case (not so for the bundled sweep): check the deduplicated plan
        t0 = time.perf_counter()
        cas, par_bloc = plan(knowledge, params_ref, complet=complet, limite=limite)
        generation += time.perf_counter() - t0
        elements = [(c.numero, c.bloc, None, c.reponses, c.date_analyse) for c in cas]
        resultats = _executer(knowledge, params_ref, folder_ref, filtrage, elements, jobs, progression)
    total = Lot.fusion(resultats)
    rapport = _rapport(
        knowledge, total, elements, par_bloc, generation, jobs,
        reference=libelle_ref, filtrage=filtrage, sortie=sortie, complet=complet, limite=limite,
    )  # fmt: skip
    rapport.fichiers = ecrire_echecs(rapport, total.echecs, knowledge)
    rapport.duree = time.perf_counter() - debut
    return rapport


def _executer(
    knowledge: Any,
    params_ref: Any,
    folder_ref: Any,
    filtrage: str,
    elements: list[_Element],
    jobs: int,
    progression: Callable[[int, int], None] | None,
) -> list[Lot]:
    """Check the cases in lots: in this process, or in ``jobs`` workers each with its own engine."""
    lots = [elements[i : i + LOT] for i in range(0, len(elements), LOT)]
    resultats: list[Lot] = []
    fait = 0
    if jobs == 1 or len(lots) <= 1:
        global _ETAT
        engine, declarations = recording_engine(knowledge, filtrage)
        _ETAT = Etat(
            knowledge, params_ref, engine, declarations, {r.id for r in knowledge.rules if not r.references}
        )
        for lot in lots:
            resultats.append(_verifier_lot(lot))
            fait += len(lot)
            if progression:
                progression(fait, len(elements))
        return resultats
    recus = _Recus(len(elements), progression)
    with Pool(
        min(jobs, len(lots)),
        _verifier_taches,
        _init_worker,
        (str(knowledge.folder), str(folder_ref), filtrage),
        mort=_mort,
        libelle="de vérification",
    ) as pool:
        pool.lancer(deque(enumerate(lots)), recus, lot=1)
    return [recus.lots[i] for i in range(len(lots))]


class _Recus:
    """The checked lots as the workers finish them (any order), and the progress in cases."""

    def __init__(self, total: int, progression: Callable[[int, int], None] | None) -> None:
        self.total = total
        self.progression = progression
        self.lots: dict[int, Lot] = {}
        self.prochain = 0
        self.fait = 0

    def recevoir(self, lignes: list[tuple[int, Lot]]) -> None:
        for numero, resultat in lignes:
            self.lots[numero] = resultat
            self.fait += len(resultat.empreintes)  # one digest per case checked
        while self.prochain in self.lots:
            self.prochain += 1
        if self.progression:
            self.progression(min(self.fait, self.total), self.total)


def _verifier_taches(taches: list[tuple[int, list[_Element]]]) -> list[tuple[int, Lot]]:
    """The worker function of the pool: each task is a lot of cases (stops early when asked)."""
    verifier_demarrage()
    faits = []
    for numero, lot in taches:
        if arret_demande():
            break
        faits.append((numero, _verifier_lot(lot)))
    return faits


def _mort(tache: tuple[int, list[_Element]]) -> list[tuple[int, Lot]]:
    """A lot on which the worker checking it alone died twice: the verification cannot conclude."""
    _, lot = tache
    raise EntreeInvalide(
        None,
        f"le processus de vérification s'est arrêté brutalement {MORTS_MAX} fois sur les cas n° {lot[0][0]} "
        f"à {lot[-1][0]} (mémoire insuffisante ?) ; relancez avec -j 1 pour voir l'erreur.",
    )


__all__ = ["Cas", "Rapport", "Violation", "plan", "verify"]


def _rapport(
    knowledge: Knowledge,
    total: Lot,
    elements: list[_Element],
    par_bloc: dict[str, int],
    generation: float,
    jobs: int,
    *,
    reference: str,
    filtrage: str,
    sortie: str | os.PathLike[str],
    complet: bool,
    limite: int | None,
) -> Rapport:
    """The report of a sweep from the merged lot of its workers (its duration is set by the caller)."""
    lots = [elements[i : i + LOT] for i in range(0, len(elements), LOT)]
    temps = dict(total.temps)
    add_time(temps, "generation", generation)
    rapport = Rapport(
        version=knowledge.version,
        source=knowledge.source,
        reference=reference,
        mode="complet" if complet else "par défaut",
        echantillon=limite is not None and limite < sum(par_bloc.values()),
        cas=len(elements),
        par_bloc=par_bloc,
        dates_parametres=sorted(total.dates_parametres),
        jobs=1 if jobs == 1 or len(lots) <= 1 else min(jobs, len(lots)),
        duree=0.0,
        temps=temps,
        regles=[r.id for r in knowledge.rules],
        declenchements=total.regles,
        violations=sorted(
            (Violation(*v) for v in total.violations), key=lambda v: (v.numero, v.code, v.message)
        ),
        conflits={cle: (len(numeros), min(numeros)) for cle, numeros in total.conflits.items()},
        couverture=couverture_de(total.couverture, total.analyses),
        sortie=Path(sortie),
        filtrage=filtrage,
        note_filtrage=total.note_filtrage,
    )
    if rapport.echantillon:
        rapport.mode = (
            f"échantillon ({nombre(len(elements))} cas répartis sur {nombre(sum(par_bloc.values()))})"
        )
    return rapport
