"""python-docx building blocks: NĐ 30 page setup, Times New Roman everywhere, paragraphs, lines, tables."""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.table import WD_CELL_VERTICAL_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.section import Section
from docx.shared import Mm, Pt, RGBColor
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from antq.documents import layout
from antq.documents import word_xml as xml
from antq.documents.official import MOTTO, NATIONAL_NAME

FONT = "Times New Roman"
CENTER = WD_ALIGN_PARAGRAPH.CENTER
LEFT = WD_ALIGN_PARAGRAPH.LEFT
JUSTIFY = WD_ALIGN_PARAGRAPH.JUSTIFY
# Width of MOTTO in bold 14 pt Times New Roman (Liberation Serif metrics): NĐ 30 wants the line under
# the motto exactly as long as the text, and Word cannot size a paragraph border to its text.
MOTTO_WIDTH = Mm(60.5)
# The issuing body takes 42 % of the heading: "ỦY BAN NHÂN DÂN TỈNH GIA LAI" in 12 pt fits one line,
# and the national name in 12.5 pt (NĐ 30: 12 to 13) still fits the remaining 58 %.
HEADING_SPLIT = 0.42


def new_document(size: float = 14) -> Any:
    """An empty document whose every style resolves to Times New Roman, Vietnamese, `size` pt."""
    document = Document()
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    rpr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    _set_fonts(rpr)
    rpr.find(qn("w:sz")).set(qn("w:val"), str(int(size * 2)))
    rpr.find(qn("w:szCs")).set(qn("w:val"), str(int(size * 2)))
    rpr.find(qn("w:lang")).set(qn("w:val"), "vi-VN")
    spacing = defaults.find(qn("w:pPrDefault")).find(qn("w:pPr")).find(qn("w:spacing"))
    spacing.set(qn("w:after"), "0")
    spacing.set(qn("w:line"), "240")  # single line spacing; NĐ 30 allows single to 1.5 lines
    normal = document.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(size)
    _set_fonts(normal.element.get_or_add_rPr())
    return document


def _set_fonts(rpr: Any) -> None:
    """Name Times New Roman for every script slot; theme fonts would otherwise win over the names."""
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attribute in list(fonts.attrib):
        if attribute.endswith("Theme") or attribute.endswith("theme"):
            del fonts.attrib[attribute]
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(slot), FONT)


def page_setup(
    section: Section, *, landscape: bool = False, margins: Sequence[float] = (20, 15, 20, 30)
) -> None:
    """A4 (portrait by default) with margins top, right, bottom, left in millimetres."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (Mm(297), Mm(210)) if landscape else (Mm(210), Mm(297))
    top, right, bottom, left = margins
    section.top_margin, section.right_margin = Mm(top), Mm(right)
    section.bottom_margin, section.left_margin = Mm(bottom), Mm(left)
    section.header_distance = Mm(10)
    section.footer_distance = Mm(10)


def text_width(section: Section) -> int:
    """Width between the side margins, in EMU."""
    return int(section.page_width or 0) - int(section.left_margin or 0) - int(section.right_margin or 0)


def new_section(document: Any, *, restart_numbering: bool) -> Section:
    """Start a section on a new page; an annex restarts its page numbers at 1."""
    section = document.add_section(WD_SECTION.NEW_PAGE)
    if restart_numbering:
        xml.insert(section._sectPr, xml.element("w:pgNumType", start="1"))
    return section


def page_numbers(section: Section) -> None:
    """Page number centred in the top margin, 13 pt, hidden on the section's first page (NĐ 30)."""
    section.different_first_page_header_footer = True
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = CENTER
    field = xml.element("w:fldSimple", instr="PAGE")
    run = paragraph.add_run("2")  # the cached value; Word and LibreOffice recompute the field
    run.font.size = Pt(13)
    run._r.addprevious(field)
    field.append(run._r)


def para(
    container: Any,
    text: str = "",
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    align: Any = CENTER,
    before: float = 0,
    after: float = 0,
    indent: float | None = None,
    color: str | None = None,
) -> Paragraph:
    """Add a one-run paragraph ("\\n" becomes a line break); a cell's first, empty paragraph is reused."""
    paragraphs = getattr(container, "paragraphs", [])
    if isinstance(container, _Cell) and len(paragraphs) == 1 and not paragraphs[0].text:
        paragraph = paragraphs[0]
    else:
        paragraph = container.add_paragraph()
    fmt = paragraph.paragraph_format
    paragraph.alignment = align
    fmt.space_before, fmt.space_after = Pt(before), Pt(after)
    if indent is not None:
        fmt.first_line_indent = Mm(indent)
    if text:
        run(paragraph, text, size=size, bold=bold, italic=italic, color=color)
    return paragraph


def run(
    paragraph: Paragraph,
    text: str,
    *,
    size: float | None = None,
    bold: bool = False,
    italic: bool = False,
    color: str | None = None,
) -> None:
    """Append formatted text to a paragraph."""
    piece = paragraph.add_run(layout.clean(text))
    piece.bold, piece.italic = bold or None, italic or None
    if size is not None:
        piece.font.size = Pt(size)
    if color:
        piece.font.color.rgb = RGBColor.from_string(color)


def rule(container: Any, width: int, available: int) -> Paragraph:
    """Draw a centred line `width` EMU long just under the previous paragraph (NĐ 30's short rules)."""
    # A paragraph border spans the paragraph's width, so a tiny paragraph is indented to that length;
    # a top border keeps the line close to the text above whatever that text's size.
    paragraph = para(container, align=CENTER, before=3)
    fmt = paragraph.paragraph_format
    side = max((available - width) // 2, 0)
    fmt.left_indent, fmt.right_indent = side, side
    fmt.line_spacing = Pt(3)  # a Length means an exact line height: the rule adds almost no space
    top = xml.element("w:top", val="single", sz="6", space="1", color="000000")
    xml.insert(paragraph._p.get_or_add_pPr(), xml.element("w:pBdr", (top,)))
    return paragraph


def table(container: Any, rows: int, widths: Sequence[int], *, grid: bool = False) -> Table:
    """A fixed-layout table with column widths in EMU, borderless unless `grid`."""
    result = container.add_table(rows=rows, cols=len(widths))
    if grid:
        result.style = "Table Grid"
    result.autofit = False  # python-docx writes <w:tblLayout w:type="fixed"/>
    tbl_pr = result._tbl.tblPr
    total = tbl_pr.find(qn("w:tblW"))
    total.set(qn("w:type"), "dxa")
    total.set(qn("w:w"), str(sum(widths) // 635))  # EMU to twentieths of a point
    for index, width in enumerate(widths):
        result.columns[index].width = width
        for cell in result.columns[index].cells:
            cell.width = width
    if grid:
        # Word shifts a table left by its cell padding; no indent keeps the borders inside the margins.
        xml.insert(tbl_pr, xml.element("w:tblInd", w="0", type="dxa"))
    else:
        # Layout tables get no cell padding, so their columns line up with the page margins.
        sides = (xml.element("w:left", w="0", type="dxa"), xml.element("w:right", w="0", type="dxa"))
        xml.insert(tbl_pr, xml.element("w:tblCellMar", sides))
    return result


def middle(cell: _Cell) -> None:
    """Centre a cell's content vertically."""
    cell.vertical_alignment = WD_CELL_VERTICAL_ALIGNMENT.CENTER


def heading(document: Any, width: int, *, issuer_parent: str, issuer: str, code: str, dateline: str) -> Table:
    """The NĐ 30 heading: issuing body | national name and motto, then "Số: …" | place and date."""
    left = int(width * HEADING_SPLIT)
    widths = [left, width - left]
    block = table(document, 2 if (code or dateline) else 1, widths)
    issuing, state = block.rows[0].cells
    if issuer_parent.strip():
        para(issuing, layout.body_name(issuer_parent, layout.PARENT_FITS), size=12)
    para(issuing, layout.body_name(issuer, layout.ISSUER_FITS), size=13, bold=True)
    rule(issuing, Mm(22), widths[0])  # NĐ 30: 1/3 to 1/2 of the name's line
    para(state, NATIONAL_NAME, size=12.5, bold=True)
    para(state, MOTTO, size=14, bold=True)
    rule(state, MOTTO_WIDTH, widths[1])
    if code or dateline:
        number, date = block.rows[1].cells
        para(number, layout.number_line(code), size=13, before=6)
        para(date, dateline, size=14, italic=True, before=6)
    return block


def to_bytes(document: Any) -> bytes:
    """Serialize the document."""
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
