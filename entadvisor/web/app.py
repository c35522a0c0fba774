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
import tempfile
from collections.abc import Mapping
from http import HTTPStatus
from pathlib import Path
from typing import Any

import yaml
from jinja2 import Environment
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.model import Questionnaire, Section, load_questionnaire
from entadvisor.questionnaire.parcours import Parcours
from entadvisor.report.environment import environment

from . import formulaire
from .projets import Dossier, ProjetIntrouvable
from .securite import CHAMP_JETON, COOKIE, TAILLE_MAX_REQUETE, Garde, Jetons, hotes_permis, secret_du_dossier
from .sigles import Sigles

TEMPLATES = Path(__file__).resolve().parent / "templates"


def note_html(advice: Any) -> str:
    """The advice page's content: the note of the report, a complete HTML document.

    The one place where the web front end asks the report module for the note (swap it here).
    """
    from entadvisor.report.render import render_report

    return render_report(advice)


def _environnement() -> Environment:
    return environment(TEMPLATES, autoescape=True, lignes=True)  # the one factory of every view


@functools.lru_cache(maxsize=4)
def _glossaire(dossier_rapports: Path) -> dict[str, str]:
    chemin = dossier_rapports / "libelles.yaml"
    try:
        data = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise EntreeInvalide(str(chemin), f"glossaire des sigles illisible ({exc}).") from None
    glossaire = data.get("glossaire", {}) if isinstance(data, dict) else {}
    return {str(k): str(v) for k, v in (glossaire or {}).items()}


def glossaire() -> dict[str, str]:
    from entadvisor.report.render import reports_folder

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
        from entadvisor.answers import validate_answers
        from entadvisor.engine.moteur import evaluate

        parcours = self.dossier.lire(slug)
        if not parcours.en_revue or parcours.problemes():
            return parcours, None
        answers = validate_answers(parcours.reponses_finales(), str(self.dossier.fichier(slug)))
        return parcours, evaluate(answers, as_of=self.date_analyse, knowledge=self.connaissances)


def _slug(request: Request) -> str:
    return str(request.path_params["slug"])


def _routes(app: Application) -> list[Route]:
    async def accueil(request: Request) -> Response:
        return app.page(
            request,
            "accueil.html.j2",
            projets=app.dossier.projets(),
            sections=len(app.sections),
            dossier=str(app.dossier.chemin),
            erreur=None,
            nom="",
        )

    async def creer(request: Request) -> Response:
        valeurs = await app.formulaire(request)
        nom = " ".join((valeurs.get("nom_projet") or [""])[0].split())
        try:
            slug = app.dossier.creer(nom)
        except ValueError as exc:
            return app.page(
                request,
                "accueil.html.j2",
                statut=422,
                projets=app.dossier.projets(),
                sections=len(app.sections),
                dossier=str(app.dossier.chemin),
                erreur=str(exc),
                nom=nom,
            )
        return RedirectResponse(f"/projet/{slug}/", status_code=303)

    async def projet(request: Request) -> Response:
        slug = _slug(request)
        return RedirectResponse(app.reprise(slug, app.dossier.lire(slug)), status_code=303)

    def page_section(
        request: Request,
        slug: str,
        numero: int,
        parcours: Parcours,
        depuis: str,
        saisies: Mapping[str, list[str]] | None = None,
        erreurs: Mapping[str, str] | None = None,
        statut: int = 200,
    ) -> Response:
        section = app.section(numero)
        champs = formulaire.champs(section, parcours, saisies, erreurs)
        return app.page(
            request,
            "section.html.j2",
            statut=statut,
            slug=slug,
            projet=parcours.reponses.get("nom_projet") or slug,
            section=section,
            numero=numero,
            sections=len(app.sections),
            champs=champs,
            depuis=depuis,
            erreurs=[c for c in champs if c.erreur],
        )

    async def voir_section(request: Request) -> Response:
        slug, numero = _slug(request), int(request.path_params["numero"])
        parcours = app.dossier.lire(slug)
        section = app.section(numero)
        depuis = "revue" if request.query_params.get("depuis") == "revue" else ""
        if not formulaire.questions_affichees(section, parcours.reponses):
            suivante = app.section_avec_questions(parcours, range(numero + 1, len(app.sections) + 1))
            cible = f"/projet/{slug}/section/{suivante}" if suivante else f"/projet/{slug}/revue"
            return RedirectResponse(cible, status_code=303)
        return page_section(request, slug, numero, parcours, depuis)

    async def envoyer_section(request: Request) -> Response:
        slug, numero = _slug(request), int(request.path_params["numero"])
        valeurs = await app.formulaire(request)
        parcours = app.dossier.lire(slug)
        section = app.section(numero)
        affichees = valeurs.get("_affichees", [])
        lecture = formulaire.lire_section(section, parcours, valeurs, affichees)
        nouveau = Parcours(app.questionnaire, lecture.reponses, lecture.inconnues)
        app.dossier.ecrire(slug, nouveau)
        depuis = "revue" if (valeurs.get("_depuis") or [""])[0] == "revue" else ""
        if (valeurs.get("_action") or [""])[0] == "precedent":
            # « Précédent » keeps what is valid on the page and goes back (to the review when the
            # page was opened from it, as the terminal's « < » does); an unfinished field waits.
            if depuis:
                return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
            precedente = app.section_avec_questions(nouveau, range(numero - 1, 0, -1))
            cible = f"/projet/{slug}/section/{precedente}" if precedente else "/"
            return RedirectResponse(cible, status_code=303)
        if lecture.erreurs:
            return page_section(request, slug, numero, nouveau, depuis, valeurs, lecture.erreurs, statut=422)
        suffixe = "?depuis=revue" if depuis else ""
        nouvelles = [
            q
            for q in formulaire.questions_affichees(section, nouveau.reponses)
            if q.id not in affichees and nouveau.valeur_courante(q) is None
        ]
        if nouvelles:
            cible = f"/projet/{slug}/section/{numero}{suffixe}#q-{nouvelles[0].id}"
        elif depuis:
            cible = app.reprise(slug, nouveau)
        else:
            suivante = app.section_avec_questions(nouveau, range(numero + 1, len(app.sections) + 1))
            cible = f"/projet/{slug}/section/{suivante}" if suivante else app.reprise(slug, nouveau)
        return RedirectResponse(cible, status_code=303)

    async def revue(request: Request) -> Response:
        slug = _slug(request)
        parcours = app.dossier.lire(slug)
        problemes = parcours.problemes() if parcours.en_revue else []
        lignes = parcours.revue()
        groupes: list[tuple[int, Section, list[Any]]] = []
        for ligne in lignes:
            numero, section = app.questionnaire.section_de(ligne.question.id)
            if not groupes or groupes[-1][0] != numero:
                groupes.append((numero, section, []))
            groupes[-1][2].append(ligne)
        sections_de = {
            ligne.question.id: app.questionnaire.section_de(ligne.question.id)[0] for ligne in lignes
        }
        derniere = app.section_avec_questions(parcours, range(len(app.sections), 0, -1))
        return app.page(
            request,
            "revue.html.j2",
            slug=slug,
            projet=parcours.reponses.get("nom_projet") or slug,
            groupes=groupes,
            problemes=problemes,
            sections_de=sections_de,
            complet=parcours.en_revue,
            reprise=app.reprise(slug, parcours),
            precedent=f"/projet/{slug}/section/{derniere or 1}",
            libelles={q.id: q.libelle for q in app.questionnaire.questions()},
        )

    async def conseil(request: Request) -> Response:
        slug = _slug(request)
        _, advice = app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        from entadvisor.report.render import find_chromium

        barre = app.dessiner("barre_conseil.html.j2", slug=slug, pdf=find_chromium() is not None)
        return HTMLResponse(_inserer_barre(note_html(advice), barre))

    def _telechargement(contenu: str | bytes, nom: str, type_: str) -> Response:
        return Response(
            contenu, media_type=type_, headers={"content-disposition": f'attachment; filename="{nom}"'}
        )

    async def rapport_html(request: Request) -> Response:
        slug = _slug(request)
        _, advice = app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        from entadvisor.report.render import render_report

        return _telechargement(render_report(advice), f"{slug}-rapport.html", "text/html; charset=utf-8")

    async def rapport_pdf(request: Request) -> Response:
        slug = _slug(request)
        _, advice = app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        from entadvisor.report.render import write_pdf, write_report

        with tempfile.TemporaryDirectory(prefix="entadvisor-web-") as dossier:
            html, pdf = Path(dossier) / f"{slug}.html", Path(dossier) / f"{slug}.pdf"
            write_report(advice, html)
            await run_in_threadpool(write_pdf, html, pdf)
            contenu = pdf.read_bytes()
        return _telechargement(contenu, f"{slug}-rapport.pdf", "application/pdf")

    async def fichier_reponses(request: Request) -> Response:
        slug = _slug(request)
        fichier = app.dossier.fichier(slug)
        app.dossier.lire(slug)  # refuses a missing or unreadable file in French
        return _telechargement(fichier.read_bytes(), fichier.name, "application/yaml; charset=utf-8")

    return [
        Route("/", accueil, methods=["GET"]),
        Route("/projets", creer, methods=["POST"]),
        Route("/projet/{slug}/", projet, methods=["GET"]),
        Route("/projet/{slug}/section/{numero:int}", voir_section, methods=["GET"]),
        Route("/projet/{slug}/section/{numero:int}", envoyer_section, methods=["POST"]),
        Route("/projet/{slug}/revue", revue, methods=["GET"]),
        Route("/projet/{slug}/conseil", conseil, methods=["GET"]),
        Route("/projet/{slug}/rapport.html", rapport_html, methods=["GET"]),
        Route("/projet/{slug}/rapport.pdf", rapport_pdf, methods=["GET"]),
        Route("/projet/{slug}/reponses.yaml", fichier_reponses, methods=["GET"]),
    ]


def _inserer_barre(note: str, barre: str) -> str:
    """Put the web page's navigation just before the note's <main> (after its skip link and header,
    which stay first), or at the top of its <body>."""
    position = note.find("<main")
    if position < 0:
        debut = note.find("<body")
        position = note.find(">", debut) + 1 if debut >= 0 else 0
        if position <= 0:
            raise ValueError("la note n'a ni <main> ni <body>")
    return note[:position] + barre + "\n" + note[position:]


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

    from entadvisor.report.render import NavigateurIntrouvable

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
