"""No answer lost in the questionnaire (issue 12): the lock, the check before each save, the comments
kept by ``--reprendre``, and SIGTERM/SIGHUP told like Ctrl-C — two real questionnaires in two PTYs."""

from __future__ import annotations

import io
import os
import re
import signal
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from entadvisor._files import FichierVerrouille, exclusive_lock
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.fichier import texte_en_place

DATE = "2026-11-29"
PROMPT = r"Réponse(?: \([^)\r\n]*\))?(?: \[[^\]\r\n]*\])? : "


# --- the lock ------------------------------------------------------------------------------------


def test_a_second_holder_of_the_lock_is_refused_and_the_lock_is_removed_after(tmp_path):
    """While one holder has the lock of a file, a second is refused in French; after, it is free again."""
    cible = tmp_path / "r.yaml"
    with exclusive_lock(cible) as verrou:
        assert verrou.name == ".r.yaml.verrou" and verrou.exists()
        refus = pytest.raises(FichierVerrouille, match="ce fichier est ouvert par un autre questionnaire")
        with refus, exclusive_lock(cible):
            pass
    assert not verrou.exists()
    with exclusive_lock(cible):
        pass


# --- the comments of a resumed file ----------------------------------------------------------------

ANCIEN = """\
# Réponses au questionnaire « ENT » (entadvisor questionnaire).
# Questionnaire en cours ; pour le reprendre : entadvisor questionnaire --reprendre r.yaml
# Notes de la secrétaire : chiffres vérifiés avec l'IEN le 3 novembre.
version: 1
nom_projet: ENT de Saint-Martin   # nom provisoire, à valider en conseil
porteur: commune

# effectifs de la rentrée 2026
nombre_ecoles: 12  # dont 2 maternelles
nombre_classes: 60
ent_existant: partiel
fin_contrat_actuel: 2027-08-31 # voir la convention
# je_ne_sais_pas: nombre_eleves
"""

NOUVEAU = """\
# Réponses au questionnaire « ENT » (entadvisor questionnaire).
# Questionnaire en cours ; pour le reprendre : entadvisor questionnaire --reprendre r.yaml
version: 1
nom_projet: ENT de Saint-Martin
porteur: commune
nombre_ecoles: 14
nombre_classes: 60
ent_existant: aucun
service_marches: true
"""


def test_answers_are_written_in_place_and_the_users_comments_are_kept():
    """Comments, blank lines and order stay; a changed answer keeps the comment on its line; a removed
    answer goes; a new one is added at the end; entadvisor's own header is not duplicated."""
    texte = texte_en_place(ANCIEN, NOUVEAU)
    assert texte == (
        "# Réponses au questionnaire « ENT » (entadvisor questionnaire).\n"
        "# Questionnaire en cours ; pour le reprendre : entadvisor questionnaire --reprendre r.yaml\n"
        "# Notes de la secrétaire : chiffres vérifiés avec l'IEN le 3 novembre.\n"
        "version: 1\n"
        "nom_projet: ENT de Saint-Martin   # nom provisoire, à valider en conseil\n"
        "porteur: commune\n"
        "\n"
        "# effectifs de la rentrée 2026\n"
        "nombre_ecoles: 14  # dont 2 maternelles\n"
        "nombre_classes: 60\n"
        "ent_existant: aucun\n"
        "service_marches: true\n"
    )
    assert yaml.safe_load(texte)["nombre_ecoles"] == 14


def test_a_hash_inside_quotes_is_not_a_comment():
    """« # » inside a quoted value is part of the value, not a comment to carry over."""
    ancien = "nom_projet: 'ENT #1 de la vallée'\n"
    assert texte_en_place(ancien, "nom_projet: ENT 2\n") == "nom_projet: ENT 2\n"


# --- the resumed file is read like an answer file --------------------------------------------------


def test_a_resumed_file_is_read_with_yaml_1_2_and_french_forms(tmp_path):
    """`--reprendre` reads « version: "1" », « 1 850 » and « 15/03/2027 », and refuses 0x0C with its line."""
    from entadvisor.questionnaire.loader import load_questionnaire
    from entadvisor.questionnaire.reponses_partielles import lire_reponses_partielles

    modele = load_questionnaire()
    chemin = tmp_path / "r.yaml"
    chemin.write_text('version: "1"\nnombre_eleves: 1 850\ndate_lancement: 15/03/2027\n', encoding="utf-8")
    reponses, _ = lire_reponses_partielles(chemin, modele)
    assert reponses["nombre_eleves"] == 1850
    assert reponses["date_lancement"].isoformat() == "2027-03-15"
    chemin.write_text("version: 1\nnombre_ecoles: 0x0C\n", encoding="utf-8")
    with pytest.raises(EntreeInvalide) as erreur:
        lire_reponses_partielles(chemin, modele)
    assert "ligne 2" in str(erreur.value) and "0x0C" in str(erreur.value)


def test_the_questionnaire_refuses_a_date_decades_away_as_the_answer_file_would():
    """A launch date typed 60 years ahead is refused at the prompt, with the window to type in."""
    from entadvisor.questionnaire.loader import load_questionnaire

    question = load_questionnaire().question("date_lancement")
    assert question is not None
    with pytest.raises(ValueError, match="à plus de 20 ans d'aujourd'hui"):
        question.valider("15/01/2090")


# --- real questionnaires in pseudo-terminals -------------------------------------------------------

pexpect = pytest.importorskip("pexpect")
lent = pytest.mark.lent
posix = pytest.mark.skipif(sys.platform == "win32", reason="pexpect.spawn demande un pseudo-terminal POSIX")


def _spawn(cwd: Path, *args: str) -> Any:
    env = {**os.environ, "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "xterm"}
    child = pexpect.spawn(
        sys.executable,
        ["-m", "entadvisor", "questionnaire", *args, "--date-analyse", DATE],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=30,
        dimensions=(40, 120),
    )
    child.delaybeforesend = None
    child.logfile_read = io.StringIO()
    return child


def _transcript(child: Any) -> str:
    return re.sub(r"\x1b\[[0-9;]*m", "", child.logfile_read.getvalue().replace("\r\n", "\n"))


@lent
@posix
def test_a_second_questionnaire_on_the_same_file_is_refused_in_french(tmp_path):
    """Two questionnaires on one file in two PTYs: the second is refused at once; the first goes on."""
    premier = _spawn(tmp_path, "-o", "r.yaml")
    premier.expect(PROMPT)
    premier.sendline("ENT de Saint-Martin")
    premier.expect(PROMPT)
    second = _spawn(tmp_path, "--reprendre", "r.yaml")
    second.expect(pexpect.EOF)
    second.close()
    assert second.exitstatus == 1, _transcript(second)
    assert "ce fichier est ouvert par un autre questionnaire" in _transcript(second)
    premier.sendline("Commune de Saint-Martin")
    premier.expect(PROMPT)
    premier.sendintr()
    premier.expect(pexpect.EOF)
    premier.close()
    assert premier.exitstatus == 130
    donnees = yaml.safe_load((tmp_path / "r.yaml").read_text(encoding="utf-8"))
    assert donnees["nom_projet"] == "ENT de Saint-Martin"
    assert donnees["nom_collectivite"] == "Commune de Saint-Martin"
    assert not (tmp_path / ".r.yaml.verrou").exists()


@lent
@posix
def test_a_file_changed_under_the_questionnaire_is_not_overwritten(tmp_path):
    """The answer file edited by another program mid-questionnaire: not replaced; the answers go to a copy."""
    child = _spawn(tmp_path, "-o", "r.yaml")
    child.expect(PROMPT)
    child.sendline("ENT de Saint-Martin")
    child.expect(PROMPT)
    modifie = "# modifié à la main pendant le questionnaire\nversion: 1\nnom_projet: Autre projet\n"
    (tmp_path / "r.yaml").write_text(modifie, encoding="utf-8")
    child.sendline("Commune de Saint-Martin")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 1, _transcript(child)
    assert "modifié par un autre programme" in _transcript(child)
    assert (tmp_path / "r.yaml").read_text(encoding="utf-8") == modifie
    copie = yaml.safe_load((tmp_path / "r.conflit-1.yaml").read_text(encoding="utf-8"))
    assert copie["nom_collectivite"] == "Commune de Saint-Martin"


@lent
@posix
def test_resume_keeps_the_comments_written_in_the_file(tmp_path):
    """`--reprendre` on a file with the user's comments: the comments are still there after new answers."""
    (tmp_path / "r.yaml").write_text(
        "# Notes : à compléter avec le service scolaire\n"
        "version: 1\n"
        "nom_projet: ENT de Saint-Martin  # nom provisoire\n",
        encoding="utf-8",
    )
    child = _spawn(tmp_path, "--reprendre", "r.yaml")
    child.expect(PROMPT)
    child.sendline("Commune de Saint-Martin")
    child.expect(PROMPT)
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, _transcript(child)
    texte = (tmp_path / "r.yaml").read_text(encoding="utf-8")
    assert "# Notes : à compléter avec le service scolaire\n" in texte
    assert "nom_projet: ENT de Saint-Martin  # nom provisoire\n" in texte
    assert yaml.safe_load(texte)["nom_collectivite"] == "Commune de Saint-Martin"


@lent
@posix
@pytest.mark.parametrize("signal_recu", [signal.SIGTERM, signal.SIGHUP], ids=["sigterm", "sighup"])
def test_sigterm_and_sighup_print_the_ctrl_c_message_and_exit_130(tmp_path, signal_recu):
    """SIGTERM or SIGHUP mid-questionnaire: the answers are kept, the resume command printed, exit 130."""
    child = _spawn(tmp_path, "-o", "r.yaml")
    child.expect(PROMPT)
    child.sendline("ENT de Saint-Martin")
    child.expect(PROMPT)
    child.kill(signal_recu)
    if signal_recu == signal.SIGTERM:
        child.expect_exact("Questionnaire interrompu. Votre réponse est enregistrée dans r.yaml.")
        child.expect_exact("entadvisor questionnaire --reprendre r.yaml")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, (child.exitstatus, child.signalstatus, _transcript(child))
    assert (
        yaml.safe_load((tmp_path / "r.yaml").read_text(encoding="utf-8"))["nom_projet"]
        == "ENT de Saint-Martin"
    )


@lent
@posix
def test_a_closed_terminal_window_keeps_the_answers_and_exits_130(tmp_path):
    """The pseudo-terminal closed under the questionnaire (a window closed: SIGHUP, then a dead stderr):
    exit 130 and the answers kept, not a traceback."""
    child = _spawn(tmp_path, "-o", "r.yaml")
    child.expect(PROMPT)
    child.sendline("ENT de Saint-Martin")
    child.expect(PROMPT)
    pid = child.pid
    os.close(child.child_fd)
    _, statut = os.waitpid(pid, 0)
    child.child_fd = -1
    assert os.waitstatus_to_exitcode(statut) == 130
    assert (
        yaml.safe_load((tmp_path / "r.yaml").read_text(encoding="utf-8"))["nom_projet"]
        == "ENT de Saint-Martin"
    )
