"""The compiled matcher against experta's Rete matcher: same facts, notes, trace and advice JSON.

Three sources of cases: the bundled examples at three dates, 1 000 cases spread over the
verifier's complete sweep, and 300 generated answer files (tools/generate_answers.py). Then a
synthetic knowledge base exercises, on random facts, the forms the compiler handles (NOT with join
variables, TEST, ``~L``, ``|``, ``MATCH & (L | L)``, OR, repeated variables, ``AS``, retract and
modify), and a base using EXISTS shows the fallback to Rete.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

import pytest
from outils import outil

from entadvisor.answer_files import load_answers
from entadvisor.answers import Answers, validate_answers
from entadvisor.api import evaluate
from entadvisor.engine._experta import (
    AS,
    MATCH,
    NOT,
    OR,
    TEST,
    DefFacts,
    Fact,
    FastReteMatcher,
    KnowledgeEngine,
    L,
    P,
    ReteMatcher,
    Rule,
    W,
)
from entadvisor.engine._experta import experta as _experta_module
from entadvisor.engine._matcher import CompiledMatcher
from entadvisor.engine.knowledge import examples_folder, load_knowledge
from entadvisor.engine.moteur import StableDepthStrategy
from entadvisor.verify.sweep import plan

ROOT = Path(__file__).resolve().parents[1]
DATES = (dt.date(2026, 3, 1), dt.date(2026, 12, 1), dt.date(2028, 2, 1))
SWEEP_SAMPLE = 1_000
GENERATED = 300


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return load_knowledge()


def _state(engine: Any) -> dict[str, Any]:
    """What a run leaves: the facts (with ids), the notes and the trace (rule, facts read)."""
    return {
        "facts": [(i, type(f).__name__, f.as_dict()) for i, f in engine.facts.items()],
        "notes": list(engine.notes),
        "trace": [(step.meta.id, step.facts) for step in engine.trace],
        "parametres": sorted(engine.used_parameters),
    }


def _differences(knowledge: Any, monkeypatch: Any, cases: list[tuple[str, Answers, dt.date]]) -> list[str]:
    compiled, rete = knowledge.engine("compile"), knowledge.engine("rete")
    assert isinstance(compiled.matcher, CompiledMatcher) and compiled.matcher_note is None
    assert isinstance(rete.matcher, FastReteMatcher)
    found = []
    for label, answers, as_of in cases:
        parameter_date = answers.date_lancement or as_of
        states = []
        for engine in (compiled, rete):
            engine.run_case(answers, as_of, parameter_date)
            states.append(_state(engine))
        for part in states[0]:
            if states[0][part] != states[1][part]:
                found.append(f"{label} : {part} différent")
        jsons = []
        for name in ("compile", "rete"):
            monkeypatch.setenv("ENTADVISOR_MATCHER", name)
            jsons.append(evaluate(answers, as_of=as_of, knowledge=knowledge).to_json())
        if jsons[0] != jsons[1]:
            found.append(f"{label} : JSON du conseil différent")
    return found


def test_examples_at_three_dates(knowledge, monkeypatch):
    cases = [
        (f"{path.name} au {as_of}", load_answers(path), as_of)
        for path in sorted(examples_folder().glob("*.yaml"))
        for as_of in DATES
    ]
    assert len(cases) >= 15
    assert _differences(knowledge, monkeypatch, cases) == []


def test_a_sample_of_the_complete_sweep(knowledge, monkeypatch):
    sample, _ = plan(knowledge, complet=True, limite=SWEEP_SAMPLE)
    assert len(sample) == SWEEP_SAMPLE
    cases = [(f"cas n° {c.numero} ({c.bloc})", validate_answers(c.reponses), c.date_analyse) for c in sample]
    assert _differences(knowledge, monkeypatch, cases) == []


def test_generated_answer_files(knowledge, monkeypatch, tmp_path):
    paths = outil("generate_answers").generer(GENERATED, tmp_path / "reponses", graine=15)
    assert len(paths) == GENERATED
    cases = [(path.name, load_answers(path), dt.date(2026, 12, 1)) for path in paths]
    assert any(
        a.offre_mutualisee == "ne_sait_pas" for _, a, _ in cases
    )  # the both-ways advice is compared too
    assert _differences(knowledge, monkeypatch, cases) == []


# --- a synthetic knowledge base: the forms the compiler handles, on random facts -------------------


class A(Fact):
    pass


class B(Fact):
    pass


class C(Fact):
    pass


class Out(Fact):
    pass


def _positive(x: Any) -> bool:
    return x is not None and x > 1


class Synthetic(KnowledgeEngine):
    """Every rule records its firing; some declare, retract or modify, so that matches come and go."""

    __strategy__ = StableDepthStrategy

    def __init__(self) -> None:
        self.fired: list[tuple[Any, ...]] = []
        super().__init__()

    def _note(self, name: str, **context: Any) -> None:
        shown = sorted((k, v.as_dict() if isinstance(v, Fact) else v) for k, v in context.items())
        self.fired.append((name, repr(shown)))

    @DefFacts()
    def seed(self):
        yield C(k="start")

    @Rule(A(x=MATCH.x), B(x=MATCH.x), salience=5)
    def r_join(self, x):
        self._note("join", x=x)
        self.declare(Out(kind="join", x=x))

    @Rule(A(x=MATCH.x, y=MATCH.x))
    def r_repeated(self, x):
        self._note("repeated", x=float(x))  # which field binds x within one pattern is hash order in Rete

    @Rule(A(x=MATCH.x), NOT(B(x=MATCH.x)), salience=3)
    def r_unmatched(self, x):
        self._note("unmatched", x=x)

    @Rule(NOT(A()), salience=9)
    def r_no_a(self):
        self._note("no_a")

    @Rule(A(x=MATCH.x), TEST(lambda x, absent: _positive(x) and absent is None))
    def r_tested(self, x):
        self._note("tested", x=x)

    @Rule(A(y=~L(1)), B(y=L(0) | L(2)))
    def r_negated_and_or(self):
        self._note("negated_and_or")

    @Rule(B(x=MATCH.v & (L(1) | L(3))), salience=2)
    def r_bound_and_or(self, v):
        self._note("bound_and_or", v=v)

    @Rule(OR(A(x=0), B(y=0)), salience=1)
    def r_either(self):
        self._note("either")

    @Rule(AS.f << B(x=MATCH.x, y=P(lambda v: v >= 2)), salience=7)
    def r_retract_big(self, f, x):
        self._note("retract_big", x=x)
        self.retract(f)

    @Rule(AS.f << A(x=3, y=W()), NOT(C(k="modified")), salience=8)
    def r_modify(self, f):
        self._note("modify")
        self.declare(C(k="modified"))
        self.modify(f, x=4)

    @Rule(Out(kind="join", x=MATCH.x), NOT(Out(kind="echo", x=MATCH.x)), A(x=MATCH.x))
    def r_echo(self, x):
        self._note("echo", x=x)
        self.declare(Out(kind="echo", x=x))

    @Rule(A(), A(), salience=-1)
    def r_same_pattern_twice(self):
        self._note("same_pattern_twice")


def _run_synthetic(matcher: type, facts: list[Fact]) -> tuple[list[tuple[Any, ...]], list[Any]]:
    engine = type("E", (Synthetic,), {"__matcher__": matcher})()
    engine.reset()
    engine.declare(*[f.copy() for f in facts])
    engine.run(500)
    return engine.fired, [(i, type(f).__name__, f.as_dict()) for i, f in engine.facts.items()]


def test_synthetic_knowledge_base_on_random_facts():
    rng = random.Random(15)
    compared = fired = 0
    names: set[str] = set()
    for _ in range(300):
        facts: list[Fact] = []
        for _ in range(rng.randint(0, 6)):
            cls = rng.choice((A, B))
            x = rng.choice((0, 1, 1.0, True, 2, 2.0, 3))  # 1 == 1.0 == True: which one a join binds matters
            facts.append(cls(x=x, y=rng.randint(0, 2)))
        compiled = _run_synthetic(CompiledMatcher, facts)
        assert compiled == _run_synthetic(ReteMatcher, facts), facts
        compared += 1
        fired += len(compiled[0])
        names.update(name for name, _ in compiled[0])
    assert compared == 300 and fired > 1_000
    every_rule = {name[2:] for name in vars(Synthetic) if name.startswith("r_")}
    assert names == every_rule  # every form was exercised, not only compared on silence


def test_what_the_compiler_does_not_handle_falls_back_to_rete_with_a_note(knowledge, caplog):
    from entadvisor.engine.moteur import Moteur

    exists = _experta_module.EXISTS
    rules = {name: value for name, value in vars(knowledge.engine_class).items() if isinstance(value, Rule)}

    @Rule(exists(A()))
    def r_exists(self):
        pass

    r_exists._entadvisor = next(iter(rules.values()))._entadvisor  # metadata is not what is tested
    klass = type("AvecExists", (Moteur,), {**rules, "r_exists": r_exists})
    engine = klass(knowledge, "compile")
    assert isinstance(engine.matcher, FastReteMatcher)
    assert engine.matcher_name == "rete"
    assert engine.matcher_note is not None and "EXISTS" in engine.matcher_note
    assert "filtrage Rete d'experta utilisé" in caplog.text
