"""La décision à prendre : la forme de l'acte (délibération ou décision de l'exécutif), son contenu, et
les trois prochaines actions avec qui les fait.

- L'assemblée délibérante règle les affaires de la collectivité (CGCT art. L2121-29 pour la commune,
  L3211-1 pour le département ; L5211-1 pour un EPCI) ; la délibération qui charge l'exécutif de
  souscrire un marché déterminé peut être prise avant le lancement : elle précise alors l'étendue du
  besoin et le montant prévisionnel (CGCT art. L2122-21-1, rendu applicable au président d'un EPCI par
  L5211-2 ; L3221-11-1 pour le département).
- Exception : quand l'assemblée a délégué à l'exécutif « toute décision concernant la préparation, la
  passation, l'exécution et le règlement des marchés et des accords-cadres » lorsque les crédits sont
  inscrits au budget (CGCT art. L2122-22 4° pour le maire ; L5211-10 pour le président d'un EPCI ou d'un
  syndicat de communes ; L3221-11 pour le président du conseil départemental), et que le montant reste
  sous le plafond éventuel de cette délégation, une décision de l'exécutif suffit ; il en rend compte
  à l'assemblée (L2122-23, L5211-10, L3221-11).
- Les montants sont écrits HT et TTC, au taux normal de la TVA en vigueur (CGI art. 278) ; pour un
  accord-cadre, le montant est un montant maximum (CCP art. R2162-4).
- L'adhésion à une centrale d'achat et la convention constitutive d'un groupement de commandes sont
  approuvées par l'assemblée délibérante.

Limites : le règlement intérieur de l'assemblée, les délégations à une commission permanente ou au
bureau, et le contenu exact de la délibération de délégation (sa date, ses plafonds par type d'achat)
ne sont pas modélisés : la réponse « plafond_delegation_ht » en donne le seul montant.
"""

from entadvisor.facts import (
    MATCH,
    TEST,
    Contexte,
    Contrat,
    Experimentation,
    Passation,
    Planning,
    Prix,
    Projet,
    Ref,
    Strate,
    ValeurEstimee,
    Voie,
    regle,
)
from entadvisor.formatting import date_fr, montant

L2121_29 = Ref(
    "CGCT", "art. L2121-29", "le conseil municipal règle par ses délibérations les affaires de la commune"
)
L2122_21_1 = Ref(
    "CGCT", "art. L2122-21-1", "délibération avant le lancement : étendue du besoin et montant prévisionnel"
)
L2122_22 = Ref(
    "CGCT", "art. L2122-22, 4°", "délégation au maire des décisions sur les marchés et accords-cadres"
)
L2122_23 = Ref("CGCT", "art. L2122-23", "décisions prises par délégation : compte rendu au conseil municipal")
L5211_10 = Ref("CGCT", "art. L5211-10", "délégation au président d'un EPCI")
L3221_11 = Ref("CGCT", "art. L3221-11", "délégation au président du conseil départemental")
L3221_11_1 = Ref(
    "CGCT",
    "art. L3221-11-1",
    "délibération du conseil départemental avant le lancement d'un marché déterminé",
)
R2162_4 = Ref("CCP", "art. R2162-4", "accord-cadre : montant ou quantité maximum")
GROUPEMENT = Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes")
CGI_278 = Ref("CGI", "art. 278", "taux normal de la TVA")

# porteur → (visa du CGCT, délégation possible : (article, compte rendu)) ; les mots de l'assemblée, de
# l'exécutif et de l'organe sont dans le lexique (rules/libelles.yaml, « organes »)
CGCT = {
    "commune": ("notamment ses articles L2121-29 et L2122-21-1", ("L2122-22, 4°", "L2122-23")),
    "epci": ("notamment ses articles L2122-21-1, L5211-1 et L5211-2", ("L5211-10", "L5211-10")),
    "syndicat_scolaire": ("notamment ses articles L2122-21-1, L5211-1 et L5211-2", ("L5211-10", "L5211-10")),
    "syndicat_mixte": ("", None),
    "departement": ("notamment ses articles L3211-1 et L3221-11-1", ("L3221-11", "L3221-11")),
    "autre": ("", None),
}
# porteur → l'article de la délibération prise avant le lancement (étendue du besoin, montant prévisionnel) :
# L2122-21-1 pour la commune, applicable au président d'un EPCI par L5211-2, L3221-11-1 pour le département
DELIBERATION_PREALABLE = {"departement": "L3221-11-1"}
# procédure → articles du CCP visés ; son nom dans l'acte est dans le lexique (« procedures », forme « acte »)
ARTICLES_PROCEDURE = {
    "sans_publicite": "R2122-8",
    "mapa": "L2123-1 et R2123-1",
    "appel_offres_ouvert": "L2124-2 et R2124-2",
    "appel_offres_restreint": "L2124-2 et R2124-2",
    "procedure_avec_negociation": "L2124-3 et R2124-3",
    "dialogue_competitif": "L2124-4 et R2124-5",
}
ACCORD_CADRE = "accord_cadre_bons_commande"
CHARGE = (
    "y compris l'acquisition et la maintenance des équipements et logiciels nécessaires à l'enseignement "
    "et aux échanges avec les familles"
)


def _organes(moteur, porteur):
    """(assemblée, exécutif, organe) of the carrier, in the words of the lexicon."""
    return tuple(moteur.libelle("organes", porteur, forme) for forme in ("assemblee", "executif", "organe"))


def _forme_acte(moteur, forme):
    """The contract form as the act names it (« un accord-cadre à bons de commande »), else « un marché »."""
    return moteur.knowledge.libelles.formes("formes_contrat", forme).get("acte", "un marché")


def _upper_first(texte):
    return texte[:1].upper() + texte[1:]


def _contracte(texte):
    """French contractions after a label is inserted: « de le maire » → « du maire », « à le » → « au »."""
    for long, court in ((" de le ", " du "), (" à le ", " au "), (" de les ", " des "), (" à les ", " aux ")):
        texte = texte.replace(long, court)
    return texte


def _noter_acte(moteur, **acte):
    for cle in ("titre", "auteur", "formule", "pourquoi"):
        acte[cle] = _contracte(acte[cle])
    for cle in ("visas", "considerants", "articles"):
        acte[cle] = [_contracte(t) for t in acte[cle]]
    moteur.noter("deliberation", **acte)


def _dans_delegation(porteur, voie, delegation, plafond, montant_ht):
    """The purchase falls within the executive's delegation: a delegation exists for this buyer and answered yes,
    the buyer runs its own consultation, and the value stays under the delegation's ceiling (if any)."""
    return (
        CGCT[porteur][1] is not None
        and voie == "procedure_propre"
        and delegation is True
        and (plafond is None or montant_ht <= plafond)
    )


def _ecoles(n, communes, porteur):
    base = "l'école publique" if n == 1 else f"les {n} écoles publiques"
    if communes > 1:
        return f"{base} des {communes} communes concernées"
    return f"{base} de la commune" if porteur == "commune" else f"{base} du territoire"


def _montants(moteur, montant_ht, forme):
    taux = float(moteur.param("taux_tva_normal"))
    ttc = round(montant_ht * (1 + taux), 2)
    mot = "montant maximum" if forme == ACCORD_CADRE else "montant prévisionnel"
    chiffres = (
        f"{montant(montant_ht)}, soit {montant(ttc, ht=False)} TTC au taux de TVA de {round(taux * 100)} %"
    )
    return taux, ttc, chiffres, f"d'un {mot} de {chiffres}"


def _considerants(p, organe, chiffres, recommandee):
    if p["competence_scolaire"] == "intercommunalite":
        charge = f"{organe} exerce la compétence scolaire et a, à ce titre, la charge des écoles publiques de son territoire, {CHARGE}"
    elif p["nombre_communes"] > 1:
        charge = f"les communes concernées ont la charge de leurs écoles publiques, {CHARGE}, et ont intérêt à acheter ensemble"
    else:
        charge = f"la commune a la charge de ses écoles publiques, {CHARGE}"
    considerants = [
        charge,
        "un espace numérique de travail (ENT) se déploie en partenariat avec les services de l'Éducation nationale, "
        "qui choisissent les services ouverts et accompagnent les écoles",
        "la valeur estimée du besoin, sur toute la durée du contrat, reconductions et coûts ponctuels compris, est de "
        + chiffres,
    ]
    if recommandee:
        considerants.append(
            "une expérimentation préalable, prévue dans le même contrat que la généralisation, permettra d'évaluer "
            "les usages avant de généraliser"
        )
    return considerants


def _visa_ccp(voie, procedure, forme):
    articles = []
    if voie == "centrale_achat":
        articles.append("L2113-2 à L2113-4")
    elif voie == "groupement_commandes":
        articles.append("L2113-6 à L2113-8")
    if procedure:
        articles.append(ARTICLES_PROCEDURE[procedure])
    if forme == ACCORD_CADRE:
        articles.append("L2125-1 et R2162-4")
    liste = ", ".join(articles)
    mot = "ses articles" if (len(articles) > 1 or " et " in liste or " à " in liste) else "son article"
    return f"Vu le code de la commande publique, notamment {mot} {liste} ;"


def duree_texte(duree_mois):
    annees, reste = divmod(duree_mois, 12)
    if reste:
        return f"d'une durée maximale de {duree_mois} mois"
    return f"d'une durée maximale de {annees} an{'s' if annees > 1 else ''}"


def _objet(moteur, voie, procedure, forme, duree_mois, montants_texte, organe):
    """The purchase in one clause: what is bought, how, for how long and for how much."""
    duree = duree_texte(duree_mois)
    if voie == "centrale_achat":
        return (
            f"l'adhésion de {organe} à la centrale d'achat qui propose l'offre d'ENT, pour des commandes {duree}, "
            f"{montants_texte}"
        )
    libelle = moteur.libelle("procedures", procedure, "acte") if procedure else None
    objet = f"{_forme_acte(moteur, forme)} portant sur un ENT, {duree}, {montants_texte}"
    if voie == "groupement_commandes" and procedure is None:
        return f"l'adhésion de {organe} au groupement de commandes existant, pour {objet}"
    if procedure == "sans_publicite":
        return f"la conclusion, après comparaison de plusieurs offres, d'{objet}"
    return f"le lancement d'une consultation par {libelle}, en vue de conclure {objet}"


@regle(
    "DELIB-DELIBERATION",
    "L'assemblée délibérante délibère sur l'achat",
    Projet(
        porteur=MATCH.porteur,
        delegation_marches=MATCH.delegation,
        plafond_delegation_ht=MATCH.plafond,
        competence_scolaire=MATCH.competence,
        nombre_communes=MATCH.communes,
        nombre_ecoles=MATCH.ecoles,
        convention_partenariat=MATCH.convention,
    ),
    Voie(voie=MATCH.voie),
    Passation(procedure=MATCH.procedure),
    ValeurEstimee(montant=MATCH.montant_ht),
    Contrat(forme=MATCH.forme, duree_mois=MATCH.duree_mois),
    Planning(notification=MATCH.notification),
    Experimentation(recommandee=MATCH.recommandee),
    TEST(
        lambda porteur, voie, delegation, plafond, montant_ht: (
            not _dans_delegation(porteur, voie, delegation, plafond, montant_ht)
        )
    ),
    references=[L2121_29, L2122_21_1, L3221_11_1, GROUPEMENT, R2162_4, CGI_278],
    explication=(
        "Sans délégation de l'assemblée à l'exécutif pour les marchés, ou hors de son plafond, ou pour adhérer à une "
        "centrale d'achat ou à un groupement, l'assemblée délibère : visas, considérants, puis articles numérotés, "
        "avec les montants HT et TTC."
    ),
    strate=Strate.VIGILANCE,
)
def deliberation(
    moteur,
    porteur,
    delegation,
    plafond,
    competence,
    communes,
    ecoles,
    convention,
    voie,
    procedure,
    montant_ht,
    forme,
    duree_mois,
    notification,
    recommandee,
):
    assemblee, executif, organe = _organes(moteur, porteur)
    visa_cgct = CGCT[porteur][0]
    taux, ttc, chiffres, montants_texte = _montants(moteur, montant_ht, forme)
    p = {"competence_scolaire": competence, "nombre_communes": communes}
    visas = [
        f"Vu le code général des collectivités territoriales{', ' + visa_cgct if visa_cgct else ''} ;",
        _visa_ccp(voie, procedure, forme),
        "Vu le code de l'éducation, notamment son article L212-4 ;",
    ]
    objet = _objet(moteur, voie, procedure, forme, duree_mois, montants_texte, organe)
    articles = _articles_deliberation(
        voie=voie, procedure=procedure, forme=forme, convention=convention, executif=executif, objet=objet,
        projet=f"{_ecoles(ecoles, communes, porteur)}", recommandee=recommandee, exercice=notification.year,
    )  # fmt: skip
    pourquoi = _pourquoi_deliberation(porteur, voie, procedure, delegation, plafond, assemblee, executif)
    _noter_acte(
        moteur,
        forme="deliberation",
        titre=f"Projet de délibération de {assemblee}",
        auteur=_upper_first(assemblee) + ",",
        formule=f"{_upper_first(assemblee)}, après en avoir délibéré, DÉCIDE :",
        visas=visas,
        considerants=_considerants(p, organe, chiffres, recommandee),
        articles=articles,
        montant_ht=montant_ht,
        montant_ttc=ttc,
        taux_tva=taux,
        montant_maximum=forme == ACCORD_CADRE,
        pourquoi=pourquoi,
    )


@regle(
    "DELIB-DECISION-DELEGATION",
    "Une décision de l'exécutif suffit quand l'achat entre dans sa délégation",
    Projet(
        porteur=MATCH.porteur,
        delegation_marches=MATCH.delegation,
        plafond_delegation_ht=MATCH.plafond,
        competence_scolaire=MATCH.competence,
        nombre_communes=MATCH.communes,
        nombre_ecoles=MATCH.ecoles,
    ),
    Voie(voie=MATCH.voie),
    Passation(procedure=MATCH.procedure),
    ValeurEstimee(montant=MATCH.montant_ht),
    Contrat(forme=MATCH.forme, duree_mois=MATCH.duree_mois),
    Planning(notification=MATCH.notification),
    Experimentation(recommandee=MATCH.recommandee),
    TEST(
        lambda porteur, voie, delegation, plafond, montant_ht: _dans_delegation(
            porteur, voie, delegation, plafond, montant_ht
        )
    ),
    references=[L2122_22, L2122_23, L5211_10, L3221_11, R2162_4, CGI_278],
    explication=(
        "Exception à DELIB-DELIBERATION : quand l'assemblée a délégué à l'exécutif les décisions sur les marchés et que "
        "le montant reste sous le plafond de la délégation, une décision de l'exécutif suffit, dont il rend compte."
    ),
    strate=Strate.VIGILANCE,
)
def decision_delegation(
    moteur, porteur, delegation, plafond, competence, communes, ecoles, voie, procedure, montant_ht, forme, duree_mois,
    notification, recommandee,
):  # fmt: skip
    assemblee, executif, organe = _organes(moteur, porteur)
    delegable = CGCT[porteur][1]
    article_delegation, article_compte_rendu = delegable
    taux, ttc, chiffres, montants_texte = _montants(moteur, montant_ht, forme)
    p = {"competence_scolaire": competence, "nombre_communes": communes}
    visas = [
        f"Vu le code général des collectivités territoriales, notamment ses articles {article_delegation}"
        + (f" et {article_compte_rendu}" if article_compte_rendu != article_delegation else "")
        + " ;",
        f"Vu la délibération de {assemblee} donnant délégation à {executif} en application de l'article "
        f"{article_delegation} du code général des collectivités territoriales (date et numéro à compléter) ;",
        _visa_ccp(voie, procedure, forme),
        "Vu le code de l'éducation, notamment son article L212-4 ;",
        f"Vu le budget de l'exercice {notification.year} ;",
    ]
    objet = f"{_forme_acte(moteur, forme)} portant sur un ENT, {duree_texte(duree_mois)}, {montants_texte}"
    action = (
        f"de conclure, après comparaison de plusieurs offres, {objet}"
        if procedure == "sans_publicite"
        else f"de lancer une consultation par {moteur.libelle('procedures', procedure, 'acte')}, en vue de conclure {objet}"
    )
    articles = [
        f"Il est décidé, pour déployer un espace numérique de travail (ENT) dans {_ecoles(ecoles, communes, porteur)}, "
        f"{action}"
        + (
            " ; le contrat prévoit une expérimentation préalable, dont le comité de pilotage évaluera les résultats "
            "avant la généralisation."
            if recommandee
            else "."
        ),
        f"{_upper_first(executif)} signera {'l’accord-cadre' if forme == ACCORD_CADRE else 'le marché'} qui en "
        "résultera et toutes les pièces qui s'y rapportent.".replace("’", "'"),
        f"Les dépenses correspondantes sont imputées sur les crédits inscrits au budget de l'exercice "
        f"{notification.year} et des exercices suivants.",
        f"La présente décision est inscrite au registre des décisions ; il en est rendu compte à {assemblee} lors "
        f"de sa prochaine réunion (CGCT art. {article_compte_rendu}).",
    ]
    plafond_texte = f", dans la limite de {montant(plafond)}" if plafond is not None else ""
    _noter_acte(
        moteur,
        forme="decision",
        titre=f"Projet de décision de {executif}",
        auteur=_upper_first(executif) + ",",
        formule="DÉCIDE :",
        visas=visas,
        considerants=_considerants(p, organe, chiffres, recommandee),
        articles=articles,
        montant_ht=montant_ht,
        montant_ttc=ttc,
        taux_tva=taux,
        montant_maximum=forme == ACCORD_CADRE,
        pourquoi=(
            f"{_upper_first(assemblee)} a délégué à {executif} les décisions sur les marchés (CGCT art. "
            f"{article_delegation}){plafond_texte} : une décision de {executif} suffit, si les crédits sont inscrits "
            f"au budget, et {executif} en rend compte à {assemblee}. Le projet lui-même (partenariat, convention "
            "avec l'Éducation nationale) peut toujours lui être présenté."
        ),
    )


# --- les trois prochaines actions -----------------------------------------------------------------------


def _services(porteur, service_marches):
    if service_marches:
        return "le service des marchés"
    return "le secrétariat de mairie" if porteur == "commune" else "les services administratifs"


def _echeance(date, aujourd_hui):
    """A due date still ahead, or None (« dès maintenant »)."""
    return date if date > aujourd_hui else None


@regle(
    "DELIB-ACTIONS",
    "Les trois prochaines actions, et qui les fait",
    Projet(
        porteur=MATCH.porteur,
        service_marches=MATCH.service_marches,
        offre_mutualisee=MATCH.offre,
        autorite_academique_associee=MATCH.associee,
        convention_partenariat=MATCH.convention,
        comite_pilotage=MATCH.copil,
    ),
    Contexte(date_analyse=MATCH.aujourd_hui),
    Voie(voie=MATCH.voie),
    Passation(procedure=MATCH.procedure),
    Prix(prix=MATCH.prix, par_defaut=MATCH.par_defaut),
    Planning(preparation=MATCH.preparation, lancement=MATCH.lancement, vote_budget_avant=MATCH.budget),
    references=[
        Ref("Guide ENT premier degré", "« Les facteurs clés de succès du projet ENT »"),
        Ref("CGCT", "art. L1612-2", "vote du budget primitif"),
    ],
    explication=(
        "Les actions qui débloquent le projet passent d'abord, dans cet ordre : savoir s'il existe une offre mutualisée, "
        "associer l'Éducation nationale, signer la convention, remplacer le prix supposé par des devis, réunir le comité "
        "de pilotage ; puis préparer le cahier des charges (ou vérifier le contrat de la centrale), inscrire les crédits "
        "et lancer l'achat. Les trois premières retenues sont dites, avec qui les fait et pour quand."
    ),
    strate=Strate.VIGILANCE,
)
def actions(
    moteur, porteur, service_marches, offre, associee, convention, copil, aujourd_hui, voie, procedure, prix,
    par_defaut, preparation, lancement, budget,
):  # fmt: skip
    executif = moteur.libelle("organes", porteur, "executif_et_adjoint")
    services = _services(porteur, service_marches)
    assemblee, executif_seul, _organe = _organes(moteur, porteur)
    candidates = []

    def ajouter(action, qui, date):
        candidates.append((action, qui, _echeance(date, aujourd_hui)))

    if offre == "ne_sait_pas":
        ajouter(
            "Demander au département, au syndicat numérique départemental ou à la centrale d'achat régionale s'il "
            "existe une offre d'ENT mutualisée, et à quel prix : la réponse peut changer la voie d'achat.",
            executif,
            preparation,
        )
    if not associee:
        ajouter(
            "Prendre contact avec l'IEN de circonscription et la DANE pour associer l'Éducation nationale au projet.",
            executif,
            preparation,
        )
    if convention != "signee":
        debut = "Finaliser et signer" if convention == "en_cours" else "Rédiger avec la DSDEN et signer"
        ajouter(
            f"{debut} la convention de partenariat avec l'Éducation nationale (engagements, rôles RGPD, financement).",
            executif,
            lancement,
        )
    if par_defaut:
        ajouter(
            f"Demander deux ou trois devis, ou le prix de l'offre mutualisée, pour remplacer le prix supposé de "
            f"{montant(prix)} par élève et par an.",
            services,
            budget,
        )
    if not copil:
        ajouter(
            "Réunir un comité de pilotage avec l'IEN, les directeurs d'école et les services.",
            executif,
            lancement,
        )
    if voie == "centrale_achat" or (voie == "groupement_commandes" and procedure is None):
        verifier = (
            "Vérifier que le contrat de la centrale ou du groupement couvre le déploiement, l'observation des "
            "usages et le renouvellement, avec la réversibilité et l'export des données."
        )
        ajouter(verifier, services, lancement)
    else:
        cahier = "Préparer le cahier des charges : besoins des écoles, conformité au SDET, réversibilité et export des données."
        ajouter(cahier, services, lancement)
    budget_qui = f"{assemblee}, sur proposition de {executif_seul}"
    ajouter(f"Inscrire les crédits au budget primitif (vote avant le {date_fr(budget)}).", budget_qui, budget)
    if voie == "centrale_achat":
        ajouter("Engager la démarche d'adhésion à la centrale d'achat.", services, lancement)
    elif procedure == "sans_publicite":
        ajouter("Demander les devis et choisir l'offre.", services, lancement)
    else:
        ajouter("Lancer la consultation.", services, lancement)
    for ordre, (action, qui, echeance) in enumerate(candidates[:3], start=1):
        moteur.noter("action", ordre=ordre, action=_contracte(action), qui=_contracte(qui), echeance=echeance)


def _articles_deliberation(
    *, voie, procedure, forme, convention, executif, objet, projet, recommandee, exercice
):
    """The numbered articles of the deliberation: the project, the groupement, the purchase, the signatures,
    the credits and who executes it."""
    experimentation = (
        ", en commençant par une expérimentation prévue dans le même contrat, dont le comité de pilotage "
        "évaluera les résultats avant la généralisation."
    )
    articles = [
        f"Approuve le projet de déploiement d'un espace numérique de travail (ENT) dans {projet}, en partenariat "
        "avec les services de l'Éducation nationale" + (experimentation if recommandee else "."),
    ]
    if voie == "groupement_commandes" and procedure is not None:
        articles.append(
            f"Approuve la convention constitutive d'un groupement de commandes pour l'acquisition d'un ENT et autorise "
            f"{executif} à la signer."
        )
    articles.append(f"Approuve {objet}." if voie != "procedure_propre" else f"Autorise {objet}.")
    if voie == "centrale_achat":
        articles.append(
            f"Autorise {executif} à signer la convention d'adhésion et les bons de commande correspondants."
        )
    else:
        contrat = "l'accord-cadre" if forme == ACCORD_CADRE else "le marché"
        articles.append(
            f"Autorise {executif} à signer {contrat} qui en résultera et toutes les pièces qui s'y rapportent."
        )
    if convention != "signee":
        articles.append(
            f"Autorise {executif} à signer la convention de partenariat avec les services de l'Éducation nationale."
        )
    articles.append(
        f"Dit que les crédits nécessaires seront inscrits au budget de l'exercice {exercice} et des exercices suivants."
    )
    articles.append(f"{_upper_first(executif)} est chargé de l'exécution de la présente délibération.")
    return articles


def _pourquoi_deliberation(porteur, voie, procedure, delegation, plafond, assemblee, executif):
    """Why the assembly deliberates: an adhesion, a carrier without delegation, or a delegation unknown,
    absent or under the value; the prior deliberation's article is the carrier's own."""
    delegable = CGCT[porteur][1]
    prealable = DELIBERATION_PREALABLE.get(porteur, "L2122-21-1")
    if voie == "centrale_achat":
        return f"L'adhésion à une centrale d'achat s'approuve par une délibération de {assemblee}."
    if voie == "groupement_commandes" and procedure is None:
        return (
            f"L'adhésion au groupement de commandes existant s'approuve par une délibération de {assemblee}."
        )
    if voie == "groupement_commandes":
        return (
            f"La convention constitutive du groupement de commandes s'approuve par une délibération de {assemblee} "
            "avant le lancement de la consultation, comme dans chaque membre (CCP art. L2113-6 à L2113-8)."
        )
    if delegable is None:
        return f"Pour ce porteur, l'achat se décide par une délibération de {assemblee}."
    if delegation is None:
        return (
            f"La réponse ne dit pas si {assemblee} a délégué à {executif} les décisions sur les marchés (CGCT art. "
            f"{delegable[0]}) : sans délégation, {assemblee} délibère avant le lancement (CGCT art. {prealable}) ; avec "
            f"une délégation qui couvre ce montant, une décision de {executif} suffit."
        )
    if delegation is False:
        return (
            f"{_upper_first(assemblee)} n'a pas délégué à {executif} les décisions sur les marchés : il délibère avant "
            f"le lancement, en précisant l'étendue du besoin et le montant prévisionnel (CGCT art. {prealable})."
        )
    return (
        f"La délégation de {assemblee} à {executif} est limitée à {montant(plafond)}, sous la valeur estimée : "
        f"{assemblee} délibère avant le lancement (CGCT art. {prealable})."
    )
