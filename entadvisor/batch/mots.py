"""The words of the batch's tables: each code of a row worded by the lexicon of the knowledge base
that evaluated the batch (``rules/libelles.yaml``, or that of ``--regles``)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from entadvisor.engine.knowledge import lexique_fourni
from entadvisor.engine.lexique import Lexique


def code_experimentation(ligne: dict[str, Any]) -> str:
    """``non``, or the recommended format (``classes``…), or ``oui`` when no format is given."""
    return (ligne["format_experimentation"] or "oui") if ligne["experimentation"] else "non"


@dataclass(frozen=True)
class Mots:
    """The words of the codes in the batch's tables, from the lexicon of the knowledge base that evaluated
    the batch (rules/libelles.yaml, or that of ``--regles``): see :func:`mots_du_lot`."""

    voies: dict[str, str]
    procedures: dict[str, str]
    """``""`` is a null procedure (the centrale or the groupement's coordinator buys)."""
    experimentations: dict[str, str]
    """By the codes of :func:`code_experimentation`."""
    vigilances: dict[str, str]

    def voie(self, code: str) -> str:
        return self.voies.get(code, code)

    def procedure(self, code: str | None) -> str:
        return self.procedures.get(code or "", code or "")

    def experimentation(self, code: str) -> str:
        return self.experimentations.get(code, code)

    def vigilance(self, code: str) -> str:
        """The label of a vigilance code (a code missing from the lexicon reads as words, not as a code)."""
        return self.vigilances.get(code) or code.replace("_", " ").capitalize()


@lru_cache(maxsize=4)
def mots_du_lot(lexique: Lexique | None = None) -> Mots:
    """The batch's words from ``lexique`` (default: the bundled knowledge base's)."""
    mots = lexique or lexique_fourni()
    formats = mots.table("formats_experimentation", "phrase")
    procedures = mots.table("procedures", "nom")
    return Mots(
        voies=mots.table("voies", "nom"),
        procedures={**procedures, "": procedures.pop("aucune")},
        experimentations={
            "non": "non recommandée",
            "oui": "recommandée",
            **{code: f"recommandée : {texte}" for code, texte in formats.items()},
        },
        vigilances=mots.table("vigilances"),
    )
