"""No run done twice (issue 15): a case run again at the launch resumes from its first run's prefix,
a run followed by another stops once its plan is known, the what-if's evaluations stop below what they compare.

``run_at_launch`` runs a case at the answered launch (or the analysis date), then again at the plan's
launch when the parameters differ there. The second run resumes from the state the first run had
just before its first rule reading ``Seuils`` or ``Contexte`` (``reprise.Prefixe``). This file
compares, case by case, the engine's state after ``run_at_launch`` (facts with their ids, notes,
trace, parameters read, declarations), the advice JSON byte for byte (« ne sait pas » files: the
advice both ways) and, for every tenth case, the ``--sensibilite`` advice, with and without resumption, on the bundled examples at three dates, 1 000 cases spread over the
complete sweep and 300 generated answer files analysed on 1 March 2026 (a month before the dispense
threshold changes: most plans launch after it). « Without » is ``engine.raccourcis = False``: every run
from its start to its end.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from outils import outil

from entadvisor.answer_files import load_answers
from entadvisor.answers import Answers, validate_answers
from entadvisor.api import evaluate
from entadvisor.engine.knowledge import examples_folder, load_knowledge
from entadvisor.engine.moteur import run_at_launch
from entadvisor.verify.sweep import plan

ROOT = Path(__file__).resolve().parents[1]
DATES = (dt.date(2026, 3, 1), dt.date(2026, 12, 1), dt.date(2028, 2, 1))


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return load_knowledge()


def _state(engine: Any) -> dict[str, Any]:
    return {
        "facts": [(i, type(f).__name__, f.as_dict()) for i, f in engine.facts.items()],
        "notes": list(engine.notes),
        "trace": [(step.meta.id, step.facts) for step in engine.trace],
        "parametres": sorted(engine.used_parameters),
        "valeurs": {nom: engine.parametres[nom] for nom in engine.used_parameters},
        "declarations": list(engine.declarations or ()),
    }


def _compare(knowledge: Any, monkeypatch: Any, cases: list[tuple[str, Answers, dt.date]]) -> tuple[int, int]:
    """Assert both ways give the same; return how many runs resumed, and how many stopped early whose
    rest was never run."""
    engine = knowledge.engine()
    palier = engine._palier
    assert palier is not None  # the compiled matcher resumes
    resumed = []
    original = type(engine)._reprendre

    def counting(self: Any, *args: Any) -> bool:
        done = original(self, *args)
        resumed.append(done)
        return done

    monkeypatch.setattr(type(engine), "_reprendre", counting)
    stopped, completed = [], []
    run, achever = type(engine).run, type(engine).achever

    def counting_run(self: Any, *args: Any) -> None:
        run(self, *args)
        waiting = self.agenda.activations
        stopped.append(self._pause is not None and bool(waiting) and waiting[-1].rule.salience < self._pause)

    def counting_achever(self: Any) -> None:
        completed.append(self._pause is not None)
        achever(self)

    monkeypatch.setattr(type(engine), "run", counting_run)
    monkeypatch.setattr(type(engine), "achever", counting_achever)
    differences = []
    try:
        for position, (label, answers, as_of) in enumerate(cases):
            results = []
            for with_resumption in (True, False):
                engine.raccourcis = with_resumption
                engine.declarations = []
                date = run_at_launch(engine, knowledge, answers, as_of)
                state = _state(engine)
                advice = evaluate(answers, as_of=as_of, knowledge=knowledge)
                both = (  # the what-if runs its cases afresh: every tenth case is enough for it
                    evaluate(answers, as_of=as_of, knowledge=knowledge, sensibilite=True).to_json_bytes()
                    if position % 10 == 0
                    else None
                )
                results.append((date, state, advice.to_json_bytes(), both))
            (d1, s1, j1, b1), (d2, s2, j2, b2) = results
            differences += [f"{label} : {part} différent" for part in s1 if s1[part] != s2[part]]
            if d1 != d2:
                differences.append(f"{label} : date des paramètres différente")
            if j1 != j2:
                differences.append(f"{label} : JSON du conseil différent")
            if b1 != b2:
                differences.append(f"{label} : JSON du conseil avec --sensibilite différent")
    finally:
        engine.raccourcis = True
        engine.declarations = None
    assert differences == []
    return sum(resumed), sum(stopped) - sum(completed)


def test_examples_at_three_dates(knowledge, monkeypatch):
    cases = [
        (f"{path.name} au {as_of}", load_answers(path), as_of)
        for path in sorted(examples_folder().glob("*.yaml"))
        for as_of in DATES
    ]
    resumed, thrown = _compare(knowledge, monkeypatch, cases)
    assert resumed >= 3 and thrown >= 3


def test_a_sample_of_the_complete_sweep(knowledge, monkeypatch):
    sample, _ = plan(knowledge, complet=True, limite=1_000)
    cases = [(f"cas n° {c.numero} ({c.bloc})", validate_answers(c.reponses), c.date_analyse) for c in sample]
    resumed, thrown = _compare(knowledge, monkeypatch, cases)
    assert resumed >= 100 and thrown >= 100


def test_generated_answer_files(knowledge, monkeypatch, tmp_path):
    generator = outil("generate_answers")
    paths = generator.generer(300, tmp_path / "reponses", graine=21)
    as_of = dt.date(2026, 3, 1)
    cases = [(path.name, load_answers(path, date_analyse=as_of), as_of) for path in paths]
    resumed, thrown = _compare(knowledge, monkeypatch, cases)
    assert resumed >= 150 and thrown >= 150


def test_the_advice_json_is_the_same_byte_for_byte(knowledge, tmp_path):
    """The advice alone (not both ways): ``conseil --json`` with and without resumption."""
    engine = knowledge.engine()
    generator = outil("generate_answers")
    as_of = dt.date(2026, 3, 1)
    paths = generator.generer(200, tmp_path / "reponses", graine=22)
    answers = [load_answers(path, date_analyse=as_of) for path in paths]
    try:
        avec = [evaluate(a, as_of=as_of, knowledge=knowledge).to_json_bytes() for a in answers]
        engine.raccourcis = False
        sans = [evaluate(a, as_of=as_of, knowledge=knowledge).to_json_bytes() for a in answers]
    finally:
        engine.raccourcis = True
    assert [p.name for p, x, y in zip(paths, avec, sans, strict=True) if x != y] == []


def test_a_parameter_read_by_the_prefix_that_changes_forbids_resuming(knowledge):
    """Resuming is refused when a rule before the checkpoint read a parameter whose value differs, or for
    other answers."""
    engine = knowledge.engine()
    answers = load_answers(sorted(examples_folder().glob("*.yaml"))[0])
    as_of = dt.date(2026, 3, 1)
    engine.run_case(answers, as_of, as_of, garder=True)
    prefixe = engine._prefixe
    assert prefixe is not None
    nom = "seuil_dispense"  # differs on 1 April 2026
    object.__setattr__(prefixe, "lus", prefixe.lus | {nom})
    assert engine._reprendre(answers, as_of, dt.date(2026, 5, 1)) is False
    assert engine._reprendre(answers, as_of, dt.date(2026, 3, 15)) is True  # the same values then
    assert engine._reprendre(validate_answers(answers.model_dump()), as_of, dt.date(2026, 3, 15)) is False


def test_a_rule_module_reading_the_engine_memory_directly_gets_no_resumption(tmp_path):
    """A rule module whose code reads ``moteur.parametres`` (or ``moteur.facts``) could read a dated value
    the prefix does not know of: that base is run afresh each time, and its advice is the same."""
    import shutil

    from entadvisor.engine.knowledge import rules_folder

    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles)
    module = regles / "valeur.py"
    module.write_text(
        module.read_text(encoding="utf-8")
        + "\n\ndef _seuil_lu_directement(moteur):\n    return moteur.parametres['seuil_dispense'].valeur\n",
        encoding="utf-8",
    )
    modifiee = load_knowledge(regles)
    assert modifiee.engine()._palier is None
    assert load_knowledge().engine()._palier is not None
    answers = load_answers(sorted(examples_folder().glob("*.yaml"))[0])
    as_of = dt.date(2026, 3, 1)
    fournie = evaluate(answers, as_of=as_of).model_dump(exclude={"base_de_connaissances"})
    assert (
        evaluate(answers, as_of=as_of, knowledge=modifiee).model_dump(exclude={"base_de_connaissances"})
        == fournie
    )
