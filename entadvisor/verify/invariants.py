"""Invariants every plan of an advice satisfies, whatever the answers (DOMAIN.md §5 and §6).

Checked by the property-based test over random answers and analysis dates, and by
``entadvisor verifier`` on every case of its sweep. Each problem is one French sentence.
"""

from __future__ import annotations

import datetime as dt
import itertools
from typing import Any

from entadvisor.calculations import add_months

UN_JOUR = dt.timedelta(days=1)


def plan_problems(advice: Any, mise_en_service_maximum_mois: int) -> list[str]:
    """What is wrong with the plan of ``advice`` (empty when the plan is coherent)."""
    problems: list[str] = []
    analyse = advice.date_analyse
    synthese = advice.calendrier_synthese
    lancee = any(item.code == "consultation_lancee" for item in advice.vigilance)
    for etape in advice.calendrier:
        if etape.debut < analyse:
            problems.append(
                f"l'étape « {etape.libelle} » commence le {etape.debut}, avant l'analyse du {analyse}"
            )
        if etape.fin < etape.debut:
            problems.append(f"l'étape « {etape.libelle} » finit avant de commencer")
    if not lancee and synthese.lancement < analyse:
        problems.append(f"lancement le {synthese.lancement}, avant l'analyse du {analyse}")
    if not synthese.lancement <= synthese.notification < synthese.ouverture:
        problems.append(
            f"dates dans le désordre : lancement {synthese.lancement}, notification {synthese.notification}, "
            f"ouverture {synthese.ouverture}"
        )
    if not lancee and add_months(synthese.notification, mise_en_service_maximum_mois) < synthese.ouverture:
        problems.append(
            f"plus de {mise_en_service_maximum_mois} mois entre la notification ({synthese.notification}) et "
            f"l'ouverture ({synthese.ouverture})"
        )
    contrat = advice.contrat
    phases = contrat.phases
    if phases[0].debut != contrat.debut or phases[-1].fin != contrat.fin:
        problems.append("les phases ne couvrent pas le contrat de son début à sa fin")
    for avant, apres in itertools.pairwise(phases):
        if apres.debut != avant.fin + UN_JOUR:
            problems.append(
                f"les phases « {avant.libelle} » et « {apres.libelle} » se chevauchent ou laissent un trou"
            )
    if sum(phase.mois for phase in phases) != contrat.duree_mois:
        problems.append(
            f"les phases font {sum(p.mois for p in phases)} mois pour un contrat de {contrat.duree_mois} mois"
        )
    return problems
