"""Reading a knowledge-base YAML file (parameters, questionnaire) that refuses a key given twice.

PyYAML keeps the last of two equal keys without a word: a parameter with the same date twice in
``values``, or a question with two ``aide:``, would silently lose one of them. :func:`load_yaml`
composes the document, looks for equal keys in every mapping (a date is the same key written
plain or quoted: pydantic reads both as the same date) and raises :class:`EntreeInvalide` naming the
file, the key (as a dotted path) and the line of its second occurrence.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

from entadvisor.errors import EntreeInvalide, Probleme

_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def load_yaml(text: str, source: str) -> Any:
    """The document of ``text``; a key given twice in a mapping is an error naming key and line.

    YAML syntax errors propagate as :class:`yaml.YAMLError` (the callers word them already).
    """
    loader = _LOADER(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _refuse_duplicate_keys(node, source)
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _key(node: yaml.Node) -> Any:
    """What makes two keys equal: a date is the same key plain or quoted, another scalar its text."""
    if isinstance(node, yaml.ScalarNode):
        if _DATE.fullmatch(node.value):
            return ("date", node.value)
        return (node.tag, node.value)
    return (node.tag, id(node))  # a complex key never equals another


def _refuse_duplicate_keys(root: yaml.Node, source: str) -> None:
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, str]] = [(root, "")]
    while stack:
        node, path = stack.pop()
        if id(node) in seen:  # an alias points to a node already checked
            continue
        seen.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first_lines: dict[Any, int] = {}
            for key_node, value_node in node.value:
                written = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
                where = f"{path}.{written}" if path else str(written)
                key = _key(key_node)
                line = key_node.start_mark.line + 1
                if key in first_lines:
                    raise EntreeInvalide(
                        source,
                        Probleme(
                            f"clé « {written} » donnée deux fois (déjà ligne {first_lines[key]}) ; "
                            "gardez-en une seule.",
                            where,
                            line,
                        ),
                    )
                first_lines[key] = line
                stack.append((value_node, where))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value, start=1):
                stack.append((item, f"{path}[{index}]"))
