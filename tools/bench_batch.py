"""`make bench` part « batch »: `entadvisor evaluer` on 20,000 generated answer files.

Measures, each run being the whole command in its own process (start-up and synthesis included):

- wall time and files/s with ``-j 1`` and ``-j 2``, and the speed-up;
- CPU time of the process tree (user + sys of the command and its workers), which a busy shared
  machine disturbs less than wall time;
- peak memory of the process tree at 5,000 and 20,000 files: the sum over the tree of RSS and of
  PSS (proportional set size: pages shared by the forked workers counted once), sampled from
  ``/proc`` every 50 ms, and the peak RSS of the main process alone (``ru_maxrss``);
- where a worker's time goes: cProfile of the worker function on 2,000 files, grouped by stage
  (read + parse + validate, engine, advice assembly, JSON, writing).

The 20,000 files are generated once by ``tools/generate_answers.py`` and kept in
``bench-out/batch/reponses-20000`` (and the first 5,000 of them, by hard links, in
``reponses-5000``). ``BENCH_BATCH_N`` changes the size (e.g. 2000 for a quick try).

Before and after a change, on the same shared machine, runs in alternation:

    python tools/bench_batch.py --reference ../avant [--n 4000] [--tours 3]

where ``../avant`` is another checkout of the project (``git archive main | tar -x -C ../avant``):
the command of each tree, ``-j 1`` and ``-j 2``, one after the other for each round (the machine's
noise hits both alike), then the medians of files/s and CPU per file, and a check that both trees
wrote the same bytes (``avis/``, ``synthese.csv``, ``synthese.json``).
"""

from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import hashlib
import os
import pstats
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
DATE = "2026-03-01"
GRAINE = 4


def _entadvisor() -> list[str]:
    script = Path(sys.executable).parent / "entadvisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "entadvisor"]


def _reponses(out: Path, n: int) -> Path:
    sys.path.insert(0, str(TOOLS))
    from generate_answers import generer

    dossier = out / "batch" / f"reponses-{n}"
    generer(n, dossier, graine=GRAINE)
    return dossier


def _sous_ensemble(source: Path, n: int, out: Path) -> Path:
    """The first ``n`` files of ``source`` (hard links), for the memory figure at a smaller size."""
    dossier = out / "batch" / f"reponses-{n}-sur-{source.name}"
    marque = dossier / ".sous-ensemble"
    if marque.is_file() and marque.read_text() == f"{source}:{n}":
        return dossier
    shutil.rmtree(dossier, ignore_errors=True)
    fichiers = _fichiers(source)[:n]
    for fichier in fichiers:
        cible = dossier / fichier.relative_to(source)
        cible.parent.mkdir(parents=True, exist_ok=True)
        try:
            os.link(fichier, cible)
        except OSError:
            shutil.copyfile(fichier, cible)
    marque.write_text(f"{source}:{n}")
    return dossier


# --- memory of a process tree, from /proc ------------------------------------------------------------


def _enfants(pid: int) -> list[int]:
    """Children of ``pid``: /proc/PID/task/PID/children (0.01 ms) where the kernel has it, else the parent
    field of every /proc/*/stat (1.2 ms a call on this machine)."""
    try:
        return [int(n) for n in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        pass
    except OSError:
        return []
    pids = []
    for entree in os.scandir("/proc"):
        if not entree.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entree.name}/stat").read_text()
        except OSError:
            continue
        if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
            pids.append(int(entree.name))
    return pids


ECHANTILLON_S = 0.5
"""How often the memory of the command's processes is read during a run. Reading it is not free: a
process's PSS (smaps_rollup) costs the kernel about 1 ms, on the cores the command runs on; every
50 ms, with the children then found by a walk of /proc, the sampler took about 14 % of a core from a
two-worker run on two cores. A batch's memory grows slowly, so two readings a second keep its peak."""


def _memoire(pid: int) -> tuple[int, int, int, int, int]:
    """In KiB: RSS and PSS of ``pid`` and its descendants, RSS of ``pid``, largest RSS of a descendant;
    and the number of processes."""
    rss = pss = principal = enfant = nombre = 0
    pile = [pid]
    while pile:
        courant = pile.pop()
        try:
            texte = Path(f"/proc/{courant}/smaps_rollup").read_text()
        except OSError:
            continue
        for ligne in texte.splitlines():
            if ligne.startswith("Rss:"):
                valeur = int(ligne.split()[1])
                rss += valeur
                if courant == pid:
                    principal = valeur
                else:
                    enfant = max(enfant, valeur)
            elif ligne.startswith("Pss:"):
                pss += int(ligne.split()[1])
        nombre += 1
        pile += _enfants(courant)
    return rss, pss, principal, enfant, nombre


ESSAIS = "essais"
"""Under ``bench-out/batch/``: one new folder per measured run, all removed at the end of the part.

Each run writes into a folder of its own rather than over the previous run (``--ecraser``): on this
machine's ext4, a file created within minutes of many deletions costs the kernel 1 to 1.7 ms instead
of 0.1 (it skips the inodes freed recently, reading their blocks: ``recently_deleted``), which is the
bench's own doing, not the command's. The part says when it found an earlier bench's folders to remove."""


def _essai(out: Path, nom: str) -> Path:
    """A new, empty output folder for one run."""
    racine = out / "batch" / ESSAIS
    racine.mkdir(parents=True, exist_ok=True)
    numero = sum(1 for _ in racine.iterdir())
    while (racine / f"{nom}-{numero}").exists():
        numero += 1
    return racine / f"{nom}-{numero}"


def _effacer_essais(out: Path) -> bool:
    """Remove the runs' folders; True when there were some."""
    racine = out / "batch" / ESSAIS
    if not racine.exists():
        return False
    shutil.rmtree(racine, ignore_errors=True)
    return True


def _executer(
    dossier: Path, sortie: Path, jobs: int, filtrage: str | None = None, arbre: Path | None = None
) -> dict[str, Any]:
    """One run of ``entadvisor evaluer``; ``arbre``: the command of that checkout (on PYTHONPATH)."""
    lanceur = [sys.executable, "-m", "entadvisor"] if arbre is not None else _entadvisor()
    commande = [*lanceur, "evaluer", str(dossier), "-o", str(sortie), "-j", str(jobs)]
    commande += ["--date-analyse", DATE]
    env = {**os.environ, "ENTADVISOR_MATCHER": filtrage} if filtrage else None
    if arbre is not None:
        env = {**(env or os.environ), "PYTHONPATH": str(arbre)}
    pics = {"rss": 0, "pss": 0, "principal": 0, "enfant": 0, "processus": 0}
    os.sync()  # the previous run's gigabyte of advice is written out now, not by the kernel during this run
    from bench import mesurer_etalon

    etalon = mesurer_etalon()  # the host's speed just before the run: its figures mean something beside it
    debut = time.perf_counter()
    avant = os.times()
    processus = subprocess.Popen(  # in the checkout itself: ``python -m`` puts the current folder first
        commande,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
        cwd=str(arbre) if arbre is not None else None,
    )
    fini = threading.Event()

    def echantillonner() -> None:
        while not fini.is_set():
            for cle, valeur in zip(pics, _memoire(processus.pid), strict=True):
                pics[cle] = max(pics[cle], valeur)
            fini.wait(ECHANTILLON_S)

    fil = threading.Thread(target=echantillonner, daemon=True)
    fil.start()
    _, erreurs = processus.communicate()
    mur = time.perf_counter() - debut
    fini.set()
    fil.join()
    apres = os.times()
    if processus.returncode not in (0, 1):
        raise RuntimeError(f"entadvisor evaluer a échoué ({processus.returncode}) :\n{erreurs[-2000:]}")
    return {
        "mur": mur,
        "cpu": (apres.children_user - avant.children_user) + (apres.children_system - avant.children_system),
        "utilisateur": apres.children_user - avant.children_user,
        "systeme": apres.children_system - avant.children_system,
        "code": processus.returncode,
        "resume": erreurs.strip().splitlines()[0] if erreurs.strip() else "",
        "etalon": etalon,
        **pics,
    }


# --- where a worker's time goes ----------------------------------------------------------------------

ETAPES = (
    ("lecture + YAML/JSON + validation", ("entadvisor/answer_files.py", "load_answers")),
    ("moteur (reset, faits, règles)", ("engine/moteur.py", "run_case")),
    ("assemblage du conseil", ("engine/synthesis.py", "build_advice")),
    ("sérialisation JSON", ("advice.py", "to_json_bytes")),
    ("écriture des fichiers", ("entadvisor/_files.py", "write_atomic_quick")),
)


def _profil(dossier: Path, n: int) -> list[str]:
    """cProfile of the worker function on ``n`` files, in this process, grouped by stage."""
    import entadvisor  # noqa: F401  -- the experta shim first
    from entadvisor.batch import outputs as batch_outputs
    from entadvisor.batch import run as batch
    from entadvisor.engine.knowledge import load_knowledge

    fichiers = batch.collecter([dossier])[:n]
    knowledge = load_knowledge()
    knowledge.engine()
    with tempfile.TemporaryDirectory() as temporaire:
        sortie = Path(temporaire)
        (sortie / batch_outputs.AVIS).mkdir()
        batch._etat.update(
            knowledge=knowledge,
            as_of=dt.date.fromisoformat(DATE),
            dossier=sortie,
            rendre=None,
            compresser=False,
        )
        taches = [
            (i, str(f), nom)
            for i, (f, nom) in enumerate(zip(fichiers, batch_outputs.nommer(fichiers), strict=True))
        ]
        batch._evaluer_lot(taches[:50])  # warm-up
        profil = cProfile.Profile()
        debut = time.perf_counter()
        profil.enable()
        for i in range(0, len(taches), batch.LOT_MAX):
            batch._evaluer_lot(taches[i : i + batch.LOT_MAX])
        profil.disable()
        mur = time.perf_counter() - debut
    stats = pstats.Stats(profil)
    total = sum(v[3] for k, v in stats.stats.items() if k[2] == "_evaluer_lot")  # type: ignore[attr-defined]
    lignes = [
        f"profil d'un processus d'évaluation sur {len(taches)} fichiers (cProfile, qui ralentit d'environ 2×) :"
        f" {total / len(taches) * 1000:.2f} ms par fichier sous profilage, {mur:.1f} s"
    ]
    compte = 0.0
    for libelle, (fichier, fonction) in ETAPES:
        cumul = sum(
            v[3]
            for k, v in stats.stats.items()  # type: ignore[attr-defined]
            if k[0].endswith(fichier) and k[2] == fonction
        )
        compte += cumul
        lignes.append(f"  {libelle:<36} {cumul / len(taches) * 1000:6.2f} ms  {100 * cumul / total:5.1f} %")
    lignes.append(
        f"  {'reste (boucle, lignes, divers)':<36} {(total - compte) / len(taches) * 1000:6.2f} ms  {100 * (total - compte) / total:5.1f} %"
    )

    def appels(fichier: str, fonction: str) -> int:
        return sum(
            v[1]
            for k, v in stats.stats.items()  # type: ignore[attr-defined]
            if k[0].endswith(fichier) and k[2] == fonction
        )

    executions, reprises = appels("engine/moteur.py", "run_case"), appels("engine/reprise.py", "_reprendre")
    lignes.append(
        f"  exécutions du moteur : {executions / len(taches):.2f} par fichier (date de lancement du plan, "
        f"et les cas « et si ? » de « ne sait pas »), dont {reprises / len(taches):.2f} reprises au lancement "
        "(depuis l'état de la première exécution avant la première règle lisant Seuils ou Contexte)"
    )
    sensibilite = sum(
        v[3]
        for k, v in stats.stats.items()  # type: ignore[attr-defined]
        if k[0].endswith("whatif/explore.py") and k[2] == "what_if"
    )
    lignes.append(
        f"  dont analyse « et si ? » (offre_mutualisee « ne_sait_pas », évaluations répétées) : "
        f"{sensibilite / len(taches) * 1000:.2f} ms par fichier en moyenne, {100 * sensibilite / total:.1f} %"
    )
    stats.sort_stats("tottime")
    plus = sorted(stats.stats.items(), key=lambda kv: -kv[1][2])[:8]  # type: ignore[attr-defined]
    lignes.append("  fonctions les plus coûteuses (temps propre) :")
    for (fichier, ligne, fonction), valeurs in plus:
        lieu = f"{Path(fichier).parent.name}/{Path(fichier).name}:{ligne}" if ligne else fichier
        lignes.append(f"    {100 * valeurs[2] / total:5.1f} %  {fonction}  ({lieu})")
    return lignes


# --- instructions, which the host's load does not change ---------------------------------------------

_INSTRUCTIONS = """
import datetime as dt, gc, sys
from pathlib import Path
import entadvisor
from entadvisor import evaluate
from entadvisor.answer_files import load_answers
from entadvisor.engine.knowledge import load_knowledge
from entadvisor._pool import SEUILS_GC
knowledge = load_knowledge()
knowledge.engine()
gc.set_threshold(*SEUILS_GC)
files = sys.argv[2:]
as_of = dt.date.fromisoformat(sys.argv[1])
for path in files:  # the warm-up and, once more for the second run, the measured files
    evaluate(load_answers(path, date_analyse=as_of), as_of=as_of, knowledge=knowledge).to_json_bytes()
"""


def _instructions(reponses: Path) -> list[str]:
    """Instructions per file counted by valgrind's callgrind: read, evaluate and serialise, as a worker
    does (no writes). Unlike seconds, the count does not depend on what else the host runs (the same
    total twice, the other core loaded or not), so two reports compare across hours and sessions.
    Counted as the difference of two runs, the files once and twice, which removes the start-up."""
    if shutil.which("valgrind") is None:
        return ["instructions par fichier : valgrind absent (paquet Debian valgrind), non mesurées"]
    n = int(os.environ.get("BENCH_BATCH_INSTRUCTIONS_N", "100"))
    fichiers = [str(p) for p in _fichiers(reponses)[:n]]
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONHASHSEED"] = "0"

    def compter(filtrage: str, liste: list[str]) -> int:
        env["ENTADVISOR_MATCHER"] = filtrage
        fait = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--callgrind-out-file=/dev/null",
                sys.executable,
                "-c",
                _INSTRUCTIONS,
                DATE,
                *liste,
            ],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            check=True,
        )
        trouve = re.search(r"Collected : (\d+)", fait.stderr)
        if trouve is None:
            raise RuntimeError(f"valgrind n'a pas donné de total :\n{fait.stderr[-1000:]}")
        return int(trouve.group(1))

    par_fichier = {}
    for filtrage, combien in (("compile", n), ("rete", max(n // 4, 10))):
        liste = fichiers[:combien]
        par_fichier[filtrage] = (compter(filtrage, liste + liste) - compter(filtrage, liste)) / len(liste)
    return [
        f"instructions par fichier (valgrind callgrind, lecture + évaluation + JSON, sans écriture ; {n} fichiers, "
        f"{max(n // 4, 10)} pour Rete ; indépendant de la charge de l'hôte) : compilé "
        f"{par_fichier['compile'] / 1e6:.2f} M, Rete {par_fichier['rete'] / 1e6:.2f} M "
        f"(rapport {par_fichier['compile'] / par_fichier['rete']:.2f})"
    ]


# --- the part ----------------------------------------------------------------------------------------


def _filtrages(reponses: Path, out: Path) -> list[str]:
    """Files/s with -j 2 for both matchers, run in alternation (the machine's noise hits both alike)."""
    n = int(os.environ.get("BENCH_BATCH_FILTRAGE_N", "4000"))
    tours = int(os.environ.get("BENCH_BATCH_FILTRAGE_TOURS", "2"))
    dossier = _sous_ensemble(reponses, n, out) if n < _compter(reponses) else reponses
    n = min(n, _compter(reponses))
    debits: dict[str, list[float]] = {"compile": [], "rete": []}
    for _ in range(tours):
        for filtrage in debits:
            mesure = _executer(dossier, _essai(out, f"filtrage-{filtrage}"), 2, filtrage)
            debits[filtrage].append(n / mesure["mur"])
    median = {f: sorted(v)[len(v) // 2] for f, v in debits.items()}
    return [
        f"filtrage compilé et Rete côte à côte ({n} fichiers, -j 2, sans --html, {tours} tours alternés, "
        f"médianes) : compilé {median['compile']:.0f} fichiers/s, Rete {median['rete']:.0f} fichiers/s, "
        f"rapport {median['compile'] / median['rete']:.2f}× ; objectif ≥ 700 fichiers/s avec -j 2 : "
        + ("atteint" if median["compile"] >= 700 else "non atteint")
    ]


def _fichiers(dossier: Path) -> list[Path]:
    """The answer files of a folder of generated answers, in order (its marker files start with a dot)."""
    return sorted(p for p in dossier.rglob("*") if p.is_file() and not p.name.startswith("."))


def _compter(dossier: Path) -> int:
    return len(_fichiers(dossier))


def _ligne(titre: str, mesure: dict[str, Any], n: int) -> str:
    return (
        f"{titre:<26} {mesure['mur']:7.1f} s  {n / mesure['mur']:7.0f} fichiers/s  "
        f"CPU {mesure['cpu']:6.1f} s ({mesure['cpu'] / n * 1000:.1f} ms/fichier, dont utilisateur "
        f"{mesure['utilisateur'] / n * 1000:.2f} ms, système {mesure['systeme'] / n * 1000:.2f} ms)  "
        f"pics : arbre RSS {mesure['rss'] / 1024:4.0f} Mio, PSS {mesure['pss'] / 1024:4.0f} Mio "
        f"({mesure['processus']} processus) ; principal {mesure['principal'] / 1024:3.0f} Mio, "
        f"processus d'évaluation {mesure['enfant'] / 1024:3.0f} Mio ; étalon juste avant "
        f"{mesure['etalon'][0]:.3f} s seule, {mesure['etalon'][1]:.3f} et {mesure['etalon'][2]:.3f} s à deux"
    )


def run(out: Path) -> list[str]:
    n = int(os.environ.get("BENCH_BATCH_N", "20000"))
    petit = min(5000, n)
    debut = time.perf_counter()
    reponses = _reponses(out, n)
    generation = time.perf_counter() - debut
    sous_ensemble = _sous_ensemble(reponses, petit, out)
    restes = _effacer_essais(out)
    charge = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    lignes = [
        f"{n} fichiers générés (graine {GRAINE}) en {generation:.1f} s (0 s s'ils sont déjà en cache) ; "
        f"date d'analyse {DATE} ; charge de la machine au départ : {charge[0]:.2f} {charge[1]:.2f} {charge[2]:.2f}",
    ]
    if restes:
        lignes.append(
            "(les dossiers d'un essai précédent, interrompu, viennent d'être effacés : les créations de fichiers "
            "des minutes qui suivent coûtent plus au noyau, voir ESSAIS)"
        )
    petit_mesure = _executer(sous_ensemble, _essai(out, "petit"), 2)
    mesures = {}
    for jobs in (1, 2):
        sortie = _essai(out, f"j{jobs}")
        mesures[jobs] = _executer(reponses, sortie, jobs)
        lignes.append(_ligne(f"{n} fichiers, -j {jobs}", mesures[jobs], n))
    lignes.append(
        f"accélération -j 1 → -j 2 : {mesures[1]['mur'] / mesures[2]['mur']:.2f}× (mur), objectif ≥ 1,7×"
    )
    processeur = 2 * n / mesures[2]["utilisateur"]
    lignes.append(
        f"objectif ≥ 700 fichiers/s avec -j 2 : {n / mesures[2]['mur']:.0f} fichiers/s mesurés "
        f"({'atteint' if n / mesures[2]['mur'] >= 700 else 'non atteint'}) ; deux cœurs tout entiers à la "
        f"commande en feraient {processeur:.0f} (son temps processeur utilisateur seul : une estimation, "
        "le temps système d'une machine partagée variant d'un essai à l'autre)"
    )
    lignes.append(_ligne(f"{petit} fichiers, -j 2", petit_mesure, petit))
    lignes.append(
        f"mémoire de {petit} à {n} fichiers (-j 2, pics) : arbre PSS {petit_mesure['pss'] / 1024:.0f} → "
        f"{mesures[2]['pss'] / 1024:.0f} Mio, RSS {petit_mesure['rss'] / 1024:.0f} → {mesures[2]['rss'] / 1024:.0f} Mio ; "
        f"principal {petit_mesure['principal'] / 1024:.0f} → {mesures[2]['principal'] / 1024:.0f} Mio, "
        f"processus d'évaluation {petit_mesure['enfant'] / 1024:.0f} → {mesures[2]['enfant'] / 1024:.0f} Mio"
    )
    lignes.append(f"résumé de la commande : {mesures[2]['resume']}")
    taille = sum(p.stat().st_size for p in (sortie / "avis").iterdir())
    json_taille = (sortie / "synthese.json").stat().st_size
    lignes.append(
        f"sorties pour {n} fichiers : avis/ {taille / 2**20:.0f} Mio, synthese.json {json_taille / 2**20:.0f} Mio"
    )
    lignes += _profil(reponses, min(2000, n))
    lignes += _instructions(reponses)
    lignes += _filtrages(reponses, out)
    _effacer_essais(out)
    return lignes


# --- before and after ---------------------------------------------------------------------------------


def _empreinte(sortie: Path) -> str:
    """One hash of what a run wrote: every advice, synthese.csv and synthese.json (names and bytes)."""
    h = hashlib.sha256()
    fichiers = [*sorted((sortie / "avis").iterdir()), sortie / "synthese.csv", sortie / "synthese.json"]
    for fichier in fichiers:
        h.update(fichier.name.encode() + b"\0" + fichier.read_bytes() + b"\0")
    return h.hexdigest()


def comparer(reference: Path, out: Path, n: int, tours: int) -> list[str]:
    """This tree and ``reference`` side by side: ``-j 1`` and ``-j 2``, ``tours`` alternated rounds, medians."""
    reponses = _reponses(out, n)
    _effacer_essais(out)
    arbres = {"avant": reference.resolve(), "après": ROOT}
    mesures: dict[tuple[str, int], list[dict[str, Any]]] = {}
    empreintes: dict[str, str] = {}
    charge = os.getloadavg() if hasattr(os, "getloadavg") else (0.0, 0.0, 0.0)
    for tour in range(tours):
        for jobs in (1, 2):
            ordre = list(arbres.items())
            for nom, arbre in ordre if tour % 2 == 0 else ordre[::-1]:  # ABBA: the second run of a pair
                # pays the write-back of the first's 50 KB files; alternating the order shares that out
                sortie = _essai(out, f"comparaison-{'avant' if nom == 'avant' else 'apres'}")
                mesures.setdefault((nom, jobs), []).append(_executer(reponses, sortie, jobs, arbre=arbre))
                empreintes[nom] = _empreinte(sortie)
    lignes = [
        f"avant ({arbres['avant']}) et après ({ROOT}) côte à côte : {n} fichiers, {tours} tours alternés "
        "(ABBA), "
        f"médianes ; charge de la machine au départ : {charge[0]:.2f} {charge[1]:.2f} {charge[2]:.2f}"
    ]
    debits: dict[tuple[str, int], float] = {}
    processeur: dict[tuple[str, int], float] = {}
    for (nom, jobs), liste in mesures.items():
        murs = sorted(m["mur"] for m in liste)
        cpus = sorted(m["cpu"] for m in liste)
        utilisateurs = sorted(m["utilisateur"] for m in liste)
        debits[nom, jobs] = n / murs[len(murs) // 2]
        processeur[nom, jobs] = utilisateurs[len(utilisateurs) // 2] / n * 1000
        lignes.append(
            f"  {nom:<6} -j {jobs} : {debits[nom, jobs]:5.0f} fichiers/s (mur {murs[0]:.1f}–{murs[-1]:.1f} s), "
            f"CPU {cpus[len(cpus) // 2] / n * 1000:.2f} ms/fichier, dont utilisateur {processeur[nom, jobs]:.2f} ms"
        )
    for jobs in (1, 2):
        lignes.append(
            f"  -j {jobs} : après / avant = {debits['après', jobs] / debits['avant', jobs]:.2f}× (mur), "
            f"{processeur['avant', jobs] / processeur['après', jobs]:.2f}× (temps processeur utilisateur)"
        )
    identiques = empreintes["avant"] == empreintes["après"]
    lignes.append(
        "  sorties (avis/, synthese.csv, synthese.json) : "
        + ("identiques octet pour octet" if identiques else "DIFFÉRENTES")
    )
    _effacer_essais(out)
    return lignes


if __name__ == "__main__":
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--reference", type=Path, help="une autre copie du projet, mesurée en alternance")
    parser.add_argument("--n", type=int, default=4000, help="nombre de fichiers pour --reference")
    parser.add_argument("--tours", type=int, default=3, help="tours alternés pour --reference")
    arguments = parser.parse_args()
    sortie = ROOT / "bench-out"
    sortie.mkdir(exist_ok=True)
    if arguments.reference is not None:
        print("\n".join(comparer(arguments.reference, sortie, arguments.n, arguments.tours)))
    else:
        print("\n".join(run(sortie)))
