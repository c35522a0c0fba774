"""The cases of ``entadvisor verifier``: the deterministic sweep of the answer space.

The dimensions (the answer combinations, the estimated values aimed at both sides of every
threshold, the dates around every change of the parameter files), the blocks that cross them,
and :func:`plan`, the list of distinct cases (each made from its choice by :mod:`entadvisor.verify.cas`).
The sweep is described in :mod:`entadvisor.verify.run`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from entadvisor.answers import allowed_values
from entadvisor.calculations import size_contract
from entadvisor.engine.parameters import ParameterSet
from entadvisor.verify.cas import Cas, reponses
from entadvisor.verify.worker import default_reference

SEUILS_VALEUR = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen", "seuil_achat_innovant")
"""Thresholds the estimated value is compared with: the sweep aims at both sides of each."""
TAILLES = ("petit_acheteur_ecoles", "grand_perimetre_ecoles")
CONSTRUCTIONS = ("eleves_prix", "prix_defaut", "eleves_estimes", "estimes_defaut", "ponctuels")
"""How the aimed value is built: which of pupils and price are answered, and the share of one-off costs."""
PRIX_BASE = (1.8, 3.2, 12.0)
"""Prices per pupil (€ HT a year) from which a given price is solved: two typical, one outside the documented
range (DOMAIN.md §8, prix_atypique)."""
ECARTS_ANALYSE = (-30, 0, 240)
"""Days between the analysis and a planned launch (negative: a consultation already launched)."""
PLUSIEURS_COMMUNES = (2, 3, 14)
FINS_CONTRAT = ("absente", "alignee", "avant", "apres")


# --- the sweep -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Bloc:
    nom: str
    produit: tuple[str, ...]


def _valeurs_seuils(params: Iterable[ParameterSet], date: dt.date, noms: Iterable[str]) -> list[float]:
    found = {float(p.value(nom, date).valeur) for p in params for nom in noms if nom in p}
    return sorted(found)


def _dates_parametres(params: Iterable[ParameterSet]) -> list[dt.date]:
    """Both sides of every change date of the value thresholds, in every parameter set given."""
    dates: set[dt.date] = set()
    for p in params:
        for nom in SEUILS_VALEUR:
            if nom in p:
                for change in p.change_dates(nom):
                    dates.update((change - dt.timedelta(days=1), change))
    return sorted(dates)


def _cibles(seuils: list[float], marge: float) -> list[float]:
    """Estimated values aimed at: each threshold − 1 and itself, ± the margin, midpoints, ends."""
    cibles = {math.floor(seuils[0] / 2), 2 * seuils[-1]}
    for seuil in seuils:
        cibles.update((seuil - 1, seuil, round(seuil * (1 - marge)), round(seuil * (1 + marge))))
    cibles.update(round((a + b) / 2) for a, b in itertools.pairwise(seuils))
    return sorted(float(c) for c in cibles if c > 0)


def _dimensions(params: list[ParameterSet]) -> dict[str, tuple[Any, ...]]:
    reference = params[-1]
    dims: dict[str, tuple[Any, ...]] = {}
    for key in (
        "porteur",
        "competence_scolaire",
        "offre_mutualisee",
        "ent_existant",
        "usages_numeriques",
        "equipement_ecoles",
        "degres",
        "convention_partenariat",
    ):
        dims[key] = tuple(allowed_values(key) or ())
    for key in (
        "communes_partenaires_interessees",
        "service_marches",
        "autorite_academique_associee",
        "comite_pilotage",
        "dpo_associe",
        "accompagnement_prevu",
    ):
        dims[key] = (False, True)
    for key in HYPOTHESES:  # « ne_sait_pas » is drawn (see _choix_du_bloc), never in a product
        dims[key] = tuple(v for v in dims[key] if v != "ne_sait_pas")
    dims["nombre_communes"] = ("une", "plusieurs")
    dims["besoin_specs"] = tuple(
        (besoin, specs)
        for besoin in allowed_values("besoin") or ()
        for specs in ((None,) if besoin == "standard" else (None, True, False))
    )
    dims["besoin"] = tuple(allowed_values("besoin") or ())
    points = []
    for date in _dates_parametres(params):
        seuils = _valeurs_seuils(params, date, SEUILS_VALEUR)
        marge = float(reference.value("marge_seuil_proche", date).valeur)
        points += [(date, cible) for cible in _cibles(seuils, marge)]
    dims["point"] = tuple(points)
    ecoles: set[int] = {1}
    for p in params:
        for nom in TAILLES:
            for valeur in {v.value for v in p.parameters[nom].values.values()}:
                ecoles.update((int(valeur), int(valeur) + 1))
    dims["ecoles"] = tuple(sorted(ecoles))
    dims["construction"] = CONSTRUCTIONS
    dims["annees"] = tuple(sorted(_annees_possibles(reference)))
    dims["date_mode"] = ("lancement", "analyse")
    dims["ecart_analyse"] = ECARTS_ANALYSE
    dims["rentree"] = (0, 1, 2)
    dims["prix_base"] = PRIX_BASE
    dims["plusieurs"] = PLUSIEURS_COMMUNES
    dims["fin_contrat"] = FINS_CONTRAT
    dims["delegation_marches"] = (None, False, True)  # the form of the act (rules/deliberation.py)
    return dims


def _annees_possibles(reference: ParameterSet) -> set[int]:
    """Contract lengths (years) the sizing can give with the reference parameters, to aim values exactly."""
    found = set()
    for date in sorted({d for values in reference.parameters.values() for d in values.values}):
        p = {n: v.valeur for n, v in reference.at(date).items()}
        for exp in (False, True):
            for nom in ("generalisation_annees", "generalisation_annees_grand_perimetre"):
                found.add(
                    size_contract(
                        exp,
                        p[nom],
                        p["observation_annees_souhaitees"],
                        p["observation_annees_minimum"],
                        1,
                        p["duree_max_accord_cadre_mois"],
                    ).annees_contrat
                )
    return found or {4}


def _blocs(complet: bool) -> list[_Bloc]:
    if complet:
        return [
            _Bloc(
                "décisions",
                (
                    "porteur",
                    "competence_scolaire",
                    "nombre_communes",
                    "offre_mutualisee",
                    "besoin_specs",
                    "ent_existant",
                    "usages_numeriques",
                    "equipement_ecoles",
                    "communes_partenaires_interessees",
                    "degres",
                ),
            ),
            _Bloc("seuils", ("point", "besoin_specs", "offre_mutualisee", "construction")),
            _Bloc(
                "écoles",
                (
                    "ecoles",
                    "ent_existant",
                    "usages_numeriques",
                    "equipement_ecoles",
                    "besoin",
                    "offre_mutualisee",
                    "nombre_communes",
                ),
            ),
        ]
    return [
        _Bloc(
            "décisions",
            (
                "porteur",
                "competence_scolaire",
                "nombre_communes",
                "offre_mutualisee",
                "besoin_specs",
                "communes_partenaires_interessees",
                "ent_existant",
            ),
        ),
        _Bloc("seuils", ("point", "besoin_specs")),
        _Bloc(
            "écoles",
            (
                "ecoles",
                "ent_existant",
                "usages_numeriques",
                "equipement_ecoles",
                "besoin",
                "offre_mutualisee",
            ),
        ),
    ]


HYPOTHESES = (
    "communes_partenaires_interessees",
    "usages_numeriques",
    "equipement_ecoles",
    "autorite_academique_associee",
    "dpo_associe",
)
"""Answers whose « ne_sait_pas » rules/hypotheses.py turns into the prudent value: the unknown is drawn with
the other values where the answer is not in a block's product (it adds cases, not a product dimension)."""


def _choix_du_bloc(bloc: _Bloc, dims: dict[str, tuple[Any, ...]]) -> Iterable[dict[str, Any]]:
    """The full product of the block's dimensions; the other dimensions drawn by a seeded generator."""
    tirage = random.Random(f"entadvisor-verifier:{bloc.nom}").random
    tirees = {nom: dims[nom] + (("ne_sait_pas",) if nom in HYPOTHESES else ()) for nom in dims}
    autres = [(nom, tirees[nom], len(tirees[nom])) for nom in dims if nom not in bloc.produit]
    precisions = {b: [s for b2, s in dims["besoin_specs"] if b2 == b] for b in dims["besoin"]}
    for combinaison in itertools.product(*(dims[nom] for nom in bloc.produit)):
        choix = dict(zip(bloc.produit, combinaison, strict=True))
        for nom, valeurs, n in autres:
            choix[nom] = valeurs[int(tirage() * n)]
        if "besoin" in bloc.produit:  # the need is in the product, its precision is drawn
            specs = precisions[choix["besoin"]]
            choix["besoin_specs"] = (choix["besoin"], specs[int(tirage() * len(specs))])
        yield choix


_PLANS: dict[tuple[Any, ...], tuple[list[Cas], dict[str, int]]] = {}


def _empreinte(parameters: ParameterSet) -> tuple[Any, ...]:
    """What the sweep depends on in a parameter set: every dated value and validity end."""
    return tuple(
        (nom, p.valid_until, tuple((d, repr(v.value)) for d, v in sorted(p.values.items())))
        for nom, p in sorted(parameters.parameters.items())
    )


def plan(
    knowledge: Any, reference: ParameterSet | None = None, *, complet: bool = False, limite: int | None = None
) -> tuple[list[Cas], dict[str, int]]:
    """The deterministic list of distinct cases of the sweep, and how many each block contributed.

    ``limite`` keeps that many cases, evenly spread over the whole sweep (for quick checks). The
    sweep depends only on the parameter values: it is built once per process for given parameters.
    """
    reference = reference or default_reference()
    cle = (_empreinte(knowledge.parameters), _empreinte(reference), complet)
    if cle not in _PLANS:
        if len(_PLANS) >= 4:
            _PLANS.clear()
        _PLANS[cle] = _construire_plan([knowledge.parameters, reference], complet)
    cas, par_bloc = _PLANS[cle]
    if limite is not None and limite < len(cas):
        pas = len(cas) / limite
        cas = [cas[int(k * pas)] for k in range(limite)]
    return list(cas), dict(par_bloc)


def choix_du_plan(
    knowledge: Any, reference: ParameterSet | None = None, *, complet: bool = False, limite: int | None = None
) -> tuple[list[tuple[int, str, dict[str, Any]]], dict[str, int]]:
    """The sweep's choices, numbered in order, without the answers made from them.

    Drawing the choices is the cheap, sequential part (one seeded generator per block); turning a
    choice into answers (:func:`cas_du_choix`, solving pupils and prices on a threshold) is the
    costly part, done by the verifier's workers. The numbers and the ``limite`` sample are those of
    :func:`plan` as long as no two choices give the same case (the verifier checks that it is so).
    """
    reference = reference or default_reference()
    dims = _dimensions([knowledge.parameters, reference])
    choix: list[tuple[int, str, dict[str, Any]]] = []
    par_bloc: dict[str, int] = {}
    for bloc in _blocs(complet):
        avant = len(choix)
        choix.extend((avant + k + 1, bloc.nom, c) for k, c in enumerate(_choix_du_bloc(bloc, dims)))
        par_bloc[bloc.nom] = len(choix) - avant
    if limite is not None and limite < len(choix):
        pas = len(choix) / limite
        choix = [choix[int(k * pas)] for k in range(limite)]
    return choix, par_bloc


def _construire_plan(params: list[ParameterSet], complet: bool) -> tuple[list[Cas], dict[str, int]]:
    reference = params[-1]
    dims = _dimensions(params)
    vus: set[tuple[frozenset[tuple[str, Any]], dt.date]] = set()
    cas: list[Cas] = []
    par_bloc: dict[str, int] = {}
    for bloc in _blocs(complet):
        avant = len(cas)
        for choix in _choix_du_bloc(bloc, dims):
            data, as_of = reponses(choix, reference)
            cle = (frozenset(data.items()), as_of)
            if cle in vus:
                continue
            vus.add(cle)
            cas.append(Cas(len(cas) + 1, bloc.nom, data, as_of))
        par_bloc[bloc.nom] = len(cas) - avant
    return cas, par_bloc
