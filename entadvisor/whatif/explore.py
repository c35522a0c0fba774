"""What would change the advice: the smallest changes of the answers that flip a recommendation.

Three recommendations are compared, nothing else: ``achat`` (route, procedure and its publicity),
``experimentation`` (recommended, format) and ``contrat`` (length in months, ``duree_depassee``).
Each change is evaluated by the engine itself (``run_case`` and the facts it concludes, without
building an Advice), so what is stated is what the knowledge base would say, never a guess:

- **one categorical answer at a time** — each other allowed value of each answer that the rules
  deciding the three recommendations read (the rules of the strata down to ``Strate.CONTRAT``;
  readiness answers only feed the preparation checklist and are not tried);
- **numeric frontiers** — the pupil count and the price per pupil at which the estimated value
  (pupils × price × years + one-off costs, CCP R2121-1) reaches the next threshold up or falls
  under the next one down, solved from the formula and then confirmed by evaluating the frontier
  and the step before it; the number of schools at which the size category changes
  (``petit_acheteur_ecoles``, ``grand_perimetre_ecoles``); the launch dates at which the
  thresholds change (:meth:`ParameterSet.change_dates`);
- **answers not known** (« je ne sais pas ») — an unknown mutualised offer or precision of the
  specifications is stated for each possible answer, changed or not; an unknown pupil count or
  price per pupil is stated as ranges, each with its procedure.

Each item is one French sentence with ``recommandation``, ``phrase``, ``question`` (the answer
key), ``valeur_actuelle``, ``valeur_alternative`` and ``effet`` (short), plain JSON values.
About thirty evaluations per answer file (each about 5 ms), with a cache of identical answers.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from entadvisor.answers import FIELDS, Answers, allowed_values
from entadvisor.formatting import date_fr, duree_mois, montant, nombre

RECOMMANDATIONS = ("achat", "experimentation", "contrat")
SEUILS = (
    ("dispense", "seuil_dispense"),
    ("publicite", "seuil_publicite_mapa"),
    ("europeen", "seuil_europeen"),
)
RANGS = {"sans_publicite": 0, "mapa": 1}
"""How demanding a procedure is (0 the lightest; every formalised procedure 2): « requise » or « suffirait ».
Their words (and their grammatical gender) are in the knowledge base's lexicon, rules/libelles.yaml."""
RANG_FORMALISE = 2

_lexique: contextvars.ContextVar[Any] = contextvars.ContextVar("lexique")
"""The lexicon of the knowledge base that :func:`sensitivity` is exploring, for its sentences."""


def _mot(section: str, code: Any, forme: str) -> str:
    return str(_lexique.get().mot(section, code, forme))


CONDITIONS: dict[str, dict[Any, str]] = {
    "porteur": {
        "commune": "Si le projet était porté par la commune",
        "epci": "Si le projet était porté par un EPCI",
        "syndicat_scolaire": "Si le projet était porté par un syndicat scolaire (SIVU ou SIVOS)",
        "syndicat_mixte": "Si le projet était porté par un syndicat mixte",
        "departement": "Si le projet était porté par le département",
        "autre": "Si le projet était porté par un autre acteur",
    },
    "competence_scolaire": {
        "communes": "Si les communes gardaient la compétence scolaire",
        "intercommunalite": "Si la compétence scolaire était exercée par l'intercommunalité",
    },
    "communes_partenaires_interessees": {
        True: "Si d'autres acheteurs souhaitaient acheter avec vous",
        False: "Si aucun autre acheteur ne souhaitait acheter avec vous",
    },
    "offre_mutualisee": {
        "centrale_achat": "Si une centrale d'achat proposait un ENT",
        "groupement_existant": "Si un groupement de commandes existant proposait un ENT",
        "aucune": "S'il n'existait aucune offre mutualisée",
        "ne_sait_pas": "Si l'existence d'une offre mutualisée restait à vérifier",
    },
    "besoin": {
        "standard": "Si le besoin était standard (un ENT du marché conforme au SDET)",
        "adaptations": "Si le besoin demandait des adaptations (intégrations, connecteurs)",
        "specifique": "Si le besoin était spécifique ou innovant",
    },
    "specifications_precises": {
        True: "Si le besoin pouvait être spécifié précisément",
        False: "Si le besoin ne pouvait pas être spécifié précisément",
    },
    "ent_existant": {
        "aucun": "S'il n'existait encore aucun ENT",
        "partiel": "Si un ENT était déjà utilisé dans une partie des écoles",
        "generalise": "Si un ENT était déjà généralisé",
    },
    "usages_numeriques": {
        "faibles": "Si les usages numériques des enseignants étaient faibles",
        "moyens": "Si les usages numériques des enseignants étaient moyens",
        "avances": "Si les usages numériques des enseignants étaient avancés",
    },
    "equipement_ecoles": {
        "insuffisant": "Si l'équipement et la connectivité des écoles étaient insuffisants",
        "correct": "Si l'équipement et la connectivité des écoles étaient corrects",
        "bon": "Si l'équipement et la connectivité des écoles étaient bons",
    },
    # read today only by the preparation and warning rules; kept so that a rule reading them is phrased
    "service_marches": {
        True: "Si l'acheteur disposait d'un service des marchés",
        False: "Si l'acheteur n'avait pas de service des marchés",
    },
    "degres": {
        "premier_degre": "Si le projet ne couvrait que les écoles",
        "premier_et_second_degre": "Si le projet couvrait aussi les collèges et lycées",
    },
    "autorite_academique_associee": {
        True: "Si l'autorité académique était associée",
        False: "Si l'autorité académique n'était pas associée",
    },
    "convention_partenariat": {
        "signee": "Si la convention de partenariat était signée",
        "en_cours": "Si la convention de partenariat était en cours",
        "aucune": "S'il n'y avait pas de convention de partenariat",
    },
    "comite_pilotage": {
        True: "Si un comité de pilotage existait",
        False: "S'il n'y avait pas de comité de pilotage",
    },
    "dpo_associe": {
        True: "Si le DPO de la collectivité était associé",
        False: "Si le DPO de la collectivité n'était pas associé",
    },
    "accompagnement_prevu": {
        True: "Si la formation, l'assistance et l'animation étaient prévues",
        False: "Si la formation, l'assistance et l'animation n'étaient pas prévues",
    },
}
INCONNUES = {
    "offre_mutualisee": "ne_sait_pas",
    "specifications_precises": None,
    # rules/hypotheses.py: an unknown is its prudent value, never an alternative to explore
    "usages_numeriques": "ne_sait_pas",
    "equipement_ecoles": "ne_sait_pas",
}
"""Answers meaning « je ne sais pas »: the advice is stated for each possible answer."""


@dataclass(frozen=True)
class _Conseil:
    """The three recommendations of one evaluation, and what the frontiers are solved from."""

    achat: tuple[str, str | None, str | None]
    experimentation: tuple[bool, str | None]
    contrat: tuple[int, bool, int]
    eleves: int
    prix: float
    annees: int
    montant: float
    parametres: dict[str, Any]

    def de(self, recommandation: str) -> tuple[Any, ...]:
        if recommandation == "contrat":
            return self.contrat[:2]
        return tuple(getattr(self, recommandation))


class _Evaluateur:
    """Evaluate changed answers with the process's engine, once per distinct set of answers."""

    def __init__(self, knowledge: Any, as_of: dt.date) -> None:
        self.engine = knowledge.engine()
        self.as_of = as_of
        self.cache: dict[frozenset[tuple[str, Any]], _Conseil | None] = {}
        self.evaluations = 0

    def __call__(self, data: dict[str, Any]) -> _Conseil | None:
        cle = frozenset((k, v) for k, v in data.items() if v is not None)
        if cle in self.cache:
            return self.cache[cle]
        self.cache[cle] = conseil = self._evaluer(data)
        return conseil

    def _evaluer(self, data: dict[str, Any]) -> _Conseil | None:
        from pydantic import ValidationError

        try:
            answers = Answers.model_validate(data)
        except ValidationError:
            return None  # the change makes the answers inconsistent: not a change a user could make
        self.evaluations += 1
        engine = self.engine
        try:
            engine.run_case(answers, self.as_of, answers.date_lancement or self.as_of)
        except Exception:  # a failing alternative is the verifier's business, not the advice's
            return None
        return conseil_du_moteur(engine)

    def connu(self, data: dict[str, Any], conseil: _Conseil | None) -> None:
        """Record an evaluation made elsewhere (the base case run by ``evaluate``)."""
        self.cache[frozenset((k, v) for k, v in data.items() if v is not None)] = conseil


def conseil_du_moteur(engine: Any) -> _Conseil | None:
    """The three recommendations from an engine that has just run a case (None if it did not conclude)."""
    faits: dict[str, list[Any]] = {}
    for fact in engine.facts.values():
        faits.setdefault(type(fact).__name__, []).append(fact)
    needed = (
        "Voie",
        "Passation",
        "Experimentation",
        "Contrat",
        "Effectif",
        "Prix",
        "Duree",
        "ValeurEstimee",
    )
    if any(len(faits.get(n, ())) != 1 for n in needed) or len(faits.get("FormatExperimentation", ())) > 1:
        return None
    voie, passation, contrat = faits["Voie"][0], faits["Passation"][0], faits["Contrat"][0]
    formats = faits.get("FormatExperimentation")
    return _Conseil(
        achat=(voie["voie"], passation["procedure"], passation["publicite"]),
        experimentation=(
            bool(faits["Experimentation"][0]["recommandee"]),
            formats[0]["format"] if formats else None,
        ),
        contrat=(
            int(contrat["duree_mois"]),
            bool(contrat["duree_depassee"]),
            int(contrat["duree_max_mois"]),
        ),
        eleves=int(faits["Effectif"][0]["eleves"]),
        prix=float(faits["Prix"][0]["prix"]),
        annees=int(faits["Duree"][0]["annees_contrat"]),
        montant=float(faits["ValeurEstimee"][0]["montant"]),
        parametres=engine.parametres,
    )


# --- sentences -------------------------------------------------------------------------------------


def _achat_texte(achat: tuple[str, str | None, str | None]) -> str:
    voie, procedure, _ = achat
    if voie == "centrale_achat":
        return "l'adhésion à une centrale d'achat, sans procédure à conduire"
    if procedure is None:
        return "l'adhésion au groupement de commandes existant, sans procédure propre"
    texte = _mot("procedures", procedure, "avec_article") + _publicite(achat)
    return f"un groupement de commandes, avec {texte}" if voie == "groupement_commandes" else texte


def _publicite(achat: tuple[str, str | None, str | None]) -> str:
    if achat[1] != "mapa":
        return ""
    return " publiée au BOAMP ou dans un JAL" if "BOAMP" in str(achat[2]) else " à publicité libre"


def _achat_court(achat: tuple[str, str | None, str | None]) -> str:
    voie, procedure, publicite = achat
    if voie == "centrale_achat":
        return "centrale d'achat, sans procédure"
    if procedure is None:
        return "groupement existant, sans procédure propre"
    libelle = _mot("procedures", procedure, "court")
    if procedure == "mapa":
        libelle += " (BOAMP ou JAL)" if "BOAMP" in str(publicite) else " (publicité libre)"
    return ("groupement de commandes, " if voie == "groupement_commandes" else "procédure propre, ") + libelle


def _experimentation_texte(exp: tuple[Any, ...]) -> str:
    return (
        f"une expérimentation avec {_mot('formats_experimentation', exp[1], 'phrase_courte')}"
        if exp[0]
        else "un déploiement sans expérimentation préalable"
    )


def _experimentation_court(exp: tuple[Any, ...]) -> str:
    if not exp[0]:
        return "pas d'expérimentation"
    return f"expérimentation : {_mot('formats_experimentation', exp[1], 'phrase_courte')}"


def _contrat_texte(contrat: tuple[Any, ...]) -> str:
    texte = duree_mois(contrat[0])
    return texte + (", phases au-delà de la durée légale" if contrat[1] else "")


def _effet(recommandation: str, base: _Conseil, autre: _Conseil) -> tuple[str, str]:
    """What changes, as the end of a sentence, and in a few words."""
    if recommandation == "achat":
        a, b = base.achat, autre.achat
        court = _achat_court(b)
        if a[0] == b[0] and a[1] == b[1] == "mapa":
            if "BOAMP" in str(b[2]):
                return "la procédure adaptée devrait être publiée au BOAMP ou dans un JAL", court
            return "la publicité de la procédure adaptée serait libre", court
        if a[0] == b[0] and a[1] is not None and b[1] is not None:
            rang, rang_base = (RANGS.get(p, RANG_FORMALISE) for p in (b[1], a[1]))
            texte = _mot("procedures", b[1], "avec_article") + _publicite(b)
            if rang > rang_base:
                requis = "requise" if _mot("procedures", b[1], "genre") == "f" else "requis"
                return f"{texte} serait {requis}", court
            if rang < rang_base:
                return f"{texte} suffirait", court
            return f"la procédure serait {texte}", court
        return f"l'achat passerait par {_achat_texte(b)}", court
    if recommandation == "experimentation":
        recommandee, format_ = autre.experimentation
        court = _experimentation_court(autre.experimentation)
        forme = _mot("formats_experimentation", format_, "phrase_courte") if format_ else str(format_)
        if not recommandee:
            return "aucune expérimentation préalable ne serait recommandée", court
        if base.experimentation[0]:
            return f"l'expérimentation se ferait avec {forme}", court
        return f"une expérimentation serait recommandée, avec {forme}", court
    a3, b3 = base.contrat, autre.contrat
    court = _contrat_texte(b3)
    if a3[0] != b3[0]:
        return f"le contrat durerait {duree_mois(b3[0])}" + (
            ", au-delà de ce que permet la durée légale" if b3[1] else ""
        ), court
    if b3[1]:
        return f"les phases du projet ne tiendraient plus dans les {b3[2]} mois d'un accord-cadre", court
    return f"les phases du projet tiendraient dans les {b3[2]} mois d'un accord-cadre", court


def _actuel(recommandation: str, base: _Conseil) -> str:
    if recommandation == "achat":
        return _achat_texte(base.achat)
    if recommandation == "experimentation":
        return _experimentation_texte(base.experimentation)
    return _contrat_texte(base.contrat)


def _item(
    recommandation: str, phrase: str, question: str | None, actuelle: Any, alternative: Any, effet: str
) -> dict[str, Any]:
    phrase = phrase[0].upper() + phrase[1:]
    return {
        "recommandation": recommandation,
        "phrase": phrase if phrase.endswith(".") else phrase + ".",
        "question": question,
        "valeur_actuelle": _json(actuelle),
        "valeur_alternative": _json(alternative),
        "effet": effet,
    }


def _json(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return [_json(v) for v in value]
    return value


# --- the analysis ----------------------------------------------------------------------------------


def _cles_decisives(knowledge: Any) -> list[str]:
    """Categorical answers read by the rules that decide the three recommendations, in answer-file order."""
    from entadvisor.facts import Strate

    lues: set[str] = set()
    for rule in knowledge.rules:
        if rule.salience >= Strate.CONTRAT:
            lues.update(rule.faits.get("Projet", ()))
    return [
        key
        for key in FIELDS
        if key in lues and (key in CONDITIONS or allowed_values(key) is not None or key == "nombre_communes")
    ]


def _alternatives(key: str, data: dict[str, Any]) -> list[Any]:
    actuelle = data.get(key)
    if key == "nombre_communes":
        return [2 if actuelle == 1 else 1]
    permises = allowed_values(key)
    if permises is None:
        permises = (True, False)
    inconnue = INCONNUES.get(key, object())
    return [v for v in permises if v != actuelle and v != inconnue]


def _condition(key: str, valeur: Any) -> str:
    if key == "nombre_communes":
        return (
            "Si une seule commune était concernée"
            if valeur == 1
            else f"Si {valeur} communes étaient concernées"
        )
    return CONDITIONS.get(key, {}).get(valeur, f"Si la réponse « {key} » était « {valeur} »")


A_EVALUER: Any = object()
"""``sensitivity(base=...)`` not given: the what-if evaluates the base case itself."""


def sensitivity(
    answers: Answers,
    *,
    as_of: dt.date,
    knowledge: Any,
    cles: Iterable[str] | None = None,
    base: _Conseil | None = A_EVALUER,
) -> list[dict[str, Any]]:
    """What would change the advice: one dict per change and recommendation (see the module docstring).

    With ``cles``, only the other values of those answers are tried (no numeric frontiers): what
    :func:`~entadvisor.api.evaluate` does by itself for an answer given as « je ne sais pas ».
    ``base`` is :func:`conseil_du_moteur` of an engine that has just run these answers at ``as_of``
    (``evaluate`` passes it, so that the base case is not evaluated a second time).
    """
    jeton = _lexique.set(knowledge.libelles)
    try:
        return _sensitivity(answers, as_of, knowledge, cles, base)
    finally:
        _lexique.reset(jeton)


def _sensitivity(
    answers: Answers, as_of: dt.date, knowledge: Any, cles: Iterable[str] | None, base: _Conseil | None
) -> list[dict[str, Any]]:
    evaluer = _Evaluateur(knowledge, as_of)
    data = answers.model_dump()
    if base is A_EVALUER:
        base = evaluer(data)
    else:
        evaluer.connu(data, base)
    if base is None:
        return []
    items: list[tuple[tuple[Any, ...], dict[str, Any]]] = []

    def ajouter(rang: int, question: str | None, item: dict[str, Any]) -> None:
        ordre = FIELDS.index(question) if question in FIELDS else len(FIELDS)
        items.append(((RECOMMANDATIONS.index(item["recommandation"]), rang, ordre, len(items)), item))

    for key in (
        _cles_decisives(knowledge) if cles is None else [k for k in _cles_decisives(knowledge) if k in cles]
    ):
        if key == "specifications_precises" and data.get("besoin") == "standard":
            continue  # not asked for a standard need, and read by no rule then
        inconnue = key in INCONNUES and data.get(key) == INCONNUES[key]
        for valeur in _alternatives(key, data):
            if cles is not None and inconnue and key == "offre_mutualisee" and valeur == "aucune":
                continue  # « ne_sait_pas » is evaluated as « aucune »: the advice itself is that case
            change = {**data, key: valeur}
            if key == "ent_existant" and valeur == "aucun":
                change["fin_contrat_actuel"] = None
            autre = evaluer(change)
            if autre is None:
                continue
            condition = _condition(key, valeur)
            for recommandation in RECOMMANDATIONS:
                if autre.de(recommandation) != base.de(recommandation):
                    effet, court = _effet(recommandation, base, autre)
                    phrase = f"{condition}, {effet} (conseil actuel : {_actuel(recommandation, base)})"
                    ajouter(
                        0 if inconnue else 3,
                        key,
                        _item(recommandation, phrase, key, data.get(key), valeur, court),
                    )
                elif inconnue and recommandation == "achat":
                    phrase = f"{condition}, le conseil d'achat resterait le même : {_achat_texte(base.achat)}"
                    ajouter(0, key, _item("achat", phrase, key, data.get(key), valeur, "inchangé"))

    if cles is None:
        _valeur_estimee(evaluer, data, base, ajouter)
        _ecoles(evaluer, data, base, ajouter)
        _dates(evaluer, data, base, as_of, ajouter)
    return [item for _, item in sorted(items, key=lambda pair: pair[0])]


# --- numeric frontiers -------------------------------------------------------------------------------


def _seuils(base: _Conseil) -> list[tuple[str, float]]:
    return sorted(((nom, float(base.parametres[param].valeur)) for nom, param in SEUILS), key=lambda s: s[1])


def _valeur(eleves: int, prix: float, annees: int, ponctuels: float) -> float:
    """The estimated value as the knowledge base computes it (CCP R2121-1), to the cent."""
    return round(eleves * prix * annees + ponctuels, 2)


def _eleves_pour(seuil: float, prix: float, annees: int, ponctuels: float) -> int | None:
    """The smallest pupil count whose estimated value reaches ``seuil``."""
    if ponctuels >= seuil:
        return None
    eleves = max(1, math.ceil((seuil - ponctuels) / (prix * annees)))
    while eleves > 1 and _valeur(eleves - 1, prix, annees, ponctuels) >= seuil:
        eleves -= 1
    while _valeur(eleves, prix, annees, ponctuels) < seuil:
        eleves += 1
    return eleves


def _centimes_pour(seuil: float, eleves: int, annees: int, ponctuels: float) -> int | None:
    """The smallest price per pupil, in cents, whose estimated value reaches ``seuil``."""
    if ponctuels >= seuil:
        return None
    centimes = max(1, math.ceil((seuil - ponctuels) * 100 / (eleves * annees)))
    while centimes > 1 and _valeur(eleves, (centimes - 1) / 100, annees, ponctuels) >= seuil:
        centimes -= 1
    while _valeur(eleves, centimes / 100, annees, ponctuels) < seuil:
        centimes += 1
    return centimes if centimes <= 100_000 else None


def _avec_eleves(data: dict[str, Any], eleves: int) -> dict[str, Any]:
    """The answers with another pupil count, the classes adjusted to keep 5 to 35 pupils per class."""
    classes = data["nombre_classes"]
    if eleves > 35 * classes:
        classes = math.ceil(eleves / 35)
    elif eleves < 5 * classes:
        classes = max(data["nombre_ecoles"], eleves // 5)
    return {**data, "nombre_eleves": eleves, "nombre_classes": classes}


@dataclass(frozen=True)
class _Variable:
    """A number the estimated value depends on: the pupil count, or the price per pupil in cents."""

    question: str
    actuel: int
    minimum: int
    """The smallest valid answer: 5 pupils per class in at least one class per school, or 1 cent."""
    resoudre: Callable[[float], int | None]
    changer: Callable[[int], dict[str, Any]]

    def reponse(self, x: int) -> float | int:
        return x / 100 if self.question == "prix_eleve_an_ht" else x

    def dire(self, x: int, unite: bool = True) -> str:
        if self.question == "prix_eleve_an_ht":
            return montant(x / 100)
        return f"{nombre(x)} élève{'s' if x > 1 else ''}" if unite else nombre(x)


def _variables(data: dict[str, Any], base: _Conseil) -> list[_Variable]:
    ponctuels = float(data.get("couts_ponctuels_ht") or 0)
    return [
        _Variable(
            "nombre_eleves",
            base.eleves,
            5 * int(data["nombre_ecoles"]),
            lambda s: _eleves_pour(s, base.prix, base.annees, ponctuels),
            lambda x: _avec_eleves(data, x),
        ),
        _Variable(
            "prix_eleve_an_ht",
            round(base.prix * 100),
            1,
            lambda s: _centimes_pour(s, base.eleves, base.annees, ponctuels),
            lambda x: {**data, "prix_eleve_an_ht": x / 100},
        ),
    ]


def _valeur_estimee(evaluer: _Evaluateur, data: dict[str, Any], base: _Conseil, ajouter: Any) -> None:
    """Pupil count and price per pupil at the thresholds next up and down (ranges when not answered)."""
    seuils = _seuils(base)
    for variable in _variables(data, base):
        if data.get(variable.question) is None:
            _plages(evaluer, base, variable, seuils, ajouter)
            continue
        essais = [(s, True) for s in seuils if s[1] > base.montant][:1]
        essais += [(s, False) for s in seuils if s[1] <= base.montant][-1:]
        for (_, seuil), hausse in essais:
            frontiere = variable.resoudre(seuil)
            if frontiere is None:
                continue
            nouveau, veille = (frontiere, frontiere - 1) if hausse else (frontiere - 1, frontiere)
            if nouveau < 1:
                continue
            autre, avant = evaluer(variable.changer(nouveau)), evaluer(variable.changer(veille))
            if autre is None or avant is None:
                continue
            debut = "À" if variable.question == "prix_eleve_an_ht" else "Avec"
            par_an = " par élève et par an" if variable.question == "prix_eleve_an_ht" else ""
            condition = (
                f"{debut} {variable.dire(nouveau)}{par_an} {'ou plus' if hausse else 'ou moins'} "
                f"(au lieu de {variable.dire(variable.actuel, unite=False)})"
            )
            for recommandation in RECOMMANDATIONS:
                if autre.de(recommandation) == base.de(recommandation):
                    continue  # this threshold does not change this recommendation
                if avant.de(recommandation) != base.de(recommandation):
                    continue  # not confirmed: the change happens before the frontier, not at it
                effet, court = _effet(recommandation, base, autre)
                if recommandation == "achat":
                    valeur = "atteindrait" if hausse else "passerait sous"
                    phrase = f"{condition}, la valeur estimée {valeur} {montant(seuil)} : {effet}"
                else:
                    phrase = f"{condition}, {effet}"
                item = _item(
                    recommandation,
                    phrase,
                    variable.question,
                    data[variable.question],
                    variable.reponse(nouveau),
                    court,
                )
                ajouter(1, variable.question, item)


def _plages(
    evaluer: _Evaluateur, base: _Conseil, variable: _Variable, seuils: list[tuple[str, float]], ajouter: Any
) -> None:
    """An unknown pupil count or price: the purchase for each range of the real value, each end evaluated."""
    frontieres = (variable.resoudre(s) for _, s in seuils)
    bornes = [variable.minimum, *sorted({f for f in frontieres if f is not None and f > variable.minimum})]
    plages: list[list[Any]] = []
    for i, bas in enumerate(bornes):
        haut = bornes[i + 1] - 1 if i + 1 < len(bornes) else None
        debut = evaluer(variable.changer(bas))
        fin = evaluer(variable.changer(haut)) if haut is not None else debut
        if debut is None or fin is None or debut.achat != fin.achat:
            return  # a range the engine does not settle in one way: state nothing rather than a guess
        if plages and plages[-1][2] == debut.achat:
            plages[-1][1] = haut
        else:
            plages.append([bas, haut, debut.achat])
    if variable.question == "nombre_eleves":
        estime = (
            f"L'effectif n'étant pas connu ({variable.dire(variable.actuel)} estimés d'après les classes)"
        )
        mesure = "de l'effectif réel"
    else:
        estime = f"Le prix par élève et par an n'étant pas connu ({variable.dire(variable.actuel)} retenus par hypothèse)"
        mesure = "du prix réel"
    if len(plages) == 1:
        phrase = f"{estime}, le conseil d'achat ne dépend pas {mesure} : {_achat_texte(plages[0][2])}"
    else:
        morceaux = []
        for i, (bas, haut, achat) in enumerate(plages):
            if i == 0:
                quand = f"jusqu'à {variable.dire(haut)}"
            elif haut is None:
                quand = f"à partir de {variable.dire(bas)}"
            else:
                quand = f"de {variable.dire(bas, unite=False)} à {variable.dire(haut)}"
            morceaux.append(f"{quand}, {_achat_texte(achat)}")
        phrase = f"{estime}, l'achat dépend {mesure} : " + " ; ".join(morceaux)
    alternatives = [variable.reponse(p[0]) for p in plages[1:]]
    ajouter(
        0,
        variable.question,
        _item(
            "achat",
            phrase,
            variable.question,
            None,
            alternatives,
            "selon " + mesure[3:] if mesure.startswith("de ") else "selon le prix réel",
        ),
    )


def _ecoles(evaluer: _Evaluateur, data: dict[str, Any], base: _Conseil, ajouter: Any) -> None:
    """The number of schools at which the size category, and with it the experimentation, changes."""
    ecoles = data["nombre_ecoles"]
    bornes = sorted(
        {int(base.parametres[nom].valeur) for nom in ("petit_acheteur_ecoles", "grand_perimetre_ecoles")}
    )
    essais = []
    au_dessus = [b for b in bornes if b >= ecoles]
    en_dessous = [b for b in bornes if b < ecoles]
    if au_dessus:
        essais.append((au_dessus[0] + 1, au_dessus[0], True))
    if en_dessous:
        essais.append((en_dessous[-1], en_dessous[-1] + 1, False))
    for nouveau, veille, hausse in essais:
        if nouveau < 1:
            continue
        change = lambda n: {**data, "nombre_ecoles": n, "nombre_classes": max(data["nombre_classes"], n)}  # noqa: E731
        autre, avant = evaluer(change(nouveau)), evaluer(change(veille))
        if autre is None or avant is None:
            continue
        condition = f"Avec {nombre(nouveau)} école{'s' if nouveau > 1 else ''} {'ou plus' if hausse else 'ou moins'} (au lieu de {nombre(ecoles)})"
        for recommandation in RECOMMANDATIONS:
            if autre.de(recommandation) != base.de(recommandation) and avant.de(recommandation) == base.de(
                recommandation
            ):
                effet, court = _effet(recommandation, base, autre)
                ajouter(
                    2,
                    "nombre_ecoles",
                    _item(recommandation, f"{condition}, {effet}", "nombre_ecoles", ecoles, nouveau, court),
                )


def _dates(evaluer: _Evaluateur, data: dict[str, Any], base: _Conseil, as_of: dt.date, ajouter: Any) -> None:
    """The launch dates at which the thresholds change, both ways, when such a launch is still possible."""
    parameters = evaluer.engine.knowledge.parameters
    actuelle = data.get("date_lancement") or as_of
    changements = sorted({d for _, nom in SEUILS for d in parameters.change_dates(nom)})
    essais = []
    apres = [d for d in changements if d > actuelle]
    avant = [d for d in changements if d <= actuelle]
    if apres:
        essais.append((apres[0], apres[0] - dt.timedelta(days=1), True))
    if avant and avant[-1] - dt.timedelta(days=1) >= as_of:
        essais.append((avant[-1] - dt.timedelta(days=1), avant[-1], False))
    for nouvelle, veille, plus_tard in essais:
        autre, temoin = (
            evaluer({**data, "date_lancement": nouvelle}),
            evaluer({**data, "date_lancement": veille}),
        )
        if autre is None or temoin is None:
            continue
        changes = []
        for _, nom in SEUILS:
            ancien, neuf = base.parametres[nom], autre.parametres[nom]
            if not neuf.connu and ancien.connu:
                changes.append(f"{_mot('seuils', nom, 'nom')} ne serait pas encore connu")
            elif neuf.valeur != ancien.valeur:
                changes.append(
                    f"{_mot('seuils', nom, 'nom')} serait de {montant(float(neuf.valeur))} (au lieu de {montant(float(ancien.valeur))})"
                )
        if not changes:
            continue
        quand = (
            (
                f"Pour une consultation lancée à partir du {date_fr(nouvelle)}"
                if plus_tard
                else f"Pour une consultation lancée au plus tard le {date_fr(nouvelle)}"
            )
            + f" (au lieu du {date_fr(actuelle)}), "
            + " et ".join(changes)
        )
        trouve = False
        for recommandation in RECOMMANDATIONS:
            if autre.de(recommandation) != base.de(recommandation) and temoin.de(recommandation) == base.de(
                recommandation
            ):
                effet, court = _effet(recommandation, base, autre)
                ajouter(
                    2,
                    "date_lancement",
                    _item(
                        recommandation,
                        f"{quand} : {effet}",
                        "date_lancement",
                        data.get("date_lancement"),
                        nouvelle,
                        court,
                    ),
                )
                trouve = True
        if not trouve and any("pas encore connu" in c for c in changes):
            phrase = f"{quand} : le conseil reposerait sur la dernière valeur publiée, à vérifier avant le lancement"
            ajouter(
                2,
                "date_lancement",
                _item(
                    "achat",
                    phrase,
                    "date_lancement",
                    data.get("date_lancement"),
                    nouvelle,
                    "seuil à vérifier",
                ),
            )
