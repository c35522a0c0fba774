"""The dossier of projects: one answer file per project, named from a slug, read and written whole.

A project is ``DOSSIER/<slug>.yaml``, in the terminal's format (:func:`~entadvisor.questionnaire.reponses_partielles.texte_fichier`),
so ``entadvisor conseil`` and ``evaluer`` read it and ``entadvisor questionnaire --reprendre`` resumes
it. The slug is derived from the name the user gives (lower-case ASCII letters, digits and hyphens),
never taken from raw input: a name in a URL that is not a slug is refused before any file is touched.
Every write is atomic (:func:`~entadvisor._files.write_atomic`), so a server stopped at any moment
leaves either the previous file or the new one.
"""

from __future__ import annotations

import re
import shlex
import unicodedata
from dataclasses import dataclass
from pathlib import Path

from entadvisor._files import write_atomic
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.model import Marque, Questionnaire
from entadvisor.questionnaire.parcours import Parcours
from entadvisor.questionnaire.reponses_partielles import lire_reponses_partielles, texte_fichier

from .formulaire import LONGUEUR_CHAMP

LONGUEUR_SLUG = 60
_SLUG = re.compile(rf"[a-z0-9](?:[a-z0-9-]{{0,{LONGUEUR_SLUG - 2}}}[a-z0-9])?")
SUFFIXE = ".yaml"


class ProjetIntrouvable(EntreeInvalide):
    """The name in the address is not a project of the dossier (or not a valid project name)."""


def est_slug(texte: str) -> bool:
    return _SLUG.fullmatch(texte) is not None and "--" not in texte


def slug_de(nom: str) -> str:
    """``ENT des écoles de Saint-Martin`` → ``ent-des-ecoles-de-saint-martin`` (``projet`` if nothing is left)."""
    ascii_ = unicodedata.normalize("NFKD", nom).encode("ascii", "ignore").decode("ascii").lower()
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_).strip("-")[:LONGUEUR_SLUG].strip("-")
    return slug or "projet"


@dataclass(frozen=True)
class EtatProjet:
    """One line of the home page: a project, how far it went, or why it cannot be read."""

    slug: str
    titre: str
    complet: bool
    reponses: int
    section: int | None
    erreur: str | None = None


class Dossier:
    """The folder of a user's projects (created on first write)."""

    def __init__(self, chemin: Path, questionnaire: Questionnaire) -> None:
        self.chemin = Path(chemin)
        self.questionnaire = questionnaire
        self._etats: dict[str, tuple[tuple[int, int], EtatProjet]] = {}

    def fichier(self, slug: str) -> Path:
        """The answer file of a project; refuses anything that is not a slug of this dossier."""
        if not est_slug(slug):
            raise ProjetIntrouvable(
                None, f"« {slug[:80]} » n'est pas un nom de projet (lettres minuscules, chiffres et tirets)."
            )
        fichier = self.chemin / f"{slug}{SUFFIXE}"
        if fichier.resolve().parent != self.chemin.resolve():
            raise ProjetIntrouvable(None, f"« {slug} » désigne un fichier hors du dossier des projets.")
        return fichier

    def existe(self, slug: str) -> bool:
        return self.fichier(slug).is_file()

    def lire(self, slug: str) -> Parcours:
        """The project's answers as a flow positioned at its first unanswered question."""
        fichier = self.fichier(slug)
        if not fichier.is_file():
            raise ProjetIntrouvable(None, f"il n'y a pas de projet « {slug} » dans {self.chemin}.")
        reponses, inconnues = lire_reponses_partielles(fichier, self.questionnaire)
        return Parcours(self.questionnaire, reponses, inconnues)

    def ecrire(self, slug: str, parcours: Parcours) -> None:
        reprise = shlex.join(["entadvisor", "web", "--dossier", str(self.chemin)])
        write_atomic(self.fichier(slug), texte_fichier(parcours, reprise))

    def creer(self, nom: str) -> str:
        """A new project named ``nom`` (its first answer, ``nom_projet`` when asked); returns its slug.

        Raises ValueError (French) for an empty name or one the question refuses (too long).
        """
        if not nom.strip():
            raise ValueError("Donnez un nom au projet.")
        if len(nom) > LONGUEUR_CHAMP:
            raise ValueError(f"Le nom fait {len(nom)} caractères ; {LONGUEUR_CHAMP} au plus.")
        question = self.questionnaire.question("nom_projet")
        valeur = question.valider(nom) if question is not None else None
        reponses = {}
        if valeur is not None and not isinstance(
            valeur, Marque
        ):  # « Inconnu » is a name, not « je ne sais pas »
            reponses["nom_projet"] = valeur
        base = slug_de(nom)
        slug, numero = base, 1
        while self.fichier(slug).exists():
            numero += 1
            suffixe = f"-{numero}"
            slug = base[: LONGUEUR_SLUG - len(suffixe)].rstrip("-") + suffixe
        self.ecrire(slug, Parcours(self.questionnaire, reponses))
        return slug

    def projets(self) -> list[EtatProjet]:
        """Every project of the dossier, in name order, with its state."""
        if not self.chemin.is_dir():
            return []
        etats = []
        for fichier in sorted(self.chemin.glob(f"*{SUFFIXE}")):
            slug = fichier.stem
            if not est_slug(slug) or not fichier.is_file():
                continue
            stat = fichier.stat()
            version = (stat.st_mtime_ns, stat.st_size)
            connu = self._etats.get(slug)
            if connu is not None and connu[0] == version:  # unchanged since the last listing
                etats.append(connu[1])
                continue
            try:
                parcours = self.lire(slug)
            except EntreeInvalide as exc:
                etat = EtatProjet(slug, slug, False, 0, None, str(exc))
            else:
                titre = str(parcours.reponses.get("nom_projet") or slug)
                complet = parcours.en_revue and not parcours.problemes()
                section = None if parcours.en_revue else parcours.position().section
                etat = EtatProjet(slug, titre, complet, parcours.nombre_reponses(), section)
            self._etats[slug] = (version, etat)
            etats.append(etat)
        return etats
