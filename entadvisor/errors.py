"""The one domain error type: bad input, told in French, with the file, the field and the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Probleme:
    """One problem found in an input: where it is and what is allowed."""

    message: str
    champ: str | None = None
    ligne: int | None = None

    def localisation(self) -> str:
        parts = []
        if self.ligne is not None:
            parts.append(f"ligne {self.ligne}")
        if self.champ:
            parts.append(f"champ « {self.champ} »")
        return ", ".join(parts)


class EntreeInvalide(Exception):
    """Raised for every kind of bad input: unreadable file, malformed YAML/JSON, invalid answers.

    ``str(error)`` is a complete French message that can be shown as is to a user; the CLI prints
    it after ``Erreur : `` and exits with code 1.
    """

    def __init__(self, fichier: str | None, problemes: list[Probleme] | Probleme | str) -> None:
        if isinstance(problemes, str):
            problemes = [Probleme(problemes)]
        elif isinstance(problemes, Probleme):
            problemes = [problemes]
        self.fichier = fichier
        self.problemes: list[Probleme] = problemes
        super().__init__(self.message())

    def message(self) -> str:
        source = visible(self.fichier or "entrée")
        if len(self.problemes) == 1:
            probleme = self.problemes[0]
            ou = probleme.localisation()
            return f"{source}{', ' + visible(ou) if ou else ''} : {visible(probleme.message)}"
        lignes = [f"{source} : {len(self.problemes)} problèmes"]
        for probleme in self.problemes:
            ou = probleme.localisation()
            lignes.append(f"  - {visible(ou) + ' : ' if ou else ''}{visible(probleme.message)}")
        return "\n".join(lignes)


class EcritureImpossible(EntreeInvalide):
    """An output that cannot be written (a parent that is a file, a read-only folder, a full disk).

    Told like bad input (« Erreur : … », exit 1): the message names the file and what to do.
    """


_ERRNO_FR = {
    "EACCES": "droits insuffisants",
    "EPERM": "opération non permise",
    "ENOENT": "fichier ou dossier introuvable",
    "ENOTDIR": "un élément du chemin n'est pas un dossier",
    "EISDIR": "c'est un dossier",
    "EEXIST": "le fichier existe déjà",
    "ENOSPC": "disque plein",
    "EDQUOT": "quota de disque dépassé",
    "EROFS": "système de fichiers en lecture seule",
    "EIO": "erreur d'entrée-sortie du disque",
    "ENAMETOOLONG": "nom de fichier trop long",
    "ELOOP": "trop de liens symboliques",
    "EMFILE": "trop de fichiers ouverts",
    "ENFILE": "trop de fichiers ouverts",
    "EFBIG": "fichier trop gros",
    "EBUSY": "ressource occupée",
    "ETXTBSY": "fichier occupé",
    "EXDEV": "déplacement impossible entre deux disques",
    "EINVAL": "nom ou opération invalide",
    "ENXIO": "périphérique absent",
    "ENODEV": "périphérique absent",
    "EAGAIN": "ressource temporairement indisponible",
    "EWOULDBLOCK": "ressource temporairement indisponible",
}


def os_message(error: OSError) -> str:
    """A system error in French words (« disque plein », « droits insuffisants »), never its English text."""
    import errno

    name = errno.errorcode.get(error.errno or -1, "")
    return _ERRNO_FR.get(name, f"erreur système {name or error.errno or 'inconnue'}")


_VISIBLES = {0x1B: "␛", 0x7F: "␡"}


def visible(text: str) -> str:
    """Control and escape characters made visible: ``\\x1b`` → ``␛``, NUL → ``␀``, BEL → ``␇``; C1 as ``\\x9b``.

    Line feeds and tabs are kept. Bidirectional overrides (U+202A–U+202E, U+2066–U+2069) are shown
    as ``\\u202e`` so that a name cannot reverse the text around it in a terminal; the bytes of a file
    name that is not UTF-8 (decoded with ``surrogateescape``) as ``\\xff``.
    """
    out = []
    for char in text:
        code = ord(char)
        if char in "\n\t":
            out.append(char)
        elif code < 0x20:
            out.append(chr(0x2400 + code))
        elif code in _VISIBLES:
            out.append(_VISIBLES[code])
        elif 0xDC80 <= code <= 0xDCFF:  # a byte of a file name that is not UTF-8 (surrogateescape)
            out.append(f"\\x{code - 0xDC00:02x}")
        elif 0xD800 <= code <= 0xDFFF:
            out.append(f"\\u{code:04x}")
        elif 0x80 <= code < 0xA0 or 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            out.append(f"\\u{code:04x}" if code > 0xFF else f"\\x{code:02x}")
        else:
            out.append(char)
    return "".join(out)


class RunawayRules(RuntimeError):
    """The knowledge base fired more rules than any real case needs: a rule is looping."""


class EvaluationError(RuntimeError):
    """The knowledge base did not conclude on a question it must answer (an incomplete rule base)."""
