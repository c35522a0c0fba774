"""Where ``entadvisor evaluer`` writes: the output names, the output folder and its manifest.

The files of the output folder (``DOSSIER``); the formats of the synthesis are described in
:mod:`entadvisor.batch.synthese`:

- ``synthese.csv`` and ``synthese.json``: one row per file, and the counts.
- ``avis/<nom>.json``: each advice, byte for byte what ``entadvisor conseil FICHIER --json``
  prints. ``<nom>`` is the file's path relative to the common folder of all inputs, folders
  joined by ``__``, characters other than letters, digits, ``.``, ``-`` and ``_`` replaced by
  ``_``; a name already taken (case-insensitive) gets ``-2``, ``-3``…
- with ``html``: ``rapports/<nom>.html`` (the report of :mod:`entadvisor.report.render`) and
  ``index.html``, an accessible, self-contained comparative table linking every report.
- ``.entadvisor-evaluer.manifeste``: the list of the files this run writes. It is written first,
  so that ``ecraser`` can remove exactly what a previous run (even an interrupted one) wrote,
  and nothing else.

A non-empty output folder is refused unless ``ecraser``. Every file appears whole or not at all:
a temporary file in the same folder, then a rename. The per-file outputs are not ``fsync``-ed
(it costs 3 ms a file, a third of an evaluation), nor is ``synthese.json`` which copies them (about
43 KB per file): a rename is atomic for an interrupted process, and after a power cut a batch is
simply run again. The small files (``synthese.csv``, ``index.html``, the manifest) are.

A text that comes from an input (a path, a project name, a message quoting a file) is written
through :func:`visible_vite`: no raw control or bidirectional character reaches a terminal, a
spreadsheet or a page.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Iterator, Sequence
from pathlib import Path

from entadvisor._files import AtomicFile
from entadvisor.errors import EcritureImpossible, EntreeInvalide, os_message, visible
from entadvisor.formatting import nombre

MANIFESTE = ".entadvisor-evaluer.manifeste"
AVIS = "avis"
RAPPORTS = "rapports"


# --- output names ----------------------------------------------------------------------------------


def _partie(texte: str) -> str:
    texte = unicodedata.normalize("NFC", texte)
    return re.sub(r"[^\w.-]", "_", texte).lstrip(".") or "fichier"


def dossier_commun(chemins: Sequence[str]) -> str:
    """The deepest folder holding every path ('' across drives)."""
    base: str | None = None
    for chemin in chemins:
        dossier = os.path.dirname(os.path.abspath(chemin))
        if base is None:
            base = dossier
        elif dossier != base and not dossier.startswith(base.rstrip(os.sep) + os.sep):
            try:
                base = os.path.commonpath([base, dossier])
            except ValueError:  # different drives
                return ""
    return base or ""


def nommer(chemins: Sequence[str]) -> list[str]:
    """A distinct output name per path (in order), derived from its path relative to the common folder."""
    base = dossier_commun(chemins)
    pris: set[str] = set()
    noms = []
    for chemin in chemins:
        relatif = os.path.relpath(os.path.abspath(chemin), base) if base else chemin
        parties = [p for p in Path(relatif).parts if p not in ("..", ".", os.sep) and not p.endswith(":\\")]
        if parties:
            parties[-1] = os.path.splitext(parties[-1])[0]
        nom = "__".join(_partie(p) for p in parties)[:150] or "fichier"
        candidat, numero = nom, 2
        while candidat.casefold() in pris:
            candidat, numero = f"{nom}-{numero}", numero + 1
        pris.add(candidat.casefold())
        noms.append(candidat)
    return noms


# --- the output folder -----------------------------------------------------------------------------


def nom_avis(nom: str, compresser: bool = False) -> str:
    """Where a file's advice goes, relative to the output folder (``.json.gz`` when compressed)."""
    return f"{AVIS}/{nom}.json" + (".gz" if compresser else "")


def _cibles(noms: Sequence[str], html: bool, compresser: bool = False) -> Iterator[str]:
    """The files a run writes, relative to the output folder."""
    yield from ("synthese.csv", "synthese.json")
    yield from (nom_avis(nom, compresser) for nom in noms)
    if html:
        yield "index.html"
        yield from (f"{RAPPORTS}/{nom}.html" for nom in noms)


def _lire_manifeste(dossier: Path) -> Iterator[str]:
    """The files a previous run wrote (read line by line: there may be tens of thousands)."""
    with contextlib.suppress(FileNotFoundError), open(dossier / MANIFESTE, encoding="utf-8") as fichier:
        for ligne in fichier:
            ligne = ligne.rstrip("\n")
            if ligne and not ligne.startswith("#") and _sure(ligne):
                yield ligne


def _sure(relatif: str) -> bool:
    parties = Path(relatif).parts
    return bool(parties) and not Path(relatif).is_absolute() and ".." not in parties and len(parties) <= 2


def temporaires(dossier: Path) -> list[Path]:
    """The temporary files this tool left for the files of the manifest (a writer was interrupted)."""
    candidats = []
    for parent in ("", AVIS, RAPPORTS):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entree in os.scandir(dossier / parent):
                nom = entree.name
                if nom.startswith(".") and nom.endswith(".tmp") and entree.is_file(follow_symlinks=False):
                    candidats.append(f"{parent}/{nom}" if parent else nom)
    if not candidats:  # the usual case: no need to read the manifest
        return []
    cibles = set(_lire_manifeste(dossier))
    trouves = []
    for candidat in candidats:
        parent, _, nom = candidat.rpartition("/")
        points = [i for i, c in enumerate(nom) if c == "." and i > 1]
        if any(f"{parent}/{nom[1:i]}".lstrip("/") in cibles for i in points):  # « .<cible>.<…>.tmp »
            trouves.append(dossier / candidat)
    return trouves


def _effacer_precedent(dossier: Path) -> None:
    """Remove what a previous run wrote (its manifest says which files), and nothing else."""
    for chemin in temporaires(dossier):
        chemin.unlink()
    for cible in _lire_manifeste(dossier):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            if not os.path.isdir(dossier / cible):
                os.unlink(dossier / cible)
    for sous_dossier in (AVIS, RAPPORTS):
        with contextlib.suppress(OSError):  # absent, or holding someone else's files: kept
            (dossier / sous_dossier).rmdir()
    with contextlib.suppress(FileNotFoundError):
        (dossier / MANIFESTE).unlink()


def preparer(dossier: Path, noms: Sequence[str], html: bool, ecraser: bool, compresser: bool = False) -> None:
    if dossier.exists() and not dossier.is_dir():
        raise EntreeInvalide(
            str(dossier), "ce chemin existe et n'est pas un dossier ; indiquez un dossier pour les résultats."
        )
    if dossier.is_dir() and any(dossier.iterdir()):
        if not ecraser:
            raise EntreeInvalide(
                str(dossier),
                "le dossier des résultats n'est pas vide. Choisissez un dossier nouveau ou vide, ou ajoutez "
                "--ecraser pour remplacer les résultats d'une évaluation précédente (seuls les fichiers "
                "qu'elle a écrits sont supprimés).",
            )
        _effacer_precedent(dossier)
        occupes = [c for c in _cibles(noms, html, compresser) if os.path.lexists(dossier / c)]
        if occupes:
            raise EntreeInvalide(
                str(dossier),
                f"{nombre(len(occupes))} fichier(s) à écrire existent déjà sans avoir été écrits par "
                f"« entadvisor evaluer » (par exemple « {occupes[0]} ») ; ils ne sont jamais remplacés. "
                "Déplacez-les, ou choisissez un autre dossier.",
            )
    (dossier / AVIS).mkdir(parents=True, exist_ok=True)
    if html:
        (dossier / RAPPORTS).mkdir(exist_ok=True)
    with AtomicFile(dossier / MANIFESTE) as fichier:
        fichier.write(
            "# Fichiers écrits par « entadvisor evaluer » ; --ecraser supprime ceux-ci et aucun autre.\n"
        )
        fichier.writelines(f"{cible}\n" for cible in _cibles(noms, html, compresser))


def ecriture_impossible(sortie: Path, exc: BaseException) -> EcritureImpossible:
    """The error that stops a batch which cannot write into ``sortie``: why, which advices are
    complete in it, and how to resume, in French."""
    pourquoi = os_message(exc) if isinstance(exc, OSError) else str(exc)
    try:
        ecrits = sum(1 for entree in os.scandir(sortie / AVIS) if entree.name.endswith((".json", ".json.gz")))
    except OSError:
        ecrits = 0
    deja = (
        f"{nombre(ecrits)} conseil{'s' if ecrits > 1 else ''} complet{'s' if ecrits > 1 else ''} "
        f"{'sont' if ecrits > 1 else 'est'} dans {visible(str(sortie / AVIS))}"
        if ecrits
        else "aucun conseil n'a été écrit"
    )
    return EcritureImpossible(
        visible(str(sortie)),
        f"évaluation arrêtée : écriture impossible dans le dossier des résultats ({pourquoi}). "
        f"{deja[:1].upper() + deja[1:]} ; la synthèse (synthese.csv, synthese.json) n'a pas été écrite. "
        "Pour reprendre : libérez de la place ou rendez le dossier accessible en écriture (ou choisissez-en un "
        "autre), puis relancez la même commande avec --ecraser.",
    )


# --- text from the inputs, shown safely ------------------------------------------------------------

_A_MONTRER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The characters :func:`~entadvisor.errors.visible` changes (it keeps line feeds and tabs)."""


def visible_vite(texte: str) -> str:
    """:func:`~entadvisor.errors.visible`, without walking the text when it has nothing to show: the
    usual case, and visible's loop over each character cost 50 µs a row of synthese.csv."""
    return visible(texte) if _A_MONTRER.search(texte) else texte
