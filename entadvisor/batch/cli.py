"""``entadvisor evaluer``: many answer files evaluated at once (:mod:`entadvisor.batch.run`)."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import NoReturn

import click

from entadvisor.click_fr import (
    CONTEXT,
    handle_errors,
    option_date,
    option_processus,
    option_regles,
)


@click.command(context_settings=CONTEXT)
@click.argument("chemins", nargs=-1, type=click.Path(path_type=Path), metavar="CHEMINS...")
@click.option(
    "-o",
    "--sortie",
    "sortie",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Dossier des résultats (créé s'il n'existe pas ; refusé s'il n'est pas vide, sauf avec --ecraser).",
)
@option_processus("Nombre de processus d'évaluation en parallèle (par défaut : le nombre de cœurs).")
@click.option(
    "--html",
    "html",
    is_flag=True,
    help="Écrit aussi le rapport de chaque projet et un index.html comparatif.",
)
@click.option(
    "--ecraser",
    is_flag=True,
    help="Remplace les résultats d'une évaluation précédente dans DOSSIER (seuls les fichiers qu'elle a écrits).",
)
@click.option(
    "--complet",
    is_flag=True,
    help="Inclut aussi chaque conseil complet dans synthese.json (deux fois plus de place sur le disque).",
)
@click.option(
    "--compresser",
    is_flag=True,
    help="Écrit chaque conseil compressé par gzip (avis/<nom>.json.gz, bien moins de place) : pour des dizaines de milliers de fichiers.",
)
@option_date
@option_regles
@handle_errors
def evaluer(
    chemins: tuple[Path, ...],
    sortie: Path | None,
    processus: int | None,
    html: bool,
    ecraser: bool,
    complet: bool,
    compresser: bool,
    date_analyse: dt.date | None,
    regles: Path | None,
) -> None:
    """Évalue en une fois de nombreux fichiers de réponses (une commune, un EPCI… par fichier).

    CHEMINS sont des fichiers de réponses ou des dossiers, parcourus avec leurs sous-dossiers
    (*.yaml, *.yml, *.json). Les fichiers sont évalués en parallèle, tous à la même date d'analyse,
    et les résultats rangés dans l'ordre des chemins. DOSSIER reçoit synthese.csv (une ligne par
    fichier, pour un tableur : UTF-8, séparateur « ; », virgule décimale, codes et libellés),
    synthese.json (les mêmes lignes et les effectifs ; avec --complet, chaque conseil), avis/ (le
    conseil JSON de chaque fichier) et, avec --html, rapports/ et index.html (tableau comparatif, par
    dossier, qui mène à chaque rapport).

    Un fichier illisible ou invalide n'arrête pas l'évaluation : il est signalé avec son message et
    compté. Code de sortie : 0 si tous les fichiers ont été évalués, 1 si l'un d'eux est en erreur,
    130 si l'évaluation est interrompue (Ctrl-C).

    Exemple : entadvisor evaluer reponses/ -o resultats --html
    """
    sortie = _dossier_des_resultats(chemins, sortie)
    from entadvisor._files import check_output  # inside the command: ``entadvisor --help`` stays fast

    check_output(sortie, what="les résultats", folder=True)
    try:
        from entadvisor.batch.run import evaluer_fichiers

        bilan = evaluer_fichiers(
            chemins,
            sortie,
            jobs=processus,
            html=html,
            as_of=date_analyse,
            regles=regles,
            ecraser=ecraser,
            complet=complet,
            compresser=compresser,
        )
    except KeyboardInterrupt:  # before the evaluation started, or while it was being shut down
        _interrompu(sortie)
    click.echo(bilan.resume(), err=True)
    sys.exit(bilan.code_sortie)


def _dossier_des_resultats(chemins: tuple[Path, ...], sortie: Path | None) -> Path:
    """The output folder; misuse (exit code 2) when no answer file or folder, or no output folder, is given."""
    if not chemins:
        raise click.UsageError(
            "indiquez au moins un fichier de réponses ou un dossier, par exemple « reponses/ »."
        )
    if sortie is None:
        raise click.UsageError(
            "indiquez le dossier des résultats avec -o DOSSIER, par exemple « -o resultats »."
        )
    return sortie


def _interrompu(sortie: Path) -> NoReturn:
    """Ctrl-C outside the run's own handling: say what is left, exit with 130."""
    click.echo(
        f"Interrompu. Les conseils déjà écrits dans {sortie} sont complets ; la synthèse n'a pas été "
        "écrite. Relancez la même commande avec --ecraser pour tout recommencer.",
        err=True,
    )
    sys.exit(130)
