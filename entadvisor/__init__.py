"""entadvisor: a rules-based adviser for deploying an ENT in primary schools.

Public API::

    from entadvisor import load_answers, evaluate
    advice = evaluate(load_answers("reponses.yaml"))
    print(advice.achat.procedure, advice.contrat.duree_mois)

Names are imported lazily so that ``entadvisor --help`` stays fast; experta itself is imported by
``entadvisor.engine._experta`` only (a compatibility shim for Python ≥ 3.10).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = [
    "Advice",
    "Answers",
    "EntreeInvalide",
    "__version__",
    "evaluate",
    "load_answers",
    "load_knowledge",
    "parse_answers",
]

_LAZY = {
    "Advice": "entadvisor.advice",
    "Answers": "entadvisor.answers",
    "load_answers": "entadvisor.answer_files",
    "parse_answers": "entadvisor.answer_files",
    "EntreeInvalide": "entadvisor.errors",
    "evaluate": "entadvisor.api",
    "load_knowledge": "entadvisor.engine.knowledge",
}

if TYPE_CHECKING:
    from entadvisor.advice import Advice
    from entadvisor.answer_files import load_answers, parse_answers
    from entadvisor.answers import Answers
    from entadvisor.api import evaluate
    from entadvisor.engine.knowledge import load_knowledge
    from entadvisor.errors import EntreeInvalide


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'entadvisor' has no attribute {name!r}")
    import importlib

    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value
