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
import shlex
import signal
import sys
import textwrap
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import click

from entadvisor._files import exclusive_lock
from entadvisor.advice import Advice
from entadvisor.answers import Answers
from entadvisor.api import evaluate
from entadvisor.engine.knowledge import Knowledge, load_knowledge
from entadvisor.errors import EntreeInvalide
from entadvisor.questionnaire.fichier import FichierReponses
from entadvisor.questionnaire.loader import load_questionnaire
from entadvisor.questionnaire.model import Questionnaire
from entadvisor.questionnaire.parcours import Parcours, executer
from entadvisor.questionnaire.reponses_partielles import lire_reponses_partielles
from entadvisor.questionnaire.saisie import PlainAsker, echo, largeur, paragraphe
from entadvisor.report.docx import write_docx
from entadvisor.report.render import print_report, write_report
from entadvisor.report.text import advice_summary, advice_text

DEFAUT_SORTIE = Path("reponses-ent.yaml")
"""The answer file written when ``-o`` is not given, in the current folder."""

CODE_INTERRUPTION = 130

# --- the session --------------------------------------------------------------------------------

Conseiller = Callable[[Answers], tuple[Any, str]]
"""Answers → (advice, its text). The default calls the engine; tests pass a stub."""


def _conseiller_par_defaut(date_analyse: dt.date | None, connaissances: Knowledge | None) -> Conseiller:
    def conseiller(answers: Answers) -> tuple[Any, str]:
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
    cible = sortie or reprendre or DEFAUT_SORTIE
    depart = _reponses_de_depart(modele, cible, reprendre, remplacer, asker, interactif)
    if isinstance(depart, int):
        return depart
    reponses, inconnues, reprendre = depart
    connaissances = (
        load_knowledge(regles) if regles is not None else None
    )  # broken: fails before the questions
    fichier = FichierReponses(
        cible,
        _commande_reprise(cible, date_analyse, regles, questionnaire),
        deja_ecrit=_meme_fichier(cible, reprendre),
    )
    parcours = Parcours(modele, reponses, inconnues)
    _introduction(modele.titre, modele.introduction, parcours, cible, reprendre)
    try:
        if parcours.nombre_reponses() and not fichier.ecrit:
            fichier.enregistrer(parcours)
        answers = executer(parcours, asker, fichier.enregistrer, source=str(cible))
        fichier.enregistrer(parcours)
    except (click.Abort, KeyboardInterrupt):
        _interruption(parcours.nombre_reponses(), cible, fichier.commande, fichier.ecrit)
        return CODE_INTERRUPTION
    echo()
    echo(f"Réponses enregistrées dans {cible}.")
    try:
        advice, texte = (conseiller or _conseiller_par_defaut(date_analyse, connaissances))(answers)
        echo()
        _afficher_conseil(advice, texte, cible, asker, interactif)
        return _proposer_rapport(advice, cible, asker, interactif)
    except (click.Abort, KeyboardInterrupt):
        echo()
        paragraphe(
            f"Interrompu. Vos réponses, complètes, sont dans {cible} ; pour le conseil et le rapport :"
        )
        echo(f"  entadvisor conseil {_q(cible)} --html {_q(cible.with_suffix('.html'))}")
        return CODE_INTERRUPTION


Depart = tuple[dict[str, Any], set[str], Path | None]
"""The answers to start from, the questions answered « je ne sais pas », the file resumed (if any)."""


def _reponses_de_depart(
    modele: Questionnaire,
    cible: Path,
    reprendre: Path | None,
    remplacer: bool,
    asker: PlainAsker,
    interactif: bool,
) -> Depart | int:
    """The answers to start from; an exit code when the user keeps an existing file or interrupts."""
    reponses: dict[str, Any] = {}
    inconnues: set[str] = set()
    if reprendre is not None:
        reponses, inconnues = lire_reponses_partielles(reprendre, modele)
    if cible.is_dir():
        raise EntreeInvalide(
            str(cible), "c'est un dossier ; indiquez un fichier, par exemple -o reponses-ent.yaml."
        )
    if not cible.exists() or remplacer or _meme_fichier(cible, reprendre):
        return reponses, inconnues, reprendre
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
            decision = 2 if asker.confirmer(f"Le fichier {cible} existe déjà. Le remplacer ?", False) else 3
    except click.Abort:
        echo()
        echo(f"Interrompu : rien n'a été modifié dans {cible}.")
        return CODE_INTERRUPTION
    if decision == 3:
        echo(f"Rien n'a été modifié dans {cible}.")
        return 1
    return reponses, inconnues, reprendre


def _introduction(
    titre: str, introduction: str, parcours: Parcours, cible: Path, reprendre: Path | None
) -> None:
    nombre = len(parcours.revue()) if parcours.en_revue else parcours.position().total
    sections = len(parcours.questionnaire.sections)
    entete = f"Questionnaire « {titre} » — {sections} sections, environ {nombre} questions (une dizaine de minutes)."
    for ligne in textwrap.wrap(entete, largeur()):  # the width of the terminal, like every paragraph
        echo(click.style(ligne, bold=True))
    paragraphe(introduction)
    echo("À chaque question :")
    echo("  ?       explique pourquoi elle est posée et ce que la réponse change ;")
    echo("  <       revient à la question précédente ;")
    echo("  Entrée  garde la valeur proposée entre [crochets] ;")
    echo("  nsp     répond « je ne sais pas », quand la question le permet.")
    paragraphe(
        f"Vos réponses sont enregistrées au fur et à mesure dans {cible} ; Ctrl-C interrompt le "
        "questionnaire, que vous pourrez reprendre plus tard."
    )
    if reprendre is not None:
        echo()
        n = parcours.nombre_reponses()
        deja = f"{n} réponse déjà donnée" if n == 1 else f"{n} réponses déjà données"
        suite = (
            "toutes les questions ont une réponse : voici le récapitulatif."
            if parcours.en_revue
            else f"reprise à la question {parcours.position().numero}."
        )
        echo(f"Reprise de {reprendre} : {deja} ; {suite}")


def _interruption(nombre: int, cible: Path, commande: str, ecrit: bool) -> None:
    echo()
    if not ecrit:
        paragraphe("Questionnaire interrompu avant la première réponse : aucun fichier n'a été écrit.")
        return
    quoi = "Votre réponse est enregistrée" if nombre == 1 else f"Vos {nombre} réponses sont enregistrées"
    echo(f"Questionnaire interrompu. {quoi} dans {cible}.")
    echo("Pour reprendre à la première question sans réponse :")
    echo(f"  {commande}")


def _afficher_conseil(advice: Any, texte: str, cible: Path, asker: PlainAsker, interactif: bool) -> None:
    """At a terminal, the short summary first and the full advice on request, through a pager (the
    full advice is some 150 lines); piped, the full advice on stdout, for the program that reads it."""
    if not interactif or not isinstance(advice, Advice):
        click.echo(texte)
        return
    click.echo(advice_summary(advice))
    echo()
    lignes = texte.count("\n") + 1
    if asker.confirmer(
        f"Afficher le conseil complet ({lignes} lignes : raisons, calendrier, vigilance, préparation) ?",
        defaut=False,
    ):
        click.echo_via_pager(texte)
    else:
        echo(f"Le conseil complet, à tout moment : entadvisor conseil {_q(cible)}")


def _proposer_rapport(advice: Any, cible: Path, asker: PlainAsker, interactif: bool) -> int:
    """Offer the HTML report (and PDF, DOCX) when a person is at the terminal; piped, say the command."""
    html = cible.with_suffix(".html")
    if not interactif:
        echo("Pour le rapport HTML :")
        echo(f"  entadvisor conseil {_q(cible)} --html {_q(html)}")
        return 0
    echo()
    if not asker.confirmer("Écrire le rapport HTML pour les élus ?", defaut=True):
        return 0
    chemin = Path(asker.saisir("Fichier du rapport", str(html)))
    if chemin.exists() and not asker.confirmer(f"Le fichier {chemin} existe déjà. Le remplacer ?", False):
        echo(f"Rapport non écrit ; {chemin} n'a pas été modifié.")
        return 0
    write_report(advice, chemin)
    echo(f"Rapport écrit : {chemin}")
    formats = ["non", "en PDF (imprimé par Chromium)", "en document Word (DOCX), à modifier", "les deux"]
    choix = asker.choisir("Écrire aussi le rapport dans un autre format ?", formats, 1)
    if choix in (2, 4):
        print_report(advice, chemin.with_suffix(".pdf"), html_path=chemin)
        echo(f"PDF écrit : {chemin.with_suffix('.pdf')}")
    if choix in (3, 4):
        write_docx(advice, chemin.with_suffix(".docx"))
        echo(f"Document Word écrit : {chemin.with_suffix('.docx')}")
    return 0
