"""One strict YAML loader (entadvisor._yaml) for answers, parameters, questionnaire and lexicon."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
import yaml

from entadvisor._yaml import CONNAISSANCES, REPONSES, load_yaml, load_yaml_mapping
from entadvisor.errors import EntreeInvalide

PACKAGE = Path(__file__).resolve().parent.parent / "entadvisor"


def _message(exc: pytest.ExceptionInfo[EntreeInvalide]) -> list[tuple[str, str | None, int | None]]:
    return [(p.message, p.champ, p.ligne) for p in exc.value.problemes]


def test_a_knowledge_file_refuses_a_key_given_twice_anywhere_with_its_path_and_line():
    text = "seuil:\n  values:\n    2026-01-01: 1\n    '2026-01-01': 2\n"
    with pytest.raises(EntreeInvalide) as info:
        load_yaml(text, "p.yaml")
    assert _message(info) == [
        (
            "clé « 2026-01-01 » donnée deux fois (déjà ligne 3) ; gardez-en une seule.",
            "seuil.values.2026-01-01",
            4,
        )
    ]


def test_a_knowledge_file_keeps_aliases_and_yaml_1_1_types():
    data = load_yaml("a: &x {b: 1}\nc: *x\nd: 2026-01-01\ne: yes\n", "q.yaml", CONNAISSANCES)
    assert data["c"] == {"b": 1} and str(data["d"]) == "2026-01-01" and data["e"] is True


def test_a_knowledge_file_s_syntax_error_is_left_to_its_caller():
    with pytest.raises(yaml.YAMLError):
        load_yaml("a: [1, 2\n", "q.yaml")


def test_an_answer_file_reads_yaml_1_2_core_scalars_and_the_line_of_each_key():
    data, lines = load_yaml_mapping("version: 1\nok: yes\nn: 0100\nd: 2027-01-15\n", "r.yaml", REPONSES)
    assert data == {"version": 1, "ok": "yes", "n": 100, "d": "2027-01-15"}
    assert lines == {"version": 1, "ok": 2, "n": 3, "d": 4}


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("a: &x 1\nb: *x\n", "ancres et alias", id="alias"),
        pytest.param("a: !!python/name:os.system 1\n", "étiquette YAML", id="etiquette"),
        pytest.param("1: a\n", "les clés doivent être des textes", id="cle-nombre"),
        pytest.param("a: 1\na: 2\n", "clé donnée deux fois (déjà ligne 1)", id="double"),
        pytest.param("a: [1, 2\n", "YAML mal formé", id="syntaxe"),
    ],
)
def test_an_answer_file_refuses_in_french(text: str, fragment: str):
    with pytest.raises(EntreeInvalide) as info:
        load_yaml_mapping(text, "r.yaml", REPONSES)
    assert fragment in str(info.value)


def test_no_module_of_the_package_reads_yaml_but_the_loader():
    """yaml.safe_load and yaml.load silently keep the last of two equal keys: only _yaml.py composes YAML."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        if path.name == "_yaml.py":
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Attribute)
                and isinstance(node.value, ast.Name)
                and node.value.id == "yaml"
                and node.attr
                in {"safe_load", "load", "full_load", "unsafe_load", "load_all", "safe_load_all"}
            ):
                found.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno} yaml.{node.attr}")
    assert not found, "\n".join(found)


def test_the_lexicon_and_the_report_s_prose_are_read_by_the_strict_loader(tmp_path: Path):
    from entadvisor.engine.lexique import lire_lexique
    from entadvisor.report.render import _prose

    with pytest.raises(EntreeInvalide, match="clé « mapa » donnée deux fois"):
        lire_lexique("procedures:\n  mapa: a\n  mapa: b\n", "rules/libelles.yaml")
    (tmp_path / "libelles.yaml").write_text("glossaire:\n  ENT: a\n  ENT: b\n", encoding="utf-8")
    with pytest.raises(EntreeInvalide, match="clé « ENT » donnée deux fois"):
        _prose(tmp_path)
