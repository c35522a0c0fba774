"""The trace of a run: one :class:`Firing` per rule fired, and the facts' values as plain Python."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from entadvisor.engine._experta import unfreeze

_SCALARS = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def plain_value(value: Any) -> Any:
    """A fact value as plain Python: experta freezes lists and dicts; scalars pass as they are."""
    if type(value) in _SCALARS:  # the common case, without the ABC check of Mapping
        return value
    return unfreeze(value) if isinstance(value, (tuple, frozenset, Mapping)) else value


class Firing:
    """One step of the trace: the rule that fired and the facts it matched. The fields it read
    (:attr:`facts`) are taken from those facts when first asked: most runs' traces are never read
    (a run stopped early or resumed from, the what-if's evaluations), and declared facts do not change."""

    __slots__ = ("_facts", "_matched", "meta")

    def __init__(self, meta: Any, matched: Any) -> None:
        self.meta = meta
        self._matched = matched
        self._facts: dict[str, dict[str, Any]] | None = None

    @property
    def facts(self) -> dict[str, dict[str, Any]]:
        """The fields the rule read, fact by fact (all fields of a fact matched without constraints)."""
        if self._facts is None:
            self._facts = _facts_used(self.meta.faits, self._matched)
        return self._facts


def trace_de_l_avis(steps: list[Firing]) -> list[dict[str, Any]]:
    """The trace as the advice carries it: each rule fired, in order, with its id, its title, the fields
    it read and its references."""
    return [
        {
            "regle": step.meta.id,
            "titre": step.meta.titre,
            "faits": step.facts,
            "references": list(step.meta.references),
        }
        for step in steps
    ]


def _fact_order(fact: Any) -> tuple[str, int]:
    return (type(fact).__name__, fact["__factid__"])


def _facts_used(fields: dict[str, tuple[str, ...]], facts: Any) -> dict[str, dict[str, Any]]:
    """The fields a rule read, fact by fact (all fields of a fact matched without constraints)."""
    used: dict[str, dict[str, Any]] = {}
    if len(facts) > 1:  # a set: hash order
        facts = sorted(facts, key=_fact_order)
    for fact in facts:
        name = type(fact).__name__
        if name == "InitialFact":
            continue
        keys = fields.get(name) or [k for k in fact if isinstance(k, str) and not k.startswith("__")]
        chosen = used.setdefault(name, {})
        for key in keys:
            value = dict.get(fact, key, _ABSENT)  # what is in the fact, not a declared field's default
            if value is not _ABSENT:
                chosen[key] = value if type(value) in _SCALARS else plain_value(value)
    return used


_ABSENT = object()
