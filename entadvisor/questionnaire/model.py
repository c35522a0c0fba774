"""The questionnaire's model, with no terminal code.

The questions are data (``questionnaires/ent-premier-degre.yaml``): sections in the order of the
guide, each question with its id (an answer key of :class:`~entadvisor.answers.Answers`), its French
text and help, its type, choices, bounds, default, whether « je ne sais pas » is accepted, and the
condition on earlier answers under which it is asked. A :class:`Question` reads a typed answer
(:meth:`Question.valider`) with the readers of its type in :mod:`entadvisor.questionnaire.lecture`,
and shows an answer again in French words (:meth:`Question.afficher`).

Reading and checking the questionnaire file is :mod:`entadvisor.questionnaire.loader`. The flow that
asks the questions (:class:`~entadvisor.questionnaire.parcours.Parcours`, run by
:func:`~entadvisor.questionnaire.parcours.executer`) is in :mod:`entadvisor.questionnaire.parcours`."""

from __future__ import annotations

import datetime as dt
import enum
from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from entadvisor.questionnaire.lecture import (
    Bornes,
    dit_ne_sait_pas,
    lire_annee,
    lire_choix,
    lire_date,
    lire_entier,
    lire_nombre,
    lire_oui_non,
    lire_texte,
    nombre_fr,
    verifier_bornes,
)

TypeQuestion = Literal["choix", "entier", "nombre", "oui_non", "date", "texte", "annee"]


class Marque(enum.Enum):
    """Answers that are not values: « je ne sais pas », and the request to go back."""

    INCONNU = "inconnu"
    RETOUR = "retour"


INCONNU = Marque.INCONNU
"""« Je ne sais pas » to an optional question: the key is left out of the answer file."""
RETOUR = Marque.RETOUR
"""Returned by an interface when the user asks for the previous question."""

# --- the model ----------------------------------------------------------------------------------


class _Modele(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choix(_Modele):
    """One choice: the stored value (an allowed value of the answer model) and its French label."""

    valeur: str
    libelle: str


class Condition(_Modele):
    """Ask a question only if an earlier answer is among ``parmi`` (or not among ``sauf``)."""

    question: str
    parmi: list[Any] | None = None
    sauf: list[Any] | None = None

    @model_validator(mode="after")
    def _une_seule_forme(self) -> Condition:
        if (self.parmi is None) == (self.sauf is None):
            raise ValueError("une condition donne soit « parmi », soit « sauf »")
        return self

    def evaluer(self, reponses: Mapping[str, Any]) -> bool | None:
        """True or False, or None while the earlier question has no answer."""
        if self.question not in reponses:
            return None
        valeur = reponses[self.question]
        return valeur in self.parmi if self.parmi is not None else valeur not in (self.sauf or [])


class BorneSelon(_Modele):
    """Bounds that follow an earlier answer: between ``facteur_mini`` and ``facteur_maxi`` times it."""

    question: str
    facteur_mini: float | None = None
    facteur_maxi: float | None = None
    explication: str | None = None


class NeSaitPas(_Modele):
    """« Je ne sais pas » is accepted: ``valeur`` is stored, or without it the key is left out."""

    effet: str
    valeur: str | None = None


class Question(_Modele):
    """One question; its id is an answer key. Parsing and display of its answers live here."""

    id: str
    libelle: str
    texte: str
    aide: str
    reference: str | None = None
    """The texts the help relies on, shown on a line of their own (articles, never a case number)."""
    type: TypeQuestion
    choix: list[Choix] = Field(default_factory=list)
    mini: float | None = None
    maxi: float | None = None
    mini_exclu: bool = False
    bornes_selon: list[BorneSelon] = Field(default_factory=list)
    max_longueur: int | None = None
    unite: str | None = None
    defaut: Any = None
    ne_sait_pas: NeSaitPas | None = None
    si: Condition | None = None

    @model_validator(mode="after")
    def _coherente(self) -> Question:
        if (self.type == "choix") != bool(self.choix):
            raise ValueError("une question « choix » a des choix, et elle seule")
        if self.type not in ("entier", "nombre", "annee") and (self.mini, self.maxi) != (None, None):
            raise ValueError("seules les questions numériques ont des bornes « mini » et « maxi »")
        if (
            self.ne_sait_pas
            and self.ne_sait_pas.valeur is not None
            and self.ne_sait_pas.valeur not in self.valeurs()
            and not (self.type == "oui_non" and self.ne_sait_pas.valeur == "ne_sait_pas")
        ):
            raise ValueError(
                "« ne_sait_pas.valeur » doit être l'une des valeurs des choix (ou « ne_sait_pas » pour un oui/non)"
            )
        if self.defaut is not None:
            try:
                self.accepter(self.defaut)
            except ValueError as exc:
                raise ValueError(f"défaut : {exc}") from None
        return self

    # -- facts about the question --

    @property
    def facultative(self) -> bool:
        """« Je ne sais pas » leaves the key out of the answer file."""
        return self.ne_sait_pas is not None and self.ne_sait_pas.valeur is None

    def _inconnue(self, valeur: Any) -> bool:
        """The stored value of « je ne sais pas » (e.g. ``ne_sait_pas`` for a yes/no question)."""
        return (
            self.ne_sait_pas is not None
            and self.ne_sait_pas.valeur is not None
            and valeur == self.ne_sait_pas.valeur
        )

    def valeurs(self) -> list[str]:
        return [choix.valeur for choix in self.choix]

    def visible(self, reponses: Mapping[str, Any]) -> bool | None:
        """Whether the question is asked: True, False, or None while its condition is undecided."""
        return True if self.si is None else self.si.evaluer(reponses)

    def bornes(self, reponses: Mapping[str, Any] | None = None) -> Bornes:
        """The bounds in force given the earlier answers (``bornes_selon`` narrows the fixed ones)."""
        bornes = Bornes(self.mini, self.maxi, self.mini_exclu and self.mini is not None)
        for borne in self.bornes_selon:
            reference = (reponses or {}).get(borne.question)
            if not isinstance(reference, int | float) or isinstance(reference, bool):
                continue
            if borne.facteur_mini is not None and (
                bornes.mini is None or borne.facteur_mini * reference >= bornes.mini
            ):
                bornes.mini, bornes.mini_exclu = borne.facteur_mini * reference, False
            if borne.facteur_maxi is not None and (
                bornes.maxi is None or borne.facteur_maxi * reference < bornes.maxi
            ):
                bornes.maxi = borne.facteur_maxi * reference
            if borne.explication:
                bornes.pourquoi.append(borne.explication)
        return bornes

    # -- parsing --

    def saisie(self, texte: str, courant: Any = None, reponses: Mapping[str, Any] | None = None) -> Any:
        """Interpret what was typed; an empty line keeps the current answer (checked again against
        bounds that earlier answers may have moved), else takes the default.

        Returns a value, or :data:`INCONNU`. Raises ValueError with a French message.
        """
        if texte.strip():
            return self.valider(texte, reponses)
        if courant is INCONNU:
            return courant
        if courant is not None:
            return self.valider(self.en_saisie(courant), reponses)
        if self.defaut is not None:
            return self.accepter(self.defaut)
        if self.facultative:
            return INCONNU
        raise ValueError(f"Rien n'a été tapé. {self.quoi_taper()}")

    def quoi_taper(self) -> str:
        """What to type for this question, in French (the sentence that follows a refusal)."""
        quoi = {
            "oui_non": "o (oui) ou n (non)",
            "choix": f"le numéro d'un choix, de 1 à {len(self.choix)}",
            "entier": f"un nombre entier, par exemple {nombre_fr(max(self.mini or 0, 1) * 12, 0)}",
            "nombre": "un nombre, par exemple 4,50 ou 4.50",
            "date": "une date, par exemple 15/03/2027",
            "annee": "une année, par exemple 2027",
            "texte": "un texte",
        }[self.type]
        nsp = ", ou « je ne sais pas » (nsp)" if self.ne_sait_pas is not None else ""
        return f"Tapez {quoi}{nsp} ; ? explique pourquoi la question est posée."

    def valider(self, texte: str, reponses: Mapping[str, Any] | None = None) -> Any:
        """Parse one typed answer (French forms accepted) into the value stored in the answer file.

        ``reponses`` are the earlier answers, for bounds that depend on them. Returns the value, or
        :data:`INCONNU` for « je ne sais pas » when the key may be left out. Raises ValueError with a
        French message saying what is expected.
        """
        brut = texte.strip()
        if dit_ne_sait_pas(brut):
            if self.ne_sait_pas is None:
                raise ValueError(
                    "« Je ne sais pas » n'est pas possible ici : le conseil dépend de cette réponse. "
                    + self.quoi_taper()
                )
            return INCONNU if self.ne_sait_pas.valeur is None else self.ne_sait_pas.valeur
        if not brut:
            raise ValueError(f"Rien n'a été tapé. {self.quoi_taper()}")
        return self._lire(brut, reponses)

    def _lire(self, brut: str, reponses: Mapping[str, Any] | None) -> Any:
        """The value of a non-empty typed answer, read by the question's type (:mod:`~.lecture`)."""
        if self.type == "choix":
            return lire_choix(brut, [(choix.valeur, choix.libelle) for choix in self.choix])
        if self.type == "oui_non":
            return lire_oui_non(brut)
        if self.type == "date":
            return lire_date(brut)
        if self.type == "texte":
            return lire_texte(brut, self.max_longueur)
        if self.type == "annee":
            nombre: float = lire_annee(brut)
        elif self.type == "entier":
            nombre = lire_entier(brut, self.unite)
        else:
            nombre = lire_nombre(brut, self.unite)
        verifier_bornes(nombre, self.bornes(reponses), self.type)
        return int(nombre) if self.type == "nombre" and nombre.is_integer() else nombre

    def accepter(self, valeur: Any) -> Any:
        """Check and normalise a value read from an answer file (or a default), as if it were typed."""
        if valeur is None:
            raise ValueError("Valeur vide.")
        if isinstance(valeur, bool):
            if self.type != "oui_non":
                raise ValueError(f"« {valeur} » ne convient pas ici.")
            return valeur
        if isinstance(valeur, float) and valeur.is_integer() and self.type in ("entier", "annee"):
            valeur = int(valeur)
        if isinstance(valeur, dt.datetime):
            raise ValueError(f"« {valeur} » n'est pas une date sans heure ; écrivez par exemple 2027-01-15.")
        texte = valeur.isoformat() if isinstance(valeur, dt.date) else str(valeur)
        if self.type == "choix" and texte not in self.valeurs():
            raise ValueError(
                f"« {texte} » n'est pas une valeur permise ; valeurs permises : {', '.join(self.valeurs())}."
            )
        resultat = self.valider(texte)
        if resultat is INCONNU:
            raise ValueError(f"« {texte} » n'est pas une valeur.")
        return resultat

    # -- display --

    def afficher(self, valeur: Any) -> str:
        """An answer in French words, as the review screen shows it."""
        if valeur is INCONNU or (self.type == "oui_non" and self._inconnue(valeur)):
            return "je ne sais pas"
        if self.type == "choix":
            return next((c.libelle for c in self.choix if c.valeur == valeur), str(valeur))
        if self.type == "oui_non":
            return "oui" if valeur else "non"
        texte = self.en_saisie(valeur)
        return f"{texte} {self.unite}" if self.type == "nombre" and self.unite else texte

    def en_saisie(self, valeur: Any) -> str:
        """An answer as it could be typed again: what a prompt shows between brackets."""
        if valeur is INCONNU or (self.type == "oui_non" and self._inconnue(valeur)):
            return "je ne sais pas"
        if self.type == "choix":
            valeurs = self.valeurs()
            return str(valeurs.index(valeur) + 1) if valeur in valeurs else str(valeur)
        if self.type == "oui_non":
            return "o" if valeur else "n"
        if self.type == "date" and isinstance(valeur, dt.date):
            return valeur.strftime("%d/%m/%Y")
        if self.type == "entier":
            return nombre_fr(valeur)
        if self.type == "nombre":
            return nombre_fr(valeur, 0 if float(valeur).is_integer() else 2)
        return str(valeur)


class Section(_Modele):
    """A step of the guide, with its questions in order."""

    id: str
    titre: str
    introduction: str = ""
    questions: list[Question] = Field(min_length=1)


class Questionnaire(_Modele):
    """The whole questionnaire, as read from its YAML file."""

    version: Literal[1]
    titre: str
    introduction: str = ""
    sections: list[Section] = Field(min_length=1)

    def questions(self) -> list[Question]:
        return [question for section in self.sections for question in section.questions]

    def question(self, identifiant: str) -> Question | None:
        return next((q for q in self.questions() if q.id == identifiant), None)

    def section_de(self, identifiant: str) -> tuple[int, Section]:
        """The section (its 1-based number and itself) that holds a question."""
        for numero, section in enumerate(self.sections, start=1):
            if any(q.id == identifiant for q in section.questions):
                return numero, section
        raise KeyError(identifiant)
