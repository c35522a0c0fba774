"""One worker pool (entadvisor/_pool.py) for the batch and the verifier: a dead worker requeues its work.

The batch's side (a file killing its worker, Ctrl-C, a chunk refused by a broken pool) is in
tests/test_batch.py and tests/test_batch_lot.py; here, the verifier through the same pool.
"""

from __future__ import annotations

import os
import signal
from pathlib import Path
from typing import Any

import pytest

from entadvisor.errors import EntreeInvalide
from entadvisor.verify import run as verification


def _resume(rapport: Any) -> tuple[Any, ...]:
    return (
        rapport.cas,
        rapport.par_bloc,
        rapport.dates_parametres,
        rapport.couverture,
        sorted(rapport.declenchements.items()),
        rapport.violations,
        rapport.conflits,
    )


def _second_lot() -> tuple[int, int]:
    """The numbers of the first and last cases of the second lot of a 600-case sample."""
    from entadvisor.engine.knowledge import load_knowledge
    from entadvisor.verify.sweep import choix_du_plan
    from entadvisor.verify.worker import default_reference

    choix, _ = choix_du_plan(load_knowledge(), default_reference(), limite=600)
    lot = choix[verification.LOT : 2 * verification.LOT]
    return lot[0][0], lot[-1][0]


def _tueur(compteur: Path, morts: int) -> Any:
    """A lot checker that kills its worker on the second lot, ``morts`` times in all."""
    verifier_lot = verification._verifier_lot
    premier, _ = _second_lot()

    def mortel(lot: list[Any]) -> Any:
        if lot[0][0] == premier and len(list(compteur.iterdir())) < morts:
            (compteur / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return verifier_lot(lot)

    return mortel


def test_un_processus_de_verification_tue_est_remplace_et_son_lot_refait(tmp_path, monkeypatch):
    """A worker killed on a lot: the lot is checked again alone, and the report is the one of -j 1."""
    seul = verification.verify(limite=600, jobs=1, sortie=tmp_path / "a")
    compteur = tmp_path / "morts"
    compteur.mkdir()
    monkeypatch.setattr(verification, "_verifier_lot", _tueur(compteur, 1))
    deux = verification.verify(limite=600, jobs=2, sortie=tmp_path / "b")
    assert len(list(compteur.iterdir())) == 1  # it did die once
    assert deux.jobs == 2 and _resume(deux) == _resume(seul)


def test_un_lot_qui_tue_deux_fois_son_processus_arrete_la_verification_en_francais(tmp_path, monkeypatch):
    compteur = tmp_path / "morts"
    compteur.mkdir()
    monkeypatch.setattr(verification, "_verifier_lot", _tueur(compteur, 10))
    premier, dernier = _second_lot()
    with pytest.raises(
        EntreeInvalide, match=rf"arrêté brutalement 2 fois sur les cas n° {premier} à {dernier} "
    ):
        verification.verify(limite=600, jobs=2, sortie=tmp_path / "b")
    assert len(list(compteur.iterdir())) == 3  # in its chunk, then twice alone


def test_un_processus_qui_ne_demarre_pas_le_dit_en_francais(tmp_path, monkeypatch):
    def casse(*args: Any) -> None:
        raise OSError("base illisible")

    monkeypatch.setattr(verification, "_init_worker", casse)
    with pytest.raises(EntreeInvalide, match=r"processus de vérification ne démarrent pas \(OSError : base"):
        verification.verify(limite=600, jobs=2, sortie=tmp_path / "c")
