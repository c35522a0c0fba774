"""The texts a rule applies, as structured references: ``Ref(code, article, titre, url)``.

A rule declares ``references=[Ref("CCP", "art. R2122-8", "seuil de dispense")]``; the advice cites
each reference as the string it renders to (``CCP art. R2122-8 (seuil de dispense)``, the public
JSON, unchanged), and carries the structured fields beside it (``Advice.textes``), from which the
report groups the cited articles by code and the other sources by kind, without re-reading strings.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
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
        if nature == "code" and self.code not in CODES:
            raise ValueError(
                f"référence {self.code} : la nature « code » est celle des codes dont le rapport liste les "
                f"articles ({', '.join(CODES)}) ; un autre texte est une « source »."
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

    def court(self) -> str:
        """The citation without its titles (shown beside a rule; the titles are in the table of texts).

        A source that spells out its acronym (« SDET (schéma directeur des ENT) ») is named by the acronym.
        """
        parts = []
        for part in self.parties():
            code = _sans_parentheses(part.code)
            joint = " " if part.article.startswith(_SANS_VIRGULE) else ", "
            parts.append(code + joint + part.article if part.article else code)
        return " ; ".join(parts)

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

    Texts cited together are separated by « ; » (outside parentheses); each that starts with a code and
    an article is an article of that code, any other a source cited as it is written.
    """
    parts = [_citation_seule(part) for part in _separees(texte)] or [Ref(texte)]
    return replace(parts[0], et=tuple(parts[1:]))


def _citation_seule(texte: str) -> Ref:
    for code in CODES:
        rest = texte[len(code) + 1 :]
        if texte.startswith(code + " ") and rest.startswith(("art. ", "annexe ")):
            return Ref(code, rest)
    return Ref(texte)


def _separees(texte: str) -> list[str]:
    """« A ; B (x ; y) » → « A », « B (x ; y) »: split on « ; » outside parentheses."""
    parts: list[str] = []
    current: list[str] = []
    depth = 0
    for char in texte:
        depth += (char == "(") - (char == ")")
        if char == ";" and depth <= 0:
            parts.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    parts.append("".join(current).strip())
    return [part for part in parts if part]


def _sans_parentheses(texte: str) -> str:
    """« SDET (schéma directeur des ENT) et doctrine » → « SDET et doctrine »."""
    out, depth = [], 0
    for char in texte:
        depth += char == "("
        if depth == 0:
            out.append(char)
        depth -= char == ")" and depth > 0
    return " ".join("".join(out).split())
