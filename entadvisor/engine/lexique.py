"""The lexicon of the knowledge base: the words of each code (``rules/libelles.yaml``).

One file says how a code reads — a route, a procedure, a contract form, a readiness status, an
answer value… — for every view and for the rules' own sentences. Where a code needs two forms (a
title in a table, a noun group inside a sentence) the file gives both by name; nothing else words a
code.

The file is read through the strict YAML loader (:func:`entadvisor._yaml.load_yaml`: a key given
twice is an error naming the key and its line) and checked here: each section is a mapping of codes,
each code a text (its one form, ``libelle``) or a mapping of named forms to texts. ``valeurs`` holds
one such section per answer key (``valeurs.porteur``…).

A knowledge base folder (``--regles DOSSIER``) must hold its own ``libelles.yaml``: there is no
fallback to the bundled words. A modified base may rename or add a code, and showing the bundled
words for it would word a decision the base did not take; so a missing file is an error that says
where the file is expected and how to start one (copy the bundled one).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from entadvisor._yaml import load_yaml
from entadvisor.errors import EntreeInvalide, Probleme

FICHIER = "libelles.yaml"
FORME = "libelle"
"""The name of the only form of a code written as a plain text."""


SECTIONS_DES_MODELES = (
    "voies",
    "procedures",
    "tranches",
    "seuils",
    "formats_experimentation",
    "phases",
    "statuts",
    "tailles",
    "organes",
    "recommandations",
    "vigilances",
)
"""The sections that word the codes of the public models (answers.py, advice.py), with the ``valeurs.*``
ones: a knowledge base's lexicon gives at least every word of the bundled one in these (see
:func:`manques`), since the views and the rules name them whatever the rules decide."""


class LibelleAbsent(EntreeInvalide, KeyError):
    """A code, a form or a section that the lexicon does not word: bad input of its ``libelles.yaml``,
    told in French like any other (« Erreur : … », exit 1), and a :class:`KeyError` for a lookup."""

    def __str__(self) -> str:
        return self.message()


@dataclass(frozen=True, eq=False)
class Lexique:
    """Codes → named forms → words, by section (``procedures``, ``valeurs.porteur``…).

    Compared and hashed by identity: one instance per file and process (:func:`charger_lexique`)."""

    source: str
    sections: dict[str, dict[str, dict[str, str]]]

    def mot(self, section: str, code: Any, forme: str = FORME) -> str:
        """The words of ``code`` in ``section``, in the named form; an unknown one is an error naming it."""
        formes = self._formes(section, code)
        if forme not in formes:
            raise LibelleAbsent(
                self.source,
                Probleme(
                    f"la forme « {forme} » de « {code} » (section « {section} ») manque ; "
                    f"formes données : {', '.join(formes)}.",
                    f"{section}.{code}",
                ),
            )
        return formes[forme]

    def table(self, section: str, forme: str = FORME) -> dict[str, str]:
        """Code → words in one form, for the codes of ``section`` that have that form, in the file's order."""
        return {code: formes[forme] for code, formes in self._section(section).items() if forme in formes}

    def formes(self, section: str, code: Any) -> dict[str, str]:
        """Every named form of ``code`` (a copy)."""
        return dict(self._formes(section, code))

    def codes(self, section: str) -> list[str]:
        return list(self._section(section))

    def _section(self, section: str) -> dict[str, dict[str, str]]:
        if section not in self.sections:
            raise LibelleAbsent(self.source, Probleme(f"section « {section} » absente du lexique.", section))
        return self.sections[section]

    def _formes(self, section: str, code: Any) -> dict[str, str]:
        codes = self._section(section)
        if str(code) not in codes:
            raise LibelleAbsent(
                self.source,
                Probleme(
                    f"aucun libellé pour « {code} » dans la section « {section} ».", f"{section}.{code}"
                ),
            )
        return codes[str(code)]


def manques(lexique: Lexique, reference: Lexique) -> list[str]:
    """The words of ``reference`` (the bundled lexicon) that ``lexique`` lacks in the sections of the public
    models' codes (:data:`SECTIONS_DES_MODELES` and ``valeurs.*``), as ``section.code.forme``."""
    absents = []
    for section, codes in reference.sections.items():
        if section not in SECTIONS_DES_MODELES and not section.startswith("valeurs."):
            continue
        donnees = lexique.sections.get(section, {})
        for code, formes in codes.items():
            absents += [f"{section}.{code}.{forme}" for forme in formes if forme not in donnees.get(code, {})]
    return absents


def verifier_complet(lexique: Lexique, reference: Lexique) -> None:
    """Refuse a knowledge base's lexicon that lacks words of the bundled one for the public models' codes
    (:func:`manques`): it is told when the base is loaded, not when a view first needs the word."""
    absents = manques(lexique, reference)
    if absents:
        premier = absents[0].rsplit(".", 1)[0]
        raise EntreeInvalide(
            lexique.source,
            Probleme(
                f"lexique incomplet : {len(absents)} libellé(s) de la base fournie manque(nt) "
                f"({', '.join(absents[:5])}{', …' if len(absents) > 5 else ''}) ; chaque code des réponses et du "
                "conseil doit avoir ses mots, sous les formes que la base fournie donne (rules/libelles.yaml).",
                premier,
            ),
        )


def verifier_vigilances(lexique: Lexique, codes: Iterable[str]) -> None:
    """Refuse a lexicon without the short label of a declared warning code (``advice.CodeVigilance``): a new
    code is told when the base is loaded, not when the batch's table first needs its label."""
    connus = set(lexique.codes("vigilances"))
    absents = [code for code in codes if code not in connus]
    if absents:
        raise EntreeInvalide(
            lexique.source,
            Probleme(
                f"lexique incomplet : le code de vigilance « {absents[0]} »"
                + (f" (et {len(absents) - 1} autre(s))" if len(absents) > 1 else "")
                + " est déclaré (entadvisor/advice.py, CodeVigilance) mais n'a pas de libellé dans la section "
                "« vigilances » ; ajoutez-y une ligne « code: libellé court ».",
                "vigilances",
            ),
        )


def _entree(valeur: Any, ou: str, source: str) -> dict[str, str]:
    if isinstance(valeur, str):
        return {FORME: valeur}
    if isinstance(valeur, dict) and valeur and all(isinstance(v, str) for v in valeur.values()):
        return {str(forme): texte for forme, texte in valeur.items()}
    raise EntreeInvalide(
        source,
        Probleme(
            "un libellé est un texte, ou une table de formes nommées dont chacune est un texte "
            "(par exemple « titre: Appel d'offres ouvert »).",
            ou,
        ),
    )


def _section(contenu: Any, nom: str, source: str) -> dict[str, dict[str, str]]:
    if not isinstance(contenu, dict) or not contenu:
        raise EntreeInvalide(source, Probleme("une section du lexique est une table non vide de codes.", nom))
    return {str(code): _entree(valeur, f"{nom}.{code}", source) for code, valeur in contenu.items()}


def lire_lexique(texte: str, source: str) -> Lexique:
    """The lexicon in ``texte`` (the content of a ``libelles.yaml``), checked; ``source`` names it in errors."""
    try:
        data = load_yaml(texte, source)
    except yaml.YAMLError as exc:
        raise EntreeInvalide(source, f"lexique illisible (YAML invalide) : {exc}") from None
    if not isinstance(data, dict):
        raise EntreeInvalide(source, "le lexique doit être une table YAML de sections (voies, procedures…).")
    sections: dict[str, dict[str, dict[str, str]]] = {}
    for nom, contenu in data.items():
        if nom == "valeurs":
            if not isinstance(contenu, dict):
                raise EntreeInvalide(source, Probleme("« valeurs » est une table, par clé de réponse.", nom))
            for cle, valeurs in contenu.items():
                sections[f"valeurs.{cle}"] = _section(valeurs, f"valeurs.{cle}", source)
        else:
            sections[str(nom)] = _section(contenu, str(nom), source)
    return Lexique(source, sections)


@functools.lru_cache(maxsize=8)
def charger_lexique(dossier: Path) -> Lexique:
    """The lexicon of the knowledge base in ``dossier`` (its ``libelles.yaml``), read once per process."""
    chemin = dossier / FICHIER
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EntreeInvalide(
            str(chemin),
            "lexique de la base de connaissances introuvable : chaque base donne les mots de ses codes "
            f"(voies, procédures, statuts…) dans {FICHIER}, à côté de ses modules de règles ; copiez celui "
            "de la base fournie (rules/libelles.yaml) puis adaptez-le.",
        ) from None
    except OSError as exc:
        raise EntreeInvalide(str(chemin), f"lexique illisible : {exc.strerror or exc}.") from None
    return lire_lexique(texte, str(chemin))
