"""The lexicon (rules/libelles.yaml): every code of the public models has its words, no word names a code
that does not exist, and the file is read strictly (a key given twice names its line).

The code fields are found by walking the pydantic models' annotations (nested models, lists and
optionals included), so a ``Literal`` added to ``answers.py`` or ``advice.py`` without its words, or
without a line in ``SECTIONS`` / ``PAS_DES_CODES`` below, fails here.
"""

from __future__ import annotations

import ast
import csv
import shutil
import types
import typing
from pathlib import Path
from typing import Any, Literal

import pytest
from pydantic import BaseModel

from entadvisor.advice import Advice
from entadvisor.answers import Answers
from entadvisor.batch.run import evaluer_fichiers
from entadvisor.engine.knowledge import lexique_fourni, load_knowledge, rules_folder
from entadvisor.engine.lexique import charger_lexique, lire_lexique
from entadvisor.engine.moteur import SEUILS_PROCEDURE
from entadvisor.errors import EntreeInvalide
from entadvisor.whatif.conseil import RECOMMANDATIONS

ROOT = Path(__file__).resolve().parent.parent
RULES = sorted((ROOT / "rules").glob("*.py"))

SECTIONS = {
    # answers.py: each answer with choices has its values' words, by answer key
    **{
        f"Answers.{cle}": f"valeurs.{cle}"
        for cle in (
            "porteur",
            "competence_scolaire",
            "degres",
            "ent_existant",
            "usages_numeriques",
            "equipement_ecoles",
            "convention_partenariat",
            "offre_mutualisee",
            "besoin",
            "communes_partenaires_interessees",
            "autorite_academique_associee",
            "dpo_associe",
        )
    },
    "Advice.achat.voie": "voies",
    "Advice.achat.procedure": "procedures",
    "Advice.valeur_estimee.tranche": "tranches",
    "Advice.taille.categorie": "tailles",
    "Advice.experimentation.format": "formats_experimentation",
    "Advice.contrat.phases[].phase": "phases",
    "Advice.preparation[].statut": "statuts",
    "Advice.vigilance[].code": "vigilances",
}
"""Each code field of the public models → the lexicon section that words its values."""

PAS_DES_CODES = {
    "Answers.version": "le numéro de version du format de fichier (1), pas un code à nommer",
    "Advice.version_format": "le numéro de version du format du conseil (1), pas un code à nommer",
    "Advice.deliberation.forme": (
        "choisit le modèle de l'acte (délibération ou décision) ; ses mots sont ceux de l'acte lui-même, "
        "conclus par la règle avec lui (ActeDecision.titre : « Projet de décision du maire »)"
    ),
}
"""The ``Literal`` fields that are not codes to word, and why."""

AUTRES_SECTIONS_DE_CODES = {
    # a porteur's organs are worded by porteur
    "organes": "Answers.porteur",
}
"""Sections keyed by the values of a code field other than their own."""

NUL = {"procedures": "aucune"}
"""The words of a null value (``achat.procedure: null``), under a pseudo-code of its section."""


def _literals(annotation: Any, chemin: str, trouves: dict[str, set[Any]], vus: set[type]) -> None:
    """Walk an annotation: record the values of each ``Literal`` by field path, descend into models."""
    origin = typing.get_origin(annotation)
    if origin is Literal:
        trouves.setdefault(chemin, set()).update(typing.get_args(annotation))
    elif origin in (typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            _literals(arg, chemin, trouves, vus)
    elif origin in (list, tuple, set, frozenset):
        for arg in typing.get_args(annotation):
            _literals(arg, chemin + "[]", trouves, vus)
    elif origin is dict:
        _literals(typing.get_args(annotation)[1], chemin + "{}", trouves, vus)
    elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and annotation not in vus:
        vus = vus | {annotation}
        for nom, champ in annotation.model_fields.items():
            _literals(champ.annotation, f"{chemin}.{nom}", trouves, vus)


def literaux() -> dict[str, set[Any]]:
    trouves: dict[str, set[Any]] = {}
    for modele in (Answers, Advice):
        _literals(modele, modele.__name__, trouves, set())
    return trouves


def _codes_des_regles() -> set[str]:
    """Every string constant of the rule modules: where a code that no ``Literal`` types is concluded."""
    constantes: set[str] = set()
    for path in RULES:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                constantes.add(node.value)
    return constantes


def test_the_model_walk_finds_the_code_fields() -> None:
    """The walk reaches nested models, lists and optionals (a guard on the test itself)."""
    trouves = literaux()
    assert trouves["Advice.contrat.phases[].phase"] == {"deploiement", "observation", "renouvellement"}
    assert trouves["Advice.taille.categorie"] == {"petit", "moyen", "grand"}
    assert trouves["Answers.dpo_associe"] == {"ne_sait_pas"}


def test_every_literal_field_is_a_worded_code_or_is_listed_as_not_a_code() -> None:
    """A new ``Literal`` in answers.py or advice.py must say which section words it (or why none)."""
    trouves = set(literaux())
    assert trouves - set(SECTIONS) - set(PAS_DES_CODES) == set()
    assert set(SECTIONS) - trouves == set(), "a mapped field no longer exists"
    assert set(PAS_DES_CODES) - trouves == set(), "a field listed as not a code no longer exists"


@pytest.mark.parametrize(
    ("champ", "section"),
    [*SECTIONS.items(), *((c, s) for s, c in AUTRES_SECTIONS_DE_CODES.items())],
    ids=[*SECTIONS, *AUTRES_SECTIONS_DE_CODES],
)
def test_every_value_of_a_code_field_has_its_words(champ: str, section: str) -> None:
    """Each value of each code ``Literal`` has an entry, all with the same forms, none empty."""
    mots = lexique_fourni()
    codes = sorted(str(v) for v in literaux()[champ])
    formes = {f for code in codes if code in mots.codes(section) for f in mots.formes(section, code)}
    for code in codes:
        donnees = mots.formes(section, code)
        assert set(donnees) == formes, (
            f"{section}.{code} : formes {sorted(donnees)} au lieu de {sorted(formes)}"
        )
        assert all(texte.strip() for texte in donnees.values()), f"{section}.{code} : libellé vide"


def test_a_null_procedure_has_its_words() -> None:
    assert lexique_fourni().mot("procedures", "aucune", "phrase")


def test_the_lexicon_has_no_words_for_an_unknown_code() -> None:
    """No dead entry: each code of each section is a value of its field, or a code the rules conclude
    (a string they write: a contract form, a step, a vigilance code…), or a threshold, or a recommendation."""
    mots = lexique_fourni()
    trouves = literaux()
    des_regles = _codes_des_regles()
    par_section = {section: champ for champ, section in SECTIONS.items()}
    connus: dict[str, set[Any]] = {
        section: {str(v) for v in trouves[champ]} for section, champ in par_section.items()
    }
    for section, champ in AUTRES_SECTIONS_DE_CODES.items():
        connus[section] = {str(v) for v in trouves[champ]}
    for section, code in NUL.items():
        connus[section].add(code)
    connus["procedures"].add("achat_innovant")  # an alternative only (PROC-ACHAT-INNOVANT)
    assert "achat_innovant" in des_regles
    connus["seuils"] = set(SEUILS_PROCEDURE)
    connus["recommandations"] = set(RECOMMANDATIONS)
    morts = []
    for section in mots.sections:
        for code in mots.codes(section):
            if code not in connus.get(section, des_regles):
                morts.append(f"{section}.{code}")
    assert morts == []


def test_every_procedure_threshold_and_recommendation_is_named() -> None:
    mots = lexique_fourni()
    assert mots.codes("seuils") == list(SEUILS_PROCEDURE)
    assert mots.codes("recommandations") == list(RECOMMANDATIONS)


def test_the_steps_worded_by_situation_exist_in_the_rules() -> None:
    """« etapes » is step → situation → words: both are codes the calendar rules write."""
    mots = lexique_fourni()
    des_regles = _codes_des_regles()
    for etape in mots.codes("etapes"):
        assert etape in des_regles
        assert set(mots.formes("etapes", etape)) <= des_regles | {"consultation"}


def test_a_key_given_twice_in_the_lexicon_is_refused_with_its_line(tmp_path: Path) -> None:
    (tmp_path / "libelles.yaml").write_text(
        "# un lexique\nvoies:\n  centrale_achat: Centrale\n  groupement_commandes: Groupement\n"
        "  centrale_achat: Centrale d'achat\n",
        encoding="utf-8",
    )
    with pytest.raises(EntreeInvalide) as erreur:
        charger_lexique(tmp_path)
    message = str(erreur.value)
    assert str(tmp_path / "libelles.yaml") in message
    assert "ligne 5" in message and "voies.centrale_achat" in message and "déjà ligne 3" in message


@pytest.mark.parametrize(
    ("texte", "fragment"),
    [
        pytest.param("- voies\n", "table YAML de sections", id="pas-une-table"),
        pytest.param("voies: {}\n", "champ « voies »", id="section-vide"),
        pytest.param("voies:\n  mapa: [a, b]\n", "champ « voies.mapa »", id="libelle-liste"),
        pytest.param("voies:\n  mapa: {titre: 3}\n", "champ « voies.mapa »", id="forme-pas-un-texte"),
        pytest.param("voies: [\n", "YAML invalide", id="yaml-invalide"),
    ],
)
def test_a_malformed_lexicon_is_refused_in_french(texte: str, fragment: str) -> None:
    with pytest.raises(EntreeInvalide, match=r"^lexique\.yaml") as erreur:
        lire_lexique(texte, "lexique.yaml")
    assert fragment in str(erreur.value)


def test_an_unknown_code_or_form_is_an_error_naming_it() -> None:
    mots = lexique_fourni()
    with pytest.raises(KeyError, match="aucun libellé pour « inconnue » dans la section « procedures »"):
        mots.mot("procedures", "inconnue", "nom")
    with pytest.raises(KeyError, match="la forme « acte » de « achat_innovant »"):
        mots.mot("procedures", "achat_innovant", "acte")


def test_a_knowledge_base_folder_without_its_lexicon_is_refused(tmp_path: Path) -> None:
    """No fallback to the bundled words: the message names the missing file and how to start one."""
    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    (regles / "libelles.yaml").unlink()
    with pytest.raises(EntreeInvalide) as erreur:
        load_knowledge(regles)
    message = str(erreur.value)
    assert message.startswith(str(regles / "libelles.yaml"))
    assert "lexique de la base de connaissances introuvable" in message and "rules/libelles.yaml" in message


def test_the_knowledge_base_carries_its_lexicon() -> None:
    knowledge = load_knowledge()
    assert knowledge.libelles is lexique_fourni()
    assert knowledge.libelles.mot("statuts", "ok", "court") == knowledge.libelles.mot(
        "statuts", "ok", "libelle"
    )


def test_the_command_line_refuses_a_regles_folder_without_its_lexicon(tmp_path: Path) -> None:
    """« Erreur : » naming the missing lexicon, exit 1, no traceback."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    (regles / "libelles.yaml").unlink()
    exemple = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    resultat = CliRunner().invoke(main, ["conseil", str(exemple), "--regles", str(regles)])
    assert resultat.exit_code == 1
    assert resultat.stderr.startswith(f"Erreur : {regles / 'libelles.yaml'} : lexique de la base")
    assert "Traceback" not in resultat.output + resultat.stderr


def test_a_view_words_an_advice_with_the_lexicon_of_the_base_that_concluded_it(tmp_path: Path) -> None:
    """The bundled base's advice, and an advice whose base folder is not on this machine (an advice JSON
    made elsewhere), read the bundled lexicon; an advice of a --regles folder reads that folder's."""
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate
    from entadvisor.engine.knowledge import lexique_du_conseil

    answers = load_answers(ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml")
    advice = evaluate(answers)
    assert lexique_du_conseil(advice) is lexique_fourni()
    ailleurs = advice.model_copy(
        update={
            "base_de_connaissances": advice.base_de_connaissances.model_copy(
                update={"source": "/n/existe/pas"}
            )
        }
    )
    assert lexique_du_conseil(ailleurs) is lexique_fourni()
    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    copie = lexique_du_conseil(evaluate(answers, knowledge=regles))
    assert copie is load_knowledge(regles).libelles and copie is not lexique_fourni()


def test_a_batch_words_its_tables_with_the_lexicon_of_its_knowledge_base(tmp_path: Path) -> None:
    """evaluer --regles: the label columns of synthese.csv and the summary read that base's lexicon."""
    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    lexique = regles / "libelles.yaml"
    ecrit = "procedure_propre: {nom: procédure propre de l'acheteur,"
    source = lexique.read_text(encoding="utf-8")
    assert source.count(ecrit) == 1
    lexique.write_text(source.replace(ecrit, "procedure_propre: {nom: consultation de l'acheteur,"), "utf-8")
    exemple = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    bilan = evaluer_fichiers([exemple], tmp_path / "lot", jobs=1, regles=regles, barre=False)
    with open(tmp_path / "lot" / "synthese.csv", encoding="utf-8-sig", newline="") as fichier:
        (ligne,) = csv.DictReader(fichier, delimiter=";")
    assert ligne["libelle_voie"] == "Consultation de l'acheteur"
    assert "consultation de l'acheteur" in bilan.resume()


def test_a_knowledge_base_whose_lexicon_lacks_a_word_of_a_public_code_is_refused_when_loaded(
    tmp_path: Path,
) -> None:
    """A --regles lexicon without the act's name of the MAPA: refused at load, naming the file, the entry and
    the missing form — not a traceback the day a deliberation needs the word."""
    from click.testing import CliRunner

    from entadvisor.cli import main

    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    lexique = regles / "libelles.yaml"
    source = lexique.read_text(encoding="utf-8")
    assert source.count("    acte: procédure adaptée\n") == 1
    lexique.write_text(source.replace("    acte: procédure adaptée\n", ""), encoding="utf-8")
    with pytest.raises(EntreeInvalide) as erreur:
        load_knowledge(regles)
    message = str(erreur.value)
    assert message.startswith(f"{lexique}, champ « procedures.mapa » : lexique incomplet")
    assert "procedures.mapa.acte" in message
    exemple = ROOT / "questionnaires" / "examples" / "ville-12-ecoles.yaml"
    resultat = CliRunner().invoke(main, ["conseil", str(exemple), "--regles", str(regles)])
    assert resultat.exit_code == 1 and resultat.stderr.startswith(f"Erreur : {lexique}")
    assert "Traceback" not in resultat.output + resultat.stderr


def test_a_word_missing_at_display_is_bad_input_of_the_lexicon_and_a_key_error() -> None:
    """A lookup of a code the lexicon does not word: the French message names the lexicon and the entry;
    the CLI prints it as any bad input, and a caller may catch it as a KeyError."""
    from entadvisor.engine.lexique import LibelleAbsent

    with pytest.raises(LibelleAbsent) as erreur:
        lexique_fourni().mot("voies", "centrale_regionale", "nom")
    assert isinstance(erreur.value, KeyError) and isinstance(erreur.value, EntreeInvalide)
    assert str(erreur.value) == (
        f"{lexique_fourni().source}, champ « voies.centrale_regionale » : aucun libellé pour « centrale_regionale » "
        "dans la section « voies »."
    )


def test_a_declared_warning_code_without_its_label_is_refused_when_the_base_loads(tmp_path: Path) -> None:
    """A warning code declared in advice.CodeVigilance needs its short label in « vigilances »: a base whose
    lexicon lacks one fails at load, naming the code and the section, not later in a batch's table."""
    from entadvisor.errors import EntreeInvalide

    regles = tmp_path / "regles"
    shutil.copytree(rules_folder(), regles, ignore=shutil.ignore_patterns("__pycache__"))
    lexique = regles / "libelles.yaml"
    texte = lexique.read_text(encoding="utf-8")
    assert "  seuil_proche: " in texte
    lexique.write_text(
        "\n".join(ligne for ligne in texte.splitlines() if not ligne.startswith("  seuil_proche: ")) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(
        EntreeInvalide, match=r"code de vigilance « seuil_proche » est déclaré .* « vigilances »"
    ):
        load_knowledge(regles)
