"""The problems of an answer file in French: pydantic's errors worded with the key, its line, the
value found as the user wrote it, and what is allowed (:func:`french_problem`).
"""

from __future__ import annotations

import datetime as dt
import difflib
from typing import Any

from entadvisor import pydantic_fr
from entadvisor.answers.model import FIELDS, FORMAT_VERSION, Answers, allowed_values
from entadvisor.errors import Probleme

ECRIVEZ = {
    "entier": "écrivez les chiffres, par exemple 12 ou 1 850",
    "nombre": "écrivez par exemple 4.50 ou 4,50",
    "oui_non": "écrivez oui ou non (ou true/false)",
    "date": "écrivez par exemple 2027-01-15 ou 15/01/2027",
}
"""How to write a value of each kind, the end of a message that refuses one."""


def describe_allowed(field: str) -> str:
    """What a field allows, in French: its values, or its kind and bounds."""
    values = allowed_values(field)
    if values:
        return "valeurs permises : " + ", ".join(f"« {v} »" for v in values)
    info = Answers.model_fields[field]
    annotation = str(info.annotation)
    bornes = []
    for meta in info.metadata:
        for attr, mot in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                borne = getattr(meta, attr)
                bornes.append(
                    f"{mot} {borne:,}".replace(",", "\u202f")
                    if isinstance(borne, int) and field != "rentree_visee"  # a year: « ≥ 2000 »
                    else f"{mot} {borne}"
                )
        if getattr(meta, "max_length", None) is not None:
            bornes.append(f"au plus {meta.max_length} caractères")
    if "bool" in annotation:
        inconnu = " ou « ne_sait_pas »" if "ne_sait_pas" in annotation else ""
        return f"attendu : oui ou non (true/false){inconnu}"
    if "date" in annotation:
        return "attendu : une date au format AAAA-MM-JJ, par exemple 2027-01-15"
    if "int" in annotation:
        return "attendu : un nombre entier" + (" " + " et ".join(bornes) if bornes else "")
    if "float" in annotation:
        return "attendu : un nombre" + (" " + " et ".join(bornes) if bornes else "")
    if "str" in annotation:
        return "attendu : un texte" + (", " + " et ".join(bornes) if bornes else "")
    return ""


def shown(value: Any) -> str:
    """A value as the user wrote it in the file, not as Python prints it."""
    if isinstance(value, str):
        text = f"« {value} »"
    elif isinstance(value, bool):
        text = "« true »" if value else "« false »"
    elif value is None:
        text = "une valeur vide"
    elif isinstance(value, dt.date):
        text = f"« {value.isoformat()} »"
    elif isinstance(value, list):
        text = "une liste"
    elif isinstance(value, dict):
        text = "une table"
    else:  # a number: as written
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def french_problem(erreur: pydantic_fr.Erreur, data: dict[str, Any], lines: dict[str, int]) -> Probleme:
    """One pydantic error of the answers in French: the key, its line, what was found and what is allowed."""
    kind, own = erreur.type, erreur.propre
    if own.startswith("coherence:"):
        _, champ, texte = own.split(":", 2)
        return Probleme(f"valeurs incohérentes : {texte}.", champ, lines.get(champ))
    field = erreur.champ
    line = lines.get(field) if field else None
    if kind == "missing":
        return Probleme(f"réponse obligatoire absente ; {describe_allowed(field)}.", field, None)
    if kind == "extra_forbidden":
        proches = difflib.get_close_matches(field or "", FIELDS, n=1, cutoff=0.6)
        suggestion = (
            f" ; vouliez-vous dire « {proches[0]} » ?"
            if proches
            else " ; clés permises : voir `entadvisor schema`."
        )
        return Probleme(f"clé inconnue{suggestion}", field, line)
    found = shown(data.get(field)) if field else ""
    allowed = describe_allowed(field) if field in Answers.model_fields else ""
    if "oui_non" in own:
        return Probleme(
            f"{found} n'est pas une réponse oui/non ; attendu : oui ou non (true/false).", field, line
        )
    if "entier" in own:
        return Probleme(f"{found} n'est pas un nombre entier ; {allowed} ; {ECRIVEZ['entier']}.", field, line)
    if kind == "literal_error" and field == "version":
        return Probleme(
            f"version {found} inconnue ; ce logiciel lit la version {FORMAT_VERSION}.", field, line
        )
    if kind == "literal_error":
        proches = difflib.get_close_matches(
            str(data.get(field)), [str(v) for v in allowed_values(field) or ()], n=1
        )
        suggestion = f" Vouliez-vous dire « {proches[0]} » ?" if proches else ""
        return Probleme(f"{found} n'est pas une valeur permise ; {allowed}.{suggestion}", field, line)
    if kind in pydantic_fr.BORNES:
        return Probleme(f"{found} est hors des bornes ; {allowed}.", field, line)
    return Probleme(f"{found} ne convient pas ; {allowed or 'valeur invalide'}.", field, line)


def type_name(value: Any) -> str:
    """What a document holds instead of a mapping, in French: « une liste », « un simple texte »…"""
    if value is None:
        return "un document vide"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return "un simple texte"
    return f"une valeur de type {type(value).__name__}"
