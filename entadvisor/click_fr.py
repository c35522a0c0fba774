"""The French command line's shared parts, and French for the words click itself prints.

The shared parts of every command (:mod:`entadvisor.cli` and the commands of the subpackages,
``batch/cli.py``, ``report/cli.py``, ``verify/cli.py``): the group that exits 130 on Ctrl-C,
:func:`handle_errors` (bad input → « Erreur : … », exit 1, never a traceback), the options
``--date-analyse``, ``--regles`` and ``--docx``.

click marks its messages for translation with ``gettext`` (``_(…)``/``ngettext(…)``) looked up at
call time in each of its modules. Without a ``.mo`` catalogue, this module gives those modules a
translation function backed by a small table; a message missing from the table stays in English.
Everything else the CLI prints is written in French at the source.
"""

from __future__ import annotations

import datetime as dt
import functools
import importlib
import signal
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

MESSAGES = {
    "Usage:": "Usage :",
    "Options": "Options",
    "Commands": "Commandes",
    "Positional arguments": "Arguments",
    "Show this message and exit.": "Affiche cette aide et quitte.",
    "Show the version and exit.": "Affiche la version et quitte.",
    "Error: {message}": "Erreur : {message}",
    "Try '{command} {option}' for help.": "Essayez « {command} {option} » pour l'aide.",
    "Invalid value: {message}": "Valeur invalide : {message}",
    "Invalid value for {param_hint}: {message}": "Valeur invalide pour {param_hint} : {message}",
    "Missing argument": "Argument manquant",
    "Missing option": "Option manquante",
    "Missing parameter": "Paramètre manquant",
    "Missing {param_type}": "{param_type} manquant",
    "Missing parameter: {param_name}": "Paramètre manquant : {param_name}",
    "Missing command.": "Commande manquante.",
    "No such option {name!r}.": "Option inconnue : {name}.",
    "No such command {name!r}.": "Commande inconnue : {name}.",
    "Option {name!r} does not take a value.": "L'option {name} ne prend pas de valeur.",
    "Could not open file {filename!r}: {message}": "Impossible d'ouvrir le fichier {filename} : {message}",
    "Aborted!": "Interrompu.",
    "unknown error": "erreur inconnue",
    "default: {default}": "par défaut : {default}",
    "required": "obligatoire",
    "file": "fichier",
    "directory": "dossier",
    "path": "chemin",
    "{name} {filename!r} does not exist.": "{name} « {filename} » introuvable.",
    "{name} {filename!r} is a directory.": "{name} « {filename} » est un dossier.",
    "{name} {filename!r} is a file.": "{name} « {filename} » est un fichier.",
    "{name} {filename!r} is not readable.": "{name} « {filename} » illisible (droits insuffisants).",
    "{name} {filename!r} is not writable.": "{name} « {filename} » non modifiable (droits insuffisants).",
    "{value!r} is not a valid {number_type}.": "« {value} » n'est pas un nombre valide ({number_type}).",
    "{value} is not in the range {range}.": "{value} est hors de l'intervalle {range}.",
    "%(prog)s, version %(version)s": "%(prog)s, version %(version)s",
    "Repeat for confirmation": "Répétez pour confirmer",
    "Error: The two entered values do not match.": "Erreur : les deux valeurs saisies diffèrent.",
    "Error: invalid input": "Erreur : saisie invalide",
    "Do you want to continue?": "Voulez-vous continuer ?",
}

PLURALS = {
    "Got unexpected extra argument ({args})": (
        "Argument en trop : {args}",
        "Arguments en trop : {args}",
    ),
    "Did you mean {possibility}?": (
        "Vouliez-vous dire {possibility} ?",
        "(Vouliez-vous dire l'une de ces possibilités : {possibilities} ?)",
    ),
    "Option {name!r} requires an argument.": (
        "L'option {name} attend une valeur.",
        "L'option {name} attend {nargs} valeurs.",
    ),
    "{value!r} is not {choice}.": (
        "« {value} » n'est pas permis ; valeur permise : {choice}.",
        "« {value} » n'est pas permis ; valeurs permises : {choices}.",
    ),
}

_MODULES = ("core", "exceptions", "formatting", "decorators", "types", "parser", "termui")


def _gettext(message: str) -> str:
    return MESSAGES.get(message, message)


def _ngettext(singular: str, plural: str, n: int) -> str:
    french = PLURALS.get(singular)
    if french is None:
        return singular if n == 1 else plural
    return french[0] if n == 1 else french[1]


def install() -> None:
    """Point click's translation hooks at the French table (idempotent)."""
    for name in _MODULES:
        module = importlib.import_module(f"click.{name}")
        if hasattr(module, "_"):
            module._ = _gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ngettext  # type: ignore[attr-defined]


install()  # before any command is built: click.Path names its metavar (« CHEMIN ») when it is made


# --- the shared parts of the commands -----------------------------------------------------------

F = TypeVar("F", bound=Callable[..., Any])

CONTEXT = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class FrenchGroup(click.Group):
    def format_usage(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        formatter.write_usage(ctx.command_path, "[OPTIONS] COMMANDE [ARGUMENTS]...")

    def main(self, *args: Any, **kwargs: Any) -> Any:
        """Ctrl-C anywhere (even while the modules load) exits 130, as the README says, not click's 1."""
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
        except Exception:
            if not interrompu:
                raise
            # Ctrl-C inside an import can come out as another error (a class's __set_name__ wraps it)
            click.echo("Interrompu.", err=True)
            raise SystemExit(130) from None
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


def knowledge_of(regles: Path | None) -> Any:
    """The knowledge base of ``--regles`` (None: the bundled one), imported only when a command runs."""
    from entadvisor.engine.knowledge import load_knowledge

    return load_knowledge(regles)


def option_processus(help: str) -> Callable[[F], F]:
    """``-j N`` / ``--processus N``: how many processes work in parallel (``evaluer``, ``verifier``)."""
    return click.option(
        "-j",
        "--processus",
        "processus",
        type=click.IntRange(min=1),
        default=None,
        metavar="N",
        help=help,
    )


def option_docx(function: F) -> F:
    """``--docx FICHIER``: the note to the elected officials and the draft act as a Word document."""
    return click.option(
        "--docx",
        "docx",
        type=click.Path(path_type=Path),
        default=None,
        help="Écrit la note aux élus et le projet d'acte en document Word (DOCX), à modifier.",
    )(function)


def write_docx_option(advice: Any, docx: Path | None) -> None:
    """Write the ``--docx`` document, if one was asked, and say so on stderr."""
    if docx is None:
        return
    from entadvisor.report.docx import write_docx

    write_docx(advice, docx)
    click.echo(f"Document Word écrit : {docx}", err=True)
