"""Every view is a template of reports/ drawn by one Environment factory (report/environment.py).

The report (advice.html.j2), the terminal text (conseil.txt.j2) and the batch index (synthese.html.j2)
render every example with StrictUndefined; a field missing from what a view is given is an error, not a
blank; and no module of the package but the factory creates a jinja Environment.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import pytest
from jinja2 import StrictUndefined, UndefinedError

from entadvisor import evaluate, load_answers
from entadvisor.batch.run import evaluer_fichiers
from entadvisor.engine.lexique import Lexique
from entadvisor.report import environment as fabrique
from entadvisor.report.environment import FILTRES, environment, paragraphe, reports_folder
from entadvisor.report.render import render_report
from entadvisor.report.text import advice_summary, advice_text, contexte

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "entadvisor"
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 29)
VUES = ("advice.html.j2", "conseil.txt.j2", "synthese.html.j2")


@pytest.fixture(scope="module")
def advices() -> dict[str, object]:
    return {p.stem: evaluate(load_answers(p), as_of=AS_OF, sensibilite=True) for p in EXAMPLES}


GOLDEN_INDEX = ROOT / "tests" / "golden" / "synthese" / "index.html"
"""The index of the batch below, byte for byte (a folder of its own: the reports' goldens are *.html)."""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The index.html of a batch of every example, in two folders, with one file in error; run from
    the batch's folder with relative paths, so that the page holds no path of this machine."""
    dossier = tmp_path_factory.mktemp("vues")
    for numero, example in enumerate(EXAMPLES):
        sous_dossier = dossier / "reponses" / ("nord" if numero % 2 else "sud")
        sous_dossier.mkdir(parents=True, exist_ok=True)
        (sous_dossier / example.name).write_bytes(example.read_bytes())
    (dossier / "reponses" / "sud" / "casse.yaml").write_text("porteur: mairie\n", encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(dossier)
        evaluer_fichiers(["reponses"], "resultats", jobs=1, html=True, barre=False, as_of=AS_OF)
    return (dossier / "resultats" / "index.html").read_text(encoding="utf-8")


def test_the_three_views_are_templates_of_the_reports_folder() -> None:
    """Each view is a file of reports/, loaded by a strict Environment of the factory."""
    for nom in VUES:
        assert (reports_folder() / nom).is_file(), nom
        for autoescape in (True, False):
            env = environment(reports_folder(), autoescape=autoescape)
            assert env.undefined is StrictUndefined and env.get_template(nom).name == nom


@pytest.mark.parametrize("exemple", [p.stem for p in EXAMPLES])
def test_report_and_terminal_text_render_every_example(advices, exemple: str) -> None:
    """The report and the terminal text (full and summary) render each example without an undefined."""
    advice = advices[exemple]
    assert render_report(advice).startswith("<!DOCTYPE html>")
    texte = advice_text(advice, largeur=80)
    assert texte.startswith(advice.nom_projet or "Projet d'ENT") and "L'ESSENTIEL" in texte
    resume = advice_summary(advice, largeur=80)
    assert texte.startswith(resume.rstrip("\n").rsplit("\n", 1)[0]) and "POURQUOI" not in resume


def test_the_batch_index_renders_every_example(index: str) -> None:
    """Every example has its row in the index, and the file in error its own."""
    for example in EXAMPLES:
        assert f"<bdi>{example.name}</bdi>" in index, example.name
    assert index.count("<tr data-voie=") == len(EXAMPLES) and index.count('<tr class="erreur"') == 1
    assert index.endswith("</html>\n") and "{{" not in index and "{%" not in index


def test_the_batch_index_matches_its_golden_file(index: str, request: pytest.FixtureRequest) -> None:
    """The index of the examples equals tests/golden/synthese/index.html exactly (rewrite it with
    --regenerer-golden, then review the diff)."""
    if request.config.getoption("--regenerer-golden"):
        GOLDEN_INDEX.parent.mkdir(exist_ok=True)
        GOLDEN_INDEX.write_text(index, encoding="utf-8", newline="\n")
        pytest.skip(f"fichier de référence réécrit : {GOLDEN_INDEX.relative_to(ROOT)} (relire le diff)")
    attendu = GOLDEN_INDEX.read_text(encoding="utf-8")
    if index != attendu:
        diff = difflib.unified_diff(
            attendu.splitlines(), index.splitlines(), "attendu (golden)", "obtenu", lineterm="", n=1
        )
        pytest.fail(
            f"l'index diffère de {GOLDEN_INDEX.relative_to(ROOT)} (--regenerer-golden pour l'accepter "
            "après relecture) :\n" + "\n".join(list(diff)[:80])
        )


def test_the_terminal_template_fails_loudly_on_a_missing_label(advices) -> None:
    """A code of the advice without its words in the lexicon is an error naming it, not an empty phrase."""
    advice = advices["ville-12-ecoles"]
    donnees = contexte(advice, 80)
    mots = donnees["mots"]
    donnees["mots"] = Lexique(source="lexique d'essai", sections={**mots.sections, "voies": {}})
    template = environment(reports_folder(), autoescape=False, lignes=True).get_template("conseil.txt.j2")
    with pytest.raises(KeyError, match=f"aucun libellé pour « {advice.achat.voie} »"):
        template.render(donnees)
    del donnees["mots"]
    with pytest.raises(UndefinedError, match="mots"):
        template.render(donnees)


def test_the_index_template_fails_loudly_on_a_missing_field() -> None:
    """A row of the index without a field the template words is an error, not a blank cell."""
    template = environment(reports_folder(), autoescape=True).get_template("synthese.html.j2")
    ligne = {"fichier": "a.yaml", "rapport": None, "erreur": False, "voie": "mapa"}
    groupe = {"numero": 1, "dossier": "", "effectif": 1, "erreurs": 0, "lignes": [ligne]}
    donnees = {
        "total": 1, "reussis": 1, "echecs": 0, "part_reussis": 1.0, "part_echecs": 0.0,
        "date_analyse": AS_OF, "version": "test", "ouvert": True, "nombre_groupes": 1,
        "repartitions": {"voie": [], "procedure": [], "experimentation": [], "vigilance": []},
        "groupes": [groupe], "css": "", "script": "",
    }  # fmt: skip
    with pytest.raises(UndefinedError, match="procedure"):
        template.render(donnees)


def test_the_wrap_filter_needs_the_width_of_the_view() -> None:
    """« paragraphe » wraps at the width the view gives, and says so when it is not given."""
    assert paragraphe("un deux trois quatre", 12, "  - ") == "  - un deux\n    trois\n    quatre"
    env = environment(reports_folder(), autoescape=False, lignes=True)
    assert env.from_string("{{ 'un deux trois' | paragraphe }}").render(largeur=8) == "un deux\ntrois"
    with pytest.raises(ValueError, match="largeur"):
        env.from_string("{{ 'un deux' | paragraphe }}").render()


def test_every_environment_has_the_same_filters() -> None:
    """The report, the text, the index and the web pages format numbers and dates by the same filters."""
    from entadvisor.web.app import _environnement

    for env in (
        environment(reports_folder(), autoescape=True),
        environment(reports_folder(), autoescape=False, lignes=True),
        _environnement(),
    ):
        assert all(env.filters[nom] is filtre for nom, filtre in FILTRES.items())


_CREE_UN_ENVIRONMENT = re.compile(
    r"\bEnvironment\s*\(|\bTemplate\s*\(|\.overlay\s*\(|\bSandboxedEnvironment\b"
)


def test_only_the_factory_creates_a_jinja_environment() -> None:
    """No module of the package but report/environment.py builds an Environment (or a jinja Template,
    which builds one of its own): a second one would have other filters, or no StrictUndefined."""
    createurs = sorted(
        str(chemin.relative_to(ROOT))
        for chemin in PACKAGE.rglob("*.py")
        if "_kb" not in chemin.parts and _CREE_UN_ENVIRONMENT.search(chemin.read_text(encoding="utf-8"))
    )
    assert createurs == [str(Path(fabrique.__file__).resolve().relative_to(ROOT))]


def test_a_missing_templates_folder_is_a_french_error(tmp_path: Path) -> None:
    """An installation without its reports/ folder says so, in French, naming the folder."""
    from entadvisor.errors import EntreeInvalide

    with pytest.raises(EntreeInvalide, match="modèles des vues introuvables") as erreur:
        environment(tmp_path / "reports", autoescape=True)
    assert str(tmp_path / "reports") in str(erreur.value)
