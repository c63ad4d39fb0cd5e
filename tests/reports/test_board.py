"""The reporting board: each child on time / late / returned / missing, and the rates per level,
compared with a direct count; its query count does not grow with the number of children."""

from __future__ import annotations

import itertools
from fractions import Fraction

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.org.choices import UNIT_KINDS, NodeKind
from antq.reports import selectors, services
from antq.reports.choices import Punctuality, ReportStatus
from antq.reports.models import Report, ReportDefinition
from tests import factories as f
from tests.reports.conftest import YEAR, at, local, send, start, write

pytestmark = pytest.mark.django_db
_codes = itertools.count(1)


@pytest.fixture
def quarterly(tree, province_officer) -> ReportDefinition:  # type: ignore[no-untyped-def]
    """The province's own report: units by 20/6, communes by 30/6."""
    return services.definition_save(
        by=province_officer,
        scope=Scope.for_user(province_officer),
        province=tree.province,
        data={
            "title": "Báo cáo 6 tháng của tỉnh",
            "period_start": "01-01",
            "period_end": "06-15",
            "deadlines": {"unit": "06-20", "commune": "06-30"},
            "sections": "Kết quả",
            "statistics": ["registered", "units_residential_area"],
        },
    )


def _commune(province):  # type: ignore[no-untyped-def]
    n = next(_codes)
    commune = f.node(NodeKind.COMMUNE, f"Xã Mới {n}", f"XM{n:04d}", province)
    unit = f.unit(commune, f"Thôn {n}", f"XM{n:04d}-KDC01")
    police = f.user_with_role(f"ca.xm{n}", Role.COMMUNE_POLICE, commune)
    officer = f.user_with_role(f"dv.xm{n}", Role.UNIT_OFFICER, unit)
    return commune, unit, police, officer


def _play(definition, province, province_officer, count):  # type: ignore[no-untyped-def]
    """`count` communes, cycling through: on time, late, returned, draft, never started; each
    commune's unit sends on time or late alternately."""
    for i in range(count):
        commune, unit, police, officer = _commune(province)
        with at(local(YEAR, 6, 10 if i % 2 == 0 else 25)):
            send(officer, unit, definition)
        state = i % 5
        if state in (0, 2):
            with at(local(YEAR, 6, 28)):
                report = send(police, commune, definition)
            if state == 2:
                services.report_return(
                    by=province_officer,
                    scope=Scope.for_user(province_officer),
                    report=report,
                    reason="Thiếu",
                    expected_version=report.version,
                )
        elif state == 1:
            with at(local(YEAR, 7, 2)):
                send(police, commune, definition)
        elif state == 3:
            write(police, start(police, commune, definition))


def _direct(definition: ReportDefinition, kinds: set[str], deadline) -> dict[str, int]:  # type: ignore[no-untyped-def]
    """On time / late / returned counted one report at a time, without the selectors."""
    out = {"on_time": 0, "late": 0, "returned": 0}
    for report in Report.objects.filter(definition=definition, year=YEAR).select_related("node"):
        if report.node.kind not in kinds:
            continue
        if report.status == ReportStatus.RETURNED:
            out["returned"] += 1
        elif report.status in (ReportStatus.SUBMITTED, ReportStatus.ACCEPTED):
            sent = report.submitted_at.astimezone(local(YEAR, 1, 1).tzinfo).date()
            out["on_time" if sent <= deadline else "late"] += 1
    return out


def test_board_counts_and_rates_equal_a_direct_count(tree, province_officer, quarterly):
    _play(quarterly, tree.province, province_officer, 10)
    board = selectors.board(quarterly, YEAR, tree.province)

    communes = board.levels[0]
    assert communes.level == "commune"
    direct = _direct(quarterly, {NodeKind.COMMUNE}, quarterly.deadline_for("commune", YEAR))
    assert (communes.on_time, communes.late, communes.returned) == (
        direct["on_time"],
        direct["late"],
        direct["returned"],
    )
    assert (communes.on_time, communes.late, communes.returned) == (2, 2, 2)
    assert communes.expected == 12  # the tree's two communes and ten new ones
    assert communes.missing == 12 - 6
    assert communes.rate == Fraction(4, 12)
    assert communes.on_time_rate == Fraction(2, 12)

    units = board.levels[1]
    assert units.level == "unit"
    direct = _direct(quarterly, set(UNIT_KINDS), quarterly.deadline_for("unit", YEAR))
    assert (units.on_time, units.late, units.returned) == (direct["on_time"], direct["late"], 0)
    assert (units.on_time, units.late) == (5, 5)
    # The tree's units (Quy Nhơn: a residential area and a school; Tây Sơn: one), one per new commune.
    assert units.expected == 3 + 10

    states = {row.node.name: row.state for row in board.rows}
    assert states[tree.commune.name] == Punctuality.MISSING
    assert sorted(states.values()).count(Punctuality.ON_TIME) == 2
    assert sorted(states.values()).count(Punctuality.RETURNED) == 2
    past_deadline = timezone.localdate() > local(YEAR, 6, 30).date()
    assert {row.overdue for row in board.rows if row.state == Punctuality.MISSING} == {past_deadline}


def test_a_commune_board_lists_its_units(tree, commune_police, unit_officer, quarterly):
    with at(local(YEAR, 6, 1)):
        send(unit_officer, tree.unit, quarterly)
    board = selectors.board(quarterly, YEAR, tree.commune)
    assert [(r.node, r.state) for r in board.rows] == [
        (tree.unit, Punctuality.ON_TIME),
        (tree.school, Punctuality.MISSING),
    ]
    assert [(lv.level, lv.expected, lv.on_time) for lv in board.levels] == [("unit", 2, 1)]


def _queries(definition, node) -> int:  # type: ignore[no-untyped-def]
    with CaptureQueriesContext(connection) as captured:
        board = selectors.board(definition, YEAR, node)
        for row in board.rows:  # what the template reads
            _ = (row.state_label, row.report and row.report.submitted_at)
    return len(captured)


def test_board_queries_do_not_grow_with_the_children(tree, province_officer, quarterly):
    _play(quarterly, tree.province, province_officer, 2)
    small = _queries(quarterly, tree.province)
    _play(quarterly, tree.province, province_officer, 8)
    large = _queries(quarterly, tree.province)
    assert small == large == 5


def test_the_board_page_answers_with_constant_queries(
    client, tree, province_officer, quarterly, django_assert_max_num_queries
):
    client.force_login(province_officer)
    _play(quarterly, tree.province, province_officer, 2)
    url = f"/reports/board/?definition={quarterly.pk}&year={YEAR}&node={tree.province.pk}"
    with CaptureQueriesContext(connection) as small:
        assert client.get(url).status_code == 200
    _play(quarterly, tree.province, province_officer, 8)
    with CaptureQueriesContext(connection) as large:
        response = client.get(url)
    assert response.status_code == 200
    assert len(small) == len(large)
    with django_assert_max_num_queries(len(large)):
        client.get(url)
    assert "Xã Mới" in response.content.decode()
