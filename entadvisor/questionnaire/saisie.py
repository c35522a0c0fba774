"""Line-mode prompts in French, on stderr: one question at a time, the review of the answers, yes/no and
numbered choices (:class:`PlainAsker`, the terminal's :class:`~entadvisor.questionnaire.parcours.Interface`).

Prompts go to stderr through ``click.prompt(type=str, err=True)``; stdout carries only the advice. The same
code runs on a terminal, with answers piped on stdin one per line, under click's CliRunner and with a
screen reader. Paragraphs wrap to the terminal's width (at most 100 columns; 80 when unknown or piped).
"""

from __future__ import annotations

import contextlib
import textwrap
from collections.abc import Mapping
from typing import Any

import click

from entadvisor.errors import Probleme
from entadvisor.questionnaire.model import RETOUR, Marque, Question
from entadvisor.questionnaire.parcours import LigneRevue, Position
from entadvisor.report.text import largeur_terminal

_FORMES = {"choix": None, "oui_non": "o/n", "date": "JJ/MM/AAAA", "annee": "année", "entier": "nombre"}


def echo(texte: str = "") -> None:
    """One line on stderr; a closed terminal (SIGHUP) must not turn exit 130 into a traceback."""
    with contextlib.suppress(OSError):
        click.echo(texte, err=True)


def largeur() -> int:
    """The width of the questions: the terminal's, at most 100 columns."""
    return min(100, largeur_terminal())  # 80 when unknown or piped, like the advice


def paragraphe(texte: str, largeur_texte: int | None = None, premier: str = "", suite: str = "") -> None:
    """Print a French paragraph wrapped to the terminal, on stderr."""
    if texte:
        lignes = textwrap.wrap(
            " ".join(texte.split()),
            largeur_texte or largeur(),
            initial_indent=premier,
            subsequent_indent=suite,
        )
        for ligne in lignes:
            echo(ligne)


class PlainAsker:
    """Line-mode prompts with French parsing: ``?`` help, ``<`` previous question, Enter default.

    Implements :class:`~entadvisor.questionnaire.parcours.Interface`, plus the yes/no and numbered choices
    that the session needs around the questionnaire.
    """

    def __init__(self, largeur_texte: int | None = None) -> None:
        self._largeur = largeur_texte or largeur()
        self._section: int | None = None
        self._revue: Any = None

    # -- Interface --

    def demander(
        self, question: Question, position: Position, courant: Any, reponses: Mapping[str, Any]
    ) -> Any:
        """Ask one question until the answer is valid; return it, INCONNU or RETOUR."""
        if position.section != self._section:
            self._section = position.section
            echo()
            echo(
                click.style(
                    f"━━ {position.titre_section} (section {position.section}/{position.sections}) ━━",
                    bold=True,
                )
            )
            self._paragraphe(position.introduction_section)
        echo()
        echo(f"Section {position.section}/{position.sections} · question {position.numero}/{position.total}")
        for ligne in textwrap.wrap(" ".join(question.texte.split()), self._largeur):
            echo(click.style(ligne, bold=True))
        for numero, choix in enumerate(question.choix, start=1):
            self._paragraphe(f"{numero}. {choix.libelle}", "  ", "     ")
        if question.facultative and question.ne_sait_pas is not None:
            touche = "Entrée" if courant is None and question.defaut is None else "Tapez nsp"
            self._paragraphe(f"{touche} si vous ne savez pas : {question.ne_sait_pas.effet}", "  ", "  ")
        invite = self._invite(question, courant)
        while True:
            texte = self._lire(invite)
            if texte == "?":
                self._aide(question)
                continue
            if texte == "<":
                return RETOUR
            try:
                valeur = question.saisie(texte, courant, reponses)
            except ValueError as exc:
                self._paragraphe(f"Réponse non valide. {exc}", "  ", "  ")
                continue
            if question.type == "choix":
                self._paragraphe(question.afficher(valeur), "  → ", "    ")
            return valeur

    def revoir(self, lignes: list[LigneRevue], problemes: list[Probleme]) -> int | Marque | None:
        """Show every answer, numbered, and the problems; return a number to change, RETOUR or None."""
        self._section = None
        numeros = {ligne.question.id: ligne for ligne in lignes}
        etat = ([(ligne.question.id, ligne.affichage) for ligne in lignes], problemes)
        if etat != self._revue:  # unchanged (e.g. Enter refused): do not print the whole list again
            self._revue = etat
            self._afficher_revue(lignes, {p.champ for p in problemes})
        if problemes:
            echo()
            echo("À corriger avant d'obtenir le conseil :")
            for probleme in problemes:
                ligne = numeros.get(probleme.champ or "")
                ou = f"n° {ligne.numero} ({ligne.question.libelle}) : " if ligne else ""
                self._paragraphe(f"{ou}{probleme.message}", "  - ", "    ")
        echo()
        self._paragraphe(
            "Tapez le numéro d'une réponse pour la modifier, < pour revenir à la dernière question, "
            "ou Entrée pour valider vos réponses et obtenir le conseil."
        )
        while True:
            texte = self._lire("Votre choix")
            if not texte:
                return None
            if texte == "<":
                return RETOUR
            if texte.removeprefix("n°").strip().isdigit() and 1 <= int(texte.removeprefix("n°")) <= len(
                lignes
            ):
                return int(texte.removeprefix("n°"))
            self._paragraphe(
                f"Réponse non valide. « {texte} » : tapez un numéro de 1 à {len(lignes)}, < ou Entrée.",
                "  ",
                "  ",
            )

    def _afficher_revue(self, lignes: list[LigneRevue], a_corriger: set[str | None]) -> None:
        largeur = max(len(ligne.question.libelle) for ligne in lignes)
        echo()
        echo(click.style("Récapitulatif de vos réponses", bold=True))
        section = None
        for ligne in lignes:
            if ligne.section.id != section:
                section = ligne.section.id
                echo(f"  {ligne.section.titre}")
            tete = f"  {ligne.numero:>4}. {ligne.question.libelle:<{largeur}}  "
            marque = "  ← à corriger" if ligne.question.id in a_corriger else ""
            morceaux = textwrap.wrap(ligne.affichage + marque, max(20, self._largeur - len(tete))) or [""]
            echo(tete + morceaux[0])
            for suite in morceaux[1:]:
                echo(" " * len(tete) + suite)

    def signaler(self, message: str) -> None:
        self._paragraphe(message)

    # -- around the questionnaire --

    def confirmer(self, texte: str, defaut: bool) -> bool:
        """A French yes/no question (o/oui/n/non)."""
        self._paragraphe(texte)
        while True:
            reponse = self._lire(f"Réponse (o/n) [{'o' if defaut else 'n'}]").lower()
            if not reponse:
                return defaut
            if reponse in ("o", "oui"):
                return True
            if reponse in ("n", "non"):
                return False
            self._paragraphe(
                f"Réponse non valide. « {reponse} » n'est pas compris : répondez par o (oui) ou n (non).",
                "  ",
                "  ",
            )

    def choisir(self, texte: str, options: list[str], defaut: int) -> int:
        """A numbered choice; returns the 1-based number chosen."""
        self._paragraphe(texte)
        for numero, option in enumerate(options, start=1):
            self._paragraphe(f"{numero}. {option}", "  ", "     ")
        while True:
            reponse = self._lire(f"Réponse (1 à {len(options)}) [{defaut}]")
            if not reponse:
                return defaut
            if reponse.isdigit() and 1 <= int(reponse) <= len(options):
                return int(reponse)
            self._paragraphe(
                f"Réponse non valide. « {reponse} » : tapez un numéro de 1 à {len(options)}.", "  ", "  "
            )

    def saisir(self, texte: str, defaut: str) -> str:
        reponse = self._lire(f"{texte} [{defaut}]")
        return reponse or defaut

    # -- helpers --

    def _lire(self, invite: str) -> str:
        texte: str = click.prompt(
            invite, default="", show_default=False, prompt_suffix=" : ", err=True, type=str
        )
        return texte.strip()

    def _paragraphe(self, texte: str, premier: str = "", suite: str = "") -> None:
        paragraphe(texte, self._largeur, premier, suite)

    def _invite(self, question: Question, courant: Any) -> str:
        forme = _FORMES.get(question.type)
        if question.type == "choix":
            forme = "1 ou 2" if len(question.choix) == 2 else f"1 à {len(question.choix)}"
        elif question.type == "nombre":
            forme = f"en {question.unite}" if question.unite else "nombre"
        proposee = courant
        if proposee is None and question.defaut is not None:
            proposee = question.accepter(question.defaut)
        montre = None if proposee is None else question.en_saisie(proposee)
        if montre is not None and len(montre) > 40:
            montre = montre[:39] + "…"
        return "Réponse" + (f" ({forme})" if forme else "") + (f" [{montre}]" if montre else "")

    def _aide(self, question: Question) -> None:
        echo()
        self._paragraphe(f"Pourquoi cette question ? {question.aide}", "  ", "  ")
        if question.reference:
            self._paragraphe(f"Références : {question.reference}", "  ", "  ")
        if question.ne_sait_pas is not None:
            self._paragraphe(f"Si vous ne savez pas (nsp) : {question.ne_sait_pas.effet}", "  ", "  ")
        self._paragraphe(
            "< revient à la question précédente ; Entrée garde la valeur entre crochets ; Ctrl-C interrompt "
            f"(vos réponses restent enregistrées). Clé du fichier de réponses : {question.id}.",
            "  ",
            "  ",
        )
