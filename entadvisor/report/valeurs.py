"""The advice's values in words: the answers, the facts a rule used, the parameters.

:class:`Valeurs` words the values of one advice with the labels of the report (``reports/libelles.yaml``
and the lexicon's codes); :func:`valeur_parametre` and :func:`ligne_parametre` word a parameter
alone; :func:`upper_first`, :func:`lower_first_word` and :func:`css_string` shape a text (the first
is also a filter of the templates). Nothing here concludes: the words only say what the advice holds.
"""

from __future__ import annotations

import re
from typing import Any

from entadvisor import formatting
from entadvisor.advice import Advice, Parametre
from entadvisor.engine.knowledge import lexique_du_conseil

# --- texts ---------------------------------------------------------------------------------------


def lower_first_word(text: str) -> str:
    """« Seuil européen » → « seuil européen »; an acronym (« EU », « MAPA ») keeps its case."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def css_string(text: str) -> str:
    """``text`` escaped for a double-quoted CSS string inside ``<style>``: every ASCII character but letters,
    digits and spaces becomes a CSS escape (``\\22 `` for a quote, ``\\3c `` for ``<``), control characters too."""
    out = []
    for char in text:
        if char.isalnum() or char == " " or (ord(char) > 127 and char.isprintable()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return "".join(out)


def upper_first(text: str) -> str:
    """Capitalise the first letter only (``la commune`` → ``La commune``)."""
    return text[:1].upper() + text[1:] if text else text


# --- the values of one advice --------------------------------------------------------------------


class Valeurs:
    """The values of one advice in words: its answers, the facts of its trace, its procedures and parameters.

    ``libelles`` are the report's words (its prose and, in the report's forms, the lexicon's codes).
    """

    def __init__(self, advice: Advice, libelles: dict[str, Any]) -> None:
        self.advice = advice
        self.L = libelles

    def reponse(self, key: str) -> str:
        """An answer as words (« oui », « Dans une partie des écoles », « 8 000 € HT »…)."""
        return self.valeur_reponse(key, self.advice.reponses.get(key))

    def valeur_reponse(self, key: str, value: Any) -> str:
        if value is None:
            return "non renseigné"
        if isinstance(value, bool):
            return _oui_non(value)
        labels = self.L["valeurs"].get(key)
        if labels and str(value) in labels:
            return str(labels[str(value)])
        if key in ("prix_eleve_an_ht", "couts_ponctuels_ht") and isinstance(value, int | float):
            return formatting.montant(value)
        if key == "rentree_visee":
            return f"rentrée {value} (année scolaire {formatting.annee_scolaire(int(value))})"
        date = formatting.as_date(value)
        if date is not None:
            return formatting.date_fr(date)
        if isinstance(value, int | float):
            return formatting.nombre_simple(value)
        return str(value)

    def valeur_fait(self, key: str, value: Any) -> str:
        """A fact used by a rule, as words: amounts, durations, years and dates in French."""
        if key in self.L["questions"]:
            return self.valeur_reponse(key, value)
        if value is None:
            return "non renseigné"
        if isinstance(value, bool):
            return _oui_non(value)
        if isinstance(value, int | float):
            return _nombre_fait(key, value)
        date = formatting.as_date(value)
        if date is not None:
            return formatting.date_fr(date)
        if isinstance(value, list | tuple):
            return ", ".join(self.valeur_fait(key, v) for v in value) or "aucun"
        if isinstance(value, dict):
            return " ; ".join(
                f"{self.libelle_fait(str(k))} : {self.valeur_fait(str(k), v)}" for k, v in value.items()
            )
        return self._code_fait(value)

    def _code_fait(self, value: Any) -> str:
        """A code a rule used (a route, a procedure, a phase…) or a threshold it named, as words."""
        for labels in (
            self.L["voies"],
            self.L["procedures"],
            self.L["tranches"],
            self.L["formats_experimentation"],
            self.L["valeurs"]["offre_mutualisee"],
            self.L["phases"],
            self.L["formes_contrat"],
        ):
            if str(value) in labels:
                return str(labels[str(value)])
        parametre = self.parametre(str(value))  # a threshold named by a rule (« seuil_europeen »)
        if parametre is not None:
            return lower_first_word(parametre.libelle)
        return str(value)

    def faits(self, faits: dict[str, Any]) -> list[dict[str, str]]:
        """A rule's facts as (label, words) pairs; fact types (``Projet``, ``Contrat``…) are flattened."""
        out: list[dict[str, str]] = []
        for key, value in faits.items():
            if isinstance(value, dict) and key[:1].isupper():
                out += self.faits(value)
            else:
                out.append({"libelle": self.libelle_fait(key), "valeur": self.valeur_fait(key, value)})
        return out

    def libelle_fait(self, key: str) -> str:
        """The label of an answer key or of a derived fact; unknown keys are shown with spaces."""
        return str(self.L["questions"].get(key) or self.L["faits"].get(key) or key.replace("_", " "))

    def procedure(self, code: str | None) -> str:
        if code is None:
            return lexique_du_conseil(self.advice).mot("procedures", "aucune", "titre")
        return str(self.L["procedures"].get(code, code.replace("_", " ")))

    def parametre(self, nom: str) -> Parametre | None:
        """A parameter used by the advice, by name, or None."""
        return next((p for p in self.advice.parametres if p.nom == nom), None)


def _oui_non(value: bool) -> str:
    return "oui" if value else "non"


_MONTANTS = ("montant", "prix", "dispense", "publicite", "europeen", "valeur", "seuil")


def _nombre_fait(key: str, value: float) -> str:
    """A number of a fact in words, its kind read from the key (amount, months, years, count)."""
    if key.startswith("annees") or key.endswith("_annees"):
        return formatting.annees(value)
    if "rentree" in key or key.startswith(("annee", "exercice")):
        return str(int(value))  # a year: no thousands separator
    if key.endswith("_ht") or key.startswith(_MONTANTS):
        return formatting.montant(value)
    if key.endswith("_mois"):
        return formatting.duree_mois(int(value))
    return formatting.nombre_simple(value)


# --- a parameter ---------------------------------------------------------------------------------


def valeur_parametre(nom: str, valeur: Any) -> str:
    """A parameter's value in words, its unit guessed from its name (``seuil_*`` → euros, ``*_mois``…)."""
    if isinstance(valeur, bool):
        return _oui_non(valeur)
    if isinstance(valeur, int | float):
        if nom.startswith(("seuil", "prix")) or nom.endswith("_ht"):
            return formatting.montant(valeur)
        if nom.endswith("_mois"):
            return f"{formatting.nombre_simple(valeur)} mois"
        if "annees" in nom:
            return f"{formatting.nombre_simple(valeur)} année{'s' if valeur > 1 else ''} scolaire{'s' if valeur > 1 else ''}"
        if isinstance(valeur, float) and 0 < valeur < 1:
            return formatting.pourcentage(valeur)
        if "ecoles" in nom:
            return f"{formatting.nombre_simple(valeur)} école{'s' if valeur > 1 else ''}"
        if "eleves" in nom:
            return f"{formatting.nombre_simple(valeur)} élèves"
        return formatting.nombre_simple(valeur)
    if isinstance(valeur, str) and re.fullmatch(r"\d{2}-\d{2}", valeur):
        month, day = (int(x) for x in valeur.split("-"))
        return f"{'1er' if day == 1 else day} {formatting.MOIS[month - 1]}"
    if isinstance(valeur, list | tuple):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)


def ligne_parametre(p: Parametre) -> dict[str, Any]:
    """One row of the annex's table of parameters: label, value in words, since when, nature, reference."""
    depuis = formatting.date_fr(p.en_vigueur_depuis) if p.en_vigueur_depuis else "—"
    if not p.connu:
        depuis += " (valeur non connue à la date retenue : dernière valeur connue)"
    reference = p.reference
    if p.article and p.article not in reference:
        reference = f"{p.article} — {reference}"
    nature = {"loi": "texte", "heuristique": "pratique"}.get(p.nature, p.nature)
    return {
        "libelle": p.libelle,
        "valeur": valeur_parametre(p.nom, p.valeur),
        "depuis": depuis,
        "nature": nature,
        "reference": reference,
        "lien": p.lien,
    }
