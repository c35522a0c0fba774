"""Unit tests of entadvisor/calculations.py: every function, on both sides of each edge."""

from __future__ import annotations

import datetime as dt

import pytest

from entadvisor import calculations as calc

D = dt.date

# --- add_months ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        pytest.param(D(2027, 1, 15), 0, D(2027, 1, 15), id="zero-month"),
        pytest.param(D(2027, 1, 15), 1, D(2027, 2, 15), id="one-month"),
        pytest.param(D(2026, 12, 15), 1, D(2027, 1, 15), id="over-new-year"),
        pytest.param(D(2027, 1, 15), -1, D(2026, 12, 15), id="back-over-new-year"),
        pytest.param(D(2027, 9, 1), -3, D(2027, 6, 1), id="rentree-minus-3"),
        pytest.param(D(2027, 9, 1), 48, D(2031, 9, 1), id="four-years"),
        pytest.param(D(2027, 9, 1), -24, D(2025, 9, 1), id="minus-two-years"),
        pytest.param(D(2027, 12, 1), 1, D(2028, 1, 1), id="december-to-january"),
        pytest.param(D(2027, 1, 1), -1, D(2026, 12, 1), id="january-to-december"),
        pytest.param(D(2027, 1, 31), 1, D(2027, 2, 28), id="31-january-to-february"),
        pytest.param(D(2028, 1, 31), 1, D(2028, 2, 29), id="31-january-to-leap-february"),
        pytest.param(D(2027, 3, 31), -1, D(2027, 2, 28), id="31-march-back-to-february"),
        pytest.param(D(2027, 5, 31), -3, D(2027, 2, 28), id="31-may-back-3"),
        pytest.param(D(2027, 8, 31), 1, D(2027, 9, 30), id="31-to-30-day-month"),
        pytest.param(D(2027, 10, 31), 2, D(2027, 12, 31), id="31-to-31-day-month"),
        pytest.param(D(2028, 2, 29), 12, D(2029, 2, 28), id="29-february-plus-a-year"),
        pytest.param(D(2028, 2, 29), -48, D(2024, 2, 29), id="29-february-minus-4-years"),
        pytest.param(D(2027, 1, 30), 1, D(2027, 2, 28), id="30-january-to-february"),
    ],
)
def test_add_months_moves_by_whole_months_and_clamps_to_the_last_day(start, months, expected):
    """add_months moves a date by whole months, clamping the day to the target month's last day."""
    assert calc.add_months(start, months) == expected


@pytest.mark.parametrize("months", [-25, -12, -1, 1, 11, 13])
def test_add_months_is_reversible_for_days_every_month_has(months):
    """For days 1–28, going forward then back by the same number of months gives the start date."""
    for day in range(1, 29):
        start = D(2027, 5, day)
        assert calc.add_months(calc.add_months(start, months), -months) == start


# --- months_between --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(D(2027, 9, 1), D(2031, 9, 1), 48, id="four-school-years"),
        pytest.param(D(2027, 9, 1), D(2031, 8, 31), 47, id="one-day-short"),
        pytest.param(D(2027, 9, 1), D(2027, 9, 1), 0, id="same-day"),
        pytest.param(D(2027, 9, 1), D(2027, 9, 30), 0, id="less-than-a-month"),
        pytest.param(D(2027, 9, 1), D(2027, 10, 1), 1, id="exactly-one-month"),
        pytest.param(D(2027, 9, 15), D(2028, 1, 14), 3, id="mid-month-short"),
        pytest.param(D(2027, 9, 15), D(2028, 1, 15), 4, id="mid-month-exact"),
        pytest.param(D(2027, 9, 1), D(2027, 6, 1), -3, id="end-before-start"),
        pytest.param(D(2029, 9, 1), D(2031, 2, 1), 17, id="observation-of-the-demo"),
    ],
)
def test_months_between_counts_whole_months_end_exclusive(start, end, expected):
    """months_between counts the whole months from start to end, the end day excluded."""
    assert calc.months_between(start, end) == expected


@pytest.mark.parametrize("months", [0, 1, 5, 12, 47, 48, 60])
def test_months_between_inverts_add_months_on_the_first_of_the_month(months):
    """months_between(d, add_months(d, n)) is n when d is the 1st of a month (the rentrée, a phase start)."""
    start = D(2027, 9, 1)
    assert calc.months_between(start, calc.add_months(start, months)) == months


# --- school calendar -------------------------------------------------------------------------------


@pytest.mark.parametrize("annee", [2026, 2027, 2032])
def test_rentree_is_the_first_of_september(annee):
    """The rentrée of a year is taken as 1 September of that year."""
    assert calc.rentree(annee) == D(annee, 9, 1)


@pytest.mark.parametrize(
    ("annee", "expected"),
    [
        pytest.param(2027, D(2028, 8, 31), id="2027-2028"),
        pytest.param(2030, D(2031, 8, 31), id="2030-2031"),
        pytest.param(2027 + 3, calc.rentree(2031) - dt.timedelta(days=1), id="day-before-next-rentree"),
    ],
)
def test_fin_annee_scolaire_is_31_august_of_the_next_year(annee, expected):
    """The school year that starts at a rentrée ends on 31 August of the following year."""
    assert calc.fin_annee_scolaire(annee) == expected


# --- value -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("pupils", "price", "years", "one_off", "expected"),
    [
        pytest.param(1850, 4.5, 4, 6000, 39_300.0, id="ville-12-ecoles"),
        pytest.param(1850, 4.5, 4, 0, 33_300.0, id="no-one-off-costs"),
        pytest.param(0, 4.5, 4, 6000, 6000.0, id="one-off-only"),
        pytest.param(1000, 3, 2.5, 0, 7500.0, id="fractional-years"),
        pytest.param(3, 0.333, 1, 0, 1.0, id="rounded-to-the-cent"),
        pytest.param(12_000, 4.5, 4, 0, 216_000.0, id="exactly-the-european-threshold"),
    ],
)
def test_estimated_value_is_pupils_times_price_times_years_plus_one_off_costs(
    pupils, price, years, one_off, expected
):
    """The estimated value is pupils × price × years + one-off costs, rounded to the cent (R2121-1)."""
    assert calc.estimated_value(pupils, price, years, one_off) == expected


@pytest.mark.parametrize(
    ("classes", "per_class", "expected"),
    [
        pytest.param(78, 22, 1716, id="78-classes"),
        pytest.param(1, 22, 22, id="one-class"),
        pytest.param(10, 22.46, 225, id="rounded-to-a-pupil"),
    ],
)
def test_estimated_pupils_multiplies_classes_by_the_average(classes, per_class, expected):
    """Without a pupil count, pupils are the classes times the average per class, rounded."""
    assert calc.estimated_pupils(classes, per_class) == expected


# --- size and pilots -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("schools", "expected"),
    [
        pytest.param(1, "petit", id="1-petit"),
        pytest.param(3, "petit", id="3-petit-boundary"),
        pytest.param(4, "moyen", id="4-moyen"),
        pytest.param(12, "moyen", id="12-moyen"),
        pytest.param(20, "moyen", id="20-moyen-boundary"),
        pytest.param(21, "grand", id="21-grand"),
        pytest.param(45, "grand", id="45-grand"),
    ],
)
def test_size_category_boundaries(schools, expected):
    """Up to 3 schools is petit, above 20 is grand, in between is moyen (the bundled parameters)."""
    assert calc.size_category(schools, small_max=3, large_above=20) == expected


@pytest.mark.parametrize(
    ("schools", "expected"),
    [
        pytest.param(1, 1, id="one-school-is-its-own-pilot"),
        pytest.param(2, 1, id="two-schools-keep-one-outside"),
        pytest.param(3, 2, id="three-schools-minimum-two"),
        pytest.param(12, 2, id="twelve-schools-minimum-two"),
        pytest.param(14, 3, id="fourteen-schools-15-percent-rounded-up"),
        pytest.param(20, 3, id="twenty-schools-exactly-15-percent"),
        pytest.param(45, 7, id="forty-five-schools"),
        pytest.param(100, 15, id="hundred-schools"),
    ],
)
def test_pilot_schools_is_a_share_at_least_the_minimum_never_all(schools, expected):
    """Pilot schools are 15 % of the schools rounded up, at least 2, and never every school."""
    assert calc.pilot_schools(schools, share=0.15, minimum=2) == expected


def test_pilot_schools_leave_at_least_one_school_outside_the_pilot():
    """With two schools or more, at least one school is a pilot and at least one is not."""
    for schools in range(2, 400):
        assert 1 <= calc.pilot_schools(schools, share=0.15, minimum=2) <= schools - 1, schools


# --- near thresholds -------------------------------------------------------------------------------

SEUILS = {"dispense": 60_000, "publicite": 90_000, "europeen": 216_000}


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param(53_999, [], id="below-dispense-out-of-margin"),
        pytest.param(54_000, ["dispense"], id="below-dispense-at-margin"),
        pytest.param(59_999, ["dispense"], id="just-below-dispense"),
        pytest.param(60_000, ["dispense"], id="at-dispense"),
        pytest.param(66_000, ["dispense"], id="above-dispense-at-margin"),
        pytest.param(66_001, [], id="above-dispense-out-of-margin"),
        pytest.param(80_999, [], id="below-publicite-out-of-margin"),
        pytest.param(81_000, ["publicite"], id="below-publicite-at-margin"),
        pytest.param(99_000, ["publicite"], id="above-publicite-at-margin"),
        pytest.param(99_001, [], id="above-publicite-out-of-margin"),
        pytest.param(194_399, [], id="below-europeen-out-of-margin"),
        pytest.param(194_400, ["europeen"], id="below-europeen-at-margin"),
        pytest.param(237_600, ["europeen"], id="above-europeen-at-margin"),
        pytest.param(237_601, [], id="above-europeen-out-of-margin"),
        pytest.param(0, [], id="zero"),
    ],
)
def test_near_thresholds_finds_thresholds_within_the_margin_on_either_side(value, expected):
    """A value within 10 % of a threshold, above or below and margin included, is near it."""
    assert calc.near_thresholds(value, SEUILS, 0.10) == expected


def test_near_thresholds_can_name_two_overlapping_thresholds_in_their_order():
    """When two thresholds are within the margin, both are named, in the order given."""
    assert calc.near_thresholds(85_000, {"a": 80_000, "b": 90_000}, 0.10) == ["a", "b"]


def test_near_thresholds_ignores_a_zero_or_negative_threshold():
    """A threshold of 0 (or less) is never near, even for a value of 0."""
    assert calc.near_thresholds(0, {"zero": 0, "negatif": -10}, 0.10) == []


# --- contract sizing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        pytest.param(
            dict(experimentation=False, generalisation_years=1, observation_wanted=2),
            calc.Sizing(0, 1, 2, 4, 48),
            id="no-pilot-wanted-observation-fits",
        ),
        pytest.param(
            dict(experimentation=True, generalisation_years=1, observation_wanted=2),
            calc.Sizing(1, 1, 1, 4, 48),
            id="pilot-shortens-observation-to-fit",
        ),
        pytest.param(
            dict(experimentation=False, generalisation_years=1, observation_wanted=1),
            calc.Sizing(0, 1, 1, 3, 48),
            id="shorter-than-the-maximum",
        ),
        pytest.param(
            dict(experimentation=True, generalisation_years=2, observation_wanted=2),
            calc.Sizing(1, 2, 1, 4, 48),
            id="overflow-keeps-minimum-observation-and-legal-maximum",
        ),
        pytest.param(
            dict(experimentation=True, generalisation_years=2, observation_wanted=2, max_months=60),
            calc.Sizing(1, 2, 1, 5, 60),
            id="longer-maximum-fits-minimum-observation",
        ),
        pytest.param(
            dict(experimentation=True, generalisation_years=1, observation_wanted=2, max_months=59),
            calc.Sizing(1, 1, 1, 4, 59),
            id="maximum-counted-in-whole-years",
        ),
    ],
)
def test_size_contract_fits_the_phases_in_whole_school_years(args, expected):
    """Deployment + observation + renewal fit within the legal maximum, observation shortened first."""
    params = dict(observation_min=1, renewal_years=1, max_months=48) | args
    assert calc.size_contract(**params) == expected


def test_size_contract_overflow_is_visible_from_the_sizing():
    """When even the minimum observation does not fit, deployment + observation + renewal exceeds the contract."""
    sizing = calc.size_contract(True, 2, 2, 1, 1, 48)
    assert sizing.annees_deploiement == 3
    assert sizing.annees_deploiement + sizing.annees_observation + 1 > sizing.annees_contrat
    assert sizing.annees_contrat * 12 == sizing.duree_max_mois


def test_size_contract_never_gives_a_negative_observation():
    """A deployment longer than the maximum still gives an observation of at least the minimum, not less than 0."""
    sizing = calc.size_contract(True, 5, 2, 0, 1, 48)
    assert sizing.annees_observation >= 0
    assert sizing.annees_contrat == 4


def test_sizing_deployment_years_add_pilot_and_generalisation():
    """The deployment lasts the pilot year (if any) plus the generalisation years."""
    assert calc.Sizing(1, 2, 1, 4, 48).annees_deploiement == 3
    assert calc.Sizing(0, 1, 2, 4, 48).annees_deploiement == 1


# --- backward planning -----------------------------------------------------------------------------

ANALYSE = D(2026, 11, 29)


def _plan(rentree, analyse, launch, lead, preparation, setup=3, setup_max=9, margin=1):
    return calc.backward_plan(rentree, analyse, launch, lead, preparation, setup, setup_max, margin)


def test_backward_plan_reachable_works_back_from_the_rentree():
    """Opening 1 Sept ⇐ notification 3 months before ⇐ launch the lead time before ⇐ preparation."""
    plan = _plan(2027, ANALYSE, None, lead=3, preparation=3)
    assert plan == calc.Plan(
        rentree_visee=2027,
        rentree_retenue=2027,
        atteignable=True,
        preparation=D(2026, 12, 1),
        lancement=D(2027, 3, 1),
        notification=D(2027, 6, 1),
        ouverture=D(2027, 9, 1),
        serre=None,
        mois_serres=0,
        lancement_differe=False,
        consultation_lancee=False,
    )


def test_backward_plan_is_reachable_when_preparation_starts_on_the_analysis_date():
    """A preparation that must start exactly on the analysis date is still reachable, and not tight."""
    plan = _plan(2027, D(2026, 12, 1), None, 3, 3)
    assert plan.atteignable and plan.serre is None
    assert plan.preparation == D(2026, 12, 1)


def test_backward_plan_a_few_weeks_late_is_tight_not_a_lost_year():
    """One day too late (and up to the margin), the rentrée holds with a shorter preparation."""
    plan = _plan(2027, D(2026, 12, 2), None, 3, 3)
    assert (plan.atteignable, plan.rentree_retenue, plan.serre) == (True, 2027, "preparation")
    assert plan.preparation == D(2026, 12, 2)
    assert plan.mois_serres == 2
    assert _plan(2027, D(2027, 1, 1), None, 3, 3).serre == "preparation"


def test_backward_plan_beyond_the_margin_plans_the_next_rentree():
    """More than the margin late, the target rentrée is unreachable and the next one is planned."""
    plan = _plan(2027, D(2027, 1, 2), None, 3, 3)
    assert not plan.atteignable
    assert plan.rentree_retenue == 2028
    assert plan.ouverture == D(2028, 9, 1)
    assert plan.preparation >= D(2027, 1, 2)


def test_backward_plan_unreachable_skips_to_the_first_reachable_rentree():
    """A long procedure started late skips every rentrée that cannot be met."""
    plan = _plan(2027, D(2027, 3, 2), None, lead=10, preparation=6)
    # 2028: notification 2028-06-01, launch 2027-08-01, preparation 2027-02-01, a month and a day late → 2029
    assert (plan.rentree_retenue, plan.atteignable) == (2029, False)
    assert plan.lancement == D(2028, 8, 1)
    assert plan.preparation == D(2028, 2, 1)


def test_backward_plan_with_a_launch_date_meeting_the_deadline_is_reachable():
    """With a given launch date, the plan is reachable when launch + lead time reaches the notification deadline."""
    plan = _plan(2027, D(2026, 10, 1), D(2027, 2, 1), lead=4, preparation=3)
    assert plan.atteignable
    assert plan.lancement == D(2027, 2, 1)
    assert plan.notification == D(2027, 6, 1)
    assert plan.preparation == D(2026, 11, 1)
    assert plan.ouverture == D(2027, 9, 1)


def test_backward_plan_with_a_launch_date_a_month_late_keeps_the_rentree_with_a_short_set_up():
    plan = _plan(2027, ANALYSE, D(2027, 3, 1), lead=4, preparation=3)
    assert (plan.rentree_retenue, plan.serre, plan.mois_serres) == (2027, "mise_en_service", 2)
    assert plan.notification == D(2027, 7, 1)


def test_backward_plan_with_a_launch_date_too_late_plans_the_next_rentree_and_defers_the_launch():
    """A launch whose notification misses even the short set-up loses the rentrée; notifying 14 months early
    makes no sense, so the launch waits for the latest date of the next rentrée."""
    plan = _plan(2027, ANALYSE, D(2027, 3, 2), lead=4, preparation=3)
    assert not plan.atteignable
    assert plan.rentree_retenue == 2028
    assert plan.lancement_differe
    assert plan.lancement == D(2028, 2, 1)
    assert plan.notification == D(2028, 6, 1)
    assert plan.ouverture == D(2028, 9, 1)


def test_backward_plan_with_a_launch_date_before_the_analysis_is_a_launched_consultation():
    """A given launch date cannot make a rentrée that is already past at the analysis date reachable."""
    plan = _plan(2025, ANALYSE, D(2025, 1, 1), lead=1, preparation=3)
    assert not plan.atteignable, plan
    assert plan.consultation_lancee
    assert plan.lancement == D(2025, 1, 1)
    assert plan.notification >= ANALYSE


# --- budget ----------------------------------------------------------------------------------------

RENOUVELLEMENTS = [2020, 2026, 2032]


@pytest.mark.parametrize(
    ("year", "expected"),
    [
        pytest.param(2026, D(2026, 4, 30), id="2026-renewal-year"),
        pytest.param(2027, D(2027, 4, 15), id="2027-usual-year"),
        pytest.param(2031, D(2031, 4, 15), id="2031-usual-year"),
        pytest.param(2032, D(2032, 4, 30), id="2032-renewal-year"),
    ],
)
def test_budget_deadline_is_later_in_a_municipal_renewal_year(year, expected):
    """The budget is voted by 15 April, by 30 April in a year of municipal elections (CGCT L1612-2)."""
    assert calc.budget_deadline(year, RENOUVELLEMENTS, "04-15", "04-30") == expected
