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
    Contexte,
    Contrat,
    Duree,
    FormatExperimentation,
    L,
    Passation,
    Planning,
    Projet,
    Strate,
    Voie,
    regle,
)
from entadvisor.formatting import annee_scolaire, date_fr, montant

GUIDE_ETAPES = "Guide ENT premier degré : initiative, état des lieux, partenariat, pilotage, organisation du déploiement, évaluation, pérennisation"
GUIDE_CALENDRIER = "Guide ENT premier degré, facteur clé « planifier en prenant en compte le calendrier scolaire, celui des collectivités et le temps de passation des marchés »"
L1612_2 = "CGCT art. L1612-2 (date limite de vote du budget primitif)"


@regle(
    "CAL-RETROPLANNING",
    "Rétroplanning depuis la rentrée visée",
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation),
    Projet(rentree_visee=MATCH.rentree, date_lancement=MATCH.lancement),
    Contexte(date_analyse=MATCH.analyse),
    references=[GUIDE_CALENDRIER, L1612_2],
    explication="Ouverture à la rentrée ⇐ notification environ trois mois avant ⇐ lancement au plus tard à la notification moins le délai de la procédure ⇐ préparation.",
    strate=Strate.PLANNING,
)
def retroplanning(moteur, delai, preparation, rentree, lancement, analyse):
    plan = calc.backward_plan(
        rentree, analyse, lancement, delai, preparation, moteur.param("mise_en_service_mois")
    )
    budget = calc.budget_deadline(
        plan.notification.year,
        list(moteur.param("annees_renouvellement_municipal")),
        moteur.param("date_limite_budget"),
        moteur.param("date_limite_budget_annee_renouvellement"),
    )
    seuils = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen")
    au_lancement = {nom: moteur.knowledge.parameters.value(nom, plan.lancement) for nom in seuils}
    changent = [nom for nom in seuils if au_lancement[nom].valeur != moteur.param(nom)]
    inconnus = [nom for nom in seuils if not au_lancement[nom].connu]
    texte = (
        f"Pour ouvrir le {date_fr(plan.ouverture)}, notifier vers le {date_fr(plan.notification)}, lancer la consultation "
        f"au plus tard le {date_fr(plan.lancement)} et commencer la préparation le {date_fr(plan.preparation)}."
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
            seuils_changent=tuple(changent),
            seuils_inconnus=tuple(inconnus),
        ),
        texte,
    )


@regle(
    "CAL-RENTREE-INATTEIGNABLE",
    "La rentrée visée n'est plus atteignable",
    Planning(atteignable=False, rentree_visee=MATCH.visee, rentree_retenue=MATCH.retenue),
    Passation(delai_mois=MATCH.delai, preparation_mois=MATCH.preparation),
    references=[GUIDE_CALENDRIER],
    explication="Quand la préparation et la procédure ne tiennent plus avant la rentrée visée, le conseil le dit et retient la première rentrée atteignable.",
    strate=Strate.VIGILANCE,
)
def rentree_inatteignable(moteur, visee, retenue, delai, preparation):
    moteur.noter(
        "vigilance",
        code="rentree_inatteignable",
        message=(
            f"La rentrée {visee} n'est plus atteignable : il faut environ {preparation} mois de préparation, {delai} mois de "
            f"procédure et {moteur.param('mise_en_service_mois')} mois de mise en service. La première rentrée atteignable est "
            f"celle de {retenue} ; le calendrier ci-dessous la retient."
        ),
    )


@regle(
    "CAL-SEUILS-AU-LANCEMENT",
    "Les seuils changent avant le lancement prévu",
    Planning(seuils_changent=MATCH.changent & ~L(()), lancement=MATCH.lancement),
    Projet(date_lancement=None),
    Contexte(date_parametres=MATCH.date),
    references=["Décret n° 2025-1386 du 29 décembre 2025 (entrée en vigueur des seuils)", "CCP annexe 2"],
    explication=(
        "Le seuil applicable est celui en vigueur au lancement de la consultation ; sans date de lancement, le conseil lit "
        "les seuils à la date de l'analyse et signale ceux qui auront changé au lancement prévu par le rétroplanning."
    ),
    strate=Strate.VIGILANCE,
)
def seuils_au_lancement(moteur, changent, lancement, date):
    noms = {
        "seuil_dispense": "de dispense",
        "seuil_publicite_mapa": "de publicité",
        "seuil_europeen": "européen",
    }
    details = ", ".join(
        f"le seuil {noms[nom]} passe de {montant(moteur.param(nom))} à {montant(moteur.param_at(nom, lancement))}"
        for nom in changent
    )
    moteur.noter(
        "vigilance",
        code="seuils_changent_au_lancement",
        message=(
            f"Les seuils ont été lus au {date_fr(date)}, date de l'analyse ; au lancement prévu le {date_fr(lancement)}, "
            f"{details}. Indiquez la date de lancement prévue (« date_lancement ») pour appliquer les seuils en vigueur à ce moment-là."
        ),
    )


@regle(
    "CAL-SEUIL-INCONNU-AU-LANCEMENT",
    "Seuil pas encore connu au lancement prévu",
    Planning(seuils_inconnus=MATCH.inconnus & ~L(()), lancement=MATCH.lancement),
    Projet(date_lancement=None),
    references=["CCP annexe 2 (seuils européens révisés tous les deux ans)"],
    explication=(
        "Le seuil applicable est celui en vigueur au lancement ; quand le lancement prévu tombe après la période de "
        "validité connue d'un seuil, le conseil le dit au lieu de réutiliser l'ancienne valeur en silence."
    ),
    strate=Strate.VIGILANCE,
)
def seuil_inconnu_au_lancement(moteur, inconnus, lancement):
    noms = {
        "seuil_dispense": "de dispense",
        "seuil_publicite_mapa": "de publicité",
        "seuil_europeen": "européen",
    }
    liste = ", ".join(noms[nom] for nom in inconnus)
    moteur.noter(
        "vigilance",
        code="seuil_inconnu",
        message=(
            f"Le lancement est prévu le {date_fr(lancement)} : à cette date, le seuil {liste} n'est pas encore publié. Le "
            "conseil applique la valeur en vigueur aujourd'hui à titre provisoire ; vérifiez la valeur applicable (avis au "
            "Journal officiel) avant de lancer la consultation."
        ),
    )


@regle(
    "CAL-BUDGET",
    "Inscrire les crédits au budget de l'année de notification",
    Planning(vote_budget_avant=MATCH.budget, notification=MATCH.notification),
    Contexte(date_analyse=MATCH.analyse),
    references=[L1612_2, "CGCT art. L2311-3 (autorisations de programme et crédits de paiement)"],
    explication="Les crédits de la première année doivent figurer au budget de l'année de notification, voté avant le 15 avril (30 avril l'année du renouvellement) ; un engagement pluriannuel peut passer par des AP/CP.",
    strate=Strate.PREPARATION,
)
def budget(moteur, budget, notification, analyse):
    texte = (
        f"Inscrivez les crédits au budget {notification.year}, voté au plus tard le {date_fr(budget)} ; "
        "pour un engagement sur plusieurs années, une autorisation de programme avec crédits de paiement (AP/CP) peut servir."
    )
    if budget < analyse:
        texte += f" Le budget {notification.year} est déjà voté : il faudra une décision modificative."
    moteur.noter("raison", sujet="Planning", texte=texte)
    moteur.noter(
        "etape",
        etape="budget",
        libelle=f"Vote du budget {notification.year} (crédits de l'ENT)",
        debut=budget,
        fin=budget,
        jalon=True,
    )


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
    Duree(annees_experimentation=MATCH.exp),
    Passation(procedure=MATCH.procedure),
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
    procedure,
    voie,
    existant,
    convention,
    copil,
    analyse,
):
    a = analyse
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
    convention_libelle = {
        "signee": "Partenariat : convention avec l'Éducation nationale (signée)",
        "en_cours": "Partenariat : finaliser et signer la convention avec l'Éducation nationale",
        "aucune": "Partenariat : rédiger et signer la convention avec l'Éducation nationale",
    }[convention]
    _etape(moteur, "convention", convention_libelle, calc.add_months(preparation, -2), preparation, a)
    _etape(
        moteur,
        "comite_pilotage",
        "Comité de pilotage (en place)" if copil else "Installer le comité de pilotage",
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
        _etape(
            moteur,
            "preparation",
            "Préparation de la consultation (besoins, cahier des charges, délibérations)",
            preparation,
            lancement,
            a,
        )
        _etape(
            moteur,
            "passation",
            "Consultation, analyse des offres et notification",
            lancement,
            notification,
            a,
        )
    _etape(
        moteur,
        "mise_en_service",
        "Mise en service : paramétrage, comptes, formation des directeurs",
        notification,
        ouverture - dt.timedelta(days=1),
        a,
    )
    generalisation_debut = calc.rentree(debut.year + exp)
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
    FormatExperimentation(format=MATCH.format, duree_mois=MATCH.mois),
    Planning(ouverture=MATCH.o),
    Contexte(date_analyse=MATCH.analyse),
    references=[GUIDE_ETAPES, "Guide ENT premier degré, « Organisation du déploiement »"],
    explication="L'expérimentation commence à la rentrée, s'évalue en mai-juin et le comité de pilotage décide de la généralisation pour la rentrée suivante.",
    strate=Strate.PREPARATION,
)
def etapes_experimentation(moteur, format, mois, o, analyse):
    libelle = {
        "classes": "Expérimentation dans des classes volontaires (un trimestre)",
        "ecoles_pilotes": "Expérimentation dans les écoles pilotes",
        "classes_puis_ecoles_pilotes": "Expérimentation : classes volontaires, puis écoles pilotes",
    }[format]
    _etape(moteur, "experimentation", libelle, o, calc.add_months(o, mois) - dt.timedelta(days=1), analyse)
    _etape(
        moteur,
        "decision_generalisation",
        "Bilan de l'expérimentation et décision de généralisation en comité de pilotage",
        dt.date(o.year + 1, 5, 1),
        dt.date(o.year + 1, 6, 30),
        analyse,
    )


@regle(
    "CAL-RENOUVELLEMENT",
    "Lancer le renouvellement à temps",
    Contrat(
        debut_renouvellement=MATCH.debut_r,
        lancement_renouvellement=MATCH.lancement_r,
        notification_renouvellement=MATCH.notification_r,
        fin=MATCH.fin,
    ),
    Contexte(date_analyse=MATCH.analyse),
    references=[
        "Guide ENT premier degré, facteur clé « anticiper le renouvellement du marché ENT pour assurer la continuité du service »",
        "TA Lyon, 11 juillet 2025",
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
