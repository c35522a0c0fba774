"""The view of the advice report: what the templates show besides the advice itself.

:class:`Vue` words the advice (labels of ``reports/libelles.yaml``), groups it into tables and
draws its charts (:mod:`.charts`); :func:`textes_cites` groups the cited articles and sources, and
:func:`valeur_parametre` puts a parameter's value in words. It reasons about nothing: every
conclusion comes from the advice. The jinja2 environment and its filters are in
:mod:`entadvisor.report.environment`, the writing of the HTML and PDF files in :mod:`.render`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from typing import Any

from markupsafe import Markup

from entadvisor import __version__, formatting
from entadvisor.advice import Advice, Parametre
from entadvisor.engine.knowledge import lexique_du_conseil, references_du_conseil
from entadvisor.references import Ref, citation
from entadvisor.report.charts import Legende
from entadvisor.report.gantt import Barre, gantt_svg
from entadvisor.report.seuils import SeuilGraphique, seuils_svg

TITRES: dict[str, str] = {
    "essentiel": "Ce qui est proposé",
    "dates": "Les dates clés",
    "incertitudes": "Ce qui reste incertain",
    "actions": "Les trois prochaines actions",
    "contexte": "Contexte et situation actuelle",
    "calendrier": "Calendrier",
    "achat": "Voie et procédure d'achat",
    "experimentation": "Expérimentation",
    "contrat": "Durée et forme du contrat",
    "preparation": "Préparation : les facteurs clés de succès",
    "vigilance": "Points de vigilance",
    "sensibilite": "Ce qui changerait le conseil",
    "deliberation": "Projet d'acte",
    "pourquoi": "Pourquoi ces recommandations ?",
    "annexes": "Réponses, paramètres, glossaire et limites",
}
"""Section ids and titles, in the order of the report (``sensibilite`` only when computed)."""

PARTIES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "note": (
        "La note aux élus",
        "Deux pages pour décider : les recommandations, leur coût, les dates, les incertitudes et la suite.",
        ("essentiel", "dates", "incertitudes", "actions"),
    ),
    "dossier": (
        "Le dossier",
        "Le raisonnement sur chacune des cinq questions clés du guide, le calendrier, la préparation du projet et le projet d'acte.",
        (
            "contexte",
            "calendrier",
            "achat",
            "experimentation",
            "contrat",
            "preparation",
            "vigilance",
            "sensibilite",
            "deliberation",
        ),
    ),
    "annexes-techniques": (
        "Les annexes techniques",
        "Les règles appliquées, les textes, les paramètres, le glossaire et les limites du modèle.",
        ("pourquoi", "annexes"),
    ),
}
"""The three parts of the report: id → (title, one-line purpose, section ids in order)."""

INCERTITUDES = (
    "offre_mutualisee_a_verifier",
    "reponse_inconnue",
    "prix_par_defaut",
    "eleves_estimes",
    "seuil_inconnu",
    "seuil_proche",
    "valeur_incomplete",
    "calendrier_serre",
    "rentree_inatteignable",
)
"""The warnings that say the advice rests on an assumption or an unknown: shown in the note, in this order."""


# --- values in words (also filters of the templates) ---------------------------------------------


def lower_first_word(text: str) -> str:
    """« Seuil européen » → « seuil européen »; an acronym (« EU », « MAPA ») keeps its case."""
    if len(text) > 1 and text[1].isupper():
        return text
    return text[:1].lower() + text[1:]


def css_string(text: str) -> str:
    """``text`` escaped for a double-quoted CSS string inside ``<style>``: every ASCII character but letters,
    digits and spaces becomes a CSS escape (``\\22 `` for a quote, ``\\3c `` for ``<``), control characters too."""
    out = []
    for char in text:
        if char.isalnum() or char == " " or (ord(char) > 127 and char.isprintable()):
            out.append(char)
        else:
            out.append(f"\\{ord(char):x} ")
    return "".join(out)


def upper_first(text: str) -> str:
    """Capitalise the first letter only (``la commune`` → ``La commune``)."""
    return text[:1].upper() + text[1:] if text else text


# --- presentation data ---------------------------------------------------------------------------


_CODES = {
    "Code de l'éducation": "Code de l'éducation",
    "CCP": "Code de la commande publique (CCP)",
    "CGCT": "Code général des collectivités territoriales (CGCT)",
    "RGPD": "Règlement général sur la protection des données (RGPD)",
}
"""The codes whose articles are listed one by one, with their full names (as :data:`references.CODES`)."""


_LETTRES = {"L": 0, "R": 1, "D": 2}


def _article_key(article: str) -> tuple[int, tuple[int, ...]]:
    """« L2113-6 » before « R2113-4 » before « D2131-5-1 », numbers compared as numbers; RGPD « art. 37 » last."""
    if article.startswith("art. "):
        return (9, (int(article[5:]),))
    return (_LETTRES.get(article[0], 3), tuple(int(n) for n in article[1:].split("-")))


def _without_prefix_duplicates(items: list[str]) -> list[str]:
    """Sorted, without the items that are the beginning of a longer one."""
    unique = sorted({upper_first(x) for x in items}, key=str.casefold)
    return [x for x in unique if not any(y != x and y.startswith(x) for y in unique)]


def textes_cites(
    references: Iterable[Ref], resumes: dict[str, str]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Group the cited articles by code, each with a summary in plain words; group the other sources.

    ``Ref("CCP", "art. L2113-6 et L2113-7")`` gives two CCP articles. The summary is the one of
    ``reports/libelles.yaml``, else the title of a reference naming that article alone (unless the title
    explains several things, « … : … »), else None. Sources that are not articles of a code (case
    law, the guide, decrees and others) form the second list, by nature.
    """
    articles: dict[str, dict[str, str | None]] = {code: {} for code in _CODES}
    par_nature: dict[str, list[str]] = {"decision": [], "guide": [], "source": []}
    for reference in references:
        for part in reference.parties():
            if part.nature == "code" and part.code in articles:
                found = part.articles
                single = len(found) == 1 and part.titre and ":" not in part.titre
                for article in found:
                    known = articles[part.code].get(article)
                    articles[part.code][article] = known or (
                        upper_first(part.titre) + "." if single else None
                    )
            elif part.nature == "guide":
                par_nature["guide"].append(upper_first(part.precision.lstrip(" ,:")) or part.code)
            elif part.nature != "code":
                par_nature[str(part.nature)].append(part.texte())
    groupes = []
    for code, code_long in _CODES.items():
        if not articles[code]:
            continue
        rows = []
        for article in sorted(articles[code], key=_article_key):
            cite = article if article.startswith("art. ") else f"art. {article}"
            rows.append({"cite": cite, "resume": resumes.get(f"{code} {article}") or articles[code][article]})
        groupes.append({"code": code, "code_long": code_long, "articles": rows})
    sources = [
        {"titre": "Décisions de justice", "items": _without_prefix_duplicates(par_nature["decision"])},
        {
            "titre": "Guide « ENT premier degré » de l'Éducation nationale",
            "items": _without_prefix_duplicates(par_nature["guide"]),
        },
        {"titre": "Autres textes et sources", "items": _without_prefix_duplicates(par_nature["source"])},
    ]
    return groupes, [group for group in sources if group["items"]]


def _type_seuil(nom: str) -> str | None:
    """Which kind of threshold a parameter name is (dispense, publicity, EU), or None."""
    if "dispense" in nom:
        return "dispense"
    if "publicite" in nom:
        return "publicite"
    if "formalis" in nom or "europ" in nom or nom.endswith("_ue"):
        return "europeen"
    return None


def _oui_non(value: bool) -> str:
    return "oui" if value else "non"


class Vue:
    """What the templates show besides the advice: labels, grouped tables and the charts.

    Only wording and layout happen here (the sentences themselves are in ``reports/phrases.j2``);
    every conclusion is read from the advice.
    """

    def __init__(
        self,
        advice: Advice,
        libelles: dict[str, Any],
        css: str,
        *,
        imprimer_annexes: bool = False,
        pages: dict[str, int] | None = None,
    ) -> None:
        self.advice = advice
        self.imprimer_annexes = imprimer_annexes
        self.pages: dict[str, int] = dict(pages or {})
        """Printed page of each section (a second printing pass measures them), for the table of contents."""
        self.L = libelles
        self.css = Markup(css)
        self.version_outil = __version__
        self.titres = TITRES
        porteur = advice.reponses.get("porteur", "autre")
        self.porteur: str = porteur if porteur in libelles["valeurs"]["porteur"] else "autre"
        self.titre = advice.nom_projet or "Déploiement d'un espace numérique de travail dans les écoles"
        self.titre_css = Markup(css_string(self.titre))
        """The title as the body of a CSS string (the running page header): nothing can close the string or the style."""
        self.sections = [
            {"id": key, "titre": title}
            for key, title in TITRES.items()
            if key != "sensibilite" or self._sensibilite_propre()
        ]
        present = {s["id"] for s in self.sections}
        self.parties = [
            {
                "id": code,
                "titre": titre,
                "objet": objet,
                "sections": [{"id": k, "titre": TITRES[k]} for k in ids if k in present],
            }
            for code, (titre, objet, ids) in PARTIES.items()
        ]
        self.incertitudes = self._incertitudes()
        self.codes_incertitudes = [i["code"] for i in self.incertitudes]
        self._tables()
        self._charts()

    # -- words for values -----------------------------------------------------------------------

    def reponse(self, key: str) -> str:
        """An answer as words (« oui », « Dans une partie des écoles », « 8 000 € HT »…)."""
        return self.valeur_reponse(key, self.advice.reponses.get(key))

    def valeur_reponse(self, key: str, value: Any) -> str:
        if value is None:
            return "non renseigné"
        if isinstance(value, bool):
            return _oui_non(value)
        labels = self.L["valeurs"].get(key)
        if labels and str(value) in labels:
            return str(labels[str(value)])
        if key in ("prix_eleve_an_ht", "couts_ponctuels_ht") and isinstance(value, int | float):
            return formatting.montant(value)
        if key == "rentree_visee":
            return f"rentrée {value} (année scolaire {formatting.annee_scolaire(int(value))})"
        date = formatting.as_date(value)
        if date is not None:
            return formatting.date_fr(date)
        if isinstance(value, int | float):
            return formatting.nombre_simple(value)
        return str(value)

    def valeur_fait(self, key: str, value: Any) -> str:
        """A fact used by a rule, as words: amounts, durations, years and dates in French."""
        if key in self.L["questions"]:
            return self.valeur_reponse(key, value)
        if value is None:
            return "non renseigné"
        if isinstance(value, bool):
            return _oui_non(value)
        if isinstance(value, int | float):
            return _nombre_fait(key, value)
        date = formatting.as_date(value)
        if date is not None:
            return formatting.date_fr(date)
        if isinstance(value, list | tuple):
            return ", ".join(self.valeur_fait(key, v) for v in value) or "aucun"
        if isinstance(value, dict):
            return " ; ".join(
                f"{self.libelle_fait(str(k))} : {self.valeur_fait(str(k), v)}" for k, v in value.items()
            )
        for labels in (
            self.L["voies"],
            self.L["procedures"],
            self.L["tranches"],
            self.L["formats_experimentation"],
            self.L["valeurs"]["offre_mutualisee"],
            self.L["phases"],
            self.L["formes_contrat"],
        ):
            if str(value) in labels:
                return str(labels[str(value)])
        parametre = self.parametre(str(value))  # a threshold named by a rule (« seuil_europeen »)
        if parametre is not None:
            return lower_first_word(parametre.libelle)
        return str(value)

    def faits(self, faits: dict[str, Any]) -> list[dict[str, str]]:
        """A rule's facts as (label, words) pairs; fact types (``Projet``, ``Contrat``…) are flattened."""
        out: list[dict[str, str]] = []
        for key, value in faits.items():
            if isinstance(value, dict) and key[:1].isupper():
                out += self.faits(value)
            else:
                out.append({"libelle": self.libelle_fait(key), "valeur": self.valeur_fait(key, value)})
        return out

    def libelle_fait(self, key: str) -> str:
        """The label of an answer key or of a derived fact; unknown keys are shown with spaces."""
        return str(self.L["questions"].get(key) or self.L["faits"].get(key) or key.replace("_", " "))

    def procedure(self, code: str | None) -> str:
        if code is None:
            return lexique_du_conseil(self.advice).mot("procedures", "aucune", "titre")
        return str(self.L["procedures"].get(code, code.replace("_", " ")))

    def parametre(self, nom: str) -> Parametre | None:
        """A parameter used by the advice, by name, or None."""
        return next((p for p in self.advice.parametres if p.nom == nom), None)

    @staticmethod
    def mois_entre(debut: dt.date, fin: dt.date) -> int:
        """Months from ``debut`` to ``fin`` inclusive, rounded (1 Sept. → 31 Aug. = 12; one day = 0)."""
        return round(((fin - debut).days + 1) / 30.4375)

    @staticmethod
    def separateur(loop: Any) -> str:
        """Between the items of an enumeration in a template loop: ``, `` then `` et `` before the last."""
        if loop.last:
            return ""
        return " et " if loop.revindex == 2 else ", "

    # -- tables ---------------------------------------------------------------------------------

    def _tables(self) -> None:
        advice, L = self.advice, self.L
        montant = advice.valeur_estimee.montant_ht
        self.seuils = [
            {
                "libelle": s.libelle,
                "valeur": s.valeur,
                "en_vigueur_depuis": s.en_vigueur_depuis,
                "connu": s.connu,
                "reference": s.reference,
                "position": "atteint ou dépassé" if montant >= s.valeur else "en dessous",
            }
            for s in sorted(advice.valeur_estimee.seuils, key=lambda s: s.valeur)
        ]
        self.options_ecartees = [
            {"option": str(L["voies"].get(v.voie, v.voie.replace("_", " "))), "raison": v.raison}
            for v in advice.achat.voies_ecartees
        ] + [{"option": self.procedure(x.procedure), "raison": x.raison} for x in advice.achat.alternatives]

        categories = L["categories_etapes"]
        self.etapes = [
            {
                "libelle": etape.libelle,
                "categorie": "Jalon" if etape.jalon else categories[self._categorie(etape.etape)]["libelle"],
                "debut": etape.debut,
                "fin": etape.fin,
                "jalon": etape.jalon,
            }
            for etape in advice.calendrier
        ]
        refs = references_du_conseil(advice)
        self.trace = [
            {
                "regle": t.regle,
                "titre": t.titre,
                "faits": self.faits(t.faits),
                "references": [(refs.get(r) or citation(r)).court() for r in t.references],
            }
            for t in advice.trace
        ]
        self.textes, self.autres_textes = textes_cites(_all_references(advice, refs), L["articles"])

        ordre = list(L["questions"])
        keys = [k for k in ordre if k in advice.reponses] + sorted(
            k for k in advice.reponses if k not in ordre
        )
        self.reponses = [
            {"cle": k, "libelle": self.libelle_fait(k), "valeur": self.valeur_reponse(k, advice.reponses[k])}
            for k in keys
            if k != "version"
        ]
        self.parametres = [self._ligne_parametre(p) for p in advice.parametres]
        self.phases_contenu = any(p.libelle != L["phases"].get(p.phase) for p in advice.contrat.phases)
        guide = L["facteurs_cles_du_guide"]
        par_code = {p.code: p for p in advice.preparation}
        self.facteurs_guide = [{"libelle": guide[code], "point": par_code.get(code)} for code in guide]
        self.preparation_autres = [p for p in advice.preparation if p.code not in guide]
        self.sensibilite = self._sensibilite()

    def _sensibilite_propre(self) -> bool:
        """The what-if section has something the note does not already say (the note gives the mutualised offer's)."""
        if self.advice.sensibilite is None:
            return False
        dans_la_note = any(v.code == "offre_mutualisee_a_verifier" for v in self.advice.vigilance)
        return not dans_la_note or any(
            i.get("question") != "offre_mutualisee" for i in self.advice.sensibilite
        )

    def _incertitudes(self) -> list[dict[str, Any]]:
        """The warnings about unknowns and assumptions, each with what the advice becomes otherwise (when known)."""
        par_code = {v.code: v for v in self.advice.vigilance}
        items = []
        for code in INCERTITUDES:
            if code not in par_code:
                continue
            autrement = []
            if code == "offre_mutualisee_a_verifier":
                autrement = [
                    str(i["phrase"])
                    for i in self.advice.sensibilite or []
                    if i.get("question") == "offre_mutualisee" and i.get("valeur_alternative") != "aucune"
                ]
            items.append({"code": code, "message": par_code[code].message, "autrement": autrement})
        return items

    def _sensibilite(self) -> list[dict[str, Any]]:
        """The what-if items grouped by recommendation (achat, experimentation, contrat, then others)."""
        groups: dict[str, list[dict[str, Any]]] = {}
        for item in self.advice.sensibilite or []:
            question = item["question"]
            groups.setdefault(str(item["recommandation"]), []).append(
                {"phrase": item["phrase"], "question": self.libelle_fait(question) if question else None}
            )
        known = self.L["recommandations"]
        order = [k for k in known if k in groups] + sorted(k for k in groups if k not in known)
        return [{"code": k, "libelle": known.get(k, upper_first(k)), "items": groups[k]} for k in order]

    def _categorie(self, etape: str) -> str:
        table = self.L["etapes_categories"]
        if etape in table:
            return str(table[etape])
        for key in sorted(table, key=len, reverse=True):
            if etape.startswith(key) or etape.endswith(key):
                return str(table[key])
        return "preparation"

    def _ligne_parametre(self, p: Parametre) -> dict[str, Any]:
        depuis = formatting.date_fr(p.en_vigueur_depuis) if p.en_vigueur_depuis else "—"
        if not p.connu:
            depuis += " (valeur non connue à la date retenue : dernière valeur connue)"
        reference = p.reference
        if p.article and p.article not in reference:
            reference = f"{p.article} — {reference}"
        nature = {"loi": "texte", "heuristique": "pratique"}.get(p.nature, p.nature)
        return {
            "libelle": p.libelle,
            "valeur": valeur_parametre(p.nom, p.valeur),
            "depuis": depuis,
            "nature": nature,
            "reference": reference,
            "lien": p.lien,
        }

    # -- charts ---------------------------------------------------------------------------------

    def _charts(self) -> None:
        advice, L = self.advice, self.L
        types = L["seuils_types"]
        graph_seuils: list[SeuilGraphique] = []
        zones = [str(types["debut"]["zone"])]
        for s in sorted(advice.valeur_estimee.seuils, key=lambda s: s.valeur):
            kind = _type_seuil(s.nom)
            if kind is None or kind not in types:
                continue  # other thresholds (innovative purchase…) are in the table only
            graph_seuils.append(SeuilGraphique(s.nom, str(types[kind]["court"]), s.valeur, s.connu))
            zones.append(str(types[kind]["zone"]))
        self.svg_seuils = Markup(
            seuils_svg(
                advice.valeur_estimee.montant_ht,
                graph_seuils,
                zones,
                titre="Valeur estimée du besoin et seuils de procédure",
                prefix="fig-seuils",
            )
        )

        categories = L["categories_etapes"]
        barres = [
            Barre(
                e.libelle,
                e.debut,
                e.fin,
                motif=str(categories[self._categorie(e.etape)]["motif"]),
                jalon=e.jalon,
            )
            for e in advice.calendrier
        ]
        horizon = dt.date(advice.calendrier_synthese.rentree_retenue + 1, 9, 1)
        used = {self._categorie(e.etape) for e in advice.calendrier if not e.jalon and e.debut < horizon}
        legende = [Legende(str(v["motif"]), str(v["libelle"])) for k, v in categories.items() if k in used]
        if any(e.jalon and e.debut < horizon for e in advice.calendrier):
            legende.append(Legende("jalon", "jalon (date clé)"))
        self.svg_gantt = Markup(
            gantt_svg(
                barres,
                titre="Calendrier du projet par année scolaire",
                prefix="fig-gantt",
                legende=legende,
                date_analyse=advice.date_analyse,
                horizon=horizon,
            )
            if barres
            else ""
        )
        motifs = {"deploiement": "points", "observation": "rayures", "renouvellement": "quadrillage"}
        phases = [
            Barre(str(L["phases"].get(p.phase, p.phase)), p.debut, p.fin, motif=motifs.get(p.phase, "plein"))
            for p in advice.contrat.phases
        ]
        self.svg_phases = Markup(
            gantt_svg(phases, titre="Phases du contrat par année scolaire", prefix="fig-phases")
            if phases
            else ""
        )


def _all_references(advice: Advice, refs: dict[str, Ref]) -> list[Ref]:
    """Every text the advice cites, in order of appearance (duplicates kept): the rules' Refs found by their
    citation, the texts of the parameters (data files) read by :func:`~entadvisor.references.citation`."""
    references: list[str] = list(advice.achat.references)
    for raisons in (
        advice.achat.raisons,
        advice.valeur_estimee.raisons,
        advice.experimentation.raisons,
        advice.contrat.raisons,
    ):
        for raison in raisons:
            references += raison.references
    for trace in advice.trace:
        references += trace.references
    references += [s.reference for s in advice.valeur_estimee.seuils]
    references += [p.article for p in advice.parametres if p.article]
    return [refs.get(cite) or citation(cite) for cite in references]


_MONTANTS = ("montant", "prix", "dispense", "publicite", "europeen", "valeur", "seuil")


def _nombre_fait(key: str, value: float) -> str:
    """A number of a fact in words, its kind read from the key (amount, months, years, count)."""
    if key.startswith("annees") or key.endswith("_annees"):
        return formatting.annees(value)
    if "rentree" in key or key.startswith(("annee", "exercice")):
        return str(int(value))  # a year: no thousands separator
    if key.endswith("_ht") or key.startswith(_MONTANTS):
        return formatting.montant(value)
    if key.endswith("_mois"):
        return formatting.duree_mois(int(value))
    return formatting.nombre_simple(value)


def valeur_parametre(nom: str, valeur: Any) -> str:
    """A parameter's value in words, its unit guessed from its name (``seuil_*`` → euros, ``*_mois``…)."""
    if isinstance(valeur, bool):
        return _oui_non(valeur)
    if isinstance(valeur, int | float):
        if nom.startswith(("seuil", "prix")) or nom.endswith("_ht"):
            return formatting.montant(valeur)
        if nom.endswith("_mois"):
            return f"{formatting.nombre_simple(valeur)} mois"
        if "annees" in nom:
            return f"{formatting.nombre_simple(valeur)} année{'s' if valeur > 1 else ''} scolaire{'s' if valeur > 1 else ''}"
        if isinstance(valeur, float) and 0 < valeur < 1:
            return formatting.pourcentage(valeur)
        if "ecoles" in nom:
            return f"{formatting.nombre_simple(valeur)} école{'s' if valeur > 1 else ''}"
        if "eleves" in nom:
            return f"{formatting.nombre_simple(valeur)} élèves"
        return formatting.nombre_simple(valeur)
    if isinstance(valeur, str) and re.fullmatch(r"\d{2}-\d{2}", valeur):
        month, day = (int(x) for x in valeur.split("-"))
        return f"{'1er' if day == 1 else day} {formatting.MOIS[month - 1]}"
    if isinstance(valeur, list | tuple):
        return ", ".join(str(v) for v in valeur)
    return str(valeur)
