"""The French forms of an answer's value, read before the model validates it.

A value written as the questionnaire accepts it (« 4,50 », « 1 850 », « 15/03/2027 », « oui »,
« je ne sais pas ») is read as it reads it (:mod:`entadvisor.french_input`); a value of the wrong
kind (a boolean where a number is asked, a number where a yes/no is asked, a time with a date) and
a text holding a control character are refused, each with its French message.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from typing import Any

from entadvisor import french_input
from entadvisor.answers.messages import ECRIVEZ, describe_allowed, shown
from entadvisor.answers.model import FORMAT_VERSION, MOTS_NE_SAIT_PAS, NE_SAIT_PAS, Answers, allowed_values
from entadvisor.errors import Probleme


@functools.cache
def value_kind(field: str) -> str | None:
    """How the value of a field is read: « oui_non », « entier », « nombre », « date », « texte » or None (a choice)."""
    if field == "version":
        return "version"
    if field not in Answers.model_fields or allowed_values(field):
        return None
    annotation = str(Answers.model_fields[field].annotation)
    for word, kind in (("bool", "oui_non"), ("date", "date"), ("int", "entier"), ("float", "nombre")):
        if word in annotation:
            return kind
    return "texte" if "str" in annotation else None


_CONTROLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The control characters (Unicode category Cc) but tab and line feed."""


def _control_character(text: str) -> str | None:
    found = _CONTROLE.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """A control character as a message names it: « U+0007 (BEL) »."""
    names = {"\x00": "NUL", "\x07": "BEL", "\x1b": "ESC, échappement", "\x7f": "DEL"}
    return f"U+{ord(char):04X}" + (f" ({names[char]})" if char in names else "")


def french_forms(data: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], list[Probleme]]:
    """Read the French forms of numbers, dates and yes/no; refuse values of the wrong kind."""
    result: dict[str, Any] = dict(data)
    refused: list[Probleme] = []
    for field, value in data.items():
        kind = value_kind(field)
        line = lines.get(field)
        try:
            if isinstance(value, str) and (char := _control_character(value)):
                raise ValueError(
                    f"le texte contient le caractère de contrôle {describe_character(char)}, "
                    "qui n'a pas sa place dans une réponse ; retirez-le"
                )
            if kind is not None:
                result[field] = _french_value(field, kind, value)
        except ValueError as exc:
            refused.append(Probleme(f"{exc}.", field, line))
    return result, refused


def _french_value(field: str, kind: str, value: Any) -> Any:
    """The value of a field read from its French form, by the field's kind; ValueError if refused."""
    if value is None or kind == "texte" or (kind == "oui_non" and isinstance(value, bool)):
        return value
    if kind in {"entier", "nombre"} and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    if kind == "version":
        return _version(value)
    if kind == "oui_non":
        return _oui_non(value)
    if kind in {"entier", "nombre"}:
        return _nombre(field, kind, value)
    if kind == "date":
        return _date(value)
    return value


def _version(value: Any) -> Any:
    if isinstance(value, bool):
        raise ValueError(
            f"{shown(value)} n'est pas un numéro de version ; écrivez « version: {FORMAT_VERSION} »"
        )
    if isinstance(value, str) and value.strip() == str(FORMAT_VERSION):
        return FORMAT_VERSION
    return value


def _oui_non(value: Any) -> Any:
    if isinstance(value, str) and value.strip().lower() in MOTS_NE_SAIT_PAS:
        return NE_SAIT_PAS  # the model accepts it only where a person may not know (OuiNonInconnu)
    answer = french_input.parse_yes_no(value) if isinstance(value, str) else None
    if answer is None:
        raise ValueError(
            f"{shown(value)} n'est pas une réponse oui/non ; attendu : oui ou non ; {ECRIVEZ['oui_non']}"
        )
    return answer


def _nombre(field: str, kind: str, value: Any) -> Any:
    quoi = "un nombre entier" if kind == "entier" else "un nombre"
    number: Any = value
    if isinstance(value, str):
        number = french_input.parse_integer(value)
        if number is None:
            number = french_input.parse_number(value)
    if isinstance(number, bool) or number is None:
        raise ValueError(f"{shown(value)} n'est pas {quoi} ; {describe_allowed(field)} ; {ECRIVEZ[kind]}")
    return number


def _date(value: Any) -> dt.date:
    found = shown(value)
    if isinstance(value, dt.datetime):
        raise ValueError(f"{found} n'est pas une date sans heure ; {ECRIVEZ['date']}")
    if isinstance(value, dt.date):
        return value
    try:
        date = french_input.parse_date(value) if isinstance(value, str) else None
    except french_input.DateInexistante:
        raise ValueError(
            f"{found} : date impossible (jour ou mois hors du calendrier) ; attendu : une date "
            f"AAAA-MM-JJ réelle ; {ECRIVEZ['date']}"
        ) from None
    if date is None:
        raise ValueError(
            f"{found} n'est pas une date ; attendu : une date au format AAAA-MM-JJ ; {ECRIVEZ['date']}"
        )
    return date
