"""Verification of a knowledge base: sweep the answer space, check invariants on every case.

``entadvisor verifier`` builds a deterministic list of distinct cases and runs each through the
engine, in parallel worker processes (one warm engine per worker, shared EXPERTA.md §2.7). A case
is checked from the engine's facts and notes directly, without building the pydantic Advice
(about 0.8 ms, 15 %, saved per case); every 50th clean case is also turned into an Advice, so that
:class:`~entadvisor.engine.EvaluationError` and the Advice model are exercised too.

**The sweep.** Dimensions are derived from the answer model and the parameter files, never typed
here: the categorical answers come from :func:`entadvisor.answers.allowed_values`; the parameter
dates are both sides (day before, day of) of every change date of the thresholds
(:meth:`ParameterSet.change_dates`); at each date, the estimated values aimed at are, for each
threshold in force, value − 1, value, value ± the ``seuil_proche`` margin, the midpoints between
thresholds, half the lowest and twice the highest; the pupils, price per pupil and one-off costs
are solved so that ``pupils × price × years + one-off`` lands exactly on the aimed value, in five
ways (pupils and price given, default price, pupils estimated from the classes, both, large one-off
costs); the school counts sit on both sides of ``petit_acheteur_ecoles`` and ``grand_perimetre_ecoles``.
Blocks take the full product of some dimensions and rotate the others with a seeded generator:

- default (8 172 cases, about 40 s with 2 processes on 2 cores): the full product of the answers that
  decide the purchasing route and procedure (porteur × compétence × 1/plusieurs communes × offre
  mutualisée × besoin/spécifications × partenaires × ENT existant); the full product of thresholds
  × dates × besoin/spécifications; the full product of the answers that decide the experimentation
  (écoles × ENT existant × usages × équipement × besoin × offre);
- ``complet`` (126 216 cases, about 10 minutes): the full product of all ten decision answers (72 576
  combinations), thresholds × dates × need × mutualised offer × the five value constructions, and
  the experimentation block crossed with 1/plusieurs communes.

The readiness answers (convention, comité, DPO, …), the analysis date, the target rentrée and the
end of the current contract are rotated, not multiplied.

**The independent checker.** The procedure is checked against the thresholds of a *reference*
parameter set, not against the parameters of the knowledge base under test: by default the
parameters of the bundled knowledge base, or ``--reference DOSSIER``. So a threshold shifted in a
modified knowledge base (in its YAML or in a rule) is reported. Pass ``--reference`` with your own
folder when you change a threshold on purpose (a new decree).

Invariants (codes in the report): one route; one procedure unless the route needs none (centrale,
existing groupement); the estimated value equals pupils × price × years + one-off costs; the
procedure and its publicity agree with the value and the reference thresholds at the parameter
date; no negotiation for a standard need; experimentation decided, with a format iff recommended;
contract within the legal maximum or flagged ``duree_depassee``; contract from 1 September to
31 August; phases and timeline in order and consecutive; the warning codes of shared ANSWERS.md
present exactly when due; every fired rule has references; no exception. Two rules concluding on
the same question (the same fact class, e.g. two VOIE-* rules) in one case is a conflict, found
from the declarations even when experta merges identical facts. Rules that never fire are dead.

Each failing case is written, up to a cap, as a valid answer file with its analysis date in a
comment, into the output folder (default ``verification-echecs/``).
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import math
import multiprocessing
import os
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, get_args

from .advice import FormatExperimentation as _Format
from .advice import Procedure as _Procedure
from .advice import Voie as _Voie
from .answers import FIELDS, Answers, allowed_values, answers_to_yaml
from .calculations import months_between, size_contract
from .errors import EntreeInvalide
from .formatting import date_fr, montant, nombre
from .parameters import ParameterSet, load_parameters

SEUILS_VALEUR = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen", "seuil_achat_innovant")
"""Thresholds the estimated value is compared with: the sweep aims at both sides of each."""
SEUILS_PROCEDURE = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen")
TAILLES = ("petit_acheteur_ecoles", "grand_perimetre_ecoles")
CONSTRUCTIONS = ("eleves_prix", "prix_defaut", "eleves_estimes", "estimes_defaut", "ponctuels")
"""How the aimed value is built: which of pupils and price are answered, and the share of one-off costs."""
PRIX_BASE = (1.8, 3.2, 4.5)
"""Typical prices per pupil (€ HT a year) from which a given price is solved (shared DOMAIN.md §8)."""
ECARTS_ANALYSE = (0, 60, 240)
"""Days between the analysis and a planned launch."""
PLUSIEURS_COMMUNES = (2, 3, 14)
FINS_CONTRAT = ("absente", "alignee", "avant", "apres")

QUESTIONS = {
    "Acheteur": "l'acheteur",
    "OffreRetenue": "l'offre mutualisée retenue",
    "Voie": "la voie d'achat",
    "Passation": "la procédure",
    "Effectif": "l'effectif",
    "Prix": "le prix par élève",
    "Taille": "la taille du périmètre",
    "ValeurEstimee": "la valeur estimée",
    "Tranche": "la tranche de valeur",
    "Experimentation": "l'expérimentation",
    "FormatExperimentation": "le format de l'expérimentation",
    "Duree": "la durée",
    "Planning": "le rétroplanning",
    "Contrat": "le contrat",
}
"""The questions a fact class answers: two rules concluding one of them in one case conflict."""
UNIQUES = tuple(QUESTIONS)
OBLIGATOIRES = tuple(n for n in UNIQUES if n != "FormatExperimentation")
"""Every case must conclude on these (a format only when an experimentation is recommended)."""
CONTROLES = ("Voie", "Passation", "ValeurEstimee", "Duree", "Experimentation", "Contrat", "Planning")
CODES_ABSENCE = {
    "Voie": "voie_absente",
    "Passation": "procedure_absente",
    "Experimentation": "experimentation_absente",
}
CODES_MULTIPLES = {"Voie": "voie_multiple", "Passation": "procedure_multiple"}
FORMALISEES = {
    "appel_offres_ouvert",
    "appel_offres_restreint",
    "procedure_avec_negociation",
    "dialogue_competitif",
}
CHAINES = (
    ("preparation", "passation", "mise_en_service"),
    ("renouvellement_preparation", "renouvellement_passation", "renouvellement_transition"),
)
ETAPES_REQUISES: tuple[str, ...] = (
    "etat_des_lieux",
    "convention",
    "comite_pilotage",
    "budget",
    "generalisation",
    "perennisation",
)
ETAPES_REQUISES += CHAINES[0] + CHAINES[1]
CONSEIL_TOUS_LES = 50
"""Every n-th clean case is also built into an Advice (EvaluationError, pydantic validation)."""
LOT = 200
MAX_FICHIERS = 200
MAX_FICHIERS_PAR_CODE = 20
MODES = {"rapide": 500}


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


def _choix_du_bloc(bloc: _Bloc, dims: dict[str, tuple[Any, ...]]) -> Iterable[dict[str, Any]]:
    """The full product of the block's dimensions; the other dimensions drawn by a seeded generator."""
    tirage = random.Random(f"entadvisor-verifier:{bloc.nom}").random
    autres = [(nom, dims[nom], len(dims[nom])) for nom in dims if nom not in bloc.produit]
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
    reference = reference or _reference_defaut()
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


# --- checking one case -----------------------------------------------------------------------------


@dataclass
class _Etat:
    """What a worker keeps between cases: its engine, the knowledge base and the reference parameters."""

    knowledge: Any
    reference: ParameterSet
    engine: Any
    declarations: list[tuple[str, str]]
    sans_references: set[str]
    temps: dict[str, float] = field(default_factory=dict)


_ETAT: _Etat | None = None
_MOTEURS: dict[int, tuple[Any, Any, list[tuple[str, str]]]] = {}


def _moteur(knowledge: Any) -> tuple[Any, list[tuple[str, str]]]:
    """A verification engine for this process, separate from ``knowledge.engine()``, recording declarations.

    experta merges a fact equal to one already declared, so two rules concluding the same thing
    would leave one fact: the wrapper sees every declaration, with the rule that made it.
    """
    found = _MOTEURS.get(id(knowledge))
    if found is not None and found[0] is knowledge:
        return found[1], found[2]
    from ._experta import clear_matcher_caches

    engine = knowledge.engine_class(knowledge)
    clear_matcher_caches()
    declarations: list[tuple[str, str]] = []
    declare = engine.declare

    def declarer(*facts: Any) -> Any:
        current = engine._current
        if current is not None:
            declarations.extend((current.id, type(fact).__name__) for fact in facts)
        return declare(*facts)

    engine.declare = declarer
    _MOTEURS[id(knowledge)] = (knowledge, engine, declarations)
    return engine, declarations


def _init_worker(folder: str, reference: str) -> None:
    global _ETAT
    from .knowledge import load_knowledge

    knowledge = load_knowledge(folder)
    engine, declarations = _moteur(knowledge)
    _ETAT = _Etat(
        knowledge=knowledge,
        reference=load_parameters(Path(reference)),
        engine=engine,
        declarations=declarations,
        sans_references={r.id for r in knowledge.rules if not r.references},
    )


@dataclass
class _Lot:
    """What a worker returns for a batch of cases (plain data: it crosses process boundaries)."""

    regles: Counter[str] = field(default_factory=Counter)
    conflits: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)
    violations: list[tuple[int, str, str]] = field(default_factory=list)
    temps: dict[str, float] = field(default_factory=dict)


def _verifier_lot(lot: list[tuple[int, dict[str, Any], dt.date]]) -> _Lot:
    assert _ETAT is not None, "processus de vérification non initialisé"
    resultat = _Lot()
    for numero, data, as_of in lot:
        for code, message in _verifier_cas(_ETAT, numero, data, as_of, resultat):
            resultat.violations.append((numero, code, message))
    resultat.temps = dict(_ETAT.temps)
    _ETAT.temps.clear()
    return resultat


def _ajouter(temps: dict[str, float], cle: str, duree: float) -> None:
    temps[cle] = temps.get(cle, 0.0) + duree


def _verifier_cas(
    etat: _Etat, numero: int, data: dict[str, Any], as_of: dt.date, lot: _Lot
) -> list[tuple[str, str]]:
    from pydantic import ValidationError

    from .engine import EvaluationError

    t0 = time.process_time()
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        return [("cas_invalide", f"le balayage a produit des réponses invalides : {exc.errors()[0]['msg']}")]
    t1 = time.process_time()
    parameter_date = answers.date_lancement or as_of
    engine = etat.engine
    etat.declarations.clear()
    try:
        engine.run_case(answers, as_of, parameter_date)
    except Exception as exc:  # any exception is a finding, reported with the case
        _ajouter(etat.temps, "moteur", time.process_time() - t1)
        return [("exception", f"{type(exc).__name__} : {exc}")]
    t2 = time.process_time()
    fired = {step["meta"].id for step in engine.trace}
    lot.regles.update(fired)
    try:
        problems = _invariants(etat, answers, as_of, parameter_date, fired, numero, lot)
    except Exception as exc:  # a fact missing a field, a wrong type...: the base concluded something unusable
        problems = [("exception", f"contrôle impossible : {type(exc).__name__} : {exc}")]
    if not problems and numero % CONSEIL_TOUS_LES == 0:
        from .synthesis import build_advice

        try:
            build_advice(engine, answers, as_of, parameter_date)
        except EvaluationError as exc:
            problems.append(("evaluation", str(exc)))
        except ValidationError as exc:
            problems.append(("conseil_invalide", str(exc).splitlines()[0]))
        except Exception as exc:  # the Advice cannot be assembled from what the rules concluded
            problems.append(("conseil_invalide", f"{type(exc).__name__} : {exc}"))
    t3 = time.process_time()
    _ajouter(etat.temps, "validation", t1 - t0)
    _ajouter(etat.temps, "moteur", t2 - t1)
    _ajouter(etat.temps, "controles", t3 - t2)
    return problems


def _invariants(
    etat: _Etat,
    answers: Answers,
    as_of: dt.date,
    parameter_date: dt.date,
    fired: set[str],
    numero: int,
    lot: _Lot,
) -> list[tuple[str, str]]:
    engine = etat.engine
    problems: list[tuple[str, str]] = []
    faits: dict[str, list[Any]] = {}
    for fact in engine.facts.values():
        faits.setdefault(type(fact).__name__, []).append(fact)

    # one conclusion per question; two rules concluding on the same question conflict
    par_question: dict[str, list[str]] = {}
    for regle, classe in etat.declarations:
        if classe in QUESTIONS and regle not in par_question.setdefault(classe, []):
            par_question[classe].append(regle)
    for classe, regles in par_question.items():
        for a, b in itertools.combinations(sorted(regles), 2):
            lot.conflits.setdefault((classe, a, b), []).append(numero)
        if len(regles) > 1:
            problems.append(
                (
                    "conflit",
                    f"{' et '.join(sorted(regles))} concluent toutes sur {QUESTIONS[classe]} ({classe})",
                )
            )
    for classe in UNIQUES:
        n = len(faits.get(classe, ()))
        if n == 0 and classe in OBLIGATOIRES:
            problems.append(
                (
                    CODES_ABSENCE.get(classe, "conclusion_absente"),
                    f"aucune règle n'a conclu sur {QUESTIONS[classe]} ({classe})",
                )
            )
        elif n > 1:
            valeurs = " ; ".join(str(_plain(f)) for f in faits[classe])
            problems.append(
                (CODES_MULTIPLES.get(classe, "conclusions_multiples"), f"{n} faits {classe} : {valeurs}")
            )
    if sans := fired & etat.sans_references:
        problems.append(("references_absentes", f"règles sans référence : {', '.join(sorted(sans))}"))
    if any(len(faits.get(c, ())) != 1 for c in CONTROLES):
        return problems  # the checks below read these conclusions: their absence is already reported

    ref = etat.reference.at(parameter_date)
    vigilance = {n["code"] for n in engine.notes if n["kind"] == "vigilance"}
    problems += _achat(answers, faits, ref, parameter_date)
    problems += _experimentation(faits)
    problems += _contrat(faits, ref, vigilance)
    problems += _calendrier(faits, engine.notes)
    problems += _vigilance(answers, faits, ref, etat.reference, vigilance)
    return problems


def _plain(fact: Any) -> dict[str, Any]:
    return {k: v for k, v in fact.items() if not str(k).startswith("__")}


def _achat(
    answers: Answers, faits: dict[str, list[Any]], ref: dict[str, Any], parameter_date: dt.date
) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    voie, passation = faits["Voie"][0], faits["Passation"][0]
    if voie["voie"] not in get_args(_Voie):
        problems.append(("voie_inconnue", f"voie « {voie['voie']} » hors des valeurs permises"))
    sans_procedure = voie["voie"] == "centrale_achat" or (
        voie["voie"] == "groupement_commandes" and bool(voie.get("existant"))
    )
    if voie["voie"] == "centrale_achat" and answers.offre_mutualisee != "centrale_achat":
        problems.append(("voie_sans_offre", "achat par une centrale alors qu'aucune centrale n'est signalée"))
    if (
        sans_procedure
        and voie["voie"] == "groupement_commandes"
        and answers.offre_mutualisee != "groupement_existant"
    ):
        problems.append(("voie_sans_offre", "adhésion à un groupement existant alors qu'aucun n'est signalé"))
    if bool(voie.get("procedure_requise")) == sans_procedure:
        problems.append(
            ("voie_incoherente", f"procedure_requise={voie.get('procedure_requise')} pour {voie['voie']}")
        )
    procedure = passation["procedure"]
    if sans_procedure:
        if procedure is not None:
            problems.append(
                (
                    "procedure_inattendue",
                    f"procédure {procedure} alors que la voie {voie['voie']} n'en demande pas",
                )
            )
        return problems
    if procedure is None:
        return [*problems, ("procedure_absente", f"aucune procédure pour la voie {voie['voie']}")]
    if procedure not in get_args(_Procedure):
        return [*problems, ("procedure_inconnue", f"procédure « {procedure} » hors des valeurs permises")]

    # the estimated value, recomputed from the answers and the reference parameters
    eleves = answers.nombre_eleves or round(answers.nombre_classes * float(ref["eleves_par_classe"].valeur))
    prix = answers.prix_eleve_an_ht or float(ref["prix_eleve_an_ht_defaut"].valeur)
    annees = faits["Duree"][0]["annees_contrat"]
    valeur = round(eleves * prix * annees + answers.couts_ponctuels_ht, 2)
    montant_base = faits["ValeurEstimee"][0]["montant"]
    if abs(montant_base - valeur) > 0.01:
        problems.append(
            (
                "valeur_estimee",
                f"valeur estimée {montant(montant_base)} ; attendu {nombre(eleves)} élèves × {prix} € × {annees} ans "
                f"+ {montant(answers.couts_ponctuels_ht)} = {montant(valeur)}",
            )
        )
    dispense = float(ref["seuil_dispense"].valeur)
    publicite = float(ref["seuil_publicite_mapa"].valeur)
    europeen = float(ref["seuil_europeen"].valeur)
    if valeur < dispense:
        attendu, libelle = {"sans_publicite"}, f"sous le seuil de dispense ({montant(dispense)})"
    elif valeur < europeen:
        attendu, libelle = {"mapa"}, f"entre {montant(dispense)} et le seuil européen ({montant(europeen)})"
    else:
        attendu, libelle = FORMALISEES, f"au-dessus du seuil européen ({montant(europeen)})"
    if procedure not in attendu:
        problems.append(
            (
                "procedure_seuils",
                f"{procedure} pour une valeur de {montant(valeur)}, {libelle} au {date_fr(parameter_date)}",
            )
        )
    elif procedure == "mapa":
        boamp = "BOAMP" in str(passation.get("publicite") or "")
        if boamp != (valeur >= publicite):
            problems.append(
                (
                    "publicite_seuil",
                    f"publicité « {passation.get('publicite')} » pour un MAPA de {montant(valeur)} "
                    f"(seuil de publicité au BOAMP ou dans un JAL : {montant(publicite)})",
                )
            )
    if answers.besoin == "standard" and procedure in ("procedure_avec_negociation", "dialogue_competitif"):
        problems.append(
            ("negociation_injustifiee", f"{procedure} pour un besoin standard (R2124-3, CE 2020)")
        )
    return problems


def _experimentation(faits: dict[str, list[Any]]) -> list[tuple[str, str]]:
    experimentation = faits["Experimentation"][0]
    formats = faits.get("FormatExperimentation", [])
    recommandee = experimentation["recommandee"]
    if not isinstance(recommandee, bool):
        return [("experimentation_indecise", f"recommandee = {recommandee!r}")]
    if recommandee and len(formats) != 1:
        return [("format_absent", "expérimentation recommandée sans format")]
    if not recommandee and formats:
        return [("format_inattendu", f"format {formats[0]['format']} sans expérimentation recommandée")]
    if formats and formats[0]["format"] not in get_args(_Format):
        return [("format_inconnu", f"format « {formats[0]['format']} » hors des valeurs permises")]
    return []


def _contrat(faits: dict[str, list[Any]], ref: dict[str, Any], vigilance: set[str]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    contrat = faits["Contrat"][0]
    debut, fin = contrat["debut"], contrat["fin"]
    maximum = int(ref["duree_max_accord_cadre_mois"].valeur)
    depassee = bool(contrat["duree_depassee"])
    if contrat["duree_mois"] > maximum and not depassee:
        problems.append(
            ("duree_max", f"{contrat['duree_mois']} mois > {maximum} mois sans « duree_depassee »")
        )
    if (debut.month, debut.day) != (9, 1) or (fin.month, fin.day) != (8, 31) or fin <= debut:
        problems.append(
            ("contrat_dates", f"contrat du {debut} au {fin} : attendu du 1er septembre au 31 août")
        )
    elif months_between(debut, fin + dt.timedelta(days=1)) != contrat["duree_mois"]:
        problems.append(("contrat_dates", f"du {debut} au {fin} ne font pas {contrat['duree_mois']} mois"))
    fin_dep, debut_ren = contrat["fin_deploiement"], contrat["debut_renouvellement"]
    lancement_ren, notification_ren = (
        contrat["lancement_renouvellement"],
        contrat["notification_renouvellement"],
    )
    ordre = debut <= fin_dep <= fin and debut_ren <= lancement_ren <= notification_ren <= fin
    if not ordre:
        problems.append(
            (
                "phases",
                f"phases hors d'ordre : début {debut}, fin du déploiement {fin_dep}, renouvellement {debut_ren} "
                f"→ lancement {lancement_ren} → notification {notification_ren}, fin {fin}",
            )
        )
    elif not depassee:
        observation = months_between(fin_dep + dt.timedelta(days=1), debut_ren)
        minimum = 12 * int(ref["observation_annees_minimum"].valeur)
        if observation < minimum:
            problems.append(
                ("phases", f"observation de {observation} mois (< {minimum}) sans « duree_depassee »")
            )
    if depassee != ("duree_depassee" in vigilance):
        problems.append(
            (
                "vigilance",
                f"duree_depassee={depassee} mais vigilance « duree_depassee » {'absente' if depassee else 'présente'}",
            )
        )
    return problems


def _calendrier(faits: dict[str, list[Any]], notes: list[dict[str, Any]]) -> list[tuple[str, str]]:
    problems: list[tuple[str, str]] = []
    planning, contrat = faits["Planning"][0], faits["Contrat"][0]
    jalons = [planning[k] for k in ("preparation", "lancement", "notification", "ouverture")]
    if jalons != sorted(jalons):
        problems.append(
            (
                "calendrier",
                "préparation, lancement, notification et ouverture hors d'ordre : "
                + ", ".join(map(str, jalons)),
            )
        )
    if planning["ouverture"] != contrat["debut"]:
        problems.append(
            ("calendrier", f"ouverture {planning['ouverture']} ≠ début du contrat {contrat['debut']}")
        )
    etapes = {n["etape"]: n for n in notes if n["kind"] == "etape"}
    for code, etape in etapes.items():
        if etape["debut"] > etape["fin"]:
            problems.append(("calendrier", f"étape « {code} » du {etape['debut']} au {etape['fin']}"))
    manquantes = [code for code in ETAPES_REQUISES if code not in etapes]
    experimentation = faits["Experimentation"][0]["recommandee"]
    if experimentation and "experimentation" not in etapes:
        manquantes.append("experimentation")
    if manquantes:
        problems.append(("calendrier", f"étapes absentes : {', '.join(manquantes)}"))
        return problems
    for chaine in CHAINES:
        for a, b in itertools.pairwise(chaine):
            if etapes[a]["fin"] != etapes[b]["debut"]:
                problems.append(
                    (
                        "calendrier",
                        f"« {a} » finit le {etapes[a]['fin']}, « {b} » commence le {etapes[b]['debut']}",
                    )
                )
    if etapes["generalisation"]["fin"] + dt.timedelta(days=1) != etapes["perennisation"]["debut"]:
        problems.append(("calendrier", "la pérennisation ne suit pas la généralisation"))
    if etapes["renouvellement_transition"]["fin"] != contrat["fin"]:
        problems.append(("calendrier", "la transition ne finit pas avec le contrat"))
    suite = ["preparation", "passation", "mise_en_service", "generalisation", "perennisation"]
    if not contrat["duree_depassee"]:
        suite.append("renouvellement_preparation")
    debuts = [etapes[code]["debut"] for code in suite]
    if debuts != sorted(debuts):
        problems.append(
            (
                "calendrier",
                "étapes hors d'ordre chronologique : "
                + ", ".join(f"{c} {d}" for c, d in zip(suite, debuts, strict=True)),
            )
        )
    return problems


def _vigilance(
    answers: Answers,
    faits: dict[str, list[Any]],
    ref: dict[str, Any],
    reference: ParameterSet,
    vigilance: set[str],
) -> list[tuple[str, str]]:
    """The warning codes of shared ANSWERS.md, due exactly when their condition holds."""
    valeur = faits["ValeurEstimee"][0]["montant"]
    lancement = {}  # no launch date answered: a threshold unknown at the planned launch must be said too
    if answers.date_lancement is None:
        lancement = {
            nom: reference.value(nom, faits["Planning"][0]["lancement"]).connu for nom in SEUILS_PROCEDURE
        }
    marge = float(ref["marge_seuil_proche"].valeur)
    proche = any(
        abs(valeur - float(ref[nom].valeur)) <= marge * float(ref[nom].valeur) for nom in SEUILS_PROCEDURE
    )
    dues = {
        "offre_mutualisee_a_verifier": answers.offre_mutualisee == "ne_sait_pas",
        "eleves_estimes": answers.nombre_eleves is None,
        "prix_par_defaut": answers.prix_eleve_an_ht is None,
        "allotissement": answers.degres == "premier_et_second_degre",
        "convention_absente": answers.convention_partenariat == "aucune",
        "comite_pilotage_absent": not answers.comite_pilotage,
        "rentree_inatteignable": not faits["Planning"][0]["atteignable"],
        "seuil_inconnu": not all(ref[nom].connu for nom in SEUILS_PROCEDURE) or not all(lancement.values()),
        "seuil_proche": proche,
    }
    return [
        ("vigilance", f"« {code} » {'attendue mais absente' if due else 'présente sans raison'}")
        for code, due in dues.items()
        if due != (code in vigilance)
    ]


# --- the run ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Violation:
    numero: int
    code: str
    message: str


@dataclass
class Rapport:
    """The outcome of a verification: cases, violations, conflicts, dead rules, coverage, time."""

    version: str
    source: str
    reference: str
    mode: str
    echantillon: bool
    cas: int
    par_bloc: dict[str, int]
    dates_parametres: list[dt.date]
    jobs: int
    duree: float
    temps: dict[str, float]
    regles: list[str]
    declenchements: Counter[str]
    violations: list[Violation]
    conflits: dict[tuple[str, str, str], tuple[int, int]]
    couverture: dict[str, str]
    sortie: Path
    fichiers: list[Path] = field(default_factory=list)

    @property
    def mortes(self) -> list[str]:
        """Rules that never fired in the sweep."""
        return [r for r in self.regles if r not in self.declenchements]

    @property
    def cas_en_echec(self) -> int:
        return len({v.numero for v in self.violations})

    @property
    def par_code(self) -> Counter[str]:
        return Counter(code for _, code in {(v.numero, v.code) for v in self.violations})

    @property
    def ok(self) -> bool:
        """No violation, no conflict, and (unless on a sample) no dead rule."""
        return not self.violations and not self.conflits and (self.echantillon or not self.mortes)

    def texte(self) -> str:
        """The report in French, as ``entadvisor verifier`` prints it."""
        out = [f"Vérification de la base de connaissances {self.version} ({self.source})"]
        out.append(f"Seuils de référence du contrôle : {self.reference}")
        debit = self.cas / self.duree if self.duree else 0.0
        out.append(
            f"Balayage {self.mode} : {nombre(self.cas)} cas distincts en {nombre(self.duree, 1)} s avec "
            f"{self.jobs} processus ({nombre(debit)} cas/s)"
        )
        out.append("  blocs : " + " · ".join(f"{nom} {nombre(n)}" for nom, n in self.par_bloc.items()))
        if self.dates_parametres:
            out.append(
                f"  dates des seuils : {len(self.dates_parametres)}, du {date_fr(self.dates_parametres[0])} "
                f"au {date_fr(self.dates_parametres[-1])} (veille et jour de chaque changement)"
            )
        cpu = sum(self.temps.get(k, 0.0) for k in ("moteur", "controles", "validation"))
        if cpu:
            parts = ", ".join(
                f"{libelle} {nombre(100 * self.temps.get(k, 0.0) / cpu)} %"
                for k, libelle in (
                    ("moteur", "moteur experta"),
                    ("controles", "contrôles"),
                    ("validation", "validation des réponses"),
                )
            )
            out.append(
                f"  temps : génération des cas {nombre(self.temps.get('generation', 0.0), 1)} s ; "
                f"temps processeur des processus {nombre(cpu, 1)} s ({nombre(1000 * cpu / max(self.cas, 1), 2)} ms par cas) : {parts}"
            )
        out.append("")
        if self.violations:
            out.append(f"INVARIANTS : {nombre(self.cas_en_echec)} cas en échec")
            premiers: dict[str, Violation] = {}
            for v in self.violations:
                premiers.setdefault(v.code, v)
            for code, n in sorted(self.par_code.items(), key=lambda kv: (-kv[1], kv[0])):
                v = premiers[code]
                out.append(f"  ✗ [{code}] {nombre(n)} cas — ex. cas n° {v.numero} : {v.message}")
        else:
            out.append("INVARIANTS : aucune violation")
        if self.conflits:
            out.append(f"CONFLITS : {len(self.conflits)} paire(s) de règles concluant sur la même question")
            for (classe, a, b), (n, premier) in sorted(self.conflits.items()):
                out.append(
                    f"  ✗ {a} et {b} sur {QUESTIONS.get(classe, classe)} : {nombre(n)} cas (ex. cas n° {premier})"
                )
        else:
            out.append("CONFLITS : aucun")
        mortes = self.mortes
        qualif = " dans cet échantillon (non bloquant)" if self.echantillon else ""
        out.append(f"RÈGLES JAMAIS DÉCLENCHÉES{qualif} : " + (", ".join(mortes) if mortes else "aucune"))
        total = len(self.regles)
        vues = total - len(mortes)
        out.append(f"COUVERTURE : {vues}/{total} règles déclenchées ({nombre(100 * vues / max(total, 1))} %)")
        rares = sorted((n, r) for r, n in self.declenchements.items() if r in self.regles)[:5]
        if rares:
            out.append("  les moins déclenchées : " + ", ".join(f"{r} ({nombre(n)})" for n, r in rares))
        for key, texte in self.couverture.items():
            out.append(f"  {key} : {texte}")
        if self.fichiers:
            out.append("")
            out.append(
                f"Cas en échec écrits dans {self.sortie}/ : {len(self.fichiers)} fichier(s) "
                f"sur {nombre(self.cas_en_echec)} cas (reproduire : entadvisor conseil FICHIER --date-analyse DATE)"
            )
        out.append("")
        out.append("Résultat : " + ("SUCCÈS" if self.ok else "ÉCHEC"))
        return "\n".join(out)


def _reference(reference: str | os.PathLike[str] | None) -> tuple[ParameterSet, Path, str]:
    from .knowledge import rules_folder

    if reference is None:
        folder = rules_folder() / "parameters"
        return load_parameters(folder), folder, "paramètres de la base fournie"
    path = Path(reference)
    folder = path / "parameters" if (path / "parameters").is_dir() else path
    if not folder.is_dir():
        raise EntreeInvalide(str(path), "dossier de paramètres de référence introuvable.")
    return load_parameters(folder), folder, str(folder)


def _reference_defaut() -> ParameterSet:
    return _reference(None)[0]


def _coeurs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def verify(
    knowledge: Any = None,
    *,
    reference: str | os.PathLike[str] | None = None,
    jobs: int | None = None,
    complet: bool = False,
    limite: int | None = None,
    sortie: str | os.PathLike[str] = "verification-echecs",
    progression: Callable[[int, int], None] | None = None,
) -> Rapport:
    """Sweep the answer space of a knowledge base and check every case (see the module docstring).

    ``knowledge`` is a :class:`~entadvisor.knowledge.Knowledge`, a folder or None (the bundled
    one); ``reference`` a folder of reference parameters (default: the bundled parameters);
    ``jobs`` worker processes (default: the cores); ``limite`` an evenly spread sample.
    Failing cases are written into ``sortie`` (stale ``echec-*.yaml`` files there are removed first).
    """
    from .knowledge import Knowledge, load_knowledge

    debut = time.perf_counter()
    if not isinstance(knowledge, Knowledge):
        knowledge = load_knowledge(knowledge)
    params_ref, folder_ref, libelle_ref = _reference(reference)
    cas, par_bloc = plan(knowledge, params_ref, complet=complet, limite=limite)
    generation = time.perf_counter() - debut
    jobs = max(1, jobs or _coeurs())
    lots = [
        [(c.numero, c.reponses, c.date_analyse) for c in cas[i : i + LOT]] for i in range(0, len(cas), LOT)
    ]
    resultats: list[_Lot] = []
    fait = 0
    if jobs == 1 or len(lots) <= 1:
        global _ETAT
        engine, declarations = _moteur(knowledge)
        _ETAT = _Etat(
            knowledge, params_ref, engine, declarations, {r.id for r in knowledge.rules if not r.references}
        )
        for lot in lots:
            resultats.append(_verifier_lot(lot))
            fait += len(lot)
            if progression:
                progression(fait, len(cas))
    else:
        methode = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        contexte = multiprocessing.get_context(methode)
        with contexte.Pool(
            min(jobs, len(lots)), initializer=_init_worker, initargs=(str(knowledge.folder), str(folder_ref))
        ) as pool:
            for resultat in pool.imap(_verifier_lot, lots):
                resultats.append(resultat)
                fait += LOT
                if progression:
                    progression(min(fait, len(cas)), len(cas))
    regles: Counter[str] = Counter()
    conflits: dict[tuple[str, str, str], tuple[int, int]] = {}
    violations: list[Violation] = []
    temps: dict[str, float] = {}
    for resultat in resultats:
        regles.update(resultat.regles)
        for etape, duree in resultat.temps.items():
            _ajouter(temps, etape, duree)
        violations.extend(Violation(*v) for v in resultat.violations)
        for cle, numeros in resultat.conflits.items():
            n, premier = conflits.get(cle, (0, numeros[0]))
            conflits[cle] = (n + len(numeros), min(premier, numeros[0]))
    temps["generation"] = generation
    rapport = Rapport(
        version=knowledge.version,
        source=knowledge.source,
        reference=libelle_ref,
        mode="complet" if complet else "par défaut",
        echantillon=limite is not None and limite < sum(par_bloc.values()),
        cas=len(cas),
        par_bloc=par_bloc,
        dates_parametres=sorted({c.reponses.get("date_lancement") or c.date_analyse for c in cas}),
        jobs=1 if jobs == 1 or len(lots) <= 1 else min(jobs, len(lots)),
        duree=0.0,
        temps=dict(temps),
        regles=[r.id for r in knowledge.rules],
        declenchements=regles,
        violations=sorted(violations, key=lambda v: (v.numero, v.code, v.message)),
        conflits=conflits,
        couverture=_couverture(cas),
        sortie=Path(sortie),
    )
    if rapport.echantillon:
        rapport.mode = f"échantillon ({nombre(len(cas))} cas répartis sur {nombre(sum(par_bloc.values()))})"
    rapport.fichiers = _ecrire_echecs(rapport, cas, knowledge)
    rapport.duree = time.perf_counter() - debut
    return rapport


def _couverture(cas: list[Cas]) -> dict[str, str]:
    """Per answer key, the values exercised (numbers: how many distinct values, and their range)."""
    out: dict[str, str] = {}
    for key in FIELDS:
        if key == "version" or Answers.model_fields[key].annotation in (str, str | None):
            continue  # the format version and free texts (names) decide nothing
        valeurs = Counter(c.reponses.get(key) for c in cas)
        absentes = valeurs.pop(None, 0)
        permises = allowed_values(key)
        if permises is not None or all(isinstance(v, bool) for v in valeurs):
            attendues = list(permises) if permises is not None else [False, True]
            texte = ", ".join(f"{v} ({nombre(valeurs.get(v, 0))})" for v in attendues)
        elif valeurs:
            connues: list[Any] = sorted(valeurs)
            texte = f"{nombre(len(connues))} valeurs, de {_court(connues[0])} à {_court(connues[-1])}"
        else:
            texte = "jamais donnée"
        if absentes:
            texte += f" ; absente ({nombre(absentes)})"
        out[key] = texte
    analyses = {c.date_analyse for c in cas}
    out["date d'analyse"] = (
        f"{nombre(len(analyses))} dates, du {date_fr(min(analyses))} au {date_fr(max(analyses))}"
    )
    return out


def _court(valeur: Any) -> str:
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    if isinstance(valeur, float):
        return nombre(valeur, 0 if valeur.is_integer() else 2)
    return nombre(valeur) if isinstance(valeur, int) else str(valeur)


def _ecrire_echecs(rapport: Rapport, cas: list[Cas], knowledge: Any) -> list[Path]:
    """One answer file per failing case (capped), each reproducible with its analysis date."""
    sortie = rapport.sortie
    if sortie.is_dir():
        for ancien in sortie.glob("echec-*.yaml"):
            ancien.unlink()
    if not rapport.violations:
        return []
    par_numero: dict[int, list[Violation]] = {}
    for v in rapport.violations:
        par_numero.setdefault(v.numero, []).append(v)
    choisis: list[int] = []
    par_code: Counter[str] = Counter()
    for numero, vs in sorted(par_numero.items()):
        codes = {v.code for v in vs}
        if any(par_code[c] < MAX_FICHIERS_PAR_CODE for c in codes):
            choisis.append(numero)
            par_code.update(codes)
        if len(choisis) >= MAX_FICHIERS:
            break
    index = {c.numero: c for c in cas}
    sortie.mkdir(parents=True, exist_ok=True)
    fichiers = []
    for numero in choisis:
        c = index[numero]
        chemin = sortie / f"echec-{numero:06d}.yaml"
        entete = [
            f"# Cas n° {numero} de « entadvisor verifier » (bloc {c.bloc}), base de connaissances {rapport.version} ({rapport.source}).",
            f"# date_analyse: {c.date_analyse.isoformat()}",
            f"# Reproduire : entadvisor conseil {chemin.name} --date-analyse {c.date_analyse.isoformat()}"
            + ("" if rapport.source == "base fournie" else f" --regles {knowledge.folder}"),
            "# Violations :",
            *(f"#   - [{v.code}] {v.message}" for v in par_numero[numero]),
            f"# Conseil complet (evaluate) : {_evaluation(c, knowledge)}",
        ]
        texte = "\n".join(line.replace("\n", " ") for line in entete) + "\n" + answers_to_yaml(c.reponses)
        chemin.write_text(texte, encoding="utf-8")
        fichiers.append(chemin)
    return fichiers


def _evaluation(c: Cas, knowledge: Any) -> str:
    """What the full pipeline says about a failing case (EvaluationError for a missing or double conclusion)."""
    from .engine import evaluate

    try:
        advice = evaluate(c.reponses, as_of=c.date_analyse, knowledge=knowledge)
    except Exception as exc:  # reported, not raised: the verification goes on
        return f"{type(exc).__name__} : {exc}"[:400]
    return f"construit (voie {advice.achat.voie}, procédure {advice.achat.procedure})"


__all__ = ["Cas", "Rapport", "Violation", "plan", "verify"]
