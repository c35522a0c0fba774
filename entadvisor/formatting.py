"""French formatting of amounts, dates and school years, shared by the text output and the report."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space: the French thousands separator

MOIS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def nombre(value: float, decimales: int = 0, separateur: str = NNBSP) -> str:
    """``216000`` → ``216 000``; ``2.5`` with one decimal → ``2,5`` (French separators)."""
    text = f"{value:,.{decimales}f}"
    return text.replace(",", "\x00").replace(".", ",").replace("\x00", separateur)


def montant(value: float, *, ht: bool = True, separateur: str = NNBSP) -> str:
    """``216000`` → ``216 000 € HT``; cents shown only when there are some (``2,80 €``)."""
    decimales = 0 if float(value).is_integer() else 2
    suffixe = f"{NBSP}€{NBSP}HT" if ht else f"{NBSP}€"
    return nombre(value, decimales, separateur) + suffixe


def date_fr(value: dt.date) -> str:
    """``2027-09-01`` → ``1er septembre 2027``."""
    jour = "1er" if value.day == 1 else str(value.day)
    return f"{jour} {MOIS[value.month - 1]} {value.year}"


def mois_annee(value: dt.date) -> str:
    """``2027-09-01`` → ``septembre 2027``."""
    return f"{MOIS[value.month - 1]} {value.year}"


def annee_scolaire(annee: int) -> str:
    """The school year that starts at the rentrée of ``annee``: ``2027`` → ``2027-2028``."""
    return f"{annee}-{annee + 1}"


def duree_mois(mois: int) -> str:
    """``48`` → ``48 mois (4 ans)``; ``18`` → ``18 mois (1 an et 6 mois)``."""
    ans, reste = divmod(mois, 12)
    if ans == 0:
        return f"{mois} mois"
    ans_txt = f"{ans} an{'s' if ans > 1 else ''}"
    detail = ans_txt if reste == 0 else f"{ans_txt} et {reste} mois"
    return f"{mois} mois ({detail})"


def pourcentage(ratio: float) -> str:
    """``0.1`` → ``10 %``."""
    return nombre(ratio * 100, 0 if (ratio * 100).is_integer() else 1) + f"{NNBSP}%"


def pluriel(nombre_: int, singulier: str, pluriel_: str | None = None) -> str:
    """``pluriel(1, "année")`` → ``1 année``; ``pluriel(3, "année")`` → ``3 années``."""
    mot = singulier if abs(nombre_) < 2 else (pluriel_ or singulier + "s")
    return f"{nombre_} {mot}"


def compte(nombre_: float, singulier: str, pluriel_: str | None = None) -> str:
    """A count and its noun, French way: ``compte(1, "fichier évalué", "fichiers évalués")`` → ``1 fichier
    évalué``; ``compte(2000, "fichier")`` → ``2 000 fichiers`` (0 and 1 take the singular)."""
    mots = singulier.split(" ")
    mot = singulier if abs(nombre_) < 2 else (pluriel_ or " ".join(m + "s" for m in mots))
    return f"{nombre(nombre_)} {mot}"


def as_date(value: Any) -> dt.date | None:
    """A date given as a date, a datetime or ISO text (``2027-09-01``), else None."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            return None
    return None


def nombre_simple(value: float) -> str:
    """``12`` → ``12``; ``4.5`` → ``4,50``: no decimals for a whole number, else two."""
    value = float(value)
    return nombre(value, 0 if value.is_integer() else 2)


def annees(value: float) -> str:
    """``4`` → ``4 ans``; ``1`` → ``1 an``; ``2.5`` → ``2,5 ans``."""
    value = float(value)
    if value.is_integer():
        n = int(value)
        return f"{n} an{'s' if n > 1 else ''}"
    return f"{nombre(value, 1)} ans"
