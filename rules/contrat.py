"""La durée et la structure du contrat : déploiement, observation des usages, renouvellement.

Question clé du guide : « La durée du marché d'ENT – s'il y a lieu – est-elle bien dimensionnée pour
contenir une phase de déploiement, une phase d'observation des usages et une phase de renouvellement
de marché ? »

Un accord-cadre à bons de commande convient à un ENT (effectifs variables, généralisation
progressive) ; il fixe un maximum (R2162-4) et dure au plus quatre ans pour un pouvoir adjudicateur,
sauf exception dûment justifiée (L2125-1) ; « 1 an ferme + 3 reconductions annuelles » est la forme
usuelle, la reconduction étant tacite sauf stipulation contraire et s'imposant au titulaire (R2112-4).
Le contrat commence à une rentrée et finit un 31 août. Déploiement = expérimentation (une année
scolaire s'il y en a une) + généralisation (une année, deux au-delà de 20 écoles) ; observation ≥ une
année scolaire pleine (deux souhaitées) ; renouvellement = préparation + passation du marché suivant
+ transition. Quand les phases ne tiennent pas dans le maximum légal, le conseil le dit
(``duree_depassee``) et propose des remèdes, sans jamais tronquer en silence.

Limites : les marchés ordinaires de plus de quatre ans (L2112-5) et les exceptions de L2125-1 ne sont
proposés que comme remèdes, jamais retenus d'office.
"""

import datetime as dt

from entadvisor import calculations as calc
from entadvisor.facts import (
    MATCH,
    TEST,
    Contexte,
    Contrat,
    Duree,
    Experimentation,
    FormatExperimentation,
    L,
    Passation,
    Planning,
    Projet,
    Ref,
    Strate,
    Taille,
    Voie,
    regle,
)
from entadvisor.formatting import date_fr, pluriel

L2125_1 = Ref("CCP", "art. L2125-1", "durée maximale d'un accord-cadre, sauf exception justifiée")
R2162_4 = Ref("CCP", "art. R2162-4", "accord-cadre : montant maximal obligatoire")
R2112_4 = Ref("CCP", "art. R2112-4", "reconduction tacite, qui s'impose au titulaire")
GUIDE = Ref(
    "Guide ENT premier degré",
    "question clé sur la durée du marché",
    "déploiement, observation des usages, renouvellement",
)
TA_LYON = Ref(
    "TA Lyon",
    "11 juillet 2025, Région Auvergne-Rhône-Alpes",
    "prolonger un accord-cadre échu est irrégulier",
    nature="decision",
)


@regle(
    "CTR-DUREE",
    "Dimensionner la durée en années scolaires, sans expérimentation",
    Experimentation(recommandee=False),
    Taille(categorie=MATCH.taille),
    Voie(procedure_requise=MATCH.propre),
    references=[GUIDE, L2125_1],
    explication=(
        "Durée = déploiement (généralisation) + observation des usages (durée souhaitée, au moins la durée minimale) + "
        "renouvellement, dans la limite de la durée maximale d'un accord-cadre (paramètres datés)."
    ),
    conclut=Duree,
)
def duree(moteur, taille, propre):
    _dimensionner(moteur, taille, propre, 0, 0, "")


@regle(
    "CTR-DUREE-EXPERIMENTATION",
    "Dimensionner la durée en années scolaires, expérimentation comprise",
    FormatExperimentation(annees=MATCH.pilote, duree_mois=MATCH.mois),
    Taille(categorie=MATCH.taille),
    Voie(procedure_requise=MATCH.propre),
    references=[GUIDE, L2125_1],
    explication=(
        "Le pilote compte dans le déploiement : une année scolaire entière pour des écoles pilotes ; un pilote d'un "
        "trimestre dans un petit projet se généralise dès le trimestre suivant, dans la même année scolaire."
    ),
    conclut=Duree,
)
def duree_experimentation(moteur, pilote, mois, taille, propre):
    if pilote:
        _dimensionner(moteur, taille, propre, pilote, 0, " (expérimentation comprise)")
    else:
        _dimensionner(
            moteur,
            taille,
            propre,
            0,
            mois,
            f" (pilote de {pluriel(mois, 'mois', 'mois')} compris, généralisation dès le trimestre suivant)",
        )


def _dimensionner(moteur, taille, propre, pilote, mois_avant_generalisation, precision):
    generalisation = moteur.param(
        "generalisation_annees_grand_perimetre" if taille == "grand" else "generalisation_annees"
    )
    sizing = calc.size_contract(
        experimentation=bool(pilote),
        generalisation_years=generalisation,
        observation_wanted=moteur.param("observation_annees_souhaitees"),
        observation_min=moteur.param("observation_annees_minimum"),
        renewal_years=moteur.param("renouvellement_annees"),
        max_months=moteur.param("duree_max_accord_cadre_mois"),
    )
    moteur.conclure(
        Duree(
            annees_experimentation=sizing.annees_experimentation,
            annees_generalisation=sizing.annees_generalisation,
            annees_deploiement=sizing.annees_deploiement,
            annees_observation=sizing.annees_observation,
            annees_contrat=sizing.annees_contrat,
            mois_avant_generalisation=mois_avant_generalisation,
        ),
        f"Déploiement sur {pluriel(sizing.annees_deploiement, 'année scolaire', 'années scolaires')}{precision}, "
        f"observation des usages prévue sur {pluriel(sizing.annees_observation, 'année')}, puis "
        + (
            "renouvellement du marché"
            if propre
            else "suivi du marché suivant de la centrale ou du groupement"
        )
        + f" : {pluriel(sizing.annees_contrat, 'année')} au total.",
    )


def _contrat(moteur, forme, annees, deploiement, rentree, delai, preparation):
    debut = calc.rentree(rentree)
    fin = calc.fin_annee_scolaire(rentree + annees - 1)
    fin_deploiement = calc.fin_annee_scolaire(rentree + deploiement - 1)
    transition = moteur.param("transition_mois")
    renouvellement_mois = preparation + delai + transition
    lendemain = fin + dt.timedelta(days=1)
    debut_renouvellement = calc.add_months(lendemain, -renouvellement_mois)
    observation_min = moteur.param("observation_annees_minimum")
    observation_mois = calc.months_between(fin_deploiement + dt.timedelta(days=1), debut_renouvellement)
    necessaire = deploiement * 12 + observation_min * 12 + renouvellement_mois
    maximum = moteur.param("duree_max_accord_cadre_mois")
    phases = _phases(moteur, forme, debut, fin, fin_deploiement, debut_renouvellement, annees * 12)
    return Contrat(
        forme=forme,
        debut=debut,
        fin=fin,
        duree_mois=annees * 12,
        duree_max_mois=maximum,
        reconductions=annees - 1,
        fin_deploiement=fin_deploiement,
        debut_renouvellement=debut_renouvellement,
        lancement_renouvellement=calc.add_months(lendemain, -(delai + transition)),
        notification_renouvellement=calc.add_months(lendemain, -transition),
        observation_mois=observation_mois,
        duree_necessaire_mois=max(necessaire, annees * 12),
        duree_depassee=observation_mois < observation_min * 12 or necessaire > maximum,
        phases=phases,
    )


def _phases(moteur, forme, debut, fin, fin_deploiement, debut_renouvellement, duree_mois):
    """The three phases, partitioning the contract (the guide's key question on its length).

    Each starts the day after the previous one ends. An observation with no room is empty: it ends the
    day before it starts, 0 months, and ``duree_depassee`` says why; the renewal then starts after the
    deployment at the earliest. Through an adhesion, the last phase follows the centrale's or the
    coordinator's next contract rather than running a procedure of the member's own.
    """
    lendemain = fin_deploiement + dt.timedelta(days=1)
    debut_r = max(debut_renouvellement, lendemain)
    mois_deploiement = calc.months_between(debut, lendemain)
    mois_renouvellement = calc.months_between(debut_r, fin + dt.timedelta(days=1))
    suivi = forme.startswith("adhesion")
    return (
        ("deploiement", moteur.libelle("phases", "deploiement"), debut, fin_deploiement, mois_deploiement),
        (
            "observation",
            moteur.libelle("phases", "observation"),
            lendemain,
            debut_r - dt.timedelta(days=1),
            duree_mois - mois_deploiement - mois_renouvellement,
        ),
        (
            "renouvellement",
            "Suivi du marché suivant (centrale ou groupement)"
            if suivi
            else moteur.libelle("phases", "renouvellement"),
            debut_r,
            fin,
            mois_renouvellement,
        ),
    )


@regle(
    "CTR-ACCORD-CADRE",
    "Accord-cadre à bons de commande, une année ferme puis des reconductions annuelles",
    Voie(procedure_requise=True),
    Duree(annees_contrat=MATCH.annees, annees_deploiement=MATCH.deploiement),
    Planning(rentree_retenue=MATCH.rentree),
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation, ecrit_obligatoire=True),
    references=[R2162_4, L2125_1, R2112_4, GUIDE],
    explication=(
        "Un accord-cadre à bons de commande, avec un maximum couvrant la généralisation, suit des effectifs variables et "
        "une généralisation progressive ; il commence à une rentrée, finit un 31 août et ne dépasse pas la durée maximale de L2125-1."
    ),
    conclut=Contrat,
)
def accord_cadre(moteur, annees, deploiement, rentree, delai, preparation):
    contrat = _contrat(moteur, "accord_cadre_bons_commande", annees, deploiement, rentree, delai, preparation)
    moteur.conclure(
        contrat,
        f"Accord-cadre à bons de commande de {annees} ans (une première année ferme puis {annees - 1} reconductions "
        "annuelles tacites), "
        f"du {date_fr(contrat['debut'])} au {date_fr(contrat['fin'])}, avec un montant maximal qui couvre la généralisation.",
    )


@regle(
    "CTR-ABONNEMENT-DEVIS",
    "Sous le seuil de l'écrit : un abonnement annuel sur devis et bon de commande",
    Voie(procedure_requise=True),
    Duree(annees_contrat=MATCH.annees, annees_deploiement=MATCH.deploiement),
    Planning(rentree_retenue=MATCH.rentree),
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation, ecrit_obligatoire=False),
    references=[
        Ref("CCP", "art. R2112-1", "écrit obligatoire à partir du seuil fixé"),
        Ref("CCP", "art. R2122-8"),
        GUIDE,
    ],
    explication=(
        "La forme suit l'achat : sous le seuil de l'écrit obligatoire, un devis signé et un bon de commande pour un "
        "abonnement annuel suffisent ; la valeur se compte toujours sur toute la durée prévue du projet."
    ),
    conclut=Contrat,
)
def abonnement_devis(moteur, annees, deploiement, rentree, delai, preparation):
    contrat = _contrat(
        moteur, "abonnement_devis_bon_commande", annees, deploiement, rentree, delai, preparation
    )
    moteur.conclure(
        contrat,
        f"Abonnement annuel sur devis signé et bon de commande, renouvelé chaque année sur {annees} ans, du "
        f"{date_fr(contrat['debut'])} au {date_fr(contrat['fin'])} : à ce montant, un contrat écrit n'est pas exigé "
        "(R2112-1) ; faites figurer dans le devis le prix par élève, les services, la réversibilité et l'export des données.",
    )


@regle(
    "CTR-ADHESION",
    "Adhésion à la centrale ou au groupement : le marché est le leur",
    Voie(procedure_requise=False, voie=MATCH.voie),
    Duree(annees_contrat=MATCH.annees, annees_deploiement=MATCH.deploiement),
    Planning(rentree_retenue=MATCH.rentree),
    references=[
        Ref("CCP", "art. L2113-4"),
        Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes"),
        GUIDE,
    ],
    explication=(
        "Par une centrale d'achat ou un groupement existant, le marché est celui de la centrale ou du groupement : le "
        "membre n'a ni accord-cadre, ni tranches, ni cahier des charges, ni procédure de renouvellement propres. Le conseil "
        "porte sur l'adhésion et sur ce qu'il faut vérifier de leur marché (date de fin, phases couvertes, réversibilité)."
    ),
    conclut=Contrat,
)
def adhesion(moteur, voie, annees, deploiement, rentree):
    forme = "adhesion_centrale_achat" if voie == "centrale_achat" else "adhesion_groupement"
    contrat = _contrat(moteur, forme, annees, deploiement, rentree, 0, 0)
    qui = "la centrale" if voie == "centrale_achat" else "le groupement"
    moteur.conclure(
        contrat,
        f"Adhésion sur {annees} ans, du {date_fr(contrat['debut'])} au {date_fr(contrat['fin'])} : le marché est celui de "
        f"{qui}, pas le vôtre. Vérifiez avant d'adhérer sa date de fin (il doit couvrir le déploiement et l'observation des "
        "usages, ou prévoir son successeur), les services couverts, la réversibilité et l'export des données.",
    )


@regle(
    "CTR-DUREE-DEPASSEE",
    "Les phases ne tiennent pas dans la durée légale",
    Contrat(duree_depassee=True, duree_necessaire_mois=MATCH.necessaire, duree_max_mois=MATCH.maximum),
    Duree(annees_experimentation=MATCH.exp),
    references=[
        L2125_1,
        Ref("CCP", "art. L2112-5", "marché ordinaire : durée justifiée, remise en concurrence périodique"),
        GUIDE,
    ],
    explication=(
        "Quand déploiement, observation minimale et renouvellement dépassent le maximum légal, le conseil le dit et propose "
        "des remèdes : commencer le pilote plus tôt, raccourcir l'observation, ou justifier une durée exceptionnelle."
    ),
    strate=Strate.VIGILANCE,
)
def duree_depassee(moteur, necessaire, maximum, exp):
    remedes = []
    if exp:
        remedes.append(
            "mener l'expérimentation sur un trimestre ou la commencer dès la notification, avant la rentrée"
        )
    remedes += [
        "préparer le marché suivant pendant l'observation des usages, pour raccourcir la phase de renouvellement",
        f"justifier une durée exceptionnelle au-delà de {maximum // 12} ans (L2125-1 : objet, investissements à amortir), "
        "ou passer un marché ordinaire d'une durée justifiée (L2112-5)",
    ]
    moteur.noter(
        "vigilance",
        code="duree_depassee",
        message=(
            f"Le déploiement, une année d'observation et le renouvellement demandent {necessaire} mois, plus que les "
            f"{maximum} mois d'un accord-cadre : l'observation des usages serait trop courte. Remèdes possibles : "
            + " ; ".join(remedes)
            + "."
        ),
    )


@regle(
    "CTR-REVERSIBILITE",
    "Réversibilité et export des données dans le CCTP",
    Contrat(fin=MATCH.fin),
    Voie(procedure_requise=True),
    references=[TA_LYON, Ref("SDET (schéma directeur des ENT)", ": import et export des données")],
    explication=(
        "Un trou de service ne se comble pas en prolongeant un accord-cadre échu : le cahier des charges exige la "
        "réversibilité, l'export des données au format du SDET et une assistance à la transition."
    ),
    strate=Strate.PREPARATION,
)
def reversibilite(moteur, fin):
    moteur.noter(
        "raison",
        sujet="Contrat",
        texte=(
            "Exigez dans le cahier des charges la réversibilité, l'export des comptes et des données au format du SDET et une "
            f"assistance à la transition : au {date_fr(fin)}, un accord-cadre échu ne peut pas être prolongé (TA Lyon, 2025)."
        ),
    )


@regle(
    "CTR-CONTINUITE-CONTRAT-ACTUEL",
    "Le contrat actuel finit avant l'ouverture du nouvel ENT",
    Projet(fin_contrat_actuel=MATCH.fin_actuel & ~L(None)),
    Planning(ouverture=MATCH.ouverture),
    Contexte(date_analyse=MATCH.analyse),
    TEST(lambda fin_actuel, ouverture: (ouverture - fin_actuel).days > 1),
    references=[
        TA_LYON,
        Ref("CCP", "art. R2122-3", "pas de marché sans concurrence pour une exclusivité artificielle"),
    ],
    explication="Si le contrat actuel finit avant l'ouverture du nouvel ENT, le service s'interrompt ; il ne peut pas être prolongé après son terme.",
    strate=Strate.VIGILANCE,
)
def continuite(moteur, fin_actuel, ouverture, analyse):
    if fin_actuel < analyse:
        remede = (
            "Le contrat actuel est déjà échu : il ne peut pas être prolongé ; un achat de transition doit lui-même être "
            "régulièrement passé (sous le seuil de dispense, ou par une procédure adaptée)."
        )
    else:
        remede = (
            "Lancez la consultation plus tôt, ou faites jouer une reconduction du contrat actuel avant son terme s'il en reste "
            "une ; un contrat échu ne se prolonge pas."
        )
    moteur.noter(
        "vigilance",
        code="continuite_service",
        message=(
            f"Le contrat actuel finit le {date_fr(fin_actuel)}, avant l'ouverture prévue du nouvel ENT le {date_fr(ouverture)} : "
            f"le service serait interrompu. {remede}"
        ),
    )
