"""The partial answer files of a questionnaire in progress: their text, and reading them back.

:func:`texte_fichier` writes the answers given so far (complete or not) with comments saying how far
the questionnaire went, how to resume it and which keys were answered « je ne sais pas »;
:func:`lire_reponses_partielles` reads such a file back, each answer checked by its question, for a
resume (``entadvisor questionnaire --reprendre``, the browser's projects). Writing the file in place
after every answer is :mod:`entadvisor.questionnaire.fichier`.
"""

from __future__ import annotations

import difflib
import json
from pathlib import Path
from typing import Any

from entadvisor.answer_files import answers_to_yaml, read_answers_text, read_mapping
from entadvisor.answers import FIELDS, FORMAT_VERSION
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.questionnaire.model import Questionnaire
from entadvisor.questionnaire.parcours import Parcours

MARQUE_NSP = "# je_ne_sais_pas:"
"""The comment line of a YAML answer file that lists the keys answered « je ne sais pas »."""


def texte_fichier(parcours: Parcours, commande_reprise: str | None = None, *, json_: bool = False) -> str:
    """The text of the answer file for the answers so far (complete or not), YAML by default.

    YAML files carry comments: how far the questionnaire went, the command to resume it, and the
    keys answered « je ne sais pas » (so that a resume does not ask them again).
    """
    donnees: dict[str, Any] = {"version": FORMAT_VERSION, **parcours.reponses}
    if json_:
        ordonnees = {k: donnees[k] for k in FIELDS if k in donnees}
        return json.dumps(ordonnees, ensure_ascii=False, indent=2, default=str) + "\n"
    lignes = [f"# Réponses au questionnaire « {parcours.questionnaire.titre} » (entadvisor questionnaire)."]
    if parcours.en_revue and not parcours.problemes():
        lignes.append("# Questionnaire complet.")
    elif commande_reprise:
        lignes.append(f"# Questionnaire en cours ; pour le reprendre : {commande_reprise}")
    texte = "\n".join(lignes) + "\n" + answers_to_yaml(donnees)
    ordre = [q.id for q in parcours.questionnaire.questions()]
    inconnues = sorted(parcours.inconnues, key=ordre.index)
    if inconnues:
        texte += f"{MARQUE_NSP} {', '.join(inconnues)}\n"
    return texte


def lire_reponses_partielles(
    path: str | Path, questionnaire: Questionnaire
) -> tuple[dict[str, Any], set[str]]:
    """Read an answer file that may be incomplete: the answers (checked one by one) and the keys
    answered « je ne sais pas ». Consistency between answers is checked later, at the review.

    Raises :class:`EntreeInvalide` for an unreadable file, an unknown key or a value not allowed.
    """
    source = str(path)
    texte = read_answers_text(path)
    # the loader of complete answer files: YAML 1.2 core schema, French messages with their line
    data, lignes = read_mapping(texte, source, format="json" if source.lower().endswith(".json") else "yaml")
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise EntreeInvalide(source, "le fichier doit contenir une table de réponses « clé: valeur ».")
    problemes: list[Probleme] = []
    reponses: dict[str, Any] = {}
    for cle, valeur in data.items():
        if cle == "version":
            if valeur is True or str(valeur).strip() != str(FORMAT_VERSION):  # « 1 » as text is version 1
                problemes.append(
                    Probleme(f"version « {valeur} » inconnue ; attendu {FORMAT_VERSION}.", "version")
                )
            continue
        question = questionnaire.question(str(cle))
        if question is None:
            proches = difflib.get_close_matches(str(cle), FIELDS, n=1, cutoff=0.6)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            problemes.append(Probleme(f"clé inconnue{indice}", str(cle), lignes.get(str(cle))))
            continue
        if valeur is None:
            continue
        try:
            reponses[question.id] = question.accepter(valeur)
        except ValueError as exc:
            problemes.append(Probleme(str(exc), question.id, lignes.get(question.id)))
    if problemes:
        raise EntreeInvalide(source, problemes)
    inconnues: set[str] = set()
    for ligne in texte.splitlines():
        if ligne.startswith(MARQUE_NSP):
            for cle in ligne.removeprefix(MARQUE_NSP).split(","):
                question = questionnaire.question(cle.strip())
                if question is not None and question.facultative and question.id not in reponses:
                    inconnues.add(question.id)
    return reponses, inconnues
