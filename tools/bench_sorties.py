"""`make bench` part « sorties »: the disk an `entadvisor evaluer` run takes, on 20,000 generated files.

Two runs of the whole command on the same files (those of the « batch » part, generated once by
``tools/generate_answers.py`` into ``bench-out/batch/reponses-20000``):

- ``--html --complet``: every output, each advice also embedded in ``synthese.json``, which is what a
  run wrote before ``synthese.json`` held only the table (« avant ») ;
- the default run: ``synthese.json`` holds the table and the counts, the advices stay in ``avis/`` ;
- ``--compresser``: the same, each advice gzip-compressed (``avis/<nom>.json.gz``).

Reported: the size of each output (apparent bytes, and the disk blocks actually used), per file, the
projection to a million files, and the ratio before / now with and without ``--html``; the time to
write ``index.html`` is not separated (it is a few seconds of the whole). ``BENCH_SORTIES_N``
changes the size (e.g. 2000 for a quick try).
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
DATE = "2026-03-01"
GRAINE = 4
MILLION = 1_000_000


def _entadvisor() -> list[str]:
    script = Path(sys.executable).parent / "entadvisor"
    return [str(script)] if script.exists() else [sys.executable, "-m", "entadvisor"]


def _taille(chemin: Path) -> tuple[int, int]:
    """(apparent bytes, bytes of the disk blocks used) of a file or a folder's files."""
    fichiers = [chemin] if chemin.is_file() else [p for p in chemin.rglob("*") if p.is_file()]
    stats = [p.stat() for p in fichiers]
    return sum(s.st_size for s in stats), sum(s.st_blocks * 512 for s in stats)


def _evaluer(reponses: Path, sortie: Path, *options: str) -> float:
    commande = [*_entadvisor(), "evaluer", str(reponses), "-o", str(sortie), "-j", "2"]
    commande += ["--date-analyse", DATE, "--ecraser", *options]
    debut = time.perf_counter()
    fini = subprocess.run(commande, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True, check=False)
    if fini.returncode not in (0, 1):
        raise RuntimeError(f"entadvisor evaluer a échoué ({fini.returncode}) :\n{fini.stderr[-2000:]}")
    return time.perf_counter() - debut


def _mo(octets: float) -> str:
    return f"{octets / 2**20:,.1f} Mio".replace(",", " ").replace(".", ",")


def _go(octets: float) -> str:
    return f"{octets / 2**30:,.0f} Gio".replace(",", " ")


def run(out: Path) -> list[str]:
    sys.path.insert(0, str(TOOLS))
    from generate_answers import generer

    n = int(os.environ.get("BENCH_SORTIES_N", "20000"))
    reponses = out / "batch" / f"reponses-{n}"
    generer(n, reponses, graine=GRAINE)
    lignes = [f"{n} fichiers générés (graine {GRAINE}), date d'analyse {DATE}, -j 2"]

    complet = out / "sorties" / "complet"
    duree = _evaluer(reponses, complet, "--html", "--complet")
    parties = {
        nom: _taille(complet / nom)
        for nom in ("avis", "rapports", "index.html", "synthese.csv", "synthese.json")
    }
    defaut = out / "sorties" / "defaut"
    duree_defaut = _evaluer(reponses, defaut)
    json_defaut = _taille(defaut / "synthese.json")
    compresse = out / "sorties" / "compresse"
    duree_compresse = _evaluer(reponses, compresse, "--compresser")
    avis_compresses = _taille(compresse / "avis")
    lignes.append(
        f"durées : --html --complet {duree:.0f} s ; par défaut {duree_defaut:.0f} s ; "
        f"--compresser {duree_compresse:.0f} s"
    )
    for nom, (apparent, disque) in parties.items():
        lignes.append(
            f"{nom:<14} {_mo(apparent):>12} ({apparent / n / 1024:.1f} Kio par fichier ; disque {_mo(disque)})"
        )
    lignes.append(
        f"{'synthese.json':<14} {_mo(json_defaut[0]):>12} par défaut, sans les avis "
        f"({json_defaut[0] / n / 1024:.2f} Kio par fichier ; disque {_mo(json_defaut[1])})"
    )

    lignes.append(
        f"{'avis/ (gzip)':<14} {_mo(avis_compresses[0]):>12} avec --compresser "
        f"({avis_compresses[0] / n / 1024:.1f} Kio par fichier ; disque {_mo(avis_compresses[1])})"
    )

    def total(html: bool, avec_avis: bool, disque: bool, gzip: bool = False) -> int:
        i = 1 if disque else 0
        somme = (avis_compresses if gzip else parties["avis"])[i] + parties["synthese.csv"][i]
        somme += parties["synthese.json"][i] if avec_avis else json_defaut[i]
        if html:
            somme += parties["rapports"][i] + parties["index.html"][i]
        return somme

    for html in (False, True):
        for gzip in (False, True):
            avant, maintenant = total(html, True, True), total(html, False, True, gzip)
            titre = ("avec --html" if html else "sans --html") + (" --compresser" if gzip else "")
            lignes.append(
                f"{titre} : avant {_mo(avant)}, maintenant {_mo(maintenant)} pour {n} fichiers "
                f"(÷ {avant / maintenant:.2f}) ; projeté à un million de fichiers : avant "
                f"{_go(avant / n * MILLION)}, maintenant {_go(maintenant / n * MILLION)}"
            )
    lignes.append(
        f"index.html : {parties['index.html'][0] / n:.0f} octets par projet, soit {_mo(parties['index.html'][0] / n * 35_000)} "
        "à 35 000 projets"
    )
    return lignes


if __name__ == "__main__":
    sortie = TOOLS.parent / "bench-out"
    sortie.mkdir(exist_ok=True)
    print("\n".join(run(sortie)))
