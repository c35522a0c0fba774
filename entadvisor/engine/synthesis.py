"""Assemble the :class:`~entadvisor.advice.Advice` from what the rules concluded and noted.

Nothing is decided here: every value comes from a fact a rule declared or a note a rule wrote. If
the knowledge base failed to conclude on a question it must answer, or concluded two different
things, :class:`~entadvisor.errors.EvaluationError` says so (``entadvisor verifier`` relies on it).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from entadvisor.advice import (
    Achat,
    ActeDecision,
    Advice,
    Alternative,
    BaseDeConnaissances,
    Calendrier,
    Contrat,
    DetailValeur,
    Etape,
    Experimentation,
    Parametre,
    Phase,
    Preparation,
    ProchaineAction,
    Raison,
    Seuil,
    Taille,
    Trace,
    ValeurEstimee,
    Vigilance,
    VoieEcartee,
)
from entadvisor.answers import Answers
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


def _raisons(notes: list[dict[str, Any]], section: str) -> list[Raison]:
    subjects = SECTIONS[section]
    return [
        Raison(regle=note["regle"], texte=note["texte"], references=note["references"])
        for note in notes
        if note["kind"] == "raison" and note["sujet"] in subjects
    ]


def _references(raisons: list[Raison]) -> list[str]:
    seen: dict[str, None] = {}
    for raison in raisons:
        for reference in raison.references:
            seen.setdefault(reference, None)
    return list(seen)


def build_advice(engine: Any, answers: Answers, as_of: dt.date, parameter_date: dt.date) -> Advice:
    facts = engine.derived()
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

    raisons_achat = _raisons(notes, "achat")
    achat = Achat(
        acheteur=acheteur["libelle"],
        voie=voie["voie"],
        procedure=passation["procedure"],
        publicite=passation["publicite"],
        coordonnateur=voie["coordonnateur"],
        alternatives=[
            Alternative(procedure=n["procedure"], raison=n["raison"])
            for n in notes
            if n["kind"] == "alternative"
        ],
        voies_ecartees=[
            VoieEcartee(voie=n["voie"], raison=n["raison"]) for n in notes if n["kind"] == "voie_ecartee"
        ],
        raisons=raisons_achat,
        references=_references(raisons_achat),
    )

    annees = duree["annees_contrat"]
    valeur_estimee = ValeurEstimee(
        montant_ht=valeur["montant"],
        detail=DetailValeur(
            eleves=effectif["eleves"],
            eleves_estimes=effectif["estime"],
            prix_eleve_an_ht=prix["prix"],
            prix_par_defaut=prix["par_defaut"],
            annees=annees,
            couts_ponctuels_ht=answers.couts_ponctuels_ht,
            perimetre=valeur["perimetre"],
            formule=valeur["formule"],
        ),
        tranche=tranche["tranche"],
        seuils=[
            Seuil(
                nom=key,
                libelle=params[name].libelle,
                valeur=float(params[name].valeur),
                connu=params[name].connu,
                en_vigueur_depuis=params[name].en_vigueur_depuis,
                reference=params[name].reference,
            )
            for key, name in SEUILS_AFFICHES
        ],
        raisons=_raisons(notes, "valeur"),
    )

    experimentation_advice = Experimentation(
        recommandee=experimentation["recommandee"],
        format=format_exp["format"] if format_exp else None,
        duree_mois=format_exp["duree_mois"] if format_exp else None,
        ecoles_pilotes=(format_exp["ecoles_pilotes"] or None) if format_exp else None,
        classes_volontaires=(format_exp["classes_volontaires"] or None) if format_exp else None,
        deroulement=[n["texte"] for n in notes if n["kind"] == "deroulement"],
        vehicule=next((n["texte"] for n in notes if n["kind"] == "vehicule"), None),
        raisons=_raisons(notes, "experimentation"),
    )

    phases = [  # concluded by the contract rule (rules/contrat.py), partitioning the contract
        Phase(phase=code, libelle=libelle, debut=debut, fin=fin, mois=mois)
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
    contrat_advice = Contrat(
        forme=contrat["forme"],
        libelle_forme=engine.libelle("formes_contrat", contrat["forme"], "titre"),
        duree_mois=contrat["duree_mois"],
        duree_max_mois=contrat["duree_max_mois"],
        reconductions=reconductions,
        structure=structure,
        debut=contrat["debut"],
        fin=contrat["fin"],
        phases=phases,
        duree_depassee=contrat["duree_depassee"],
        duree_necessaire_mois=contrat["duree_necessaire_mois"],
        raisons=_raisons(notes, "contrat"),
    )

    steps = [n for n in notes if n["kind"] == "etape"]
    order = sorted(
        range(len(steps)), key=lambda i: (steps[i]["debut"], steps[i]["fin"], i)
    )  # ties: the guide's order
    etapes = [
        Etape(
            etape=steps[i]["etape"],
            libelle=steps[i]["libelle"],
            debut=steps[i]["debut"],
            fin=steps[i]["fin"],
            jalon=steps[i].get("jalon", False),
        )
        for i in order
    ]
    calendrier = Calendrier(
        rentree_visee=planning["rentree_visee"],
        rentree_retenue=planning["rentree_retenue"],
        atteignable=planning["atteignable"],
        lancement=planning["lancement"],
        notification=planning["notification"],
        ouverture=planning["ouverture"],
        lancement_renouvellement=contrat["lancement_renouvellement"],
        vote_budget_avant=planning["vote_budget_avant"],
    )

    preparation = sorted(
        (
            Preparation(
                code=n["code"],
                facteur=n["facteur"],
                statut=n["statut"],
                constat=n["constat"],
                action=n["action"],
                regle=n["regle"],
            )
            for n in notes
            if n["kind"] == "preparation"
        ),
        key=lambda p: (
            ORDRE_PREPARATION.index(p.code) if p.code in ORDRE_PREPARATION else len(ORDRE_PREPARATION)
        ),
    )
    vigilance: dict[str, Vigilance] = {}
    for note in notes:  # one item per code; two rules noting the same code add their messages
        if note["kind"] == "vigilance":
            first = vigilance.get(note["code"])
            vigilance[note["code"]] = (
                Vigilance(code=note["code"], message=note["message"], regle=note["regle"])
                if first is None
                else first.model_copy(update={"message": f"{first.message} {note['message']}"})
            )

    trace = [
        Trace(
            regle=step["meta"].id,
            titre=step["meta"].titre,
            faits=step["facts"],
            references=list(step["meta"].references),
        )
        for step in engine.trace
    ]
    parametres = [
        Parametre(
            nom=name,
            libelle=params[name].libelle,
            valeur=params[name].valeur,
            en_vigueur_depuis=params[name].en_vigueur_depuis,
            reference=params[name].reference,
            lien=params[name].lien,
            article=params[name].article,
            nature=params[name].nature,
            unite=params[name].unite,
            connu=params[name].connu,
        )
        for name in sorted(engine.used_parameters)
    ]
    actes = [n for n in notes if n["kind"] == "deliberation"]
    deliberation = (
        ActeDecision(**{k: v for k, v in actes[0].items() if k not in ("kind", "references")})
        if actes
        else None
    )
    prochaines_actions = [
        ProchaineAction(**{k: v for k, v in n.items() if k not in ("kind", "references")})
        for n in notes
        if n["kind"] == "action"
    ]
    knowledge = engine.knowledge
    return Advice(
        nom_projet=answers.nom_projet,
        date_analyse=as_of,
        date_parametres=parameter_date,
        achat=achat,
        valeur_estimee=valeur_estimee,
        taille=Taille(**taille) if (taille := _optional(facts, "Taille")) else None,
        experimentation=experimentation_advice,
        contrat=contrat_advice,
        calendrier_synthese=calendrier,
        calendrier=etapes,
        preparation=preparation,
        vigilance=list(vigilance.values()),
        trace=trace,
        parametres=parametres,
        base_de_connaissances=BaseDeConnaissances(
            version=knowledge.version, regles=len(knowledge.rules), source=knowledge.source
        ),
        reponses=answers.model_dump(mode="json", exclude_none=True),
        deliberation=deliberation,
        prochaines_actions=prochaines_actions,
    )
