"""The plan of the report: its sections, its three parts, and the uncertainties the note lists.

:data:`TITRES` gives the sections in the order of the report, :data:`PARTIES` groups them into the
note to the elected officials, the dossier and the technical annexes; :func:`sections` and
:func:`parties` keep those the advice has something for (the what-if section only when it says
more than the note). :func:`incertitudes` picks the warnings that say the advice rests on an
assumption or an unknown, each with what the advice becomes otherwise.
"""

from __future__ import annotations

from typing import Any

from entadvisor.advice import Advice

TITRES: dict[str, str] = {
    "essentiel": "Ce qui est proposé",
    "dates": "Les dates clés",
    "incertitudes": "Ce qui reste incertain",
    "actions": "Les trois prochaines actions",
    "contexte": "Contexte et situation actuelle",
    "calendrier": "Calendrier",
    "achat": "Voie et procédure d'achat",
    "experimentation": "Expérimentation",
    "contrat": "Durée et forme du contrat",
    "preparation": "Préparation : les facteurs clés de succès",
    "vigilance": "Points de vigilance",
    "sensibilite": "Ce qui changerait le conseil",
    "deliberation": "Projet d'acte",
    "pourquoi": "Pourquoi ces recommandations ?",
    "annexes": "Réponses, paramètres, glossaire et limites",
}
"""Section ids and titles, in the order of the report (``sensibilite`` only when computed)."""

PARTIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "note": (
        "La note aux élus",
        "Deux pages pour décider : les recommandations, leur coût, les dates, les incertitudes et la suite.",
        ("essentiel", "dates", "incertitudes", "actions"),
    ),
    "dossier": (
        "Le dossier",
        "Le raisonnement sur chacune des cinq questions clés du guide, le calendrier, la préparation du projet et le projet d'acte.",
        (
            "contexte",
            "calendrier",
            "achat",
            "experimentation",
            "contrat",
            "preparation",
            "vigilance",
            "sensibilite",
            "deliberation",
        ),
    ),
    "annexes-techniques": (
        "Les annexes techniques",
        "Les règles appliquées, les textes, les paramètres, le glossaire et les limites du modèle.",
        ("pourquoi", "annexes"),
    ),
}
"""The three parts of the report: id → (title, one-line purpose, section ids in order)."""

INCERTITUDES = (
    "offre_mutualisee_a_verifier",
    "reponse_inconnue",
    "prix_par_defaut",
    "eleves_estimes",
    "seuil_inconnu",
    "seuil_proche",
    "valeur_incomplete",
    "calendrier_serre",
    "rentree_inatteignable",
)
"""The warnings that say the advice rests on an assumption or an unknown: shown in the note, in this order."""


def sections(advice: Advice) -> list[dict[str, str]]:
    """The sections of this advice's report, in order: all of :data:`TITRES`, the what-if one only when it
    has something the note does not already say."""
    return [
        {"id": key, "titre": title}
        for key, title in TITRES.items()
        if key != "sensibilite" or _sensibilite_propre(advice)
    ]


def parties(presentes: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The three parts, each with its title, its purpose and those of its sections that are present."""
    present = {s["id"] for s in presentes}
    return [
        {
            "id": code,
            "titre": titre,
            "objet": objet,
            "sections": [{"id": k, "titre": TITRES[k]} for k in ids if k in present],
        }
        for code, (titre, objet, ids) in PARTIES.items()
    ]


def _sensibilite_propre(advice: Advice) -> bool:
    """The what-if section has something the note does not already say (the note gives the mutualised offer's)."""
    if advice.sensibilite is None:
        return False
    dans_la_note = any(v.code == "offre_mutualisee_a_verifier" for v in advice.vigilance)
    return not dans_la_note or any(i.get("question") != "offre_mutualisee" for i in advice.sensibilite)


def incertitudes(advice: Advice) -> list[dict[str, Any]]:
    """The warnings about unknowns and assumptions, each with what the advice becomes otherwise (when known)."""
    par_code = {v.code: v for v in advice.vigilance}
    items = []
    for code in INCERTITUDES:
        if code not in par_code:
            continue
        autrement = []
        if code == "offre_mutualisee_a_verifier":
            autrement = [
                str(i["phrase"])
                for i in advice.sensibilite or []
                if i.get("question") == "offre_mutualisee" and i.get("valeur_alternative") != "aucune"
            ]
        items.append({"code": code, "message": par_code[code].message, "autrement": autrement})
    return items
