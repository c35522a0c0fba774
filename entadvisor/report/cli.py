"""``entadvisor rapport``: the report for the elected officials (:mod:`entadvisor.report.render`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click

from entadvisor.click_fr import (
    CONTEXT,
    handle_errors,
    knowledge_of,
    option_date,
    option_docx,
    option_regles,
    write_docx_option,
)


@click.command(context_settings=CONTEXT)
@click.argument("fichier", type=click.Path(path_type=Path))
@click.option(
    "-o",
    "--sortie",
    "sortie",
    type=click.Path(path_type=Path),
    default=None,
    help="Fichier HTML du rapport à écrire (un seul fichier autonome, à joindre à un courriel).",
)
@click.option(
    "--pdf",
    "pdf",
    type=click.Path(path_type=Path),
    default=None,
    help="Écrit aussi le rapport en PDF (A4, balisé), imprimé par le Chromium de la machine.",
)
@option_docx
@click.option(
    "--annexes",
    is_flag=True,
    help="Imprime aussi les annexes techniques (règles, textes, paramètres, glossaire, limites) dans le PDF.",
)
@click.option("--sensibilite", is_flag=True, help="Ajoute la section « Ce qui changerait le conseil ».")
@option_date
@option_regles
@handle_errors
def rapport(
    fichier: Path,
    sortie: Path | None,
    pdf: Path | None,
    docx: Path | None,
    annexes: bool,
    sensibilite: bool,
    date_analyse: dt.date | None,
    regles: Path | None,
) -> None:
    """Écrit le rapport pour les élus (note d'aide à la décision) d'un fichier de réponses.

    Trois parties : la note aux élus (deux pages au plus), le dossier, et les annexes techniques,
    imprimées seulement avec --annexes. Le rapport HTML tient en un seul fichier (styles et
    graphiques intégrés, sans script ni ressource externe) ; il s'imprime tel quel. Avec --pdf,
    le PDF est produit par Chromium (« apt-get install chromium » et, de préférence,
    « pip install playwright »). Avec --docx, la note et le projet d'acte sont écrits en
    document Word, à modifier dans un traitement de texte.
    """
    from entadvisor._files import check_output
    from entadvisor.answer_files import load_answers
    from entadvisor.api import evaluate
    from entadvisor.report.render import print_report, write_report

    if sortie is None and pdf is None and docx is None:
        raise click.UsageError(
            "indiquez au moins un fichier à écrire : -o rapport.html, --pdf rapport.pdf ou --docx note.docx."
        )
    for chemin, quoi in ((sortie, "le rapport HTML"), (pdf, "le PDF"), (docx, "le document Word")):
        if chemin is not None:
            check_output(chemin, what=quoi)
    answers = load_answers(fichier, date_analyse=date_analyse)
    advice = evaluate(answers, as_of=date_analyse, knowledge=knowledge_of(regles), sensibilite=sensibilite)
    if pdf is not None:  # the HTML too, with the printed pages of its table of contents
        print_report(advice, pdf, annexes=annexes, html_path=sortie)
    elif sortie is not None:
        write_report(advice, sortie, annexes=annexes)
    if sortie is not None:
        click.echo(f"Rapport écrit : {sortie}", err=True)
    if pdf is not None:
        click.echo(f"PDF écrit : {pdf}", err=True)
    write_docx_option(advice, docx)
