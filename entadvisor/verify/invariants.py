"""The plan of an advice and its invariants, whatever the answers (DOMAIN.md §5 and §6).

One statement of the invariants (:func:`plan_problems`), read on a :class:`Plan`: the plan of an
Advice (the property-based test over random answers and analysis dates) or the plan of a case's
facts and step notes (``entadvisor verifier``, on every case of its sweep, with the reference
parameters' maximum set-up: a base that stretched it would be caught). Each problem is one French
sentence. :func:`calendar_problems` adds the verifier's checks of the steps themselves.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
from collections.abc import Sequence
from typing import Any

from entadvisor.calculations import add_months

UN_JOUR = dt.timedelta(days=1)

CHAINES = (
    ("preparation", "passation", "mise_en_service"),
    ("renouvellement_preparation", "renouvellement_passation", "renouvellement_transition"),
)
"""The steps that follow each other without a gap (the purchase, then its renewal)."""
ETAPES_REQUISES: tuple[str, ...] = (
    "etat_des_lieux",
    "convention",
    "comite_pilotage",
    "budget",
    "generalisation",
    "perennisation",
)
ETAPES_REQUISES += CHAINES[0] + CHAINES[1]
ETAPES_DE_PREPARATION = ("etat_des_lieux", "preparation")


@dataclasses.dataclass(frozen=True)
class Phase:
    libelle: str
    debut: dt.date
    fin: dt.date
    mois: int


@dataclasses.dataclass(frozen=True)
class Plan:
    """What the invariants read of a plan, from an Advice or from a case's facts."""

    analyse: dt.date
    lancee: bool
    """The consultation was launched before the analysis date (its dates may then lie before it)."""
    lancement: dt.date
    notification: dt.date
    ouverture: dt.date
    etapes: tuple[tuple[str, dt.date, dt.date], ...]
    """Each step: its label, start and end."""
    contrat: tuple[dt.date, dt.date, int, tuple[Phase, ...]] | None = None
    """The contract's start, end, months and phases (the Advice's phases; the facts have none)."""

    @classmethod
    def of_advice(cls, advice: Any) -> Plan:
        synthese, contrat = advice.calendrier_synthese, advice.contrat
        return cls(
            analyse=advice.date_analyse,
            lancee=any(item.code == "consultation_lancee" for item in advice.vigilance),
            lancement=synthese.lancement,
            notification=synthese.notification,
            ouverture=synthese.ouverture,
            etapes=tuple((e.libelle, e.debut, e.fin) for e in advice.calendrier),
            contrat=(
                contrat.debut,
                contrat.fin,
                contrat.duree_mois,
                tuple(Phase(p.libelle, p.debut, p.fin, p.mois) for p in contrat.phases),
            ),
        )

    @classmethod
    def of_facts(cls, faits: dict[str, list[Any]], notes: list[dict[str, Any]]) -> Plan:
        planning = faits["Planning"][0]
        return cls(
            analyse=faits["Contexte"][0]["date_analyse"],
            lancee=bool(planning["consultation_lancee"]),
            lancement=planning["lancement"],
            notification=planning["notification"],
            ouverture=planning["ouverture"],
            etapes=tuple((n["libelle"], n["debut"], n["fin"]) for n in notes if n["kind"] == "etape"),
        )


def plan_problems(plan: Plan | Any, mise_en_service_maximum_mois: int) -> list[str]:
    """What is wrong with ``plan`` (a :class:`Plan`, or an Advice): empty when the plan is coherent."""
    if not isinstance(plan, Plan):
        plan = Plan.of_advice(plan)
    problems: list[str] = []
    analyse = plan.analyse
    for libelle, debut, fin in plan.etapes:
        if debut < analyse:
            problems.append(f"l'étape « {libelle} » commence le {debut}, avant l'analyse du {analyse}")
        if fin < debut:
            problems.append(f"l'étape « {libelle} » finit avant de commencer")
    if not plan.lancee and plan.lancement < analyse:
        problems.append(f"lancement le {plan.lancement}, avant l'analyse du {analyse}")
    if not plan.lancement <= plan.notification < plan.ouverture:
        problems.append(
            f"dates dans le désordre : lancement {plan.lancement}, notification {plan.notification}, "
            f"ouverture {plan.ouverture}"
        )
    if not plan.lancee and add_months(plan.notification, mise_en_service_maximum_mois) < plan.ouverture:
        problems.append(
            f"plus de {mise_en_service_maximum_mois} mois entre la notification ({plan.notification}) et "
            f"l'ouverture ({plan.ouverture})"
        )
    if plan.contrat is not None:
        problems += _phase_problems(*plan.contrat)
    return problems


def _phase_problems(debut: dt.date, fin: dt.date, duree_mois: int, phases: tuple[Phase, ...]) -> list[str]:
    problems: list[str] = []
    if phases[0].debut != debut or phases[-1].fin != fin:
        problems.append("les phases ne couvrent pas le contrat de son début à sa fin")
    for avant, apres in itertools.pairwise(phases):
        if apres.debut != avant.fin + UN_JOUR:
            problems.append(
                f"les phases « {avant.libelle} » et « {apres.libelle} » se chevauchent ou laissent un trou"
            )
    if sum(phase.mois for phase in phases) != duree_mois:
        problems.append(
            f"les phases font {sum(p.mois for p in phases)} mois pour un contrat de {duree_mois} mois"
        )
    return problems


def calendar_problems(
    faits: dict[str, list[Any]], notes: list[dict[str, Any]], mise_en_service_max: int
) -> list[tuple[str, str]]:
    """The calendar of one case, read on its facts and step notes: milestones in order, the steps of
    DOMAIN.md §6 present and chained, the plan's invariants (:func:`plan_problems`), each problem as
    ``("calendrier", sentence)``."""
    problems: list[tuple[str, str]] = []
    planning, contrat = faits["Planning"][0], faits["Contrat"][0]
    jalons = [planning[k] for k in ("preparation", "lancement", "notification", "ouverture")]
    if jalons != sorted(jalons):
        problems.append(
            (
                "calendrier",
                "préparation, lancement, notification et ouverture hors d'ordre : "
                + ", ".join(map(str, jalons)),
            )
        )
    if planning["ouverture"] != contrat["debut"]:
        problems.append(
            ("calendrier", f"ouverture {planning['ouverture']} ≠ début du contrat {contrat['debut']}")
        )
    etapes = {n["etape"]: n for n in notes if n["kind"] == "etape"}
    plan = Plan.of_facts(faits, notes)
    problems += [("calendrier", problem) for problem in plan_problems(plan, mise_en_service_max)]
    adhesion = not faits["Voie"][0]["procedure_requise"]
    lancee = planning["consultation_lancee"]
    requises = [code for code in ETAPES_REQUISES if not (lancee and code in ETAPES_DE_PREPARATION)]
    chaines = [CHAINES[0][1:] if lancee else CHAINES[0]]
    if adhesion:
        requises = [code for code in requises if code not in CHAINES[1]] + ["renouvellement_adhesion"]
    else:
        chaines.append(CHAINES[1])
    manquantes = [code for code in requises if code not in etapes]
    experimentation = faits["Experimentation"][0]["recommandee"]
    if experimentation and "experimentation" not in etapes:
        manquantes.append("experimentation")
    if manquantes:
        problems.append(("calendrier", f"étapes absentes : {', '.join(manquantes)}"))
        return problems
    return problems + [
        ("calendrier", problem) for problem in _step_order(etapes, chaines, contrat, adhesion, lancee)
    ]


def _step_order(
    etapes: dict[str, dict[str, Any]],
    chaines: Sequence[Sequence[str]],
    contrat: Any,
    adhesion: bool,
    lancee: bool,
) -> list[str]:
    """The steps chained without a gap, in chronological order, the last one ending with the contract."""
    problems: list[str] = []
    for chaine in chaines:
        for a, b in itertools.pairwise(chaine):
            if etapes[a]["fin"] != etapes[b]["debut"]:
                problems.append(
                    f"« {a} » finit le {etapes[a]['fin']}, « {b} » commence le {etapes[b]['debut']}"
                )
    if etapes["generalisation"]["fin"] + dt.timedelta(days=1) != etapes["perennisation"]["debut"]:
        problems.append("la pérennisation ne suit pas la généralisation")
    derniere = "renouvellement_adhesion" if adhesion else "renouvellement_transition"
    if etapes[derniere]["fin"] != contrat["fin"]:
        problems.append("la dernière étape ne finit pas avec le contrat")
    suite = [] if lancee else ["preparation"]
    suite += ["passation", "mise_en_service", "generalisation", "perennisation"]
    if not contrat["duree_depassee"] and not adhesion:
        suite.append("renouvellement_preparation")
    debuts = [etapes[code]["debut"] for code in suite]
    if debuts != sorted(debuts):
        problems.append(
            "étapes hors d'ordre chronologique : "
            + ", ".join(f"{c} {d}" for c, d in zip(suite, debuts, strict=True))
        )
    return problems
