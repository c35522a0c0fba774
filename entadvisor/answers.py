"""The answers: the facts of one ENT project, as a questionnaire collects them.

The keys, types and values are a public contract (shared ANSWERS.md): the pydantic model
:class:`Answers`, its keys (:data:`FIELDS`, :data:`REQUIRED`, :func:`allowed_values`) and
:func:`validate_answers`, which reports every problem as :class:`EntreeInvalide`, in French, with
the key, the line where given and what is allowed. Reading and writing answer files (YAML, JSON)
is :mod:`entadvisor.answer_files`.
"""

from __future__ import annotations

import datetime as dt
import difflib
import functools
import re
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from entadvisor import french_input, pydantic_fr
from entadvisor.errors import EntreeInvalide, Probleme

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


def _french_problem(erreur: pydantic_fr.Erreur, data: dict[str, Any], lines: dict[str, int]) -> Probleme:
    """One pydantic error of the answers in French: the key, its line, what was found and what is allowed."""
    kind, own = erreur.type, erreur.propre
    if own.startswith("coherence:"):
        _, champ, texte = own.split(":", 2)
        return Probleme(f"valeurs incohérentes : {texte}.", champ, lines.get(champ))
    field = erreur.champ
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
    if "oui_non" in own:
        return Probleme(
            f"{found} n'est pas une réponse oui/non ; attendu : oui ou non (true/false).", field, line
        )
    if "entier" in own:
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
    if kind in pydantic_fr.BORNES:
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
        problems = pydantic_fr.french_problems(exc, lambda erreur: _french_problem(erreur, data, lines))
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


def _control_character(text: str) -> str | None:
    found = _CONTROLE.search(text)
    return found.group() if found else None


def describe_character(char: str) -> str:
    """A control character as a message names it: « U+0007 (BEL) »."""
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
                    f"le texte contient le caractère de contrôle {describe_character(char)}, "
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


def years_later(day: dt.date, years: int) -> dt.date:
    """The same day ``years`` later (or earlier); 29 February becomes the 28th in a common year."""
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
    lo, hi = years_later(as_of, -ECART_DATES_ANS), years_later(as_of, ECART_DATES_ANS)
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
