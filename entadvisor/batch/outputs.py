"""The outputs of ``entadvisor evaluer``: where and how :mod:`entadvisor.batch.run` writes its results.

The output names (``avis/<nom>.json``), the output folder and its manifest (what ``ecraser``
may remove), and the synthesis streamed in path order: ``synthese.csv``,
``synthese.json`` and, with ``html``, ``index.html``. The formats are described in the
documentation of :mod:`entadvisor.batch.run`.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import gzip
import itertools
import json
import os
import re
import unicodedata
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import IO, Any, Protocol

from markupsafe import Markup

from entadvisor._files import AtomicFile
from entadvisor.engine.knowledge import lexique_fourni
from entadvisor.engine.lexique import Lexique
from entadvisor.errors import EntreeInvalide, visible
from entadvisor.formatting import nombre
from entadvisor.report.environment import environment, reports_folder


class Compteur(Protocol):
    """What the synthesis reads of the run's :class:`~entadvisor.batch.run.Bilan` (the run imports
    this module, never the reverse): the counts, and where to count each row."""

    date_analyse: dt.date
    total: int
    reussis: int
    echecs: int
    voies: Counter[str]
    procedures: Counter[str]
    experimentations: Counter[str]

    def compter(self, ligne: dict[str, Any]) -> None: ...


class Avancement(Protocol):
    """The run's progress bar, told how many more rows are written."""

    def avancer(self, n: int = 1) -> None: ...


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
"""The keys of each row of ``synthese.json``, and the first columns of ``synthese.csv``."""

COLONNES_CSV = (
    *COLONNES,
    "fichier_rapport",
    "libelle_voie",
    "libelle_procedure",
    "libelle_experimentation",
    "libelles_vigilance",
)
"""The columns of ``synthese.csv``: the codes, then the words a reader needs (labels of the lexicon).
Its paths (``fichier``, ``fichier_avis``, ``fichier_rapport``) are relative to the folder of the CSV."""

MANIFESTE = ".entadvisor-evaluer.manifeste"
AVIS = "avis"
RAPPORTS = "rapports"


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


def nom_avis(nom: str, compresser: bool = False) -> str:
    """Where a file's advice goes, relative to the output folder (``.json.gz`` when compressed)."""
    return f"{AVIS}/{nom}.json" + (".gz" if compresser else "")


def _cibles(noms: Sequence[str], html: bool, compresser: bool = False) -> Iterator[str]:
    """The files a run writes, relative to the output folder."""
    yield from ("synthese.csv", "synthese.json")
    yield from (nom_avis(nom, compresser) for nom in noms)
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


def temporaires(dossier: Path) -> list[Path]:
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
    for chemin in temporaires(dossier):
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


def preparer(dossier: Path, noms: Sequence[str], html: bool, ecraser: bool, compresser: bool = False) -> None:
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
        occupes = [c for c in _cibles(noms, html, compresser) if os.path.lexists(dossier / c)]
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
    with AtomicFile(dossier / MANIFESTE) as fichier:
        fichier.write(
            "# Fichiers écrits par « entadvisor evaluer » ; --ecraser supprime ceux-ci et aucun autre.\n"
        )
        fichier.writelines(f"{cible}\n" for cible in _cibles(noms, html, compresser))


# --- the synthesis ---------------------------------------------------------------------------------


def code_experimentation(ligne: dict[str, Any]) -> str:
    """``non``, or the recommended format (``classes``…), or ``oui`` when no format is given."""
    return (ligne["format_experimentation"] or "oui") if ligne["experimentation"] else "non"


@dataclass(frozen=True)
class Mots:
    """The words of the codes in the batch's tables, from the lexicon of the knowledge base that evaluated
    the batch (rules/libelles.yaml, or that of ``--regles``): see :func:`mots_du_lot`."""

    voies: dict[str, str]
    procedures: dict[str, str]
    """``""`` is a null procedure (the centrale or the groupement's coordinator buys)."""
    experimentations: dict[str, str]
    """By the codes of :func:`code_experimentation`."""
    vigilances: dict[str, str]

    def voie(self, code: str) -> str:
        return self.voies.get(code, code)

    def procedure(self, code: str | None) -> str:
        return self.procedures.get(code or "", code or "")

    def experimentation(self, code: str) -> str:
        return self.experimentations.get(code, code)

    def vigilance(self, code: str) -> str:
        """The label of a vigilance code (a code missing from the lexicon reads as words, not as a code)."""
        return self.vigilances.get(code) or code.replace("_", " ").capitalize()


@lru_cache(maxsize=4)
def mots_du_lot(lexique: Lexique | None = None) -> Mots:
    """The batch's words from ``lexique`` (default: the bundled knowledge base's)."""
    mots = lexique or lexique_fourni()
    formats = mots.table("formats_experimentation", "phrase")
    procedures = mots.table("procedures", "nom")
    return Mots(
        voies=mots.table("voies", "nom"),
        procedures={**procedures, "": procedures.pop("aucune")},
        experimentations={
            "non": "non recommandée",
            "oui": "recommandée",
            **{code: f"recommandée : {texte}" for code, texte in formats.items()},
        },
        vigilances=mots.table("vigilances"),
    )


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _relatif(chemin: str | None, dossier: Path) -> str:
    """A path of a row as seen from the output folder (where the CSV is); kept as is across drives."""
    if not chemin:
        return ""
    if not os.path.isabs(chemin) and chemin.startswith((AVIS + "/", RAPPORTS + "/")):
        return chemin  # already relative to the output folder
    try:
        relatif = os.path.relpath(chemin, dossier)  # relpath makes both absolute itself
    except ValueError:  # another drive
        return chemin
    return relatif if os.sep == "/" else Path(relatif).as_posix()


_A_MONTRER = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
"""The characters :func:`~entadvisor.errors.visible` changes (it keeps line feeds and tabs)."""


def visible_vite(texte: str) -> str:
    """:func:`~entadvisor.errors.visible`, without walking the text when it has nothing to show: the
    usual case, and visible's loop over each character cost 50 µs a row of synthese.csv."""
    return visible(texte) if _A_MONTRER.search(texte) else texte


def _texte(valeur: Any) -> str:
    texte = "" if valeur is None else visible_vite(str(valeur))  # no raw ESC, NUL… in a spreadsheet cell
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte


def _decimal(valeur: float | None) -> str:
    if valeur is None:
        return ""
    centimes = round(valeur * 100)
    texte = str(centimes // 100) if centimes % 100 == 0 else f"{centimes / 100:.2f}"
    return texte.replace(".", ",")


def _cellules(ligne: dict[str, Any], dossier: Path, mots: Mots) -> list[str]:
    def entier(valeur: int | None) -> str:
        return "" if valeur is None else str(valeur)

    experimentation = ligne["experimentation"]
    ok = ligne["statut"] == "ok"
    return [
        _texte(_relatif(ligne["fichier"], dossier)),
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
        ligne.get("fichier_rapport") or "",
        _majuscule(mots.voie(ligne["voie"])) if ok else "",
        _majuscule(mots.procedure(ligne["procedure"])) if ok else "",
        _majuscule(mots.experimentation(code_experimentation(ligne))) if ok else "",
        _texte(", ".join(mots.vigilance(code) for code in ligne["codes_vigilance"])),
    ]


class Synthese:
    """Put the rows back in path order and stream them to ``synthese.csv`` and a row file."""

    def __init__(self, dossier: Path, bilan: Compteur, knowledge: Any, progression: Avancement) -> None:
        self.dossier = dossier
        self.bilan = bilan
        self.knowledge = knowledge
        self.mots = mots_du_lot(knowledge.libelles)
        self.progression = progression
        self.prochain = 0
        self.attente: dict[int, dict[str, Any]] = {}
        self._csv = AtomicFile(dossier / "synthese.csv", newline="")
        self._csv.file.write("\ufeff")  # the BOM: Excel then reads UTF-8
        self._writer = csv.writer(self._csv.file, delimiter=";")
        self._writer.writerow(COLONNES_CSV)
        self.vigilances: Counter[str] = Counter()
        self._lignes = AtomicFile(dossier / "synthese.json.lignes")  # stays a hidden temporary file

    def recevoir(self, lignes: list[tuple[int, dict[str, Any]]]) -> None:
        """Take rows in any order; write those whose predecessors are all written."""
        self.attente.update(lignes)
        debut = self.prochain
        while self.prochain in self.attente:
            ligne = self.attente.pop(self.prochain)
            self._writer.writerow(_cellules(ligne, self.dossier, self.mots))
            self.vigilances.update(set(ligne["codes_vigilance"]))
            self._lignes.file.write(json.dumps(ligne, ensure_ascii=False) + "\n")
            self.bilan.compter(ligne)
            self.prochain += 1
        if self.prochain > debut:
            self.progression.avancer(self.prochain - debut)

    def abandonner(self) -> None:
        self._csv.discard()
        self._lignes.discard()

    def terminer(self, html: bool, complet: bool = False) -> None:
        self._csv.commit()
        self._lignes.file.close()
        try:
            self._json(self._lignes.temporary, complet)
            if html:
                self._index(self._lignes.temporary)
        finally:
            self._lignes.discard()

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
                "vigilance": dict(sorted(self.vigilances.items())),
            },
        }

    def _json(self, chemin_lignes: Path, complet: bool) -> None:
        """``synthese.json``, streamed: the counts and one row per file; the advices stay in ``avis/``
        (the row names its file), unless ``complet`` embeds each one under ``avis``, copied from its file."""
        entete = self._entete() | {"avis_inclus": complet}
        texte = json.dumps(entete, ensure_ascii=False, indent=1)[:-2]
        with AtomicFile(self.dossier / "synthese.json", binary=True, fsync=False) as sortie:  # as avis/
            sortie.write(f'{texte},\n "lignes": [\n'.encode())
            with open(chemin_lignes, "rb") as lignes:  # each line is the row's json.dumps: copied as is
                for numero, brute in enumerate(lignes):
                    separateur = b",\n" if numero else b""
                    ligne = brute.rstrip(b"\n")
                    if not complet:
                        sortie.write(separateur + ligne)
                        continue
                    sortie.write(separateur + ligne[:-1] + b', "avis": ')
                    self._avis(sortie, json.loads(ligne)["fichier_avis"])
            sortie.write(b"\n ]\n}\n")

    def _avis(self, sortie: IO[bytes], fichier_avis: str | None) -> None:
        """The advice of a row, copied from its file in avis/, then the end of the row."""
        if fichier_avis:
            chemin = self.dossier / fichier_avis
            with gzip.open(chemin) if chemin.name.endswith(".gz") else open(chemin, "rb") as avis:
                sortie.write(avis.read().rstrip(b"\n"))
        else:
            sortie.write(b"null")
        sortie.write(b"}")

    def _index(self, chemin_lignes: Path) -> None:
        """``index.html``, worded by ``reports/synthese.html.j2`` and streamed as it renders: the rows
        are read from the row file as the page is written, never all held at once."""
        dossier_modeles = reports_folder()
        modele = environment(dossier_modeles, autoescape=True).get_template(INDEX)
        flux = modele.stream(self._vue_index(chemin_lignes, dossier_modeles))
        flux.enable_buffering(100)  # one write per hundred pieces, not per piece (-13 % CPU)
        with AtomicFile(self.dossier / "index.html") as sortie:
            flux.dump(sortie)

    def _vue_index(self, chemin_lignes: Path, dossier_modeles: Path) -> dict[str, Any]:
        """What the index words: the counts and their parts, the distributions, the groups of rows."""
        bilan = self.bilan
        base, groupes = _groupes(self._lire(chemin_lignes))
        libelles = {
            "voie": self.mots.voie,
            "procedure": self.mots.procedure,
            "experimentation": self.mots.experimentation,
            "vigilance": self.mots.vigilance,
        }
        comptes = {
            "voie": bilan.voies,
            "procedure": bilan.procedures,
            "experimentation": bilan.experimentations,
            "vigilance": self.vigilances,
        }
        return {
            "total": bilan.total,
            "reussis": bilan.reussis,
            "echecs": bilan.echecs,
            "part_reussis": _part(bilan.reussis, bilan.total),
            "part_echecs": _part(bilan.echecs, bilan.total),
            "date_analyse": bilan.date_analyse,
            "version": self.knowledge.version,
            "ouvert": bilan.total <= OUVERTS_JUSQUA,
            "repartitions": {
                cle: _repartition(comptes[cle], libelle, bilan.reussis) for cle, libelle in libelles.items()
            },
            "nombre_groupes": len(groupes),
            "groupes": self._groupes_index(chemin_lignes, base, groupes),
            "css": Markup(_statique(dossier_modeles, "synthese.css").replace("\n", "")),
            "script": Markup(_statique(dossier_modeles, "synthese.js").strip()),
        }

    def _groupes_index(
        self, chemin_lignes: Path, base: str, groupes: list[tuple[str, int, int]]
    ) -> Iterator[dict[str, Any]]:
        """The groups in order, each with its rows, read lazily: the files directly in the common folder
        from one pass over the row file, the folders' (consecutive) rows from another."""
        principal = (ligne for ligne in self._lire(chemin_lignes) if not _groupe(ligne["fichier"], base))
        dossiers = (ligne for ligne in self._lire(chemin_lignes) if _groupe(ligne["fichier"], base))
        for numero, (cle, effectif, erreurs) in enumerate(groupes, start=1):
            lignes = itertools.islice(dossiers if cle else principal, effectif)
            yield {
                "numero": numero,
                "dossier": visible_vite(cle),
                "effectif": effectif,
                "erreurs": erreurs,
                "lignes": (_vue_ligne(ligne, self.mots) for ligne in lignes),
            }


INDEX = "synthese.html.j2"
"""The template of ``index.html``, in the templates folder (``reports/``)."""

OUVERTS_JUSQUA = 300
"""Up to this many projects, every group of the index is open; beyond, they open on demand."""


@lru_cache(maxsize=4)
def _statique(dossier: Path, nom: str) -> str:
    """A static file of the templates folder (the index's CSS and script), read once."""
    try:
        return (dossier / nom).read_text(encoding="utf-8")
    except OSError as exc:
        raise EntreeInvalide(str(dossier / nom), f"fichier de la synthèse illisible : {exc}") from None


def _part(n: int, total: int) -> float:
    return n / total if total else 0.0


def _groupe(fichier: str, base: str) -> str:
    """The first folder of a path below the common folder of all the inputs ('' for a file directly in it)."""
    relatif = os.path.relpath(os.path.abspath(fichier), base) if base else fichier
    parties = Path(relatif).parts
    return parties[0] if len(parties) > 1 and parties[0] not in ("..", ".") else ""


def _groupes(lignes: Iterator[dict[str, Any]]) -> tuple[str, list[tuple[str, int, int]]]:
    """The common folder of the inputs, and the groups in order of first appearance: (group, rows,
    rows in error). Rows come in path order, so a folder's rows are consecutive; only the files of the
    common folder itself ('') may come on both sides of a folder: they make one group."""
    fichiers: list[tuple[str, bool]] = [(ligne["fichier"], ligne["statut"] != "ok") for ligne in lignes]
    base = _dossier_commun([f for f, _ in fichiers])
    comptes: dict[str, list[int]] = {}
    for fichier, erreur in fichiers:
        compte_ = comptes.setdefault(_groupe(fichier, base), [0, 0])
        compte_[0] += 1
        compte_[1] += erreur
    return base, [(cle, n, erreurs) for cle, (n, erreurs) in comptes.items()]


def _repartition(comptes: Counter[str], libelle: Any, total: int) -> list[dict[str, Any]]:
    """The rows of a distribution, the most frequent first: label, count and part of ``total``."""
    return [
        {"libelle": libelle(code), "nombre": n, "part": _part(n, total)}
        for code, n in sorted(comptes.items(), key=lambda item: (-item[1], item[0]))
    ]


def _vue_ligne(ligne: dict[str, Any], mots: Mots) -> SimpleNamespace:
    """A row of the index: the file (and its report), then, for an advice, the labels of its codes.
    A namespace, not a dict: the template reads its fields as attributes, the fast way for jinja."""
    fichier = os.path.basename(ligne["fichier"]) or ligne["fichier"]
    if ligne["statut"] != "ok":
        return SimpleNamespace(
            erreur=True,
            fichier=fichier,
            rapport=ligne["fichier_rapport"],
            message=ligne["message_erreur"] or "",
        )
    return SimpleNamespace(
        erreur=False,
        fichier=fichier,
        rapport=ligne["fichier_rapport"],
        nom_projet=visible_vite(ligne["nom_projet"] or ""),
        voie=ligne["voie"],
        procedure=ligne["procedure"] or "",
        libelle_voie=mots.voie(ligne["voie"]),
        libelle_procedure=mots.procedure(ligne["procedure"]),
        valeur=ligne["valeur_estimee_ht"],
        experimentation=mots.experimentation(code_experimentation(ligne)),
        duree_mois=ligne["duree_contrat_mois"],
        rentree=ligne["rentree_retenue"],
        nombre_vigilances=ligne["nombre_vigilances"],
        vigilances=[mots.vigilance(code) for code in ligne["codes_vigilance"]],
        avis=ligne["fichier_avis"],
    )
