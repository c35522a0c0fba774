"""The rendered report as a minimal tree of elements, for the DOCX (:mod:`.docx`) to walk.

:func:`parse_html` reads the report's HTML (which is well-formed: every element it opens, it closes)
into :class:`Node`s with the standard library's parser; :func:`skipped` says which elements have no
place in an editable text (drawings, styles, screen-only parts, the table of contents), and
:func:`text_of` gives an element's text without them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

VOID = {"br", "meta", "link", "img", "input", "hr", "col", "source", "wbr"}
SKIP = {"svg", "style", "script", "nav", "head", "title", "figure"}
"""Elements left out: drawings and styles have no place in an editable text; the table of contents is
for the full report."""
SKIP_CLASSES = {"imprime-seulement", "evitement", "alternative-texte", "detail-ecran", "symbole"}


@dataclass
class Node:
    """One element of the report: its tag, attributes and children (elements and texts, in order)."""

    tag: str
    attrs: dict[str, str] = field(default_factory=dict)
    children: list[Any] = field(default_factory=list)

    @property
    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())

    def find(self, predicate: Any) -> Node | None:
        if predicate(self):
            return self
        for child in self.children:
            if isinstance(child, Node):
                found = child.find(predicate)
                if found is not None:
                    return found
        return None


class _TreeBuilder(HTMLParser):
    """A minimal DOM of the report (which is well-formed: every element it opens, it closes)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("document")
        self.stack = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}))

    def handle_endtag(self, tag: str) -> None:
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data: str) -> None:
        self.stack[-1].children.append(data)


def parse_html(html: str) -> Node:
    """The report's HTML as a tree under a ``document`` node."""
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def skipped(node: Node) -> bool:
    """Left out of the document: :data:`SKIP` elements, :data:`SKIP_CLASSES` and what is hidden from readers."""
    return node.tag in SKIP or bool(node.classes & SKIP_CLASSES) or node.attrs.get("aria-hidden") == "true"


def text_of(node: Any) -> str:
    """The text of a node and its descendants, without the skipped elements."""
    if isinstance(node, str):
        return node
    if skipped(node):
        return ""
    return "".join(text_of(child) for child in node.children)


def row_cells(tr: Node) -> list[Node]:
    """The cells (``td``, ``th``) of a table row."""
    return [c for c in tr.children if isinstance(c, Node) and c.tag in ("td", "th")]
