"""The inputs of a batch: the answer files named on the command line, files as given and folders walked.

Files are taken as given (any extension); folders are walked recursively for ``*.yaml``, ``*.yml``
and ``*.json`` (case-insensitive), skipping hidden entries and the output folder itself. A *folder*
named like an answer file (``x.yaml/``) is kept, to be reported as an error rather than walked.
Files are sorted by path: the outputs are the same whatever the number of processes.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

EXTENSIONS = (".yaml", ".yml", ".json")


def _est_reponses(nom: str) -> bool:
    return not nom.startswith(".") and nom.lower().endswith(EXTENSIONS)


def collecter(chemins: Sequence[str | os.PathLike[str]], exclure: Path | None = None) -> list[str]:
    """The answer files named by ``chemins`` (files as given, folders walked), sorted by path."""
    exclu = os.path.realpath(exclure) if exclure is not None else None
    trouves: set[str] = set()
    for chemin in chemins:
        texte = os.fspath(chemin)
        if not os.path.isdir(texte):
            trouves.add(os.path.normpath(texte))  # even missing: it gets the message « introuvable »
            continue
        for racine, dossiers, fichiers in os.walk(texte):
            if exclu is not None and os.path.realpath(racine) == exclu:
                dossiers[:] = []
                continue
            parcourus = []
            for nom in dossiers:
                if _est_reponses(nom):
                    trouves.add(os.path.normpath(os.path.join(racine, nom)))  # a folder named x.yaml
                elif not nom.startswith("."):
                    parcourus.append(nom)
            dossiers[:] = sorted(parcourus)
            trouves.update(
                os.path.normpath(os.path.join(racine, nom)) for nom in fichiers if _est_reponses(nom)
            )
    return sorted(trouves, key=lambda chemin: chemin.replace(os.sep, "\0"))  # the order of Path.parts
