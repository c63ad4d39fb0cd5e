"""Writing, submitting and reviewing reports through the services, and the parent's prefill."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.audit.models import AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.org.choices import NodeKind
from antq.reports import services
from antq.reports.choices import ReportStatus
from antq.reports.models import Report
from antq.reports.statistics import own_statistics, sum_statistics
from tests import factories as f
from tests.reports.conftest import YEAR, send, start, submit, write

pytestmark = pytest.mark.django_db


def test_a_units_report_has_the_definitions_sections_and_its_own_figures(tree, unit_officer, six_month):
    report = start(unit_officer, tree.unit, six_month)
    assert [item["heading"] for item in report.narratives] == six_month.sections
    assert report.statistics == own_statistics(tree.unit, YEAR, six_month.statistics)
    assert report.statistics["units_residential_area"] == [1, None]
    assert report.children_expected is None
    assert report.row_keys[0] == ["units_commune", "Số xã, phường, đặc khu"]
    assert report.due_on == six_month.deadline_for("unit", YEAR)
    assert start(unit_officer, tree.unit, six_month).pk == report.pk  # opened again, not duplicated


def test_a_communes_report_is_the_sum_of_its_units_reports(tree, commune_police, unit_officer, six_month):
    """The commune's units write this report: the commune adds up theirs (plus its own record)."""
    report = start(commune_police, tree.commune, six_month)
    assert (report.children_expected, report.children_reported) == (2, 0)
    # Only the commune's own record so far: its units have not reported.
    assert report.statistics["units_commune"] == [1, None]
    assert report.statistics["units_residential_area"] == [0, None]
    send(unit_officer, tree.unit, six_month)
    school_officer = f.user_with_role("truong", Role.UNIT_OFFICER, tree.school)
    send(school_officer, tree.school, six_month)
    report = write(commune_police, report)
    assert (report.children_expected, report.children_reported) == (2, 2)
    # Every unit reported: the sum equals the direct count of the commune's subtree.
    assert report.statistics == own_statistics(tree.commune, YEAR, six_month.statistics)
    assert report.statistics["units_residential_area"] == [1, None]
    assert report.statistics["units_school"] == [1, None]
    assert start(commune_police, tree.commune, six_month).pk == report.pk  # opened again, not duplicated


def test_only_the_level_that_writes_may_start_it(tree, commune_police, unit_officer, six_month):
    with pytest.raises(PermissionDenied):
        start(commune_police, tree.unit, six_month)  # the commune police review units, never write for them
    with pytest.raises(PermissionDenied):
        start(unit_officer, tree.commune, six_month)
    assert start(unit_officer, tree.unit, six_month).node == tree.unit


def test_submit_needs_every_section_written(tree, commune_police, six_month):
    report = start(commune_police, tree.commune, six_month)
    with pytest.raises(ValidationError) as exc:
        submit(commune_police, report)
    assert "Tình hình chung" in " ".join(exc.value.messages)
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT


def test_a_submitted_report_is_immutable(tree, commune_police, six_month):
    report = send(commune_police, tree.commune, six_month)
    assert report.status == ReportStatus.SUBMITTED and report.submitted_at is not None
    with pytest.raises(DomainError):
        write(commune_police, report, "Sửa sau khi gửi")
    with pytest.raises(DomainError):
        submit(commune_police, report)
    assert Report.objects.get(pk=report.pk).narratives[0]["text"] == "Nội dung 1."


def test_a_stale_version_is_refused_and_nothing_is_written(tree, commune_police, six_month):
    report = write(commune_police, start(commune_police, tree.commune, six_month))
    with pytest.raises(ConcurrentEditError):
        services.report_update(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            report=report,
            texts=["x"] * len(report.narratives),
            expected_version=report.version - 1,
        )
    with pytest.raises(ConcurrentEditError):
        services.report_submit(
            by=commune_police,
            scope=Scope.for_user(commune_police),
            report=report,
            expected_version=report.version - 1,
        )
    assert Report.objects.get(pk=report.pk).narratives[0]["text"] == "Nội dung 1."


def test_returning_needs_a_reason_then_the_writer_corrects_and_resends(
    tree, province_officer, commune_police, six_month
):
    report = send(commune_police, tree.commune, six_month)
    scope = Scope.for_user(province_officer)
    with pytest.raises(ValidationError):
        services.report_return(
            by=province_officer, scope=scope, report=report, reason="  ", expected_version=report.version
        )
    returned = services.report_return(
        by=province_officer,
        scope=scope,
        report=report,
        reason="Thiếu số liệu",
        expected_version=report.version,
    )
    assert returned.status == ReportStatus.RETURNED and returned.return_reason == "Thiếu số liệu"
    event = AuditEvent.objects.filter(object_id=str(report.pk), action="transition").latest("at")
    assert event.reason == "Thiếu số liệu"
    first = returned.submitted_at
    again = submit(commune_police, write(commune_police, returned, "Đã bổ sung"))
    assert again.status == ReportStatus.SUBMITTED
    assert again.submitted_at == first  # lateness is judged by the first submission
    assert again.last_submitted_at >= first
    accepted = services.report_accept(
        by=province_officer, scope=scope, report=again, expected_version=again.version
    )
    assert accepted.status == ReportStatus.ACCEPTED and accepted.reviewed_by == province_officer


def test_reviewers_act_only_on_the_level_below(
    tree, province_officer, commune_police, unit_officer, six_month
):
    unit_report = send(unit_officer, tree.unit, six_month)
    with pytest.raises(PermissionDenied):
        services.report_accept(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            report=unit_report,
            expected_version=unit_report.version,
        )
    done = services.report_accept(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        report=unit_report,
        expected_version=unit_report.version,
    )
    assert done.status == ReportStatus.ACCEPTED
    province_report = send(province_officer, tree.province, six_month)
    with pytest.raises(PermissionDenied):  # a province does not accept its own report
        services.report_accept(
            by=province_officer,
            scope=Scope.for_user(province_officer),
            report=province_report,
            expected_version=province_report.version,
        )


def test_the_province_report_is_the_sum_of_its_communes_received_reports(
    tree, admin, province_officer, six_month
):
    """Several communes with different unit counts: two submitted, one accepted, one returned, one
    still a draft and one never started. Only the three received ones are added up."""
    communes = [tree.commune, tree.sibling_commune]
    for n in range(4):
        commune = f.node(NodeKind.COMMUNE, f"Xã Thử {n}", f"X9{n:04d}", tree.province)
        for k in range(n + 1):
            f.unit(commune, f"Thôn {k}", f"X9{n:04d}-KDC{k:02d}")
        f.unit(commune, "Công ty A", f"X9{n:04d}-DN01", kind=NodeKind.ENTERPRISE)
        communes.append(commune)
    police = [f.user_with_role(f"ca.{c.code}", Role.COMMUNE_POLICE, c) for c in communes]
    reports = [send(police[i], communes[i], six_month) for i in range(4)]
    admin_scope = Scope.for_user(province_officer)
    services.report_accept(
        by=province_officer, scope=admin_scope, report=reports[0], expected_version=reports[0].version
    )
    services.report_return(
        by=province_officer,
        scope=admin_scope,
        report=reports[3],
        reason="Sai",
        expected_version=reports[3].version,
    )
    write(police[4], start(police[4], communes[4], six_month))  # a draft: not received
    received = Report.objects.filter(pk__in=[r.pk for r in reports[:3]])

    province_report = start(province_officer, tree.province, six_month)

    expected, lacking = sum_statistics([(r.node.name, r.statistics) for r in received], six_month.statistics)
    assert province_report.statistics == expected and lacking == {}
    for key in six_month.statistics:  # the sum, row by row, of what each commune sent
        numerators = [r.statistics[key][0] for r in received]
        assert province_report.statistics[key][0] == sum(numerators)
    assert province_report.statistics["units_commune"] == [3, None]
    # The communes' units sent nothing: each commune reports its own record only.
    assert province_report.statistics["units_residential_area"] == [0, None]
    assert province_report.children_expected == 6
    assert province_report.children_reported == 3


def test_the_province_sum_follows_the_childrens_reports_at_each_save(
    tree, province_officer, commune_police, six_month
):
    report = start(province_officer, tree.province, six_month)
    assert report.children_reported == 0
    assert report.statistics["units_commune"] == [0, None]
    send(commune_police, tree.commune, six_month)
    report = write(province_officer, report)
    assert report.children_reported == 1
    assert report.statistics["units_commune"] == [1, None]


def test_a_report_for_a_node_that_does_not_write_it_is_refused(tree, admin, six_month):
    district_free = f.node(NodeKind.DISTRICT, "Huyện cũ", "H01", tree.province)
    with pytest.raises(DomainError):
        start(admin, district_free, six_month)


def test_province_defines_its_own_report_which_applies_only_there(
    tree, province_officer, other_province_officer
):
    scope = Scope.for_user(province_officer)
    data = {
        "title": "Báo cáo quý",
        "period_start": "01-01",
        "period_end": "03-31",
        "deadlines": {"commune": "04-05", "unit": ""},
        "sections": "Kết quả\nKiến nghị",
        "statistics": ["registered", "units_commune"],
    }
    definition = services.definition_save(by=province_officer, scope=scope, province=tree.province, data=data)
    assert definition.deadlines == {"commune": "04-05"}
    assert definition.sections == ["Kết quả", "Kiến nghị"]
    assert definition.statistics == ["units_commune", "registered"]
    assert definition.applies_to(tree.commune) and definition.applies_to(tree.province)
    assert not definition.applies_to(tree.other_commune) and not definition.applies_to(tree.unit)
    with pytest.raises(PermissionDenied):
        services.definition_save(
            by=other_province_officer,
            scope=Scope.for_user(other_province_officer),
            definition=definition,
            data=data,
        )
    with pytest.raises(ValidationError) as exc:
        services.definition_save(
            by=province_officer,
            scope=scope,
            definition=definition,
            data={**data, "period_end": "13-01", "deadlines": {}},
        )
    assert set(exc.value.message_dict) == {"period_end", "deadlines"}


@pytest.fixture
def other_province_officer(tree):  # type: ignore[no-untyped-def]
    return f.user_with_role("tinh.khac", Role.PROVINCE_OFFICER, tree.other_province)


def test_the_nation_sums_its_provinces_reports(tree, admin, province_officer, commune_police, six_month):
    send(commune_police, tree.commune, six_month)
    send(province_officer, tree.province, six_month)
    national = start(admin, tree.nation, six_month)
    assert (national.children_expected, national.children_reported) == (2, 1)
    assert national.statistics["units_commune"] == [1, None]
    assert national.deadline is None and not national.is_late
