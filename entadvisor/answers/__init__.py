"""The answers: the facts of one ENT project, as a questionnaire collects them.

The keys, types and values are a public contract (shared ANSWERS.md), importable from here: the
pydantic model :class:`Answers`, its keys (:data:`FIELDS`, :data:`REQUIRED`, :func:`allowed_values`)
and :func:`validate_answers`, which reports every problem as :class:`~entadvisor.errors.EntreeInvalide`,
in French, with the key, the line where given and what is allowed; :func:`check_dates` checks the
dates against the analysis date. Reading and writing answer files (YAML, JSON) is
:mod:`entadvisor.answer_files`.

One module says each thing:

- :mod:`~entadvisor.answers.model` — the model: keys, types, allowed values, consistency between answers;
- :mod:`~entadvisor.answers.forms` — the French forms of a value (« 4,50 », « 15/03/2027 », « oui »);
- :mod:`~entadvisor.answers.messages` — pydantic's errors in French;
- :mod:`~entadvisor.answers.validation` — :func:`validate_answers`, which joins the three;
- :mod:`~entadvisor.answers.dates` — the dates against the analysis date.
"""

from entadvisor.answers.dates import (
    DATE_ANALYSE_MAX,
    DATE_ANALYSE_MIN,
    ECART_DATES_ANS,
    check_dates,
    years_later,
)
from entadvisor.answers.forms import describe_character, value_kind
from entadvisor.answers.model import (
    FIELDS,
    FORMAT_VERSION,
    NE_SAIT_PAS,
    REQUIRED,
    Answers,
    Besoin,
    CompetenceScolaire,
    Convention,
    Degres,
    EntExistant,
    Equipement,
    OffreMutualisee,
    OuiNonInconnu,
    Porteur,
    Usages,
    allowed_values,
)
from entadvisor.answers.validation import validate_answers

__all__ = [
    "DATE_ANALYSE_MAX",
    "DATE_ANALYSE_MIN",
    "ECART_DATES_ANS",
    "FIELDS",
    "FORMAT_VERSION",
    "NE_SAIT_PAS",
    "REQUIRED",
    "Answers",
    "Besoin",
    "CompetenceScolaire",
    "Convention",
    "Degres",
    "EntExistant",
    "Equipement",
    "OffreMutualisee",
    "OuiNonInconnu",
    "Porteur",
    "Usages",
    "allowed_values",
    "check_dates",
    "describe_character",
    "validate_answers",
    "value_kind",
    "years_later",
]
