"""Reading the questionnaire file and checking it against the answer model.

:func:`load_questionnaire` reads ``questionnaires/ent-premier-degre.yaml`` (or the file given) with
the strict YAML loader (a key given twice is an error with its line), builds the
:class:`~entadvisor.questionnaire.model.Questionnaire` (pydantic's errors worded in French by
:mod:`entadvisor.pydantic_fr`, naming the section and the question), then checks what spans
questions: every id an answer key, every required key asked unconditionally, conditions and bounds
that refer to earlier questions only.
"""

from __future__ import annotations

import difflib
from pathlib import Path

import yaml
from pydantic import ValidationError

from entadvisor import pydantic_fr
from entadvisor._yaml import load_yaml
from entadvisor.answers import FIELDS, REQUIRED, Answers
from entadvisor.engine.knowledge import questionnaire_path
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.questionnaire.model import Questionnaire


def questionnaire_path_par_defaut() -> Path:
    """The bundled questionnaire, where the knowledge base is: inside the installed wheel
    (``entadvisor/_kb/questionnaires/``) or beside the source tree (:func:`questionnaire_path`)."""
    return questionnaire_path()


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and check a questionnaire file (default: the bundled one).

    Raises :class:`EntreeInvalide` (French) for an unreadable or malformed file, a question id that
    is not an answer key, a required key not asked unconditionally, a condition or a bound that
    refers to a later question, or « je ne sais pas » leaving out a key that cannot be left out.
    """
    chemin = Path(path) if path is not None else questionnaire_path_par_defaut()
    source = str(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EntreeInvalide(source, "questionnaire introuvable.") from None
    except IsADirectoryError:
        raise EntreeInvalide(source, "c'est un dossier, pas un fichier de questionnaire.") from None
    except UnicodeDecodeError:
        raise EntreeInvalide(source, "questionnaire illisible : enregistrez-le en UTF-8.") from None
    except OSError as exc:
        raise EntreeInvalide(source, f"questionnaire illisible ({exc.strerror or exc}).") from None
    try:
        data = load_yaml(texte, source)  # a key given twice is an error (file, key, line)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ligne = mark.line + 1 if mark is not None else None
        raise EntreeInvalide(
            source, Probleme(f"YAML mal formé : {getattr(exc, 'problem', exc)}.", None, ligne)
        ) from None
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problemes = pydantic_fr.french_problems(
            exc, lambda erreur: Probleme(f"{pydantic_fr.lieu(data, erreur.loc)} : {pydantic_fr.mot(erreur)}.")
        )
        raise EntreeInvalide(source, problemes) from None
    problemes = _verifier(questionnaire)
    if problemes:
        raise EntreeInvalide(source, problemes)
    return questionnaire


def _verifier(questionnaire: Questionnaire) -> list[Probleme]:
    """The checks that span questions, and those against the answer model."""
    problemes: list[Probleme] = []
    vues: list[str] = []
    for question in questionnaire.questions():
        qid = question.id
        if qid in vues:
            problemes.append(Probleme("question posée deux fois.", qid))
        if qid not in FIELDS or qid == "version":
            proches = difflib.get_close_matches(qid, FIELDS, n=1)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            problemes.append(Probleme(f"l'identifiant n'est pas une clé du fichier de réponses{indice}", qid))
        references = [question.si.question] if question.si else []
        references += [borne.question for borne in question.bornes_selon]
        for reference in references:
            if reference not in vues:
                problemes.append(
                    Probleme(f"se réfère à « {reference} », qui n'est pas une question posée avant.", qid)
                )
        if qid in REQUIRED and question.si is not None:
            problemes.append(Probleme("une réponse obligatoire ne peut pas dépendre d'une condition.", qid))
        if question.facultative and qid in Answers.model_fields:
            champ = Answers.model_fields[qid]
            if champ.is_required() or champ.default is not None:
                message = "« je ne sais pas » omettrait une clé qui ne peut pas l'être ; donnez « valeur »."
                problemes.append(Probleme(message, qid))
        vues.append(qid)
    for manquante in sorted(set(REQUIRED) - set(vues)):
        problemes.append(Probleme("réponse obligatoire du fichier de réponses jamais demandée.", manquante))
    return problemes
