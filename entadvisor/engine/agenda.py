"""The agenda strategy: which activated rule fires next, the same whatever ``PYTHONHASHSEED``.

experta 1.9.4's ``DepthStrategy`` breaks ties between rules of equal salience in hash order, and can
leave an activation on the agenda after its fact was retracted, so that the rule fires on a fact no
longer there (shared EXPERTA.md §2.5 and §3, reproduced 20/20). :class:`StableDepthStrategy` orders by
salience, then recency, then rule name, and removes activations exactly.
"""

from __future__ import annotations

import bisect
import contextlib
from typing import Any, ClassVar

from entadvisor.engine._experta import DepthStrategy


class StableDepthStrategy(DepthStrategy):
    """Salience, then recency, then rule name (A..Z); activations are removed exactly."""

    _name_keys: ClassVar[dict[str, tuple[int, ...]]] = {}
    """The rule-name part of the key, computed once per rule name."""

    def get_key(self, act: Any) -> tuple[Any, ...]:
        if len(act.facts) == 1:  # most activations: no generator, no sort
            (fact,) = act.facts
            facts = [fact["__factid__"]]
        else:
            facts = sorted((f["__factid__"] for f in act.facts), reverse=True)
        rule_name = act.rule.__name__
        name = self._name_keys.get(rule_name)
        if name is None:
            name = self._name_keys[rule_name] = (*(-ord(c) for c in rule_name), 1)
        return (act.rule.salience, facts, name)

    def _update_agenda(self, agenda: Any, added: Any, removed: Any) -> None:
        activations = agenda.activations
        for act in removed:
            act.key = self.get_key(act)
            for position, other in enumerate(activations):
                if other is act:  # the compiled matcher hands back the very activation it added
                    del activations[position]
                    break
            else:
                with contextlib.suppress(ValueError):  # already fired
                    activations.remove(act)
        for act in added:
            act.key = self.get_key(act)
            bisect.insort(agenda.activations, act)
