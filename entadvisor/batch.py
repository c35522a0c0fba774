"""Batch evaluation: many saved answer files → one comparative table plus each project's advice.

For a département, a DRANE or a syndicat mixte holding the answer files of dozens to thousands of
communes. :func:`evaluer_fichiers` is the whole feature; ``entadvisor evaluer`` only prints its
:class:`Bilan`.

**Inputs.** Files are taken as given (any extension); folders are walked recursively for
``*.yaml``, ``*.yml`` and ``*.json`` (case-insensitive), skipping hidden entries and the output
folder itself. A *folder* named like an answer file (``x.yaml/``) is reported as an error rather
than walked. Files are sorted by path: the outputs are the same whatever ``jobs``.

**Outputs** in the output folder (``DOSSIER``):

- ``synthese.csv``: one row per file, columns :data:`COLONNES`, for spreadsheets. Choices, so that
  a double click opens it correctly in French Excel and LibreOffice:
  UTF-8 **with BOM** (without it Excel reads UTF-8 as Windows-1252 and garbles accents),
  ``;`` as separator (the list separator of the French locale; ``,`` is the decimal mark),
  CRLF line ends and quoting when needed (RFC 4180). **Amounts use the decimal comma**
  (``216000`` or ``39300,50``; no thousands separator): a French-locale spreadsheet reads it as a
  number, whereas ``39300.50`` becomes text, or even a date (``4.5`` → « 4 mai »). Programs read
  it with ``csv.reader(f, delimiter=";")`` after ``open(..., encoding="utf-8-sig")``, or
  ``pandas.read_csv(path, sep=";", decimal=",")``; those who need machine values read
  ``synthese.json`` instead. Booleans are ``oui``/``non``, codes are the JSON codes
  (``appel_offres_ouvert``), several vigilance codes are separated by ``, ``. A text cell that
  starts with ``=``, ``+``, ``-``, ``@`` gets a leading apostrophe so that no spreadsheet runs it
  as a formula (a project name comes from a file anyone could have written).
- ``synthese.json``: the same rows (machine values: numbers, booleans, lists, ``null``), each
  with its whole advice under ``avis``, plus the counts; assembled at the end by streaming the
  per-file JSON files, never holding the advices in memory.
- ``avis/<nom>.json``: each advice, byte for byte what ``entadvisor conseil FICHIER --json``
  prints. ``<nom>`` is the file's path relative to the common folder of all inputs, folders
  joined by ``__``, characters other than letters, digits, ``.``, ``-`` and ``_`` replaced by
  ``_``; a name already taken (case-insensitive) gets ``-2``, ``-3``…
- with ``html``: ``rapports/<nom>.html`` (the report of :mod:`entadvisor.report`) and
  ``index.html``, an accessible, self-contained comparative table linking every report.
- ``.entadvisor-evaluer.manifeste``: the list of the files this run writes. It is written first,
  so that ``ecraser`` can remove exactly what a previous run (even an interrupted one) wrote,
  and nothing else.

A non-empty output folder is refused unless ``ecraser``. Every file appears whole or not at all:
a temporary file in the same folder, then a rename. The per-file outputs are not ``fsync``-ed
(it costs 3 ms a file, a third of an evaluation), nor is ``synthese.json`` which copies them (about
43 KB per file): a rename is atomic for an interrupted process, and after a power cut a batch is
simply run again. The small files (``synthese.csv``, ``index.html``, the manifest) are.

**Parallelism.** ``jobs`` worker processes (default: the cores), each with one warm engine (the
engine does not pickle; threads are unsafe: shared EXPERTA.md §2.7), forked before the files are
listed so that they do not inherit the list: their memory does not depend on the number of files.
Paths go out in chunks; each worker reads, evaluates and writes its files itself, and sends back
one small row per file, which the main process puts back in path order and streams to
``synthese.csv`` and to a row file on disk. The main process holds a queue of paths (about 0.6 KB
a file, emptied as the work goes out), never the advices.

**Errors never stop the batch.** A bad file gets the French message of ``entadvisor conseil``; an
unexpected exception is an « erreur interne » naming its type. A worker that dies (killed, or
crashed by a file) breaks the pool: the unfinished files are re-run one at a time in a fresh
pool, and a file is marked failed only when a worker running it alone died twice. Ctrl-C (or
SIGTERM) stops after the file in progress, removes the unfinished synthesis and exits with 130;
the advices already written are complete.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gc
import html as html_lib
import json
import math
import multiprocessing
import os
import re
import shutil
import signal
import sys
import time
import unicodedata
import urllib.parse
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, TextIO

from .answers import load_answers
from .engine import evaluate
from .errors import EntreeInvalide
from .formatting import date_fr, duree_mois, montant, nombre
from .text import FORMATS, PROCEDURES, VOIES

EXTENSIONS = (".yaml", ".yml", ".json")
COLONNES = (
    "fichier",
    "nom_projet",
    "statut",
    "voie",
    "procedure",
    "valeur_estimee_ht",
    "experimentation",
    "format_experimentation",
    "duree_contrat_mois",
    "rentree_retenue",
    "nombre_vigilances",
    "codes_vigilance",
    "message_erreur",
    "fichier_avis",
)
"""The columns of ``synthese.csv`` and the keys of each row of ``synthese.json``."""

MANIFESTE = ".entadvisor-evaluer.manifeste"
AVIS = "avis"
RAPPORTS = "rapports"
LOT_MAX = 128
"""Files per task sent to a worker: large enough to make the inter-process traffic negligible."""
ECHECS_RETENUS = 50
"""Failures kept for the final summary; all of them are in ``synthese.csv``."""
MORTS_MAX = 2
"""A file is failed when a worker running it alone died this many times."""

SANS_PROCEDURE = "aucune à conduire soi-même (centrale d'achat ou groupement existant)"
"""The label of a null ``achat.procedure``: the centrale or the groupement's coordinator buys."""

Tache = tuple[int, str, str]
"""(position in path order, path as given, output name)."""


# --- inputs ----------------------------------------------------------------------------------------


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


def _partie(texte: str) -> str:
    texte = unicodedata.normalize("NFC", texte)
    return re.sub(r"[^\w.-]", "_", texte).lstrip(".") or "fichier"


def _dossier_commun(chemins: Sequence[str]) -> str:
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
    base = _dossier_commun(chemins)
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


def _cibles(noms: Sequence[str], html: bool) -> Iterator[str]:
    """The files a run writes, relative to the output folder."""
    yield from ("synthese.csv", "synthese.json")
    yield from (f"{AVIS}/{nom}.json" for nom in noms)
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


def _temporaires(dossier: Path) -> list[Path]:
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
    for chemin in _temporaires(dossier):
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


def _preparer(dossier: Path, noms: Sequence[str], html: bool, ecraser: bool) -> None:
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
        occupes = [c for c in _cibles(noms, html) if os.path.lexists(dossier / c)]
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
    with _Atomique(dossier / MANIFESTE) as fichier:
        fichier.write(
            "# Fichiers écrits par « entadvisor evaluer » ; --ecraser supprime ceux-ci et aucun autre.\n"
        )
        fichier.writelines(f"{cible}\n" for cible in _cibles(noms, html))


class _Atomique:
    """A synthesis file written whole or not at all: a temporary file, then fsync and rename."""

    def __init__(
        self, chemin: Path, *, binaire: bool = False, newline: str | None = "\n", fsync: bool = True
    ) -> None:
        self.chemin = chemin
        self.fsync = fsync
        self.temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
        self.fichier: IO[Any] = (
            open(self.temporaire, "wb")  # noqa: SIM115 -- closed by valider() or abandonner()
            if binaire
            else open(self.temporaire, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
        )

    def valider(self) -> None:
        self.fichier.flush()
        if self.fsync:
            os.fsync(self.fichier.fileno())
        self.fichier.close()
        os.replace(self.temporaire, self.chemin)

    def abandonner(self) -> None:
        self.fichier.close()
        with contextlib.suppress(FileNotFoundError):
            self.temporaire.unlink()

    def __enter__(self) -> IO[Any]:
        return self.fichier

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.valider()
        else:
            self.abandonner()


def _ecrire(chemin: Path, texte: str) -> None:
    """Write a per-file output atomically (temporary file then rename; no fsync, see the module doc)."""
    temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    try:
        with open(temporaire, "w", encoding="utf-8", newline="\n") as fichier:
            fichier.write(texte)
        os.replace(temporaire, chemin)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporaire.unlink()
        raise


# --- the worker ------------------------------------------------------------------------------------

_etat: dict[str, Any] = {}
"""The state of a worker process, set once by :func:`_initialiser`."""


def _initialiser(
    regles: Path | None, as_of: dt.date, dossier: Path, html: bool, arret: Any, parent: int
) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler, inherited by fork
    _suivre_le_parent(parent)
    _etat.update(as_of=as_of, dossier=dossier, arret=arret, rendre=None, demarrage=None)
    try:
        from .knowledge import load_knowledge

        _etat["knowledge"] = load_knowledge(regles)
        _etat["knowledge"].engine()  # already built when forked from the main process; built here otherwise
        if html:
            from .report import render_report

            _etat["rendre"] = render_report
    except Exception as exc:  # said by the first chunk (a failing initializer only breaks the pool)
        _etat["demarrage"] = f"{type(exc).__name__} : {exc}"


class DemarrageImpossible(RuntimeError):
    """A worker could not load the knowledge base or the report templates."""


def _suivre_le_parent(parent: int) -> None:
    """On Linux, end this worker when the main process dies (else a killed batch leaves idle workers)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def _pret() -> None:
    """A first task: the workers are started, and say whether they could load what they need."""
    if _etat["demarrage"]:
        raise DemarrageImpossible(_etat["demarrage"])


def _evaluer_lot(lot: list[Tache]) -> list[tuple[int, dict[str, Any]]]:
    """Evaluate a chunk of files in this worker; stop early when the main process asks."""
    if _etat["demarrage"]:
        raise DemarrageImpossible(_etat["demarrage"])
    arret = _etat["arret"]
    lignes = []
    for tache in lot:
        if arret.is_set():
            break
        lignes.append((tache[0], _evaluer_fichier(tache)))
    return lignes


def _evaluer_fichier(tache: Tache) -> dict[str, Any]:
    _, chemin, nom = tache
    try:
        advice = evaluate(load_answers(chemin), as_of=_etat["as_of"], knowledge=_etat["knowledge"])
        texte = advice.to_json() + "\n"  # what `entadvisor conseil --json` prints
        rapport = _etat["rendre"](advice) if _etat["rendre"] else None
    except EntreeInvalide as exc:
        return ligne_erreur(chemin, str(exc))
    except Exception as exc:  # a bug must not stop the batch: the file says which
        return ligne_erreur(chemin, erreur_interne(chemin, exc))
    dossier: Path = _etat["dossier"]
    avis = f"{AVIS}/{nom}.json"
    page = f"{RAPPORTS}/{nom}.html" if rapport is not None else None
    try:
        if rapport is not None and page is not None:
            _ecrire(dossier / page, rapport)
        _ecrire(dossier / avis, texte)
    except OSError as exc:
        return ligne_erreur(chemin, f"{chemin} : écriture du résultat impossible ({exc.strerror or exc}).")
    exp = advice.experimentation
    return {
        "fichier": chemin,
        "nom_projet": advice.nom_projet,
        "statut": "ok",
        "voie": advice.achat.voie,
        "procedure": advice.achat.procedure,
        "valeur_estimee_ht": advice.valeur_estimee.montant_ht,
        "experimentation": exp.recommandee,
        "format_experimentation": exp.format,
        "duree_contrat_mois": advice.contrat.duree_mois,
        "rentree_retenue": advice.calendrier_synthese.rentree_retenue,
        "nombre_vigilances": len(advice.vigilance),
        "codes_vigilance": [point.code for point in advice.vigilance],
        "message_erreur": None,
        "fichier_avis": avis,
        "fichier_rapport": page,
    }


def erreur_interne(chemin: str, exc: BaseException) -> str:
    detail = str(exc).strip().splitlines()[0][:200] if str(exc).strip() else ""
    return (
        f"{chemin} : erreur interne ({type(exc).__name__}{' : ' + detail if detail else ''}) ; "
        "signalez-la avec ce fichier."
    )


def ligne_erreur(chemin: str, message: str) -> dict[str, Any]:
    ligne: dict[str, Any] = dict.fromkeys((*COLONNES, "fichier_rapport"))
    ligne.update(fichier=chemin, statut="erreur", codes_vigilance=[], message_erreur=message)
    return ligne


# --- the run ---------------------------------------------------------------------------------------


@dataclass
class Bilan:
    """What a batch did: counts, failures (the first :data:`ECHECS_RETENUS`), where the results are."""

    dossier: Path
    total: int
    jobs: int
    html: bool
    date_analyse: dt.date
    reussis: int = 0
    echecs: int = 0
    messages_echecs: list[str] = field(default_factory=list)
    voies: Counter[str] = field(default_factory=Counter)
    procedures: Counter[str] = field(default_factory=Counter)
    experimentations: Counter[str] = field(default_factory=Counter)
    duree_s: float = 0.0
    interrompu: bool = False

    @property
    def code_sortie(self) -> int:
        """0 when every file succeeded, 1 when any failed, 130 when interrupted."""
        return 130 if self.interrompu else (1 if self.echecs else 0)

    def compter(self, ligne: dict[str, Any]) -> None:
        if ligne["statut"] != "ok":
            self.echecs += 1
            if len(self.messages_echecs) < ECHECS_RETENUS:
                self.messages_echecs.append(ligne["message_erreur"])
            return
        self.reussis += 1
        self.voies[ligne["voie"]] += 1
        self.procedures[ligne["procedure"] or ""] += 1
        self.experimentations[_code_experimentation(ligne)] += 1

    def resume(self) -> str:
        """The final summary, in French, for stderr."""
        faits = self.reussis + self.echecs
        vitesse = f", {nombre(faits / self.duree_s)} fichiers/s" if self.duree_s > 0 and faits else ""
        processus = f"{self.jobs} processus"
        if self.interrompu:
            lignes = [
                f"Interrompu : {nombre(faits)} fichiers évalués sur {nombre(self.total)} en "
                f"{_duree(self.duree_s)}. Les conseils écrits dans {self.dossier}/{AVIS} sont complets ; "
                "la synthèse n'a pas été écrite. Relancez avec --ecraser pour tout recommencer."
            ]
        else:
            lignes = [
                f"{nombre(self.total)} fichiers évalués en {_duree(self.duree_s)} ({processus}{vitesse}) : "
                f"{nombre(self.reussis)} réussis, {nombre(self.echecs)} en erreur. "
                f"Analyse du {date_fr(self.date_analyse)}."
            ]
        for titre, compte, libelles in (
            ("Voie d'achat", self.voies, VOIES),
            ("Procédure", self.procedures, {**PROCEDURES, "": SANS_PROCEDURE}),
            ("Expérimentation", self.experimentations, EXPERIMENTATIONS),
        ):
            if compte:
                lignes.append(f"{titre} :")
                for code, n in sorted(compte.items(), key=lambda item: (-item[1], item[0])):
                    lignes.append(f"  {nombre(n):>8}  {libelles.get(code, code)}")
        if self.echecs:
            lignes.append(f"Fichiers en erreur ({nombre(self.echecs)}) :")
            for message in self.messages_echecs:
                premiere, *suite = message.splitlines()
                lignes.append(f"  - {premiere}")
                lignes.extend(f"    {ligne}" for ligne in suite)
            if self.echecs > len(self.messages_echecs):
                lignes.append(
                    f"  … et {nombre(self.echecs - len(self.messages_echecs))} autres : voir la colonne "
                    "message_erreur de synthese.csv."
                )
        if not self.interrompu:
            sorties = "synthese.csv, synthese.json, " + (f"index.html, {RAPPORTS}/, " if self.html else "")
            lignes.append(f"Résultats dans {self.dossier} : {sorties}{AVIS}/ (un conseil JSON par fichier).")
        return "\n".join(lignes)


def _code_experimentation(ligne: dict[str, Any]) -> str:
    """``non``, or the recommended format (``classes``…), or ``oui`` when no format is given."""
    return (ligne["format_experimentation"] or "oui") if ligne["experimentation"] else "non"


EXPERIMENTATIONS = {
    "non": "non recommandée",
    "oui": "recommandée",
    **{code: f"recommandée : {texte}" for code, texte in FORMATS.items()},
}
"""Labels of :func:`_code_experimentation`."""


def _duree(secondes: float) -> str:
    if secondes < 9.95:
        return f"{nombre(max(0.0, secondes), 1)} s"
    secondes = round(secondes)
    if secondes < 60:
        return f"{secondes} s"
    minutes, secondes = divmod(secondes, 60)
    if minutes < 60:
        return f"{minutes} min {secondes:02d} s"
    heures, minutes = divmod(minutes, 60)
    return f"{heures} h {minutes:02d} min"


def _coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def evaluer_fichiers(
    chemins: Sequence[str | os.PathLike[str]],
    dossier: str | os.PathLike[str],
    *,
    jobs: int | None = None,
    html: bool = False,
    as_of: dt.date | None = None,
    regles: str | os.PathLike[str] | None = None,
    ecraser: bool = False,
    barre: bool | None = None,
) -> Bilan:
    """Evaluate every answer file of ``chemins`` into ``dossier``; see the module documentation.

    ``as_of`` is fixed once for the whole batch (default: today). ``barre`` shows the progress bar
    on stderr (default: when stderr is a terminal). Bad input of the batch itself (no answer file,
    a non-empty output folder, a broken knowledge base) raises :class:`EntreeInvalide`; a bad
    answer file never does: it is a failed row.
    """
    from .knowledge import load_knowledge

    debut = time.perf_counter()
    as_of = as_of or dt.date.today()
    regles_path = Path(regles) if regles is not None else None
    knowledge = load_knowledge(regles_path)
    knowledge.engine()  # built once here: forked workers inherit it warm
    if html:
        try:
            from . import report  # noqa: F401
        except ImportError as exc:
            raise EntreeInvalide(
                None, f"le rapport HTML n'est pas disponible ({exc}) ; relancez sans --html."
            ) from None
    sortie = Path(dossier)
    execution = _Execution(jobs or _coeurs(), (regles_path, as_of, sortie, html))
    # The workers are started before the list of paths exists: they do not inherit it, and their
    # memory stays the same whatever the number of files.
    with execution, _sigterm_interrompt():
        fichiers = collecter(chemins, exclure=sortie)
        if not fichiers:
            noms_chemins = ", ".join(os.fspath(c) for c in chemins)
            raise EntreeInvalide(noms_chemins, "aucun fichier de réponses (*.yaml, *.yml ou *.json) trouvé.")
        noms = nommer(fichiers)
        _preparer(sortie, noms, html, ecraser)
        total = len(fichiers)
        taches = deque((i, chemin, nom) for i, (chemin, nom) in enumerate(zip(fichiers, noms, strict=True)))
        del fichiers, noms  # the queue of tasks is the only list of paths left, emptied as the work goes out
        bilan = Bilan(
            dossier=sortie, total=total, jobs=min(execution.jobs, total), html=html, date_analyse=as_of
        )
        progression = _Progression(
            total, sys.stderr if (barre if barre is not None else sys.stderr.isatty()) else None
        )
        synthese = _Synthese(sortie, bilan, knowledge, progression)
        try:
            execution.lancer(taches, synthese)
            progression.effacer()
            synthese.terminer(html)
        except BaseException as exc:
            progression.effacer()
            synthese.abandonner()
            if not isinstance(exc, KeyboardInterrupt):
                raise
            bilan.interrompu = True
        finally:
            execution.fermer()
            bilan.duree_s = time.perf_counter() - debut
            for temporaire in _temporaires(sortie):  # left by a worker that died
                with contextlib.suppress(FileNotFoundError):
                    temporaire.unlink()
    return bilan


@contextlib.contextmanager
def _sigterm_interrompt() -> Iterator[None]:
    """SIGTERM stops the batch cleanly, as Ctrl-C does (only possible from the main thread)."""

    def interrompre(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    try:
        precedent = signal.signal(signal.SIGTERM, interrompre)
    except ValueError:  # not the main thread
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, precedent)


def _demarre(futur: Future[Any]) -> Any:
    """The result of a task, or :class:`EntreeInvalide` when the workers could not start."""
    try:
        return futur.result()
    except DemarrageImpossible as exc:
        raise EntreeInvalide(None, f"les processus d'évaluation ne démarrent pas ({exc}).") from None


class _Execution:
    """Worker processes fed with chunks of paths; a dead worker is replaced; rows go to the synthesis.

    Used as a context manager: the first pool is forked on entry (``fork``, where available, shares
    the warm engine; ``spawn`` builds one per worker) and every pool is shut down on exit.
    """

    def __init__(self, jobs: int, initargs: tuple[Any, ...]) -> None:
        methodes = multiprocessing.get_all_start_methods()
        self.contexte = multiprocessing.get_context("fork" if "fork" in methodes else "spawn")
        self.arret = self.contexte.Event()
        self.initargs = (*initargs, self.arret, os.getpid())
        self.jobs = jobs
        self.pool: ProcessPoolExecutor | None = None
        self.taille_pool = 0
        self.file: deque[Tache] = deque()
        self.suspects: deque[Tache] = deque()
        self.morts: Counter[int] = Counter()
        self.pannes_de_suite = 0
        self.lot = 1
        self.synthese: _Synthese | None = None

    def __enter__(self) -> _Execution:
        if self.contexte.get_start_method() == "fork":
            gc.collect()
            gc.freeze()  # forked workers then share these pages instead of copying them (-11 MiB PSS)
        try:
            _demarre(self._pool(self.jobs).submit(_pret))  # forks the workers now, while the heap is small
        except BaseException:
            self.fermer()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.fermer()

    def fermer(self) -> None:
        """Stop the workers (those at work stop after their current file)."""
        self.arret.set()
        self._fermer_pool()
        gc.unfreeze()

    def _pool(self, taille: int) -> ProcessPoolExecutor:
        if self.pool is not None and self.taille_pool != taille:
            self._fermer_pool()
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=taille, mp_context=self.contexte, initializer=_initialiser, initargs=self.initargs
            )
            self.taille_pool = taille
        return self.pool

    def _fermer_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def lancer(self, taches: deque[Tache], synthese: _Synthese) -> None:
        """Evaluate every task, handing the rows to ``synthese``."""
        self.file, self.synthese = taches, synthese
        self.lot = max(1, min(LOT_MAX, math.ceil(len(taches) / (self.jobs * 8))))
        while self.file or self.suspects:
            isolement = bool(self.suspects)  # after a dead worker: its files, one at a time
            if self._isoler(self._pool(1)) if isolement else self._repartir(self._pool(self.jobs)):
                self._fermer_pool()
                self._panne()

    def _recevoir(self, lignes: list[tuple[int, dict[str, Any]]]) -> None:
        assert self.synthese is not None
        self.pannes_de_suite = 0
        self.synthese.recevoir(lignes)

    def _repartir(self, pool: ProcessPoolExecutor) -> bool:
        """Send chunks, at most one more than workers in flight; True when the pool broke."""
        assert self.synthese is not None
        en_cours: dict[Future[Any], list[Tache]] = {}
        fenetre = self.jobs + 1
        avance = fenetre * self.lot * 2  # bounds the rows waiting for an earlier chunk
        while self.file or en_cours:
            while (
                self.file
                and len(en_cours) < fenetre
                and (not en_cours or self.file[0][0] < self.synthese.prochain + avance)
            ):
                taille = min(self.lot, math.ceil(len(self.file) / (self.jobs * 4)))  # smaller at the end
                lot = [self.file.popleft() for _ in range(max(1, taille))]
                en_cours[pool.submit(_evaluer_lot, lot)] = lot
            faits, _ = wait(en_cours, return_when=FIRST_COMPLETED)
            casse = False
            for futur in sorted(faits, key=lambda f: en_cours[f][0][0]):
                casse |= self._resultat(futur, en_cours)
            if casse:
                wait(en_cours)  # the others fail (or finish) too
                for futur in sorted(en_cours, key=lambda f: en_cours[f][0][0]):
                    self._resultat(futur, en_cours)
                self.suspects.extend(sorted(t for lot in en_cours.values() for t in lot))
                return True
        return False

    def _resultat(self, futur: Future[Any], en_cours: dict[Future[Any], list[Tache]]) -> bool:
        """Hand a finished chunk over; True when the pool broke (the chunk then stays unfinished)."""
        lot = en_cours[futur]
        try:
            lignes = _demarre(futur)
        except BrokenProcessPool:
            return True
        except EntreeInvalide:
            raise
        except Exception as exc:  # e.g. a row that does not pickle: the chunk fails, not the batch
            lignes = [(t[0], ligne_erreur(t[1], erreur_interne(t[1], exc))) for t in lot]
        del en_cours[futur]
        self._recevoir(lignes)
        return False

    def _isoler(self, pool: ProcessPoolExecutor) -> bool:
        """Re-run the files that were in flight when a worker died, one at a time, to find the culprit."""
        while self.suspects:
            tache = self.suspects[0]
            try:
                lignes = _demarre(pool.submit(_evaluer_lot, [tache]))
            except BrokenProcessPool:
                self.morts[tache[0]] += 1
                if self.morts[tache[0]] < MORTS_MAX:
                    return True
                self.suspects.popleft()
                message = (
                    f"{tache[1]} : erreur interne (le processus d'évaluation s'est arrêté brutalement "
                    f"{MORTS_MAX} fois sur ce fichier) ; signalez-la avec ce fichier."
                )
                lignes = [(tache[0], ligne_erreur(tache[1], message))]
                self._recevoir(lignes)
                return True
            self.suspects.popleft()
            self._recevoir(lignes)
        return False

    def _panne(self) -> None:
        self.pannes_de_suite += 1
        if self.pannes_de_suite > MORTS_MAX + 2:
            raise EntreeInvalide(
                None,
                "les processus d'évaluation s'arrêtent sans cesse (mémoire insuffisante ?) ; relancez avec "
                "moins de processus (-j 1).",
            )


# --- progress --------------------------------------------------------------------------------------


class _Progression:
    """A progress bar on a terminal (count, rate, time left), redrawn at most ten times a second."""

    def __init__(self, total: int, flux: TextIO | None) -> None:
        self.total = total
        self.flux = flux
        self.faits = 0
        self.debut = time.monotonic()
        self.dernier = 0.0

    def avancer(self, n: int = 1) -> None:
        self.faits += n
        if self.flux is None:
            return
        maintenant = time.monotonic()
        if maintenant - self.dernier < 0.1 and self.faits < self.total:
            return
        self.dernier = maintenant
        ecoule = maintenant - self.debut
        vitesse = self.faits / ecoule if ecoule > 0 else 0.0
        estimation = ecoule >= 1 and vitesse > 0  # the first second says little about the rate
        texte = (
            f" {nombre(self.faits)}/{nombre(self.total)} fichiers · {nombre(100 * self.faits / self.total)} %"
        )
        if estimation:
            texte += f" · {nombre(vitesse)} fichiers/s · reste {_duree((self.total - self.faits) / vitesse)}"
        largeur = max(10, min(30, shutil.get_terminal_size((80, 24)).columns - 70))
        plein = round(largeur * self.faits / self.total)
        self.flux.write(f"\r[{'█' * plein}{'·' * (largeur - plein)}]{texte}\x1b[K")
        self.flux.flush()

    def effacer(self) -> None:
        if self.flux is not None and self.dernier:
            self.flux.write("\r\x1b[K")
            self.flux.flush()


# --- the synthesis ---------------------------------------------------------------------------------


def _texte(valeur: Any) -> str:
    texte = "" if valeur is None else str(valeur)
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte


def _decimal(valeur: float | None) -> str:
    if valeur is None:
        return ""
    centimes = round(valeur * 100)
    texte = str(centimes // 100) if centimes % 100 == 0 else f"{centimes / 100:.2f}"
    return texte.replace(".", ",")


def _cellules(ligne: dict[str, Any]) -> list[str]:
    def entier(valeur: int | None) -> str:
        return "" if valeur is None else str(valeur)

    experimentation = ligne["experimentation"]
    return [
        _texte(ligne["fichier"]),
        _texte(ligne["nom_projet"]),
        ligne["statut"],
        ligne["voie"] or "",
        ligne["procedure"] or "",
        _decimal(ligne["valeur_estimee_ht"]),
        "" if experimentation is None else ("oui" if experimentation else "non"),
        ligne["format_experimentation"] or "",
        entier(ligne["duree_contrat_mois"]),
        entier(ligne["rentree_retenue"]),
        entier(ligne["nombre_vigilances"]),
        ", ".join(ligne["codes_vigilance"]),
        _texte(ligne["message_erreur"]),
        ligne["fichier_avis"] or "",
    ]


class _Synthese:
    """Put the rows back in path order and stream them to ``synthese.csv`` and a row file."""

    def __init__(self, dossier: Path, bilan: Bilan, knowledge: Any, progression: _Progression) -> None:
        self.dossier = dossier
        self.bilan = bilan
        self.knowledge = knowledge
        self.progression = progression
        self.prochain = 0
        self.attente: dict[int, dict[str, Any]] = {}
        self._csv = _Atomique(dossier / "synthese.csv", newline="")
        self._csv.fichier.write("\ufeff")  # the BOM: Excel then reads UTF-8
        self._writer = csv.writer(self._csv.fichier, delimiter=";")
        self._writer.writerow(COLONNES)
        self._lignes = _Atomique(dossier / "synthese.json.lignes")  # stays a hidden temporary file

    def recevoir(self, lignes: list[tuple[int, dict[str, Any]]]) -> None:
        """Take rows in any order; write those whose predecessors are all written."""
        self.attente.update(lignes)
        debut = self.prochain
        while self.prochain in self.attente:
            ligne = self.attente.pop(self.prochain)
            self._writer.writerow(_cellules(ligne))
            self._lignes.fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")
            self.bilan.compter(ligne)
            self.prochain += 1
        if self.prochain > debut:
            self.progression.avancer(self.prochain - debut)

    def abandonner(self) -> None:
        self._csv.abandonner()
        self._lignes.abandonner()

    def terminer(self, html: bool) -> None:
        self._csv.valider()
        self._lignes.fichier.close()
        try:
            self._json(self._lignes.temporaire)
            if html:
                self._index(self._lignes.temporaire)
        finally:
            self._lignes.abandonner()

    def _lire(self, chemin_lignes: Path) -> Iterator[dict[str, Any]]:
        with open(chemin_lignes, encoding="utf-8") as fichier:
            for texte in fichier:
                yield json.loads(texte)

    def _entete(self) -> dict[str, Any]:
        bilan = self.bilan
        return {
            "version_format": 1,
            "date_analyse": bilan.date_analyse.isoformat(),
            "base_de_connaissances": {"version": self.knowledge.version, "source": self.knowledge.source},
            "nombre_fichiers": bilan.total,
            "reussis": bilan.reussis,
            "en_erreur": bilan.echecs,
            "repartition": {
                "voie": dict(sorted(bilan.voies.items())),
                "procedure": {k or "aucune": v for k, v in sorted(bilan.procedures.items())},
                "experimentation": dict(sorted(bilan.experimentations.items())),
            },
        }

    def _json(self, chemin_lignes: Path) -> None:
        """``synthese.json``, streamed: each row followed by its advice, copied from its own file."""
        entete = json.dumps(self._entete(), ensure_ascii=False, indent=1)[:-2]
        with _Atomique(self.dossier / "synthese.json", binaire=True, fsync=False) as sortie:  # as avis/
            sortie.write(f'{entete},\n "lignes": [\n'.encode())
            for numero, ligne in enumerate(self._lire(chemin_lignes)):
                debut = (",\n" if numero else "") + json.dumps(ligne, ensure_ascii=False)[:-1] + ', "avis": '
                sortie.write(debut.encode())
                if ligne["fichier_avis"]:
                    with open(self.dossier / ligne["fichier_avis"], "rb") as avis:
                        sortie.write(avis.read().rstrip(b"\n"))
                else:
                    sortie.write(b"null")
                sortie.write(b"}")
            sortie.write(b"\n ]\n}\n")

    def _index(self, chemin_lignes: Path) -> None:
        """``index.html``: the comparative table, accessible and self-contained (inline CSS, no script)."""
        bilan = self.bilan
        e = html_lib.escape
        with _Atomique(self.dossier / "index.html") as sortie:
            sortie.write(
                '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>Synthèse des conseils ENT — {nombre(bilan.total)} projets</title>\n"
                f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
                "<h1>Synthèse des conseils pour le déploiement d'un ENT</h1>\n"
                f"<p>Analyse du {e(date_fr(bilan.date_analyse))} · base de connaissances "
                f"{e(self.knowledge.version)} · {nombre(bilan.total)} fichiers de réponses : "
                f"{nombre(bilan.reussis)} évalués, {nombre(bilan.echecs)} en erreur.</p>\n"
                "<p>Chaque conseil est une aide : la décision et son contrôle juridique appartiennent à "
                "l'acheteur. Le détail et la justification de chaque conseil sont dans son rapport.</p>\n"
            )
            for titre, compte, libelles in (
                ("Voie d'achat", bilan.voies, VOIES),
                ("Procédure", bilan.procedures, {**PROCEDURES, "": SANS_PROCEDURE}),
                ("Expérimentation", bilan.experimentations, EXPERIMENTATIONS),
            ):
                if not compte:
                    continue
                sortie.write(
                    f'<table class="repartition">\n<caption>{e(titre)} : répartition des projets</caption>\n'
                    f'<thead><tr><th scope="col">{e(titre)}</th><th scope="col">Projets</th></tr></thead>\n<tbody>\n'
                )
                for code, n in sorted(compte.items(), key=lambda item: (-item[1], item[0])):
                    libelle = libelles.get(code, code)
                    sortie.write(
                        f'<tr><th scope="row">{e(libelle[:1].upper() + libelle[1:])}</th><td>{nombre(n)}</td></tr>\n'
                    )
                sortie.write("</tbody>\n</table>\n")
            entetes = (
                "Fichier",
                "Projet",
                "Statut",
                "Voie d'achat",
                "Procédure",
                "Valeur estimée",
                "Expérimentation",
                "Durée du contrat",
                "Rentrée retenue",
                "Vigilances",
                "Conseil JSON",
            )
            sortie.write(
                '<div class="defilement" role="region" aria-labelledby="comparaison" tabindex="0">\n'
                '<table class="comparaison">\n'
                f'<caption id="comparaison">Conseil pour chacun des {nombre(bilan.total)} fichiers, dans l\'ordre des chemins ; '
                "le nom du fichier mène à son rapport</caption>\n<thead><tr>"
                + "".join(f'<th scope="col">{e(t)}</th>' for t in entetes)
                + "</tr></thead>\n<tbody>\n"
            )
            for ligne in self._lire(chemin_lignes):
                sortie.write(_ligne_html(ligne))
            sortie.write("</tbody>\n</table>\n</div>\n</main>\n</body>\n</html>\n")


def _lien(chemin: str, texte: str) -> str:
    return f'<a href="{html_lib.escape(urllib.parse.quote(chemin))}">{html_lib.escape(texte)}</a>'


def _ligne_html(ligne: dict[str, Any]) -> str:
    e = html_lib.escape
    fichier = (
        _lien(ligne["fichier_rapport"], ligne["fichier"]) if ligne["fichier_rapport"] else e(ligne["fichier"])
    )
    if ligne["statut"] != "ok":
        return (
            f'<tr class="erreur"><th scope="row">{fichier}</th><td></td><td>Erreur</td>'
            f'<td colspan="8" class="message">{e(ligne["message_erreur"] or "")}</td></tr>\n'
        )
    procedure = ligne["procedure"]
    vigilances = ", ".join(ligne["codes_vigilance"])
    cellules = (
        e(ligne["nom_projet"] or ""),
        "Réussi",
        e(VOIES.get(ligne["voie"], ligne["voie"])),
        e(PROCEDURES.get(procedure, procedure) if procedure else SANS_PROCEDURE),
        e(montant(ligne["valeur_estimee_ht"])),
        e(EXPERIMENTATIONS[_code_experimentation(ligne)]),
        e(duree_mois(ligne["duree_contrat_mois"])),
        str(ligne["rentree_retenue"]),
        f"{ligne['nombre_vigilances']}{' : ' + e(vigilances) if vigilances else ''}",
        _lien(ligne["fichier_avis"], "JSON"),
    )
    return f'<tr><th scope="row">{fichier}</th>' + "".join(f"<td>{c}</td>" for c in cellules) + "</tr>\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1e1e1e;background:#fff;margin:0;line-height:1.4}
main{padding:1rem 1.5rem;max-width:110rem}
h1{font-size:1.5rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #8a8a8a;padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:#e8edf5}
tbody th{font-weight:normal}
.repartition td{text-align:right}
tr.erreur{background:#fdecea}
.message{white-space:pre-line}
.defilement{overflow-x:auto;max-width:100%}
.defilement:focus{outline:3px solid #1e1e1e}
a{color:#00449e}
a:focus{outline:3px solid #1e1e1e;outline-offset:2px}
@media print{a{color:inherit}}
""".replace("\n", "")
