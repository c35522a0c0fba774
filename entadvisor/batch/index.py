"""``index.html``, the batch's comparative table: its view model, worded by ``reports/synthese.html.j2``.

The view gives the template the counts and their parts, the distributions of the codes (labels of
the lexicon, the most frequent first) and the rows grouped by the first folder below the common
folder of the inputs. The rows are read lazily from the synthesis's row file as the page is
streamed: they are never all held at once.
"""

from __future__ import annotations

import itertools
import os
from collections import Counter
from collections.abc import Callable, Iterator
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from markupsafe import Markup

from entadvisor._files import AtomicFile
from entadvisor.batch.bilan import Bilan
from entadvisor.batch.mots import Mots, code_experimentation
from entadvisor.batch.outputs import dossier_commun, visible_vite
from entadvisor.errors import EntreeInvalide
from entadvisor.report.environment import environment, reports_folder

INDEX = "synthese.html.j2"
"""The template of ``index.html``, in the templates folder (``reports/``)."""

OUVERTS_JUSQUA = 300
"""Up to this many projects, every group of the index is open; beyond, they open on demand."""


Lignes = Callable[[], Iterator[dict[str, Any]]]
"""Each call reads the rows again from the start, in path order."""


def ecrire_index(
    chemin: Path, lignes: Lignes, *, bilan: Bilan, vigilances: Counter[str], mots: Mots, version: str
) -> None:
    """Write ``index.html`` at ``chemin``, streamed as it renders."""
    dossier_modeles = reports_folder()
    modele = environment(dossier_modeles, autoescape=True).get_template(INDEX)
    flux = modele.stream(_vue_index(lignes, bilan, vigilances, mots, version, dossier_modeles))
    flux.enable_buffering(100)  # one write per hundred pieces, not per piece (-13 % CPU)
    with AtomicFile(chemin) as sortie:
        flux.dump(sortie)


def _vue_index(
    lignes: Lignes, bilan: Bilan, vigilances: Counter[str], mots: Mots, version: str, dossier_modeles: Path
) -> dict[str, Any]:
    """What the index words: the counts and their parts, the distributions, the groups of rows."""
    base, groupes = _groupes(lignes())
    libelles = {
        "voie": mots.voie,
        "procedure": mots.procedure,
        "experimentation": mots.experimentation,
        "vigilance": mots.vigilance,
    }
    comptes = {
        "voie": bilan.voies,
        "procedure": bilan.procedures,
        "experimentation": bilan.experimentations,
        "vigilance": vigilances,
    }
    return {
        "total": bilan.total,
        "reussis": bilan.reussis,
        "echecs": bilan.echecs,
        "part_reussis": _part(bilan.reussis, bilan.total),
        "part_echecs": _part(bilan.echecs, bilan.total),
        "date_analyse": bilan.date_analyse,
        "version": version,
        "ouvert": bilan.total <= OUVERTS_JUSQUA,
        "repartitions": {
            cle: _repartition(comptes[cle], libelle, bilan.reussis) for cle, libelle in libelles.items()
        },
        "nombre_groupes": len(groupes),
        "groupes": _groupes_index(lignes, base, groupes, mots),
        "css": Markup(_statique(dossier_modeles, "synthese.css").replace("\n", "")),
        "script": Markup(_statique(dossier_modeles, "synthese.js").strip()),
    }


def _groupes_index(
    lignes: Lignes, base: str, groupes: list[tuple[str, int, int]], mots: Mots
) -> Iterator[dict[str, Any]]:
    """The groups in order, each with its rows, read lazily: the files directly in the common folder
    from one pass over the row file, the folders' (consecutive) rows from another."""
    principal = (ligne for ligne in lignes() if not _groupe(ligne["fichier"], base))
    dossiers = (ligne for ligne in lignes() if _groupe(ligne["fichier"], base))
    for numero, (cle, effectif, erreurs) in enumerate(groupes, start=1):
        rangees = itertools.islice(dossiers if cle else principal, effectif)
        yield {
            "numero": numero,
            "dossier": visible_vite(cle),
            "effectif": effectif,
            "erreurs": erreurs,
            "lignes": (_vue_ligne(ligne, mots) for ligne in rangees),
        }


@lru_cache(maxsize=4)
def _statique(dossier: Path, nom: str) -> str:
    """A static file of the templates folder (the index's CSS and script), read once."""
    try:
        return (dossier / nom).read_text(encoding="utf-8")
    except OSError as exc:
        raise EntreeInvalide(str(dossier / nom), f"fichier de la synthèse illisible : {exc}") from None


def _part(n: int, total: int) -> float:
    return n / total if total else 0.0


def _groupe(fichier: str, base: str) -> str:
    """The first folder of a path below the common folder of all the inputs ('' for a file directly in it)."""
    relatif = os.path.relpath(os.path.abspath(fichier), base) if base else fichier
    parties = Path(relatif).parts
    return parties[0] if len(parties) > 1 and parties[0] not in ("..", ".") else ""


def _groupes(lignes: Iterator[dict[str, Any]]) -> tuple[str, list[tuple[str, int, int]]]:
    """The common folder of the inputs, and the groups in order of first appearance: (group, rows,
    rows in error). Rows come in path order, so a folder's rows are consecutive; only the files of the
    common folder itself ('') may come on both sides of a folder: they make one group."""
    fichiers: list[tuple[str, bool]] = [(ligne["fichier"], ligne["statut"] != "ok") for ligne in lignes]
    base = dossier_commun([f for f, _ in fichiers])
    comptes: dict[str, list[int]] = {}
    for fichier, erreur in fichiers:
        compte_ = comptes.setdefault(_groupe(fichier, base), [0, 0])
        compte_[0] += 1
        compte_[1] += erreur
    return base, [(cle, n, erreurs) for cle, (n, erreurs) in comptes.items()]


def _repartition(comptes: Counter[str], libelle: Any, total: int) -> list[dict[str, Any]]:
    """The rows of a distribution, the most frequent first: label, count and part of ``total``."""
    return [
        {"libelle": libelle(code), "nombre": n, "part": _part(n, total)}
        for code, n in sorted(comptes.items(), key=lambda item: (-item[1], item[0]))
    ]


def _vue_ligne(ligne: dict[str, Any], mots: Mots) -> SimpleNamespace:
    """A row of the index: the file (and its report), then, for an advice, the labels of its codes.
    A namespace, not a dict: the template reads its fields as attributes, the fast way for jinja."""
    fichier = os.path.basename(ligne["fichier"]) or ligne["fichier"]
    if ligne["statut"] != "ok":
        return SimpleNamespace(
            erreur=True,
            fichier=fichier,
            rapport=ligne["fichier_rapport"],
            message=ligne["message_erreur"] or "",
        )
    return SimpleNamespace(
        erreur=False,
        fichier=fichier,
        rapport=ligne["fichier_rapport"],
        nom_projet=visible_vite(ligne["nom_projet"] or ""),
        voie=ligne["voie"],
        procedure=ligne["procedure"] or "",
        libelle_voie=mots.voie(ligne["voie"]),
        libelle_procedure=mots.procedure(ligne["procedure"]),
        valeur=ligne["valeur_estimee_ht"],
        experimentation=mots.experimentation(code_experimentation(ligne)),
        duree_mois=ligne["duree_contrat_mois"],
        rentree=ligne["rentree_retenue"],
        nombre_vigilances=ligne["nombre_vigilances"],
        vigilances=[mots.vigilance(code) for code in ligne["codes_vigilance"]],
        avis=ligne["fichier_avis"],
    )
