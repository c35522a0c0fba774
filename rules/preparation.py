"""La préparation du projet : chaque facteur clé de succès du guide, évalué d'après les réponses.

Les six facteurs clés de succès du guide : identifier les intervenants et acteurs clés ; formaliser le
partenariat et estimer précisément l'investissement nécessaire de tous les partenaires ; mettre en
place des instances de pilotage ; planifier les étapes en tenant compte du calendrier scolaire, de
celui des collectivités et du temps de passation des marchés ; anticiper la conduite du projet pour
pérenniser le service ; anticiper le renouvellement du marché pour assurer la continuité du service.
S'y ajoutent : le DPO de la collectivité (le responsable de traitement dans une école publique est
l'IA-DASEN ; les rôles s'écrivent dans la convention), la conformité au SDET et la réversibilité,
l'équipement et la connectivité des écoles.

Les facteurs qui se lisent sur une seule réponse sont une table (``FACTEURS``) : pour chaque facteur, la
règle (son id, son titre, ses références), la réponse qu'elle lit et, pour chaque valeur de cette
réponse, le statut, le constat, l'action et, s'il y a lieu, le point de vigilance. Chaque facteur y
devient une règle experta de plein droit (son id dans la trace). Les facteurs qui calculent (dates
du calendrier et du renouvellement, conformité selon la voie) restent des règles écrites.

Limites : le contenu de la convention, de l'AIPD et de la charte d'usage n'est pas examiné.
"""

from dataclasses import dataclass, field

from entadvisor.facts import CODES_VIGILANCE, MATCH, Contrat, Planning, Projet, Ref, Strate, Voie, regle
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


# --- les facteurs lus sur une réponse : une table ----------------------------------------------------


@dataclass(frozen=True)
class Cas:
    """Ce que dit le facteur pour une valeur de la réponse : statut, constat, action, vigilance éventuelle."""

    statut: str
    constat: str
    action: str
    vigilance: str | None = None
    """Le code du point de vigilance à noter (un code déclaré, ``CodeVigilance``), ou None."""
    message: str | None = None

    def __post_init__(self):
        if self.statut not in ("ok", "en_cours", "a_faire", "attention"):
            raise ValueError(f"statut « {self.statut} » inconnu (ok, en_cours, a_faire, attention).")
        if self.vigilance is not None and self.vigilance not in CODES_VIGILANCE:
            raise ValueError(
                f"code de vigilance « {self.vigilance} » non déclaré (entadvisor/advice.py, CodeVigilance)."
            )
        if (self.vigilance is None) != (self.message is None):
            raise ValueError("un point de vigilance a un code et un message, ou ni l'un ni l'autre.")


@dataclass(frozen=True)
class Facteur:
    """Un facteur clé du guide lu sur une réponse : la règle qui l'évalue, et un cas par valeur de la réponse."""

    id: str
    titre: str
    code: str
    facteur: str
    reponse: str
    cas: dict
    references: list
    explication: str
    autres: object = field(default=None)
    """Le cas de toutes les valeurs que ``cas`` ne nomme pas (None : chaque valeur est nommée)."""

    def regle(self):
        """La règle experta du facteur : elle lit la réponse et note le cas de sa valeur."""

        def evaluer(moteur, valeur):
            cas = self.cas.get(valeur, self.autres)
            _item(moteur, self.code, self.facteur, cas.statut, cas.constat, cas.action)
            if cas.vigilance is not None:
                moteur.noter("vigilance", code=cas.vigilance, message=cas.message)

        evaluer.__module__ = __name__
        return regle(
            self.id,
            self.titre,
            Projet(**{self.reponse: MATCH.valeur}),
            references=self.references,
            explication=self.explication,
            strate=Strate.PREPARATION,
        )(evaluer)


FACTEURS = (
    Facteur(
        id="PREP-ACTEURS",
        titre="Identifier les intervenants et acteurs clés",
        code="acteurs",
        facteur="Identifier les intervenants et acteurs clés du projet",
        reponse="autorite_academique_associee",
        cas={
            True: Cas(
                "ok",
                "L'autorité académique (DASEN, IEN ou DANE) est associée.",
                "Nommer un référent de chaque côté et les écoles concernées (directeurs, conseillers numériques).",
            ),
            False: Cas(
                "a_faire",
                "L'autorité académique n'est pas encore associée.",
                "Contacter l'IEN de circonscription et la DANE (ou la DSDEN) : le projet ne peut pas se construire sans eux.",
                vigilance="autorite_academique_absente",
                message="L'autorité académique n'est pas associée : un ENT ne se déploie pas sans l'Éducation nationale "
                "(choix des services, annuaire, accompagnement des écoles). Prenez contact avec l'IEN et la DANE.",
            ),
        },
        references=[
            GUIDE,
            Ref(
                "Guide ENT premier degré",
                "« Partenariat » : a minima une autorité académique et une collectivité",
            ),
        ],
        explication="Un projet ENT associe au moins une autorité académique (recteur, DANE, DASEN, IEN) et une collectivité.",
    ),
    Facteur(
        id="PREP-PARTENARIAT",
        titre="Formaliser le partenariat par une convention",
        code="partenariat",
        facteur="Formaliser le partenariat et estimer précisément l'investissement de tous les partenaires",
        reponse="convention_partenariat",
        cas={
            "signee": Cas(
                "ok",
                "La convention de partenariat est signée.",
                "Vérifier qu'elle chiffre l'investissement de chaque partenaire et répartit les rôles RGPD.",
            ),
            "en_cours": Cas(
                "en_cours",
                "La convention de partenariat est en cours.",
                "La signer avant le lancement de la consultation, avec l'investissement de chaque partenaire chiffré.",
            ),
        },
        autres=Cas(
            "a_faire",
            "Aucune convention de partenariat.",
            "Rédiger avec la DSDEN la convention : engagements, compétences, responsabilités, rôles RGPD, financement.",
            vigilance="convention_absente",
            message="Aucune convention de partenariat avec l'Éducation nationale : rédigez-la avec la DSDEN et signez-la "
            "avant de lancer l'achat (engagements, compétences, responsabilités et rôles RGPD de chacun).",
        ),
        references=[GUIDE, Ref("Guide ENT premier degré", "« Formalisation du partenariat »")],
        explication="L'Éducation nationale et la collectivité signent une convention qui fixe les engagements, compétences et responsabilités de chacun, y compris pour les données personnelles.",
    ),
    Facteur(
        id="PREP-PILOTAGE",
        titre="Mettre en place des instances de pilotage",
        code="pilotage",
        facteur="Mettre en place des instances de pilotage",
        reponse="comite_pilotage",
        cas={
            True: Cas(
                "ok",
                "Un comité de pilotage existe.",
                "Lui soumettre le choix de la procédure, le bilan de l'expérimentation et l'évaluation annuelle des usages.",
            ),
            False: Cas(
                "a_faire",
                "Aucun comité de pilotage.",
                "Installer un comité de pilotage (élus, IEN, DANE, directeurs, services) avant la préparation de l'achat.",
                vigilance="comite_pilotage_absent",
                message="Aucun comité de pilotage : installez-le avant de préparer l'achat. Toutes les décisions du projet "
                "(procédure, expérimentation, généralisation) se prennent dans ce cadre partenarial.",
            ),
        },
        references=[GUIDE, Ref("Guide ENT premier degré", "« Pilotage du projet »")],
        explication="Une instance de type comité de pilotage mobilise les partenaires ; l'évaluation opérationnelle l'aide à décider.",
    ),
    Facteur(
        id="PREP-PERENNISATION",
        titre="Anticiper la conduite du projet pour pérenniser le service",
        code="perennisation",
        facteur="Anticiper la conduite du projet afin d'assurer la pérennisation du service",
        reponse="accompagnement_prevu",
        cas={
            True: Cas(
                "ok",
                "Formation, assistance et animation sont prévues.",
                "Les inscrire au budget de chaque année et au marché (formation, assistance) ; désigner un référent par école.",
            ),
            False: Cas(
                "a_faire",
                "Formation, assistance et animation ne sont pas prévues.",
                "Prévoir avec l'IEN et les conseillers numériques la formation, l'assistance et l'animation, dans le marché et dans le temps.",
                vigilance="accompagnement_absent",
                message="Aucun accompagnement n'est prévu : sans formation, assistance ni animation, les usages ne "
                "s'installent pas. Prévoyez-les dans le marché et avec l'Éducation nationale.",
            ),
        },
        references=[
            GUIDE,
            Ref(
                "Guide ENT premier degré",
                "« Pérennisation » et facteur « l'accompagnement des utilisateurs »",
            ),
        ],
        explication="Dès le déploiement, des structures pérennes assurent l'animation, le développement des usages et l'assistance aux utilisateurs.",
    ),
    Facteur(
        id="PREP-DPO",
        titre="Associer le DPO de la collectivité",
        code="dpo",
        facteur="Protection des données : associer le DPO de la collectivité",
        reponse="dpo_associe",
        cas={
            True: Cas(
                "ok",
                "Le DPO de la collectivité est associé.",
                "Écrire les rôles (responsable de traitement, sous-traitant) dans la convention ; mener l'AIPD si nécessaire.",
            ),
            False: Cas(
                "a_faire",
                "Le DPO de la collectivité n'est pas associé.",
                "L'associer dès la rédaction du cahier des charges (clauses de sous-traitance, hébergement, AIPD).",
            ),
        },
        references=[RGPD, Ref("CNIL", "délibération n° 2017-199", "ENT")],
        explication="Dans une école publique, le responsable de traitement est l'IA-DASEN ; la collectivité associe son propre DPO et les rôles s'écrivent dans la convention.",
    ),
    Facteur(
        id="PREP-EQUIPEMENT",
        titre="Des conditions d'accès compatibles avec les usages",
        code="equipement",
        facteur="Des conditions d'accès à l'ENT compatibles avec l'évolution des usages",
        reponse="equipement_ecoles",
        cas={
            "insuffisant": Cas(
                "attention",
                "L'équipement ou la connectivité des écoles est insuffisant.",
                "Programmer la remise à niveau (débit, postes, vidéoprojection) avant l'ouverture, en commençant par les écoles pilotes.",
            ),
            "bon": Cas(
                "ok",
                "L'équipement et la connectivité sont bons.",
                "Vérifier le débit de chaque école et l'accès des familles (équipement, accompagnement au numérique).",
            ),
        },
        autres=Cas(
            "ok",
            "L'équipement et la connectivité sont corrects.",
            "Vérifier le débit de chaque école et l'accès des familles (équipement, accompagnement au numérique).",
        ),
        references=[
            Ref(
                "Guide ENT premier degré",
                "facteur de réussite « des conditions d'accès à l'ENT compatibles avec l'évolution des usages »",
            ),
            Ref("Code de l'éducation", "art. L212-4"),
        ],
        explication="L'équipement et la connectivité des écoles conditionnent les usages ; un équipement insuffisant se corrige avant le déploiement.",
    ),
)

for _facteur in FACTEURS:  # one experta rule per factor, under its id (r_prep_acteurs…)
    globals()["regle_" + _facteur.code] = _facteur.regle()
del _facteur


# --- les facteurs qui calculent : des règles écrites -------------------------------------------------


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
