"""Validating a mapping of answers: the French forms read, the model applied, every problem in French."""

from __future__ import annotations

from typing import Any

from pydantic import ValidationError

from entadvisor import pydantic_fr
from entadvisor.answers.forms import french_forms
from entadvisor.answers.messages import french_problem, shown, type_name
from entadvisor.answers.model import Answers
from entadvisor.errors import EntreeInvalide


def validate_answers(
    data: Any,
    source: str | None = None,
    lines: dict[str, int] | None = None,
) -> Answers:
    """Validate a mapping of answers; raise :class:`EntreeInvalide` with every problem, in French.

    Text values in the French forms the questionnaire accepts (« 4,50 », « 1 850 », « 15/03/2027 »,
    « oui ») are read as it reads them (:mod:`entadvisor.french_input`); a boolean where a number is
    asked, or a number where a yes/no is asked, is refused rather than converted.
    """
    if not isinstance(data, dict):
        raise EntreeInvalide(
            source,
            "le fichier doit contenir une table de réponses « clé: valeur » (par exemple « nombre_ecoles: 3 »), "
            f"pas {type_name(data)}.",
        )
    lines = lines or {}
    bad_keys = [k for k in data if not isinstance(k, str)]
    if bad_keys:
        raise EntreeInvalide(source, f"les clés doivent être des textes ; trouvé {shown(bad_keys[0])}.")
    data, refused = french_forms(data, lines)
    try:
        answers = Answers.model_validate(data)
    except ValidationError as exc:
        problems = pydantic_fr.french_problems(exc, lambda erreur: french_problem(erreur, data, lines))
        problems = [p for p in problems if p.champ not in {r.champ for r in refused}] + refused
        problems.sort(key=lambda p: (p.ligne is None, p.ligne or 0, p.champ or ""))
        raise EntreeInvalide(source, problems) from None
    if refused:
        raise EntreeInvalide(source, sorted(refused, key=lambda p: (p.ligne is None, p.ligne or 0)))
    return answers
