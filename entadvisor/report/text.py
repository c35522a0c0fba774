"""The advice as French text for the terminal: the three recommendations first, then the reasons.

The template ``reports/conseil.txt.j2`` words it. This module gives it the advice, the lexicon of its
knowledge base (``rules/libelles.yaml``: the words of the codes) and the terminal's width; the
wrapping at that width (whole words, continuation lines under the text) is the ``paragraphe`` filter
of :mod:`entadvisor.report.environment`. The text's last line feed is dropped (the callers print it
with their own) and its control characters are made visible.
"""

from __future__ import annotations

import shutil
from typing import Any

from entadvisor.advice import Advice
from entadvisor.engine.knowledge import lexique_du_conseil
from entadvisor.errors import visible
from entadvisor.report.environment import environment, reports_folder

TEMPLATE = "conseil.txt.j2"

LARGEUR = 80
"""The width when the terminal's is unknown (output piped to a file or a program)."""
LARGEUR_MIN, LARGEUR_MAX = 40, 120
"""Narrower than 40 columns nothing reads well; wider than 120 a line is too long to read."""


def largeur_terminal() -> int:
    """The terminal's width in columns (``COLUMNS`` first, as the shell sets it), 80 when unknown or piped."""
    colonnes = shutil.get_terminal_size((LARGEUR, 24)).columns
    return max(LARGEUR_MIN, min(LARGEUR_MAX, colonnes)) if colonnes > 0 else LARGEUR


def contexte(advice: Advice, largeur: int, *, complet: bool = True) -> dict[str, Any]:
    """What the template words: the advice, the width and ``mots``, the lexicon of the knowledge base
    that concluded it (the words of its codes); ``complet`` false keeps the heading and « L'ESSENTIEL »
    (the summary)."""
    return {"advice": advice, "largeur": largeur, "complet": complet, "mots": lexique_du_conseil(advice)}


def _render(advice: Advice, largeur: int | None, complet: bool) -> str:
    template = environment(reports_folder(), autoescape=False, lignes=True).get_template(TEMPLATE)
    texte = template.render(contexte(advice, largeur or largeur_terminal(), complet=complet))
    return visible(texte.removesuffix("\n"))  # a name from an answer file never sends ESC


def advice_text(advice: Advice, largeur: int | None = None) -> str:
    """The advice in French, the three recommendations first, as a user reads it in a terminal.

    Lines fit ``largeur`` columns (default: the terminal's width, 80 when unknown or piped)."""
    return _render(advice, largeur, complet=True)


def advice_summary(advice: Advice, largeur: int | None = None) -> str:
    """The short summary: the heading and « L'ESSENTIEL » (the three recommendations and the key date),
    then how many points of vigilance the full advice holds."""
    return _render(advice, largeur, complet=False)
