"""The Gantt chart of the report: steps and milestones over whole school years.

:func:`gantt_svg` draws one row per step over school years (1 September → 31 August bands), bars
filled with the patterns of :mod:`.charts`, milestones as diamonds, and a dashed line at the date of
the analysis. The view (:mod:`.figures`) draws the project's calendar and the contract's phases
with it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from entadvisor.formatting import annee_scolaire, date_fr
from entadvisor.report.charts import LARGEUR, PALETTE, Legende, diamond, legend, rect_motif, svg_open, wrap

MOIS_COURTS = (
    "janv.",
    "févr.",
    "mars",
    "avr.",
    "mai",
    "juin",
    "juil.",
    "août",
    "sept.",
    "oct.",
    "nov.",
    "déc.",
)


def date_courte(value: dt.date) -> str:
    """``2027-01-15`` → ``15 janv. 2027`` (milestone labels inside charts)."""
    jour = "1er" if value.day == 1 else str(value.day)
    return f"{jour} {MOIS_COURTS[value.month - 1]} {value.year}"


@dataclass(frozen=True)
class Barre:
    """One row of a Gantt chart."""

    libelle: str
    debut: dt.date
    fin: dt.date
    motif: str = "plein"
    jalon: bool = False


def _school_year(value: dt.date) -> int:
    """The year of the rentrée that opens the school year containing ``value``."""
    return value.year if value.month >= 9 else value.year - 1


@dataclass(frozen=True)
class _Echelle:
    """The time axis of a Gantt chart: whole school years from ``premiere`` to ``derniere``."""

    premiere: int
    derniere: int
    gauche: float  # where the plot starts (after the labels)
    largeur: float

    @property
    def fin(self) -> dt.date:
        return dt.date(self.derniere + 1, 9, 1)

    def x(self, value: dt.date) -> float:
        origine = dt.date(self.premiere, 9, 1)
        return self.gauche + (value - origine).days / (self.fin - origine).days * self.largeur


def _annees(echelle: _Echelle, haut: float, bas: float) -> list[str]:
    """School-year bands, each labelled; a darker line at every rentrée; month ticks (January longer:
    it splits the civil years inside a school year)."""
    out: list[str] = []
    x, premiere = echelle.x, echelle.premiere
    annees = echelle.derniere - premiere + 1
    for i in range(annees):
        x0, x1 = x(dt.date(premiere + i, 9, 1)), x(dt.date(premiere + i + 1, 9, 1))
        fond = PALETTE["bande"] if i % 2 == 0 else PALETTE["blanc"]
        out.append(
            f'<rect x="{x0:.1f}" y="{haut - 22}" width="{x1 - x0:.1f}" height="{bas - haut + 26}" '
            f'fill="{fond}"/>'
        )
        size = 12 if (x1 - x0) >= 78 else 10
        out.append(
            f'<text x="{(x0 + x1) / 2:.1f}" y="{haut - 28}" font-size="{size}" font-weight="bold" '
            f'text-anchor="middle" fill="{PALETTE["texte"]}">{annee_scolaire(premiere + i)}</text>'
        )
    for i in range(annees + 1):
        xr = x(dt.date(premiere + i, 9, 1))
        out.append(
            f'<line x1="{xr:.1f}" y1="{haut - 22}" x2="{xr:.1f}" y2="{bas + 4}" '
            f'stroke="{PALETTE["gris"]}" stroke-width="1"/>'
        )
    for m in range(annees * 12):
        year, month = divmod(8 + m, 12)
        xm = x(dt.date(premiere + year, month + 1, 1))
        length = 7 if month == 0 else 3
        out.append(
            f'<line x1="{xm:.1f}" y1="{haut - 22}" x2="{xm:.1f}" y2="{haut - 22 + length}" '
            f'stroke="{PALETTE["gris"]}" stroke-width="1"/>'
        )
    return out


def _ligne(
    barre: Barre, lines: list[str], y: float, ligne: float, echelle: _Echelle, coupe: bool
) -> list[str]:
    """One row of the Gantt chart: its label, then its bar (an arrow if it runs past the chart) or milestone."""
    first_y = y + ligne / 2 + 4 - (len(lines) - 1) * 6.5
    tspans = "".join(
        f'<tspan x="8" y="{first_y + k * 13:.1f}">{escape(text)}</tspan>' for k, text in enumerate(lines)
    )
    out = [f'<text font-size="12" fill="{PALETTE["texte"]}">{tspans}</text>']
    if barre.jalon:
        cx, cy = echelle.x(barre.debut), y + ligne / 2
        out.append(diamond(cx, cy))
        label = date_courte(barre.debut)
        if cx + 12 + len(label) * 6.4 <= LARGEUR - 2:
            out.append(
                f'<text x="{cx + 11:.1f}" y="{cy + 4:.1f}" font-size="11" fill="{PALETTE["texte"]}">'
                f"{escape(label)}</text>"
            )
        else:
            out.append(
                f'<text x="{cx - 11:.1f}" y="{cy + 4:.1f}" font-size="11" text-anchor="end" '
                f'fill="{PALETTE["texte"]}">{escape(label)}</text>'
            )
        return out
    x0 = echelle.x(barre.debut)
    fin = barre.fin + dt.timedelta(days=1)
    x1 = echelle.x(min(fin, echelle.fin))
    out.append(rect_motif(x0, y + ligne / 2 - 9, max(x1 - x0, 3), 18, barre.motif))
    if coupe and fin > echelle.fin:  # the step goes on after the chart's end: an arrow says so
        cy = y + ligne / 2
        out.append(
            f'<path d="M{x1 - 8:.1f} {cy - 9:.1f} L{x1 + 2:.1f} {cy:.1f} L{x1 - 8:.1f} {cy + 9:.1f} Z" '
            f'fill="{PALETTE["texte"]}"/>'
        )
    return out


def gantt_svg(
    barres: Sequence[Barre],
    *,
    titre: str,
    prefix: str,
    legende: Sequence[Legende] = (),
    date_analyse: dt.date | None = None,
    horizon: dt.date | None = None,
) -> str:
    """A Gantt chart over whole school years. ``barres`` keep their order (one row each).

    With ``horizon`` (a 1 September), the chart stops there so that the months ahead get the width:
    steps that start later are left out (the data table gives them all) and a bar that runs past it
    ends in an arrow.
    """
    if horizon is not None:
        barres = [b for b in barres if b.debut < horizon]
    if not barres:
        raise ValueError("gantt_svg : aucune barre")
    premiere, derniere = _annees_montrees(barres, date_analyse, horizon)
    wrapped = [wrap(b.libelle, 40, 3) for b in barres]
    longest = max(len(line) for lines in wrapped for line in lines)
    label_w, marge_d, haut = int(min(270, max(120, longest * 6.5 + 20))), 14, 44
    echelle = _Echelle(premiere, derniere, label_w, LARGEUR - label_w - marge_d)
    hauteurs = [max(26, 13 * len(lines) + 8) for lines in wrapped]
    bas_lignes = haut + sum(hauteurs)

    legend_entries = list(legende)
    if date_analyse is not None:
        legend_entries.append(Legende("analyse", f"date de l'analyse ({date_fr(date_analyse)})"))
    legend_svg, legend_h = legend(legend_entries, bas_lignes + 16)
    hauteur = bas_lignes + 16 + legend_h + 4

    description = _description(premiere, derniere, len(barres), coupe=horizon is not None)
    out = svg_open(prefix, titre, description, hauteur, "gantt")
    out += _annees(echelle, haut, bas_lignes)
    y = float(haut)
    for i, barre in enumerate(barres):
        if i:
            out.append(
                f'<line x1="8" y1="{y:.1f}" x2="{LARGEUR - marge_d}" y2="{y:.1f}" '
                f'stroke="{PALETTE["grille"]}" stroke-width="0.5"/>'
            )
        out += _ligne(barre, wrapped[i], y, hauteurs[i], echelle, coupe=horizon is not None)
        y += hauteurs[i]
    if date_analyse is not None:
        xa = echelle.x(date_analyse)
        out.append(
            f'<line x1="{xa:.1f}" y1="{haut - 22}" x2="{xa:.1f}" y2="{bas_lignes + 4}" '
            f'stroke="{PALETTE["texte"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
        )
    out.extend(legend_svg)
    out.append("</svg>")
    return "\n".join(out)


def _annees_montrees(
    barres: Sequence[Barre], date_analyse: dt.date | None, horizon: dt.date | None
) -> tuple[int, int]:
    """The first and last school years of the chart: those of the bars, from the analysis, up to the horizon."""
    premiere = _school_year(min(b.debut for b in barres))
    derniere = _school_year(max(b.fin for b in barres))
    if horizon is not None:
        derniere = min(derniere, _school_year(horizon - dt.timedelta(days=1)))
    if date_analyse is not None:
        premiere = min(premiere, _school_year(date_analyse))
    return premiere, derniere


def _description(premiere: int, derniere: int, etapes: int, *, coupe: bool) -> str:
    """The ``<desc>`` of the chart: the years it covers, its number of steps, where the dates are."""
    description = (
        f"Calendrier du projet de {annee_scolaire(premiere)} à {annee_scolaire(derniere)}, "
        f"{etapes} étapes ; les dates exactes figurent dans le tableau qui suit."
    )
    if coupe:
        description += (
            " Une flèche marque une étape qui continue après l'année scolaire "
            + annee_scolaire(derniere)
            + "."
        )
    return description
