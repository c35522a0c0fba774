"""The report of ``entadvisor verifier``: what the sweep found, in French, and the failing cases as files.

:class:`Rapport` holds the outcome of a verification (cases, violations, conflicts, dead rules,
coverage, time) and words it (:meth:`Rapport.texte`); :func:`couverture_de` words the coverage
of the answers the workers counted; :func:`ecrire_echecs` writes one reproducible answer file per
failing case (the first ones of each code).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from entadvisor.answer_files import answers_to_yaml
from entadvisor.answers import FIELDS, Answers, allowed_values
from entadvisor.api import evaluate
from entadvisor.formatting import compte, date_fr, nombre
from entadvisor.verify.cas import Cas
from entadvisor.verify.checks import QUESTIONS

MAX_FICHIERS = 200
MAX_FICHIERS_PAR_CODE = 20
"""At most this many failing cases are written as files, and this many for one code."""

CLES_COUVERTURE = [
    key
    for key in FIELDS
    if key != "version" and Answers.model_fields[key].annotation not in (str, str | None)
]
"""The answers the coverage counts (the format version and free texts, names, decide nothing)."""


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
    filtrage: str = "compile"
    """The matcher of the engine: ``compile`` (compiled rules) or ``rete`` (experta's network)."""
    note_filtrage: str | None = None
    """Why the engine fell back to Rete for this knowledge base (None when it did not)."""

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
        out = [*self._entete(), "", *self._constats()]
        if self.fichiers:
            out.append("")
            out.append(
                f"Cas en échec écrits dans {self.sortie}/ : {len(self.fichiers)} fichier(s) "
                f"sur {nombre(self.cas_en_echec)} cas (reproduire : entadvisor conseil FICHIER --date-analyse DATE)"
            )
        out.append("")
        out.append("Résultat : " + ("SUCCÈS" if self.ok else "ÉCHEC"))
        return "\n".join(out)

    def _entete(self) -> list[str]:
        """What was verified, how many cases, how fast and where the time went."""
        out = [f"Vérification de la base de connaissances {self.version} ({self.source})"]
        out.append(f"Seuils de référence du contrôle : {self.reference}")
        debit = self.cas / self.duree if self.duree else 0.0
        out.append(
            f"Balayage {self.mode} : {nombre(self.cas)} cas distincts en {nombre(self.duree, 1)} s avec "
            f"{self.jobs} processus ({nombre(debit)} cas/s)"
        )
        out.append("  blocs : " + " · ".join(f"{nom} {nombre(n)}" for nom, n in self.par_bloc.items()))
        if self.note_filtrage:
            out.append(f"  {self.note_filtrage}")
        elif self.filtrage != "compile":
            out.append("  filtrage : réseau Rete d'experta (--filtrage rete)")
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
        return out

    def _constats(self) -> list[str]:
        """The findings: violations, conflicts, dead rules, coverage of the rules and of the answers."""
        out: list[str] = []
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
        return out


def couverture(cas: list[Cas]) -> dict[str, str]:
    """The coverage text of a list of cases (the verifier counts in its workers, see :func:`couverture_de`)."""
    compteurs = {key: Counter(c.reponses.get(key) for c in cas) for key in CLES_COUVERTURE}
    return couverture_de(compteurs, {c.date_analyse for c in cas})


def couverture_de(compteurs: dict[str, Counter[Any]], analyses: set[dt.date]) -> dict[str, str]:
    """Per answer key, the values exercised (numbers: how many distinct values, and their range).

    From the value counts per answer key, counted by the workers and merged."""
    out: dict[str, str] = {}
    for key in CLES_COUVERTURE:
        valeurs = Counter(compteurs.get(key, Counter()))
        absentes = valeurs.pop(None, 0)
        permises = allowed_values(key)
        if permises is not None or all(isinstance(v, bool) or v == "ne_sait_pas" for v in valeurs):
            attendues = list(permises) if permises is not None else [False, True]
            attendues += [v for v in valeurs if v not in attendues]  # e.g. « ne_sait_pas » for a yes/no
            texte = ", ".join(f"{_court(v)} ({nombre(valeurs.get(v, 0))})" for v in attendues)
        elif valeurs:
            connues: list[Any] = sorted(valeurs)
            court = str if key == "rentree_visee" else _court  # a year has no thousands separator
            texte = f"{compte(len(connues), 'valeur')}, de {court(connues[0])} à {court(connues[-1])}"
        else:
            texte = "jamais donnée"
        if absentes:
            texte += f" ; absente ({nombre(absentes)})"
        out[key] = texte
    out["date d'analyse"] = (
        f"{nombre(len(analyses))} dates, du {date_fr(min(analyses))} au {date_fr(max(analyses))}"
    )
    return out


def _court(valeur: Any) -> str:
    if isinstance(valeur, bool):
        return "oui" if valeur else "non"
    if isinstance(valeur, dt.date):
        return valeur.isoformat()
    if isinstance(valeur, float):
        return nombre(valeur, 0 if valeur.is_integer() else 2)
    return nombre(valeur) if isinstance(valeur, int) else str(valeur)


def ecrire_echecs(rapport: Rapport, echecs: dict[int, Cas], knowledge: Any) -> list[Path]:
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
    index = echecs
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
    try:
        advice = evaluate(c.reponses, as_of=c.date_analyse, knowledge=knowledge)
    except Exception as exc:  # reported, not raised: the verification goes on
        return f"{type(exc).__name__} : {exc}"[:400]
    return f"construit (voie {advice.achat.voie}, procédure {advice.achat.procedure})"
