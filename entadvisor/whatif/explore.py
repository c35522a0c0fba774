"""What would change the advice: the smallest changes of the answers that flip a recommendation.

Three recommendations are compared, nothing else: ``achat`` (route, procedure and its publicity),
``experimentation`` (recommended, format) and ``contrat`` (length in months, ``duree_depassee``).
Each change is evaluated by the engine itself (``run_case`` and the facts it concludes, without
building an Advice), so what is stated is what the knowledge base would say, never a guess:

- **one categorical answer at a time** — each other allowed value of each answer that the rules
  deciding the three recommendations read (the rules of the strata down to ``Strate.CONTRAT``;
  readiness answers only feed the preparation checklist and are not tried);
- **numeric frontiers** — the pupil count and the price per pupil at which the estimated value
  (pupils × price × years + one-off costs, CCP R2121-1) reaches the next threshold up or falls
  under the next one down, solved from the formula and then confirmed by evaluating the frontier
  and the step before it; the number of schools at which the size category changes
  (``petit_acheteur_ecoles``, ``grand_perimetre_ecoles``); the launch dates at which the
  thresholds change (:meth:`ParameterSet.change_dates`);
- **answers not known** (« je ne sais pas ») — an unknown mutualised offer or precision of the
  specifications is stated for each possible answer, changed or not; an unknown pupil count or
  price per pupil is stated as ranges, each with its procedure.

Each item is one French sentence with ``recommandation``, ``phrase``, ``question`` (the answer
key), ``valeur_actuelle``, ``valeur_alternative`` and ``effet`` (short), plain JSON values.
About thirty evaluations per answer file (each about 5 ms), with a cache of identical answers.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from entadvisor.answers import FIELDS, Answers, allowed_values
from entadvisor.whatif import frontieres, phrases
from entadvisor.whatif.conseil import RECOMMANDATIONS, Conseil, Evaluateur

INCONNUES = {
    "offre_mutualisee": "ne_sait_pas",
    "specifications_precises": None,
    # rules/hypotheses.py: an unknown is its prudent value, never an alternative to explore
    "usages_numeriques": "ne_sait_pas",
    "equipement_ecoles": "ne_sait_pas",
}
"""Answers meaning « je ne sais pas »: the advice is stated for each possible answer."""


def _cles_decisives(knowledge: Any) -> list[str]:
    """Categorical answers read by the rules that decide the three recommendations, in answer-file order."""
    from entadvisor.facts import Strate

    lues: set[str] = set()
    for rule in knowledge.rules:
        if rule.salience >= Strate.CONTRAT:
            lues.update(rule.faits.get("Projet", ()))
    return [
        key
        for key in FIELDS
        if key in lues
        and (key in phrases.CONDITIONS or allowed_values(key) is not None or key == "nombre_communes")
    ]


def _alternatives(key: str, data: dict[str, Any]) -> list[Any]:
    actuelle = data.get(key)
    if key == "nombre_communes":
        return [2 if actuelle == 1 else 1]
    permises = allowed_values(key)
    if permises is None:
        permises = (True, False)
    inconnue = INCONNUES.get(key, object())
    return [v for v in permises if v != actuelle and v != inconnue]


A_EVALUER: Any = object()
"""``what_if(base=...)`` not given: the what-if evaluates the base case itself."""


def what_if(
    answers: Answers,
    *,
    as_of: dt.date,
    knowledge: Any,
    cles: Iterable[str] | None = None,
    base: Conseil | None = A_EVALUER,
) -> list[dict[str, Any]]:
    """What would change the advice: one dict per change and recommendation (see the module docstring).

    With ``cles``, only the other values of those answers are tried (no numeric frontiers): what
    :func:`~entadvisor.api.evaluate` does by itself for an answer given as « je ne sais pas ».
    ``base`` is :func:`conseil_du_moteur` of an engine that has just run these answers at ``as_of``
    (``evaluate`` passes it, so that the base case is not evaluated a second time).
    """
    jeton = phrases.LEXIQUE.set(knowledge.libelles)
    try:
        return _what_if(answers, as_of, knowledge, cles, base)
    finally:
        phrases.LEXIQUE.reset(jeton)


def _what_if(
    answers: Answers, as_of: dt.date, knowledge: Any, cles: Iterable[str] | None, base: Conseil | None
) -> list[dict[str, Any]]:
    evaluer = Evaluateur(knowledge, as_of)
    data = answers.model_dump()
    if base is A_EVALUER:
        base = evaluer(data)
    else:
        evaluer.connu(data, base)
    if base is None:
        return []
    items: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def ajouter(rang: int, question: str | None, item: dict[str, Any]) -> None:
        ordre = FIELDS.index(question) if question in FIELDS else len(FIELDS)
        items.append(((RECOMMANDATIONS.index(item["recommandation"]), rang, ordre, len(items)), item))

    for key in (
        _cles_decisives(knowledge) if cles is None else [k for k in _cles_decisives(knowledge) if k in cles]
    ):
        if key == "specifications_precises" and data.get("besoin") == "standard":
            continue  # not asked for a standard need, and read by no rule then
        inconnue = key in INCONNUES and data.get(key) == INCONNUES[key]
        for valeur in _alternatives(key, data):
            if cles is not None and inconnue and key == "offre_mutualisee" and valeur == "aucune":
                continue  # « ne_sait_pas » is evaluated as « aucune »: the advice itself is that case
            change = {**data, key: valeur}
            if key == "ent_existant" and valeur == "aucun":
                change["fin_contrat_actuel"] = None
            autre = evaluer(change)
            if autre is None:
                continue
            condition = phrases.condition(key, valeur)
            for recommandation in RECOMMANDATIONS:
                if autre.de(recommandation) != base.de(recommandation):
                    effet, court = phrases.effet(recommandation, base, autre)
                    phrase = f"{condition}, {effet} (conseil actuel : {phrases.actuel(recommandation, base)})"
                    ajouter(
                        0 if inconnue else 3,
                        key,
                        phrases.item(recommandation, phrase, key, data.get(key), valeur, court),
                    )
                elif inconnue and recommandation == "achat":
                    phrase = f"{condition}, le conseil d'achat resterait le même : {phrases.achat_texte(base.achat)}"
                    ajouter(0, key, phrases.item("achat", phrase, key, data.get(key), valeur, "inchangé"))

    if cles is None:
        frontieres.valeur_estimee(evaluer, data, base, ajouter)
        frontieres.ecoles(evaluer, data, base, ajouter)
        frontieres.dates(evaluer, data, base, as_of, ajouter)
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]
