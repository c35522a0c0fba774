"""``entadvisor verifier``: the verification of the knowledge base (:mod:`entadvisor.verify.run`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from entadvisor.click_fr import (
    CONTEXT,
    handle_errors,
    option_processus,
    option_regles,
)


@click.command(context_settings=CONTEXT)
@option_regles
@option_processus("Nombre de processus en parallèle (par défaut : le nombre de cœurs).")
@click.option(
    "--sortie",
    "sortie",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("verification-echecs"),
    show_default=True,
    metavar="DOSSIER",
    help="Dossier où écrire un fichier de réponses reproductible par cas en échec.",
)
@click.option(
    "--reference",
    "reference",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Paramètres de référence du contrôle des seuils (dossier de paramètres ou base de connaissances). "
    "Par défaut : ceux de la base fournie, pour qu'un seuil modifié dans --regles soit signalé.",
)
@click.option(
    "--complet",
    is_flag=True,
    help="Balayage complet (plus de 100 000 cas, 2 minutes environ avec -j 2) au lieu du balayage par défaut.",
)
@click.option(
    "--rapide", is_flag=True, help="Échantillon de 500 cas répartis sur tout le balayage (quelques secondes)."
)
@click.option(
    "--limite",
    "limite",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Au plus N cas, répartis sur tout le balayage.",
)
@click.option(
    "--filtrage",
    "filtrage",
    type=click.Choice(["compile", "rete"]),
    default=None,
    help="Filtrage du moteur : règles compilées (par défaut) ou réseau Rete d'experta (la référence).",
)
@handle_errors
def verifier(
    regles: Path | None,
    processus: int | None,
    sortie: Path,
    reference: Path | None,
    complet: bool,
    rapide: bool,
    limite: int | None,
    filtrage: str | None,
) -> None:
    """Vérifie la base de connaissances : complétude, cohérence, règles jamais déclenchées.

    Balaie l'espace des réponses (toutes les combinaisons des réponses qui décident, de part et
    d'autre de chaque seuil et de chaque date de changement des paramètres) et contrôle chaque cas :
    une seule voie, une seule procédure conforme aux seuils en vigueur, une expérimentation décidée,
    un contrat dans la durée légale du 1er septembre au 31 août, un calendrier dans l'ordre, des
    références pour chaque règle. Signale les règles qui concluent différemment sur une même
    question et celles qui ne se déclenchent jamais.

    Code de sortie 1 en cas d'échec ; chaque cas en échec est écrit dans --sortie comme un fichier
    de réponses, avec sa date d'analyse en commentaire.
    """
    from entadvisor.verify.run import MODES, verify

    if rapide and limite is None:
        limite = MODES["rapide"]

    def progression(fait: int, total: int) -> None:
        if sys.stderr.isatty():
            click.echo(f"\r{fait}/{total} cas vérifiés", nl=False, err=True)

    rapport = verify(
        regles,
        reference=reference,
        jobs=processus,
        complet=complet,
        limite=limite,
        sortie=sortie,
        progression=progression,
        filtrage=filtrage,
    )
    if sys.stderr.isatty():
        click.echo("", err=True)
    click.echo(rapport.texte())
    if not rapport.ok:
        sys.exit(1)
