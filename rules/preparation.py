"""La préparation du projet : chaque facteur clé de succès du guide, évalué d'après les réponses.

Les six facteurs clés de succès du guide : identifier les intervenants et acteurs clés ; formaliser le
partenariat et estimer précisément l'investissement nécessaire de tous les partenaires ; mettre en
place des instances de pilotage ; planifier les étapes en tenant compte du calendrier scolaire, de
celui des collectivités et du temps de passation des marchés ; anticiper la conduite du projet pour
pérenniser le service ; anticiper le renouvellement du marché pour assurer la continuité du service.
S'y ajoutent : le DPO de la collectivité (le responsable de traitement dans une école publique est
l'IA-DASEN ; les rôles s'écrivent dans la convention), la conformité au SDET et la réversibilité,
l'équipement et la connectivité des écoles.

Limites : le contenu de la convention, de l'AIPD et de la charte d'usage n'est pas examiné.
"""

from entadvisor.facts import MATCH, Contrat, Planning, Projet, Ref, Strate, Voie, regle
from entadvisor.formatting import date_fr

GUIDE = Ref("Guide ENT premier degré", "« Les facteurs clés de succès du projet ENT »")
RGPD = Ref(
    "RGPD",
    "art. 37 à 39",
    "délégué à la protection des données",
    et=(Ref("arrêté du 30 novembre 2006 modifié", "", "traitements ENT"),),
)


def _item(moteur, code, facteur, statut, constat, action):
    moteur.noter("preparation", code=code, facteur=facteur, statut=statut, constat=constat, action=action)


@regle(
    "PREP-ACTEURS",
    "Identifier les intervenants et acteurs clés",
    Projet(autorite_academique_associee=MATCH.associee),
    references=[
        GUIDE,
        Ref(
            "Guide ENT premier degré",
            "« Partenariat » : a minima une autorité académique et une collectivité",
        ),
    ],
    explication="Un projet ENT associe au moins une autorité académique (recteur, DANE, DASEN, IEN) et une collectivité.",
    strate=Strate.PREPARATION,
)
def acteurs(moteur, associee):
    facteur = "Identifier les intervenants et acteurs clés du projet"
    if associee:
        _item(
            moteur,
            "acteurs",
            facteur,
            "ok",
            "L'autorité académique (DASEN, IEN ou DANE) est associée.",
            "Nommer un référent de chaque côté et les écoles concernées (directeurs, conseillers numériques).",
        )
    else:
        _item(
            moteur,
            "acteurs",
            facteur,
            "a_faire",
            "L'autorité académique n'est pas encore associée.",
            "Contacter l'IEN de circonscription et la DANE (ou la DSDEN) : le projet ne peut pas se construire sans eux.",
        )
        moteur.noter(
            "vigilance",
            code="autorite_academique_absente",
            message="L'autorité académique n'est pas associée : un ENT ne se déploie pas sans l'Éducation nationale "
            "(choix des services, annuaire, accompagnement des écoles). Prenez contact avec l'IEN et la DANE.",
        )


@regle(
    "PREP-PARTENARIAT",
    "Formaliser le partenariat par une convention",
    Projet(convention_partenariat=MATCH.convention),
    references=[GUIDE, Ref("Guide ENT premier degré", "« Formalisation du partenariat »")],
    explication="L'Éducation nationale et la collectivité signent une convention qui fixe les engagements, compétences et responsabilités de chacun, y compris pour les données personnelles.",
    strate=Strate.PREPARATION,
)
def partenariat(moteur, convention):
    facteur = "Formaliser le partenariat et estimer précisément l'investissement de tous les partenaires"
    if convention == "signee":
        _item(
            moteur,
            "partenariat",
            facteur,
            "ok",
            "La convention de partenariat est signée.",
            "Vérifier qu'elle chiffre l'investissement de chaque partenaire et répartit les rôles RGPD.",
        )
    elif convention == "en_cours":
        _item(
            moteur,
            "partenariat",
            facteur,
            "en_cours",
            "La convention de partenariat est en cours.",
            "La signer avant le lancement de la consultation, avec l'investissement de chaque partenaire chiffré.",
        )
    else:
        _item(
            moteur,
            "partenariat",
            facteur,
            "a_faire",
            "Aucune convention de partenariat.",
            "Rédiger avec la DSDEN la convention : engagements, compétences, responsabilités, rôles RGPD, financement.",
        )
        moteur.noter(
            "vigilance",
            code="convention_absente",
            message="Aucune convention de partenariat avec l'Éducation nationale : rédigez-la avec la DSDEN et signez-la "
            "avant de lancer l'achat (engagements, compétences, responsabilités et rôles RGPD de chacun).",
        )


@regle(
    "PREP-PILOTAGE",
    "Mettre en place des instances de pilotage",
    Projet(comite_pilotage=MATCH.copil),
    references=[GUIDE, Ref("Guide ENT premier degré", "« Pilotage du projet »")],
    explication="Une instance de type comité de pilotage mobilise les partenaires ; l'évaluation opérationnelle l'aide à décider.",
    strate=Strate.PREPARATION,
)
def pilotage(moteur, copil):
    facteur = "Mettre en place des instances de pilotage"
    if copil:
        _item(
            moteur,
            "pilotage",
            facteur,
            "ok",
            "Un comité de pilotage existe.",
            "Lui soumettre le choix de la procédure, le bilan de l'expérimentation et l'évaluation annuelle des usages.",
        )
    else:
        _item(
            moteur,
            "pilotage",
            facteur,
            "a_faire",
            "Aucun comité de pilotage.",
            "Installer un comité de pilotage (élus, IEN, DANE, directeurs, services) avant la préparation de l'achat.",
        )
        moteur.noter(
            "vigilance",
            code="comite_pilotage_absent",
            message="Aucun comité de pilotage : installez-le avant de préparer l'achat. Toutes les décisions du projet "
            "(procédure, expérimentation, généralisation) se prennent dans ce cadre partenarial.",
        )


@regle(
    "PREP-CALENDRIER",
    "Planifier avec le calendrier scolaire, budgétaire et des marchés",
    Planning(
        atteignable=MATCH.ok,
        rentree_retenue=MATCH.rentree,
        lancement=MATCH.lancement,
        vote_budget_avant=MATCH.budget,
    ),
    references=[GUIDE, Ref("CGCT", "art. L1612-2")],
    explication="Le calendrier tient compte de la rentrée, du vote du budget et du délai de passation ; le rétroplanning le vérifie.",
    strate=Strate.PREPARATION,
)
def calendrier(moteur, ok, rentree, lancement, budget):
    facteur = "Planifier les étapes avec le calendrier scolaire, celui de la collectivité et le temps de passation des marchés"
    constat = f"Ouverture à la rentrée {rentree}, lancement au plus tard le {date_fr(lancement)}, budget voté avant le {date_fr(budget)}."
    if ok:
        _item(
            moteur,
            "calendrier",
            facteur,
            "ok",
            "La rentrée visée est atteignable. " + constat,
            "Tenir les dates du rétroplanning ; toute semaine perdue en préparation se reporte sur la rentrée.",
        )
    else:
        _item(
            moteur,
            "calendrier",
            facteur,
            "attention",
            "La rentrée visée n'est pas atteignable. " + constat,
            "Annoncer le report aux écoles et caler le projet sur la première rentrée atteignable.",
        )


@regle(
    "PREP-PERENNISATION",
    "Anticiper la conduite du projet pour pérenniser le service",
    Projet(accompagnement_prevu=MATCH.prevu),
    references=[
        GUIDE,
        Ref("Guide ENT premier degré", "« Pérennisation » et facteur « l'accompagnement des utilisateurs »"),
    ],
    explication="Dès le déploiement, des structures pérennes assurent l'animation, le développement des usages et l'assistance aux utilisateurs.",
    strate=Strate.PREPARATION,
)
def perennisation(moteur, prevu):
    facteur = "Anticiper la conduite du projet afin d'assurer la pérennisation du service"
    if prevu:
        _item(
            moteur,
            "perennisation",
            facteur,
            "ok",
            "Formation, assistance et animation sont prévues.",
            "Les inscrire au budget de chaque année et au marché (formation, assistance) ; désigner un référent par école.",
        )
    else:
        _item(
            moteur,
            "perennisation",
            facteur,
            "a_faire",
            "Formation, assistance et animation ne sont pas prévues.",
            "Prévoir avec l'IEN et les conseillers numériques la formation, l'assistance et l'animation, dans le marché et dans le temps.",
        )
        moteur.noter(
            "vigilance",
            code="accompagnement_absent",
            message="Aucun accompagnement n'est prévu : sans formation, assistance ni animation, les usages ne "
            "s'installent pas. Prévoyez-les dans le marché et avec l'Éducation nationale.",
        )


@regle(
    "PREP-RENOUVELLEMENT",
    "Anticiper le renouvellement du marché",
    Contrat(lancement_renouvellement=MATCH.lancement, fin=MATCH.fin, duree_depassee=MATCH.depassee),
    Voie(procedure_requise=True),
    references=[GUIDE, Ref("TA Lyon", "11 juillet 2025", nature="decision")],
    explication="La date de lancement du marché suivant se calcule dès le départ, pour éviter toute interruption du service.",
    strate=Strate.PREPARATION,
)
def renouvellement(moteur, lancement, fin, depassee):
    facteur = "Anticiper le renouvellement du marché ENT pour assurer la continuité du service"
    constat = f"Le contrat finit le {date_fr(fin)} ; le marché suivant doit être lancé au plus tard le {date_fr(lancement)}."
    action = "Inscrire cette date dans le plan de charge des achats et prévoir la reprise des données dans le cahier des charges."
    _item(moteur, "renouvellement", facteur, "attention" if depassee else "a_faire", constat, action)


@regle(
    "PREP-RENOUVELLEMENT-ADHESION",
    "Anticiper la fin de l'adhésion",
    Contrat(debut_renouvellement=MATCH.debut, fin=MATCH.fin),
    Voie(procedure_requise=False),
    references=[GUIDE, Ref("CCP", "art. L2113-4")],
    explication="Par une adhésion, le renouvellement du marché revient à la centrale ou au coordonnateur ; le membre en vérifie la date à temps.",
    strate=Strate.PREPARATION,
)
def renouvellement_adhesion(moteur, debut, fin):
    facteur = "Anticiper le renouvellement du marché ENT pour assurer la continuité du service"
    constat = (
        f"La période prévue finit le {date_fr(fin)} ; le marché est celui de la centrale ou du groupement."
    )
    action = (
        f"Demander dès maintenant la date de fin de leur marché, et dès le {date_fr(debut)} vérifier que le marché suivant "
        "est prêt et confirmer l'adhésion."
    )
    _item(moteur, "renouvellement", facteur, "a_faire", constat, action)


@regle(
    "PREP-DPO",
    "Associer le DPO de la collectivité",
    Projet(dpo_associe=MATCH.dpo),
    references=[RGPD, Ref("CNIL", "délibération n° 2017-199", "ENT")],
    explication="Dans une école publique, le responsable de traitement est l'IA-DASEN ; la collectivité associe son propre DPO et les rôles s'écrivent dans la convention.",
    strate=Strate.PREPARATION,
)
def dpo(moteur, dpo):
    facteur = "Protection des données : associer le DPO de la collectivité"
    if dpo:
        _item(
            moteur,
            "dpo",
            facteur,
            "ok",
            "Le DPO de la collectivité est associé.",
            "Écrire les rôles (responsable de traitement, sous-traitant) dans la convention ; mener l'AIPD si nécessaire.",
        )
    else:
        _item(
            moteur,
            "dpo",
            facteur,
            "a_faire",
            "Le DPO de la collectivité n'est pas associé.",
            "L'associer dès la rédaction du cahier des charges (clauses de sous-traitance, hébergement, AIPD).",
        )


@regle(
    "PREP-SDET",
    "Exiger la conformité au SDET et la réversibilité",
    Projet(besoin=MATCH.besoin),
    Voie(procedure_requise=MATCH.propre),
    references=[
        Ref("SDET (schéma directeur des ENT) et doctrine technique du numérique pour l'éducation"),
        Ref("TA Lyon", "11 juillet 2025", nature="decision"),
    ],
    explication=(
        "Le cahier des charges exige la conformité au SDET et à la doctrine technique, l'accès au GAR, l'interopérabilité "
        "et la réversibilité des données ; par une adhésion, le membre vérifie que le marché de la centrale ou du "
        "groupement les exige."
    ),
    strate=Strate.PREPARATION,
)
def sdet(moteur, besoin, propre):
    constat = (
        "La conformité au SDET et la réversibilité sont à exiger dans le cahier des charges."
        if propre
        else "Le marché est celui de la centrale ou du groupement : sa conformité au SDET et sa réversibilité sont à vérifier."
    )
    action = (
        "Exiger la conformité au SDET et à la doctrine technique, l'accès au GAR, l'export des données et une assistance à la réversibilité."
        if propre
        else "Demander, avant d'adhérer, la conformité au SDET, l'accès au GAR, l'export des données et l'assistance à la réversibilité que prévoit leur marché."
    )
    _item(moteur, "sdet", "Une solution conforme au cadre national et réversible", "a_faire", constat, action)


@regle(
    "PREP-EQUIPEMENT",
    "Des conditions d'accès compatibles avec les usages",
    Projet(equipement_ecoles=MATCH.equipement),
    references=[
        Ref(
            "Guide ENT premier degré",
            "facteur de réussite « des conditions d'accès à l'ENT compatibles avec l'évolution des usages »",
        ),
        Ref("Code de l'éducation", "art. L212-4"),
    ],
    explication="L'équipement et la connectivité des écoles conditionnent les usages ; un équipement insuffisant se corrige avant le déploiement.",
    strate=Strate.PREPARATION,
)
def equipement(moteur, equipement):
    facteur = "Des conditions d'accès à l'ENT compatibles avec l'évolution des usages"
    if equipement == "insuffisant":
        _item(
            moteur,
            "equipement",
            facteur,
            "attention",
            "L'équipement ou la connectivité des écoles est insuffisant.",
            "Programmer la remise à niveau (débit, postes, vidéoprojection) avant l'ouverture, en commençant par les écoles pilotes.",
        )
    else:
        _item(
            moteur,
            "equipement",
            facteur,
            "ok",
            "L'équipement et la connectivité sont " + ("bons." if equipement == "bon" else "corrects."),
            "Vérifier le débit de chaque école et l'accès des familles (équipement, accompagnement au numérique).",
        )
