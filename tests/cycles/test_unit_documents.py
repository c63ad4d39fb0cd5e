"""The unit's report on the TT 124 criteria and its QĐ 510 score sheet, downloaded and opened."""

from __future__ import annotations

import datetime as dt
import io
import subprocess
from typing import Any

import pytest
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image
from pypdf import PdfReader

from antq.accounts.scope import Scope
from antq.cycles import services
from antq.cycles.models import Assessment
from antq.doctemplates import files
from antq.doctemplates.services import template_upload
from antq.documents import vietnamese_date
from antq.incidents.services import incident_record
from tests.cycles.helpers import PAPER_REASONS, document
from tests.cycles.test_services import AGENCY_ANSWERS, SELF_SCORES, _registered_agency

pytestmark = pytest.mark.django_db

NOTE = "Đảng bộ Sở ban hành Nghị quyết số 13-NQ/ĐB triển khai nhiệm vụ năm; 100% cán bộ được quán triệt."
DEDUCTION = "Mô hình camera chỉ hoạt động 4 tháng"


def scope(user):  # type: ignore[no-untyped-def]
    return Scope.for_user(user)


@pytest.fixture
def reviewed(tree, province_officer, commune_police):  # type: ignore[no-untyped-def]
    """An agency's assessment, self-assessed with a note and evidence, reviewed with a deduction."""
    cycle, agency, officer = _registered_agency(tree, province_officer, commune_police)
    evidence = document(officer, agency, cycle.year, "nghi_quyet", cycle_day(cycle), "Về nhiệm vụ năm")
    assessment = services.assessment_start(by=officer, scope=scope(officer), cycle=cycle, node=agency)
    assessment, _ = services.assessment_save_self(
        by=officer,
        scope=scope(officer),
        assessment=assessment,
        data={
            "answers": AGENCY_ANSWERS,
            "self_scores": SELF_SCORES,
            "self_reasons": PAPER_REASONS,
            "unit_facts": {"has_guard_force": True, "eligible_for_emulation": True},
            "notes": {"TT124.CQDN.1": NOTE},
            "evidence": {"TT124.CQDN.1": [evidence.pk]},
        },
        expected_version=assessment.version,
    )
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    assessment, _ = services.assessment_review_save(
        by=commune_police,
        scope=scope(commune_police),
        assessment=assessment,
        superior_scores={**SELF_SCORES, "QD510.CQ.7": 5},
        reasons={"QD510.CQ.7": DEDUCTION},
        expected_version=assessment.version,
    )
    return assessment, officer


def cycle_day(cycle):  # type: ignore[no-untyped-def]
    import datetime as dt

    return dt.date(cycle.year, 1, 20)


def fetch(client, user, assessment, doc: str, fmt: str) -> bytes:  # type: ignore[no-untyped-def]
    client.force_login(user)
    url = reverse("cycles:assessment_document", kwargs={"pk": assessment.pk, "doc": doc, "fmt": fmt})
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    return b"".join(response.streaming_content) if response.streaming else response.content


def docx_text(data: bytes) -> list[str]:
    """Every paragraph of the body and of its tables, in order."""
    opened = Document(io.BytesIO(data))
    lines = [p.text for p in opened.paragraphs]
    for table in opened.tables:
        for row in table.rows:
            for cell in row.cells:
                lines.extend(p.text for p in cell.paragraphs)
    return lines


def test_the_report_lists_each_criterion_with_notes_evidence_and_the_count(client, reviewed) -> None:
    assessment, officer = reviewed
    lines = docx_text(fetch(client, officer, assessment, "report", "docx"))
    text = "\n".join(lines)
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in lines
    assert "Độc lập - Tự do - Hạnh phúc" in lines
    assert "SỞ KẾ HOẠCH VÀ ĐẦU TƯ" in lines
    assert "BÁO CÁO" in lines
    assert "Kết quả xây dựng cơ quan đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2027" in lines
    assert any(line.startswith("1. Tiêu chí 1: ") for line in lines)
    assert any(line.startswith("5. Tiêu chí 5: ") for line in lines)
    assert NOTE in lines
    assert "- Nghị quyết số 01/KH ngày 20/01/2027 của Sở Kế hoạch và Đầu tư: Về nhiệm vụ năm" in lines
    assert "Như vậy, Sở Kế hoạch và Đầu tư đã triển khai đạt 05/05 tiêu chí" in text
    assert "Đề nghị Công an phường Quy Nhơn xét, đề xuất công nhận Sở Kế hoạch và Đầu tư" in text
    assert "Nơi nhận:" in lines
    assert "- Công an phường Quy Nhơn;" in lines


def test_the_score_sheet_has_both_columns_the_reason_and_the_totals(client, reviewed) -> None:
    assessment, officer = reviewed
    data = fetch(client, officer, assessment, "score-sheet", "docx")
    opened = Document(io.BytesIO(data))
    grid = next(t for t in opened.tables if "Điểm tự chấm" in [c.text for c in t.rows[0].cells])
    header = [cell.text for cell in grid.rows[0].cells]
    assert header == [
        "STT",
        "Tiêu chí",
        "Điểm tối đa",
        "Điểm tự chấm",
        "Điểm cấp trên chấm",
        "Lý do trừ điểm",
    ]
    rows = {row.cells[0].text: [cell.text for cell in row.cells] for row in grid.rows[1:]}
    assert rows["7"][3:] == ["10", "5", DEDUCTION]
    total = [cell.text for cell in grid.rows[-1].cells]
    assert total[1] == "Tổng cộng" and total[3] == "97" and total[4] == "92"
    text = "\n".join(docx_text(data))
    assert "Tổng điểm tự chấm: 97/100 điểm; tổng điểm cấp trên chấm: 92/100 điểm." in text
    assert "Xếp loại: " in text
    assert "BẢNG CHẤM ĐIỂM" in text


def test_the_pdfs_keep_the_diacritics_and_the_heading_is_drawn(client, reviewed, tmp_path) -> None:
    assessment, officer = reviewed
    report = fetch(client, officer, assessment, "report", "pdf")
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(report)).pages).split())
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Sở Kế hoạch và Đầu tư đã triển khai đạt 05/05 tiêu chí" in text
    sheet = fetch(client, officer, assessment, "score-sheet", "pdf")
    # Narrow columns wrap their headers: compare without whitespace.
    sheet_text = "".join("".join(page.extract_text() for page in PdfReader(io.BytesIO(sheet)).pages).split())
    assert (
        "Điểmcấptrênchấm" in sheet_text
        and "Tổngcộng" in sheet_text
        and DEDUCTION.replace(" ", "") in sheet_text
    )
    source = tmp_path / "report.pdf"
    source.write_bytes(report)
    subprocess.run(  # noqa: S603 - fixed arguments, a file this test wrote
        [
            "/usr/bin/pdftoppm",
            "-r",
            "50",
            "-png",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(source),
            str(tmp_path / "p"),
        ],
        check=True,
    )
    image = Image.open(tmp_path / "p.png").convert("L")
    heading = image.crop((0, 0, image.width, image.height // 6))
    dark = sum(1 for value in heading.get_flattened_data() if value < 128)
    assert dark > 500, "the heading (issuer, national name, motto) should be drawn at the top"


def test_a_provinces_template_changes_its_units_report(client, reviewed, admin, tree) -> None:
    assessment, officer = reviewed
    text = files.default_text("unit_criteria_report").replace(
        'closing: "$unit báo cáo gửi $superior tổng hợp./."',
        'closing: "$unit trân trọng báo cáo $superior./."',
    )
    template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="unit_criteria_report",
        content=text.encode(),
        by=admin,
    )
    lines = docx_text(fetch(client, officer, assessment, "report", "docx"))
    assert "Sở Kế hoạch và Đầu tư trân trọng báo cáo Công an phường Quy Nhơn./." in lines


def test_an_unknown_document_or_format_is_not_found(client, reviewed) -> None:
    assessment, officer = reviewed
    client.force_login(officer)
    for doc, fmt in (("minutes", "pdf"), ("report", "odt")):
        url = reverse("cycles:assessment_document", kwargs={"pk": assessment.pk, "doc": doc, "fmt": fmt})
        assert client.get(url).status_code == 404


def test_download_queries_do_not_grow_with_the_evidence(
    client, reviewed, django_assert_max_num_queries: Any
) -> None:
    assessment, officer = reviewed
    client.force_login(officer)
    url = reverse("cycles:assessment_document", kwargs={"pk": assessment.pk, "doc": "report", "fmt": "docx"})
    client.get(url)
    with django_assert_max_num_queries(60):
        client.get(url)


def strike(police, node, year: int) -> None:  # type: ignore[no-untyped-def]
    incident_record(
        by=police,
        scope=scope(police),
        node=node,
        data={
            "incident_type": "INC_ILLEGAL_STRIKE",
            "occurred_on": dt.date(year - 1, 11, 20),  # inside the cycle's window, as tests/cycles do
            "place": "Xưởng 2",
            "summary": "Ngừng việc tập thể trái pháp luật",
            "force_majeure": False,
            "timely_handled": False,
            "source": "police",
        },
    )


def test_an_approved_assessment_prints_what_was_approved_on_its_day(client, reviewed, commune_police) -> None:
    assessment, officer = reviewed
    assessment = services.assessment_approve(
        by=commune_police,
        scope=scope(commune_police),
        assessment=assessment,
        expected_version=assessment.version,
    )
    approved_at = dt.datetime(assessment.cycle.year, 12, 1, 9, 0, tzinfo=dt.UTC)
    Assessment.objects.filter(pk=assessment.pk).update(approved_at=approved_at)
    strike(commune_police, assessment.node, assessment.cycle.year)  # recorded after the approval
    report = "\n".join(docx_text(fetch(client, officer, assessment, "report", "docx")))
    assert "Sở Kế hoạch và Đầu tư đã triển khai đạt 05/05 tiêu chí" in report
    assert "Kết quả: chưa đạt." not in report
    assert f"ngày 01 tháng 12 năm {assessment.cycle.year}" in report
    sheet = "\n".join(docx_text(fetch(client, officer, assessment, "score-sheet", "docx")))
    assert "tổng điểm cấp trên chấm: 92/100 điểm." in sheet
    assert f"ngày 01 tháng 12 năm {assessment.cycle.year}" in sheet


def test_a_draft_is_printed_on_todays_records(client, tree, province_officer, commune_police) -> None:
    cycle, agency, officer = _registered_agency(tree, province_officer, commune_police)
    assessment = services.assessment_start(by=officer, scope=scope(officer), cycle=cycle, node=agency)
    assessment, _ = services.assessment_save_self(
        by=officer,
        scope=scope(officer),
        assessment=assessment,
        data={"answers": AGENCY_ANSWERS, "self_scores": SELF_SCORES, "self_reasons": PAPER_REASONS},
        expected_version=assessment.version,
    )
    strike(commune_police, agency, cycle.year)  # after the last save
    report = "\n".join(docx_text(fetch(client, officer, assessment, "report", "docx")))
    assert "đã triển khai đạt 04/05 tiêu chí" in report
    assert vietnamese_date(timezone.localdate()) in report


def test_the_report_writes_what_the_record_shows_without_internal_keys() -> None:
    from antq.cycles.documents import record_lines

    result = {
        "checks": [
            {
                "label_vi": "Có nghị quyết",
                "status": "passed",
                "reason": "Có nghị quyết: có — theo answers.TT124.1.a.",
            },
            {
                "label_vi": "Áp dụng riêng",
                "status": "not_applicable",
                "reason": "Áp dụng riêng: không áp dụng.",
            },
        ]
    }
    incidents = [{"label_vi": "Cháy nhà", "date": "2026-03-12", "status": "counted", "index": 0}]
    lines = record_lines(result, incidents)
    assert lines == ["- Có nghị quyết: có.", "- Ngày 12/03/2026: Cháy nhà (tính vào kết quả)."]
    assert not any("answers" in line or "incidents[" in line for line in lines)
