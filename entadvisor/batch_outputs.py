"""The outputs of ``entadvisor evaluer``: where and how :mod:`entadvisor.batch` writes its results.

The output names (``avis/<nom>.json``), the output folder and its manifest (what ``ecraser``
may remove), the atomic writers, and the synthesis streamed in path order: ``synthese.csv``,
``synthese.json`` and, with ``html``, ``index.html``. The formats are described in the
documentation of :mod:`entadvisor.batch`.
"""

from __future__ import annotations

import contextlib
import csv
import html as html_lib
import json
import os
import re
import unicodedata
import urllib.parse
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from .errors import EntreeInvalide, visible
from .formatting import date_fr, duree_mois, montant, nombre
from .text import FORMATS, PROCEDURES, VOIES

if TYPE_CHECKING:  # for the annotations only: entadvisor.batch imports this module
    from .batch import Bilan, _Progression

COLONNES = (
    "fichier",
    "nom_projet",
    "statut",
    "voie",
    "procedure",
    "valeur_estimee_ht",
    "experimentation",
    "format_experimentation",
    "duree_contrat_mois",
    "rentree_retenue",
    "nombre_vigilances",
    "codes_vigilance",
    "message_erreur",
    "fichier_avis",
)
"""The columns of ``synthese.csv`` and the keys of each row of ``synthese.json``."""

MANIFESTE = ".entadvisor-evaluer.manifeste"
AVIS = "avis"
RAPPORTS = "rapports"

SANS_PROCEDURE = "aucune à conduire soi-même (centrale d'achat ou groupement existant)"
"""The label of a null ``achat.procedure``: the centrale or the groupement's coordinator buys."""


# --- output names ----------------------------------------------------------------------------------


def _partie(texte: str) -> str:
    texte = unicodedata.normalize("NFC", texte)
    return re.sub(r"[^\w.-]", "_", texte).lstrip(".") or "fichier"


def _dossier_commun(chemins: Sequence[str]) -> str:
    base: str | None = None
    for chemin in chemins:
        dossier = os.path.dirname(os.path.abspath(chemin))
        if base is None:
            base = dossier
        elif dossier != base and not dossier.startswith(base.rstrip(os.sep) + os.sep):
            try:
                base = os.path.commonpath([base, dossier])
            except ValueError:  # different drives
                return ""
    return base or ""


def nommer(chemins: Sequence[str]) -> list[str]:
    """A distinct output name per path (in order), derived from its path relative to the common folder."""
    base = _dossier_commun(chemins)
    pris: set[str] = set()
    noms = []
    for chemin in chemins:
        relatif = os.path.relpath(os.path.abspath(chemin), base) if base else chemin
        parties = [p for p in Path(relatif).parts if p not in ("..", ".", os.sep) and not p.endswith(":\\")]
        if parties:
            parties[-1] = os.path.splitext(parties[-1])[0]
        nom = "__".join(_partie(p) for p in parties)[:150] or "fichier"
        candidat, numero = nom, 2
        while candidat.casefold() in pris:
            candidat, numero = f"{nom}-{numero}", numero + 1
        pris.add(candidat.casefold())
        noms.append(candidat)
    return noms


# --- the output folder -----------------------------------------------------------------------------


def _cibles(noms: Sequence[str], html: bool) -> Iterator[str]:
    """The files a run writes, relative to the output folder."""
    yield from ("synthese.csv", "synthese.json")
    yield from (f"{AVIS}/{nom}.json" for nom in noms)
    if html:
        yield "index.html"
        yield from (f"{RAPPORTS}/{nom}.html" for nom in noms)


def _lire_manifeste(dossier: Path) -> Iterator[str]:
    """The files a previous run wrote (read line by line: there may be tens of thousands)."""
    with contextlib.suppress(FileNotFoundError), open(dossier / MANIFESTE, encoding="utf-8") as fichier:
        for ligne in fichier:
            ligne = ligne.rstrip("\n")
            if ligne and not ligne.startswith("#") and _sure(ligne):
                yield ligne


def _sure(relatif: str) -> bool:
    parties = Path(relatif).parts
    return bool(parties) and not Path(relatif).is_absolute() and ".." not in parties and len(parties) <= 2


def _temporaires(dossier: Path) -> list[Path]:
    """The temporary files this tool left for the files of the manifest (a writer was interrupted)."""
    candidats = []
    for parent in ("", AVIS, RAPPORTS):
        with contextlib.suppress(FileNotFoundError, NotADirectoryError):
            for entree in os.scandir(dossier / parent):
                nom = entree.name
                if nom.startswith(".") and nom.endswith(".tmp") and entree.is_file(follow_symlinks=False):
                    candidats.append(f"{parent}/{nom}" if parent else nom)
    if not candidats:  # the usual case: no need to read the manifest
        return []
    cibles = set(_lire_manifeste(dossier))
    trouves = []
    for candidat in candidats:
        parent, _, nom = candidat.rpartition("/")
        points = [i for i, c in enumerate(nom) if c == "." and i > 1]
        if any(f"{parent}/{nom[1:i]}".lstrip("/") in cibles for i in points):  # « .<cible>.<…>.tmp »
            trouves.append(dossier / candidat)
    return trouves


def _effacer_precedent(dossier: Path) -> None:
    """Remove what a previous run wrote (its manifest says which files), and nothing else."""
    for chemin in _temporaires(dossier):
        chemin.unlink()
    for cible in _lire_manifeste(dossier):
        with contextlib.suppress(FileNotFoundError, IsADirectoryError, PermissionError):
            if not os.path.isdir(dossier / cible):
                os.unlink(dossier / cible)
    for sous_dossier in (AVIS, RAPPORTS):
        with contextlib.suppress(OSError):  # absent, or holding someone else's files: kept
            (dossier / sous_dossier).rmdir()
    with contextlib.suppress(FileNotFoundError):
        (dossier / MANIFESTE).unlink()


def _preparer(dossier: Path, noms: Sequence[str], html: bool, ecraser: bool) -> None:
    if dossier.exists() and not dossier.is_dir():
        raise EntreeInvalide(
            str(dossier), "ce chemin existe et n'est pas un dossier ; indiquez un dossier pour les résultats."
        )
    if dossier.is_dir() and any(dossier.iterdir()):
        if not ecraser:
            raise EntreeInvalide(
                str(dossier),
                "le dossier des résultats n'est pas vide. Choisissez un dossier nouveau ou vide, ou ajoutez "
                "--ecraser pour remplacer les résultats d'une évaluation précédente (seuls les fichiers "
                "qu'elle a écrits sont supprimés).",
            )
        _effacer_precedent(dossier)
        occupes = [c for c in _cibles(noms, html) if os.path.lexists(dossier / c)]
        if occupes:
            raise EntreeInvalide(
                str(dossier),
                f"{nombre(len(occupes))} fichier(s) à écrire existent déjà sans avoir été écrits par "
                f"« entadvisor evaluer » (par exemple « {occupes[0]} ») ; ils ne sont jamais remplacés. "
                "Déplacez-les, ou choisissez un autre dossier.",
            )
    (dossier / AVIS).mkdir(parents=True, exist_ok=True)
    if html:
        (dossier / RAPPORTS).mkdir(exist_ok=True)
    with _Atomique(dossier / MANIFESTE) as fichier:
        fichier.write(
            "# Fichiers écrits par « entadvisor evaluer » ; --ecraser supprime ceux-ci et aucun autre.\n"
        )
        fichier.writelines(f"{cible}\n" for cible in _cibles(noms, html))


class _Atomique:
    """A synthesis file written whole or not at all: a temporary file, then fsync and rename."""

    def __init__(
        self, chemin: Path, *, binaire: bool = False, newline: str | None = "\n", fsync: bool = True
    ) -> None:
        self.chemin = chemin
        self.fsync = fsync
        self.temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
        self.fichier: IO[Any] = (
            open(self.temporaire, "wb")  # noqa: SIM115 -- closed by valider() or abandonner()
            if binaire
            else open(self.temporaire, "w", encoding="utf-8", newline=newline)  # noqa: SIM115
        )

    def valider(self) -> None:
        self.fichier.flush()
        if self.fsync:
            os.fsync(self.fichier.fileno())
        self.fichier.close()
        os.replace(self.temporaire, self.chemin)

    def abandonner(self) -> None:
        self.fichier.close()
        with contextlib.suppress(FileNotFoundError):
            self.temporaire.unlink()

    def __enter__(self) -> IO[Any]:
        return self.fichier

    def __exit__(self, kind: Any, value: Any, traceback: Any) -> None:
        if kind is None:
            self.valider()
        else:
            self.abandonner()


def _ecrire(chemin: Path, texte: str) -> None:
    """Write a per-file output atomically (temporary file then rename; no fsync, see the module doc)."""
    temporaire = chemin.with_name(f".{chemin.name}.{os.getpid()}.tmp")
    try:
        with open(temporaire, "w", encoding="utf-8", newline="\n") as fichier:
            fichier.write(texte)
        os.replace(temporaire, chemin)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            temporaire.unlink()
        raise


# --- the synthesis ---------------------------------------------------------------------------------


def _code_experimentation(ligne: dict[str, Any]) -> str:
    """``non``, or the recommended format (``classes``…), or ``oui`` when no format is given."""
    return (ligne["format_experimentation"] or "oui") if ligne["experimentation"] else "non"


EXPERIMENTATIONS = {
    "non": "non recommandée",
    "oui": "recommandée",
    **{code: f"recommandée : {texte}" for code, texte in FORMATS.items()},
}
"""Labels of :func:`_code_experimentation`."""


def _texte(valeur: Any) -> str:
    texte = "" if valeur is None else visible(str(valeur))  # no raw ESC, NUL… in a spreadsheet cell
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte


def _decimal(valeur: float | None) -> str:
    if valeur is None:
        return ""
    centimes = round(valeur * 100)
    texte = str(centimes // 100) if centimes % 100 == 0 else f"{centimes / 100:.2f}"
    return texte.replace(".", ",")


def _cellules(ligne: dict[str, Any]) -> list[str]:
    def entier(valeur: int | None) -> str:
        return "" if valeur is None else str(valeur)

    experimentation = ligne["experimentation"]
    return [
        _texte(ligne["fichier"]),
        _texte(ligne["nom_projet"]),
        ligne["statut"],
        ligne["voie"] or "",
        ligne["procedure"] or "",
        _decimal(ligne["valeur_estimee_ht"]),
        "" if experimentation is None else ("oui" if experimentation else "non"),
        ligne["format_experimentation"] or "",
        entier(ligne["duree_contrat_mois"]),
        entier(ligne["rentree_retenue"]),
        entier(ligne["nombre_vigilances"]),
        ", ".join(ligne["codes_vigilance"]),
        _texte(ligne["message_erreur"]),
        ligne["fichier_avis"] or "",
    ]


class _Synthese:
    """Put the rows back in path order and stream them to ``synthese.csv`` and a row file."""

    def __init__(self, dossier: Path, bilan: Bilan, knowledge: Any, progression: _Progression) -> None:
        self.dossier = dossier
        self.bilan = bilan
        self.knowledge = knowledge
        self.progression = progression
        self.prochain = 0
        self.attente: dict[int, dict[str, Any]] = {}
        self._csv = _Atomique(dossier / "synthese.csv", newline="")
        self._csv.fichier.write("\ufeff")  # the BOM: Excel then reads UTF-8
        self._writer = csv.writer(self._csv.fichier, delimiter=";")
        self._writer.writerow(COLONNES)
        self._lignes = _Atomique(dossier / "synthese.json.lignes")  # stays a hidden temporary file

    def recevoir(self, lignes: list[tuple[int, dict[str, Any]]]) -> None:
        """Take rows in any order; write those whose predecessors are all written."""
        self.attente.update(lignes)
        debut = self.prochain
        while self.prochain in self.attente:
            ligne = self.attente.pop(self.prochain)
            self._writer.writerow(_cellules(ligne))
            self._lignes.fichier.write(json.dumps(ligne, ensure_ascii=False) + "\n")
            self.bilan.compter(ligne)
            self.prochain += 1
        if self.prochain > debut:
            self.progression.avancer(self.prochain - debut)

    def abandonner(self) -> None:
        self._csv.abandonner()
        self._lignes.abandonner()

    def terminer(self, html: bool) -> None:
        self._csv.valider()
        self._lignes.fichier.close()
        try:
            self._json(self._lignes.temporaire)
            if html:
                self._index(self._lignes.temporaire)
        finally:
            self._lignes.abandonner()

    def _lire(self, chemin_lignes: Path) -> Iterator[dict[str, Any]]:
        with open(chemin_lignes, encoding="utf-8") as fichier:
            for texte in fichier:
                yield json.loads(texte)

    def _entete(self) -> dict[str, Any]:
        bilan = self.bilan
        return {
            "version_format": 1,
            "date_analyse": bilan.date_analyse.isoformat(),
            "base_de_connaissances": {"version": self.knowledge.version, "source": self.knowledge.source},
            "nombre_fichiers": bilan.total,
            "reussis": bilan.reussis,
            "en_erreur": bilan.echecs,
            "repartition": {
                "voie": dict(sorted(bilan.voies.items())),
                "procedure": {k or "aucune": v for k, v in sorted(bilan.procedures.items())},
                "experimentation": dict(sorted(bilan.experimentations.items())),
            },
        }

    def _json(self, chemin_lignes: Path) -> None:
        """``synthese.json``, streamed: each row followed by its advice, copied from its own file."""
        entete = json.dumps(self._entete(), ensure_ascii=False, indent=1)[:-2]
        with _Atomique(self.dossier / "synthese.json", binaire=True, fsync=False) as sortie:  # as avis/
            sortie.write(f'{entete},\n "lignes": [\n'.encode())
            for numero, ligne in enumerate(self._lire(chemin_lignes)):
                debut = (",\n" if numero else "") + json.dumps(ligne, ensure_ascii=False)[:-1] + ', "avis": '
                sortie.write(debut.encode())
                if ligne["fichier_avis"]:
                    with open(self.dossier / ligne["fichier_avis"], "rb") as avis:
                        sortie.write(avis.read().rstrip(b"\n"))
                else:
                    sortie.write(b"null")
                sortie.write(b"}")
            sortie.write(b"\n ]\n}\n")

    def _index(self, chemin_lignes: Path) -> None:
        """``index.html``: the comparative table, accessible and self-contained (inline CSS, no script)."""
        bilan = self.bilan
        e = html_lib.escape
        with _Atomique(self.dossier / "index.html") as sortie:
            sortie.write(
                '<!DOCTYPE html>\n<html lang="fr">\n<head>\n<meta charset="utf-8">\n'
                '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
                f"<title>Synthèse des conseils ENT — {nombre(bilan.total)} projets</title>\n"
                f"<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
                "<h1>Synthèse des conseils pour le déploiement d'un ENT</h1>\n"
                f"<p>Analyse du {e(date_fr(bilan.date_analyse))} · base de connaissances "
                f"{e(self.knowledge.version)} · {nombre(bilan.total)} fichiers de réponses : "
                f"{nombre(bilan.reussis)} évalués, {nombre(bilan.echecs)} en erreur.</p>\n"
                "<p>Chaque conseil est une aide : la décision et son contrôle juridique appartiennent à "
                "l'acheteur. Le détail et la justification de chaque conseil sont dans son rapport.</p>\n"
            )
            for titre, compte, libelles in (
                ("Voie d'achat", bilan.voies, VOIES),
                ("Procédure", bilan.procedures, {**PROCEDURES, "": SANS_PROCEDURE}),
                ("Expérimentation", bilan.experimentations, EXPERIMENTATIONS),
            ):
                if not compte:
                    continue
                sortie.write(
                    f'<table class="repartition">\n<caption>{e(titre)} : répartition des projets</caption>\n'
                    f'<thead><tr><th scope="col">{e(titre)}</th><th scope="col">Projets</th></tr></thead>\n<tbody>\n'
                )
                for code, n in sorted(compte.items(), key=lambda item: (-item[1], item[0])):
                    libelle = libelles.get(code, code)
                    sortie.write(
                        f'<tr><th scope="row">{e(libelle[:1].upper() + libelle[1:])}</th><td>{nombre(n)}</td></tr>\n'
                    )
                sortie.write("</tbody>\n</table>\n")
            entetes = (
                "Fichier",
                "Projet",
                "Statut",
                "Voie d'achat",
                "Procédure",
                "Valeur estimée",
                "Expérimentation",
                "Durée du contrat",
                "Rentrée retenue",
                "Vigilances",
                "Conseil JSON",
            )
            sortie.write(
                '<div class="defilement" role="region" aria-labelledby="comparaison" tabindex="0">\n'
                '<table class="comparaison">\n'
                f'<caption id="comparaison">Conseil pour chacun des {nombre(bilan.total)} fichiers, dans l\'ordre des chemins ; '
                "le nom du fichier mène à son rapport</caption>\n<thead><tr>"
                + "".join(f'<th scope="col">{e(t)}</th>' for t in entetes)
                + "</tr></thead>\n<tbody>\n"
            )
            for ligne in self._lire(chemin_lignes):
                sortie.write(_ligne_html(ligne))
            sortie.write("</tbody>\n</table>\n</div>\n</main>\n</body>\n</html>\n")


def _lien(chemin: str, texte: str) -> str:
    return f'<a href="{html_lib.escape(urllib.parse.quote(chemin))}">{html_lib.escape(texte)}</a>'


def _ligne_html(ligne: dict[str, Any]) -> str:
    e = html_lib.escape
    fichier = (
        _lien(ligne["fichier_rapport"], ligne["fichier"]) if ligne["fichier_rapport"] else e(ligne["fichier"])
    )
    if ligne["statut"] != "ok":
        return (
            f'<tr class="erreur"><th scope="row">{fichier}</th><td></td><td>Erreur</td>'
            f'<td colspan="8" class="message">{e(ligne["message_erreur"] or "")}</td></tr>\n'
        )
    procedure = ligne["procedure"]
    vigilances = ", ".join(ligne["codes_vigilance"])
    cellules = (
        e(ligne["nom_projet"] or ""),
        "Réussi",
        e(VOIES.get(ligne["voie"], ligne["voie"])),
        e(PROCEDURES.get(procedure, procedure) if procedure else SANS_PROCEDURE),
        e(montant(ligne["valeur_estimee_ht"])),
        e(EXPERIMENTATIONS[_code_experimentation(ligne)]),
        e(duree_mois(ligne["duree_contrat_mois"])),
        str(ligne["rentree_retenue"]),
        f"{ligne['nombre_vigilances']}{' : ' + e(vigilances) if vigilances else ''}",
        _lien(ligne["fichier_avis"], "JSON"),
    )
    return f'<tr><th scope="row">{fichier}</th>' + "".join(f"<td>{c}</td>" for c in cellules) + "</tr>\n"


_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;
color:#1e1e1e;background:#fff;margin:0;line-height:1.4}
main{padding:1rem 1.5rem;max-width:110rem}
h1{font-size:1.5rem}
table{border-collapse:collapse;margin:1rem 0;font-size:.9rem}
caption{text-align:left;font-weight:bold;padding:.25rem 0}
th,td{border:1px solid #8a8a8a;padding:.3rem .5rem;vertical-align:top;text-align:left}
thead th{background:#e8edf5}
tbody th{font-weight:normal}
.repartition td{text-align:right}
tr.erreur{background:#fdecea}
.message{white-space:pre-line}
.defilement{overflow-x:auto;max-width:100%}
.defilement:focus{outline:3px solid #1e1e1e}
a{color:#00449e}
a:focus{outline:3px solid #1e1e1e;outline-offset:2px}
@media print{a{color:inherit}}
""".replace("\n", "")
