"""The entry point of a program using entadvisor: evaluate one project's answers into an Advice.

Above the engine, the knowledge base, the mapper to the Advice and the what-if, which it calls in turn:
the engine runs the case at the launch's parameters (:func:`~entadvisor.engine.moteur.run_at_launch`),
the mapper builds the Advice from the concluded facts (:mod:`entadvisor.engine.synthesis`), and the
what-if (:mod:`entadvisor.whatif.explore`) adds the advice both ways for « je ne sais pas ».
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from entadvisor.advice import Advice
from entadvisor.answers import Answers, check_dates, validate_answers
from entadvisor.engine.knowledge import Knowledge, load_knowledge
from entadvisor.engine.moteur import run_at_launch
from entadvisor.engine.synthesis import build_advice
from entadvisor.whatif.conseil import JUSQU_A, conseil_du_moteur
from entadvisor.whatif.explore import A_EVALUER, what_if


def evaluate(
    answers: Answers | dict[str, Any],
    *,
    as_of: dt.date | None = None,
    knowledge: Any = None,
    sensibilite: bool = False,
) -> Advice:
    """Evaluate one project: the advice with its explanation. Pure: same inputs, same JSON.

    ``as_of`` is the date of the analysis (default: today). The thresholds are those in force at
    the planned launch of the consultation when it is answered, else at the analysis date.
    ``knowledge`` is a :class:`~entadvisor.engine.knowledge.Knowledge`, a folder, or None for the bundled one.
    """
    if not isinstance(knowledge, Knowledge):
        knowledge = load_knowledge(Path(knowledge) if knowledge is not None else None)
    if not isinstance(answers, Answers):
        answers = validate_answers(answers)
    as_of = as_of or dt.date.today()
    check_dates(answers, as_of)  # no plan from an analysis date in year 1 or a launch decades away
    engine = knowledge.engine()
    both_ways = sensibilite or answers.offre_mutualisee == "ne_sait_pas"
    # the what-if runs its cases at the answered launch or the analysis date, the date of the engine's
    # first run: that run is the what-if's base case (read before the engine runs again)
    bases: list[Any] = []
    parameter_date = run_at_launch(
        engine,
        knowledge,
        answers,
        as_of,
        (lambda e: bases.append(conseil_du_moteur(e))) if both_ways else None,
        at_first_reads=JUSQU_A,
    )
    base = bases[0] if bases else A_EVALUER
    advice = build_advice(engine, answers, as_of, parameter_date)
    if both_ways:
        # « je ne sais pas » for the mutualised offer: the advice is shown both ways (DOMAIN.md §2)
        cles = None if sensibilite else ("offre_mutualisee",)
        items = what_if(answers, as_of=as_of, knowledge=knowledge, cles=cles, base=base)
        advice = advice.model_copy(update={"sensibilite": items})
    return advice
