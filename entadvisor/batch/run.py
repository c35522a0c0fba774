"""Batch evaluation: many saved answer files → one comparative table plus each project's advice.

For a département, a DRANE or a syndicat mixte holding the answer files of dozens to thousands of
communes. :func:`evaluer_fichiers` is the whole feature; ``entadvisor evaluer`` only prints its
:class:`~entadvisor.batch.bilan.Bilan`. This module is the run and its worker function; the parts
it calls each have their module:

- :mod:`entadvisor.batch.entrees`: which answer files (files as given, folders walked, sorted by path);
- :mod:`entadvisor.batch.outputs`: the output folder, its names (``avis/<nom>.json``…) and manifest;
- :mod:`entadvisor.batch.synthese`: ``synthese.csv`` and ``synthese.json``, streamed in path order;
- :mod:`entadvisor.batch.index`: the view model of ``index.html``;
- :mod:`entadvisor.batch.mots`: the words of the codes; :mod:`entadvisor.batch.bilan`: the summary.

**Parallelism.** ``jobs`` worker processes (default: the cores) of :class:`entadvisor._pool.Pool`
(the verifier's pool too), each with one warm engine (the engine does not pickle; threads are
unsafe: shared EXPERTA.md §2.7), forked before the files are listed so that they do not inherit
the list: their memory does not depend on the number of files.
Paths go out in chunks; each worker reads, evaluates and writes its files itself, and sends back
one small row per file, which the main process puts back in path order and streams to
``synthese.csv`` and to a row file on disk. The main process holds a queue of paths (about 0.6 KB
a file, emptied as the work goes out), never the advices.

**Errors never stop the batch.** A bad file gets the French message of ``entadvisor conseil``; an
unexpected exception is an « erreur interne » naming its type. A worker that dies (killed, or
crashed by a file) breaks the pool: the unfinished files are re-run one at a time in a fresh
pool, and a file is marked failed only when a worker running it alone died twice. Ctrl-C (or
SIGTERM) stops after the file in progress, removes the unfinished synthesis and exits with 130;
the advices already written are complete. A full disk or a vanished output folder stops the batch
with what was written and how to resume (:class:`~entadvisor.errors.EcritureImpossible`).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import math
import os
import signal
import sys
import time
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from entadvisor._files import write_atomic_quick
from entadvisor._pool import MORTS_MAX, Pool, arret_demande, verifier_demarrage
from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.batch.bilan import Bilan, Progression
from entadvisor.batch.entrees import collecter
from entadvisor.batch.mots import mots_du_lot
from entadvisor.batch.outputs import (
    RAPPORTS,
    ecriture_impossible,
    nom_avis,
    nommer,
    preparer,
    temporaires,
    visible_vite,
)
from entadvisor.batch.synthese import COLONNES, Synthese
from entadvisor.engine.knowledge import Knowledge, load_knowledge
from entadvisor.errors import EntreeInvalide, os_message, visible

LOT_MAX = 128
"""Files per task sent to a worker: large enough to make the inter-process traffic negligible."""

Tache = tuple[int, str, str]
"""(position in path order, path as given, output name)."""


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
    _etat["knowledge"] = load_knowledge(regles)
    _etat["knowledge"].engine()  # already built when forked from the main process; built here otherwise
    if html:
        # Imported when the worker starts, as the report needs it: a worker that cannot import it
        # stops the batch with one message (the pool's start check), not one failed row per file.
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


# --- the run ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Options:
    """What :func:`evaluer_fichiers` was asked, once defaults are applied."""

    sortie: Path
    jobs: int | None
    html: bool
    as_of: dt.date
    regles: Path | None
    ecraser: bool
    barre: bool | None
    complet: bool
    compresser: bool


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
    debut = time.perf_counter()
    options = _Options(
        sortie=Path(dossier),
        jobs=jobs,
        html=html,
        as_of=as_of or dt.date.today(),
        regles=Path(regles) if regles is not None else None,
        ecraser=ecraser,
        barre=barre,
        complet=complet,
        compresser=compresser,
    )
    knowledge = load_knowledge(options.regles)
    knowledge.engine()  # built once here: forked workers inherit it warm
    if html:
        _verifier_rapport()
    try:
        return _evaluer(chemins, options, knowledge, debut)
    except (OSError, SortieImpossible) as exc:
        raise ecriture_impossible(options.sortie, exc) from None


def _verifier_rapport() -> None:
    """The HTML report can be rendered here, or the batch is refused before it starts."""
    try:
        from entadvisor.report import render  # noqa: F401  -- only with --html: a check, not a cycle
    except ImportError as exc:
        raise EntreeInvalide(
            None, f"le rapport HTML n'est pas disponible ({exc}) ; relancez sans --html."
        ) from None


def _evaluer(
    chemins: Sequence[str | os.PathLike[str]], options: _Options, knowledge: Knowledge, debut: float
) -> Bilan:
    execution = Pool(
        options.jobs or _coeurs(),
        _evaluer_lot,
        _initialiser,
        (options.regles, options.as_of, options.sortie, options.html, options.compresser),
        mort=_mort,
        echec=_echec,
    )
    # The workers are started before the list of paths exists: they do not inherit it, and their
    # memory stays the same whatever the number of files.
    with execution, _sigterm_interrompt():
        taches = _taches(chemins, options)
        total = len(taches)
        bilan = Bilan(
            dossier=options.sortie,
            total=total,
            jobs=min(execution.jobs, total),
            html=options.html,
            date_analyse=options.as_of,
            mots=mots_du_lot(knowledge.libelles),
        )
        progression = Progression(total, _flux_de_la_barre(options.barre))
        synthese = Synthese(options.sortie, bilan, knowledge, progression)
        try:
            execution.lancer(taches, synthese, max(1, min(LOT_MAX, math.ceil(total / (execution.jobs * 8)))))
            progression.effacer()
            synthese.terminer(options.html, options.complet)
        except BaseException as exc:
            progression.effacer()
            synthese.abandonner()
            if not isinstance(exc, KeyboardInterrupt):
                raise
            bilan.interrompu = True
        finally:
            execution.fermer()
            bilan.duree_s = time.perf_counter() - debut
            _effacer_temporaires(options.sortie)
    return bilan


def _taches(chemins: Sequence[str | os.PathLike[str]], options: _Options) -> deque[Tache]:
    """The files to evaluate with their output names, the output folder made ready (its manifest
    written): the queue of tasks is the only list of paths kept, emptied as the work goes out."""
    fichiers = collecter(chemins, exclure=options.sortie)
    if not fichiers:
        noms_chemins = ", ".join(os.fspath(c) for c in chemins)
        raise EntreeInvalide(noms_chemins, "aucun fichier de réponses (*.yaml, *.yml ou *.json) trouvé.")
    noms = nommer(fichiers)
    preparer(options.sortie, noms, options.html, options.ecraser, options.compresser)
    return deque((i, chemin, nom) for i, (chemin, nom) in enumerate(zip(fichiers, noms, strict=True)))


def _flux_de_la_barre(barre: bool | None) -> TextIO | None:
    """Where the progress bar is drawn: stderr when asked, or by default when stderr is a terminal."""
    return sys.stderr if (barre if barre is not None else sys.stderr.isatty()) else None


def _effacer_temporaires(sortie: Path) -> None:
    """Remove the temporary files a worker that died left behind."""
    with contextlib.suppress(OSError):  # the folder may have vanished
        for temporaire in temporaires(sortie):
            with contextlib.suppress(FileNotFoundError):
                temporaire.unlink()


def _coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


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
