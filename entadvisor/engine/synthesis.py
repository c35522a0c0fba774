"""Assemble the :class:`~entadvisor.advice.Advice` from what the rules concluded and noted.

Nothing is decided here: every value comes from a fact a rule declared or a note a rule wrote. If
the knowledge base failed to conclude on a question it must answer, or concluded two different
things, :class:`~entadvisor.errors.EvaluationError` says so (``entadvisor verifier`` relies on it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from entadvisor.advice import Advice, Parametre, Seuil
from entadvisor.answers import Answers
from entadvisor.engine.parameters import ParameterValue
from entadvisor.engine.trace import trace_de_l_avis
from entadvisor.errors import EvaluationError

Conclusions = dict[str, dict[str, Any]]
"""One concluded fact per class name (:data:`CONCLUES`), as a plain dict."""
Notes = dict[str, list[dict[str, Any]]]
"""The notes of the run by kind, each kind in the order the rules noted them."""

CONCLUES = (
    *("Acheteur", "Voie", "Passation", "ValeurEstimee", "Tranche", "Effectif", "Prix", "Experimentation"),
    *("FormatExperimentation", "Duree", "Planning", "Contrat"),
)
"""The fact classes the knowledge base must conclude exactly once (at most once for those of
:data:`FACULTATIVES`), in the order they are checked: the first missing one is the one named."""
FACULTATIVES = frozenset({"FormatExperimentation"})

SECTIONS = {
    "achat": ("Acheteur", "OffreRetenue", "Voie", "Passation"),
    "valeur": ("Effectif", "Prix", "ValeurEstimee", "Tranche"),
    "experimentation": ("FacteurExperimentation", "Experimentation", "FormatExperimentation"),
    "contrat": ("Duree", "Contrat"),
    "calendrier": ("Planning",),
}
ORDRE_PREPARATION = (
    *("acteurs", "partenariat", "pilotage", "calendrier", "perennisation", "renouvellement", "dpo"),
    *("sdet", "equipement"),
)
SEUILS_AFFICHES = (
    ("dispense", "seuil_dispense"),
    ("publicite", "seuil_publicite_mapa"),
    ("europeen", "seuil_europeen"),
)


def _one(facts: dict[str, list[dict[str, Any]]], name: str) -> dict[str, Any]:
    found = facts.get(name, [])
    if not found:
        raise EvaluationError(
            f"aucune règle n'a conclu sur « {name} » : la base de connaissances est incomplète"
        )
    if len(found) > 1:
        raise EvaluationError(f"des règles concluent différemment sur « {name} » : {found}")
    return found[0]


def _optional(facts: dict[str, list[dict[str, Any]]], name: str) -> dict[str, Any] | None:
    return _one(facts, name) if facts.get(name) else None


def _raisons(notes: Notes, section: str) -> list[dict[str, Any]]:
    """The reasons noted under the subjects of a section of the advice (:data:`SECTIONS`), in order."""
    subjects = SECTIONS[section]
    return [
        {"regle": note["regle"], "texte": note["texte"], "references": note["references"]}
        for note in notes.get("raison", [])
        if note["sujet"] in subjects
    ]


def _references(raisons: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for raison in raisons:
        for reference in raison["references"]:
            seen.setdefault(reference, None)
    return list(seen)


_LUES = frozenset({*CONCLUES, "Taille"})
"""The fact classes the Advice is built from (``Moteur.derived`` turns only these into plain dicts)."""


_VALIDES: dict[tuple[str, int], tuple[ParameterValue, Any]] = {}
"""Parametre and Seuil models already validated, by the parameter value they show (one per date):
frozen, so the advices of a batch share them; pydantic takes a model instance as it is."""


def _valide(sorte: str, param: ParameterValue, construire: Any) -> Any:
    found = _VALIDES.get((sorte, id(param)))
    if found is not None and found[0] is param:
        return found[1]
    if len(_VALIDES) > 4096:
        _VALIDES.clear()
    model = construire()
    _VALIDES[(sorte, id(param))] = (param, model)  # the value is kept alive with it: its id stays its own
    return model


def _parametre(param: ParameterValue) -> Parametre:
    return _valide(
        "parametre",
        param,
        lambda: Parametre(
            nom=param.nom,
            libelle=param.libelle,
            valeur=param.valeur,
            en_vigueur_depuis=param.en_vigueur_depuis,
            reference=param.reference,
            lien=param.lien,
            article=param.article,
            nature=param.nature,
            unite=param.unite,
            connu=param.connu,
        ),
    )


def _seuil(key: str, param: ParameterValue) -> Seuil:
    return _valide(
        f"seuil:{key}",
        param,
        lambda: Seuil(
            nom=key,
            libelle=param.libelle,
            valeur=float(param.valeur),
            connu=param.connu,
            en_vigueur_depuis=param.en_vigueur_depuis,
            reference=param.reference,
        ),
    )


def build_advice(engine: Any, answers: Answers, as_of: dt.date, parameter_date: dt.date) -> Advice:
    """The Advice, validated once as a whole: one nested dict, one pydantic validation (the same model,
    the same coercions and the same JSON as building each part on its own, in a fraction of the time).
    Each part is mapped by its own function from the facts concluded and the notes written."""
    facts = engine.derived(_LUES)
    faits = {name: _one(facts, name) for name in CONCLUES if name not in FACULTATIVES or facts.get(name)}
    notes = _par_sorte(engine.notes)
    params = engine.parametres
    knowledge = engine.knowledge
    return Advice.model_validate(
        {  # the parts that can fail in the order they are mapped: the first error is the same as ever
            "nom_projet": answers.nom_projet,
            "date_analyse": as_of,
            "date_parametres": parameter_date,
            "achat": _achat(faits, notes),
            "valeur_estimee": _valeur_estimee(faits, notes, params, answers),
            "experimentation": _experimentation(
                faits["Experimentation"], faits.get("FormatExperimentation"), notes
            ),
            "contrat": _contrat(faits["Contrat"], notes, engine),
            "calendrier_synthese": _calendrier_synthese(faits["Planning"], faits["Contrat"]),
            "calendrier": _etapes(notes.get("etape", [])),
            "preparation": _preparation(notes.get("preparation", [])),
            "vigilance": _vigilance(notes.get("vigilance", [])),
            "trace": trace_de_l_avis(engine.trace),
            "parametres": [_parametre(params[name]) for name in sorted(engine.used_parameters)],
            "base_de_connaissances": {
                "version": knowledge.version,
                "regles": len(knowledge.rules),
                "source": knowledge.source,
            },
            "reponses": answers.model_dump(mode="json", exclude_none=True),
            "deliberation": _deliberation(notes.get("deliberation", [])),
            "prochaines_actions": [_sans_sorte(n) for n in notes.get("action", [])],
            "taille": _optional(facts, "Taille"),
        }
    )


def _par_sorte(notes: list[dict[str, Any]]) -> Notes:
    by_kind: Notes = {}
    for note in notes:
        by_kind.setdefault(note["kind"], []).append(note)
    return by_kind


def _sans_sorte(note: dict[str, Any]) -> dict[str, Any]:
    """A note's own fields: without its kind and its rule's references (its rule stays)."""
    return {k: v for k, v in note.items() if k not in ("kind", "references")}


def _achat(faits: Conclusions, notes: Notes) -> dict[str, Any]:
    """Who buys, by which route and procedure, and what else was considered."""
    voie, passation = faits["Voie"], faits["Passation"]
    raisons = _raisons(notes, "achat")
    return {
        "acheteur": faits["Acheteur"]["libelle"],
        "voie": voie["voie"],
        "procedure": passation["procedure"],
        "publicite": passation["publicite"],
        "coordonnateur": voie["coordonnateur"],
        "alternatives": [
            {"procedure": n["procedure"], "raison": n["raison"]} for n in notes.get("alternative", [])
        ],
        "voies_ecartees": [{"voie": n["voie"], "raison": n["raison"]} for n in notes.get("voie_ecartee", [])],
        "raisons": raisons,
        "references": _references(raisons),
    }


def _valeur_estimee(
    faits: Conclusions, notes: Notes, params: dict[str, ParameterValue], answers: Answers
) -> dict[str, Any]:
    """The estimated value, how it was computed, and the thresholds it is compared with."""
    valeur, effectif, prix = faits["ValeurEstimee"], faits["Effectif"], faits["Prix"]
    return {
        "montant_ht": valeur["montant"],
        "detail": {
            "eleves": effectif["eleves"],
            "eleves_estimes": effectif["estime"],
            "prix_eleve_an_ht": prix["prix"],
            "prix_par_defaut": prix["par_defaut"],
            "annees": faits["Duree"]["annees_contrat"],
            "couts_ponctuels_ht": answers.couts_ponctuels_ht,
            "perimetre": valeur["perimetre"],
            "formule": valeur["formule"],
        },
        "tranche": faits["Tranche"]["tranche"],
        "seuils": [_seuil(key, params[name]) for key, name in SEUILS_AFFICHES],
        "raisons": _raisons(notes, "valeur"),
    }


def _experimentation(
    experimentation: dict[str, Any], format_exp: dict[str, Any] | None, notes: Notes
) -> dict[str, Any]:
    """Whether to start with an experimentation, its design (when there is one) and its steps."""
    vehicules = notes.get("vehicule")
    return {
        "recommandee": experimentation["recommandee"],
        "format": format_exp["format"] if format_exp else None,
        "duree_mois": format_exp["duree_mois"] if format_exp else None,
        "ecoles_pilotes": (format_exp["ecoles_pilotes"] or None) if format_exp else None,
        "classes_volontaires": (format_exp["classes_volontaires"] or None) if format_exp else None,
        "deroulement": [n["texte"] for n in notes.get("deroulement", [])],
        "vehicule": vehicules[0]["texte"] if vehicules else None,  # the first rule to name it
        "raisons": _raisons(notes, "experimentation"),
    }


def _contrat(contrat: dict[str, Any], notes: Notes, engine: Any) -> dict[str, Any]:
    """The contract: its form in words, its length and renewals, its dates and its phases."""
    return {
        "forme": contrat["forme"],
        "libelle_forme": engine.libelle("formes_contrat", contrat["forme"], "titre"),
        "duree_mois": contrat["duree_mois"],
        "duree_max_mois": contrat["duree_max_mois"],
        "reconductions": contrat["reconductions"],
        "structure": _structure(contrat, engine.knowledge.libelles),
        "debut": contrat["debut"],
        "fin": contrat["fin"],
        "phases": [  # concluded by the contract rule (rules/contrat.py), partitioning the contract
            {"phase": code, "libelle": libelle, "debut": debut, "fin": fin, "mois": mois}
            for code, libelle, debut, fin, mois in contrat["phases"]
        ],
        "duree_depassee": contrat["duree_depassee"],
        "duree_necessaire_mois": contrat["duree_necessaire_mois"],
        "raisons": _raisons(notes, "contrat"),
    }


def _structure(contrat: dict[str, Any], libelles: Any) -> str:
    """The contract's structure in words: a framework agreement's firm year and renewals, else its form's."""
    reconductions = contrat["reconductions"]
    if contrat["forme"] == "accord_cadre_bons_commande" and reconductions:
        s = "s" if reconductions > 1 else ""
        return f"1 an ferme + {reconductions} reconduction{s} annuelle{s} tacite{s}"
    return libelles.formes("formes_contrat", contrat["forme"]).get(
        "structure", f"{contrat['duree_mois'] // 12} ans"
    )


def _calendrier_synthese(planning: dict[str, Any], contrat: dict[str, Any]) -> dict[str, Any]:
    """The key dates of the plan, and the launch of the next contract's consultation."""
    return {
        "rentree_visee": planning["rentree_visee"],
        "rentree_retenue": planning["rentree_retenue"],
        "atteignable": planning["atteignable"],
        "lancement": planning["lancement"],
        "notification": planning["notification"],
        "ouverture": planning["ouverture"],
        "lancement_renouvellement": contrat["lancement_renouvellement"],
        "vote_budget_avant": planning["vote_budget_avant"],
    }


def _etapes(steps: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dated steps of the calendar, by start and end date (ties: the guide's order, as noted)."""
    order = sorted(range(len(steps)), key=lambda i: (steps[i]["debut"], steps[i]["fin"], i))
    return [
        {
            "etape": steps[i]["etape"],
            "libelle": steps[i]["libelle"],
            "debut": steps[i]["debut"],
            "fin": steps[i]["fin"],
            "jalon": steps[i].get("jalon", False),
        }
        for i in order
    ]


def _preparation(preparations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The guide's key success factors, assessed, in the guide's order (:data:`ORDRE_PREPARATION`)."""
    rang = {code: i for i, code in enumerate(ORDRE_PREPARATION)}
    return sorted(
        (
            {
                "code": n["code"],
                "facteur": n["facteur"],
                "statut": n["statut"],
                "constat": n["constat"],
                "action": n["action"],
                "regle": n["regle"],
            }
            for n in preparations
        ),
        key=lambda p: rang.get(p["code"], len(ORDRE_PREPARATION)),
    )


def _vigilance(warnings: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One item per warning code, in the order first noted; two rules noting a code add their messages."""
    by_code: dict[str, dict[str, Any]] = {}
    for n in warnings:
        first = by_code.get(n["code"])
        by_code[n["code"]] = (
            {"code": n["code"], "message": n["message"], "regle": n["regle"]}
            if first is None
            else {**first, "message": f"{first['message']} {n['message']}"}
        )
    return list(by_code.values())


def _deliberation(actes: list[dict[str, Any]]) -> dict[str, Any] | None:
    """The act the buyer adopts: the first rule's to note one, or None."""
    return _sans_sorte(actes[0]) if actes else None
