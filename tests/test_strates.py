"""Strata declared on the fact classes and explicit overrides (issue 11, item 2): the salience of every rule
is what it was before (the table below was captured first), and the override relation is checked at load."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from entadvisor import facts
from entadvisor.engine.knowledge import load_knowledge
from entadvisor.errors import EntreeInvalide
from entadvisor.facts import Experimentation, Projet, Ref, Strate, Voie, regle

ROOT = Path(__file__).resolve().parent.parent

SALIENCES = {  # captured on main at ee6ffa3, before the strata moved to the fact classes
    105: (
        "HYP-AUTORITE-ACADEMIQUE",
        "HYP-DPO",
        "HYP-EQUIPEMENT",
        "HYP-PARTENAIRES",
        "HYP-USAGES",
    ),
    100: (
        "VAL-ELEVES-DONNES",
        "VAL-ELEVES-ESTIMES",
        "VAL-PRIX-DEFAUT",
        "VAL-PRIX-DONNE",
        "VAL-TAILLE",
    ),
    90: (
        "ACH-COMMUNE",
        "ACH-COMMUNES-COMPETENTES",
        "ACH-COMPETENCE-TRANSFEREE",
        "ACH-EPCI-POUR-COMMUNES",
        "ACH-INTERCO-COMPETENTE",
        "ACH-PORTEUR-SANS-COMPETENCE",
        "ACH-SYNDICAT-POUR-MEMBRES",
        "VAL-PETIT-ACHETEUR-ECOLES",
        "VAL-PETIT-ACHETEUR-SANS-SERVICE",
    ),
    85: (
        "MUT-A-VERIFIER",
        "MUT-AUCUNE",
        "MUT-CENTRALE",
        "MUT-GROUPEMENT",
        "MUT-INADAPTEE",
    ),
    80: (
        "VOIE-CENTRALE",
        "VOIE-GROUPEMENT-COMMUNES",
        "VOIE-GROUPEMENT-EXISTANT",
        "VOIE-GROUPEMENT-PARTENAIRES",
        "VOIE-PROCEDURE-PROPRE",
    ),
    75: (
        "EXP-FACTEUR-BESOIN",
        "EXP-FACTEUR-ECOLES",
        "EXP-FACTEUR-EQUIPEMENT",
        "EXP-FACTEUR-GOUVERNANCE",
        "EXP-FACTEUR-GOUVERNANCE-MANDAT",
        "EXP-FACTEUR-USAGES",
    ),
    72: (
        "EXP-BILAN-PARTIEL",
        "EXP-MIGRATION",
        "EXP-OFFRE-EPROUVEE",
    ),
    70: (
        "EXP-NON-NECESSAIRE",
        "EXP-RECOMMANDEE",
    ),
    65: (
        "EXP-EQUIPEMENT-PREALABLE",
        "EXP-FORMAT-CLASSES",
        "EXP-FORMAT-CLASSES-PUIS-ECOLES",
        "EXP-FORMAT-ECOLES-PILOTES",
        "EXP-VEHICULE",
        "EXP-VEHICULE-ADHESION",
    ),
    60: (
        "CTR-DUREE",
        "CTR-DUREE-EXPERIMENTATION",
    ),
    50: ("VAL-MONTANT",),
    45: (
        "VAL-TRANCHE-FORMALISEE",
        "VAL-TRANCHE-MAPA",
        "VAL-TRANCHE-MAPA-PUBLICITE",
        "VAL-TRANCHE-SOUS-DISPENSE",
    ),
    40: (
        "PROC-AO-OUVERT",
        "PROC-CENTRALE",
        "PROC-DIALOGUE",
        "PROC-GROUPEMENT-EXISTANT",
        "PROC-MAPA",
        "PROC-MAPA-PUBLICITE",
        "PROC-NEGOCIATION-ADAPTATIONS",
        "PROC-NEGOCIATION-SPECIFIQUE",
        "PROC-SANS-PUBLICITE",
    ),
    35: (
        "CAL-RETROPLANNING",
        "PROC-ACHAT-INNOVANT",
        "PROC-DONNEES-ESSENTIELLES",
        "PROC-MAPA-NEGOCIATION",
    ),
    30: (
        "CTR-ABONNEMENT-DEVIS",
        "CTR-ACCORD-CADRE",
        "CTR-ADHESION",
    ),
    20: (
        "CAL-BUDGET",
        "CAL-ETAPES-EXPERIMENTATION",
        "CAL-ETAPES-GUIDE",
        "CAL-FIN-ADHESION",
        "CAL-RENOUVELLEMENT",
        "CTR-REVERSIBILITE",
        "PREP-ACTEURS",
        "PREP-CALENDRIER",
        "PREP-DPO",
        "PREP-EQUIPEMENT",
        "PREP-PARTENARIAT",
        "PREP-PERENNISATION",
        "PREP-PILOTAGE",
        "PREP-RENOUVELLEMENT",
        "PREP-RENOUVELLEMENT-ADHESION",
        "PREP-SDET",
        "PROC-CONTROLE-LEGALITE",
        "VOIE-PETIT-ACHETEUR-SEUL",
    ),
    10: (
        "CAL-CALENDRIER-SERRE",
        "CAL-CHEVAUCHEMENT-CONTRAT",
        "CAL-CONSULTATION-LANCEE",
        "CAL-LANCEMENT-DIFFERE",
        "CAL-NOTIFICATION-AVANT-BUDGET",
        "CAL-RENTREE-INATTEIGNABLE",
        "CAL-SEUILS-LANCEMENT-ANTICIPE",
        "CTR-CONTINUITE-CONTRAT-ACTUEL",
        "CTR-DUREE-DEPASSEE",
        "DELIB-ACTIONS",
        "DELIB-DECISION-DELEGATION",
        "DELIB-DELIBERATION",
        "HYP-VIGILANCE",
        "PROC-ALLOTISSEMENT",
        "PROC-SEUIL-INCONNU",
        "PROC-SPECIFICATIONS-A-PRECISER",
        "VAL-COUTS-PONCTUELS-NULS",
        "VAL-PRIX-ATYPIQUE",
        "VAL-SECOND-DEGRE-MANQUANT",
        "VAL-SEUIL-PROCHE",
    ),
}


def test_every_rule_keeps_its_salience() -> None:
    expected = {rule_id: salience for salience, ids in SALIENCES.items() for rule_id in ids}
    assert {rule.id: rule.salience for rule in load_knowledge().rules} == expected


def test_a_rule_that_concludes_a_fact_takes_the_stratum_of_its_class() -> None:
    rules = load_knowledge().rules
    concluding = [r for r in rules if r.conclut]
    assert len(concluding) > 60
    for rule in concluding:
        klass = getattr(facts, rule.conclut)
        stratum = klass.strate_exceptions if rule.exception_de else klass.strate
        assert rule.salience == stratum, rule.id


def test_the_overrides_of_the_experimentation_are_declared() -> None:
    by_id = {r.id: r for r in load_knowledge().rules}
    for exception in ("EXP-MIGRATION", "EXP-BILAN-PARTIEL", "EXP-OFFRE-EPROUVEE"):
        assert by_id[exception].exception_de == ("EXP-RECOMMANDEE", "EXP-NON-NECESSAIRE")
        assert by_id[exception].salience == Experimentation.strate_exceptions > Experimentation.strate


def test_the_decorator_refuses_an_ambiguous_or_missing_stratum() -> None:
    def declare(**options):
        return regle(
            "TEST-X", "x", Projet(), references=[Ref("CCP", "art. R2122-8")], explication="x", **options
        )

    with pytest.raises(TypeError, match="ne pas indiquer aussi strate"):
        declare(conclut=Voie, strate=Strate.VOIE)
    with pytest.raises(TypeError, match="indiquer conclut="):
        declare()
    with pytest.raises(TypeError, match="ne déclare pas de strate_exceptions"):
        declare(conclut=Voie, exception_de="VOIE-CENTRALE")


def _copie(tmp_path: Path) -> Path:
    regles = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", regles, ignore=shutil.ignore_patterns("__pycache__"))
    return regles


def test_a_general_rule_that_no_longer_waits_for_its_exceptions_fails_at_load(tmp_path: Path) -> None:
    regles = _copie(tmp_path)
    module = regles / "experimentation.py"
    source = module.read_text(encoding="utf-8")
    start = source.index('"EXP-RECOMMANDEE"')
    cut = source.index("    NOT(Experimentation()),\n", start)
    module.write_text(source[:cut] + source[cut + len("    NOT(Experimentation()),\n") :], encoding="utf-8")
    with pytest.raises(
        EntreeInvalide, match=r"EXP-MIGRATION est une exception de EXP-RECOMMANDEE, qui ne demande pas"
    ):
        load_knowledge(regles)


def test_an_exception_of_an_unknown_rule_fails_at_load(tmp_path: Path) -> None:
    regles = _copie(tmp_path)
    source = (regles / "experimentation.py").read_text(encoding="utf-8")
    declared = 'exception_de=("EXP-RECOMMANDEE", "EXP-NON-NECESSAIRE")'
    assert declared in source
    (regles / "experimentation.py").write_text(
        source.replace(declared, 'exception_de="EXP-RECOMMANDE"', 1), encoding="utf-8"
    )
    with pytest.raises(EntreeInvalide, match="exception de EXP-RECOMMANDE, qui n'existe pas"):
        load_knowledge(regles)


def test_a_rule_concluding_another_class_than_declared_fails_at_load(tmp_path: Path) -> None:
    regles = _copie(tmp_path)
    source = (regles / "valeur.py").read_text(encoding="utf-8")
    assert "conclut=ValeurEstimee" in source
    (regles / "valeur.py").write_text(
        source.replace("conclut=ValeurEstimee", "conclut=Tranche", 1), encoding="utf-8"
    )
    with pytest.raises(
        EntreeInvalide, match=r"valeur\.py, ligne \d+ : la règle \w+ conclut un fait ValeurEstimee"
    ):
        load_knowledge(regles)


def test_every_fact_a_rule_concludes_is_of_the_class_it_declares(monkeypatch: pytest.MonkeyPatch) -> None:
    """On every knowledge case, each ``moteur.conclure(fait)`` — through a helper too — concludes the
    class its rule declares (``conclut=``), so that its stratum is that of the fact."""
    from plugin_cas import check_case
    from test_mutations import _cases

    from entadvisor.engine.moteur import Moteur

    seen: list[tuple[str, str | None, str]] = []
    conclure = Moteur.conclure

    def recording(self, fait, texte=None):
        meta = self._current
        seen.append((meta.id, meta.conclut, type(fait).__name__))
        return conclure(self, fait, texte)

    monkeypatch.setattr(Moteur, "conclure", recording)
    for case in _cases():
        check_case(case)
    assert len({rule_id for rule_id, _, _ in seen}) > 50
    wrong = sorted(
        {(rule_id, declared, concluded) for rule_id, declared, concluded in seen if declared != concluded}
    )
    assert wrong == []


@pytest.mark.parametrize(
    ("corps", "verbe"),
    [
        ("moteur.declare(Planning(**{**planning.as_dict(), 'revu': True}))", "conclut"),
        ("moteur.retract(planning)", "retire"),
    ],
)
def test_a_rule_below_a_stratum_cannot_change_its_facts(tmp_path: Path, corps: str, verbe: str) -> None:
    """Once a rule below a stratum has fired, that stratum's facts are final: the engine stops a run
    whose knowledge base would change them (here a warning rule, through a helper the load-time check
    cannot see) instead of giving an advice on a plan its readers never saw. It is what lets a run stop
    below the plan's stratum (``run_at_launch``) and read the plan."""
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate
    from entadvisor.engine.knowledge import examples_folder
    from entadvisor.errors import EvaluationError

    regles = _copie(tmp_path)
    module = regles / "calendrier.py"
    module.write_text(
        module.read_text(encoding="utf-8")
        + f"""

from entadvisor.facts import AS


def _revoir(moteur, planning):
    {corps}


@regle(
    "CAL-TEST-REVU",
    "Un plan revu trop tard",
    AS.planning << Planning(),
    references=[GUIDE_CALENDRIER],
    explication="Une règle de vigilance qui change le plan.",
    strate=Strate.VIGILANCE,
)
def plan_revu(moteur, planning):
    _revoir(moteur, planning)
""",
        encoding="utf-8",
    )
    answers = load_answers(examples_folder() / "ville-12-ecoles.yaml")
    with pytest.raises(EvaluationError) as erreur:
        evaluate(answers, knowledge=load_knowledge(regles))
    message = str(erreur.value)
    assert f"CAL-TEST-REVU {verbe} un fait Planning (strate 35)" in message
    assert "alors que les règles jusqu'à la strate 10 se sont déjà déclenchées" in message
