"""A compiled matcher behind experta's ``__matcher__``: one generated Python function per rule.

experta stays the engine (its ``KnowledgeEngine``, agenda, strategy and facts); only the matching
is replaced. The match functions are generated at load time from experta's own normalised rules
(:mod:`entadvisor.engine._compilation`, which also says what it does not compile: the engine then
falls back to the Rete matcher for the whole knowledge base, with a note).

After every change of the working memory, only the rules that read a changed fact class are
matched again, and their matches are compared with the previous ones: new matches become
activations, vanished ones are returned as removed. This is the conflict set experta's Rete
network maintains (refraction included: a match that survives a change is not activated again), so
the agenda, and therefore the firing order and the advice, are the same.
"""

from __future__ import annotations

from typing import Any

from entadvisor.engine._compilation import Compiled, NotCompilable, compile_rules
from entadvisor.engine._experta import Activation, Matcher, Rule


class CompiledMatcher(Matcher):
    """experta's matcher interface over the compiled match functions (see the module docstring)."""

    def __init__(self, engine: Any) -> None:
        super().__init__(engine)
        compiled = compile_rules(rule for rule in engine.get_rules() if isinstance(rule, Rule))
        self._compiled: tuple[Compiled, ...] = tuple(compiled)
        readers: dict[type, list[int]] = {}
        for index, item in enumerate(compiled):
            for cls in item.classes:
                readers.setdefault(cls, []).append(index)
        self._readers = readers
        self._plans: dict[Any, tuple[tuple[int, Any, Any], ...]] = {}
        self.reset()

    def reset(self) -> None:
        self._facts: dict[type, list[Any]] = {}
        self._state: list[dict[tuple[int, ...], Any]] = [{} for _ in self._compiled]

    def _plan(self, touched: set[type]) -> tuple[tuple[int, Any, Any], ...]:
        """(index, match function, rule) of each compiled rule reading a class of ``touched``, in order."""
        key: Any = next(iter(touched)) if len(touched) == 1 else frozenset(touched)  # mostly one class
        plan = self._plans.get(key)
        if plan is None:
            indices = sorted({i for cls in touched for i in self._readers.get(cls, ())})
            plan = tuple((i, self._compiled[i].match, self._compiled[i].rule) for i in indices)
            self._plans[key] = plan
        return plan

    def changes(self, adding: Any = None, deleting: Any = None) -> tuple[list[Any], list[Any]]:
        facts = self._facts
        touched: set[type] = set()
        if deleting:  # experta's order: deletions, then additions
            for fact in deleting:
                cls = type(fact)
                touched.add(cls)
                same = facts.get(cls)
                if same:
                    for position, other in enumerate(same):
                        if other is fact:
                            del same[position]
                            break
        if adding:
            for fact in adding:
                cls = type(fact)
                touched.add(cls)
                same = facts.get(cls)
                if same is None:
                    facts[cls] = [fact]
                else:
                    same.append(fact)
        added: list[Any] = []
        removed: list[Any] = []
        if not touched:
            return added, removed
        state = self._state
        for index, match, rule in self._plan(touched):
            matches = match(facts)
            before = state[index]
            if not matches:
                if before:  # every previous match vanished
                    removed.extend(before.values())
                    state[index] = {}
                continue
            now = {}
            kept = 0
            for key, matched, context in matches:
                activation = before.get(key)  # ``before`` is not changed: a kept run state may share it
                if activation is None:
                    activation = Activation(rule, matched, context)
                    added.append(activation)
                else:
                    kept += 1
                now[key] = activation
            if kept < len(before):
                removed.extend(activation for key, activation in before.items() if key not in now)
            state[index] = now
        return added, removed


__all__ = ["CompiledMatcher", "NotCompilable"]
