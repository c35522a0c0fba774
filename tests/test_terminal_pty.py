"""The questionnaire in a real pseudo-terminal (pexpect), as a person at a keyboard would use it.

Skipped where pexpect's ``spawn`` is unavailable (Windows).
"""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

pexpect = pytest.importorskip("pexpect")
if sys.platform == "win32":  # pragma: no cover
    pytest.skip("pexpect.spawn needs a POSIX pseudo-terminal", allow_module_level=True)

pytestmark = pytest.mark.lent

DATE = "2026-11-29"
PROMPT = r"Réponse(?: \([^)\r\n]*\))?(?: \[[^\]\r\n]*\])? : "
SAISIES = [
    ("nom_projet", "ENT des écoles de Saint-Martin"),
    ("nom_collectivite", "Commune de Saint-Martin"),
    ("porteur", "1"),
    ("competence_scolaire", "1"),
    ("nombre_communes", "1"),
    ("service_marches", "o"),
    ("communes_partenaires_interessees", "n"),
    ("nombre_ecoles", "12"),
    ("nombre_classes", "60"),
    ("nombre_eleves", "1400"),
    ("degres", "1"),
    ("ent_existant", "2"),
    ("fin_contrat_actuel", "31/08/2027"),
    ("usages_numeriques", "2"),
    ("equipement_ecoles", "2"),
    ("autorite_academique_associee", "o"),
    ("convention_partenariat", "2"),
    ("comite_pilotage", "n"),
    ("dpo_associe", "o"),
    ("accompagnement_prevu", "o"),
    ("offre_mutualisee", "4"),
    ("besoin", "1"),
    ("prix_eleve_an_ht", "2,80"),
    ("couts_ponctuels_ht", ""),
    ("rentree_visee", "2027"),
    ("date_lancement", "15/01/2027"),
]
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
    "ent_existant": "partiel",
    "fin_contrat_actuel": "2027-08-31",
    "usages_numeriques": "moyens",
    "equipement_ecoles": "correct",
    "autorite_academique_associee": True,
    "convention_partenariat": "en_cours",
    "comite_pilotage": False,
    "dpo_associe": True,
    "accompagnement_prevu": True,
    "offre_mutualisee": "ne_sait_pas",
    "besoin": "standard",
    "prix_eleve_an_ht": 2.8,
    "couts_ponctuels_ht": 0,
    "rentree_visee": 2027,
    "date_lancement": "2027-01-15",
}
# Bad input typed first at some prompts, with the French message it must bring.
ERREURS = {
    "porteur": ("7", "n'est pas un des choix"),
    "service_marches": ("ouais", "répondez par o (oui) ou n (non)"),
    "nombre_ecoles": ("douze", "n'est pas un nombre entier"),
    "nombre_classes": ("3", "entre 12 et 400"),
    "fin_contrat_actuel": ("31/09/2027", "n'est pas une date qui existe"),
    "prix_eleve_an_ht": ("0", "supérieur à 0"),
}


def _spawn(cwd: Path, *args: str) -> Any:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm", "PAGER": "cat"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "entadvisor", "questionnaire", *args],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=20,
        dimensions=(40, 120),
    )
    child.delaybeforesend = None  # the program reads lines; no need to wait before each one
    child.logfile_read = io.StringIO()
    return child


def _repondre(child: Any, saisies: list[tuple[str, str]], erreurs: dict[str, tuple[str, str]]) -> None:
    for cle, texte in saisies:
        child.expect(PROMPT)
        if cle in erreurs:
            mauvais, message = erreurs[cle]
            child.sendline(mauvais)
            child.expect_exact("Réponse non valide.")
            child.expect_exact(message.split()[0])
            child.expect(PROMPT)
        child.sendline(texte)


def _finir(child: Any, rapport: str | None, complet: bool = False) -> None:
    """Validate the review, see the summary (and the full advice through the pager if ``complet``),
    then answer the report offer when there is one."""
    child.expect_exact("Votre choix : ")
    child.sendline("")
    child.expect_exact("Réponses enregistrées dans r.yaml.")
    child.expect_exact("L'ESSENTIEL")  # the summary first; the full advice only on request
    child.expect_exact("Afficher le conseil complet")
    child.expect_exact("Réponse (o/n) [n] : ")
    child.sendline("o" if complet else "")
    if not complet:
        child.expect_exact("entadvisor conseil r.yaml")
    if child.expect(["Écrire le rapport HTML pour les élus", pexpect.EOF], timeout=30) == 0:
        child.expect_exact("Réponse (o/n) [o] : ")
        if rapport is None:
            child.sendline("n")
        else:
            child.sendline("o")
            child.expect_exact("Fichier du rapport [r.html] : ")
            child.sendline(rapport)
            child.expect_exact("Rapport écrit")
            child.expect_exact("Réponse (1 à 4) [1] : ")
            child.sendline("")
        child.expect(pexpect.EOF)
    child.close()


def _transcript(child: Any) -> str:
    texte = child.logfile_read.getvalue().replace("\r\n", "\n")
    return re.sub(r"\x1b\[[0-9;]*m", "", texte)


def _answers(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {k: v.isoformat() if hasattr(v, "isoformat") else v for k, v in data.items()}


def test_full_run_in_a_terminal_gives_the_advice(tmp_path: Path) -> None:
    """A whole questionnaire at a real terminal, with mistakes, help and the report; same advice as ``conseil``."""
    child = _spawn(tmp_path, "-o", "r.yaml", "--date-analyse", DATE)
    child.expect_exact("Section 1/7 · question 1/28")
    child.expect(PROMPT)
    child.sendline("?")
    child.expect_exact("Pourquoi cette question ?")
    _repondre(child, SAISIES, ERREURS)
    _finir(child, rapport="", complet=True)
    assert child.exitstatus == 0, _transcript(child)
    assert _answers(tmp_path / "r.yaml") == ATTENDU
    conseil = subprocess.run(  # the same width as the terminal of the questionnaire (120 columns)
        [sys.executable, "-m", "entadvisor", "conseil", "r.yaml", "--date-analyse", DATE],
        env={**os.environ, "COLUMNS": "120"},
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert conseil.stdout.strip() and conseil.stdout.strip() in _transcript(child)
    if (tmp_path / "r.html").exists():
        assert "<html" in (tmp_path / "r.html").read_text(encoding="utf-8")


def test_ctrl_c_then_resume_to_completion(tmp_path: Path) -> None:
    """Ctrl-C keeps every answer given (exit 130, command to resume); ``--reprendre`` asks only the rest."""
    child = _spawn(tmp_path, "-o", "r.yaml", "--date-analyse", DATE)
    _repondre(child, SAISIES[:13], {})
    child.expect_exact("Où en sont les pratiques numériques")
    child.expect(PROMPT)
    child.sendintr()
    child.expect_exact("Questionnaire interrompu. Vos 13 réponses sont enregistrées dans r.yaml.")
    child.expect_exact(f"entadvisor questionnaire --reprendre r.yaml --date-analyse {DATE}")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    donnees = [cle for cle, _ in SAISIES[:13]]
    assert _answers(tmp_path / "r.yaml") == {
        k: v for k, v in ATTENDU.items() if k in donnees or k == "version"
    }

    reprise = _spawn(tmp_path, "--reprendre", "r.yaml", "--date-analyse", DATE)
    reprise.expect_exact("Reprise de r.yaml : 13 réponses déjà données ; reprise à la question 14.")
    reprise.expect_exact("Section 3/7 · question 14/27")
    reprise.expect_exact("Où en sont les pratiques numériques")
    _repondre(reprise, SAISIES[13:], {})
    _finir(reprise, rapport=None)
    assert reprise.exitstatus == 0, _transcript(reprise)
    assert _answers(tmp_path / "r.yaml") == ATTENDU
    assert "Combien d'élèves" not in _transcript(reprise)


def test_piped_process_keeps_stdout_for_the_advice(tmp_path: Path) -> None:
    """A real process fed by a pipe: prompts on stderr, stdout is the advice only."""
    lignes = "\n".join(texte for _, texte in SAISIES) + "\n\n"
    result = subprocess.run(
        [sys.executable, "-m", "entadvisor", "questionnaire", "-o", "r.yaml", "--date-analyse", DATE],
        cwd=tmp_path,
        input=lignes,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert "Section 7/7" in result.stderr and "Section" not in result.stdout
    conseil = subprocess.run(
        [sys.executable, "-m", "entadvisor", "conseil", "r.yaml", "--date-analyse", DATE],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout == conseil.stdout
