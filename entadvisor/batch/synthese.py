"""The synthesis of a batch, streamed in path order as the rows come back from the workers.

- ``synthese.csv``: one row per file, columns :data:`COLONNES_CSV`, for spreadsheets. Choices, so
  that a double click opens it correctly in French Excel and LibreOffice:
  UTF-8 **with BOM** (without it Excel reads UTF-8 as Windows-1252 and garbles accents),
  ``;`` as separator (the list separator of the French locale; ``,`` is the decimal mark),
  CRLF line ends and quoting when needed (RFC 4180). **Amounts use the decimal comma**
  (``216000`` or ``39300,50``; no thousands separator): a French-locale spreadsheet reads it as a
  number, whereas ``39300.50`` becomes text, or even a date (``4.5`` → « 4 mai »). Programs read
  it with ``csv.reader(f, delimiter=";")`` after ``open(..., encoding="utf-8-sig")``, or
  ``pandas.read_csv(path, sep=";", decimal=",")``; those who need machine values read
  ``synthese.json`` instead. Booleans are ``oui``/``non``, codes are the JSON codes
  (``appel_offres_ouvert``), several vigilance codes are separated by ``, ``. A text cell that
  starts with ``=``, ``+``, ``-``, ``@`` gets a leading apostrophe so that no spreadsheet runs it
  as a formula (a project name comes from a file anyone could have written).
- ``synthese.json``: the same rows (machine values: numbers, booleans, lists, ``null``) and the
  counts; each row names its advice's file (``fichier_avis``). With ``complet``, each row also holds
  its whole advice under ``avis``, assembled at the end by streaming the per-file JSON files, never
  holding the advices in memory (twice the disk: see the bench).
- with ``html``, ``index.html``: the comparative table of :mod:`entadvisor.batch.index`.

The rows wait in a hidden row file (one JSON line each) until the end, when ``synthese.json`` and
the index are read from it: the main process never holds more than the rows arriving out of order.
"""

from __future__ import annotations

import csv
import gzip
import json
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, Protocol

from entadvisor._files import AtomicFile
from entadvisor.batch.bilan import Bilan
from entadvisor.batch.index import ecrire_index
from entadvisor.batch.mots import Mots, code_experimentation, mots_du_lot
from entadvisor.batch.outputs import AVIS, RAPPORTS, visible_vite


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


# --- the cells of synthese.csv --------------------------------------------------------------------


def _majuscule(texte: str) -> str:
    return texte[:1].upper() + texte[1:]


def _relatif(chemin: str | None, dossier: tuple[str, str]) -> str:
    """A path of a row as seen from the output folder (where the CSV is); kept as is across drives.

    ``dossier`` is (the current folder, the output folder made absolute), found once: ``relpath``
    would ask the system for the current folder twice per row."""
    if not chemin:
        return ""
    if not os.path.isabs(chemin) and chemin.startswith((AVIS + "/", RAPPORTS + "/")):
        return chemin  # already relative to the output folder
    courant, sortie = dossier
    try:
        relatif = os.path.relpath(chemin if os.path.isabs(chemin) else os.path.join(courant, chemin), sortie)
    except ValueError:  # another drive
        return chemin
    return relatif if os.sep == "/" else Path(relatif).as_posix()


def _texte(valeur: Any) -> str:
    texte = "" if valeur is None else visible_vite(str(valeur))  # no raw ESC, NUL… in a spreadsheet cell
    return "'" + texte if texte[:1] in ("=", "+", "-", "@", "\t", "\r") else texte


def _decimal(valeur: float | None) -> str:
    if valeur is None:
        return ""
    centimes = round(valeur * 100)
    texte = str(centimes // 100) if centimes % 100 == 0 else f"{centimes / 100:.2f}"
    return texte.replace(".", ",")


def _cellules(ligne: dict[str, Any], dossier: tuple[str, str], mots: Mots) -> list[str]:
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


# --- the synthesis --------------------------------------------------------------------------------


class Synthese:
    """Put the rows back in path order and stream them to ``synthese.csv`` and a row file."""

    def __init__(self, dossier: Path, bilan: Bilan, knowledge: Any, progression: Avancement) -> None:
        self.dossier = dossier
        self._depuis = (os.getcwd(), os.path.abspath(dossier))  # what _relatif measures from
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
            self._writer.writerow(_cellules(ligne, self._depuis, self.mots))
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
        """``index.html``, from the row file (read as the page is written)."""
        ecrire_index(
            self.dossier / "index.html",
            lambda: self._lire(chemin_lignes),
            bilan=self.bilan,
            vigilances=self.vigilances,
            mots=self.mots,
            version=self.knowledge.version,
        )
