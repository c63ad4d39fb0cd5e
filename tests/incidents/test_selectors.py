"""What the register feeds into the engine: the fact-sheet incidents of a window, the window itself,
and each incident's effect on the criteria, read back from the engine."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.contrib.auth.models import User

from antq.accounts.scope import Scope
from antq.criteria.evaluation import FrameworksNotLoaded, evaluate_stored
from antq.incidents import services
from antq.incidents.selectors import (
    evaluation_window,
    evaluation_year,
    incident_effects,
    incident_revisions,
    incidents_for_facts,
)
from antq.org.choices import EducationLevel, NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.conftest import Tree
from tests.criteria.helpers import full_scores, passing_facts

from .conftest import RecordFn

pytestmark = pytest.mark.django_db

D = dt.date


# --- incidents_for_facts ------------------------------------------------------------------------


def test_incidents_for_facts_takes_both_ends_of_the_window_and_nothing_outside(
    tree: Tree, record: RecordFn, django_assert_num_queries: Any
) -> None:
    for day in (D(2024, 10, 31), D(2024, 11, 1), D(2025, 10, 31), D(2025, 11, 1)):
        record(tree.unit, occurred_on=day)
    with django_assert_num_queries(1):
        rows = incidents_for_facts(node=tree.unit, start=D(2024, 11, 1), end=D(2025, 10, 31))
    assert [r["date"] for r in rows] == ["2024-11-01", "2025-10-31"]


def test_incidents_for_facts_speaks_the_engine_format(tree: Tree, record: RecordFn) -> None:
    incident = record(tree.unit, timely_handled=True)
    [row] = incidents_for_facts(node=tree.unit, start=D(2025, 1, 1), end=D(2025, 12, 31))
    assert row == {
        "id": str(incident.pk),
        "type": "INC_SERIOUS_CRIME",
        "date": "2025-05-02",
        "force_majeure": False,
        "timely_handled": True,
        "description": "Đường Lê Lợi: Cướp tài sản, đã khởi tố vụ án.",
        "unit": "Tổ dân phố 1, phường Quy Nhơn",
    }


def test_a_commune_gets_its_own_incidents_and_those_of_every_unit_under_it(
    tree: Tree, record: RecordFn, province_officer: User, django_assert_num_queries: Any
) -> None:
    record(tree.commune, place="Quảng trường")
    record(tree.unit, place="Tổ 1")
    record(tree.school, place="Trường", incident_type="INC_SCHOOL_VIOLENCE")
    record(tree.sibling_unit, by=province_officer, place="Xã bên cạnh")
    with django_assert_num_queries(1):
        commune = incidents_for_facts(node=tree.commune, start=D(2024, 11, 16), end=D(2025, 11, 15))
    assert sorted(r["description"].split(":")[0] for r in commune) == ["Quảng trường", "Trường", "Tổ 1"]
    unit = incidents_for_facts(node=tree.unit, start=D(2024, 11, 16), end=D(2025, 11, 15))
    assert [r["description"].split(":")[0] for r in unit] == ["Tổ 1"]


def test_only_current_standing_revisions_are_fed(tree: Tree, record: RecordFn, commune_police: User) -> None:
    scope = Scope.for_user(commune_police)
    corrected = record(tree.unit)
    services.incident_correct(
        by=commune_police,
        scope=scope,
        incident=corrected,
        data={"timely_handled": True},
        reason="Đã xử lý kịp thời",
        expected_revision=1,
    )
    withdrawn = record(tree.unit, occurred_on=D(2025, 6, 1))
    services.incident_withdraw(
        by=commune_police, scope=scope, incident=withdrawn, reason="Ghi nhầm", expected_revision=1
    )
    rows = incidents_for_facts(node=tree.unit, start=D(2024, 11, 1), end=D(2025, 10, 31))
    assert [(r["date"], r["timely_handled"]) for r in rows] == [("2025-05-02", True)]


# --- evaluation_window ------------------------------------------------------------------------


def test_windows_come_from_the_stored_tt124_data(tree: Tree, agency: OrgNode, frameworks: None) -> None:
    assert evaluation_window(node=tree.unit, year=2025) == (D(2024, 11, 1), D(2025, 10, 31))
    assert evaluation_window(node=agency, year=2025) == (D(2024, 11, 16), D(2025, 11, 15))
    assert evaluation_window(node=tree.commune, year=2025) == (D(2024, 11, 16), D(2025, 11, 15))


def test_the_evaluation_year_of_a_day_depends_on_the_unit_type(tree: Tree, frameworks: None) -> None:
    assert evaluation_year(node=tree.unit, on=D(2024, 11, 5)) == 2025
    assert evaluation_year(node=tree.commune, on=D(2024, 11, 5)) == 2024
    assert evaluation_year(node=tree.commune, on=D(2024, 11, 16)) == 2025


def test_no_window_without_stored_frameworks_or_for_a_province(tree: Tree, frameworks: None) -> None:
    with pytest.raises(Exception, match="Chỉ đánh giá"):
        evaluation_window(node=tree.province, year=2025)


def test_without_frameworks_the_window_says_to_load_them(tree: Tree) -> None:
    with pytest.raises(FrameworksNotLoaded, match="load_frameworks"):
        evaluation_window(node=tree.unit, year=2025)


# --- incident_effects ----------------------------------------------------------------------------


def test_a_serious_crime_not_excused_fails_kdc_4b(tree: Tree, record: RecordFn) -> None:
    incident = record(tree.unit)
    [effect] = incident_effects(node=tree.unit, year=2025)
    assert effect.incident == incident
    assert effect.status == "counted" and effect.fails and not effect.excused
    assert [c.id for c in effect.criteria] == ["TT124.KDC.4.b"]
    assert "nghiêm trọng" in effect.criteria[0].label
    assert "làm trượt TT124.KDC.4.b" in effect.reasons[0]
    assert effect.sheet_items == ()  # no QĐ 510 sheet for residential areas


def test_a_serious_crime_handled_in_time_is_excused(tree: Tree, record: RecordFn) -> None:
    record(tree.unit, timely_handled=True)
    [effect] = incident_effects(node=tree.unit, year=2025)
    assert effect.status == "excused" and effect.excused and not effect.fails
    assert [c.id for c in effect.criteria] == ["TT124.KDC.4.b"]
    assert "được miễn trừ vì kịp thời phát hiện" in effect.reasons[0]
    assert effect.refused_flags == ()


def test_an_illegal_strike_at_an_agency_fails_cqdn_3d_and_zeroes_qd510_5c(
    agency: OrgNode, record: RecordFn
) -> None:
    record(agency, incident_type="INC_ILLEGAL_STRIKE", occurred_on=D(2025, 3, 10))
    [effect] = incident_effects(node=agency, year=2025)
    assert effect.status == "counted"
    assert [c.id for c in effect.criteria] == ["TT124.CQDN.3.d"]
    assert [(i.id, i.label) for i in effect.sheet_items] == [
        ("QD510.CQ.5.c", "Không xảy ra đình công, lãn công trái pháp luật")
    ]
    assert effect.reasons[-1] == "QĐ 510: không được điểm mục QD510.CQ.5.c."


def test_an_excuse_the_law_refuses_for_the_type_does_not_excuse(agency: OrgNode, record: RecordFn) -> None:
    record(agency, incident_type="INC_ILLEGAL_STRIKE", occurred_on=D(2025, 3, 10), force_majeure=True)
    [effect] = incident_effects(node=agency, year=2025)
    assert effect.status == "counted" and effect.sheet_items
    assert effect.refused_flags == ("bất khả kháng",)
    assert "không được pháp luật cho miễn trừ" in effect.reasons[0]


def test_a_strike_at_a_school_is_outside_tt124_but_still_zeroes_5c(tree: Tree, record: RecordFn) -> None:
    record(tree.school, incident_type="INC_ILLEGAL_STRIKE", occurred_on=D(2025, 3, 10))
    [effect] = incident_effects(node=tree.school, year=2025)
    assert effect.status == "not_applicable" and effect.criteria == ()
    assert [i.id for i in effect.sheet_items] == ["QD510.CQ.5.c"] and effect.fails


def test_an_excluded_unit_loses_no_points_it_never_had(tree: Tree, record: RecordFn) -> None:
    primary = f.unit(
        tree.commune, "Trường Tiểu học", "TH-1", kind=NodeKind.SCHOOL, education_level=EducationLevel.PRIMARY
    )
    record(primary, incident_type="INC_ILLEGAL_STRIKE", occurred_on=D(2025, 3, 10))
    [effect] = incident_effects(node=primary, year=2025)
    assert effect.sheet_items == ()


def test_a_commune_sees_its_units_incidents_under_xa2(tree: Tree, record: RecordFn) -> None:
    record(tree.unit, occurred_on=D(2025, 11, 10))  # KDC window 2026, commune window 2025
    [effect] = incident_effects(node=tree.commune, year=2025)
    assert [c.id for c in effect.criteria] == ["TT124.XA.2.KDC.4.b"]
    assert incident_effects(node=tree.unit, year=2025) == []


# --- End to end: the register feeds the engine at once -------------------------------------------


def evaluate_with_register(node: OrgNode, unit_type: str, year: int, **extra: Any) -> dict[str, Any]:
    start, end = evaluation_window(node=node, year=year)
    document = passing_facts(unit_type, year)
    document["incidents"] = incidents_for_facts(node=node, start=start, end=end)
    document.update(extra)
    return evaluate_stored(document, province=node)


def test_recording_correcting_and_withdrawing_changes_the_engine_result_at_once(
    tree: Tree, record: RecordFn, commune_police: User
) -> None:
    assert evaluate_with_register(tree.unit, "residential_area", 2025)["recognized"] is True
    incident = record(tree.unit)
    result = evaluate_with_register(tree.unit, "residential_area", 2025)
    assert result["recognized"] is False
    assert "TT124.KDC.4" in result["tt124"]["summary_vi"]
    assert result["incidents"][0]["id"] == str(incident.pk)
    scope = Scope.for_user(commune_police)
    corrected = services.incident_correct(
        by=commune_police,
        scope=scope,
        incident=incident,
        data={"timely_handled": True},
        reason="Đã kịp thời phát hiện, xử lý, báo cáo",
        expected_revision=1,
    )
    assert evaluate_with_register(tree.unit, "residential_area", 2025)["recognized"] is True
    services.incident_correct(
        by=commune_police,
        scope=scope,
        incident=corrected,
        data={"timely_handled": False},
        reason="Xác minh lại: báo cáo chậm",
        expected_revision=2,
    )
    assert evaluate_with_register(tree.unit, "residential_area", 2025)["recognized"] is False
    services.incident_withdraw(
        by=commune_police, scope=scope, incident=corrected, reason="Ghi nhầm đơn vị", expected_revision=3
    )
    assert evaluate_with_register(tree.unit, "residential_area", 2025)["recognized"] is True


def test_a_strike_recorded_at_an_agency_costs_criterion_and_points(agency: OrgNode, record: RecordFn) -> None:
    before = evaluate_with_register(agency, "agency", 2025, scores=full_scores())
    assert before["recognized"] is True and before["qd510"]["totals"]["superior"] == 100
    record(agency, incident_type="INC_ILLEGAL_STRIKE", occurred_on=D(2025, 3, 10))
    after = evaluate_with_register(agency, "agency", 2025, scores=full_scores())
    assert after["recognized"] is False
    # 5c (2 points) lost to the strike, 8c (50) lost with the recognition.
    assert after["qd510"]["totals"]["superior"] == 48
    [effect] = incident_effects(node=agency, year=2025)
    failed = [c["id"] for c in after["tt124"]["criteria"] if c["status"] == "failed"]
    assert failed == ["TT124.CQDN.3"] and effect.criteria[0].id.startswith("TT124.CQDN.3")


def test_the_history_reads_every_revision_in_one_query_with_what_changed(
    tree: Tree, record: RecordFn, commune_police: User, django_assert_num_queries: Any
) -> None:
    scope = Scope.for_user(commune_police)
    incident = record(tree.unit)
    second = services.incident_correct(
        by=commune_police,
        scope=scope,
        incident=incident,
        data={"node": tree.school, "incident_type": "INC_SCHOOL_VIOLENCE"},
        reason="Ghi nhầm đơn vị và loại",
        expected_revision=1,
    )
    services.incident_withdraw(
        by=commune_police, scope=scope, incident=second, reason="Trùng", expected_revision=2
    )
    labels = {
        "INC_SERIOUS_CRIME": "Tội phạm nghiêm trọng trở lên",
        "INC_SCHOOL_VIOLENCE": "Bạo lực học đường",
    }
    with django_assert_num_queries(1):
        history = incident_revisions(incident, labels)
    assert [r.row.revision for r in history] == [1, 2, 3]
    assert history[0].changes == ()
    assert [(c.label, c.old, c.new) for c in history[1].changes] == [
        ("đơn vị", "Tổ dân phố 1, phường Quy Nhơn", "Trường THCS Nguyễn Du"),
        ("loại vụ việc", "Tội phạm nghiêm trọng trở lên", "Bạo lực học đường"),
    ]
    assert [(c.old, c.new) for c in history[2].changes] == [("Đang hiệu lực", "Đã rút (ghi nhận nhầm)")]
    assert [r.row.reason for r in history] == ["", "Ghi nhầm đơn vị và loại", "Trùng"]
