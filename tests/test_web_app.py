"""The web questionnaire in-process (Starlette's TestClient, no browser): pages, flow, saving,
resume, advice and downloads, and the security checks (CSRF, Host, path traversal, sizes)."""

from __future__ import annotations

import datetime as dt
import html
import io
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import docx
import pytest
import yaml
from click.testing import CliRunner
from starlette.testclient import TestClient

from entadvisor.answers import FORMAT_VERSION
from entadvisor.cli import main
from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.questionnaire.model import Question
from entadvisor.web import creer_app
from entadvisor.web.projets import Dossier, ProjetIntrouvable, slug_de
from entadvisor.web.sigles import Sigles, expansion

ROOT = Path(__file__).resolve().parent.parent
EXEMPLES = ROOT / "questionnaires" / "examples"
DATE = dt.date(2026, 11, 29)
ORIGINE = "http://127.0.0.1:8765"
QUESTIONNAIRE = load_questionnaire()


# --- personas: an example answer file, completed as a person would answer ---------------------------


def persona(nom: str) -> dict[str, Any]:
    """The answers of an example file, for every question asked: « je ne sais pas » (the marker
    ``None``) where the file leaves an optional key out, the default where it has one."""
    donnees = yaml.safe_load((EXEMPLES / f"{nom}.yaml").read_text(encoding="utf-8"))
    reponses: dict[str, Any] = {}
    for question in QUESTIONNAIRE.questions():
        if question.visible(reponses) is not True:
            continue
        if question.id in donnees:
            reponses[question.id] = question.accepter(donnees[question.id])
        elif question.defaut is not None:
            reponses[question.id] = question.accepter(question.defaut)
        else:
            assert question.ne_sait_pas is not None, question.id
            reponses[question.id] = None
    return reponses


def valeur_de_formulaire(question: Question, valeur: Any) -> str:
    """What a person puts in the field: a choice's code, oui/non, or the French typed form."""
    if valeur is None:
        return "ne_sait_pas"
    if question.type == "oui_non":
        return "oui" if valeur else "non"
    if question.type == "choix":
        return str(valeur)
    return question.en_saisie(valeur)


def saisie_terminal(question: Question, valeur: Any) -> str:
    return "nsp" if valeur is None else question.en_saisie(valeur)


def fichier_attendu(reponses: Mapping[str, Any]) -> dict[str, Any]:
    return {"version": FORMAT_VERSION, **{k: v for k, v in reponses.items() if v is not None}}


# --- a client that fills the forms like a browser ------------------------------------------------


class Visiteur:
    """A TestClient that keeps its cookie and posts each form with the token of the page."""

    def __init__(self, dossier: Path, **options: Any) -> None:
        options.setdefault("date_analyse", DATE)
        self.client = TestClient(creer_app(dossier, **options), base_url=ORIGINE)
        self.page = ""

    def get(self, chemin: str, **kwargs: Any) -> Any:
        reponse = self.client.get(chemin, **kwargs)
        self.page = reponse.text
        return reponse

    def jeton(self) -> str:
        trouve = re.search(r'name="_jeton" value="([0-9a-f]+)"', self.page)
        assert trouve, self.page[:500]
        return trouve.group(1)

    def affichees(self) -> list[str]:
        return re.findall(r'name="_affichees" value="([a-z_]+)"', self.page)

    def envoyer(self, action: str, donnees: Mapping[str, Any], **kwargs: Any) -> Any:
        reponse = self.client.post(action, data={"_jeton": self.jeton(), **donnees}, **kwargs)
        self.page = reponse.text
        return reponse

    def creer(self, nom: str) -> str:
        self.get("/")
        reponse = self.envoyer("/projets", {"nom_projet": nom}, follow_redirects=False)
        assert reponse.status_code == 303
        return str(reponse.headers["location"]).split("/")[2]

    def action(self) -> str:
        trouve = re.search(r'<form method="post" action="([^"]+)"', self.page)
        assert trouve
        return trouve.group(1)

    def remplir(self, reponses: Mapping[str, Any]) -> Any:
        """Answer the page shown with ``reponses`` (only the fields on it) and post it."""
        donnees = {
            qid: valeur_de_formulaire(QUESTIONNAIRE.question(qid), reponses[qid])  # type: ignore[arg-type]
            for qid in self.affichees()
        }
        donnees["_affichees"] = self.affichees()
        if 'name="_depuis" value="revue"' in self.page:
            donnees["_depuis"] = "revue"
        return self.envoyer(self.action(), donnees)

    def repondre_tout(self, slug: str, reponses: Mapping[str, Any]) -> list[str]:
        """Answer every page from where the project stands to the review; returns the pages' URLs."""
        reponse = self.get(f"/projet/{slug}/")
        pages = []
        while "/section/" in str(reponse.url):
            pages.append(str(reponse.url))
            assert len(pages) < 30, pages
            reponse = self.remplir(reponses)
            assert reponse.status_code == 200, self.page[:2000]
        assert str(reponse.url).endswith("/revue")
        return pages


@pytest.fixture
def visiteur(tmp_path: Path) -> Visiteur:
    return Visiteur(tmp_path / "projets")


def texte(reponse: Any) -> str:
    """A page's text with HTML entities decoded (apostrophes are escaped in the HTML)."""
    return html.unescape(reponse.text)


def lire(chemin: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(chemin.read_text(encoding="utf-8"))
    return data


# --- the flow ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "sections"),
    [
        pytest.param("commune-rurale-1-ecole", "1234567", id="commune-rurale-1-ecole"),
        # « besoin: adaptations » reveals « specifications_precises » on the same page, shown again
        pytest.param("interco-45-ecoles", "12345667", id="interco-45-ecoles"),
    ],
)
def test_a_persona_answers_every_section_and_gets_the_advice(
    visiteur: Visiteur, tmp_path: Path, nom: str, sections: str
) -> None:
    """One page per section, the answer file complete after the last one, the review then the advice."""
    reponses = persona(nom)
    slug = visiteur.creer(str(reponses["nom_projet"]))
    pages = visiteur.repondre_tout(slug, reponses)
    assert "".join(p.rsplit("/", 1)[1].split("#")[0] for p in pages) == sections
    fichier = tmp_path / "projets" / f"{slug}.yaml"
    assert lire(fichier) == fichier_attendu(reponses)
    assert "Questionnaire complet." in fichier.read_text(encoding="utf-8")
    assert "Voir le conseil" in visiteur.page
    conseil = visiteur.get(f"/projet/{slug}/conseil")
    assert conseil.status_code == 200
    assert "note d'aide à la décision" in conseil.text and "Télécharger le rapport (HTML)" in conseil.text


def test_the_rural_commune_answers_je_ne_sais_pas_to_the_mutualised_offer(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    reponses = persona("commune-rurale-1-ecole")
    assert reponses["offre_mutualisee"] == "ne_sait_pas"
    slug = visiteur.creer("Villiers")
    visiteur.repondre_tout(slug, reponses)
    texte = (tmp_path / "projets" / f"{slug}.yaml").read_text(encoding="utf-8")
    assert "offre_mutualisee: ne_sait_pas" in texte
    assert "# je_ne_sais_pas: prix_eleve_an_ht, date_lancement" in texte
    assert "je ne sais pas" in visiteur.page  # the review shows it in words


def test_the_web_and_the_terminal_files_give_the_same_advice_json(tmp_path: Path) -> None:
    """Same answers typed in the browser and in the terminal: same file content, same advice JSON."""
    for nom in ("commune-rurale-1-ecole", "interco-45-ecoles"):
        reponses = persona(nom)
        visiteur = Visiteur(tmp_path / "web")
        slug = visiteur.creer(str(reponses["nom_projet"]))
        visiteur.repondre_tout(slug, reponses)
        web = tmp_path / "web" / f"{slug}.yaml"
        terminal = tmp_path / f"terminal-{nom}.yaml"
        lignes = [saisie_terminal(QUESTIONNAIRE.question(q), v) for q, v in reponses.items()]  # type: ignore[arg-type]
        resultat = CliRunner().invoke(
            main,
            ["questionnaire", "-o", str(terminal), "--date-analyse", DATE.isoformat()],
            input="\n".join([*lignes, ""]) + "\n",
        )
        assert resultat.exit_code == 0, resultat.output
        assert lire(web) == lire(terminal)
        conseils = [
            CliRunner().invoke(main, ["conseil", str(f), "--json", "--date-analyse", DATE.isoformat()])
            for f in (web, terminal)
        ]
        assert all(c.exit_code == 0 for c in conseils), [c.output for c in conseils]
        assert json.loads(conseils[0].stdout) == json.loads(conseils[1].stdout)


def test_fields_are_named_after_answer_keys_and_choices_carry_their_codes(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Noms")
    page = visiteur.get(f"/projet/{slug}/section/5").text
    assert 'name="offre_mutualisee" value="groupement_existant"' in page
    assert "<fieldset" in page and "<legend>" in page
    page = visiteur.get(f"/projet/{slug}/section/2").text
    assert 'name="nombre_ecoles"' in page and 'inputmode="numeric"' in page
    assert '<label class="intitule" for="nombre_ecoles">' in page


def test_french_numbers_and_dates_are_read_as_the_terminal_reads_them(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    reponses = persona("interco-45-ecoles")
    slug = visiteur.creer("Nombres")
    visiteur.repondre_tout(slug, reponses)
    visiteur.get(f"/projet/{slug}/section/2?depuis=revue")
    assert visiteur.remplir({**reponses, "nombre_eleves": 1850}).status_code == 200
    visiteur.get(f"/projet/{slug}/section/7?depuis=revue")
    donnees = {"_affichees": visiteur.affichees(), "rentree_visee": "2028", "date_lancement": "15/03/2027"}
    visiteur.envoyer(visiteur.action(), {**donnees, "_depuis": "revue"})
    visiteur.get(f"/projet/{slug}/section/6?depuis=revue")
    donnees = {
        "_affichees": visiteur.affichees(),
        **{q: valeur_de_formulaire(QUESTIONNAIRE.question(q), reponses[q]) for q in visiteur.affichees()},  # type: ignore[arg-type]
        "prix_eleve_an_ht": "4,50",
        "couts_ponctuels_ht": "18 000 €",
        "_depuis": "revue",
    }
    visiteur.envoyer(visiteur.action(), donnees)
    fichier = lire(tmp_path / "projets" / f"{slug}.yaml")
    assert fichier["nombre_eleves"] == 1850
    assert fichier["date_lancement"] == dt.date(2027, 3, 15)
    assert fichier["prix_eleve_an_ht"] == 4.5
    assert fichier["couts_ponctuels_ht"] == 18000


def test_an_invalid_page_shows_an_error_summary_linked_to_each_field_and_keeps_the_valid_answers(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    slug = visiteur.creer("Erreurs")
    visiteur.get(f"/projet/{slug}/section/2")
    donnees = {
        "_affichees": visiteur.affichees(),
        "nombre_ecoles": "12",
        "nombre_classes": "abc",
        "nombre_eleves": "",
    }
    reponse = visiteur.envoyer(visiteur.action(), donnees)
    assert reponse.status_code == 422
    page = reponse.text
    assert "<title>Erreur : " in page
    assert 'role="alert"' in page and "Il y a 3 erreurs" in page
    assert '<a href="#nombre_classes">Classes : « abc » n&#39;est pas un nombre entier' in page
    assert '<a href="#degres-1">' in page  # a radio group links to its first radio
    assert 'aria-describedby="indication-nombre_classes aide-nombre_classes erreur-nombre_classes"' in page
    assert 'aria-invalid="true"' in page and 'value="abc"' in page
    assert "Erreur : Une réponse est attendue : complétez ce champ ou cochez « Je ne sais pas »." in page
    assert lire(tmp_path / "projets" / f"{slug}.yaml")["nombre_ecoles"] == 12


def test_a_bound_that_depends_on_an_earlier_answer_of_the_same_page_uses_the_new_answer(
    visiteur: Visiteur,
) -> None:
    slug = visiteur.creer("Bornes")
    visiteur.get(f"/projet/{slug}/section/2")
    donnees = {
        "_affichees": visiteur.affichees(),
        "nombre_ecoles": "12",
        "nombre_classes": "5",
        "nombre_eleves": "ne_sait_pas",
        "degres": "premier_degre",
    }
    reponse = visiteur.envoyer(visiteur.action(), donnees)
    assert reponse.status_code == 422
    assert "chaque école compte au moins une classe" in reponse.text


def test_a_condition_reveals_a_question_on_the_same_page_and_its_answer_goes_when_it_stops_holding(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    slug = visiteur.creer("Conditions")
    visiteur.get(f"/projet/{slug}/section/3")
    assert "fin_contrat_actuel" not in visiteur.affichees()
    donnees = {
        "_affichees": visiteur.affichees(),
        "ent_existant": "partiel",
        "usages_numeriques": "moyens",
        "equipement_ecoles": "bon",
    }
    reponse = visiteur.envoyer(visiteur.action(), donnees)
    assert str(reponse.url).endswith(f"/projet/{slug}/section/3#q-fin_contrat_actuel")
    assert visiteur.affichees() == [
        "ent_existant",
        "fin_contrat_actuel",
        "usages_numeriques",
        "equipement_ecoles",
    ]
    reponse = visiteur.envoyer(
        visiteur.action(), {**donnees, "_affichees": visiteur.affichees(), "fin_contrat_actuel": "31/08/2028"}
    )
    assert str(reponse.url).endswith(f"/projet/{slug}/section/4")
    fichier = tmp_path / "projets" / f"{slug}.yaml"
    assert lire(fichier)["fin_contrat_actuel"] == dt.date(2028, 8, 31)
    visiteur.get(f"/projet/{slug}/section/3")
    visiteur.envoyer(
        visiteur.action(),
        {
            **donnees,
            "_affichees": visiteur.affichees(),
            "ent_existant": "aucun",
            "fin_contrat_actuel": "31/08/2028",
        },
    )
    assert "fin_contrat_actuel" not in lire(fichier)


def test_progress_and_precedent_which_keeps_what_is_valid_on_the_page(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    slug = visiteur.creer("Progression")
    page = visiteur.get(f"/projet/{slug}/section/3").text
    assert "Section 3 sur 7" in page
    assert (
        '<button type="submit" class="secondaire" name="_action" value="precedent">Précédent</button>' in page
    )
    donnees = {
        "_affichees": visiteur.affichees(),
        "_action": "precedent",
        "ent_existant": "aucun",
        "usages_numeriques": "beaucoup",
    }
    reponse = visiteur.envoyer(visiteur.action(), donnees, follow_redirects=False)
    assert reponse.status_code == 303 and reponse.headers["location"] == f"/projet/{slug}/section/2"
    fichier = lire(tmp_path / "projets" / f"{slug}.yaml")
    assert fichier["ent_existant"] == "aucun" and "usages_numeriques" not in fichier
    visiteur.get(f"/projet/{slug}/section/1")
    reponse = visiteur.envoyer(visiteur.action(), {"_action": "precedent"}, follow_redirects=False)
    assert reponse.headers["location"] == "/"
    visiteur.get(f"/projet/{slug}/section/2?depuis=revue")
    reponse = visiteur.envoyer(
        visiteur.action(), {"_action": "precedent", "_depuis": "revue"}, follow_redirects=False
    )
    assert reponse.headers["location"] == f"/projet/{slug}/revue"


def test_a_change_from_the_review_comes_back_to_the_review(visiteur: Visiteur, tmp_path: Path) -> None:
    reponses = persona("interco-45-ecoles")
    slug = visiteur.creer("Revue")
    visiteur.repondre_tout(slug, reponses)
    lien = f"/projet/{slug}/section/2?depuis=revue#q-nombre_ecoles"
    assert f'href="{lien}">Modifier<span class="visuellement-cache"> : Écoles</span>' in visiteur.page
    visiteur.get(lien)
    assert "Enregistrer et revenir au récapitulatif" in visiteur.page
    reponse = visiteur.remplir({**reponses, "nombre_ecoles": 44})
    assert str(reponse.url).endswith(f"/projet/{slug}/revue")
    assert lire(tmp_path / "projets" / f"{slug}.yaml")["nombre_ecoles"] == 44


def test_an_inconsistency_is_shown_on_the_review_with_a_link_and_no_advice(
    visiteur: Visiteur, tmp_path: Path
) -> None:
    """A file written elsewhere (by hand, by another tool) with fewer classes than schools."""
    reponses = persona("commune-rurale-1-ecole")
    slug = visiteur.creer("Incoherent")
    visiteur.repondre_tout(slug, reponses)
    fichier = tmp_path / "projets" / f"{slug}.yaml"
    fichier.write_text(
        fichier.read_text(encoding="utf-8").replace("nombre_ecoles: 1\n", "nombre_ecoles: 9\n"),
        encoding="utf-8",
    )
    page = texte(visiteur.get(f"/projet/{slug}/revue"))
    assert "Une réponse est à corriger avant d'obtenir le conseil" in page
    assert (
        f'href="/projet/{slug}/section/2?depuis=revue#q-nombre_classes">Classes : valeurs incohérentes : il y a moins de classes (4)'
        in page
    )
    assert "Voir le conseil" not in page
    assert "des réponses sont à corriger au récapitulatif" in visiteur.get("/").text
    conseil = visiteur.client.get(f"/projet/{slug}/conseil", follow_redirects=False)
    assert conseil.status_code == 303 and conseil.headers["location"] == f"/projet/{slug}/revue"


def test_a_project_resumes_where_it_was_after_a_server_restart(tmp_path: Path) -> None:
    reponses = persona("interco-45-ecoles")
    premier = Visiteur(tmp_path / "projets")
    slug = premier.creer("Reprise")
    premier.get(f"/projet/{slug}/")
    for _ in range(3):
        premier.remplir(reponses)
    second = Visiteur(tmp_path / "projets")  # a new server on the same dossier
    accueil = second.get("/").text
    assert "En cours : section 4 sur 7" in accueil
    assert str(second.get(f"/projet/{slug}/").url).endswith(f"/projet/{slug}/section/4")
    # a page loaded before the restart still posts: the token's secret lives in the dossier
    premier.get(f"/projet/{slug}/section/4")
    assert premier.remplir(reponses).status_code == 200


def test_the_home_page_lists_projects_with_their_state(tmp_path: Path) -> None:
    visiteur = Visiteur(tmp_path / "projets")
    complet = visiteur.creer("Projet complet")
    visiteur.repondre_tout(complet, persona("commune-rurale-1-ecole"))
    visiteur.creer("Projet commencé")
    (tmp_path / "projets" / "casse.yaml").write_text("nombre_ecoles: beaucoup\n", encoding="utf-8")
    page = visiteur.get("/").text
    assert 'href="/projet/projet-complet/">ENT de l&#39;école de Villiers-le-Sec</a>' in page
    assert "Complet : le conseil est prêt." in page
    assert (
        'href="/projet/projet-commence/">Projet commencé</a>' in page and "En cours : section 1 sur 7" in page
    )
    assert "Fichier illisible" in page and "nombre_ecoles" in page
    assert "Sans réponse" in visiteur.get("/projet/projet-commence/revue").text


def test_a_new_project_needs_a_name_and_two_names_give_two_files(visiteur: Visiteur, tmp_path: Path) -> None:
    visiteur.get("/")
    reponse = visiteur.envoyer("/projets", {"nom_projet": "  "})
    assert reponse.status_code == 422 and "Donnez un nom au projet" in reponse.text
    reponse = visiteur.envoyer("/projets", {"nom_projet": "x" * 201})
    assert reponse.status_code == 422 and "Le texte fait 201 caractères ; 200 au plus." in reponse.text
    assert 'href="#nom_projet"' in reponse.text and 'aria-invalid="true"' in reponse.text
    assert visiteur.creer("ENT de Saint-Martin") == "ent-de-saint-martin"
    assert visiteur.creer("ENT de Saint-Martin") == "ent-de-saint-martin-2"
    assert lire(tmp_path / "projets" / "ent-de-saint-martin.yaml")["nom_projet"] == "ENT de Saint-Martin"


# --- the result ----------------------------------------------------------------------------------


def test_downloads_of_the_report_and_the_answer_file(visiteur: Visiteur, tmp_path: Path) -> None:
    slug = visiteur.creer("Telechargements")
    visiteur.repondre_tout(slug, persona("commune-rurale-1-ecole"))
    rapport = visiteur.client.get(f"/projet/{slug}/rapport.html")
    assert rapport.status_code == 200
    assert rapport.headers["content-disposition"] == f'attachment; filename="{slug}-rapport.html"'
    assert rapport.text.startswith("<!DOCTYPE html>") and 'lang="fr"' in rapport.text
    reponses = visiteur.client.get(f"/projet/{slug}/reponses.yaml")
    assert reponses.content == (tmp_path / "projets" / f"{slug}.yaml").read_bytes()
    note = visiteur.client.get(f"/projet/{slug}/note.docx")
    assert note.status_code == 200
    assert note.headers["content-disposition"] == f'attachment; filename="{slug}-note.docx"'
    assert note.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument")
    texte = "\n".join(p.text for p in docx.Document(io.BytesIO(note.content)).paragraphs)
    assert "La note aux élus" in texte or "note aux élus" in texte.lower()
    conseil = visiteur.client.get(f"/projet/{slug}/conseil")
    assert f'href="/projet/{slug}/note.docx"' in conseil.text


def test_the_advice_waits_for_complete_answers(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Incomplet")
    reponse = visiteur.client.get(f"/projet/{slug}/conseil", follow_redirects=False)
    assert reponse.status_code == 303 and reponse.headers["location"] == f"/projet/{slug}/revue"
    page = visiteur.get(f"/projet/{slug}/revue").text
    assert "Des questions n'ont pas encore de réponse" in page and "Voir le conseil" not in page


# --- security ------------------------------------------------------------------------------------


def test_a_forged_post_without_the_token_is_refused_in_french(visiteur: Visiteur, tmp_path: Path) -> None:
    slug = visiteur.creer("Jeton")
    fichier = tmp_path / "projets" / f"{slug}.yaml"
    avant = fichier.read_bytes()
    for donnees in (
        {"nombre_ecoles": "3", "_affichees": "nombre_ecoles"},
        {"nombre_ecoles": "3", "_affichees": "nombre_ecoles", "_jeton": "0" * 64},
    ):
        reponse = visiteur.client.post(f"/projet/{slug}/section/2", data=donnees)
        assert reponse.status_code == 403
        assert "jeton de sécurité" in texte(reponse) and 'lang="fr"' in reponse.text
    autre = TestClient(
        creer_app(tmp_path / "projets", date_analyse=DATE), base_url=ORIGINE
    )  # another browser
    visiteur.get("/")  # a valid token, but for the first browser's cookie
    reponse = autre.post("/projets", data={"nom_projet": "Pirate", "_jeton": visiteur.jeton()})
    assert reponse.status_code == 403
    assert fichier.read_bytes() == avant and not (tmp_path / "projets" / "pirate.yaml").exists()


def test_a_post_from_another_origin_is_refused_in_french(visiteur: Visiteur) -> None:
    visiteur.get("/")
    reponse = visiteur.envoyer(
        "/projets", {"nom_projet": "Pirate"}, headers={"origin": "http://evil.example"}
    )
    assert reponse.status_code == 403 and "envoyé depuis une autre adresse" in texte(reponse)
    visiteur.get("/")
    reponse = visiteur.envoyer("/projets", {"nom_projet": "Pirate"}, headers={"origin": "null"})
    assert reponse.status_code == 403
    visiteur.get("/")
    reponse = visiteur.envoyer(
        "/projets", {"nom_projet": "Ami"}, headers={"origin": ORIGINE}, follow_redirects=False
    )
    assert reponse.status_code == 303


@pytest.mark.parametrize("hote", ["evil.example:8765", "127.0.0.1:9999", "192.168.1.10:8765", ""])
def test_a_wrong_host_header_is_refused_in_french(visiteur: Visiteur, hote: str) -> None:
    reponse = visiteur.client.get("/", headers={"host": hote})
    assert reponse.status_code == 400
    assert "ne répond qu'à l'adresse où elle a été lancée" in texte(reponse)


def test_localhost_is_accepted_as_well_as_127_0_0_1(visiteur: Visiteur) -> None:
    assert visiteur.client.get("/", headers={"host": "localhost:8765"}).status_code == 200


@pytest.mark.parametrize(
    "chemin",
    [
        "/projet/..%2F..%2Fetc%2Fpasswd/",
        "/projet/Mon%20Projet/",
        "/projet/.entadvisor-web-secret/",
        "/projet/a--b/revue",
        "/projet/%2e%2e/reponses.yaml",
    ],
)
def test_a_project_name_that_is_not_a_slug_is_refused_in_french(visiteur: Visiteur, chemin: str) -> None:
    reponse = visiteur.client.get(chemin)
    assert reponse.status_code == 404
    assert 'lang="fr"' in reponse.text
    assert "root:" not in reponse.text


def test_the_dossier_refuses_paths_outside_itself(tmp_path: Path) -> None:
    dossier = Dossier(tmp_path, QUESTIONNAIRE)
    for nom in ("../x", "x/y", "..", "", "X", "a" * 61, "-a"):
        with pytest.raises(ProjetIntrouvable, match="n'est pas un nom de projet"):
            dossier.fichier(nom)
    assert dossier.fichier("ent-2").parent == tmp_path


def test_an_oversized_post_is_refused_before_it_is_read(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Taille")
    visiteur.get(f"/projet/{slug}/section/1")
    reponse = visiteur.envoyer(visiteur.action(), {"nom_projet": "x" * 70_000, "_affichees": "nom_projet"})
    assert reponse.status_code == 413 and "dépasse 64 Kio" in reponse.text


def test_a_too_long_answer_is_an_error_of_its_field(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Long")
    visiteur.get(f"/projet/{slug}/section/1")
    reponse = visiteur.envoyer(visiteur.action(), {"nom_projet": "x" * 300, "_affichees": "nom_projet"})
    assert reponse.status_code == 422 and "Le texte fait 300 caractères ; 200 au plus." in reponse.text


def test_user_text_is_escaped_everywhere(visiteur: Visiteur) -> None:
    slug = visiteur.creer('<script>alert("x")</script> & Cie')
    assert slug == "script-alert-x-script-cie"
    for chemin in ("/", f"/projet/{slug}/section/1", f"/projet/{slug}/revue"):
        page = visiteur.get(chemin).text
        assert "<script>" not in page and "&lt;script&gt;" in page


def test_every_page_has_security_headers_and_no_external_resource(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Entetes")
    visiteur.repondre_tout(slug, persona("commune-rurale-1-ecole"))
    for chemin in (
        "/",
        f"/projet/{slug}/section/1",
        f"/projet/{slug}/revue",
        f"/projet/{slug}/conseil",
        "/nulle-part",
    ):
        reponse = visiteur.client.get(chemin)
        assert "script-src" not in reponse.headers["content-security-policy"]
        assert "default-src 'none'" in reponse.headers["content-security-policy"]
        assert reponse.headers["x-frame-options"] == "DENY"
        assert not re.search(r'(?:src|href)="(?:https?:)?//', reponse.text), chemin
        assert "<script" not in reponse.text


def test_unknown_pages_and_sections_are_french(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Inconnu")
    assert "aucune page" in visiteur.client.get("/nulle-part").text
    reponse = visiteur.client.get(f"/projet/{slug}/section/9")
    assert reponse.status_code == 404 and "le questionnaire en compte 7" in reponse.text
    reponse = visiteur.client.get("/projet/absent/")
    assert reponse.status_code == 404 and "il n'y a pas de projet « absent »" in texte(reponse)


# --- acronyms, slugs, a modified questionnaire ----------------------------------------------------


def test_acronyms_are_spelled_out_at_their_first_use_on_a_page(visiteur: Visiteur) -> None:
    slug = visiteur.creer("Sigles")
    page = visiteur.get(f"/projet/{slug}/section/4").text
    assert (
        page.count(
            '<abbr title="directeur ou directrice académique des services de l&#39;Éducation nationale">DASEN</abbr>'
        )
        >= 1
    )
    assert page.count("(directeur ou directrice académique des services de l&#39;Éducation nationale)") == 1
    # « (DPO) » is already spelled out by the question: the words are not added twice
    assert "(délégué à la protection des données de la collectivité)" not in page
    assert '(<abbr title="délégué à la protection des données de la collectivité">DPO</abbr>)' in page


def test_the_acronym_marker_leaves_spelled_out_acronyms_alone() -> None:
    s = Sigles(
        {
            "ENT": "Espace numérique de travail — services en ligne.",
            "DPO": "Délégué à la protection des données (RGPD).",
        }
    )
    assert (
        expansion("Délégation académique au numérique éducatif (DRANE au niveau).")
        == "délégation académique au numérique éducatif"
    )
    assert str(s("un espace numérique de travail (ENT) et un ENT")) == (
        'un espace numérique de travail (<abbr title="espace numérique de travail">ENT</abbr>) et un '
        '<abbr title="espace numérique de travail">ENT</abbr>'
    )
    assert str(s("le DPO <b>")) == (
        'le <abbr title="délégué à la protection des données">DPO</abbr> (délégué à la protection des données) &lt;b&gt;'
    )
    assert str(s("IA-DASEN, DPOS")) == "IA-DASEN, DPOS"


@pytest.mark.parametrize(
    ("nom", "slug"),
    [
        ("ENT des écoles de Saint-Martin", "ent-des-ecoles-de-saint-martin"),
        ("", "projet"),
        ("!!!", "projet"),
        ("Œuvre  École", "uvre-ecole"),
        ("a" * 80, "a" * 60),
    ],
)
def test_slug_de(nom: str, slug: str) -> None:
    assert slug_de(nom) == slug


def test_pages_render_whatever_the_questionnaire_says(tmp_path: Path) -> None:
    """A questionnaire with « je ne sais pas » added to a yes/no question gets a « Je ne sais pas » radio."""
    texte = (ROOT / "questionnaires" / "ent-premier-degre.yaml").read_text(encoding="utf-8")
    cible = "        type: oui_non\n        si: {question: besoin, sauf: [standard]}\n"
    assert cible in texte
    modifie = tmp_path / "q.yaml"
    modifie.write_text(
        texte.replace(cible, cible + "        ne_sait_pas:\n          effet: on verra plus tard.\n"),
        encoding="utf-8",
    )
    visiteur = Visiteur(tmp_path / "projets", questionnaire=modifie)
    slug = visiteur.creer("Modifie")
    reponses = persona("interco-45-ecoles")
    visiteur.repondre_tout(slug, {**reponses, "specifications_precises": None})
    assert (
        'name="specifications_precises" value="ne_sait_pas"' in visiteur.get(f"/projet/{slug}/section/6").text
    )
    assert "Si vous ne savez pas : on verra plus tard." in visiteur.page
    assert "specifications_precises" not in lire(tmp_path / "projets" / f"{slug}.yaml")


# --- the command ----------------------------------------------------------------------------------


def _port_libre() -> int:
    import socket

    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        return int(prise.getsockname()[1])


def test_web_command_warns_when_listening_beyond_this_machine(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import uvicorn

    lances: list[Any] = []
    monkeypatch.setattr(uvicorn.Server, "run", lambda self: lances.append(self.config))
    port = _port_libre()
    resultat = CliRunner().invoke(
        main,
        ["web", "--dossier", str(tmp_path), "--sans-navigateur", "--hote", "0.0.0.0", "--port", str(port)],
    )
    assert resultat.exit_code == 0, resultat.output
    assert "Attention : l'application écoute sur 0.0.0.0" in resultat.stderr
    assert lances and lances[0].host == "0.0.0.0" and lances[0].port == port
    assert "Serveur arrêté." in resultat.stderr
    port = _port_libre()
    resultat = CliRunner().invoke(
        main, ["web", "--dossier", str(tmp_path), "--sans-navigateur", "--port", str(port)]
    )
    assert "Attention" not in resultat.stderr and f"http://127.0.0.1:{port}/" in resultat.stderr


def test_web_command_says_when_the_port_is_taken(tmp_path: Path) -> None:
    import socket

    with socket.socket() as prise:
        prise.bind(("127.0.0.1", 0))
        prise.listen()
        port = prise.getsockname()[1]
        resultat = CliRunner().invoke(
            main, ["web", "--dossier", str(tmp_path), "--sans-navigateur", "--port", str(port)]
        )
    assert resultat.exit_code == 1
    assert f"le port {port} est déjà utilisé" in resultat.stderr


def test_a_project_begun_in_the_browser_is_finished_in_the_terminal(tmp_path: Path) -> None:
    """Same answer file format: ``entadvisor questionnaire --reprendre`` resumes a web project."""
    reponses = persona("interco-45-ecoles")
    visiteur = Visiteur(tmp_path / "projets")
    slug = visiteur.creer(str(reponses["nom_projet"]))
    visiteur.get(f"/projet/{slug}/")
    for _ in range(3):
        visiteur.remplir(reponses)
    fichier = tmp_path / "projets" / f"{slug}.yaml"
    assert "entadvisor web --dossier" in fichier.read_text(encoding="utf-8")
    deja = lire(fichier)
    restantes = [
        saisie_terminal(QUESTIONNAIRE.question(q), v)  # type: ignore[arg-type]
        for q, v in reponses.items()
        if q not in deja
    ]
    resultat = CliRunner().invoke(
        main,
        ["questionnaire", "--reprendre", str(fichier), "--date-analyse", DATE.isoformat()],
        input="\n".join([*restantes, ""]) + "\n",
    )
    assert resultat.exit_code == 0, resultat.output
    assert lire(fichier) == fichier_attendu(reponses)
    assert "Complet : le conseil est prêt." in visiteur.get("/").text


def test_without_chromium_the_pdf_link_is_absent_and_the_pdf_address_says_why(
    visiteur: Visiteur, monkeypatch: pytest.MonkeyPatch
) -> None:
    from entadvisor.report import render as report
    from entadvisor.web import pages

    monkeypatch.setattr(report, "find_chromium", lambda explicit=None: None)  # what write_pdf looks for
    monkeypatch.setattr(pages, "find_chromium", lambda explicit=None: None)  # the link on the page
    slug = visiteur.creer("Sans Chromium")
    visiteur.repondre_tout(slug, persona("commune-rurale-1-ecole"))
    page = visiteur.get(f"/projet/{slug}/conseil").text
    assert "Télécharger le rapport (HTML)" in page and "(PDF)" not in page
    reponse = visiteur.client.get(f"/projet/{slug}/rapport.pdf")
    assert reponse.status_code == 503 and "Chromium est introuvable" in texte(reponse)
