"""The sentences of the what-if: what a change of an answer would do to a recommendation, in French.

The words of the codes (procedures, formats, thresholds, and a procedure's grammatical gender) are the
lexicon's of the knowledge base being explored (``LEXIQUE``, set by :func:`~.explore.what_if`); the
conditions (« Si le projet était porté par la commune ») are worded here, one per answer value.
"""

from __future__ import annotations

import contextvars
import datetime as dt
from typing import Any

from entadvisor.formatting import duree_mois
from entadvisor.whatif.conseil import Conseil

RANGS = {"sans_publicite": 0, "mapa": 1}
"""How demanding a procedure is (0 the lightest; every formalised procedure 2): « requise » or « suffirait ».
Their words (and their grammatical gender) are in the knowledge base's lexicon, rules/libelles.yaml."""
RANG_FORMALISE = 2

LEXIQUE: contextvars.ContextVar[Any] = contextvars.ContextVar("lexique")
"""The lexicon of the knowledge base that :func:`~.explore.what_if` is exploring, for its sentences."""


def mot(section: str, code: Any, forme: str) -> str:
    """The word of a code in the lexicon being explored."""
    return str(LEXIQUE.get().mot(section, code, forme))


CONDITIONS: dict[str, dict[Any, str]] = {
    "porteur": {
        "commune": "Si le projet était porté par la commune",
        "epci": "Si le projet était porté par un EPCI",
        "syndicat_scolaire": "Si le projet était porté par un syndicat scolaire (SIVU ou SIVOS)",
        "syndicat_mixte": "Si le projet était porté par un syndicat mixte",
        "departement": "Si le projet était porté par le département",
        "autre": "Si le projet était porté par un autre acteur",
    },
    "competence_scolaire": {
        "communes": "Si les communes gardaient la compétence scolaire",
        "intercommunalite": "Si la compétence scolaire était exercée par l'intercommunalité",
    },
    "communes_partenaires_interessees": {
        True: "Si d'autres acheteurs souhaitaient acheter avec vous",
        False: "Si aucun autre acheteur ne souhaitait acheter avec vous",
    },
    "offre_mutualisee": {
        "centrale_achat": "Si une centrale d'achat proposait un ENT",
        "groupement_existant": "Si un groupement de commandes existant proposait un ENT",
        "aucune": "S'il n'existait aucune offre mutualisée",
        "ne_sait_pas": "Si l'existence d'une offre mutualisée restait à vérifier",
    },
    "besoin": {
        "standard": "Si le besoin était standard (un ENT du marché conforme au SDET)",
        "adaptations": "Si le besoin demandait des adaptations (intégrations, connecteurs)",
        "specifique": "Si le besoin était spécifique ou innovant",
    },
    "specifications_precises": {
        True: "Si le besoin pouvait être spécifié précisément",
        False: "Si le besoin ne pouvait pas être spécifié précisément",
    },
    "ent_existant": {
        "aucun": "S'il n'existait encore aucun ENT",
        "partiel": "Si un ENT était déjà utilisé dans une partie des écoles",
        "generalise": "Si un ENT était déjà généralisé",
    },
    "usages_numeriques": {
        "faibles": "Si les usages numériques des enseignants étaient faibles",
        "moyens": "Si les usages numériques des enseignants étaient moyens",
        "avances": "Si les usages numériques des enseignants étaient avancés",
    },
    "equipement_ecoles": {
        "insuffisant": "Si l'équipement et la connectivité des écoles étaient insuffisants",
        "correct": "Si l'équipement et la connectivité des écoles étaient corrects",
        "bon": "Si l'équipement et la connectivité des écoles étaient bons",
    },
    # read today only by the preparation and warning rules; kept so that a rule reading them is phrased
    "service_marches": {
        True: "Si l'acheteur disposait d'un service des marchés",
        False: "Si l'acheteur n'avait pas de service des marchés",
    },
    "degres": {
        "premier_degre": "Si le projet ne couvrait que les écoles",
        "premier_et_second_degre": "Si le projet couvrait aussi les collèges et lycées",
    },
    "autorite_academique_associee": {
        True: "Si l'autorité académique était associée",
        False: "Si l'autorité académique n'était pas associée",
    },
    "convention_partenariat": {
        "signee": "Si la convention de partenariat était signée",
        "en_cours": "Si la convention de partenariat était en cours",
        "aucune": "S'il n'y avait pas de convention de partenariat",
    },
    "comite_pilotage": {
        True: "Si un comité de pilotage existait",
        False: "S'il n'y avait pas de comité de pilotage",
    },
    "dpo_associe": {
        True: "Si le DPO de la collectivité était associé",
        False: "Si le DPO de la collectivité n'était pas associé",
    },
    "accompagnement_prevu": {
        True: "Si la formation, l'assistance et l'animation étaient prévues",
        False: "Si la formation, l'assistance et l'animation n'étaient pas prévues",
    },
}


def achat_texte(achat: tuple[str, str | None, str | None]) -> str:
    voie, procedure, _ = achat
    if voie == "centrale_achat":
        return "l'adhésion à une centrale d'achat, sans procédure à conduire"
    if procedure is None:
        return "l'adhésion au groupement de commandes existant, sans procédure propre"
    texte = mot("procedures", procedure, "avec_article") + publicite(achat)
    return f"un groupement de commandes, avec {texte}" if voie == "groupement_commandes" else texte


def publicite(achat: tuple[str, str | None, str | None]) -> str:
    if achat[1] != "mapa":
        return ""
    return " publiée au BOAMP ou dans un JAL" if "BOAMP" in str(achat[2]) else " à publicité libre"


def achat_court(achat: tuple[str, str | None, str | None]) -> str:
    voie, procedure, publicite = achat
    if voie == "centrale_achat":
        return "centrale d'achat, sans procédure"
    if procedure is None:
        return "groupement existant, sans procédure propre"
    libelle = mot("procedures", procedure, "court")
    if procedure == "mapa":
        libelle += " (BOAMP ou JAL)" if "BOAMP" in str(publicite) else " (publicité libre)"
    return ("groupement de commandes, " if voie == "groupement_commandes" else "procédure propre, ") + libelle


def experimentation_texte(exp: tuple[Any, ...]) -> str:
    return (
        f"une expérimentation avec {mot('formats_experimentation', exp[1], 'phrase_courte')}"
        if exp[0]
        else "un déploiement sans expérimentation préalable"
    )


def experimentation_court(exp: tuple[Any, ...]) -> str:
    if not exp[0]:
        return "pas d'expérimentation"
    return f"expérimentation : {mot('formats_experimentation', exp[1], 'phrase_courte')}"


def contrat_texte(contrat: tuple[Any, ...]) -> str:
    texte = duree_mois(contrat[0])
    return texte + (", phases au-delà de la durée légale" if contrat[1] else "")


def effet(recommandation: str, base: Conseil, autre: Conseil) -> tuple[str, str]:
    """What changes, as the end of a sentence, and in a few words."""
    if recommandation == "achat":
        a, b = base.achat, autre.achat
        court = achat_court(b)
        if a[0] == b[0] and a[1] == b[1] == "mapa":
            if "BOAMP" in str(b[2]):
                return "la procédure adaptée devrait être publiée au BOAMP ou dans un JAL", court
            return "la publicité de la procédure adaptée serait libre", court
        if a[0] == b[0] and a[1] is not None and b[1] is not None:
            rang, rang_base = (RANGS.get(p, RANG_FORMALISE) for p in (b[1], a[1]))
            texte = mot("procedures", b[1], "avec_article") + publicite(b)
            if rang > rang_base:
                requis = "requise" if mot("procedures", b[1], "genre") == "f" else "requis"
                return f"{texte} serait {requis}", court
            if rang < rang_base:
                return f"{texte} suffirait", court
            return f"la procédure serait {texte}", court
        return f"l'achat passerait par {achat_texte(b)}", court
    if recommandation == "experimentation":
        recommandee, format_ = autre.experimentation
        court = experimentation_court(autre.experimentation)
        forme = mot("formats_experimentation", format_, "phrase_courte") if format_ else str(format_)
        if not recommandee:
            return "aucune expérimentation préalable ne serait recommandée", court
        if base.experimentation[0]:
            return f"l'expérimentation se ferait avec {forme}", court
        return f"une expérimentation serait recommandée, avec {forme}", court
    a3, b3 = base.contrat, autre.contrat
    court = contrat_texte(b3)
    if a3[0] != b3[0]:
        return f"le contrat durerait {duree_mois(b3[0])}" + (
            ", au-delà de ce que permet la durée légale" if b3[1] else ""
        ), court
    if b3[1]:
        return f"les phases du projet ne tiendraient plus dans les {b3[2]} mois d'un accord-cadre", court
    return f"les phases du projet tiendraient dans les {b3[2]} mois d'un accord-cadre", court


def actuel(recommandation: str, base: Conseil) -> str:
    if recommandation == "achat":
        return achat_texte(base.achat)
    if recommandation == "experimentation":
        return experimentation_texte(base.experimentation)
    return contrat_texte(base.contrat)


def item(
    recommandation: str, phrase: str, question: str | None, actuelle: Any, alternative: Any, effet: str
) -> dict[str, Any]:
    phrase = phrase[0].upper() + phrase[1:]
    return {
        "recommandation": recommandation,
        "phrase": phrase if phrase.endswith(".") else phrase + ".",
        "question": question,
        "valeur_actuelle": en_json(actuelle),
        "valeur_alternative": en_json(alternative),
        "effet": effet,
    }


def en_json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [en_json(v) for v in value]
    return value


def condition(key: str, valeur: Any) -> str:
    if key == "nombre_communes":
        return (
            "Si une seule commune était concernée"
            if valeur == 1
            else f"Si {valeur} communes étaient concernées"
        )
    return CONDITIONS.get(key, {}).get(valeur, f"Si la réponse « {key} » était « {valeur} »")
