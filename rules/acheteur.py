"""Qui achète, et par quelle voie : centrale d'achat, groupement de commandes ou procédure propre.

Les écoles publiques sont une compétence communale : la commune acquiert et entretient les matériels
et logiciels nécessaires à l'enseignement et aux échanges de la communauté éducative (Code de
l'éducation art. L212-4). Une commune peut avoir transféré la compétence scolaire à un EPCI ou à un
syndicat (SIVU, SIVOS) : c'est alors lui l'acheteur. Un RPI simple convention n'a pas la personnalité
morale et ne peut pas acheter. Un porteur qui achète pour ses membres (transfert de compétence,
groupement de ses communes sous l'article L5211-4-4 du CGCT pour un EPCI à fiscalité propre seulement,
centrale d'achat) passe sa propre procédure sur le besoin agrégé ;
un groupement de commandes ne se forme que si plusieurs acheteurs gardent chacun leur compétence.

Limites : les statuts de l'EPCI ou du syndicat (compétences exactes, faculté de délégation) ne sont
pas vérifiés ; le conseil rappelle de les contrôler.
"""

from entadvisor.facts import (
    MATCH,
    Acheteur,
    L,
    OffreRetenue,
    PetitAcheteur,
    Projet,
    Ref,
    Strate,
    Voie,
    regle,
)

L212_4 = Ref("Code de l'éducation", "art. L212-4", "compétence communale pour les écoles")
L5211_17 = Ref("CGCT", "art. L5211-17", "transfert de compétences à un EPCI")
L5211_4_4 = Ref(
    "CGCT",
    "art. L5211-4-4",
    "un EPCI à fiscalité propre peut passer les marchés de ses communes membres réunies en groupement, si ses statuts le prévoient",
)
CENTRALE = Ref(
    "CCP",
    "art. L2113-2 à L2113-5",
    "centrales d'achat ; L2113-4 : l'acheteur est réputé avoir respecté ses obligations de publicité et de mise en concurrence",
)
GROUPEMENT = Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes")
INTERCOS = L("epci") | L("syndicat_scolaire") | L("syndicat_mixte")

# The words of the codes (the carrier as a buyer: « organes », why no mutualised offer: « motifs_sans_offre »)
# are in the lexicon, rules/libelles.yaml, read through moteur.libelle.


_CHIFFRES = ("zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix")


def en_lettres(n):
    """Small counts in words, as French writes them in a sentence (« les quatre communes »)."""
    return _CHIFFRES[n] if 0 <= n < len(_CHIFFRES) else str(n)


def accord(mot, genre, pluriel):
    """A past participle or adjective agreed with the buyer (« réputée », « réputés »)."""
    return mot + ("e" if genre == "f" else "") + ("s" if pluriel else "")


def _coordonnateur(moteur, porteur):
    """Who coordinates a new groupement: the carrier of the project (CCP L2113-7: named by the convention)."""
    return "la commune qui porte le projet" if porteur == "commune" else _porteur(moteur, porteur)


def _porteur(moteur, porteur):
    """The carrier named as the buyer (« l'EPCI »), from the lexicon."""
    return moteur.libelle("organes", porteur, "porteur")


def verbe(singulier, pluriel_, pluriel):
    return pluriel_ if pluriel else singulier


# --- qui achète --------------------------------------------------------------------------------------


@regle(
    "ACH-COMMUNE",
    "La commune achète pour ses écoles",
    Projet(porteur="commune", competence_scolaire="communes", nombre_communes=1),
    references=[L212_4],
    explication="Une commune qui a gardé la compétence scolaire acquiert elle-même l'ENT de ses écoles.",
    conclut=Acheteur,
)
def commune(moteur):
    moteur.conclure(
        Acheteur(
            nature="commune",
            libelle="la commune",
            genre="f",
            pluriel=False,
            porte_pour_autres=False,
            plusieurs_competents=False,
        ),
        "La commune détient la compétence scolaire : c'est elle qui achète l'ENT de ses écoles.",
    )


@regle(
    "ACH-COMMUNES-COMPETENTES",
    "Plusieurs communes compétentes (RPI ou projet commun)",
    Projet(porteur="commune", competence_scolaire="communes", nombre_communes=MATCH.n & ~L(1)),
    references=[L212_4, GROUPEMENT],
    explication=(
        "Chaque commune garde la compétence scolaire pour ses écoles ; un RPI simple convention n'a pas la personnalité "
        "morale et ne peut pas acheter : les communes achètent, de préférence ensemble."
    ),
    conclut=Acheteur,
)
def communes_competentes(moteur, n):
    moteur.conclure(
        Acheteur(
            nature="communes",
            libelle=f"les {en_lettres(n)} communes",
            genre="f",
            pluriel=True,
            porte_pour_autres=False,
            plusieurs_competents=True,
        ),
        f"Les {en_lettres(n)} communes gardent chacune la compétence scolaire ; un regroupement pédagogique sans structure "
        "intercommunale ne peut pas acheter pour elles.",
    )


@regle(
    "ACH-INTERCO-COMPETENTE",
    "L'intercommunalité compétente achète pour toutes ses écoles",
    Projet(porteur=MATCH.porteur & INTERCOS, competence_scolaire="intercommunalite"),
    references=[L212_4, L5211_17],
    explication="La compétence scolaire a été transférée à l'intercommunalité qui porte le projet : elle est l'acheteur pour toutes les écoles du périmètre.",
    conclut=Acheteur,
)
def interco_competente(moteur, porteur):
    libelle = _porteur(moteur, porteur)
    moteur.conclure(
        Acheteur(
            nature="intercommunalite",
            libelle=libelle,
            genre="m",
            pluriel=False,
            porte_pour_autres=True,
            plusieurs_competents=False,
        ),
        f"La compétence scolaire a été transférée : {libelle} est l'acheteur pour toutes les écoles du périmètre.",
    )


@regle(
    "ACH-COMPETENCE-TRANSFEREE",
    "La commune a transféré la compétence : l'intercommunalité achète",
    Projet(porteur=L("commune") | L("departement") | L("autre"), competence_scolaire="intercommunalite"),
    references=[L212_4, L5211_17],
    explication="Quand la compétence scolaire est intercommunale, seule l'intercommunalité compétente peut acheter l'ENT des écoles.",
    conclut=Acheteur,
)
def competence_transferee(moteur):
    moteur.conclure(
        Acheteur(
            nature="intercommunalite",
            libelle="l'intercommunalité compétente",
            genre="f",
            pluriel=False,
            porte_pour_autres=True,
            plusieurs_competents=False,
        ),
        "La compétence scolaire est intercommunale : l'achat revient à l'intercommunalité compétente, pas au porteur du projet.",
    )
    moteur.noter(
        "vigilance",
        code="porteur_non_competent",
        message=(
            "Le porteur du projet ne détient pas la compétence scolaire : c'est l'intercommunalité compétente qui achète et "
            "délibère. Associez-la dès maintenant et vérifiez ses statuts."
        ),
    )


@regle(
    "ACH-EPCI-POUR-COMMUNES",
    "L'EPCI à fiscalité propre achète pour ses communes membres",
    Projet(porteur="epci", competence_scolaire="communes"),
    references=[L212_4, L5211_4_4, CENTRALE],
    explication=(
        "Les communes gardent la compétence scolaire. Un EPCI à fiscalité propre peut passer le marché pour ses communes "
        "membres réunies en groupement de commandes, à titre gratuit, si ses statuts le prévoient expressément (CGCT "
        "L5211-4-4), ou agir comme centrale d'achat de ses membres si ses statuts le permettent : il achète alors sur le "
        "besoin agrégé."
    ),
    conclut=Acheteur,
)
def epci_pour_communes(moteur):
    moteur.conclure(
        Acheteur(
            nature="porteur_mandate",
            libelle="l'EPCI",
            genre="m",
            pluriel=False,
            porte_pour_autres=True,
            plusieurs_competents=False,
        ),
        "Les communes gardent la compétence scolaire, mais l'EPCI peut acheter pour elles sur le besoin agrégé : dans un "
        "groupement de commandes de ses communes membres, à titre gratuit, si ses statuts le prévoient expressément (CGCT "
        "L5211-4-4), ou comme centrale d'achat de ses membres si ses statuts le permettent (CCP L2113-2).",
    )
    moteur.noter(
        "vigilance",
        code="convention_mandat",
        message=(
            "Pour que l'EPCI achète pour les communes, vérifiez d'abord ses statuts : ils doivent prévoir expressément qu'il "
            "passe les marchés de ses communes membres réunies en groupement (CGCT L5211-4-4), ou qu'il agit comme centrale "
            "d'achat. Chaque commune délibère ensuite (convention constitutive du groupement, ou adhésion à la centrale) "
            "avant le lancement de la consultation."
        ),
    )


@regle(
    "ACH-SYNDICAT-POUR-MEMBRES",
    "Le syndicat achète pour ses communes membres comme centrale d'achat",
    Projet(
        porteur=MATCH.porteur & (L("syndicat_scolaire") | L("syndicat_mixte")), competence_scolaire="communes"
    ),
    references=[L212_4, CENTRALE],
    explication=(
        "Les communes gardent la compétence scolaire. Un syndicat (SIVU, SIVOS, syndicat mixte) peut acheter pour ses "
        "membres comme centrale d'achat si ses statuts le permettent ; la délégation de CGCT L5211-4-4 est réservée aux "
        "EPCI à fiscalité propre et ne s'applique pas à un syndicat."
    ),
    conclut=Acheteur,
)
def syndicat_pour_membres(moteur, porteur):
    libelle = _porteur(moteur, porteur)
    moteur.conclure(
        Acheteur(
            nature="porteur_mandate",
            libelle=libelle,
            genre="m",
            pluriel=False,
            porte_pour_autres=True,
            plusieurs_competents=False,
        ),
        f"Les communes gardent la compétence scolaire, mais {libelle} peut acheter pour elles sur le besoin agrégé, comme "
        "centrale d'achat de ses membres, si ses statuts le permettent (CCP L2113-2).",
    )
    moteur.noter(
        "vigilance",
        code="convention_mandat",
        message=(
            f"Pour que {libelle} achète pour les communes, ses statuts doivent lui permettre d'agir comme centrale d'achat "
            "de ses membres ; chaque commune délibère son adhésion avant le lancement de la consultation."
        ),
    )


@regle(
    "ACH-PORTEUR-SANS-COMPETENCE",
    "Le porteur coordonne, les communes achètent",
    Projet(
        porteur=MATCH.porteur & (L("departement") | L("autre")),
        competence_scolaire="communes",
        nombre_communes=MATCH.n,
    ),
    references=[L212_4, GROUPEMENT],
    explication=(
        "Un département ou un autre porteur sans compétence scolaire ne peut pas acheter l'ENT des écoles à la place des "
        "communes ; il peut coordonner un groupement de commandes, dont le coordonnateur n'a pas à détenir la compétence."
    ),
    conclut=Acheteur,
)
def porteur_sans_competence(moteur, porteur, n):
    libelle = _porteur(moteur, porteur)
    moteur.conclure(
        Acheteur(
            nature="communes",
            libelle=f"les communes, coordonnées par {libelle}" if n > 1 else "la commune",
            genre="f",
            pluriel=n > 1,
            porte_pour_autres=False,
            plusieurs_competents=n > 1,
            coordonnateur=libelle,
        ),
        f"{libelle[0].upper() + libelle[1:]} ne détient pas la compétence scolaire : les communes achètent, "
        f"{libelle} pouvant coordonner leur groupement de commandes.",
    )


# --- offre mutualisée ------------------------------------------------------------------------------


@regle(
    "MUT-CENTRALE",
    "Une centrale d'achat propose un ENT adapté",
    Projet(offre_mutualisee="centrale_achat", besoin=~L("specifique")),
    references=[CENTRALE],
    explication="Une centrale d'achat (UGAP, syndicat mixte départemental) propose un ENT ; le besoin, standard ou à adapter, peut y être satisfait.",
    conclut=OffreRetenue,
)
def offre_centrale(moteur):
    moteur.conclure(OffreRetenue(offre="centrale_achat"))


@regle(
    "MUT-GROUPEMENT",
    "Un groupement existant propose un ENT adapté",
    Projet(offre_mutualisee="groupement_existant", besoin=~L("specifique")),
    references=[GROUPEMENT],
    explication="Un groupement de commandes académique ou départemental existe ; l'acheteur peut y adhérer avant sa prochaine consultation.",
    conclut=OffreRetenue,
)
def offre_groupement(moteur):
    moteur.conclure(OffreRetenue(offre="groupement_existant"))


@regle(
    "MUT-INADAPTEE",
    "L'offre mutualisée ne couvre pas un besoin spécifique",
    Projet(
        offre_mutualisee=MATCH.offre & (L("centrale_achat") | L("groupement_existant")), besoin="specifique"
    ),
    references=[CENTRALE, GROUPEMENT],
    explication="Une offre mutualisée propose une solution standard ; un besoin spécifique ou innovant demande une consultation propre.",
    conclut=OffreRetenue,
)
def offre_inadaptee(moteur, offre):
    moteur.conclure(OffreRetenue(offre="aucune", motif="inadaptee"))
    nom = "la centrale d'achat" if offre == "centrale_achat" else "le groupement existant"
    moteur.noter(
        "voie_ecartee",
        voie=offre if offre == "centrale_achat" else "groupement_commandes",
        raison=f"Le besoin est spécifique : {nom} propose une solution standard qui ne le couvre pas. "
        "Vérifiez toutefois son catalogue avant de lancer une consultation.",
    )


@regle(
    "MUT-AUCUNE",
    "Aucune offre mutualisée",
    Projet(offre_mutualisee="aucune"),
    references=[CENTRALE, GROUPEMENT],
    explication="Aucune centrale d'achat ni aucun groupement existant ne propose d'ENT à l'acheteur.",
    conclut=OffreRetenue,
)
def offre_aucune(moteur):
    moteur.conclure(OffreRetenue(offre="aucune", motif="aucune"))
    moteur.noter(
        "voie_ecartee",
        voie="centrale_achat",
        raison="Aucune centrale d'achat ne propose d'ENT à l'acheteur, d'après les réponses.",
    )


@regle(
    "MUT-A-VERIFIER",
    "Offre mutualisée inconnue : à vérifier",
    Projet(offre_mutualisee="ne_sait_pas"),
    references=[CENTRALE, GROUPEMENT],
    explication=(
        "Quand l'existence d'une offre mutualisée n'est pas connue, le conseil est donné sans elle et dit qui interroger ; "
        "s'il en existe une, la voie change."
    ),
    conclut=OffreRetenue,
)
def offre_a_verifier(moteur):
    moteur.conclure(OffreRetenue(offre="aucune", motif="inconnue"))
    moteur.noter(
        "vigilance",
        code="offre_mutualisee_a_verifier",
        message=(
            "Vous ne savez pas si une offre d'ENT mutualisée existe. Interrogez la DSDEN ou la DRANE (délégation au numérique "
            "éducatif), le syndicat mixte numérique du département et l'UGAP. S'il existe une centrale d'achat, l'adhésion "
            "dispense de publicité et de mise en concurrence (CCP L2113-4) ; s'il existe un groupement, l'adhésion se fait "
            "avant sa prochaine consultation. Le conseil ci-dessous suppose qu'il n'en existe pas."
        ),
    )


# --- voie ----------------------------------------------------------------------------------------------


@regle(
    "VOIE-CENTRALE",
    "Acheter par la centrale d'achat",
    OffreRetenue(offre="centrale_achat"),
    Acheteur(libelle=MATCH.acheteur, genre=MATCH.genre, pluriel=MATCH.pluriel),
    references=[CENTRALE],
    explication=(
        "Acquérir auprès d'une centrale d'achat dispense de publicité et de mise en concurrence ; le partenaire académique "
        "est souvent déjà engagé avec elle (annuaire, GAR, formation). C'est la voie la plus simple pour un petit acheteur."
    ),
    conclut=Voie,
)
def voie_centrale(moteur, acheteur, genre, pluriel):
    moteur.conclure(
        Voie(
            voie="centrale_achat",
            procedure_requise=False,
            existant=True,
            coordonnateur=None,
            besoins_membres_comptes=True,
        ),
        f"Une centrale d'achat propose un ENT : en y adhérant, {acheteur} {verbe('est', 'sont', pluriel)} "
        f"{accord('réputé', genre, pluriel)} avoir respecté {verbe('ses', 'leurs', pluriel)} obligations de publicité et de "
        "mise en concurrence pour les opérations confiées à la centrale (CCP L2113-4), sans consultation à conduire.",
    )
    moteur.noter(
        "voie_ecartee",
        voie="groupement_commandes",
        raison="Inutile : la centrale d'achat dispense déjà de procédure.",
    )
    moteur.noter(
        "voie_ecartee",
        voie="procedure_propre",
        raison="Possible, mais plus longue et plus lourde qu'une adhésion à la centrale pour un ENT standard.",
    )


@regle(
    "VOIE-GROUPEMENT-EXISTANT",
    "Adhérer au groupement de commandes existant",
    OffreRetenue(offre="groupement_existant"),
    Acheteur(libelle=MATCH.acheteur, pluriel=MATCH.pluriel),
    references=[GROUPEMENT],
    explication=(
        "Rejoindre un groupement académique ou départemental existant (e-primo, groupements régionaux) : la procédure est "
        "conduite par le coordonnateur sur le besoin agrégé de tous les membres ; l'adhésion doit être délibérée avant le lancement."
    ),
    conclut=Voie,
)
def voie_groupement_existant(moteur, acheteur, pluriel):
    moteur.conclure(
        Voie(
            voie="groupement_commandes",
            procedure_requise=False,
            existant=True,
            coordonnateur="le coordonnateur du groupement existant",
            besoins_membres_comptes=False,
        ),
        f"Un groupement de commandes existant propose un ENT : {acheteur} y {verbe('adhère', 'adhèrent', pluriel)} par "
        "délibération et convention avant sa prochaine consultation ; le coordonnateur conduit la procédure pour tous les membres.",
    )
    moteur.noter(
        "voie_ecartee",
        voie="procedure_propre",
        raison="Possible, mais le groupement mutualise la procédure, le prix et l'accompagnement académique.",
    )


@regle(
    "VOIE-GROUPEMENT-COMMUNES",
    "Former un groupement de commandes entre les communes",
    OffreRetenue(offre="aucune", motif=MATCH.motif),
    Acheteur(plusieurs_competents=True, libelle=MATCH.acheteur),
    Projet(porteur=MATCH.porteur),
    references=[GROUPEMENT, Ref("CCP", "art. L2113-7", "convention constitutive et coordonnateur")],
    explication=(
        "Sans offre mutualisée, plusieurs acheteurs compétents forment un groupement de commandes : une convention "
        "constitutive, approuvée par chaque assemblée avant le lancement, désigne un coordonnateur ; la procédure se "
        "choisit sur le besoin de tous les membres."
    ),
    conclut=Voie,
)
def voie_groupement_communes(moteur, acheteur, porteur, motif):
    coordonnateur = _coordonnateur(moteur, porteur)
    sans_offre = moteur.libelle("motifs_sans_offre", motif)
    moteur.conclure(
        Voie(
            voie="groupement_commandes",
            procedure_requise=True,
            existant=False,
            coordonnateur=coordonnateur,
            besoins_membres_comptes=True,
        ),
        f"{sans_offre} et chacune des communes est compétente : un groupement de commandes leur permet de "
        f"passer un seul marché ; la convention constitutive désigne le coordonnateur ({coordonnateur}).",
    )
    moteur.noter(
        "voie_ecartee",
        voie="procedure_propre",
        raison="Des procédures séparées multiplieraient le travail et les prix pour un même ENT, sans mutualiser l'accompagnement.",
    )


@regle(
    "VOIE-GROUPEMENT-PARTENAIRES",
    "Ouvrir un groupement de commandes aux partenaires intéressés",
    OffreRetenue(offre="aucune"),
    Acheteur(plusieurs_competents=False, libelle=MATCH.acheteur),
    Projet(communes_partenaires_interessees=True, porteur=MATCH.porteur),
    references=[GROUPEMENT],
    explication="D'autres acheteurs souhaitent acheter le même ENT : un groupement de commandes mutualise la procédure et le prix.",
    conclut=Voie,
)
def voie_groupement_partenaires(moteur, acheteur, porteur):
    moteur.conclure(
        Voie(
            voie="groupement_commandes",
            procedure_requise=True,
            existant=False,
            coordonnateur=_coordonnateur(moteur, porteur),
            besoins_membres_comptes=False,
        ),
        f"D'autres acheteurs veulent acheter ensemble : {acheteur} peut coordonner un groupement de commandes "
        "ouvert à ces partenaires ; la procédure se choisit alors sur le besoin additionné de tous.",
    )
    moteur.noter(
        "vigilance",
        code="valeur_incomplete",
        message=(
            "La valeur estimée ne compte que les écoles de vos réponses : ajoutez-y le besoin des partenaires du groupement "
            "(élèves, durée, coûts ponctuels) avant de choisir la procédure, qui se détermine sur le total."
        ),
    )
    moteur.noter(
        "voie_ecartee",
        voie="procedure_propre",
        raison="Acheter seul ignorerait les partenaires intéressés et la mutualisation possible.",
    )


@regle(
    "VOIE-PROCEDURE-PROPRE",
    "Conduire sa propre procédure",
    OffreRetenue(offre="aucune", motif=MATCH.motif),
    Acheteur(plusieurs_competents=False, libelle=MATCH.acheteur, porte_pour_autres=MATCH.porte),
    Projet(communes_partenaires_interessees=False),
    references=[L212_4, Ref("CCP", "art. L2120-1 et suivants", "procédures de passation")],
    explication="Sans offre mutualisée ni partenaire, l'acheteur compétent (ou le porteur qui achète pour ses membres) passe sa propre consultation.",
    conclut=Voie,
)
def voie_procedure_propre(moteur, acheteur, porte, motif):
    sans_offre = moteur.libelle("motifs_sans_offre", motif)
    texte = f"{sans_offre} et aucun partenaire n'est signalé : {acheteur} conduit sa propre consultation"
    texte += " sur le besoin agrégé de toutes les écoles du périmètre." if porte else "."
    moteur.conclure(
        Voie(
            voie="procedure_propre",
            procedure_requise=True,
            existant=False,
            coordonnateur=None,
            besoins_membres_comptes=True,
        ),
        texte,
    )
    moteur.noter(
        "voie_ecartee",
        voie="groupement_commandes",
        raison="Aucun autre acheteur n'est signalé pour acheter ensemble.",
    )


@regle(
    "VOIE-PETIT-ACHETEUR-SEUL",
    "Petit acheteur sans offre mutualisée : se renseigner d'abord",
    Voie(voie="procedure_propre"),
    PetitAcheteur(),
    Projet(service_marches=MATCH.service),
    references=[CENTRALE],
    explication=(
        "Un petit acheteur (quelques écoles, sans service des marchés) gagne d'abord à rejoindre une offre mutualisée ; "
        "faute d'en avoir, il achète seul en comparant plusieurs offres."
    ),
    strate=Strate.PREPARATION,
)
def petit_acheteur_seul(moteur, service):
    moteur.noter(
        "raison",
        sujet="Voie",
        texte=(
            "Pour un petit acheteur, une offre mutualisée (syndicat numérique départemental, groupement académique, UGAP) "
            "reste la voie la plus simple si elle apparaît : la DSDEN peut en connaître une."
            + (
                ""
                if service
                else " Sans service des marchés, faites-vous aider (centre de gestion, EPCI, ATD)."
            )
        ),
    )
