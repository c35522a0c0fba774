"""The view of the advice report: what the templates show besides the advice itself.

:class:`Vue` gathers, for one advice, what the templates read: the plan of the report
(:mod:`.parties`), the advice's values in words (:class:`~.valeurs.Valeurs`, labels of
``reports/libelles.yaml``), the tables grouped here, the cited texts (:mod:`.textes`) and the charts
(:mod:`.figures`). It reasons about nothing: every conclusion comes from the advice. The jinja2
environment and its filters are in :mod:`entadvisor.report.environment`, the writing of the HTML and
PDF files in :mod:`.render`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from entadvisor import __version__
from entadvisor.advice import Advice
from entadvisor.engine.knowledge import references_du_conseil
from entadvisor.references import citation
from entadvisor.report import figures, parties
from entadvisor.report.textes import references_citees, textes_cites
from entadvisor.report.valeurs import Valeurs, css_string, ligne_parametre, upper_first


class Vue(Valeurs):
    """What the templates show besides the advice: the plan, labels, grouped tables and the charts.

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
        super().__init__(advice, libelles)
        self.imprimer_annexes = imprimer_annexes
        self.pages: dict[str, int] = dict(pages or {})
        """Printed page of each section (a second printing pass measures them), for the table of contents."""
        self.css = Markup(css)
        self.version_outil = __version__
        self.titres = parties.TITRES
        porteur = advice.reponses.get("porteur", "autre")
        self.porteur: str = porteur if porteur in libelles["valeurs"]["porteur"] else "autre"
        self.titre = advice.nom_projet or "Déploiement d'un espace numérique de travail dans les écoles"
        self.titre_css = Markup(css_string(self.titre))
        """The title as the body of a CSS string (the running page header): nothing can close the string or the style."""
        self.sections = parties.sections(advice)
        self.parties = parties.parties(self.sections)
        self.incertitudes = parties.incertitudes(advice)
        self.codes_incertitudes = [i["code"] for i in self.incertitudes]
        self._tables_achat()
        self._tables_calendrier_et_contrat()
        self._tables_sources()
        self._tables_annexes()
        self.sensibilite = self._sensibilite()
        self.svg_seuils = figures.figure_seuils(advice, libelles)
        self.svg_gantt = figures.figure_calendrier(advice, libelles)
        self.svg_phases = figures.figure_phases(advice, libelles)

    # -- helpers of the templates ---------------------------------------------------------------

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

    def _tables_achat(self) -> None:
        """The thresholds against the estimated value, and the options set aside with their reasons."""
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

    def _tables_calendrier_et_contrat(self) -> None:
        """The calendar's steps with their category, the contract's phases, the guide's key factors."""
        advice, L = self.advice, self.L
        categories, table = L["categories_etapes"], L["etapes_categories"]
        self.etapes = [
            {
                "libelle": etape.libelle,
                "categorie": "Jalon"
                if etape.jalon
                else categories[figures.categorie_etape(etape.etape, table)]["libelle"],
                "debut": etape.debut,
                "fin": etape.fin,
                "jalon": etape.jalon,
            }
            for etape in advice.calendrier
        ]
        self.phases_contenu = any(p.libelle != L["phases"].get(p.phase) for p in advice.contrat.phases)
        guide = L["facteurs_cles_du_guide"]
        par_code = {p.code: p for p in advice.preparation}
        self.facteurs_guide = [{"libelle": guide[code], "point": par_code.get(code)} for code in guide]
        self.preparation_autres = [p for p in advice.preparation if p.code not in guide]

    def _tables_sources(self) -> None:
        """The rules applied with their facts and references, and the cited texts grouped."""
        advice = self.advice
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
        self.textes, self.autres_textes = textes_cites(references_citees(advice, refs), self.L["articles"])

    def _tables_annexes(self) -> None:
        """The answers in the questionnaire's order (unknown keys last, sorted) and the parameters used."""
        advice = self.advice
        ordre = list(self.L["questions"])
        keys = [k for k in ordre if k in advice.reponses] + sorted(
            k for k in advice.reponses if k not in ordre
        )
        self.reponses = [
            {"cle": k, "libelle": self.libelle_fait(k), "valeur": self.valeur_reponse(k, advice.reponses[k])}
            for k in keys
            if k != "version"
        ]
        self.parametres = [ligne_parametre(p) for p in advice.parametres]

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
