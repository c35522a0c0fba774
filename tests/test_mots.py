"""Numbers and words in outputs: French plurals, years without a thousands separator, no English."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest

from entadvisor import evaluate, load_answers
from entadvisor.answers import validate_answers
from entadvisor.batch.run import Bilan
from entadvisor.errors import EntreeInvalide
from entadvisor.formatting import NNBSP, compte
from entadvisor.report.text import advice_text
from entadvisor.verify.cas import Cas
from entadvisor.verify.rapport import couverture as _couverture

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "questionnaires" / "examples").glob("*.yaml"))


@pytest.mark.parametrize(
    ("n", "attendu"),
    [
        pytest.param(0, "0 fichier évalué", id="zero"),
        pytest.param(1, "1 fichier évalué", id="un"),
        pytest.param(2, "2 fichiers évalués", id="deux"),
        pytest.param(20_000, f"20{NNBSP}000 fichiers évalués", id="milliers"),
    ],
)
def test_counts_take_the_french_plural(n, attendu):
    """0 and 1 take the singular, 2 and more the plural (every word of the noun phrase)."""
    assert compte(n, "fichier évalué") == attendu


def test_the_batch_summary_of_one_file_is_singular(tmp_path):
    """« 1 fichier évalué … : 1 réussi », never « 1 fichiers évalués », « 1 réussis »."""
    bilan = Bilan(dossier=tmp_path, total=1, jobs=1, html=False, date_analyse=dt.date(2026, 12, 1), reussis=1)
    resume = bilan.resume()
    assert "1 fichier évalué en" in resume and "1 réussi," in resume
    assert "fichiers" not in resume.split("(")[0] and "réussis" not in resume


def test_the_verifier_coverage_is_in_french_with_plain_years():
    """Yes/no answers read « non (…), oui (…) », never « False (…), True (…) »; years read « 2015 », not « 2 015 »."""
    base = load_answers(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml").model_dump(mode="json")
    cas = [
        Cas(1, "test", {**base, "rentree_visee": 2015, "dpo_associe": False}, dt.date(2015, 1, 1)),
        Cas(2, "test", {**base, "rentree_visee": 2030, "dpo_associe": "ne_sait_pas"}, dt.date(2026, 1, 1)),
    ]
    couverture = _couverture(cas)
    texte = "\n".join(f"{k} : {v}" for k, v in couverture.items())
    assert "False" not in texte and "True" not in texte, texte
    assert couverture["rentree_visee"] == "2 valeurs, de 2015 à 2030"
    assert couverture["dpo_associe"].startswith("non (1), oui (0), ne_sait_pas (1)")
    assert couverture["nombre_ecoles"].startswith("1 valeur,")


def test_a_year_bound_in_an_error_message_has_no_thousands_separator():
    """« rentree_visee: 1999 » is refused with « ≥ 2000 », not « ≥ 2 000 »."""
    base = load_answers(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml").model_dump(mode="json")
    with pytest.raises(EntreeInvalide) as erreur:
        validate_answers({**base, "rentree_visee": 1999})
    assert "≥ 2000" in str(erreur.value) and "≤ 2100" in str(erreur.value)


@pytest.mark.parametrize("exemple", EXAMPLES, ids=lambda p: p.stem)
def test_no_year_of_an_advice_has_a_thousands_separator(exemple):
    """The terminal text and the JSON of every example print the years they name as « 2027 », never
    « 2 027 » (whatever the space: narrow no-break, no-break or plain)."""
    advice = evaluate(load_answers(exemple), as_of=dt.date(2026, 12, 1), sensibilite=True)
    textes = (advice_text(advice, largeur=80), advice.to_json())
    annees = {int(a) for texte in textes for a in re.findall(r"\b(20[1-4]\d)\b", texte)}
    assert annees, "aucune année dans le conseil"
    for texte in textes:
        for annee in annees:
            assert not re.search(rf"\b{str(annee)[0]}[\u202f\u00a0 ]{str(annee)[1:]}\b", texte), annee
