"""The answer file of a questionnaire in progress: written after every answer, atomically, and never
behind the user's back — the user's comments stay in place (:func:`texte_en_place`), and a file changed by
another program since the last save is not overwritten: the answers go to a copy beside it.
"""

from __future__ import annotations

import os
import re
import shlex
from pathlib import Path

from entadvisor._files import write_atomic
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.parcours import Parcours
from entadvisor.questionnaire.reponses_partielles import texte_fichier

_MARQUES_ENTETE = ("# Réponses au questionnaire", "# Questionnaire complet.", "# Questionnaire en cours")
_CLE = re.compile(r"([A-Za-z_]\w*)\s*:(?=\s|$)")


def _entrees(lignes: list[str]) -> list[tuple[str | None, list[str]]]:
    """The lines of a flat YAML file grouped by entry: (key, its lines) or (None, [a comment or blank line])."""
    entrees: list[tuple[str | None, list[str]]] = []
    for ligne in lignes:
        cle = _CLE.match(ligne)
        if cle:
            entrees.append((cle.group(1), [ligne]))
        elif ligne[:1] in (" ", "\t", "-") and entrees and entrees[-1][0] is not None:
            entrees[-1][1].append(ligne)  # the continuation of a value
        else:
            entrees.append((None, [ligne]))
    return entrees


def _commentaire(ligne: str) -> str:
    """The trailing comment of a one-line entry (with the spaces before it), or ''."""
    guillemet = None
    for position, caractere in enumerate(ligne):
        if guillemet:
            if caractere == guillemet:
                guillemet = None
        elif caractere in "'\"":
            guillemet = caractere
        elif caractere == "#" and position and ligne[position - 1] in " \t":
            debut = position
            while debut and ligne[debut - 1] in " \t":
                debut -= 1
            return ligne[debut:]
    return ""


def texte_en_place(ancien: str, nouveau: str) -> str:
    """The answers of ``nouveau`` written into ``ancien`` in place: the user's comments and blank lines,
    and the order of the answers, are kept; changed answers replaced (with the comment on their line),
    removed ones dropped, new ones added at the end; entadvisor's own header and « je ne sais pas »
    comments come from ``nouveau``."""
    neuves = _entrees(nouveau.splitlines())
    valeurs = {cle: lignes for cle, lignes in neuves if cle is not None}
    entete = [lignes[0] for cle, lignes in neuves if cle is None and lignes[0].startswith(_MARQUES_ENTETE)]
    nsp = [lignes[0] for cle, lignes in neuves if cle is None and lignes[0].startswith("# je_ne_sais_pas:")]
    sortie: list[str] = list(entete)
    places: set[str] = set()
    for cle, lignes in _entrees(ancien.splitlines()):
        if cle is None:
            if not lignes[0].startswith((*_MARQUES_ENTETE, "# je_ne_sais_pas:")):
                sortie.extend(lignes)
            continue
        if cle not in valeurs or cle in places:
            continue
        places.add(cle)
        remplacement = list(valeurs[cle])
        commentaire = _commentaire(lignes[0]) if len(lignes) == 1 else ""
        if commentaire and len(remplacement) == 1:
            remplacement[0] += commentaire
        sortie.extend(remplacement)
    for cle, lignes in neuves:
        if cle is not None and cle not in places:
            sortie.extend(lignes)
    sortie.extend(nsp)
    return "\n".join(sortie) + "\n"


def _lire_octets(chemin: Path) -> bytes | None:
    try:
        return chemin.read_bytes()
    except FileNotFoundError:
        return None


def _copie_de_secours(cible: Path) -> Path:
    for numero in range(1, 1000):
        copie = cible.with_name(f"{cible.stem}.conflit-{numero}{cible.suffix}")
        if not copie.exists():
            return copie
    return cible.with_name(f"{cible.stem}.conflit-{os.getpid()}{cible.suffix}")


class FichierReponses:
    """The answer file ``cible`` of one questionnaire session; :meth:`enregistrer` is the parcours' save."""

    def __init__(self, cible: Path, commande: str, *, deja_ecrit: bool) -> None:
        self.cible = cible
        self.commande = commande
        self.ecrit = deja_ecrit
        self._connu = _lire_octets(cible)  # what the file holds now: a save first checks it is unchanged
        self._json = cible.suffix.lower() == ".json"

    def enregistrer(self, etat: Parcours) -> None:
        texte = texte_fichier(etat, self.commande, json_=self._json)
        if self._connu is not None and not self._json and self.ecrit:  # the user's comments stay in place
            texte = texte_en_place(self._connu.decode("utf-8-sig", errors="replace"), texte)
        if _lire_octets(self.cible) != self._connu:
            copie = _copie_de_secours(self.cible)
            write_atomic(copie, texte, what="la copie des réponses")
            raise EntreeInvalide(
                str(self.cible),
                "ce fichier a été modifié par un autre programme pendant le questionnaire ; pour ne rien "
                f"effacer, il n'a pas été remplacé. Vos réponses sont enregistrées dans {copie} ; comparez "
                "les deux fichiers, puis reprenez avec : entadvisor questionnaire --reprendre "
                f"{shlex.quote(str(copie))}",
            )
        write_atomic(self.cible, texte, what="le fichier de réponses")
        self._connu = texte.encode("utf-8")
        self.ecrit = True
