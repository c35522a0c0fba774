"""Structured references (issue 11, item 2): rules declare Ref(code, article, titre, url), the advice cites
each as the string it renders to and carries its fields, the report groups the texts from the fields."""

from __future__ import annotations

import ast
import datetime as dt
import shutil
from pathlib import Path

import pytest
import yaml

from entadvisor.api import evaluate
from entadvisor.engine.knowledge import load_knowledge, references_du_conseil
from entadvisor.errors import EntreeInvalide
from entadvisor.references import Ref, citation
from entadvisor.report.textes import textes_cites

ROOT = Path(__file__).resolve().parent.parent


def test_a_ref_renders_as_the_advice_cites_it() -> None:
    assert str(Ref("CCP", "art. L2113-6 à L2113-8", "groupements de commandes")) == (
        "CCP art. L2113-6 à L2113-8 (groupements de commandes)"
    )
    assert str(Ref("CCP", "annexe 2")) == "CCP annexe 2"
    assert str(Ref("TA Lyon", "11 juillet 2025", nature="decision")) == "TA Lyon, 11 juillet 2025"
    assert (
        str(Ref("Guide ENT premier degré", ": initiative, pilotage"))
        == "Guide ENT premier degré : initiative, pilotage"
    )
    assert str(Ref("Décret n° 2025-1386", "", "seuils")) == "Décret n° 2025-1386 (seuils)"
    rgpd = Ref("RGPD", "art. 37 à 39", "DPO", et=(Ref("arrêté du 30 novembre 2006", "", "ENT"),))
    assert str(rgpd) == "RGPD art. 37 à 39 (DPO) ; arrêté du 30 novembre 2006 (ENT)"
    assert rgpd.court() == "RGPD art. 37 à 39 ; arrêté du 30 novembre 2006"
    assert Ref("SDET (schéma directeur des ENT)", ": export").court() == "SDET : export"


def test_a_ref_knows_its_articles_and_its_nature() -> None:
    assert Ref("CCP", "art. L2124-2, R2124-2 et D2131-5-1").articles == ("L2124-2", "R2124-2", "D2131-5-1")
    assert Ref("CCP", "art. R2123-1 1°").articles == ("R2123-1",)
    assert Ref("RGPD", "art. 37 à 39").articles == ("art. 37", "art. 39")
    assert Ref("CCP", "annexe 2").articles == ()
    assert Ref("CCP", "art. R2122-8").nature == "code"
    assert Ref("Guide ENT premier degré", "« Évaluation »").nature == "guide"
    assert Ref("CGI", "art. 278").nature == "source"


def test_a_malformed_ref_is_refused_in_french() -> None:
    with pytest.raises(ValueError, match=r"« art\. » ou « annexe »"):
        Ref("CCP", "L2124-1")
    with pytest.raises(ValueError, match="nature « loi » inconnue"):
        Ref("CCP", "art. L2124-1", nature="loi")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="un autre texte est une « source »"):
        Ref("CGI", "art. 278", nature="code")


def test_a_data_file_citation_is_read_into_its_texts() -> None:
    ref = citation("CCP art. L2113-4 ; CGCT art. L2121-29")
    assert [(p.code, p.articles) for p in ref.parties()] == [("CCP", ("L2113-4",)), ("CGCT", ("L2121-29",))]
    assert str(ref) == "CCP art. L2113-4 ; CGCT art. L2121-29"
    assert citation("Code électoral art. L227 (six ans)").nature == "source"


def test_the_bundled_rules_declare_refs_not_strings() -> None:
    """No string literal in a ``references=[...]`` of the bundled rule modules, nor in a constant they cite."""
    for path in sorted((ROOT / "rules").glob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for keyword in getattr(node, "keywords", []):
                if keyword.arg == "references":
                    for element in getattr(keyword.value, "elts", []):
                        assert not isinstance(element, ast.Constant), f"{path.name}:{element.lineno}"
    for regle in load_knowledge().rules:
        assert regle.sources and all(isinstance(r, Ref) for r in regle.sources), regle.id
        assert regle.references == tuple(str(r) for r in regle.sources)


def test_every_citation_of_an_advice_is_a_ref_of_its_knowledge_base() -> None:
    """The report finds each rule's citation among the Refs of the base that concluded the advice."""
    path = ROOT / "questionnaires" / "examples" / "interco-45-ecoles.yaml"
    advice = evaluate(yaml.safe_load(path.read_text(encoding="utf-8")), as_of=dt.date(2026, 11, 29))
    refs = references_du_conseil(advice)
    assert refs is load_knowledge().refs
    for trace in advice.trace:
        assert set(trace.references) <= set(refs), trace.regle
    for raison in advice.achat.raisons:
        assert set(raison.references) <= set(refs), raison.regle
    groupement = refs["CCP art. L2113-6 à L2113-8 (groupements de commandes)"]
    assert (groupement.code, groupement.article, groupement.articles) == (
        "CCP",
        "art. L2113-6 à L2113-8",
        ("L2113-6", "L2113-8"),
    )
    assert "textes" not in advice.model_dump()  # the advice JSON is unchanged: its references stay strings


def test_the_report_groups_from_the_fields_not_the_string() -> None:
    """A text whose code is not one the report lists article by article goes to the other sources."""
    groupes, autres = textes_cites(
        [
            Ref("CCP", "art. R2124-1"),
            Ref("CGI", "art. 278", "TVA"),
            Ref("CE", "7 octobre 2020", nature="decision"),
        ],
        {},
    )
    assert [(g["code"], [a["cite"] for a in g["articles"]]) for g in groupes] == [("CCP", ["art. R2124-1"])]
    assert {g["titre"]: g["items"] for g in autres} == {
        "Décisions de justice": ["CE, 7 octobre 2020"],
        "Autres textes et sources": ["CGI art. 278 (TVA)"],
    }


def test_a_malformed_ref_in_a_rule_module_names_the_module_and_the_line(tmp_path: Path) -> None:
    regles = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", regles, ignore=shutil.ignore_patterns("__pycache__"))
    module = regles / "contrat.py"
    source = module.read_text(encoding="utf-8")
    old = 'Ref("CCP", "art. L2113-4")'
    line = 1 + source[: source.index(old)].count("\n")
    module.write_text(source.replace(old, 'Ref("CCP", "L2113-4")', 1), encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        load_knowledge(regles)
    assert str(error.value).startswith(f"{module} : module de règles en erreur : ValueError: référence CCP")
    assert str(error.value).endswith(f"(ligne {line})")
