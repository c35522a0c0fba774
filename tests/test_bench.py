"""`make bench` reaches into the package (a worker's state, the what-if's evaluator, the stages it
profiles by file and function name): a rename there must fail here, not in the next bench run."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

from entadvisor.answer_files import load_answers
from entadvisor.engine.knowledge import examples_folder, load_knowledge

TOOLS = Path(__file__).resolve().parents[1] / "tools"


def _outil(nom: str) -> ModuleType:
    sys.path.insert(0, str(TOOLS))
    try:
        spec = importlib.util.spec_from_file_location(nom, TOOLS / f"{nom}.py")
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(TOOLS))


def test_the_batch_profile_finds_every_stage(tmp_path: Path) -> None:
    bench_batch = _outil("bench_batch")
    generateur = _outil("generate_answers")
    dossier = tmp_path / "reponses"
    generateur.generer(40, dossier, graine=3)
    lignes = bench_batch._profil(dossier, 40)
    etapes = [ligne for ligne in lignes if any(ligne.strip().startswith(e) for e, _ in bench_batch.ETAPES)]
    assert len(etapes) == len(bench_batch.ETAPES)
    assert not [ligne for ligne in etapes if " 0.00 ms" in ligne], etapes
    assert any("exécutions du moteur" in ligne and " 0.00 par fichier" not in ligne for ligne in lignes)


def test_the_verification_bench_counts_the_what_if_evaluations() -> None:
    bench_verification = _outil("bench_verification")
    answers = load_answers(examples_folder() / "ville-12-ecoles.yaml")
    assert bench_verification._evaluations(answers, load_knowledge()) > 10
