"""The collector of knowledge-base cases (``tests/cases/*.yaml``): a small pytest plugin.

A case file holds one case, or several under ``cases:``. Each case has a sentence-like ``name``,
its ``answers`` (complete, or ``base:`` an example of questionnaires/examples plus the answers
that differ), an ``as_of`` analysis date and the ``expected`` conclusions:

    name: Une valeur de 59 999 € HT reste sous le seuil de dispense au 1er avril 2026
    base: ville-12-ecoles
    answers: {nombre_eleves: 1850, prix_eleve_an_ht: ...}
    as_of: 2026-04-01
    expected:
      achat.procedure: sans_publicite      # a dotted path into the advice JSON
      vigilance: [seuil_proche]            # codes that must be present
      vigilance_absente: [duree_depassee]  # codes that must be absent
      regles: [VAL-TRANCHE-SOUS-DISPENSE]  # rules that must fire
      regles_absentes: [...]               # rules that must not fire

A failure prints the file, the case and each expected value next to the one obtained; a case with an
unknown key is a collection error naming the file, the case and the keys allowed. ``conftest.py``
registers it (``pytest_collect_file``); ``tests/test_plugin_cas.py`` runs it on a failing case.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "questionnaires" / "examples"
CASE_KEYS = {"name", "base", "answers", "as_of", "expected"}
SPECIAL = {"vigilance", "vigilance_absente", "regles", "regles_absentes"}


def load_case_answers(case: dict[str, Any]) -> dict[str, Any]:
    answers: dict[str, Any] = {}
    if "base" in case:
        answers.update(yaml.safe_load((EXAMPLES / f"{case['base']}.yaml").read_text(encoding="utf-8")))
    for key, value in (case.get("answers") or {}).items():
        if value is None:
            answers.pop(key, None)  # `key: null` removes an answer of the base
        else:
            answers[key] = value
    return answers


def _lookup(data: Any, path: str) -> Any:
    current = data
    for part in path.split("."):
        if isinstance(current, list) and not part.lstrip("-").isdigit():
            # a list of named items (parametres, seuils) is also reached by name: parametres.seuil_dispense
            named = [item for item in current if isinstance(item, dict) and item.get("nom") == part]
            if not named:
                raise KeyError(part)
            current = named[0]
        else:
            current = current[int(part)] if isinstance(current, list) else current[part]
    return current


def check_case(case: dict[str, Any], knowledge: Any = None) -> list[str]:
    """Evaluate a case; return the differences from what it expects (empty when it passes)."""
    from entadvisor import evaluate
    from entadvisor.answers import validate_answers

    answers = validate_answers(load_case_answers(case), case.get("name"))
    as_of = case.get("as_of")
    if isinstance(as_of, str):
        as_of = dt.date.fromisoformat(as_of)
    advice = evaluate(answers, as_of=as_of, knowledge=knowledge)
    data = advice.model_dump(mode="json")
    fired = {step["regle"] for step in data["trace"]}
    codes = {item["code"] for item in data["vigilance"]}
    problems = []
    for key, expected in (case.get("expected") or {}).items():
        if key == "vigilance":
            missing = sorted(set(expected) - codes)
            if missing:
                problems.append(f"vigilance : attendu {missing}, obtenu {sorted(codes)}")
        elif key == "vigilance_absente":
            present = sorted(set(expected) & codes)
            if present:
                problems.append(f"vigilance : {present} ne devrait pas apparaître")
        elif key == "regles":
            missing = sorted(set(expected) - fired)
            if missing:
                problems.append(f"règles : {missing} auraient dû se déclencher")
        elif key == "regles_absentes":
            present = sorted(set(expected) & fired)
            if present:
                problems.append(f"règles : {present} n'auraient pas dû se déclencher")
        else:
            try:
                obtained = _lookup(data, key)
            except (KeyError, IndexError, ValueError):
                problems.append(f"{key} : chemin absent du conseil")
                continue
            if isinstance(expected, dt.date):
                expected = expected.isoformat()
            if obtained != expected:
                problems.append(f"{key} : attendu {expected!r}, obtenu {obtained!r}")
    return problems


class CaseFile(pytest.File):
    def collect(self):  # type: ignore[no-untyped-def]
        content = yaml.safe_load(self.path.read_text(encoding="utf-8"))
        cases = content["cases"] if isinstance(content, dict) and "cases" in content else [content]
        for index, case in enumerate(cases):
            unknown = set(case) - CASE_KEYS if isinstance(case, dict) else set()
            if not isinstance(case, dict) or "name" not in case or unknown:
                nom = case.get("name", f"n° {index + 1}") if isinstance(case, dict) else f"n° {index + 1}"
                probleme = f"clés inconnues {sorted(unknown)}" if unknown else "pas de clé « name »"
                raise CaseFileError(
                    f"{self.path.name}, cas « {nom} » : {probleme} (clés permises : {', '.join(sorted(CASE_KEYS))})"
                )
            yield CaseItem.from_parent(self, name=case["name"], case=case)


class CaseItem(pytest.Item):
    def __init__(self, *, case: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.case = case

    def runtest(self) -> None:
        problems = check_case(self.case)
        if problems:
            raise CaseFailure(problems)

    def repr_failure(self, excinfo, style=None):  # type: ignore[no-untyped-def]
        if isinstance(excinfo.value, CaseFailure):
            lines = [f"{self.path.name} — {self.name}"] + [f"  ✗ {p}" for p in excinfo.value.problems]
            return "\n".join(lines)
        return super().repr_failure(excinfo, style)

    def reportinfo(self):  # type: ignore[no-untyped-def]
        return self.path, None, f"cas : {self.name}"


class CaseFileError(Exception):
    """A case file that is not a list of cases in the format above."""


class CaseFailure(Exception):
    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def pytest_collect_file(parent, file_path):  # type: ignore[no-untyped-def]
    if file_path.suffix == ".yaml" and file_path.parent.name == "cases":
        return CaseFile.from_parent(parent, path=file_path)
    return None
