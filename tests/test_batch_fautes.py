"""A batch that always finishes and reports (issue 12): odd names, special files, full disk, Ctrl-C.

Any file name (bytes that are not UTF-8, an escape sequence) is reported in the synthesis with an
escaped name; a FIFO or a device is refused without being opened for reading (`evaluer` and
`conseil`); a full disk or an output folder that vanishes stops the batch with a French message
saying what was written and how to resume; Ctrl-C exits 130 whatever the phase.
"""

from __future__ import annotations

import csv
import errno
import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from entadvisor.batch import run as batch
from entadvisor.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
DATE = "2026-03-01"


def _evaluer(*args: str):
    return CliRunner().invoke(main, ["evaluer", *args, "--date-analyse", DATE])


def _csv(dossier: Path) -> list[dict[str, str]]:
    with open(dossier / "synthese.csv", encoding="utf-8-sig", newline="") as fichier:
        return list(csv.DictReader(fichier, delimiter=";"))


def _copies(dossier: Path, noms: list[str | bytes]) -> Path:
    dossier.mkdir(parents=True, exist_ok=True)
    for nom in noms:
        chemin = os.path.join(os.fsencode(dossier), os.fsencode(nom))
        shutil.copyfile(EXAMPLE, chemin)
    return dossier


def test_odd_file_names_are_reported_escaped_in_the_synthesis(tmp_path):
    """A name that is not UTF-8 and a name holding ESC are evaluated and listed escaped (\\xe9, ␛)."""
    entree = _copies(tmp_path / "in", [b"caf\xe9.yaml", "e\x1b[31mrouge.yaml", "ok.yaml"])
    resultat = _evaluer(str(entree), "-o", str(tmp_path / "r"))
    assert resultat.exit_code == 0, resultat.output
    fichiers = sorted(ligne["fichier"] for ligne in _csv(tmp_path / "r"))
    assert fichiers == sorted(["../in/caf\\xe9.yaml", "../in/e␛[31mrouge.yaml", "../in/ok.yaml"]), fichiers
    brut = (tmp_path / "r" / "synthese.csv").read_bytes() + (tmp_path / "r" / "synthese.json").read_bytes()
    assert b"\x1b" not in brut and b"\xe9.yaml" not in brut


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés (FIFO) sur ce système")
def test_a_fifo_in_a_batch_folder_is_refused_without_hanging(tmp_path):
    """A FIFO named *.yaml is a failed row (« tube »), never a hang: the batch finishes and reports."""
    entree = _copies(tmp_path / "in", ["ok.yaml"])
    os.mkfifo(entree / "tube.yaml")
    commande = [sys.executable, "-m", "entadvisor", "evaluer", str(entree), "-o", str(tmp_path / "r")]
    fini = subprocess.run([*commande, "--date-analyse", DATE], capture_output=True, text=True, timeout=120)
    assert fini.returncode == 1, fini.stderr
    assert "tube.yaml : c'est un tube (FIFO)" in fini.stderr
    assert [ligne["statut"] for ligne in _csv(tmp_path / "r")] == ["ok", "erreur"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="pas de tubes nommés (FIFO) sur ce système")
@pytest.mark.parametrize("special", ["fifo", "/dev/zero"])
def test_conseil_refuses_a_fifo_or_a_device_without_reading_it(tmp_path, special):
    """`conseil` on a FIFO or on /dev/zero: a French refusal at once, exit 1 (not a hang)."""
    if special == "fifo":
        chemin = tmp_path / "tube.yaml"
        os.mkfifo(chemin)
    else:
        chemin = Path(special)
        if not chemin.exists():
            pytest.skip("/dev/zero absent")
    fini = subprocess.run(
        [sys.executable, "-m", "entadvisor", "conseil", str(chemin)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert fini.returncode == 1, fini.stderr
    assert "pas un fichier de réponses ordinaire" in fini.stderr and "Traceback" not in fini.stderr


@pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="le remplacement de fonction ne passe aux processus d'évaluation que par fork",
)
def test_an_output_folder_that_vanishes_stops_the_batch_with_how_to_resume(tmp_path, monkeypatch):
    """The output folder removed mid-run: a French message (what was written, --ecraser), exit 1."""
    entree = _copies(tmp_path / "in", [f"f{i}.yaml" for i in range(4)])
    sortie = tmp_path / "r"

    def disparait(chemin: Path, texte: str) -> None:
        shutil.rmtree(sortie, ignore_errors=True)
        raise FileNotFoundError(errno.ENOENT, "No such file or directory", str(chemin))

    monkeypatch.setattr(batch, "write_atomic_quick", disparait)
    resultat = _evaluer(str(entree), "-o", str(sortie), "-j", "1")
    assert resultat.exit_code == 1, resultat.output
    assert "Traceback" not in resultat.output and "No such file" not in resultat.output
    for fragment in ("évaluation arrêtée", "fichier ou dossier introuvable", "Aucun conseil", "--ecraser"):
        assert fragment in resultat.output, resultat.output


def _tmpfs_reason() -> str | None:
    if shutil.which("unshare") is None:
        return "la commande unshare (util-linux) est absente"
    essai = subprocess.run(
        ["unshare", "-m", "sh", "-c", "mount -t tmpfs -o size=16k tmpfs /mnt"],
        capture_output=True,
        text=True,
        check=False,
    )
    if essai.returncode != 0:
        return f"cette machine ne permet pas de monter un petit tmpfs privé ({essai.stderr.strip()[:80]})"
    return None


RAISON_TMPFS = _tmpfs_reason()


@pytest.mark.skipif(RAISON_TMPFS is not None, reason=f"disque plein non testable : {RAISON_TMPFS}")
def test_a_full_disk_stops_the_batch_with_what_was_written_and_how_to_resume(tmp_path):
    """A batch on a small tmpfs that fills up: « disque plein », the count written, --ecraser; no traceback."""
    entree = _copies(tmp_path / "in", [f"f{i:02d}.yaml" for i in range(12)])
    disque = tmp_path / "disque"
    disque.mkdir()
    script = 'mount -t tmpfs -o size=120k tmpfs "$1" || exit 99; shift; exec "$@"'
    commande = [sys.executable, "-m", "entadvisor", "evaluer", str(entree), "-o", f"{disque}/r", "-j", "1"]
    fini = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", str(disque), *commande, "--date-analyse", DATE],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert fini.returncode == 1, fini.stderr
    assert "Traceback" not in fini.stderr and "No space" not in fini.stderr, fini.stderr
    for fragment in ("évaluation arrêtée", "disque plein", "conseils complets sont dans", "--ecraser"):
        assert fragment in fini.stderr, fini.stderr


def _attendre_le_gestionnaire_de_sigint(pid: int, limite: float) -> None:
    """Wait until the process catches SIGINT (Python installs its handler when it starts to run code)."""
    bit = 1 << (signal.SIGINT - 1)
    while time.monotonic() < limite:
        try:
            status = Path(f"/proc/{pid}/status").read_text(encoding="ascii")
        except FileNotFoundError:
            return
        masque = next((ligne.split()[1] for ligne in status.splitlines() if ligne.startswith("SigCgt:")), "0")
        if int(masque, 16) & bit:
            return
        time.sleep(0.002)


@pytest.mark.lent
@pytest.mark.parametrize("phase", ["demarrage", "preparation", "evaluation"])
def test_ctrl_c_exits_130_at_once_in_every_phase(tmp_path, phase):
    """Ctrl-C during start-up (imports, knowledge base), as the output folder appears, or mid-evaluation:
    exit 130 with a French message, no traceback, no « Aborted »."""
    entree = _copies(tmp_path / "in", [f"f{i:04d}.yaml" for i in range(1000)])
    sortie = tmp_path / "r"
    commande = [sys.executable, "-m", "entadvisor", "evaluer", str(entree), "-o", str(sortie), "-j", "1"]
    processus = subprocess.Popen([*commande, "--date-analyse", DATE], stderr=subprocess.PIPE, text=True)
    limite = time.monotonic() + 60
    if phase == "demarrage":
        # after the interpreter's own start-up (before it, no program can catch SIGINT: the signal kills it,
        # exit -2, which a loaded machine reached once in ten runs with a fixed 0.3 s), within the imports
        _attendre_le_gestionnaire_de_sigint(processus.pid, limite)
        time.sleep(0.05)
    else:
        voulu = 0 if phase == "preparation" else 5
        while time.monotonic() < limite and not (
            (sortie / "avis").is_dir() and len(os.listdir(sortie / "avis")) >= voulu
        ):
            time.sleep(0.005)
    envoi = time.monotonic()
    processus.send_signal(signal.SIGINT)
    _, erreurs = processus.communicate(timeout=60)
    assert time.monotonic() - envoi < 10, "Ctrl-C n'a pas été pris en compte à temps"
    # 130, or the process ended by the SIGINT itself once the French message is out (seen a few times in a
    # hundred at start-up): a shell reports both as exit status 130
    assert processus.returncode in (130, -signal.SIGINT), erreurs
    assert "Interrompu" in erreurs and "Traceback" not in erreurs and "Aborted" not in erreurs, erreurs
