"""What a batch tells its user: the counts and the final summary (:class:`Bilan`), and the progress
bar on a terminal while it runs (:class:`Progression`)."""

from __future__ import annotations

import datetime as dt
import shutil
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from entadvisor.batch.mots import Mots, code_experimentation, mots_du_lot
from entadvisor.batch.outputs import AVIS, RAPPORTS
from entadvisor.formatting import compte as compte_fr
from entadvisor.formatting import date_fr, nombre

ECHECS_RETENUS = 50
"""Failures kept for the final summary; all of them are in ``synthese.csv``."""


@dataclass
class Bilan:
    """What a batch did: counts, failures (the first :data:`ECHECS_RETENUS`), where the results are."""

    dossier: Path
    total: int
    jobs: int
    html: bool
    date_analyse: dt.date
    reussis: int = 0
    echecs: int = 0
    messages_echecs: list[str] = field(default_factory=list)
    voies: Counter[str] = field(default_factory=Counter)
    procedures: Counter[str] = field(default_factory=Counter)
    experimentations: Counter[str] = field(default_factory=Counter)
    mots: Mots = field(default_factory=mots_du_lot)
    """The words of the codes, from the lexicon of the knowledge base that evaluated the batch."""
    duree_s: float = 0.0
    interrompu: bool = False

    @property
    def code_sortie(self) -> int:
        """0 when every file succeeded, 1 when any failed, 130 when interrupted."""
        return 130 if self.interrompu else (1 if self.echecs else 0)

    def compter(self, ligne: dict[str, Any]) -> None:
        if ligne["statut"] != "ok":
            self.echecs += 1
            if len(self.messages_echecs) < ECHECS_RETENUS:
                self.messages_echecs.append(ligne["message_erreur"])
            return
        self.reussis += 1
        self.voies[ligne["voie"]] += 1
        self.procedures[ligne["procedure"] or ""] += 1
        self.experimentations[code_experimentation(ligne)] += 1

    def resume(self) -> str:
        """The final summary, in French, for stderr."""
        faits = self.reussis + self.echecs
        vitesse = f", {nombre(faits / self.duree_s)} fichiers/s" if self.duree_s > 0 and faits else ""
        processus = f"{self.jobs} processus"
        if self.interrompu:
            lignes = [
                f"Interrompu : {compte_fr(faits, 'fichier évalué')} sur {nombre(self.total)} en "
                f"{duree(self.duree_s)}. Les conseils écrits dans {self.dossier}/{AVIS} sont complets ; "
                "la synthèse n'a pas été écrite. Relancez avec --ecraser pour tout recommencer."
            ]
        else:
            lignes = [
                f"{compte_fr(self.total, 'fichier évalué')} en {duree(self.duree_s)} ({processus}{vitesse}) : "
                f"{compte_fr(self.reussis, 'réussi')}, {nombre(self.echecs)} en erreur. "
                f"Analyse du {date_fr(self.date_analyse)}."
            ]
        for titre, compte, libelle in (
            ("Voie d'achat", self.voies, self.mots.voie),
            ("Procédure", self.procedures, self.mots.procedure),
            ("Expérimentation", self.experimentations, self.mots.experimentation),
        ):
            if compte:
                lignes.append(f"{titre} :")
                for code, n in sorted(compte.items(), key=lambda item: (-item[1], item[0])):
                    lignes.append(f"  {nombre(n):>8}  {libelle(code)}")
        if self.echecs:
            lignes.append(f"Fichiers en erreur ({nombre(self.echecs)}) :")
            for message in self.messages_echecs:
                premiere, *suite = message.splitlines()
                lignes.append(f"  - {premiere}")
                lignes.extend(f"    {ligne}" for ligne in suite)
            if self.echecs > len(self.messages_echecs):
                lignes.append(
                    f"  … et {nombre(self.echecs - len(self.messages_echecs))} autres : voir la colonne "
                    "message_erreur de synthese.csv."
                )
        if not self.interrompu:
            sorties = "synthese.csv, synthese.json, " + (f"index.html, {RAPPORTS}/, " if self.html else "")
            lignes.append(f"Résultats dans {self.dossier} : {sorties}{AVIS}/ (un conseil JSON par fichier).")
        return "\n".join(lignes)


def duree(secondes: float) -> str:
    """A duration in French: « 4,2 s », « 12 s », « 3 min 05 s », « 1 h 02 min »."""
    if secondes < 9.95:
        return f"{nombre(max(0.0, secondes), 1)} s"
    secondes = round(secondes)
    if secondes < 60:
        return f"{secondes} s"
    minutes, secondes = divmod(secondes, 60)
    if minutes < 60:
        return f"{minutes} min {secondes:02d} s"
    heures, minutes = divmod(minutes, 60)
    return f"{heures} h {minutes:02d} min"


# --- progress --------------------------------------------------------------------------------------


class Progression:
    """A progress bar on a terminal (count, rate, time left), redrawn at most ten times a second."""

    def __init__(self, total: int, flux: TextIO | None) -> None:
        self.total = total
        self.flux = flux
        self.faits = 0
        self.debut = time.monotonic()
        self.dernier = 0.0

    def avancer(self, n: int = 1) -> None:
        self.faits += n
        if self.flux is None:
            return
        maintenant = time.monotonic()
        if maintenant - self.dernier < 0.1 and self.faits < self.total:
            return
        self.dernier = maintenant
        ecoule = maintenant - self.debut
        vitesse = self.faits / ecoule if ecoule > 0 else 0.0
        estimation = ecoule >= 1 and vitesse > 0  # the first second says little about the rate
        texte = (
            f" {nombre(self.faits)}/{nombre(self.total)} fichiers · {nombre(100 * self.faits / self.total)} %"
        )
        if estimation:
            texte += f" · {nombre(vitesse)} fichiers/s · reste {duree((self.total - self.faits) / vitesse)}"
        largeur = max(10, min(30, shutil.get_terminal_size((80, 24)).columns - 70))
        plein = round(largeur * self.faits / self.total)
        self.flux.write(f"\r[{'█' * plein}{'·' * (largeur - plein)}]{texte}\x1b[K")
        self.flux.flush()

    def effacer(self) -> None:
        if self.flux is not None and self.dernier:
            self.flux.write("\r\x1b[K")
            self.flux.flush()
