"""The advice as French text for the terminal: the three recommendations first, then the reasons."""

from __future__ import annotations

import shutil
import textwrap

from entadvisor.advice import Advice
from entadvisor.engine.knowledge import lexique_du_conseil
from entadvisor.errors import visible
from entadvisor.formatting import annee_scolaire, date_fr, duree_mois, montant, pluriel

LARGEUR = 80
"""The width when the terminal's is unknown (output piped to a file or a program)."""
LARGEUR_MIN, LARGEUR_MAX = 40, 120
"""Narrower than 40 columns nothing reads well; wider than 120 a line is too long to read."""

_largeur = LARGEUR


def largeur_terminal() -> int:
    """The terminal's width in columns (``COLUMNS`` first, as the shell sets it), 80 when unknown or piped."""
    colonnes = shutil.get_terminal_size((LARGEUR, 24)).columns
    return max(LARGEUR_MIN, min(LARGEUR_MAX, colonnes)) if colonnes > 0 else LARGEUR


def _wrap(text: str, indent: str = "  ", first: str | None = None) -> str:
    """Wrap a French paragraph at the current width: whole words only (never cut inside a word or at
    its hyphen), continuation lines aligned under the text, never « ; », « : », « ? », « ! » or « » »
    at the start of a line."""
    for mark in (" ;", " :", " ?", " !", " »"):
        text = text.replace(mark, "\u00a0" + mark[1:])
    text = text.replace("« ", "«\u00a0")
    if first is None:
        first = indent
    else:  # continuation lines start under the first word of the text, after the marker (« 1. », « - »)
        indent = " " * len(first)
    return textwrap.fill(
        text,
        width=_largeur,
        initial_indent=first,
        subsequent_indent=indent,
        break_long_words=False,
        break_on_hyphens=False,
    )


def procedure_phrase(advice: Advice) -> str:
    achat, mots = advice.achat, lexique_du_conseil(advice)
    voie = mots.mot("voies", achat.voie, "nom")
    if achat.procedure is None:
        return f"{voie[0].upper()}{voie[1:]} — {mots.mot('procedures', 'aucune', 'phrase')}"
    publicite = f", publicité : {achat.publicite}" if achat.publicite else ""
    return f"{voie[0].upper()}{voie[1:]} — {mots.mot('procedures', achat.procedure, 'nom')}{publicite}"


def experimentation_phrase(advice: Advice) -> str:
    exp = advice.experimentation
    if not exp.recommandee:
        return "Pas d'expérimentation préalable"
    if not exp.format:
        return "Oui"
    return f"Oui : {lexique_du_conseil(advice).mot('formats_experimentation', exp.format, 'phrase')}"


def contrat_phrase(advice: Advice) -> str:
    contrat = advice.contrat
    texte = (
        f"{contrat.libelle_forme}, {duree_mois(contrat.duree_mois)} ({contrat.structure}), "
        f"du {date_fr(contrat.debut)} au {date_fr(contrat.fin)}"
    )
    if contrat.duree_depassee:
        texte += f" — les phases demanderaient {contrat.duree_necessaire_mois} mois"
    return texte


def advice_text(advice: Advice, largeur: int | None = None) -> str:
    """The advice in French, the three recommendations first, as a user reads it in a terminal.

    Lines fit ``largeur`` columns (default: the terminal's width, 80 when unknown or piped)."""
    global _largeur
    precedente, _largeur = _largeur, largeur or largeur_terminal()
    try:
        return visible("\n".join(_advice_lines(advice)))  # a name from an answer file never sends ESC
    finally:
        _largeur = precedente


def advice_summary(advice: Advice, largeur: int | None = None) -> str:
    """The short summary: the heading and « L'ESSENTIEL » (the three recommendations and the key date),
    then how many points of vigilance the full advice holds."""
    global _largeur
    precedente, _largeur = _largeur, largeur or largeur_terminal()
    try:
        lignes = _entete(advice) + _essentiel(advice)
        if advice.vigilance:
            lignes.append(
                _wrap(
                    f"{pluriel(len(advice.vigilance), 'point')} de vigilance dans le conseil complet.",
                    "  ",
                    "  ",
                )
            )
        return visible("\n".join(lignes))
    finally:
        _largeur = precedente


def _entete(advice: Advice) -> list[str]:
    out: list[str] = []
    titre = advice.nom_projet or "Projet d'ENT"
    out.append(_wrap(titre, "", ""))
    out.append("=" * min(len(titre), _largeur))
    out.append(
        _wrap(
            f"Analyse du {date_fr(advice.date_analyse)} · seuils en vigueur au {date_fr(advice.date_parametres)} · "
            f"base de connaissances {advice.base_de_connaissances.version}",
            "",
            "",
        )
    )
    out.append("")
    return out


def _essentiel(advice: Advice) -> list[str]:
    out: list[str] = []
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
    return out


def _advice_lines(advice: Advice) -> list[str]:
    mots = lexique_du_conseil(advice)
    out = _entete(advice) + _essentiel(advice)
    out.append("POURQUOI")
    out.append("  Achat")
    for raison in advice.achat.raisons + advice.valeur_estimee.raisons:
        out.append(_wrap(raison.texte, "      ", "    - "))
    if advice.achat.alternatives:
        out.append("  Procédures écartées")
        for alt in advice.achat.alternatives:
            out.append(
                _wrap(f"{mots.mot('procedures', alt.procedure, 'nom')} : {alt.raison}", "      ", "    - ")
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
        out.append(
            _wrap(f"{phase.libelle} : du {date_fr(phase.debut)} au {date_fr(phase.fin)}", "      ", "    · ")
        )
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
            out.append(_wrap(f"[{point.code}] {point.message}", "    ", "  ⚠ "))
        out.append("")

    out.append("PRÉPARATION (facteurs clés de succès du guide)")
    for item in advice.preparation:
        statut = mots.formes("statuts", item.statut)
        marque = f"{statut['symbole_texte']} {statut['court']}"
        out.append(_wrap(item.facteur, "               ", f"  {marque:<12} "))
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
        _wrap(
            f"Années scolaires couvertes : {annee_scolaire(advice.contrat.debut.year)} à "
            f"{annee_scolaire(advice.contrat.fin.year - 1)}.",
            "",
            "",
        )
    )
    return out
