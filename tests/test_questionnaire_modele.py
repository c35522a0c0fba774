"""The questionnaire file agrees with the answer model both ways, and its loader refuses what would not."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any, get_args

import pytest
import yaml
from pydantic import TypeAdapter, ValidationError

from entadvisor.answers import FIELDS, REQUIRED, Answers, allowed_values, validate_answers
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.loader import load_questionnaire, questionnaire_path_par_defaut
from entadvisor.questionnaire.model import Questionnaire

QUESTIONNAIRE = load_questionnaire()
QUESTIONS = {q.id: q for q in QUESTIONNAIRE.questions()}

_TYPES = {int: {"entier", "annee"}, float: {"nombre"}, bool: {"oui_non"}, dt.date: {"date"}, str: {"texte"}}


def _base_type(field: str) -> Any:
    annotation = Answers.model_fields[field].annotation
    args = [a for a in get_args(annotation) if a is not type(None)]
    return args[0] if args and not allowed_values(field) else annotation


def _metadata(field: str, attribute: str) -> Any:
    for meta in Answers.model_fields[field].metadata:
        if getattr(meta, attribute, None) is not None:
            return getattr(meta, attribute)
    return None


def test_default_questionnaire_is_the_repository_file() -> None:
    """Without a path, the loader finds the questionnaire beside the source tree or in the wheel."""
    assert questionnaire_path_par_defaut().name == "ent-premier-degre.yaml"
    assert questionnaire_path_par_defaut().is_file()


def test_sections_follow_the_guide() -> None:
    """Sections come in the order of the guide's steps."""
    assert [s.titre for s in QUESTIONNAIRE.sections] == [
        "Porteur et territoire",
        "Périmètre",
        "État des lieux",
        "Partenariat et pilotage",
        "Offres mutualisées",
        "Besoin",
        "Calendrier",
    ]


# Optional keys read from answer files only for now (the delegation of CGCT L2122-22 4°, for the report's
# draft act): not yet asked, so that the questionnaire's flow and counts stay as they are.
FICHIER_SEULEMENT = {"delegation_marches", "plafond_delegation_ht"}


def test_every_answer_key_except_version_is_asked_once() -> None:
    """Every key of the answer model but ``version`` is a question, and every question is a key."""
    ids = [q.id for q in QUESTIONNAIRE.questions()]
    assert len(ids) == len(set(ids))
    assert set(ids) == set(FIELDS) - {"version"} - FICHIER_SEULEMENT


def test_required_keys_are_asked_without_condition() -> None:
    """A required key is always asked, so a finished questionnaire always gives a complete file."""
    for key in REQUIRED:
        assert QUESTIONS[key].si is None, key
        assert not QUESTIONS[key].facultative, key


@pytest.mark.parametrize("key", sorted(set(FIELDS) - {"version"} - FICHIER_SEULEMENT))
def test_question_type_agrees_with_the_model(key: str) -> None:
    """Choice questions offer exactly the allowed values; other types match the field's type."""
    question = QUESTIONS[key]
    values = allowed_values(key)
    if values:
        assert question.type == "choix"
        assert question.valeurs() == list(values)
    else:
        assert question.type in _TYPES[_base_type(key)]


@pytest.mark.parametrize("key", sorted(set(FIELDS) - {"version"} - FICHIER_SEULEMENT))
def test_bounds_agree_with_the_model(key: str) -> None:
    """mini/maxi are the model's ge/gt/le; an excluded minimum is the model's gt; max lengths agree."""
    question = QUESTIONS[key]
    ge, gt, le = _metadata(key, "ge"), _metadata(key, "gt"), _metadata(key, "le")
    assert question.mini == (gt if gt is not None else ge)
    assert question.mini_exclu == (gt is not None)
    assert question.maxi == le
    assert question.max_longueur == _metadata(key, "max_length")


@pytest.mark.parametrize("key", sorted(set(FIELDS) - {"version"} - FICHIER_SEULEMENT))
def test_defaults_and_je_ne_sais_pas_agree_with_the_model(key: str) -> None:
    """Enter gives the model's own default; « je ne sais pas » omits only keys whose default is None."""
    question = QUESTIONS[key]
    field = Answers.model_fields[key]
    if not field.is_required() and field.default is not None:
        assert question.defaut == field.default
    if question.facultative:
        assert not field.is_required() and field.default is None
    if question.ne_sait_pas is not None and question.ne_sait_pas.valeur is not None:
        # the stored value of « je ne sais pas » is one the answer model accepts (a choice, or ne_sait_pas)
        TypeAdapter(field.annotation).validate_python(question.ne_sait_pas.valeur)
    if question.defaut is not None:
        assert Answers.model_fields[key].annotation is not None
        assert question.accepter(question.defaut) == question.defaut


def test_optional_keys_say_what_happens_when_unknown() -> None:
    """The keys the engine estimates accept « je ne sais pas » and say so; offre_mutualisee stores it."""
    for key in ("nombre_eleves", "prix_eleve_an_ht", "date_lancement", "fin_contrat_actuel", "nom_projet"):
        assert QUESTIONS[key].facultative, key
        assert QUESTIONS[key].ne_sait_pas is not None and len(QUESTIONS[key].ne_sait_pas.effet) > 20
    offre = QUESTIONS["offre_mutualisee"].ne_sait_pas
    assert offre is not None and offre.valeur == "ne_sait_pas"


def test_conditional_questions() -> None:
    """fin_contrat_actuel only with an existing ENT; specifications_precises only for a non-standard need."""
    fin = QUESTIONS["fin_contrat_actuel"]
    assert [fin.visible({"ent_existant": v}) for v in ("aucun", "partiel", "generalise")] == [
        False,
        True,
        True,
    ]
    spec = QUESTIONS["specifications_precises"]
    assert [spec.visible({"besoin": v}) for v in ("standard", "adaptations", "specifique")] == [
        False,
        True,
        True,
    ]
    assert fin.visible({}) is None


def test_help_says_why_and_cites_the_law() -> None:
    """Every question has help; the key ones name their legal source and the thresholds by name (their
    amounts are dated parameters the advice shows, never literals of the help)."""
    for question in QUESTIONNAIRE.questions():
        assert len(question.aide) > 60, question.id
    assert "L212-4" in (QUESTIONS["competence_scolaire"].reference or "")
    assert "L2113-4" in (QUESTIONS["offre_mutualisee"].reference or "")
    aide = QUESTIONS["nombre_eleves"].aide
    assert "seuil de dispense" in aide and "seuil européen" in aide and "€" not in aide


def _complete(**changes: Any) -> dict[str, Any]:
    answers: dict[str, Any] = {
        "porteur": "commune",
        "competence_scolaire": "communes",
        "nombre_communes": 1,
        "service_marches": True,
        "nombre_ecoles": 12,
        "nombre_classes": 60,
        "degres": "premier_degre",
        "ent_existant": "aucun",
        "usages_numeriques": "moyens",
        "equipement_ecoles": "correct",
        "autorite_academique_associee": True,
        "convention_partenariat": "signee",
        "comite_pilotage": True,
        "dpo_associe": True,
        "accompagnement_prevu": True,
        "offre_mutualisee": "aucune",
        "besoin": "standard",
        "rentree_visee": 2027,
    }
    answers.update(changes)
    return answers


def _model_accepts(answers: dict[str, Any]) -> bool:
    try:
        validate_answers(answers)
    except EntreeInvalide:
        return False
    return True


def _question_accepts(key: str, typed: str, earlier: dict[str, Any]) -> bool:
    try:
        QUESTIONS[key].valider(typed, earlier)
    except ValueError:
        return False
    return True


@pytest.mark.parametrize(
    ("key", "value", "earlier"),
    [
        pytest.param("nombre_classes", 12, {"nombre_ecoles": 12}, id="classes-egales-ecoles"),
        pytest.param("nombre_classes", 11, {"nombre_ecoles": 12}, id="classes-sous-ecoles"),
        pytest.param(
            "nombre_eleves", 300, {"nombre_ecoles": 12, "nombre_classes": 60}, id="eleves-5-par-classe"
        ),
        pytest.param("nombre_eleves", 299, {"nombre_ecoles": 12, "nombre_classes": 60}, id="eleves-sous-5"),
        pytest.param(
            "nombre_eleves", 2100, {"nombre_ecoles": 12, "nombre_classes": 60}, id="eleves-35-par-classe"
        ),
        pytest.param("nombre_eleves", 2101, {"nombre_ecoles": 12, "nombre_classes": 60}, id="eleves-sur-35"),
        pytest.param("prix_eleve_an_ht", 0, {}, id="prix-nul"),
        pytest.param("prix_eleve_an_ht", 1000, {}, id="prix-maxi"),
        pytest.param("prix_eleve_an_ht", 1000.5, {}, id="prix-sur-maxi"),
        pytest.param("couts_ponctuels_ht", 0, {}, id="couts-nuls"),
        pytest.param("rentree_visee", 2101, {}, id="rentree-sur-maxi"),
        pytest.param("nombre_communes", 0, {}, id="communes-nulles"),
    ],
)
def test_question_and_model_accept_the_same_values(key: str, value: Any, earlier: dict[str, Any]) -> None:
    """Fixed and relative bounds of the questions accept exactly what the model's checks accept."""
    answers = _complete(**earlier, **{key: value})
    assert _question_accepts(key, str(value), earlier) == _model_accepts(answers)


# --- the loader refuses questionnaires that cannot produce valid answers ------------------------


def _broken(tmp_path: Path, change: Any) -> Path:
    data = yaml.safe_load(questionnaire_path_par_defaut().read_text(encoding="utf-8"))
    change(data)
    path = tmp_path / "q.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _question(data: dict[str, Any], key: str) -> dict[str, Any]:
    return next(q for s in data["sections"] for q in s["questions"] if q["id"] == key)


def _remove(data: dict[str, Any], key: str) -> None:
    for section in data["sections"]:
        section["questions"] = [q for q in section["questions"] if q["id"] != key]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        pytest.param(
            lambda d: _question(d, "nombre_ecoles").update(id="nombre_ecole"),
            "vouliez-vous dire « nombre_ecoles »",
            id="id-inconnu",
        ),
        pytest.param(lambda d: _remove(d, "besoin"), "jamais demandée", id="obligatoire-absente"),
        pytest.param(
            lambda d: _question(d, "fin_contrat_actuel").update(
                si={"question": "besoin", "sauf": ["standard"]}
            ),
            "pas une question posée avant",
            id="condition-sur-question-suivante",
        ),
        pytest.param(
            lambda d: _question(d, "nombre_ecoles").update(ne_sait_pas={"effet": "estimé"}),
            "ne peut pas l'être",
            id="nsp-sur-cle-obligatoire",
        ),
        pytest.param(
            lambda d: _question(d, "porteur").update(defaut="mairie"),
            "question « porteur » : défaut : « mairie » n'est pas une valeur permise",
            id="defaut-hors-choix",
        ),
        pytest.param(
            lambda d: _question(d, "porteur").update(typ="choix"),
            "question « porteur », « typ » : clé inconnue",
            id="cle-inconnue",
        ),
        pytest.param(
            lambda d: _question(d, "porteur").update(type="liste"),
            "« liste » n'est pas permis",
            id="type-inconnu",
        ),
    ],
)
def test_loader_refuses_broken_questionnaires(tmp_path: Path, change: Any, message: str) -> None:
    """A questionnaire that cannot produce a valid answer file is refused, in French, naming the place."""
    with pytest.raises(EntreeInvalide) as error:
        load_questionnaire(_broken(tmp_path, change))
    assert message in str(error.value)


def test_loader_reports_missing_and_malformed_files(tmp_path: Path) -> None:
    """Missing and malformed questionnaire files give French errors with the file name."""
    with pytest.raises(EntreeInvalide, match="questionnaire introuvable"):
        load_questionnaire(tmp_path / "absent.yaml")
    bad = tmp_path / "mal.yaml"
    bad.write_text("sections: [\n", encoding="utf-8")
    with pytest.raises(EntreeInvalide, match="YAML mal formé"):
        load_questionnaire(bad)


def test_questionnaire_model_is_strict() -> None:
    """Unknown keys in the questionnaire data are errors, not silently ignored."""
    with pytest.raises(ValidationError):
        Questionnaire.model_validate({"version": 1, "titre": "x", "sections": [], "autre": 1})


SIGLES = {
    # sigle: words of its expansion, found in the same text as its first use
    "ENT": "espace numérique de travail",
    "RPI": "regroupement pédagogique intercommunal",
    "SIVU": "syndicat intercommunal à vocation unique",
    "SIVOS": "vocation unique ou scolaire",
    "CGCT": "Code général des collectivités territoriales",
    "CCP": "Code de la commande publique",
    "HT": "hors taxes",
    "MAPA": "marché à procédure adaptée",
    "ERUN": "enseignant référent pour les usages du numérique",
    "DASEN": "directeur académique",
    "IEN": "inspecteur",
    "DANE": "délégation académique au numérique",
    "DRANE": "délégation académique au numérique",
    "RGPD": "règlement général sur la protection des données",
    "DPO": "délégué à la protection des données",
    "UGAP": "Union des groupements d'achats publics",
    "DSDEN": "services départementaux de l'Éducation nationale",
    "SDET": "schéma directeur des ENT",
}


def _textes_dans_l_ordre() -> list[str]:
    """What a user may read, in the order of the questionnaire: each question's text, help, references,
    choices and « je ne sais pas » effect (the help shown by « ? » is read with its question)."""
    textes = [QUESTIONNAIRE.introduction]
    for section in QUESTIONNAIRE.sections:
        textes.append(section.introduction or "")
        for q in section.questions:
            parts = [q.texte, q.aide, q.reference or "", *(c.libelle for c in q.choix)]
            parts.append(q.ne_sait_pas.effet if q.ne_sait_pas else "")
            textes.append(" ".join(parts))
    return textes


@pytest.mark.parametrize("sigle", sorted(SIGLES))
def test_every_acronym_is_expanded_at_its_first_use(sigle: str) -> None:
    """The first question (with its help) that uses an acronym also spells it out."""
    import re

    mot = re.compile(rf"(?<![\w-]){re.escape(sigle)}(?![\w-])")
    premier = next((t for t in _textes_dans_l_ordre() if mot.search(t)), None)
    assert premier is not None, f"{sigle} n'apparaît pas : retirez-le de la liste"
    assert SIGLES[sigle].lower() in premier.lower(), premier


def test_help_gives_no_case_number_and_keeps_legal_references_on_their_own_line() -> None:
    """No « n° 440575 » a secretary cannot use; article numbers live in « reference », not in the help."""
    import re

    for q in QUESTIONNAIRE.questions():
        assert "n°" not in q.aide and "n°" not in (q.reference or ""), q.id
        assert not re.search(r"\b[LRD]\d{3,4}-\d", q.aide), (q.id, q.aide)
