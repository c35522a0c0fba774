"""Server-side charts of the report as inline, accessible SVG: no JavaScript, standard library only.

Two charts:

* :func:`gantt_svg`: a timeline over school years (1 September → 31 August bands), one row per
  step, bars filled with **patterns** (never colour alone, RGAA 3.1), milestones as diamonds, and a
  dashed line at the date of the analysis;
* :func:`seuils_svg`: the estimated value of the need placed against the dated procurement
  thresholds (dispense, publicity, EU).

Each SVG is ``role="img"`` with a ``<title>`` and a ``<desc>`` (RGAA 1.1); the report follows each
chart with a data table giving the same information, which is the accessible channel. Every text
coming from the advice is escaped here; ids are prefixed so that several charts share a page.
Colours come from :data:`PALETTE`, whose contrast ratios are unit-tested.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from entadvisor.formatting import annee_scolaire, date_fr, nombre

PALETTE: dict[str, str] = {
    "texte": "#1e1e1e",
    "accent": "#1d3a6e",
    "fond_accent": "#eef2f8",
    "gris": "#595959",
    "grille": "#b0b0b0",
    "bande": "#f2f2f2",
    "blanc": "#ffffff",
    "ok": "#1b5e20",
    "attention": "#7a4100",
    "a_faire": "#a4161a",
}
"""Fixed palette. Text colours are ≥ 4.5:1 on white and on their tinted backgrounds; ``grille``
and ``bande`` are decoration only (see tests/test_report_palette.py)."""

MOTIFS = ("plein", "plein_clair", "blanc", "hachure", "points", "quadrillage", "rayures")
"""Bar fills: each category of bar has its own pattern, so the chart survives greyscale printing."""

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

_LARGEUR = 760


@dataclass(frozen=True)
class Barre:
    """One row of a Gantt chart."""

    libelle: str
    debut: dt.date
    fin: dt.date
    motif: str = "plein"
    jalon: bool = False


@dataclass(frozen=True)
class Legende:
    """One legend entry: a pattern (or ``jalon``, or ``analyse``) and its words."""

    motif: str
    libelle: str


def date_courte(value: dt.date) -> str:
    """``2027-01-15`` → ``15 janv. 2027`` (milestone labels inside charts)."""
    jour = "1er" if value.day == 1 else str(value.day)
    return f"{jour} {MOIS_COURTS[value.month - 1]} {value.year}"


def _wrap(text: str, width: int, lines: int = 2) -> list[str]:
    """Split ``text`` into at most ``lines`` lines of about ``width`` characters (ellipsis if longer)."""
    words, out, current = text.split(), [], ""
    for word in words:
        if current and len(current) + 1 + len(word) > width:
            out.append(current)
            current = word
        else:
            current = f"{current} {word}".strip()
    if current:
        out.append(current)
    if len(out) > lines:
        out = out[:lines]
        out[-1] = out[-1][: max(width - 1, 1)].rstrip() + "…"
    return out or [""]


def _motif(x: float, y: float, w: float, h: float, motif: str, stroke_width: float = 1.5) -> str:
    """A rectangle filled with a pattern drawn as plain strokes, outlined in the accent colour.

    SVG ``<pattern>`` fills are avoided on purpose: Chromium prints each tile of a pattern as a
    separate drawing, which made a 20-page PDF weigh 4 MB; strokes clipped by hand weigh little.
    """
    a, blanc = PALETTE["accent"], PALETTE["blanc"]
    w = max(w, 0.0)
    fond = {"plein": a, "plein_clair": a}.get(motif, blanc)
    opacite = ' fill-opacity="0.35"' if motif == "plein_clair" else ""
    parts = [f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="{fond}"{opacite}/>']
    d: list[str] = []
    attrs = ""
    if motif == "hachure":  # diagonal lines X + Y = c, clipped to the rectangle
        step = 7.0
        c = x + y + step / 2
        while c < x + w + y + h:
            x_start, x_end = max(x, c - (y + h)), min(x + w, c - y)
            if x_end > x_start:
                d.append(f"M{x_start:.1f} {c - x_start:.1f}L{x_end:.1f} {c - x_end:.1f}")
            c += step
        attrs = 'stroke-width="2.2"'
    elif motif == "rayures":
        yy = y + 3.0
        while yy < y + h:
            d.append(f"M{x:.1f} {yy:.1f}H{x + w:.1f}")
            yy += 6.0
        attrs = 'stroke-width="2.4"'
    elif motif == "quadrillage":
        yy = y + 4.5
        while yy < y + h:
            d.append(f"M{x:.1f} {yy:.1f}H{x + w:.1f}")
            yy += 9.0
        xx = x + 4.5
        while xx < x + w:
            d.append(f"M{xx:.1f} {y:.1f}V{y + h:.1f}")
            xx += 9.0
        attrs = 'stroke-width="1.5"'
    elif motif == "points":  # round caps on zero-length dashes draw dots
        yy = y + 3.5
        while yy < y + h - 1:
            d.append(f"M{x + 3.5:.1f} {yy:.1f}H{x + w - 1:.1f}")
            yy += 7.0
        attrs = 'stroke-width="3.8" stroke-linecap="round" stroke-dasharray="0 7"'
    if d:
        parts.append(f'<path d="{"".join(d)}" stroke="{a}" {attrs} fill="none"/>')
    parts.append(
        f'<rect x="{x:.1f}" y="{y:.1f}" width="{w:.1f}" height="{h:.1f}" fill="none" '
        f'stroke="{a}" stroke-width="{stroke_width}"/>'
    )
    return "".join(parts)


def _svg_open(prefix: str, titre: str, description: str, hauteur: float, classe: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {_LARGEUR} {hauteur:.0f}" '
        f'class="graphique {classe}" role="img" aria-labelledby="{prefix}-titre {prefix}-desc" '
        'focusable="false">',
        f'<title id="{prefix}-titre">{escape(titre)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
    ]


def _diamond(cx: float, cy: float, r: float = 7) -> str:
    return (
        f'<path d="M{cx:.1f} {cy - r:.1f} L{cx + r:.1f} {cy:.1f} L{cx:.1f} {cy + r:.1f} '
        f'L{cx - r:.1f} {cy:.1f} Z" fill="{PALETTE["texte"]}"/>'
    )


def _legend(entries: Sequence[Legende], y: float, x0: float = 8) -> tuple[list[str], float]:
    """Lay legend entries out left to right, wrapping; return the SVG and the height used."""
    out: list[str] = []
    x, row_y, step = x0, y, 22
    for entry in entries:
        width = 30 + len(entry.libelle) * 6.6 + 22
        if x + width > _LARGEUR - 8 and x > x0:
            x, row_y = x0, row_y + step
        if entry.motif == "jalon":
            out.append(_diamond(x + 11, row_y + 7, 6))
        elif entry.motif == "analyse":
            out.append(
                f'<line x1="{x + 11:.1f}" y1="{row_y - 2:.1f}" x2="{x + 11:.1f}" y2="{row_y + 16:.1f}" '
                f'stroke="{PALETTE["texte"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        else:
            out.append(_motif(x, row_y, 24, 14, entry.motif))
        out.append(
            f'<text x="{x + 30:.1f}" y="{row_y + 11:.1f}" font-size="12" fill="{PALETTE["texte"]}">'
            f"{escape(entry.libelle)}</text>"
        )
        x += width
    return out, row_y + step - y


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
        out.append(_diamond(cx, cy))
        label = date_courte(barre.debut)
        if cx + 12 + len(label) * 6.4 <= _LARGEUR - 2:
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
    out.append(_motif(x0, y + ligne / 2 - 9, max(x1 - x0, 3), 18, barre.motif))
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
    premiere = _school_year(min(b.debut for b in barres))
    derniere = _school_year(max(b.fin for b in barres))
    if horizon is not None:
        derniere = min(derniere, _school_year(horizon - dt.timedelta(days=1)))
    if date_analyse is not None:
        premiere = min(premiere, _school_year(date_analyse))
    wrapped = [_wrap(b.libelle, 40, 3) for b in barres]
    longest = max(len(line) for lines in wrapped for line in lines)
    label_w, marge_d, haut = int(min(270, max(120, longest * 6.5 + 20))), 14, 44
    echelle = _Echelle(premiere, derniere, label_w, _LARGEUR - label_w - marge_d)
    hauteurs = [max(26, 13 * len(lines) + 8) for lines in wrapped]
    bas_lignes = haut + sum(hauteurs)

    legend_entries = list(legende)
    if date_analyse is not None:
        legend_entries.append(Legende("analyse", f"date de l'analyse ({date_fr(date_analyse)})"))
    legend_svg, legend_h = _legend(legend_entries, bas_lignes + 16)
    hauteur = bas_lignes + 16 + legend_h + 4

    description = (
        f"Calendrier du projet de {annee_scolaire(premiere)} à {annee_scolaire(derniere)}, "
        f"{len(barres)} étapes ; les dates exactes figurent dans le tableau qui suit."
    )
    if horizon is not None:
        description += (
            " Une flèche marque une étape qui continue après l'année scolaire "
            + annee_scolaire(derniere)
            + "."
        )
    out = _svg_open(prefix, titre, description, hauteur, "gantt")
    out += _annees(echelle, haut, bas_lignes)
    y = float(haut)
    for i, barre in enumerate(barres):
        if i:
            out.append(
                f'<line x1="8" y1="{y:.1f}" x2="{_LARGEUR - marge_d}" y2="{y:.1f}" '
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


@dataclass(frozen=True)
class SeuilGraphique:
    """One threshold on the value chart."""

    nom: str
    libelle_court: str
    valeur: float
    connu: bool


def _euros(value: float) -> str:
    return nombre(value) + "\u00a0€"


def seuils_svg(
    montant: float,
    seuils: Sequence[SeuilGraphique],
    zones: Sequence[str],
    *,
    titre: str,
    prefix: str,
) -> str:
    """The estimated value against the thresholds, on a linear scale.

    ``zones`` names the ``len(seuils) + 1`` bands from left to right. When the value is far above
    the highest threshold, the scale stops a little past it and the value is drawn as an arrow at
    the right edge, marked « hors échelle », so that the thresholds stay readable.
    """
    ordered = sorted(seuils, key=lambda s: s.valeur)
    if len(zones) != len(ordered) + 1:
        raise ValueError("seuils_svg : il faut une zone de plus que de seuils")
    plus_haut = ordered[-1].valeur if ordered else max(montant, 1.0)
    hors_echelle = montant > plus_haut * 1.9
    maximum = plus_haut * 1.45 if hors_echelle else max(plus_haut * 1.3, montant * 1.12)
    gauche, droite = 14, _LARGEUR - 24
    haut_bande, h_bande = 74, 34

    def x(value: float) -> float:
        return gauche + min(value, maximum) / maximum * (droite - gauche)

    motifs = ["blanc", "points", "hachure", "plein_clair"]
    limites = [0.0, *[s.valeur for s in ordered], maximum]
    description = (
        f"Valeur estimée {_euros(montant)} HT placée sur une échelle de 0 à {_euros(maximum)} HT"
        + (" (elle dépasse l'échelle)" if hors_echelle else "")
        + " ; seuils : "
        + " ; ".join(f"{s.libelle_court} {_euros(s.valeur)} HT" for s in ordered)
        + ". Le tableau qui suit donne les mêmes valeurs."
    )
    # Threshold labels below the band, staggered on two levels when they are too close.
    niveaux: list[int] = []
    last_x = [-1e9, -1e9]
    for seuil in ordered:
        xs = x(seuil.valeur)
        level = 0 if xs - last_x[0] >= 150 else 1 if xs - last_x[1] >= 150 else 0
        niveaux.append(level)
        last_x[level] = xs
    bas_labels = haut_bande + h_bande + 16 + (36 if 1 in niveaux else 0) + 30
    zone_y = bas_labels + 6
    zone_entries = [
        Legende(motifs[min(i, len(motifs) - 1)], f"{i + 1}. {zone}") for i, zone in enumerate(zones)
    ]
    legend_svg, legend_h = _legend(zone_entries, zone_y)
    hauteur = zone_y + legend_h + 4
    out = _svg_open(prefix, titre, description, hauteur, "seuils")

    for i in range(len(limites) - 1):
        x0, x1 = x(limites[i]), x(limites[i + 1])
        motif = motifs[min(i, len(motifs) - 1)]
        out.append(_motif(x0, haut_bande, x1 - x0, h_bande, motif, stroke_width=1))
        if x1 - x0 >= 26:
            out.append(
                f'<circle cx="{(x0 + x1) / 2:.1f}" cy="{haut_bande + h_bande / 2:.1f}" r="10" '
                f'fill="{PALETTE["blanc"]}" stroke="{PALETTE["accent"]}" stroke-width="1"/>'
                f'<text x="{(x0 + x1) / 2:.1f}" y="{haut_bande + h_bande / 2 + 4.5:.1f}" font-size="13" '
                f'font-weight="bold" text-anchor="middle" fill="{PALETTE["texte"]}">{i + 1}</text>'
            )
    if hors_echelle:  # a break mark at the right edge of the scale
        xb = droite - 8
        out.append(
            f'<path d="M{xb - 4:.1f} {haut_bande - 4} l8 {h_bande + 8}" stroke="{PALETTE["texte"]}" '
            'stroke-width="2"/>'
            f'<path d="M{xb + 2:.1f} {haut_bande - 4} l8 {h_bande + 8}" stroke="{PALETTE["texte"]}" '
            'stroke-width="2"/>'
        )
    out.append(
        f'<text x="{gauche}" y="{haut_bande + h_bande + 16}" font-size="12" fill="{PALETTE["texte"]}">0 €</text>'
    )
    out += _marques_seuils(ordered, niveaux, x, haut_bande + h_bande + 16, gauche, droite, haut_bande)
    out += _marque_valeur(montant, x(montant), haut_bande, h_bande, hors_echelle)
    out.extend(legend_svg)
    out.append("</svg>")
    return "\n".join(out)


def _marques_seuils(
    ordered: Sequence[SeuilGraphique],
    niveaux: Sequence[int],
    x: Callable[[float], float],
    y_labels: float,
    gauche: float,
    droite: float,
    haut_bande: float,
) -> list[str]:
    """Each threshold: a line across the band (dashed when unknown), its amount and short name below."""
    out: list[str] = []
    for seuil, level in zip(ordered, niveaux, strict=True):
        xs = x(seuil.valeur)
        y_text = y_labels + level * 36
        dash = "" if seuil.connu else ' stroke-dasharray="5 3"'
        out.append(
            f'<line x1="{xs:.1f}" y1="{haut_bande - 6}" x2="{xs:.1f}" y2="{y_text - 11}" '
            f'stroke="{PALETTE["texte"]}" stroke-width="2"{dash}/>'
        )
        anchor = "end" if xs > droite - 60 else "start" if xs < gauche + 60 else "middle"
        statut = "" if seuil.connu else " (non connu)"
        out.append(
            f'<text x="{xs:.1f}" y="{y_text:.1f}" font-size="12" font-weight="bold" text-anchor="{anchor}" '
            f'fill="{PALETTE["texte"]}">{escape(_euros(seuil.valeur))}</text>'
            f'<text x="{xs:.1f}" y="{y_text + 15:.1f}" font-size="11" text-anchor="{anchor}" '
            f'fill="{PALETTE["texte"]}">{escape(seuil.libelle_court + statut)}</text>'
        )
    return out


def _marque_valeur(
    montant: float, xm: float, haut_bande: float, h_bande: float, hors_echelle: bool
) -> list[str]:
    """The estimated value: a triangle pointing at the band, with its amount above."""
    label = f"Valeur estimée : {_euros(montant)} HT" + (" (hors échelle)" if hors_echelle else "")
    anchor = "end" if xm > _LARGEUR - 170 else "start" if xm < 170 else "middle"
    return [
        f'<path d="M{xm - 9:.1f} {haut_bande - 20} L{xm + 9:.1f} {haut_bande - 20} L{xm:.1f} {haut_bande - 4} Z" '
        f'fill="{PALETTE["a_faire"]}" stroke="{PALETTE["texte"]}" stroke-width="1"/>'
        f'<line x1="{xm:.1f}" y1="{haut_bande - 4}" x2="{xm:.1f}" y2="{haut_bande + h_bande}" '
        f'stroke="{PALETTE["a_faire"]}" stroke-width="3"/>',
        f'<text x="{xm:.1f}" y="{haut_bande - 28}" font-size="14" font-weight="bold" text-anchor="{anchor}" '
        f'fill="{PALETTE["texte"]}">{escape(label)}</text>',
    ]
