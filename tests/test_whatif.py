"""What would change the advice: frontiers checked against hand arithmetic, flips confirmed by evaluate().

Thresholds on 2026-11-29: dispense 60 000 € HT, publicité 90 000 € HT, européen 216 000 € HT; the
contract counts 4 years; the estimated value is pupils × price × 4 + one-off costs (CCP R2121-1).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

from entadvisor.answer_files import load_answers
from entadvisor.answers import validate_answers
from entadvisor.api import evaluate
from entadvisor.engine.knowledge import load_knowledge
from entadvisor.formatting import montant, nombre
from entadvisor.report.text import advice_text
from entadvisor.whatif.explore import what_if

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
AS_OF = dt.date(2026, 11, 29)
CATEGORIELLES = {
    "porteur",
    "competence_scolaire",
    "nombre_communes",
    "communes_partenaires_interessees",
    "offre_mutualisee",
    "besoin",
    "specifications_precises",
    "ent_existant",
    "usages_numeriques",
    "equipement_ecoles",
}


def _donnees(exemple: str) -> dict[str, Any]:
    return yaml.safe_load((EXAMPLES / f"{exemple}.yaml").read_text(encoding="utf-8"))


def _items(data: dict[str, Any]) -> list[dict[str, Any]]:
    return what_if(validate_answers(data), as_of=AS_OF, knowledge=load_knowledge())


def _un(items: list[dict[str, Any]], **cles: Any) -> dict[str, Any]:
    found = [i for i in items if all(i[k] == v for k, v in cles.items())]
    assert len(found) == 1, (cles, [i["phrase"] for i in items])
    return found[0]


def _recommandations(data: dict[str, Any]) -> dict[str, Any]:
    advice = evaluate(data, as_of=AS_OF)
    return {
        "achat": (advice.achat.voie, advice.achat.procedure, advice.achat.publicite),
        "experimentation": (advice.experimentation.recommandee, advice.experimentation.format),
        "contrat": (advice.contrat.duree_mois, advice.contrat.duree_depassee),
    }


# (example, question, alternative found, recommandation, threshold crossed) — arithmetic in the comments
FRONTIERES = [
    # 1 850 élèves × 4,50 € × 4 + 6 000 = 39 300 € ; (60 000 − 6 000) / (4,50 × 4) = 3 000 élèves exactly
    ("ville-12-ecoles", "nombre_eleves", 3000, "achat", 60_000),
    # (60 000 − 6 000) / (1 850 × 4) = 7,297… → 7,30 € (7,29 € gives 59 946 €)
    ("ville-12-ecoles", "prix_eleve_an_ht", 7.30, "achat", 60_000),
    # 790 × 3,80 × 4 + 9 000 = 21 008 € ; (60 000 − 9 000) / 15,20 = 3 355,26… → 3 356 élèves
    ("commune-remplacement-ent", "nombre_eleves", 3356, "achat", 60_000),
    # 51 000 / (790 × 4) = 16,139… → 16,14 €
    ("commune-remplacement-ent", "prix_eleve_an_ht", 16.14, "achat", 60_000),
    # 31 800 × 2,50 × 4 + 120 000 = 438 000 € ; under 216 000: (216 000 − 120 000) / 10 = 9 600 → 9 599 élèves
    ("grande-ville-besoins-specifiques", "nombre_eleves", 9599, "achat", 216_000),
    # 96 000 / (31 800 × 4) = 0,7547… : 0,76 € reaches it, 0,75 € stays under (215 400 €)
    ("grande-ville-besoins-specifiques", "prix_eleve_an_ht", 0.75, "achat", 216_000),
    # 4 380 × 3 € (default) × 4 + 18 000 = 70 560 € ; up: (90 000 − 18 000) / 12 = 6 000 élèves
    ("interco-45-ecoles", "nombre_eleves", 6000, "achat", 90_000),
    # down: (60 000 − 18 000) / 12 = 3 500 reaches 60 000, so 3 499 élèves
    ("interco-45-ecoles", "nombre_eleves", 3499, "achat", 60_000),
    # 152 × 3,20 × 4 = 1 945,60 € ; 60 000 / 12,80 = 4 687,5 → 4 688 élèves
    ("rpi-3-communes", "nombre_eleves", 4688, "achat", 60_000),
    # 60 000 / (152 × 4) = 98,684… → 98,69 €
    ("rpi-3-communes", "prix_eleve_an_ht", 98.69, "achat", 60_000),
    # 86 × 3 € (default) × 4 = 1 032 € ; 60 000 / 12 = 5 000 élèves exactly
    ("commune-rurale-1-ecole", "nombre_eleves", 5000, "achat", 60_000),
]


@pytest.mark.parametrize(
    ("exemple", "question", "alternative", "recommandation", "seuil"),
    [pytest.param(*f, id=f"{f[0]}-{f[1]}-{f[2]}") for f in FRONTIERES],
)
def test_frontiere_calculee_a_la_main(
    exemple: str, question: str, alternative: Any, recommandation: str, seuil: int
) -> None:
    """The frontier found is the hand-computed one; the advice changes there and not one step before."""
    data = _donnees(exemple)
    item = _un(_items(data), question=question, valeur_alternative=alternative, recommandation=recommandation)
    assert montant(seuil) in item["phrase"]
    assert item["valeur_actuelle"] == data[question]
    pas = 1 if question == "nombre_eleves" else 0.01
    hausse = "ou plus" in item["phrase"]
    veille = round(alternative - pas if hausse else alternative + pas, 2)
    changer = {"nombre_eleves": alternative} if question == "nombre_eleves" else {question: alternative}
    if question == "nombre_eleves":
        classes = data["nombre_classes"]
        changer["nombre_classes"] = (
            max(classes, -(-alternative // 35)) if alternative > 35 * classes else classes
        )
        if alternative < 5 * classes:
            changer["nombre_classes"] = max(data["nombre_ecoles"], alternative // 5)
    base = _recommandations(data)
    apres = _recommandations({**data, **changer})
    avant = _recommandations({**data, **changer, question: veille})
    assert apres[recommandation] != base[recommandation]
    assert avant[recommandation] == base[recommandation]


def test_les_phrases_sont_en_francais_et_formatees() -> None:
    """The example sentence of the brief, with French number formatting."""
    item = _un(_items(_donnees("ville-12-ecoles")), question="nombre_eleves", valeur_alternative=3000)
    assert item["phrase"] == (
        f"Avec {nombre(3000)} élèves ou plus (au lieu de {nombre(1850)}), la valeur estimée atteindrait "
        f"{montant(60_000)} : une procédure adaptée (MAPA) à publicité libre serait requise."
    )
    assert item["effet"] == "procédure propre, MAPA (publicité libre)"
    prix = _un(_items(_donnees("ville-12-ecoles")), question="prix_eleve_an_ht")
    assert prix["phrase"].startswith(
        f"À {montant(7.30)} par élève et par an ou plus (au lieu de {montant(4.50)})"
    )


def test_ecoles_et_format_de_l_experimentation() -> None:
    """12 schools: the format changes at 21 schools (> 20) and the experimentation stops at 3 (≤ 3)."""
    items = _items(_donnees("ville-12-ecoles"))
    plus = _un(items, question="nombre_ecoles", valeur_alternative=21, recommandation="experimentation")
    assert "classes volontaires, puis des écoles pilotes" in plus["phrase"]
    moins = _un(items, question="nombre_ecoles", valeur_alternative=3, recommandation="experimentation")
    assert moins["effet"] == "pas d'expérimentation"


def test_une_centrale_n_a_pas_de_frontiere_de_valeur() -> None:
    """Through a centrale no procedure is run: no pupil count or price changes the purchase."""
    items = _items(_donnees("commune-centrale-achat"))
    assert not [i for i in items if i["question"] in ("nombre_eleves", "prix_eleve_an_ht")]
    assert _un(items, question="offre_mutualisee", valeur_alternative="aucune")["recommandation"] == "achat"


@pytest.mark.parametrize("exemple", sorted(p.stem for p in EXAMPLES.glob("*.yaml")))
def test_chaque_changement_categoriel_est_confirme(exemple: str) -> None:
    """Every categorical change stated, applied to the answers, flips the recommendation it names."""
    data = _donnees(exemple)
    items = _items(data)
    assert items, exemple
    base = _recommandations(data)
    for item in items:
        assert set(item) == {
            "recommandation",
            "phrase",
            "question",
            "valeur_actuelle",
            "valeur_alternative",
            "effet",
        }
        assert item["phrase"].endswith(".") and item["phrase"][0].isupper()
        if item["question"] not in CATEGORIELLES:
            continue
        change = {**data, item["question"]: item["valeur_alternative"]}
        if item["question"] == "ent_existant" and item["valeur_alternative"] == "aucun":
            change.pop("fin_contrat_actuel", None)
        autre = _recommandations(change)
        if item["effet"] == "inchangé":
            assert autre[item["recommandation"]] == base[item["recommandation"]], item["phrase"]
        else:
            assert autre[item["recommandation"]] != base[item["recommandation"]], item["phrase"]


def test_offre_mutualisee_inconnue_donne_le_conseil_pour_chaque_reponse() -> None:
    """« Je ne sais pas » for the mutualised offer: one statement per possible answer, changed or not."""
    items = _items(_donnees("commune-rurale-1-ecole"))
    offres = {
        i["valeur_alternative"]: i
        for i in items
        if i["question"] == "offre_mutualisee" and i["recommandation"] == "achat"
    }
    assert set(offres) == {"centrale_achat", "groupement_existant", "aucune"}
    assert offres["aucune"]["effet"] == "inchangé"
    assert "resterait le même" in offres["aucune"]["phrase"]
    assert offres["centrale_achat"]["effet"] == "centrale d'achat, sans procédure"
    assert all(i["valeur_actuelle"] == "ne_sait_pas" for i in offres.values())


def test_precision_des_specifications_inconnue() -> None:
    """Adaptations above the EU threshold without an answer on the specifications: both answers are stated."""
    data = {**_donnees("interco-45-ecoles"), "prix_eleve_an_ht": 20.0}
    del data["specifications_precises"]
    # 4 380 × 20 € × 4 + 18 000 = 368 400 € ≥ 216 000: a formalised procedure
    items = [
        i
        for i in _items(data)
        if i["question"] == "specifications_precises" and i["recommandation"] == "achat"
    ]
    assert {i["valeur_alternative"] for i in items} == {True, False}
    par_valeur = {i["valeur_alternative"]: i for i in items}
    assert par_valeur[True]["effet"] == "inchangé"  # the advice already assumes they can be specified
    assert "procédure avec négociation" in par_valeur[False]["phrase"]


def test_effectif_inconnu_donne_les_plages() -> None:
    """No pupil count: 78 classes × 22 = 1 716 estimated; the purchase is given for each range of the real count."""
    data = _donnees("ville-12-ecoles")
    del data["nombre_eleves"]
    item = _un(_items(data), question="nombre_eleves", recommandation="achat")
    # (60 000 − 6 000) / 18 = 3 000 ; (90 000 − 6 000) / 18 = 4 666,7 → 4 667 ; (216 000 − 6 000) / 18 = 11 666,7 → 11 667
    assert item["valeur_actuelle"] is None
    assert item["valeur_alternative"] == [3000, 4667, 11667]
    assert f"({nombre(1716)} élèves estimés d'après les classes)" in item["phrase"]
    assert f"jusqu'à {nombre(2999)} élèves, un marché sans publicité" in item["phrase"]
    assert f"à partir de {nombre(11667)} élèves, un appel d'offres ouvert" in item["phrase"]


def test_prix_inconnu_donne_les_plages() -> None:
    """No price: 4 380 pupils, 18 000 € one-off; frontiers (S − 18 000) / 17 520 per threshold S."""
    item = _un(_items(_donnees("interco-45-ecoles")), question="prix_eleve_an_ht")
    # 42 000 / 17 520 = 2,397 → 2,40 € ; 72 000 / 17 520 = 4,109 → 4,11 € ; 198 000 / 17 520 = 11,301 → 11,31 €
    assert item["valeur_alternative"] == [2.40, 4.11, 11.31]
    assert f"jusqu'à {montant(2.39)}, un marché sans publicité" in item["phrase"]
    assert f"à partir de {montant(11.31)}, une procédure avec négociation" in item["phrase"]


def test_date_de_lancement_et_seuil_inconnu() -> None:
    """After 2027-12-31 the EU threshold is not known yet: launching from 1 January 2028 is flagged."""
    item = _un(_items(_donnees("ville-12-ecoles")), question="date_lancement")
    assert item["valeur_alternative"] == "2028-01-01"
    assert "seuil européen ne serait pas encore connu" in item["phrase"]


def test_date_de_lancement_avant_le_changement_de_seuil() -> None:
    """A launch planned on 2026-05-15 at 45 000 €: launching by 31 March 2026 would need a MAPA (dispense 40 000 €)."""
    data = {**_donnees("ville-12-ecoles"), "date_lancement": dt.date(2026, 5, 15), "nombre_eleves": 2167}
    # 2 167 × 4,50 × 4 + 6 000 = 45 006 €: under 60 000 € but over the former 40 000 €
    items = what_if(validate_answers(data), as_of=dt.date(2026, 1, 15), knowledge=load_knowledge())
    item = _un(items, question="date_lancement", valeur_alternative="2026-03-31")
    assert "MAPA" in item["effet"] and montant(40_000) in item["phrase"]


def test_conseil_avec_sensibilite() -> None:
    """evaluate(..., sensibilite=True) fills the advice, and the text prints the section."""
    advice = evaluate(load_answers(EXAMPLES / "ville-12-ecoles.yaml"), as_of=AS_OF, sensibilite=True)
    assert advice.sensibilite and advice.sensibilite[0]["recommandation"] == "achat"
    advice.to_json()  # plain JSON values
    assert "CE QUI CHANGERAIT LE CONSEIL" in advice_text(advice)
