"""The questionnaire in a browser: a Starlette application over the dossier of projects.

Every page is plain HTML (no JavaScript), drawn by one jinja2 Environment with autoescaping and
StrictUndefined; every form is POSTed then redirected (an invalid form is shown again, with its
errors). Pages: the home page (the dossier's projects, and a new one), one page per section of the
questionnaire, the review of the answers, the advice (the note of the report) and the downloads.
The flow is the terminal's (:mod:`entadvisor.questionnaire.parcours`, :mod:`entadvisor.questionnaire.model`); each answer
is written at once to the project's answer file (:mod:`.projets`).
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from entadvisor._yaml import load_yaml
from entadvisor.answers import validate_answers
from entadvisor.api import evaluate
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.questionnaire.model import Questionnaire, Section
from entadvisor.questionnaire.parcours import Parcours
from entadvisor.report.environment import environment
from entadvisor.report.render import (
    NavigateurIntrouvable,
    reports_folder,
)

from . import formulaire
from .pages import Pages
from .projets import Dossier, ProjetIntrouvable
from .securite import CHAMP_JETON, COOKIE, TAILLE_MAX_REQUETE, Garde, Jetons, hotes_permis, secret_du_dossier
from .sigles import Sigles

TEMPLATES = Path(__file__).resolve().parent / "templates"


@functools.lru_cache(maxsize=1)
def _environnement() -> Environment:
    return environment(TEMPLATES, autoescape=True, lignes=True)  # the one factory of every view


@functools.lru_cache(maxsize=4)
def _glossaire(dossier_rapports: Path) -> dict[str, str]:
    chemin = dossier_rapports / "libelles.yaml"
    try:
        data = load_yaml(chemin.read_text(encoding="utf-8"), str(chemin))  # a key given twice is an error
    except (OSError, yaml.YAMLError) as exc:
        raise EntreeInvalide(str(chemin), f"glossaire des sigles illisible ({exc}).") from None
    glossaire = data.get("glossaire", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in (glossaire or {}).items()}


def glossaire() -> dict[str, str]:
    return _glossaire(reports_folder())


class Application:
    """The state of one server: its dossier, questionnaire, knowledge base and CSRF secret."""

    def __init__(
        self,
        dossier: Path,
        *,
        questionnaire: Questionnaire,
        date_analyse: dt.date | None = None,
        connaissances: Any = None,
    ) -> None:
        self.dossier = Dossier(dossier, questionnaire)
        self.questionnaire = questionnaire
        self.sections = questionnaire.sections
        self.date_analyse = date_analyse
        self.connaissances = connaissances
        self.jetons = Jetons(secret_du_dossier(Path(dossier)))

    # -- drawing --

    def page(self, request: Request, modele: str, statut: int = 200, **contexte: Any) -> HTMLResponse:
        """Render a page; gives the browser its CSRF cookie on its first visit."""
        cookie = request.cookies.get(COOKIE)
        nouveau = cookie is None or len(cookie) > 100
        if nouveau:
            cookie = Jetons.nouveau_cookie()
        assert cookie is not None
        html = self.dessiner(modele, jeton=self.jetons.jeton(cookie), **contexte)
        reponse = HTMLResponse(html, status_code=statut)
        if nouveau:
            reponse.set_cookie(COOKIE, cookie, httponly=True, samesite="strict", path="/")
        return reponse

    def dessiner(self, modele: str, **contexte: Any) -> str:
        contexte.setdefault("jeton", "")
        return (
            _environnement()
            .get_template(modele)
            .render(s=Sigles(glossaire()), titre_questionnaire=self.questionnaire.titre, **contexte)
        )

    def erreur(self, statut: int, titre: str, message: str) -> bytes:
        return self.dessiner("erreur.html.j2", titre=titre, message=message).encode("utf-8")

    def page_erreur(self, statut: int, titre: str, message: str) -> HTMLResponse:
        return HTMLResponse(self.erreur(statut, titre, message), status_code=statut)

    # -- helpers --

    async def formulaire(self, request: Request) -> Mapping[str, list[str]]:
        """The posted form, after the CSRF check (a refusal raises HTTPException 403)."""
        donnees = await request.form(max_files=0, max_fields=300, max_part_size=TAILLE_MAX_REQUETE)
        valeurs = {cle: [str(v) for v in donnees.getlist(cle)] for cle in donnees}
        jeton = next(iter(valeurs.get(CHAMP_JETON, [])), None)
        if not self.jetons.valide(request.cookies.get(COOKIE), jeton):
            raise HTTPException(
                403,
                "Le formulaire n'a pas le jeton de sécurité attendu (il vient peut-être d'un autre site, "
                "ou la page est trop ancienne). Rechargez la page puis recommencez : vos réponses "
                "enregistrées sont conservées.",
            )
        return valeurs

    def numero_section(self, parcours: Parcours) -> int | None:
        """The section where the flow stands (its first unanswered question), None at the review."""
        question = parcours.question
        return None if question is None else self.questionnaire.section_de(question.id)[0]

    def reprise(self, slug: str, parcours: Parcours) -> str:
        numero = self.numero_section(parcours)
        return f"/projet/{slug}/revue" if numero is None else f"/projet/{slug}/section/{numero}"

    def section_avec_questions(self, parcours: Parcours, numeros: range) -> int | None:
        for numero in numeros:
            if formulaire.questions_affichees(self.sections[numero - 1], parcours.reponses):
                return numero
        return None

    def section(self, numero: int) -> Section:
        if not 1 <= numero <= len(self.sections):
            raise HTTPException(
                404, f"Il n'y a pas de section {numero} : le questionnaire en compte {len(self.sections)}."
            )
        return self.sections[numero - 1]

    def conseil(self, slug: str) -> tuple[Parcours, Any]:
        """The project's advice, or (parcours, None) while its answers are incomplete or inconsistent."""
        parcours = self.dossier.lire(slug)
        if not parcours.en_revue or parcours.problemes():
            return parcours, None
        answers = validate_answers(parcours.reponses_finales(), str(self.dossier.fichier(slug)))
        return parcours, evaluate(answers, as_of=self.date_analyse, knowledge=self.connaissances)


def _routes(app: Application) -> list[Route]:
    pages = Pages(app)
    return [
        Route("/", pages.accueil, methods=["GET"]),
        Route("/projets", pages.creer, methods=["POST"]),
        Route("/projet/{slug}/", pages.projet, methods=["GET"]),
        Route("/projet/{slug}/section/{numero:int}", pages.voir_section, methods=["GET"]),
        Route("/projet/{slug}/section/{numero:int}", pages.envoyer_section, methods=["POST"]),
        Route("/projet/{slug}/revue", pages.revue, methods=["GET"]),
        Route("/projet/{slug}/conseil", pages.conseil, methods=["GET"]),
        Route("/projet/{slug}/rapport.html", pages.rapport_html, methods=["GET"]),
        Route("/projet/{slug}/rapport.pdf", pages.rapport_pdf, methods=["GET"]),
        Route("/projet/{slug}/note.docx", pages.rapport_docx, methods=["GET"]),
        Route("/projet/{slug}/reponses.yaml", pages.fichier_reponses, methods=["GET"]),
    ]


_TITRES = {
    400: "Requête refusée",
    403: "Action refusée",
    404: "Page introuvable",
    405: "Action impossible",
    413: "Formulaire trop volumineux",
    422: "Réponses à corriger",
    503: "Service indisponible",
}


def creer_app(
    dossier: Path,
    *,
    hote: str = "127.0.0.1",
    port: int = 8765,
    date_analyse: dt.date | None = None,
    connaissances: Any = None,
    questionnaire: Path | None = None,
) -> Garde:
    """The ASGI application for a dossier, answering only at ``http://hote:port``."""
    app = Application(
        Path(dossier),
        questionnaire=load_questionnaire(questionnaire),
        date_analyse=date_analyse,
        connaissances=connaissances,
    )

    async def http_erreur(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, HTTPException)
        generique = (
            HTTPStatus(exc.status_code).phrase if exc.status_code in HTTPStatus._value2member_map_ else ""
        )
        detail = exc.detail if isinstance(exc.detail, str) and exc.detail != generique else None
        messages = {
            404: "Cette adresse ne correspond à aucune page de l'application.",
            405: "Cette page ne s'utilise pas ainsi ; revenez à la liste des projets.",
        }
        message = detail or messages.get(exc.status_code, "La requête n'a pas pu être traitée.")
        return app.page_erreur(exc.status_code, _TITRES.get(exc.status_code, "Erreur"), message)

    async def entree_invalide(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, EntreeInvalide)
        if isinstance(exc, ProjetIntrouvable):
            return app.page_erreur(404, "Projet introuvable", str(exc).removeprefix("entrée : "))
        return app.page_erreur(422, "Fichier de réponses illisible", str(exc))

    async def navigateur_absent(request: Request, exc: Exception) -> Response:
        return app.page_erreur(503, "PDF indisponible", str(exc))

    starlette = Starlette(
        routes=_routes(app),
        exception_handlers={
            HTTPException: http_erreur,
            NavigateurIntrouvable: navigateur_absent,
            EntreeInvalide: entree_invalide,
        },
    )
    starlette.state.application = app
    return Garde(starlette, hotes_permis(hote, port), app.erreur)
