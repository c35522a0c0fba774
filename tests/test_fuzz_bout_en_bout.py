"""Fuzzing from the example files to every output (issue 12): the loader, evaluate, the terminal text,
the JSON and the report accept only a valid advice that satisfies the plan's invariants, or refuse
with a clean French EntreeInvalide — never a traceback, never an impossible plan, never a raw control
character in an output.

Each example is edited at random: values replaced by numbers in YAML 1.1 or French forms, dates of
any year written in any accepted form, words, control characters; the analysis date is random too.
The number of examples is bounded (hypothesis, no database) so that the test stays a few seconds.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from entadvisor.answer_files import parse_answers
from entadvisor.answers import FIELDS, allowed_values
from entadvisor.answers import value_kind as _kind
from entadvisor.api import evaluate
from entadvisor.errors import EntreeInvalide
from entadvisor.report.text import advice_text

EXAMPLES = sorted((Path(__file__).resolve().parent.parent / "questionnaires" / "examples").glob("*.yaml"))
TEXTS = [path.read_text(encoding="utf-8") for path in EXAMPLES]
CONTROLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
ANGLAIS = ("Traceback", "Input should", "validation error", "out of range", "Error", "object has no")

SETTINGS = settings(
    max_examples=40,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)

years = st.integers(min_value=1, max_value=9999)


@st.composite
def dates(draw: st.DrawFn) -> str:
    """A date of any year (1 to 9999), possibly impossible, in one of the forms a user may write."""
    year = draw(st.one_of(years, st.integers(min_value=1990, max_value=2070)))
    month, day = draw(st.integers(min_value=0, max_value=13)), draw(st.integers(min_value=0, max_value=32))
    form = draw(st.sampled_from(["iso", "fr", "quoted"]))
    if form == "fr":
        return f"{day:02d}/{month:02d}/{year:04d}"
    text = f"{year:04d}-{month:02d}-{day:02d}"
    return f'"{text}"' if form == "quoted" else text


numbers = st.one_of(
    st.integers(min_value=-5, max_value=10**7).map(str),
    st.integers(min_value=1, max_value=5000).map(lambda n: f"0{n}"),
    st.integers(min_value=1, max_value=5000).map(lambda n: f"0x{n:X}"),
    st.integers(min_value=1, max_value=5000).map(lambda n: f"{n // 60}:{n % 60:02d}"),
    st.integers(min_value=10, max_value=99999).map(lambda n: f"{str(n)[:-1]}_{str(n)[-1]}"),
    st.integers(min_value=1000, max_value=99999).map(lambda n: f"{str(n)[:-3]} {str(n)[-3:]}"),
    st.floats(min_value=0, max_value=2000, allow_nan=False).map(lambda x: f"{x:.2f}".replace(".", ",")),
    st.sampled_from([".nan", ".inf", "-.inf", "1e400", "true", "no", "~", "oui", "", "'12'"]),
)
control = st.sampled_from(["\x00", "\x07", "\x1b[2J", "\x9b", "\u202e"])
words = st.one_of(
    st.sampled_from(["commune", "oui", "non", "yes", "aucun", "partiel", "specifique", "ne_sait_pas"]),
    st.text(max_size=12),
    control.map(lambda c: f'"ENT {c.encode("unicode_escape").decode()}"'),
)
values = st.one_of(numbers, dates(), words)


def _plausible(key: str) -> st.SearchStrategy[str]:
    """A value of the right kind for ``key``, written in one of the forms a user may use."""
    choices = allowed_values(key)
    if choices:
        return st.sampled_from([str(c) for c in choices])
    kind = _kind(key)
    if kind == "oui_non":
        return st.sampled_from(["oui", "non", "true", "false", "Oui", "n"])
    if kind == "date":
        return st.dates(min_value=dt.date(1995, 1, 1), max_value=dt.date(2060, 12, 31)).flatmap(
            lambda d: st.sampled_from([d.isoformat(), d.strftime("%d/%m/%Y")])
        )
    if key == "rentree_visee":
        return st.integers(min_value=2020, max_value=2060).map(str)
    if kind == "entier":
        return st.integers(min_value=1, max_value=400_000).flatmap(
            lambda n: st.sampled_from([str(n), f"{n:,}".replace(",", " "), f"{n:,}".replace(",", "\u00a0")])
        )
    if kind == "nombre":
        return st.floats(min_value=0, max_value=2000, allow_nan=False).map(
            lambda x: f"{x:.2f}".replace(".", ",")
        )
    return st.text(alphabet=st.characters(categories=["L", "N", "Zs"]), min_size=1, max_size=40).map(
        lambda t: f'"{t}"'
    )


@st.composite
def edited_example(draw: st.DrawFn) -> str:
    """An example file with a few values replaced (plausible or not), lines removed, or a control character."""
    lines = draw(st.sampled_from(TEXTS)).splitlines()
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        action = draw(st.sampled_from(["plausible", "plausible", "plausible", "any", "remove", "raw"]))
        if action == "raw":
            i = draw(st.integers(min_value=0, max_value=len(lines) - 1))
            j = draw(st.integers(min_value=0, max_value=len(lines[i])))
            lines[i] = lines[i][:j] + draw(control) + lines[i][j:]
            continue
        key = draw(
            st.sampled_from([f for f in FIELDS if f != "version"] + ["date_lancement", "fin_contrat_actuel"])
        )
        rows = [i for i, line in enumerate(lines) if line.startswith(f"{key}:")]
        for i in reversed(rows):
            del lines[i]
        if action != "remove":
            lines.append(f"{key}: {draw(_plausible(key) if action == 'plausible' else values)}")
    return "\n".join(lines) + "\n"


def _check_advice(advice) -> None:  # type: ignore[no-untyped-def]
    """The invariants every plan satisfies, read on the Advice."""
    cal, contrat = advice.calendrier_synthese, advice.contrat
    assert cal.lancement <= cal.notification <= cal.ouverture, (
        cal.lancement,
        cal.notification,
        cal.ouverture,
    )
    assert cal.rentree_retenue >= cal.rentree_visee
    assert cal.ouverture == contrat.debut
    assert contrat.debut < contrat.fin and contrat.duree_mois > 0
    for phase in contrat.phases:
        assert phase.debut <= phase.fin or phase.mois == 0, (
            phase
        )  # an empty phase ends the day before it starts
    for etape in advice.calendrier:
        assert etape.debut <= etape.fin, etape
    debuts = [etape.debut for etape in advice.calendrier]
    assert debuts == sorted(debuts), "calendrier hors d'ordre chronologique"
    montant = advice.valeur_estimee.montant_ht
    assert math.isfinite(montant) and montant >= 0


@pytest.fixture(scope="module")
def render():  # type: ignore[no-untyped-def]
    from entadvisor.report.render import render_report

    return render_report


@SETTINGS
@given(
    text=edited_example(),
    as_of=st.one_of(
        st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2035, 12, 31)),
        st.dates(min_value=dt.date(1, 1, 1), max_value=dt.date(9999, 12, 31)),
    ),
)
def test_an_edited_example_gives_a_sound_advice_in_every_output_or_a_clean_french_error(render, text, as_of):
    """Edited example → loader → evaluate → text, JSON, report: a sound advice, or a clean EntreeInvalide."""
    try:
        answers = parse_answers(text, "fuzz.yaml", date_analyse=as_of)
        advice = evaluate(answers, as_of=as_of)
    except EntreeInvalide as error:
        message = str(error)
        assert message.startswith("fuzz.yaml") and " : " in message, message
        assert not CONTROLE.search(message) and "\u202e" not in message, repr(message)
        assert not [mot for mot in ANGLAIS if mot in message], message
        return
    _check_advice(advice)
    texte = advice_text(advice)
    assert not CONTROLE.search(texte) and "\u202e" not in texte
    donnees = json.loads(advice.to_json())
    assert donnees["date_analyse"] == as_of.isoformat()
    page = render(advice)
    assert page.rstrip().endswith("</html>")
    assert not CONTROLE.search(page.replace("\n", "").replace("\t", ""))
    if advice.nom_projet:
        assert "<bdi>" in page


def test_the_examples_themselves_pass_the_invariants(render):
    """The unedited examples give sound advices (the fuzzing starts from valid files)."""
    for text in TEXTS:
        advice = evaluate(
            parse_answers(text, "exemple.yaml", date_analyse=dt.date(2026, 12, 1)), as_of=dt.date(2026, 12, 1)
        )
        _check_advice(advice)
        assert yaml.safe_load(text)  # and are plain YAML
