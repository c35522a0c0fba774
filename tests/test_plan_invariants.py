"""Every plan is coherent by construction, for random valid answers and analysis dates (DOMAIN.md §6).

Dates on or after the analysis date (save a consultation already launched), launch ≤ notification <
opening, at most the parameter's months between notification and opening, and contract phases that
partition the contract.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entadvisor import evaluate
from entadvisor.answers import validate_answers
from entadvisor.engine.knowledge import load_knowledge
from entadvisor.verify.invariants import plan_problems

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tools"))
from generate_answers import reponses

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
