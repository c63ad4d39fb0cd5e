"""The review's findings: who sums whom and who receives, snapshotted rows and deadlines, numbers
as officers write them, per-level wording from the province's template, the NĐ 30 subject and
national heading, and list exports limited to the job's node."""

from __future__ import annotations

import datetime as dt
import io

import docx
import pytest
from django.core.exceptions import PermissionDenied

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.doctemplates import files
from antq.doctemplates.services import template_upload
from antq.documents import render_docx
from antq.exports.models import ExportJob
from antq.org.choices import NodeKind
from antq.reports import selectors, services
from antq.reports.access import receives
from antq.reports.choices import Punctuality, ReportStatus
from antq.reports.documents import report_document, subject_of, wording
from antq.reports.exports import build_reports
from antq.reports.models import Report
from antq.reports.selectors import LevelRate
from antq.reports.statistics import Row, rows, sum_statistics
from tests import factories as f
from tests.reports.conftest import YEAR, at, local, send, start

pytestmark = pytest.mark.django_db


def _docx_text(report: Report) -> str:
    document = docx.Document(io.BytesIO(render_docx(report_document(report))))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts.extend(cell.text for row in table.rows for cell in row.cells)
    return "\n".join(parts)


# --- 1. Who sums whom, who receives --------------------------------------------------------


def test_a_province_sums_its_communes_and_the_units_it_manages(
    tree, province_officer, commune_police, six_month, django_assert_num_queries
):
    managed = f.unit(tree.province, "Trường THPT chuyên", "T52-CSGD01", kind=NodeKind.SCHOOL)
    managed_officer = f.user_with_role("thpt", Role.UNIT_OFFICER, managed)
    managed_report = send(managed_officer, managed, six_month)
    send(commune_police, tree.commune, six_month)
    report = start(province_officer, tree.province, six_month)
    assert (report.children_expected, report.children_reported) == (3, 2)  # two communes, one unit
    assert report.statistics["units_school"][0] == managed_report.statistics["units_school"][0] == 1
    # Constant queries whatever the number of children.
    report.refresh_from_db()
    services.snapshot(report)  # loads the definition and the node once
    with django_assert_num_queries(4):
        services.snapshot(report)
    for n in range(3):
        f.unit(tree.province, f"Trường {n}", f"T52-CSGD1{n}", kind=NodeKind.SCHOOL)
    with django_assert_num_queries(4):
        services.snapshot(report)


def test_the_receiving_level_reviews(tree, province_officer, commune_police, unit_officer, six_month):
    unit_report = send(unit_officer, tree.unit, six_month)
    commune_report = send(commune_police, tree.commune, six_month)
    assert receives(Scope.for_user(commune_police), unit_report)
    assert not receives(Scope.for_user(province_officer), unit_report)  # sent to the commune
    assert receives(Scope.for_user(province_officer), commune_report)
    assert not receives(Scope.for_user(commune_police), commune_report)
    received = selectors.report_list(
        scope=Scope.for_user(province_officer), filters=selectors.ReportFilters(box="received")
    )
    assert list(received) == [commune_report]
    # A unit the province manages sends to the province, whose officer takes it in.
    managed = f.unit(tree.province, "Trường THPT chuyên", "T52-CSGD01", kind=NodeKind.SCHOOL)
    managed_report = send(f.user_with_role("thpt", Role.UNIT_OFFICER, managed), managed, six_month)
    assert receives(Scope.for_user(province_officer), managed_report)
    assert not receives(Scope.for_user(commune_police), managed_report)
    with pytest.raises(PermissionDenied):
        services.report_accept(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            report=managed_report,
            expected_version=managed_report.version,
        )


# --- 2. Snapshots ---------------------------------------------------------------------------


def test_a_sent_report_keeps_its_rows_and_deadline_when_the_definition_changes(
    tree, commune_police, unit_officer, six_month
):
    with at(local(YEAR, 7, 5)):  # the unit's deadline day: on time
        unit_report = send(unit_officer, tree.unit, six_month)
    six_month.deadlines = {**six_month.deadlines, "unit": "07-01"}
    six_month.statistics = [*six_month.statistics[:2], "units_enterprise"]
    six_month.save()
    unit_report = Report.objects.select_related("definition", "node").get(pk=unit_report.pk)
    assert unit_report.due_on == dt.date(YEAR, 7, 5)
    assert not unit_report.is_late and selectors.punctuality(unit_report) == Punctuality.ON_TIME
    assert len(unit_report.statistic_rows()) == 13  # its own rows, not the definition's 3
    rates = selectors.level_rates(six_month, YEAR, tree.commune)
    assert [(r.level, r.on_time, r.late) for r in rates] == [("unit", 1, 0)]


def test_a_row_a_child_lacks_prints_a_dash_and_makes_the_sum_incomplete(
    tree, commune_police, unit_officer, six_month
):
    unit_report = send(unit_officer, tree.unit, six_month)
    stats = dict(unit_report.statistics)
    del stats["inspections"]
    Report.objects.filter(pk=unit_report.pk).update(statistics=stats)
    report = start(commune_police, tree.commune, six_month)
    assert report.lacking == {"inspections": [tree.unit.name]}
    row = next(r for r in report.statistic_rows() if r.key == "inspections")
    assert "Tổ dân phố 1" in row.note and row.note.startswith("Chưa đủ")
    assert rows(stats, ["inspections"])[0].text == "—"
    total, lacking = sum_statistics([("A", {"inspections": [2, None]}), ("B", {})], ["inspections"])
    assert total == {"inspections": [2, None]} and lacking == {"inspections": ["B"]}
    assert "Chưa đủ: thiếu số liệu của Tổ dân phố 1" in _docx_text(report)


# --- 3. Numbers -----------------------------------------------------------------------------


def test_shares_round_half_up_with_vietnamese_separators():
    assert Row("registered", "Đăng ký", 49, 400).text == "49/400 (12,3%)"  # 12,25 → 12,3
    assert Row("registered", "Đăng ký", 1250, 2000).text == "1.250/2.000 (62,5%)"
    assert Row("training_classes", "Lớp", 12500, None).text == "12.500"
    rate = LevelRate(level="unit", deadline=None, expected=400, on_time=49, late=0, returned=0)
    assert rate.rate_text == rate.on_time_text == "12,3%"


def test_the_board_says_excel(client, tree, province_officer, six_month):
    client.force_login(province_officer)
    page = client.get("/reports/board/", {"definition": six_month.pk, "year": YEAR, "node": tree.province.pk})
    body = page.content.decode()
    assert "Tải Excel" in body and "Tải XLSX" not in body


# --- 4 and 5. Wording per level, NĐ 30 subject and heading ----------------------------------


def test_a_provinces_template_changes_its_province_report(tree, admin, province_officer, six_month):
    report = start(province_officer, tree.province, six_month)
    assert wording(report)["signer_title"] == "GIÁM ĐỐC"
    text = files.default_text("periodic_report")
    old = '    signer_title: "GIÁM ĐỐC"'
    assert old in text
    template_upload(
        scope=Scope.for_user(admin),
        province=tree.province,
        kind="periodic_report",
        content=text.replace(old, '    signer_title: "PHÓ GIÁM ĐỐC"').encode(),
        by=admin,
    )
    words = wording(report)
    assert words["signer_title"] == "PHÓ GIÁM ĐỐC"
    assert (words["issuer_parent"], words["issuer"]) == ("BỘ CÔNG AN", "CÔNG AN TỈNH GIA LAI")
    assert "PHÓ GIÁM ĐỐC" in _docx_text(report)
    other = start(
        f.user_with_role("qt2", Role.PROVINCE_OFFICER, tree.other_province), tree.other_province, six_month
    )
    assert wording(other)["signer_title"] == "GIÁM ĐỐC"


def test_the_subject_does_not_repeat_bao_cao_and_the_nation_signs_as_v05(tree, admin, six_month):
    assert subject_of(six_month.title, 2026) == (
        "Sơ kết 6 tháng phong trào toàn dân bảo vệ an ninh Tổ quốc năm 2026"
    )
    national = start(admin, tree.nation, six_month)
    words = wording(national)
    assert words["issuer_parent"] == "BỘ CÔNG AN"
    assert words["issuer"] == "CỤC XÂY DỰNG PHONG TRÀO BẢO VỆ AN NINH TỔ QUỐC"
    assert words["signer_title"] == "CỤC TRƯỞNG"
    document = report_document(national)
    assert document.kind == "BÁO CÁO" and not document.subject.lower().startswith("báo cáo")


def test_a_unit_report_takes_the_unit_wording(tree, unit_officer, six_month):
    words = wording(start(unit_officer, tree.unit, six_month))
    assert words["issuer"] == "TỔ DÂN PHỐ 1, PHƯỜNG QUY NHƠN" and words["issuer_parent"] == ""
    assert words["lead_in"].startswith("Tổ dân phố 1, phường Quy Nhơn báo cáo")
    assert words["recipients"][0] == "Công an phường Quy Nhơn (để báo cáo)"


# --- 6. Exports follow the job's node -------------------------------------------------------


def test_the_list_export_keeps_to_the_jobs_node(tree, admin, commune_police, six_month):
    mine = send(commune_police, tree.commune, six_month)
    sibling_police = f.user_with_role("ts", Role.COMMUNE_POLICE, tree.sibling_commune)
    send(sibling_police, tree.sibling_commune, six_month)
    job = ExportJob.objects.create(
        created_by=admin, node=tree.commune, kind="reports", label="Danh sách", params={}
    )
    table = build_reports(job, lambda done, total: None)
    listed = list(table.rows)
    assert table.total == 1 and len(listed) == 1
    assert listed[0][2] == mine.node.code and listed[0][4] == str(ReportStatus.SUBMITTED.label)
