"""The answer model: the keys of one ENT project, their types, allowed values and consistency.

:class:`Answers` is the pydantic model of an answer file (shared ANSWERS.md); :data:`FIELDS`,
:data:`REQUIRED` and :func:`allowed_values` describe its keys. The model reads a yes/no given in
French words and refuses a boolean where a count is asked; its consistency checks between answers
(fewer classes than schools…) raise ``coherence:champ:texte``, which
:mod:`entadvisor.answers.messages` words in French.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from entadvisor import french_input

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

MOTS_NE_SAIT_PAS = frozenset({"ne_sait_pas", "ne sait pas", "je ne sais pas", "nsp"})
"""The words of « je ne sais pas » in an answer file (lower case)."""


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
            if mot in MOTS_NE_SAIT_PAS:
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
