"""The DOCX a decision or a certificate becomes, read back with python-docx."""

from __future__ import annotations

import io
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from antq.documents import render_docx
from tests.documents.samples import FORMULA, TRICKY_NAME, certificate, decision, unit_name


def open_docx(data: bytes) -> Any:
    return docx.Document(io.BytesIO(data))


def mm(length: Any) -> float:
    """A DOCX length in millimetres, to 0.1 mm (Word stores twentieths of a point)."""
    return round(length.mm, 1)


def all_text(document: Any) -> str:
    """Body paragraphs and every table cell, in order."""
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_page_is_a4_portrait_with_nd30_margins(small_docx: bytes) -> None:
    for section in open_docx(small_docx).sections:
        assert (mm(section.page_width), mm(section.page_height)) == (210, 297)
        assert 20 <= mm(section.top_margin) <= 25
        assert 20 <= mm(section.bottom_margin) <= 25
        assert 30 <= mm(section.left_margin) <= 35
        assert 15 <= mm(section.right_margin) <= 20


def test_every_font_slot_is_times_new_roman_and_no_run_overrides_it(small_docx: bytes) -> None:
    document = open_docx(small_docx)
    normal = document.styles["Normal"]
    assert normal.font.name == "Times New Roman"
    assert 13 <= normal.font.size.pt <= 14
    defaults = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault")).find(qn("w:rPr"))
    fonts = defaults.find(qn("w:rFonts"))
    for slot in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        assert fonts.get(qn(slot)) == "Times New Roman"
    assert not [k for k in fonts.attrib if "heme" in k]  # a theme font would win over the name
    overrides = {f.get(qn("w:ascii")) for f in document.element.body.iter(qn("w:rFonts"))}
    assert overrides <= {None, "Times New Roman"}


def test_heading_has_issuer_motto_number_and_date(small_docx: bytes) -> None:
    document = open_docx(small_docx)
    heading = document.tables[0]
    issuing, state = heading.rows[0].cells
    assert [p.text for p in issuing.paragraphs][:2] == [
        "ỦY BAN NHÂN DÂN TỈNH GIA LAI",
        "ỦY BAN NHÂN DÂN\nPHƯỜNG QUY NHƠN",  # broken after the kind of body, as headings are
    ]
    assert issuing.paragraphs[1].runs[0].bold and not issuing.paragraphs[0].runs[0].bold
    national, motto = state.paragraphs[0], state.paragraphs[1]
    assert national.text == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" and national.runs[0].bold
    assert motto.text == "Độc lập - Tự do - Hạnh phúc" and motto.runs[0].bold
    assert state.paragraphs[2]._p.find(qn("w:pPr")).find(qn("w:pBdr")) is not None  # the line under it
    number, date = heading.rows[1].cells
    assert number.text == "Số: 125/QĐ-UBND"
    assert date.text == "Quy Nhơn, ngày 05 tháng 11 năm 2026"
    assert date.paragraphs[0].runs[0].italic


def test_body_order_and_styles(small_docx: bytes) -> None:
    paragraphs = [p for p in open_docx(small_docx).paragraphs if p.text]
    texts = [p.text for p in paragraphs]
    kind = texts.index("QUYẾT ĐỊNH")
    assert texts[kind + 1].startswith("Về việc công nhận khu dân cư")
    assert texts[kind + 2] == "CHỦ TỊCH ỦY BAN NHÂN DÂN PHƯỜNG QUY NHƠN"
    assert texts[kind + 3] == "Căn cứ Luật Tổ chức chính quyền địa phương ngày 16 tháng 6 năm 2025;"
    assert paragraphs[kind + 3].runs[0].italic
    assert texts[kind + 6] == "QUYẾT ĐỊNH:"
    article = paragraphs[kind + 7]
    assert article.text.startswith("Điều 1. Công nhận 3 đơn vị")
    assert article.runs[0].text == "Điều 1. " and article.runs[0].bold and not article.runs[1].bold
    assert article.paragraph_format.first_line_indent > 0
    assert "PHỤ LỤC" in texts
    issued_by = "của Chủ tịch Ủy ban nhân dân phường Quy Nhơn"
    assert f"(Kèm theo Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026 {issued_by})" in texts


def test_recipients_and_signature(small_docx: bytes) -> None:
    closing = open_docx(small_docx).tables[1]
    recipients, signature = closing.rows[0].cells
    lines = [p.text for p in recipients.paragraphs]
    assert lines == ["Nơi nhận:", "- Như Điều 3;", "- Công an tỉnh Gia Lai (b/c);", "- Lưu: VT, CAP."]
    label = recipients.paragraphs[0].runs[0]
    assert label.bold and label.italic and label.font.size.pt == 12
    assert recipients.paragraphs[1].runs[0].font.size.pt == 11
    signed = [p.text for p in signature.paragraphs if p.text]
    assert signed == ["KT. CHỦ TỊCH", "PHÓ CHỦ TỊCH", "Nguyễn Văn Ẩn"]


def test_annex_table_repeats_its_header_and_has_borders() -> None:
    document = open_docx(render_docx(decision(rows=500)))
    grid = document.tables[-1]
    assert len(grid.rows) == 501
    header = grid.rows[0]._tr.trPr
    assert header is not None and header.find(qn("w:tblHeader")) is not None
    assert grid.style.name == "Table Grid"
    assert [c.text for c in grid.rows[0].cells] == ["STT", "Tên đơn vị", "Loại hình", "Ghi chú"]
    assert [c.text for c in grid.rows[500].cells] == ["500", unit_name(500), "Khu dân cư", ""]
    names = [row.cells[1].text for row in grid.rows[1:]]
    assert len(set(names)) == 500
    # The annex is its own section: it starts on a new page and numbers its pages from 1.
    assert len(document.sections) == 2
    assert document.sections[1]._sectPr.find(qn("w:pgNumType")).get(qn("w:start")) == "1"


def test_user_text_is_verbatim_markup_and_formulas_included() -> None:
    odd = 'A <b>&amp; "B"\nC'
    data = render_docx(decision(signer_name=odd, subject=f"Về việc {TRICKY_NAME}"))
    text = all_text(open_docx(data))
    assert TRICKY_NAME in text
    assert FORMULA in text
    assert 'A <b>&amp; "B"\nC' in text


def test_control_characters_do_not_break_the_file() -> None:
    data = render_docx(decision(subject="Về việc\x0c công nhận\x00"))
    assert "Về việc công nhận" in all_text(open_docx(data))


def test_draft_without_number_keeps_room_for_it() -> None:
    number = open_docx(render_docx(decision(number=""))).tables[0].rows[1].cells[0]
    assert number.text == "Số:       /QĐ-UBND"


@pytest.mark.parametrize("count", [1, 3])
def test_certificates_are_a4_landscape_one_section_each(count: int) -> None:
    certificates = [certificate(unit_name=f"Tổ dân phố {i} <A&B>") for i in range(1, count + 1)]
    document = open_docx(render_docx(certificates if count > 1 else certificates[0]))
    assert len(document.sections) == count
    for section in document.sections:
        assert (mm(section.page_width), mm(section.page_height)) == (297, 210)
        assert section._sectPr.find(qn("w:pgBorders")) is not None
    text = all_text(document)
    assert text.count("GIẤY CÔNG NHẬN") == count
    assert "Tổ dân phố 1 <A&B>" in text
    assert "Đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026" in text
    assert "Quyết định số 125/QĐ-UBND ngày 05 tháng 11 năm 2026" in text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text


TBL_PR = [
    "tblStyle",
    "tblpPr",
    "tblOverlap",
    "bidiVisual",
    "tblStyleRowBandSize",
    "tblStyleColBandSize",
    "tblW",
    "jc",
    "tblCellSpacing",
    "tblInd",
    "tblBorders",
    "shd",
    "tblLayout",
    "tblCellMar",
    "tblLook",
]
SECT_PR = [
    "headerReference",
    "footerReference",
    "footnotePr",
    "endnotePr",
    "type",
    "pgSz",
    "pgMar",
    "paperSrc",
    "pgBorders",
    "lnNumType",
    "pgNumType",
    "cols",
    "formProt",
    "vAlign",
    "noEndnote",
    "titlePg",
    "textDirection",
    "bidi",
    "rtlGutter",
    "docGrid",
]


@pytest.mark.parametrize("kind", ["decision", "certificates"])
def test_hand_made_properties_follow_the_schema_order(kind: str) -> None:
    # Word refuses to open a file whose property elements are duplicated or out of order.
    data = render_docx(decision()) if kind == "decision" else render_docx([certificate(), certificate()])
    body = open_docx(data).element.body
    for parent, order in [(qn("w:tblPr"), TBL_PR), (qn("w:sectPr"), SECT_PR)]:
        for element in body.iter(parent):
            names = [child.tag.split("}")[1] for child in element]
            positions = [order.index(name) for name in names]
            assert positions == sorted(positions), names
            single = [name for name in names if not name.endswith("Reference")]
            assert len(single) == len(set(single)), names
