"""The ``entadvisor`` command: a thin layer that parses options, calls the library and prints.

Every user-facing word is French. Bad input is an :class:`EntreeInvalide`, printed as
``Erreur : …`` on stderr with exit code 1; misuse of the command exits with 2 (click's usage
errors); an interrupted questionnaire exits with 130. Heavy modules (pydantic, experta, jinja2)
are imported inside the commands so that ``entadvisor --help`` stays fast.
"""

from __future__ import annotations

import datetime as dt
import functools
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from entadvisor import __version__, click_fr

click_fr.install()

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class FrenchGroup(click.Group):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] COMMANDE [ARGUMENTS]...")

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Ctrl-C anywhere (even while the modules load) exits 130, as the README says, not click's 1."""
        import signal

        interrompu: list[bool] = []

        def ctrl_c(signum: int, frame: Any) -> None:
            interrompu.append(True)
            raise KeyboardInterrupt

        try:
            precedent = signal.signal(signal.SIGINT, ctrl_c)
        except ValueError:  # not the main thread
            precedent = None
        try:
            return super().main(*args, **kwargs)
        except SystemExit as exc:
            if interrompu and exc.code == 1:
                raise SystemExit(130) from None
            raise
        finally:
            if precedent is not None:
                signal.signal(signal.SIGINT, precedent)


def handle_errors(function: F) -> F:
    """Turn bad input into « Erreur : … » and exit 1, never a traceback."""

    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from entadvisor.errors import EntreeInvalide

        try:
            return function(*args, **kwargs)
        except EntreeInvalide as exc:
            click.echo(f"Erreur : {exc}", err=True)
            sys.exit(1)
        # the reader stopped (`entadvisor regles | head`): nothing to say, as other tools do
        except BrokenPipeError:
            import os

            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
            sys.exit(0)
        except OSError as exc:  # a system error not foreseen by the library: in French, never a traceback
            from entadvisor.errors import os_message, visible

            where = f"{visible(str(exc.filename))} : " if exc.filename else ""
            click.echo(f"Erreur : {where}{os_message(exc)}.", err=True)
            sys.exit(1)
        except Exception as exc:
            from entadvisor.errors import EvaluationError, RunawayRules

            if not isinstance(exc, (EvaluationError, RunawayRules)):
                raise
            click.echo(
                f"Erreur : évaluation impossible, la base de connaissances est en défaut : {exc}", err=True
            )
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


class DateType(click.ParamType):
    name = "AAAA-MM-JJ"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dt.date:
        if isinstance(value, dt.date):
            return value
        from entadvisor.answers import DATE_ANALYSE_MAX, DATE_ANALYSE_MIN
        from entadvisor.errors import visible

        try:
            date = dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(
                f"« {visible(str(value))} » n'est pas une date AAAA-MM-JJ (par exemple 2027-01-15).",
                param,
                ctx,
            )
        if not DATE_ANALYSE_MIN <= date <= DATE_ANALYSE_MAX:
            self.fail(
                f"« {value} » est hors des bornes : la date d'analyse est entre {DATE_ANALYSE_MIN.isoformat()} "
                f"et {DATE_ANALYSE_MAX.isoformat()}.",
                param,
                ctx,
            )
        return date


DATE = DateType()

option_date = click.option(
    "--date-analyse",
    "date_analyse",
    type=DATE,
    default=None,
    help="Date de l'analyse (par défaut : aujourd'hui). Les seuils sont ceux en vigueur à la date de lancement "
    "prévue si elle est donnée, sinon à cette date.",
)
option_regles = click.option(
    "--regles",
    "regles",
    type=click.Path(file_okay=False, exists=True, path_type=Path),
    default=None,
    metavar="DOSSIER",
    help="Dossier d'une base de connaissances modifiée (règles et paramètres) à la place de celle fournie.",
)


def _knowledge(regles: Path | None) -> Any:
    from entadvisor.engine.knowledge import load_knowledge

    return load_knowledge(regles)


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
@click.option(
    "--docx",
    "docx",
    type=click.Path(path_type=Path),
    default=None,
    help="Écrit aussi la note aux élus et le projet d'acte en document Word (DOCX), à modifier.",
)
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
    advice = evaluate(answers, as_of=date_analyse, knowledge=_knowledge(regles), sensibilite=sensibilite)
    if html is not None:
        from entadvisor.report.render import write_report

        write_report(advice, html)
        click.echo(f"Rapport écrit : {html}", err=True)
    if docx is not None:
        from entadvisor.report.docx import write_docx

        write_docx(advice, docx)
        click.echo(f"Document Word écrit : {docx}", err=True)
    if as_json:
        click.echo(advice.to_json())
    else:
        click.echo(advice_text(advice))


@main.command(context_settings=CONTEXT)
@option_regles
@handle_errors
def regles(regles: Path | None) -> None:
    """Liste les règles de la base de connaissances (identifiant, titre, références)."""
    knowledge = _knowledge(regles)
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
        connaissances=_knowledge(regles) if regles is not None else None,
        questionnaire=questionnaire_fichier,
    )


# --- evaluer (issue 4) -----------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
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
@click.option(
    "-j",
    "--processus",
    "processus",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Nombre de processus d'évaluation en parallèle (par défaut : le nombre de cœurs).",
)
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
    if not chemins:
        raise click.UsageError(
            "indiquez au moins un fichier de réponses ou un dossier, par exemple « reponses/ »."
        )
    if sortie is None:
        raise click.UsageError(
            "indiquez le dossier des résultats avec -o DOSSIER, par exemple « -o resultats »."
        )
    from entadvisor._files import check_output

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
        click.echo(
            f"Interrompu. Les conseils déjà écrits dans {sortie} sont complets ; la synthèse n'a pas été "
            "écrite. Relancez la même commande avec --ecraser pour tout recommencer.",
            err=True,
        )
        sys.exit(130)
    click.echo(bilan.resume(), err=True)
    sys.exit(bilan.code_sortie)


# --- rapport (issue 5) -----------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
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
@click.option(
    "--docx",
    "docx",
    type=click.Path(path_type=Path),
    default=None,
    help="Écrit la note aux élus et le projet d'acte en document Word (DOCX), à modifier.",
)
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
    advice = evaluate(answers, as_of=date_analyse, knowledge=_knowledge(regles), sensibilite=sensibilite)
    if pdf is not None:  # the HTML too, with the printed pages of its table of contents
        print_report(advice, pdf, annexes=annexes, html_path=sortie)
    elif sortie is not None:
        write_report(advice, sortie, annexes=annexes)
    if sortie is not None:
        click.echo(f"Rapport écrit : {sortie}", err=True)
    if pdf is not None:
        click.echo(f"PDF écrit : {pdf}", err=True)
    if docx is not None:
        from entadvisor.report.docx import write_docx

        write_docx(advice, docx)
        click.echo(f"Document Word écrit : {docx}", err=True)


# --- verifier (issue 6) ----------------------------------------------------------------------------


@main.command(context_settings=CONTEXT)
@option_regles
@click.option(
    "-j",
    "--jobs",
    "jobs",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Nombre de processus en parallèle (par défaut : le nombre de cœurs).",
)
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
    help="Balayage complet (plus de 100 000 cas, plusieurs minutes) au lieu du balayage par défaut.",
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
    jobs: int | None,
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
        jobs=jobs,
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
