"""The one jinja Environment factory of every view: the report, the terminal text, the batch index
(templates of ``reports/``) and the web pages (``web/templates/``).

:func:`environment` is the only place that creates a :class:`jinja2.Environment` in the package. Every
view gets the same French filters (:data:`FILTRES`) and ``StrictUndefined`` (a missing field is an
error, not a blank in front of an elected official); what differs is said by the caller: the
escaping (on for HTML, off for the terminal text) and the style of the templates (``lignes``).
"""

from __future__ import annotations

import functools
import textwrap
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, pass_context
from jinja2.runtime import Context

from entadvisor import formatting
from entadvisor.engine.knowledge import reports_folder as knowledge_reports_folder
from entadvisor.errors import EntreeInvalide
from entadvisor.report.valeurs import upper_first


def reports_folder() -> Path:
    """The folder of the templates of every view: ``reports/`` of the bundled knowledge base (inside
    the wheel, or beside the package in a checkout)."""
    return knowledge_reports_folder()


# --- filters ---------------------------------------------------------------------------------------


def _date_fr(value: Any) -> str:
    date = formatting.as_date(value)
    if date is None:
        raise ValueError(f"date attendue, trouvé {value!r}")
    return formatting.date_fr(date)


def lower_first(text: str) -> str:
    """Lower the first letter unless it starts an acronym: ``Des écoles`` → ``des écoles``; ``ENT`` stays."""
    if not text or (len(text) > 1 and text[1].isupper()):
        return text
    return text[:1].lower() + text[1:]


def paragraphe(text: str, largeur: int, marge: str = "") -> str:
    """A French paragraph wrapped at ``largeur`` columns: whole words only (never cut inside a word or
    at its hyphen), never « ; », « : », « ? », « ! » or « » » at the start of a line. The first line
    starts with ``marge`` (spaces, or a marker such as « 1. » or « - »); continuation lines start under
    the first word of the text."""
    for mark in (" ;", " :", " ?", " !", " »"):
        text = text.replace(mark, "\u00a0" + mark[1:])
    text = text.replace("« ", "«\u00a0")
    return textwrap.fill(
        text,
        width=largeur,
        initial_indent=marge,
        subsequent_indent=" " * len(marge),
        break_long_words=False,
        break_on_hyphens=False,
    )


@pass_context
def _paragraphe(context: Context, text: str, marge: str = "") -> str:
    """:func:`paragraphe` at the width the view was given (``largeur`` of the context)."""
    largeur = context.get("largeur")
    if not isinstance(largeur, int):
        raise ValueError("le filtre « paragraphe » demande la largeur du texte (« largeur » du contexte)")
    return paragraphe(text, largeur, marge)


FILTRES: dict[str, Any] = {
    "montant": formatting.montant,
    "nombre": formatting.nombre_simple,
    "date_fr": _date_fr,
    "mois_annee": formatting.mois_annee,
    "annee_scolaire": formatting.annee_scolaire,
    "duree_mois": formatting.duree_mois,
    "pourcentage": formatting.pourcentage,
    "pluriel": formatting.pluriel,
    "compte": formatting.compte,
    "annees": formatting.annees,
    "upper_first": upper_first,
    "lower_first": lower_first,
    "paragraphe": _paragraphe,
}
"""The filters of every view (French formats of :mod:`entadvisor.formatting`)."""


@functools.lru_cache(maxsize=8)
def environment(folder: Path, *, autoescape: bool, lignes: bool = False) -> Environment:
    """The Environment of the templates of ``folder``: HTML views with ``autoescape``, text views without.

    ``lignes`` is for templates written line by line (the terminal text, the web pages): a line holding
    only a block tag (``{% for %}``, ``{% if %}``…) gives none (``trim_blocks`` and ``lstrip_blocks``;
    ``+%}`` keeps the line feed after a tag that ends a line of text). Without it (the report, the batch
    index) a template is rendered as written, its last line feed included. One Environment per folder
    and style (cached): each template is compiled once per process. A missing folder is refused with
    a French message (an installation without its ``reports/``)."""
    if not folder.is_dir():
        raise EntreeInvalide(
            str(folder), "modèles des vues introuvables (dossier « reports » absent de l'installation)."
        )
    env = Environment(
        loader=FileSystemLoader(str(folder)),
        autoescape=autoescape,
        undefined=StrictUndefined,
        trim_blocks=lignes,
        lstrip_blocks=lignes,
        keep_trailing_newline=not lignes,
    )
    env.filters.update(FILTRES)
    return env


__all__ = ["FILTRES", "environment", "lower_first", "paragraphe", "reports_folder"]
