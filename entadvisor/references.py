"""The texts a rule applies, as structured references: ``Ref(code, article, titre, url)``.

A rule declares ``references=[Ref("CCP", "art. R2122-8", "seuil de dispense")]``; the advice cites
each reference as the string it renders to (``CCP art. R2122-8 (seuil de dispense)``, the public
JSON, unchanged), and carries the structured fields beside it (``Advice.textes``), from which the
report groups the cited articles by code and the other sources by kind, without re-reading strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

Nature = Literal["code", "guide", "decision", "source"]

CODES = ("Code de l'éducation", "CCP", "CGCT", "RGPD")
"""The codes whose articles the report lists one by one (in this order)."""

GUIDE = "Guide ENT premier degré"

_SANS_VIRGULE = ("art. ", "annexe ", ": ")
"""An ``article`` starting with one of these follows the code after a space (« CCP art. L2124-1 »,
« Guide ENT premier degré : … »); any other after a comma (« TA Lyon, 11 juillet 2025 »)."""


@dataclass(frozen=True)
class Ref:
    """One text cited by a rule: the code or source, where in it, what it says, and a link.

    ``code``: « CCP », « CGCT », « Code de l'éducation », « RGPD » for an article of a code; else the
    source (« Guide ENT premier degré », « TA Lyon », « CNIL »…). ``article``: where in it
    (« art. L2113-6 à L2113-8 », « annexe 2 », « « Pilotage du projet » »). ``titre``: what it says, in a
    few words (rendered in parentheses). ``nature``: derived from ``code`` (``code``, ``guide``), else
    ``source`` unless declared ``decision`` (case law). ``et``: texts cited together with this one,
    rendered after « ; ».
    """

    code: str
    article: str = ""
    titre: str = ""
    url: str | None = None
    nature: Nature | None = None
    et: tuple[Ref, ...] = ()
    articles: tuple[str, ...] = field(init=False, compare=False, repr=False)
    """The articles of the code this reference cites (``L2113-6``, ``L2113-8``; ``art. 37`` for the RGPD)."""

    def __post_init__(self) -> None:
        if not self.code.strip():
            raise ValueError("référence sans code ni source.")
        nature = self.nature or (
            "code" if self.code in CODES else "guide" if self.code == GUIDE else "source"
        )
        if nature not in ("code", "guide", "decision", "source"):
            raise ValueError(
                f"référence {self.code} : nature « {nature} » inconnue (code, guide, decision, source)."
            )
        if nature == "code" and not self.article.startswith(("art. ", "annexe ")):
            raise ValueError(
                f"référence {self.code} : l'article doit commencer par « art. » ou « annexe » ({self.article!r})."
            )
        object.__setattr__(self, "nature", nature)
        object.__setattr__(self, "et", tuple(self.et))
        object.__setattr__(self, "articles", _articles(self.code, self.article) if nature == "code" else ())

    @property
    def precision(self) -> str:
        """What follows the code: the article, then the title in parentheses."""
        titre = f" ({self.titre})" if self.titre else ""
        return f"{self.article}{titre}" if self.article else titre.lstrip()

    def texte(self) -> str:
        """This reference alone, as the advice cites it (« CCP art. R2122-8 (seuil de dispense) »)."""
        if not self.article:
            return f"{self.code} ({self.titre})" if self.titre else self.code
        joint = " " if self.article.startswith(_SANS_VIRGULE) else ", "
        return self.code + joint + self.precision

    def parties(self) -> tuple[Ref, ...]:
        """This reference and those cited with it."""
        return (self, *self.et)

    def __str__(self) -> str:
        return " ; ".join(part.texte() for part in self.parties())


def _articles(code: str, article: str) -> tuple[str, ...]:
    """The article numbers of « art. L2124-2, R2124-2 », « art. L2113-6 à L2113-8 », « art. 37 à 39 »."""
    if not article.startswith("art. "):
        return ()
    found = []
    for word in article[5:].replace(",", " ").split():
        if code == "RGPD":
            if word.isdigit() and len(word) <= 2:
                found.append(f"art. {word}")
            continue
        parts = word[1:].split("-")
        if (
            word[:1] in "LRD"
            and len(parts) >= 2
            and all(p.isdigit() for p in parts)
            and 3 <= len(parts[0]) <= 4
        ):
            found.append(word)
    return tuple(found)


def citation(texte: str) -> Ref:
    """A reference written as text in a data file (a parameter's ``article``: « CCP art. R2122-8 »).

    The text starts with a code and an article; anything else is a source cited as it is written.
    """
    for code in CODES:
        if texte.startswith(code + " ") and texte[len(code) + 1 :].startswith(("art. ", "annexe ")):
            return Ref(code, texte[len(code) + 1 :])
    return Ref(texte)
