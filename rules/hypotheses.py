"""Les réponses « je ne sais pas » : l'hypothèse prudente retenue, et à qui la faire vérifier.

Question : quand la personne qui remplit le questionnaire ne connaît pas une réponse (une secrétaire de
mairie ne sait pas toujours si le DPO est associé ni où en est l'équipement des écoles), que retient le
conseil ?

Chaque réponse inconnue est remplacée, avant toute autre règle, par la valeur prudente : celle qui ne
promet rien que le projet n'a pas (pas d'autorité académique ni de DPO associés, un équipement
insuffisant, des usages faibles, pas de voisins pour acheter ensemble). Le conseil prévoit donc les
démarches correspondantes, et un point de vigilance (« reponse_inconnue ») nomme chaque hypothèse, la
valeur retenue et la personne à qui la vérifier. L'offre mutualisée inconnue, elle, est traitée par
rules/acheteur.py (le conseil est montré dans les deux cas).

Limites : l'hypothèse prudente peut alourdir le conseil (une expérimentation recommandée pour un
équipement peut-être bon) ; c'est voulu : une réponse vérifiée le corrige.
"""

from entadvisor.facts import AS, MATCH, Projet, Ref, Strate, regle

GUIDE = Ref("Guide ENT premier degré", "« Les facteurs clés de succès du projet ENT »")

PRUDENTES = {
    # question: (la question en bref, valeur prudente, cette valeur en mots, à qui la vérifier)
    "communes_partenaires_interessees": (
        "d'autres collectivités veulent-elles acheter avec vous ?",
        False,
        "non, aucun voisin ne se joint à l'achat",
        "auprès des mairies voisines et de l'intercommunalité (EPCI, établissement public de coopération "
        "intercommunale) ; si des voisins se joignent, la valeur cumulée peut changer la procédure",
    ),
    "usages_numeriques": (
        "pratiques numériques des enseignants",
        "faibles",
        "faibles",
        "auprès des directeurs d'école, de l'ERUN (enseignant référent pour les usages du numérique) ou de l'IEN "
        "(inspecteur de l'Éducation nationale) de la circonscription",
    ),
    "equipement_ecoles": (
        "équipement et connexion des écoles",
        "insuffisant",
        "insuffisants",
        "auprès des directeurs d'école, du service informatique de la collectivité ou de l'ERUN de la "
        "circonscription",
    ),
    "autorite_academique_associee": (
        "une autorité académique est-elle associée ?",
        False,
        "non, elle n'est pas encore associée",
        "auprès de l'IEN de la circonscription ou de la DSDEN (direction des services départementaux de l'Éducation "
        "nationale)",
    ),
    "dpo_associe": (
        "le DPO (délégué à la protection des données) est-il associé ?",
        False,
        "non, il n'est pas encore associé",
        "auprès de la direction générale des services, ou du DPO lui-même (souvent mutualisé par le centre de "
        "gestion ou l'intercommunalité)",
    ),
}
ORDRE = tuple(PRUDENTES)


def _retenir(moteur, *, projet, question):
    """Replace the unknown answer by its prudent value (a modified Projet), remembering the assumption."""
    deja = tuple(projet.get("hypotheses", ()))
    moteur.modify(projet, **{question: PRUDENTES[question][1], "hypotheses": (*deja, question)})


@regle(
    "HYP-PARTENAIRES",
    "Voisins intéressés inconnus : aucun retenu",
    AS.projet << Projet(communes_partenaires_interessees="ne_sait_pas"),
    references=[Ref("CCP", "art. L2113-6 à L2113-8", "groupement de commandes")],
    explication="Sans savoir si des voisins veulent acheter ensemble, le conseil ne compte pas sur eux : "
    "l'acheteur prévoit d'acheter pour ses seules écoles et le point de vigilance dit qui interroger.",
    conclut=Projet,
)
def partenaires_inconnus(moteur, projet):
    _retenir(moteur, projet=projet, question="communes_partenaires_interessees")


@regle(
    "HYP-USAGES",
    "Usages numériques inconnus : faibles retenus",
    AS.projet << Projet(usages_numeriques="ne_sait_pas"),
    references=[GUIDE],
    explication="Sans connaître les pratiques des enseignants, le conseil les suppose faibles : il prévoit "
    "l'accompagnement et l'expérimentation qu'elles demandent.",
    conclut=Projet,
)
def usages_inconnus(moteur, projet):
    _retenir(moteur, projet=projet, question="usages_numeriques")


@regle(
    "HYP-EQUIPEMENT",
    "Équipement des écoles inconnu : insuffisant retenu",
    AS.projet << Projet(equipement_ecoles="ne_sait_pas"),
    references=[Ref("Code de l'éducation", "art. L212-4"), GUIDE],
    explication="Sans connaître l'équipement et la connexion des écoles, le conseil les suppose insuffisants : "
    "il prévoit de les vérifier et de les remettre à niveau avant l'ouverture.",
    conclut=Projet,
)
def equipement_inconnu(moteur, projet):
    _retenir(moteur, projet=projet, question="equipement_ecoles")


@regle(
    "HYP-AUTORITE-ACADEMIQUE",
    "Autorité académique associée inconnue : non retenu",
    AS.projet << Projet(autorite_academique_associee="ne_sait_pas"),
    references=[GUIDE],
    explication="Sans savoir si l'Éducation nationale est associée, le conseil la suppose absente : il place "
    "ce contact parmi les premières démarches.",
    conclut=Projet,
)
def autorite_inconnue(moteur, projet):
    _retenir(moteur, projet=projet, question="autorite_academique_associee")


@regle(
    "HYP-DPO",
    "DPO associé inconnu : non retenu",
    AS.projet << Projet(dpo_associe="ne_sait_pas"),
    references=[Ref("RGPD", "art. 37 à 39", "délégué à la protection des données")],
    explication="Sans savoir si le DPO de la collectivité est associé, le conseil le suppose absent : il "
    "rappelle de l'associer dès le cahier des charges.",
    conclut=Projet,
)
def dpo_inconnu(moteur, projet):
    _retenir(moteur, projet=projet, question="dpo_associe")


@regle(
    "HYP-VIGILANCE",
    "Nommer les hypothèses prudentes à vérifier",
    Projet(hypotheses=MATCH.hypotheses),
    references=[GUIDE],
    explication="Chaque réponse « je ne sais pas » remplacée par une hypothèse prudente est nommée dans le "
    "conseil, avec la valeur retenue et la personne à qui la vérifier.",
    strate=Strate.VIGILANCE,
)
def hypotheses_a_verifier(moteur, hypotheses):
    points = [
        f"« {PRUDENTES[q][0]} » : le conseil retient {PRUDENTES[q][2]} ; à vérifier {PRUDENTES[q][3]}"
        for q in sorted(hypotheses, key=ORDRE.index)
    ]
    debut = (
        "Une réponse est inconnue et remplacée par une hypothèse prudente"
        if len(points) == 1
        else f"{len(points)} réponses sont inconnues et remplacées par des hypothèses prudentes"
    )
    moteur.noter(
        "vigilance",
        code="reponse_inconnue",
        message=f"{debut} : " + " ; ".join(points) + ". Une réponse vérifiée précise le conseil.",
    )
