"""La procédure de passation et sa publicité, selon la valeur estimée et les seuils en vigueur.

Fournitures et services d'une collectivité (shared DOMAIN.md §3), seuils lus dans
``parameters/seuils.yaml`` à la date de lancement de la consultation :

- sous le seuil de dispense : marché sans publicité ni mise en concurrence (R2122-8), en choisissant
  une offre pertinente, en faisant une bonne utilisation des deniers publics et sans contracter
  systématiquement avec le même opérateur ;
- du seuil de dispense au seuil européen : procédure adaptée (L2123-1, R2123-1 1°), publicité libre
  puis au BOAMP ou dans un JAL à partir de 90 000 € HT (R2131-12), négociation possible si annoncée
  (R2123-5) ;
- à partir du seuil européen : appel d'offres ouvert par défaut (L2124-2, R2124-2) — un ENT est une
  offre « sur étagère » de nombreux éditeurs ; restreint quand présélectionner les candidats aide ;
  procédure avec négociation ou dialogue compétitif seulement dans les cas de R2124-3 (R2124-5 pour
  le dialogue), d'interprétation stricte (CE, 7 octobre 2020, n° 440575).

Limites : les procédures sans publicité pour urgence, exclusivité ou marché infructueux (R2122-1 à
R2122-7), le partenariat d'innovation (L2172-3), les lots de travaux, la défense, les concessions et
les règles internes de l'acheteur ne sont pas modélisés.
"""

from entadvisor.facts import (
    MATCH,
    TEST,
    L,
    Passation,
    Projet,
    Seuils,
    Strate,
    Tranche,
    ValeurEstimee,
    Voie,
    regle,
)
from entadvisor.formatting import montant

R2122_8 = "CCP art. R2122-8 (marché sans publicité ni mise en concurrence, sous le seuil de dispense)"
MAPA = "CCP art. L2123-1 et R2123-1 1° (procédure adaptée)"
R2131_12 = "CCP art. R2131-12 (publicité d'un MAPA au BOAMP ou dans un JAL)"
AO = "CCP art. L2124-2, R2124-2 (appel d'offres ouvert ou restreint)"
R2161 = "CCP art. R2161-2 à R2161-11 (délais de l'appel d'offres)"
R2124_3 = "CCP art. L2124-3 et R2124-3 (cas de recours à la procédure avec négociation)"
R2124_5 = "CCP art. L2124-4 et R2124-5 (dialogue compétitif)"
CE_2020 = "CE, 7 octobre 2020, n° 440575 (interprétation stricte des cas de négociation)"
JOUE = "CCP art. R2131-16 et R2131-17 (publicité des procédures formalisées : BOAMP et JOUE)"

LIBELLES = {
    "sans_publicite": "marché sans publicité ni mise en concurrence",
    "mapa": "procédure adaptée (MAPA)",
    "appel_offres_ouvert": "appel d'offres ouvert",
    "appel_offres_restreint": "appel d'offres restreint",
    "procedure_avec_negociation": "procédure avec négociation",
    "dialogue_competitif": "dialogue compétitif",
}
DELAIS = {
    "sans_publicite": "delai_sans_publicite_mois",
    "mapa": "delai_mapa_mois",
    "appel_offres_ouvert": "delai_appel_offres_ouvert_mois",
    "appel_offres_restreint": "delai_appel_offres_restreint_mois",
    "procedure_avec_negociation": "delai_procedure_avec_negociation_mois",
    "dialogue_competitif": "delai_dialogue_competitif_mois",
}


def _preparation(moteur, besoin, voie, existant):
    mois = moteur.param("preparation_standard_mois" if besoin == "standard" else "preparation_complexe_mois")
    if voie == "groupement_commandes" and not existant:
        mois += moteur.param("preparation_groupement_mois")
    return mois


def _retenir(moteur, procedure, publicite, besoin, voie, existant, texte, v, seuils, tranche):
    moteur.conclure(
        Passation(
            procedure=procedure,
            publicite=publicite,
            delai_mois=moteur.param(DELAIS[procedure]),
            preparation_mois=_preparation(moteur, besoin, voie, existant),
        ),
        texte,
    )
    for autre, raison in _alternatives(procedure, tranche, besoin, v, seuils):
        moteur.noter("alternative", procedure=autre, raison=raison)


def _alternatives(retenue, tranche, besoin, v, seuils):
    """Why each other procedure is not retained, in one sentence each."""
    d, e = montant(seuils["dispense"]), montant(seuils["europeen"])
    formalisee = tranche == "formalisee"
    raisons = {
        "sans_publicite": (
            "Retenu."
            if retenue == "sans_publicite"
            else f"Exclu : la valeur estimée ({montant(v)}) atteint le seuil de dispense de {d} (R2122-8)."
        ),
        "mapa": (
            f"Exclue : au-dessus du seuil européen ({e}), la procédure adaptée n'est pas permise (R2123-1)."
            if formalisee
            else "Possible mais non requise sous le seuil de dispense ; une consultation légère de 2 à 3 offres reste conseillée."
        ),
        "appel_offres_ouvert": (
            f"Possible mais non requis sous le seuil européen ({e}) : plus long (environ 4 mois) et plus lourd."
            if not formalisee
            else (
                "Possible, mais il interdit toute négociation alors que le besoin demande d'adapter ou de concevoir la solution."
                if besoin != "standard"
                else "Retenu."
            )
        ),
        "appel_offres_restreint": (
            f"Non requis sous le seuil européen ({e})."
            if not formalisee
            else "Possible quand présélectionner les candidats aide ; pour un ENT standard proposé par de nombreux éditeurs, l'appel d'offres ouvert suffit."
        ),
        "procedure_avec_negociation": (
            "Hors procédure formalisée : la négociation reste possible dans une procédure adaptée si elle est annoncée (R2123-5)."
            if not formalisee
            else (
                "Exclue : aucun cas de l'article R2124-3 ne s'applique à un ENT standard proposé « sur étagère » par de nombreux "
                "éditeurs (CE, 7 octobre 2020, n° 440575)."
                if besoin == "standard"
                else "Non nécessaire : les spécifications peuvent être définies et les adaptations décrites ; la présélection des candidats suffit."
                if retenue == "appel_offres_restreint"
                else "Possible (R2124-3), mais le dialogue compétitif convient mieux quand l'acheteur ne sait pas définir la solution."
            )
        ),
        "dialogue_competitif": (
            "Réservé aux procédures formalisées et aux besoins que l'acheteur ne sait pas définir lui-même (R2124-5)."
            if not formalisee
            else (
                "Exclu : R2124-5 renvoie aux cas de R2124-3, absents pour un ENT standard."
                if besoin == "standard"
                else "Excessif : les solutions existantes sont à adapter, pas à concevoir avec les candidats."
                if besoin == "adaptations"
                else "Non nécessaire : les spécifications peuvent être définies ; la négociation suffit."
            )
        ),
    }
    return [(nom, raison) for nom, raison in raisons.items() if nom != retenue]


# --- sans procédure ---------------------------------------------------------------------------------------


@regle(
    "PROC-CENTRALE",
    "Aucune procédure à conduire : adhésion à la centrale",
    Voie(voie="centrale_achat"),
    references=["CCP art. L2113-4"],
    explication="L'acheteur qui acquiert auprès d'une centrale d'achat n'a pas de procédure de publicité ni de mise en concurrence à conduire.",
    strate=Strate.PROCEDURE,
)
def centrale(moteur):
    moteur.conclure(
        Passation(
            procedure=None,
            publicite=None,
            delai_mois=moteur.param("delai_adhesion_mois"),
            preparation_mois=moteur.param("preparation_standard_mois"),
        ),
        "Aucune procédure : une délibération approuve l'adhésion à la centrale et la convention ; les commandes suivent.",
    )


@regle(
    "PROC-GROUPEMENT-EXISTANT",
    "Aucune procédure propre : le coordonnateur du groupement la conduit",
    Voie(voie="groupement_commandes", procedure_requise=False),
    references=["CCP art. L2113-6 à L2113-8"],
    explication="Le membre d'un groupement existant ne conduit pas de procédure : le coordonnateur la choisit sur le besoin de tous les membres.",
    strate=Strate.PROCEDURE,
)
def groupement_existant(moteur):
    moteur.conclure(
        Passation(
            procedure=None,
            publicite=None,
            delai_mois=moteur.param("delai_adhesion_mois"),
            preparation_mois=moteur.param("preparation_standard_mois"),
        ),
        "Aucune procédure propre : le coordonnateur du groupement la choisit sur le besoin additionné de tous les membres "
        "(le plus souvent un appel d'offres). L'adhésion doit être délibérée avant le lancement de sa prochaine consultation.",
    )


# --- par la valeur ----------------------------------------------------------------------------------------

_BASE = (
    Voie(procedure_requise=True, voie=MATCH.voie, existant=MATCH.existant),
    ValeurEstimee(montant=MATCH.v),
    Seuils(dispense=MATCH.dispense, europeen=MATCH.europeen),
)


@regle(
    "PROC-SANS-PUBLICITE",
    "Marché sans publicité ni mise en concurrence",
    *_BASE,
    Tranche(tranche="sous_dispense"),
    Projet(besoin=MATCH.besoin),
    references=[R2122_8, "CCP art. R2112-1 (écrit obligatoire)"],
    explication=(
        "Sous le seuil de dispense, l'acheteur peut contracter sans publicité ni mise en concurrence ; il doit choisir une "
        "offre pertinente, bien utiliser les deniers publics et ne pas contracter systématiquement avec le même opérateur."
    ),
    strate=Strate.PROCEDURE,
)
def sans_publicite(moteur, voie, existant, v, dispense, europeen, besoin):
    ecrit = moteur.param("seuil_ecrit_obligatoire")
    forme = (
        f" Au-delà de {montant(ecrit)}, le marché est conclu par écrit (R2112-1) : c'est le cas ici."
        if v >= ecrit
        else f" Sous {montant(ecrit)}, un écrit n'est pas exigé (R2112-1), mais un bon de commande précis reste conseillé."
    )
    _retenir(
        moteur,
        "sans_publicite",
        "aucune",
        besoin,
        voie,
        existant,
        f"Sous le seuil de dispense ({montant(dispense)}), aucune publicité ni mise en concurrence n'est obligatoire. "
        "Comparez néanmoins 2 à 3 offres conformes au SDET, choisissez une offre pertinente et gardez trace du choix."
        + forme,
        v,
        {"dispense": dispense, "europeen": europeen},
        "sous_dispense",
    )


@regle(
    "PROC-MAPA",
    "Procédure adaptée, publicité libre",
    *_BASE,
    Tranche(tranche="mapa"),
    Projet(besoin=MATCH.besoin),
    references=[MAPA, R2131_12, "CCP art. R2132-2 (documents gratuits sur le profil d'acheteur)"],
    explication="Entre le seuil de dispense et 90 000 € HT, la procédure adaptée est librement organisée ; la publicité est adaptée au montant et à l'objet.",
    strate=Strate.PROCEDURE,
)
def mapa(moteur, voie, existant, v, dispense, europeen, besoin):
    _retenir(
        moteur,
        "mapa",
        "libre, adaptée au montant (profil d'acheteur conseillé)",
        besoin,
        voie,
        existant,
        "Procédure adaptée : l'acheteur fixe les modalités (délai de réponse raisonnable, au moins 20 jours conseillés) ; "
        "la publicité est libre à ce montant — une annonce sur le profil d'acheteur touche les éditeurs d'ENT"
        + (
            f" ; dès {montant(moteur.param('seuil_dce_gratuit'))}, les documents de la consultation y sont gratuits (R2132-2)."
            if v >= moteur.param("seuil_dce_gratuit")
            else "."
        ),
        v,
        {"dispense": dispense, "europeen": europeen},
        "mapa",
    )


@regle(
    "PROC-MAPA-PUBLICITE",
    "Procédure adaptée avec publicité au BOAMP ou dans un JAL",
    *_BASE,
    Tranche(tranche="mapa_publicite"),
    Projet(besoin=MATCH.besoin),
    references=[MAPA, R2131_12],
    explication="De 90 000 € HT au seuil européen, l'avis de la procédure adaptée d'une collectivité paraît au BOAMP ou dans un journal d'annonces légales.",
    strate=Strate.PROCEDURE,
)
def mapa_publicite(moteur, voie, existant, v, dispense, europeen, besoin):
    _retenir(
        moteur,
        "mapa",
        "BOAMP ou JAL",
        besoin,
        voie,
        existant,
        "Procédure adaptée avec un avis au BOAMP ou dans un journal d'annonces légales (R2131-12), et les documents "
        "gratuits sur le profil d'acheteur.",
        v,
        {"dispense": dispense, "europeen": europeen},
        "mapa_publicite",
    )


@regle(
    "PROC-AO-OUVERT",
    "Appel d'offres ouvert",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="standard"),
    references=[AO, R2161, JOUE, "CCP art. R2182-1 (délai de suspension de 11 jours)"],
    explication=(
        "Au-delà du seuil européen, l'appel d'offres ouvert est la procédure par défaut : un ENT standard est une offre "
        "« sur étagère » de nombreux éditeurs ; 30 jours au moins pour des offres électroniques, puis 11 jours de suspension."
    ),
    strate=Strate.PROCEDURE,
)
def ao_ouvert(moteur, voie, existant, v, dispense, europeen):
    _retenir(
        moteur,
        "appel_offres_ouvert",
        "BOAMP et JOUE",
        "standard",
        voie,
        existant,
        "Appel d'offres ouvert : un ENT standard est proposé par de nombreux éditeurs, aucune négociation n'est nécessaire. "
        "Délai de réception des offres d'au moins 30 jours par voie électronique (R2161-3), puis 11 jours de suspension avant signature.",
        v,
        {"dispense": dispense, "europeen": europeen},
        "formalisee",
    )


@regle(
    "PROC-AO-RESTREINT",
    "Appel d'offres restreint",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="adaptations", specifications_precises=L(True) | L(None)),
    references=[AO, "CCP art. R2161-6 à R2161-8 (délais de l'appel d'offres restreint)", JOUE],
    explication=(
        "Des adaptations (connecteurs, annuaires, reprise de données) précisément spécifiables : l'appel d'offres restreint "
        "présélectionne les candidats qui ont les références d'intégration requises, sans négociation."
    ),
    strate=Strate.PROCEDURE,
)
def ao_restreint(moteur, voie, existant, v, dispense, europeen):
    _retenir(
        moteur,
        "appel_offres_restreint",
        "BOAMP et JOUE",
        "adaptations",
        voie,
        existant,
        "Appel d'offres restreint : les adaptations peuvent être spécifiées ; une présélection des candidats sur leurs "
        "références d'intégration (annuaire académique, GAR, reprise de données) sécurise le choix sans négociation.",
        v,
        {"dispense": dispense, "europeen": europeen},
        "formalisee",
    )


@regle(
    "PROC-NEGOCIATION",
    "Procédure avec négociation",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin=MATCH.besoin, specifications_precises=MATCH.precises),
    TEST(
        lambda besoin, precises: (
            (besoin == "adaptations" and precises is False)
            or (besoin == "specifique" and precises is not False)
        )
    ),
    references=[R2124_3, CE_2020, "CCP art. R2161-12 à R2161-20"],
    explication=(
        "La négociation n'est permise au-dessus du seuil européen que dans les cas de R2124-3 : adapter des solutions "
        "immédiatement disponibles (1°), solution innovante (2°), spécifications impossibles à définir précisément (5°). "
        "Le cas invoqué doit être justifié par écrit."
    ),
    strate=Strate.PROCEDURE,
)
def negociation(moteur, voie, existant, v, dispense, europeen, besoin, precises):
    cas = (
        "R2124-3 1° (le besoin ne peut être satisfait sans adapter des solutions immédiatement disponibles) et 5° "
        "(spécifications techniques impossibles à définir avec une précision suffisante)"
        if besoin == "adaptations"
        else "R2124-3 1° et 2° (adaptation de solutions disponibles, solution innovante)"
    )
    _retenir(
        moteur,
        "procedure_avec_negociation",
        "BOAMP et JOUE",
        besoin,
        voie,
        existant,
        f"Procédure avec négociation, en invoquant {cas} ; justifiez-le par écrit dans le rapport de présentation, "
        "l'interprétation étant stricte (CE, 7 octobre 2020, n° 440575).",
        v,
        {"dispense": dispense, "europeen": europeen},
        "formalisee",
    )


@regle(
    "PROC-DIALOGUE",
    "Dialogue compétitif",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="specifique", specifications_precises=False),
    references=[R2124_5, R2124_3, CE_2020],
    explication=(
        "Besoin spécifique que l'acheteur ne sait pas spécifier : le dialogue compétitif (R2124-5, cas de R2124-3 2° et 5°) "
        "fait émerger les solutions avec les candidats avant les offres finales ; c'est la procédure la plus longue."
    ),
    strate=Strate.PROCEDURE,
)
def dialogue(moteur, voie, existant, v, dispense, europeen):
    _retenir(
        moteur,
        "dialogue_competitif",
        "BOAMP et JOUE",
        "specifique",
        voie,
        existant,
        "Dialogue compétitif : le besoin est spécifique et ne peut pas être spécifié précisément (R2124-3 2° et 5°, "
        "R2124-5) ; les solutions se construisent avec les candidats. Comptez environ 10 mois du lancement à la notification.",
        v,
        {"dispense": dispense, "europeen": europeen},
        "formalisee",
    )


# --- précisions et exceptions ------------------------------------------------------------------------------


@regle(
    "PROC-MAPA-NEGOCIATION",
    "Annoncer la négociation dans la procédure adaptée",
    Passation(procedure="mapa"),
    Projet(besoin=~L("standard")),
    references=["CCP art. R2123-5"],
    explication="Dans une procédure adaptée, la négociation est possible si elle est annoncée dans les documents de la consultation : utile quand le besoin demande des adaptations.",
    strate=Strate.PLANNING,
)
def mapa_negociation(moteur):
    moteur.noter(
        "raison",
        sujet="Passation",
        texte="Le besoin n'est pas standard : annoncez dans le règlement de consultation que vous pourrez négocier (R2123-5).",
    )


@regle(
    "PROC-ACHAT-INNOVANT",
    "Solution innovante : l'achat innovant sans publicité est envisageable",
    Passation(procedure="mapa"),
    Projet(besoin="specifique"),
    ValeurEstimee(montant=MATCH.v),
    Seuils(innovant=MATCH.innovant),
    TEST(lambda v, innovant: v < innovant),
    references=["CCP art. R2122-9-1 (achats innovants)"],
    explication="Sous le seuil des achats innovants, une solution réellement innovante peut être achetée sans publicité ni mise en concurrence.",
    strate=Strate.PLANNING,
)
def achat_innovant(moteur, v, innovant):
    moteur.noter(
        "alternative",
        procedure="achat_innovant",
        raison=(
            f"Envisageable sous {montant(innovant)} (R2122-9-1) si la solution est réellement innovante ; un ENT du marché "
            "ne l'est pas : réservez cette voie à une fonction nouvelle, et documentez-en le caractère innovant."
        ),
    )


@regle(
    "PROC-SPECIFICATIONS-A-PRECISER",
    "Besoin non standard : dire s'il peut être spécifié",
    Projet(besoin=~L("standard"), specifications_precises=None),
    references=[R2124_3],
    explication="Sans réponse sur la précision des spécifications, le conseil retient la procédure la moins exposée et demande de le vérifier.",
    strate=Strate.VIGILANCE,
)
def specifications_a_preciser(moteur):
    moteur.noter(
        "vigilance",
        code="specifications_a_preciser",
        message=(
            "Vous n'avez pas dit si le besoin peut être spécifié précisément. Le conseil suppose que oui (procédure sans "
            "négociation, moins exposée au contentieux) ; si ce n'est pas le cas, la négociation ou le dialogue compétitif deviennent possibles."
        ),
    )


@regle(
    "PROC-ALLOTISSEMENT",
    "Premier et second degrés : allotir",
    Projet(degres="premier_et_second_degre"),
    references=[
        "CCP art. L2113-10 (allotissement)",
        "CAA Nancy, décembre 2023, Beneylu c/ Région Bourgogne-Franche-Comté",
    ],
    explication="L'allotissement est la règle ; réunir l'ENT des écoles et celui des collèges et lycées dans un même lot a été contesté en justice.",
    strate=Strate.VIGILANCE,
)
def allotissement(moteur):
    moteur.noter(
        "vigilance",
        code="allotissement",
        message=(
            "Le projet couvre aussi les collèges ou lycées : l'allotissement est la règle (L2113-10). Prévoyez un lot pour le "
            "premier degré ou justifiez précisément le lot unique (un lot commun a été contesté : CAA Nancy, 2023)."
        ),
    )


@regle(
    "PROC-SEUIL-INCONNU",
    "Seuil non encore connu à la date de lancement",
    Seuils(dispense_connu=MATCH.d, publicite_connu=MATCH.p, europeen_connu=MATCH.e),
    TEST(lambda d, p, e: not (d and p and e)),
    references=["CCP annexe 2 (seuils européens révisés tous les deux ans)"],
    explication=(
        "Les seuils européens sont révisés tous les deux ans ; au-delà de leur période de validité, la valeur n'est pas "
        "encore connue : le conseil utilise la dernière valeur publiée à titre provisoire et le signale."
    ),
    strate=Strate.VIGILANCE,
)
def seuil_inconnu(moteur, d, p, e):
    inconnus = [nom for nom, connu in (("de dispense", d), ("de publicité", p), ("européen", e)) if not connu]
    moteur.noter(
        "vigilance",
        code="seuil_inconnu",
        message=(
            f"Le seuil {', '.join(inconnus)} en vigueur à la date de lancement n'est pas encore connu. Le conseil utilise à titre "
            "provisoire la dernière valeur publiée ; vérifiez la valeur applicable (avis publié au Journal officiel) avant de lancer la consultation."
        ),
    )
