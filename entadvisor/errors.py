"""The one domain error type: bad input, told in French, with the file, the field and the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem found in an input: where it is and what is allowed."""

    message: str
    champ: str | None = None
    ligne: int | None = None

    def localisation(self) -> str:
        parts = []
        if self.ligne is not None:
            parts.append(f"ligne {self.ligne}")
        if self.champ:
            parts.append(f"champ « {self.champ} »")
        return ", ".join(parts)


class EntreeInvalide(Exception):
    """Raised for every kind of bad input: unreadable file, malformed YAML/JSON, invalid answers.

    ``str(error)`` is a complete French message that can be shown as is to a user; the CLI prints
    it after ``Erreur : `` and exits with code 1.
    """

    def __init__(self, fichier: str | None, problemes: list[Probleme] | Probleme | str) -> None:
        if isinstance(problemes, str):
            problemes = [Probleme(problemes)]
        elif isinstance(problemes, Probleme):
            problemes = [problemes]
        self.fichier = fichier
        self.problemes: list[Probleme] = problemes
        super().__init__(self.message())

    def message(self) -> str:
        source = self.fichier or "entrée"
        if len(self.problemes) == 1:
            probleme = self.problemes[0]
            ou = probleme.localisation()
            return f"{source}{', ' + ou if ou else ''} : {probleme.message}"
        lignes = [f"{source} : {len(self.problemes)} problèmes"]
        for probleme in self.problemes:
            ou = probleme.localisation()
            lignes.append(f"  - {ou + ' : ' if ou else ''}{probleme.message}")
        return "\n".join(lignes)
