"""The questionnaire: its model, its loader and its flow, with no terminal code.

The questions are data (``questionnaires/ent-premier-degre.yaml``): sections in the order of the
guide, each question with its id (an answer key of :class:`~entadvisor.answers.Answers`), its French
text and help, its type, choices, bounds, default, whether « je ne sais pas » is accepted, and the
condition on earlier answers under which it is asked.

:class:`Parcours` is the flow as a state machine that any front end drives (the line-mode terminal,
a scripted fake in tests, an arrow-key interface): current question, next and previous question,
conditions, review and edit, resume at the first unanswered question, and removal of an answer
whose condition no longer holds. :func:`executer` runs it against an :class:`Interface`.
:func:`texte_fichier` and :func:`lire_reponses_partielles` write and read partial answer files.
"""

from __future__ import annotations

import datetime as dt
import difflib
import enum
import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from .answers import (
    FIELDS,
    FORMAT_VERSION,
    REQUIRED,
    Answers,
    answers_to_yaml,
    read_answers_text,
    validate_answers,
)
from .errors import EntreeInvalide, Probleme

NOM_FICHIER = "ent-premier-degre.yaml"

TypeQuestion = Literal["choix", "entier", "nombre", "oui_non", "date", "texte", "annee"]


class Marque(enum.Enum):
    """Answers that are not values: « je ne sais pas », and the request to go back."""

    INCONNU = "inconnu"
    RETOUR = "retour"


INCONNU = Marque.INCONNU
"""« Je ne sais pas » to an optional question: the key is left out of the answer file."""
RETOUR = Marque.RETOUR
"""Returned by an interface when the user asks for the previous question."""

_MOTS_NSP = {"nsp", "je ne sais pas", "je sais pas", "ne sais pas", "ne sait pas", "inconnu", "inconnue"}
_OUI = {"o", "oui", "vrai"}
_NON = {"n", "non", "faux"}
_MOIS = {
    "janvier": 1, "fevrier": 2, "mars": 3, "avril": 4, "mai": 5, "juin": 6, "juillet": 7,
    "aout": 8, "septembre": 9, "octobre": 10, "novembre": 11, "decembre": 12,
}  # fmt: skip


def _simplifier(texte: str) -> str:
    """Lower case, no accents, single spaces, straight apostrophes: for lenient matching."""
    sans_accents = unicodedata.normalize("NFKD", texte).encode("ascii", "ignore").decode("ascii")
    return " ".join(sans_accents.replace("’", "'").lower().split())


def _sans_espaces(texte: str) -> str:
    return re.sub(r"[\s\u00a0\u202f]", "", texte)


def _nombre_fr(valeur: float, decimales: int = 0) -> str:
    """``12000`` → ``12 000``; ``3.5`` → ``3,50`` (plain spaces: the terminal may lack others)."""
    return f"{valeur:,.{decimales}f}".replace(",", " ").replace(".", ",")


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


@dataclass
class Bornes:
    """Bounds of a numeric answer in force for one case, with why (for the French message)."""

    mini: float | None
    maxi: float | None
    mini_exclu: bool = False
    pourquoi: list[str] = field(default_factory=list)

    def contient(self, valeur: float) -> bool:
        if self.mini is not None and (valeur <= self.mini if self.mini_exclu else valeur < self.mini):
            return False
        return self.maxi is None or valeur <= self.maxi


class Question(_Modele):
    """One question; its id is an answer key. Parsing and display of its answers live here."""

    id: str
    libelle: str
    texte: str
    aide: str
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
        ):
            raise ValueError("« ne_sait_pas.valeur » doit être l'une des valeurs des choix")
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
        raise ValueError("Une réponse est attendue (tapez ? pour savoir pourquoi la question est posée).")

    def valider(self, texte: str, reponses: Mapping[str, Any] | None = None) -> Any:
        """Parse one typed answer (French forms accepted) into the value stored in the answer file.

        ``reponses`` are the earlier answers, for bounds that depend on them. Returns the value, or
        :data:`INCONNU` for « je ne sais pas » when the key may be left out. Raises ValueError with a
        French message saying what is expected.
        """
        brut = texte.strip()
        simple = _simplifier(brut)
        if simple in _MOTS_NSP:
            if self.ne_sait_pas is None:
                raise ValueError(
                    "Cette question demande une réponse : tapez ? pour savoir pourquoi elle est posée."
                )
            return INCONNU if self.ne_sait_pas.valeur is None else self.ne_sait_pas.valeur
        if not brut:
            raise ValueError("Une réponse est attendue.")
        analyse = getattr(self, f"_valider_{self.type}")
        return analyse(brut, reponses)

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

    def _hors_bornes(self, valeur: float, reponses: Mapping[str, Any] | None) -> None:
        bornes = self.bornes(reponses)
        if bornes.contient(valeur):
            return

        def montrer(borne: float) -> str:
            if self.type == "annee":
                return str(int(borne))
            return _nombre_fr(borne, 0 if float(borne).is_integer() else 2)

        mini, maxi = bornes.mini, bornes.maxi
        if mini is not None and bornes.mini_exclu:
            attendu = f"supérieur à {montrer(mini)}" + (
                f", au plus {montrer(maxi)}" if maxi is not None else ""
            )
        elif mini is not None and maxi is not None:
            attendu = f"entre {montrer(mini)} et {montrer(maxi)}"
        elif mini is not None:
            attendu = f"d'au moins {montrer(mini)}"
        else:
            attendu = f"d'au plus {montrer(maxi or 0)}"
        quoi = {"annee": "une année", "entier": "un nombre entier"}.get(self.type, "un nombre")
        suite = f" ({' ; '.join(bornes.pourquoi)})" if bornes.pourquoi else ""
        raise ValueError(f"« {montrer(valeur)} » ne convient pas : il faut {quoi} {attendu}{suite}.")

    def _nettoyer_nombre(self, brut: str) -> str:
        texte = _simplifier(brut)
        for mot in sorted(
            {_simplifier(self.unite or ""), "euros", "euro", "eur", "€", "ht"} - {""}, key=len, reverse=True
        ):
            texte = texte.replace(mot, " ")
        return _sans_espaces(texte.replace("€", " "))

    def _valider_entier(self, brut: str, reponses: Mapping[str, Any] | None) -> int:
        texte = self._nettoyer_nombre(brut)
        if not re.fullmatch(r"[+-]?\d+", texte):
            raise ValueError(f"« {brut} » n'est pas un nombre entier ; tapez par exemple 12.")
        valeur = int(texte)
        self._hors_bornes(valeur, reponses)
        return valeur

    def _valider_nombre(self, brut: str, reponses: Mapping[str, Any] | None) -> float:
        texte = self._nettoyer_nombre(brut)
        if not re.fullmatch(r"[+-]?\d+(?:[.,]\d+)?", texte):
            raise ValueError(f"« {brut} » n'est pas un nombre ; tapez par exemple 3,50 (virgule ou point).")
        valeur = float(texte.replace(",", "."))
        self._hors_bornes(valeur, reponses)
        return int(valeur) if valeur.is_integer() else valeur

    def _valider_annee(self, brut: str, reponses: Mapping[str, Any] | None) -> int:
        texte = _sans_espaces(_simplifier(brut)).removeprefix("rentree")
        correspondance = re.fullmatch(r"(\d{4})(?:[-/](\d{2}|\d{4}))?", texte)
        if not correspondance:
            raise ValueError(f"« {brut} » n'est pas une année ; tapez par exemple 2027.")
        valeur = int(correspondance.group(1))
        self._hors_bornes(valeur, reponses)
        return valeur

    def _valider_oui_non(self, brut: str, reponses: Mapping[str, Any] | None) -> bool:
        simple = _simplifier(brut)
        if simple in _OUI:
            return True
        if simple in _NON:
            return False
        raise ValueError(f"« {brut} » n'est pas compris : répondez par o (oui) ou n (non).")

    def _valider_choix(self, brut: str, reponses: Mapping[str, Any] | None) -> str:
        simple = _simplifier(brut).rstrip(".")
        for numero, choix in enumerate(self.choix, start=1):
            if simple in (str(numero), _simplifier(choix.valeur), _simplifier(choix.libelle)):
                return choix.valeur
        numeros = "1 ou 2" if len(self.choix) == 2 else f"de 1 à {len(self.choix)}"
        raise ValueError(f"« {brut} » n'est pas un des choix : tapez un numéro, {numeros}.")

    def _valider_date(self, brut: str, reponses: Mapping[str, Any] | None) -> dt.date:
        simple = _simplifier(brut)
        exemple = "tapez par exemple 15/01/2027 (ou 2027-01-15)."
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})", simple):
            annee, mois, jour = (int(g) for g in m.groups())
        elif m := re.fullmatch(r"(\d{1,2})\s*[/.-]\s*(\d{1,2})\s*[/.-]\s*(\d{4})", simple):
            jour, mois, annee = (int(g) for g in m.groups())
        elif (m := re.fullmatch(r"(\d{1,2})(?:er)? ([a-z]+) (\d{4})", simple)) and m.group(2) in _MOIS:
            jour, mois, annee = int(m.group(1)), _MOIS[m.group(2)], int(m.group(3))
        else:
            raise ValueError(f"« {brut} » n'est pas une date ; {exemple}")
        try:
            return dt.date(annee, mois, jour)
        except ValueError:
            raise ValueError(f"« {brut} » n'est pas une date qui existe ; {exemple}") from None

    def _valider_texte(self, brut: str, reponses: Mapping[str, Any] | None) -> str:
        texte = " ".join(brut.split())
        if self.max_longueur is not None and len(texte) > self.max_longueur:
            raise ValueError(f"Le texte fait {len(texte)} caractères ; {self.max_longueur} au plus.")
        return texte

    # -- display --

    def afficher(self, valeur: Any) -> str:
        """An answer in French words, as the review screen shows it."""
        if valeur is INCONNU:
            return "je ne sais pas"
        if self.type == "choix":
            return next((c.libelle for c in self.choix if c.valeur == valeur), str(valeur))
        if self.type == "oui_non":
            return "oui" if valeur else "non"
        texte = self.en_saisie(valeur)
        return f"{texte} {self.unite}" if self.type == "nombre" and self.unite else texte

    def en_saisie(self, valeur: Any) -> str:
        """An answer as it could be typed again: what a prompt shows between brackets."""
        if valeur is INCONNU:
            return "je ne sais pas"
        if self.type == "choix":
            valeurs = self.valeurs()
            return str(valeurs.index(valeur) + 1) if valeur in valeurs else str(valeur)
        if self.type == "oui_non":
            return "o" if valeur else "n"
        if self.type == "date" and isinstance(valeur, dt.date):
            return valeur.strftime("%d/%m/%Y")
        if self.type == "entier":
            return _nombre_fr(valeur)
        if self.type == "nombre":
            return _nombre_fr(valeur, 0 if float(valeur).is_integer() else 2)
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


# --- the loader ---------------------------------------------------------------------------------


def questionnaire_path_par_defaut() -> Path:
    """The bundled questionnaire: ``entadvisor.knowledge.questionnaire_path()`` when it exists,
    else inside the installed wheel (``entadvisor/_kb/questionnaires/``), else beside the source tree."""
    try:
        from .knowledge import questionnaire_path
    except ImportError:
        pass
    else:
        chemin = questionnaire_path()
        if chemin.is_file():
            return chemin
    paquet = Path(__file__).resolve().parent
    installe = paquet / "_kb" / "questionnaires" / NOM_FICHIER
    return installe if installe.is_file() else paquet.parent / "questionnaires" / NOM_FICHIER


_ERREURS_PYDANTIC = {
    "missing": "clé obligatoire absente",
    "extra_forbidden": "clé inconnue",
    "too_short": "liste vide",
}


def _lieu(data: Any, loc: Sequence[Any]) -> str:
    """Where a pydantic error is, in words: section « perimetre », question « nombre_ecoles », « mini »."""
    morceaux, noeud, parent = [], data, ""
    for partie in loc:
        noeud = noeud[partie] if isinstance(noeud, dict | list) and _contient(noeud, partie) else None
        if isinstance(partie, int) and isinstance(noeud, dict) and "id" in noeud:
            genre = {"sections": "section", "questions": "question", "choix": "choix"}.get(parent, "élément")
            morceaux.append(f"{genre} « {noeud['id']} »")
        elif isinstance(partie, int):
            morceaux.append(f"n° {partie + 1}")
        elif partie not in ("sections", "questions"):
            morceaux.append(f"« {partie} »")
        parent = str(partie)
    return ", ".join(morceaux) or "racine"


def _contient(noeud: dict[Any, Any] | list[Any], partie: Any) -> bool:
    return (
        partie in noeud if isinstance(noeud, dict) else isinstance(partie, int) and 0 <= partie < len(noeud)
    )


def _message(erreur: Any) -> str:
    if erreur["type"] == "literal_error":
        permises = str(erreur.get("ctx", {}).get("expected", "")).replace(" or ", " ou ")
        return f"« {erreur.get('input')} » n'est pas permis ; valeurs permises : {permises}"
    message = _ERREURS_PYDANTIC.get(erreur["type"]) or str(erreur["msg"]).removeprefix("Value error, ")
    return message.rstrip(".")


def load_questionnaire(path: str | Path | None = None) -> Questionnaire:
    """Read and check a questionnaire file (default: the bundled one).

    Raises :class:`EntreeInvalide` (French) for an unreadable or malformed file, a question id that
    is not an answer key, a required key not asked unconditionally, a condition or a bound that
    refers to a later question, or « je ne sais pas » leaving out a key that cannot be left out.
    """
    chemin = Path(path) if path is not None else questionnaire_path_par_defaut()
    source = str(chemin)
    try:
        texte = chemin.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise EntreeInvalide(source, "questionnaire introuvable.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise EntreeInvalide(source, f"questionnaire illisible ({exc}).") from None
    try:
        data = yaml.safe_load(texte)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        ligne = mark.line + 1 if mark is not None else None
        raise EntreeInvalide(
            source, Probleme(f"YAML mal formé : {getattr(exc, 'problem', exc)}.", None, ligne)
        ) from None
    try:
        questionnaire = Questionnaire.model_validate(data)
    except ValidationError as exc:
        problemes = [Probleme(f"{_lieu(data, err['loc'])} : {_message(err)}.") for err in exc.errors()]
        raise EntreeInvalide(source, problemes) from None
    problemes = _verifier(questionnaire)
    if problemes:
        raise EntreeInvalide(source, problemes)
    return questionnaire


def _verifier(questionnaire: Questionnaire) -> list[Probleme]:
    """The checks that span questions, and those against the answer model."""
    problemes: list[Probleme] = []
    vues: list[str] = []
    for question in questionnaire.questions():
        qid = question.id
        if qid in vues:
            problemes.append(Probleme("question posée deux fois.", qid))
        if qid not in FIELDS or qid == "version":
            proches = difflib.get_close_matches(qid, FIELDS, n=1)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            problemes.append(Probleme(f"l'identifiant n'est pas une clé du fichier de réponses{indice}", qid))
        references = [question.si.question] if question.si else []
        references += [borne.question for borne in question.bornes_selon]
        for reference in references:
            if reference not in vues:
                problemes.append(
                    Probleme(f"se réfère à « {reference} », qui n'est pas une question posée avant.", qid)
                )
        if qid in REQUIRED and question.si is not None:
            problemes.append(Probleme("une réponse obligatoire ne peut pas dépendre d'une condition.", qid))
        if question.facultative and qid in Answers.model_fields:
            champ = Answers.model_fields[qid]
            if champ.is_required() or champ.default is not None:
                message = "« je ne sais pas » omettrait une clé qui ne peut pas l'être ; donnez « valeur »."
                problemes.append(Probleme(message, qid))
        vues.append(qid)
    for manquante in sorted(set(REQUIRED) - set(vues)):
        problemes.append(Probleme("réponse obligatoire du fichier de réponses jamais demandée.", manquante))
    return problemes


# --- the flow -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Position:
    """Where the current question stands: « Section 3/7 · question 9/24 »."""

    section: int
    sections: int
    titre_section: str
    introduction_section: str
    numero: int
    total: int


@dataclass(frozen=True)
class LigneRevue:
    """One line of the review screen."""

    numero: int
    question: Question
    section: Section
    valeur: Any

    @property
    def affichage(self) -> str:
        return self.question.afficher(self.valeur)


class Parcours:
    """The questionnaire flow as a state machine, independent of any user interface.

    ``reponses`` maps answered keys to values; ``inconnues`` holds the optional keys answered
    « je ne sais pas » (left out of the answer file). Going forward asks the next question in order;
    on a resume, answered questions are skipped and the flow starts at the first unanswered one. After
    going back, the following questions are asked again in order, with their current answer as
    default. When every asked question has an answer, the flow is at the review (``question`` is
    None), where any answer can be changed: after a change, newly needed questions are asked, then
    the review comes back. An answer whose condition stops holding is removed at once.
    """

    def __init__(
        self,
        questionnaire: Questionnaire,
        reponses: Mapping[str, Any] | None = None,
        inconnues: Sequence[str] | set[str] = (),
    ) -> None:
        self.questionnaire = questionnaire
        self._questions = questionnaire.questions()
        self._index = {q.id: i for i, q in enumerate(self._questions)}
        self.reponses: dict[str, Any] = dict(reponses or {})
        self.inconnues: set[str] = {k for k in inconnues if k not in self.reponses}
        self._courante: int | None = None
        self._plus_loin = -1
        self._depuis_revue = False
        self._purger()
        self._aller(self._premiere_sans_reponse(0))

    # -- state --

    @property
    def question(self) -> Question | None:
        """The question to ask now, or None at the review."""
        return None if self._courante is None else self._questions[self._courante]

    @property
    def en_revue(self) -> bool:
        return self._courante is None

    def valeur_courante(self, question: Question | None = None) -> Any:
        """The current answer to a question (default: the current one): a value, INCONNU or None."""
        question = question or self.question
        if question is None:
            return None
        if question.id in self.reponses:
            return self.reponses[question.id]
        return INCONNU if question.id in self.inconnues else None

    def nombre_reponses(self) -> int:
        return len(self.reponses) + len(self.inconnues)

    def position(self) -> Position:
        """Progress of the current question (the total counts questions not yet known to be skipped)."""
        if self._courante is None:
            raise ValueError("pas de question courante : le parcours est à la revue")
        comptees = [i for i, q in enumerate(self._questions) if q.visible(self.reponses) is not False]
        numero_section, section = self.questionnaire.section_de(self._questions[self._courante].id)
        return Position(
            section=numero_section,
            sections=len(self.questionnaire.sections),
            titre_section=section.titre,
            introduction_section=section.introduction,
            numero=sum(1 for i in comptees if i < self._courante) + 1,
            total=len(comptees),
        )

    def revue(self) -> list[LigneRevue]:
        """The answers of every question asked, numbered for the review screen."""
        lignes: list[LigneRevue] = []
        for question in self._questions:
            if question.visible(self.reponses) is True:
                _, section = self.questionnaire.section_de(question.id)
                lignes.append(LigneRevue(len(lignes) + 1, question, section, self.valeur_courante(question)))
        return lignes

    def reponses_finales(self) -> dict[str, Any]:
        """The answer mapping to validate: version and the answers of the questions asked."""
        finales: dict[str, Any] = {"version": FORMAT_VERSION}
        for question in self._questions:
            if question.id in self.reponses and question.visible(self.reponses) is not False:
                finales[question.id] = self.reponses[question.id]
        return finales

    def problemes(self, source: str | None = None) -> list[Probleme]:
        """What stops the answers from being valid (consistency between answers, missing answers)."""
        try:
            validate_answers(self.reponses_finales(), source)
        except EntreeInvalide as exc:
            return exc.problemes
        return []

    # -- moves --

    def repondre(self, valeur: Any) -> None:
        """Record the answer to the current question and move on."""
        question = self.question
        if question is None:
            raise ValueError("pas de question courante : le parcours est à la revue")
        if valeur is INCONNU:
            if not question.facultative:
                raise ValueError(f"« je ne sais pas » n'est pas accepté pour {question.id}")
            self.reponses.pop(question.id, None)
            self.inconnues.add(question.id)
        elif isinstance(valeur, Marque):
            raise ValueError(f"{valeur} n'est pas une réponse")
        else:
            self.reponses[question.id] = valeur
            self.inconnues.discard(question.id)
        self._purger()
        courante = self._index[question.id]
        if self._depuis_revue:
            suivante = self._premiere_sans_reponse(0)
        else:
            suivante = self._suivante_visible(courante + 1)
            if suivante is not None and suivante > self._plus_loin:
                suivante = self._premiere_sans_reponse(suivante)
            if suivante is None:
                suivante = self._premiere_sans_reponse(0)
        if suivante is None:
            self._depuis_revue = False
        self._aller(suivante)

    def retour(self) -> bool:
        """Go to the previous question (from the review: the last one). False at the first question.

        While changing an answer from the review, going back returns to the review.
        """
        if self._depuis_revue and self._premiere_sans_reponse(0) is None:
            self._depuis_revue = False
            self._aller(None)
            return True
        debut = len(self._questions) if self._courante is None else self._courante
        precedente = next(
            (i for i in range(debut - 1, -1, -1) if self._questions[i].visible(self.reponses) is True), None
        )
        if precedente is None:
            return False
        self._aller(precedente)
        return True

    def modifier(self, cible: int | str) -> None:
        """From the review, ask again the question of review line ``cible`` (or of that id)."""
        lignes = self.revue()
        if isinstance(cible, int):
            trouvee = lignes[cible - 1].question if 1 <= cible <= len(lignes) else None
        else:
            trouvee = next((ligne.question for ligne in lignes if ligne.question.id == cible), None)
        if trouvee is None:
            raise ValueError(f"« {cible} » n'est pas une ligne de la revue")
        question = trouvee
        self._depuis_revue = True
        self._aller(self._index[question.id])

    # -- helpers --

    def _aller(self, index: int | None) -> None:
        self._courante = index
        self._plus_loin = max(self._plus_loin, len(self._questions) if index is None else index)

    def _repondue(self, question: Question) -> bool:
        return question.id in self.reponses or question.id in self.inconnues

    def _suivante_visible(self, debut: int) -> int | None:
        return next(
            (
                i
                for i in range(debut, len(self._questions))
                if self._questions[i].visible(self.reponses) is True
            ),
            None,
        )

    def _premiere_sans_reponse(self, debut: int) -> int | None:
        return next(
            (
                i
                for i in range(debut, len(self._questions))
                if self._questions[i].visible(self.reponses) is True
                and not self._repondue(self._questions[i])
            ),
            None,
        )

    def _purger(self) -> None:
        """Remove the answers of questions whose condition no longer holds (in order: conditions
        refer to earlier questions, so one pass settles chains)."""
        for question in self._questions:
            if question.visible(self.reponses) is False:
                self.reponses.pop(question.id, None)
                self.inconnues.discard(question.id)


class Interface(Protocol):
    """What a front end provides to :func:`executer`."""

    def demander(
        self, question: Question, position: Position, courant: Any, reponses: Mapping[str, Any]
    ) -> Any:
        """Ask one question; return a value, :data:`INCONNU` or :data:`RETOUR`."""

    def revoir(self, lignes: list[LigneRevue], problemes: list[Probleme]) -> int | Marque | None:
        """Show the review; return a line number to change, :data:`RETOUR`, or None to finish."""

    def signaler(self, message: str) -> None:
        """Tell the user something (French)."""


def executer(
    parcours: Parcours,
    interface: Interface,
    enregistrer: Callable[[Parcours], None] | None = None,
    source: str | None = None,
) -> Answers:
    """Drive the flow until the user validates consistent answers; return them validated.

    ``enregistrer`` is called after every answer (the caller writes the answer file there), so an
    interruption (KeyboardInterrupt, or the interface's own exception) loses nothing: it propagates
    to the caller with every answer given so far already saved.
    """
    while True:
        question = parcours.question
        if question is not None:
            reponse = interface.demander(
                question, parcours.position(), parcours.valeur_courante(), dict(parcours.reponses)
            )
            if reponse is RETOUR:
                if not parcours.retour():
                    interface.signaler("C'est la première question : il n'y a pas de question précédente.")
                continue
            parcours.repondre(reponse)
            if enregistrer is not None:
                enregistrer(parcours)
            continue
        problemes = parcours.problemes(source)
        choix = interface.revoir(parcours.revue(), problemes)
        if choix is RETOUR:
            parcours.retour()
        elif choix is None:
            if not problemes:
                return validate_answers(parcours.reponses_finales(), source)
            interface.signaler(
                "Corrigez d'abord les réponses signalées : tapez le numéro de la réponse à modifier."
            )
        elif isinstance(choix, int):
            parcours.modifier(choix)


# --- partial answer files -----------------------------------------------------------------------

_MARQUE_NSP = "# je_ne_sais_pas:"


def texte_fichier(parcours: Parcours, commande_reprise: str | None = None, *, json_: bool = False) -> str:
    """The text of the answer file for the answers so far (complete or not), YAML by default.

    YAML files carry comments: how far the questionnaire went, the command to resume it, and the
    keys answered « je ne sais pas » (so that a resume does not ask them again).
    """
    donnees: dict[str, Any] = {"version": FORMAT_VERSION, **parcours.reponses}
    if json_:
        ordonnees = {k: donnees[k] for k in FIELDS if k in donnees}
        return json.dumps(ordonnees, ensure_ascii=False, indent=2, default=str) + "\n"
    lignes = [f"# Réponses au questionnaire « {parcours.questionnaire.titre} » (entadvisor questionnaire)."]
    if parcours.en_revue and not parcours.problemes():
        lignes.append("# Questionnaire complet.")
    elif commande_reprise:
        lignes.append(f"# Questionnaire en cours ; pour le reprendre : {commande_reprise}")
    texte = "\n".join(lignes) + "\n" + answers_to_yaml(donnees)
    ordre = [q.id for q in parcours.questionnaire.questions()]
    inconnues = sorted(parcours.inconnues, key=ordre.index)
    if inconnues:
        texte += f"{_MARQUE_NSP} {', '.join(inconnues)}\n"
    return texte


def _refuser_alias(texte: str, source: str) -> None:
    for evenement in yaml.parse(texte, Loader=yaml.SafeLoader):
        if isinstance(evenement, yaml.AliasEvent) or getattr(evenement, "anchor", None):
            raise EntreeInvalide(source, "les ancres et alias YAML (& et *) ne sont pas acceptés.")


def lire_reponses_partielles(
    path: str | Path, questionnaire: Questionnaire
) -> tuple[dict[str, Any], set[str]]:
    """Read an answer file that may be incomplete: the answers (checked one by one) and the keys
    answered « je ne sais pas ». Consistency between answers is checked later, at the review.

    Raises :class:`EntreeInvalide` for an unreadable file, an unknown key or a value not allowed.
    """
    source = str(path)
    texte = read_answers_text(path)
    try:
        if source.lower().endswith(".json"):
            data = json.loads(texte)
        else:
            _refuser_alias(texte, source)
            data = yaml.safe_load(texte)
    except (yaml.YAMLError, ValueError) as exc:
        raise EntreeInvalide(source, f"fichier de réponses illisible ({exc}).") from None
    data = {} if data is None else data
    if not isinstance(data, dict):
        raise EntreeInvalide(source, "le fichier doit contenir une table de réponses « clé: valeur ».")
    problemes: list[Probleme] = []
    reponses: dict[str, Any] = {}
    for cle, valeur in data.items():
        if cle == "version":
            if valeur != FORMAT_VERSION:
                problemes.append(
                    Probleme(f"version « {valeur} » inconnue ; attendu {FORMAT_VERSION}.", "version")
                )
            continue
        question = questionnaire.question(str(cle))
        if question is None:
            proches = difflib.get_close_matches(str(cle), FIELDS, n=1, cutoff=0.6)
            indice = f" ; vouliez-vous dire « {proches[0]} » ?" if proches else ""
            problemes.append(Probleme(f"clé inconnue{indice}", str(cle)))
            continue
        if valeur is None:
            continue
        try:
            reponses[question.id] = question.accepter(valeur)
        except ValueError as exc:
            problemes.append(Probleme(str(exc), question.id))
    if problemes:
        raise EntreeInvalide(source, problemes)
    inconnues: set[str] = set()
    for ligne in texte.splitlines():
        if ligne.startswith(_MARQUE_NSP):
            for cle in ligne.removeprefix(_MARQUE_NSP).split(","):
                question = questionnaire.question(cle.strip())
                if question is not None and question.facultative and question.id not in reponses:
                    inconnues.add(question.id)
    return reponses, inconnues
