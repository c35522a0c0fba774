"""Le périmètre et la valeur estimée du besoin.

Question : combien d'élèves, à quel prix, sur quelle durée — et où la valeur estimée se place-t-elle
par rapport aux seuils en vigueur à la date de lancement ?

La valeur estimée se calcule sur la durée totale du contrat, reconductions comprises, tous lots et
tous membres d'un groupement confondus (CCP art. R2121-1 à R2121-9) ; scinder le besoin pour rester
sous un seuil est irrégulier. L'expérimentation et la généralisation du même ENT forment un seul besoin.

Limites : le prix par élève est une hypothèse tant qu'aucun devis n'est connu ; les comptes parents
et enseignants ne sont pas comptés à part (un prix « par élève » les inclut d'ordinaire).
"""

from entadvisor import calculations as calc
from entadvisor.facts import (
    MATCH,
    TEST,
    Duree,
    Effectif,
    L,
    PetitAcheteur,
    Prix,
    Projet,
    Ref,
    Seuils,
    Strate,
    Taille,
    Tranche,
    ValeurEstimee,
    Voie,
    regle,
)
from entadvisor.formatting import montant, nombre, pluriel, pourcentage

R2121 = Ref("CCP", "art. R2121-1 à R2121-9", "calcul de la valeur estimée du besoin")


@regle(
    "VAL-ELEVES-DONNES",
    "Effectif d'élèves donné",
    Projet(nombre_eleves=MATCH.eleves & ~L(None)),
    references=[R2121],
    explication="L'effectif d'élèves donné dans les réponses sert au calcul de la valeur estimée.",
    conclut=Effectif,
)
def eleves_donnes(moteur, eleves):
    moteur.conclure(Effectif(eleves=eleves, estime=False))


@regle(
    "VAL-ELEVES-ESTIMES",
    "Effectif d'élèves estimé à partir des classes",
    Projet(nombre_eleves=None, nombre_classes=MATCH.classes),
    references=[R2121],
    explication="Sans effectif connu, il est estimé à partir du nombre de classes et d'un effectif moyen par classe ; l'avis le signale.",
    conclut=Effectif,
)
def eleves_estimes(moteur, classes):
    par_classe = moteur.param("eleves_par_classe")
    eleves = calc.estimated_pupils(classes, par_classe)
    moteur.conclure(
        Effectif(eleves=eleves, estime=True),
        f"L'effectif n'est pas connu : {nombre(eleves)} élèves sont estimés ({nombre(classes)} classes × {par_classe} élèves en moyenne).",
    )
    moteur.noter(
        "vigilance",
        code="eleves_estimes",
        message=(
            f"L'effectif d'élèves est estimé ({nombre(eleves)} élèves pour {nombre(classes)} classes, à {par_classe} élèves par classe). "
            "Remplacez-le par l'effectif réel (base élèves ONDE, directeurs d'école) : il fait la valeur estimée du besoin."
        ),
    )


@regle(
    "VAL-PRIX-DONNE",
    "Prix par élève donné",
    Projet(prix_eleve_an_ht=MATCH.prix & ~L(None)),
    references=[R2121],
    explication="Le prix par élève et par an donné (devis, marché comparable) sert au calcul de la valeur estimée.",
    conclut=Prix,
)
def prix_donne(moteur, prix):
    bas, haut = (
        moteur.param("prix_eleve_an_ht_minimum_plausible"),
        moteur.param("prix_eleve_an_ht_maximum_plausible"),
    )
    moteur.conclure(Prix(prix=float(prix), par_defaut=False, atypique=not bas <= prix <= haut))


@regle(
    "VAL-PRIX-DEFAUT",
    "Prix par élève par défaut (hypothèse)",
    Projet(prix_eleve_an_ht=None),
    references=[
        R2121,
        Ref("Ordres de grandeur publics des prix des ENT du premier degré", "", "2014-2022"),
    ],
    explication="Sans prix connu, un prix par élève et par an par défaut est retenu comme hypothèse, à remplacer par un devis.",
    conclut=Prix,
)
def prix_defaut(moteur):
    prix = float(moteur.param("prix_eleve_an_ht_defaut"))
    moteur.conclure(
        Prix(prix=prix, par_defaut=True, atypique=False),
        f"Prix retenu par hypothèse : {montant(prix)} par élève et par an.",
    )
    moteur.noter(
        "vigilance",
        code="prix_par_defaut",
        message=(
            f"Le prix par élève ({montant(prix)} par an) est une hypothèse. Demandez des devis ou consultez des marchés "
            "comparables (centrale d'achat, collectivités voisines) : la procédure dépend de ce prix."
        ),
    )


@regle(
    "VAL-TAILLE",
    "Taille du périmètre",
    Projet(nombre_ecoles=MATCH.ecoles),
    references=[
        Ref(
            "Guide ENT premier degré",
            ": « le nombre d'écoles à équiper et la structure de la collectivité peuvent avoir un impact sur la durée de certaines étapes »",
        )
    ],
    explication="Le nombre d'écoles classe le périmètre en petit, moyen ou grand ; la taille règle le format de l'expérimentation et la durée de la généralisation.",
    conclut=Taille,
)
def taille(moteur, ecoles):
    petit = moteur.param("petit_acheteur_ecoles")
    grand = moteur.param("grand_perimetre_ecoles")
    categorie = calc.size_category(ecoles, petit, grand)
    texte = {
        "petit": f"C'est un petit périmètre (jusqu'à {pluriel(petit, 'école')}) : les étapes peuvent être courtes.",
        "moyen": f"C'est un périmètre moyen (de {nombre(petit + 1)} à {nombre(grand)} écoles).",
        "grand": (
            f"C'est un grand périmètre (plus de {pluriel(grand, 'école')}) : la généralisation se fait par vagues "
            "et les étapes durent plus longtemps."
        ),
    }[categorie]
    moteur.conclure(Taille(categorie=categorie, texte=texte))


@regle(
    "VAL-PETIT-ACHETEUR-ECOLES",
    "Petit acheteur : quelques écoles",
    Taille(categorie="petit"),
    references=[Ref("Jugement d'expert", ": pratique des mutualisations", "AVICCA, 2021")],
    explication="Avec trois écoles au plus, l'acheteur est dit petit : une offre mutualisée lui est d'abord conseillée.",
    conclut=PetitAcheteur,
)
def petit_acheteur_ecoles(moteur):
    moteur.conclure(PetitAcheteur())


@regle(
    "VAL-PETIT-ACHETEUR-SANS-SERVICE",
    "Petit acheteur : pas de service des marchés",
    Projet(service_marches=False),
    references=[Ref("Jugement d'expert", ": pratique des mutualisations", "AVICCA, 2021")],
    explication="Sans service ni agent chargé des marchés, l'acheteur est dit petit, quelle que soit la taille du périmètre.",
    conclut=PetitAcheteur,
)
def petit_acheteur_sans_service(moteur):
    moteur.conclure(PetitAcheteur())


@regle(
    "VAL-MONTANT",
    "Valeur estimée du besoin sur toute la durée",
    Effectif(eleves=MATCH.eleves),
    Prix(prix=MATCH.prix),
    Duree(annees_contrat=MATCH.annees),
    Projet(couts_ponctuels_ht=MATCH.ponctuels, nombre_eleves_second_degre=MATCH.second_degre),
    Voie(voie=MATCH.voie, besoins_membres_comptes=MATCH.complet, existant=MATCH.existant),
    references=[
        R2121,
        Ref("CCP", "art. R2121-6", "unité fonctionnelle"),
        Ref("CCP", "art. R2121-8", "accord-cadre : montant maximal sur toute la durée"),
    ],
    explication=(
        "Valeur estimée = élèves (des deux degrés quand les lots du second degré sont dans la même procédure) × prix par "
        "élève et par an × années du contrat (reconductions comprises) + coûts ponctuels ; pour un groupement, elle compte "
        "le besoin de tous les membres — et le dit quand les réponses ne donnent que celui de l'acheteur."
    ),
    conclut=ValeurEstimee,
)
def montant_estime(moteur, eleves, prix, annees, ponctuels, second_degre, voie, complet, existant):
    total = eleves + (second_degre or 0)
    valeur = calc.estimated_value(total, prix, annees, ponctuels)
    compte = (
        f"({nombre(eleves)} élèves des écoles + {nombre(second_degre)} des collèges et lycées)"
        if second_degre
        else f"{nombre(eleves)} élèves"
    )
    formule = (
        f"{compte} × {montant(prix)} par an × {annees} ans"
        + (f" + {montant(ponctuels)} de coûts ponctuels" if ponctuels else "")
        + f" = {montant(valeur)}"
    )
    if voie == "groupement_commandes":
        if complet:
            perimetre = "le besoin additionné de tous les membres du groupement"
        elif existant:
            perimetre = "les seules écoles de l'acheteur, que le coordonnateur additionne au besoin des autres membres"
        else:
            perimetre = (
                "les seules écoles de l'acheteur : le besoin des partenaires du groupement reste à ajouter"
            )
    else:
        perimetre = "toutes les écoles du périmètre" + (
            ", collèges et lycées compris" if second_degre else ""
        )
    texte = f"{formule}, sur toute la durée du contrat, reconductions comprises ; elle compte {perimetre}."
    moteur.conclure(ValeurEstimee(montant=valeur, formule=formule, perimetre=perimetre), texte)


@regle(
    "VAL-SECOND-DEGRE-MANQUANT",
    "Les lots du second degré manquent à la valeur estimée",
    Projet(degres="premier_et_second_degre", nombre_eleves_second_degre=None),
    references=[R2121, Ref("CCP", "art. L2113-10", "allotissement")],
    explication=(
        "La valeur estimée d'une procédure compte tous ses lots : quand le projet couvre aussi les collèges et lycées sans "
        "en donner l'effectif, la valeur ne compte que le premier degré et le conseil le dit."
    ),
    strate=Strate.VIGILANCE,
)
def second_degre_manquant(moteur):
    moteur.noter(
        "vigilance",
        code="valeur_incomplete",
        message=(
            "Le projet couvre aussi des collèges ou des lycées, mais leur effectif n'est pas donné : la valeur estimée ne "
            "compte que les écoles. Tous les lots d'une même procédure s'additionnent (R2121-1) : indiquez le nombre "
            "d'élèves du second degré (« nombre_eleves_second_degre ») avant de choisir la procédure."
        ),
    )


@regle(
    "VAL-PRIX-ATYPIQUE",
    "Prix par élève hors des ordres de grandeur connus",
    Prix(prix=MATCH.prix, atypique=True),
    references=[Ref("Ordres de grandeur publics des ENT du premier degré", "", "2014-2022")],
    explication=(
        "Un prix par élève et par an hors de la fourchette documentée (paramètres datés) sort de tous les ordres de "
        "grandeur connus : un devis doit le confirmer avant de choisir la procédure."
    ),
    strate=Strate.VIGILANCE,
)
def prix_atypique(moteur, prix):
    bas, haut = (
        moteur.param("prix_eleve_an_ht_minimum_plausible"),
        moteur.param("prix_eleve_an_ht_maximum_plausible"),
    )
    moteur.noter(
        "vigilance",
        code="prix_atypique",
        message=(
            f"Le prix donné ({montant(prix)} par élève et par an) sort des ordres de grandeur documentés, de {montant(bas)} "
            f"à {montant(haut)} : vérifiez-le (prix par élève et par an, hors taxes) et demandez un devis, car la "
            "procédure en dépend."
        ),
    )


@regle(
    "VAL-COUTS-PONCTUELS-NULS",
    "Aucun coût ponctuel pour un grand déploiement",
    Taille(categorie="grand"),
    Projet(couts_ponctuels_ht=0, nombre_ecoles=MATCH.ecoles),
    references=[R2121],
    explication=(
        "Un grand déploiement a presque toujours des coûts ponctuels (paramétrage, reprise des données, formation) : les "
        "omettre sous-estime la valeur du besoin."
    ),
    strate=Strate.VIGILANCE,
)
def couts_ponctuels_nuls(moteur, ecoles):
    moteur.noter(
        "vigilance",
        code="couts_ponctuels_nuls",
        message=(
            f"Aucun coût ponctuel n'est prévu pour {nombre(ecoles)} écoles : paramétrage, reprise des données et formation "
            "initiale en ont presque toujours. Estimez-les (devis, marchés comparables) : ils comptent dans la valeur du besoin."
        ),
    )


@regle(
    "VAL-TRANCHE-SOUS-DISPENSE",
    "Valeur sous le seuil de dispense",
    ValeurEstimee(montant=MATCH.v),
    Seuils(dispense=MATCH.dispense),
    TEST(lambda v, dispense: v < dispense),
    references=[Ref("CCP", "art. R2122-8")],
    explication="La valeur estimée est inférieure au seuil de dispense de publicité et de mise en concurrence en vigueur à la date de lancement.",
    conclut=Tranche,
)
def sous_dispense(moteur, v, dispense):
    moteur.conclure(
        Tranche(tranche="sous_dispense"),
        f"{montant(v)} est inférieur au seuil de dispense de {montant(dispense)}.",
    )


@regle(
    "VAL-TRANCHE-MAPA",
    "Valeur entre le seuil de dispense et le seuil de publicité",
    ValeurEstimee(montant=MATCH.v),
    Seuils(dispense=MATCH.dispense, publicite=MATCH.publicite, europeen=MATCH.europeen),
    TEST(lambda v, dispense, publicite, europeen: dispense <= v < min(publicite, europeen)),
    references=[Ref("CCP", "art. R2122-8"), Ref("CCP", "art. R2123-1 1°"), Ref("CCP", "art. R2131-12")],
    explication="La valeur estimée atteint le seuil de dispense sans atteindre le seuil de publicité au BOAMP ou dans un JAL.",
    conclut=Tranche,
)
def tranche_mapa(moteur, v, dispense, publicite):
    moteur.conclure(
        Tranche(tranche="mapa"),
        f"{montant(v)} atteint le seuil de dispense ({montant(dispense)}) mais reste sous le seuil de publicité de {montant(publicite)}.",
    )


@regle(
    "VAL-TRANCHE-MAPA-PUBLICITE",
    "Valeur entre le seuil de publicité et le seuil européen",
    ValeurEstimee(montant=MATCH.v),
    Seuils(publicite=MATCH.publicite, europeen=MATCH.europeen),
    TEST(lambda v, publicite, europeen: publicite <= v < europeen),
    references=[Ref("CCP", "art. R2123-1 1°"), Ref("CCP", "art. R2131-12")],
    explication="La valeur estimée atteint le seuil de publicité au BOAMP ou dans un JAL sans atteindre le seuil européen.",
    conclut=Tranche,
)
def tranche_mapa_publicite(moteur, v, publicite, europeen):
    moteur.conclure(
        Tranche(tranche="mapa_publicite"),
        f"{montant(v)} atteint le seuil de publicité ({montant(publicite)}) mais reste sous le seuil européen de {montant(europeen)}.",
    )


@regle(
    "VAL-TRANCHE-FORMALISEE",
    "Valeur au-dessus du seuil européen",
    ValeurEstimee(montant=MATCH.v),
    Seuils(europeen=MATCH.europeen),
    TEST(lambda v, europeen: v >= europeen),
    references=[
        Ref("CCP", "art. L2124-1"),
        Ref("CCP", "art. R2124-1"),
        Ref("CCP", "annexe 2", "seuils européens"),
    ],
    explication="La valeur estimée atteint le seuil européen : une procédure formalisée est obligatoire.",
    conclut=Tranche,
)
def tranche_formalisee(moteur, v, europeen):
    moteur.conclure(
        Tranche(tranche="formalisee"),
        f"{montant(v)} atteint le seuil européen de {montant(europeen)} : une procédure formalisée s'impose.",
    )


@regle(
    "VAL-SEUIL-PROCHE",
    "Valeur proche d'un seuil",
    ValeurEstimee(montant=MATCH.v),
    Seuils(dispense=MATCH.dispense, publicite=MATCH.publicite, europeen=MATCH.europeen, marge=MATCH.marge),
    TEST(
        lambda v, dispense, publicite, europeen, marge: bool(
            calc.near_thresholds(v, {"d": dispense, "p": publicite, "e": europeen}, marge)
        )
    ),
    references=[R2121, Ref("CCP", "art. R2122-8"), Ref("CCP", "art. R2131-12"), Ref("CCP", "annexe 2")],
    explication="Près d'un seuil (marge en paramètre), un devis ou un effectif un peu différent changerait la procédure : la valeur doit être fiabilisée.",
    strate=Strate.VIGILANCE,
)
def seuil_proche(moteur, v, dispense, publicite, europeen, marge):
    noms = {
        "seuil de dispense": dispense,
        "seuil de publicité au BOAMP ou dans un JAL": publicite,
        "seuil européen": europeen,
    }
    nom = calc.near_thresholds(v, noms, marge)[0]
    cote = "juste sous le" if v < noms[nom] else "juste au-dessus du"
    moteur.noter(
        "vigilance",
        code="seuil_proche",
        message=(
            f"La valeur estimée ({montant(v)}) est {cote} {nom} ({montant(noms[nom])}), à moins de {pourcentage(marge)}. "
            "Fiabilisez l'effectif et le prix avant de choisir la procédure ; en cas de doute, retenez la procédure du seuil supérieur. "
            "Découper le besoin pour rester sous un seuil est irrégulier."
        ),
    )
