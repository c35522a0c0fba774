"""French forms of numbers, dates and yes/no: one parser for the questionnaire and the answer files.

What a secretary types at the prompt (« 4,50 », « 1 850 », « 15/03/2027 », « oui ») is what an
answer file may hold. Each function returns the value, or None when the text is not of that form;
the caller words the French message (a prompt says « tapez », a file says « écrivez »).
Deliberately not accepted: octal, hexadecimal, sexagesimal (« 30:50 ») and underscores (« 1_2 »),
which YAML 1.1 would silently turn into other numbers.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

OUI = frozenset({"o", "oui", "vrai", "true", "yes", "y"})
NON = frozenset({"n", "non", "faux", "false", "no"})
MOIS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip

_ESPACES = re.compile(r"[\s\u00a0\u202f]")
_ENTIER = re.compile(r"[+-]?\d+")
_NOMBRE = re.compile(r"[+-]?\d+(?:[.,]\d+)?")
_CHIFFRES_MAX = 15
"""More digits than any answer needs (and than a float keeps): refused rather than rounded."""


def simplify(text: str) -> str:
    """Lower case, no accents, single spaces, straight apostrophes: for lenient matching."""
    sans_accents = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return " ".join(sans_accents.replace("’", "'").lower().split())


def without_spaces(text: str) -> str:
    """The text without spaces, non-breaking spaces or narrow non-breaking spaces (thousands separators)."""
    return _ESPACES.sub("", text)


def parse_integer(text: str) -> int | None:
    """« 1 850 », « 1 850 » (non-breaking space), « 12 » → the integer; None otherwise (« 0x1C », « 1_2 »)."""
    compact = without_spaces(text)
    if not _ENTIER.fullmatch(compact) or len(compact) > _CHIFFRES_MAX:
        return None
    return int(compact, 10)


def parse_number(text: str) -> float | None:
    """« 4,50 », « 4.50 », « 1 234,5 » → the number; None otherwise."""
    compact = without_spaces(text)
    if not _NOMBRE.fullmatch(compact) or len(compact) > _CHIFFRES_MAX:
        return None
    return float(compact.replace(",", "."))


def parse_yes_no(text: str) -> bool | None:
    """« oui », « o », « vrai », « non »… (any case, accents ignored) → the boolean; None otherwise."""
    simple = simplify(text)
    if simple in OUI:
        return True
    if simple in NON:
        return False
    return None


class DateInexistante(ValueError):
    """The text has the form of a date, but no such day exists (« 30/02/2027 »)."""


def parse_date(text: str) -> dt.date | None:
    """« 2027-03-15 », « 15/03/2027 », « 15.03.2027 », « 15 mars 2027 » → the date; None if not a date form.

    Raises :class:`DateInexistante` for a date form of a day that does not exist.
    """
    simple = simplify(text)
    if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", simple):
        annee, mois, jour = (int(g) for g in m.groups())
    elif m := re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", simple):
        jour, mois, annee = (int(g) for g in m.groups())
    elif (m := re.fullmatch(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})", simple)) and m.group(2) in MOIS:
        jour, mois, annee = int(m.group(1)), MOIS[m.group(2)], int(m.group(3))
    else:
        return None
    try:
        return dt.date(annee, mois, jour)
    except ValueError:
        raise DateInexistante(text) from None
