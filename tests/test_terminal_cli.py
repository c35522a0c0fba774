"""``entadvisor questionnaire`` with piped input (click's CliRunner): prompts on stderr, advice on stdout,
answers written after every answer, interruption and resume, and no file overwritten without consent."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner, Result

from entadvisor.answer_files import load_answers
from entadvisor.answers import Answers
from entadvisor.cli import main
from entadvisor.questionnaire import terminal

SAISIES = {
    "nom_projet": "ENT des écoles de Saint-Martin",
    "nom_collectivite": "Commune de Saint-Martin",
    "porteur": "1",
    "competence_scolaire": "1",
    "nombre_communes": "1",
    "service_marches": "o",
    "communes_partenaires_interessees": "n",
    "nombre_ecoles": "12",
    "nombre_classes": "60",
    "nombre_eleves": "1400",
    "degres": "1",
    "ent_existant": "1",
    "usages_numeriques": "2",
    "equipement_ecoles": "2",
    "autorite_academique_associee": "o",
    "convention_partenariat": "2",
    "comite_pilotage": "n",
    "dpo_associe": "o",
    "accompagnement_prevu": "o",
    "offre_mutualisee": "4",
    "besoin": "1",
    "prix_eleve_an_ht": "",
    "couts_ponctuels_ht": "5000",
    "rentree_visee": "2027",
    "date_lancement": "",
}
LIGNES = list(SAISIES.values())
ATTENDU = {
    "version": 1,
    "nom_projet": "ENT des écoles de Saint-Martin",
    "nom_collectivite": "Commune de Saint-Martin",
    "porteur": "commune",
    "competence_scolaire": "communes",
    "nombre_communes": 1,
    "service_marches": True,
    "communes_partenaires_interessees": False,
    "nombre_ecoles": 12,
    "nombre_classes": 60,
    "nombre_eleves": 1400,
    "degres": "premier_degre",
    "ent_existant": "aucun",
    "usages_numeriques": "moyens",
    "equipement_ecoles": "correct",
    "autorite_academique_associee": True,
    "convention_partenariat": "en_cours",
    "comite_pilotage": False,
    "dpo_associe": True,
    "accompagnement_prevu": True,
    "offre_mutualisee": "ne_sait_pas",
    "besoin": "standard",
    "couts_ponctuels_ht": 5000,
    "rentree_visee": 2027,
}


@pytest.fixture
def conseil_factice(monkeypatch: pytest.MonkeyPatch) -> list[Answers]:
    """Replace the engine by a stub that records the answers it is given and prints a fixed advice."""
    recus: list[Answers] = []

    def conseiller(date_analyse: Any, connaissances: Any) -> Any:
        def conseiller(answers: Answers) -> tuple[Any, str]:
            recus.append(answers)
            return {"ecoles": answers.nombre_ecoles}, f"CONSEIL FACTICE pour {answers.nombre_ecoles} écoles"

        return conseiller

    monkeypatch.setattr(terminal, "_conseiller_par_defaut", conseiller)
    return recus


def _run(args: list[str], lignes: list[str], *, fin: bool = True) -> Result:
    """Invoke the command with these lines on stdin (and a final newline unless ``fin`` is False)."""
    texte = "\n".join(lignes) + ("\n" if fin else "")
    return CliRunner().invoke(main, ["questionnaire", *args], input=texte)


def _plat(texte: str) -> str:
    """Text with line wrapping undone, to look for whole sentences."""
    return " ".join(texte.split())


def _lire(path: Path) -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data


def test_piped_run_gives_the_same_advice_as_conseil(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Prompts go to stderr, the advice alone to stdout, and it is the advice of ``conseil`` on the file."""
    monkeypatch.chdir(tmp_path)
    result = _run(["--date-analyse", "2026-11-29"], [*LIGNES, ""])
    assert result.exit_code == 0, result.output
    assert _lire(tmp_path / "reponses-ent.yaml") == ATTENDU
    assert (
        "Section 3/7 · question 12/27" in result.stderr and "Récapitulatif de vos réponses" in result.stderr
    )
    assert "Section" not in result.stdout and "Réponse" not in result.stdout
    conseil = CliRunner().invoke(main, ["conseil", "reponses-ent.yaml", "--date-analyse", "2026-11-29"])
    assert conseil.exit_code == 0, conseil.output
    assert result.stdout == conseil.stdout


def test_bad_input_at_each_kind_of_prompt_is_asked_again(
    tmp_path: Path, conseil_factice: list[Answers]
) -> None:
    """Each kind of prompt refuses bad input with a French message and asks again."""
    mauvaises = {
        "porteur": "9",
        "nombre_communes": "abc",
        "service_marches": "peut-être",
        "nombre_ecoles": "0",
        "nombre_classes": "5",
        "nombre_eleves": "douze",
        "prix_eleve_an_ht": "trois",
        "rentree_visee": "27",
        "date_lancement": "31/02/2027",
    }
    lignes = []
    for cle, bonne in SAISIES.items():
        if cle in mauvaises:
            lignes.append(mauvaises[cle])
        lignes.append(bonne)
    result = _run(["-o", str(tmp_path / "r.yaml")], [*lignes, "99", "abc", ""])
    assert result.exit_code == 0, result.output
    for message in (
        "Réponse non valide. « 9 » n'est pas un des choix : tapez un numéro, de 1 à 6.",
        "Réponse non valide. « abc » n'est pas un nombre entier ; tapez par exemple 12.",
        "Réponse non valide. « peut-être » n'est pas compris : répondez par o (oui) ou n (non).",
        "Réponse non valide. « 0 » ne convient pas : il faut un nombre entier entre 1 et 60 000.",
        "« 5 » ne convient pas : il faut un nombre entier entre 12 et 400 000 (chaque école compte au",
        "« trois » n'est pas un nombre ; tapez par exemple 3,50 (virgule ou point).",
        "Réponse non valide. « 27 » n'est pas une année ; tapez par exemple 2027.",
        "« 31/02/2027 » n'est pas une date qui existe ; tapez par exemple 15/01/2027 (ou 2027-01-15).",
        "Réponse non valide. « 99 » : tapez un numéro de 1 à 25, < ou Entrée.",
        "Réponse non valide. « abc » : tapez un numéro de 1 à 25, < ou Entrée.",
    ):
        assert message in _plat(result.stderr), message
    assert _lire(tmp_path / "r.yaml") == ATTENDU
    assert result.stdout == "CONSEIL FACTICE pour 12 écoles\n"


def test_help_back_and_default(tmp_path: Path, conseil_factice: list[Answers]) -> None:
    """« ? » explains why the question is asked, « < » goes back, Enter keeps the value in brackets."""
    lignes = list(LIGNES)
    lignes[9:11] = ["?", "1400", "<", "", "1"]  # help at pupils, back from degres, keep 1400, degres 1
    result = _run(["-o", str(tmp_path / "r.yaml")], [*lignes, ""])
    assert result.exit_code == 0, result.output
    assert "Pourquoi cette question ? L'effectif fait le montant estimé du besoin" in _plat(result.stderr)
    assert "Clé du fichier de réponses : nombre_eleves." in _plat(result.stderr)
    assert "Réponse (nombre) [1 400] : " in result.stderr
    assert _lire(tmp_path / "r.yaml") == ATTENDU


def test_inconsistent_answers_are_fixed_at_the_review(tmp_path: Path, conseil_factice: list[Answers]) -> None:
    """Fewer classes than schools is shown at the review; Enter is refused until the field is fixed."""
    chemin = tmp_path / "r.yaml"
    result = _run(["-o", str(chemin)], [*LIGNES, "8", "80", "", "9", "90", ""])
    assert result.exit_code == 0, result.output
    plat = _plat(result.stderr)
    assert "9. Classes 60 ← à corriger" in plat
    assert "n° 9 (Classes) : valeurs incohérentes : il y a moins de classes (60) que d'écoles (80)" in plat
    assert "Corrigez d'abord les réponses signalées" in plat
    assert (
        result.stderr.count("Récapitulatif de vos réponses") == 3
    )  # not printed again when Enter is refused
    assert conseil_factice[-1].nombre_classes == 90 and _lire(chemin)["nombre_ecoles"] == 80


def test_end_of_input_keeps_answers_and_resume_completes(
    tmp_path: Path, conseil_factice: list[Answers]
) -> None:
    """EOF is an interruption (exit 130) with the command to resume; ``--reprendre`` finishes the file."""
    chemin = tmp_path / "r.yaml"
    result = _run(["-o", str(chemin), "--date-analyse", "2026-11-29"], LIGNES[:10])
    assert result.exit_code == 130
    assert f"Questionnaire interrompu. Vos 10 réponses sont enregistrées dans {chemin}." in _plat(
        result.stderr
    )
    commande = f"entadvisor questionnaire --reprendre {chemin} --date-analyse 2026-11-29"
    assert commande in _plat(result.stderr)
    partiel = _lire(chemin)
    assert partiel == {k: v for k, v in ATTENDU.items() if k in list(SAISIES)[:10] or k == "version"}
    assert f"# Questionnaire en cours ; pour le reprendre : {commande}" in chemin.read_text(encoding="utf-8")

    reprise = _run(["--reprendre", str(chemin)], [*LIGNES[10:], ""])
    assert reprise.exit_code == 0, reprise.output
    assert f"Reprise de {chemin} : 10 réponses déjà données ; reprise à la question 11." in _plat(
        reprise.stderr
    )
    assert "Combien d'élèves" not in reprise.stderr
    assert _lire(chemin) == ATTENDU
    assert conseil_factice[-1] == load_answers(chemin)


def test_interruption_before_any_answer_writes_nothing(
    tmp_path: Path, conseil_factice: list[Answers]
) -> None:
    """No answer, no file."""
    result = _run(["-o", str(tmp_path / "r.yaml")], [], fin=False)
    assert result.exit_code == 130
    assert "aucun fichier n'a été écrit" in _plat(result.stderr)
    assert not (tmp_path / "r.yaml").exists()


def test_existing_file_is_refused_with_piped_input(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Without a terminal to confirm, an existing answer file is never replaced (exit 1, French message)."""
    monkeypatch.chdir(tmp_path)
    (tmp_path / "reponses-ent.yaml").write_text("nombre_ecoles: 3\n", encoding="utf-8")
    result = _run([], LIGNES)
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : reponses-ent.yaml : ce fichier existe déjà")
    assert "entadvisor questionnaire --reprendre reponses-ent.yaml" in _plat(result.stderr)
    assert "--remplacer" in result.stderr
    assert (tmp_path / "reponses-ent.yaml").read_text(encoding="utf-8") == "nombre_ecoles: 3\n"


def test_remplacer_overwrites(tmp_path: Path, conseil_factice: list[Answers]) -> None:
    """``--remplacer`` is the explicit consent."""
    chemin = tmp_path / "r.yaml"
    chemin.write_text("nombre_ecoles: 3\n", encoding="utf-8")
    result = _run(["-o", str(chemin), "--remplacer"], [*LIGNES, ""])
    assert result.exit_code == 0, result.output
    assert _lire(chemin) == ATTENDU


@pytest.mark.parametrize(
    ("choix", "code", "attendu"),
    [
        pytest.param("1", 0, {**ATTENDU, "nombre_ecoles": 3}, id="reprendre"),
        pytest.param("2", 0, ATTENDU, id="remplacer"),
        pytest.param("3", 1, None, id="abandonner"),
    ],
)
def test_existing_file_on_a_terminal_asks_what_to_do(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    conseil_factice: list[Answers],
    choix: str,
    code: int,
    attendu: dict[str, Any] | None,
) -> None:
    """On a terminal, an existing file can be resumed, replaced, or left alone."""
    monkeypatch.setattr(terminal, "_entree_interactive", lambda: True)
    monkeypatch.setattr(terminal, "_proposer_rapport", lambda *arguments: 0)  # no report offer here
    chemin = tmp_path / "r.yaml"
    chemin.write_text("nombre_ecoles: 3\n", encoding="utf-8")
    suite = {
        "1": [ligne for cle, ligne in SAISIES.items() if cle != "nombre_ecoles"] + [""],  # 3 schools kept
        "2": [*LIGNES, ""],
        "3": [],
    }[choix]
    result = _run(["-o", str(chemin)], [choix, *suite])
    assert f"Le fichier {chemin} existe déjà. Que voulez-vous faire ?" in _plat(result.stderr)
    assert result.exit_code == code, result.output
    if attendu is None:
        assert f"Rien n'a été modifié dans {chemin}." in _plat(result.stderr)
        assert chemin.read_text(encoding="utf-8") == "nombre_ecoles: 3\n"
    else:
        assert _lire(chemin) == attendu


def test_interruption_at_the_confirmation_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """End of input (or Ctrl-C) while asked what to do with an existing file: exit 130, file untouched."""
    monkeypatch.setattr(terminal, "_entree_interactive", lambda: True)
    chemin = tmp_path / "r.yaml"
    chemin.write_text("nombre_ecoles: 3\n", encoding="utf-8")
    result = _run(["-o", str(chemin)], [], fin=False)
    assert result.exit_code == 130
    assert f"Interrompu : rien n'a été modifié dans {chemin}." in _plat(result.stderr)
    assert chemin.read_text(encoding="utf-8") == "nombre_ecoles: 3\n"


def test_interruption_at_the_report_offer_keeps_the_complete_answers(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, conseil_factice: list[Answers]
) -> None:
    """After the advice, an interruption says where the complete answers are and how to get the report."""
    monkeypatch.setattr(terminal, "write_report", lambda advice, path: None)
    monkeypatch.setattr(terminal, "_entree_interactive", lambda: True)
    chemin = tmp_path / "r.yaml"
    result = _run(["-o", str(chemin)], [*LIGNES, ""])
    assert result.exit_code == 130
    assert result.stdout == "CONSEIL FACTICE pour 12 écoles\n"
    assert f"entadvisor conseil {chemin} --html {tmp_path / 'r.html'}" in _plat(result.stderr)
    assert _lire(chemin) == ATTENDU


def test_resume_into_another_file(tmp_path: Path, conseil_factice: list[Answers]) -> None:
    """``--reprendre A -o B`` writes B with A's answers and the new ones, and leaves A alone."""
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    assert _run(["-o", str(a)], LIGNES[:5]).exit_code == 130
    avant = a.read_text(encoding="utf-8")
    result = _run(["--reprendre", str(a), "-o", str(b)], [*LIGNES[5:], ""])
    assert result.exit_code == 0, result.output
    assert a.read_text(encoding="utf-8") == avant and _lire(b) == ATTENDU


def test_json_answer_file(tmp_path: Path, conseil_factice: list[Answers]) -> None:
    """``-o reponses.json`` writes JSON that ``load_answers`` reads."""
    chemin = tmp_path / "r.json"
    result = _run(["-o", str(chemin)], [*LIGNES, ""])
    assert result.exit_code == 0, result.output
    assert json.loads(chemin.read_text(encoding="utf-8")) == ATTENDU
    assert load_answers(chemin) == conseil_factice[-1]


@pytest.mark.parametrize(
    ("contenu", "message"),
    [
        pytest.param(None, "absent.yaml : fichier introuvable.", id="introuvable"),
        pytest.param(
            "nombre_ecoles: douze\n", "champ « nombre_ecoles » : « douze » n'est pas un nombre", id="valeur"
        ),
    ],
)
def test_bad_resume_file_is_a_french_error(tmp_path: Path, contenu: str | None, message: str) -> None:
    """A missing or wrong resume file stops with « Erreur : … » and exit 1, before any question."""
    chemin = tmp_path / "absent.yaml"
    if contenu is not None:
        chemin.write_text(contenu, encoding="utf-8")
    result = _run(["--reprendre", str(chemin)], LIGNES)
    assert result.exit_code == 1
    assert result.stderr.startswith("Erreur : ") and message in result.stderr
    assert "Section" not in result.stderr


def test_report_is_offered_on_a_terminal(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, conseil_factice: list[Answers]
) -> None:
    """When a person is at the terminal, the HTML report is offered."""
    ecrits: list[tuple[Any, Path]] = []
    monkeypatch.setattr(terminal, "write_report", lambda advice, path: ecrits.append((advice, Path(path))))
    monkeypatch.setattr(terminal, "_entree_interactive", lambda: True)
    chemin = tmp_path / "r.yaml"
    result = _run(["-o", str(chemin)], [*LIGNES, "", "o", "", ""])
    assert result.exit_code == 0, result.output
    assert "Écrire le rapport HTML pour les élus ?" in _plat(result.stderr)
    assert "Écrire aussi le rapport dans un autre format ?" in _plat(result.stderr)
    assert ecrits == [({"ecoles": 12}, tmp_path / "r.html")]
    assert f"Rapport écrit : {tmp_path / 'r.html'}" in _plat(result.stderr)


def test_help_is_french() -> None:
    """The command's help is its French docstring."""
    result = CliRunner().invoke(main, ["questionnaire", "--help"])
    assert result.exit_code == 0
    assert "Pose les questions du projet dans le terminal, puis donne le conseil." in result.output
    assert "--reprendre FICHIER" in result.output


def test_a_piped_run_fits_80_columns(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Piped (no terminal, no COLUMNS): questions, help, review and advice all fit 80 columns."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("COLUMNS", raising=False)
    lignes = ["?", *LIGNES[:2], "?", *LIGNES[2:], ""]  # with the help of the first and third questions
    result = _run(["--date-analyse", "2026-11-29"], lignes)
    assert result.exit_code == 0, result.output
    trop_longues = [ligne for ligne in (result.stderr + result.stdout).splitlines() if len(ligne) > 80]
    assert not trop_longues, "\n".join(trop_longues)
    assert "Pourquoi cette question ?" in result.stderr and "Références :" in result.stderr
