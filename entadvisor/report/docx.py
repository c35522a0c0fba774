"""The note to the elected officials and the draft act as an editable Word document (DOCX).

The words are those of the HTML report: :func:`write_docx` renders the report, reads it as a tree
(:mod:`.arbre`), then turns three of its parts — the header, « La note aux élus » and the draft
act — into a document built with python-docx using only named styles (Title, Heading 1–3, List
Bullet, List Number, Table Grid, Caption, Strong), never direct formatting, so that a council
secretary can restyle, paste or edit it in Word or LibreOffice. No field code, no hyperlink and no
external resource is written: a link becomes its text.
"""

from __future__ import annotations

import datetime as dt
import io
import os
import re
import zipfile
from pathlib import Path
from typing import Any

from entadvisor._files import write_atomic
from entadvisor.advice import Advice
from entadvisor.errors import EntreeInvalide
from entadvisor.report.arbre import Node, parse_html, row_cells, skipped, text_of
from entadvisor.report.render import render_report

HEADINGS = {"h1": "Title", "h2": "Heading 1", "h3": "Heading 2", "h4": "Heading 3"}
INLINE_STYLES = {"strong": "Strong", "b": "Strong", "em": "Emphasis", "i": "Emphasis"}
SPACES = re.compile(r"[ \t\n\r\f]+")  # not \s: the no-break spaces of French amounts stay


class DocxIndisponible(EntreeInvalide):
    """python-docx is not installed: the message says how to install it."""


class _Writer:
    """Walks the report's elements and appends paragraphs and tables to a python-docx document."""

    def __init__(self, document: Any) -> None:
        self.document = document
        self.shift = 0
        """Heading levels to raise: the draft act, a section of the dossier, is a top-level part here."""

    # -- inline content ---------------------------------------------------------------------------

    def _inline(self, paragraph: Any, node: Any, style: str | None = None) -> None:
        if isinstance(node, str):
            text = SPACES.sub(" ", node)
            if text:
                run = paragraph.add_run(text)
                if style:
                    run.style = self.document.styles[style]
            return
        if skipped(node) or node.tag in ("ul", "ol"):
            return
        if node.tag == "br":
            paragraph.add_run().add_break()
            return
        inner = INLINE_STYLES.get(node.tag, style)
        for child in node.children:
            self._inline(paragraph, child, inner)

    def _paragraph(self, node: Node, style: str = "Normal") -> None:
        paragraph = self.document.add_paragraph(style=style)
        self._inline(paragraph, node)
        _strip(paragraph)

    # -- blocks -----------------------------------------------------------------------------------

    def block(self, node: Any, level: int = 0) -> None:
        if isinstance(node, str):
            if node.strip():
                paragraph = self.document.add_paragraph(style="Normal")
                paragraph.add_run(SPACES.sub(" ", node).strip())
            return
        if skipped(node):
            return
        tag = node.tag
        if tag in HEADINGS:
            level = int(tag[1]) - self.shift
            self._paragraph(node, HEADINGS[f"h{max(level, 2)}"] if tag != "h1" else "Title")
        elif tag == "p":
            self._paragraph(node)
        elif tag in ("ul", "ol"):
            self._list(node, tag, level)
        elif tag == "table":
            self._table(node)
        elif tag == "dl":
            self._definitions(node)
        else:  # section, div, header, main, figure…: their content
            for child in node.children:
                self.block(child, level)

    def _list(self, node: Node, tag: str, level: int) -> None:
        base = "List Number" if tag == "ol" else "List Bullet"
        style = base if level == 0 else f"{base} {min(level + 1, 3)}"
        for item in node.children:
            if not isinstance(item, Node) or item.tag != "li":
                continue
            paragraph = self.document.add_paragraph(style=style)
            self._inline(paragraph, item)
            _strip(paragraph)
            for child in item.children:
                if isinstance(child, Node) and child.tag in ("ul", "ol"):
                    self._list(child, child.tag, level + 1)

    def _definitions(self, node: Node) -> None:
        """A definition list (« Lancer la consultation au plus tard le : 1er mai 2027 ») as a two-column table."""
        pairs = []
        for group in node.children:
            if not isinstance(group, Node):
                continue
            dts = [c for c in group.children if isinstance(c, Node) and c.tag == "dt"]
            dds = [c for c in group.children if isinstance(c, Node) and c.tag == "dd"]
            if dts and dds:
                pairs.append((dts[0], dds[0]))
        if not pairs:
            return
        table = self.document.add_table(rows=len(pairs), cols=2, style="Table Grid")
        for row, (term, definition) in zip(table.rows, pairs, strict=True):
            for cell, source, style in ((row.cells[0], term, "Strong"), (row.cells[1], definition, None)):
                paragraph = cell.paragraphs[0]
                self._inline(paragraph, source, style)
                _strip(paragraph)

    def _table(self, node: Node) -> None:
        caption = node.find(lambda n: n.tag == "caption")
        if caption is not None:
            self._paragraph(caption, "Caption")
        rows: list[tuple[Node, bool]] = []
        for part in node.children:
            if not isinstance(part, Node):
                continue
            if part.tag == "tr":
                rows.append((part, False))
            elif part.tag in ("thead", "tbody", "tfoot"):
                rows.extend(
                    (tr, part.tag == "thead")
                    for tr in part.children
                    if isinstance(tr, Node) and tr.tag == "tr"
                )
        if not rows:
            return
        width = max(sum(int(c.attrs.get("colspan", "1") or 1) for c in row_cells(tr)) for tr, _ in rows)
        table = self.document.add_table(rows=len(rows), cols=width, style="Table Grid")
        self._widths(table, [tr for tr, _ in rows], width)
        for (tr, header), row in zip(rows, table.rows, strict=True):
            if header:  # repeated on each page (a table property, not formatting)
                from docx.oxml import OxmlElement
                from docx.oxml.ns import qn

                properties = row._tr.get_or_add_trPr()
                marker = OxmlElement("w:tblHeader")
                marker.set(qn("w:val"), "true")
                properties.append(marker)
            column = 0
            for cell_node in row_cells(tr):
                span = int(cell_node.attrs.get("colspan", "1") or 1)
                cell = row.cells[column]
                if span > 1:
                    cell = cell.merge(row.cells[min(column + span - 1, width - 1)])
                paragraph = cell.paragraphs[0]
                self._inline(paragraph, cell_node, "Strong" if header else None)
                _strip(paragraph)
                column += span

    def _widths(self, table: Any, rows: list[Node], width: int) -> None:
        """Column widths from the length of their texts (a table's layout, not a character's formatting)."""
        lengths = [0.0] * width
        for tr in rows:
            cells = row_cells(tr)
            if len(cells) != width:
                continue
            for index, cell in enumerate(cells):
                lengths[index] = max(lengths[index], min(len(SPACES.sub(" ", text_of(cell)).strip()), 45))
        weights = [max(length, 10.0) for length in lengths]
        section = self.document.sections[-1]
        usable = section.page_width - section.left_margin - section.right_margin
        table.autofit = False
        for column, weight in zip(table.columns, weights, strict=True):
            share = int(usable * weight / sum(weights))
            column.width = share  # the table grid (LibreOffice reads it) and each cell (Word reads those)
            for cell in column.cells:
                cell.width = share


def _strip(paragraph: Any) -> None:
    """Trim the spaces the HTML layout left at the start and end of a paragraph."""
    runs = [r for r in paragraph.runs if r.text]
    if runs:
        runs[0].text = runs[0].text.lstrip()
        runs[-1].text = runs[-1].text.rstrip()


def docx_bytes(advice: Advice, *, folder: Path | None = None) -> bytes:
    """The DOCX of one advice: the header, the note to the elected officials and the draft act."""
    try:
        import docx
    except ImportError:
        raise DocxIndisponible(
            "python-docx",
            "le document Word demande la bibliothèque python-docx : « pip install python-docx ».",
        ) from None
    tree = parse_html(render_report(advice, folder=folder))
    document = docx.Document()
    _metadata(document, advice)
    writer = _Writer(document)
    for wanted, shift in (
        (lambda n: n.tag == "header" and "entete" in n.classes, 0),
        (lambda n: n.attrs.get("id") == "partie-note", 0),
        (lambda n: n.attrs.get("id") == "deliberation", 1),
    ):
        part = tree.find(wanted)
        if part is None:
            raise EntreeInvalide(
                "rapport", "le modèle du rapport n'a pas la partie attendue pour le document Word."
            )
        writer.shift = shift
        writer.block(part)
    buffer = io.BytesIO()
    document.save(buffer)
    return _deterministic(buffer.getvalue(), advice.date_analyse)


def _deterministic(data: bytes, date: dt.date) -> bytes:
    """The same archive with every entry dated the day of the analysis: same advice, same bytes."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=(date.year, date.month, date.day, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            target.writestr(info, source.read(entry.filename))
    return out.getvalue()


def _metadata(document: Any, advice: Advice) -> None:
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    properties = document.core_properties
    properties.title = advice.nom_projet or "Déploiement d'un espace numérique de travail dans les écoles"
    properties.subject = "Note aux élus et projet d'acte"
    properties.author = "entadvisor"
    properties.language = "fr-FR"
    properties.created = properties.modified = dt.datetime.combine(advice.date_analyse, dt.time())
    properties.last_modified_by = "entadvisor"
    properties.revision = 1
    # The language of the text (spell checking in French): a property of the Normal style, not of the runs.
    run_properties = document.styles["Normal"].element.get_or_add_rPr()
    language = OxmlElement("w:lang")
    language.set(qn("w:val"), "fr-FR")
    run_properties.append(language)


def write_docx(advice: Advice, path: str | os.PathLike[str], *, folder: Path | None = None) -> None:
    """Write the DOCX atomically through the one atomic writer (a temporary file in the same folder, fsync,
    then a rename); a folder that cannot be written gives a French :class:`~entadvisor.errors.EcritureImpossible`."""
    write_atomic(path, docx_bytes(advice, folder=folder), what="le document Word")


__all__ = ["DocxIndisponible", "docx_bytes", "write_docx"]
