"""The note and the draft act as a Word document: read back, styled by names only, inert, and printable.

Read back with python-docx (headings in order, the three recommendations, the act's articles); its XML
holds no direct formatting, no field code and no link to fetch; LibreOffice headless converts it to a
PDF whose pages are counted (skipped, with the reason, where LibreOffice is absent).
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any

import docx
import pytest
from click.testing import CliRunner

from entadvisor.advice import Advice
from entadvisor.answer_files import load_answers
from entadvisor.answers import validate_answers
from entadvisor.api import evaluate
from entadvisor.errors import EcritureImpossible
from entadvisor.report.docx import docx_bytes, write_docx

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 11, 29)
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _advice(name: str, **changes: Any) -> Advice:
    data = load_answers(ROOT / "questionnaires" / "examples" / f"{name}.yaml").model_dump(exclude_none=True)
    return evaluate(validate_answers(data | changes), as_of=AS_OF)


def _document(advice: Advice) -> Any:
    return docx.Document(io.BytesIO(docx_bytes(advice)))


def _headings(document: Any) -> list[tuple[str, str]]:
    return [
        (p.style.name, p.text)
        for p in document.paragraphs
        if p.style.name == "Title" or p.style.name.startswith("Heading")
    ]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_docx_has_the_note_then_the_act_in_order(path: Path) -> None:
    """Title, « 1. La note aux élus » and its four sections, then the draft act with its title."""
    advice = evaluate(load_answers(path), as_of=AS_OF)
    document = _document(advice)
    headings = _headings(document)
    assert headings[0][0] == "Title"
    assert headings[1:6] == [
        ("Heading 1", "1. La note aux élus"),
        ("Heading 2", "Ce qui est proposé"),
        ("Heading 2", "Les dates clés"),
        ("Heading 2", "Ce qui reste incertain"),
        ("Heading 2", "Les trois prochaines actions"),
    ]
    assert advice.deliberation is not None
    titre = advice.deliberation.titre
    assert headings[6:] == [("Heading 1", "Projet d'acte"), ("Heading 2", titre[:1].upper() + titre[1:])]


def test_the_docx_gives_the_three_recommendations_as_a_numbered_list() -> None:
    document = _document(_advice("commune-rurale-1-ecole"))
    items = [p.text for p in document.paragraphs if p.style.name == "List Number"]
    assert [i.split(" :")[0] for i in items] == ["Acheter", "Expérimenter", "Contracter"]
    assert "marché sans publicité ni mise en concurrence" in items[0]


@pytest.mark.parametrize(
    ("name", "changes"),
    [
        pytest.param("ville-12-ecoles", {}, id="deliberation"),
        pytest.param("ville-12-ecoles", {"delegation_marches": True}, id="decision-du-maire"),
        pytest.param("interco-45-ecoles", {}, id="conseil-communautaire"),
    ],
)
def test_the_docx_gives_the_acts_visas_considerants_formula_and_articles(name: str, changes: dict) -> None:
    advice = _advice(name, **changes)
    act = advice.deliberation
    assert act is not None
    texts = [p.text for p in _document(advice).paragraphs]
    start = texts.index(act.auteur)
    expected = [
        *act.visas,
        *(
            f"Considérant {'qu' + chr(39) if c[:1] in 'aeiouyéèêàâîôû' else 'que '}{c} ;"
            for c in act.considerants
        ),
        act.formule,
        *(f"Article {n} — {a}" for n, a in enumerate(act.articles, start=1)),
    ]
    assert texts[start + 1 : start + 1 + len(expected)] == expected
    assert "TTC" in " ".join(act.articles + act.considerants)


def test_the_docx_uses_named_styles_and_no_direct_formatting() -> None:
    """Runs carry at most a character style, paragraphs at most a paragraph style: no bold, size or colour."""
    data = docx_bytes(_advice("interco-45-ecoles"))
    xml = zipfile.ZipFile(io.BytesIO(data)).read("word/document.xml").decode("utf-8")
    for tag in (
        "w:b",
        "w:i",
        "w:u",
        "w:sz",
        "w:color",
        "w:rFonts",
        "w:highlight",
        "w:jc",
        "w:spacing",
        "w:ind",
    ):
        assert not re.search(f"<{tag}[ />]", xml), tag
    document = docx.Document(io.BytesIO(data))
    body = document.element.body
    for run_properties in body.iter(f"{W}rPr"):
        assert {child.tag for child in run_properties} <= {f"{W}rStyle"}
    for paragraph_properties in body.iter(f"{W}pPr"):
        assert {child.tag for child in paragraph_properties} <= {f"{W}pStyle"}
    used = {p.style.name for p in document.paragraphs}
    assert used <= {
        "Title",
        "Heading 1",
        "Heading 2",
        "Normal",
        "List Number",
        "List Bullet",
        "List Bullet 2",
        "Caption",
    }
    assert document.tables and all(t.style.name == "Table Grid" for t in document.tables)


HOSTILE = (
    "<script>alert(\"x\")</script> & 'apostrophes' { MERGEFIELD nom } "
    'HYPERLINK "https://example.org/piege" <img src="https://example.org/x.png">'
)


def test_user_text_stays_text_with_no_field_code_and_nothing_to_fetch() -> None:
    """A hostile project name is written as text; no field, hyperlink, image or external relationship."""
    advice = _advice("commune-rurale-1-ecole", nom_projet=HOSTILE)
    data = docx_bytes(advice)
    archive = zipfile.ZipFile(io.BytesIO(data))
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[1].text == HOSTILE  # the Title, character for character
    assert document.core_properties.title == HOSTILE
    for name in archive.namelist():
        content = archive.read(name).decode("utf-8", errors="replace")
        for marker in ("<w:fldChar", "<w:instrText", "<w:fldSimple", "<w:hyperlink", "<w:drawing", "<w:pict"):
            assert marker not in content, (name, marker)
        if name.endswith(".rels"):
            assert 'TargetMode="External"' not in content, name
            assert "http://example" not in content and "https://" not in content.replace(
                "http://schemas.openxmlformats.org", ""
            ), name
    assert not any(n.startswith("word/media/") for n in archive.namelist())


def test_write_docx_replaces_the_file_atomically(tmp_path: Path) -> None:
    target = tmp_path / "note.docx"
    target.write_bytes(b"ancien")
    write_docx(_advice("commune-centrale-achat"), target)
    assert zipfile.is_zipfile(target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["note.docx"]


def test_write_docx_under_a_file_is_told_in_french(tmp_path: Path) -> None:
    """Through the one atomic writer: a parent that is a file gives a French error naming the document."""
    (tmp_path / "dossier").write_text("un fichier, pas un dossier", encoding="utf-8")
    target = tmp_path / "dossier" / "note.docx"
    with pytest.raises(EcritureImpossible) as raised:
        write_docx(_advice("commune-centrale-achat"), target)
    assert str(target) in str(raised.value) and "le document Word n'a pas pu être écrit" in str(raised.value)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dossier"]


def test_rapport_and_conseil_commands_write_the_docx(tmp_path: Path) -> None:
    from entadvisor.cli import main

    example = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    runner = CliRunner()
    note = tmp_path / "note.docx"
    result = runner.invoke(
        main, ["rapport", str(example), "--docx", str(note), "--date-analyse", "2026-11-29"]
    )
    assert result.exit_code == 0, result.output
    assert f"Document Word écrit : {note}" in result.output
    assert _headings(docx.Document(str(note)))[1] == ("Heading 1", "1. La note aux élus")
    autre = tmp_path / "conseil.docx"
    result = runner.invoke(
        main, ["conseil", str(example), "--docx", str(autre), "--date-analyse", "2026-11-29"]
    )
    assert result.exit_code == 0, result.output
    assert autre.read_bytes() == note.read_bytes()  # same advice, same bytes
    result = runner.invoke(main, ["rapport", str(example)])
    assert result.exit_code == 2 and "indiquez au moins un fichier à écrire" in result.output


def test_the_questionnaires_last_step_offers_the_docx(tmp_path: Path) -> None:
    """After the HTML report, the terminal offers PDF and DOCX; choosing DOCX writes it beside the HTML."""
    from entadvisor.questionnaire import terminal

    class Asker:
        def __init__(self) -> None:
            self.choix: list[list[str]] = []

        def confirmer(self, texte: str, defaut: bool) -> bool:
            return True

        def saisir(self, texte: str, defaut: str) -> str:
            return defaut

        def choisir(self, texte: str, options: list[str], defaut: int) -> int:
            self.choix.append(options)
            return 3

    asker = Asker()
    advice = _advice("commune-centrale-achat")
    assert terminal._proposer_rapport(advice, tmp_path / "r.yaml", asker, True) == 0  # type: ignore[arg-type]
    assert [o.split(" ")[-1] for o in asker.choix[0][:1]] == ["non"]
    assert any("PDF" in o for o in asker.choix[0]) and any("DOCX" in o for o in asker.choix[0])
    assert (tmp_path / "r.html").is_file() and zipfile.is_zipfile(tmp_path / "r.docx")


def _soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


@pytest.mark.lent
@pytest.mark.parametrize(
    "name", ["commune-rurale-1-ecole", "ville-12-ecoles", "grande-ville-besoins-specifiques"]
)
def test_libreoffice_opens_the_docx_and_prints_it_on_a_few_pages(name: str, tmp_path: Path) -> None:
    """LibreOffice headless converts the DOCX to PDF: the note and the act fit on 2 to 5 pages."""
    soffice = _soffice()
    if soffice is None:
        pytest.skip(
            "LibreOffice absent : la conversion du DOCX en PDF n'est pas vérifiée ici "
            "(apt-get install libreoffice-writer-nogui)"
        )
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo absent : apt-get install poppler-utils")
    note = tmp_path / f"{name}.docx"
    write_docx(_advice(name), note)
    result = subprocess.run(
        [
            soffice,
            "--headless",
            "--norestore",
            f"-env:UserInstallation={(tmp_path / 'profil').as_uri()}",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(note),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    pdf = tmp_path / f"{name}.pdf"
    assert result.returncode == 0 and pdf.is_file(), result.stdout + result.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    pages = int(re.search(r"Pages:\s+(\d+)", info).group(1))  # type: ignore[union-attr]
    assert 2 <= pages <= 5, pages
