"""The web questionnaire in a real browser: Debian's Chromium driven by Playwright (no browser
download) against a real ``entadvisor web`` server process, with axe-core loaded from tools/.

Two personas end to end (Précédent, a reload, the server killed and restarted mid-way, a change
from the review, the advice and the downloads), one of them with the keyboard only; axe-core with
0 violations on every kind of page, and the 320 px reflow. Where Chromium, Playwright or axe-core is
missing, these tests are SKIPPED with the reason: ``apt-get install chromium``,
``pip install playwright``, ``cd tools && npm install``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
from test_report_navigateur import check_report, missing_browser_stack
from test_web_app import DATE, QUESTIONNAIRE, fichier_attendu, lire, persona, valeur_de_formulaire

from entadvisor.report.render import CHROMIUM_FLAGS, find_chromium

pytestmark = [pytest.mark.navigateur, pytest.mark.lent]

ROOT = Path(__file__).resolve().parent.parent


def _port_libre() -> int:
    with contextlib.closing(socket.socket()) as prise:
        prise.bind(("127.0.0.1", 0))
        return int(prise.getsockname()[1])


class Serveur:
    """``entadvisor web`` in its own process, as a user starts it."""

    def __init__(self, dossier: Path) -> None:
        self.dossier = dossier
        self.port = _port_libre()
        self.processus: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def demarrer(self) -> None:
        commande = [
            sys.executable,
            "-m",
            "entadvisor",
            "web",
            "--dossier",
            str(self.dossier),
            "--port",
            str(self.port),
            "--sans-navigateur",
            "--date-analyse",
            DATE.isoformat(),
        ]
        journal = self.dossier.parent / "serveur.log"
        with journal.open("ab") as sortie:
            self.processus = subprocess.Popen(commande, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=sortie)
        limite = time.monotonic() + 30
        while time.monotonic() < limite:
            if self.processus.poll() is not None:
                raise AssertionError(journal.read_text(encoding="utf-8", errors="replace"))
            with (
                contextlib.suppress(OSError),
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2),
            ):
                return
            time.sleep(0.05)
        raise AssertionError("le serveur n'a pas démarré en 30 s")

    def tuer(self) -> None:
        """Stop the server abruptly (SIGKILL): what a closed laptop or a crash does."""
        if self.processus is not None and self.processus.poll() is None:
            os.kill(self.processus.pid, signal.SIGKILL)
            self.processus.wait(timeout=10)
        self.processus = None


@pytest.fixture(scope="module")
def navigateur() -> Iterator[Any]:
    raison = missing_browser_stack()
    if raison is not None:
        pytest.skip(raison)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=find_chromium(), headless=True, args=list(CHROMIUM_FLAGS))
        yield browser
        browser.close()


@pytest.fixture
def serveur(tmp_path: Path) -> Iterator[Serveur]:
    serveur = Serveur(tmp_path / "projets")
    serveur.demarrer()
    yield serveur
    serveur.tuer()


@pytest.fixture
def page(navigateur: Any, serveur: Serveur) -> Iterator[Any]:
    """A fresh browser context (its own cookie) that refuses every request off the server."""
    contexte = navigateur.new_context(
        locale="fr-FR", bypass_csp=True, viewport={"width": 1000, "height": 900}
    )
    bloquees: list[str] = []

    def garde(route: Any) -> None:
        if route.request.url.startswith(serveur.url):
            route.continue_()
        else:
            bloquees.append(route.request.url)
            route.abort()

    contexte.route("**/*", garde)
    page = contexte.new_page()
    page.set_default_timeout(15_000)
    page.bloquees = bloquees
    yield page
    contexte.close()
    assert bloquees == [], bloquees


# --- answering with the mouse, and with the keyboard ---------------------------------------------


def affichees(page: Any) -> list[str]:
    return [e.get_attribute("value") for e in page.locator('input[name="_affichees"]').all()]


def remplir(page: Any, reponses: Mapping[str, Any]) -> None:
    for qid in affichees(page):
        question = QUESTIONNAIRE.question(qid)
        assert question is not None
        valeur = valeur_de_formulaire(question, reponses[qid])
        if question.type in ("choix", "oui_non") or (valeur == "ne_sait_pas" and question.type == "choix"):
            page.check(f'input[name="{qid}"][value="{valeur}"]')
        elif valeur == "ne_sait_pas":
            page.fill(f"#{qid}", "")
            page.check(f"#{qid}-nsp")
        else:
            if page.locator(f"#{qid}-nsp").count():
                page.uncheck(f"#{qid}-nsp")
            page.fill(f"#{qid}", valeur)
    enregistrer(page)


def enregistrer(page: Any) -> None:
    with page.expect_navigation():
        page.get_by_role("button", name=re.compile("^Enregistrer")).click()


def _actif(page: Any, selecteur: str) -> bool:
    return bool(
        page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selecteur)
    )


def tabuler_jusqua(page: Any, selecteur: str) -> None:
    for _ in range(80):
        page.keyboard.press("Tab")
        if _actif(page, selecteur):
            return
    raise AssertionError(f"Tab n'atteint pas {selecteur}")


def remplir_au_clavier(page: Any, reponses: Mapping[str, Any]) -> None:
    """Tab to each field, arrows and Space for choices, typing for text, Enter on the button."""
    for qid in affichees(page):
        question = QUESTIONNAIRE.question(qid)
        assert question is not None
        valeur = valeur_de_formulaire(question, reponses[qid])
        if question.type in ("choix", "oui_non"):
            tabuler_jusqua(page, f'input[name="{qid}"]')
            for _ in range(len(question.choix) + 3):
                if page.evaluate("() => document.activeElement.value") == valeur:
                    page.keyboard.press("Space")
                    break
                page.keyboard.press("ArrowDown")
            assert page.is_checked(f'input[name="{qid}"][value="{valeur}"]'), qid
        else:
            tabuler_jusqua(page, f"#{qid}")
            page.keyboard.press("Control+A")
            page.keyboard.press("Delete")
            if valeur == "ne_sait_pas":
                tabuler_jusqua(page, f"#{qid}-nsp")
                if not page.is_checked(f"#{qid}-nsp"):
                    page.keyboard.press("Space")
            else:
                page.keyboard.type(valeur)
                if page.locator(f"#{qid}-nsp").count() and page.is_checked(f"#{qid}-nsp"):
                    tabuler_jusqua(page, f"#{qid}-nsp")
                    page.keyboard.press("Space")
    tabuler_jusqua(page, "button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")


def creer(page: Any, serveur: Serveur, nom: str) -> str:
    page.goto(serveur.url + "/")
    page.fill("#nom_projet", nom)
    with page.expect_navigation():
        page.get_by_role("button", name="Commencer le questionnaire").click()
    page.wait_for_url(re.compile(r"/section/1$"))
    return page.url.split("/")[4]


def numero_section(page: Any) -> str:
    trouve = re.search(r"/section/(\d+)", page.url)
    return trouve.group(1) if trouve else page.url.rsplit("/", 1)[1]


# --- personas ------------------------------------------------------------------------------------


def test_the_rural_commune_end_to_end_with_precedent_reload_restart_and_a_change(
    page: Any, serveur: Serveur
) -> None:
    reponses = persona("commune-rurale-1-ecole")
    assert reponses["offre_mutualisee"] == "ne_sait_pas"
    slug = creer(page, serveur, "Villiers")
    remplir(page, reponses)
    remplir(page, reponses)
    assert numero_section(page) == "3"
    with page.expect_navigation():
        page.get_by_role("button", name="Précédent").click()
    assert numero_section(page) == "2" and page.input_value("#nombre_classes") == "4"
    remplir(page, reponses)
    remplir(page, reponses)  # section 3
    assert numero_section(page) == "4"
    page.reload()
    assert numero_section(page) == "4" and "Section 4 sur 7" in page.content()

    serveur.tuer()  # mid-way: nothing answered so far may be lost
    fichier = serveur.dossier / f"{slug}.yaml"
    deja = lire(fichier)
    assert deja["nombre_classes"] == 4 and deja["ent_existant"] == "aucun"
    serveur.demarrer()
    page.goto(serveur.url + "/")
    assert "En cours : section 4 sur 7" in page.content()
    with page.expect_navigation():
        page.get_by_role("link", name="ENT de l'école de Villiers-le-Sec").click()
    assert numero_section(page) == "4"
    while "/section/" in page.url:
        remplir(page, reponses)
    assert page.url.endswith("/revue")
    assert lire(fichier) == fichier_attendu(reponses)

    with page.expect_navigation():
        page.get_by_role("link", name="Modifier : Élèves").click()
    assert "depuis=revue" in page.url
    page.fill("#nombre_eleves", "102")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer et revenir au récapitulatif").click()
    assert page.url.endswith("/revue")
    assert lire(fichier)["nombre_eleves"] == 102
    assert "102" in page.locator("dl.revue").nth(1).inner_text()

    with page.expect_navigation():
        page.get_by_role("link", name="Voir le conseil").click()
    assert page.url.endswith("/conseil")
    assert "note d'aide à la décision" in page.title()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le rapport (HTML)").click()
    assert Path(telechargement.value.path()).read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le fichier de réponses").click()
    assert Path(telechargement.value.path()).read_bytes() == fichier.read_bytes()
    with page.expect_download() as telechargement:
        page.get_by_role("link", name="Télécharger le rapport (PDF)").click()
    assert Path(telechargement.value.path()).read_bytes().startswith(b"%PDF")


def test_the_intercommunalite_with_the_keyboard_only(page: Any, serveur: Serveur) -> None:
    reponses = persona("interco-45-ecoles")
    page.goto(serveur.url + "/")
    tabuler_jusqua(page, "#nom_projet")
    page.keyboard.type("Val d'Orge")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/section/1$"))
    slug = page.url.split("/")[4]
    tabuler_jusqua(page, "summary")
    page.keyboard.press("Enter")  # « Pourquoi cette question ? » opens with the keyboard
    assert page.locator("details").first.get_attribute("open") is not None
    contour = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    assert contour != "none"  # visible focus
    while "/section/" in page.url:
        remplir_au_clavier(page, reponses)
    assert page.url.endswith("/revue")
    assert lire(serveur.dossier / f"{slug}.yaml") == fichier_attendu(reponses)
    tabuler_jusqua(page, 'a[href$="/conseil"]')
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/conseil$"))
    assert "Télécharger le rapport (HTML)" in page.content()


# --- the real server's refusals (no browser needed) -----------------------------------------------


def test_the_real_server_refuses_a_wrong_host_a_forged_post_and_a_path_outside_the_dossier(
    serveur: Serveur,
) -> None:
    import http.client

    def demander(methode: str, chemin: str, hote: str, corps: str = "") -> tuple[int, str]:
        connexion = http.client.HTTPConnection("127.0.0.1", serveur.port, timeout=10)
        try:
            entetes = {"Host": hote, "Content-Type": "application/x-www-form-urlencoded"}
            connexion.request(methode, chemin, body=corps.encode() or None, headers=entetes)
            reponse = connexion.getresponse()
            return reponse.status, reponse.read().decode("utf-8")
        finally:
            connexion.close()

    local = f"127.0.0.1:{serveur.port}"
    statut, texte = demander("GET", "/", f"evil.example:{serveur.port}")
    assert statut == 400 and "ne répond qu&#39;à l&#39;adresse" in texte
    statut, texte = demander("POST", "/projets", local, "nom_projet=Pirate")
    assert statut == 403 and "jeton de sécurité" in texte
    statut, texte = demander("GET", "/projet/..%2F..%2Fetc%2Fpasswd/reponses.yaml", local)
    assert statut == 404 and "root:" not in texte
    assert not (serveur.dossier / "pirate.yaml").exists()


@pytest.mark.parametrize("ecoute", [True, False], ids=["serveur-a-l-ecoute", "pendant-le-demarrage"])
def test_ctrl_c_stops_the_server_cleanly_in_a_terminal(tmp_path: Path, ecoute: bool) -> None:
    pexpect = pytest.importorskip("pexpect", reason="pexpect absent : pip install pexpect")
    port = _port_libre()
    enfant = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "entadvisor",
            "web",
            "--dossier",
            str(tmp_path / "p"),
            "--port",
            str(port),
            "--sans-navigateur",
        ],
        cwd=str(ROOT),
        encoding="utf-8",
        timeout=30,
    )
    try:
        enfant.expect("Questionnaire ENT dans le navigateur")
        limite = time.monotonic() + 20
        while (
            ecoute and time.monotonic() < limite
        ):  # Ctrl-C once the server listens (and, below, even before)
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                break
            except OSError:
                time.sleep(0.05)
        enfant.sendintr()
        enfant.expect("Serveur arrêté. Les réponses sont enregistrées dans")
        enfant.expect(pexpect.EOF)
    finally:
        enfant.close()
    assert enfant.exitstatus == 0


# --- accessibility -------------------------------------------------------------------------------


def _axe(page: Any) -> dict[str, Any]:
    axe = check_report.find_axe()
    assert axe is not None
    page.add_script_tag(content=axe.read_text(encoding="utf-8"))
    locale = axe.parent / "locales" / "fr.json"
    if locale.is_file():
        page.evaluate("loc => axe.configure({locale: loc})", json.loads(locale.read_text(encoding="utf-8")))
    resultats: dict[str, Any] = page.evaluate(
        "opts => axe.run(document, opts)",
        {"runOnly": {"type": "tag", "values": check_report.AXE_TAGS}, "resultTypes": ["violations"]},
    )
    return resultats


def _statiques(page: Any) -> list[str]:
    """The static RGAA rules of tools/check_report.py (lang, title, headings, tables, SVG, scripts),
    except the report's own rule that it must be one self-contained file: these pages link to each other."""
    erreurs: list[str] = check_report.static_checks(page.content()).errors
    return [
        e
        for e in erreurs
        if not e.startswith('ressource externe : <a href="/') and '<form action="/' not in e
    ]


def _debordement_320(page: Any) -> int:
    page.set_viewport_size({"width": 320, "height": 900})
    debord = int(page.evaluate("document.documentElement.scrollWidth")) - 320
    page.set_viewport_size({"width": 1000, "height": 900})
    return debord


def test_every_kind_of_page_has_no_axe_violation_and_reflows_at_320_pixels(
    page: Any, serveur: Serveur
) -> None:
    reponses = persona("interco-45-ecoles")
    verdicts: dict[str, tuple[list[str], int]] = {}

    def verifier(nom: str) -> None:
        violations = _statiques(page) + [
            f"{v['id']} ({v['impact']}) : {v['help']} {[n['target'] for n in v['nodes']]}"
            for v in _axe(page)["violations"]
        ]
        verdicts[nom] = (violations, _debordement_320(page))
        page.reload()

    page.goto(serveur.url + "/")
    verifier("accueil")
    creer(page, serveur, "Accessibilité")
    verifier("question")
    remplir(page, reponses)
    page.fill("#nombre_classes", "abc")
    page.fill("#nombre_eleves", "")
    enregistrer(page)
    assert "Il y a 3 erreurs" in page.content(), page.locator("main").inner_text()
    statiques = _statiques(page)  # before axe's own <script> is added to the page
    violations = [v["id"] for v in _axe(page)["violations"]]
    verdicts["erreur"] = (statiques + violations, _debordement_320(page))
    page.goto(page.url)  # the section again, without the error
    while "/section/" in page.url:
        remplir(page, reponses)
    verifier("revue")
    with page.expect_navigation():
        page.get_by_role("link", name="Voir le conseil").click()
    verifier("conseil")
    assert {nom: v for nom, v in verdicts.items() if v != ([], verdicts[nom][1]) or v[1] > 0} == {}, verdicts
