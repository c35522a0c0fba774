"""`make bench` reaches into the package (a worker's state, the what-if's evaluator, the stages it
profiles by file and function name): a rename there must fail here, not in the next bench run."""

from __future__ import annotations

from pathlib import Path

from outils import outil

from entadvisor.answer_files import load_answers
from entadvisor.engine.knowledge import examples_folder, load_knowledge


def test_the_batch_profile_finds_every_stage(tmp_path: Path) -> None:
    bench_batch = outil("bench_batch")
    generateur = outil("generate_answers")
    dossier = tmp_path / "reponses"
    generateur.generer(40, dossier, graine=3)
    lignes = bench_batch._profil(dossier, 40)
    etapes = [ligne for ligne in lignes if any(ligne.strip().startswith(e) for e, _ in bench_batch.ETAPES)]
    assert len(etapes) == len(bench_batch.ETAPES)
    assert not [ligne for ligne in etapes if " 0.00 ms" in ligne], etapes
    assert any("exécutions du moteur" in ligne and " 0.00 par fichier" not in ligne for ligne in lignes)


def test_the_verification_bench_counts_the_what_if_evaluations() -> None:
    bench_verification = outil("bench_verification")
    answers = load_answers(examples_folder() / "ville-12-ecoles.yaml")
    assert bench_verification._evaluations(answers, load_knowledge()) > 10
