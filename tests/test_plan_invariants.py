"""Every plan is coherent by construction, for random valid answers and analysis dates (DOMAIN.md §6).

Dates on or after the analysis date (save a consultation already launched), launch ≤ notification <
opening, at most the parameter's months between notification and opening, and contract phases that
partition the contract.
"""

from __future__ import annotations

import datetime as dt
import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from outils import outil

from entadvisor import evaluate
from entadvisor.answers import validate_answers
from entadvisor.engine.knowledge import load_knowledge
from entadvisor.verify.invariants import plan_problems

reponses = outil("generate_answers").reponses

MAXIMUM = load_knowledge().parameters.value("mise_en_service_maximum_mois", dt.date(2026, 12, 1)).valeur


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    graine=st.integers(0, 2**32 - 1),
    analyse=st.dates(dt.date(2025, 1, 1), dt.date(2028, 12, 31)),
    lancement=st.one_of(st.none(), st.dates(dt.date(2024, 6, 1), dt.date(2031, 6, 30))),
    fin_actuel=st.one_of(st.none(), st.dates(dt.date(2025, 1, 1), dt.date(2032, 8, 31))),
)
def test_every_plan_is_coherent(graine, analyse, lancement, fin_actuel):
    data = reponses(random.Random(graine))
    data.pop("date_lancement", None)
    if lancement is not None:
        data["date_lancement"] = lancement
    if fin_actuel is not None and data["ent_existant"] != "aucun":
        data["fin_contrat_actuel"] = fin_actuel
    advice = evaluate(validate_answers(data), as_of=analyse)
    assert plan_problems(advice, MAXIMUM) == [], (data, analyse)


def test_the_check_finds_a_notification_a_year_before_the_opening():
    """The invariant can fail: a plan notified fourteen months early is reported."""
    answers = validate_answers(reponses(random.Random(1)) | {"rentree_visee": 2028})
    advice = evaluate(answers, as_of=dt.date(2026, 12, 1))
    early = advice.calendrier_synthese.model_copy(update={"notification": dt.date(2027, 7, 1)})
    broken = advice.model_copy(update={"calendrier_synthese": early})
    assert any("entre la notification" in p for p in plan_problems(broken, MAXIMUM))


def test_the_verifier_and_the_advice_read_the_same_plan():
    """One statement of the invariants: the plan read on a case's facts (``entadvisor verifier``) is
    the plan the Advice shows (the property test above), save the contract's phases."""
    import dataclasses

    from entadvisor.engine.moteur import run_at_launch
    from entadvisor.engine.synthesis import build_advice
    from entadvisor.verify.invariants import Plan

    knowledge = load_knowledge()
    as_of = dt.date(2026, 12, 1)
    for graine in range(5):
        answers = validate_answers(reponses(random.Random(graine)))
        engine = knowledge.engine()
        parameter_date = run_at_launch(engine, knowledge, answers, as_of)
        facts: dict[str, list[object]] = {}
        for fact in engine.facts.values():
            facts.setdefault(type(fact).__name__, []).append(fact)
        of_facts = Plan.of_facts(facts, engine.notes)
        of_advice = Plan.of_advice(build_advice(engine, answers, as_of, parameter_date))
        in_order = dataclasses.replace(of_facts, etapes=tuple(sorted(of_facts.etapes)))
        assert in_order == dataclasses.replace(
            of_advice, contrat=None, etapes=tuple(sorted(of_advice.etapes))
        )


def test_the_verifier_s_plan_check_finds_a_stretched_set_up():
    """On the facts too: a maximum set-up of one month makes the notification too early."""
    from entadvisor.verify.invariants import Plan

    plan = Plan(
        analyse=dt.date(2026, 12, 1),
        lancee=False,
        lancement=dt.date(2027, 1, 4),
        notification=dt.date(2027, 4, 1),
        ouverture=dt.date(2027, 9, 1),
        etapes=(("Passation", dt.date(2027, 1, 4), dt.date(2027, 4, 1)),),
    )
    assert plan_problems(plan, MAXIMUM) == []
    assert plan_problems(plan, 1) == [
        "plus de 1 mois entre la notification (2027-04-01) et l'ouverture (2027-09-01)"
    ]
