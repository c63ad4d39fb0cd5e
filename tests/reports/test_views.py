"""The screens end to end: open, write, submit, accept / return with a reason, the list, the
report page with its per-child breakdown (constant queries), the board's XLSX, definitions."""

from __future__ import annotations

import io
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from antq.accounts.roles import Role
from antq.org.choices import NodeKind
from antq.reports.choices import ReportStatus
from antq.reports.models import Report, ReportDefinition
from tests import factories as f
from tests.reports.conftest import YEAR, send, start

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


def test_commune_police_open_write_and_submit_their_report(client, tree, commune_police, six_month):
    client.force_login(commune_police)
    url = reverse("reports:open", args=[six_month.pk, YEAR, tree.commune.pk])
    assert "Lập báo cáo" in client.get(url).content.decode()
    response = client.post(url)
    report = Report.objects.get(definition=six_month, year=YEAR, node=tree.commune)
    assert response.status_code == 302 and response["Location"] == reverse("reports:detail", args=[report.pk])
    assert client.get(url)["Location"] == reverse("reports:detail", args=[report.pk])  # opened again

    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Số khu dân cư" in page and "Tỷ lệ đơn vị đăng ký phong trào" in page

    edit = reverse("reports:edit", args=[report.pk])
    data = {"version": report.version, **{f"text_{i}": f"Phần {i}" for i in range(5)}}
    assert client.post(edit, data).status_code == 302
    stale = client.post(edit, data)  # the version the form saw is gone
    assert stale.status_code == 200 and "người khác thay đổi" in stale.content.decode()

    report.refresh_from_db()
    client.post(reverse("reports:submit", args=[report.pk]), {"version": report.version})
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert "Gửi cấp trên" not in client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert client.get(edit).status_code == 302  # immutable: sent back to the report


def test_return_without_a_reason_is_refused_then_with_one_is_done(
    client, tree, province_officer, commune_police, six_month
):
    report = send(commune_police, tree.commune, six_month)
    client.force_login(province_officer)
    url = reverse("reports:return", args=[report.pk])
    response = client.post(url, {"version": report.version, "reason": ""}, follow=True)
    assert "Vui lòng nêu lý do trả lại báo cáo." in response.content.decode()
    assert Report.objects.get(pk=report.pk).status == ReportStatus.SUBMITTED
    client.post(url, {"version": report.version, "reason": "Thiếu phần kiến nghị"})
    report.refresh_from_db()
    assert report.status == ReportStatus.RETURNED and report.return_reason == "Thiếu phần kiến nghị"
    client.force_login(commune_police)
    page = client.get(reverse("reports:detail", args=[report.pk])).content.decode()
    assert "Thiếu phần kiến nghị" in page


def test_lists_show_mine_and_received(client, tree, province_officer, commune_police, six_month):
    send(commune_police, tree.commune, six_month)
    start(province_officer, tree.province, six_month)
    client.force_login(province_officer)
    received = client.get(reverse("reports:list"), {"box": "received"}).content.decode()
    assert tree.commune.name in received and tree.province.name not in received.split("<table")[1]
    mine = client.get(reverse("reports:list"), {"box": "mine"}).content.decode()
    assert tree.province.name in mine.split("<table")[1] and tree.commune.name not in mine.split("<table")[1]


def _communes(province, n, definition):  # type: ignore[no-untyped-def]
    for _ in range(n):
        k = next(_codes)
        commune = f.node(NodeKind.COMMUNE, f"Xã Số {k}", f"XS{k:04d}", province)
        f.unit(commune, f"Thôn {k}", f"XS{k:04d}-KDC01")
        police = f.user_with_role(f"ca.xs{k}", Role.COMMUNE_POLICE, commune)
        if k % 2:
            send(police, commune, definition)


def test_the_parent_report_page_has_a_constant_number_of_queries(
    client, tree, province_officer, six_month, django_assert_max_num_queries
):
    _communes(tree.province, 2, six_month)
    report = start(province_officer, tree.province, six_month)
    client.force_login(province_officer)
    url = reverse("reports:detail", args=[report.pk])
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _communes(tree.province, 10, six_month)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert len(small) == len(large)
    with django_assert_max_num_queries(len(large)):
        client.get(url)
    page = response.content.decode()
    assert "Báo cáo của cấp dưới" in page and "Xã Số" in page


def test_board_xlsx_has_a_row_per_child_and_the_rates(
    client, tree, province_officer, commune_police, six_month
):
    send(commune_police, tree.commune, six_month)
    client.force_login(province_officer)
    url = reverse("reports:board_xlsx")
    response = client.get(url, {"definition": six_month.pk, "year": YEAR, "node": tree.province.pk})
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0][:3] == ["Đơn vị", "Mã", "Tình hình"]
    names = [row[0] for row in values[1:]]
    assert tree.commune.name in names and tree.sibling_commune.name in names
    rates = [row for row in values if str(row[0]).startswith("Cấp xã")]
    assert rates and rates[0][6] == 0.5


def test_a_province_officer_defines_a_report_in_the_form(client, tree, province_officer):
    client.force_login(province_officer)
    url = reverse("reports:definition_create")
    data = {
        "province": tree.province.pk,
        "title": "Báo cáo chuyên đề",
        "period_start": "01-01",
        "period_end": "09-30",
        "deadline_commune": "10-05",
        "sections": "Kết quả\nKiến nghị",
        "statistics": ["registered"],
        "is_active": "on",
    }
    bad = client.post(url, {**data, "deadline_commune": "31-10"})
    assert bad.status_code == 200 and "Hạn của cấp xã" in bad.content.decode()
    assert client.post(url, data).status_code == 302
    definition = ReportDefinition.objects.get(node=tree.province, title="Báo cáo chuyên đề")
    assert definition.deadlines == {"commune": "10-05"}
    edit = reverse("reports:definition_edit", args=[definition.pk])
    assert (
        client.post(
            edit, {**data, "version": definition.version, "title": "Báo cáo chuyên đề quý"}
        ).status_code
        == 302
    )
    definition.refresh_from_db()
    assert definition.title == "Báo cáo chuyên đề quý"
    listing = client.get(reverse("reports:definitions")).content.decode()
    assert "Báo cáo chuyên đề quý" in listing and "Báo cáo sơ kết 6 tháng" in listing
