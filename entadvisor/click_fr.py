"""French for the words click itself prints (usage, help headings, usage errors).

click marks its messages for translation with ``gettext`` (``_(…)``/``ngettext(…)``) looked up at
call time in each of its modules. Without a ``.mo`` catalogue, this module gives those modules a
translation function backed by a small table; a message missing from the table stays in English.
Everything else the CLI prints is written in French at the source.
"""

from __future__ import annotations

import importlib

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
