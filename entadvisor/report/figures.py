"""The report's three charts drawn from the advice: the thresholds, the project's calendar, the contract's phases.

Each function reads the advice and the report's words, and hands the drawing to :mod:`.seuils` or
:mod:`.gantt`; the result is markup the templates insert as is (every text was escaped while drawing).
:func:`categorie_etape` tells which category of the calendar a step belongs to (its pattern, its
legend), for the chart and for the data table that follows it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from entadvisor.advice import Advice
from entadvisor.report.charts import Legende
from entadvisor.report.gantt import Barre, gantt_svg
from entadvisor.report.seuils import SeuilGraphique, seuils_svg

_MOTIFS_PHASES = {"deploiement": "points", "observation": "rayures", "renouvellement": "quadrillage"}


def categorie_etape(etape: str, table: dict[str, Any]) -> str:
    """The category of a calendar step (``etapes_categories`` of the report's words): by its code, else by
    the longest code it starts or ends with, else « preparation »."""
    if etape in table:
        return str(table[etape])
    for key in sorted(table, key=len, reverse=True):
        if etape.startswith(key) or etape.endswith(key):
            return str(table[key])
    return "preparation"


def _type_seuil(nom: str) -> str | None:
    """Which kind of threshold a parameter name is (dispense, publicity, EU), or None."""
    if "dispense" in nom:
        return "dispense"
    if "publicite" in nom:
        return "publicite"
    if "formalis" in nom or "europ" in nom or nom.endswith("_ue"):
        return "europeen"
    return None


def figure_seuils(advice: Advice, L: dict[str, Any]) -> Markup:
    """The estimated value against the thresholds of procedure (the other thresholds are in the table only)."""
    types = L["seuils_types"]
    graph_seuils: list[SeuilGraphique] = []
    zones = [str(types["debut"]["zone"])]
    for s in sorted(advice.valeur_estimee.seuils, key=lambda s: s.valeur):
        kind = _type_seuil(s.nom)
        if kind is None or kind not in types:
            continue  # other thresholds (innovative purchase…) are in the table only
        graph_seuils.append(SeuilGraphique(s.nom, str(types[kind]["court"]), s.valeur, s.connu))
        zones.append(str(types[kind]["zone"]))
    return Markup(
        seuils_svg(
            advice.valeur_estimee.montant_ht,
            graph_seuils,
            zones,
            titre="Valeur estimée du besoin et seuils de procédure",
            prefix="fig-seuils",
        )
    )


def figure_calendrier(advice: Advice, L: dict[str, Any]) -> Markup:
    """The project's steps up to the school year after the rentrée, with the legend of the categories shown."""
    categories, table = L["categories_etapes"], L["etapes_categories"]
    barres = [
        Barre(
            e.libelle,
            e.debut,
            e.fin,
            motif=str(categories[categorie_etape(e.etape, table)]["motif"]),
            jalon=e.jalon,
        )
        for e in advice.calendrier
    ]
    horizon = dt.date(advice.calendrier_synthese.rentree_retenue + 1, 9, 1)
    used = {categorie_etape(e.etape, table) for e in advice.calendrier if not e.jalon and e.debut < horizon}
    legende = [Legende(str(v["motif"]), str(v["libelle"])) for k, v in categories.items() if k in used]
    if any(e.jalon and e.debut < horizon for e in advice.calendrier):
        legende.append(Legende("jalon", "jalon (date clé)"))
    return Markup(
        gantt_svg(
            barres,
            titre="Calendrier du projet par année scolaire",
            prefix="fig-gantt",
            legende=legende,
            date_analyse=advice.date_analyse,
            horizon=horizon,
        )
        if barres
        else ""
    )


def figure_phases(advice: Advice, L: dict[str, Any]) -> Markup:
    """The phases of the contract (deployment, observation, renewal) over school years."""
    phases = [
        Barre(
            str(L["phases"].get(p.phase, p.phase)), p.debut, p.fin, motif=_MOTIFS_PHASES.get(p.phase, "plein")
        )
        for p in advice.contrat.phases
    ]
    return Markup(
        gantt_svg(phases, titre="Phases du contrat par année scolaire", prefix="fig-phases") if phases else ""
    )
