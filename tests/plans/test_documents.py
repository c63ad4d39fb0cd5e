"""The DOCX (and PDF) of a plan, opened with python-docx / pypdf: the seeds' structure."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from pypdf import PdfReader

from antq.accounts.scope import Scope
from antq.documents import render_docx, render_pdf
from antq.plans import services
from antq.plans.documents import plan_document
from tests.plans.conftest import YEAR

pytestmark = pytest.mark.django_db


def _paragraphs(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


def test_docx_has_the_heading_number_title_and_sections_in_order(province_plan):
    data = render_docx(plan_document(province_plan))
    paragraphs = _paragraphs(data)
    text = _text(data)
    assert "ỦY BAN NHÂN DÂN\nTỈNH GIA LAI" in text
    assert "Số: 45/KH-UBND" in text
    assert "Gia Lai, ngày" in text
    assert "KẾ HOẠCH" in paragraphs
    assert "Thực hiện phong trào toàn dân bảo vệ an ninh Tổ quốc" in paragraphs
    headings = ["I. MỤC ĐÍCH, YÊU CẦU", "II. CHỈ TIÊU", "III. NỘI DUNG, BIỆN PHÁP", "IV. TỔ CHỨC THỰC HIỆN"]
    positions = [paragraphs.index(h) for h in headings]
    assert positions == sorted(positions)
    assert "Căn cứ Thông tư số 124/2021/TT-BCA ngày 28/12/2021 của Bộ Công an." in paragraphs
    assert "Ủy ban nhân dân tỉnh Gia Lai ban hành Kế hoạch thực hiện như sau:" in paragraphs
    purpose = paragraphs[positions[0] + 1 : positions[1]]
    assert purpose == ["1. Nâng cao nhận thức.", "2. Triển khai đồng bộ."]


def test_docx_numbers_targets_and_tasks_with_lead_unit_and_deadline(province_plan):
    paragraphs = _paragraphs(render_docx(plan_document(province_plan)))
    targets = paragraphs[paragraphs.index("II. CHỈ TIÊU") + 1 : paragraphs.index("III. NỘI DUNG, BIỆN PHÁP")]
    assert targets[0] == "1."
    assert targets[1].startswith(
        "Đăng ký phong trào: 100% khu dân cư đăng ký phong trào (áp dụng: khu dân cư"
    )
    assert targets[2] == "2."
    assert targets[3].startswith("Công nhận đạt chuẩn: 80%")
    tasks = paragraphs[
        paragraphs.index("III. NỘI DUNG, BIỆN PHÁP") + 1 : paragraphs.index("IV. TỔ CHỨC THỰC HIỆN")
    ]
    assert tasks[:5] == [
        "1. Quán triệt văn bản chỉ đạo",
        "- Biện pháp: Tổ chức hội nghị quán triệt.",
        "- Đơn vị chủ trì: Công an tỉnh; đơn vị phối hợp: Ủy ban MTTQ tỉnh.",
        f"- Thời hạn: 31/03/{YEAR}.",
        "- Kiểm tra, đánh giá: Báo cáo kết quả",
    ]
    assert "3. Tuyên truyền thường xuyên" in tasks
    assert "- Thời hạn: Thường xuyên." in tasks


def test_docx_has_recipients_signature_and_the_task_annex(province_plan):
    data = render_docx(plan_document(province_plan))
    text = _text(data)
    assert "Nơi nhận:" in text
    assert "- Bộ Công an (qua Cục V05);" in text
    assert "- Lưu: VT." in text
    assert "TM. ỦY BAN NHÂN DÂN" in text and "CHỦ TỊCH" in text and "Phạm Anh Tuấn" in text
    document = docx.Document(io.BytesIO(data))
    annex = document.tables[-1]
    assert [c.text for c in annex.rows[0].cells] == [
        "TT",
        "Nội dung nhiệm vụ",
        "Đơn vị chủ trì",
        "Đơn vị phối hợp",
        "Thời hạn",
        "Kiểm tra, đánh giá",
    ]
    assert [c.text for c in annex.rows[1].cells][:5] == [
        "1",
        "Quán triệt văn bản chỉ đạo",
        "Công an tỉnh",
        "Ủy ban MTTQ tỉnh",
        f"31/03/{YEAR}",
    ]
    assert len(annex.rows) == 4
    assert "BẢNG PHÂN CÔNG NHIỆM VỤ" in [p.text for p in document.paragraphs]


def test_a_draft_prints_without_a_number(tree, province_plan, commune_police):
    child = services.plan_cascade(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        parent=province_plan,
        node=tree.commune,
        today=dt.date(YEAR, 1, 5),
    )
    text = _text(render_docx(plan_document(child)))
    assert "Số:       /KH-UBND" in text
    assert "ỦY BAN NHÂN DÂN\nPHƯỜNG QUY NHƠN" in text
    assert "Thực hiện Kế hoạch số 45/KH-UBND" in text


def test_pdf_carries_the_sections(province_plan):
    reader = PdfReader(io.BytesIO(render_pdf(plan_document(province_plan))))
    text = " ".join(page.extract_text() for page in reader.pages)
    for heading in ("MỤC ĐÍCH, YÊU CẦU", "CHỈ TIÊU", "NỘI DUNG, BIỆN PHÁP", "TỔ CHỨC THỰC HIỆN"):
        assert heading in text
