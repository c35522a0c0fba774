"""The numeric frontiers of the what-if: the pupil count and the price per pupil at which the estimated
value (pupils × price × years + one-off costs, CCP R2121-1) reaches the next threshold up or falls under the
next one down — solved from the formula, then confirmed by evaluating the frontier and the step before it —,
the ranges of an unknown count or price, the number of schools at which the size category changes, and the
launch dates at which the thresholds change."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from entadvisor.formatting import date_fr, montant, nombre
from entadvisor.whatif import phrases
from entadvisor.whatif.conseil import RECOMMANDATIONS, Conseil, Evaluateur

SEUILS = (
    ("dispense", "seuil_dispense"),
    ("publicite", "seuil_publicite_mapa"),
    ("europeen", "seuil_europeen"),
)


# --- the estimated value -------------------------------------------------------------------------------


def _seuils(base: Conseil) -> list[tuple[str, float]]:
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


def _variables(data: dict[str, Any], base: Conseil) -> list[_Variable]:
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


def valeur_estimee(evaluer: Evaluateur, data: dict[str, Any], base: Conseil, ajouter: Any) -> None:
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
                effet, court = phrases.effet(recommandation, base, autre)
                if recommandation == "achat":
                    valeur = "atteindrait" if hausse else "passerait sous"
                    phrase = f"{condition}, la valeur estimée {valeur} {montant(seuil)} : {effet}"
                else:
                    phrase = f"{condition}, {effet}"
                item = phrases.item(
                    recommandation,
                    phrase,
                    variable.question,
                    data[variable.question],
                    variable.reponse(nouveau),
                    court,
                )
                ajouter(1, variable.question, item)


def _plages(
    evaluer: Evaluateur, base: Conseil, variable: _Variable, seuils: list[tuple[str, float]], ajouter: Any
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
        phrase = f"{estime}, le conseil d'achat ne dépend pas {mesure} : {phrases.achat_texte(plages[0][2])}"
    else:
        morceaux = []
        for i, (bas, haut, achat) in enumerate(plages):
            if i == 0:
                quand = f"jusqu'à {variable.dire(haut)}"
            elif haut is None:
                quand = f"à partir de {variable.dire(bas)}"
            else:
                quand = f"de {variable.dire(bas, unite=False)} à {variable.dire(haut)}"
            morceaux.append(f"{quand}, {phrases.achat_texte(achat)}")
        phrase = f"{estime}, l'achat dépend {mesure} : " + " ; ".join(morceaux)
    alternatives = [variable.reponse(p[0]) for p in plages[1:]]
    ajouter(
        0,
        variable.question,
        phrases.item(
            "achat",
            phrase,
            variable.question,
            None,
            alternatives,
            "selon " + mesure[3:] if mesure.startswith("de ") else "selon le prix réel",
        ),
    )


def ecoles(evaluer: Evaluateur, data: dict[str, Any], base: Conseil, ajouter: Any) -> None:
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
                effet, court = phrases.effet(recommandation, base, autre)
                ajouter(
                    2,
                    "nombre_ecoles",
                    phrases.item(
                        recommandation, f"{condition}, {effet}", "nombre_ecoles", ecoles, nouveau, court
                    ),
                )


def dates(evaluer: Evaluateur, data: dict[str, Any], base: Conseil, as_of: dt.date, ajouter: Any) -> None:
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
        changes = _changements_de_seuils(base, autre)
        if not changes:
            continue
        debut = "à partir du" if plus_tard else "au plus tard le"
        quand = (
            f"Pour une consultation lancée {debut} {date_fr(nouvelle)} (au lieu du {date_fr(actuelle)}), "
            + " et ".join(changes)
        )
        trouve = False
        for recommandation in RECOMMANDATIONS:
            if autre.de(recommandation) != base.de(recommandation) and temoin.de(recommandation) == base.de(
                recommandation
            ):
                effet, court = phrases.effet(recommandation, base, autre)
                ajouter(
                    2,
                    "date_lancement",
                    phrases.item(
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
                phrases.item(
                    "achat",
                    phrase,
                    "date_lancement",
                    data.get("date_lancement"),
                    nouvelle,
                    "seuil à vérifier",
                ),
            )


def _changements_de_seuils(base: Conseil, autre: Conseil) -> list[str]:
    """How each procedure threshold in force at another launch differs from the advice's (in words)."""
    changes = []
    for _, nom in SEUILS:
        ancien, neuf = base.parametres[nom], autre.parametres[nom]
        if not neuf.connu and ancien.connu:
            changes.append(f"{phrases.mot('seuils', nom, 'nom')} ne serait pas encore connu")
        elif neuf.valeur != ancien.valeur:
            changes.append(
                f"{phrases.mot('seuils', nom, 'nom')} serait de {montant(float(neuf.valeur))} "
                f"(au lieu de {montant(float(ancien.valeur))})"
            )
    return changes
