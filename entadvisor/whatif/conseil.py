"""One evaluation of the what-if: the three recommendations an engine concluded on changed answers
(:class:`Conseil`), read from its facts without building an Advice, and the evaluator that runs the
process's engine once per distinct set of answers (:class:`Evaluateur`)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from entadvisor import facts
from entadvisor.answers import Answers

RECOMMANDATIONS = ("achat", "experimentation", "contrat")
"""The three recommendations the what-if compares, in the order it states them."""

LUES = ("Voie", "Passation", "Experimentation", "Contrat", "Effectif", "Prix", "Duree", "ValeurEstimee")
"""The facts a :class:`Conseil` is read from, one of each (and at most one ``FormatExperimentation``)."""

JUSQU_A = min(getattr(facts, name).strate for name in (*LUES, "FormatExperimentation"))
"""An evaluation of the what-if stops below the lowest stratum it reads: the readiness checklist,
the warnings and the deliberation, below it, are not compared (``Moteur._strate_close``: the facts read
are final there)."""


@dataclass(frozen=True)
class Conseil:
    """The three recommendations of one evaluation, and what the frontiers are solved from."""

    achat: tuple[str, str | None, str | None]
    experimentation: tuple[bool, str | None]
    contrat: tuple[int, bool, int]
    eleves: int
    prix: float
    annees: int
    montant: float
    parametres: dict[str, Any]

    def de(self, recommandation: str) -> tuple[Any, ...]:
        if recommandation == "contrat":
            return self.contrat[:2]
        return tuple(getattr(self, recommandation))


class Evaluateur:
    """Evaluate changed answers with the process's engine, once per distinct set of answers."""

    def __init__(self, knowledge: Any, as_of: dt.date) -> None:
        self.engine = knowledge.engine()
        self.as_of = as_of
        self.cache: dict[frozenset[tuple[str, Any]], Conseil | None] = {}
        self.evaluations = 0

    def __call__(self, data: dict[str, Any]) -> Conseil | None:
        cle = frozenset((k, v) for k, v in data.items() if v is not None)
        if cle in self.cache:
            return self.cache[cle]
        self.cache[cle] = conseil = self._evaluer(data)
        return conseil

    def _evaluer(self, data: dict[str, Any]) -> Conseil | None:
        try:
            answers = Answers.model_validate(data)
        except ValidationError:
            return None  # the change makes the answers inconsistent: not a change a user could make
        self.evaluations += 1
        engine = self.engine
        try:
            engine.run_case(answers, self.as_of, answers.date_lancement or self.as_of, jusqu_a=JUSQU_A)
        except Exception:  # a failing alternative is the verifier's business, not the advice's
            return None
        return conseil_du_moteur(engine)

    def connu(self, data: dict[str, Any], conseil: Conseil | None) -> None:
        """Record an evaluation made elsewhere (the base case run by ``evaluate``)."""
        self.cache[frozenset((k, v) for k, v in data.items() if v is not None)] = conseil


def conseil_du_moteur(engine: Any) -> Conseil | None:
    """The three recommendations from an engine that has just run a case (None if it did not conclude)."""
    faits: dict[str, list[Any]] = {}
    for fact in engine.facts.values():
        faits.setdefault(type(fact).__name__, []).append(fact)
    if any(len(faits.get(n, ())) != 1 for n in LUES) or len(faits.get("FormatExperimentation", ())) > 1:
        return None
    voie, passation, contrat = faits["Voie"][0], faits["Passation"][0], faits["Contrat"][0]
    formats = faits.get("FormatExperimentation")
    return Conseil(
        achat=(voie["voie"], passation["procedure"], passation["publicite"]),
        experimentation=(
            bool(faits["Experimentation"][0]["recommandee"]),
            formats[0]["format"] if formats else None,
        ),
        contrat=(
            int(contrat["duree_mois"]),
            bool(contrat["duree_depassee"]),
            int(contrat["duree_max_mois"]),
        ),
        eleves=int(faits["Effectif"][0]["eleves"]),
        prix=float(faits["Prix"][0]["prix"]),
        annees=int(faits["Duree"][0]["annees_contrat"]),
        montant=float(faits["ValeurEstimee"][0]["montant"]),
        parametres=engine.parametres,
    )


# --- sentences -------------------------------------------------------------------------------------
