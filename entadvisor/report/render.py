"""The advice report for elected officials: one self-contained HTML file, and its PDF.

:func:`render_report` turns an :class:`~entadvisor.advice.Advice` into HTML with the templates of
the ``reports/`` folder: inline CSS and SVG, no JavaScript, no external request, system fonts,
French formatting. It reasons about nothing: every conclusion comes from the advice; this module
and its view (:class:`~entadvisor.report.view.Vue`) only word it (labels of ``reports/libelles.yaml``),
group it and draw it (:mod:`.figures`).

:func:`write_report` writes the file atomically; :func:`write_pdf` prints it through the headless
Chromium of the machine (Playwright when importable, else the Chromium command line).
"""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import yaml

from entadvisor._files import atomic_path, write_atomic
from entadvisor._yaml import load_yaml
from entadvisor.advice import Advice
from entadvisor.engine.knowledge import lexique_du_conseil
from entadvisor.engine.lexique import Lexique
from entadvisor.errors import EntreeInvalide
from entadvisor.report.environment import environment, lower_first, reports_folder
from entadvisor.report.parties import TITRES
from entadvisor.report.view import Vue

TEMPLATE = "advice.html.j2"

CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


class NavigateurIntrouvable(EntreeInvalide):
    """The PDF cannot be printed: no Chromium on this machine, or it failed. The message says what to do."""


# --- templates -----------------------------------------------------------------------------------


@functools.lru_cache(maxsize=4)
def _libelles(folder: Path, mots: Lexique) -> dict[str, Any]:
    """The words of the report: its own prose (``reports/libelles.yaml``) and, in the report's forms, the
    words of the codes from the knowledge base's lexicon (``rules/libelles.yaml``)."""
    return {**_prose(folder), **libelles_des_codes(mots)}


def libelles_des_codes(mots: Lexique) -> dict[str, Any]:
    """The lexicon's sections as the report's templates read them: code → words, in the report's form."""
    return {
        "voies": mots.table("voies", "titre"),
        # « aucune » is the words of a null procedure, asked by Vue.procedure(None), not a code to match
        "procedures": {c: t for c, t in mots.table("procedures", "titre").items() if c != "aucune"},
        "tranches": mots.table("tranches", "situation"),
        "formats_experimentation": mots.table("formats_experimentation", "titre"),
        "phases": mots.table("phases"),
        "formes_contrat": {c: lower_first(t) for c, t in mots.table("formes_contrat", "titre").items()},
        "statuts": {c: mots.formes("statuts", c) for c in mots.codes("statuts")},
        "facteurs_cles_du_guide": mots.table("facteurs_cles_du_guide"),
        "recommandations": mots.table("recommandations"),
        "valeurs": {
            section.removeprefix("valeurs."): mots.table(section)
            for section in mots.sections
            if section.startswith("valeurs.")
        },
    }


@functools.lru_cache(maxsize=4)
def _prose(folder: Path) -> dict[str, Any]:
    path = folder / "libelles.yaml"
    try:
        data = load_yaml(path.read_text(encoding="utf-8"), str(path))  # a key given twice is an error
    except (OSError, yaml.YAMLError) as exc:
        raise EntreeInvalide(str(path), f"libellés du rapport illisibles : {exc}") from None
    if not isinstance(data, dict):
        raise EntreeInvalide(str(path), "les libellés du rapport doivent être une table YAML.")
    return data


@functools.lru_cache(maxsize=4)
def _css(folder: Path) -> str:
    return (folder / "style.css").read_text(encoding="utf-8").strip()


# --- public API ----------------------------------------------------------------------------------


def render_report(
    advice: Advice,
    *,
    folder: Path | None = None,
    annexes: bool = False,
    pages: dict[str, int] | None = None,
) -> str:
    """The report for one advice, as a complete HTML document (a str); same advice, same bytes.

    The technical annexes are always in the HTML; ``annexes`` says whether they are printed too.
    ``pages`` gives the printed page of each section, for the printed table of contents.
    """
    folder = Path(folder) if folder is not None else reports_folder()
    env = environment(folder, autoescape=True)
    vue = Vue(
        advice,
        _libelles(folder, lexique_du_conseil(advice)),
        _css(folder),
        imprimer_annexes=annexes,
        pages=pages,
    )
    return env.get_template(TEMPLATE).render(advice=advice, L=vue.L, vue=vue)


def write_report(advice: Advice, path: str | os.PathLike[str], *, annexes: bool = False) -> None:
    """Render the report and write it atomically (a temporary file, then a rename)."""
    write_atomic(path, render_report(advice, annexes=annexes))


def section_pages(pdf_path: str | os.PathLike[str]) -> dict[str, int]:
    """The printed page of each section of a report, read from the PDF's outline (bookmarks).

    Empty when pypdf is not installed: the printed table of contents then has no page numbers.
    """
    try:
        import pypdf
    except ImportError:
        return {}

    by_title = {title: key for key, title in TITRES.items()}
    reader = pypdf.PdfReader(str(pdf_path))
    pages: dict[str, int] = {}

    def walk(items: list[Any]) -> None:
        for item in items:
            if isinstance(item, list):
                walk(item)
                continue
            key = by_title.get(str(item.title).strip())
            page = reader.get_destination_page_number(item)
            if key is not None and key not in pages and page is not None:
                pages[key] = page + 1

    walk(reader.outline)
    return pages


def print_report(
    advice: Advice,
    pdf_path: str | os.PathLike[str],
    *,
    annexes: bool = False,
    html_path: str | os.PathLike[str] | None = None,
    chromium: str | None = None,
) -> dict[str, int]:
    """Write the report's PDF (and its HTML at ``html_path`` when given) with a paged table of contents.

    Two printings: the first tells on which page each section falls (the PDF outline), the second
    prints the table of contents with those pages. Returns the pages found (empty without pypdf).
    """
    with tempfile.TemporaryDirectory(prefix="entadvisor-") as folder:
        html = Path(html_path) if html_path is not None else Path(folder) / "rapport.html"
        write_report(advice, html, annexes=annexes)
        write_pdf(html, pdf_path, chromium=chromium)
        pages = section_pages(pdf_path)
        if pages:
            write_atomic(html, render_report(advice, annexes=annexes, pages=pages))
            write_pdf(html, pdf_path, chromium=chromium)
    return pages


def find_chromium(explicit: str | None = None) -> str | None:
    """The Chromium executable: ``explicit``, ``$CHROMIUM``, ``/usr/bin/chromium``, or one on the PATH."""
    for candidate in (
        explicit,
        os.environ.get("CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
        shutil.which("google-chrome"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


_AIDE_CHROMIUM = (
    "Le PDF est imprimé par le navigateur Chromium installé sur la machine. Installez-le "
    "(Debian ou Ubuntu : « apt-get install chromium ») puis, de préférence, son pilote Python "
    "(« pip install playwright », sans lancer « playwright install »). Le rapport HTML, lui, est écrit "
    "et peut être imprimé en PDF depuis n'importe quel navigateur."
)


def write_pdf(
    html_path: str | os.PathLike[str], pdf_path: str | os.PathLike[str], *, chromium: str | None = None
) -> None:
    """Print an HTML report to an A4, tagged PDF with bookmarks, through headless Chromium.

    Uses Playwright (``page.pdf``) when it is importable, else the Chromium command line
    (``--print-to-pdf``). Requests other than ``file:`` and ``data:`` are refused. The PDF is
    written atomically. Raises :class:`NavigateurIntrouvable` (a French message saying how to
    install Chromium) when there is no browser or printing fails.
    """
    html, pdf = Path(html_path).resolve(), Path(pdf_path)
    if not html.is_file():
        raise EntreeInvalide(str(html_path), "rapport HTML introuvable.")
    executable = find_chromium(chromium)
    if executable is None:
        raise NavigateurIntrouvable(str(pdf_path), f"Chromium est introuvable. {_AIDE_CHROMIUM}")
    with atomic_path(pdf, what="le PDF") as temporary:  # the one atomic writer (entadvisor/_files.py)
        try:
            import playwright.sync_api  # noqa: F401
        except ImportError:
            _pdf_cli(executable, html, temporary, str(pdf_path))
        else:
            _pdf_playwright(executable, html, temporary, str(pdf_path))
        if temporary.stat().st_size == 0:
            raise NavigateurIntrouvable(str(pdf_path), f"Chromium n'a produit aucun PDF. {_AIDE_CHROMIUM}")


def _pdf_playwright(executable: str, html: Path, target: Path, label: str) -> None:
    from playwright.sync_api import Error, sync_playwright

    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=executable, headless=True, args=list(CHROMIUM_FLAGS))
            try:
                page = browser.new_page(locale="fr-FR")
                page.route(
                    "**/*",
                    lambda route: (
                        route.continue_()
                        if route.request.url.startswith(("file:", "data:", "about:"))
                        else route.abort()
                    ),
                )
                page.goto(html.as_uri(), wait_until="load")
                page.emulate_media(media="print")
                page.pdf(
                    path=str(target),
                    format="A4",
                    print_background=True,
                    prefer_css_page_size=True,
                    tagged=True,
                    outline=True,
                    display_header_footer=False,
                )
            finally:
                browser.close()
    except Error as exc:
        message = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise NavigateurIntrouvable(
            label, f"Chromium n'a pas pu imprimer le PDF ({message}). {_AIDE_CHROMIUM}"
        ) from None


def _pdf_cli(executable: str, html: Path, target: Path, label: str) -> None:
    profile = tempfile.mkdtemp(prefix="entadvisor-chromium-")
    try:
        command = [
            executable,
            *CHROMIUM_FLAGS,
            f"--user-data-dir={profile}",
            "--no-pdf-header-footer",
            "--generate-pdf-document-outline",
            f"--print-to-pdf={target}",
            html.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=180, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise NavigateurIntrouvable(
                label, f"Chromium n'a pas pu imprimer le PDF ({exc}). {_AIDE_CHROMIUM}"
            ) from None
        if result.returncode != 0 or not target.is_file():
            raise NavigateurIntrouvable(
                label, f"Chromium a échoué (code {result.returncode}). {_AIDE_CHROMIUM}"
            )
    finally:
        shutil.rmtree(profile, ignore_errors=True)


__all__ = [
    "NavigateurIntrouvable",
    "find_chromium",
    "print_report",
    "render_report",
    "reports_folder",
    "section_pages",
    "write_pdf",
    "write_report",
]
