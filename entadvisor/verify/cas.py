"""A case of ``entadvisor verifier``: the valid answers one choice of the sweep stands for.

A choice (:mod:`entadvisor.verify.sweep`) names an answer combination, an estimated value aimed at
one side of a threshold and a date; :func:`reponses` solves the pupils, classes, price and one-off
costs that make the estimated value land on the aimed one, and fills in the answers and the date
of the analysis. Done in the verifier's workers, one case at a time (:func:`cas_du_choix`).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import math
from dataclasses import dataclass
from typing import Any

from entadvisor.engine.parameters import ParameterSet


@dataclass(frozen=True)
class Cas:
    """One case of the sweep: valid answers (plain data) and the analysis date."""

    numero: int
    bloc: str
    reponses: dict[str, Any]
    date_analyse: dt.date


@functools.lru_cache(maxsize=65536)
def _exact(cible: float, annees: int, prix_base: float, ecoles: int) -> tuple[int, float]:
    """Pupils and a price (0,50 to 20 € HT) with pupils × price × years == cible, when a divisor allows it.

    Otherwise the price is rounded down to the cent and the one-off costs take the remainder.
    """
    eleves0 = max(5 * ecoles, round(cible / (prix_base * annees)))
    centimes_total = round(cible * 100)
    if centimes_total % annees == 0:
        n = centimes_total // annees
        bas, haut = max(5 * ecoles, math.ceil(n / 2000)), n // 50
        for pas in range(0, 1500):
            for eleves in (eleves0 + pas, eleves0 - pas):
                if bas <= eleves <= haut and n % eleves == 0:
                    return eleves, (n // eleves) / 100
    centimes = max(1, math.floor(centimes_total / (eleves0 * annees)))
    return eleves0, centimes / 100


def _classes(eleves: int, ecoles: int, par_classe: float) -> int:
    classes = max(ecoles, round(eleves / par_classe))
    if eleves / classes > 35:
        classes = math.ceil(eleves / 35)
    if eleves / classes < 5:
        classes = max(ecoles, eleves // 5)
    return classes


def _valeur(choix: dict[str, Any], reference: ParameterSet, date: dt.date) -> dict[str, Any]:
    """Pupils, classes, price and one-off costs that make the estimated value land on the aimed one."""
    cible = choix["point"][1]
    annees, ecoles, mode = choix["annees"], choix["ecoles"], choix["construction"]
    en_vigueur = reference.at(date)
    par_classe = float(en_vigueur["eleves_par_classe"].valeur)
    defaut = float(en_vigueur["prix_eleve_an_ht_defaut"].valeur)
    ponctuels = 0.0
    out: dict[str, Any] = {}
    if mode == "ponctuels":
        ponctuels = float(round(cible * 0.4))
        cible -= ponctuels
    if mode in ("eleves_prix", "ponctuels"):
        eleves, prix = _exact(cible, annees, choix["prix_base"], ecoles)
        out.update(nombre_eleves=eleves, prix_eleve_an_ht=prix)
    elif mode == "prix_defaut":
        prix = defaut
        eleves = max(5 * ecoles, math.floor(cible / (prix * annees)))
        out["nombre_eleves"] = eleves
    else:
        prix = choix["prix_base"] if mode == "eleves_estimes" else defaut
        classes = max(ecoles, math.floor(cible / (par_classe * prix * annees)))
        eleves = round(classes * par_classe)
        if mode == "eleves_estimes":
            prix = max(1, math.floor(cible * 100 / (eleves * annees))) / 100
            out["prix_eleve_an_ht"] = prix
        out["nombre_classes"] = classes
    reste = round(cible - eleves * prix * annees, 2)
    ponctuels = round(ponctuels + max(0.0, reste), 2)
    out.setdefault("nombre_classes", _classes(eleves, ecoles, par_classe))
    if ponctuels:
        out["couts_ponctuels_ht"] = ponctuels
    return out


def reponses(choix: dict[str, Any], reference: ParameterSet) -> tuple[dict[str, Any], dt.date]:
    """The answers a choice of the sweep stands for, and the date of its analysis."""
    date = choix["point"][0]
    besoin, specs = choix["besoin_specs"]
    data: dict[str, Any] = {
        "version": 1,
        "porteur": choix["porteur"],
        "competence_scolaire": choix["competence_scolaire"],
        "nombre_communes": 1 if choix["nombre_communes"] == "une" else choix["plusieurs"],
        "service_marches": choix["service_marches"],
        "communes_partenaires_interessees": choix["communes_partenaires_interessees"],
        "nombre_ecoles": choix["ecoles"],
        "degres": choix["degres"],
        "ent_existant": choix["ent_existant"],
        "usages_numeriques": choix["usages_numeriques"],
        "equipement_ecoles": choix["equipement_ecoles"],
        "autorite_academique_associee": choix["autorite_academique_associee"],
        "convention_partenariat": choix["convention_partenariat"],
        "comite_pilotage": choix["comite_pilotage"],
        "dpo_associe": choix["dpo_associe"],
        "accompagnement_prevu": choix["accompagnement_prevu"],
        "offre_mutualisee": choix["offre_mutualisee"],
        "besoin": besoin,
        "rentree_visee": date.year + choix["rentree"],
    }
    if specs is not None:
        data["specifications_precises"] = specs
    if choix["delegation_marches"] is not None:
        data["delegation_marches"] = choix["delegation_marches"]
    data.update(_valeur(choix, reference, date))
    rentree = data["rentree_visee"]
    if choix["ent_existant"] != "aucun" and choix["fin_contrat"] != "absente":
        data["fin_contrat_actuel"] = {
            "alignee": dt.date(rentree, 8, 31),
            "avant": dt.date(rentree, 6, 30),
            "apres": dt.date(rentree + 1, 8, 31),
        }[choix["fin_contrat"]]
    if choix["date_mode"] == "lancement":
        data["date_lancement"] = date
        as_of = date - dt.timedelta(days=choix["ecart_analyse"])
    else:
        as_of = date
    return data, as_of


def cas_du_choix(numero: int, bloc: str, choix: dict[str, Any], reference: ParameterSet) -> Cas:
    """The case a choice of the sweep stands for (what :func:`plan` builds, one case at a time)."""
    data, as_of = reponses(choix, reference)
    return Cas(numero, bloc, data, as_of)


def empreinte_cas(cas: Cas) -> bytes:
    """A digest of a case's answers and date, the same in every process (to find two equal cases)."""
    texte = repr((sorted(cas.reponses.items()), cas.date_analyse))
    return hashlib.blake2b(texte.encode(), digest_size=16).digest()
