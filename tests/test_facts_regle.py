"""``entadvisor.facts`` stays the one import of the rule modules after the rule vocabulary moved to ``entadvisor.regle``."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import entadvisor.facts as facts
import entadvisor.regle as regle_module

ROOT = Path(__file__).resolve().parent.parent
SOURCES = sorted(
    [*(ROOT / "rules").glob("*.py"), *(ROOT / "tests").rglob("*.py"), *(ROOT / "entadvisor").rglob("*.py")]
)


def _imported_from_facts() -> dict[str, str]:
    """Each name some module takes from ``entadvisor.facts``, with one place that takes it."""
    found: dict[str, str] = {}
    for path in SOURCES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.ImportFrom) and node.module == "entadvisor.facts":
                for alias in node.names:
                    found.setdefault(alias.name, f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


IMPORTED = _imported_from_facts()


def test_the_rule_modules_import_their_vocabulary_from_facts():
    """The scan sees the rule modules' imports (else the next test would check nothing)."""
    assert {"regle", "Strate", "Ref", "Projet", "MATCH", "Contrat"} <= set(IMPORTED)


@pytest.mark.parametrize("name", sorted(IMPORTED))
def test_every_name_taken_from_facts_is_there_and_public(name: str):
    """A name a rule module, a test or the package takes from ``entadvisor.facts`` exists and is in ``__all__``."""
    assert hasattr(facts, name), f"{IMPORTED[name]} importe {name} de entadvisor.facts, qui ne l'a plus"
    assert name in facts.__all__, f"{IMPORTED[name]} importe {name}, absent de entadvisor.facts.__all__"


def test_the_decorator_and_strata_are_the_same_objects_through_both_paths():
    """Re-exported, not copied: a fact class's ``Strate`` is the one ``regle`` checks with ``isinstance``."""
    assert facts.regle is regle_module.regle
    assert facts.Strate is regle_module.Strate
    assert facts.Regle is regle_module.Regle
    assert facts.Voie.strate is regle_module.Strate.VOIE


def test_a_rule_declared_through_facts_gets_its_stratum_from_the_class_it_concludes():
    @facts.regle(
        "TEST-FACTS-VOIE",
        "Une règle de test",
        facts.Projet(),
        references=["Référence de test"],
        explication="Règle de test.",
        conclut=facts.Voie,
    )
    def conclut_une_voie(moteur):
        pass

    meta = conclut_une_voie._entadvisor
    assert isinstance(meta, facts.Regle)
    assert meta.salience == int(facts.Strate.VOIE) and meta.conclut == "Voie"


def test_a_rule_without_conclusion_nor_stratum_is_refused_in_french():
    with pytest.raises(TypeError, match=r"règle TEST-SANS-STRATE : indiquer conclut="):
        facts.regle("TEST-SANS-STRATE", "Sans strate", facts.Projet(), references=[], explication="…")
