"""No work done twice, and the small fixes of the engine's profile (issue 15) keep the same behaviour."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from typing import Any

import pytest

from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.engine._experta import Fact as ExpertaFact
from entadvisor.engine.knowledge import examples_folder, load_knowledge
from entadvisor.engine.moteur import run_at_launch
from entadvisor.facts import Fact, Projet
from entadvisor.whatif.explore import what_if

AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return load_knowledge()


def _ne_sait_pas() -> Any:
    for path in sorted(examples_folder().glob("*.yaml")):
        answers = load_answers(path)
        if answers.offre_mutualisee == "ne_sait_pas":
            return answers
    pytest.skip("aucun exemple ne répond « ne sait pas » à l'offre mutualisée")


def test_the_both_ways_advice_runs_the_engine_three_times_not_four(knowledge, monkeypatch):
    answers = _ne_sait_pas()
    engine = knowledge.engine()
    runs: list[Any] = []
    original = type(engine).run_case

    def counting(self: Any, *args: Any, **kwargs: Any) -> None:
        runs.append(args)
        original(self, *args, **kwargs)

    monkeypatch.setattr(type(engine), "run_case", counting)
    parameter_date = run_at_launch(engine, knowledge, answers, AS_OF)
    assert parameter_date == (answers.date_lancement or AS_OF)  # the what-if's own date: reuse applies
    base_runs = len(runs)
    runs.clear()
    advice = evaluate(answers, as_of=AS_OF, knowledge=knowledge)
    assert len(runs) == base_runs + 2  # the base case once, then centrale_achat and groupement_existant
    assert advice.sensibilite
    monkeypatch.undo()
    again = what_if(answers, as_of=AS_OF, knowledge=knowledge, cles=("offre_mutualisee",))
    assert advice.sensibilite == again  # the same items as when the what-if evaluates the base itself


def test_the_fact_base_stores_scalars_as_experta_would():
    class Experta(ExpertaFact):
        pass

    class Ours(Fact):
        pass

    values = {"a": 1, "b": "x", "c": None, "d": dt.date(2026, 1, 1), "e": 2.5, "f": True}
    nested = {**values, "g": [1, {"h": [2]}], "i": {"j": {1, 2}}}
    for content in (values, nested):
        ours, theirs = Ours(**content), Experta(**content)
        assert dict(ours) == dict(theirs)
        assert {k: type(v) for k, v in ours.items()} == {k: type(v) for k, v in theirs.items()}
        assert hash(ours) == hash(theirs) and ours.as_dict() == theirs.as_dict()
    assert Ours(0, x=[1]) == Ours.from_iter([(0, 0), ("x", [1])])
    assert isinstance(Ours(g=[1])["g"], tuple)  # lists are still frozen
    projet = Projet(nom="x")
    projet.__factid__ = 3
    with pytest.raises(RuntimeError):
        projet["nom"] = "y"  # still frozen once declared
    with pytest.raises(TypeError):
        Ours(x=object.__new__(type("Unhashable", (), {"__hash__": None})))


def test_declaring_still_refuses_what_experta_refuses(knowledge):
    from entadvisor.engine._experta import FactList, L, QuietFactList

    engine = knowledge.engine()
    engine.reset()
    with pytest.raises(TypeError, match="conditional elements"):
        engine.declare(Projet(nom=L("x")))
    with pytest.raises(KeyError, match="double underscores"):
        engine.declare(Projet(nom__sous="x"))
    for fact in (Projet(nom="x", n=1), Projet(0, a=[1, 2]), Projet(nom="x", __bind__="f")):
        assert QuietFactList._get_fact_id(fact) == FactList._get_fact_id(fact)
        assert fact.has_nested_accessor() is ExpertaFact.has_nested_accessor(fact)
        assert fact.has_field_constraints() is ExpertaFact.has_field_constraints(fact)
    assert Projet(_x_="a").has_nested_accessor() is ExpertaFact.has_nested_accessor(Projet(_x_="a"))


def test_reset_does_not_inspect_the_rules_again(knowledge, monkeypatch):
    import inspect

    engine = knowledge.engine()
    calls: list[Any] = []
    original = inspect.getmembers
    monkeypatch.setattr(inspect, "getmembers", lambda *a, **k: calls.append(a) or original(*a, **k))
    engine.reset()
    assert calls == []
    assert [type(f).__name__ for f in engine.facts.values()] == ["InitialFact"]


def test_parameter_values_are_built_once_per_name_and_date(knowledge):
    parameters = knowledge.parameters
    name = parameters.names()[0]
    assert parameters.value(name, AS_OF) is parameters.value(name, AS_OF)
    assert parameters.at(AS_OF)[name] == parameters.value(
        name, AS_OF
    )  # the same value (each cache is bounded)


def test_the_knowledge_source_is_resolved_once(knowledge):
    assert knowledge.source == "base fournie"
    assert "source" in vars(knowledge)  # cached on the instance after the first read


# --- the verifier: the plan is made in the workers ---------------------------------------------------


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


def test_the_verifier_makes_the_cases_in_the_workers_and_reports_as_from_the_plan(tmp_path, monkeypatch):
    from entadvisor.verify import run as module
    from entadvisor.verify.rapport import CLES_COUVERTURE, couverture_de
    from entadvisor.verify.sweep import plan
    from entadvisor.verify.worker import default_reference

    knowledge = load_knowledge()
    cas, par_bloc = plan(knowledge, default_reference(), limite=400)

    def pas_de_plan(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("le plan complet ne doit pas être construit avant les processus")

    monkeypatch.setattr(module, "plan", pas_de_plan)
    seul = module.verify(limite=400, jobs=1, sortie=tmp_path / "a")
    deux = module.verify(limite=400, jobs=2, sortie=tmp_path / "b")
    assert deux.jobs == 2
    assert _resume(seul) == _resume(deux)
    assert seul.cas == len(cas) and seul.par_bloc == par_bloc
    assert seul.dates_parametres == sorted({c.reponses.get("date_lancement") or c.date_analyse for c in cas})
    compteurs = {key: Counter(c.reponses.get(key) for c in cas) for key in CLES_COUVERTURE}
    assert seul.couverture == couverture_de(compteurs, {c.date_analyse for c in cas})
    assert seul.temps["generation"] > 0


def test_two_choices_giving_the_same_case_fall_back_to_the_deduplicated_plan(tmp_path, monkeypatch):
    from entadvisor.verify import run as module

    monkeypatch.setattr(module, "empreinte_cas", lambda cas: b"toujours la meme")
    rapport = module.verify(limite=60, jobs=1, sortie=tmp_path / "echecs")
    assert rapport.cas == 60 and rapport.ok  # the plan's distinct cases, checked again in the fallback


def test_the_verifier_runs_with_either_matcher(tmp_path):
    from click.testing import CliRunner

    from entadvisor.cli import main

    result = CliRunner().invoke(
        main, ["verifier", "--limite", "40", "-j", "1", "--filtrage", "rete", "--sortie", str(tmp_path / "e")]
    )
    assert result.exit_code == 0, result.output
    assert "filtrage : réseau Rete d'experta" in result.output
    assert "Résultat : SUCCÈS" in result.output


EXISTS_MODULE = '''
"""Une règle avec EXISTS, que le filtrage compilé ne traite pas."""
from entadvisor.engine._experta import experta
from entadvisor.facts import Projet, Strate, regle


@regle(
    "TEST-EXISTS",
    "Un projet existe",
    experta.EXISTS(Projet()),
    references=["Référence de test"],
    explication="Règle de test.",
    strate=Strate.VIGILANCE,
)
def existe(moteur):
    pass
'''


def test_a_knowledge_base_using_exists_is_verified_with_rete_and_says_so(tmp_path):
    import shutil

    from entadvisor.engine.knowledge import rules_folder
    from entadvisor.verify.run import verify

    dossier = tmp_path / "regles"
    shutil.copytree(rules_folder(), dossier)
    (dossier / "zz_exists.py").write_text(EXISTS_MODULE, encoding="utf-8")
    rapport = verify(dossier, limite=30, jobs=1, sortie=tmp_path / "echecs")
    assert rapport.note_filtrage is not None and "EXISTS" in rapport.note_filtrage
    assert "filtrage Rete d'experta utilisé" in rapport.texte()
    assert rapport.declenchements["TEST-EXISTS"] == 30  # the Rete fallback does run the rule


def test_the_advice_shares_parameter_models_equal_to_fresh_ones(knowledge):
    """The Advice's Parametre and Seuil entries are validated once per parameter value and shared."""
    import dataclasses

    from entadvisor.advice import Parametre, Seuil
    from entadvisor.engine import synthesis

    for date in (dt.date(2026, 3, 1), AS_OF, dt.date(2028, 2, 1)):
        for name, value in knowledge.parameters.at(date).items():
            fresh = Parametre(**{f.name: getattr(value, f.name) for f in dataclasses.fields(value)})
            assert synthesis._parametre(value) == fresh and synthesis._parametre(
                value
            ) is synthesis._parametre(value)
            assert fresh.nom == name
        for key, name in synthesis.SEUILS_AFFICHES:
            value = knowledge.parameters.at(date)[name]
            assert synthesis._seuil(key, value) == Seuil(
                nom=key,
                libelle=value.libelle,
                valeur=float(value.valeur),
                connu=value.connu,
                en_vigueur_depuis=value.en_vigueur_depuis,
                reference=value.reference,
            )
