"""The ``entadvisor`` command: a thin French layer over the library (click's CliRunner, and real processes)."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest
from click.testing import CliRunner

from entadvisor.answers import FIELDS, REQUIRED
from entadvisor.cli import main
from entadvisor.engine.knowledge import load_knowledge

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
VILLE = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
BROKEN = ROOT / "tests" / "broken"
DATE = ["--date-analyse", "2026-11-29"]
ENTADVISOR = Path(sys.executable).parent / "entadvisor"

# click's own English, which the CLI translates (entadvisor.click_fr).
CLICK_ANGLAIS = (
    "Error:",
    "Usage:",
    "Try '",
    "Invalid value",
    "Show this message",
    "Commands:",
    "No such",
    "Missing",
)


def invoke(*args: str) -> Any:
    """Run the command in-process, stdout and stderr kept apart."""
    return CliRunner().invoke(main, list(args))


def _get(data: dict[str, Any], dotted: str) -> Any:
    for part in dotted.split("."):
        data = data[part]
    return data


# --- conseil -------------------------------------------------------------------------------------


def test_conseil_text_gives_the_three_recommendations_before_the_reasons():
    """The text advice starts with L'ESSENTIEL (achat, expérimentation, contrat) and then POURQUOI."""
    result = invoke("conseil", str(VILLE), *DATE)
    assert result.exit_code == 0, result.stderr
    text = result.stdout
    positions = [
        text.index(marker)
        for marker in ("L'ESSENTIEL", "1. Achat", "2. Expérimentation", "3. Contrat", "POURQUOI")
    ]
    assert positions == sorted(positions)
    assert result.stderr == ""


CLES_JSON = [
    "date_analyse",
    "achat.voie",
    "achat.procedure",
    "achat.publicite",
    "achat.alternatives",
    "valeur_estimee.montant_ht",
    "valeur_estimee.detail",
    "experimentation.recommandee",
    "experimentation.format",
    "contrat.forme",
    "contrat.duree_mois",
    "contrat.debut",
    "contrat.fin",
    "contrat.phases",
    "calendrier",
    "vigilance",
    "trace",
    "parametres",
    "base_de_connaissances.version",
]


@pytest.fixture(scope="module")
def conseils() -> dict[str, dict[str, Any]]:
    """The advice JSON of every example, from `entadvisor conseil FICHIER --json`."""
    found = {}
    for path in EXAMPLES:
        result = invoke("conseil", str(path), "--json", *DATE)
        assert result.exit_code == 0, result.stderr
        found[path.stem] = json.loads(result.stdout)
    return found


@pytest.mark.parametrize("key", CLES_JSON)
def test_conseil_json_has_every_key_of_answers_md(conseils, key):
    """Every key ANSWERS.md lists is in the advice JSON of every example."""
    for name, advice in conseils.items():
        _get(advice, key)  # KeyError names the missing key
        assert advice["date_analyse"] == "2026-11-29", name


def test_conseil_json_values_are_those_of_the_contract(conseils):
    """Routes, procedures, formats and item shapes take the values ANSWERS.md allows."""
    procedures = {
        "sans_publicite",
        "mapa",
        "appel_offres_ouvert",
        "appel_offres_restreint",
        "procedure_avec_negociation",
        "dialogue_competitif",
    }
    for name, advice in conseils.items():
        achat = advice["achat"]
        assert achat["voie"] in {"centrale_achat", "groupement_commandes", "procedure_propre"}, name
        assert achat["procedure"] in procedures | {None}, name
        assert achat["publicite"] is None or isinstance(achat["publicite"], str), name
        assert all(set(item) >= {"procedure", "raison"} for item in achat["alternatives"]), name
        assert isinstance(advice["valeur_estimee"]["montant_ht"], (int, float)), name
        assert isinstance(advice["experimentation"]["recommandee"], bool), name
        assert advice["experimentation"]["format"] in {
            "classes",
            "ecoles_pilotes",
            "classes_puis_ecoles_pilotes",
            None,
        }, name
        assert isinstance(advice["contrat"]["duree_mois"], int), name
        assert advice["contrat"]["debut"] < advice["contrat"]["fin"], name
        assert all(set(item) >= {"code", "message"} for item in advice["vigilance"]), name
        for item in advice["parametres"]:
            assert set(item) >= {"nom", "valeur", "en_vigueur_depuis", "reference"}, name
        assert re.fullmatch(r"\d{4}\.\d{2}\.\d{2}", advice["base_de_connaissances"]["version"]), name


def test_conseil_json_contract_phases_cover_deployment_observation_renewal(conseils):
    """contrat.phases are deployment, observation and renewal, in order, partitioning the contract: each
    starts the day after the previous one ends; a phase with no room (0 months) ends the day before it starts."""
    for name, advice in conseils.items():
        phases = advice["contrat"]["phases"]
        assert [p["phase"] for p in phases] == ["deploiement", "observation", "renouvellement"], name
        assert all(p["debut"] <= p["fin"] or p["mois"] == 0 for p in phases), name
        assert phases[0]["debut"] == advice["contrat"]["debut"], name
        assert phases[-1]["fin"] == advice["contrat"]["fin"], name
        for avant, apres in itertools.pairwise(phases):
            lendemain = dt.date.fromisoformat(avant["fin"]) + dt.timedelta(days=1)
            assert apres["debut"] == lendemain.isoformat(), name
        assert sum(p["mois"] for p in phases) == advice["contrat"]["duree_mois"], name


def test_conseil_json_calendar_is_chronological(conseils):
    """The calendar steps are in chronological order of their start, each with etape, debut and fin."""
    for name, advice in conseils.items():
        steps = advice["calendrier"]
        assert steps, name
        assert all(
            set(step) >= {"etape", "debut", "fin"} and step["debut"] <= step["fin"] for step in steps
        ), name
        starts = [step["debut"] for step in steps]
        assert starts == sorted(starts), name


def test_conseil_json_trace_explains_each_firing(conseils):
    """Each trace step has the rule id, its French title, the facts it read and its references."""
    ids = {rule.id for rule in load_knowledge().rules}
    for name, advice in conseils.items():
        assert advice["trace"], name
        for step in advice["trace"]:
            assert set(step) >= {"regle", "titre", "faits", "references"}, name
            assert step["regle"] in ids and step["titre"] and step["references"], (name, step["regle"])
            assert isinstance(step["faits"], dict)


def test_conseil_json_is_the_same_as_the_library(conseils):
    """The command prints what the library computes: evaluate(load_answers(f)).to_json()."""
    import datetime as dt

    from entadvisor import evaluate, load_answers

    expected = json.loads(evaluate(load_answers(VILLE), as_of=dt.date(2026, 11, 29)).to_json())
    assert conseils["ville-12-ecoles"] == expected


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["2026-13-01", "29/11/2026", "demain"])
def test_a_bad_analysis_date_is_a_usage_error_in_french(value):
    """A malformed --date-analyse exits with 2 and says, in French, which date format is expected."""
    result = invoke("conseil", str(VILLE), "--date-analyse", value)
    assert result.exit_code == 2
    assert f"« {value} » n'est pas une date AAAA-MM-JJ (par exemple 2027-01-15)" in result.stderr
    assert "Erreur : " in result.stderr
    assert not [english for english in CLICK_ANGLAIS if english in result.stderr], result.stderr


@pytest.mark.parametrize(
    "name", ["cle-mal-orthographiee.yaml", "valeur-inconnue.yaml", "non-utf8.yaml", "json-mal-forme.json"]
)
def test_a_bad_answer_file_exits_1_with_erreur_on_stderr(name):
    """A bad answer file exits with 1, « Erreur : » and the file on stderr, nothing on stdout, no traceback."""
    path = BROKEN / name
    result = invoke("conseil", str(path), *DATE)
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Erreur : {path}")
    assert result.stdout == ""
    assert "Traceback" not in result.stderr


def test_a_missing_answer_file_exits_1():
    """A missing answer file exits with 1 and « fichier introuvable »."""
    result = invoke("conseil", "absent.yaml", *DATE)
    assert result.exit_code == 1
    assert result.stderr == "Erreur : absent.yaml : fichier introuvable.\n"


@pytest.mark.parametrize(
    "args",
    [
        pytest.param(("conseil", "{dossier}"), id="conseil-fichier"),
        pytest.param(("rapport", "{dossier}", "-o", "r.html"), id="rapport-fichier"),
        pytest.param(("conseil", "{exemple}", "--html", "{dossier}"), id="conseil-html"),
        pytest.param(("rapport", "{exemple}", "-o", "{dossier}"), id="rapport-sortie"),
        pytest.param(("rapport", "{exemple}", "-o", "r.html", "--pdf", "{dossier}"), id="rapport-pdf"),
    ],
)
def test_a_directory_where_a_file_is_expected_is_bad_input_in_french(tmp_path, args):
    """A folder given where a file is read or written exits 1 like every other bad input, with the
    folder's name and « c'est un dossier » (a missing file exits 1 too)."""
    exemple = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    concrets = [a.format(dossier=tmp_path, exemple=exemple) for a in args]
    result = invoke(*concrets, *DATE)
    assert result.exit_code == 1, result.stderr
    assert result.stderr.startswith(f"Erreur : {tmp_path} : c'est un dossier"), result.stderr
    assert not [english for english in CLICK_ANGLAIS if english in result.stderr], result.stderr


@pytest.mark.lent
def test_a_bad_answer_file_in_a_real_process_prints_no_traceback():
    """In a real process, a bad answer file prints one French line on stderr and exits with 1."""
    path = BROKEN / "moins-de-classes.yaml"
    result = subprocess.run([str(ENTADVISOR), "conseil", str(path)], capture_output=True, text=True)
    assert result.returncode == 1
    assert result.stderr.startswith(f"Erreur : {path}, ligne 10, champ « nombre_classes »")
    assert "Traceback" not in result.stderr
    assert result.stdout == ""


@pytest.mark.lent
def test_conseil_json_in_a_real_process_is_valid_json():
    """`entadvisor conseil FICHIER --json` in a real process prints valid JSON and exits with 0."""
    result = subprocess.run(
        [str(ENTADVISOR), "conseil", str(VILLE), "--json", *DATE], capture_output=True, text=True, cwd=ROOT
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["achat"]["voie"] == "procedure_propre"


# --- regles, schema, demo ------------------------------------------------------------------------


def test_regles_lists_every_rule_id_with_its_title():
    """`entadvisor regles` lists every rule of the knowledge base, with its title, once."""
    result = invoke("regles")
    assert result.exit_code == 0, result.stderr
    rules = load_knowledge().rules
    assert f"{len(rules)} règles" in result.stdout
    for rule in rules:
        assert re.search(rf"^  {re.escape(rule.id)}\s+{re.escape(rule.titre)}$", result.stdout, re.M), rule.id


def test_schema_is_a_json_schema_with_every_answer_key():
    """`entadvisor schema` prints a JSON Schema of an object with every answer key, the required ones, no others."""
    result = invoke("schema")
    assert result.exit_code == 0
    schema = json.loads(result.stdout)
    assert schema["type"] == "object"
    assert set(schema["properties"]) == set(FIELDS)
    assert set(schema["required"]) == set(REQUIRED)
    assert schema["additionalProperties"] is False
    assert schema["properties"]["porteur"]["enum"] == [
        "commune",
        "epci",
        "syndicat_scolaire",
        "syndicat_mixte",
        "departement",
        "autre",
    ]
    for key, prop in schema["properties"].items():
        assert prop.get("description"), key


def test_demo_gives_the_advice_of_a_bundled_example():
    """`entadvisor demo` prints the advice of the bundled ville-12-ecoles example."""
    result = invoke("demo", *DATE)
    assert result.exit_code == 0, result.stderr
    assert "Exemple : ville-12-ecoles.yaml" in result.stderr
    assert "L'ESSENTIEL" in result.stdout and "POURQUOI" in result.stdout
    assert result.stdout == invoke("conseil", str(VILLE), *DATE).stdout


def test_demo_with_an_unknown_example_lists_the_examples_in_french():
    """`entadvisor demo --exemple inconnu` exits with 2 and lists the bundled examples."""
    result = invoke("demo", "--exemple", "inconnu")
    assert result.exit_code == 2
    assert "exemple inconnu « inconnu »" in result.stderr
    assert all(path.stem in result.stderr for path in EXAMPLES)


# --- help and README -----------------------------------------------------------------------------

COMMANDS = sorted(main.commands)


def test_the_main_help_is_french_and_lists_every_command():
    """`entadvisor --help` is French and lists every command."""
    result = invoke("--help")
    assert result.exit_code == 0
    assert "Commandes" in result.stdout
    assert all(name in result.stdout for name in COMMANDS)
    assert not [english for english in CLICK_ANGLAIS if english in result.stdout], result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_a_french_help(name):
    """Each command's --help shows a non-empty French description (its docstring), and no click English."""
    command: click.Command = main.commands[name]
    assert (command.help or "").strip(), name
    result = invoke(name, "--help")
    assert result.exit_code == 0
    first_line = command.help.strip().splitlines()[0]
    assert " ".join(first_line.split()) in " ".join(result.stdout.split())
    assert re.search(r"[éèàêç]|\b(le|la|les|des|du|un|une)\b", command.help), command.help
    assert not [english for english in CLICK_ANGLAIS if english in result.stdout], result.stdout


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_is_named_in_the_readme(name):
    """Each command appears in README.md as `entadvisor <command>`."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"entadvisor {name}" in readme


def test_conseil_sensibilite_adds_what_would_change_the_advice():
    """`entadvisor conseil FICHIER --sensibilite --json` exits with 0 and fills « sensibilite »."""
    result = invoke("conseil", str(VILLE), "--sensibilite", "--json", *DATE)
    assert result.exit_code == 0, repr(result.exception)
    assert json.loads(result.stdout)["sensibilite"] is not None


def test_a_reader_that_stops_early_gets_no_error_message():
    """`entadvisor regles | head -1`: the pipe closes early; no « Erreur : … EPIPE », no traceback, exit 0."""
    process = subprocess.Popen(
        [sys.executable, "-m", "entadvisor", "regles"], stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert process.stdout is not None and process.stderr is not None
    import fcntl

    # F_SETPIPE_SZ: a small pipe, so that the writer meets the close
    fcntl.fcntl(process.stdout.fileno(), 1031, 4096)
    process.stdout.readline()
    process.stdout.close()
    erreurs = process.stderr.read().decode()
    process.stderr.close()
    assert process.wait(timeout=60) == 0, erreurs
    assert "Erreur" not in erreurs and "Traceback" not in erreurs, erreurs
