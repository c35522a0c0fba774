"""The compiled match functions of the compiled matcher (:mod:`entadvisor.engine._matcher`): one
generated Python function per conjunction of each rule.

At load time every rule is normalised by experta itself (``prepare_rule``: the DNF, ``InitialFact``
prepended where experta prepends it), and each conjunction of the DNF becomes the source of one
function: nested loops over the facts of each positive pattern's class, the literal, ``~L`` and ``|``
tests inline in experta's operand order (``expected == actual``), bindings and repeated-variable
equality as experta's ``SameContextCheck`` does them, each ``TEST`` called with the bindings made
before it (``None`` for the others, as ``WhereCheck`` does), and each ``NOT`` as a scan of its class.
The function returns the complete set of matches of its rule.

What this compiler does not handle (EXISTS, FORALL, nested accessors ``a__b``, special keys,
bindings under an OR or a negation, a rule starting with a TEST) raises :class:`NotCompilable`, and
the engine falls back to the Rete matcher for the whole knowledge base, with a note.
"""

from __future__ import annotations

import inspect
import keyword
from typing import Any

from entadvisor.engine._experta import (
    AND,
    ANDFC,
    NOT,
    NOTFC,
    OR,
    ORFC,
    TEST,
    Fact,
    FieldConstraint,
    L,
    P,
    W,
    prepare_rule,
)


class NotCompilable(Exception):
    """A rule uses a form the compiled matcher does not handle; the message says which, in French."""


_MISSING = object()


def _lookup(fact: Any, key: Any) -> Any:
    """``fact[key]`` as experta's FeatureCheck reads it (defaults of declared fields included)."""
    try:
        return fact[key]
    except (IndexError, KeyError, TypeError):
        return _MISSING


class _Source:
    """The source of one match function and the constants it refers to."""

    def __init__(self, rule_name: str) -> None:
        self.rule_name = rule_name
        self.namespace: dict[str, Any] = {"_M": _MISSING, "_lookup": _lookup}
        self.lines: list[str] = []
        self.counter = 0

    def const(self, value: Any) -> str:
        name = f"_k{len(self.namespace)}"
        self.namespace[name] = value
        return name

    def local(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def emit(self, depth: int, line: str) -> None:
        self.lines.append("    " * depth + line)

    def refuse(self, what: str) -> NotCompilable:
        return NotCompilable(f"règle {self.rule_name} : {what}")


def _constraint(src: _Source, how: Any) -> tuple[list[str], list[str]]:
    """Conditions on the field value ``_v`` (Python expressions) and the variables bound to it."""
    if not isinstance(how, FieldConstraint):
        how = L(how)
    bind = getattr(how, "__bind__", None)
    if isinstance(how, L):
        return [f"{src.const(how.value)} == _v"], [bind] if bind is not None else []
    if isinstance(how, W):
        return [], [bind] if bind is not None else []
    if isinstance(how, P):
        return [f"{src.const(how.match)}(_v)"], [bind] if bind is not None else []
    if isinstance(how, NOTFC):
        conds, binds = _constraint(src, how[0])
        if binds:
            raise src.refuse("liaison sous une négation de champ (~)")
        return [f"not ({' and '.join(conds) or 'True'})"], []
    if isinstance(how, ANDFC):
        conds, binds = [], []
        for part in how:
            part_conds, part_binds = _constraint(src, part)
            conds += part_conds
            binds += part_binds
        return conds, binds
    if isinstance(how, ORFC):
        branches = []
        for part in how:
            part_conds, part_binds = _constraint(src, part)
            if part_binds:
                raise src.refuse("liaison sous un OU de champ (|)")
            branches.append(f"({' and '.join(part_conds) or 'True'})")
        return [f"({' or '.join(branches)})"], []
    raise src.refuse(f"contrainte de champ inconnue ({type(how).__name__})")


def _field_key(src: _Source, key: Any) -> Any:
    if not isinstance(key, str):
        return key
    if key.startswith("__") or key.endswith("__") or "__" in key:
        raise src.refuse(f"accès imbriqué ou clé spéciale non compilable ({key!r})")
    return int(key) if key.isnumeric() else key


class _Scope:
    """Variables bound so far (experta's token context): name -> local Python name, and who bound it."""

    def __init__(self, parent: _Scope | None = None) -> None:
        self.names: dict[str, str] = dict(parent.names) if parent else {}
        self.origin: dict[str, str] = dict(parent.origin) if parent else {}


def _pattern(
    src: _Source,
    pattern: Fact,
    fact_var: str,
    depth: int,
    scope: _Scope,
    capture: str,
    earlier: list[str] | None,
) -> None:
    """The tests of one pattern on the fact in ``fact_var``; a failing test ``continue``s the loop.

    ``earlier`` are the facts of the positive patterns before this one (None inside a NOT, whose
    bindings experta does not merge into the match).
    """
    lookup = "_lookup({f}, {k})" if type(pattern).__fields__ else "{f}.get({k}, _M)"
    for key, how in pattern.items():
        if key == "__bind__":
            continue
        real_key = _field_key(src, key)
        conds, binds = _constraint(src, how)
        src.emit(depth, f"_v = {lookup.format(f=fact_var, k=src.const(real_key))}")
        src.emit(depth, "if _v is _M" + "".join(f" or not ({c})" for c in conds) + ":")
        src.emit(depth + 1, "continue")
        for name in binds:
            _bind(src, scope, name, "_v", depth, fact_var, earlier)
    _bind(src, scope, capture, fact_var, depth, fact_var, None)


def _bind(
    src: _Source, scope: _Scope, name: str, value: str, depth: int, fact_var: str, earlier: list[str] | None
) -> None:
    if name not in scope.names:
        local = src.local("b")
        src.emit(depth, f"{local} = {value}")
        scope.names[name] = local
        scope.origin[name] = fact_var
        return
    old = scope.names[name]
    src.emit(depth, f"if {old} != {value}:")  # the same variable twice: kept only if equal
    src.emit(depth + 1, "continue")
    if earlier and scope.origin[name] != fact_var:
        # equal is not identical (1, 1.0, True): experta's join keeps the value of the side that was
        # in its memory first, i.e. this pattern's when its fact is older than the match so far
        ids = ", ".join(f'{f}["__factid__"]' for f in earlier)
        newest = ids if len(earlier) == 1 else f"max({ids})"
        local = src.local("b")
        src.emit(depth, f'{local} = {value} if {fact_var}["__factid__"] < {newest} else {old}')
        scope.names[name] = local
        scope.origin[name] = fact_var


def _capture_name(pattern: Fact, captures: dict[Any, str]) -> str:
    """experta binds each pattern's fact under ``__bind__`` or one key per distinct pattern content."""
    bind = pattern.get("__bind__")
    if bind is not None:
        return str(bind)
    for known, name in captures.items():
        if type(known) is type(pattern) and known == pattern:
            return name
    name = f"__pattern_{id(pattern)}__"
    captures[pattern] = name
    return name


def _lists(src: _Source, elements: list[Any]) -> dict[type, str]:
    """Emit the look-up of each class's facts, once per match; the local name of each list.

    No match while a positive pattern's class has no fact (most calls): said before any binding is
    read, the last pattern's class first. The negated classes' lists are scanned inside the loops.
    """
    lists: dict[type, str] = {}
    for element in reversed(elements):
        if isinstance(element, Fact) and type(element) not in lists:
            lists[type(element)] = name = src.local("l")
            src.emit(1, f"{name} = _facts.get({src.const(type(element))})")
            src.emit(1, f"if not {name}:")
            src.emit(2, "return ()")
    for element in elements:
        inner = element[0] if isinstance(element, NOT) and len(element) == 1 else None
        if isinstance(inner, Fact) and type(inner) not in lists:
            lists[type(inner)] = name = src.local("l")
            src.emit(1, f"{name} = _facts.get({src.const(type(inner))}, ())")
    return lists


def _branch(src: _Source, elements: list[Any], classes: set[type]) -> str:
    """Emit the loops of one conjunction; returns the function's name."""
    for element in elements:
        if not isinstance(element, (Fact, NOT, TEST)):
            raise src.refuse(f"élément {type(element).__name__} non compilable (EXISTS, FORALL…)")
    if not elements or not isinstance(elements[0], Fact):
        raise src.refuse("une conjonction qui ne commence pas par un motif de fait")
    function = src.local("_match")
    src.emit(0, f"def {function}(_facts):")
    lists = _lists(src, elements)
    src.emit(1, "_out = []")
    scope = _Scope()
    captures: dict[Any, str] = {}
    positives: list[str] = []
    depth = 1
    for element in elements:
        if isinstance(element, Fact):
            cls = type(element)
            classes.add(cls)
            fact_var = src.local("f")
            src.emit(depth, f"for {fact_var} in {lists[cls]}:")
            depth += 1
            _pattern(src, element, fact_var, depth, scope, _capture_name(element, captures), list(positives))
            positives.append(fact_var)
        elif isinstance(element, NOT):
            inner = element[0] if len(element) == 1 else None
            if not isinstance(inner, Fact):
                raise src.refuse("NOT d'autre chose qu'un motif de fait")
            cls = type(inner)
            classes.add(cls)
            fact_var = src.local("g")
            src.emit(depth, f"for {fact_var} in {lists[cls]}:")
            _pattern(src, inner, fact_var, depth + 1, _Scope(scope), _capture_name(inner, captures), None)
            src.emit(depth + 1, "break")
            src.emit(depth, "else:")
            depth += 1
        elif isinstance(element, TEST):
            test = element[0]
            arguments = []
            for name in inspect.signature(test).parameters:  # as experta's WhereCheck reads them
                if not name.isidentifier() or keyword.iskeyword(name):
                    raise src.refuse(f"paramètre de TEST inattendu ({name!r})")
                arguments.append(f"{name}={scope.names.get(name, 'None')}")
            src.emit(depth, f"if not {src.const(test)}({', '.join(arguments)}):")
            src.emit(depth + 1, "continue")
        else:
            raise src.refuse(f"élément {type(element).__name__} non compilable (EXISTS, FORALL…)")
    key = "(" + "".join(f"id({f}), " for f in positives) + ")"
    facts = "(" + "".join(f"{f}, " for f in positives) + ")"
    context = "{" + ", ".join(f"{name!r}: {local}" for name, local in scope.names.items()) + "}"
    src.emit(depth, f"_out.append(({key}, {facts}, {context}))")
    src.emit(1, "return _out")
    return function


class Compiled:
    """One conjunction of one rule: its match function and the classes it reads."""

    __slots__ = ("classes", "match", "rule")

    def __init__(self, rule: Any, match: Any, classes: frozenset[type]) -> None:
        self.rule = rule
        self.match = match
        self.classes = classes


def compile_rules(rules: Any) -> list[Compiled]:
    """The match functions of experta rules (one per conjunction of each rule's DNF), compiled at once."""
    src = _Source("")
    made = []
    for rule in rules:
        prepared = prepare_rule(rule)
        src.rule_name = getattr(prepared, "__name__", None) or "anonyme"
        if len(prepared) and isinstance(prepared[0], OR):
            branches = [list(b) if isinstance(b, AND) else [b] for b in prepared[0]]
        else:
            branches = [list(prepared)]
        for elements in branches:
            classes: set[type] = set()
            function = _branch(src, elements, classes)
            made.append((prepared, function, frozenset(classes)))
    code = compile("\n".join(src.lines), "<règles compilées>", "exec")  # one compile() for the whole base
    exec(code, src.namespace)
    return [Compiled(prepared, src.namespace[function], classes) for prepared, function, classes in made]


__all__ = ["Compiled", "NotCompilable", "compile_rules"]
