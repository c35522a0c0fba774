"""The rule vocabulary is checked when the knowledge base loads (issue 11, item 2): note kinds, their
fields and the warning codes, declared once."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from entadvisor.advice import CODES_VIGILANCE, Vigilance
from entadvisor.engine.knowledge import check_rule_module, load_knowledge
from entadvisor.errors import EntreeInvalide
from entadvisor.report.parties import INCERTITUDES

ROOT = Path(__file__).resolve().parent.parent

MODULE = """
from entadvisor.facts import Projet, Ref, Strate, regle


@regle("TEST-NOTE", "Une note", Projet(), references=[Ref("CCP", "art. R2122-8")], explication="x",
       strate=Strate.VIGILANCE)
def note(moteur):
    {appel}
"""


def _base(tmp_path: Path, appel: str) -> Path:
    folder = tmp_path / "kb"
    shutil.copytree(ROOT / "rules" / "parameters", folder / "parameters")
    shutil.copy(ROOT / "rules" / "libelles.yaml", folder / "libelles.yaml")
    (folder / "essai.py").write_text(textwrap.dedent(MODULE).format(appel=appel), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("appel", "attendu"),
    [
        pytest.param(
            'moteur.noter("raisons", sujet="Voie", texte="t")',
            "moteur.noter(« raisons ») : sorte de note inconnue",
            id="kind",
        ),
        pytest.param("moteur.noter(SORTE, texte='t')", "écrite en toutes lettres", id="kind-not-literal"),
        pytest.param('moteur.noter("raison", texte="t")', "champ manquant : sujet", id="missing-field"),
        pytest.param(
            'moteur.noter("raison", sujet="Voie", texte="t", ton="x")', "champ inconnu : ton", id="extra"
        ),
        pytest.param('moteur.noter("vigilance", code="seuil_proch", message="m")', "non déclaré", id="code"),
    ],
)
def test_a_wrong_note_fails_at_load_naming_module_and_line(tmp_path: Path, appel: str, attendu: str) -> None:
    folder = _base(tmp_path, appel)
    with pytest.raises(EntreeInvalide) as error:
        load_knowledge(folder)
    message = str(error.value)
    assert f"{folder / 'essai.py'}, ligne 8 : " in message
    assert attendu in message


def test_a_right_note_loads(tmp_path: Path) -> None:
    folder = _base(tmp_path, 'moteur.noter("vigilance", code="seuil_proche", message="m")')
    assert [r.id for r in load_knowledge(folder).rules] == ["TEST-NOTE"]


def test_the_warning_codes_are_declared_once_and_used_by_the_advice_model() -> None:
    assert len(set(CODES_VIGILANCE)) == len(CODES_VIGILANCE)
    assert set(INCERTITUDES) <= set(CODES_VIGILANCE)
    with pytest.raises(ValueError, match="code"):
        Vigilance(code="seuil_proch", message="m")  # type: ignore[arg-type]


def test_every_declared_warning_code_is_noted_by_a_rule() -> None:
    """A code declared but noted by no rule is a dead word of the vocabulary."""
    source = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "rules").glob("*.py"))
    assert [
        code
        for code in CODES_VIGILANCE
        if f'code="{code}"' not in source and f'vigilance="{code}"' not in source
    ] == []


def test_the_answers_contract_codes_are_declared() -> None:
    """The codes shared ANSWERS.md says must exist are among the declared ones."""
    required = {
        "seuil_proche", "seuil_inconnu", "offre_mutualisee_a_verifier", "convention_absente",
        "comite_pilotage_absent", "duree_depassee", "rentree_inatteignable", "allotissement",
        "eleves_estimes", "prix_par_defaut", "valeur_incomplete", "calendrier_serre",
        "consultation_lancee", "chevauchement_contrat", "notification_avant_budget", "prix_atypique",
    }  # fmt: skip
    assert required <= set(CODES_VIGILANCE)


def test_a_readiness_table_with_an_undeclared_code_fails_at_load(tmp_path: Path) -> None:
    """The readiness table declares its codes in data: its constructor checks them when the module loads."""
    regles = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", regles, ignore=shutil.ignore_patterns("__pycache__"))
    module = regles / "preparation.py"
    source = module.read_text(encoding="utf-8")
    assert 'vigilance="comite_pilotage_absent"' in source
    module.write_text(
        source.replace('vigilance="comite_pilotage_absent"', 'vigilance="comite_absent"'), encoding="utf-8"
    )
    with pytest.raises(
        EntreeInvalide,
        match=r"preparation\.py : module de règles en erreur : .*« comite_absent » non déclaré",
    ):
        load_knowledge(regles)


def test_a_module_found_correct_is_remembered_until_its_source_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The check is remembered beside the bytecode (when bytecode may be written) and redone on a new source."""
    monkeypatch.setattr("sys.dont_write_bytecode", False)
    folder = _base(tmp_path, 'moteur.noter("vigilance", code="seuil_proche", message="m")')
    load_knowledge(folder)
    markers = list((folder / "__pycache__").glob("essai.*.entadvisor-verifie"))
    assert len(markers) == 1
    module = folder / "essai.py"
    module.write_text(
        module.read_text(encoding="utf-8").replace('"seuil_proche"', '"seuil_proch"'), encoding="utf-8"
    )
    with pytest.raises(EntreeInvalide, match="seuil_proch"):
        check_rule_module(module)  # load_knowledge(folder) would give the base already loaded in this process
