"""Answer files: reading them (YAML or JSON) and writing them, with French messages.

An answer file is data only: its YAML is read by the strict loader with the YAML 1.2 core schema,
no anchors or aliases and a bounded size (:data:`entadvisor._yaml.REPONSES`); its JSON by the
standard library, refusing a key given twice. Every problem is an :class:`EntreeInvalide`, in
French, with the file, the key, the line where possible and what is allowed; the answers
themselves are validated by :func:`entadvisor.answers.validate_answers`.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import stat
from typing import Any

import yaml

from entadvisor._files import write_atomic
from entadvisor._yaml import REPONSES, load_yaml_mapping
from entadvisor.answers import (
    FIELDS,
    FORMAT_VERSION,
    Answers,
    check_dates,
    describe_character,
    validate_answers,
)
from entadvisor.errors import EntreeInvalide, Probleme, os_message

TAILLE_MAX_OCTETS = 256 * 1024
"""An answer file is a few hundred bytes; anything above this is refused before parsing."""
NOEUDS_MAX = REPONSES.max_nodes
"""An answer file has about thirty keys and values; a file with more YAML nodes than this is refused."""

_CONTROLE_FICHIER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The control characters (Unicode category Cc) but tab, line feed and carriage return, which a
file saved on Windows holds."""

_JSON_PROBLEMS = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points « : » attendu après la clé",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting value": "valeur attendue",
    "Unterminated string starting at": "texte entre guillemets non fermé",
    "Extra data": "contenu en trop après la fin de l'objet",
    "Invalid control character at": "caractère de contrôle interdit dans un texte",
    "Invalid \\escape": "caractère d'échappement invalide",
    "Illegal trailing comma before end of object": "virgule en trop avant « } »",
    "Illegal trailing comma before end of array": "virgule en trop avant « ] »",
}


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_mapping(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        why = next((fr for en, fr in _JSON_PROBLEMS.items() if exc.msg.startswith(en)), "erreur de syntaxe")
        raise EntreeInvalide(
            source, Probleme(f"JSON mal formé : {why} (colonne {exc.colno}).", None, exc.lineno)
        ) from None
    except _DuplicateKey as exc:
        raise EntreeInvalide(
            source, Probleme("clé donnée deux fois ; gardez une seule réponse.", exc.key)
        ) from None
    except RecursionError:
        raise EntreeInvalide(source, "JSON trop profondément imbriqué.") from None
    except ValueError:  # e.g. an integer longer than Python accepts
        raise EntreeInvalide(source, "JSON illisible : un nombre est trop long.") from None
    lines: dict[str, int] = {}
    if isinstance(data, dict):
        for number, line in enumerate(text.splitlines(), start=1):
            for key in re.findall(r'"([^"\\]+)"\s*:', line):
                lines.setdefault(key, number)
    return data, lines


def _check_characters(text: str, source: str) -> None:
    """Refuse a text holding control characters (NUL, BEL, ESC…), with their line; recognise UTF-16."""
    for found in _CONTROLE_FICHIER.finditer(text):  # a regex: a batch reads thousands of files
        position, char = found.start(), found.group()
        line = text.count("\n", 0, position) + 1
        if char == "\x00" and text.count("\x00") * 3 >= len(text):
            raise EntreeInvalide(
                source,
                Probleme(
                    "le fichier semble encodé en UTF-16 (un octet nul sur deux) ; enregistrez-le en UTF-8.",
                    None,
                    line,
                ),
            )
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise EntreeInvalide(
            source,
            Probleme(
                f"caractère de contrôle {describe_character(char)} en colonne {column} : un fichier de "
                "réponses ne contient que du texte ; retirez-le (ou enregistrez le fichier en UTF-8 texte).",
                None,
                line,
            ),
        )


def read_mapping(text: str, source: str, *, format: str = "yaml") -> tuple[Any, dict[str, int]]:
    """The mapping of an answer file's text (YAML 1.2 core schema, or JSON) and the line of each key,
    without validating the answers: for partial files (the questionnaire's ``--reprendre``)."""
    _check_characters(text, source)
    if format == "json":
        return _json_mapping(text, source)
    return load_yaml_mapping(text, source, REPONSES)


def parse_answers(
    text: str,
    source: str = "<réponses>",
    *,
    format: str = "yaml",
    date_analyse: dt.date | None = None,
) -> Answers:
    """Parse and validate the text of an answer file (``format`` is ``yaml`` or ``json``).

    The dates are checked against ``date_analyse`` (default: today), see :func:`check_dates`.
    """
    data, lines = read_mapping(text, source, format=format)
    answers = validate_answers(data, source, lines)
    check_dates(answers, date_analyse, source, lines)
    return answers


def read_answers_text(path: str | os.PathLike[str]) -> str:
    """Read an answer file's text, refusing unreadable, oversized, special and non-UTF-8 files in French.

    A FIFO or a device is refused without being read (opened without blocking, then checked), so
    that a pipe named ``*.yaml`` cannot hang a batch.
    """
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise EntreeInvalide(source, "fichier introuvable.") from None
    except IsADirectoryError:
        raise EntreeInvalide(source, "c'est un dossier, pas un fichier de réponses.") from None
    except PermissionError:
        raise EntreeInvalide(source, "lecture refusée (droits insuffisants).") from None
    except OSError as exc:
        raise EntreeInvalide(source, f"fichier illisible ({os_message(exc)}).") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise EntreeInvalide(source, "c'est un dossier, pas un fichier de réponses.")
        if not stat.S_ISREG(mode):
            quoi = "un tube (FIFO)" if stat.S_ISFIFO(mode) else "un fichier spécial (périphérique, socket)"
            raise EntreeInvalide(
                source, f"c'est {quoi}, pas un fichier de réponses ordinaire : il n'est pas lu."
            )
        morceaux, reste = [], TAILLE_MAX_OCTETS + 1  # os.read: no buffered reader's fstat, seek and isatty
        while reste > 0 and (morceau := os.read(fd, reste)):
            morceaux.append(morceau)
            reste -= len(morceau)
        raw = b"".join(morceaux)
    except OSError as exc:
        raise EntreeInvalide(source, f"fichier illisible ({os_message(exc)}).") from None
    finally:
        os.close(fd)
    if len(raw) > TAILLE_MAX_OCTETS:
        raise EntreeInvalide(
            source,
            f"fichier trop volumineux (plus de {TAILLE_MAX_OCTETS // 1024} Kio) pour un fichier de réponses.",
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (raw and raw.count(b"\x00") * 3 >= len(raw)):
        raise EntreeInvalide(
            source, Probleme("le fichier est encodé en UTF-16 ; enregistrez-le en UTF-8.", None, 1)
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EntreeInvalide(
            source, Probleme("le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8.", None, line)
        ) from None


def load_answers(path: str | os.PathLike[str], *, date_analyse: dt.date | None = None) -> Answers:
    """Load and validate an answer file (``.yaml``, ``.yml`` or ``.json``).

    The launch date and the end of the current contract must lie within :data:`ECART_DATES_ANS`
    years of ``date_analyse`` (default: today).
    """
    text = read_answers_text(path)
    format = "json" if str(path).lower().endswith(".json") else "yaml"
    return parse_answers(text, str(path), format=format, date_analyse=date_analyse)


# --- writing files -------------------------------------------------------------------------------


def answers_to_yaml(data: dict[str, Any]) -> str:
    """Serialise answers (a full model dump or a partial mapping) in the order of the model."""
    ordered = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    ordered.update({k: v for k, v in data.items() if k not in ordered and v is not None})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False)


def save_answers(data: dict[str, Any] | Answers, path: str | os.PathLike[str]) -> None:
    """Save answers (complete or not) as a YAML answer file, atomically."""
    mapping = data.model_dump(mode="json", exclude_none=True) if isinstance(data, Answers) else dict(data)
    mapping.setdefault("version", FORMAT_VERSION)
    write_atomic(path, answers_to_yaml(mapping), what="le fichier de réponses")
