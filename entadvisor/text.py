"""The advice as French text for the terminal: the three recommendations first, then the reasons."""

from __future__ import annotations

import textwrap

from .advice import Advice
from .errors import visible
from .formatting import annee_scolaire, date_fr, duree_mois, montant

VOIES = {
    "centrale_achat": "adhésion à une centrale d'achat",
    "groupement_commandes": "groupement de commandes",
    "procedure_propre": "procédure propre de l'acheteur",
}
PROCEDURES = {
    "sans_publicite": "marché sans publicité ni mise en concurrence",
    "mapa": "procédure adaptée (MAPA)",
    "appel_offres_ouvert": "appel d'offres ouvert",
    "appel_offres_restreint": "appel d'offres restreint",
    "procedure_avec_negociation": "procédure avec négociation",
    "dialogue_competitif": "dialogue compétitif",
    "achat_innovant": "achat innovant sans publicité",
}
FORMATS = {
    "classes": "quelques classes volontaires pendant un trimestre",
    "ecoles_pilotes": "des écoles pilotes pendant une année scolaire",
    "classes_puis_ecoles_pilotes": "des classes volontaires, puis des écoles pilotes, puis des vagues de généralisation",
}
STATUTS = {"ok": "✔ Fait", "en_cours": "◐ En cours", "a_faire": "○ À faire", "attention": "⚠ Attention"}

LARGEUR = 96


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> str:
    """Wrap a French paragraph, never leaving « ; », « : », « ? », « ! » or « » » at the start of a line."""
    for mark in (" ;", " :", " ?", " !", " »"):
        text = text.replace(mark, "\u00a0" + mark[1:])
    text = text.replace("« ", "«\u00a0")
    return textwrap.fill(
        text, width=LARGEUR, initial_indent=first if first is not None else indent, subsequent_indent=indent
    )


def procedure_phrase(advice: Advice) -> str:
    achat = advice.achat
    voie = VOIES[achat.voie]
    if achat.procedure is None:
        return f"{voie[0].upper()}{voie[1:]} — aucune procédure de mise en concurrence à conduire soi-même"
    publicite = f", publicité : {achat.publicite}" if achat.publicite else ""
    return f"{voie[0].upper()}{voie[1:]} — {PROCEDURES[achat.procedure]}{publicite}"


def experimentation_phrase(advice: Advice) -> str:
    exp = advice.experimentation
    if not exp.recommandee:
        return "Pas d'expérimentation préalable"
    return f"Oui : {FORMATS[exp.format]}" if exp.format else "Oui"


def contrat_phrase(advice: Advice) -> str:
    contrat = advice.contrat
    texte = (
        f"{contrat.libelle_forme}, {duree_mois(contrat.duree_mois)} ({contrat.structure}), "
        f"du {date_fr(contrat.debut)} au {date_fr(contrat.fin)}"
    )
    if contrat.duree_depassee:
        texte += f" — les phases demanderaient {contrat.duree_necessaire_mois} mois"
    return texte


def advice_text(advice: Advice) -> str:
    """The advice in French, the three recommendations first, as a user reads it in a terminal."""
    out: list[str] = []
    titre = advice.nom_projet or "Projet d'ENT"
    out.append(f"{titre}")
    out.append("=" * min(len(titre), LARGEUR))
    out.append(
        f"Analyse du {date_fr(advice.date_analyse)} · seuils en vigueur au {date_fr(advice.date_parametres)} · "
        f"base de connaissances {advice.base_de_connaissances.version}"
    )
    out.append("")
    cal = advice.calendrier_synthese
    out.append("L'ESSENTIEL")
    out.append(_wrap(f"Achat : {procedure_phrase(advice)}.", "    ", "  1. "))
    out.append(
        _wrap(
            f"Valeur estimée du besoin : {montant(advice.valeur_estimee.montant_ht)} sur toute la durée.",
            "    ",
            "     ",
        )
    )
    out.append(_wrap(f"Expérimentation : {experimentation_phrase(advice)}.", "    ", "  2. "))
    out.append(_wrap(f"Contrat : {contrat_phrase(advice)}.", "    ", "  3. "))
    date_cle = (
        f"lancer la consultation au plus tard le {date_fr(cal.lancement)} pour ouvrir à la rentrée {cal.rentree_retenue}"
        if advice.achat.procedure
        else f"délibérer l'adhésion au plus tard le {date_fr(cal.lancement)} pour ouvrir à la rentrée {cal.rentree_retenue}"
    )
    out.append(_wrap(f"Date clé : {date_cle}.", "    ", "     "))
    out.append("")

    out.append("POURQUOI")
    out.append("  Achat")
    for raison in advice.achat.raisons + advice.valeur_estimee.raisons:
        out.append(_wrap(raison.texte, "      ", "    - "))
    if advice.achat.alternatives:
        out.append("  Procédures écartées")
        for alt in advice.achat.alternatives:
            out.append(
                _wrap(f"{PROCEDURES.get(alt.procedure, alt.procedure)} : {alt.raison}", "      ", "    - ")
            )
    out.append("  Expérimentation")
    for raison in advice.experimentation.raisons:
        out.append(_wrap(raison.texte, "      ", "    - "))
    for etape in advice.experimentation.deroulement:
        out.append(_wrap(etape, "      ", "    · "))
    if advice.experimentation.vehicule:
        out.append(_wrap(advice.experimentation.vehicule, "      ", "    - "))
    out.append("  Contrat")
    for raison in advice.contrat.raisons:
        out.append(_wrap(raison.texte, "      ", "    - "))
    for phase in advice.contrat.phases:
        out.append(f"    · {phase.libelle} : du {date_fr(phase.debut)} au {date_fr(phase.fin)}")
    out.append("")

    out.append("CALENDRIER")
    for step in advice.calendrier:
        quand = (
            date_fr(step.debut)
            if step.jalon or step.debut == step.fin
            else f"{date_fr(step.debut)} → {date_fr(step.fin)}"
        )
        out.append(_wrap(f"{quand} : {step.libelle}", "      ", "  · "))
    out.append("")

    if advice.vigilance:
        out.append("POINTS DE VIGILANCE")
        for point in advice.vigilance:
            out.append(_wrap(point.message, "      ", f"  ⚠ [{point.code}] "))
        out.append("")

    out.append("PRÉPARATION (facteurs clés de succès du guide)")
    for item in advice.preparation:
        out.append(_wrap(item.facteur, "               ", f"  {STATUTS[item.statut]:<12} "))
        out.append(_wrap(f"{item.constat} → {item.action}", "               "))
    out.append("")

    if advice.sensibilite:
        out.append("CE QUI CHANGERAIT LE CONSEIL")
        for change in advice.sensibilite:
            out.append(_wrap(change["phrase"], "      ", "  · "))
        out.append("")

    out.append(
        _wrap(
            f"{len(advice.trace)} règles appliquées (détail : --json ou rapport HTML). Ce conseil est une aide : la décision "
            "et son contrôle juridique appartiennent à l'acheteur.",
            "",
            "",
        )
    )
    out.append(
        f"Années scolaires couvertes : {annee_scolaire(advice.contrat.debut.year)} à {annee_scolaire(advice.contrat.fin.year - 1)}."
    )
    return visible("\n".join(out))  # a name from an answer file never sends ESC to the terminal
