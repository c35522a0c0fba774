"""The typed parsing of one answer: what a person typed, in French, read as the value of its type.

Each reader takes the text as typed (« 1 850 », « 4,50 € », « 15/03/2027 », « rentrée 2027 », « o »)
and returns the value stored in the answer file, or raises ValueError with a French message saying
what is expected. The numbers, dates and yes/no words are those of the answer files
(:mod:`entadvisor.french_input`: one parser for the prompt and the files). :func:`verifier_bornes`
refuses a number outside the :class:`Bornes` in force, saying why.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from entadvisor.answers import ECART_DATES_ANS, years_later
from entadvisor.french_input import NON as _NON  # one parser for the prompt and the answer files
from entadvisor.french_input import OUI as _OUI
from entadvisor.french_input import DateInexistante, parse_date, parse_integer, parse_number
from entadvisor.french_input import simplify as _simplifier
from entadvisor.french_input import without_spaces as _sans_espaces

MOTS_NSP = frozenset({
    "nsp", "je ne sais pas", "je sais pas", "ne sais pas", "ne sait pas", "ne_sait_pas", "inconnu", "inconnue",
})  # fmt: skip
"""« Je ne sais pas » as it may be typed (simplified: lower case, no accents)."""


def dit_ne_sait_pas(brut: str) -> bool:
    """Whether the text typed is « je ne sais pas » (« nsp », « Je sais pas »…)."""
    return _simplifier(brut) in MOTS_NSP


def nombre_fr(valeur: float, decimales: int = 0) -> str:
    """``12000`` → ``12 000``; ``3.5`` → ``3,50`` (plain spaces: the terminal may lack others)."""
    return f"{valeur:,.{decimales}f}".replace(",", " ").replace(".", ",")


@dataclass
class Bornes:
    """Bounds of a numeric answer in force for one case, with why (for the French message)."""

    mini: float | None
    maxi: float | None
    mini_exclu: bool = False
    pourquoi: list[str] = field(default_factory=list)

    def contient(self, valeur: float) -> bool:
        if self.mini is not None and (valeur <= self.mini if self.mini_exclu else valeur < self.mini):
            return False
        return self.maxi is None or valeur <= self.maxi


def verifier_bornes(valeur: float, bornes: Bornes, type_question: str) -> None:
    """Refuse a number outside its bounds: « « 3 » ne convient pas : il faut un nombre entier entre… »."""
    if bornes.contient(valeur):
        return

    def montrer(borne: float) -> str:
        if type_question == "annee":
            return str(int(borne))
        return nombre_fr(borne, 0 if float(borne).is_integer() else 2)

    mini, maxi = bornes.mini, bornes.maxi
    if mini is not None and bornes.mini_exclu:
        attendu = f"supérieur à {montrer(mini)}" + (f", au plus {montrer(maxi)}" if maxi is not None else "")
    elif mini is not None and maxi is not None:
        attendu = f"entre {montrer(mini)} et {montrer(maxi)}"
    elif mini is not None:
        attendu = f"d'au moins {montrer(mini)}"
    else:
        attendu = f"d'au plus {montrer(maxi or 0)}"
    quoi = {"annee": "une année", "entier": "un nombre entier"}.get(type_question, "un nombre")
    suite = f" ({' ; '.join(bornes.pourquoi)})" if bornes.pourquoi else ""
    raise ValueError(f"« {montrer(valeur)} » ne convient pas : il faut {quoi} {attendu}{suite}.")


def _nettoyer_nombre(brut: str, unite: str | None) -> str:
    texte = _simplifier(brut)
    for mot in sorted(
        {_simplifier(unite or ""), "euros", "euro", "eur", "€", "ht"} - {""}, key=len, reverse=True
    ):
        texte = texte.replace(mot, " ")
    return _sans_espaces(texte.replace("€", " "))


def lire_entier(brut: str, unite: str | None = None) -> int:
    valeur = parse_integer(_nettoyer_nombre(brut, unite))
    if valeur is None:
        raise ValueError(f"« {brut} » n'est pas un nombre entier ; tapez par exemple 12.")
    return valeur


def lire_nombre(brut: str, unite: str | None = None) -> float:
    valeur = parse_number(_nettoyer_nombre(brut, unite))
    if valeur is None:
        raise ValueError(f"« {brut} » n'est pas un nombre ; tapez par exemple 3,50 (virgule ou point).")
    return valeur


def lire_annee(brut: str) -> int:
    texte = _sans_espaces(_simplifier(brut)).removeprefix("rentree")
    correspondance = re.fullmatch(r"(\d{4})(?:[-/](\d{2}|\d{4}))?", texte)
    if not correspondance:
        raise ValueError(f"« {brut} » n'est pas une année ; tapez par exemple 2027.")
    return int(correspondance.group(1))


def lire_oui_non(brut: str) -> bool:
    simple = _simplifier(brut)
    if simple in _OUI:
        return True
    if simple in _NON:
        return False
    raise ValueError(f"« {brut} » n'est pas compris : répondez par o (oui) ou n (non).")


def lire_choix(brut: str, choix: Sequence[tuple[str, str]]) -> str:
    """The value of the choice typed by its number, its value or its label; ``choix`` is (valeur, libellé)."""
    simple = _simplifier(brut).rstrip(".")
    for numero, (valeur, libelle) in enumerate(choix, start=1):
        if simple in (str(numero), _simplifier(valeur), _simplifier(libelle)):
            return valeur
    numeros = "1 ou 2" if len(choix) == 2 else f"de 1 à {len(choix)}"
    raise ValueError(f"« {brut} » n'est pas un des choix : tapez un numéro, {numeros}.")


def lire_date(brut: str) -> dt.date:
    exemple = "tapez par exemple 15/01/2027 (ou 2027-01-15)."
    try:
        date = parse_date(brut)
    except DateInexistante:
        raise ValueError(f"« {brut} » n'est pas une date qui existe ; {exemple}") from None
    if date is None:
        raise ValueError(f"« {brut} » n'est pas une date ; {exemple}")
    aujourd_hui = dt.date.today()  # the bound of the answer files (±20 years), told at the prompt
    mini, maxi = years_later(aujourd_hui, -ECART_DATES_ANS), years_later(aujourd_hui, ECART_DATES_ANS)
    if not mini <= date <= maxi:
        raise ValueError(
            f"« {brut} » est à plus de {ECART_DATES_ANS} ans d'aujourd'hui ; tapez une date entre "
            f"le {mini:%d/%m/%Y} et le {maxi:%d/%m/%Y}."
        )
    return date


def lire_texte(brut: str, max_longueur: int | None = None) -> str:
    texte = " ".join(brut.split())
    if any(unicodedata.category(c) == "Cc" for c in texte):  # the answer file would refuse it
        raise ValueError(
            "Le texte contient un caractère de contrôle (une flèche ou une touche spéciale ?) ; retapez-le."
        )
    if max_longueur is not None and len(texte) > max_longueur:
        raise ValueError(f"Le texte fait {len(texte)} caractères ; {max_longueur} au plus.")
    return texte
