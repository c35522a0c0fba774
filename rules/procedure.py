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
    Planning,
    Projet,
    Ref,
    Seuils,
    Strate,
    Tranche,
    ValeurEstimee,
    Voie,
    regle,
)
from entadvisor.formatting import montant

R2122_8 = Ref(
    "CCP", "art. R2122-8", "marché sans publicité ni mise en concurrence, sous le seuil de dispense"
)
MAPA = Ref("CCP", "art. L2123-1 et R2123-1 1°", "procédure adaptée")
R2131_12 = Ref("CCP", "art. R2131-12", "publicité d'un MAPA au BOAMP ou dans un JAL")
AO = Ref("CCP", "art. L2124-2, R2124-2", "appel d'offres ouvert ou restreint")
R2161 = Ref("CCP", "art. R2161-2 à R2161-11", "délais de l'appel d'offres")
R2124_3 = Ref("CCP", "art. L2124-3 et R2124-3", "cas de recours à la procédure avec négociation")
R2124_5 = Ref("CCP", "art. L2124-4 et R2124-5", "dialogue compétitif")
CE_2020 = Ref(
    "CE", "7 octobre 2020, n° 440575", "interprétation stricte des cas de négociation", nature="decision"
)
JOUE = Ref("CCP", "art. R2131-16 et R2131-17", "publicité des procédures formalisées : BOAMP et JOUE")
GROUPEMENT = Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes")
REPONSE_2011 = Ref(
    "Réponse ministérielle du 17 mai 2011",
    "",
    "adhésion à un groupement après le lancement de la consultation",
)
R2112_1 = Ref("CCP", "art. R2112-1", "marché conclu par écrit à partir du seuil fixé")

# the words of each procedure are in the lexicon (rules/libelles.yaml, « procedures »)
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


def _retenir(
    moteur,
    *,
    procedure,
    publicite,
    texte,
    tranche,
    besoin,
    voie,
    existant,
    v,
    dispense,
    europeen,
    precises=None,
):
    """Conclude the procedure, then say why each other procedure is not retained (``ALTERNATIVES``).

    ``tranche``, ``besoin`` and ``precises`` choose the case of the alternatives; ``voie`` and ``existant``
    the preparation time; ``v``, ``dispense`` and ``europeen`` are the amounts the reasons cite.
    """
    moteur.conclure(
        Passation(
            procedure=procedure,
            publicite=publicite,
            delai_mois=moteur.param(DELAIS[procedure]),
            preparation_mois=_preparation(moteur, besoin, voie, existant),
            ecrit_obligatoire=v >= moteur.param("seuil_ecrit_obligatoire"),
        ),
        texte,
    )
    cas = _cas(tranche, besoin, precises)
    valeurs = {
        "v": montant(v),
        "d": montant(dispense),
        "e": montant(europeen),
        "delai_ao": moteur.param(DELAIS["appel_offres_ouvert"]),
    }
    for autre in DELAIS:
        if autre != procedure:
            moteur.noter("alternative", procedure=autre, raison=ALTERNATIVES[autre][cas].format(**valeurs))


def _cas(tranche, besoin, precises):
    """The situation that decides the procedure: the value band, and above the EU threshold the need."""
    if tranche != "formalisee":
        return "sous_dispense" if tranche == "sous_dispense" else "mapa"
    if besoin == "standard":
        return "standard"
    return f"{besoin}_{'imprecises' if precises is False else 'precises'}"


_SOUS_EUROPEEN_FORMALISEE = "Possible mais non requis sous le seuil européen ({e}) : plus long (environ {delai_ao} mois) et plus lourd."
_NEGOCIATION_SOUS_EUROPEEN = (
    "Réservée aux procédures formalisées (R2124-3) ; sous le seuil européen, la procédure adaptée peut comporter "
    "une négociation si elle est annoncée (R2123-5)."
)
_AO_SPECIFIE = (
    "Régulier aussi, puisque les spécifications sont précises : à retenir si les adaptations attendues peuvent être "
    "décrites entièrement dans le cahier des charges, car il ne permet pas d'en discuter avec les candidats."
)
_AO_NON_SPECIFIE = (
    "Peu adapté : sans négociation, une solution que l'acheteur ne peut pas spécifier précisément ne peut pas être "
    "mise au point avec les candidats."
)

ALTERNATIVES = {
    # procedure not retained → situation → why (the retained procedure of each situation is never listed)
    "sans_publicite": {
        cas: "Exclu : la valeur estimée ({v}) atteint le seuil de dispense de {d} (R2122-8)."
        for cas in (
            "mapa",
            "standard",
            "adaptations_precises",
            "adaptations_imprecises",
            "specifique_precises",
            "specifique_imprecises",
        )
    },
    "mapa": {
        "sous_dispense": "Possible mais non requise sous le seuil de dispense ; une consultation légère de plusieurs offres reste conseillée.",
        **{
            cas: "Exclue : au-dessus du seuil européen ({e}), la procédure adaptée n'est pas permise (R2123-1)."
            for cas in (
                "standard",
                "adaptations_precises",
                "adaptations_imprecises",
                "specifique_precises",
                "specifique_imprecises",
            )
        },
    },
    "appel_offres_ouvert": {
        "sous_dispense": _SOUS_EUROPEEN_FORMALISEE,
        "mapa": _SOUS_EUROPEEN_FORMALISEE,
        "adaptations_precises": _AO_SPECIFIE,
        "adaptations_imprecises": _AO_NON_SPECIFIE,
        "specifique_precises": _AO_SPECIFIE,
        "specifique_imprecises": _AO_NON_SPECIFIE,
    },
    "appel_offres_restreint": {
        "sous_dispense": _SOUS_EUROPEEN_FORMALISEE,
        "mapa": _SOUS_EUROPEEN_FORMALISEE,
        "standard": (
            "Possible quand présélectionner les candidats aide ; pour un ENT standard proposé par de nombreux éditeurs, "
            "l'appel d'offres ouvert suffit."
        ),
        "adaptations_precises": _AO_SPECIFIE + " Il ajoute une présélection des candidats.",
        "adaptations_imprecises": _AO_NON_SPECIFIE,
        "specifique_precises": _AO_SPECIFIE + " Il ajoute une présélection des candidats.",
        "specifique_imprecises": _AO_NON_SPECIFIE,
    },
    "procedure_avec_negociation": {
        "sous_dispense": _NEGOCIATION_SOUS_EUROPEEN,
        "mapa": _NEGOCIATION_SOUS_EUROPEEN,
        "standard": (
            "Exclue : aucun cas de l'article R2124-3 ne s'applique à un ENT standard proposé « sur étagère » par de "
            "nombreux éditeurs (CE, 7 octobre 2020, n° 440575)."
        ),
        "specifique_imprecises": (
            "Possible (R2124-3 5°), mais elle négocie sur des offres remises sur un cahier des charges : quand l'acheteur "
            "ne sait pas définir la solution, le dialogue compétitif la construit avec les candidats avant les offres."
        ),
    },
    "dialogue_competitif": {
        "sous_dispense": "Réservé aux procédures formalisées (R2124-5).",
        "mapa": "Réservé aux procédures formalisées (R2124-5) ; la procédure adaptée peut comporter une négociation si elle est annoncée (R2123-5).",
        "standard": "Exclu : R2124-5 renvoie aux cas de R2124-3, absents pour un ENT standard.",
        "adaptations_precises": "Disproportionné : les solutions existent et sont à adapter, pas à concevoir avec les candidats ; la négociation des offres suffit.",
        "adaptations_imprecises": "Disproportionné : les solutions existent et sont à adapter, pas à concevoir avec les candidats ; la négociation des offres suffit.",
        "specifique_precises": "Non nécessaire : les spécifications peuvent être définies ; la négociation des offres suffit.",
    },
}


# --- sans procédure ---------------------------------------------------------------------------------------


@regle(
    "PROC-CENTRALE",
    "Aucune procédure à conduire : adhésion à la centrale",
    Voie(voie="centrale_achat"),
    references=[
        Ref("CCP", "art. L2113-4"),
        Ref("CGCT", "art. L2122-22 4°", "délégation du conseil au maire"),
    ],
    explication=(
        "L'acheteur qui acquiert auprès d'une centrale d'achat est réputé avoir respecté ses obligations de publicité et de "
        "mise en concurrence pour les opérations qu'il lui confie : il n'a pas de procédure à conduire, mais une adhésion."
    ),
    conclut=Passation,
)
def centrale(moteur):
    moteur.conclure(
        Passation(
            procedure=None,
            publicite=None,
            delai_mois=moteur.param("delai_adhesion_mois"),
            preparation_mois=moteur.param("preparation_standard_mois"),
        ),
        "Aucune procédure : l'adhésion à la centrale (délibération de l'assemblée, ou décision de l'exécutif s'il a reçu "
        "délégation) et sa convention suffisent ; les commandes passent ensuite sur le marché de la centrale.",
    )


@regle(
    "PROC-GROUPEMENT-EXISTANT",
    "Aucune procédure propre : le coordonnateur du groupement la conduit",
    Voie(voie="groupement_commandes", procedure_requise=False),
    references=[GROUPEMENT, REPONSE_2011],
    explication=(
        "Le membre d'un groupement existant ne conduit pas de procédure : le coordonnateur la choisit sur le besoin de tous "
        "les membres. Un membre qui adhère après le lancement d'une consultation ne bénéficie pas du marché qui en résulte."
    ),
    conclut=Passation,
)
def groupement_existant(moteur):
    moteur.conclure(
        Passation(
            procedure=None,
            publicite=None,
            delai_mois=moteur.param("delai_adhesion_mois"),
            preparation_mois=moteur.param("preparation_standard_mois"),
        ),
        "Aucune procédure propre : le coordonnateur du groupement la choisit sur le besoin additionné de tous les membres. "
        "Demandez-lui quand sa prochaine consultation sera lancée, et adhérez avant : un membre qui adhère après le "
        "lancement ne bénéficie pas du marché qui en résulte (réponse ministérielle du 17 mai 2011).",
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
    references=[R2122_8, R2112_1],
    explication=(
        "Sous le seuil de dispense, l'acheteur peut contracter sans publicité ni mise en concurrence ; il doit choisir une "
        "offre pertinente, bien utiliser les deniers publics et ne pas contracter systématiquement avec le même opérateur. "
        "Le marché est conclu par écrit à partir du seuil de R2112-1 ; en dessous, un devis signé et un bon de commande suffisent."
    ),
    conclut=Passation,
)
def sans_publicite(moteur, voie, existant, v, dispense, europeen, besoin):
    ecrit = moteur.param("seuil_ecrit_obligatoire")
    forme = (
        f" À partir de {montant(ecrit)}, le marché est conclu par écrit (R2112-1) : c'est le cas ici, avec "
        f"{montant(v)}."
        if v >= ecrit
        else f" Sous {montant(ecrit)}, un contrat écrit n'est pas exigé (R2112-1) : un devis signé et un bon de commande "
        "pour un abonnement annuel suffisent."
    )
    _retenir(
        moteur,
        procedure="sans_publicite",
        publicite="aucune",
        tranche="sous_dispense",
        besoin=besoin,
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        texte=f"Sous le seuil de dispense ({montant(dispense)}), aucune publicité ni mise en concurrence n'est obligatoire. "
        "Comparez néanmoins plusieurs offres conformes au SDET, choisissez une offre pertinente et gardez trace du choix."
        + forme,
    )


@regle(
    "PROC-MAPA",
    "Procédure adaptée, publicité libre",
    *_BASE,
    Tranche(tranche="mapa"),
    Projet(besoin=MATCH.besoin),
    references=[MAPA, R2131_12, Ref("CCP", "art. R2132-2", "documents gratuits sur le profil d'acheteur")],
    explication="Entre le seuil de dispense et le seuil de publicité de R2131-12, la procédure adaptée est librement organisée ; la publicité est adaptée au montant et à l'objet.",
    conclut=Passation,
)
def mapa(moteur, voie, existant, v, dispense, europeen, besoin):
    dce = moteur.param("seuil_dce_gratuit")
    _retenir(
        moteur,
        procedure="mapa",
        publicite="libre, adaptée au montant (profil d'acheteur conseillé)",
        tranche="mapa",
        besoin=besoin,
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        texte="Procédure adaptée : l'acheteur fixe les modalités (un délai de réponse raisonnable) ; la publicité est libre à ce "
        "montant — une annonce sur le profil d'acheteur touche les éditeurs d'ENT"
        + (
            f" ; dès {montant(dce)}, les documents de la consultation y sont gratuits (R2132-2)."
            if v >= dce
            else "."
        ),
    )


@regle(
    "PROC-MAPA-PUBLICITE",
    "Procédure adaptée avec publicité au BOAMP ou dans un JAL",
    *_BASE,
    Tranche(tranche="mapa_publicite"),
    Projet(besoin=MATCH.besoin),
    references=[MAPA, R2131_12],
    explication="Du seuil de publicité de R2131-12 au seuil européen, l'avis de la procédure adaptée d'une collectivité paraît au BOAMP ou dans un journal d'annonces légales.",
    conclut=Passation,
)
def mapa_publicite(moteur, voie, existant, v, dispense, europeen, besoin):
    _retenir(
        moteur,
        procedure="mapa",
        publicite="BOAMP ou JAL",
        tranche="mapa",
        besoin=besoin,
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        texte="Procédure adaptée avec un avis au BOAMP ou dans un journal d'annonces légales (R2131-12), et les documents "
        "gratuits sur le profil d'acheteur.",
    )


@regle(
    "PROC-AO-OUVERT",
    "Appel d'offres ouvert",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="standard"),
    references=[AO, R2161, JOUE, Ref("CCP", "art. R2182-1", "délai de suspension")],
    explication=(
        "Au-delà du seuil européen, l'appel d'offres ouvert est la procédure par défaut : un ENT standard est une offre "
        "« sur étagère » de nombreux éditeurs ; aucun cas de négociation de R2124-3 ne s'applique."
    ),
    conclut=Passation,
)
def ao_ouvert(moteur, voie, existant, v, dispense, europeen):
    _retenir(
        moteur,
        procedure="appel_offres_ouvert",
        publicite="BOAMP et JOUE",
        tranche="formalisee",
        besoin="standard",
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        texte="Appel d'offres ouvert : un ENT standard est proposé par de nombreux éditeurs, aucune négociation n'est nécessaire. "
        f"Délai de réception des offres d'au moins {moteur.param('delai_offres_ao_electronique_jours')} jours par voie "
        f"électronique (R2161-3), puis {moteur.param('delai_suspension_jours')} jours de suspension avant signature (R2182-1).",
    )


@regle(
    "PROC-NEGOCIATION-ADAPTATIONS",
    "Procédure avec négociation : des solutions disponibles à adapter",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="adaptations", specifications_precises=MATCH.precises),
    references=[R2124_3, CE_2020, Ref("CCP", "art. R2161-12 à R2161-20")],
    explication=(
        "Au-dessus du seuil européen, un besoin qui ne peut être satisfait sans adapter des solutions immédiatement "
        "disponibles (intégrations, interfaces, reprise de données) ouvre la procédure avec négociation (R2124-3 1°), que "
        "les spécifications soient précises ou non ; le cas invoqué se justifie par écrit."
    ),
    conclut=Passation,
)
def negociation_adaptations(moteur, voie, existant, v, dispense, europeen, precises):
    cas = "R2124-3 1° (le besoin ne peut être satisfait sans adapter des solutions immédiatement disponibles)"
    if precises is False:
        cas += " et 5° (spécifications techniques impossibles à définir avec une précision suffisante)"
    _retenir(
        moteur,
        procedure="procedure_avec_negociation",
        publicite="BOAMP et JOUE",
        tranche="formalisee",
        besoin="adaptations",
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        precises=precises,
        texte=f"Procédure avec négociation, en invoquant {cas} ; justifiez-le par écrit dans le rapport de présentation, "
        "l'interprétation étant stricte (CE, 7 octobre 2020, n° 440575).",
    )


@regle(
    "PROC-NEGOCIATION-SPECIFIQUE",
    "Procédure avec négociation : un besoin spécifique qui peut être spécifié",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="specifique", specifications_precises=MATCH.precises & ~L(False)),
    references=[R2124_3, CE_2020, Ref("CCP", "art. R2161-12 à R2161-20")],
    explication=(
        "Un besoin spécifique ou innovant que l'acheteur sait spécifier : la procédure avec négociation (R2124-3 1° et 2°) "
        "permet d'adapter les offres avec les candidats."
    ),
    conclut=Passation,
)
def negociation_specifique(moteur, voie, existant, v, dispense, europeen, precises):
    _retenir(
        moteur,
        procedure="procedure_avec_negociation",
        publicite="BOAMP et JOUE",
        tranche="formalisee",
        besoin="specifique",
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        precises=precises,
        texte="Procédure avec négociation, en invoquant R2124-3 1° et 2° (adaptation de solutions disponibles, solution "
        "innovante) ; justifiez-le par écrit dans le rapport de présentation, l'interprétation étant stricte (CE, 7 "
        "octobre 2020, n° 440575).",
    )


@regle(
    "PROC-DIALOGUE",
    "Dialogue compétitif",
    *_BASE,
    Tranche(tranche="formalisee"),
    Projet(besoin="specifique", specifications_precises=False),
    references=[R2124_5, R2124_3, CE_2020, Ref("CCP", "art. R2111-1", "sourçage")],
    explication=(
        "Besoin spécifique que l'acheteur ne sait pas spécifier : le dialogue compétitif (R2124-5, cas de R2124-3 5°), "
        "préparé par un sourçage (R2111-1), fait émerger les solutions avec les candidats avant les offres finales ; "
        "c'est la procédure la plus longue."
    ),
    conclut=Passation,
)
def dialogue(moteur, voie, existant, v, dispense, europeen):
    _retenir(
        moteur,
        procedure="dialogue_competitif",
        publicite="BOAMP et JOUE",
        tranche="formalisee",
        besoin="specifique",
        voie=voie,
        existant=existant,
        v=v,
        dispense=dispense,
        europeen=europeen,
        precises=False,
        texte="Dialogue compétitif : le besoin est spécifique et ne peut pas être spécifié précisément (R2124-3 5°, R2124-5) ; "
        "menez d'abord un sourçage auprès des éditeurs (R2111-1), puis construisez les solutions avec les candidats. "
        f"Comptez environ {moteur.param('delai_dialogue_competitif_mois')} mois du lancement à la notification.",
    )


# --- précisions et exceptions ------------------------------------------------------------------------------


@regle(
    "PROC-MAPA-NEGOCIATION",
    "Annoncer la négociation dans la procédure adaptée",
    Passation(procedure="mapa"),
    Projet(besoin=~L("standard")),
    references=[Ref("CCP", "art. R2123-5")],
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
    references=[Ref("CCP", "art. R2122-9-1", "achats innovants")],
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
            "Vous n'avez pas dit si le besoin peut être spécifié précisément. Le conseil suppose que oui ; au-dessus du seuil "
            "européen, un besoin spécifique qui ne peut pas l'être relèverait du dialogue compétitif (R2124-3 5°, R2124-5), "
            "et un appel d'offres ne resterait régulier que sur des spécifications précises."
        ),
    )


@regle(
    "PROC-ALLOTISSEMENT",
    "Premier et second degrés : allotir",
    Projet(degres="premier_et_second_degre"),
    references=[
        Ref("CCP", "art. L2113-10", "allotissement"),
        Ref("CAA Nancy", "décembre 2023, Beneylu c/ Région Bourgogne-Franche-Comté", nature="decision"),
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
    Seuils(
        dispense_connu=MATCH.d, publicite_connu=MATCH.p, europeen_connu=MATCH.e, publicite=MATCH.publicite
    ),
    ValeurEstimee(montant=MATCH.v),
    TEST(lambda d, p, e: not (d and p and e)),
    references=[Ref("CCP", "annexe 2", "seuils européens révisés tous les deux ans")],
    explication=(
        "Les seuils européens sont révisés tous les deux ans ; au-delà de leur période de validité, la valeur n'est pas "
        "encore connue : le conseil utilise la dernière valeur publiée à titre provisoire et le signale, ou dit qu'elle ne "
        "peut pas changer la procédure quand la valeur estimée reste sous un seuil inférieur connu."
    ),
    strate=Strate.VIGILANCE,
)
def seuil_inconnu(moteur, d, p, e, v, publicite):
    inconnus = [nom for nom, connu in (("de dispense", d), ("de publicité", p), ("européen", e)) if not connu]
    sans_effet = d and p and v < publicite
    moteur.noter(
        "vigilance",
        code="seuil_inconnu",
        message=(
            f"Le seuil {', '.join(inconnus)} en vigueur à la date de lancement n'est pas encore connu. "
            + (
                f"Il ne peut pas changer la procédure : la valeur estimée ({montant(v)}) reste sous le seuil de publicité "
                f"({montant(publicite)}), connu, et le seuil européen lui a toujours été très supérieur."
                if sans_effet
                else "Le conseil utilise à titre provisoire la dernière valeur publiée ; vérifiez la valeur applicable (avis "
                "publié au Journal officiel) avant de lancer la consultation."
            )
        ),
    )


@regle(
    "PROC-DONNEES-ESSENTIELLES",
    "Publier les données essentielles du marché",
    Passation(procedure=MATCH.procedure & ~L(None)),
    ValeurEstimee(montant=MATCH.v),
    Seuils(donnees_essentielles=MATCH.seuil),
    TEST(lambda v, seuil: v >= seuil),
    references=[Ref("CCP", "art. R2196-1", "données essentielles")],
    explication="À partir du seuil de R2196-1, l'acheteur publie les données essentielles du marché qu'il passe (objet, titulaire, montant, dates).",
    strate=Strate.PLANNING,
)
def donnees_essentielles(moteur, procedure, v, seuil):
    moteur.noter(
        "raison",
        sujet="Passation",
        texte=(
            f"À partir de {montant(seuil)}, publiez les données essentielles du marché (objet, titulaire, montant, dates) "
            "après sa notification (R2196-1)."
        ),
    )


@regle(
    "PROC-CONTROLE-LEGALITE",
    "Transmettre le marché au préfet avant de le notifier",
    Passation(procedure=MATCH.procedure & ~L(None)),
    Tranche(tranche="formalisee"),
    Planning(notification=MATCH.notification),
    references=[Ref("CGCT", "art. L2131-2 et D2131-5-1", "transmission au contrôle de légalité")],
    explication=(
        "Un marché d'une collectivité dont la valeur atteint le seuil européen est transmis au préfet avant sa "
        "notification (contrôle de légalité) ; la notification ne peut intervenir qu'après."
    ),
    strate=Strate.PREPARATION,
)
def controle_legalite(moteur, procedure, notification):
    moteur.noter(
        "raison",
        sujet="Passation",
        texte=(
            "La valeur atteint le seuil européen : transmettez le marché signé au préfet (contrôle de légalité) avant de le "
            "notifier au titulaire (CGCT L2131-2 et D2131-5-1) ; prévoyez cette transmission dans le calendrier de notification."
        ),
    )
    moteur.noter(
        "etape",
        etape="controle_legalite",
        libelle="Transmission du marché au préfet (contrôle de légalité), avant la notification",
        debut=notification,
        fin=notification,
        jalon=True,
    )
