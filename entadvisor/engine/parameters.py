"""Dated parameters: every number that law or practice can change, with the date it took effect.

A parameter file (``rules/parameters/*.yaml``) maps names to parameters in the OpenFisca manner::

    seuil_dispense:
      libelle: Seuil de dispense de publicité et de mise en concurrence
      nature: loi            # or heuristique (expert judgement, shown as such)
      unite: euros_ht
      article: CCP art. R2122-8
      valid_until: 2027-12-31   # optional: past it the value is not known yet
      values:
        2026-04-01: {value: 60000, reference: {title: ..., href: ...}}

:meth:`ParameterSet.at` gives the values in force at a date. A date before the first value, or
after ``valid_until``, yields a value marked ``connu=False`` (the last known one, so that the advice
can still be computed, and a ``seuil_inconnu`` warning says it must not be relied upon).
"""

from __future__ import annotations

import bisect
import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from entadvisor import pydantic_fr
from entadvisor._yaml import load_yaml
from entadvisor.errors import EntreeInvalide, Probleme


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=3)
    href: str | None = None


class DatedValue(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    value: Any
    reference: Reference


class Parameter(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)
    libelle: str
    description: str = ""
    nature: Literal["loi", "heuristique"]
    unite: str
    article: str | None = None
    last_checked: dt.date | None = None
    valid_until: dt.date | None = None
    values: dict[dt.date, DatedValue] = Field(min_length=1)


@dataclass(frozen=True)
class ParameterValue:
    """The value of one parameter at one date, with where it comes from."""

    nom: str
    valeur: Any
    en_vigueur_depuis: dt.date | None
    reference: str
    lien: str | None
    article: str | None
    libelle: str
    nature: str
    unite: str
    connu: bool
    """False when the date is before the first known value or past ``valid_until``."""


class ParameterSet:
    """All the parameters of a knowledge base, queried by name at a date."""

    def __init__(self, parameters: dict[str, Parameter]) -> None:
        self.parameters = parameters
        self._dates = {name: sorted(p.values) for name, p in parameters.items()}
        self._cache: dict[dt.date, dict[str, ParameterValue]] = {}
        self._values: dict[tuple[str, dt.date], ParameterValue] = {}

    def __contains__(self, name: str) -> bool:
        return name in self.parameters

    def names(self) -> list[str]:
        return sorted(self.parameters)

    def value(self, name: str, date: dt.date) -> ParameterValue:
        """The value of ``name`` at ``date`` (cached: rules ask for the same few dates again and again)."""
        found = self._values.get((name, date))
        if found is None:
            if len(self._values) > 32768:  # the complete sweep asks about 70 dates × every parameter
                self._values.clear()
            found = self._values[(name, date)] = self._value(name, date)
        return found

    def _value(self, name: str, date: dt.date) -> ParameterValue:
        try:
            parameter = self.parameters[name]
        except KeyError:
            raise KeyError(f"paramètre inconnu : {name}") from None
        dates = self._dates[name]
        index = bisect.bisect_right(dates, date) - 1
        known = index >= 0 and (parameter.valid_until is None or date <= parameter.valid_until)
        start = dates[max(index, 0)]  # before the first value: the first one, marked unknown
        dated = parameter.values[start]
        return ParameterValue(
            nom=name,
            valeur=dated.value,
            en_vigueur_depuis=start if index >= 0 else None,
            reference=dated.reference.title,
            lien=dated.reference.href,
            article=parameter.article,
            libelle=parameter.libelle,
            nature=parameter.nature,
            unite=parameter.unite,
            connu=known,
        )

    def at(self, date: dt.date) -> dict[str, ParameterValue]:
        """Every parameter's value at ``date`` (cached: a batch asks for the same few dates)."""
        cached = self._cache.get(date)
        if cached is None:
            cached = {name: self.value(name, date) for name in self.parameters}
            if len(self._cache) > 512:
                self._cache.clear()
            self._cache[date] = cached
        return cached

    def change_dates(self, name: str) -> list[dt.date]:
        """The dates at which a parameter changes value, including the end of its known validity."""
        parameter = self.parameters[name]
        dates = list(self._dates[name])
        if parameter.valid_until is not None:
            dates.append(parameter.valid_until + dt.timedelta(days=1))
        return dates


_MESSAGES = {
    "missing": "champ obligatoire absent",
    "extra_forbidden": "champ inconnu (champs permis : libelle, description, nature, unite, article, "
    "last_checked, valid_until, values)",
    "literal_error": "valeur non permise (nature : « loi » ou « heuristique »)",
    "too_short": "au moins une valeur datée est attendue",
    "date_from_datetime_parsing": "date attendue au format AAAA-MM-JJ",
    "date_parsing": "date attendue au format AAAA-MM-JJ",
    "date_type": "date attendue au format AAAA-MM-JJ",
    "string_type": "texte attendu",
    "string_too_short": "texte trop court",
    "dict_type": "table attendue",
    "model_type": "table attendue",
}


def _loc(part: Any) -> str:
    """A location part as the file shows it (pydantic gives a date key as its Python repr)."""
    if isinstance(part, dt.date):
        return part.isoformat()
    found = re.fullmatch(r"datetime\.date\((\d+), (\d+), (\d+)\)", str(part))
    return dt.date(*map(int, found.groups())).isoformat() if found else str(part)


def _french(error: Any) -> str:
    return pydantic_fr.mot(pydantic_fr.lire(error), _MESSAGES, defaut="valeur invalide")


def load_parameters(folder: Path) -> ParameterSet:
    """Load every ``*.yaml`` of a parameter folder; errors name the file and the parameter.

    A key given twice in a file (a parameter, a field, or the same date twice in ``values``) is an
    error naming the key and its line, as it is in an answer file.
    """
    parameters: dict[str, Parameter] = {}
    files = sorted(folder.glob("*.yaml"))
    if not files:
        raise EntreeInvalide(str(folder), "aucun fichier de paramètres (*.yaml) dans ce dossier.")
    for path in files:
        try:
            data = load_yaml(path.read_text(encoding="utf-8"), str(path))
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            raise EntreeInvalide(
                str(path),
                Probleme(
                    "fichier de paramètres mal formé (YAML) ; vérifiez l'indentation et les deux-points.",
                    None,
                    mark.line + 1 if mark else None,
                ),
            ) from None
        except (OSError, UnicodeDecodeError, yaml.YAMLError):
            raise EntreeInvalide(
                str(path), "fichier de paramètres illisible (droits, encodage UTF-8 ou YAML)."
            ) from None
        if not isinstance(data, dict):
            raise EntreeInvalide(str(path), "un fichier de paramètres est une table « nom: paramètre ».")
        for name, body in data.items():
            if name in parameters:
                raise EntreeInvalide(str(path), Probleme("paramètre défini deux fois.", str(name)))
            try:
                parameters[str(name)] = Parameter.model_validate(body)
            except ValidationError as exc:
                first = exc.errors()[0]
                where = ".".join(_loc(part) for part in first["loc"])
                raise EntreeInvalide(
                    str(path), Probleme(f"paramètre mal décrit ({where} : {_french(first)}).", str(name))
                ) from None
    return ParameterSet(parameters)
