"""The interactive questionnaire in a terminal, line by line (the default front end).

Prompts go to stderr through ``click.prompt(type=str, err=True)``; stdout carries only the advice.
The same code runs on a terminal, with answers piped on stdin one per line, under click's CliRunner
and with a screen reader. Parsing is French and lives in :mod:`entadvisor.questionnaire.model`; navigation
is the :class:`~entadvisor.questionnaire.parcours.Parcours` state machine. :func:`lancer_questionnaire` is
what ``entadvisor questionnaire`` runs: answer file handling (never overwritten without consent,
written after every answer), interruption (Ctrl-C or end of input: exit 130 with the command to
resume), then the advice and the offer of the HTML report.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
import shlex
import signal
import sys
import textwrap
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path
from typing import Any

import click

from entadvisor._files import exclusive_lock, write_atomic
from entadvisor.answers import Answers
from entadvisor.errors import EntreeInvalide, Probleme
from entadvisor.questionnaire.model import RETOUR, Marque, Question, load_questionnaire
from entadvisor.questionnaire.parcours import (
    LigneRevue,
    Parcours,
    Position,
    executer,
    lire_reponses_partielles,
    texte_fichier,
)

DEFAUT_SORTIE = Path("reponses-ent.yaml")
"""The answer file written when ``-o`` is not given, in the current folder."""

CODE_INTERRUPTION = 130

_FORMES = {"choix": None, "oui_non": "o/n", "date": "JJ/MM/AAAA", "annee": "année", "entier": "nombre"}


def _echo(texte: str = "") -> None:
    with contextlib.suppress(OSError):  # a terminal closed (SIGHUP) must not turn exit 130 into a traceback
        click.echo(texte, err=True)


def _largeur() -> int:
    from entadvisor.report.text import largeur_terminal

    return min(100, largeur_terminal())  # 80 when unknown or piped, like the advice


def _paragraphe(texte: str, largeur: int | None = None, premier: str = "", suite: str = "") -> None:
    """Print a French paragraph wrapped to the terminal, on stderr."""
    if texte:
        lignes = textwrap.wrap(
            " ".join(texte.split()), largeur or _largeur(), initial_indent=premier, subsequent_indent=suite
        )
        for ligne in lignes:
            _echo(ligne)


class PlainAsker:
    """Line-mode prompts with French parsing: ``?`` help, ``<`` previous question, Enter default.

    Implements :class:`~entadvisor.questionnaire.parcours.Interface`, plus the yes/no and numbered choices
    that the session needs around the questionnaire.
    """

    def __init__(self, largeur: int | None = None) -> None:
        self._largeur = largeur or _largeur()
        self._section: int | None = None
        self._revue: Any = None

    # -- Interface --

    def demander(
        self, question: Question, position: Position, courant: Any, reponses: Mapping[str, Any]
    ) -> Any:
        """Ask one question until the answer is valid; return it, INCONNU or RETOUR."""
        if position.section != self._section:
            self._section = position.section
            _echo()
            _echo(
                click.style(
                    f"━━ {position.titre_section} (section {position.section}/{position.sections}) ━━",
                    bold=True,
                )
            )
            self._paragraphe(position.introduction_section)
        _echo()
        _echo(f"Section {position.section}/{position.sections} · question {position.numero}/{position.total}")
        for ligne in textwrap.wrap(" ".join(question.texte.split()), self._largeur):
            _echo(click.style(ligne, bold=True))
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
            _echo()
            _echo("À corriger avant d'obtenir le conseil :")
            for probleme in problemes:
                ligne = numeros.get(probleme.champ or "")
                ou = f"n° {ligne.numero} ({ligne.question.libelle}) : " if ligne else ""
                self._paragraphe(f"{ou}{probleme.message}", "  - ", "    ")
        _echo()
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
        _echo()
        _echo(click.style("Récapitulatif de vos réponses", bold=True))
        section = None
        for ligne in lignes:
            if ligne.section.id != section:
                section = ligne.section.id
                _echo(f"  {ligne.section.titre}")
            tete = f"  {ligne.numero:>4}. {ligne.question.libelle:<{largeur}}  "
            marque = "  ← à corriger" if ligne.question.id in a_corriger else ""
            morceaux = textwrap.wrap(ligne.affichage + marque, max(20, self._largeur - len(tete))) or [""]
            _echo(tete + morceaux[0])
            for suite in morceaux[1:]:
                _echo(" " * len(tete) + suite)

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
        _paragraphe(texte, self._largeur, premier, suite)

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
        _echo()
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


# --- the session --------------------------------------------------------------------------------

Conseiller = Callable[[Answers], tuple[Any, str]]
"""Answers → (advice, its text). The default calls the engine; tests pass a stub."""


def _conseiller_par_defaut(date_analyse: dt.date | None, connaissances: Any) -> Conseiller:
    def conseiller(answers: Answers) -> tuple[Any, str]:
        from entadvisor.engine.moteur import evaluate
        from entadvisor.report.text import advice_text

        advice = evaluate(answers, as_of=date_analyse, knowledge=connaissances)
        return advice, advice_text(advice)

    return conseiller


def _entree_interactive() -> bool:
    try:
        return sys.stdin.isatty()
    except (AttributeError, ValueError):
        return False


def _commande_reprise(
    cible: Path, date_analyse: dt.date | None, regles: Path | None, questionnaire: Path | None
) -> str:
    morceaux = ["entadvisor", "questionnaire", "--reprendre", str(cible)]
    if date_analyse is not None:
        morceaux += ["--date-analyse", date_analyse.isoformat()]
    if regles is not None:
        morceaux += ["--regles", str(regles)]
    if questionnaire is not None:
        morceaux += ["--questionnaire", str(questionnaire)]
    return shlex.join(morceaux)


def _q(chemin: Path) -> str:
    return shlex.quote(str(chemin))


def _meme_fichier(a: Path, b: Path | None) -> bool:
    return b is not None and a.resolve() == b.resolve()


def lancer_questionnaire(
    *,
    sortie: Path | None = None,
    reprendre: Path | None = None,
    remplacer: bool = False,
    date_analyse: dt.date | None = None,
    regles: Path | None = None,
    questionnaire: Path | None = None,
    conseiller: Conseiller | None = None,
    asker: PlainAsker | None = None,
) -> int:
    """Run the questionnaire in the terminal; return the exit code (0, 1 refused, 130 interrupted).

    The answer file is ``sortie``, else the resumed file, else ``reponses-ent.yaml``. An existing
    file is replaced only with consent (``remplacer``, or a confirmation on a terminal); with piped
    input and no ``remplacer`` it is refused with :class:`EntreeInvalide`. Answers are written
    atomically after every answer. Bad input files raise :class:`EntreeInvalide`.

    No answer is lost: the answer file is locked for the whole questionnaire (a second questionnaire
    on it is refused, :class:`~entadvisor._files.FichierVerrouille`); before each save the file is
    checked unchanged since the last one (else the answers go to a copy beside it, and nothing is
    overwritten); the comments of a resumed YAML file are kept in place; SIGTERM and SIGHUP stop
    the questionnaire like Ctrl-C (answers kept, exit 130).
    """
    cible = sortie or reprendre or DEFAUT_SORTIE
    verrou = contextlib.nullcontext() if cible.is_dir() else exclusive_lock(cible)
    with verrou, _signaux_comme_ctrl_c():
        return _lancer_questionnaire(
            sortie=sortie,
            reprendre=reprendre,
            remplacer=remplacer,
            date_analyse=date_analyse,
            regles=regles,
            questionnaire=questionnaire,
            conseiller=conseiller,
            asker=asker,
        )


@contextlib.contextmanager
def _signaux_comme_ctrl_c() -> Iterator[None]:
    """SIGTERM and SIGHUP raise KeyboardInterrupt, so that they print what Ctrl-C prints (main thread only)."""
    precedents: dict[int, Any] = {}

    def interrompre(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    for nom in ("SIGTERM", "SIGHUP"):
        numero = getattr(signal, nom, None)
        if numero is None:
            continue
        try:
            precedents[numero] = signal.signal(numero, interrompre)
        except ValueError:  # not the main thread (e.g. a test runner's worker thread)
            break
    try:
        yield
    finally:
        for numero, precedent in precedents.items():
            signal.signal(numero, precedent)


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


def _lancer_questionnaire(
    *,
    sortie: Path | None,
    reprendre: Path | None,
    remplacer: bool,
    date_analyse: dt.date | None,
    regles: Path | None,
    questionnaire: Path | None,
    conseiller: Conseiller | None,
    asker: PlainAsker | None,
) -> int:
    modele = load_questionnaire(questionnaire)
    asker = asker or PlainAsker()
    interactif = _entree_interactive()
    reponses: dict[str, Any] = {}
    inconnues: set[str] = set()
    if reprendre is not None:
        reponses, inconnues = lire_reponses_partielles(reprendre, modele)
    cible = sortie or reprendre or DEFAUT_SORTIE
    if cible.is_dir():
        raise EntreeInvalide(
            str(cible), "c'est un dossier ; indiquez un fichier, par exemple -o reponses-ent.yaml."
        )
    if cible.exists() and not remplacer and not _meme_fichier(cible, reprendre):
        if not interactif:
            raise EntreeInvalide(
                str(cible),
                "ce fichier existe déjà, et le questionnaire ne remplace pas un fichier sans confirmation. "
                f"Pour compléter ses réponses : entadvisor questionnaire --reprendre {_q(cible)} ; "
                "pour le remplacer : ajoutez --remplacer ; sinon, choisissez un autre fichier avec -o.",
            )
        try:
            if reprendre is None:
                decision = asker.choisir(
                    f"Le fichier {cible} existe déjà. Que voulez-vous faire ?",
                    [
                        "Reprendre ses réponses et continuer le questionnaire",
                        "Le remplacer : recommencer le questionnaire depuis le début",
                        "Abandonner sans rien modifier",
                    ],
                    defaut=1,
                )
                if decision == 1:
                    reponses, inconnues = lire_reponses_partielles(cible, modele)
                    reprendre = cible
            else:
                decision = (
                    2 if asker.confirmer(f"Le fichier {cible} existe déjà. Le remplacer ?", False) else 3
                )
        except click.Abort:
            _echo()
            _echo(f"Interrompu : rien n'a été modifié dans {cible}.")
            return CODE_INTERRUPTION
        if decision == 3:
            _echo(f"Rien n'a été modifié dans {cible}.")
            return 1
    connaissances = None
    if regles is not None:
        from entadvisor.engine.knowledge import load_knowledge

        connaissances = load_knowledge(regles)  # a broken knowledge base fails before the questions
    commande = _commande_reprise(cible, date_analyse, regles, questionnaire)
    parcours = Parcours(modele, reponses, inconnues)
    ecrit = [_meme_fichier(cible, reprendre)]
    connu = [_lire_octets(cible)]  # what the file holds now: a save first checks it is unchanged
    json_ = cible.suffix.lower() == ".json"

    def enregistrer(etat: Parcours) -> None:
        texte = texte_fichier(etat, commande, json_=json_)
        if connu[0] is not None and not json_ and ecrit[0]:  # the user's comments stay where they are
            texte = texte_en_place(connu[0].decode("utf-8-sig", errors="replace"), texte)
        if _lire_octets(cible) != connu[0]:
            copie = _copie_de_secours(cible)
            write_atomic(copie, texte, what="la copie des réponses")
            raise EntreeInvalide(
                str(cible),
                "ce fichier a été modifié par un autre programme pendant le questionnaire ; pour ne rien "
                f"effacer, il n'a pas été remplacé. Vos réponses sont enregistrées dans {copie} ; comparez "
                f"les deux fichiers, puis reprenez avec : entadvisor questionnaire --reprendre {_q(copie)}",
            )
        write_atomic(cible, texte, what="le fichier de réponses")
        connu[0] = texte.encode("utf-8")
        ecrit[0] = True

    _introduction(modele.titre, modele.introduction, parcours, cible, reprendre)
    try:
        if parcours.nombre_reponses() and not ecrit[0]:
            enregistrer(parcours)
        answers = executer(parcours, asker, enregistrer, source=str(cible))
        enregistrer(parcours)
    except (click.Abort, KeyboardInterrupt):
        _interruption(parcours.nombre_reponses(), cible, commande, ecrit[0])
        return CODE_INTERRUPTION
    _echo()
    _echo(f"Réponses enregistrées dans {cible}.")
    try:
        try:
            advice, texte = (conseiller or _conseiller_par_defaut(date_analyse, connaissances))(answers)
        except ImportError as exc:
            _echo(f"Le conseil n'est pas disponible dans cette installation ({exc}).")
            _echo(
                f"Vos réponses sont complètes ; le conseil s'obtiendra avec : entadvisor conseil {_q(cible)}"
            )
            return 1
        _echo()
        _afficher_conseil(advice, texte, cible, asker, interactif)
        return _proposer_rapport(advice, cible, asker, interactif)
    except (click.Abort, KeyboardInterrupt):
        _echo()
        _paragraphe(
            f"Interrompu. Vos réponses, complètes, sont dans {cible} ; pour le conseil et le rapport :"
        )
        _echo(f"  entadvisor conseil {_q(cible)} --html {_q(cible.with_suffix('.html'))}")
        return CODE_INTERRUPTION


def _introduction(
    titre: str, introduction: str, parcours: Parcours, cible: Path, reprendre: Path | None
) -> None:
    nombre = len(parcours.revue()) if parcours.en_revue else parcours.position().total
    sections = len(parcours.questionnaire.sections)
    entete = f"Questionnaire « {titre} » — {sections} sections, environ {nombre} questions (une dizaine de minutes)."
    for ligne in textwrap.wrap(entete, _largeur()):  # the width of the terminal, like every paragraph
        _echo(click.style(ligne, bold=True))
    _paragraphe(introduction)
    _echo("À chaque question :")
    _echo("  ?       explique pourquoi elle est posée et ce que la réponse change ;")
    _echo("  <       revient à la question précédente ;")
    _echo("  Entrée  garde la valeur proposée entre [crochets] ;")
    _echo("  nsp     répond « je ne sais pas », quand la question le permet.")
    _paragraphe(
        f"Vos réponses sont enregistrées au fur et à mesure dans {cible} ; Ctrl-C interrompt le "
        "questionnaire, que vous pourrez reprendre plus tard."
    )
    if reprendre is not None:
        _echo()
        n = parcours.nombre_reponses()
        deja = f"{n} réponse déjà donnée" if n == 1 else f"{n} réponses déjà données"
        suite = (
            "toutes les questions ont une réponse : voici le récapitulatif."
            if parcours.en_revue
            else f"reprise à la question {parcours.position().numero}."
        )
        _echo(f"Reprise de {reprendre} : {deja} ; {suite}")


def _interruption(nombre: int, cible: Path, commande: str, ecrit: bool) -> None:
    _echo()
    if not ecrit:
        _paragraphe("Questionnaire interrompu avant la première réponse : aucun fichier n'a été écrit.")
        return
    quoi = "Votre réponse est enregistrée" if nombre == 1 else f"Vos {nombre} réponses sont enregistrées"
    _echo(f"Questionnaire interrompu. {quoi} dans {cible}.")
    _echo("Pour reprendre à la première question sans réponse :")
    _echo(f"  {commande}")


def _afficher_conseil(advice: Any, texte: str, cible: Path, asker: PlainAsker, interactif: bool) -> None:
    """At a terminal, the short summary first and the full advice on request, through a pager (the
    full advice is some 150 lines); piped, the full advice on stdout, for the program that reads it."""
    from entadvisor.advice import Advice
    from entadvisor.report.text import advice_summary

    if not interactif or not isinstance(advice, Advice):
        click.echo(texte)
        return
    click.echo(advice_summary(advice))
    _echo()
    lignes = texte.count("\n") + 1
    if asker.confirmer(
        f"Afficher le conseil complet ({lignes} lignes : raisons, calendrier, vigilance, préparation) ?",
        defaut=False,
    ):
        click.echo_via_pager(texte)
    else:
        _echo(f"Le conseil complet, à tout moment : entadvisor conseil {_q(cible)}")


def _proposer_rapport(advice: Any, cible: Path, asker: PlainAsker, interactif: bool) -> int:
    """Offer the HTML report when the report module exists and a person is at the terminal."""
    try:
        from entadvisor.report.render import write_report
    except ImportError:
        return 0
    html = cible.with_suffix(".html")
    if not interactif:
        _echo("Pour le rapport HTML :")
        _echo(f"  entadvisor conseil {_q(cible)} --html {_q(html)}")
        return 0
    _echo()
    if not asker.confirmer("Écrire le rapport HTML pour les élus ?", defaut=True):
        return 0
    chemin = Path(asker.saisir("Fichier du rapport", str(html)))
    if chemin.exists() and not asker.confirmer(f"Le fichier {chemin} existe déjà. Le remplacer ?", False):
        _echo(f"Rapport non écrit ; {chemin} n'a pas été modifié.")
        return 0
    write_report(advice, chemin)
    _echo(f"Rapport écrit : {chemin}")
    formats = ["non", "en PDF (imprimé par Chromium)", "en document Word (DOCX), à modifier", "les deux"]
    choix = asker.choisir("Écrire aussi le rapport dans un autre format ?", formats, 1)
    if choix in (2, 4):
        from entadvisor.report.render import print_report

        print_report(advice, chemin.with_suffix(".pdf"), html_path=chemin)
        _echo(f"PDF écrit : {chemin.with_suffix('.pdf')}")
    if choix in (3, 4):
        from entadvisor.report.docx import write_docx

        write_docx(advice, chemin.with_suffix(".docx"))
        _echo(f"Document Word écrit : {chemin.with_suffix('.docx')}")
    return 0
