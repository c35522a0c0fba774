"""A hand-made, valid `Advice` for a town of about twelve schools, built through the pydantic model.

It lets the report be tested without the engine (unit tests of escaping, sections and charts); the
golden files use the engine's real output for the example answer files.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from entadvisor.advice import Advice

D = dt.date

REPONSES: dict[str, Any] = {
    "version": 1,
    "nom_projet": "ENT des écoles de Villeneuve-sur-Lot",
    "porteur": "commune",
    "competence_scolaire": "communes",
    "nombre_communes": 1,
    "service_marches": True,
    "communes_partenaires_interessees": False,
    "nombre_ecoles": 12,
    "nombre_classes": 64,
    "nombre_eleves": None,
    "degres": "premier_degre",
    "ent_existant": "aucun",
    "fin_contrat_actuel": None,
    "usages_numeriques": "moyens",
    "equipement_ecoles": "correct",
    "autorite_academique_associee": True,
    "convention_partenariat": "en_cours",
    "comite_pilotage": False,
    "dpo_associe": True,
    "accompagnement_prevu": False,
    "offre_mutualisee": "aucune",
    "besoin": "standard",
    "specifications_precises": None,
    "prix_eleve_an_ht": None,
    "couts_ponctuels_ht": 8000,
    "rentree_visee": 2027,
    "date_lancement": None,
}

REF_DISPENSE = "CCP art. R2122-8 ; décret 2025-1386 du 29 décembre 2025"


def _seuils() -> list[dict[str, Any]]:
    return [
        {
            "nom": "seuil_dispense",
            "libelle": "Seuil de dispense de publicité et de mise en concurrence",
            "valeur": 60000,
            "connu": True,
            "en_vigueur_depuis": D(2026, 4, 1),
            "reference": REF_DISPENSE,
        },
        {
            "nom": "seuil_publicite_mapa",
            "libelle": "Seuil de publicité d'un MAPA au BOAMP ou dans un JAL",
            "valeur": 90000,
            "connu": True,
            "en_vigueur_depuis": D(2019, 4, 1),
            "reference": "CCP art. R2131-12",
        },
        {
            "nom": "seuil_procedure_formalisee",
            "libelle": "Seuil européen des procédures formalisées (collectivités)",
            "valeur": 216000,
            "connu": True,
            "en_vigueur_depuis": D(2026, 1, 1),
            "reference": "CCP annexe 2 ; avis du 26 décembre 2025",
        },
    ]


def advice_data() -> dict[str, Any]:
    """The fixture as plain data, so a test can change one field before validation."""
    return {
        "nom_projet": REPONSES["nom_projet"],
        "date_analyse": D(2026, 11, 29),
        "date_parametres": D(2026, 11, 29),
        "achat": {
            "acheteur": "la commune",
            "voie": "procedure_propre",
            "procedure": "sans_publicite",
            "publicite": "aucune (comparer 2 ou 3 devis)",
            "alternatives": [
                {
                    "procedure": "mapa",
                    "raison": "Possible mais non requise : la valeur estimée est sous le seuil de dispense ; "
                    "une mise en concurrence légère (2 ou 3 devis) suffit.",
                },
                {
                    "procedure": "appel_offres_ouvert",
                    "raison": "Disproportionné : la valeur estimée est très en dessous du seuil européen.",
                },
            ],
            "voies_ecartees": [
                {
                    "voie": "centrale_achat",
                    "raison": "Aucune offre mutualisée accessible n'a été signalée.",
                },
                {
                    "voie": "groupement_commandes",
                    "raison": "Aucune autre commune ne souhaite acheter avec la commune.",
                },
            ],
            "raisons": [
                {
                    "regle": "achat.voie.procedure_propre",
                    "texte": "La commune détient la compétence scolaire, dispose d'un service des marchés et "
                    "aucune offre mutualisée n'existe : elle achète elle-même.",
                    "references": ["Code de l'éducation art. L212-4"],
                },
                {
                    "regle": "achat.procedure.sans_publicite",
                    "texte": "La valeur estimée (24 896 € HT) est sous le seuil de dispense de 60 000 € HT.",
                    "references": [REF_DISPENSE],
                },
            ],
            "references": ["CCP art. R2122-8", "Code de l'éducation art. L212-4"],
        },
        "valeur_estimee": {
            "montant_ht": 24896,
            "detail": {
                "eleves": 1408,
                "eleves_estimes": True,
                "prix_eleve_an_ht": 3,
                "prix_par_defaut": True,
                "annees": 4,
                "couts_ponctuels_ht": 8000,
                "perimetre": "les 12 écoles de la commune",
                "formule": "1 408 élèves × 3 € HT × 4 ans + 8 000 € HT de coûts ponctuels",
            },
            "tranche": "sous_dispense",
            "seuils": _seuils(),
            "raisons": [
                {
                    "regle": "valeur.estimation",
                    "texte": "La valeur est calculée sur toute la durée du contrat, reconductions comprises.",
                    "references": ["CCP art. R2121-1", "CCP art. R2121-8"],
                }
            ],
        },
        "experimentation": {
            "recommandee": True,
            "format": "ecoles_pilotes",
            "duree_mois": 10,
            "ecoles_pilotes": 2,
            "classes_volontaires": None,
            "deroulement": [
                "Choisir 2 écoles pilotes volontaires avec l'IEN de circonscription.",
                "Ouvrir l'ENT dans ces écoles à la rentrée 2027.",
                "Évaluer les usages en mai-juin 2028 ; le comité de pilotage décide de la généralisation.",
                "Généraliser aux 12 écoles à la rentrée 2028.",
            ],
            "vehicule": "Un seul accord-cadre : la première année couvre les écoles pilotes, les bons de "
            "commande suivants la généralisation ; une clause permet d'arrêter si l'évaluation est négative.",
            "raisons": [
                {
                    "regle": "experimentation.ecoles_pilotes",
                    "texte": "Aucun ENT aujourd'hui et plus de 3 écoles : une année d'écoles pilotes "
                    "permet d'ajuster le déploiement.",
                    "references": [],
                }
            ],
        },
        "contrat": {
            "forme": "accord_cadre_bons_commande",
            "libelle_forme": "Accord-cadre à bons de commande",
            "duree_mois": 48,
            "duree_max_mois": 48,
            "reconductions": 3,
            "structure": "1 an ferme + 3 reconductions annuelles",
            "debut": D(2027, 9, 1),
            "fin": D(2031, 8, 31),
            "phases": [
                {
                    "phase": "deploiement",
                    "libelle": "Écoles pilotes puis généralisation",
                    "debut": D(2027, 9, 1),
                    "fin": D(2029, 8, 31),
                    "mois": 24,
                },
                {
                    "phase": "observation",
                    "libelle": "Observation des usages",
                    "debut": D(2029, 9, 1),
                    "fin": D(2030, 8, 31),
                    "mois": 12,
                },
                {
                    "phase": "renouvellement",
                    "libelle": "Préparation et passation du marché suivant",
                    "debut": D(2030, 9, 1),
                    "fin": D(2031, 8, 31),
                    "mois": 12,
                },
            ],
            "duree_depassee": False,
            "duree_necessaire_mois": 48,
            "raisons": [
                {
                    "regle": "contrat.duree",
                    "texte": "Quatre années scolaires contiennent le déploiement, une année d'observation "
                    "et le renouvellement.",
                    "references": ["CCP art. L2125-1", "CCP art. R2112-4"],
                }
            ],
        },
        "calendrier_synthese": {
            "rentree_visee": 2027,
            "rentree_retenue": 2027,
            "atteignable": True,
            "lancement": D(2027, 3, 1),
            "notification": D(2027, 4, 1),
            "ouverture": D(2027, 9, 1),
            "lancement_renouvellement": D(2030, 11, 1),
            "vote_budget_avant": D(2027, 4, 15),
        },
        "calendrier": [
            {
                "etape": "partenariat",
                "libelle": "Convention avec l'Éducation nationale",
                "debut": D(2026, 12, 1),
                "fin": D(2027, 2, 28),
            },
            {
                "etape": "comite_pilotage",
                "libelle": "Installer le comité de pilotage",
                "debut": D(2027, 1, 15),
                "fin": D(2027, 1, 15),
                "jalon": True,
            },
            {
                "etape": "preparation",
                "libelle": "Préparer l'achat (besoin, cahier des charges)",
                "debut": D(2026, 12, 1),
                "fin": D(2027, 2, 28),
            },
            {
                "etape": "vote_budget",
                "libelle": "Voter les crédits au budget primitif",
                "debut": D(2027, 4, 15),
                "fin": D(2027, 4, 15),
                "jalon": True,
            },
            {
                "etape": "consultation",
                "libelle": "Consulter 2 ou 3 éditeurs et commander",
                "debut": D(2027, 3, 1),
                "fin": D(2027, 3, 31),
            },
            {
                "etape": "mise_en_service",
                "libelle": "Paramétrer et former les directeurs",
                "debut": D(2027, 4, 1),
                "fin": D(2027, 8, 31),
            },
            {
                "etape": "experimentation",
                "libelle": "Écoles pilotes",
                "debut": D(2027, 9, 1),
                "fin": D(2028, 6, 30),
            },
            {
                "etape": "evaluation",
                "libelle": "Évaluer et décider de la généralisation",
                "debut": D(2028, 5, 1),
                "fin": D(2028, 6, 30),
            },
            {
                "etape": "generalisation",
                "libelle": "Généralisation aux 12 écoles",
                "debut": D(2028, 9, 1),
                "fin": D(2029, 8, 31),
            },
            {
                "etape": "observation",
                "libelle": "Observation des usages",
                "debut": D(2029, 9, 1),
                "fin": D(2030, 8, 31),
            },
            {
                "etape": "lancement_renouvellement",
                "libelle": "Lancer le marché suivant",
                "debut": D(2030, 11, 1),
                "fin": D(2030, 11, 1),
                "jalon": True,
            },
            {
                "etape": "renouvellement",
                "libelle": "Renouvellement et tuilage",
                "debut": D(2030, 9, 1),
                "fin": D(2031, 8, 31),
            },
        ],
        "preparation": [
            {
                "code": "acteurs",
                "facteur": "Identifier les intervenants et acteurs clés du projet",
                "statut": "ok",
                "constat": "L'IEN et le DASEN sont associés.",
                "action": "Désigner un référent ENT dans chaque école.",
                "regle": "preparation.acteurs",
            },
            {
                "code": "partenariat",
                "facteur": "Formaliser le partenariat et estimer l'investissement de chacun",
                "statut": "en_cours",
                "constat": "La convention est en cours de rédaction.",
                "action": "Signer la convention avant le lancement de la consultation.",
                "regle": "preparation.partenariat",
            },
            {
                "code": "pilotage",
                "facteur": "Mettre en place des instances de pilotage",
                "statut": "a_faire",
                "constat": "Aucun comité de pilotage.",
                "action": "Installer un comité de pilotage (commune, IEN, directeurs, DPO).",
                "regle": "preparation.pilotage",
            },
            {
                "code": "calendrier",
                "facteur": "Planifier en tenant compte des calendriers scolaire, budgétaire et des marchés",
                "statut": "ok",
                "constat": "La rentrée 2027 est atteignable si la consultation est lancée le 1er mars 2027.",
                "action": "Inscrire les crédits au budget primitif 2027.",
                "regle": "preparation.planification",
            },
            {
                "code": "perennisation",
                "facteur": "Anticiper la conduite du projet pour pérenniser le service",
                "statut": "attention",
                "constat": "Aucun accompagnement n'est prévu.",
                "action": "Prévoir formation, assistance et animation dans le marché.",
                "regle": "preparation.perennisation",
            },
            {
                "code": "renouvellement",
                "facteur": "Anticiper le renouvellement du marché",
                "statut": "ok",
                "constat": "Le marché suivant doit être lancé le 1er novembre 2030.",
                "action": "Inscrire cette date au plan de charge du service des marchés.",
                "regle": "preparation.renouvellement",
            },
        ],
        "vigilance": [
            {
                "code": "prix_par_defaut",
                "message": "Le prix de 3 € HT par élève et par an est une hypothèse : "
                "remplacez-le par un devis.",
                "regle": "valeur.prix_defaut",
            },
            {
                "code": "eleves_estimes",
                "message": "L'effectif (1 408 élèves) est estimé à 22 élèves par classe.",
                "regle": "valeur.eleves_estimes",
            },
        ],
        "trace": [
            {
                "regle": "valeur.estimation",
                "titre": "Valeur estimée du besoin sur toute la durée",
                "faits": {
                    "nombre_classes": 64,
                    "eleves_estimes": True,
                    "prix_eleve_an_ht": 3,
                    "annees": 4,
                    "couts_ponctuels_ht": 8000,
                    "valeur_estimee_ht": 24896,
                },
                "references": ["CCP art. R2121-1", "CCP art. R2121-8"],
            },
            {
                "regle": "achat.voie.procedure_propre",
                "titre": "La commune compétente achète elle-même",
                "faits": {
                    "competence_scolaire": "communes",
                    "offre_mutualisee": "aucune",
                    "service_marches": True,
                },
                "references": ["Code de l'éducation art. L212-4"],
            },
            {
                "regle": "achat.procedure.sans_publicite",
                "titre": "Sous le seuil de dispense",
                "faits": {
                    "valeur_estimee_ht": 24896,
                    "seuil_dispense": 60000,
                    "date_parametres": "2026-11-29",
                },
                "references": [REF_DISPENSE],
            },
            {
                "regle": "contrat.duree",
                "titre": "Durée du contrat ajustée aux trois phases",
                "faits": {"nombre_ecoles": 12, "duree_necessaire_mois": 48},
                "references": ["CCP art. L2125-1", "CCP art. R2112-4", "CCP art. L2112-5"],
            },
            {
                "regle": "calendrier.budget",
                "titre": "Vote du budget",
                "faits": {"rentree_retenue": 2027},
                "references": ["CGCT art. L1612-2"],
            },
        ],
        "parametres": [
            {
                "nom": s["nom"],
                "libelle": s["libelle"],
                "valeur": s["valeur"],
                "en_vigueur_depuis": s["en_vigueur_depuis"],
                "reference": s["reference"],
                "lien": "https://www.legifrance.gouv.fr/codes/article_lc/LEGIARTI000037730654",
                "article": "CCP art. R2122-8",
                "nature": "loi",
                "unite": "euros_ht",
            }
            for s in _seuils()
        ]
        + [
            {
                "nom": "prix_eleve_an_ht_defaut",
                "libelle": "Prix par défaut d'un ENT par élève et par an",
                "valeur": 3,
                "en_vigueur_depuis": D(2014, 1, 1),
                "reference": "Offre UGAP 2014",
                "nature": "heuristique",
                "unite": "euros_ht",
            },
            {
                "nom": "delai_sans_publicite_mois",
                "libelle": "Délai d'un achat sans publicité",
                "valeur": 1,
                "en_vigueur_depuis": D(2020, 1, 1),
                "reference": "Pratique des acheteurs",
                "nature": "heuristique",
                "unite": "euros_ht",
            },
            {
                "nom": "duree_max_accord_cadre_mois",
                "libelle": "Durée maximale d'un accord-cadre",
                "valeur": 48,
                "en_vigueur_depuis": D(2019, 4, 1),
                "reference": "CCP art. L2125-1 1°",
                "nature": "loi",
                "unite": "euros_ht",
                "article": "CCP art. L2125-1",
            },
            {
                "nom": "part_ecoles_pilotes",
                "libelle": "Part des écoles pilotes",
                "valeur": 0.15,
                "en_vigueur_depuis": D(2020, 1, 1),
                "reference": "DOMAIN §4",
                "nature": "heuristique",
                "unite": "euros_ht",
            },
            {
                "nom": "date_limite_budget",
                "libelle": "Date limite de vote du budget primitif",
                "valeur": "04-15",
                "en_vigueur_depuis": D(2012, 1, 1),
                "reference": "CGCT art. L1612-2",
                "nature": "loi",
                "unite": "euros_ht",
            },
        ],
        "base_de_connaissances": {"version": "2026.11-test", "regles": 42, "source": "fixture de test"},
        "reponses": dict(REPONSES),
        "sensibilite": None,
    }


def advice_ville(**changes: Any) -> Advice:
    """The fixture as a validated `Advice`; keyword arguments replace top-level fields first."""
    data = advice_data()
    data.update(changes)
    return Advice.model_validate(data)


def test_fixture_is_a_valid_advice() -> None:
    """The hand-made advice goes through the pydantic model, so the report is tested on valid input."""
    advice = advice_ville()
    assert advice.achat.procedure == "sans_publicite"
    assert len(advice.preparation) == 6
