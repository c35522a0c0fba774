"""Batch evaluation (`entadvisor evaluer`): every file evaluated or reported, outputs stable and whole."""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import multiprocessing
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from outils import outil

from entadvisor.answer_files import load_answers
from entadvisor.batch import outputs as batch_outputs
from entadvisor.batch import run as batch
from entadvisor.batch import synthese as batch_synthese
from entadvisor.batch.bilan import Progression
from entadvisor.cli import main
from entadvisor.errors import EntreeInvalide

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
DATE = "2026-03-01"

fork_seulement = pytest.mark.skipif(
    "fork" not in multiprocessing.get_all_start_methods(),
    reason="les remplacements de fonctions ne passent aux processus d'évaluation que par fork",
)


def _generateur() -> Any:
    return outil("generate_answers")


@pytest.fixture
def mixte(tmp_path: Path) -> Path:
    """A folder of valid, invalid, malformed and unreadable answer files, with things to skip."""
    dossier = tmp_path / "reponses"
    (dossier / "sud").mkdir(parents=True)
    for nom in ("ville-12-ecoles", "rpi-3-communes", "commune-rurale-1-ecole"):
        shutil.copy(EXAMPLES / f"{nom}.yaml", dossier / f"{nom}.yaml")
    shutil.copy(EXAMPLES / "interco-45-ecoles.yaml", dossier / "sud" / "interco-45-ecoles.yml")
    exemple = load_answers(EXAMPLES / "grande-ville-besoins-specifiques.yaml").model_dump(
        mode="json", exclude_none=True
    )
    (dossier / "sud" / "grande-ville.json").write_text(json.dumps(exemple), encoding="utf-8")
    (dossier / "invalide.yaml").write_text(
        (EXAMPLES / "ville-12-ecoles.yaml")
        .read_text(encoding="utf-8")
        .replace("porteur: commune", "porteur: mairie"),
        encoding="utf-8",
    )
    (dossier / "mal-forme.json").write_text('{"porteur": "commune",', encoding="utf-8")
    (dossier / "sud" / "latin1.yaml").write_bytes("nom_projet: École de Sète\n".encode("latin-1"))
    (dossier / "dossier.yaml").mkdir()  # unreadable as a file, even for root
    (dossier / "notes.txt").write_text("pas un fichier de réponses", encoding="utf-8")
    (dossier / ".brouillon.yaml").write_text("pas lu : caché", encoding="utf-8")
    return dossier


ERREURS_MIXTE = ("dossier.yaml", "invalide.yaml", "mal-forme.json", "sud/latin1.yaml")


def _evaluer(*args: str) -> Any:
    return CliRunner().invoke(main, ["evaluer", *args, "--date-analyse", DATE], catch_exceptions=False)


def _csv(dossier: Path) -> list[dict[str, str]]:
    with open(dossier / "synthese.csv", encoding="utf-8-sig", newline="") as fichier:
        return list(csv.DictReader(fichier, delimiter=";"))


def _message_conseil(chemin: Path) -> str:
    """The message `entadvisor conseil` prints for a bad file."""
    with pytest.raises(EntreeInvalide) as erreur:
        load_answers(chemin)
    return str(erreur.value)


def _aucun_temporaire(dossier: Path) -> None:
    restes = [p for p in dossier.rglob("*") if p.name.endswith(".tmp")]
    assert restes == []


# --- a mixed folder --------------------------------------------------------------------------------


def test_un_dossier_mixte_est_evalue_entierement_et_les_erreurs_sont_signalees(
    mixte: Path, tmp_path: Path
) -> None:
    """Valid files get their advice; each bad file gets the message of `conseil`; the exit code is 1."""
    sortie = tmp_path / "resultats"
    resultat = _evaluer(str(mixte), "-o", str(sortie), "-j", "2")
    assert resultat.exit_code == 1
    lignes = _csv(sortie)
    assert [ligne["fichier"] for ligne in lignes] == sorted(
        (ligne["fichier"] for ligne in lignes), key=lambda chemin: Path(chemin).parts
    )
    par_fichier = {  # the CSV's paths are relative to its own folder
        (sortie / ligne["fichier"]).resolve().relative_to(mixte.resolve()).as_posix(): ligne
        for ligne in lignes
    }
    assert set(par_fichier) == {
        "commune-rurale-1-ecole.yaml",
        "rpi-3-communes.yaml",
        "ville-12-ecoles.yaml",
        "sud/interco-45-ecoles.yml",
        "sud/grande-ville.json",
        *ERREURS_MIXTE,
    }
    for nom, ligne in par_fichier.items():
        if nom in ERREURS_MIXTE:
            assert ligne["statut"] == "erreur"
            assert ligne["message_erreur"] == _message_conseil(mixte / nom)
            assert ligne["fichier_avis"] == ""
        else:
            assert ligne["statut"] == "ok", ligne["message_erreur"]
            assert (sortie / ligne["fichier_avis"]).is_file()
    assert "c'est un dossier" in par_fichier["dossier.yaml"]["message_erreur"]
    assert "UTF-8" in par_fichier["sud/latin1.yaml"]["message_erreur"]
    assert "« mairie »" in par_fichier["invalide.yaml"]["message_erreur"]
    resume = resultat.stderr
    assert "9 fichiers évalués" in resume and "5 réussis, 4 en erreur" in resume
    for nom in ERREURS_MIXTE:
        assert str(mixte / nom) in resume
    assert resultat.stdout == ""
    _aucun_temporaire(sortie)


def test_le_code_de_sortie_est_0_quand_tous_les_fichiers_reussissent(tmp_path: Path) -> None:
    """Exit code 0 when every file succeeded; the summary counts routes, procedures and experimentations."""
    resultat = _evaluer(str(EXAMPLES), "-o", str(tmp_path / "r"))
    assert resultat.exit_code == 0, resultat.stderr
    assert "7 réussis, 0 en erreur" in resultat.stderr
    for titre in ("Voie d'achat :", "Procédure :", "Expérimentation :"):
        assert titre in resultat.stderr
    assert "\r" not in resultat.stderr  # no progress bar when stderr is not a terminal


def test_le_csv_s_ouvre_avec_les_colonnes_attendues(mixte: Path, tmp_path: Path) -> None:
    """UTF-8 with BOM, `;` separator, decimal comma, oui/non, codes separated by commas."""
    sortie = tmp_path / "r"
    _evaluer(str(mixte), "-o", str(sortie))
    brut = (sortie / "synthese.csv").read_bytes()
    assert brut.startswith(b"\xef\xbb\xbf")
    with open(sortie / "synthese.csv", encoding="utf-8-sig", newline="") as fichier:
        entete = next(csv.reader(fichier, delimiter=";"))
    assert entete == [
        "fichier",
        "nom_projet",
        "statut",
        "voie",
        "procedure",
        "valeur_estimee_ht",
        "experimentation",
        "format_experimentation",
        "duree_contrat_mois",
        "rentree_retenue",
        "nombre_vigilances",
        "codes_vigilance",
        "message_erreur",
        "fichier_avis",
        "fichier_rapport",
        "libelle_voie",
        "libelle_procedure",
        "libelle_experimentation",
        "libelles_vigilance",
    ]
    lignes = {Path(ligne["fichier"]).name: ligne for ligne in _csv(sortie)}
    assert all(not Path(ligne["fichier"]).is_absolute() for ligne in lignes.values())
    ville = lignes["ville-12-ecoles.yaml"]
    avis = json.loads((sortie / ville["fichier_avis"]).read_text(encoding="utf-8"))
    assert ville["nom_projet"] == "ENT des écoles de Saint-Aubin-sur-Loire"
    assert ville["voie"] == avis["achat"]["voie"]
    assert ville["procedure"] == (avis["achat"]["procedure"] or "")
    assert float(ville["valeur_estimee_ht"].replace(",", ".")) == pytest.approx(
        avis["valeur_estimee"]["montant_ht"]
    )
    assert "." not in ville["valeur_estimee_ht"]
    assert ville["experimentation"] == ("oui" if avis["experimentation"]["recommandee"] else "non")
    assert int(ville["duree_contrat_mois"]) == avis["contrat"]["duree_mois"]
    assert int(ville["rentree_retenue"]) == avis["calendrier_synthese"]["rentree_retenue"]
    codes = [point["code"] for point in avis["vigilance"]]
    assert int(ville["nombre_vigilances"]) == len(codes)
    assert ville["codes_vigilance"] == ", ".join(codes)
    assert ville["libelle_voie"] == "Procédure propre de l'acheteur"
    assert ville["libelle_procedure"] == "Marché sans publicité ni mise en concurrence"
    assert ville["libelle_experimentation"].startswith("Recommandée : ")
    assert ville["libelles_vigilance"].count(", ") == len(codes) - 1
    assert "_" not in ville["libelles_vigilance"]  # words, not codes
    assert (sortie / ville["fichier"]).resolve() == (mixte / "ville-12-ecoles.yaml").resolve()


@pytest.mark.parametrize(
    ("montant", "texte"),
    [
        pytest.param(216000.0, "216000", id="entier"),
        pytest.param(39300.5, "39300,50", id="centimes"),
        pytest.param(1945.6000000001, "1945,60", id="arrondi"),
        pytest.param(None, "", id="absent"),
    ],
)
def test_les_montants_du_csv_ont_une_virgule_decimale(montant: float | None, texte: str) -> None:
    """Amounts are written for a French spreadsheet: decimal comma, no thousands separator."""
    assert batch_synthese._decimal(montant) == texte


def test_une_cellule_qui_ressemble_a_une_formule_est_neutralisee() -> None:
    """A project name starting with = + - @ cannot run as a spreadsheet formula."""
    assert batch_synthese._texte("=HYPERLINK(1)") == "'=HYPERLINK(1)"
    assert batch_synthese._texte("ENT de Sète") == "ENT de Sète"


# --- stable and identical outputs ------------------------------------------------------------------


def _contenus(dossier: Path) -> dict[str, bytes]:
    return {
        p.relative_to(dossier).as_posix(): p.read_bytes() for p in sorted(dossier.rglob("*")) if p.is_file()
    }


def test_j1_et_j2_donnent_des_fichiers_identiques_octet_pour_octet(mixte: Path, tmp_path: Path) -> None:
    """The outputs do not depend on the number of processes (nor on chunking or completion order)."""
    _generateur().generer(40, mixte / "genere", graine=7)
    un, deux = tmp_path / "j1", tmp_path / "j2"
    assert _evaluer(str(mixte), "-o", str(un), "-j", "1").exit_code == 1
    assert _evaluer(str(mixte), "-o", str(deux), "-j", "2").exit_code == 1
    contenus = _contenus(un)
    assert len([nom for nom in contenus if nom.startswith("avis/")]) == 45
    assert contenus == _contenus(deux)


def test_l_avis_de_chaque_fichier_est_celui_de_conseil_json(tmp_path: Path) -> None:
    """avis/<nom>.json is byte for byte what `entadvisor conseil FICHIER --json` prints."""
    sortie = tmp_path / "r"
    _evaluer(str(EXAMPLES), "-o", str(sortie))
    fichier = EXAMPLES / "interco-45-ecoles.yaml"
    conseil = CliRunner().invoke(main, ["conseil", str(fichier), "--json", "--date-analyse", DATE])
    assert (sortie / "avis" / "interco-45-ecoles.json").read_text(encoding="utf-8") == conseil.stdout


def test_synthese_json_tient_le_tableau_et_les_effectifs_sans_les_avis(mixte: Path, tmp_path: Path) -> None:
    """By default synthese.json holds the rows and the counts; each row names its advice in avis/."""
    sortie = tmp_path / "r"
    _evaluer(str(mixte), "-o", str(sortie))
    synthese = json.loads((sortie / "synthese.json").read_text(encoding="utf-8"))
    assert synthese["avis_inclus"] is False
    assert (synthese["nombre_fichiers"], synthese["reussis"], synthese["en_erreur"]) == (9, 5, 4)
    assert sum(synthese["repartition"]["voie"].values()) == 5
    assert synthese["repartition"]["vigilance"] and all(
        1 <= n <= 5 for n in synthese["repartition"]["vigilance"].values()
    )
    for ligne in synthese["lignes"]:
        assert "avis" not in ligne
        if ligne["statut"] == "ok":
            assert (sortie / ligne["fichier_avis"]).is_file()
    avis_total = sum(p.stat().st_size for p in (sortie / "avis").iterdir())
    assert (sortie / "synthese.json").stat().st_size < avis_total / 10


def test_synthese_json_complet_reprend_les_lignes_et_chaque_avis(mixte: Path, tmp_path: Path) -> None:
    """--complet: the rows in path order, machine values, each with its advice (null on error)."""
    sortie = tmp_path / "r"
    _evaluer(str(mixte), "-o", str(sortie), "--complet")
    synthese = json.loads((sortie / "synthese.json").read_text(encoding="utf-8"))
    assert synthese["avis_inclus"] is True
    assert synthese["date_analyse"] == DATE
    assert (synthese["nombre_fichiers"], synthese["reussis"], synthese["en_erreur"]) == (9, 5, 4)
    assert sum(synthese["repartition"]["voie"].values()) == 5
    lignes = synthese["lignes"]
    assert [(sortie / ligne["fichier"]).resolve() for ligne in _csv(sortie)] == [
        Path(ligne["fichier"]).resolve() for ligne in lignes
    ]
    for ligne in lignes:
        assert set(batch_synthese.COLONNES) <= set(ligne)
        if ligne["statut"] == "ok":
            assert ligne["avis"] == json.loads((sortie / ligne["fichier_avis"]).read_text(encoding="utf-8"))
            assert isinstance(ligne["valeur_estimee_ht"], float)
            assert isinstance(ligne["codes_vigilance"], list)
        else:
            assert ligne["avis"] is None and ligne["message_erreur"]


def test_sans_date_d_analyse_tous_les_fichiers_ont_la_meme_date_du_jour(tmp_path: Path) -> None:
    """The analysis date is fixed once for the run (today), the same for every file."""
    sortie = tmp_path / "r"
    resultat = CliRunner().invoke(main, ["evaluer", str(EXAMPLES), "-o", str(sortie), "-j", "2"])
    assert resultat.exit_code == 0
    dates = {json.loads(p.read_text(encoding="utf-8"))["date_analyse"] for p in (sortie / "avis").iterdir()}
    assert dates == {dt.date.today().isoformat()}


# --- inputs and names ------------------------------------------------------------------------------


def test_les_dossiers_sont_parcourus_sans_fichiers_caches_ni_dossier_de_sortie(mixte: Path) -> None:
    """Folders give *.yaml, *.yml, *.json (a folder named x.yaml included, to be reported), sorted."""
    (mixte / "resultats" / "avis").mkdir(parents=True)
    (mixte / "resultats" / "avis" / "ancien.json").write_text("{}", encoding="utf-8")
    (mixte / ".git").mkdir()
    (mixte / ".git" / "config.yaml").write_text("x: 1", encoding="utf-8")
    trouves = batch.collecter([mixte, mixte / "notes.txt"], exclure=mixte / "resultats")
    noms = [Path(c).relative_to(mixte).as_posix() for c in trouves]
    assert noms == [
        "commune-rurale-1-ecole.yaml",
        "dossier.yaml",
        "invalide.yaml",
        "mal-forme.json",
        "notes.txt",  # named explicitly: taken whatever its extension
        "rpi-3-communes.yaml",
        "sud/grande-ville.json",
        "sud/interco-45-ecoles.yml",
        "sud/latin1.yaml",
        "ville-12-ecoles.yaml",
    ]


def test_les_noms_de_sortie_viennent_du_chemin_et_ne_se_chevauchent_pas() -> None:
    """Names are the relative path joined by __, made distinct (case-insensitively) by -2, -3…"""
    chemins = [
        "dep/01/Bourg.yaml",
        "dep/01/bourg.json",
        "dep/01/bourg.yml",
        "dep/02/été 2026.yaml",
        "dep/01__bourg.yaml",
    ]
    noms = batch_outputs.nommer(chemins)
    assert noms == ["01__Bourg", "01__bourg-2", "01__bourg-3", "02__été_2026", "01__bourg-4"]
    assert len({nom.casefold() for nom in noms}) == len(noms)
    assert batch_outputs.nommer(["seul/fichier.yaml"]) == ["fichier"]


def test_sans_fichier_de_reponses_la_commande_le_dit(tmp_path: Path) -> None:
    """A folder with no answer file is bad input: French message, exit 1, nothing written."""
    (tmp_path / "vide").mkdir()
    (tmp_path / "vide" / "lisez-moi.txt").write_text("rien", encoding="utf-8")
    resultat = _evaluer(str(tmp_path / "vide"), "-o", str(tmp_path / "r"))
    assert resultat.exit_code == 1
    assert "aucun fichier de réponses" in resultat.stderr
    assert not (tmp_path / "r").exists()


@pytest.mark.parametrize(
    ("arguments", "attendu"),
    [
        pytest.param(["questionnaires/examples"], "-o DOSSIER", id="sans-sortie"),
        pytest.param(["-o", "r"], "au moins un fichier", id="sans-chemin"),
        pytest.param(["questionnaires/examples", "-o", "r", "-j", "0"], "0", id="j-nul"),
    ],
)
def test_un_mauvais_usage_sort_avec_le_code_2(arguments: list[str], attendu: str) -> None:
    """Misuse of the command exits with 2 and says what is expected."""
    resultat = CliRunner().invoke(main, ["evaluer", *arguments])
    assert resultat.exit_code == 2
    assert attendu in resultat.stderr


def test_l_aide_de_evaluer_est_en_francais() -> None:
    """`entadvisor evaluer --help` documents the outputs and exit codes in French."""
    resultat = CliRunner().invoke(main, ["evaluer", "--help"])
    assert resultat.exit_code == 0
    for mot in ("synthese.csv", "--ecraser", "Code de sortie", "virgule décimale"):
        assert mot in resultat.stdout


# --- the output folder -----------------------------------------------------------------------------


def test_un_dossier_de_sortie_non_vide_est_refuse(tmp_path: Path) -> None:
    """Without --ecraser a non-empty folder is refused, in French, and left untouched."""
    sortie = tmp_path / "r"
    sortie.mkdir()
    (sortie / "budget.ods").write_text("à garder", encoding="utf-8")
    resultat = _evaluer(str(EXAMPLES), "-o", str(sortie))
    assert resultat.exit_code == 1
    assert "n'est pas vide" in resultat.stderr and "--ecraser" in resultat.stderr
    assert [p.name for p in sortie.iterdir()] == ["budget.ods"]


def test_ecraser_ne_supprime_que_les_fichiers_d_une_evaluation_precedente(
    mixte: Path, tmp_path: Path
) -> None:
    """--ecraser removes what the previous run wrote (its manifest), never anything else."""
    sortie = tmp_path / "r"
    _evaluer(str(mixte), "-o", str(sortie))
    assert (sortie / "avis" / "rpi-3-communes.json").is_file()
    (sortie / "budget.ods").write_text("à garder", encoding="utf-8")
    (sortie / "avis" / "note.txt").write_text("à garder aussi", encoding="utf-8")
    (sortie / "avis" / ".rpi-3-communes.json.999.tmp").write_text("{", encoding="utf-8")  # an old crash
    resultat = _evaluer(str(EXAMPLES / "ville-12-ecoles.yaml"), "-o", str(sortie), "--ecraser")
    assert resultat.exit_code == 0
    restants = sorted(p.relative_to(sortie).as_posix() for p in sortie.rglob("*") if p.is_file())
    assert restants == [
        ".entadvisor-evaluer.manifeste",
        "avis/note.txt",
        "avis/ville-12-ecoles.json",
        "budget.ods",
        "synthese.csv",
        "synthese.json",
    ]


def test_ecraser_ne_remplace_pas_un_fichier_qu_il_n_a_pas_ecrit(tmp_path: Path) -> None:
    """A file in the way that no previous run wrote is never replaced, even with --ecraser."""
    sortie = tmp_path / "r"
    sortie.mkdir()
    (sortie / "synthese.csv").write_text("le tableau de quelqu'un", encoding="utf-8")
    resultat = _evaluer(str(EXAMPLES), "-o", str(sortie), "--ecraser")
    assert resultat.exit_code == 1
    assert "jamais remplacés" in resultat.stderr
    assert (sortie / "synthese.csv").read_text(encoding="utf-8") == "le tableau de quelqu'un"


def test_une_base_de_regles_illisible_arrete_tout_avant_de_commencer(tmp_path: Path) -> None:
    """--regles pointing at a folder without rule modules: French message, exit 1, nothing written."""
    (tmp_path / "regles").mkdir()
    resultat = _evaluer(str(EXAMPLES), "-o", str(tmp_path / "r"), "--regles", str(tmp_path / "regles"))
    assert resultat.exit_code == 1
    assert "Erreur : " in resultat.stderr and "aucun module de règles" in resultat.stderr
    assert not (tmp_path / "r").exists()


@fork_seulement
def test_des_processus_qui_ne_demarrent_pas_sont_signales_une_fois(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Workers that cannot load what they need stop the batch with one message, not one per file."""
    from entadvisor.report import render as report

    monkeypatch.delattr(report, "render_report")  # the main process imports the module; workers fail
    with pytest.raises(EntreeInvalide, match=r"les processus d'évaluation ne démarrent pas .*ImportError"):
        batch.evaluer_fichiers([EXAMPLES], tmp_path / "r", jobs=2, html=True, as_of=dt.date(2026, 3, 1))


# --- crashes and interruptions ---------------------------------------------------------------------


def _copier_exemples(dossier: Path, noms: list[str]) -> Path:
    dossier.mkdir(parents=True)
    for nom in noms:
        shutil.copy(EXAMPLES / "ville-12-ecoles.yaml", dossier / f"{nom}.yaml")
    return dossier


@fork_seulement
def test_une_exception_inattendue_est_une_erreur_interne_du_seul_fichier(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An exception during one evaluation fails that file only, naming the exception type."""
    evaluate = batch.evaluate

    def fragile(answers: Any, **kwargs: Any) -> Any:
        if answers.nom_projet == "bogue":
            raise ZeroDivisionError("division par zéro")
        return evaluate(answers, **kwargs)

    monkeypatch.setattr(batch, "evaluate", fragile)
    entree = _copier_exemples(tmp_path / "in", ["a", "b", "c", "d"])
    texte = (entree / "b.yaml").read_text(encoding="utf-8")
    (entree / "b.yaml").write_text(
        texte.replace("ENT des écoles de Saint-Aubin-sur-Loire", "bogue"), encoding="utf-8"
    )
    bilan = batch.evaluer_fichiers([entree], tmp_path / "r", jobs=2, as_of=dt.date(2026, 3, 1))
    assert (bilan.reussis, bilan.echecs, bilan.code_sortie) == (3, 1, 1)
    ligne = {Path(ligne["fichier"]).name: ligne for ligne in _csv(tmp_path / "r")}["b.yaml"]
    assert "erreur interne (ZeroDivisionError : division par zéro)" in ligne["message_erreur"]


@fork_seulement
@pytest.mark.parametrize(
    ("morts", "reussis"),
    [
        pytest.param(99, 5, id="tue-a-chaque-fois"),
        pytest.param(1, 6, id="tue-une-seule-fois"),
    ],
)
def test_un_processus_tue_ne_perd_pas_les_autres_resultats(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, morts: int, reussis: int
) -> None:
    """A dead worker: the other files are kept; a file is failed only if it kills a worker twice on its own."""
    evaluate = batch.evaluate
    compteur = tmp_path / "morts"
    compteur.mkdir()

    def mortel(answers: Any, **kwargs: Any) -> Any:
        if answers.nom_projet == "boum" and len(list(compteur.iterdir())) < morts:
            (compteur / str(os.getpid())).touch()
            os.kill(os.getpid(), signal.SIGKILL)
        return evaluate(answers, **kwargs)

    monkeypatch.setattr(batch, "evaluate", mortel)
    entree = _copier_exemples(tmp_path / "in", ["a", "b", "c", "d", "e", "f"])
    texte = (entree / "c.yaml").read_text(encoding="utf-8")
    (entree / "c.yaml").write_text(
        texte.replace("ENT des écoles de Saint-Aubin-sur-Loire", "boum"), encoding="utf-8"
    )
    bilan = batch.evaluer_fichiers([entree], tmp_path / "r", jobs=2, as_of=dt.date(2026, 3, 1))
    assert bilan.reussis == reussis and bilan.reussis + bilan.echecs == 6
    lignes = _csv(tmp_path / "r")
    assert [Path(ligne["fichier"]).stem for ligne in lignes] == ["a", "b", "c", "d", "e", "f"]
    if reussis == 5:
        assert "arrêté brutalement 2 fois" in lignes[2]["message_erreur"]
        assert len(list(compteur.iterdir())) == 3  # in its chunk, then twice alone
    _aucun_temporaire(tmp_path / "r")


def _sorties_lisibles(sortie: Path) -> None:
    """Every output file present parses: no half-written file."""
    for chemin in sortie.rglob("*"):
        if chemin.suffix == ".json":
            json.loads(chemin.read_text(encoding="utf-8"))
        elif chemin.name == "synthese.csv":
            assert _csv(sortie)


def test_une_interruption_ne_laisse_aucun_fichier_a_moitie_ecrit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Ctrl-C mid-run: exit 130, no temporary file, no synthesis, the advices written are whole."""
    recevoir = batch_synthese.Synthese.recevoir
    recus: list[int] = []

    def interrompu(self: Any, lignes: list[tuple[int, dict[str, Any]]]) -> None:
        recus.extend(index for index, _ in lignes)
        if len(recus) >= 3:
            raise KeyboardInterrupt
        recevoir(self, lignes)

    monkeypatch.setattr(batch_synthese.Synthese, "recevoir", interrompu)
    entree = _copier_exemples(tmp_path / "in", [f"f{i:02d}" for i in range(12)])
    bilan = batch.evaluer_fichiers([entree], tmp_path / "r", jobs=2, as_of=dt.date(2026, 3, 1))
    assert bilan.interrompu and bilan.code_sortie == 130
    assert "Interrompu" in bilan.resume()
    sortie = tmp_path / "r"
    _aucun_temporaire(sortie)
    assert not (sortie / "synthese.csv").exists() and not (sortie / "synthese.json").exists()
    assert (sortie / batch_outputs.MANIFESTE).is_file()
    _sorties_lisibles(sortie)


@pytest.mark.lent
@pytest.mark.parametrize("signal_arret", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_un_vrai_processus_interrompu_s_arrete_proprement(tmp_path: Path, signal_arret: int) -> None:
    """The real command, signalled mid-run, exits 130 with whole files only, and --ecraser restarts it."""
    entree = tmp_path / "in"
    _generateur().generer(400, entree, graine=3)
    sortie = tmp_path / "r"
    commande = [sys.executable, "-m", "entadvisor", "evaluer", str(entree), "-o", str(sortie), "-j", "2"]
    commande += ["--date-analyse", DATE]
    processus = subprocess.Popen(commande, stderr=subprocess.PIPE, text=True, cwd=tmp_path)
    limite = time.monotonic() + 60
    while (
        not (sortie / "avis").is_dir() or len(list((sortie / "avis").iterdir())) < 10
    ) and time.monotonic() < limite:
        time.sleep(0.02)
    processus.send_signal(signal_arret)
    _, erreurs = processus.communicate(timeout=60)
    assert processus.returncode == 130, erreurs
    assert "Interrompu" in erreurs
    _aucun_temporaire(sortie)
    _sorties_lisibles(sortie)
    assert not (sortie / "synthese.csv").exists()
    relance = subprocess.run(
        [*commande, "--ecraser"], capture_output=True, text=True, cwd=tmp_path, timeout=300
    )
    assert relance.returncode == 0, relance.stderr
    assert len(_csv(sortie)) == 400


@pytest.mark.lent
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG est propre à Linux")
def test_les_processus_d_evaluation_ne_survivent_pas_a_la_commande_tuee(tmp_path: Path) -> None:
    """kill -9 of the command: its workers end too, instead of waiting forever for work."""
    entree = tmp_path / "in"
    _generateur().generer(400, entree, graine=5)
    sortie = tmp_path / "r"
    commande = [sys.executable, "-m", "entadvisor", "evaluer", str(entree), "-o", str(sortie), "-j", "2"]
    processus = subprocess.Popen([*commande, "--date-analyse", DATE], stderr=subprocess.DEVNULL, cwd=tmp_path)
    limite = time.monotonic() + 60
    while (
        not (sortie / "avis").is_dir() or not any((sortie / "avis").iterdir())
    ) and time.monotonic() < limite:
        time.sleep(0.02)
    enfants = [
        int(p.name) for p in Path("/proc").iterdir() if p.name.isdigit() and _parent(p) == processus.pid
    ]
    assert enfants
    processus.kill()
    processus.wait()
    limite = time.monotonic() + 10
    while any(_vivant(pid) for pid in enfants) and time.monotonic() < limite:
        time.sleep(0.05)
    assert not any(_vivant(pid) for pid in enfants)


def _vivant(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"  # a zombie is dead
    except OSError:
        return False


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, ValueError, IndexError):
        return None


# --- progress --------------------------------------------------------------------------------------


def test_la_barre_de_progression_donne_compte_vitesse_et_temps_restant(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """On a terminal, the bar is redrawn in place with \\r: count, rate, time left."""
    flux = io.StringIO()
    progression = Progression(200, flux)
    instants = iter([11.0, 12.0])
    monkeypatch.setattr(batch.time, "monotonic", lambda: next(instants))
    progression.debut = 10.0
    progression.avancer(50)
    progression.avancer(50)
    progression.effacer()
    texte = flux.getvalue()
    assert texte.startswith("\r[")
    assert (
        "100/200 fichiers" in texte
        and "50 %" in texte
        and "50 fichiers/s" in texte
        and "reste 2,0 s" in texte
    )
    assert texte.endswith("\r\x1b[K")


# --- html ------------------------------------------------------------------------------------------


class _Structure(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.balises: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.balises.append((tag, dict(attrs)))


def test_html_ecrit_chaque_rapport_et_un_index_accessible(mixte: Path, tmp_path: Path) -> None:
    """--html: a report per valid file; index.html in French, captioned, th with scope, self-contained:
    labels (not codes) with percentages, one table per folder, complete without its inline script."""
    sortie = tmp_path / "r"
    resultat = _evaluer(str(mixte), "-o", str(sortie), "--html", "-j", "2")
    assert resultat.exit_code == 1
    index = (sortie / "index.html").read_text(encoding="utf-8")
    structure = _Structure()
    structure.feed(index)
    balises = structure.balises
    assert ("html", {"lang": "fr"}) in balises
    tables = sum(1 for tag, _ in balises if tag == "table")
    assert tables == sum(1 for tag, _ in balises if tag == "caption") == 4 + 2  # 4 counts, 2 folders
    assert sum(1 for tag, _ in balises if tag == "details") == 2  # « reponses » itself and « sud »
    entetes = [attrs for tag, attrs in balises if tag == "th"]
    assert entetes and all(attrs.get("scope") in ("col", "row") for attrs in entetes)
    scripts = [attrs for tag, attrs in balises if tag == "script"]
    assert scripts == [{}]  # one inline script, no source: the page works without it
    assert not any(tag in ("link", "img", "iframe") for tag, _ in balises)
    liens = [attrs["href"] for tag, attrs in balises if tag == "a"]
    assert all(lien and not lien.startswith(("http:", "https:", "//")) for lien in liens)
    rapports = [lien for lien in liens if lien and lien.startswith("rapports/")]
    assert len(rapports) == 5
    for lien in rapports:
        assert (sortie / lien).is_file()
    assert "c'est un dossier" in html.unescape(index)  # escaped as the report escapes (&#39;)
    visible = re.sub(r"<script>.*?</script>|<[^>]+>", " ", index, flags=re.S)
    for code in ("procedure_propre", "sans_publicite", "comite_pilotage_absent", "ecoles_pilotes"):
        assert code not in visible, code  # labels, not codes
    assert "Procédure propre de l&#39;acheteur" in index
    assert re.search(r"<td>\d+</td><td>\d+(,\d)?\u202f%</td>", index)  # counts with their percentage
    assert index.count("<tr data-voie=") + index.count('<tr class="erreur"') == 9  # every row, no script
    _aucun_temporaire(sortie)


def test_l_index_regroupe_par_dossier_et_reste_leger_a_35_000_lignes(tmp_path: Path) -> None:
    """35 000 rows in 100 folders: 100 closed groups, every row present, about 0.6 KB a row."""
    from entadvisor.batch.run import Bilan
    from entadvisor.batch.synthese import Synthese

    class _Connaissances:
        version, source, libelles = "test", "base fournie", None  # None: the bundled lexicon

    class _Sans:
        def avancer(self, n: int = 1) -> None:
            pass

    ligne = {
        "nom_projet": "ENT des écoles de Saint-Martin",
        "statut": "ok",
        "voie": "procedure_propre",
        "procedure": "mapa",
        "valeur_estimee_ht": 81_000.0,
        "experimentation": True,
        "format_experimentation": "ecoles_pilotes",
        "duree_contrat_mois": 48,
        "rentree_retenue": 2027,
        "nombre_vigilances": 2,
        "codes_vigilance": ["comite_pilotage_absent", "prix_par_defaut"],
        "message_erreur": None,
    }
    n = 35_000
    bilan = Bilan(dossier=tmp_path, total=n, jobs=2, html=True, date_analyse=dt.date(2026, 12, 1))
    (tmp_path / "avis").mkdir()
    synthese = Synthese(tmp_path, bilan, _Connaissances(), _Sans())
    rangs = []
    for i in range(n):
        dep, nom = f"{i // 350:03d}", f"commune-{i:05d}"
        rangs.append(
            (
                i,
                ligne
                | {
                    "fichier": f"reponses/{dep}/{nom}.yaml",
                    "fichier_avis": f"avis/{dep}__{nom}.json",
                    "fichier_rapport": f"rapports/{dep}__{nom}.html",
                },
            )
        )
    synthese.recevoir(rangs)
    synthese.terminer(html=True)
    index = (tmp_path / "index.html").read_text(encoding="utf-8")
    assert index.count("<details ") == 100 and " open" not in index.split("<details ", 1)[1][:40]
    assert index.count('<tr data-voie="procedure_propre"') == n
    assert len(index.encode()) / n < 800
    assert "35\u202f000 projets" in index and "100 dossiers" in index


def test_compresser_ecrit_chaque_avis_en_gzip_identique_a_conseil_json(tmp_path: Path) -> None:
    """--compresser: avis/<nom>.json.gz holds exactly `conseil --json`, same bytes run after run (no date
    in the gzip header); --complet still embeds the advices; --ecraser removes the .gz files it wrote."""
    import gzip

    entree = tmp_path / "reponses"
    entree.mkdir()
    for nom in ("ville-12-ecoles", "interco-45-ecoles"):
        shutil.copy(EXAMPLES / f"{nom}.yaml", entree / f"{nom}.yaml")
    sortie = tmp_path / "r"
    assert _evaluer(str(entree), "-o", str(sortie), "--compresser", "--complet").exit_code == 0
    compresse = sortie / "avis" / "ville-12-ecoles.json.gz"
    conseil = CliRunner().invoke(
        main, ["conseil", str(entree / "ville-12-ecoles.yaml"), "--json", "--date-analyse", DATE]
    )
    assert gzip.decompress(compresse.read_bytes()).decode("utf-8") == conseil.stdout
    assert len(compresse.read_bytes()) < len(conseil.stdout.encode()) / 3
    synthese = json.loads((sortie / "synthese.json").read_text(encoding="utf-8"))
    (ligne,) = [x for x in synthese["lignes"] if x["fichier_avis"] == "avis/ville-12-ecoles.json.gz"]
    assert ligne["avis"] == json.loads(conseil.stdout)
    premier = compresse.read_bytes()
    assert _evaluer(str(entree), "-o", str(sortie), "--compresser", "--ecraser").exit_code == 0
    assert compresse.read_bytes() == premier
    assert _evaluer(str(entree), "-o", str(sortie), "--ecraser").exit_code == 0
    assert sorted(p.name for p in (sortie / "avis").iterdir()) == [
        "interco-45-ecoles.json",
        "ville-12-ecoles.json",
    ]
