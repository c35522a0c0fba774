"""The batch's fast paths write the same bytes as the slow ones: ``avis/<nom>.json`` is what
``entadvisor conseil FICHIER --json`` prints, byte for byte, on the examples and 300 generated files;
the per-file writer (bytes on a raw descriptor) gives the same file as the text it replaced."""

from __future__ import annotations

import datetime as dt
import gzip
import io
import os
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from outils import outil

from entadvisor import _files
from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.batch import outputs as batch_outputs
from entadvisor.cli import main

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
DATE = "2026-03-01"
GENERES = 300


def _generateur() -> Any:
    return outil("generate_answers")


@pytest.fixture(scope="module")
def lot(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """300 generated answer files and the examples, evaluated once by ``evaluer -j 2``."""
    entree = tmp_path_factory.mktemp("lot") / "reponses"
    _generateur().generer(GENERES, entree / "generes", graine=11)
    (entree / "exemples").mkdir()
    for exemple in sorted(EXAMPLES.glob("*.yaml")):
        (entree / "exemples" / exemple.name).write_bytes(exemple.read_bytes())
    sortie = entree.parent / "resultats"
    resultat = CliRunner().invoke(
        main, ["evaluer", str(entree), "-o", str(sortie), "-j", "2", "--date-analyse", DATE]
    )
    assert resultat.exit_code == 0, resultat.output
    return entree, sortie


def _fichiers(entree: Path) -> list[Path]:
    return sorted(p for p in entree.rglob("*") if p.is_file() and not p.name.startswith("."))


def test_chaque_avis_du_lot_est_conseil_json_octet_pour_octet(lot: tuple[Path, Path]) -> None:
    """For every file (examples, YAML and JSON generated files, « ne sait pas » included), the batch's
    avis/<nom>.json equals the bytes `entadvisor conseil FICHIER --json` writes on stdout."""
    entree, sortie = lot
    fichiers = _fichiers(entree)
    exemples = [f for f in fichiers if f.parent.name == "exemples"]
    assert len(fichiers) == GENERES + len(exemples) and exemples
    assert any(f.suffix == ".json" for f in fichiers) and any(f.suffix == ".yaml" for f in fichiers)
    ne_sait_pas = 0
    runner = CliRunner()
    for fichier, nom in zip(fichiers, batch_outputs.nommer([str(f) for f in fichiers]), strict=True):
        conseil = runner.invoke(main, ["conseil", str(fichier), "--json", "--date-analyse", DATE])
        assert conseil.exit_code == 0, f"{fichier}: {conseil.output}"
        ecrit = (sortie / batch_outputs.nom_avis(nom)).read_bytes()
        assert ecrit == conseil.stdout_bytes, f"{fichier} : l'avis du lot diffère de conseil --json"
        ne_sait_pas += b'"sensibilite": [' in ecrit
    assert ne_sait_pas, "aucun fichier « ne sait pas » : le cas des évaluations répétées n'est pas couvert"


def test_to_json_bytes_donne_les_octets_de_to_json(lot: tuple[Path, Path]) -> None:
    """The fast path of the Advice gives the UTF-8 bytes of to_json(), at both indents."""
    entree, _ = lot
    for fichier in _fichiers(entree)[:: max(1, GENERES // 60)]:
        advice = evaluate(load_answers(fichier), as_of=dt.date.fromisoformat(DATE))
        for indent in (2, None):
            assert advice.to_json_bytes(indent=indent) == advice.to_json(indent=indent).encode("utf-8")


def _reference_texte(chemin: Path, texte: str) -> None:
    """The writer the fast one replaced: a text-mode file, then a rename."""
    with open(chemin, "w", encoding="utf-8", newline="\n") as fichier:
        fichier.write(texte)


TEXTE = '{\n  "nom_projet": "École de Sète — « ENT »",\n  "montant": 39300.5\n}\n' * 500


def test_l_ecrivain_rapide_ecrit_ce_qu_ecrivait_le_mode_texte(tmp_path: Path) -> None:
    reference = tmp_path / "reference.json"
    _reference_texte(reference, TEXTE)
    for nom, donnees in (("texte.json", TEXTE), ("octets.json", TEXTE.encode("utf-8"))):
        _files.write_atomic_quick(tmp_path / nom, donnees)
        assert (tmp_path / nom).read_bytes() == reference.read_bytes()
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]


def test_l_ecrivain_rapide_termine_une_ecriture_partielle(tmp_path: Path, monkeypatch) -> None:
    """os.write may take fewer bytes than given: the rest is written, nothing is dropped."""
    vrai = os.write
    appels = []

    def par_morceaux(fd: int, donnees: Any) -> int:
        appels.append(len(donnees))
        return vrai(fd, bytes(donnees[:4096]))

    monkeypatch.setattr(_files.os, "write", par_morceaux)
    _files.write_atomic_quick(tmp_path / "a.json", TEXTE.encode("utf-8"))
    assert (tmp_path / "a.json").read_bytes() == TEXTE.encode("utf-8")
    assert len(appels) > 1


def test_l_ecrivain_rapide_ne_laisse_rien_quand_il_echoue(tmp_path: Path) -> None:
    """A target that cannot be replaced (a folder): the error passes, no temporary file stays."""
    (tmp_path / "avis.json").mkdir()
    with pytest.raises(OSError):
        _files.write_atomic_quick(tmp_path / "avis.json", b"{}\n")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["avis.json"]


def test_l_ecrivain_rapide_compresse_comme_avant(tmp_path: Path) -> None:
    """``.json.gz``: the same gzip bytes as GzipFile without name or date (the same advice, the same file)."""
    attendu = io.BytesIO()
    with gzip.GzipFile(filename="", fileobj=attendu, mode="wb", mtime=0) as fichier:
        fichier.write(TEXTE.encode("utf-8"))
    _files.write_atomic_quick(tmp_path / "a.json.gz", TEXTE.encode("utf-8"))
    _files.write_atomic_quick(tmp_path / "b.json.gz", TEXTE)
    assert (
        (tmp_path / "a.json.gz").read_bytes() == attendu.getvalue() == (tmp_path / "b.json.gz").read_bytes()
    )
    assert gzip.decompress((tmp_path / "a.json.gz").read_bytes()) == TEXTE.encode("utf-8")


def test_l_ecrivain_rapide_garde_les_droits_du_umask(tmp_path: Path) -> None:
    """The advice gets the permissions a text-mode open gave it (0666 less the umask)."""
    masque = os.umask(0o022)
    try:
        _files.write_atomic_quick(tmp_path / "a.json", b"{}\n")
        _reference_texte(tmp_path / "b.json", "{}\n")
    finally:
        os.umask(masque)
    assert (tmp_path / "a.json").stat().st_mode == (tmp_path / "b.json").stat().st_mode


def test_visible_vite_change_exactement_ce_que_visible_change() -> None:
    """For every code point, the fast check says « to show » exactly when visible() changes it; on a
    longer text with or without such characters, both give the same text."""
    from entadvisor.errors import visible

    for code in range(0x110000):
        caractere = chr(code)
        assert bool(batch_outputs._A_MONTRER.search(caractere)) == (visible(caractere) != caractere), hex(
            code
        )
    for texte in ("École de Sète", "a\tb\nc", "x\x1b[31my", "nom\udcff.yaml", "a\u202eb", "ok\x85", ""):
        assert batch_outputs.visible_vite(texte) == visible(texte)


def test_un_lot_refuse_par_un_pool_deja_casse_est_rendu_a_la_file() -> None:
    """A worker may die between two waits: submit() then raises BrokenProcessPool. That chunk never
    left, so it goes back to the front of the queue, and the pool is reported broken (not a crash)."""
    from collections import deque
    from concurrent.futures import Future
    from concurrent.futures.process import BrokenProcessPool

    from entadvisor._pool import Pool as WorkerPool

    class Pool:
        def __init__(self) -> None:
            self.envois = 0

        def submit(self, fonction: Any, lot: list[Any]) -> Future[Any]:
            self.envois += 1
            if self.envois == 2:
                raise BrokenProcessPool("un processus s'est arrêté")
            futur: Future[Any] = Future()
            futur.set_result([(t[0], {"n": t[0]}) for t in lot])
            return futur

    class Synthese:
        def __init__(self) -> None:
            self.prochain = 0
            self.recues: list[int] = []

        def recevoir(self, lignes: list[tuple[int, dict[str, Any]]]) -> None:
            self.recues.extend(i for i, _ in lignes)

    execution = WorkerPool.__new__(WorkerPool)
    execution.jobs, execution.lot, execution.pannes_de_suite = 2, 2, 0
    execution.fonction = print  # never called: the fake pool answers the chunks itself
    execution.suspects = deque()
    execution.file = deque((i, f"f{i}.yaml", f"f{i}") for i in range(8))
    execution.receveur = synthese = Synthese()  # type: ignore[assignment]
    assert execution._repartir(Pool()) is True  # type: ignore[arg-type]
    assert synthese.recues == [0]  # the chunk sent before is received (chunks of one file at this size)
    assert [t[0] for t in execution.file] == [1, 2, 3, 4, 5, 6, 7] and not execution.suspects
