"""The pages of the browser questionnaire and its downloads: one method per route (see ``_routes`` in
:mod:`.app`), each drawing a template of ``templates/`` or returning a file; the advice page is the note of
the report with a bar of actions inserted after its skip link."""

from __future__ import annotations

import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Protocol

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response

from entadvisor.questionnaire.model import Questionnaire, Section
from entadvisor.questionnaire.parcours import Parcours
from entadvisor.report.docx import docx_bytes
from entadvisor.report.render import find_chromium, render_report, write_pdf, write_report

from . import formulaire
from .projets import Dossier


class Application(Protocol):
    """What the pages use of the server's :class:`~entadvisor.web.app.Application` (which imports this
    module, never the reverse)."""

    dossier: Dossier
    questionnaire: Questionnaire
    sections: list[Section]

    def page(self, request: Request, modele: str, statut: int = 200, **contexte: Any) -> HTMLResponse: ...
    def dessiner(self, modele: str, **contexte: Any) -> str: ...
    def reprise(self, slug: str, parcours: Parcours) -> str: ...
    def section_avec_questions(self, parcours: Parcours, numeros: range) -> int | None: ...
    def section(self, numero: int) -> Section: ...
    def conseil(self, slug: str) -> tuple[Parcours, Any]: ...
    async def formulaire(self, request: Request) -> Mapping[str, list[str]]: ...


def note_html(advice: Any) -> str:
    """The advice page's content: the note of the report, a complete HTML document.

    The one place where the web front end asks the report module for the note (swap it here).
    """
    return render_report(advice)


def _slug(request: Request) -> str:
    return str(request.path_params["slug"])


DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _telechargement(contenu: str | bytes, nom: str, type_: str) -> Response:
    return Response(
        contenu, media_type=type_, headers={"content-disposition": f'attachment; filename="{nom}"'}
    )


class Pages:
    """The handlers of the pages and downloads, over one :class:`Application`."""

    def __init__(self, app: Application) -> None:
        self.app = app

    async def accueil(self, request: Request) -> Response:
        return self.app.page(
            request,
            "accueil.html.j2",
            projets=self.app.dossier.projets(),
            sections=len(self.app.sections),
            dossier=str(self.app.dossier.chemin),
            erreur=None,
            nom="",
        )

    async def creer(self, request: Request) -> Response:
        valeurs = await self.app.formulaire(request)
        nom = " ".join((valeurs.get("nom_projet") or [""])[0].split())
        try:
            slug = self.app.dossier.creer(nom)
        except ValueError as exc:
            return self.app.page(
                request,
                "accueil.html.j2",
                statut=422,
                projets=self.app.dossier.projets(),
                sections=len(self.app.sections),
                dossier=str(self.app.dossier.chemin),
                erreur=str(exc),
                nom=nom,
            )
        return RedirectResponse(f"/projet/{slug}/", status_code=303)

    async def projet(self, request: Request) -> Response:
        slug = _slug(request)
        return RedirectResponse(self.app.reprise(slug, self.app.dossier.lire(slug)), status_code=303)

    def page_section(
        self,
        request: Request,
        slug: str,
        numero: int,
        parcours: Parcours,
        depuis: str,
        saisies: Mapping[str, list[str]] | None = None,
        erreurs: Mapping[str, str] | None = None,
        statut: int = 200,
    ) -> Response:
        section = self.app.section(numero)
        champs = formulaire.champs(section, parcours, saisies, erreurs)
        return self.app.page(
            request,
            "section.html.j2",
            statut=statut,
            slug=slug,
            projet=parcours.reponses.get("nom_projet") or slug,
            section=section,
            numero=numero,
            sections=len(self.app.sections),
            champs=champs,
            depuis=depuis,
            erreurs=[c for c in champs if c.erreur],
        )

    async def voir_section(self, request: Request) -> Response:
        slug, numero = _slug(request), int(request.path_params["numero"])
        parcours = self.app.dossier.lire(slug)
        section = self.app.section(numero)
        depuis = "revue" if request.query_params.get("depuis") == "revue" else ""
        if not formulaire.questions_affichees(section, parcours.reponses):
            suivante = self.app.section_avec_questions(
                parcours, range(numero + 1, len(self.app.sections) + 1)
            )
            cible = f"/projet/{slug}/section/{suivante}" if suivante else f"/projet/{slug}/revue"
            return RedirectResponse(cible, status_code=303)
        return self.page_section(request, slug, numero, parcours, depuis)

    async def envoyer_section(self, request: Request) -> Response:
        slug, numero = _slug(request), int(request.path_params["numero"])
        valeurs = await self.app.formulaire(request)
        parcours = self.app.dossier.lire(slug)
        section = self.app.section(numero)
        affichees = valeurs.get("_affichees", [])
        lecture = formulaire.lire_section(section, parcours, valeurs, affichees)
        nouveau = Parcours(self.app.questionnaire, lecture.reponses, lecture.inconnues)
        self.app.dossier.ecrire(slug, nouveau)
        depuis = "revue" if (valeurs.get("_depuis") or [""])[0] == "revue" else ""
        if (valeurs.get("_action") or [""])[0] == "precedent":
            # « Précédent » keeps what is valid on the page and goes back (to the review when the
            # page was opened from it, as the terminal's « < » does); an unfinished field waits.
            if depuis:
                return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
            precedente = self.app.section_avec_questions(nouveau, range(numero - 1, 0, -1))
            cible = f"/projet/{slug}/section/{precedente}" if precedente else "/"
            return RedirectResponse(cible, status_code=303)
        if lecture.erreurs:
            return self.page_section(
                request, slug, numero, nouveau, depuis, valeurs, lecture.erreurs, statut=422
            )
        suffixe = "?depuis=revue" if depuis else ""
        nouvelles = [
            q
            for q in formulaire.questions_affichees(section, nouveau.reponses)
            if q.id not in affichees and nouveau.valeur_courante(q) is None
        ]
        if nouvelles:
            cible = f"/projet/{slug}/section/{numero}{suffixe}#q-{nouvelles[0].id}"
        elif depuis:
            cible = self.app.reprise(slug, nouveau)
        else:
            suivante = self.app.section_avec_questions(nouveau, range(numero + 1, len(self.app.sections) + 1))
            cible = f"/projet/{slug}/section/{suivante}" if suivante else self.app.reprise(slug, nouveau)
        return RedirectResponse(cible, status_code=303)

    async def revue(self, request: Request) -> Response:
        slug = _slug(request)
        parcours = self.app.dossier.lire(slug)
        problemes = parcours.problemes() if parcours.en_revue else []
        lignes = parcours.revue()
        groupes: list[tuple[int, Section, list[Any]]] = []
        for ligne in lignes:
            numero, section = self.app.questionnaire.section_de(ligne.question.id)
            if not groupes or groupes[-1][0] != numero:
                groupes.append((numero, section, []))
            groupes[-1][2].append(ligne)
        sections_de = {
            ligne.question.id: self.app.questionnaire.section_de(ligne.question.id)[0] for ligne in lignes
        }
        derniere = self.app.section_avec_questions(parcours, range(len(self.app.sections), 0, -1))
        return self.app.page(
            request,
            "revue.html.j2",
            slug=slug,
            projet=parcours.reponses.get("nom_projet") or slug,
            groupes=groupes,
            problemes=problemes,
            sections_de=sections_de,
            complet=parcours.en_revue,
            reprise=self.app.reprise(slug, parcours),
            precedent=f"/projet/{slug}/section/{derniere or 1}",
            libelles={q.id: q.libelle for q in self.app.questionnaire.questions()},
        )

    async def conseil(self, request: Request) -> Response:
        slug = _slug(request)
        _, advice = self.app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        barre = self.app.dessiner("barre_conseil.html.j2", slug=slug, pdf=find_chromium() is not None)
        return HTMLResponse(_inserer_barre(note_html(advice), barre))

    async def rapport_html(self, request: Request) -> Response:
        slug = _slug(request)
        _, advice = self.app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        return _telechargement(render_report(advice), f"{slug}-rapport.html", "text/html; charset=utf-8")

    async def rapport_pdf(self, request: Request) -> Response:
        slug = _slug(request)
        _, advice = self.app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        with tempfile.TemporaryDirectory(prefix="entadvisor-web-") as dossier:
            html, pdf = Path(dossier) / f"{slug}.html", Path(dossier) / f"{slug}.pdf"
            write_report(advice, html)
            await run_in_threadpool(write_pdf, html, pdf)
            contenu = pdf.read_bytes()
        return _telechargement(contenu, f"{slug}-rapport.pdf", "application/pdf")

    async def rapport_docx(self, request: Request) -> Response:
        slug = _slug(request)
        _, advice = self.app.conseil(slug)
        if advice is None:
            return RedirectResponse(f"/projet/{slug}/revue", status_code=303)
        return _telechargement(docx_bytes(advice), f"{slug}-note.docx", DOCX)

    async def fichier_reponses(self, request: Request) -> Response:
        slug = _slug(request)
        fichier = self.app.dossier.fichier(slug)
        self.app.dossier.lire(slug)  # refuses a missing or unreadable file in French
        return _telechargement(fichier.read_bytes(), fichier.name, "application/yaml; charset=utf-8")


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
