"""The texts the advice cites, grouped for the annex « Textes cités »: articles by code, other sources by nature.

:func:`references_citees` gathers every text the advice cites (the rules' structured references and
the parameters' articles); :func:`textes_cites` groups them: each article of a code with a summary
in plain words, then the case law, the guide and the other sources.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from entadvisor.advice import Advice
from entadvisor.references import Ref, citation
from entadvisor.report.valeurs import upper_first

_CODES = {
    "Code de l'éducation": "Code de l'éducation",
    "CCP": "Code de la commande publique (CCP)",
    "CGCT": "Code général des collectivités territoriales (CGCT)",
    "RGPD": "Règlement général sur la protection des données (RGPD)",
}
"""The codes whose articles are listed one by one, with their full names (as :data:`references.CODES`)."""


_LETTRES = {"L": 0, "R": 1, "D": 2}


def _article_key(article: str) -> tuple[int, tuple[int, ...]]:
    """« L2113-6 » before « R2113-4 » before « D2131-5-1 », numbers compared as numbers; RGPD « art. 37 » last."""
    if article.startswith("art. "):
        return (9, (int(article[5:]),))
    return (_LETTRES.get(article[0], 3), tuple(int(n) for n in article[1:].split("-")))


def _without_prefix_duplicates(items: list[str]) -> list[str]:
    """Sorted, without the items that are the beginning of a longer one."""
    unique = sorted({upper_first(x) for x in items}, key=str.casefold)
    return [x for x in unique if not any(y != x and y.startswith(x) for y in unique)]


def textes_cites(
    references: Iterable[Ref], resumes: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Group the cited articles by code, each with a summary in plain words; group the other sources.

    ``Ref("CCP", "art. L2113-6 et L2113-7")`` gives two CCP articles. The summary is the one of
    ``reports/libelles.yaml``, else the title of a reference naming that article alone (unless the title
    explains several things, « … : … »), else None. Sources that are not articles of a code (case
    law, the guide, decrees and others) form the second list, by nature.
    """
    articles: dict[str, dict[str, str | None]] = {code: {} for code in _CODES}
    par_nature: dict[str, list[str]] = {"decision": [], "guide": [], "source": []}
    for reference in references:
        for part in reference.parties():
            if part.nature == "code" and part.code in articles:
                found = part.articles
                single = len(found) == 1 and part.titre and ":" not in part.titre
                for article in found:
                    known = articles[part.code].get(article)
                    articles[part.code][article] = known or (
                        upper_first(part.titre) + "." if single else None
                    )
            elif part.nature == "guide":
                par_nature["guide"].append(upper_first(part.precision.lstrip(" ,:")) or part.code)
            elif part.nature != "code":
                par_nature[str(part.nature)].append(part.texte())
    return _groupes(articles, resumes), _sources(par_nature)


def _groupes(articles: dict[str, dict[str, str | None]], resumes: dict[str, str]) -> list[dict[str, Any]]:
    """The cited articles of each code, in the order of the code, each with its summary (or None)."""
    groupes = []
    for code, code_long in _CODES.items():
        if not articles[code]:
            continue
        rows = []
        for article in sorted(articles[code], key=_article_key):
            cite = article if article.startswith("art. ") else f"art. {article}"
            rows.append({"cite": cite, "resume": resumes.get(f"{code} {article}") or articles[code][article]})
        groupes.append({"code": code, "code_long": code_long, "articles": rows})
    return groupes


def _sources(par_nature: dict[str, list[str]]) -> list[dict[str, Any]]:
    """The sources that are not articles of a code, by nature; a nature without any is left out."""
    sources = [
        {"titre": "Décisions de justice", "items": _without_prefix_duplicates(par_nature["decision"])},
        {
            "titre": "Guide « ENT premier degré » de l'Éducation nationale",
            "items": _without_prefix_duplicates(par_nature["guide"]),
        },
        {"titre": "Autres textes et sources", "items": _without_prefix_duplicates(par_nature["source"])},
    ]
    return [group for group in sources if group["items"]]


def references_citees(advice: Advice, refs: dict[str, Ref]) -> list[Ref]:
    """Every text the advice cites, in order of appearance (duplicates kept): the rules' Refs found by their
    citation, the texts of the parameters (data files) read by :func:`~entadvisor.references.citation`."""
    references: list[str] = list(advice.achat.references)
    for raisons in (
        advice.achat.raisons,
        advice.valeur_estimee.raisons,
        advice.experimentation.raisons,
        advice.contrat.raisons,
    ):
        for raison in raisons:
            references += raison.references
    for trace in advice.trace:
        references += trace.references
    references += [s.reference for s in advice.valeur_estimee.seuils]
    references += [p.article for p in advice.parametres if p.article]
    return [refs.get(cite) or citation(cite) for cite in references]
