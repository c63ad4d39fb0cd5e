"""The DOCX and PDF of a report, opened with python-docx / pypdf: NĐ 30 heading, the sections,
and the statistics annex."""

from __future__ import annotations

import io

import docx
import pytest
from pypdf import PdfReader

from antq.documents import render_docx, render_pdf
from antq.reports.documents import report_document
from antq.reports.statistics import rows
from tests.reports.conftest import send

pytestmark = pytest.mark.django_db


def _text(document) -> str:  # type: ignore[no-untyped-def]
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_docx_opens_with_the_heading_sections_and_statistics(tree, commune_police, six_month):
    report = send(commune_police, tree.commune, six_month)
    document = docx.Document(io.BytesIO(render_docx(report_document(report))))
    paragraphs = [p.text for p in document.paragraphs]
    text = _text(document)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "CÔNG AN PHƯỜNG QUY NHƠN" in text.replace("\n", " ")
    assert "BÁO CÁO" in paragraphs
    headings = ["I. TÌNH HÌNH CHUNG", "II. KẾT QUẢ THỰC HIỆN", "III. TỒN TẠI, HẠN CHẾ"]
    positions = [paragraphs.index(h) for h in headings]
    assert positions == sorted(positions)
    assert paragraphs[positions[0] + 1] == "Nội dung 1."
    assert "Nơi nhận:" in text
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == ["TT", "Chỉ số", "Số liệu"]
    expected = rows(report.statistics, six_month.statistics)
    assert [c.text for c in annex.rows[1].cells] == ["1", expected[0].label, expected[0].text]
    assert len(annex.rows) == 1 + len(six_month.statistics)
    assert "Số khu dân cư" in [row.cells[1].text for row in annex.rows]


def test_a_unit_report_speaks_as_the_unit(tree, unit_officer, six_month):
    report = send(unit_officer, tree.unit, six_month)
    text = _text(docx.Document(io.BytesIO(render_docx(report_document(report)))))
    assert "Công an phường Quy Nhơn (để báo cáo)" in text
    assert "THỦ TRƯỞNG ĐƠN VỊ" in text


def test_pdf_has_the_vietnamese_text(tree, commune_police, six_month):
    report = send(commune_police, tree.commune, six_month)
    reader = PdfReader(io.BytesIO(render_pdf(report_document(report))))
    text = " ".join(page.extract_text() for page in reader.pages)
    for expected in (
        "BÁO CÁO",
        "TÌNH HÌNH CHUNG",
        "KẾT QUẢ THỰC HIỆN",
        "PHƯƠNG HƯỚNG, NHIỆM VỤ",
        "Số khu dân cư",
    ):
        assert expected in text
