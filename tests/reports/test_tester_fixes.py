"""The tester's findings: a draft shows the figures of now (not of its last save), the period in
Vietnamese dates everywhere people read it (the API keeps ISO), the figures said to be the year to
date when taken, and a province officer receiving only the units it manages."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from openpyxl import load_workbook
from rest_framework.test import APIClient

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.documents import render_docx
from antq.org.choices import NodeKind
from antq.reports import services
from antq.reports.choices import ReportStatus
from antq.reports.documents import report_document
from antq.reports.models import Report
from tests import factories as f
from tests.reports.conftest import YEAR, send, start

pytestmark = pytest.mark.django_db

PERIOD = f"01/01/{YEAR} – 30/06/{YEAR}"
# The report page of a province's draft, its figures taken again (whatever the number of children).
QUERIES = 15


def _return(officer, report: Report) -> Report:  # type: ignore[no-untyped-def]
    report.refresh_from_db()
    return services.report_return(
        by=officer,
        scope=Scope.for_user(officer),
        report=report,
        reason="Bổ sung số liệu",
        expected_version=report.version,
    )


def test_a_province_draft_shows_the_figures_of_now_when_opened(
    client, tree, province_officer, commune_police, six_month, django_assert_num_queries
):
    commune_report = send(commune_police, tree.commune, six_month)
    report = start(province_officer, tree.province, six_month)
    expected = report.children_expected
    assert report.children_reported == 1
    _return(province_officer, commune_report)

    client.force_login(province_officer)
    url = reverse("reports:detail", args=[report.pk])
    client.get(url)  # warms the caches of the session and the menu
    with django_assert_num_queries(QUERIES):
        page = client.get(url).content.decode()
    assert f"Cộng từ báo cáo đã gửi của 0/{expected} cấp dưới" in page
    assert "Số liệu tính lúc" in page
    report.refresh_from_db()
    assert report.children_reported == 1  # nothing was written by reading the page

    # The count stays the same whatever the number of children.
    for n in range(4):
        f.unit(tree.province, f"Trường {n}", f"T52-CSGD2{n}", kind=NodeKind.SCHOOL)
    with django_assert_num_queries(QUERIES):
        page = client.get(url).content.decode()
    assert f"Cộng từ báo cáo đã gửi của 0/{expected + 4} cấp dưới" in page


def test_a_sent_report_keeps_the_figures_it_was_sent_with(
    client, tree, province_officer, commune_police, six_month
):
    send(commune_police, tree.commune, six_month)
    report = send(province_officer, tree.province, six_month)
    f.unit(tree.province, "Trường mới", "T52-CSGD30", kind=NodeKind.SCHOOL)
    client.force_login(province_officer)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert f"Cộng từ báo cáo đã gửi của 1/{report.children_expected} cấp dưới" in page


def test_the_draft_documents_and_the_api_follow_the_children_too(
    client, tree, province_officer, commune_police, six_month
):
    commune_report = send(commune_police, tree.commune, six_month)
    report = start(province_officer, tree.province, six_month)
    _return(province_officer, commune_report)
    client.force_login(province_officer)
    response = client.get(reverse("reports:docx", args=[report.pk]))
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"tổng hợp báo cáo của 0/{report.children_expected} cấp dưới" in text

    api = APIClient()
    api.force_authenticate(province_officer)
    body = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert body["children_reported"] == 0


def test_the_period_reads_in_vietnamese_dates_on_the_pages(
    client, tree, province_officer, commune_police, six_month, annual
):
    report = send(commune_police, tree.commune, six_month)
    client.force_login(commune_police)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert PERIOD in page and "01-01" not in page and "06-30" not in page
    day = report.computed_at.astimezone().strftime("%d/%m/%Y")  # type: ignore[union-attr]
    assert f"Số liệu tính đến ngày {day}" in page and f"cộng dồn từ đầu năm {YEAR}" in page

    opening = client.get(reverse("reports:open", args=[annual.pk, YEAR, tree.commune.pk])).content.decode()
    assert f"01/01/{YEAR} – 31/12/{YEAR}" in opening
    client.force_login(province_officer)
    board = client.get(
        reverse("reports:board"), {"definition": six_month.pk, "year": YEAR, "node": tree.province.pk}
    )
    assert PERIOD in board.content.decode()
    definitions = client.get(reverse("reports:definitions")).content.decode()
    assert "01/01 – 30/06" in definitions and "06-30" not in definitions


def test_the_document_and_the_xlsx_name_the_period_and_the_day_of_the_figures(
    client, tree, province_officer, commune_police, six_month
):
    report = send(commune_police, tree.commune, six_month)
    document = docx.Document(io.BytesIO(render_docx(report_document(report))))
    text = "\n".join(p.text for p in document.paragraphs)
    day = report.computed_at.astimezone().strftime("%d/%m/%Y")  # type: ignore[union-attr]
    assert f"Kỳ báo cáo {PERIOD}" in text
    assert f"Số liệu tính đến ngày {day} (cộng dồn từ đầu năm {YEAR}" in text

    client.force_login(province_officer)
    response = client.get(
        reverse("reports:board_xlsx"), {"definition": six_month.pk, "year": YEAR, "node": tree.province.pk}
    )
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][-1] == "Kỳ báo cáo"
    assert {row[-1] for row in values[1:]} == {PERIOD}

    api = APIClient()
    api.force_authenticate(commune_police)
    body = api.get(f"/api/v1/reports/{report.pk}/").json()
    assert PERIOD not in str(body)  # the API keeps ISO dates


def test_a_province_officer_receives_the_units_it_manages_only(
    tree, province_officer, unit_officer, six_month
):
    managed = f.unit(tree.province, "Trường THPT chuyên", "T52-CSGD01", kind=NodeKind.SCHOOL)
    managed_officer = f.user_with_role("thpt", Role.UNIT_OFFICER, managed)
    managed_report = send(managed_officer, managed, six_month)
    scope = Scope.for_user(province_officer)
    done = services.report_accept(
        by=province_officer, scope=scope, report=managed_report, expected_version=managed_report.version
    )
    assert done.status == ReportStatus.ACCEPTED
    commune_unit_report = send(unit_officer, tree.unit, six_month)
    with pytest.raises(PermissionDenied):
        services.report_accept(
            by=province_officer,
            scope=scope,
            report=commune_unit_report,
            expected_version=commune_unit_report.version,
        )
