"""The one atomic writer module (entadvisor._files): each writer leaves the whole file or the old one."""

from __future__ import annotations

from pathlib import Path

import pytest

from entadvisor._files import AtomicFile, temporary_path, write_atomic, write_atomic_quick
from entadvisor.batch.outputs import MANIFESTE, temporaires


def test_a_streamed_file_appears_whole_when_its_block_ends(tmp_path: Path):
    cible = tmp_path / "synthese.csv"
    cible.write_text("ancien\n", encoding="utf-8")
    with AtomicFile(cible) as fichier:
        fichier.write("a;b\n")
        assert cible.read_text(encoding="utf-8") == "ancien\n"  # not yet replaced
    assert cible.read_text(encoding="utf-8") == "a;b\n"
    assert not temporary_path(cible).exists()


def test_a_streamed_file_interrupted_leaves_the_old_one_and_no_temporary_file(tmp_path: Path):
    cible = tmp_path / "synthese.json"
    cible.write_bytes(b"{}")
    with pytest.raises(RuntimeError), AtomicFile(cible, binary=True) as fichier:
        fichier.write(b'{"moitie":')
        raise RuntimeError("interrompu")
    assert cible.read_bytes() == b"{}"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["synthese.json"]


def test_the_three_writers_give_the_same_bytes(tmp_path: Path):
    texte = "École de Sète — « ENT »\n"
    write_atomic(tmp_path / "a.txt", texte)
    write_atomic_quick(tmp_path / "b.txt", texte)
    with AtomicFile(tmp_path / "c.txt") as fichier:
        fichier.write(texte)
    assert (
        (tmp_path / "a.txt").read_bytes()
        == (tmp_path / "b.txt").read_bytes()
        == (tmp_path / "c.txt").read_bytes()
    )


def test_the_batch_recognises_the_temporary_files_of_its_writers(tmp_path: Path):
    """An interrupted run's ``.<name>.<pid>.tmp`` (temporary_path) is found for the files of the manifest."""
    (tmp_path / MANIFESTE).write_text("synthese.csv\n", encoding="utf-8")
    reste = temporary_path(tmp_path / "synthese.csv")
    reste.write_text("moitié", encoding="utf-8")
    (tmp_path / ".autre.tmp").write_text("pas à nous", encoding="utf-8")
    assert temporaires(tmp_path) == [reste]
