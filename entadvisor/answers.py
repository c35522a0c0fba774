"""The answer file: the facts of one ENT project, as a questionnaire collects them.

The keys, types and values are a public contract (shared ANSWERS.md). Answer files are data only:
YAML is read with the safe loader, with no anchors or aliases and a bounded size; JSON with the
standard library. Every problem is reported as :class:`EntreeInvalide`, in French, with the file,
the key, the line where possible and what is allowed.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import json
import os
import re
import stat
from typing import Any, ClassVar, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from entadvisor import french_input
from entadvisor.errors import EntreeInvalide, Probleme, os_message

TAILLE_MAX_OCTETS = 256 * 1024
"""An answer file is a few hundred bytes; anything above this is refused before parsing."""

FORMAT_VERSION = 1

Porteur = Literal["commune", "epci", "syndicat_scolaire", "syndicat_mixte", "departement", "autre"]
CompetenceScolaire = Literal["communes", "intercommunalite"]
Degres = Literal["premier_degre", "premier_et_second_degre"]
EntExistant = Literal["aucun", "partiel", "generalise"]
Usages = Literal["faibles", "moyens", "avances", "ne_sait_pas"]
Equipement = Literal["insuffisant", "correct", "bon", "ne_sait_pas"]
Convention = Literal["signee", "en_cours", "aucune"]
OffreMutualisee = Literal["centrale_achat", "groupement_existant", "aucune", "ne_sait_pas"]
Besoin = Literal["standard", "adaptations", "specifique"]
NE_SAIT_PAS = "ne_sait_pas"
"""« Je ne sais pas », accepted where a person may not know; the knowledge base (rules/hypotheses.py)
treats it as the prudent value and names that assumption in the advice."""
OuiNonInconnu = bool | Literal["ne_sait_pas"]

_OUI = french_input.OUI
_NON = french_input.NON

ECART_DATES_ANS = 20
"""The launch date and the end of the current contract lie within this many years of the analysis date."""
DATE_ANALYSE_MIN = dt.date(2000, 1, 1)
DATE_ANALYSE_MAX = dt.date(2100, 12, 31)
"""The analysis date lies between these (the rentrées the model accepts)."""
_NSP = frozenset({"ne_sait_pas", "ne sait pas", "je ne sais pas", "nsp"})


class Answers(BaseModel):
    """The answers of one project. Field names are the answer keys and the fact fields."""

    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        str_strip_whitespace=True,
        title="Fichier de réponses entadvisor",
        json_schema_extra={
            "description": "Les réponses au questionnaire « ENT premier degré » pour un projet : une clé par "
            "question (format public, version 1).",
        },
    )

    version: Literal[1] = Field(1, description="Version du format du fichier de réponses.")
    nom_projet: str | None = Field(None, max_length=200, description="Nom du projet, repris dans le rapport.")
    nom_collectivite: str | None = Field(
        None,
        max_length=200,
        description="Nom de la collectivité qui porte le projet, repris dans le rapport.",
    )
    porteur: Porteur = Field(description="Qui porte le projet.")
    competence_scolaire: CompetenceScolaire = Field(
        description="Qui détient la compétence scolaire sur le périmètre."
    )
    nombre_communes: int = Field(ge=1, le=40_000, description="Communes dont les écoles sont concernées.")
    service_marches: bool = Field(description="L'acheteur dispose d'un service des marchés.")
    communes_partenaires_interessees: OuiNonInconnu = Field(
        False, description="D'autres acheteurs souhaitent acheter ensemble (ou « ne_sait_pas »)."
    )
    nombre_ecoles: int = Field(ge=1, le=60_000, description="Écoles publiques concernées.")
    nombre_classes: int = Field(ge=1, le=400_000, description="Classes concernées.")
    nombre_eleves: int | None = Field(None, ge=1, le=7_000_000, description="Élèves concernés.")
    degres: Degres = Field(description="Premier degré seul, ou aussi collèges et lycées.")
    nombre_eleves_second_degre: int | None = Field(
        None,
        ge=0,
        le=7_000_000,
        description="Élèves des collèges et lycées compris dans la même consultation (tous lots, R2121-1).",
    )
    ent_existant: EntExistant = Field(description="ENT existant aujourd'hui.")
    fin_contrat_actuel: dt.date | None = Field(None, description="Fin du contrat de l'ENT existant.")
    usages_numeriques: Usages = Field(
        description="Pratiques numériques actuelles des enseignants (ou « ne_sait_pas »)."
    )
    equipement_ecoles: Equipement = Field(
        description="Équipement et connectivité des écoles (ou « ne_sait_pas »)."
    )
    autorite_academique_associee: OuiNonInconnu = Field(
        description="DASEN, IEN ou DANE associés au projet (ou « ne_sait_pas »)."
    )
    convention_partenariat: Convention = Field(
        description="Convention de partenariat avec l'Éducation nationale."
    )
    comite_pilotage: bool = Field(description="Un comité de pilotage existe.")
    dpo_associe: OuiNonInconnu = Field(
        description="Le DPO de la collectivité est associé (ou « ne_sait_pas »)."
    )
    accompagnement_prevu: bool = Field(description="Formation, assistance et animation sont prévues.")
    offre_mutualisee: OffreMutualisee = Field(
        description="Offre d'ENT mutualisée que l'acheteur peut rejoindre."
    )
    besoin: Besoin = Field(description="Nature du besoin.")
    specifications_precises: bool | None = Field(
        None, description="Le besoin peut être spécifié précisément (si le besoin n'est pas standard)."
    )
    prix_eleve_an_ht: float | None = Field(
        None, gt=0, le=1000, description="Prix en € HT par élève et par an (devis ou estimation)."
    )
    couts_ponctuels_ht: float = Field(
        0,
        ge=0,
        le=100_000_000,
        description="Coûts ponctuels en € HT : paramétrage, reprise de données, formation.",
    )
    rentree_visee: int = Field(
        ge=2000, le=2100, description="Rentrée à laquelle l'ENT (ou son pilote) doit ouvrir."
    )
    date_lancement: dt.date | None = Field(None, description="Date prévue de lancement de la consultation.")
    delegation_marches: bool | None = Field(
        None,
        description="L'assemblée a délégué à l'exécutif les décisions sur les marchés (CGCT art. L2122-22 4°).",
    )
    plafond_delegation_ht: float | None = Field(
        None,
        gt=0,
        le=100_000_000,
        description="Montant maximal en € HT fixé par cette délégation, s'il y en a un.",
    )

    @field_validator(
        "service_marches",
        "communes_partenaires_interessees",
        "autorite_academique_associee",
        "comite_pilotage",
        "dpo_associe",
        "accompagnement_prevu",
        "specifications_precises",
        "delegation_marches",
        mode="before",
    )
    @classmethod
    def _oui_non(cls, value: Any) -> Any:
        if isinstance(value, str):
            mot = value.strip().lower()
            if mot in _OUI:
                return True
            if mot in _NON:
                return False
            if mot in _NSP:
                return NE_SAIT_PAS  # accepted only by the fields typed OuiNonInconnu
            raise ValueError("oui_non")
        if isinstance(value, bool) or value is None:
            return value
        raise ValueError("oui_non")

    @field_validator(
        "nombre_communes",
        "nombre_ecoles",
        "nombre_classes",
        "nombre_eleves",
        "nombre_eleves_second_degre",
        "rentree_visee",
        mode="before",
    )
    @classmethod
    def _entier(cls, value: Any) -> Any:
        if isinstance(value, bool):
            raise ValueError("entier")
        if isinstance(value, float) and not value.is_integer():
            raise ValueError("entier")
        return value

    @model_validator(mode="after")
    def _coherence(self) -> Answers:
        if self.nombre_classes < self.nombre_ecoles:
            raise ValueError(
                f"coherence:nombre_classes:il y a moins de classes ({self.nombre_classes}) que d'écoles "
                f"({self.nombre_ecoles}) ; chaque école compte au moins une classe"
            )
        if self.nombre_eleves is not None:
            moyenne = self.nombre_eleves / self.nombre_classes
            if not 5 <= moyenne <= 35:
                raise ValueError(
                    f"coherence:nombre_eleves:{self.nombre_eleves} élèves pour {self.nombre_classes} classes "
                    f"font {moyenne:.1f} élèves par classe en moyenne ; attendu entre 5 et 35"
                )
        if self.nombre_eleves_second_degre is not None and self.degres == "premier_degre":
            raise ValueError(
                "coherence:nombre_eleves_second_degre:un effectif du second degré est donné alors que « degres » vaut "
                "« premier_degre » ; retirez-le ou indiquez « premier_et_second_degre »"
            )
        if self.fin_contrat_actuel is not None and self.ent_existant == "aucun":
            raise ValueError(
                "coherence:fin_contrat_actuel:une date de fin de contrat est donnée alors que « ent_existant » "
                "vaut « aucun » ; retirez-la ou indiquez l'ENT existant (« partiel » ou « generalise »)"
            )
        return self


FIELDS: tuple[str, ...] = tuple(Answers.model_fields)
REQUIRED: tuple[str, ...] = tuple(name for name, f in Answers.model_fields.items() if f.is_required())


def allowed_values(field: str) -> tuple[Any, ...] | None:
    """The allowed values of a categorical field, or None."""
    annotation = Answers.model_fields[field].annotation
    args = getattr(annotation, "__args__", None)
    if getattr(annotation, "__origin__", None) is Literal:
        return tuple(args or ())
    return None


def _describe_allowed(field: str) -> str:
    values = allowed_values(field)
    if values:
        return "valeurs permises : " + ", ".join(f"« {v} »" for v in values)
    info = Answers.model_fields[field]
    annotation = str(info.annotation)
    bornes = []
    for meta in info.metadata:
        for attr, mot in (("ge", "≥"), ("gt", ">"), ("le", "≤"), ("lt", "<")):
            if getattr(meta, attr, None) is not None:
                borne = getattr(meta, attr)
                bornes.append(
                    f"{mot} {borne:,}".replace(",", "\u202f")
                    if isinstance(borne, int) and field != "rentree_visee"  # a year: « ≥ 2000 »
                    else f"{mot} {borne}"
                )
        if getattr(meta, "max_length", None) is not None:
            bornes.append(f"au plus {meta.max_length} caractères")
    if "bool" in annotation:
        inconnu = " ou « ne_sait_pas »" if "ne_sait_pas" in annotation else ""
        return f"attendu : oui ou non (true/false){inconnu}"
    if "date" in annotation:
        return "attendu : une date au format AAAA-MM-JJ, par exemple 2027-01-15"
    if "int" in annotation:
        return "attendu : un nombre entier" + (" " + " et ".join(bornes) if bornes else "")
    if "float" in annotation:
        return "attendu : un nombre" + (" " + " et ".join(bornes) if bornes else "")
    if "str" in annotation:
        return "attendu : un texte" + (", " + " et ".join(bornes) if bornes else "")
    return ""


def _shown(value: Any) -> str:
    """A value as the user wrote it in the file, not as Python prints it."""
    if isinstance(value, str):
        text = f"« {value} »"
    elif isinstance(value, bool):
        text = "« true »" if value else "« false »"
    elif value is None:
        text = "une valeur vide"
    elif isinstance(value, dt.date):
        text = f"« {value.isoformat()} »"
    elif isinstance(value, list):
        text = "une liste"
    elif isinstance(value, dict):
        text = "une table"
    else:  # a number: as written
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "…"


def _french_problem(error: dict[str, Any], data: dict[str, Any], lines: dict[str, int]) -> Probleme:
    loc = [str(part) for part in error.get("loc", ())]
    kind = error.get("type", "")
    ctx_message = str(error.get("ctx", {}).get("error", "")) if error.get("ctx") else ""
    if kind == "value_error" and ctx_message.startswith("coherence:"):
        _, champ, texte = ctx_message.split(":", 2)
        return Probleme(f"valeurs incohérentes : {texte}.", champ, lines.get(champ))
    field = loc[0] if loc else ""
    line = lines.get(field) if field else None
    if kind == "missing":
        return Probleme(f"réponse obligatoire absente ; {_describe_allowed(field)}.", field, None)
    if kind == "extra_forbidden":
        proches = difflib.get_close_matches(field or "", FIELDS, n=1, cutoff=0.6)
        suggestion = (
            f" ; vouliez-vous dire « {proches[0]} » ?"
            if proches
            else " ; clés permises : voir `entadvisor schema`."
        )
        return Probleme(f"clé inconnue{suggestion}", field, line)
    found = _shown(data.get(field)) if field else ""
    allowed = _describe_allowed(field) if field in Answers.model_fields else ""
    if kind == "value_error" and "oui_non" in ctx_message:
        return Probleme(
            f"{found} n'est pas une réponse oui/non ; attendu : oui ou non (true/false).", field, line
        )
    if kind == "value_error" and "entier" in ctx_message:
        return Probleme(
            f"{found} n'est pas un nombre entier ; {allowed} ; {_ECRIVEZ['entier']}.", field, line
        )
    if kind == "literal_error" and field == "version":
        return Probleme(
            f"version {found} inconnue ; ce logiciel lit la version {FORMAT_VERSION}.", field, line
        )
    if kind == "literal_error":
        proches = difflib.get_close_matches(
            str(data.get(field)), [str(v) for v in allowed_values(field) or ()], n=1
        )
        suggestion = f" Vouliez-vous dire « {proches[0]} » ?" if proches else ""
        return Probleme(f"{found} n'est pas une valeur permise ; {allowed}.{suggestion}", field, line)
    if kind in {"greater_than_equal", "greater_than", "less_than_equal", "less_than", "string_too_long"}:
        return Probleme(f"{found} est hors des bornes ; {allowed}.", field, line)
    return Probleme(f"{found} ne convient pas ; {allowed or 'valeur invalide'}.", field, line)


def validate_answers(
    data: Any,
    source: str | None = None,
    lines: dict[str, int] | None = None,
) -> Answers:
    """Validate a mapping of answers; raise :class:`EntreeInvalide` with every problem, in French.

    Text values in the French forms the questionnaire accepts (« 4,50 », « 1 850 », « 15/03/2027 »,
    « oui ») are read as it reads them (:mod:`entadvisor.french_input`); a boolean where a number is
    asked, or a number where a yes/no is asked, is refused rather than converted.
    """
    if not isinstance(data, dict):
        raise EntreeInvalide(
            source,
            "le fichier doit contenir une table de réponses « clé: valeur » (par exemple « nombre_ecoles: 3 »), "
            f"pas {_type_name(data)}.",
        )
    lines = lines or {}
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise EntreeInvalide(source, f"les clés doivent être des textes ; trouvé {_shown(bad_keys[0])}.")
    data, refused = _french_forms(data, lines)
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        problems = [_french_problem(dict(err), data, lines) for err in exc.errors()]
        problems = [p for p in problems if p.champ not in {r.champ for r in refused}] + refused
        problems.sort(key=lambda p: (p.ligne is None, p.ligne or 0, p.champ or ""))
        raise EntreeInvalide(source, problems) from None
    if refused:
        raise EntreeInvalide(source, sorted(refused, key=lambda p: (p.ligne is None, p.ligne or 0)))
    return answers


_ECRIVEZ = {
    "entier": "écrivez les chiffres, par exemple 12 ou 1 850",
    "nombre": "écrivez par exemple 4.50 ou 4,50",
    "oui_non": "écrivez oui ou non (ou true/false)",
    "date": "écrivez par exemple 2027-01-15 ou 15/01/2027",
}


@functools.cache
def _kind(field: str) -> str | None:
    """How the value of a field is read: « oui_non », « entier », « nombre », « date », « texte » or None (a choice)."""
    if field == "version":
        return "version"
    if field not in Answers.model_fields or allowed_values(field):
        return None
    annotation = str(Answers.model_fields[field].annotation)
    for word, kind in (("bool", "oui_non"), ("date", "date"), ("int", "entier"), ("float", "nombre")):
        if word in annotation:
            return kind
    return "texte" if "str" in annotation else None


_CONTROLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
"""The control characters (Unicode category Cc) but tab and line feed."""
_CONTROLE_FICHIER = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
"""The same, but carriage return too, which a file saved on Windows holds."""


def _control_character(text: str) -> str | None:
    found = _CONTROLE.search(text)
    return found.group() if found else None


def _describe_character(char: str) -> str:
    names = {"\x00": "NUL", "\x07": "BEL", "\x1b": "ESC, échappement", "\x7f": "DEL"}
    return f"U+{ord(char):04X}" + (f" ({names[char]})" if char in names else "")


def _french_forms(data: dict[str, Any], lines: dict[str, int]) -> tuple[dict[str, Any], list[Probleme]]:
    """Read the French forms of numbers, dates and yes/no; refuse values of the wrong kind."""
    result: dict[str, Any] = dict(data)
    refused: list[Probleme] = []
    for field, value in data.items():
        kind = _kind(field)
        line = lines.get(field)
        try:
            if isinstance(value, str) and (char := _control_character(value)):
                raise ValueError(
                    f"le texte contient le caractère de contrôle {_describe_character(char)}, "
                    "qui n'a pas sa place dans une réponse ; retirez-le"
                )
            if kind is not None:
                result[field] = _french_value(field, kind, value)
        except ValueError as exc:
            refused.append(Probleme(f"{exc}.", field, line))
    return result, refused


def _french_value(field: str, kind: str, value: Any) -> Any:
    if value is None or kind == "texte" or (kind == "oui_non" and isinstance(value, bool)):
        return value
    if kind in {"entier", "nombre"} and isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    found = _shown(value)
    if kind == "version":
        if isinstance(value, bool):
            raise ValueError(
                f"{found} n'est pas un numéro de version ; écrivez « version: {FORMAT_VERSION} »"
            )
        if isinstance(value, str) and value.strip() == str(FORMAT_VERSION):
            return FORMAT_VERSION
        return value
    if kind == "oui_non":
        if isinstance(value, bool):
            return value
        if isinstance(value, str) and value.strip().lower() in _NSP:
            return NE_SAIT_PAS  # the model accepts it only where a person may not know (OuiNonInconnu)
        answer = french_input.parse_yes_no(value) if isinstance(value, str) else None
        if answer is None:
            raise ValueError(
                f"{found} n'est pas une réponse oui/non ; attendu : oui ou non ; {_ECRIVEZ[kind]}"
            )
        return answer
    if kind in {"entier", "nombre"}:
        quoi = "un nombre entier" if kind == "entier" else "un nombre"
        number: Any = value
        if isinstance(value, str):
            number = french_input.parse_integer(value)
            if number is None:
                number = french_input.parse_number(value)
        if isinstance(number, bool) or number is None:
            raise ValueError(f"{found} n'est pas {quoi} ; {_describe_allowed(field)} ; {_ECRIVEZ[kind]}")
        return number
    if kind == "date":
        if isinstance(value, dt.datetime):
            raise ValueError(f"{found} n'est pas une date sans heure ; {_ECRIVEZ[kind]}")
        if isinstance(value, dt.date):
            return value
        try:
            date = french_input.parse_date(value) if isinstance(value, str) else None
        except french_input.DateInexistante:
            raise ValueError(
                f"{found} : date impossible (jour ou mois hors du calendrier) ; attendu : une date "
                f"AAAA-MM-JJ réelle ; {_ECRIVEZ[kind]}"
            ) from None
        if date is None:
            raise ValueError(
                f"{found} n'est pas une date ; attendu : une date au format AAAA-MM-JJ ; {_ECRIVEZ[kind]}"
            )
        return date
    return value


def _years_later(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def check_dates(
    answers: Answers,
    as_of: dt.date | None = None,
    source: str | None = None,
    lines: dict[str, int] | None = None,
) -> None:
    """Refuse an analysis date outside 2000–2100, and a launch date or an end of contract more than
    :data:`ECART_DATES_ANS` years from the analysis date (default: today): no plan can use them."""
    as_of = as_of or dt.date.today()
    if not DATE_ANALYSE_MIN <= as_of <= DATE_ANALYSE_MAX:
        raise EntreeInvalide(
            source,
            Probleme(
                f"date d'analyse « {as_of.isoformat()} » hors des bornes ; attendu : une date entre "
                f"{DATE_ANALYSE_MIN.isoformat()} et {DATE_ANALYSE_MAX.isoformat()}.",
                "date_analyse",
            ),
        )
    lines = lines or {}
    lo, hi = _years_later(as_of, -ECART_DATES_ANS), _years_later(as_of, ECART_DATES_ANS)
    problems = [
        Probleme(
            f"« {day.isoformat()} » est à plus de {ECART_DATES_ANS} ans de la date d'analyse "
            f"({as_of.isoformat()}) ; attendu : une date entre {lo.isoformat()} et {hi.isoformat()}.",
            field,
            lines.get(field),
        )
        for field in ("date_lancement", "fin_contrat_actuel")
        if (day := getattr(answers, field)) is not None and not lo <= day <= hi
    ]
    if problems:
        raise EntreeInvalide(source, problems)


def _type_name(value: Any) -> str:
    if value is None:
        return "un document vide"
    if isinstance(value, list):
        return "une liste"
    if isinstance(value, str):
        return "un simple texte"
    return f"une valeur de type {type(value).__name__}"


# --- reading files -------------------------------------------------------------------------------

_BASE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _CoreLoader(_BASE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader with the YAML 1.2 core schema for plain scalars, not PyYAML's YAML 1.1.

    Only ``true``/``false`` are booleans (« yes », « no », « on » stay text, echoed as written),
    only decimal digits are integers (« 0100 » is 100, never 64; « 0x1C », « 0o17 », « 1_2 » and
    « 30:50 » stay text and are refused where a number is asked), and dates stay text, read by the
    same French parser as the questionnaire.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}
    yaml_constructors: ClassVar[dict[Any, Any]] = dict(_BASE_LOADER.yaml_constructors)


def _core_resolver(tag: str, pattern: str, first: str) -> None:
    _CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern, re.X), list(first))


_core_resolver("null", r"^(?:~|null|Null|NULL)$", "~nN")
_core_resolver("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_core_resolver("int", r"^[-+]?[0-9]+$", "-+0123456789")
_core_resolver(
    "float",
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+0123456789.",
)
_CoreLoader.yaml_implicit_resolvers.setdefault("", []).insert(
    0, ("tag:yaml.org,2002:null", re.compile(r"^$"))
)


def _construct_core_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if not re.fullmatch(r"[-+]?[0-9]+", text):
        raise ValueError("entier illisible")
    return int(text, 10)


def _construct_core_float(loader: Any, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.lstrip("+-") == ".inf":
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    if not re.fullmatch(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:e[-+]?[0-9]+)?", text):
        raise ValueError("nombre illisible")
    return float(text)


def _construct_core_bool(loader: Any, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node).lower()
    if text not in {"true", "false"}:
        raise ValueError("oui/non illisible")
    return text == "true"


_CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_core_float)
_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _construct_core_bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))
_LOADER = _CoreLoader
_TAGS = {
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
}
_PROFONDEUR_MAX = 20
NOEUDS_MAX = 10_000
"""An answer file has about thirty keys and values; a file with more YAML nodes than this is refused."""


def _yaml_mapping(text: str, source: str) -> tuple[Any, dict[str, int]]:
    loader = _LOADER(text)
    try:
        try:
            node = loader.get_single_node()
        except yaml.MarkedYAMLError as exc:
            mark = exc.problem_mark or exc.context_mark
            line = mark.line + 1 if mark else None
            raise EntreeInvalide(
                source, Probleme(f"YAML mal formé : {_yaml_problem(exc)}.", None, line)
            ) from None
        except yaml.YAMLError:
            raise EntreeInvalide(
                source,
                "YAML illisible : le fichier contient des caractères non autorisés (caractères de contrôle).",
            ) from None
        if node is None:
            return None, {}
        _check_nodes(node, source)
        if not isinstance(node, yaml.MappingNode):
            return _construct(loader, node, source, None), {}
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        problems: list[Probleme] = []
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            lines[key] = line
            try:
                data[key] = _construct(loader, value_node, source, key)
            except EntreeInvalide as exc:
                problems.extend(exc.problemes)
        if problems:
            raise EntreeInvalide(source, problems)
        return data, lines
    finally:
        loader.dispose()


def _construct(loader: Any, node: yaml.Node, source: str, field: str | None) -> Any:
    """Build one value, saying in French which field and line hold an impossible value."""
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            why = "date impossible (jour ou mois hors du calendrier) ; attendu : une date AAAA-MM-JJ réelle"
        elif "digits" in reason or isinstance(exc, OverflowError):
            why = "nombre trop long"
        else:
            why = "valeur illisible"
        written = (
            f"« {node.value} » : " if isinstance(node, yaml.ScalarNode) and len(node.value) <= 40 else ""
        )
        raise EntreeInvalide(source, Probleme(f"{written}{why}.", field, node.start_mark.line + 1)) from None


_YAML_PROBLEMS = {
    "found a tab character": "tabulation interdite ; indentez avec des espaces",
    "found character '\\t'": "tabulation interdite ; indentez avec des espaces",
    "found character that cannot start any token": (
        "caractère inattendu (une tabulation, ou un caractère spécial à mettre entre guillemets)"
    ),
    "mapping values are not allowed": (
        "deux-points inattendu : une valeur qui contient « : » doit être entre guillemets, ou l'indentation est incohérente"
    ),
    "could not find expected ':'": "deux-points « : » attendu après la clé",
    "did not find expected key": "indentation incohérente (une clé était attendue)",
    "did not find expected ',' or ']'": "liste entre crochets non fermée",
    "did not find expected ',' or '}'": "table entre accolades non fermée",
    "did not find expected '-' indicator": "liste mal indentée",
    "found undefined alias": "alias non défini (les alias ne sont pas acceptés)",
    "found duplicate anchor": "ancre en double (les ancres ne sont pas acceptées)",
    "but found another document": "un seul projet par fichier : un second document (« --- ») n'est pas accepté",
    "found unexpected end of stream": "fin de fichier inattendue (un guillemet n'est pas fermé ?)",
    "expected <block end>": "indentation incohérente",
    "found unknown escape character": "caractère d'échappement inconnu entre guillemets",
}


def _yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    problem = exc.problem or ""
    for english, french in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return french
    return "erreur de syntaxe"


def _check_nodes(root: yaml.Node, source: str) -> None:
    """Refuse what an answer file has no use for: anchors and aliases (and the 'billion laughs' they
    allow), tags other than the plain YAML types, non-text and duplicate keys, deep nesting."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int]] = [(root, 0)]
    while stack:
        node, depth = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            raise EntreeInvalide(
                source,
                Probleme(
                    "les ancres et alias YAML (& et *) ne sont pas acceptés dans un fichier de réponses.",
                    None,
                    line,
                ),
            )
        if len(seen) >= NOEUDS_MAX:
            raise EntreeInvalide(
                source,
                Probleme(
                    f"le fichier contient plus de {NOEUDS_MAX:,} éléments YAML (clés, valeurs, listes) ; "
                    "un fichier de réponses en compte une trentaine : est-ce bien un fichier de réponses ?".replace(
                        ",", "\u202f", 1
                    ),
                    None,
                    line,
                ),
            )
        seen.add(id(node))
        if node.tag not in _TAGS:
            raise EntreeInvalide(source, Probleme(f"étiquette YAML « {node.tag} » non acceptée.", None, line))
        if depth > _PROFONDEUR_MAX:
            raise EntreeInvalide(source, Probleme("structure trop profondément imbriquée.", None, line))
        if isinstance(node, yaml.MappingNode):
            keys: dict[str, int] = {}
            for key, value in node.value:
                if not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str":
                    raise EntreeInvalide(
                        source,
                        Probleme(
                            "les clés doivent être des textes, comme « nombre_ecoles ».",
                            None,
                            key.start_mark.line + 1,
                        ),
                    )
                if key.value in keys and depth == 0:
                    raise EntreeInvalide(
                        source,
                        Probleme(
                            f"clé donnée deux fois (déjà ligne {keys[key.value]}) ; gardez une seule réponse.",
                            key.value,
                            key.start_mark.line + 1,
                        ),
                    )
                keys.setdefault(key.value, key.start_mark.line + 1)
                stack.extend(((key, depth + 1), (value, depth + 1)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, depth + 1) for item in node.value)


_JSON_PROBLEMS = {
    "Expecting ',' delimiter": "virgule attendue",
    "Expecting ':' delimiter": "deux-points « : » attendu après la clé",
    "Expecting property name enclosed in double quotes": "nom de clé entre guillemets doubles attendu",
    "Expecting value": "valeur attendue",
    "Unterminated string starting at": "texte entre guillemets non fermé",
    "Extra data": "contenu en trop après la fin de l'objet",
    "Invalid control character at": "caractère de contrôle interdit dans un texte",
    "Invalid \\escape": "caractère d'échappement invalide",
    "Illegal trailing comma before end of object": "virgule en trop avant « } »",
    "Illegal trailing comma before end of array": "virgule en trop avant « ] »",
}


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_mapping(text: str, source: str) -> tuple[Any, dict[str, int]]:
    try:
        data = json.loads(text, object_pairs_hook=_no_duplicates)
    except json.JSONDecodeError as exc:
        why = next((fr for en, fr in _JSON_PROBLEMS.items() if exc.msg.startswith(en)), "erreur de syntaxe")
        raise EntreeInvalide(
            source, Probleme(f"JSON mal formé : {why} (colonne {exc.colno}).", None, exc.lineno)
        ) from None
    except _DuplicateKey as exc:
        raise EntreeInvalide(
            source, Probleme("clé donnée deux fois ; gardez une seule réponse.", exc.key)
        ) from None
    except RecursionError:
        raise EntreeInvalide(source, "JSON trop profondément imbriqué.") from None
    except ValueError:  # e.g. an integer longer than Python accepts
        raise EntreeInvalide(source, "JSON illisible : un nombre est trop long.") from None
    lines: dict[str, int] = {}
    if isinstance(data, dict):
        for number, line in enumerate(text.splitlines(), start=1):
            for key in re.findall(r'"([^"\\]+)"\s*:', line):
                lines.setdefault(key, number)
    return data, lines


def _check_characters(text: str, source: str) -> None:
    """Refuse a text holding control characters (NUL, BEL, ESC…), with their line; recognise UTF-16."""
    for found in _CONTROLE_FICHIER.finditer(text):  # a regex: a batch reads thousands of files
        position, char = found.start(), found.group()
        line = text.count("\n", 0, position) + 1
        if char == "\x00" and text.count("\x00") * 3 >= len(text):
            raise EntreeInvalide(
                source,
                Probleme(
                    "le fichier semble encodé en UTF-16 (un octet nul sur deux) ; enregistrez-le en UTF-8.",
                    None,
                    line,
                ),
            )
        column = position - (text.rfind("\n", 0, position) + 1) + 1
        raise EntreeInvalide(
            source,
            Probleme(
                f"caractère de contrôle {_describe_character(char)} en colonne {column} : un fichier de "
                "réponses ne contient que du texte ; retirez-le (ou enregistrez le fichier en UTF-8 texte).",
                None,
                line,
            ),
        )


def read_mapping(text: str, source: str, *, format: str = "yaml") -> tuple[Any, dict[str, int]]:
    """The mapping of an answer file's text (YAML 1.2 core schema, or JSON) and the line of each key,
    without validating the answers: for partial files (the questionnaire's ``--reprendre``)."""
    _check_characters(text, source)
    return (_json_mapping if format == "json" else _yaml_mapping)(text, source)


def parse_answers(
    text: str,
    source: str = "<réponses>",
    *,
    format: str = "yaml",
    date_analyse: dt.date | None = None,
) -> Answers:
    """Parse and validate the text of an answer file (``format`` is ``yaml`` or ``json``).

    The dates are checked against ``date_analyse`` (default: today), see :func:`check_dates`.
    """
    data, lines = read_mapping(text, source, format=format)
    answers = validate_answers(data, source, lines)
    check_dates(answers, date_analyse, source, lines)
    return answers


def read_answers_text(path: str | os.PathLike[str]) -> str:
    """Read an answer file's text, refusing unreadable, oversized, special and non-UTF-8 files in French.

    A FIFO or a device is refused without being read (opened without blocking, then checked), so
    that a pipe named ``*.yaml`` cannot hang a batch.
    """
    source = str(path)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0))
    except FileNotFoundError:
        raise EntreeInvalide(source, "fichier introuvable.") from None
    except IsADirectoryError:
        raise EntreeInvalide(source, "c'est un dossier, pas un fichier de réponses.") from None
    except PermissionError:
        raise EntreeInvalide(source, "lecture refusée (droits insuffisants).") from None
    except OSError as exc:
        raise EntreeInvalide(source, f"fichier illisible ({os_message(exc)}).") from None
    try:
        mode = os.fstat(fd).st_mode
        if stat.S_ISDIR(mode):
            raise EntreeInvalide(source, "c'est un dossier, pas un fichier de réponses.")
        if not stat.S_ISREG(mode):
            quoi = "un tube (FIFO)" if stat.S_ISFIFO(mode) else "un fichier spécial (périphérique, socket)"
            raise EntreeInvalide(
                source, f"c'est {quoi}, pas un fichier de réponses ordinaire : il n'est pas lu."
            )
        with os.fdopen(fd, "rb", closefd=False) as handle:
            raw = handle.read(TAILLE_MAX_OCTETS + 1)
    except OSError as exc:
        raise EntreeInvalide(source, f"fichier illisible ({os_message(exc)}).") from None
    finally:
        os.close(fd)
    if len(raw) > TAILLE_MAX_OCTETS:
        raise EntreeInvalide(
            source,
            f"fichier trop volumineux (plus de {TAILLE_MAX_OCTETS // 1024} Kio) pour un fichier de réponses.",
        )
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff") or (raw and raw.count(b"\x00") * 3 >= len(raw)):
        raise EntreeInvalide(
            source, Probleme("le fichier est encodé en UTF-16 ; enregistrez-le en UTF-8.", None, 1)
        )
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise EntreeInvalide(
            source, Probleme("le fichier n'est pas encodé en UTF-8 ; enregistrez-le en UTF-8.", None, line)
        ) from None


def load_answers(path: str | os.PathLike[str], *, date_analyse: dt.date | None = None) -> Answers:
    """Load and validate an answer file (``.yaml``, ``.yml`` or ``.json``).

    The launch date and the end of the current contract must lie within :data:`ECART_DATES_ANS`
    years of ``date_analyse`` (default: today).
    """
    text = read_answers_text(path)
    format = "json" if str(path).lower().endswith(".json") else "yaml"
    return parse_answers(text, str(path), format=format, date_analyse=date_analyse)


# --- writing files -------------------------------------------------------------------------------


def answers_to_yaml(data: dict[str, Any]) -> str:
    """Serialise answers (a full model dump or a partial mapping) in the order of the model."""
    ordered = {key: data[key] for key in FIELDS if key in data and data[key] is not None}
    ordered.update({k: v for k, v in data.items() if k not in ordered and v is not None})
    return yaml.safe_dump(ordered, allow_unicode=True, sort_keys=False, default_flow_style=False)


def write_atomic(path: str | os.PathLike[str], text: str, *, what: str = "le fichier") -> None:
    """Write a text file atomically: a temporary file in the same folder, then a rename (see :mod:`._files`)."""
    from entadvisor._files import write_atomic as _write_atomic

    _write_atomic(path, text, what=what)


def save_answers(data: dict[str, Any] | Answers, path: str | os.PathLike[str]) -> None:
    """Save answers (complete or not) as a YAML answer file, atomically."""
    mapping = data.model_dump(mode="json", exclude_none=True) if isinstance(data, Answers) else dict(data)
    mapping.setdefault("version", FORMAT_VERSION)
    write_atomic(path, answers_to_yaml(mapping), what="le fichier de réponses")
