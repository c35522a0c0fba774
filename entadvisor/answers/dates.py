"""The dates of the answers against the analysis date: no plan can use a date decades away.

:func:`check_dates` refuses an analysis date outside :data:`DATE_ANALYSE_MIN`–:data:`DATE_ANALYSE_MAX`
and a launch date or an end of contract more than :data:`ECART_DATES_ANS` years from it.
"""

from __future__ import annotations

import datetime as dt

from entadvisor.answers.model import Answers
from entadvisor.errors import EntreeInvalide, Probleme

ECART_DATES_ANS = 20
"""The launch date and the end of the current contract lie within this many years of the analysis date."""
DATE_ANALYSE_MIN = dt.date(2000, 1, 1)
DATE_ANALYSE_MAX = dt.date(2100, 12, 31)
"""The analysis date lies between these (the rentrées the model accepts)."""


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes the 28th in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_dates(
    answers: Answers,
    as_of: dt.date | None = None,
    source: str | None = None,
    lines: dict[str, int] | None = None,
) -> None:
    """Refuse an analysis date outside 2000–2100, and a launch date or an end of contract more than
    :data:`ECART_DATES_ANS` years from the analysis date (default: today): no plan can use them."""
    as_of = as_of or dt.date.today()
    if not DATE_ANALYSE_MIN <= as_of <= DATE_ANALYSE_MAX:
        raise EntreeInvalide(
            source,
            Probleme(
                f"date d'analyse « {as_of.isoformat()} » hors des bornes ; attendu : une date entre "
                f"{DATE_ANALYSE_MIN.isoformat()} et {DATE_ANALYSE_MAX.isoformat()}.",
                "date_analyse",
            ),
        )
    lines = lines or {}
    lo, hi = years_later(as_of, -ECART_DATES_ANS), years_later(as_of, ECART_DATES_ANS)
    problems = [
        Probleme(
            f"« {day.isoformat()} » est à plus de {ECART_DATES_ANS} ans de la date d'analyse "
            f"({as_of.isoformat()}) ; attendu : une date entre {lo.isoformat()} et {hi.isoformat()}.",
            field,
            lines.get(field),
        )
        for field in ("date_lancement", "fin_contrat_actuel")
        if (day := getattr(answers, field)) is not None and not lo <= day <= hi
    ]
    if problems:
        raise EntreeInvalide(source, problems)
