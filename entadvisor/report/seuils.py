"""The threshold chart of the report: the estimated value of the need against the procurement thresholds.

:func:`seuils_svg` places the value on a linear scale cut into numbered zones by the dated
thresholds (dispense, publicity, EU), each zone with its pattern of :mod:`.charts`; an unknown
threshold is dashed, a value far above the highest threshold is drawn « hors échelle ».
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape

from entadvisor.formatting import nombre
from entadvisor.report.charts import LARGEUR, PALETTE, Legende, legend, rect_motif, svg_open

_MOTIFS_ZONES = ("blanc", "points", "hachure", "plein_clair")
"""The patterns of the zones from left to right (the last one repeats)."""


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
    gauche, droite = 14, LARGEUR - 24
    haut_bande, h_bande = 74, 34

    def x(value: float) -> float:
        return gauche + min(value, maximum) / maximum * (droite - gauche)

    limites = [0.0, *[s.valeur for s in ordered], maximum]
    description = _description(montant, maximum, ordered, hors_echelle)
    niveaux = _niveaux(ordered, x)
    bas_labels = haut_bande + h_bande + 16 + (36 if 1 in niveaux else 0) + 30
    zone_y = bas_labels + 6
    zone_entries = [Legende(_motif_zone(i), f"{i + 1}. {zone}") for i, zone in enumerate(zones)]
    legend_svg, legend_h = legend(zone_entries, zone_y)
    hauteur = zone_y + legend_h + 4
    out = svg_open(prefix, titre, description, hauteur, "seuils")
    out += _bandes(limites, x, haut_bande, h_bande)
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


def _motif_zone(index: int) -> str:
    return _MOTIFS_ZONES[min(index, len(_MOTIFS_ZONES) - 1)]


def _description(
    montant: float, maximum: float, ordered: Sequence[SeuilGraphique], hors_echelle: bool
) -> str:
    """The ``<desc>`` of the chart: the value, the scale and every threshold, in words."""
    return (
        f"Valeur estimée {_euros(montant)} HT placée sur une échelle de 0 à {_euros(maximum)} HT"
        + (" (elle dépasse l'échelle)" if hors_echelle else "")
        + " ; seuils : "
        + " ; ".join(f"{s.libelle_court} {_euros(s.valeur)} HT" for s in ordered)
        + ". Le tableau qui suit donne les mêmes valeurs."
    )


def _niveaux(ordered: Sequence[SeuilGraphique], x: Callable[[float], float]) -> list[int]:
    """The level (0 or 1) of each threshold's label below the band: staggered when they are too close."""
    niveaux: list[int] = []
    last_x = [-1e9, -1e9]
    for seuil in ordered:
        xs = x(seuil.valeur)
        level = 0 if xs - last_x[0] >= 150 else 1 if xs - last_x[1] >= 150 else 0
        niveaux.append(level)
        last_x[level] = xs
    return niveaux


def _bandes(
    limites: Sequence[float], x: Callable[[float], float], haut_bande: float, h_bande: float
) -> list[str]:
    """The zones between the thresholds, each with its pattern and, when wide enough, its number."""
    out: list[str] = []
    for i in range(len(limites) - 1):
        x0, x1 = x(limites[i]), x(limites[i + 1])
        out.append(rect_motif(x0, haut_bande, x1 - x0, h_bande, _motif_zone(i), stroke_width=1))
        if x1 - x0 >= 26:
            out.append(
                f'<circle cx="{(x0 + x1) / 2:.1f}" cy="{haut_bande + h_bande / 2:.1f}" r="10" '
                f'fill="{PALETTE["blanc"]}" stroke="{PALETTE["accent"]}" stroke-width="1"/>'
                f'<text x="{(x0 + x1) / 2:.1f}" y="{haut_bande + h_bande / 2 + 4.5:.1f}" font-size="13" '
                f'font-weight="bold" text-anchor="middle" fill="{PALETTE["texte"]}">{i + 1}</text>'
            )
    return out


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
    anchor = "end" if xm > LARGEUR - 170 else "start" if xm < 170 else "middle"
    return [
        f'<path d="M{xm - 9:.1f} {haut_bande - 20} L{xm + 9:.1f} {haut_bande - 20} L{xm:.1f} {haut_bande - 4} Z" '
        f'fill="{PALETTE["a_faire"]}" stroke="{PALETTE["texte"]}" stroke-width="1"/>'
        f'<line x1="{xm:.1f}" y1="{haut_bande - 4}" x2="{xm:.1f}" y2="{haut_bande + h_bande}" '
        f'stroke="{PALETTE["a_faire"]}" stroke-width="3"/>',
        f'<text x="{xm:.1f}" y="{haut_bande - 28}" font-size="14" font-weight="bold" text-anchor="{anchor}" '
        f'fill="{PALETTE["texte"]}">{escape(label)}</text>',
    ]
