"""The drawing primitives of the report's charts: palette, patterns, legend, SVG frame.

The charts themselves are :mod:`.gantt` (the timeline over school years) and :mod:`.seuils` (the
estimated value against the procurement thresholds); both are inline, accessible SVG built here
with the standard library only, no JavaScript.

Each SVG is ``role="img"`` with a ``<title>`` and a ``<desc>`` (RGAA 1.1, :func:`svg_open`); the
report follows each chart with a data table giving the same information, which is the accessible
channel. Bars are filled with **patterns** (never colour alone, RGAA 3.1, :func:`rect_motif`). Every
text coming from the advice is escaped by the caller; ids are prefixed so that several charts share
a page. Colours come from :data:`PALETTE`, whose contrast ratios are unit-tested.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

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

LARGEUR = 760


@dataclass(frozen=True)
class Legende:
    """One legend entry: a pattern (or ``jalon``, or ``analyse``) and its words."""

    motif: str
    libelle: str


def wrap(text: str, width: int, lines: int = 2) -> list[str]:
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


def rect_motif(x: float, y: float, w: float, h: float, motif: str, stroke_width: float = 1.5) -> str:
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


def svg_open(prefix: str, titre: str, description: str, hauteur: float, classe: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {LARGEUR} {hauteur:.0f}" '
        f'class="graphique {classe}" role="img" aria-labelledby="{prefix}-titre {prefix}-desc" '
        'focusable="false">',
        f'<title id="{prefix}-titre">{escape(titre)}</title>',
        f'<desc id="{prefix}-desc">{escape(description)}</desc>',
    ]


def diamond(cx: float, cy: float, r: float = 7) -> str:
    return (
        f'<path d="M{cx:.1f} {cy - r:.1f} L{cx + r:.1f} {cy:.1f} L{cx:.1f} {cy + r:.1f} '
        f'L{cx - r:.1f} {cy:.1f} Z" fill="{PALETTE["texte"]}"/>'
    )


def legend(entries: Sequence[Legende], y: float, x0: float = 8) -> tuple[list[str], float]:
    """Lay legend entries out left to right, wrapping; return the SVG and the height used."""
    out: list[str] = []
    x, row_y, step = x0, y, 22
    for entry in entries:
        width = 30 + len(entry.libelle) * 6.6 + 22
        if x + width > LARGEUR - 8 and x > x0:
            x, row_y = x0, row_y + step
        if entry.motif == "jalon":
            out.append(diamond(x + 11, row_y + 7, 6))
        elif entry.motif == "analyse":
            out.append(
                f'<line x1="{x + 11:.1f}" y1="{row_y - 2:.1f}" x2="{x + 11:.1f}" y2="{row_y + 16:.1f}" '
                f'stroke="{PALETTE["texte"]}" stroke-width="1.5" stroke-dasharray="4 3"/>'
            )
        else:
            out.append(rect_motif(x, row_y, 24, 14, entry.motif))
        out.append(
            f'<text x="{x + 30:.1f}" y="{row_y + 11:.1f}" font-size="12" fill="{PALETTE["texte"]}">'
            f"{escape(entry.libelle)}</text>"
        )
        x += width
    return out, row_y + step - y
