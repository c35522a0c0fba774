"""The only module that imports experta.

experta 1.9.4 pins frozendict 1.2, whose class statement uses ``collections.Mapping``, an alias
removed in Python 3.10. The aliases are added only for the duration of the import and removed
afterwards, so that they do not leak into other libraries (see shared EXPERTA.md §1.3).

Everything the rule modules need (``Rule``, ``Fact``, ``MATCH``, ``NOT``, …) is re-exported
from :mod:`entadvisor.facts`; nothing else in the code base imports experta.
"""

from __future__ import annotations

import collections
import collections.abc
import logging

_ALIASES = ("Mapping", "MutableMapping", "Sequence", "Callable", "Hashable", "Iterable")


def _import_experta():  # type: ignore[no-untyped-def]
    added = [name for name in _ALIASES if not hasattr(collections, name)]
    for name in added:
        setattr(collections, name, getattr(collections.abc, name))
    root = logging.getLogger()
    handlers_before = list(root.handlers)
    try:
        import experta
        from experta import KnowledgeEngine  # noqa: F401 -- experta/__init__ swallows ImportError
    finally:
        for name in added:
            delattr(collections, name)
        # importing experta calls logging.basicConfig(): undo it, logging belongs to the application
        for handler in list(root.handlers):
            if handler not in handlers_before:
                root.removeHandler(handler)
    logging.getLogger("experta").propagate = False
    return experta


experta = _import_experta()

from experta import (  # noqa: E402
    AND,
    AS,
    NOT,
    OR,
    TEST,
    W,
    Fact,
    KnowledgeEngine,
    L,
    MATCH,
    P,
    Rule,
)
from experta.matchers.rete.check import FactCapture, FeatureCheck, WhereCheck  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402
from experta.utils import unfreeze  # noqa: E402

__all__ = [
    "AND",
    "AS",
    "MATCH",
    "NOT",
    "OR",
    "TEST",
    "DepthStrategy",
    "Fact",
    "KnowledgeEngine",
    "L",
    "P",
    "Rule",
    "W",
    "clear_matcher_caches",
    "unfreeze",
]


def clear_matcher_caches() -> None:
    """Empty experta's class-level flyweight caches, which grow with every engine build."""
    for cls in (FeatureCheck, FactCapture, WhereCheck):
        cls._instances.clear()
