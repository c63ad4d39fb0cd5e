"""DOCX output of an official document (NĐ 30 Phụ lục I) and of its annex table."""

from __future__ import annotations

import copy
from typing import Any

from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm

from antq.documents import layout
from antq.documents import word_parts as w
from antq.documents.dates import place_date
from antq.documents.official import ANNEX_LABEL, RECIPIENTS_LABEL, Annex, DocumentSection, OfficialDocument

BODY = 14
TABLE = 12


def official_docx(doc: OfficialDocument) -> bytes:
    """Render an official document (and its annex, in its own section) to DOCX."""
    document = w.new_document(BODY)
    section = document.sections[0]
    w.page_setup(section)
    w.page_numbers(section)
    width = w.text_width(section)
    w.heading(
        document,
        width,
        issuer_parent=layout.clean(doc.issuer_parent),
        issuer=layout.clean(doc.issuer),
        code=layout.clean(doc.code),
        dateline=layout.clean(place_date(doc.place, doc.date)),
    )
    _preamble(document, doc, width)
    p = None
    for paragraph in layout.articles(doc):
        p = w.para(document, align=w.JUSTIFY, before=6, indent=12.7)
        if paragraph.label:
            w.run(p, paragraph.label + " ", bold=True)
        w.run(p, paragraph.text)
    for section in doc.sections:
        p = _section(document, section) or p
    if doc.table:
        if doc.table.title.strip():
            w.para(document, layout.clean(doc.table.title).strip(), bold=True, before=12, after=6)
        _grid(document, doc.table, width)
        p = None
    for section in doc.after_table:
        p = _section(document, section) or p
    for line in layout.closing_lines(doc):
        p = w.para(document, line, align=w.JUSTIFY, before=6, indent=12.7)
    if p is not None:
        p.paragraph_format.keep_with_next = True  # the signature never starts a page on its own
    _closing(document, doc, width)
    if doc.annex:
        annex_section = w.new_section(document, restart_numbering=True)
        annex_section.different_first_page_header_footer = True
        _annex(document, doc, doc.annex, width)
    return w.to_bytes(document)


def _preamble(document: Any, doc: OfficialDocument, width: int) -> None:
    """Kind and subject with their rule, the authority, the bases and the enacting word."""
    w.para(document, layout.clean(doc.kind), bold=True, before=18)
    w.para(document, layout.clean(doc.subject).strip(), bold=True)
    w.rule(document, Mm(35), width)
    if doc.addressee.strip():
        w.para(document, layout.clean(doc.addressee).strip(), before=12, after=6)
    if doc.authority.strip():
        w.para(document, layout.clean(doc.authority).strip(), bold=True, before=12, after=6)
    italic = layout.bases_italic(doc)
    for basis in layout.bases(doc):
        w.para(document, basis, italic=italic, align=w.JUSTIFY, before=6, indent=12.7)
    if doc.lead_in.strip():
        w.para(document, layout.clean(doc.lead_in).strip(), align=w.JUSTIFY, before=6, indent=12.7)
    if enact := layout.enacting_words(doc):
        w.para(document, enact, bold=True, before=12, after=6)


def _section(document: Any, section: DocumentSection) -> Any:
    """A headed section: the heading in bold, its paragraphs, then its numbered points."""
    p = None
    if layout.clean(section.heading).strip():
        p = w.para(
            document,
            layout.clean(section.heading).strip(),
            bold=True,
            align=w.JUSTIFY,
            before=12,
            indent=12.7,
        )
        p.paragraph_format.keep_with_next = True
    for text in section.paragraphs:
        for line in layout.lines(text):
            p = w.para(document, line, align=w.JUSTIFY, before=6, indent=12.7)
    for item in section.items:
        p = w.para(document, align=w.JUSTIFY, before=6, indent=12.7)
        label, title = layout.clean(item.label).strip(), layout.clean(item.title).strip()
        w.run(p, f"{label} {title}".strip(), bold=True)
        for text in item.lines:
            for line in layout.lines(text):
                p = w.para(document, line, align=w.JUSTIFY, before=3, indent=12.7)
    return p


def _closing(document: Any, doc: OfficialDocument, width: int) -> None:
    """The closing block: "Nơi nhận" on the left, the signature on the right."""
    left = int(width * 0.45)
    block = w.table(document, 1, [left, width - left])
    recipients, signature = block.rows[0].cells
    _row_flag(block.rows[0], "w:cantSplit")  # "Nơi nhận" and the signature share one page
    lines = layout.recipients(doc)
    if doc.second_signer_title.strip():
        _signature(recipients, layout.lines(doc.second_signer_title), doc.second_signer_name)
    elif lines:
        w.para(recipients, RECIPIENTS_LABEL, size=12, bold=True, italic=True, align=w.LEFT, before=12)
        for line in lines:
            w.para(recipients, line, size=11, align=w.LEFT)
    _signature(signature, layout.lines(doc.signer_prefix) + layout.lines(doc.signer_title), doc.signer_name)


def _signature(cell: Any, titles: list[str], name: str) -> None:
    """Titles in bold, room for the signature and the seal, then the signer's name."""
    for index, title in enumerate(titles):
        w.para(cell, title, bold=True, before=12 if index == 0 else 0)
    space = w.para(cell)
    space.paragraph_format.line_spacing = Mm(26)
    w.para(cell, layout.clean(name).strip(), bold=True)


def _row_flag(row: Any, tag: str) -> None:
    """Set an on/off row property such as w:tblHeader (repeat on each page) or w:cantSplit."""
    tr_pr = row._tr.get_or_add_trPr()
    tr_pr.append(OxmlElement(tag))


def _annex(document: Any, doc: OfficialDocument, annex: Annex, width: int) -> None:
    """The annex: "PHỤ LỤC", title, reference, then a table whose header row repeats on every page."""
    w.para(document, ANNEX_LABEL, bold=True)
    w.para(document, layout.clean(annex.title).strip(), bold=True)
    if annex.subtitle.strip():
        w.para(document, layout.clean(annex.subtitle).strip(), bold=True)
    w.para(document, layout.annex_note(doc, annex), italic=True)
    w.rule(document, Mm(35), width)
    w.para(document, size=6, after=6)
    _grid(document, annex, width)


def _grid(document: Any, annex: Annex, width: int) -> None:
    """A bordered table whose header row repeats on every page."""
    widths = [int(width * fraction) for fraction in layout.column_fractions(annex)]
    centered = layout.centered_columns(annex)
    grid = w.table(document, 2, widths, grid=True)
    header, prototype = grid.rows
    _row_flag(header, "w:tblHeader")
    for cell, title in zip(header.cells, annex.columns, strict=True):
        w.middle(cell)
        w.para(cell, layout.clean(title), size=TABLE, bold=True)
    _row_flag(prototype, "w:cantSplit")
    for index, cell in enumerate(prototype.cells):
        w.middle(cell)
        w.para(cell, "-", size=TABLE, align=w.CENTER if centered[index] else w.LEFT)
    _fill(prototype._tr, annex.rows)


def _fill(prototype: Any, rows: Any) -> None:
    """Copy the formatted prototype row once per data row, then drop it."""
    # python-docx spends ~2 ms per formatted cell; copying one finished row is ~20 times faster,
    # which keeps a 500-row annex well under a second.
    anchor = prototype
    for values in rows:
        row = copy.deepcopy(prototype)
        for run, value in zip(row.iter(qn("w:r")), values, strict=True):
            run.text = layout.clean(value)  # CT_R.text turns "\n" into line breaks
        anchor.addnext(row)
        anchor = row
    prototype.getparent().remove(prototype)
