"""Neutralised output (issue 12): no raw control character in the terminal text, the error messages or
the CSV; names isolated with <bdi> in the HTML report and the batch index, so that a bidirectional
override in a name cannot reverse the text around it.

The loader refuses control characters in answer files; these tests build Answers directly (as an
API user could) to check that every output neutralises them anyway.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from entadvisor.answers import Answers
from entadvisor.api import evaluate
from entadvisor.batch import synthese as batch_outputs
from entadvisor.errors import EntreeInvalide, Probleme, visible
from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.report.text import advice_text

EXAMPLE = Path(__file__).resolve().parent.parent / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
CONTROLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@pytest.fixture(scope="module")
def avis_piege():
    """The advice for a project whose name holds an escape sequence, a bell and a right-to-left override."""
    data = yaml.safe_load(EXAMPLE.read_text(encoding="utf-8"))
    data["nom_projet"] = "ENT \x1b[2J\x07\u202eenilno"
    data["nom_collectivite"] = "Commune \u202ede Saint-Martin"
    return evaluate(Answers.model_validate(data))


def test_visible_shows_control_characters_and_keeps_line_ends():
    """ESC → ␛, NUL → ␀, BEL → ␇, DEL → ␡, C1 and bidi overrides as \\x9b / \\u202e; \\n and \\t kept."""
    assert visible("a\x1b[31m\x00\x07\x7f\x9b\u202e\n\tz") == "a␛[31m␀␇␡\\x9b\\u202e\n\tz"


def test_the_terminal_text_holds_no_raw_control_character(avis_piege):
    """The terminal advice shows the name's ESC as ␛ and sends no control character to the terminal."""
    texte = advice_text(avis_piege)
    assert "ENT ␛[2J␇\\u202eenilno" in texte
    assert not CONTROLE.search(texte) and "\u202e" not in texte


def test_an_error_message_holds_no_raw_control_character():
    """A file name, a field and a message with ESC are shown with ␛ in the French error."""
    erreur = EntreeInvalide("f\x1b]0;titre\x07.yaml", Probleme("« \x1b[2J » ne convient pas.", "cl\x1be", 3))
    assert not CONTROLE.search(str(erreur)), repr(str(erreur))
    assert "f␛]0;titre␇.yaml" in str(erreur)


def test_a_csv_cell_holds_no_raw_control_character():
    """The CSV cell of a name with ESC shows ␛; a formula is still neutralised."""
    assert batch_outputs._texte("e\x1b[31mrouge") == "e␛[31mrouge"
    assert batch_outputs._texte("=1+1") == "'=1+1"


def test_the_report_isolates_the_names_with_bdi(avis_piege):
    """In the report, the project and collectivité names sit inside <bdi> (the title and the header)."""
    from entadvisor.report.render import render_report

    page = render_report(avis_piege)
    assert re.search(r"<h1><bdi>ENT [^<]*enilno</bdi></h1>", page)
    assert "<bdi>Commune \u202ede Saint-Martin</bdi>" in page


def test_the_questionnaire_refuses_a_control_character_typed_in_a_text():
    """An arrow key typed in a text answer (ESC [ A) is refused at once, not saved into a file it would make unreadable."""
    question = load_questionnaire().question("nom_projet")
    assert question is not None
    with pytest.raises(ValueError, match="caractère de contrôle"):
        question.valider("ENT\x1b[A")


def test_the_batch_index_isolates_the_names_with_bdi(tmp_path: Path) -> None:
    """In index.html the file, project and folder names sit inside <bdi>, escaped, the project's control
    characters made visible as the file's are (a row built as an API user could: the loader refuses
    them; the batch shows those of a path before it makes the row)."""
    import datetime as dt

    from entadvisor.batch.run import Bilan

    class _Connaissances:
        version, source, libelles = "test", "base fournie", None  # None: the bundled lexicon

    class _Sans:
        def avancer(self, n: int = 1) -> None:
            pass

    ligne = {
        "fichier": visible("in/d\u202eep/f\u202eichier.yaml"),
        "nom_projet": "ENT <b>\x1b[2J\u202eenilno</b>",
        "statut": "ok",
        "voie": "procedure_propre",
        "procedure": "mapa",
        "valeur_estimee_ht": 81_000.0,
        "experimentation": False,
        "format_experimentation": None,
        "duree_contrat_mois": 48,
        "rentree_retenue": 2027,
        "nombre_vigilances": 0,
        "codes_vigilance": [],
        "message_erreur": None,
        "fichier_avis": "avis/a.json",
        "fichier_rapport": "rapports/a.html",
    }
    (tmp_path / "avis").mkdir()
    autre = ligne | {"fichier": "in/sud/b.yaml", "nom_projet": "ENT de Sud", "fichier_rapport": None}
    bilan = Bilan(dossier=tmp_path, total=2, jobs=1, html=True, date_analyse=dt.date(2026, 12, 1))
    synthese = batch_outputs.Synthese(tmp_path, bilan, _Connaissances(), _Sans())
    synthese.recevoir([(0, ligne), (1, autre)])
    synthese.terminer(html=True)
    page = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert "<td><bdi>ENT &lt;b&gt;␛[2J\\u202eenilno&lt;/b&gt;</bdi></td>" in page
    assert '<a href="rapports/a.html"><bdi>f\\u202eichier.yaml</bdi></a>' in page
    assert '<th scope="row"><bdi>b.yaml</bdi></th>' in page
    assert "<summary><bdi>d\\u202eep</bdi> — 1 projet</summary>" in page
    assert not CONTROLE.search(page) and "\u202e" not in page
