"""The example reports in a real browser: headless Debian Chromium, driven by Playwright (no browser
download), with axe-core (WCAG 2.1 A/AA rules) and the static RGAA rules of tools/check_report.py;
and the PDF, printed by the same Chromium.

Where Chromium, Playwright or axe-core is missing, these tests are SKIPPED with the reason (they are
never silently passed): ``apt-get install chromium``, ``pip install playwright``,
``cd tools && npm install``.
"""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from test_report_fixture import advice_ville

from entadvisor.report import find_chromium, render_report, write_pdf, write_report

pytestmark = pytest.mark.navigateur

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
CHECKED = [p.stem for p in EXAMPLES] + ["ville-12-ecoles-sensibilite"]


def _check_report_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("check_report", ROOT / "tools" / "check_report.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("check_report", module)
    spec.loader.exec_module(module)
    return module


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
    html = html.replace('<h3 id="valeur">', '<h5 id="valeur">', 1).replace(
        "du besoin</h3>", "du besoin</h5>", 1
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
    from entadvisor import report

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
    from entadvisor.batch import evaluer_fichiers

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
        page.fill("#f-texte", "villiers")
        visibles = page.locator("table.comparaison tbody tr:not([hidden])")
        assert visibles.count() == 1 and "projet trouvé" in page.inner_text("#f-compte")
        page.fill("#f-texte", "")
        page.select_option("#f-voie", "centrale_achat")
        assert 1 <= visibles.count() < total
        browser.close()
