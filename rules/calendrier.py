"""Le calendrier : rétroplanning depuis la rentrée visée, étapes du guide, budget, renouvellement.

Facteur clé de succès du guide : « planifier les différentes étapes du projet en prenant en compte le
calendrier scolaire, le calendrier des collectivités et le temps de passation des marchés publics ».
Prêt au 1er septembre ⇒ notification vers le 1er juin (paramétrage, import des comptes, formation des
directeurs) ⇒ lancement au plus tard à la notification moins le délai de la procédure ⇒ préparation
avant. Si la rentrée visée n'est plus atteignable à la date de l'analyse, le conseil le dit et
planifie la première rentrée atteignable. Le budget primitif est voté avant le 15 avril (30 avril
l'année du renouvellement des conseils) ; les crédits doivent figurer au budget de l'année de la
notification (CGCT L1612-2).

Limites : les jours fériés, les calendriers de zone et les délais de transmission au contrôle de
légalité ne sont pas modélisés ; les dates sont indicatives, au mois près.
"""

import datetime as dt

from entadvisor import calculations as calc
from entadvisor.facts import (
    MATCH,
    TEST,
    Contexte,
    Contrat,
    Duree,
    FormatExperimentation,
    L,
    Passation,
    Planning,
    Projet,
    Ref,
    Strate,
    Taille,
    Tranche,
    ValeurEstimee,
    Voie,
    regle,
)
from entadvisor.formatting import annee_scolaire, date_fr, montant, pluriel

GUIDE_ETAPES = Ref(
    "Guide ENT premier degré",
    ": initiative, état des lieux, partenariat, pilotage, organisation du déploiement, évaluation, pérennisation",
)
GUIDE_CALENDRIER = Ref(
    "Guide ENT premier degré",
    "facteur clé « planifier en prenant en compte le calendrier scolaire, celui des collectivités et le temps de passation des marchés »",
)
L1612_2 = Ref("CGCT", "art. L1612-2", "date limite de vote du budget primitif")


ANNEES_RENOUVELLEMENT = {
    "communes": "annees_renouvellement_municipal",
    "departements": "annees_renouvellement_departemental",
}
SEUILS_PROCEDURE = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen")
"""The procedure thresholds, in increasing order (the arguments of ``calc.value_band``); their names are in the
lexicon (rules/libelles.yaml, « seuils »), as are the words of the tranches, steps and sizes below."""


@regle(
    "CAL-RETROPLANNING",
    "Rétroplanning depuis la rentrée visée",
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation),
    Projet(rentree_visee=MATCH.rentree, date_lancement=MATCH.lancement, porteur=MATCH.porteur),
    Contexte(date_analyse=MATCH.analyse),
    references=[GUIDE_CALENDRIER, L1612_2],
    explication=(
        "Ouverture à la rentrée ⇐ notification quelques mois avant ⇐ lancement au plus tard à la notification moins le "
        "délai de la procédure ⇐ préparation. Un plan qui manque ses dates idéales de quelques semaines est serré, pas "
        "perdu ; au-delà, chaque étape est replanifiée pour la première rentrée atteignable."
    ),
    conclut=Planning,
)
def retroplanning(moteur, delai, preparation, rentree, lancement, porteur, analyse):
    plan = calc.backward_plan(
        rentree,
        analyse,
        lancement,
        delai,
        preparation,
        moteur.param("mise_en_service_mois"),
        moteur.param("mise_en_service_maximum_mois"),
        moteur.param("marge_calendrier_serre_mois"),
    )
    # The communes (or the intercommunality) buy and vote their budgets; a département that carries the
    # project votes its own too: the notification waits for the latest of the deadlines concerned.
    niveau = "communes_et_departement" if porteur == "departement" else "communes"
    budget = max(
        calc.budget_deadline(
            plan.notification.year,
            list(moteur.param(ANNEES_RENOUVELLEMENT[assemblee])),
            moteur.param("date_limite_budget"),
            moteur.param("date_limite_budget_annee_renouvellement"),
        )
        for assemblee in (("communes", "departements") if porteur == "departement" else ("communes",))
    )
    texte = (
        f"Pour ouvrir le {date_fr(plan.ouverture)}, notifier vers le {date_fr(plan.notification)}, lancer la consultation "
        f"au plus tard le {date_fr(plan.lancement)} et commencer la préparation le {date_fr(plan.preparation)}."
        if not plan.consultation_lancee
        else f"La consultation est lancée depuis le {date_fr(plan.lancement)} : notification vers le "
        f"{date_fr(plan.notification)}, ouverture le {date_fr(plan.ouverture)}."
    )
    moteur.conclure(
        Planning(
            rentree_visee=plan.rentree_visee,
            rentree_retenue=plan.rentree_retenue,
            atteignable=plan.atteignable,
            preparation=plan.preparation,
            lancement=plan.lancement,
            notification=plan.notification,
            ouverture=plan.ouverture,
            vote_budget_avant=budget,
            niveau_budget=niveau,
            serre=plan.serre,
            mois_serres=plan.mois_serres,
            lancement_differe=plan.lancement_differe,
            consultation_lancee=plan.consultation_lancee,
        ),
        texte,
    )


@regle(
    "CAL-RENTREE-INATTEIGNABLE",
    "La rentrée visée n'est plus atteignable",
    Planning(
        atteignable=False, rentree_visee=MATCH.visee, rentree_retenue=MATCH.retenue, lancement=MATCH.lancement
    ),
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation),
    Projet(date_lancement=MATCH.prevu),
    references=[GUIDE_CALENDRIER],
    explication=(
        "Quand la préparation et la procédure ne tiennent plus avant la rentrée visée, même en resserrant le calendrier, "
        "le conseil le dit et replanifie chaque étape pour la première rentrée atteignable."
    ),
    strate=Strate.VIGILANCE,
)
def rentree_inatteignable(moteur, visee, retenue, lancement, delai, preparation, prevu):
    if prevu is None:
        cause = (
            f"il faut environ {preparation} mois de préparation, {delai} mois de procédure et "
            f"{moteur.param('mise_en_service_mois')} mois de mise en service"
        )
    else:
        cause = f"avec un lancement le {date_fr(prevu)} et environ {delai} mois de procédure, la mise en service ne tient plus avant la rentrée"
    moteur.noter(
        "vigilance",
        code="rentree_inatteignable",
        message=(
            f"La rentrée {visee} n'est plus atteignable : {cause}. La première rentrée atteignable est celle de {retenue} ; "
            f"tout le calendrier ci-dessous la retient, avec un lancement au plus tard le {date_fr(lancement)}."
        ),
    )


@regle(
    "CAL-LANCEMENT-DIFFERE",
    "Le lancement prévu peut attendre",
    Planning(lancement_differe=True, lancement=MATCH.lancement, rentree_retenue=MATCH.retenue),
    Projet(date_lancement=MATCH.prevu),
    references=[GUIDE_CALENDRIER],
    explication=(
        "Un lancement si précoce que la notification précéderait l'ouverture de près d'un an n'apporte rien : le plan "
        "lance la consultation à la dernière date qui tient la rentrée retenue, et le dit."
    ),
    strate=Strate.VIGILANCE,
)
def lancement_differe(moteur, lancement, retenue, prevu):
    moteur.noter(
        "vigilance",
        code="lancement_differe",
        message=(
            f"Lancée le {date_fr(prevu)}, la consultation serait notifiée bien avant l'ouverture à la rentrée {retenue} "
            f"(plus de {moteur.param('mise_en_service_maximum_mois')} mois) : elle peut attendre. Le calendrier la lance au "
            f"plus tard le {date_fr(lancement)} ; les seuils applicables seront ceux du jour du lancement effectif."
        ),
    )


@regle(
    "CAL-CALENDRIER-SERRE",
    "Calendrier serré : la rentrée tient en resserrant une phase",
    Planning(serre=MATCH.phase & ~L(None), mois_serres=MATCH.mois, rentree_retenue=MATCH.retenue),
    Passation(preparation_mois=MATCH.preparation),
    references=[GUIDE_CALENDRIER],
    explication=(
        "Quand le plan ne manque ses dates idéales que de quelques semaines (marge en paramètre), la rentrée reste "
        "tenable en resserrant la préparation ou la mise en service : le conseil dit quoi resserrer."
    ),
    strate=Strate.VIGILANCE,
)
def calendrier_serre(moteur, phase, mois, retenue, preparation):
    if phase == "preparation":
        detail = (
            f"la préparation de la consultation tient en {pluriel(mois, 'mois', 'mois')} au lieu d'environ {preparation} : "
            "rédigez le cahier des charges et inscrivez les délibérations sans attendre"
        )
    else:
        detail = (
            f"la mise en service tient en {pluriel(mois, 'mois', 'mois')} au lieu d'environ "
            f"{moteur.param('mise_en_service_mois')} : préparez l'import des comptes et la formation des directeurs "
            "avant la notification"
        )
    moteur.noter(
        "vigilance",
        code="calendrier_serre",
        message=f"Le calendrier est serré pour la rentrée {retenue} : {detail}.",
    )


@regle(
    "CAL-CONSULTATION-LANCEE",
    "La consultation est déjà lancée",
    Planning(consultation_lancee=True, lancement=MATCH.lancement, notification=MATCH.notification),
    references=[GUIDE_CALENDRIER],
    explication=(
        "Une date de lancement antérieure à l'analyse dit que la consultation est lancée : le conseil ne planifie plus sa "
        "préparation et porte sur la suite (analyse des offres, notification, mise en service)."
    ),
    strate=Strate.VIGILANCE,
)
def consultation_lancee(moteur, lancement, notification):
    moteur.noter(
        "vigilance",
        code="consultation_lancee",
        message=(
            f"La consultation est lancée depuis le {date_fr(lancement)} : les seuils de cette date s'appliquent et la "
            f"préparation est derrière vous. Restent l'analyse des offres, la notification (vers le {date_fr(notification)}) "
            "et la mise en service ; vérifiez que la procédure engagée est bien celle que la valeur estimée impose."
        ),
    )


@regle(
    "CAL-SEUILS-LANCEMENT-ANTICIPE",
    "Les seuils changent entre l'analyse et le lancement",
    Contexte(
        date_analyse=MATCH.analyse, date_parametres=MATCH.lancement, seuils_changent=MATCH.changent & ~L(())
    ),
    ValeurEstimee(montant=MATCH.v),
    Tranche(tranche=MATCH.tranche),
    TEST(lambda analyse, lancement: lancement > analyse),
    references=[
        Ref("Décret n° 2025-1386 du 29 décembre 2025", "", "entrée en vigueur des seuils"),
        Ref("CCP", "annexe 2"),
    ],
    explication=(
        "Le seuil applicable est celui en vigueur au lancement de la consultation ; quand un seuil change entre l'analyse "
        "et le lancement prévu, le conseil applique celui du lancement et dit ce qui changerait si la consultation était "
        "lancée plus tôt."
    ),
    strate=Strate.VIGILANCE,
)
def seuils_lancement_anticipe(moteur, analyse, lancement, changent, v, tranche):
    avant = {nom: moteur.param_at(nom, analyse) for nom in SEUILS_PROCEDURE}
    details = ", ".join(
        f"le seuil {moteur.libelle('seuils', nom, 'complement')} vaut {montant(avant[nom])} aujourd'hui et {montant(moteur.param(nom))} au lancement"
        for nom in changent
    )
    plus_tot = calc.value_band(v, *(avant[nom] for nom in SEUILS_PROCEDURE))
    effet = (
        "la procédure resterait la même"
        if plus_tot == tranche
        else f"la valeur estimée ({montant(v)}) relèverait alors d'une autre procédure ({moteur.libelle('tranches', plus_tot, 'procedure')})"
    )
    moteur.noter(
        "vigilance",
        code="seuils_changent_au_lancement",
        message=(
            f"Les seuils appliqués sont ceux du lancement prévu, le {date_fr(lancement)} : {details}. Lancée plus tôt, "
            f"avant le changement, la consultation suivrait les seuils d'aujourd'hui : {effet}."
        ),
    )


@regle(
    "CAL-CHEVAUCHEMENT-CONTRAT",
    "Le contrat actuel court après l'ouverture prévue",
    Projet(fin_contrat_actuel=MATCH.fin_actuel & ~L(None)),
    Planning(ouverture=MATCH.ouverture),
    TEST(lambda fin_actuel, ouverture: fin_actuel >= ouverture),
    references=[Ref("CCP", "art. R2112-4", "reconduction"), GUIDE_CALENDRIER],
    explication=(
        "Si le contrat actuel court encore à l'ouverture du nouvel ENT, les deux se paient en même temps, à moins de ne "
        "pas reconduire le contrat actuel ou de le résilier (avec une indemnité le cas échéant)."
    ),
    strate=Strate.VIGILANCE,
)
def chevauchement_contrat(moteur, fin_actuel, ouverture):
    apres = calc.first_rentree_after(fin_actuel)
    moteur.noter(
        "vigilance",
        code="chevauchement_contrat",
        message=(
            f"Le contrat actuel court jusqu'au {date_fr(fin_actuel)}, après l'ouverture prévue le {date_fr(ouverture)} : les "
            "deux contrats seraient payés en même temps. Ne reconduisez pas le contrat actuel s'il le permet, ou négociez sa "
            f"résiliation (indemnité éventuelle) ; sinon, ouvrez le nouvel ENT à la rentrée {apres}, après sa fin."
        ),
    )


@regle(
    "CAL-NOTIFICATION-AVANT-BUDGET",
    "La notification précède le vote du budget de l'année",
    Planning(notification=MATCH.notification, vote_budget_avant=MATCH.budget),
    TEST(lambda notification, budget: notification < budget),
    references=[
        L1612_2,
        Ref("CGCT", "art. L1612-1", "dépenses avant le vote du budget"),
        Ref("CGCT", "art. L2311-3", "AP/CP"),
    ],
    explication=(
        "Les crédits doivent être ouverts quand le marché est notifié ; une notification avant la date limite du vote du "
        "budget de l'année demande des crédits reportés, l'usage de L1612-1 avant le vote, ou une autorisation de "
        "programme (AP/CP)."
    ),
    strate=Strate.VIGILANCE,
)
def notification_avant_budget(moteur, notification, budget):
    moteur.noter(
        "vigilance",
        code="notification_avant_budget",
        message=(
            f"La notification, vers le {date_fr(notification)}, peut précéder le vote du budget {notification.year} (au plus "
            f"tard le {date_fr(budget)}) : les crédits doivent être ouverts à cette date. Inscrivez-les au budget "
            f"{notification.year - 1} (crédits reportés), utilisez les possibilités de CGCT L1612-1 avant le vote, ou ouvrez "
            "une autorisation de programme avec crédits de paiement (AP/CP)."
        ),
    )


@regle(
    "CAL-BUDGET",
    "Inscrire les crédits au budget de l'année de notification",
    Planning(vote_budget_avant=MATCH.budget, notification=MATCH.notification),
    Contexte(date_analyse=MATCH.analyse),
    references=[L1612_2, Ref("CGCT", "art. L2311-3", "autorisations de programme et crédits de paiement")],
    explication="Les crédits de la première année doivent figurer au budget de l'année de notification, voté avant le 15 avril (30 avril l'année du renouvellement) ; un engagement pluriannuel peut passer par des AP/CP.",
    strate=Strate.PREPARATION,
)
def budget(moteur, budget, notification, analyse):
    texte = (
        f"Inscrivez les crédits au budget {notification.year}, voté au plus tard le {date_fr(budget)} ; "
        "pour un engagement sur plusieurs années, une autorisation de programme avec crédits de paiement (AP/CP) peut servir."
    )
    libelle = f"Vote du budget {notification.year} (crédits de l'ENT)"
    if budget < analyse:
        texte += f" Le budget {notification.year} est déjà voté : il faudra une décision modificative."
        libelle = f"Décision modificative du budget {notification.year} (crédits de l'ENT)"
    moteur.noter("raison", sujet="Planning", texte=texte)
    jour = max(budget, analyse)
    moteur.noter("etape", etape="budget", libelle=libelle, debut=jour, fin=jour, jalon=True)


def _etape(moteur, code, libelle, debut, fin, analyse, jalon=False):
    """A timeline step; what should already have started is brought forward to the analysis date."""
    debut = max(debut, analyse)
    moteur.noter("etape", etape=code, libelle=libelle, debut=debut, fin=max(fin, debut), jalon=jalon)


@regle(
    "CAL-ETAPES-GUIDE",
    "Les étapes du guide, de l'initiative à la pérennisation",
    Planning(
        preparation=MATCH.preparation,
        lancement=MATCH.lancement,
        notification=MATCH.notification,
        ouverture=MATCH.ouverture,
    ),
    Contrat(
        debut=MATCH.debut,
        fin=MATCH.fin,
        fin_deploiement=MATCH.fin_deploiement,
        debut_renouvellement=MATCH.debut_renouvellement,
    ),
    Duree(annees_experimentation=MATCH.exp, mois_avant_generalisation=MATCH.mois_pilote),
    Passation(procedure=MATCH.procedure),
    Taille(categorie=MATCH.taille),
    Voie(voie=MATCH.voie, existant=MATCH.existant),
    Projet(convention_partenariat=MATCH.convention, comite_pilotage=MATCH.copil),
    Contexte(date_analyse=MATCH.analyse),
    references=[GUIDE_ETAPES, GUIDE_CALENDRIER],
    explication="Chaque étape structurante du guide reçoit des dates : partenariat et convention, comité de pilotage, préparation, consultation, mise en service, déploiement, évaluation annuelle, pérennisation.",
    strate=Strate.PREPARATION,
)
def etapes(
    moteur,
    preparation,
    lancement,
    notification,
    ouverture,
    debut,
    fin,
    fin_deploiement,
    debut_renouvellement,
    exp,
    mois_pilote,
    procedure,
    taille,
    voie,
    existant,
    convention,
    copil,
    analyse,
):
    a = analyse
    if (
        lancement < analyse
    ):  # a consultation already launched: its preparation is behind (CAL-CONSULTATION-LANCEE)
        _etapes_suite(moteur, lancement, notification, ouverture, convention, copil, a)
    else:
        _etapes_preparation(
            moteur,
            preparation,
            lancement,
            notification,
            convention,
            copil,
            procedure,
            voie,
            existant,
            taille,
            a,
        )
    _etapes_deploiement(moteur, notification, ouverture, debut, fin, fin_deploiement, exp, mois_pilote, a)


def _etapes_suite(moteur, lancement, notification, ouverture, convention, copil, a):
    _etape(moteur, "convention", _libelle_convention(moteur, convention), a, a, a)
    _etape(
        moteur,
        "comite_pilotage",
        "Comité de pilotage (en place)" if copil else "Installer le comité de pilotage",
        a,
        a,
        a,
        jalon=not copil,
    )
    _etape(moteur, "passation", "Analyse des offres et notification", a, notification, a)


def _libelle_convention(moteur, convention):
    return moteur.libelle("valeurs.convention_partenariat", convention, "etape")


def _etapes_preparation(
    moteur, preparation, lancement, notification, convention, copil, procedure, voie, existant, taille, a
):
    _etape(
        moteur,
        "initiative",
        "Initiative : porteurs, partenaires et objectifs du projet",
        calc.add_months(preparation, -4),
        calc.add_months(preparation, -3),
        a,
    )
    _etape(
        moteur,
        "etat_des_lieux",
        "État des lieux : écoles, équipement, connectivité, usages",
        calc.add_months(preparation, -3),
        calc.add_months(preparation, -1),
        a,
    )
    _etape(
        moteur,
        "convention",
        _libelle_convention(moteur, convention),
        calc.add_months(preparation, -2),
        preparation,
        a,
    )
    _etape(
        moteur,
        "comite_pilotage",
        "Comité de pilotage (en place)" if copil else moteur.libelle("tailles", taille, "comite_pilotage"),
        calc.add_months(preparation, -1),
        calc.add_months(preparation, -1),
        a,
        jalon=not copil,
    )
    if voie == "groupement_commandes" and not existant:
        _etape(
            moteur,
            "groupement",
            "Convention constitutive du groupement, délibérée par chaque membre",
            preparation,
            calc.add_months(preparation, 3),
            a,
        )
    if procedure is None:
        _etape(
            moteur,
            "preparation",
            "Expression des besoins et délibération d'adhésion",
            preparation,
            lancement,
            a,
        )
        _etape(moteur, "passation", "Adhésion et commande", lancement, notification, a)
    else:
        situation = "sans_publicite" if procedure == "sans_publicite" else "consultation"
        _etape(
            moteur,
            "preparation",
            moteur.libelle("etapes", "preparation", situation),
            preparation,
            lancement,
            a,
        )
        _etape(
            moteur, "passation", moteur.libelle("etapes", "passation", situation), lancement, notification, a
        )


def _etapes_deploiement(moteur, notification, ouverture, debut, fin, fin_deploiement, exp, mois_pilote, a):
    _etape(
        moteur,
        "mise_en_service",
        "Mise en service : paramétrage, comptes, formation des directeurs",
        notification,
        ouverture - dt.timedelta(days=1),
        a,
    )
    generalisation_debut = calc.add_months(calc.rentree(debut.year + exp), mois_pilote)
    _etape(
        moteur,
        "generalisation",
        "Généralisation à toutes les écoles",
        generalisation_debut,
        fin_deploiement,
        a,
    )
    for annee in range(debut.year + exp, fin.year):  # the experimentation year ends with its own review
        juin = dt.date(annee + 1, 5, 1)
        _etape(
            moteur,
            f"evaluation_{annee}",
            f"Évaluation des usages {annee_scolaire(annee)} et comité de pilotage",
            juin,
            dt.date(annee + 1, 6, 30),
            a,
        )
    _etape(
        moteur,
        "perennisation",
        "Pérennisation : animation, assistance aux utilisateurs, développement des usages",
        fin_deploiement + dt.timedelta(days=1),
        fin,
        a,
    )


@regle(
    "CAL-ETAPES-EXPERIMENTATION",
    "Les étapes de l'expérimentation",
    FormatExperimentation(format=MATCH.format, duree_mois=MATCH.mois, annees=MATCH.annees),
    Planning(ouverture=MATCH.o),
    Contexte(date_analyse=MATCH.analyse),
    references=[GUIDE_ETAPES, Ref("Guide ENT premier degré", "« Organisation du déploiement »")],
    explication=(
        "L'expérimentation commence à la rentrée ; sur une année scolaire, elle s'évalue en mai-juin et se généralise à "
        "la rentrée suivante ; un pilote d'un trimestre se fait le bilan en décembre et se généralise en janvier."
    ),
    strate=Strate.PREPARATION,
)
def etapes_experimentation(moteur, format, mois, annees, o, analyse):
    libelle = {
        "classes": "Expérimentation dans des classes volontaires (un trimestre)",
        "ecoles_pilotes": "Expérimentation dans les écoles pilotes",
        "classes_puis_ecoles_pilotes": "Expérimentation : classes volontaires, puis écoles pilotes",
    }[format]
    fin_pilote = calc.add_months(o, mois) - dt.timedelta(days=1)
    _etape(moteur, "experimentation", libelle, o, fin_pilote, analyse)
    if annees:  # a school year of its own: evaluated in May-June, generalised at the next rentrée
        decision = ("Bilan de l'expérimentation et décision de généralisation en comité de pilotage",
                    dt.date(o.year + 1, 5, 1), dt.date(o.year + 1, 6, 30))  # fmt: skip
    else:  # a one-term pilot: reviewed in its last month, generalised at the next term
        decision = ("Bilan du pilote et décision de généraliser dès le trimestre suivant, en comité de pilotage",
                    calc.add_months(o, mois - 1), fin_pilote)  # fmt: skip
    _etape(moteur, "decision_generalisation", *decision, analyse)


@regle(
    "CAL-RENOUVELLEMENT",
    "Lancer le renouvellement à temps",
    Voie(procedure_requise=True),
    Contrat(
        debut_renouvellement=MATCH.debut_r,
        lancement_renouvellement=MATCH.lancement_r,
        notification_renouvellement=MATCH.notification_r,
        fin=MATCH.fin,
    ),
    Contexte(date_analyse=MATCH.analyse),
    references=[
        Ref(
            "Guide ENT premier degré",
            "facteur clé « anticiper le renouvellement du marché ENT pour assurer la continuité du service »",
        ),
        Ref("TA Lyon", "11 juillet 2025", nature="decision"),
    ],
    explication="Le marché suivant se prépare, se passe et se notifie avant la fin du contrat, avec une période de transition : la date de lancement est calculée dès aujourd'hui.",
    strate=Strate.PREPARATION,
)
def renouvellement(moteur, debut_r, lancement_r, notification_r, fin, analyse):
    _etape(
        moteur,
        "renouvellement_preparation",
        "Renouvellement : préparation du marché suivant",
        debut_r,
        lancement_r,
        analyse,
    )
    _etape(
        moteur,
        "renouvellement_passation",
        "Renouvellement : consultation et notification",
        lancement_r,
        notification_r,
        analyse,
    )
    _etape(
        moteur,
        "renouvellement_transition",
        "Renouvellement : transition et reprise des données",
        notification_r,
        fin,
        analyse,
    )
    moteur.noter(
        "raison",
        sujet="Contrat",
        texte=(
            f"Commencez à préparer le marché suivant le {date_fr(debut_r)} et lancez-le au plus tard le {date_fr(lancement_r)}, "
            f"pour notifier le {date_fr(notification_r)} et organiser la transition avant la fin du contrat le {date_fr(fin)}."
        ),
    )


@regle(
    "CAL-FIN-ADHESION",
    "Suivre le renouvellement du marché de la centrale ou du groupement",
    Voie(procedure_requise=False, voie=MATCH.voie),
    Contrat(debut_renouvellement=MATCH.debut_r, fin=MATCH.fin),
    Contexte(date_analyse=MATCH.analyse),
    references=[
        Ref("CCP", "art. L2113-4"),
        Ref("Guide ENT premier degré", "facteur clé « anticiper le renouvellement du marché ENT »"),
    ],
    explication=(
        "Par une adhésion, le renouvellement du marché revient à la centrale ou au coordonnateur : le membre vérifie à "
        "temps que le marché suivant existe et qu'il y adhère, pour que le service continue."
    ),
    strate=Strate.PREPARATION,
)
def fin_adhesion(moteur, voie, debut_r, fin, analyse):
    qui = "la centrale" if voie == "centrale_achat" else "le coordonnateur du groupement"
    _etape(
        moteur,
        "renouvellement_adhesion",
        f"Fin de la période : vérifier auprès de {qui} le marché suivant",
        debut_r,
        fin,
        analyse,
    )
    moteur.noter(
        "raison",
        sujet="Contrat",
        texte=(
            f"Le renouvellement du marché revient à {qui} : dès le {date_fr(debut_r)}, vérifiez que le marché suivant "
            f"est prêt avant le {date_fr(fin)} et confirmez votre adhésion, pour que le service continue."
        ),
    )
