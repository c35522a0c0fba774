"""Faults on every output path: a parent that is a file, a read-only folder, a full disk (issue 12).

`rapport -o`, `conseil --html`, `rapport --pdf` and `evaluer -o` are checked before the work and
written atomically by entadvisor/_files.py: a French message, exit 1, never a traceback, and no
half-written or temporary file left behind. A read-only folder and a full disk are real: a small
tmpfs mounted in a private mount namespace (`unshare -m`), which disappears with the process; the
tests skip, with the reason, where the machine does not allow it.
"""

from __future__ import annotations

import errno
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from entadvisor._files import atomic_path, check_output, write_atomic
from entadvisor.cli import main
from entadvisor.errors import EcritureImpossible

EXAMPLE = Path(__file__).resolve().parent.parent / "questionnaires" / "examples" / "ville-12-ecoles.yaml"


def _invoke(*args: str):
    return CliRunner().invoke(main, list(args))


def _refused(result, *fragments: str) -> None:
    output = result.output + (result.stderr if hasattr(result, "stderr") else "")
    assert result.exit_code == 1, output
    assert "Erreur : " in output and "Traceback" not in output, output
    for fragment in fragments:
        assert fragment in output, output


# --- a parent that is a file ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("rapport", str(EXAMPLE), "-o", "{fichier}/r.html"), id="rapport-o"),
        pytest.param(("conseil", str(EXAMPLE), "--html", "{fichier}/r.html"), id="conseil-html"),
        pytest.param(
            ("rapport", str(EXAMPLE), "-o", "{dossier}/r.html", "--pdf", "{fichier}/a/r.pdf"), id="pdf"
        ),
        pytest.param(("evaluer", str(EXAMPLE), "-o", "{fichier}/resultats"), id="evaluer-o-under-a-file"),
    ],
)
def test_an_output_under_a_file_is_refused_in_french_before_the_work(tmp_path, args):
    """An output whose parent is a file (or a results folder that is a file) is refused in French, exit 1."""
    fichier = tmp_path / "note.txt"
    fichier.write_text("pas un dossier\n", encoding="utf-8")
    concrete = [a.format(fichier=fichier, dossier=tmp_path) for a in args]
    result = _invoke(*concrete)
    _refused(result, str(fichier))
    assert "pas un dossier" in result.output
    assert not (tmp_path / "r.html").exists()  # refused before the report was written


def test_an_output_that_is_a_folder_is_refused(tmp_path):
    """check_output on a folder (the library's door; click already refuses it on the command line) says
    that a file name is needed, and a results folder that is a file is refused too."""
    with pytest.raises(EcritureImpossible, match="c'est un dossier : donnez le nom du fichier"):
        check_output(tmp_path, what="le rapport")
    (tmp_path / "f").write_text("x", encoding="utf-8")
    with pytest.raises(EcritureImpossible, match="c'est un fichier, pas un dossier"):
        check_output(tmp_path / "f", folder=True)


def test_the_atomic_writer_replaces_a_file_whole_and_leaves_no_temporary(tmp_path):
    """write_atomic writes text and bytes, replaces the previous file, and leaves nothing else."""
    target = tmp_path / "sous" / "f.txt"
    write_atomic(target, "un\n")
    write_atomic(target, b"deux\n")
    assert target.read_bytes() == b"deux\n"
    assert [p.name for p in target.parent.iterdir()] == ["f.txt"]


def test_a_failure_inside_atomic_path_keeps_the_previous_file(tmp_path):
    """When the writer fails, the previous file is untouched and the temporary file removed."""
    target = tmp_path / "f.pdf"
    target.write_bytes(b"ancien")
    with pytest.raises(RuntimeError), atomic_path(target) as temporary:
        temporary.write_bytes(b"moiti")
        raise RuntimeError("le programme qui écrivait s'est arrêté")
    assert target.read_bytes() == b"ancien"
    assert [p.name for p in tmp_path.iterdir()] == ["f.pdf"]


def test_a_write_error_is_french_with_the_advice_of_what_to_do(tmp_path, monkeypatch):
    """An OSError while writing (here ENOSPC from fsync) becomes a French EcritureImpossible."""
    import os

    def full(_fd: int) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "fsync", full)
    with pytest.raises(EcritureImpossible) as caught:
        write_atomic(tmp_path / "f.txt", "x")
    assert "disque plein" in str(caught.value) and "No space" not in str(caught.value)
    assert list(tmp_path.iterdir()) == []


def test_check_output_creates_nothing_and_the_write_creates_missing_parents(tmp_path):
    """Checking a path with missing parents creates nothing; the atomic write then creates them."""
    target = tmp_path / "a" / "b" / "r.html"
    assert check_output(target) == target
    assert not (tmp_path / "a").exists()
    write_atomic(target, "<p>x</p>\n")
    assert target.read_text(encoding="utf-8") == "<p>x</p>\n"


# --- a read-only folder and a full disk, for real ------------------------------------------------


def _unshare_ok() -> str | None:
    """None when a private tmpfs can be mounted here, else the French reason to skip."""
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


RAISON = _unshare_ok()
tmpfs = pytest.mark.skipif(
    RAISON is not None, reason=f"disque plein ou lecture seule non testables : {RAISON}"
)


def _on_small_disk(
    tmp_path: Path, options: str, *args: str
) -> tuple[subprocess.CompletedProcess[str], list[str]]:
    """Run `entadvisor ARGS` with {disque} a fresh tmpfs mounted with OPTIONS; also list what is left on it."""
    disque = tmp_path / "disque"
    disque.mkdir()
    script = (
        'mount -t tmpfs -o "$1" tmpfs "$2" || exit 99; disque="$2"; shift 2; '
        '"$@"; rc=$?; echo "@@@"; ls -A "$disque"; exit $rc'
    )
    command = [sys.executable, "-m", "entadvisor", *(a.format(disque=disque) for a in args)]
    result = subprocess.run(
        ["unshare", "-m", "sh", "-c", script, "sh", options, str(disque), *command],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode != 99, result.stderr
    left = result.stdout.split("@@@", 1)[1].split()
    return result, left


@tmpfs
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("rapport", str(EXAMPLE), "-o", "{disque}/r.html"), id="rapport-o"),
        pytest.param(("conseil", str(EXAMPLE), "--html", "{disque}/r.html"), id="conseil-html"),
        pytest.param(("evaluer", str(EXAMPLE), "-o", "{disque}/resultats"), id="evaluer-o"),
    ],
)
def test_a_read_only_folder_is_refused_in_french_before_the_work(tmp_path, args):
    """An output on a read-only file system: « lecture seule », exit 1, no traceback, nothing written."""
    result, left = _on_small_disk(tmp_path, "ro,size=64k", *args)
    assert result.returncode == 1, result.stderr
    assert "Erreur : " in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert "lecture seule" in result.stderr and "Read-only" not in result.stderr, result.stderr
    assert left == []


@tmpfs
@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("rapport", str(EXAMPLE), "-o", "{disque}/r.html"), id="rapport-o"),
        pytest.param(("conseil", str(EXAMPLE), "--html", "{disque}/r.html"), id="conseil-html"),
    ],
)
def test_a_full_disk_is_told_in_french_and_leaves_no_half_written_file(tmp_path, args):
    """A report larger than the free space: « disque plein », exit 1, no partial or temporary file."""
    result, left = _on_small_disk(tmp_path, "size=16k", *args)
    assert result.returncode == 1, result.stderr
    assert "disque plein" in result.stderr and "Traceback" not in result.stderr, result.stderr
    assert left == [], left
