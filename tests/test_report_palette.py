"""The report's fixed palette: every text colour reaches 4.5:1 on its background (RGAA 3.2), every
graphic colour that carries information 3:1 (RGAA 3.3). axe-core cannot measure SVG text, so this
test is the check for the charts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from entadvisor.report.charts import PALETTE
from entadvisor.report.render import reports_folder


def luminance(hex_colour: str) -> float:
    """Relative luminance (WCAG 2.1)."""
    value = hex_colour.lstrip("#")
    channels = [int(value[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def ratio(a: str, b: str) -> float:
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def css_colours() -> dict[str, str]:
    css = (Path(reports_folder()) / "style.css").read_text(encoding="utf-8")
    return dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-fA-F]{6})\s*;", css))


def test_the_ratio_function_matches_the_published_values() -> None:
    """Known values (UX.md §2.2): #767676 on white is 4.54:1, #b8b8b8 is 1.98:1."""
    assert ratio("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)
    assert ratio("#b8b8b8", "#ffffff") == pytest.approx(1.98, abs=0.01)


TEXT_PAIRS = [
    ("texte", "blanc"),
    ("texte", "fond-accent"),
    ("texte", "bande"),
    ("texte", "fond-attention"),
    ("accent", "blanc"),
    ("accent", "fond-accent"),
    ("gris", "blanc"),
    ("gris", "fond-accent"),
    ("ok", "fond-ok"),
    ("a-faire", "fond-a-faire"),
    ("attention", "fond-attention"),
    ("attention", "blanc"),
]


@pytest.mark.parametrize(("texte", "fond"), TEXT_PAIRS, ids=[f"{t}-sur-{f}" for t, f in TEXT_PAIRS])
def test_text_colours_of_the_stylesheet_reach_4_5(texte: str, fond: str) -> None:
    colours = css_colours()
    assert ratio(colours[texte], colours[fond]) >= 4.5


def test_chart_colours_are_those_of_the_stylesheet() -> None:
    """One palette: the SVG colours are the CSS custom properties of the same name."""
    colours = css_colours()
    for name, value in PALETTE.items():
        assert colours[name.replace("_", "-")].lower() == value.lower(), name


def test_chart_text_and_marks_are_readable() -> None:
    """SVG text is « texte » on white or on the school-year band; bars, ticks and marks reach 3:1."""
    for fond in ("blanc", "bande"):
        assert ratio(PALETTE["texte"], PALETTE[fond]) >= 4.5
    for marque in ("accent", "gris", "a_faire", "texte"):
        assert ratio(PALETTE[marque], PALETTE["blanc"]) >= 3
        assert ratio(PALETTE[marque], PALETTE["bande"]) >= 3
