"""The example reports in a real browser: headless Debian Chromium, driven by Playwright (no browser
download), with axe-core (WCAG 2.1 A/AA rules) and the static RGAA rules of tools/check_report.py;
and the PDF, printed by the same Chromium.

Where Chromium, Playwright or axe-core is missing, these tests are SKIPPED with the reason (they are
never silently passed): ``apt-get install chromium``, ``pip install playwright``,
``cd tools && npm install``.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import shutil
import subprocess
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from outils import outil
from test_report_fixture import advice_ville

from entadvisor.report.render import find_chromium, render_report, write_pdf, write_report

pytestmark = pytest.mark.navigateur

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
CHECKED = [p.stem for p in EXAMPLES] + ["ville-12-ecoles-sensibilite"]


def _check_report_module() -> ModuleType:
    return outil("check_report")


check_report = _check_report_module()


def missing_browser_stack() -> str | None:
    """Why the browser tests cannot run here, or None."""
    pas_verifie = "le rapport n'est pas vérifié dans un navigateur (accessibilité axe-core, PDF)"
    if find_chromium() is None:
        return f"Chromium absent, {pas_verifie} ; pour ces tests : apt-get install chromium"
    if importlib.util.find_spec("playwright") is None:
        return f"Playwright absent, {pas_verifie} ; pour ces tests : pip install playwright (sans « playwright install »)"
    if check_report.find_axe() is None:
        return f"axe-core absent, {pas_verifie} ; pour ces tests : cd tools && npm install"
    return None


@pytest.fixture(scope="module")
def navigateur() -> None:
    reason = missing_browser_stack()
    if reason is not None:
        pytest.skip(reason)


@pytest.fixture(scope="module")
def verdicts(navigateur: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """axe-core and the static rules on every example report, in one Chromium session."""
    from test_report_golden import SENSIBILITE, render_example

    folder = tmp_path_factory.mktemp("rapports")
    paths = []
    for example in EXAMPLES:
        path = folder / f"{example.stem}.html"
        path.write_text(render_example(example), encoding="utf-8")
        paths.append(path)
    path = folder / f"{SENSIBILITE.stem}-sensibilite.html"
    path.write_text(render_example(SENSIBILITE, sensibilite=True), encoding="utf-8")
    paths.append(path)
    summaries = check_report.check_reports(paths, folder / "controle", capture=False, pdf=False)
    return {Path(s["report"]).stem: s for s in summaries}


@pytest.mark.parametrize("example", CHECKED)
def test_example_report_has_no_serious_accessibility_violation(
    example: str, verdicts: dict[str, Any]
) -> None:
    """Zero serious or critical axe violation (WCAG 2.1 A/AA), no static RGAA error, no request out."""
    summary = verdicts[example]
    assert summary["ok"], check_report.describe(summary)
    assert summary["violations_by_impact"]["serious"] == 0
    assert summary["violations_by_impact"]["critical"] == 0
    assert summary["external_requests_blocked"] == []
    assert summary["axe_locale"] == "fr"


@pytest.mark.parametrize("example", CHECKED)
def test_example_report_reflows_at_320_pixels(example: str, verdicts: dict[str, Any]) -> None:
    """RGAA 10.11: no horizontal scrolling of the page at 320 CSS px (wide tables scroll in place)."""
    assert verdicts[example]["reflow_320px_overflow_px"] <= 0


def test_a_bad_contrast_fails_the_checker(navigateur: None, tmp_path: Path) -> None:
    """Negative control: the checker is not silently broken. Grey #b8b8b8 text on white is 1.98:1."""
    html = render_report(advice_ville()).replace(
        "</style>", ".essentiel-liste li { color: #b8b8b8; }\n</style>", 1
    )
    bad = tmp_path / "contraste.html"
    bad.write_text(html, encoding="utf-8")
    (summary,) = check_report.check_reports([bad], tmp_path / "controle", capture=False, pdf=False)
    assert not summary["ok"]
    assert "color-contrast" in summary["failing_rules"]


def test_static_rules_and_external_requests_fail_the_checker(navigateur: None, tmp_path: Path) -> None:
    """Negative control: a table without caption, a skipped heading and a remote image are caught."""
    html = render_report(advice_ville())
    html = html.replace('<caption id="cap-valeur">Calcul de la valeur estimée</caption>', "", 1)
    html = html.replace('<h4 id="valeur">', '<h6 id="valeur">', 1).replace(
        "du besoin</h4>", "du besoin</h6>", 1
    )
    html = html.replace("</main>", '<img src="https://example.org/logo.png" alt="logo"></main>', 1)
    bad = tmp_path / "statique.html"
    bad.write_text(html, encoding="utf-8")
    (summary,) = check_report.check_reports([bad], tmp_path / "controle", capture=False, pdf=False)
    assert not summary["ok"]
    erreurs = "\n".join(summary["static_errors"])
    assert "sans <caption>" in erreurs and "niveau sauté" in erreurs and "ressource externe" in erreurs
    assert summary["external_requests_blocked"] == ["https://example.org/logo.png"]


def _pdfinfo(pdf: Path) -> str:
    if shutil.which("pdfinfo") is None:
        pytest.skip("pdfinfo absent : apt-get install poppler-utils")
    return subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout


def test_write_pdf_prints_a_tagged_a4_pdf(navigateur: None, tmp_path: Path) -> None:
    """Playwright's page.pdf: A4, tagged (RGAA 13.3), titled, several pages, no temporary file left."""
    html, pdf = tmp_path / "rapport.html", tmp_path / "rapport.pdf"
    write_report(advice_ville(), html)
    write_pdf(html, pdf)
    info = _pdfinfo(pdf)
    assert "Tagged:          yes" in info
    assert "pts (A4)" in info
    assert "note d'aide à la décision" in info
    assert int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:"))) >= 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rapport.html", "rapport.pdf"]
    assert pdf.stat().st_size < 1_500_000  # e-mailable (SVG patterns are drawn, not tiled)


def test_write_pdf_through_the_chromium_command_line(navigateur: None, tmp_path: Path) -> None:
    """The fallback without Playwright: chromium --print-to-pdf gives a tagged PDF too."""
    from entadvisor.report import render as report

    html, pdf = tmp_path / "rapport.html", tmp_path / "rapport.pdf"
    write_report(advice_ville(), html)
    chromium = find_chromium()
    assert chromium is not None
    report._pdf_cli(chromium, html.resolve(), pdf, str(pdf))
    assert "Tagged:          yes" in _pdfinfo(pdf)


def test_rapport_command_writes_the_pdf(navigateur: None, tmp_path: Path) -> None:
    """`entadvisor rapport FICHIER -o r.html --pdf r.pdf` writes both files."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    example = ROOT / "questionnaires" / "examples" / "commune-rurale-1-ecole.yaml"
    out, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    result = CliRunner().invoke(
        main, ["rapport", str(example), "-o", str(out), "--pdf", str(pdf), "--date-analyse", "2026-11-29"]
    )
    assert result.exit_code == 0, result.output
    assert out.stat().st_size > 0 and pdf.read_bytes().startswith(b"%PDF")


@pytest.fixture(scope="module")
def index_lot(navigateur: None, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The index.html of a batch of the examples in two folders, one file in error."""
    from entadvisor.batch.run import evaluer_fichiers

    entree = tmp_path_factory.mktemp("lot") / "reponses"
    for numero, example in enumerate(EXAMPLES):
        dossier = entree / ("01" if numero % 2 else "69")
        dossier.mkdir(parents=True, exist_ok=True)
        shutil.copy(example, dossier / example.name)
    (entree / "69" / "mauvais.yaml").write_text("porteur: mairie\n", encoding="utf-8")
    sortie = entree.parent / "resultats"
    evaluer_fichiers([entree], sortie, jobs=1, html=True, barre=False, as_of=DATE_LOT)
    return sortie / "index.html"


DATE_LOT = __import__("datetime").date(2026, 12, 1)


def test_the_batch_index_has_no_accessibility_violation_at_1280_pixels(
    index_lot: Path, tmp_path: Path
) -> None:
    """The batch index, its inline script running: 0 axe violation (any impact), no request out, the
    page as wide as a 1280-px screen; the only static remarks are its (deliberate) inline script and
    its links to the reports and advices written beside it."""
    (summary,) = check_report.check_reports(
        [index_lot], tmp_path / "controle", capture=False, pdf=False, width=1280, static_warn_only=True
    )
    assert summary["violations"] == [], check_report.describe(summary)
    assert summary["external_requests_blocked"] == [] and summary["console_errors"] == []
    locaux = ('<a href="rapports/', '<a href="avis/')  # its links to each report and advice, beside it
    assert [
        e for e in summary["static_errors"] if "<script>" not in e and not any(x in e for x in locaux)
    ] == []


def test_the_batch_index_fits_1280_pixels_and_its_filters_work(index_lot: Path) -> None:
    """At 1280 px no horizontal scrolling; the search and the route filter hide the other rows."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), args=["--no-sandbox"])
        page = browser.new_page(viewport={"width": 1280, "height": 900})
        page.goto(index_lot.as_uri())
        for details in page.query_selector_all("details"):
            details.evaluate("d => d.open = true")
        assert page.evaluate("document.documentElement.scrollWidth") <= 1280
        lignes = page.locator("table.comparaison tbody tr")
        total = lignes.count()
        assert total == len(EXAMPLES) + 1
        visibles = page.locator("table.comparaison tbody tr:not([hidden])")
        page.fill("#f-texte", "villiers")  # the search runs a quarter of a second after the last key
        page.wait_for_function("document.getElementById('f-compte').textContent.includes('trouvé')")
        assert visibles.count() == 1 and page.inner_text("#f-compte") == "1 projet trouvé"
        page.fill("#f-texte", "")
        page.wait_for_function("document.getElementById('f-compte').textContent === ''")
        assert visibles.count() == total
        page.select_option("#f-voie", "centrale_achat")
        assert 1 <= visibles.count() < total
        browser.close()


# --- printed length: the note, the dossier, the annexes ----------------------------------------------

AS_OF = dt.date(2026, 11, 29)
BASE = ROOT / "questionnaires" / "examples" / "interco-45-ecoles.yaml"
PROJETS = {  # a one-, a twelve- and a 300-school project, beside the examples
    "projet-1-ecole": {"porteur": "commune", "competence_scolaire": "communes", "nombre_communes": 1,
                       "nombre_ecoles": 1, "nombre_classes": 5, "nombre_eleves": 110, "service_marches": False},
    "projet-12-ecoles": {"porteur": "commune", "competence_scolaire": "communes", "nombre_communes": 1,
                         "nombre_ecoles": 12, "nombre_classes": 60, "nombre_eleves": 1400},
    "projet-300-ecoles": {"porteur": "departement", "nombre_communes": 180, "nombre_ecoles": 300,
                          "nombre_classes": 1500, "nombre_eleves": 33000},
}  # fmt: skip
GRAND_EXEMPLE = "grande-ville-besoins-specifiques"


def _projet(changes: dict[str, Any]) -> Any:
    from entadvisor.answer_files import load_answers
    from entadvisor.answers import validate_answers
    from entadvisor.api import evaluate

    data = load_answers(BASE).model_dump(exclude_none=True)
    return evaluate(validate_answers(data | changes), as_of=AS_OF)


@pytest.fixture(scope="module")
def imprimes(navigateur: None, tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict[str, Any]]:
    """Every example and the three projects printed to PDF by Chromium (axe and reflow checked on the way),
    without the annexes; the twelve-school example also with them."""
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate

    folder = tmp_path_factory.mktemp("imprimes")
    advices = {p.stem: evaluate(load_answers(p), as_of=AS_OF) for p in EXAMPLES}
    advices |= {name: _projet(changes) for name, changes in PROJETS.items()}
    paths = []
    for name, advice in advices.items():
        path = folder / f"{name}.html"
        path.write_text(render_report(advice), encoding="utf-8")
        paths.append(path)
    avec = folder / "ville-12-ecoles-annexes.html"
    avec.write_text(render_report(advices["ville-12-ecoles"], annexes=True), encoding="utf-8")
    paths.append(avec)
    summaries = check_report.check_reports(paths, folder / "pdf", capture=False, pdf=True)
    result = {}
    for summary in summaries:
        pdf = Path(summary["outputs"]["pdf"])
        result[pdf.stem] = {"summary": summary, **_pages(pdf)}
        print(f"{pdf.stem}: {result[pdf.stem]['total']} pages, lignes {result[pdf.stem]['lignes']}")
        result[pdf.stem]["ecoles"] = advices.get(pdf.stem, advices["ville-12-ecoles"]).reponses[
            "nombre_ecoles"
        ]
    return result


def _pages(pdf: Path) -> dict[str, Any]:
    """Pages of a printed report: total, the page where each part starts, and the lines on each page."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf absent : pip install pypdf")
    reader = pypdf.PdfReader(str(pdf))
    starts: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
            else:
                starts.setdefault(str(item.title).strip(), reader.get_destination_page_number(item) + 1)

    walk(reader.outline)
    lines = [len([x for x in (page.extract_text() or "").splitlines() if x.strip()]) for page in reader.pages]
    return {"total": len(reader.pages), "debuts": starts, "lignes": lines}


MESURES = [p.stem for p in EXAMPLES] + list(PROJETS)


@pytest.mark.parametrize("name", MESURES)
def test_the_note_holds_on_two_pages_and_the_dossier_within_its_bound(
    name: str, imprimes: dict[str, Any]
) -> None:
    """Note ≤ 2 pages; note + dossier ≤ 8 pages up to three schools, ≤ 12 otherwise (the largest example
    included); the annexes are not printed."""
    mesure = imprimes[name]
    debuts = mesure["debuts"]
    assert debuts["1. La note aux élus"] == 1
    assert debuts["2. Le dossier"] <= 2, debuts  # the dossier follows the note: the note ends by page 2
    assert "3. Les annexes techniques" not in debuts
    borne = 8 if mesure["ecoles"] <= 3 else 12
    assert mesure["total"] <= borne, (name, mesure["total"], borne)
    assert mesure["summary"]["ok"], check_report.describe(mesure["summary"])
    assert mesure["summary"]["reflow_320px_overflow_px"] <= 0


@pytest.mark.parametrize("name", [*MESURES, "ville-12-ecoles-annexes"])
def test_no_printed_page_is_almost_empty(name: str, imprimes: dict[str, Any]) -> None:
    """Each page holds at least a few lines besides its running header and footer."""
    lignes = imprimes[name]["lignes"]
    assert min(lignes) >= 7, (name, lignes)


def test_the_annexes_are_printed_on_request_only(imprimes: dict[str, Any]) -> None:
    """With --annexes the PDF goes on with « 3. Les annexes techniques » on a page of its own."""
    sans, avec = imprimes["ville-12-ecoles"], imprimes["ville-12-ecoles-annexes"]
    assert "3. Les annexes techniques" in avec["debuts"]
    assert avec["debuts"]["3. Les annexes techniques"] > sans["total"] - 1
    assert avec["total"] > sans["total"] + 2
    assert "Pourquoi ces recommandations ?" in avec["debuts"]


def test_the_pdf_outline_and_running_header_name_the_project(imprimes: dict[str, Any]) -> None:
    """Bookmarks for the parts and sections, and the project's name at the top of every page."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf absent : pip install pypdf")
    pdf = Path(imprimes["ville-12-ecoles"]["summary"]["outputs"]["pdf"])
    reader = pypdf.PdfReader(str(pdf))
    assert {"Projet d'acte", "Calendrier", "Les trois prochaines actions"} <= set(
        imprimes["ville-12-ecoles"]["debuts"]
    )
    for page in reader.pages:
        assert (page.extract_text() or "").lstrip().startswith("ENT des écoles de Saint-Aubin-sur-Loire")


def test_print_report_numbers_the_pages_of_the_table_of_contents(navigateur: None, tmp_path: Path) -> None:
    """Two printings: the printed table of contents gives the page of each section, as the outline does."""
    pypdf = pytest.importorskip("pypdf", reason="pypdf absent : pip install pypdf")
    from entadvisor.report.render import print_report

    html, pdf = tmp_path / "r.html", tmp_path / "r.pdf"
    pages = print_report(_projet(PROJETS["projet-12-ecoles"]), pdf, html_path=html)
    assert pages["deliberation"] >= pages["calendrier"] >= pages["contexte"] >= 2
    text = html.read_text(encoding="utf-8")
    assert f'Projet d&#39;acte</a> <span class="page">p. {pages["deliberation"]}</span>' in text
    sommaire = pypdf.PdfReader(str(pdf)).pages[pages["contexte"] - 1].extract_text() or ""
    assert f"p. {pages['deliberation']}" in sommaire or f"p.{pages['deliberation']}" in sommaire
