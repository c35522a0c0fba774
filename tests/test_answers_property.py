"""Property: whatever a user feeds the answer loader, it gives valid Answers or a French EntreeInvalide.

Random YAML/JSON texts, mappings with right and wrong keys and values, mutated example files and
random bytes all go through :func:`entadvisor.answer_files.parse_answers` / :func:`load_answers`. Any
other exception (a crash, a pydantic ValidationError, a YAML error) fails the test.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entadvisor.answer_files import load_answers, parse_answers
from entadvisor.answers import FIELDS, Answers, allowed_values, validate_answers
from entadvisor.errors import EntreeInvalide

EXAMPLES = Path(__file__).resolve().parent.parent / "questionnaires" / "examples"
EXAMPLE_TEXTS = [path.read_text(encoding="utf-8") for path in sorted(EXAMPLES.glob("*.yaml"))]
EXAMPLE = yaml.safe_load(EXAMPLE_TEXTS[-1])

PYDANTIC = ("Input should", "validation error", "Field required", "Extra inputs", "For further information")

SETTINGS = settings(
    max_examples=120,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)


def check_outcome(call: Any) -> Answers | None:
    """Run the loader: a valid Answers, or an EntreeInvalide whose message is French; nothing else."""
    try:
        result = call()
    except EntreeInvalide as error:
        message = str(error)
        assert " : " in message, message
        assert "Traceback" not in message, message
        assert not [fragment for fragment in PYDANTIC if fragment in message], message
        assert error.problemes and all(p.message for p in error.problemes)
        return None
    assert isinstance(result, Answers)
    return result


# --- strategies ----------------------------------------------------------------------------------

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=30),
    st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2200, 12, 31)),
    st.sampled_from(["oui", "non", "vrai", "faux", "peut-être", "12", "4,5", "2027-01-15", "15/01/2027", ""]),
)
values = st.recursive(
    scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner, max_size=3),
    max_leaves=6,
)


def _allowed(field: str) -> st.SearchStrategy[Any]:
    choices = allowed_values(field)
    return st.sampled_from(choices) if choices else values


def _misspelt(key: str) -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=len(key) - 1).map(lambda i: key[:i] + key[i + 1 :])


keys = st.one_of(st.sampled_from(FIELDS), st.sampled_from(FIELDS).flatmap(_misspelt), st.text(max_size=20))


@st.composite
def answer_mappings(draw: st.DrawFn) -> dict[str, Any]:
    """A valid example with some answers removed, replaced by right or wrong values, or added under wrong keys."""
    data = dict(EXAMPLE)
    for field in draw(st.lists(st.sampled_from(FIELDS), max_size=6, unique=True)):
        action = draw(st.sampled_from(["remove", "allowed", "random"]))
        if action == "remove":
            data.pop(field, None)
        else:
            data[field] = draw(_allowed(field) if action == "allowed" else values)
    for key in draw(st.lists(keys, max_size=3)):
        data[key] = draw(values)
    return data


def _dump_yaml(data: dict[str, Any]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def _dump_json(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, default=str, indent=1)


# --- properties ----------------------------------------------------------------------------------


@SETTINGS
@given(text=st.text(max_size=300), format=st.sampled_from(["yaml", "json"]))
def test_any_text_gives_answers_or_a_french_error(text, format):
    """Any text, read as YAML or JSON, gives valid Answers or a French EntreeInvalide."""
    check_outcome(lambda: parse_answers(text, "aleatoire.txt", format=format))


yaml_like = st.lists(
    st.sampled_from(
        [
            "version: 1",
            "nombre_ecoles: 3",
            "porteur: commune",
            "  - a",
            "- b",
            "? x",
            ": y",
            "&a 1",
            "*a",
            "!!str 3",
            "!tag 4",
            "!!python/int 5",
            "{a: 1",
            "[1, 2]",
            "'texte",
            '"x": ',
            "\t",
            "---",
            "...",
            "%YAML 1.1",
            "#",
            "besoin: standard",
            "date_lancement: 2027-02-30",
            "nombre_eleves: 1e3",
            "prix_eleve_an_ht: .nan",
            "|",
            ">",
            "key: |\n  bloc",
            "<<: {a: 1}",
            "~",
            "null:",
            "2027-01-15: x",
        ]
    ),
    max_size=12,
).map("\n".join)


@SETTINGS
@given(text=yaml_like)
def test_yaml_shaped_noise_gives_answers_or_a_french_error(text):
    """Fragments of YAML syntax (anchors, tags, flows, blocks) in any order give Answers or a French error."""
    check_outcome(lambda: parse_answers(text, "bruit.yaml"))


@SETTINGS
@given(data=answer_mappings(), format=st.sampled_from(["yaml", "json", "direct"]))
def test_mappings_with_right_and_wrong_keys_and_values_give_answers_or_a_french_error(data, format):
    """Answer mappings with missing, misspelt, unknown and wrongly typed answers give Answers or a French error."""
    if format == "direct":
        answers = check_outcome(lambda: validate_answers(data, "direct"))
    else:
        text = _dump_yaml(data) if format == "yaml" else _dump_json(data)
        answers = check_outcome(lambda: parse_answers(text, f"f.{format}", format=format))
    if answers is not None:
        assert 5 <= (answers.nombre_eleves or 5 * answers.nombre_classes) / answers.nombre_classes <= 35
        assert answers.nombre_classes >= answers.nombre_ecoles
        for number in (answers.prix_eleve_an_ht, answers.couts_ponctuels_ht):
            assert number is None or math.isfinite(number)


@SETTINGS
@given(
    index=st.integers(min_value=0, max_value=len(EXAMPLE_TEXTS) - 1),
    cut=st.integers(min_value=0, max_value=2000),
    insert=st.text(max_size=20),
    delete=st.integers(min_value=0, max_value=30),
)
def test_an_example_file_edited_at_random_gives_answers_or_a_french_error(index, cut, insert, delete):
    """A valid example with characters inserted and deleted anywhere gives Answers or a French error."""
    text = EXAMPLE_TEXTS[index]
    cut = min(cut, len(text))
    edited = text[:cut] + insert + text[cut + delete :]
    check_outcome(lambda: parse_answers(edited, "edite.yaml"))


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder for the files written by the random-bytes property."""
    return tmp_path_factory.mktemp("octets")


@SETTINGS
@given(raw=st.binary(max_size=400), suffix=st.sampled_from([".yaml", ".json", ".yml", ""]))
def test_random_bytes_in_a_file_give_answers_or_a_french_error(folder, raw, suffix):
    """A file of random bytes (any encoding, any suffix) gives Answers or a French error."""
    path = folder / f"octets{suffix}"
    path.write_bytes(raw)
    check_outcome(lambda: load_answers(path))


@SETTINGS
@given(prefix=st.binary(max_size=40))
def test_bytes_before_a_valid_example_give_answers_or_a_french_error(folder, prefix):
    """Random bytes in front of a valid example (a BOM, Latin-1, binary junk) give Answers or a French error."""
    path = folder / "prefixe.yaml"
    path.write_bytes(prefix + EXAMPLE_TEXTS[0].encode("utf-8"))
    check_outcome(lambda: load_answers(path))


# --- YAML 1.1 number forms and control characters (issue 12) --------------------------------------

INTEGER_FIELDS = ("nombre_ecoles", "nombre_classes", "nombre_eleves", "nombre_communes")


@st.composite
def yaml11_integers(draw: st.DrawFn) -> tuple[str, int, bool]:
    """An integer written in a form YAML 1.1 reads differently: (text, decimal value, must be refused)."""
    value = draw(st.integers(min_value=1, max_value=9999))
    form = draw(st.sampled_from(["zeros", "hex", "octal_0o", "underscore", "sexagesimal", "binary", "plain"]))
    if form == "zeros":
        return "0" * draw(st.integers(min_value=1, max_value=3)) + str(value), value, False
    if form == "hex":
        return f"0x{value:X}", value, True
    if form == "octal_0o":
        return f"0o{value:o}", value, True
    if form == "binary":
        return f"0b{value:b}", value, True
    if form == "underscore":
        digits = str(value * 10 + 1)
        cut = draw(st.integers(min_value=1, max_value=len(digits) - 1))
        return digits[:cut] + "_" + digits[cut:], value, True
    if form == "sexagesimal":
        return f"{value}:{draw(st.integers(min_value=0, max_value=59)):02d}", value, True
    return str(value), value, False


def _replace_line(text: str, key: str, value: str) -> str:
    lines = [f"{key}: {value}" if line.startswith(f"{key}:") else line for line in text.splitlines()]
    if not any(line.startswith(f"{key}:") for line in text.splitlines()):
        lines.append(f"{key}: {value}")
    return "\n".join(lines) + "\n"


@SETTINGS
@given(written=yaml11_integers(), field=st.sampled_from(INTEGER_FIELDS))
def test_yaml_1_1_number_forms_are_never_read_as_yaml_1_1_reads_them(written, field):
    """0x1C, 0o17, 0b11, 1_2 and 30:50 are refused where a number is asked; 0100 is 100, never 64."""
    text, value, refused = written
    edited = _replace_line(EXAMPLE_TEXTS[-1], field, text)
    answers = check_outcome(lambda: parse_answers(edited, "yaml11.yaml"))
    if refused:
        assert answers is None, f"{text} accepté comme {getattr(answers, field)}"
    elif answers is not None:
        assert getattr(answers, field) == value


CONTROLS = [
    chr(code) for code in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F, *range(0x80, 0xA0)]
]


@SETTINGS
@given(
    index=st.integers(min_value=0, max_value=len(EXAMPLE_TEXTS) - 1),
    where=st.integers(min_value=0, max_value=2000),
    char=st.sampled_from(CONTROLS),
    format=st.sampled_from(["yaml", "json"]),
)
def test_a_control_character_anywhere_is_refused_with_its_line_and_never_echoed_raw(
    index, where, char, format
):
    """A control character (NUL, BEL, ESC, C1…) anywhere in a file, raw or as a JSON escape, is refused
    with a line or a field, and the message never contains it raw."""
    text = EXAMPLE_TEXTS[index]
    if format == "json":
        text = _dump_json(yaml.safe_load(text))
        cut = min(where, len(text))
        # inside a string: as a \\u escape, which JSON accepts and decodes
        quote = text.find('": "', cut)
        if quote == -1:
            quote = text.find('": "')
        text = text[: quote + 4] + f"\\u{ord(char):04x}" + text[quote + 4 :]
    else:
        cut = min(where, len(text))
        text = text[:cut] + char + text[cut:]
    with pytest.raises(EntreeInvalide) as caught:
        parse_answers(text, f"controle.{format}", format=format)
    message = str(caught.value)
    assert not any(c in message for c in CONTROLS), repr(message)
    assert all(p.ligne is not None or p.champ for p in caught.value.problemes), message
