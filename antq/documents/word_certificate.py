"""DOCX output of "Giấy công nhận" certificates: A4 landscape, a double page border, one per page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.shared import Mm

from antq.documents import layout
from antq.documents import word_parts as w
from antq.documents import word_xml as xml
from antq.documents.dates import place_date
from antq.documents.official import Certificate

RED = "B3140F"
NAVY = "0D2B6B"
FRAME = "8B1A1A"
MARGINS = (22, 22, 18, 22)  # inside the page border, which sits 10 mm from the sheet's edge


def certificates_docx(certificates: Sequence[Certificate]) -> bytes:
    """Render certificates to one DOCX, each on its own landscape page (its own section)."""
    document = w.new_document(14)
    for index, cert in enumerate(certificates):
        section = document.sections[0] if index == 0 else w.new_section(document, restart_numbering=False)
        if index == 0:
            w.page_setup(section, landscape=True, margins=MARGINS)
            _page_border(section)
        _certificate(document, cert, w.text_width(section))
    return w.to_bytes(document)


def _certificate(document: Any, cert: Certificate, width: int) -> None:
    """One certificate: heading, title, authority, the unit's name, the body lines and the signature."""
    w.heading(
        document,
        width,
        issuer_parent=layout.clean(cert.issuer_parent),
        issuer=layout.clean(cert.issuer),
        code="",
        dateline="",
    )
    w.para(document, layout.clean(cert.title), size=40, bold=True, color=RED, before=24)
    if cert.authority.strip():
        w.para(document, layout.clean(cert.authority).strip(), size=15, bold=True, before=12)
    w.para(document, layout.clean(cert.unit_name).strip(), size=26, bold=True, color=NAVY, before=14)
    for line in cert.body_lines:
        w.para(document, layout.clean(line), size=16, bold=True, before=8)
    half = width // 2
    closing = w.table(document, 1, [half, width - half])
    reference, signature = closing.rows[0].cells
    reference.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.BOTTOM  # level with the signer's name
    w.para(signature, place_date(layout.clean(cert.place), cert.date), italic=True, before=18)
    for title in layout.lines(cert.signer_prefix) + layout.lines(cert.signer_title):
        w.para(signature, title, bold=True)
    space = w.para(signature)
    space.paragraph_format.line_spacing = Mm(20)
    w.para(signature, layout.clean(cert.signer_name).strip(), bold=True)
    w.para(reference, layout.clean(cert.decision_ref).strip(), size=12, italic=True, align=w.LEFT)


def _page_border(section: Any) -> None:
    """A dark red double frame round the page, the certificate's only ornament."""
    edges = tuple(
        xml.element(side, val="thinThickSmallGap", sz="24", space="28", color=FRAME)
        for side in ("w:top", "w:left", "w:bottom", "w:right")
    )
    xml.insert(section._sectPr, xml.element("w:pgBorders", edges, offsetFrom="page"))
