"""The ``entadvisor`` command: a thin layer that parses options, calls the library and prints.

Every user-facing word is French. Bad input is an :class:`EntreeInvalide`, printed as
``Erreur : …`` on stderr with exit code 1; misuse of the command exits with 2 (click's usage
errors); an interrupted questionnaire exits with 130. Heavy modules (pydantic, experta, jinja2)
are imported inside the commands so that ``entadvisor --help`` stays fast.

The commands of a subpackage live beside the code they drive (``evaluer`` in
:mod:`entadvisor.batch.cli`, ``rapport`` in :mod:`entadvisor.report.cli`, ``verifier`` in
:mod:`entadvisor.verify.cli`); the options and error handling they share are
:mod:`entadvisor.click_fr`.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

from entadvisor import __version__
from entadvisor.batch.cli import evaluer
from entadvisor.click_fr import (
    CONTEXT,
    FrenchGroup,
    handle_errors,
    knowledge_of,
    option_date,
    option_docx,
    option_regles,
    write_docx_option,
)
from entadvisor.report.cli import rapport
from entadvisor.verify.cli import verifier


@click.group(cls=FrenchGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", message="entadvisor %(version)s", help="Affiche la version.")
def main() -> None:
    """Conseil pour déployer un ENT (espace numérique de travail) dans les écoles du premier degré.

    À partir des réponses d'un questionnaire, le système expert recommande une voie et une procédure
    d'achat, une éventuelle phase d'expérimentation, la durée et la structure du contrat, un calendrier
    et les points de préparation du guide ; chaque conclusion est justifiée par les règles appliquées
    et leurs références juridiques.

    Le conseil est une aide : la décision et son contrôle juridique appartiennent à l'acheteur.
    """


# --- conseil, regles, schema, demo (knowledge base and engine) -------------------------------------


@main.command(context_settings=CONTEXT)
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Affiche le conseil au format JSON (voir le README).")
@click.option(
    "--html",
    "html",
    type=click.Path(path_type=Path),
    default=None,
    help="Écrit aussi le rapport HTML pour les élus dans ce fichier.",
)
@option_docx
@click.option(
    "--sensibilite", is_flag=True, help="Ajoute ce qui changerait le conseil (analyse de sensibilité)."
)
@option_date
@option_regles
@handle_errors
def conseil(
    fichier: Path,
    as_json: bool,
    html: Path | None,
    docx: Path | None,
    sensibilite: bool,
    date_analyse: dt.date | None,
    regles: Path | None,
) -> None:
    """Donne le conseil pour un fichier de réponses (YAML ou JSON)."""
    from entadvisor._files import check_output
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate
    from entadvisor.report.text import advice_text

    if html is not None:
        check_output(html, what="le rapport HTML")
    answers = load_answers(fichier, date_analyse=date_analyse)
    advice = evaluate(answers, as_of=date_analyse, knowledge=knowledge_of(regles), sensibilite=sensibilite)
    if html is not None:
        from entadvisor.report.render import write_report

        write_report(advice, html)
        click.echo(f"Rapport écrit : {html}", err=True)
    write_docx_option(advice, docx)
    if as_json:
        click.echo(advice.to_json())
    else:
        click.echo(advice_text(advice))


@main.command(context_settings=CONTEXT)
@option_regles
@handle_errors
def regles(regles: Path | None) -> None:
    """Liste les règles de la base de connaissances (identifiant, titre, références)."""
    knowledge = knowledge_of(regles)
    click.echo(
        f"Base de connaissances {knowledge.version} — {len(knowledge.rules)} règles ({knowledge.source})\n"
    )
    current = None
    for rule in knowledge.rules:
        if rule.module != current:
            current = rule.module
            click.echo(f"[{current}]")
        click.echo(f"  {rule.id:<34} {rule.titre}")
        click.echo(f"  {'':<34} {' ; '.join(rule.references)}")


@main.command(context_settings=CONTEXT)
def schema() -> None:
    """Affiche le schéma JSON (JSON Schema) d'un fichier de réponses."""
    import json

    from entadvisor.answers import Answers

    click.echo(json.dumps(Answers.model_json_schema(), ensure_ascii=False, indent=2))


@main.command(context_settings=CONTEXT)
@click.option(
    "--exemple",
    default="ville-12-ecoles",
    show_default=True,
    help="Nom d'un exemple de questionnaires/examples (sans extension).",
)
@option_date
@handle_errors
def demo(exemple: str, date_analyse: dt.date | None) -> None:
    """Donne le conseil pour un exemple fourni (une ville d'une douzaine d'écoles)."""
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate
    from entadvisor.engine.knowledge import examples_folder
    from entadvisor.report.text import advice_text

    folder = examples_folder()
    path = folder / f"{exemple}.yaml"
    if not path.exists():
        noms = ", ".join(sorted(p.stem for p in folder.glob("*.yaml")))
        raise click.BadParameter(
            f"exemple inconnu « {exemple} » ; exemples : {noms}.", param_hint="--exemple"
        )
    click.echo(f"Exemple : {path.name}\n", err=True)
    click.echo(advice_text(evaluate(load_answers(path, date_analyse=date_analyse), as_of=date_analyse)))


# --- questionnaire (issue 3) -----------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.option(
    "-o",
    "--sortie",
    "sortie",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FICHIER",
    help="Fichier de réponses à écrire (YAML, ou JSON si le nom finit par .json). Par défaut : "
    "reponses-ent.yaml dans le dossier courant, ou le fichier repris.",
)
@click.option(
    "--reprendre",
    "reprendre",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FICHIER",
    help="Reprend un fichier de réponses commencé, à la première question sans réponse.",
)
@click.option(
    "--remplacer",
    is_flag=True,
    help="Remplace le fichier de réponses s'il existe déjà, sans demander de confirmation.",
)
@click.option(
    "--questionnaire",
    "questionnaire_fichier",
    type=click.Path(path_type=Path),
    default=None,
    metavar="FICHIER",
    help="Fichier de questionnaire modifié, à la place de celui fourni.",
)
@option_date
@option_regles
@handle_errors
def questionnaire(
    sortie: Path | None,
    reprendre: Path | None,
    remplacer: bool,
    questionnaire_fichier: Path | None,
    date_analyse: dt.date | None,
    regles: Path | None,
) -> None:
    """Pose les questions du projet dans le terminal, puis donne le conseil.

    Chaque question est numérotée par section ; tapez ? pour savoir pourquoi elle est posée, < pour
    revenir à la question précédente, Entrée pour garder la valeur proposée entre crochets. Un
    récapitulatif permet de modifier n'importe quelle réponse avant le conseil.

    Les réponses sont enregistrées après chacune d'elles. Ctrl-C interrompt le questionnaire (code
    de sortie 130) et indique la commande pour le reprendre avec --reprendre. Un fichier existant
    n'est jamais remplacé sans confirmation.

    Sans terminal, les réponses peuvent être données sur l'entrée standard, une par ligne : les
    questions s'affichent sur la sortie d'erreur et le conseil sur la sortie standard.
    """
    from entadvisor.questionnaire.terminal import lancer_questionnaire

    code = lancer_questionnaire(
        sortie=sortie,
        reprendre=reprendre,
        remplacer=remplacer,
        date_analyse=date_analyse,
        regles=regles,
        questionnaire=questionnaire_fichier,
    )
    if code:
        sys.exit(code)


# --- web (issue 14) -------------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@click.option(
    "--dossier",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("projets-ent"),
    show_default=True,
    metavar="DOSSIER",
    help="Dossier des projets : un fichier de réponses par projet (créé au besoin).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True, help="Port d'écoute.")
@click.option(
    "--sans-navigateur", is_flag=True, help="N'ouvre pas le navigateur (affiche seulement l'adresse)."
)
@click.option(
    "--hote",
    default="127.0.0.1",
    show_default=True,
    metavar="ADRESSE",
    help="Adresse d'écoute ; toute autre que 127.0.0.1 ouvre les projets au réseau (un avertissement le dit).",
)
@click.option(
    "--questionnaire",
    "questionnaire_fichier",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    metavar="FICHIER",
    help="Fichier de questionnaire modifié, à la place de celui fourni.",
)
@option_date
@option_regles
@handle_errors
def web(
    dossier: Path,
    port: int,
    sans_navigateur: bool,
    hote: str,
    questionnaire_fichier: Path | None,
    date_analyse: dt.date | None,
    regles: Path | None,
) -> None:
    """Ouvre le questionnaire dans le navigateur, sur cet ordinateur (http://127.0.0.1:8765/).

    Une page par section, « Pourquoi cette question ? » sous chaque question, un récapitulatif où
    chaque réponse se modifie, puis le conseil et le rapport à télécharger (HTML, PDF si Chromium
    est installé). Chaque réponse est enregistrée aussitôt dans le fichier de réponses du projet,
    dans --dossier : un projet se reprend à tout moment, même après l'arrêt du serveur (Ctrl-C).
    """
    from .web import lancer

    lancer(
        dossier,
        port=port,
        hote=hote,
        ouvrir=not sans_navigateur,
        date_analyse=date_analyse,
        connaissances=knowledge_of(regles) if regles is not None else None,
        questionnaire=questionnaire_fichier,
    )


main.add_command(evaluer)
main.add_command(rapport)
main.add_command(verifier)
