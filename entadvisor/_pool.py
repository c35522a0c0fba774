"""One pool of worker processes, for the batch (``entadvisor evaluer``) and the verifier (``verifier``).

Each worker holds one warm engine (the engine does not pickle; threads are unsafe: shared EXPERTA.md
§2.7). The workers are forked (``fork`` where available, so that they share the warm engine; ``spawn``
elsewhere) when the pool is entered, before the caller lists its work, so that they do not inherit it.

**Tasks** are tuples whose first item is their position (an ``int``); they go out in chunks to a
*worker function* (module-level, so that it pickles) that takes a list of tasks and returns one
``(position, result)`` per task it did. Chunks are smaller towards the end, at most one more chunk
than workers is in flight, and the work sent never runs further ahead than a bound of the first
result not yet received (``receveur.prochain``), so the rows waiting for an earlier chunk stay few.
Results go to ``receveur.recevoir(list of (position, result))`` as the chunks finish.

**Failures.** A worker that could not load what it needs (its initializer raised) says so at the
first task: :class:`~entadvisor.errors.EntreeInvalide`, in French. A worker that dies (killed, or
crashed by a task) breaks the pool: the unfinished tasks are re-run one at a time in a fresh pool of
one worker, and a task is declared deadly (``mort(task)``) only when a worker running it alone died
:data:`MORTS_MAX` times. A chunk refused by a pool already broken goes back to the front of the queue.
A pool breaking again and again stops the work with a French message. A chunk that raises
(e.g. a result that does not pickle) is handed to ``echec(chunk, exception)``.

**Interruption.** Workers ignore Ctrl-C (the main process handles it) and stop after the task in
progress when :meth:`Pool.fermer` is called (:func:`arret_demande` in the worker function); on Linux
a worker also ends when the main process dies.
"""

from __future__ import annotations

import contextlib
import gc
import math
import multiprocessing
import os
import signal
import sys
from collections import Counter, deque
from collections.abc import Callable, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from typing import Any, Protocol

from entadvisor.errors import EntreeInvalide

MORTS_MAX = 2
"""A task is deadly when a worker running it alone died this many times."""

SEUILS_GC = (10_000, 20, 50)
"""The workers' garbage-collector thresholds (``gc.set_threshold``), instead of (700, 10, 10)."""

Tache = tuple[Any, ...]
"""A task: its position (``int``) first, then whatever the worker function needs."""


class DemarrageImpossible(RuntimeError):
    """A worker could not load what it needs (its initializer raised)."""


class Receveur(Protocol):
    """Where the results go: ``prochain`` is the position of the first result not yet received."""

    prochain: int

    def recevoir(self, lignes: list[tuple[int, Any]]) -> None: ...


# --- in the worker -----------------------------------------------------------------------------------

_processus: dict[str, Any] = {"arret": None, "demarrage": None}
"""The state of this worker process, set when it starts."""


def _demarrer(initialiser: Callable[..., None], initargs: Sequence[Any], arret: Any, parent: int) -> None:
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the main process's handler, inherited by fork
    _suivre_le_parent(parent)
    _processus.update(arret=arret, demarrage=None)
    # One task allocates tens of thousands of short-lived objects and almost no cycles: at the default
    # threshold (700) the collector runs about once per answer file, 5 % of a worker's time for nothing.
    gc.set_threshold(*SEUILS_GC)
    try:
        initialiser(*initargs)
    except Exception as exc:  # said by the first chunk (a failing initializer only breaks the pool)
        _processus["demarrage"] = f"{type(exc).__name__} : {exc}"


def _suivre_le_parent(parent: int) -> None:
    """On Linux, end this worker when the main process dies (else a killed run leaves idle workers)."""
    if not sys.platform.startswith("linux"):
        return
    with contextlib.suppress(OSError, AttributeError):
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG
    if os.getppid() != parent:
        os._exit(0)


def verifier_demarrage() -> None:
    """In a worker function: raise :class:`DemarrageImpossible` when this worker could not start."""
    if _processus["demarrage"]:
        raise DemarrageImpossible(_processus["demarrage"])


def arret_demande() -> bool:
    """In a worker function: True when the main process asked the workers to stop."""
    arret = _processus["arret"]
    return arret is not None and arret.is_set()


def _pret() -> None:
    """A first task: the workers are started, and say whether they could load what they need."""
    verifier_demarrage()


def _lever(lot: list[Tache], exc: BaseException) -> Any:
    raise exc


# --- in the main process -----------------------------------------------------------------------------


class Pool:
    """Worker processes fed with chunks of tasks; a dead worker is replaced (see the module docstring).

    Used as a context manager: the first pool is forked on entry and every pool is shut down on exit.
    ``libelle`` names the workers in the French messages (« d'évaluation », « de vérification »).
    """

    def __init__(
        self,
        jobs: int,
        fonction: Callable[[list[Tache]], list[tuple[int, Any]]],
        initialiser: Callable[..., None],
        initargs: Sequence[Any] = (),
        *,
        mort: Callable[[Tache], list[tuple[int, Any]]],
        echec: Callable[[list[Tache], BaseException], list[tuple[int, Any]]] = _lever,
        libelle: str = "d'évaluation",
    ) -> None:
        methodes = multiprocessing.get_all_start_methods()
        self.contexte = multiprocessing.get_context("fork" if "fork" in methodes else "spawn")
        self.arret = self.contexte.Event()
        self.initargs = (initialiser, tuple(initargs), self.arret, os.getpid())
        self.jobs = jobs
        self.fonction = fonction
        self.mort = mort
        self.echec = echec
        self.libelle = libelle
        self.pool: ProcessPoolExecutor | None = None
        self.taille_pool = 0
        self.file: deque[Tache] = deque()
        self.suspects: deque[Tache] = deque()
        self.morts: Counter[Any] = Counter()
        self.pannes_de_suite = 0
        self.lot = 1
        self.receveur: Receveur | None = None
        self._gele = False

    def __enter__(self) -> Pool:
        if self.contexte.get_start_method() == "fork":
            gc.collect()
            gc.freeze()  # forked workers then share these pages instead of copying them (-11 MiB PSS)
            self._gele = True
        try:
            self._demarre(
                self._pool(self.jobs).submit(_pret)
            )  # forks the workers now, while the heap is small
        except BaseException:
            self.fermer()
            raise
        return self

    def __exit__(self, *exc: Any) -> None:
        self.fermer()

    def fermer(self) -> None:
        """Stop the workers (those at work stop after their current task)."""
        self.arret.set()
        self._fermer_pool()
        if self._gele:
            gc.unfreeze()
            self._gele = False

    def _pool(self, taille: int) -> ProcessPoolExecutor:
        if self.pool is not None and self.taille_pool != taille:
            self._fermer_pool()
        if self.pool is None:
            self.pool = ProcessPoolExecutor(
                max_workers=taille, mp_context=self.contexte, initializer=_demarrer, initargs=self.initargs
            )
            self.taille_pool = taille
        return self.pool

    def _fermer_pool(self) -> None:
        if self.pool is not None:
            self.pool.shutdown(wait=True, cancel_futures=True)
            self.pool = None

    def _demarre(self, futur: Future[Any]) -> Any:
        """The result of a chunk, or :class:`EntreeInvalide` when the workers could not start."""
        try:
            return futur.result()
        except DemarrageImpossible as exc:
            raise EntreeInvalide(None, f"les processus {self.libelle} ne démarrent pas ({exc}).") from None

    def lancer(self, taches: deque[Tache], receveur: Receveur, lot: int | None = None) -> None:
        """Do every task, handing the results to ``receveur``; ``lot``: tasks per chunk (default: sized
        from the number of tasks, at most 128)."""
        self.file, self.receveur = taches, receveur
        self.lot = lot or max(1, min(128, math.ceil(len(taches) / (self.jobs * 8))))
        while self.file or self.suspects:
            isolement = bool(self.suspects)  # after a dead worker: its tasks, one at a time
            if self._isoler(self._pool(1)) if isolement else self._repartir(self._pool(self.jobs)):
                self._fermer_pool()
                self._panne()

    def _recevoir(self, lignes: list[tuple[int, Any]]) -> None:
        assert self.receveur is not None
        self.pannes_de_suite = 0
        self.receveur.recevoir(lignes)

    def _repartir(self, pool: ProcessPoolExecutor) -> bool:
        """Send chunks, at most one more than workers in flight; True when the pool broke."""
        assert self.receveur is not None
        en_cours: dict[Future[Any], list[Tache]] = {}
        fenetre = self.jobs + 1
        avance = fenetre * self.lot * 2  # bounds the results waiting for an earlier chunk
        while self.file or en_cours:
            casse = False
            while (
                self.file
                and len(en_cours) < fenetre
                and (not en_cours or self.file[0][0] < self.receveur.prochain + avance)
            ):
                taille = min(self.lot, math.ceil(len(self.file) / (self.jobs * 4)))  # smaller at the end
                lot = [self.file.popleft() for _ in range(max(1, taille))]
                try:
                    en_cours[pool.submit(self.fonction, lot)] = lot
                except BrokenProcessPool:  # a worker died since the last wait: this chunk never left
                    self.file.extendleft(reversed(lot))
                    casse = True
                    break
            if not casse:
                faits, _ = wait(en_cours, return_when=FIRST_COMPLETED)
                for futur in sorted(faits, key=lambda f: en_cours[f][0][0]):
                    casse |= self._resultat(futur, en_cours)
            if casse:
                wait(en_cours)  # the others fail (or finish) too
                for futur in sorted(en_cours, key=lambda f: en_cours[f][0][0]):
                    self._resultat(futur, en_cours)
                self.suspects.extend(
                    sorted((t for lot in en_cours.values() for t in lot), key=lambda t: t[0])
                )
                return True
        return False

    def _resultat(self, futur: Future[Any], en_cours: dict[Future[Any], list[Tache]]) -> bool:
        """Hand a finished chunk over; True when the pool broke (the chunk then stays unfinished)."""
        lot = en_cours[futur]
        try:
            lignes = self._demarre(futur)
        except BrokenProcessPool:
            return True
        except EntreeInvalide:
            raise
        except Exception as exc:  # e.g. a result that does not pickle: the chunk fails, not the run
            lignes = self.echec(lot, exc)
        del en_cours[futur]
        self._recevoir(lignes)
        return False

    def _isoler(self, pool: ProcessPoolExecutor) -> bool:
        """Re-run the tasks that were in flight when a worker died, one at a time, to find the culprit."""
        while self.suspects:
            tache = self.suspects[0]
            try:
                lignes = self._demarre(pool.submit(self.fonction, [tache]))
            except BrokenProcessPool:
                self.morts[tache[0]] += 1
                if self.morts[tache[0]] < MORTS_MAX:
                    return True
                self.suspects.popleft()
                self._recevoir(self.mort(tache))
                return True
            self.suspects.popleft()
            self._recevoir(lignes)
        return False

    def _panne(self) -> None:
        self.pannes_de_suite += 1
        if self.pannes_de_suite > MORTS_MAX + 2:
            raise EntreeInvalide(
                None,
                f"les processus {self.libelle} s'arrêtent sans cesse (mémoire insuffisante ?) ; relancez avec "
                "moins de processus (-j 1).",
            )


__all__ = [
    "MORTS_MAX",
    "DemarrageImpossible",
    "Pool",
    "Receveur",
    "Tache",
    "arret_demande",
    "verifier_demarrage",
]
