"""La base de connaissances est couverte par les cas de tests/cases et bien documentée.

- chaque règle se déclenche dans au moins un cas de ``tests/cases/*.yaml`` (les cas sont lus et leurs
  réponses assemblées avec les fonctions de ``conftest.py``, puis évalués) ;
- chaque règle cite au moins une référence, a un titre et une explication en français ;
- les identifiants de règles sont uniques et bien formés.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
import yaml
from plugin_cas import ROOT, load_case_answers

import entadvisor

CASES = ROOT / "tests" / "cases"
RULES = ROOT / "rules"
MINIMUM_CAS = 70

ACCENTS = re.compile(r"[àâäçéèêëîïôöûùüÿœæ]")
MOTS_FRANCAIS = {
    "le", "la", "les", "l", "de", "des", "du", "d", "un", "une", "et", "ou", "à", "au", "aux", "en",
    "pour", "par", "sans", "sur", "est", "sont", "dans", "avec", "plus", "ne", "pas", "qui", "que",
}  # fmt: skip
MOTS_ANGLAIS = {"the", "and", "of", "with", "is", "are", "when", "which", "without", "should", "must"}
IDENTIFIANT = re.compile(r"^[A-Z]+(-[A-Z0-9]+)+$")


def _cas() -> list[tuple[str, dict[str, Any]]]:
    """Tous les cas de tests/cases avec leur fichier (même lecture que ``conftest.CaseFile``)."""
    found = []
    for path in sorted(CASES.glob("*.yaml")):
        content = yaml.safe_load(path.read_text(encoding="utf-8"))
        cases = content["cases"] if isinstance(content, dict) and "cases" in content else [content]
        found.extend((path.name, case) for case in cases)
    return found


def _mots(texte: str) -> list[str]:
    return re.findall(r"[a-zàâäçéèêëîïôöûùüÿœæ]+", texte.lower())


def _anglais(texte: str) -> bool:
    return any(mot in MOTS_ANGLAIS for mot in _mots(texte))


def _francais(texte: str) -> bool:
    """Des marques du français (accents, mots outils) et aucun mot outil anglais."""
    marques = bool(ACCENTS.search(texte.lower())) or any(mot in MOTS_FRANCAIS for mot in _mots(texte))
    return marques and not _anglais(texte)


@pytest.fixture(scope="module")
def knowledge() -> Any:
    return entadvisor.load_knowledge()


@pytest.fixture(scope="module")
def regles_declenchees() -> dict[str, list[str]]:
    """Pour chaque identifiant de règle, les cas où elle s'est déclenchée."""
    from entadvisor import evaluate
    from entadvisor.answers import validate_answers

    fired: dict[str, list[str]] = {}
    for fichier, case in _cas():
        answers = validate_answers(load_case_answers(case), case.get("name"))
        as_of = case.get("as_of")
        if isinstance(as_of, str):
            as_of = dt.date.fromisoformat(as_of)
        advice = evaluate(answers, as_of=as_of)
        for step in advice.trace:
            fired.setdefault(step.regle, []).append(f"{fichier} — {case['name']}")
    return fired


def test_les_cas_sont_assez_nombreux_et_nommes() -> None:
    cas = _cas()
    assert len(cas) >= MINIMUM_CAS, (
        f"{len(cas)} cas seulement dans tests/cases (au moins {MINIMUM_CAS} attendus)"
    )
    noms = Counter(case["name"] for _, case in cas)
    doublons = sorted(nom for nom, n in noms.items() if n > 1)
    assert not doublons, f"noms de cas en double : {doublons}"
    sans_date = sorted(case["name"] for _, case in cas if "as_of" not in case)
    assert not sans_date, f"cas sans date d'analyse (as_of) : {sans_date}"


def test_chaque_regle_se_declenche_dans_au_moins_un_cas(knowledge: Any, regles_declenchees: dict) -> None:
    toutes = {rule.id for rule in knowledge.rules}
    jamais = sorted(toutes - set(regles_declenchees))
    assert not jamais, "règles jamais déclenchées par tests/cases : " + ", ".join(jamais)


def test_les_cas_ne_citent_que_des_regles_existantes(knowledge: Any) -> None:
    toutes = {rule.id for rule in knowledge.rules}
    inconnues = set()
    for _, case in _cas():
        expected = case.get("expected") or {}
        for key in ("regles", "regles_absentes"):
            inconnues.update(set(expected.get(key, [])) - toutes)
    assert not inconnues, f"règles citées par des cas mais absentes de la base : {sorted(inconnues)}"


def test_chaque_regle_cite_au_moins_une_reference(knowledge: Any) -> None:
    sans = [rule.id for rule in knowledge.rules if not [r for r in rule.references if r and r.strip()]]
    assert not sans, f"règles sans référence : {sans}"


def test_chaque_regle_a_un_titre_et_une_explication_en_francais(knowledge: Any) -> None:
    problemes = []
    for rule in knowledge.rules:
        titre, explication = rule.titre.strip(), rule.explication.strip()
        if not titre or not titre[0].isupper():
            problemes.append(f"{rule.id} : titre vide ou sans majuscule initiale ({titre!r})")
        elif _anglais(titre):  # titre court (« Besoin non standard ») : seul l'anglais est refusé
            problemes.append(f"{rule.id} : titre qui ne semble pas français ({titre!r})")
        if len(explication) < 20 or not explication.endswith((".", "»", ")")):
            problemes.append(f"{rule.id} : explication absente ou qui n'est pas une phrase ({explication!r})")
        elif not _francais(explication):
            problemes.append(f"{rule.id} : explication qui ne semble pas française ({explication!r})")
    assert not problemes, "\n".join(problemes)


def test_les_identifiants_de_regles_sont_uniques_et_bien_formes(knowledge: Any) -> None:
    ids = [rule.id for rule in knowledge.rules]
    doublons = sorted(i for i, n in Counter(ids).items() if n > 1)
    assert not doublons, f"identifiants en double dans la base chargée : {doublons}"
    mal_formes = sorted(i for i in ids if not IDENTIFIANT.match(i))
    assert not mal_formes, f"identifiants mal formés (attendu « MODULE-NOM » en majuscules) : {mal_formes}"
    # Contrôle indépendant sur les sources : une règle déclarée deux fois pourrait en masquer une autre au chargement.
    declares = []
    for path in sorted(RULES.glob("*.py")):
        source = path.read_text(encoding="utf-8")
        declares += re.findall(r"@regle\(\s*\"([^\"]+)\"", source)
        declares += re.findall(r"Facteur\(\s*id=\"([^\"]+)\"", source)  # the readiness table
    doublons_source = sorted(i for i, n in Counter(declares).items() if n > 1)
    assert not doublons_source, f"identifiants déclarés deux fois dans rules/*.py : {doublons_source}"
    assert sorted(declares) == sorted(ids), (
        "les règles déclarées dans rules/*.py et la base chargée diffèrent"
    )
