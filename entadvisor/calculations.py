"""Pure calculations used by the rules: estimated value, school-calendar dates, contract sizing.

No experta here and no parameter lookup: every number comes in as an argument, so each function
can be unit-tested on its own and read by a reviewer next to the article it applies.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

JOUR_RENTREE = (9, 1)
"""The rentrée is taken as 1 September: a service must be ready then, and a contract ends on 31 August."""


def add_months(date: dt.date, months: int) -> dt.date:
    """``date`` moved by a whole number of months (the day is clamped to the month's last day)."""
    index = date.year * 12 + (date.month - 1) + months
    year, month0 = divmod(index, 12)
    month = month0 + 1
    last_day = (dt.date(year + (month == 12), month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(date.day, last_day))


def months_between(start: dt.date, end: dt.date) -> int:
    """Whole months from ``start`` to ``end`` (end exclusive): 2027-09-01 → 2031-09-01 is 48."""
    months = (end.year - start.year) * 12 + (end.month - start.month)
    if end.day < start.day:
        months -= 1
    return months


def rentree(annee: int) -> dt.date:
    return dt.date(annee, *JOUR_RENTREE)


def fin_annee_scolaire(annee_rentree: int) -> dt.date:
    """Last day of the school year that starts at the rentrée of ``annee_rentree``: 31 August of the next year."""
    return rentree(annee_rentree + 1) - dt.timedelta(days=1)


def estimated_pupils(classes: int, pupils_per_class: float) -> int:
    """Pupils estimated from the classes when the count is unknown (halves rounded up)."""
    return math.floor(classes * pupils_per_class + 0.5)


def estimated_value(pupils: int, price: float, years: float, one_off: float) -> float:
    """Estimated value of the need, € HT (CCP R2121-1): pupils × price × years of the whole duration + one-off costs."""
    return round(pupils * price * years + one_off, 2)


def size_category(schools: int, small_max: int, large_above: int) -> str:
    """``petit`` up to ``small_max`` schools, ``grand`` above ``large_above``, ``moyen`` in between."""
    if schools <= small_max:
        return "petit"
    if schools > large_above:
        return "grand"
    return "moyen"


def pilot_schools(schools: int, share: float, minimum: int) -> int:
    """Number of pilot schools: about ``share`` of the schools, at least ``minimum``, never all of them."""
    wanted = max(minimum, math.ceil(schools * share))
    return max(1, min(wanted, schools - 1)) if schools > 1 else 1


def near_thresholds(value: float, thresholds: dict[str, float], margin: float) -> list[str]:
    """Names of the thresholds within ``margin`` (relative) of ``value``, on either side."""
    return [
        name
        for name, threshold in thresholds.items()
        if threshold > 0 and abs(value - threshold) <= margin * threshold
    ]


@dataclass(frozen=True)
class Sizing:
    """Contract sizing in school years (the renewal phase is sized later, in months, from the procedure)."""

    annees_experimentation: int
    annees_generalisation: int
    annees_observation: int
    annees_contrat: int
    duree_max_mois: int

    @property
    def annees_deploiement(self) -> int:
        return self.annees_experimentation + self.annees_generalisation


def size_contract(
    experimentation: bool,
    generalisation_years: int,
    observation_wanted: int,
    observation_min: int,
    renewal_years: int,
    max_months: int,
) -> Sizing:
    """Fit deployment + observation + renewal in whole school years, within the legal maximum when possible.

    Observation is the wanted length when it fits, else shortened down to its minimum; when even the
    minimum does not fit, the contract is the legal maximum and the overflow is reported by the rules.
    """
    deployment = (1 if experimentation else 0) + generalisation_years
    max_years = max_months // 12
    for observation in range(observation_wanted, observation_min - 1, -1):
        total = deployment + observation + renewal_years
        if total <= max_years:
            return Sizing(1 if experimentation else 0, generalisation_years, observation, total, max_months)
    observation = max(observation_min, max_years - deployment - renewal_years)
    return Sizing(
        1 if experimentation else 0, generalisation_years, max(observation, 0), max_years, max_months
    )


@dataclass(frozen=True)
class Plan:
    """Backward planning from a rentrée: coherent by construction (DOMAIN.md §6).

    ``preparation ≤ lancement ≤ notification < ouverture``; every date is on or after the analysis date,
    save the launch of a consultation already launched; the set-up between notification and opening is
    at most ``setup_max`` months, save for a consultation already launched.
    """

    rentree_visee: int
    rentree_retenue: int
    atteignable: bool
    preparation: dt.date
    lancement: dt.date
    notification: dt.date
    ouverture: dt.date
    serre: str | None
    """None, ``preparation`` or ``mise_en_service``: which phase is shorter than usual."""
    mois_serres: int
    """Months the shortened phase keeps (0 when the plan is not tight)."""
    lancement_differe: bool
    """The answered launch date was too early for the retained rentrée: the plan launches later."""
    consultation_lancee: bool


def backward_plan(
    rentree_visee: int,
    analysis: dt.date,
    launch: dt.date | None,
    lead_months: int,
    preparation_months: int,
    setup_months: int,
    setup_max_months: int,
    margin_months: int,
) -> Plan:
    """Work back from the target rentrée: opening ⇐ notification ⇐ launch ⇐ preparation.

    A plan that misses its ideal dates by at most ``margin_months`` keeps the rentrée and is tight
    (shorter preparation or set-up); beyond, the next rentrée is planned. A launch date given in the
    answers is kept when it serves the retained rentrée; when it is so early that the notification would
    come more than ``setup_max_months`` before the opening, the plan launches at the latest date instead.
    A launch date before the analysis date is a consultation already launched: it is kept as it is.
    """
    launched = launch is not None and launch < analysis
    year = rentree_visee
    while True:
        opening = rentree(year)
        ideal = add_months(opening, -setup_months)  # notification
        serre, kept, deferred = None, 0, False
        if launch is not None:
            notification = (
                max(add_months(launch, lead_months), analysis)
                if launched
                else add_months(launch, lead_months)
            )
            lancement = launch
            ok = notification <= ideal
            if (
                not ok
                and notification <= add_months(opening, -(setup_months - margin_months))
                and notification < opening
            ):
                ok, serre, kept = True, "mise_en_service", months_between(notification, opening)
            if ok and not launched and add_months(notification, setup_max_months) < opening:
                deferred, serre, kept = True, None, 0
                lancement, notification = add_months(ideal, -lead_months), ideal
            preparation = add_months(lancement, -preparation_months)
            if not launched and preparation < analysis:
                preparation = analysis
                if ok and serre is None:
                    serre, kept = "preparation", months_between(analysis, lancement)
        else:
            notification = ideal
            lancement = add_months(ideal, -lead_months)
            preparation = add_months(lancement, -preparation_months)
            ok = preparation >= analysis
            if not ok and add_months(preparation, margin_months) >= analysis:
                ok, serre, kept = True, "preparation", months_between(analysis, lancement)
                preparation = analysis
        if ok:
            return Plan(
                rentree_visee=rentree_visee,
                rentree_retenue=year,
                atteignable=year == rentree_visee,
                preparation=min(preparation, lancement),
                lancement=lancement,
                notification=notification,
                ouverture=opening,
                serre=serre,
                mois_serres=kept,
                lancement_differe=deferred,
                consultation_lancee=launched,
            )
        year += 1


def first_rentree_after(date: dt.date) -> int:
    """The year of the first rentrée strictly after ``date`` (a contract ending on 31 August → that September)."""
    return date.year if date < rentree(date.year) else date.year + 1


def value_band(value: float, dispense: float, publicite: float, europeen: float) -> str:
    """Where a value stands against the thresholds: the bands the procedure rules read."""
    if value < dispense:
        return "sous_dispense"
    if value < min(publicite, europeen):
        return "mapa"
    if value < europeen:
        return "mapa_publicite"
    return "formalisee"


def budget_deadline(year: int, renewal_years: list[int], usual: str, renewal: str) -> dt.date:
    """Deadline for voting the budget of ``year`` (CGCT L1612-2): « MM-JJ », later in a renewal year."""
    month, day = (int(part) for part in (renewal if year in renewal_years else usual).split("-"))
    return dt.date(year, month, day)
