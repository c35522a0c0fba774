"""Acronyms spelled out at their first use on a page (RGAA 4.1, criterion 9.1 spirit; WCAG 3.1.4).

The words come from the glossary of the report's lexicon (``reports/libelles.yaml``, key
``glossaire``): its first clause (up to the first comma, parenthesis, dash or full stop) is the
expansion. On a page, the first occurrence of an acronym becomes ``<abbr title="words">X</abbr>
(words)``, unless the text already spells it out (« … (ENT) » or « ENT (…) »); later occurrences are
an ``<abbr>`` with its title only. Text is escaped before acronyms are marked.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

from markupsafe import Markup, escape

_FIN_CLAUSE = re.compile(r" \(|, | — | – |\.(?:\s|$)|;")


def expansion(definition: str) -> str:
    """``Délégation académique au numérique éducatif (DRANE …).`` → ``délégation académique au numérique éducatif``."""
    premiere = _FIN_CLAUSE.split(definition.strip(), maxsplit=1)[0].rstrip(". ")
    if len(premiere) > 1 and premiere[1].isupper():
        return premiere
    return premiere[:1].lower() + premiere[1:]


class Sigles:
    """A per-page marker of acronyms: call it on each text, in reading order."""

    def __init__(self, glossaire: Mapping[str, str]) -> None:
        self._mots = {sigle: expansion(str(definition)) for sigle, definition in glossaire.items()}
        self._vus: set[str] = set()
        alternatives = "|".join(re.escape(s) for s in sorted(self._mots, key=len, reverse=True))
        self._motif = re.compile(rf"(?<![\w-])({alternatives})(?![\w-])") if alternatives else None

    def __call__(self, texte: str) -> Markup:
        echappe = str(escape(texte))
        if self._motif is None:
            return Markup(echappe)
        return Markup(self._motif.sub(lambda m: self._marquer(m, echappe), echappe))

    def _marquer(self, correspondance: re.Match[str], texte: str) -> str:
        sigle = correspondance.group(1)
        mots = self._mots[sigle]
        balise = f'<abbr title="{escape(mots)}">{sigle}</abbr>'
        if sigle in self._vus:
            return balise
        self._vus.add(sigle)
        avant = texte[: correspondance.start()]
        apres = texte[correspondance.end() :]
        deja = (avant.endswith("(") and apres.startswith(")")) or apres.startswith(" (")
        return balise if deja else f"{balise} ({escape(mots)})"
