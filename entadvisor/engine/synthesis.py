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
from entadvisor.errors import EvaluationError

SECTIONS = {
    "achat": ("Acheteur", "OffreRetenue", "Voie", "Passation"),
    "valeur": ("Effectif", "Prix", "ValeurEstimee", "Tranche"),
    "experimentation": ("FacteurExperimentation", "Experimentation", "FormatExperimentation"),
    "contrat": ("Duree", "Contrat"),
    "calendrier": ("Planning",),
}
ORDRE_PREPARATION = (
    "acteurs",
    "partenariat",
    "pilotage",
    "calendrier",
    "perennisation",
    "renouvellement",
    "dpo",
    "sdet",
    "equipement",
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


def _raisons(notes: list[dict[str, Any]], section: str) -> list[dict[str, Any]]:
    subjects = SECTIONS[section]
    return [
        {"regle": note["regle"], "texte": note["texte"], "references": note["references"]}
        for note in notes
        if note["kind"] == "raison" and note["sujet"] in subjects
    ]


def _references(raisons: list[dict[str, Any]]) -> list[str]:
    seen: dict[str, None] = {}
    for raison in raisons:
        for reference in raison["references"]:
            seen.setdefault(reference, None)
    return list(seen)


_LUES = frozenset(
    {
        "Acheteur",
        "Voie",
        "Passation",
        "ValeurEstimee",
        "Tranche",
        "Effectif",
        "Prix",
        "Experimentation",
        "FormatExperimentation",
        "Duree",
        "Planning",
        "Contrat",
        "Taille",
    }
)
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
    the same coercions and the same JSON as building each part on its own, in a fraction of the time)."""
    facts = engine.derived(_LUES)
    notes = engine.notes
    params = engine.parametres

    acheteur = _one(facts, "Acheteur")
    voie = _one(facts, "Voie")
    passation = _one(facts, "Passation")
    valeur = _one(facts, "ValeurEstimee")
    tranche = _one(facts, "Tranche")
    effectif = _one(facts, "Effectif")
    prix = _one(facts, "Prix")
    experimentation = _one(facts, "Experimentation")
    format_exp = _optional(facts, "FormatExperimentation")
    duree = _one(facts, "Duree")
    planning = _one(facts, "Planning")
    contrat = _one(facts, "Contrat")

    alternatives: list[dict[str, Any]] = []
    voies_ecartees: list[dict[str, Any]] = []
    deroulement: list[str] = []
    vehicule: str | None = None
    steps: list[dict[str, Any]] = []
    preparations: list[dict[str, Any]] = []
    vigilance: dict[str, dict[str, Any]] = {}
    actes: list[dict[str, Any]] = []
    actions: list[dict[str, Any]] = []
    for n in notes:
        kind = n["kind"]
        if kind == "alternative":
            alternatives.append({"procedure": n["procedure"], "raison": n["raison"]})
        elif kind == "voie_ecartee":
            voies_ecartees.append({"voie": n["voie"], "raison": n["raison"]})
        elif kind == "deroulement":
            deroulement.append(n["texte"])
        elif kind == "vehicule":
            if vehicule is None:
                vehicule = n["texte"]
        elif kind == "etape":
            steps.append(n)
        elif kind == "preparation":
            preparations.append(n)
        elif kind == "vigilance":  # one item per code; two rules noting the same code add their messages
            first = vigilance.get(n["code"])
            vigilance[n["code"]] = (
                {"code": n["code"], "message": n["message"], "regle": n["regle"]}
                if first is None
                else {**first, "message": f"{first['message']} {n['message']}"}
            )
        elif kind == "deliberation":
            actes.append(n)
        elif kind == "action":
            actions.append({k: v for k, v in n.items() if k not in ("kind", "references")})

    raisons_achat = _raisons(notes, "achat")
    achat = {
        "acheteur": acheteur["libelle"],
        "voie": voie["voie"],
        "procedure": passation["procedure"],
        "publicite": passation["publicite"],
        "coordonnateur": voie["coordonnateur"],
        "alternatives": alternatives,
        "voies_ecartees": voies_ecartees,
        "raisons": raisons_achat,
        "references": _references(raisons_achat),
    }

    annees = duree["annees_contrat"]
    seuils = [_seuil(key, params[name]) for key, name in SEUILS_AFFICHES]
    valeur_estimee = {
        "montant_ht": valeur["montant"],
        "detail": {
            "eleves": effectif["eleves"],
            "eleves_estimes": effectif["estime"],
            "prix_eleve_an_ht": prix["prix"],
            "prix_par_defaut": prix["par_defaut"],
            "annees": annees,
            "couts_ponctuels_ht": answers.couts_ponctuels_ht,
            "perimetre": valeur["perimetre"],
            "formule": valeur["formule"],
        },
        "tranche": tranche["tranche"],
        "seuils": seuils,
        "raisons": _raisons(notes, "valeur"),
    }

    experimentation_advice = {
        "recommandee": experimentation["recommandee"],
        "format": format_exp["format"] if format_exp else None,
        "duree_mois": format_exp["duree_mois"] if format_exp else None,
        "ecoles_pilotes": (format_exp["ecoles_pilotes"] or None) if format_exp else None,
        "classes_volontaires": (format_exp["classes_volontaires"] or None) if format_exp else None,
        "deroulement": deroulement,
        "vehicule": vehicule,
        "raisons": _raisons(notes, "experimentation"),
    }

    phases = [  # concluded by the contract rule (rules/contrat.py), partitioning the contract
        {"phase": code, "libelle": libelle, "debut": debut, "fin": fin, "mois": mois}
        for code, libelle, debut, fin, mois in contrat["phases"]
    ]
    reconductions = contrat["reconductions"]
    structure = (
        f"1 an ferme + {reconductions} reconduction{'s' if reconductions > 1 else ''} annuelle{'s' if reconductions > 1 else ''} tacite{'s' if reconductions > 1 else ''}"
        if contrat["forme"] == "accord_cadre_bons_commande" and reconductions
        else engine.knowledge.libelles.formes("formes_contrat", contrat["forme"]).get(
            "structure", f"{contrat['duree_mois'] // 12} ans"
        )
    )
    contrat_advice = {
        "forme": contrat["forme"],
        "libelle_forme": engine.libelle("formes_contrat", contrat["forme"], "titre"),
        "duree_mois": contrat["duree_mois"],
        "duree_max_mois": contrat["duree_max_mois"],
        "reconductions": reconductions,
        "structure": structure,
        "debut": contrat["debut"],
        "fin": contrat["fin"],
        "phases": phases,
        "duree_depassee": contrat["duree_depassee"],
        "duree_necessaire_mois": contrat["duree_necessaire_mois"],
        "raisons": _raisons(notes, "contrat"),
    }

    order = sorted(
        range(len(steps)), key=lambda i: (steps[i]["debut"], steps[i]["fin"], i)
    )  # ties: the guide's order
    etapes = [
        {
            "etape": steps[i]["etape"],
            "libelle": steps[i]["libelle"],
            "debut": steps[i]["debut"],
            "fin": steps[i]["fin"],
            "jalon": steps[i].get("jalon", False),
        }
        for i in order
    ]
    calendrier = {
        "rentree_visee": planning["rentree_visee"],
        "rentree_retenue": planning["rentree_retenue"],
        "atteignable": planning["atteignable"],
        "lancement": planning["lancement"],
        "notification": planning["notification"],
        "ouverture": planning["ouverture"],
        "lancement_renouvellement": contrat["lancement_renouvellement"],
        "vote_budget_avant": planning["vote_budget_avant"],
    }

    rang = {code: i for i, code in enumerate(ORDRE_PREPARATION)}
    preparation = sorted(
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

    trace = []
    for step in engine.trace:
        meta = step["meta"]
        trace.append(
            {
                "regle": meta.id,
                "titre": meta.titre,
                "faits": step["facts"],
                "references": list(meta.references),
            }
        )
    parametres = [_parametre(params[name]) for name in sorted(engine.used_parameters)]
    deliberation = {k: v for k, v in actes[0].items() if k not in ("kind", "references")} if actes else None
    knowledge = engine.knowledge
    taille = _optional(facts, "Taille")
    return Advice.model_validate(
        {
            "nom_projet": answers.nom_projet,
            "date_analyse": as_of,
            "date_parametres": parameter_date,
            "achat": achat,
            "valeur_estimee": valeur_estimee,
            "taille": taille,
            "experimentation": experimentation_advice,
            "contrat": contrat_advice,
            "calendrier_synthese": calendrier,
            "calendrier": etapes,
            "preparation": preparation,
            "vigilance": list(vigilance.values()),
            "trace": trace,
            "parametres": parametres,
            "base_de_connaissances": {
                "version": knowledge.version,
                "regles": len(knowledge.rules),
                "source": knowledge.source,
            },
            "reponses": answers.model_dump(mode="json", exclude_none=True),
            "deliberation": deliberation,
            "prochaines_actions": actions,
        }
    )
