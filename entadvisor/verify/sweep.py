"""The cases of ``entadvisor verifier``: the deterministic sweep of the answer space.

The dimensions (the answer combinations, the estimated values aimed at both sides of every
threshold, the dates around every change of the parameter files), the blocks that cross them,
and :func:`plan`, the list of distinct cases. The sweep is described in :mod:`entadvisor.verify.run`.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import itertools
import math
import random
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from entadvisor.answers import allowed_values
from entadvisor.calculations import size_contract
from entadvisor.engine.parameters import ParameterSet
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
class Cas:
    """One case of the sweep: valid answers (plain data) and the analysis date."""

    numero: int
    bloc: str
    reponses: dict[str, Any]
    date_analyse: dt.date


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


def _reponses(choix: dict[str, Any], reference: ParameterSet) -> tuple[dict[str, Any], dt.date]:
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


def cas_du_choix(numero: int, bloc: str, choix: dict[str, Any], reference: ParameterSet) -> Cas:
    """The case a choice of the sweep stands for (what :func:`plan` builds, one case at a time)."""
    data, as_of = _reponses(choix, reference)
    return Cas(numero, bloc, data, as_of)


def empreinte_cas(cas: Cas) -> bytes:
    """A digest of a case's answers and date, the same in every process (to find two equal cases)."""
    texte = repr((sorted(cas.reponses.items()), cas.date_analyse))
    return hashlib.blake2b(texte.encode(), digest_size=16).digest()


def _construire_plan(params: list[ParameterSet], complet: bool) -> tuple[list[Cas], dict[str, int]]:
    reference = params[-1]
    dims = _dimensions(params)
    vus: set[tuple[frozenset[tuple[str, Any]], dt.date]] = set()
    cas: list[Cas] = []
    par_bloc: dict[str, int] = {}
    for bloc in _blocs(complet):
        avant = len(cas)
        for choix in _choix_du_bloc(bloc, dims):
            data, as_of = _reponses(choix, reference)
            cle = (frozenset(data.items()), as_of)
            if cle in vus:
                continue
            vus.add(cle)
            cas.append(Cas(len(cas) + 1, bloc.nom, data, as_of))
        par_bloc[bloc.nom] = len(cas) - avant
    return cas, par_bloc
