"""La phase d'expérimentation : faut-il commencer par quelques classes ou écoles, et comment ?

Le guide : « le déploiement […] peut dans certains cas démarrer par une phase d'expérimentation dans
quelques classes ou écoles avant d'être étendu aux écoles pilotes puis de procéder à une
généralisation ». Les expérimentations documentées ont duré une à deux années scolaires
(Palaiseau-Villebon 2013-2015, Manche Numérique 2016-2017, e-primo et ses 148 écoles pilotes).

Heuristiques (shared DOMAIN.md §4) : une expérimentation est recommandée quand il n'existe pas d'ENT
et qu'au moins un facteur la justifie (plus de quelques écoles, usages faibles, équipement
insuffisant, besoin non standard, gouvernance à plusieurs partenaires). Pas d'expérimentation pour
une migration entre ENT équivalents, ni pour rejoindre une offre mutualisée déjà éprouvée quand les
usages sont moyens ou avancés. L'expérimentation et la généralisation restent dans un seul contrat.

Limites : la qualité pédagogique de l'expérimentation (volontariat, projet d'école, formation) n'est
pas évaluée ; seul son dimensionnement l'est.
"""

from entadvisor import calculations as calc
from entadvisor.facts import (
    MATCH,
    NOT,
    Acheteur,
    Experimentation,
    FacteurExperimentation,
    FormatExperimentation,
    L,
    Projet,
    Ref,
    Strate,
    Taille,
    Voie,
    regle,
)
from entadvisor.formatting import nombre, pluriel, pourcentage

GUIDE = Ref(
    "Guide ENT premier degré",
    "« Organisation du déploiement »",
    "expérimentation, écoles pilotes, généralisation",
)
TRANCHES = Ref("CCP", "art. R2113-4 à R2113-6", "marché à tranches")
ACCORD_CADRE = Ref("CCP", "art. R2162-4", "accord-cadre avec un maximum")
UNITE = Ref("CCP", "art. R2121-6", "unité fonctionnelle : pilote et généralisation forment un seul besoin")


# --- facteurs ------------------------------------------------------------------------------------------


@regle(
    "EXP-FACTEUR-ECOLES",
    "Plusieurs écoles à équiper",
    Projet(ent_existant="aucun", nombre_ecoles=MATCH.ecoles),
    Taille(categorie=~L("petit")),
    references=[GUIDE],
    explication="Au-delà de quelques écoles, une expérimentation permet d'ajuster la solution et l'accompagnement avant de généraliser.",
    conclut=FacteurExperimentation,
)
def facteur_ecoles(moteur, ecoles):
    moteur.conclure(
        FacteurExperimentation(facteur="ecoles"),
        f"{nombre(ecoles)} écoles sont à équiper : mieux vaut ajuster sur quelques-unes avant de généraliser.",
    )


@regle(
    "EXP-FACTEUR-USAGES",
    "Usages numériques faibles",
    Projet(ent_existant="aucun", usages_numeriques="faibles"),
    references=[GUIDE],
    explication="Avec des usages numériques faibles, une expérimentation avec des enseignants volontaires prépare l'appropriation.",
    conclut=FacteurExperimentation,
)
def facteur_usages(moteur):
    moteur.conclure(
        FacteurExperimentation(facteur="usages"),
        "Les usages numériques des enseignants sont faibles : des volontaires ouvrent la voie et deviennent personnes-ressources.",
    )


@regle(
    "EXP-FACTEUR-EQUIPEMENT",
    "Équipement ou connectivité insuffisants",
    Projet(ent_existant="aucun", equipement_ecoles="insuffisant"),
    references=[GUIDE],
    explication="Un équipement insuffisant est un préalable à corriger avant le pilote, pas une raison de s'en passer : l'expérimentation vérifie les conditions d'accès.",
    conclut=FacteurExperimentation,
)
def facteur_equipement(moteur):
    moteur.conclure(
        FacteurExperimentation(facteur="equipement"),
        "L'équipement ou la connectivité des écoles est insuffisant : l'expérimentation vérifiera les conditions d'accès, "
        "une fois l'équipement des écoles pilotes corrigé.",
    )


@regle(
    "EXP-FACTEUR-BESOIN",
    "Besoin non standard",
    Projet(ent_existant="aucun", besoin=MATCH.besoin & ~L("standard")),
    references=[GUIDE],
    explication="Des adaptations ou une solution spécifique se valident sur un périmètre réduit avant la généralisation.",
    conclut=FacteurExperimentation,
)
def facteur_besoin(moteur, besoin):
    mot = "des adaptations" if besoin == "adaptations" else "une solution spécifique"
    moteur.conclure(
        FacteurExperimentation(facteur="besoin"),
        f"Le besoin appelle {mot}, à valider sur un périmètre réduit.",
    )


@regle(
    "EXP-FACTEUR-GOUVERNANCE",
    "Gouvernance à plusieurs partenaires : un groupement à former",
    Projet(ent_existant="aucun"),
    Voie(voie="groupement_commandes", existant=False),
    references=[GUIDE, Ref("Guide ENT premier degré", "« Pilotage du projet »")],
    explication="Plusieurs collectivités qui achètent ensemble doivent apprendre à décider ensemble : l'expérimentation rode le comité de pilotage.",
    conclut=FacteurExperimentation,
)
def facteur_gouvernance(moteur):
    moteur.conclure(
        FacteurExperimentation(facteur="gouvernance"),
        "Plusieurs collectivités achètent et pilotent ensemble : l'expérimentation rode le comité de pilotage.",
    )


@regle(
    "EXP-FACTEUR-GOUVERNANCE-MANDAT",
    "Gouvernance à plusieurs partenaires : un porteur qui achète pour ses communes",
    Projet(ent_existant="aucun"),
    Acheteur(nature="porteur_mandate"),
    references=[GUIDE, Ref("Guide ENT premier degré", "« Pilotage du projet »")],
    explication="Quand un porteur achète pour des communes qui gardent la compétence scolaire, chacune doit être associée aux décisions : l'expérimentation rode ce pilotage.",
    conclut=FacteurExperimentation,
)
def facteur_gouvernance_mandat(moteur):
    moteur.conclure(
        FacteurExperimentation(facteur="gouvernance"),
        "Le porteur achète pour des communes qui gardent la compétence scolaire : l'expérimentation rode leur pilotage commun.",
    )


# --- décision ---------------------------------------------------------------------------------------------


@regle(
    "EXP-MIGRATION",
    "ENT déjà généralisé : pas d'expérimentation, un plan de transition",
    Projet(ent_existant="generalise"),
    references=[
        GUIDE,
        Ref(
            "Arrêt TA Lyon",
            "11 juillet 2025",
            "pas de prolongation d'un accord-cadre échu",
            nature="decision",
        ),
    ],
    explication=(
        "Quand un ENT équivalent est déjà généralisé, le changement de solution est une migration : pas d'expérimentation, "
        "mais un plan de transition (réversibilité, reprise des comptes et des données, période de recouvrement)."
    ),
    conclut=Experimentation,
    exception_de=("EXP-RECOMMANDEE", "EXP-NON-NECESSAIRE"),
)
def migration(moteur):
    moteur.conclure(
        Experimentation(recommandee=False, motif="migration"),
        "Un ENT est déjà généralisé : le nouveau marché organise une migration (reprise des comptes et des données, "
        "recouvrement entre l'ancien et le nouveau titulaire), pas une expérimentation.",
    )


@regle(
    "EXP-BILAN-PARTIEL",
    "ENT partiel : le bilan des écoles équipées tient lieu d'expérimentation",
    Projet(ent_existant="partiel"),
    references=[GUIDE, Ref("Guide ENT premier degré", "« Évaluation »")],
    explication="Quand des écoles utilisent déjà un ENT, le bilan de leurs usages joue le rôle d'une expérimentation avant la généralisation.",
    conclut=Experimentation,
    exception_de=("EXP-RECOMMANDEE", "EXP-NON-NECESSAIRE"),
)
def bilan_partiel(moteur):
    moteur.conclure(
        Experimentation(recommandee=False, motif="bilan_existant"),
        "Des écoles utilisent déjà un ENT : dressez le bilan de leurs usages avec l'IEN et les directeurs ; ces écoles "
        "servent d'écoles pilotes et la généralisation peut suivre sans nouvelle expérimentation.",
    )


@regle(
    "EXP-OFFRE-EPROUVEE",
    "Offre mutualisée éprouvée et usages établis : démarrer par des écoles volontaires",
    Projet(ent_existant="aucun", usages_numeriques=L("moyens") | L("avances")),
    Voie(procedure_requise=False),
    references=[GUIDE, Ref("CCP", "art. L2113-4")],
    explication=(
        "Un ENT mutualisé déjà déployé dans le département a fait ses preuves ; avec des usages moyens ou avancés, "
        "l'expérimentation est inutile : on démarre par les écoles volontaires."
    ),
    conclut=Experimentation,
    exception_de=("EXP-RECOMMANDEE", "EXP-NON-NECESSAIRE"),
)
def offre_eprouvee(moteur):
    moteur.conclure(
        Experimentation(recommandee=False, motif="offre_eprouvee"),
        "L'ENT de l'offre mutualisée est déjà utilisé dans d'autres écoles et les usages sont établis : commencez par les "
        "écoles volontaires, sans phase d'expérimentation.",
    )


@regle(
    "EXP-RECOMMANDEE",
    "Expérimentation recommandée",
    Projet(ent_existant="aucun", usages_numeriques=MATCH.usages),
    FacteurExperimentation(),
    NOT(Experimentation()),
    references=[GUIDE],
    explication="Il n'existe pas d'ENT et au moins un facteur justifie de commencer par une expérimentation.",
    conclut=Experimentation,
)
def recommandee(moteur, usages):
    moteur.conclure(
        Experimentation(recommandee=True, motif="facteurs"),
        "Il n'existe pas encore d'ENT : une expérimentation donnera une meilleure vision du projet et facilitera "
        "l'accompagnement des enseignants à l'arrivée de l'ENT.",
    )


@regle(
    "EXP-NON-NECESSAIRE",
    "Petit périmètre prêt : déploiement direct",
    Projet(ent_existant="aucun"),
    NOT(FacteurExperimentation()),
    NOT(Experimentation()),
    references=[GUIDE],
    explication="Pour un petit périmètre bien équipé, aux usages établis et au besoin standard, le déploiement peut être direct.",
    conclut=Experimentation,
)
def non_necessaire(moteur):
    moteur.conclure(
        Experimentation(recommandee=False, motif="perimetre_pret"),
        "Le périmètre est petit, équipé, les usages sont établis et le besoin est standard : le déploiement peut être "
        "direct, avec un suivi rapproché des premières semaines.",
    )


def _deroulement(moteur, etapes):
    for texte in etapes:
        moteur.noter("deroulement", texte=texte)


# --- format ------------------------------------------------------------------------------------------------


@regle(
    "EXP-FORMAT-CLASSES",
    "Format : quelques classes volontaires pendant un trimestre",
    Experimentation(recommandee=True),
    Taille(categorie="petit"),
    Projet(nombre_classes=MATCH.classes),
    references=[GUIDE],
    explication=(
        "Pour trois écoles au plus : quelques classes volontaires (la moitié des classes au plus, trois au plus) pendant "
        "le premier trimestre, bilan en décembre, puis généralisation dès le trimestre suivant, en janvier : les autres "
        "classes n'attendent pas une année scolaire."
    ),
    conclut=FormatExperimentation,
)
def format_classes(moteur, classes):
    volontaires = max(1, min(3, classes // 2))
    moteur.conclure(
        FormatExperimentation(
            format="classes",
            duree_mois=moteur.param("experimentation_classes_mois"),
            annees=0,
            ecoles_pilotes=0,
            classes_volontaires=volontaires,
        ),
        f"Sur un petit périmètre, {pluriel(volontaires, 'classe volontaire', 'classes volontaires')} pendant le premier trimestre "
        + ("suffit." if volontaires == 1 else "suffisent."),
    )
    _deroulement(
        moteur,
        [
            f"De la rentrée à décembre : {pluriel(volontaires, 'classe volontaire', 'classes volontaires')} "
            f"{'utilise' if volontaires == 1 else 'utilisent'} l'ENT (cahier de textes, blog, messagerie avec les familles).",
            "En décembre : bilan avec les enseignants et l'IEN, décision du comité de pilotage ; ajustement du paramétrage "
            "et de la formation.",
            "Dès janvier : généralisation à toutes les classes ; évaluation des usages en mai-juin.",
        ],
    )


@regle(
    "EXP-FORMAT-ECOLES-PILOTES",
    "Format : des écoles pilotes pendant une année scolaire",
    Experimentation(recommandee=True),
    Taille(categorie="moyen"),
    Projet(nombre_ecoles=MATCH.ecoles),
    references=[GUIDE],
    explication="Au-delà d'un petit périmètre et jusqu'à un grand : une part des écoles, volontaires (un minimum en paramètre), pilotes pendant une année scolaire.",
    conclut=FormatExperimentation,
)
def format_ecoles_pilotes(moteur, ecoles):
    pilotes = calc.pilot_schools(
        ecoles, moteur.param("part_ecoles_pilotes"), moteur.param("ecoles_pilotes_minimum")
    )
    moteur.conclure(
        FormatExperimentation(
            format="ecoles_pilotes",
            duree_mois=moteur.param("experimentation_ecoles_mois"),
            annees=1,
            ecoles_pilotes=pilotes,
            classes_volontaires=0,
        ),
        f"{pilotes} écoles pilotes volontaires sur {nombre(ecoles)} expérimentent pendant une année scolaire.",
    )
    _deroulement(
        moteur,
        [
            f"Avant la rentrée : choisir {pilotes} écoles pilotes volontaires (environ {pourcentage(moteur.param('part_ecoles_pilotes'))} des écoles), former leurs directeurs et enseignants.",
            "De septembre à juin : usage dans les écoles pilotes, suivi trimestriel par l'IEN et les conseillers numériques.",
            "En mai-juin : évaluation des usages et décision du comité de pilotage ; généralisation à la rentrée suivante.",
        ],
    )


@regle(
    "EXP-FORMAT-CLASSES-PUIS-ECOLES",
    "Format : des classes volontaires, puis des écoles pilotes, puis des vagues",
    Experimentation(recommandee=True),
    Taille(categorie="grand"),
    Projet(nombre_ecoles=MATCH.ecoles),
    references=[GUIDE],
    explication="Pour un grand périmètre : des classes volontaires, puis des écoles pilotes, puis une généralisation par vagues (durée en paramètre).",
    conclut=FormatExperimentation,
)
def format_classes_puis_ecoles(moteur, ecoles):
    pilotes = calc.pilot_schools(
        ecoles, moteur.param("part_ecoles_pilotes"), moteur.param("ecoles_pilotes_minimum")
    )
    moteur.conclure(
        FormatExperimentation(
            format="classes_puis_ecoles_pilotes",
            duree_mois=moteur.param("experimentation_ecoles_mois"),
            annees=1,
            ecoles_pilotes=pilotes,
            classes_volontaires=0,  # how many volunteer classes is left to the IEN: no source gives a number
        ),
        f"Sur {nombre(ecoles)} écoles : des classes volontaires au premier trimestre, puis {pilotes} écoles pilotes jusqu'en juin, "
        f"puis la généralisation par vagues sur {pluriel(moteur.param('generalisation_annees_grand_perimetre'), 'année scolaire', 'années scolaires')}.",
    )
    _deroulement(
        moteur,
        [
            "Premier trimestre : des classes volontaires dans plusieurs écoles testent l'ENT et le paramétrage.",
            f"De janvier à juin : {pilotes} écoles pilotes entières (environ {pourcentage(moteur.param('part_ecoles_pilotes'))} des écoles, volontaires) prennent le relais.",
            "En mai-juin : évaluation et décision du comité de pilotage.",
            f"Les {pluriel(moteur.param('generalisation_annees_grand_perimetre'), 'année suivante', 'années suivantes')} : généralisation par vagues (par circonscription ou par secteur), chacune évaluée en fin d'année.",
        ],
    )


@regle(
    "EXP-VEHICULE",
    "Un seul contrat pour le pilote et la généralisation",
    Experimentation(recommandee=True),
    Voie(procedure_requise=True),
    references=[UNITE, TRANCHES, ACCORD_CADRE],
    explication=(
        "Le pilote et la généralisation du même ENT forment un seul besoin : ils tiennent dans un seul contrat (tranche "
        "ferme pour le pilote, tranche optionnelle pour la généralisation, ou accord-cadre dont le maximum couvre la "
        "généralisation), avec une sortie si l'évaluation est négative ; jamais un petit marché séparé qui scinderait le besoin."
    ),
    strate=Strate.FORMAT,
)
def vehicule(moteur):
    moteur.noter(
        "vehicule",
        texte=(
            "Un seul contrat couvre le pilote et la généralisation : accord-cadre à bons de commande dont le maximum couvre "
            "la généralisation (ou marché à tranche ferme pour le pilote et tranche optionnelle pour la généralisation), "
            "avec une clause de sortie si l'évaluation est négative. Un marché séparé pour le seul pilote scinderait le besoin."
        ),
    )


@regle(
    "EXP-VEHICULE-ADHESION",
    "Le pilote se commande sur le marché de la centrale ou du groupement",
    Experimentation(recommandee=True),
    Voie(procedure_requise=False),
    references=[Ref("CCP", "art. L2113-4"), Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes")],
    explication=(
        "Par une adhésion, le marché est celui de la centrale ou du groupement : le pilote se fait par des commandes "
        "limitées aux écoles pilotes, la généralisation par les commandes suivantes ; il n'y a ni contrat propre ni tranches."
    ),
    strate=Strate.FORMAT,
)
def vehicule_adhesion(moteur):
    moteur.noter(
        "vehicule",
        texte=(
            "Par l'adhésion, le marché est celui de la centrale ou du groupement : commandez d'abord pour les seules écoles "
            "ou classes pilotes, puis pour toutes les écoles après la décision de généralisation. Aucun contrat propre ni "
            "tranche n'est à passer ; vérifiez que le marché permet ces commandes progressives."
        ),
    )


@regle(
    "EXP-EQUIPEMENT-PREALABLE",
    "Corriger l'équipement des écoles pilotes d'abord",
    Experimentation(recommandee=True),
    Projet(equipement_ecoles="insuffisant"),
    references=[
        GUIDE,
        Ref(
            "Guide ENT premier degré",
            "facteur de réussite « des conditions d'accès à l'ENT compatibles avec l'évolution des usages »",
        ),
    ],
    explication="L'équipement et la connectivité des écoles pilotes sont remis à niveau avant le pilote, faute de quoi l'évaluation mesurerait l'équipement, pas l'ENT.",
    strate=Strate.FORMAT,
)
def equipement_prealable(moteur):
    moteur.noter(
        "deroulement",
        texte="Avant le pilote : remettre à niveau l'équipement et la connexion des écoles pilotes (sinon l'évaluation mesure l'équipement, pas l'ENT).",
    )
