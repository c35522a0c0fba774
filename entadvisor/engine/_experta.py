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
    MATCH,
    NOT,
    OR,
    TEST,
    Fact,
    KnowledgeEngine,
    L,
    P,
    Rule,
    W,
)
from experta.abstract import Matcher  # noqa: E402
from experta.activation import Activation  # noqa: E402
from experta.agenda import Agenda  # noqa: E402
from experta.conditionalelement import ConditionalElement  # noqa: E402
from experta.deffacts import DefFacts  # noqa: E402
from experta.fact import InitialFact  # noqa: E402
from experta.factlist import FactList  # noqa: E402
from experta.fieldconstraint import ANDFC, NOTFC, ORFC, FieldConstraint  # noqa: E402
from experta.matchers.rete import ReteMatcher  # noqa: E402
from experta.matchers.rete.check import FactCapture, FeatureCheck, TypeCheck, WhereCheck  # noqa: E402
from experta.matchers.rete.nodes import ConflictSetNode  # noqa: E402
from experta.matchers.rete.token import Token  # noqa: E402
from experta.matchers.rete.utils import prepare_rule  # noqa: E402
from experta.strategies import DepthStrategy  # noqa: E402
from experta.utils import freeze, unfreeze  # noqa: E402

__all__ = [
    "AND",
    "ANDFC",
    "AS",
    "MATCH",
    "NOT",
    "NOTFC",
    "OR",
    "ORFC",
    "TEST",
    "Activation",
    "Agenda",
    "ConditionalElement",
    "DefFacts",
    "DepthStrategy",
    "Fact",
    "FactList",
    "FastReteMatcher",
    "FieldConstraint",
    "InitialFact",
    "KnowledgeEngine",
    "L",
    "Matcher",
    "P",
    "QuietFactList",
    "Rule",
    "W",
    "clear_matcher_caches",
    "freeze",
    "prepare_rule",
    "unfreeze",
]


def _fast_token_copy(self):  # type: ignore[no-untyped-def]
    """Token.copy without re-checking the invariants of a token that was checked when made (same result)."""
    return tuple.__new__(type(self), (self.tag, set(self.data), dict(self.context)))


Token.copy = _fast_token_copy  # experta's copy re-runs three isinstance assertions: ~20 % of matching time


def clear_matcher_caches() -> None:
    """Empty experta's class-level flyweight caches, which grow with every engine build."""
    for cls in (FeatureCheck, FactCapture, WhereCheck):
        cls._instances.clear()


class FastReteMatcher(ReteMatcher):
    """experta's Rete matcher with two bookkeeping loops made cheaper; matching itself is unchanged.

    - ``reset()`` empties each node's memory once from a flat list, instead of a recursive walk that
      visits shared nodes repeatedly and logs at every step; it also drops the pending
      (de)activations of the conflict-set nodes, which experta keeps across a reset when a run
      stopped half-way (e.g. on an error), so that they cannot leak into the next case.
    - ``changes()`` sends a fact only to the alpha branches of its own class (experta sends every
      fact to every branch, where all but one type check fail), and skips the conflict-set nodes
      with nothing pending instead of asking each of them for (empty) activation sets.
    """

    def __init__(self, *args, **kwargs):  # type: ignore[no-untyped-def]
        super().__init__(*args, **kwargs)
        nodes: dict[int, object] = {}
        stack = [self.root_node]
        while stack:
            node = stack.pop()
            if id(node) in nodes:
                continue
            nodes[id(node)] = node
            stack.extend(child.node for child in node.children)
        self._nodes = tuple(nodes.values())
        self._conflict_sets = tuple(n for n in self._nodes if isinstance(n, ConflictSetNode))
        self._by_type: dict[type, list[object]] = {}
        self._untyped: list[object] = []
        for child in self.root_node.children:
            check = getattr(child.node, "matcher", None)
            if isinstance(check, TypeCheck):
                self._by_type.setdefault(check.fact_type, []).append(child)
            else:
                self._untyped.append(child)

    def _send(self, fact: object, token: object) -> None:
        for child in self._by_type.get(type(fact), ()):
            child.callback(token)  # type: ignore[attr-defined]
        for child in self._untyped:
            child.callback(token)  # type: ignore[attr-defined]

    def reset(self) -> None:
        for node in self._nodes:
            node._reset()  # type: ignore[attr-defined]
        for node in self._conflict_sets:
            node.added = set()  # type: ignore[attr-defined]
            node.removed = set()  # type: ignore[attr-defined]

    def changes(self, adding=None, deleting=None):  # type: ignore[no-untyped-def]
        if deleting:
            for fact in deleting:
                self._send(fact, Token.invalid(fact))
        if adding:
            for fact in adding:
                self._send(fact, Token.valid(fact))
        added: list[object] = []
        removed: list[object] = []
        for node in self._conflict_sets:
            if node.added or node.removed:  # type: ignore[attr-defined]
                node_added, node_removed = node.get_activations()  # type: ignore[attr-defined]
                added.extend(node_added)
                removed.extend(node_removed)
        return added, removed


class QuietFactList(FactList):
    """experta's FactList without the FACTS watcher's logger call on every declared fact (same behaviour)."""

    @staticmethod
    def _get_fact_id(fact):  # type: ignore[no-untyped-def]
        """experta's identity of a fact's content (class and non-special items), without a call per key."""
        return frozenset(
            [
                fact.__class__,
                *(
                    (k, v)
                    for k, v in fact.items()
                    if not (isinstance(k, str) and k.startswith("__") and k.endswith("__"))
                ),
            ]
        )

    def declare(self, fact):  # type: ignore[no-untyped-def]
        if not isinstance(fact, Fact):
            raise ValueError("The fact must descend the Fact class.")
        fact.validate()
        fact_id = self._get_fact_id(fact)
        if self.duplication or fact_id not in self.reference_counter:
            fact.__factid__ = self.last_index
            self[self.last_index] = fact
            self.last_index += 1
            self.added.append(fact)
            self.reference_counter[fact_id] += 1
            return fact
        return None
