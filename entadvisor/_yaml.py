"""The one strict YAML loader: answer files, parameters, questionnaire and lexicon.

PyYAML keeps the last of two equal keys without a word: a parameter with the same date twice in
``values``, or a question with two ``aide:``, would silently lose one of them. Every YAML file of
the project is therefore read here, by composing the document, checking its nodes, then building
it. What each kind of file accepts is an :class:`Options`:

- :data:`CONNAISSANCES` (parameters, questionnaire, lexicon: files written by the knowledge base's
  authors): a key given twice in any mapping is an error naming the key as a dotted path and the
  line of its second occurrence (a date is the same key written plain or quoted: pydantic reads
  both as the same date); the values are PyYAML's safe types; syntax errors propagate as
  :class:`yaml.YAMLError`, which each caller words for its file.
- :data:`REPONSES` (answer files: data from anyone, read by the thousand): the YAML 1.2 core schema
  for plain scalars (see :class:`_CoreLoader`), no anchors or aliases, only the plain YAML tags,
  text keys, a bounded depth and number of nodes, a key given twice at the top; syntax errors and
  impossible values become French :class:`EntreeInvalide` naming the line.

:func:`load_yaml` returns the document; :func:`load_yaml_mapping` returns the top mapping with the
line of each key (what an answer file's messages need).
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, ClassVar, Literal

import yaml

from entadvisor.errors import EntreeInvalide, Probleme

_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class _CoreLoader(_SAFE_LOADER):  # type: ignore[misc,valid-type]
    """The safe loader with the YAML 1.2 core schema for plain scalars, not PyYAML's YAML 1.1.

    Only ``true``/``false`` are booleans (« yes », « no », « on » stay text, echoed as written),
    only decimal digits are integers (« 0100 » is 100, never 64; « 0x1C », « 0o17 », « 1_2 » and
    « 30:50 » stay text and are refused where a number is asked), and dates stay text, read by the
    same French parser as the questionnaire.
    """

    yaml_implicit_resolvers: ClassVar[dict[Any, Any]] = {}
    yaml_constructors: ClassVar[dict[Any, Any]] = dict(_SAFE_LOADER.yaml_constructors)


def _core_resolver(tag: str, pattern: str, first: str) -> None:
    _CoreLoader.add_implicit_resolver(f"tag:yaml.org,2002:{tag}", re.compile(pattern, re.X), list(first))


_core_resolver("null", r"^(?:~|null|Null|NULL)$", "~nN")
_core_resolver("bool", r"^(?:true|True|TRUE|false|False|FALSE)$", "tTfF")
_core_resolver("int", r"^[-+]?[0-9]+$", "-+0123456789")
_core_resolver(
    "float",
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$",
    "-+0123456789.",
)
_CoreLoader.yaml_implicit_resolvers.setdefault("", []).insert(
    0, ("tag:yaml.org,2002:null", re.compile(r"^$"))
)


def _construct_core_int(loader: Any, node: yaml.ScalarNode) -> int:
    text = loader.construct_scalar(node)
    if not re.fullmatch(r"[-+]?[0-9]+", text):
        raise ValueError("entier illisible")
    return int(text, 10)


def _construct_core_float(loader: Any, node: yaml.ScalarNode) -> float:
    text = loader.construct_scalar(node).lower()
    if text.lstrip("+-") == ".inf":
        return float("-inf") if text.startswith("-") else float("inf")
    if text == ".nan":
        return float("nan")
    if not re.fullmatch(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:e[-+]?[0-9]+)?", text):
        raise ValueError("nombre illisible")
    return float(text)


def _construct_core_bool(loader: Any, node: yaml.ScalarNode) -> bool:
    text = loader.construct_scalar(node).lower()
    if text not in {"true", "false"}:
        raise ValueError("oui/non illisible")
    return text == "true"


_CoreLoader.add_constructor("tag:yaml.org,2002:int", _construct_core_int)
_CoreLoader.add_constructor("tag:yaml.org,2002:float", _construct_core_float)
_CoreLoader.add_constructor("tag:yaml.org,2002:bool", _construct_core_bool)
_CoreLoader.add_constructor("tag:yaml.org,2002:timestamp", lambda loader, node: loader.construct_scalar(node))

PLAIN_TAGS = frozenset(
    f"tag:yaml.org,2002:{name}" for name in ("str", "int", "float", "bool", "null", "timestamp", "map", "seq")
)
"""The tags of plain YAML data (what a file gets without writing any ``!tag``)."""


@dataclasses.dataclass(frozen=True)
class Options:
    """What one kind of YAML file accepts (see the module's docstring for the two in use)."""

    core_schema: bool = False
    """YAML 1.2 core scalars (:class:`_CoreLoader`) rather than PyYAML's YAML 1.1 safe types."""
    aliases: bool = True
    """Anchors and aliases accepted (an alias's node is checked once)."""
    tags: frozenset[str] | None = None
    """The only tags accepted, or None for whatever the safe loader builds."""
    text_keys: bool = False
    """Every key is a plain text (« nombre_ecoles »), never a number, a date or a table."""
    duplicate_keys: Literal["partout", "racine"] = "partout"
    """Where a key given twice is refused: in every mapping (its dotted path named), or at the top."""
    max_depth: int | None = None
    max_nodes: int | None = None
    french_syntax: bool = False
    """Syntax errors and unbuildable values as French :class:`EntreeInvalide` with their line."""


CONNAISSANCES = Options()
"""Parameters, questionnaire and lexicon."""
REPONSES = Options(
    core_schema=True,
    aliases=False,
    tags=PLAIN_TAGS,
    text_keys=True,
    duplicate_keys="racine",
    max_depth=20,
    max_nodes=10_000,
    french_syntax=True,
)
"""Answer files: data only, from anyone."""


def load_yaml(text: str, source: str, options: Options = CONNAISSANCES) -> Any:
    """The document of ``text``, checked as ``options`` say (by default: no key given twice)."""
    loader = _loader(text, options)
    try:
        node = _compose(loader, source, options)
        if node is None:
            return None
        check_nodes(node, source, options)
        return _construct(loader, node, source, None, options)
    finally:
        loader.dispose()


def load_yaml_mapping(text: str, source: str, options: Options = REPONSES) -> tuple[Any, dict[str, int]]:
    """The document of ``text`` and, when it is a mapping, the line of each of its keys.

    Each value is built on its own, so that every impossible value of the file is reported at once,
    with its key and line.
    """
    loader = _loader(text, options)
    try:
        node = _compose(loader, source, options)
        if node is None:
            return None, {}
        check_nodes(node, source, options)
        if not isinstance(node, yaml.MappingNode):
            return _construct(loader, node, source, None, options), {}
        data: dict[str, Any] = {}
        lines: dict[str, int] = {}
        problems: list[Probleme] = []
        for key_node, value_node in node.value:
            key, line = key_node.value, key_node.start_mark.line + 1
            lines[key] = line
            try:
                data[key] = _construct(loader, value_node, source, key, options)
            except EntreeInvalide as exc:
                problems.extend(exc.problemes)
        if problems:
            raise EntreeInvalide(source, problems)
        return data, lines
    finally:
        loader.dispose()


def _loader(text: str, options: Options) -> Any:
    return (_CoreLoader if options.core_schema else _SAFE_LOADER)(text)


def _compose(loader: Any, source: str, options: Options) -> yaml.Node | None:
    if not options.french_syntax:
        node: yaml.Node | None = loader.get_single_node()
        return node
    try:
        return loader.get_single_node()  # type: ignore[no-any-return]
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        raise EntreeInvalide(source, Probleme(f"YAML mal formé : {yaml_problem(exc)}.", None, line)) from None
    except yaml.YAMLError:
        raise EntreeInvalide(
            source,
            "YAML illisible : le fichier contient des caractères non autorisés (caractères de contrôle).",
        ) from None


def _construct(loader: Any, node: yaml.Node, source: str, field: str | None, options: Options) -> Any:
    """Build one value; with ``french_syntax``, say in French which field and line hold an impossible value."""
    if not options.french_syntax:
        return loader.construct_document(node)
    try:
        return loader.construct_object(node, deep=True)
    except (yaml.YAMLError, ValueError, TypeError, OverflowError) as exc:
        reason = str(exc)
        if "out of range" in reason or "must be in" in reason:
            why = "date impossible (jour ou mois hors du calendrier) ; attendu : une date AAAA-MM-JJ réelle"
        elif "digits" in reason or isinstance(exc, OverflowError):
            why = "nombre trop long"
        else:
            why = "valeur illisible"
        written = (
            f"« {node.value} » : " if isinstance(node, yaml.ScalarNode) and len(node.value) <= 40 else ""
        )
        raise EntreeInvalide(source, Probleme(f"{written}{why}.", field, node.start_mark.line + 1)) from None


_YAML_PROBLEMS = {
    "found a tab character": "tabulation interdite ; indentez avec des espaces",
    "found character '\\t'": "tabulation interdite ; indentez avec des espaces",
    "found character that cannot start any token": (
        "caractère inattendu (une tabulation, ou un caractère spécial à mettre entre guillemets)"
    ),
    "mapping values are not allowed": (
        "deux-points inattendu : une valeur qui contient « : » doit être entre guillemets, ou l'indentation est incohérente"
    ),
    "could not find expected ':'": "deux-points « : » attendu après la clé",
    "did not find expected key": "indentation incohérente (une clé était attendue)",
    "did not find expected ',' or ']'": "liste entre crochets non fermée",
    "did not find expected ',' or '}'": "table entre accolades non fermée",
    "did not find expected '-' indicator": "liste mal indentée",
    "found undefined alias": "alias non défini (les alias ne sont pas acceptés)",
    "found duplicate anchor": "ancre en double (les ancres ne sont pas acceptées)",
    "but found another document": "un seul projet par fichier : un second document (« --- ») n'est pas accepté",
    "found unexpected end of stream": "fin de fichier inattendue (un guillemet n'est pas fermé ?)",
    "expected <block end>": "indentation incohérente",
    "found unknown escape character": "caractère d'échappement inconnu entre guillemets",
}


def yaml_problem(exc: yaml.MarkedYAMLError) -> str:
    """A PyYAML syntax error in French words (« erreur de syntaxe » when it is not one we know)."""
    problem = exc.problem or ""
    for english, french in _YAML_PROBLEMS.items():
        if problem.startswith(english):
            return french
    return "erreur de syntaxe"


def _same_key(node: yaml.Node) -> Any:
    """What makes two keys equal: a date is the same key plain or quoted, another scalar its text."""
    if isinstance(node, yaml.ScalarNode):
        if _DATE.fullmatch(node.value):
            return ("date", node.value)
        return (node.tag, node.value)
    return (node.tag, id(node))  # a complex key never equals another


def check_nodes(root: yaml.Node, source: str, options: Options) -> None:
    """Refuse, before anything is built, what ``options`` do not accept: anchors and aliases (and the
    'billion laughs' they allow), other tags, non-text keys, deep nesting, too many nodes, a key
    given twice."""
    seen: set[int] = set()
    stack: list[tuple[yaml.Node, int, str]] = [(root, 0, "")]
    while stack:
        node, depth, path = stack.pop()
        line = node.start_mark.line + 1
        if id(node) in seen:
            if options.aliases:  # an alias points to a node already checked
                continue
            raise EntreeInvalide(
                source,
                Probleme(
                    "les ancres et alias YAML (& et *) ne sont pas acceptés dans un fichier de réponses.",
                    None,
                    line,
                ),
            )
        if options.max_nodes is not None and len(seen) >= options.max_nodes:
            raise EntreeInvalide(
                source,
                Probleme(
                    f"le fichier contient plus de {options.max_nodes:,} éléments YAML (clés, valeurs, listes) ; "
                    "un fichier de réponses en compte une trentaine : est-ce bien un fichier de réponses ?".replace(
                        ",", "\u202f", 1
                    ),
                    None,
                    line,
                ),
            )
        seen.add(id(node))
        if options.tags is not None and node.tag not in options.tags:
            raise EntreeInvalide(source, Probleme(f"étiquette YAML « {node.tag} » non acceptée.", None, line))
        if options.max_depth is not None and depth > options.max_depth:
            raise EntreeInvalide(source, Probleme("structure trop profondément imbriquée.", None, line))
        if isinstance(node, yaml.MappingNode):
            _check_keys(node, depth, path, source, options)
            for key, value in node.value:
                written = key.value if isinstance(key, yaml.ScalarNode) else "?"
                where = f"{path}.{written}" if path else str(written)
                stack.extend(((key, depth + 1, where), (value, depth + 1, where)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend(
                (item, depth + 1, f"{path}[{index}]") for index, item in enumerate(node.value, start=1)
            )


def _check_keys(node: yaml.MappingNode, depth: int, path: str, source: str, options: Options) -> None:
    first_lines: dict[Any, int] = {}
    for key, _value in node.value:
        line = key.start_mark.line + 1
        if options.text_keys and (not isinstance(key, yaml.ScalarNode) or key.tag != "tag:yaml.org,2002:str"):
            raise EntreeInvalide(
                source, Probleme("les clés doivent être des textes, comme « nombre_ecoles ».", None, line)
            )
        same = _same_key(key)
        if same in first_lines and options.duplicate_keys == "partout":
            written = key.value if isinstance(key, yaml.ScalarNode) else "?"
            raise EntreeInvalide(
                source,
                Probleme(
                    f"clé « {written} » donnée deux fois (déjà ligne {first_lines[same]}) ; gardez-en une seule.",
                    f"{path}.{written}" if path else str(written),
                    line,
                ),
            )
        if same in first_lines and depth == 0:
            raise EntreeInvalide(
                source,
                Probleme(
                    f"clé donnée deux fois (déjà ligne {first_lines[same]}) ; gardez une seule réponse.",
                    key.value,
                    line,
                ),
            )
        first_lines.setdefault(same, line)
