"""The engine behind one door: experta shim, determinism, purity, agenda, runaway rules, matcher."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from entadvisor.answer_files import load_answers
from entadvisor.api import evaluate
from entadvisor.cli import main
from entadvisor.engine._experta import AS, NOT, Fact, KnowledgeEngine, ReteMatcher, Rule
from entadvisor.engine._matcher import CompiledMatcher
from entadvisor.engine.knowledge import Knowledge, load_knowledge
from entadvisor.engine.moteur import (
    MAX_FIRINGS,
    FastReteMatcher,
    Moteur,
    StableDepthStrategy,
)
from entadvisor.errors import RunawayRules

ROOT = Path(__file__).resolve().parent.parent
RULES = ROOT / "rules"
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 29)


@pytest.fixture(scope="module")
def knowledge() -> Knowledge:
    """The bundled knowledge base (loaded once per process)."""
    return load_knowledge()


def _json(path: Path, knowledge: Knowledge, as_of: dt.date = AS_OF) -> str:
    return evaluate(load_answers(path), as_of=as_of, knowledge=knowledge).to_json()


def _knowledge_folder(tmp_path: Path, modules: dict[str, str], *, with_bundled_rules: bool = False) -> Path:
    """A knowledge folder: the bundled parameters and lexicon (and rules if asked) plus the given rule modules."""
    folder = tmp_path / "kb"
    if with_bundled_rules:
        shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    else:
        shutil.copytree(RULES / "parameters", folder / "parameters")
        shutil.copy(RULES / "libelles.yaml", folder / "libelles.yaml")
    for name, source in modules.items():
        (folder / f"{name}.py").write_text(textwrap.dedent(source), encoding="utf-8")
    return folder


# --- the experta shim ----------------------------------------------------------------------------


@pytest.mark.lent
def test_importing_entadvisor_and_experta_leaves_no_collections_aliases():
    """After entadvisor imports experta, collections has no Mapping alias and the root logger no handler."""
    code = textwrap.dedent(
        """
        import collections, logging
        before = list(logging.getLogger().handlers)
        import entadvisor, entadvisor.engine.moteur, experta
        from experta import KnowledgeEngine
        names = ("Mapping", "MutableMapping", "Sequence", "Callable", "Hashable", "Iterable")
        print([n for n in names if hasattr(collections, n)], logging.getLogger().handlers == before)
        """
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == "[] True"


def test_the_test_process_has_no_collections_mapping_alias():
    """In this very process (conftest imports entadvisor first), collections.Mapping is absent."""
    import collections

    assert not hasattr(collections, "Mapping")
    assert "experta" in sys.modules


# --- determinism and purity ----------------------------------------------------------------------

_EVALUATE_TWO = textwrap.dedent(
    """
    import datetime as dt, sys
    from entadvisor import evaluate, load_answers
    for path in sys.argv[1:]:
        print(evaluate(load_answers(path), as_of=dt.date(2026, 11, 29)).to_json(indent=None))
    """
)


@pytest.mark.lent
def test_the_same_trace_and_json_under_two_hash_seeds():
    """Two processes with different PYTHONHASHSEED print byte-identical advice JSON (trace included)."""
    files = [str(EXAMPLES[0]), str(ROOT / "questionnaires" / "examples" / "interco-45-ecoles.yaml")]
    outputs = []
    for seed in ("0", "4242"):
        env = dict(os.environ, PYTHONHASHSEED=seed)
        result = subprocess.run(
            [sys.executable, "-c", _EVALUATE_TWO, *files], capture_output=True, env=env, check=True, cwd=ROOT
        )
        outputs.append(result.stdout)
    assert outputs[0] == outputs[1]
    advices = [json.loads(line) for line in outputs[0].decode("utf-8").splitlines()]
    assert len(advices) == 2
    assert all(advice["trace"] for advice in advices)


def test_evaluate_is_pure_same_json_twice_and_after_another_case(knowledge):
    """evaluate() gives the same JSON for the same case twice in a row and after another case in between."""
    a, b = EXAMPLES[0], EXAMPLES[-1]
    first = _json(a, knowledge)
    assert _json(a, knowledge) == first
    other = _json(b, knowledge)
    assert other != first
    assert _json(a, knowledge) == first


def test_evaluate_accepts_a_plain_mapping_and_a_folder(knowledge):
    """evaluate() validates a plain mapping of answers and loads a knowledge folder given as a path."""
    import yaml

    data = yaml.safe_load(EXAMPLES[0].read_text(encoding="utf-8"))
    by_mapping = evaluate(data, as_of=AS_OF, knowledge=RULES).to_json()
    assert by_mapping == _json(EXAMPLES[0], knowledge)


def test_the_engine_is_built_once_per_knowledge_base(knowledge):
    """The engine (its Rete network) is built once and reused for every case."""
    engine = knowledge.engine()
    _json(EXAMPLES[0], knowledge)
    assert knowledge.engine() is engine
    assert load_knowledge() is knowledge


# --- the agenda ----------------------------------------------------------------------------------


class A(Fact):
    pass


class B(Fact):
    pass


def _stale_engine(strategy: type) -> tuple[KnowledgeEngine, list[str]]:
    """EXPERTA.md §3 item 2: 4 rules on A and 3 rules on A, NOT(B), all with the same salience."""
    fired: list[str] = []
    attributes: dict[str, object] = {"__strategy__": strategy}
    for index in range(4):

        def on_a(self, a, _name=f"on_a_{index}"):
            fired.append(_name)

        on_a.__name__ = f"on_a_{index}"
        attributes[on_a.__name__] = Rule(AS.a << A())(on_a)
    for index in range(3):

        def on_a_not_b(self, a, _name=f"on_a_not_b_{index}"):
            fired.append(_name)

        on_a_not_b.__name__ = f"on_a_not_b_{index}"
        attributes[on_a_not_b.__name__] = Rule(AS.a << A(), NOT(B()))(on_a_not_b)
    engine = type("Stale", (KnowledgeEngine,), attributes)()
    return engine, fired


def _declare_b_retract_b_retract_a(engine: KnowledgeEngine) -> list[object]:
    engine.reset()
    a = engine.declare(A())
    b = engine.declare(B())
    engine.retract(b)
    engine.retract(a)
    return list(engine.agenda.activations)


def test_stable_depth_strategy_removes_every_activation_of_a_retracted_fact():
    """With StableDepthStrategy, retracting B then A leaves no activation, and nothing fires on the retracted A."""
    engine, fired = _stale_engine(StableDepthStrategy)
    assert _declare_b_retract_b_retract_a(engine) == []
    engine.run()
    assert fired == []


def test_the_stale_activation_reproduction_fails_with_experta_stock_strategy():
    """The same sequence with experta's stock DepthStrategy leaves stale activations (so the test above has teeth)."""
    from experta.strategies import DepthStrategy

    engine, fired = _stale_engine(DepthStrategy)
    left = _declare_b_retract_b_retract_a(engine)
    assert left
    engine.run()
    assert fired and all(name.startswith("on_a_not_b_") for name in fired)


def test_stable_depth_strategy_fires_ties_in_rule_name_order():
    """Activations with the same salience and facts fire in rule-name order A..Z."""
    engine, fired = _stale_engine(StableDepthStrategy)
    engine.reset()
    engine.declare(A())
    engine.run()
    assert fired == sorted(fired)
    assert len(fired) == 7


# --- runaway rules -------------------------------------------------------------------------------

LOOPING_MODULE = """
    '''Une règle qui déclare sans fin de nouveaux faits (test du garde-fou RunawayRules).'''
    from entadvisor.facts import MATCH, Fact, Projet, Strate, regle


    class Compteur(Fact):
        pass


    @regle(
        "TEST-DEPART", "Départ", Projet(nombre_ecoles=MATCH.n),
        references=["test"], explication="Déclare le premier compteur.", strate=Strate.NORMALISATION,
    )
    def depart(moteur, n):
        moteur.conclure(Compteur(i=0))


    @regle(
        "TEST-BOUCLE", "Boucle", Compteur(i=MATCH.i),
        references=["test"], explication="Déclare toujours un compteur de plus.", strate=Strate.VIGILANCE,
    )
    def boucle(moteur, i):
        moteur.conclure(Compteur(i=i + 1))
"""


def test_a_runaway_rule_base_raises_runaway_rules(tmp_path):
    """A rule that keeps declaring new facts is stopped by RunawayRules after MAX_FIRINGS firings."""
    folder = _knowledge_folder(tmp_path, {"boucle": LOOPING_MODULE})
    kb = load_knowledge(folder)
    with pytest.raises(
        RunawayRules, match=f"plus de {MAX_FIRINGS} règles déclenchées ; dernière : r_test_boucle"
    ):
        evaluate(load_answers(EXAMPLES[0]), as_of=AS_OF, knowledge=kb)
    assert len(kb.engine().trace) == MAX_FIRINGS


def test_run_with_a_small_limit_raises_runaway_rules_and_the_engine_stays_usable(knowledge, monkeypatch):
    """With a firing limit below what a real case needs, Moteur.run raises RunawayRules; the next case is normal."""
    expected = _json(EXAMPLES[0], knowledge)
    fired = len(knowledge.engine().trace)
    assert fired > 5
    monkeypatch.setattr("entadvisor.engine.moteur.MAX_FIRINGS", 5)
    with pytest.raises(RunawayRules, match="plus de 5 règles déclenchées"):
        _json(EXAMPLES[0], knowledge)
    assert len(knowledge.engine().trace) == 5
    monkeypatch.undo()
    assert _json(EXAMPLES[0], knowledge) == expected


# --- broken rule modules in --regles -------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "fragment"),
    [
        pytest.param("def regle(:\n    pass\n", "SyntaxError", id="syntax-error"),
        pytest.param("import module_qui_n_existe_pas\n", "ModuleNotFoundError", id="missing-import"),
        pytest.param("raise ValueError('règle cassée')\n", "règle cassée", id="raises-on-import"),
    ],
)
def test_a_broken_rule_module_in_regles_gives_a_french_error(tmp_path, source, fragment):
    """A rule module that cannot be loaded gives « Erreur : » naming the module, exit 1, no traceback."""
    folder = _knowledge_folder(tmp_path, {"casse": source})
    result = CliRunner().invoke(main, ["conseil", str(EXAMPLES[0]), "--regles", str(folder)])
    assert result.exit_code == 1, result.output
    assert result.stderr.startswith(f"Erreur : {folder / 'casse.py'} : module de règles en erreur")
    assert fragment in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_a_rule_id_defined_twice_in_regles_is_refused(tmp_path):
    """Two modules defining the same rule id are refused in French, naming the rule."""
    folder = _knowledge_folder(tmp_path, {"boucle": LOOPING_MODULE, "copie": LOOPING_MODULE})
    result = CliRunner().invoke(main, ["conseil", str(EXAMPLES[0]), "--regles", str(folder)])
    assert result.exit_code == 1
    assert "la règle TEST-DEPART est définie deux fois" in result.stderr


def test_a_regles_folder_without_rule_modules_is_refused(tmp_path):
    """A --regles folder with no rule module is refused in French."""
    folder = _knowledge_folder(tmp_path, {})
    result = CliRunner().invoke(main, ["regles", "--regles", str(folder)])
    assert result.exit_code == 1
    assert "aucun module de règles" in result.stderr


FAILING_RHS_MODULE = """
    '''Une règle dont la partie droite échoue quand elle se déclenche (paramètre sans liaison).'''
    from entadvisor.facts import MATCH, Projet, Strate, regle


    @regle(
        "TEST-RHS-CASSEE", "Partie droite cassée", Projet(nombre_ecoles=MATCH.n),
        references=["test"], explication="Nomme une liaison qui n'existe pas.", strate=Strate.NORMALISATION,
    )
    def cassee(moteur, n, inexistant):
        pass
"""


@pytest.mark.lent
def test_a_rule_of_regles_failing_when_it_fires_gives_a_french_error(tmp_path):
    """A rule that fails when it fires gives « Erreur : » naming the rule, exit 1, no traceback."""
    folder = _knowledge_folder(tmp_path, {"cassee": FAILING_RHS_MODULE}, with_bundled_rules=True)
    result = subprocess.run(
        [sys.executable, "-m", "entadvisor", "conseil", str(EXAMPLES[0]), "--regles", str(folder)],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("Erreur : ") and "TEST-RHS-CASSEE" in result.stderr


# --- the matcher ---------------------------------------------------------------------------------


def _with_stock_matcher(knowledge: Knowledge) -> Knowledge:
    """The same knowledge base with an engine class using experta's stock ReteMatcher."""
    rules = {name: value for name, value in vars(knowledge.engine_class).items() if isinstance(value, Rule)}
    stock = type("MoteurStock", (Moteur,), {**rules, "__matcher__": ReteMatcher})
    return dataclasses.replace(knowledge, engine_class=stock, _engines={})


@pytest.fixture(scope="module")
def stock(knowledge: Knowledge) -> Knowledge:
    """The bundled knowledge base, evaluated with experta's stock ReteMatcher."""
    return _with_stock_matcher(knowledge)


def test_the_engine_uses_the_compiled_matcher_and_keeps_rete_selectable(knowledge, monkeypatch):
    """The compiled matcher is the default; ``rete`` (argument or ENTADVISOR_MATCHER) gives FastReteMatcher."""
    monkeypatch.delenv("ENTADVISOR_MATCHER", raising=False)
    assert isinstance(knowledge.engine().matcher, CompiledMatcher)
    assert isinstance(knowledge.engine("rete").matcher, FastReteMatcher)
    monkeypatch.setenv("ENTADVISOR_MATCHER", "rete")
    assert knowledge.engine() is knowledge.engine("rete")
    monkeypatch.setenv("ENTADVISOR_MATCHER", "autre")
    with pytest.raises(ValueError, match="ENTADVISOR_MATCHER : filtrage « autre » inconnu"):
        knowledge.engine()


@pytest.mark.parametrize("as_of", [AS_OF, dt.date(2026, 3, 1), dt.date(2028, 2, 1)], ids=str)
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_fast_matcher_gives_the_same_advice_and_trace_as_experta_stock_matcher(knowledge, stock, path, as_of):
    """FastReteMatcher and experta's ReteMatcher give the same advice JSON, trace included, on every example."""
    assert isinstance(stock.engine().matcher, ReteMatcher)
    assert not isinstance(stock.engine().matcher, FastReteMatcher)
    assert _json(path, knowledge, as_of) == _json(path, stock, as_of)


def test_a_subclass_of_the_engine_class_keeps_the_rules_metadata(knowledge):
    """A subclass of the knowledge base's engine class (e.g. to change the matcher) evaluates like it."""
    subclass = type("Sous", (knowledge.engine_class,), {"__matcher__": ReteMatcher})
    other = dataclasses.replace(knowledge, engine_class=subclass, _engines={})
    assert _json(EXAMPLES[0], other) == _json(EXAMPLES[0], knowledge)


FAILING_TEST_MODULE = """
    '''Une condition qui échoue pendant le filtrage, quand le contexte arrive (projet « PANNE »).'''
    from entadvisor.facts import MATCH, TEST, Contexte, Projet, Strate, regle


    def _panne(nom):
        if nom == "PANNE":
            raise RuntimeError("panne voulue")
        return False


    @regle(
        "TEST-PANNE", "Panne pendant le filtrage", Projet(nom_projet=MATCH.nom), Contexte(), TEST(_panne),
        references=["test"], explication="Échoue exprès.", strate=Strate.PLANNING,
    )
    def panne(moteur, nom):
        pass
"""


def _interrupted_then(kb: Knowledge) -> list[tuple[str, bool]]:
    """For each example: its JSON before and after a case whose matching raised half-way."""
    results = []
    for path in EXAMPLES:
        before = _json(path, kb)
        broken = load_answers(EXAMPLES[-1]).model_copy(update={"nom_projet": "PANNE"})
        with pytest.raises(RuntimeError, match="panne voulue"):
            evaluate(broken, as_of=AS_OF, knowledge=kb)
        results.append((path.stem, _json(path, kb) == before))
    return results


def test_after_a_run_interrupted_by_an_exception_the_next_case_is_unaffected(tmp_path):
    """A case whose matching raised half-way leaves nothing behind: the next case gives the same JSON as before."""
    folder = _knowledge_folder(tmp_path, {"panne": FAILING_TEST_MODULE}, with_bundled_rules=True)
    kb = load_knowledge(folder)
    assert all(same for _, same in _interrupted_then(kb))


def test_experta_stock_matcher_leaks_pending_activations_after_an_interruption(tmp_path):
    """With experta's stock ReteMatcher the same interruption spoils the next case (why FastReteMatcher resets)."""
    from entadvisor.errors import EvaluationError

    folder = _knowledge_folder(tmp_path, {"panne": FAILING_TEST_MODULE}, with_bundled_rules=True)
    kb = _with_stock_matcher(load_knowledge(folder))
    _json(EXAMPLES[0], kb)
    broken = load_answers(EXAMPLES[-1]).model_copy(update={"nom_projet": "PANNE"})
    with pytest.raises(RuntimeError, match="panne voulue"):
        evaluate(broken, as_of=AS_OF, knowledge=kb)
    try:
        spoiled = _json(EXAMPLES[0], kb) != _json(EXAMPLES[0], _with_stock_matcher(load_knowledge()))
    except EvaluationError:
        spoiled = True
    assert spoiled
