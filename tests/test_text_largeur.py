"""The terminal text fits the terminal: 80 columns when unknown or piped, whole words, aligned indents."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from entadvisor import evaluate, load_answers
from entadvisor.report.text import advice_summary, advice_text, largeur_terminal

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))
AS_OF = dt.date(2026, 12, 1)


@pytest.fixture(scope="module")
def advices() -> dict[str, object]:
    return {p.stem: evaluate(load_answers(p), as_of=AS_OF, sensibilite=True) for p in EXAMPLES}


def _words(text: str) -> list[str]:
    """The words of a text, the title's underline left out (its length follows the width)."""
    return [w for line in text.splitlines() if not re.fullmatch(r"=+", line) for w in line.split()]


@pytest.mark.parametrize("largeur", [80, 60])
@pytest.mark.parametrize("exemple", [p.stem for p in EXAMPLES])
def test_every_example_fits_the_width_without_a_broken_word(advices, exemple, largeur):
    """Each example's advice at 80 (and 60) columns: no line over the width, and the same words, in the
    same order, as an unwrapped rendering (a word cut in two would show as two words)."""
    text = advice_text(advices[exemple], largeur=largeur)
    trop_longues = [line for line in text.splitlines() if len(line) > largeur]
    assert not trop_longues, "\n".join(trop_longues)
    assert _words(text) == _words(advice_text(advices[exemple], largeur=100_000))


def test_continuation_lines_start_under_the_text_of_their_item(advices):
    """A wrapped item continues under its first word, not under its marker (« 1. », « - », « ⚠ »)."""
    lines = advice_text(advices["ville-12-ecoles"], largeur=60).splitlines()
    item = re.compile(r"^(\s*(?:\d\.|-|·|⚠)\s)")
    checked = 0
    marker = None
    for line in lines:
        found = item.match(line)
        indent = len(line) - len(line.lstrip())
        if found:
            marker = found.group(1)
        elif marker and line.strip() and indent >= len(marker) - 2 and line.lstrip()[0] not in "✔◐○":
            assert indent == len(marker), (marker, line)
            checked += 1
        else:
            marker = None
    assert checked > 20
    essentiel = lines.index("L'ESSENTIEL")
    assert lines[essentiel + 2].startswith("     ") and not lines[essentiel + 2].startswith("      ")


def test_the_width_is_80_when_the_terminal_is_unknown(monkeypatch):
    """Piped output (no terminal) and no COLUMNS: 80 columns; COLUMNS, as the shell sets it, wins."""
    monkeypatch.delenv("COLUMNS", raising=False)
    assert largeur_terminal() == 80  # pytest's stdout is captured: not a terminal
    monkeypatch.setenv("COLUMNS", "100")
    assert largeur_terminal() == 100
    monkeypatch.setenv("COLUMNS", "12")
    assert largeur_terminal() == 40


def test_the_summary_is_the_essential_and_the_count_of_vigilance_points(advices):
    """The summary holds the three recommendations and the key date, not the reasons."""
    advice = advices["ville-12-ecoles"]
    summary = advice_summary(advice, largeur=80)
    assert "L'ESSENTIEL" in summary and "Date clé" in summary and "POURQUOI" not in summary
    assert f"{len(advice.vigilance)} point" in summary
    assert len(summary.splitlines()) < 25
    assert all(len(line) <= 80 for line in summary.splitlines())
