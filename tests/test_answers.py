"""The answer file: the gallery of broken files (tests/broken/) and the loader's French messages."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from entadvisor.answer_files import TAILLE_MAX_OCTETS, load_answers, parse_answers
from entadvisor.answers import FIELDS, REQUIRED, Answers, validate_answers
from entadvisor.errors import EntreeInvalide

HERE = Path(__file__).resolve().parent
BROKEN = HERE / "broken"
EXAMPLES = HERE.parent / "questionnaires" / "examples"
ATTENDUS: dict[str, dict[str, Any]] = yaml.safe_load((BROKEN / "attendus.yaml").read_text(encoding="utf-8"))

# English that pydantic, PyYAML, json or Python would put in a message; none may reach a user.
ANGLAIS = (
    "Input should",
    "validation error",
    "Field required",
    "Extra inputs",
    "For further information",
    "pydantic",
    "Traceback",
    "Expecting",
    "could not",
    "cannot",
    "found",
    "expected",
    "not allowed",
    "out of range",
    "Exceeds the limit",
    "exceeded",
)


def english_in(message: str) -> list[str]:
    """The English fragments found in a message."""
    return [fragment for fragment in ANGLAIS if fragment in message]


def _error(path: Path) -> EntreeInvalide:
    with pytest.raises(EntreeInvalide) as caught:
        load_answers(path)
    return caught.value


def _gallery(key: str) -> list[Any]:
    cases = []
    for name, expected in sorted(ATTENDUS.items()):
        marks = [pytest.mark.xfail(strict=True, reason=f"bogue: {expected[key]}")] if key in expected else []
        cases.append(pytest.param(name, expected, id=name, marks=marks))
    return cases


# --- the gallery ---------------------------------------------------------------------------------


def test_every_broken_file_has_its_expected_message_and_every_entry_its_file():
    """Each file of tests/broken/ is listed in attendus.yaml, and each entry has its file."""
    files = {p.name for p in BROKEN.iterdir() if p.name != "attendus.yaml"}
    assert files == set(ATTENDUS)


@pytest.mark.parametrize(("name", "expected"), _gallery("bogue"))
def test_a_broken_answer_file_is_refused_with_a_french_message_naming_file_field_and_line(name, expected):
    """A broken answer file raises EntreeInvalide naming the file, the field and the line, and what is allowed."""
    path = BROKEN / name
    error = _error(path)
    message = str(error)
    assert message.startswith(str(path)), message
    told = message.replace(str(path), "")  # the fragments must be in what is said, not in the file name
    for fragment in expected["contient"]:
        assert fragment in told, f"« {fragment} » absent de :\n{message}"
    champ, ligne = expected.get("champ"), expected.get("ligne")
    if champ is not None:
        assert f"champ « {champ} »" in message
        probleme = next(p for p in error.problemes if p.champ == champ)
        assert probleme.ligne == ligne, f"ligne {probleme.ligne} au lieu de {ligne}"
    elif ligne is not None:
        assert [p.ligne for p in error.problemes] == [ligne]
        assert f"ligne {ligne}" in message


@pytest.mark.parametrize(("name", "expected"), _gallery("bogue_anglais"))
def test_a_broken_answer_file_message_contains_no_english(name, expected):
    """The message for a broken answer file is French: no pydantic, YAML, JSON or Python English."""
    message = str(_error(BROKEN / name))
    assert not english_in(message), message
    assert " : " in message


# --- broken inputs made on the fly ---------------------------------------------------------------


def test_an_oversized_file_is_refused_before_parsing(tmp_path):
    """A file larger than the size limit is refused, naming the file and the limit."""
    path = tmp_path / "enorme.yaml"
    path.write_text("# " + "x" * (TAILLE_MAX_OCTETS + 10) + "\n", encoding="utf-8")
    error = _error(path)
    assert str(error).startswith(str(path))
    assert "trop volumineux" in str(error)
    assert f"{TAILLE_MAX_OCTETS // 1024} Kio" in str(error)


def test_a_file_just_under_the_size_limit_is_read(tmp_path):
    """A valid answer file padded with a comment up to the size limit is still read."""
    text = (EXAMPLES / "ville-12-ecoles.yaml").read_text(encoding="utf-8")
    padding = TAILLE_MAX_OCTETS - len(text.encode("utf-8")) - 3
    path = tmp_path / "limite.yaml"
    path.write_text(text + "#" + "x" * padding + "\n", encoding="utf-8")
    assert path.stat().st_size <= TAILLE_MAX_OCTETS
    assert load_answers(path).nombre_ecoles == 12


def test_a_directory_is_refused_as_an_answer_file(tmp_path):
    """A directory given instead of an answer file is refused in French, naming it."""
    error = _error(tmp_path)
    assert str(error) == f"{tmp_path} : c'est un dossier, pas un fichier de réponses."


def test_a_missing_file_is_refused(tmp_path):
    """A path that does not exist is refused in French, naming it."""
    path = tmp_path / "absent.yaml"
    assert str(_error(path)) == f"{path} : fichier introuvable."


# --- valid inputs --------------------------------------------------------------------------------


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_bundled_example_is_a_valid_answer_file(path):
    """Each example of questionnaires/examples is a valid answer file of format version 1."""
    answers = load_answers(path)
    assert isinstance(answers, Answers)
    assert answers.version == 1


def test_the_same_answers_in_json_and_yaml_give_the_same_model(tmp_path):
    """An answer file saved as JSON reads exactly like its YAML original."""
    original = EXAMPLES / "ville-12-ecoles.yaml"
    copy = tmp_path / "ville.json"
    copy.write_text(json.dumps(yaml.safe_load(original.read_text(encoding="utf-8"))), encoding="utf-8")
    assert load_answers(copy) == load_answers(original)


def test_a_utf8_file_with_a_byte_order_mark_is_read(tmp_path):
    """A file saved by an editor with a UTF-8 byte order mark is read normally."""
    path = tmp_path / "bom.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + (EXAMPLES / "ville-12-ecoles.yaml").read_bytes())
    assert load_answers(path).nom_projet == "ENT des écoles de Saint-Aubin-sur-Loire"


def _base() -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / "ville-12-ecoles.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        pytest.param("oui", True, id="oui"),
        pytest.param("Non", False, id="Non"),
        pytest.param(" vrai ", True, id="vrai-with-spaces"),
        pytest.param("faux", False, id="faux"),
        pytest.param("o", True, id="o"),
        pytest.param("n", False, id="n"),
        pytest.param(True, True, id="yaml-true"),
        pytest.param(False, False, id="yaml-false"),
    ],
)
def test_yes_no_answers_accept_french_and_yaml_words(word, expected):
    """A yes/no answer accepts oui/non, vrai/faux, o/n (any case) and YAML booleans."""
    assert validate_answers(_base() | {"service_marches": word}).service_marches is expected


def test_a_whole_float_is_accepted_for_an_integer():
    """78.0 classes is read as 78: only a fractional number is refused for an integer."""
    assert validate_answers(_base() | {"nombre_classes": 78.0}).nombre_classes == 78


def test_optional_answers_take_their_defaults():
    """Optional answers left out are None, false or 0 as ANSWERS.md says."""
    data = {key: value for key, value in _base().items() if key in REQUIRED}
    answers = validate_answers(data)
    assert answers.version == 1
    assert answers.nombre_eleves is None and answers.prix_eleve_an_ht is None
    assert answers.communes_partenaires_interessees is False
    assert answers.couts_ponctuels_ht == 0
    assert answers.date_lancement is None


# optional keys added to the contract (ANSWERS.md: « add to them freely »)
ADDED_KEYS = {"nom_collectivite", "delegation_marches", "plafond_delegation_ht"}


def test_the_answer_keys_are_those_of_answers_md():
    """The model's fields are the answer keys of the public contract (ANSWERS.md), plus documented additions."""
    assert set(FIELDS) - ADDED_KEYS == {
        "version",
        "nom_projet",
        "porteur",
        "competence_scolaire",
        "nombre_communes",
        "service_marches",
        "communes_partenaires_interessees",
        "nombre_ecoles",
        "nombre_classes",
        "nombre_eleves",
        "degres",
        "nombre_eleves_second_degre",
        "ent_existant",
        "fin_contrat_actuel",
        "usages_numeriques",
        "equipement_ecoles",
        "autorite_academique_associee",
        "convention_partenariat",
        "comite_pilotage",
        "dpo_associe",
        "accompagnement_prevu",
        "offre_mutualisee",
        "besoin",
        "specifications_precises",
        "prix_eleve_an_ht",
        "couts_ponctuels_ht",
        "rentree_visee",
        "date_lancement",
    }


@pytest.mark.parametrize(
    ("eleves", "ok"),
    [
        pytest.param(390, True, id="5.0-per-class"),
        pytest.param(389, False, id="4.99-per-class"),
        pytest.param(2730, True, id="35.0-per-class"),
        pytest.param(2731, False, id="35.01-per-class"),
    ],
)
def test_pupils_per_class_must_average_between_5_and_35(eleves, ok):
    """An average of 5 to 35 pupils per class (both included) is accepted; outside, it is refused."""
    data = _base() | {"nombre_classes": 78, "nombre_eleves": eleves}
    if ok:
        assert validate_answers(data).nombre_eleves == eleves
    else:
        with pytest.raises(EntreeInvalide, match="entre 5 et 35"):
            validate_answers(data, "f.yaml")


def test_as_many_classes_as_schools_is_accepted():
    """One class per school is the smallest consistent answer."""
    assert validate_answers(_base() | {"nombre_ecoles": 12, "nombre_classes": 12, "nombre_eleves": 250})


def test_an_end_of_contract_is_accepted_with_an_existing_ent():
    """fin_contrat_actuel is accepted when an ENT exists (partiel or generalise)."""
    data = _base() | {"ent_existant": "partiel", "fin_contrat_actuel": dt.date(2027, 8, 31)}
    assert validate_answers(data).fin_contrat_actuel == dt.date(2027, 8, 31)


# --- messages ------------------------------------------------------------------------------------


def test_several_problems_are_listed_together_in_line_order():
    """Every problem of a file is reported at once, by line, then those without a line."""
    text = (EXAMPLES / "ville-12-ecoles.yaml").read_text(encoding="utf-8")
    text = text.replace("porteur: commune", "porteur: mairie").replace(
        "nombre_communes: 1", "nombre_communes: 0"
    )
    text = text.replace("besoin: standard\n", "")
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(text, "f.yaml")
    error = caught.value
    assert str(error).startswith("f.yaml : 3 problèmes")
    assert [(p.champ, p.ligne) for p in error.problemes] == [
        ("porteur", 5),
        ("nombre_communes", 7),
        ("besoin", None),
    ]


def test_keys_that_are_not_text_are_refused_in_french():
    """A mapping with a non-text key is refused in French."""
    with pytest.raises(EntreeInvalide, match="les clés doivent être des textes"):
        parse_answers("3: trois\n", "f.yaml")


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        pytest.param({"nombre_ecoles": True}, "n'est pas un nombre entier", id="boolean-for-an-integer"),
        pytest.param({"rentree_visee": dt.date(2027, 9, 1)}, "ne convient pas", id="date-for-a-year"),
        pytest.param({"besoin": None}, "n'est pas une valeur permise", id="empty-required-choice"),
    ],
)
def test_the_value_found_is_shown_as_written_in_the_file(change, fragment):
    """The value quoted in a message is the one the user wrote, not a Python representation."""
    with pytest.raises(EntreeInvalide) as caught:
        validate_answers(_base() | change, "f.yaml")
    message = str(caught.value)
    assert fragment in message
    assert not [python for python in ("True", "None", "datetime.date(") if python in message], message


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("version: 1\n? [a, b]\n: x\n", id="unhashable-key"),
        pytest.param("version: 1\n---\nversion: 1\n", id="two-documents"),
        pytest.param("[" * 2000 + "]" * 2000, id="deep-nesting"),
        pytest.param("version: 1\nporteur: !commune {a: 1}\n", id="tag-on-a-mapping"),
        pytest.param("version: 1\nnombre_eleves: " + "9" * 5000 + "\n", id="huge-integer"),
    ],
)
def test_yaml_construction_errors_are_told_in_french(text):
    """Errors raised while building the YAML document are told in French."""
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(text, "f.yaml")
    assert not english_in(str(caught.value)), str(caught.value)


def test_no_message_of_the_gallery_contains_pydantic_text():
    """No message of the whole gallery contains pydantic's English (« Input should », « validation error »)."""
    for name in ATTENDUS:
        message = str(_error(BROKEN / name)) if name != "cle-en-double.yaml" else ""
        for fragment in ("Input should", "validation error", "Field required", "pydantic", "type="):
            assert fragment not in message, f"{name} : {message}"


# --- French forms and YAML 1.2 (issue 12, issue 13 item 3) ---------------------------------------


def _with(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


EXAMPLE_TEXT = (EXAMPLES / "ville-12-ecoles.yaml").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    ("line", "field", "expected"),
    [
        pytest.param("prix_eleve_an_ht: 4,50", "prix_eleve_an_ht", 4.5, id="decimal-comma"),
        pytest.param("prix_eleve_an_ht: 4.50", "prix_eleve_an_ht", 4.5, id="decimal-point"),
        pytest.param("nombre_eleves: 1 850", "nombre_eleves", 1850, id="thousands-space"),
        pytest.param("nombre_eleves: 1\u00a0850", "nombre_eleves", 1850, id="thousands-nbsp"),
        pytest.param("nombre_eleves: 1\u202f850", "nombre_eleves", 1850, id="thousands-narrow-nbsp"),
        pytest.param('nombre_eleves: "1 850"', "nombre_eleves", 1850, id="thousands-quoted"),
        pytest.param("couts_ponctuels_ht: 6 000,50", "couts_ponctuels_ht", 6000.5, id="thousands-and-comma"),
        pytest.param("date_lancement: 15/03/2027", "date_lancement", dt.date(2027, 3, 15), id="date-slashes"),
        pytest.param("date_lancement: 15 mars 2027", "date_lancement", dt.date(2027, 3, 15), id="date-words"),
        pytest.param("date_lancement: 2027-03-15", "date_lancement", dt.date(2027, 3, 15), id="date-iso"),
        pytest.param("service_marches: oui", "service_marches", True, id="oui"),
        pytest.param("service_marches: non", "service_marches", False, id="non"),
        pytest.param("service_marches: yes", "service_marches", True, id="yes-is-text-read-as-yes"),
        pytest.param("nombre_ecoles: 012", "nombre_ecoles", 12, id="leading-zero-is-decimal-not-octal"),
        pytest.param("nombre_eleves: 01850", "nombre_eleves", 1850, id="leading-zero-never-octal"),
        pytest.param('version: "1"', "version", 1, id="version-as-text"),
    ],
)
def test_french_forms_and_yaml_1_2_numbers_are_read_as_the_questionnaire_reads_them(line, field, expected):
    """An answer file accepts what the questionnaire accepts (« 4,50 », « 1 850 », « 15/03/2027 », « oui »),
    and a leading zero is a decimal number, never octal."""
    key = line.split(":", 1)[0]
    text = EXAMPLE_TEXT
    if f"\n{key}:" in text:
        old = next(row for row in text.splitlines() if row.startswith(f"{key}:"))
        text = _with(text, old, line)
    else:
        text += line + "\n"
    answers = parse_answers(text, "f.yaml", date_analyse=dt.date(2026, 12, 1))
    assert getattr(answers, field) == expected


def test_the_questionnaire_and_the_loader_share_one_french_parser():
    """The questionnaire's typed answers and the answer files go through the same parser (french_input)."""
    from entadvisor import french_input
    from entadvisor.questionnaire import lecture as questionnaire

    assert questionnaire.parse_number is french_input.parse_number
    assert questionnaire.parse_date is french_input.parse_date
    assert questionnaire._OUI is french_input.OUI


@pytest.mark.parametrize(
    ("date_analyse", "launch", "ok"),
    [
        pytest.param(dt.date(2026, 12, 1), "2046-12-01", True, id="20-years-later-accepted"),
        pytest.param(dt.date(2026, 12, 1), "2046-12-02", False, id="20-years-and-a-day-refused"),
        pytest.param(dt.date(2026, 12, 1), "2006-12-01", True, id="20-years-before-accepted"),
        pytest.param(dt.date(2026, 12, 1), "2006-11-30", False, id="more-than-20-years-before-refused"),
        pytest.param(dt.date(2040, 1, 1), "2055-01-01", True, id="window-follows-the-analysis-date"),
    ],
)
def test_the_launch_date_must_lie_within_20_years_of_the_analysis_date(date_analyse, launch, ok):
    """date_lancement is refused more than 20 years from the analysis date, naming field and line."""
    text = EXAMPLE_TEXT + f"date_lancement: {launch}\n"
    if ok:
        assert parse_answers(text, "f.yaml", date_analyse=date_analyse).date_lancement.isoformat() == launch
        return
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(text, "f.yaml", date_analyse=date_analyse)
    (probleme,) = caught.value.problemes
    assert probleme.champ == "date_lancement" and probleme.ligne == text.count("\n")
    assert "à plus de 20 ans de la date d'analyse" in probleme.message


@pytest.mark.parametrize("day", [dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(1999, 12, 31)])
def test_an_impossible_analysis_date_is_refused_in_french(day):
    """An analysis date in year 1, 9999 or outside 2000–2100 is refused with a French message naming it."""
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(EXAMPLE_TEXT, "f.yaml", date_analyse=day)
    assert "date d'analyse" in str(caught.value) and "hors des bornes" in str(caught.value)
    assert not english_in(str(caught.value))


def test_a_key_holding_an_escape_character_is_shown_visible_in_the_message():
    """An unknown key written with an escape sequence is named with ␛, never with the raw character."""
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(EXAMPLE_TEXT + '"\\e[2Jcle": 1\n', "f.yaml")
    message = str(caught.value)
    assert "\x1b" not in message and "␛[2Jcle" in message


def test_a_fifo_is_refused_without_being_opened_for_reading(tmp_path):
    """A FIFO named *.yaml is refused at once (no writer: a blocking open would hang for ever)."""
    fifo = tmp_path / "tube.yaml"
    os.mkfifo(fifo)
    assert "c'est un tube (FIFO)" in str(_error(fifo))


@pytest.mark.skipif(os.geteuid() == 0, reason="root lit tous les fichiers : pas de refus de droits à tester")
def test_an_unreadable_file_is_refused_in_french(tmp_path):
    """A file without read permission gives a French message, never « Permission denied »."""
    path = tmp_path / "prive.yaml"
    path.write_text(EXAMPLE_TEXT, encoding="utf-8")
    path.chmod(0)
    message = str(_error(path))
    assert "droits insuffisants" in message and "Permission" not in message


def test_a_system_error_is_told_in_french():
    """os_message words an OSError in French whatever its English text."""
    import errno

    from entadvisor.errors import os_message

    assert os_message(OSError(errno.ENOSPC, "No space left on device")) == "disque plein"
    assert os_message(OSError(errno.EROFS, "Read-only file system")) == "système de fichiers en lecture seule"
    assert "Permission" not in os_message(PermissionError(errno.EACCES, "Permission denied"))


@pytest.mark.parametrize("option", ["0001-01-01", "9999-12-31"])
def test_the_analysis_date_option_refuses_year_1_and_9999_in_french(option):
    """`--date-analyse 0001-01-01` or `9999-12-31`: a French usage message naming the option, no traceback."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    result = CliRunner().invoke(
        main, ["conseil", str(EXAMPLES / "ville-12-ecoles.yaml"), "--date-analyse", option]
    )
    assert result.exit_code == 2, result.output
    assert "--date-analyse" in result.output and "hors des bornes" in result.output
    assert "Traceback" not in result.output


@pytest.mark.parametrize("command", ["conseil", "rapport"])
def test_a_launch_in_year_9999_is_refused_by_conseil_and_rapport_alike(tmp_path, command):
    """The same file gives the same French refusal (file, field, line) in `conseil` and in `rapport`."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    args = [command, str(BROKEN / "date-an-9999.yaml")] + (
        ["-o", str(tmp_path / "r.html")] if command == "rapport" else []
    )
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 1, result.output
    assert "ligne 26, champ « date_lancement »" in result.output and "ValueError" not in result.output
    assert not (tmp_path / "r.html").exists()
