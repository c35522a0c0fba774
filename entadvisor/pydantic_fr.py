"""The one translator of pydantic's errors into French (answer files, questionnaire, parameters).

pydantic words its errors in English, and a user never reads English. :func:`french_problems`
reads every error of a :class:`~pydantic.ValidationError` as an :class:`Erreur` (its kind, where it
is, the value found, the text of our own ``ValueError``, the values a ``Literal`` allows) and lets
the caller's ``phrase`` word it for its file: an answer file names the key, its line and what is
allowed; the questionnaire names the section and question (:func:`lieu`). The kinds of error that
the callers word the same way are named here once (:data:`BORNES`, :func:`mot`).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from entadvisor.errors import Probleme

BORNES = frozenset({"greater_than_equal", "greater_than", "less_than_equal", "less_than", "string_too_long"})
"""The kinds of error of a value outside its bounds (a number, a text's length)."""

MOTS_STRUCTURE = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue",
    "too_short": "liste vide",
}
"""The words for the errors of a file's structure (a questionnaire's keys and lists)."""


@dataclasses.dataclass(frozen=True)
class Erreur:
    """One pydantic error, read for a French message."""

    type: str
    loc: tuple[Any, ...]
    texte: str
    """Our own ``ValueError``'s text (pydantic's « Value error, » removed), else pydantic's message."""
    entree: Any = None
    permises: str = ""
    """For a ``Literal``: the values allowed, as pydantic lists them, joined by « ou »."""

    @property
    def champ(self) -> str:
        """The first part of the location (a key of the top mapping), or ``""``."""
        return str(self.loc[0]) if self.loc else ""

    @property
    def propre(self) -> str:
        """The text of our own ``ValueError`` (a validator of the model), or ``""`` for pydantic's kinds."""
        return self.texte if self.type == "value_error" else ""


def lire(error: Mapping[str, Any]) -> Erreur:
    """One error of ``ValidationError.errors()`` as an :class:`Erreur`."""
    ctx = error.get("ctx") or {}
    return Erreur(
        type=str(error.get("type", "")),
        loc=tuple(error.get("loc", ())),
        texte=str(error.get("msg", "")).removeprefix("Value error, "),
        entree=error.get("input"),
        permises=str(ctx.get("expected", "")).replace(" or ", " ou "),
    )


def french_problems(exc: ValidationError, phrase: Callable[[Erreur], Probleme]) -> list[Probleme]:
    """Every error of ``exc``, worded by ``phrase``, in pydantic's order."""
    return [phrase(lire(error)) for error in exc.errors()]


def mot(erreur: Erreur, mots: Mapping[str, str] = MOTS_STRUCTURE, *, defaut: str | None = None) -> str:
    """The words for one error: the caller's word for its kind; else, for a ``Literal``, the value found
    and the values allowed; else ``defaut`` if given, else our own ``ValueError``'s text."""
    if erreur.type in mots:
        return mots[erreur.type].rstrip(".")
    if erreur.type == "literal_error":
        return f"« {erreur.entree} » n'est pas permis ; valeurs permises : {erreur.permises}"
    return (erreur.texte if defaut is None else defaut).rstrip(".")


_GENRES = {"sections": "section", "questions": "question", "choix": "choix"}


def lieu(data: Any, loc: Sequence[Any]) -> str:
    """Where an error of the questionnaire is, in words: section « perimetre », question
    « nombre_ecoles », « mini ». An element of a list that has an ``id`` is named by it, another by
    its number; the lists ``sections`` and ``questions`` themselves are not named."""
    morceaux, noeud, parent = [], data, ""
    for partie in loc:
        noeud = noeud[partie] if isinstance(noeud, dict | list) and _contient(noeud, partie) else None
        if isinstance(partie, int) and isinstance(noeud, dict) and "id" in noeud:
            morceaux.append(f"{_GENRES.get(parent, 'élément')} « {noeud['id']} »")
        elif isinstance(partie, int):
            morceaux.append(f"n° {partie + 1}")
        elif partie not in ("sections", "questions"):
            morceaux.append(f"« {partie} »")
        parent = str(partie)
    return ", ".join(morceaux) or "racine"


def _contient(noeud: dict[Any, Any] | list[Any], partie: Any) -> bool:
    return (
        partie in noeud if isinstance(noeud, dict) else isinstance(partie, int) and 0 <= partie < len(noeud)
    )
