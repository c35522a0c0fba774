"""The checks of ``entadvisor verifier`` on one case: conflicts, missing conclusions, the law.

:func:`invariants` reads the facts and notes of a case the verification engine has just run: one
conclusion per question (two rules concluding on one question conflict), the references of the
fired rules, and the independent checker of the law with the reference parameters (the route and
procedure, the experimentation, the contract, the calendar of :mod:`entadvisor.verify.invariants`,
the warnings). Running the case and timing it is :mod:`entadvisor.verify.worker`.
"""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass, field
from typing import Any, get_args

from entadvisor.advice import FormatExperimentation as _Format
from entadvisor.advice import Procedure as _Procedure
from entadvisor.advice import Voie as _Voie
from entadvisor.answers import Answers
from entadvisor.calculations import months_between
from entadvisor.engine.parameters import ParameterSet
from entadvisor.formatting import date_fr, montant, nombre
from entadvisor.verify.invariants import calendar_problems

SEUILS_PROCEDURE = ("seuil_dispense", "seuil_publicite_mapa", "seuil_europeen")

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
# --- checking one case -----------------------------------------------------------------------------


@dataclass
class Etat:
    """What a worker keeps between cases: its engine, the knowledge base and the reference parameters."""

    knowledge: Any
    reference: ParameterSet
    engine: Any
    declarations: list[tuple[str, str]]
    sans_references: set[str]
    temps: dict[str, float] = field(default_factory=dict)


def invariants(
    etat: Etat, answers: Answers, parameter_date: dt.date, fired: set[str]
) -> tuple[list[tuple[str, str]], list[tuple[str, str, str]]]:
    """What is wrong with the conclusions of the case the engine of ``etat`` has just run, as
    ``(code, sentence)``, and the conflicts seen (a question and two rules concluding on it)."""
    engine = etat.engine
    problems: list[tuple[str, str]] = []
    conflits: list[tuple[str, str, str]] = []
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
            conflits.append((classe, a, b))
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
        return (
            problems,
            conflits,
        )  # the checks below read these conclusions: their absence is already reported

    ref = etat.reference.at(parameter_date)
    vigilance = {n["code"] for n in engine.notes if n["kind"] == "vigilance"}
    problems += _achat(answers, faits, ref, parameter_date)
    problems += _experimentation(faits)
    problems += _contrat(faits, ref, vigilance)
    problems += calendar_problems(faits, engine.notes, int(ref["mise_en_service_maximum_mois"].valeur))
    problems += _vigilance(answers, faits, ref, etat.reference, vigilance)
    return problems, conflits


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
    return problems + _valeur_et_procedure(answers, faits, ref, parameter_date)


def _valeur_et_procedure(
    answers: Answers, faits: dict[str, list[Any]], ref: dict[str, Any], parameter_date: dt.date
) -> list[tuple[str, str]]:
    """The estimated value recomputed from the answers and the reference parameters, and the procedure
    and its publicity that the reference thresholds give for it."""
    problems: list[tuple[str, str]] = []
    passation = faits["Passation"][0]
    procedure = passation["procedure"]
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
