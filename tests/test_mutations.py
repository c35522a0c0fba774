"""The suite notices a changed word, a misspelt note kind and a shifted threshold (issue 9, the mutation habit).

Each mutation is applied to a copy (of the knowledge base, or of one label) and the check the suite runs
on the real one must fail on it: the knowledge cases for the rules and parameters, the golden files for
the words a user reads.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml
from plugin_cas import check_case

from entadvisor.engine.knowledge import load_knowledge
from entadvisor.errors import EntreeInvalide, EvaluationError
from entadvisor.report import text

ROOT = Path(__file__).resolve().parent.parent
CASES = sorted((ROOT / "tests" / "cases").glob("*.yaml"))


def _cases() -> list[dict]:
    found = []
    for path in CASES:
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        found += content["cases"] if isinstance(content, dict) and "cases" in content else [content]
    return found


def _copie(tmp_path: Path) -> Path:
    regles = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", regles, ignore=shutil.ignore_patterns("__pycache__"))
    return regles


def _echecs(regles: Path) -> int:
    """How many knowledge cases fail (or raise) with the knowledge base in ``regles``."""
    echecs = 0
    for case in _cases():
        try:
            echecs += bool(check_case(case, knowledge=regles))
        except EvaluationError:
            echecs += 1
    return echecs


def test_the_cases_pass_on_an_unchanged_copy(tmp_path: Path) -> None:
    """The control: a faithful copy of the knowledge base passes every case."""
    assert _echecs(_copie(tmp_path)) == 0


def test_a_misspelt_note_kind_fails_the_loading_of_the_knowledge_base(tmp_path: Path) -> None:
    """« raison » → « raisons » in one rule: loading the base fails, naming the module, the line, the kind
    and the kinds allowed — before any case runs, not only in the case that reaches the rule."""
    regles = _copie(tmp_path)
    module = regles / "contrat.py"
    source = module.read_text(encoding="utf-8")
    assert '"raison",' in source
    module.write_text(source.replace('"raison",', '"raisons",', 1), encoding="utf-8")
    line = 1 + source[: source.index('"raison",')].count("\n")
    with pytest.raises(EntreeInvalide) as error:
        load_knowledge(regles)
    message = str(error.value)
    found = re.search(
        r"contrat\.py, ligne (\d+) : moteur\.noter\(« raisons »\) : sorte de note inconnue", message
    )
    assert found and int(found.group(1)) in (line - 1, line), message  # the line of the call or of its kind
    assert "sortes permises : action, alternative, deliberation" in message


def test_an_undeclared_warning_code_fails_the_loading_of_the_knowledge_base(tmp_path: Path) -> None:
    """A rule noting « seuil_proch » (not a declared CodeVigilance) fails at load, naming the codes declared."""
    regles = _copie(tmp_path)
    module = regles / "valeur.py"
    source = module.read_text(encoding="utf-8")
    assert 'code="seuil_proche"' in source
    module.write_text(source.replace('code="seuil_proche"', 'code="seuil_proch"'), encoding="utf-8")
    with pytest.raises(
        EntreeInvalide, match=r"valeur\.py, ligne \d+ : .*« seuil_proch ».*non déclaré.*seuil_proche"
    ):
        load_knowledge(regles)


def test_a_changed_reference_fails_the_cases(tmp_path: Path) -> None:
    """The centrale's articles « L2113-2 à L2113-5 » changed to « L2113-2 à L2113-6 » in a Ref: a case notices."""
    regles = _copie(tmp_path)
    module = regles / "acheteur.py"
    source = module.read_text(encoding="utf-8")
    assert source.count('"art. L2113-2 à L2113-5"') == 1
    module.write_text(
        source.replace('"art. L2113-2 à L2113-5"', '"art. L2113-2 à L2113-6"'), encoding="utf-8"
    )
    assert _echecs(regles) > 0


def test_a_shifted_threshold_fails_the_cases_on_both_sides_of_it(tmp_path: Path) -> None:
    """The dispense threshold moved from 60 000 to 61 000 € HT: the boundary cases notice."""
    regles = _copie(tmp_path)
    seuils = regles / "parameters" / "seuils.yaml"
    source = seuils.read_text(encoding="utf-8")
    assert source.count("value: 60000") >= 1
    seuils.write_text(source.replace("value: 60000", "value: 61000", 1), encoding="utf-8")
    assert _echecs(regles) > 0


def _textes(regles: Path) -> dict[str, str]:
    """The terminal text of each example, evaluated with the knowledge base in ``regles``."""
    from test_text_golden import AS_OF, EXAMPLES, LARGEUR

    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    return {
        p.stem: text.advice_text(evaluate(load_answers(p), as_of=AS_OF, knowledge=regles), largeur=LARGEUR)
        + "\n"
        for p in EXAMPLES
    }


@pytest.mark.parametrize(
    ("ecrit", "modifie"),
    [
        pytest.param(
            "    nom: procédure adaptée (MAPA)\n",
            "    nom: procédure adaptée (modifiée)\n",
            id="mot-d-une-vue",
        ),
        pytest.param(
            '      etape: "Partenariat : convention avec l\'Éducation nationale (signée)"\n',
            '      etape: "Partenariat : convention signée"\n',
            id="mot-d-une-regle",
        ),
    ],
)
def test_a_changed_label_in_a_copied_lexicon_fails_the_text_golden_files(
    tmp_path: Path, ecrit: str, modifie: str
) -> None:
    """One label of rules/libelles.yaml worded otherwise in a copied knowledge base — a word the terminal
    prints, or a word a rule puts in the calendar: a golden text file differs (and not before the change)."""
    from test_text_golden import EXAMPLES, GOLDEN

    golden = {p.stem: (GOLDEN / f"{p.stem}.txt").read_text(encoding="utf-8") for p in EXAMPLES}
    assert _textes(_copie(tmp_path / "temoin")) == golden
    regles = _copie(tmp_path / "mutee")  # another folder: a knowledge base is loaded once per folder
    lexique = regles / "libelles.yaml"
    source = lexique.read_text(encoding="utf-8")
    assert source.count(ecrit) == 1
    lexique.write_text(source.replace(ecrit, modifie), encoding="utf-8")
    assert _textes(regles) != golden
