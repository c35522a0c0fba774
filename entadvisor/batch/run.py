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
- ``synthese.json``: the same rows (machine values: numbers, booleans, lists, ``null``) and the
  counts; each row names its advice's file (``fichier_avis``). With ``complet``, each row also holds
  its whole advice under ``avis``, assembled at the end by streaming the per-file JSON files, never
  holding the advices in memory (twice the disk: see batch_outputs and the bench).
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

**Parallelism.** ``jobs`` worker processes (default: the cores) of :class:`entadvisor._pool.Pool`
(the verifier's pool too), each with one warm engine (the engine does not pickle; threads are
unsafe: shared EXPERTA.md §2.7), forked before the files are listed so that they do not inherit the list: their memory does not depend on the number of files.
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
import datetime as dt
import math
import os
import shutil
import signal
import sys
import time
from collections import Counter, deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from entadvisor._files import write_atomic_quick
from entadvisor._pool import MORTS_MAX, Pool, arret_demande, verifier_demarrage
from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.batch.outputs import (
    AVIS,
    COLONNES,
    RAPPORTS,
    Mots,
    Synthese,
    code_experimentation,
    mots_du_lot,
    nom_avis,
    nommer,
    preparer,
    temporaires,
    visible_vite,
)
from entadvisor.errors import EcritureImpossible, EntreeInvalide, os_message, visible
from entadvisor.formatting import compte as compte_fr
from entadvisor.formatting import date_fr, nombre

EXTENSIONS = (".yaml", ".yml", ".json")
LOT_MAX = 128
"""Files per task sent to a worker: large enough to make the inter-process traffic negligible."""
ECHECS_RETENUS = 50
"""Failures kept for the final summary; all of them are in ``synthese.csv``."""

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


# --- the worker ------------------------------------------------------------------------------------

_etat: dict[str, Any] = {}
"""The state of a worker process, set once by :func:`_initialiser`."""


def _initialiser(
    regles: Path | None,
    as_of: dt.date,
    dossier: Path,
    html: bool,
    compresser: bool,
) -> None:
    """A worker's start (run by :mod:`entadvisor._pool`, which reports an exception at the first chunk)."""
    _etat.update(as_of=as_of, dossier=dossier, rendre=None, compresser=compresser)
    from entadvisor.engine.knowledge import load_knowledge

    _etat["knowledge"] = load_knowledge(regles)
    _etat["knowledge"].engine()  # already built when forked from the main process; built here otherwise
    if html:
        from entadvisor.report.render import render_report

        _etat["rendre"] = render_report


def _evaluer_lot(lot: list[Tache]) -> list[tuple[int, dict[str, Any]]]:
    """Evaluate a chunk of files in this worker; stop early when the main process asks."""
    verifier_demarrage()
    lignes = []
    for tache in lot:
        if arret_demande():
            break
        lignes.append((tache[0], _evaluer_fichier(tache)))
    return lignes


class SortieImpossible(Exception):
    """A worker could not write into the output folder (full disk, read-only or vanished folder):
    the batch stops, since every following file would fail the same way."""


def _evaluer_fichier(tache: Tache) -> dict[str, Any]:
    _, chemin, nom = tache
    try:
        answers = load_answers(chemin, date_analyse=_etat["as_of"])
        advice = evaluate(answers, as_of=_etat["as_of"], knowledge=_etat["knowledge"])
        donnees = advice.to_json_bytes() + b"\n"  # what `entadvisor conseil --json` prints, in UTF-8
        rapport = _etat["rendre"](advice) if _etat["rendre"] else None
    except EntreeInvalide as exc:
        return ligne_erreur(chemin, str(exc))
    except Exception as exc:  # a bug must not stop the batch: the file says which
        return ligne_erreur(chemin, erreur_interne(chemin, exc))
    dossier: Path = _etat["dossier"]
    avis = nom_avis(nom, _etat["compresser"])
    page = f"{RAPPORTS}/{nom}.html" if rapport is not None else None
    try:
        if rapport is not None and page is not None:
            write_atomic_quick(dossier / page, rapport)
        write_atomic_quick(dossier / avis, donnees)
    except OSError as exc:
        raise SortieImpossible(f"{os_message(exc)} en écrivant le conseil de {visible(chemin)}") from None
    exp = advice.experimentation
    return {
        "fichier": visible_vite(chemin),  # a name that is not UTF-8, or holds ESC, is shown escaped
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
    return visible(
        f"{chemin} : erreur interne ({type(exc).__name__}{' : ' + detail if detail else ''}) ; "
        "signalez-la avec ce fichier."
    )


def ligne_erreur(chemin: str, message: str) -> dict[str, Any]:
    ligne: dict[str, Any] = dict.fromkeys((*COLONNES, "fichier_rapport"))
    ligne.update(
        fichier=visible_vite(chemin),
        statut="erreur",
        codes_vigilance=[],
        message_erreur=visible_vite(message),
    )
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
    mots: Mots = field(default_factory=mots_du_lot)
    """The words of the codes, from the lexicon of the knowledge base that evaluated the batch."""
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
        self.experimentations[code_experimentation(ligne)] += 1

    def resume(self) -> str:
        """The final summary, in French, for stderr."""
        faits = self.reussis + self.echecs
        vitesse = f", {nombre(faits / self.duree_s)} fichiers/s" if self.duree_s > 0 and faits else ""
        processus = f"{self.jobs} processus"
        if self.interrompu:
            lignes = [
                f"Interrompu : {compte_fr(faits, 'fichier évalué')} sur {nombre(self.total)} en "
                f"{_duree(self.duree_s)}. Les conseils écrits dans {self.dossier}/{AVIS} sont complets ; "
                "la synthèse n'a pas été écrite. Relancez avec --ecraser pour tout recommencer."
            ]
        else:
            lignes = [
                f"{compte_fr(self.total, 'fichier évalué')} en {_duree(self.duree_s)} ({processus}{vitesse}) : "
                f"{compte_fr(self.reussis, 'réussi')}, {nombre(self.echecs)} en erreur. "
                f"Analyse du {date_fr(self.date_analyse)}."
            ]
        for titre, compte, libelle in (
            ("Voie d'achat", self.voies, self.mots.voie),
            ("Procédure", self.procedures, self.mots.procedure),
            ("Expérimentation", self.experimentations, self.mots.experimentation),
        ):
            if compte:
                lignes.append(f"{titre} :")
                for code, n in sorted(compte.items(), key=lambda item: (-item[1], item[0])):
                    lignes.append(f"  {nombre(n):>8}  {libelle(code)}")
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
    complet: bool = False,
    compresser: bool = False,
) -> Bilan:
    """Evaluate every answer file of ``chemins`` into ``dossier``; see the module documentation.

    ``as_of`` is fixed once for the whole batch (default: today). ``barre`` shows the progress bar
    on stderr (default: when stderr is a terminal). ``complet`` embeds each advice in ``synthese.json``
    (by default its rows name the advice's file in ``avis/``); ``compresser`` writes each advice
    gzip-compressed (``avis/<nom>.json.gz``). Bad input of the batch itself (no answer file,
    a non-empty output folder, a broken knowledge base) raises :class:`EntreeInvalide`; a bad
    answer file never does: it is a failed row.
    """
    from entadvisor.engine.knowledge import load_knowledge

    debut = time.perf_counter()
    as_of = as_of or dt.date.today()
    regles_path = Path(regles) if regles is not None else None
    knowledge = load_knowledge(regles_path)
    knowledge.engine()  # built once here: forked workers inherit it warm
    if html:
        try:
            from entadvisor.report import render as report  # noqa: F401
        except ImportError as exc:
            raise EntreeInvalide(
                None, f"le rapport HTML n'est pas disponible ({exc}) ; relancez sans --html."
            ) from None
    sortie = Path(dossier)
    try:
        return _evaluer(
            chemins,
            sortie,
            jobs,
            html,
            as_of,
            regles_path,
            ecraser,
            barre,
            knowledge,
            debut,
            complet,
            compresser,
        )
    except (OSError, SortieImpossible) as exc:
        raise _ecriture_impossible(sortie, exc) from None


def _ecriture_impossible(sortie: Path, exc: BaseException) -> EcritureImpossible:
    """Stop the batch with what was written and how to resume, in French."""
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


def _evaluer(
    chemins: Sequence[str | os.PathLike[str]],
    sortie: Path,
    jobs: int | None,
    html: bool,
    as_of: dt.date,
    regles_path: Path | None,
    ecraser: bool,
    barre: bool | None,
    knowledge: Any,
    debut: float,
    complet: bool,
    compresser: bool,
) -> Bilan:
    execution = Pool(
        jobs or _coeurs(),
        _evaluer_lot,
        _initialiser,
        (regles_path, as_of, sortie, html, compresser),
        mort=_mort,
        echec=_echec,
    )
    # The workers are started before the list of paths exists: they do not inherit it, and their
    # memory stays the same whatever the number of files.
    with execution, _sigterm_interrompt():
        fichiers = collecter(chemins, exclure=sortie)
        if not fichiers:
            noms_chemins = ", ".join(os.fspath(c) for c in chemins)
            raise EntreeInvalide(noms_chemins, "aucun fichier de réponses (*.yaml, *.yml ou *.json) trouvé.")
        noms = nommer(fichiers)
        preparer(sortie, noms, html, ecraser, compresser)
        total = len(fichiers)
        taches = deque((i, chemin, nom) for i, (chemin, nom) in enumerate(zip(fichiers, noms, strict=True)))
        del fichiers, noms  # the queue of tasks is the only list of paths left, emptied as the work goes out
        bilan = Bilan(
            dossier=sortie,
            total=total,
            jobs=min(execution.jobs, total),
            html=html,
            date_analyse=as_of,
            mots=mots_du_lot(knowledge.libelles),
        )
        progression = _Progression(
            total, sys.stderr if (barre if barre is not None else sys.stderr.isatty()) else None
        )
        synthese = Synthese(sortie, bilan, knowledge, progression)
        try:
            execution.lancer(taches, synthese, max(1, min(LOT_MAX, math.ceil(total / (execution.jobs * 8)))))
            progression.effacer()
            synthese.terminer(html, complet)
        except BaseException as exc:
            progression.effacer()
            synthese.abandonner()
            if not isinstance(exc, KeyboardInterrupt):
                raise
            bilan.interrompu = True
        finally:
            execution.fermer()
            bilan.duree_s = time.perf_counter() - debut
            with contextlib.suppress(OSError):  # the folder may have vanished
                for temporaire in temporaires(sortie):  # left by a worker that died
                    with contextlib.suppress(FileNotFoundError):
                        temporaire.unlink()
    return bilan


def _mort(tache: Tache) -> list[tuple[int, dict[str, Any]]]:
    """The row of a file on which the worker running it alone died :data:`MORTS_MAX` times."""
    message = (
        f"{tache[1]} : erreur interne (le processus d'évaluation s'est arrêté brutalement "
        f"{MORTS_MAX} fois sur ce fichier) ; signalez-la avec ce fichier."
    )
    return [(tache[0], ligne_erreur(tache[1], message))]


def _echec(lot: list[Tache], exc: BaseException) -> list[tuple[int, dict[str, Any]]]:
    """A chunk that raised (e.g. a row that does not pickle): its files fail, not the batch."""
    if isinstance(exc, SortieImpossible):
        raise exc
    return [(t[0], ligne_erreur(t[1], erreur_interne(t[1], exc))) for t in lot]


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
