"""The advice: what the engine concludes, with its explanation. Its JSON is a public contract.

Every front end (terminal text, JSON, HTML report, batch table) reads this model and nothing else.
Keys and values follow shared ANSWERS.md; fields may be added, never renamed.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict

Voie = Literal["centrale_achat", "groupement_commandes", "procedure_propre"]
Procedure = Literal[
    "sans_publicite",
    "mapa",
    "appel_offres_ouvert",
    "appel_offres_restreint",
    "procedure_avec_negociation",
    "dialogue_competitif",
]
FormatExperimentation = Literal["classes", "ecoles_pilotes", "classes_puis_ecoles_pilotes"]
Statut = Literal["ok", "en_cours", "a_faire", "attention"]
CodeVigilance = Literal[
    "accompagnement_absent",
    "allotissement",
    "autorite_academique_absente",
    "calendrier_serre",
    "chevauchement_contrat",
    "comite_pilotage_absent",
    "consultation_lancee",
    "continuite_service",
    "convention_absente",
    "convention_mandat",
    "couts_ponctuels_nuls",
    "duree_depassee",
    "eleves_estimes",
    "lancement_differe",
    "notification_avant_budget",
    "offre_mutualisee_a_verifier",
    "porteur_non_competent",
    "prix_atypique",
    "prix_par_defaut",
    "rentree_inatteignable",
    "reponse_inconnue",
    "seuil_inconnu",
    "seuil_proche",
    "seuils_changent_au_lancement",
    "specifications_a_preciser",
    "valeur_incomplete",
]
"""The warning codes, declared once: the advice accepts these only, and a rule noting another fails at load."""
CODES_VIGILANCE: tuple[str, ...] = get_args(CodeVigilance)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Raison(_Model):
    """One reason for a conclusion: the sentence, the rule that gave it and the texts it applies."""

    regle: str
    texte: str
    references: list[str] = []


class Alternative(_Model):
    procedure: str
    raison: str


class VoieEcartee(_Model):
    voie: str
    raison: str


class Achat(_Model):
    acheteur: str
    """Who buys, in words (e.g. « la commune », « l'EPCI compétent », « le coordonnateur du groupement »)."""
    voie: Voie
    procedure: Procedure | None
    publicite: str | None
    coordonnateur: str | None = None
    alternatives: list[Alternative] = []
    voies_ecartees: list[VoieEcartee] = []
    raisons: list[Raison] = []
    references: list[str] = []


class Seuil(_Model):
    nom: str
    libelle: str
    valeur: float
    connu: bool
    en_vigueur_depuis: dt.date | None
    reference: str


class DetailValeur(_Model):
    eleves: int
    eleves_estimes: bool
    prix_eleve_an_ht: float
    prix_par_defaut: bool
    annees: float
    """Years of service counted: the whole contract, renewals included (R2121-1)."""
    couts_ponctuels_ht: float
    perimetre: str
    """What the count covers (one buyer, all members of a groupement, ...)."""
    formule: str


class ValeurEstimee(_Model):
    montant_ht: float
    detail: DetailValeur
    tranche: Literal["sous_dispense", "mapa", "mapa_publicite", "formalisee"]
    seuils: list[Seuil] = []
    raisons: list[Raison] = []


class Taille(_Model):
    """The size of the perimeter, as a rule classed it (VAL-TAILLE), and the sentence that says so."""

    categorie: Literal["petit", "moyen", "grand"]
    texte: str


class Experimentation(_Model):
    recommandee: bool
    format: FormatExperimentation | None
    duree_mois: int | None = None
    ecoles_pilotes: int | None = None
    classes_volontaires: int | None = None
    deroulement: list[str] = []
    vehicule: str | None = None
    raisons: list[Raison] = []


class Phase(_Model):
    phase: Literal["deploiement", "observation", "renouvellement"]
    libelle: str
    debut: dt.date
    fin: dt.date
    mois: int
    """Whole months in the phase; 0 when the contract leaves no room for it (see ``duree_depassee``)."""


class Contrat(_Model):
    forme: str
    libelle_forme: str
    duree_mois: int
    duree_max_mois: int
    reconductions: int
    structure: str
    """In words, e.g. « 1 an ferme + 3 reconductions annuelles »."""
    debut: dt.date
    fin: dt.date
    phases: list[Phase]
    duree_depassee: bool
    duree_necessaire_mois: int
    raisons: list[Raison] = []


class Etape(_Model):
    etape: str
    libelle: str
    debut: dt.date
    fin: dt.date
    jalon: bool = False


class Calendrier(_Model):
    rentree_visee: int
    rentree_retenue: int
    atteignable: bool
    lancement: dt.date
    notification: dt.date
    ouverture: dt.date
    lancement_renouvellement: dt.date
    vote_budget_avant: dt.date


class Preparation(_Model):
    """One key success factor of the guide (or another readiness point), assessed from the answers."""

    code: str
    facteur: str
    statut: Statut
    constat: str
    action: str
    regle: str


class Vigilance(_Model):
    code: CodeVigilance
    message: str
    regle: str | None = None


class ActeDecision(_Model):
    """The act that decides the purchase, in the form the buyer adopts: a deliberation of the assembly, or a
    decision of the executive when the purchase falls within its delegation (CGCT art. L2122-22 4°)."""

    forme: Literal["deliberation", "decision"]
    titre: str
    auteur: str
    """Who decides, opening the act (« Le conseil municipal, »)."""
    formule: str
    """The operative formula before the articles (« Le conseil municipal, après en avoir délibéré, DÉCIDE : »)."""
    visas: list[str]
    considerants: list[str]
    articles: list[str]
    """Numbered in this order (Article 1, 2, …)."""
    montant_ht: float
    montant_ttc: float
    taux_tva: float
    montant_maximum: bool
    """True for an accord-cadre, whose amount is a maximum (CCP art. R2162-4)."""
    pourquoi: str
    """Why this form (deliberation or decision), in one or two sentences."""
    regle: str | None = None


class ProchaineAction(_Model):
    """One of the next actions, with who does it and by when (None: now)."""

    ordre: int
    action: str
    qui: str
    echeance: dt.date | None
    regle: str | None = None


class Trace(_Model):
    regle: str
    titre: str
    faits: dict[str, Any]
    references: list[str]


class Parametre(_Model):
    nom: str
    libelle: str
    valeur: Any
    en_vigueur_depuis: dt.date | None
    reference: str
    lien: str | None = None
    article: str | None = None
    nature: str
    unite: str
    connu: bool = True


class BaseDeConnaissances(_Model):
    version: str
    regles: int
    source: str


class Advice(_Model):
    """Everything the engine concludes for one answer file."""

    version_format: Literal[1] = 1
    nom_projet: str | None
    date_analyse: dt.date
    """The date of the analysis (today unless given); the calendar's feasibility is judged from it."""
    date_parametres: dt.date
    """The date at which the parameters (thresholds) are read: the planned launch if answered, else the analysis date."""
    achat: Achat
    valeur_estimee: ValeurEstimee
    taille: Taille | None = None
    experimentation: Experimentation
    contrat: Contrat
    calendrier_synthese: Calendrier
    calendrier: list[Etape]
    preparation: list[Preparation]
    vigilance: list[Vigilance]
    trace: list[Trace]
    parametres: list[Parametre]
    base_de_connaissances: BaseDeConnaissances
    reponses: dict[str, Any]
    """The answers as given (validated), for the report's annex and for re-evaluation."""
    deliberation: ActeDecision | None = None
    """The act to adopt (deliberation or decision), as concluded by the knowledge base."""
    prochaines_actions: list[ProchaineAction] = []
    """The next three actions, with who does each."""
    sensibilite: list[dict[str, Any]] | None = None
    """What would change the advice (filled by the what-if analysis when asked)."""

    def to_json(self, *, indent: int | None = 2) -> str:
        """The advice as JSON: identical for identical inputs, byte for byte."""
        return self.model_dump_json(indent=indent)

    def to_json_bytes(self, *, indent: int | None = 2) -> bytes:
        """:meth:`to_json` as UTF-8 bytes, the same bytes, for a file: pydantic's serializer gives bytes,
        which ``model_dump_json`` decodes into a str that a writer encodes again (about 0.1 ms per advice)."""
        return self.__pydantic_serializer__.to_json(self, indent=indent)
