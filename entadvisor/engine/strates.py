"""The strata kept at run time: a rule may not change the facts of a stratum already complete.

The strata are the engine's only order between conclusions (experta has no truth maintenance, see
:class:`entadvisor.regle.Strate`): once a rule below a fact class's stratum has fired, the rules reading
that class have fired on the facts there were. A rule that concluded or retracted a fact of that class
afterwards would give an advice its readers never saw: the run stops with an error naming the rule.
With that rule kept, every fact of a stratum is final as soon as a rule below it fires, so a run can stop
there and read the stratum's facts (``run_at_launch``, the what-if's evaluations). The load-time check
(:mod:`entadvisor.engine.knowledge`) sees a rule's direct ``conclure``; this one sees every declaration.
"""

from __future__ import annotations

from typing import Any

from entadvisor.errors import EvaluationError


class StratesGardees:
    """The engine's declarations and retractions, checked against the strata (mixed into ``Moteur``)."""

    _current: Any
    """The rule firing (its ``Regle``), None outside a firing."""
    _plancher: float
    """The lowest salience fired in this run so far."""
    declarations: list[tuple[str, str]] | None
    facts: Any

    def declare(self, *facts: Any) -> Any:
        """experta's declare, recording who declared what when :attr:`declarations` is a list; a rule
        may not conclude a fact of a stratum already complete (:meth:`_strate_close`)."""
        if self._current is not None:
            for fact in facts:
                self._strate_close(fact, "conclut")
            if self.declarations is not None:
                self.declarations.extend((self._current.id, type(fact).__name__) for fact in facts)
        return super().declare(*facts)  # type: ignore[misc]

    def retract(self, idx_or_declared_fact: Any) -> None:
        """experta's retract; a rule may not withdraw a fact of a stratum already complete."""
        if self._current is not None:
            fact = (
                self.facts.get(idx_or_declared_fact)
                if isinstance(idx_or_declared_fact, int)
                else idx_or_declared_fact
            )
            self._strate_close(fact, "retire")
        super().retract(idx_or_declared_fact)  # type: ignore[misc]

    def _strate_close(self, fact: Any, verbe: str) -> None:
        """Refuse a fact of a stratum once a rule of a lower salience has fired in this run."""
        strate = getattr(type(fact), "strate", None)
        if strate is not None and strate > self._plancher:
            meta = self._current
            raise EvaluationError(
                f"la règle {meta.id} {verbe} un fait {type(fact).__name__} (strate {int(strate)}) alors que les "
                f"règles jusqu'à la strate {int(self._plancher)} se sont déjà déclenchées : celles qui lisent "
                f"{type(fact).__name__} l'ont fait sans ce changement (ordre des strates, entadvisor/regle.py). "
                "Donnez à cette règle la strate du fait qu'elle change."
            )
