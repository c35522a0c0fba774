"""The case collector (tests/plugin_cas.py) run on case files of its own: a failing case must name its file,
its case and each expected value next to the one obtained; a malformed case is a collection error naming the
keys allowed; a passing case passes (the control)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

TESTS = Path(__file__).resolve().parent

pytestmark = pytest.mark.lent

CAS_FAUX = """\
cases:
  - name: Un cas juste passe
    base: commune-rurale-1-ecole
    as_of: 2026-11-29
    expected:
      achat.voie: procedure_propre
  - name: Un cas faux dit ce qui était attendu et ce qui a été obtenu
    base: commune-rurale-1-ecole
    as_of: 2026-11-29
    expected:
      achat.voie: centrale_achat
      vigilance: [code_qui_nexiste_pas]
      regles_absentes: [ACH-COMMUNE]
"""


def _pytest(dossier: Path) -> subprocess.CompletedProcess[str]:
    environnement = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(TESTS), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "plugin_cas", "-p", "no:cacheprovider", "-q", "--rootdir", str(dossier),
         str(dossier / "cases")],
        capture_output=True, text=True, cwd=dossier, env=environnement, timeout=300, check=False,
    )  # fmt: skip


def test_un_cas_faux_nomme_son_fichier_son_cas_et_la_difference(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "essai.yaml").write_text(CAS_FAUX, encoding="utf-8")
    resultat = _pytest(tmp_path)
    sortie = resultat.stdout
    assert resultat.returncode == 1, sortie + resultat.stderr
    assert "1 failed, 1 passed" in sortie
    assert "essai.yaml — Un cas faux dit ce qui était attendu et ce qui a été obtenu" in sortie
    assert "achat.voie : attendu 'centrale_achat', obtenu 'procedure_propre'" in sortie
    assert "vigilance : attendu ['code_qui_nexiste_pas']" in sortie
    assert "règles : ['ACH-COMMUNE'] n'auraient pas dû se déclencher" in sortie


def test_une_cle_inconnue_est_une_erreur_de_collecte_qui_dit_les_cles_permises(tmp_path: Path) -> None:
    (tmp_path / "cases").mkdir()
    (tmp_path / "cases" / "mal.yaml").write_text(
        "name: Un cas mal écrit\nbase: commune-rurale-1-ecole\nattendu: {achat.voie: mapa}\n",
        encoding="utf-8",
    )
    resultat = _pytest(tmp_path)
    assert resultat.returncode != 0
    assert "mal.yaml, cas « Un cas mal écrit » : clés inconnues ['attendu']" in resultat.stdout
    assert "clés permises : answers, as_of, base, expected, name" in resultat.stdout
