"""The demo reports: the home commune and others sent (one late), the province's prefilled."""

from __future__ import annotations

import pytest

from antq.accounts.roles import Role
from antq.org.choices import NodeKind
from antq.reports import selectors
from antq.reports.choices import ReportStatus
from antq.reports.demo import load_demo_reports
from antq.reports.models import Report
from tests import factories as f
from tests.reports.conftest import YEAR

pytestmark = pytest.mark.django_db


def test_demo_sends_the_communes_reports_and_prefills_the_provinces(
    tree, admin, province_officer, commune_police, six_month
):
    for n in range(2):
        f.node(NodeKind.COMMUNE, f"Xã Demo {n}", f"XD{n}", tree.province)
    year = YEAR - 1  # a past year: every replayed date is before today
    province_report = load_demo_reports(
        province=tree.province,
        home_commune=tree.commune,
        year=year,
        police=commune_police,
        officer=province_officer,
        admin=admin,
    )
    assert province_report is not None and province_report.status == ReportStatus.DRAFT
    sent = Report.objects.filter(definition=six_month, year=year, node__kind=NodeKind.COMMUNE)
    assert sent.count() == 4
    home = sent.get(node=tree.commune)
    assert home.submitted_by == commune_police and not home.is_late
    assert [r.is_late for r in sent.order_by("submitted_at")] == [False, False, False, True]
    assert sent.filter(status=ReportStatus.ACCEPTED).count() == 1
    assert province_report.children_reported == 4
    assert province_report.children_expected == 4
    assert province_report.statistics["units_commune"] == [4, None]
    board = selectors.board(six_month, year, tree.province)
    assert [(lv.on_time, lv.late) for lv in board.levels if lv.level == "commune"] == [(3, 1)]
    again = load_demo_reports(
        province=tree.province,
        home_commune=tree.commune,
        year=year,
        police=commune_police,
        officer=province_officer,
        admin=f.user_with_role("quantri2", Role.SYSTEM_ADMIN, tree.nation),
    )
    assert again is None
