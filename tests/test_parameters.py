"""Dated parameters (rules/parameters/*.yaml): values on both sides of every change, sources, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from entadvisor.engine.parameters import ParameterSet, load_parameters
from entadvisor.errors import EntreeInvalide

ROOT = Path(__file__).resolve().parent.parent
FOLDER = ROOT / "rules" / "parameters"
D = dt.date
DAY = dt.timedelta(days=1)

# English fragments of pydantic, PyYAML and Python that must never reach a user.
ANGLAIS = (
    "Input should",
    "validation error",
    "Field required",
    "Extra inputs",
    "should have at least",
    "not allowed",
    'in "<unicode string>"',
    "datetime.date(",
)


@pytest.fixture(scope="module")
def parametres() -> ParameterSet:
    """The bundled parameters, loaded from the repository's rules/parameters folder."""
    return load_parameters(FOLDER)


def _raw(name: str) -> dict:
    """The YAML description of the parameter files, by file name."""
    return yaml.safe_load((FOLDER / name).read_text(encoding="utf-8"))


def _every_parameter() -> list[tuple[str, str, dict]]:
    found = []
    for path in sorted(FOLDER.glob("*.yaml")):
        for name, body in _raw(path.name).items():
            found.append((path.name, name, body))
    return found


PARAMETRES = _every_parameter()


# --- named values at the dates the law changed them --------------------------------------------------


@pytest.mark.parametrize(
    ("nom", "date", "valeur", "depuis", "connu"),
    [
        pytest.param("seuil_dispense", D(2026, 3, 31), 40_000, D(2020, 1, 1), True, id="dispense-2026-03-31"),
        pytest.param("seuil_dispense", D(2026, 4, 1), 60_000, D(2026, 4, 1), True, id="dispense-2026-04-01"),
        pytest.param(
            "seuil_dispense", D(2019, 12, 31), 25_000, D(2015, 10, 1), True, id="dispense-2019-12-31"
        ),
        pytest.param("seuil_dispense", D(2020, 1, 1), 40_000, D(2020, 1, 1), True, id="dispense-2020-01-01"),
        pytest.param("seuil_dce_gratuit", D(2026, 3, 31), 40_000, D(2020, 1, 1), True, id="dce-2026-03-31"),
        pytest.param("seuil_dce_gratuit", D(2026, 4, 1), 60_000, D(2026, 4, 1), True, id="dce-2026-04-01"),
        pytest.param(
            "seuil_europeen", D(2025, 12, 31), 221_000, D(2024, 1, 1), True, id="europeen-2025-12-31"
        ),
        pytest.param("seuil_europeen", D(2026, 1, 1), 216_000, D(2026, 1, 1), True, id="europeen-2026-01-01"),
        pytest.param(
            "seuil_europeen", D(2027, 12, 31), 216_000, D(2026, 1, 1), True, id="europeen-2027-12-31"
        ),
        pytest.param(
            "seuil_europeen", D(2028, 1, 1), 216_000, D(2026, 1, 1), False, id="europeen-2028-01-01"
        ),
        pytest.param(
            "seuil_europeen_autorites_centrales", D(2025, 12, 31), 143_000, D(2024, 1, 1), True, id="apc-2025"
        ),
        pytest.param(
            "seuil_europeen_autorites_centrales", D(2026, 1, 1), 140_000, D(2026, 1, 1), True, id="apc-2026"
        ),
        pytest.param(
            "seuil_europeen_autorites_centrales",
            D(2028, 1, 1),
            140_000,
            D(2026, 1, 1),
            False,
            id="apc-2028-unknown",
        ),
        pytest.param("seuil_publicite_mapa", D(2026, 4, 1), 90_000, D(2019, 4, 1), True, id="publicite-2026"),
        pytest.param("seuil_achat_innovant", D(2021, 12, 16), 100_000, D(2021, 12, 16), True, id="innovant"),
        pytest.param(
            "seuil_dispense", D(2015, 9, 30), 15_000, D(2011, 12, 12), True, id="dispense-2015-09-30"
        ),
        pytest.param(
            "seuil_dispense", D(2011, 12, 12), 15_000, D(2011, 12, 12), True, id="dispense-2011-12-12"
        ),
        pytest.param("seuil_dce_gratuit", D(2019, 12, 31), 25_000, D(2019, 4, 1), True, id="dce-2019-12-31"),
        pytest.param("seuil_dce_gratuit", D(2019, 4, 1), 25_000, D(2019, 4, 1), True, id="dce-2019-04-01"),
        pytest.param(
            "seuil_europeen_autorites_centrales", D(2023, 12, 31), 140_000, D(2022, 1, 1), True, id="apc-2023"
        ),
    ],
)
def test_threshold_values_on_both_sides_of_the_law_changes(parametres, nom, date, valeur, depuis, connu):
    """Each threshold has the value the law set on that date, the date it took effect, and whether it is known."""
    value = parametres.value(nom, date)
    assert (value.valeur, value.en_vigueur_depuis, value.connu) == (valeur, depuis, connu)


def test_european_threshold_past_its_validity_keeps_the_last_value_but_is_unknown(parametres):
    """After valid_until (2027-12-31) the European threshold is the last known one, marked unknown."""
    before, after = (
        parametres.value("seuil_europeen", D(2027, 12, 31)),
        parametres.value("seuil_europeen", D(2028, 1, 1)),
    )
    assert before.connu and not after.connu
    assert after.valeur == before.valeur == 216_000
    assert after.reference == before.reference


@pytest.mark.parametrize(
    ("nom", "date"),
    [
        pytest.param("seuil_dispense", D(2011, 12, 11), id="dispense-before-2011"),
        pytest.param("seuil_europeen", D(2021, 12, 31), id="europeen-before-2022"),
        pytest.param("seuil_achat_innovant", D(2021, 12, 15), id="innovant-before-decree"),
        pytest.param("marge_seuil_proche", D(2019, 12, 31), id="heuristic-before-2020"),
    ],
)
def test_a_date_before_the_first_value_is_unknown(parametres, nom, date):
    """Before its first dated value a parameter is not known: connu is False and it has no start date."""
    value = parametres.value(nom, date)
    assert value.connu is False
    assert value.en_vigueur_depuis is None


# --- every change date of every parameter file, generated from the files ----------------------------


def _change_cases() -> list:
    cases = []
    for file, name, body in PARAMETRES:
        dates = sorted(body["values"])
        for index, date in enumerate(dates):
            previous = dates[index - 1] if index else None
            cases.append(pytest.param(name, date, previous, id=f"{file}:{name}:{date}"))
    return cases


@pytest.mark.parametrize(("nom", "date", "previous"), _change_cases())
def test_every_dated_value_applies_from_its_date_and_not_the_day_before(parametres, nom, date, previous):
    """On its date a value applies; the day before, the previous value applies (or none is known yet)."""
    body = parametres.parameters[nom]
    on, before = parametres.value(nom, date), parametres.value(nom, date - DAY)
    assert on.valeur == body.values[date].value
    assert on.en_vigueur_depuis == date
    assert on.connu is (body.valid_until is None or date <= body.valid_until)
    if previous is None:
        assert before.connu is False and before.en_vigueur_depuis is None
    else:
        assert before.valeur == body.values[previous].value
        assert before.en_vigueur_depuis == previous


@pytest.mark.parametrize(
    "nom",
    [pytest.param(name, id=f"{file}:{name}") for file, name, body in PARAMETRES if "valid_until" in body],
)
def test_a_parameter_is_known_until_valid_until_and_unknown_the_day_after(parametres, nom):
    """A parameter with valid_until is known on that day and unknown the next, with its last value."""
    until = parametres.parameters[nom].valid_until
    assert parametres.value(nom, until).connu
    after = parametres.value(nom, until + DAY)
    assert not after.connu
    assert after.valeur == parametres.value(nom, until).valeur
    assert until + DAY in parametres.change_dates(nom)


def test_at_gives_every_parameter_at_a_date_and_is_cached(parametres):
    """ParameterSet.at gives each parameter's value at the date, the same object on the second call."""
    values = parametres.at(D(2026, 11, 29))
    assert sorted(values) == parametres.names()
    assert values["seuil_dispense"] == parametres.value("seuil_dispense", D(2026, 11, 29))
    assert parametres.at(D(2026, 11, 29)) is values


def test_an_unknown_parameter_name_is_a_key_error_in_french(parametres):
    """Asking for a parameter that does not exist raises KeyError naming it."""
    with pytest.raises(KeyError, match="paramètre inconnu : seuil_inexistant"):
        parametres.value("seuil_inexistant", D(2026, 1, 1))


def test_change_dates_lists_the_value_dates_in_order(parametres):
    """change_dates gives the dated values in order, plus the day after valid_until."""
    assert parametres.change_dates("seuil_dispense") == [
        D(2011, 12, 12),
        D(2015, 10, 1),
        D(2020, 1, 1),
        D(2026, 4, 1),
    ]
    assert parametres.change_dates("seuil_europeen") == [
        D(2022, 1, 1),
        D(2024, 1, 1),
        D(2026, 1, 1),
        D(2028, 1, 1),
    ]


# --- sources -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("file", "nom", "body"), [pytest.param(*p, id=f"{p[0]}:{p[1]}") for p in PARAMETRES])
def test_every_dated_value_has_a_reference(file, nom, body):
    """Every dated value of every parameter cites a reference with a title."""
    for date, dated in body["values"].items():
        reference = dated.get("reference") or {}
        assert len(str(reference.get("title", "")).strip()) >= 3, f"{file} {nom} {date}"


OFFICIEL = "https://www.legifrance.gouv.fr/"


def _references() -> list:
    found = []
    for file, name, body in PARAMETRES:
        for date, dated in body["values"].items():
            found.append(pytest.param(file, name, body, dated["reference"], id=f"{file}:{name}:{date}"))
    return found


@pytest.mark.parametrize(("file", "nom", "body", "reference"), _references())
def test_every_link_points_to_an_official_text(file, nom, body, reference):
    """A reference's link is a Légifrance page (code article or JORF text); a heuristic has no link at all."""
    href = reference.get("href")
    if body["nature"] == "heuristique":
        assert href is None, f"{file} {nom} : une heuristique ne renvoie à aucune page ({href})"
    elif href is not None:
        assert href.startswith(OFFICIEL), f"{file} {nom} : {href} n'est pas un texte officiel"
        assert "/jorf/id/JORFTEXT" in href or "/codes/" in href, f"{file} {nom} : {href}"


@pytest.mark.parametrize(("file", "nom", "body", "reference"), _references())
def test_no_reference_names_an_internal_file(file, nom, body, reference):
    """A reference title is what a user reads: no file of the project (« ANSWERS.md », « shared »)."""
    title = str(reference["title"])
    for fragment in (".md", ".py", ".yaml", "shared ", "DOMAIN", "ANSWERS"):
        assert fragment not in title, f"{file} {nom} : « {fragment} » dans « {title} »"


def test_a_heuristic_reference_says_it_is_expert_judgement():
    """Every heuristic parameter's reference says it is expert judgement (and where it comes from)."""
    for file, name, body in PARAMETRES:
        if body["nature"] == "heuristique":
            for date, dated in body["values"].items():
                assert str(dated["reference"]["title"]).startswith("Jugement d'expert"), (
                    f"{file} {name} {date}"
                )


ARTICLE_MANQUANT: set[str] = set()


@pytest.mark.parametrize(
    ("file", "nom", "body"),
    [
        pytest.param(
            *p,
            id=f"{p[0]}:{p[1]}",
            marks=[
                pytest.mark.xfail(
                    strict=True,
                    reason=(
                        "bogue: rules/parameters/projet.yaml, annees_renouvellement_municipal a "
                        "« nature: loi » sans « article »"
                    ),
                )
            ]
            if p[1] in ARTICLE_MANQUANT
            else [],
        )
        for p in PARAMETRES
        if p[2].get("nature") == "loi"
    ],
)
def test_every_law_parameter_names_its_article(file, nom, body):
    """A parameter whose nature is « loi » names the article it comes from."""
    assert str(body.get("article") or "").strip(), f"{file} : {nom} n'a pas d'article"


def test_every_parameter_has_a_label_a_unit_and_a_nature():
    """Every parameter has a French label, a unit and a nature (loi or heuristique)."""
    for file, name, body in PARAMETRES:
        assert body.get("libelle") and body.get("unite"), f"{file} {name}"
        assert body.get("nature") in {"loi", "heuristique"}, f"{file} {name}"


# --- malformed parameter files -----------------------------------------------------------------------

VALEUR = "    2020-01-01: {value: 1, reference: {title: Décret n° 1}}\n"

MAL_FORMES = [
    pytest.param("nature: coutume\n  values:\n" + VALEUR, id="unknown-nature"),
    pytest.param("nature: loi\n  values:\n    2020-01-01: {value: 1}\n", id="value-without-reference"),
    pytest.param("nature: loi\n  values: {}\n", id="no-value"),
    pytest.param(
        "nature: loi\n  values:\n    demain: {value: 1, reference: {title: Décret}}\n", id="bad-date"
    ),
    pytest.param("nature: loi\n  valeur: 3\n  values:\n" + VALEUR, id="unknown-key"),
]


def _write(folder: Path, body: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "seuils.yaml"
    path.write_text("seuil_test:\n  libelle: Seuil de test\n  unite: euros_ht\n  " + body, encoding="utf-8")
    return path


@pytest.mark.parametrize("body", MAL_FORMES)
def test_a_malformed_parameter_names_the_file_and_the_parameter(tmp_path, body):
    """A malformed parameter raises EntreeInvalide naming the file and the parameter."""
    path = _write(tmp_path / "parameters", body)
    with pytest.raises(EntreeInvalide) as error:
        load_parameters(tmp_path / "parameters")
    message = str(error.value)
    assert str(path) in message
    assert "« seuil_test »" in message
    assert "paramètre mal décrit" in message


@pytest.mark.parametrize("body", MAL_FORMES)
def test_a_malformed_parameter_is_explained_in_french(tmp_path, body):
    """The explanation of a malformed parameter contains no English pydantic text nor Python repr."""
    _write(tmp_path / "parameters", body)
    with pytest.raises(EntreeInvalide) as error:
        load_parameters(tmp_path / "parameters")
    message = str(error.value)
    assert not [fragment for fragment in ANGLAIS if fragment in message], message


def test_a_parameter_file_with_a_yaml_syntax_error_names_the_line_in_french(tmp_path):
    """A YAML syntax error in a parameter file names the file and the line, in French."""
    folder = tmp_path / "parameters"
    folder.mkdir()
    (folder / "seuils.yaml").write_text("seuil_test:\n  libelle: Seuil: de test\n", encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        load_parameters(folder)
    assert error.value.problemes[0].ligne == 2
    assert not [fragment for fragment in ANGLAIS if fragment in str(error.value)], str(error.value)


def test_a_parameter_defined_in_two_files_is_refused(tmp_path):
    """The same parameter name in two files is refused, naming the second file and the parameter."""
    folder = tmp_path / "parameters"
    _write(folder, "nature: loi\n  values:\n" + VALEUR)
    second = folder / "zz.yaml"
    second.write_text((folder / "seuils.yaml").read_text(encoding="utf-8"), encoding="utf-8")
    with pytest.raises(EntreeInvalide, match="défini deux fois") as error:
        load_parameters(folder)
    assert str(second) in str(error.value) and "seuil_test" in str(error.value)


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        pytest.param("- a\n- b\n", "table « nom: paramètre »", id="a-list"),
        pytest.param("", "table « nom: paramètre »", id="empty"),
    ],
)
def test_a_parameter_file_that_is_not_a_mapping_is_refused(tmp_path, text, fragment):
    """A parameter file must be a mapping of names to parameters."""
    (tmp_path / "seuils.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(EntreeInvalide, match=fragment):
        load_parameters(tmp_path)


def test_a_folder_without_parameter_files_is_refused(tmp_path):
    """A parameter folder with no *.yaml file is refused in French, naming the folder."""
    with pytest.raises(EntreeInvalide, match="aucun fichier de paramètres") as error:
        load_parameters(tmp_path)
    assert str(tmp_path) in str(error.value)


# --- gallery: a copied knowledge base with a key given twice ----------------------------------------

QUESTIONNAIRE = ROOT / "questionnaires" / "ent-premier-degre.yaml"


def _copy_parameters(tmp_path: Path) -> Path:
    folder = tmp_path / "parameters"
    folder.mkdir()
    for path in FOLDER.glob("*.yaml"):
        (folder / path.name).write_text(path.read_text(encoding="utf-8"), encoding="utf-8")
    return folder


def _insert_after(text: str, anchor: str, added: str) -> tuple[str, int]:
    """``text`` with ``added`` inserted after the first line equal to ``anchor``; the line it lands on."""
    lines = text.splitlines(keepends=True)
    index = next(i for i, line in enumerate(lines) if line.rstrip("\n") == anchor)
    lines.insert(index + 1, added)
    return "".join(lines), index + 2


def _line_of(text: str, line: str, after: str | None = None) -> int:
    lines = text.splitlines()
    start = lines.index(after) if after else 0
    return lines.index(line, start) + 1


DOUBLONS = [
    pytest.param(
        "seuil_dispense:",
        "  libelle: Seuil de dispense (deuxième libellé)\n",
        "libelle",
        "seuil_dispense.libelle",
        "  libelle: Seuil de dispense de publicité et de mise en concurrence",
        id="field-twice",
    ),
    pytest.param(
        "    2020-01-01:",
        "      value: 45000\n",
        "value",
        "seuil_dispense.values.2020-01-01.value",
        "      value: 40000",
        id="value-twice-in-a-dated-value",
    ),
    pytest.param(
        "  values:",
        "    2020-01-01: {value: 45000, reference: {title: Décret en double}}\n",
        "2020-01-01",
        "seuil_dispense.values.2020-01-01",
        "    2020-01-01:",
        id="same-date-twice",
    ),
    pytest.param(
        "  values:",
        '    "2020-01-01": {value: 45000, reference: {title: Décret en double}}\n',
        "2020-01-01",
        "seuil_dispense.values.2020-01-01",
        "    2020-01-01:",
        id="same-date-once-quoted",
    ),
]


@pytest.mark.parametrize(("anchor", "added", "key", "path", "first"), DOUBLONS)
def test_a_key_given_twice_in_a_parameter_file_names_file_key_and_line(
    tmp_path, anchor, added, key, path, first
):
    """A field, or a date of ``values``, given twice in a copied seuils.yaml is refused: file, key, both lines.

    The error is at the later of the two lines (the inserted copy or the original), the earlier one cited."""
    folder = _copy_parameters(tmp_path)
    seuils = folder / "seuils.yaml"
    text, line = _insert_after(seuils.read_text(encoding="utf-8"), anchor, added)
    seuils.write_text(text, encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        load_parameters(folder)
    earlier, later = sorted((line, _line_of(text, first, after="seuil_dispense:")))
    probleme = error.value.problemes[0]
    assert (probleme.champ, probleme.ligne) == (path, later)
    message = str(error.value)
    assert str(seuils) in message and f"clé « {key} » donnée deux fois" in message
    assert f"déjà ligne {earlier}" in message
    assert not [fragment for fragment in ANGLAIS if fragment in message], message


def test_a_parameter_given_twice_in_the_same_file_is_refused_with_its_line(tmp_path):
    """The same parameter name twice in one file (YAML would keep the last) is refused at its second line."""
    folder = _copy_parameters(tmp_path)
    seuils = folder / "seuils.yaml"
    text = seuils.read_text(encoding="utf-8")
    block = text[text.index("seuil_dispense:") : text.index("seuil_publicite_mapa:")]
    seuils.write_text(text + "\n" + block, encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        load_parameters(folder)
    probleme = error.value.problemes[0]
    assert probleme.champ == "seuil_dispense"
    assert probleme.ligne == len(text.splitlines()) + 2
    assert f"déjà ligne {_line_of(text, 'seuil_dispense:')}" in str(error.value)


def test_the_bundled_knowledge_base_has_no_key_given_twice():
    """The repository's parameter files and questionnaire load through the duplicate check."""
    from entadvisor.questionnaire.loader import load_questionnaire

    assert "seuil_dispense" in load_parameters(FOLDER)
    assert load_questionnaire(QUESTIONNAIRE).questions()


@pytest.mark.parametrize(
    ("anchor", "added", "key"),
    [
        pytest.param("titre: ENT premier degré", "titre: ENT premier degré (bis)\n", "titre", id="top-level"),
        pytest.param("      - id: porteur", "        id: porteur_bis\n", "id", id="question-id-twice"),
    ],
)
def test_a_key_given_twice_in_the_questionnaire_names_file_key_and_line(tmp_path, anchor, added, key):
    """A copied questionnaire with a key given twice is refused, naming the file, the key and the line."""
    from entadvisor.questionnaire.loader import load_questionnaire

    text, line = _insert_after(QUESTIONNAIRE.read_text(encoding="utf-8"), anchor, added)
    path = tmp_path / "ent-premier-degre.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(EntreeInvalide) as error:
        load_questionnaire(path)
    probleme = error.value.problemes[0]
    assert probleme.ligne == line and probleme.champ is not None and probleme.champ.endswith(key)
    message = str(error.value)
    assert str(path) in message and f"clé « {key} » donnée deux fois" in message
    assert not [fragment for fragment in ANGLAIS if fragment in message], message
