"""The annual cycle's services: opening, calendar, registration and assessment workflows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.cycles import calendar, facts, services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import AssessmentRound
from antq.incidents.services import incident_record
from antq.org.choices import EnterpriseSize, NodeKind
from tests import factories as f
from tests.cycles.helpers import PAPER_REASONS, complete_registration, open_cycle

pytestmark = pytest.mark.django_db


def scope(user):  # type: ignore[no-untyped-def]
    return Scope.for_user(user)


# ---- cycle --------------------------------------------------------------------------------------


def test_opening_a_cycle_freezes_the_framework_versions_it_applies(tree, province_officer):
    cycle = open_cycle(province_officer, tree.province)
    versions = list(cycle.frameworks.all())
    assert {v.framework.code for v in versions} >= {"tt124", "qd510-cq-dn-csgd"}
    assert all(v.frozen for v in versions)
    assert AuditEvent.objects.filter(object_type="cycles.cycle", action=AuditAction.CREATE).count() == 1


def test_a_province_has_one_cycle_per_year(tree, province_officer):
    open_cycle(province_officer, tree.province)
    with pytest.raises(DomainError, match="đã có kỳ đánh giá năm 2026"):
        open_cycle(province_officer, tree.province)


def test_only_a_province_officer_opens_a_cycle(tree, commune_police, province_officer):
    with pytest.raises(PermissionDenied):
        open_cycle(commune_police, tree.province)
    with pytest.raises(PermissionDenied):
        open_cycle(province_officer, tree.other_province)


# ---- calendar -----------------------------------------------------------------------------------


def test_legal_deadlines_differ_by_unit_kind(tree, province_officer):
    cycle = open_cycle(province_officer, tree.province)
    assert calendar.deadline(cycle, tree.unit, "recognition").due == dt.date(2026, 11, 15)
    assert calendar.deadline(cycle, tree.school, "recognition").due == dt.date(2026, 11, 20)
    assert calendar.deadline(cycle, tree.unit, "classification").due == dt.date(2026, 11, 20)
    assert calendar.deadline(cycle, tree.school, "classification").due == dt.date(2026, 11, 30)
    assert calendar.deadline(cycle, tree.unit, "registration").due == dt.date(2026, 3, 31)


def test_a_commune_brings_a_deadline_forward_for_its_units_only(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province)
    services.deadline_override_set(
        by=commune_police,
        scope=scope(commune_police),
        cycle=cycle,
        node=tree.commune,
        code="self_assessment",
        unit_kind=NodeKind.SCHOOL,
        due=dt.date(2026, 10, 30),
        reason="Kế hoạch 12/KH-CAX",
    )
    school = calendar.deadline(cycle, tree.school, "self_assessment")
    assert school.due == dt.date(2026, 10, 30)
    assert school.legal_due == dt.date(2026, 11, 15)
    assert school.set_by_node == tree.commune.name
    # Another commune's school, and this commune's residential area, keep the legal date.
    other_school = f.unit(tree.sibling_commune, "Trường THCS Tây Sơn", "X21600-CSGD01", kind=NodeKind.SCHOOL)
    assert calendar.deadline(cycle, other_school, "self_assessment").due == dt.date(2026, 11, 15)
    assert calendar.deadline(cycle, tree.unit, "self_assessment").due == dt.date(2026, 10, 31)


def test_a_deadline_can_only_be_brought_forward(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province)
    services.deadline_override_set(
        by=province_officer,
        scope=scope(province_officer),
        cycle=cycle,
        node=tree.province,
        code="recognition",
        due=dt.date(2026, 11, 5),
        reason="Kế hoạch 33/KH-UBND",
    )
    with pytest.raises(DomainError, match="sớm hơn"):
        services.deadline_override_set(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            node=tree.commune,
            code="recognition",
            due=dt.date(2026, 11, 10),
            reason="muộn hơn tỉnh",
        )
    assert calendar.deadline(cycle, tree.school, "recognition").due == dt.date(2026, 11, 5)


def test_the_unit_officer_cannot_set_deadlines(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    with pytest.raises(PermissionDenied):
        services.deadline_override_set(
            by=unit_officer,
            scope=scope(unit_officer),
            cycle=cycle,
            node=tree.commune,
            code="registration",
            due=dt.date(2026, 2, 1),
            reason="x",
        )


# ---- registration -------------------------------------------------------------------------------


def test_an_excluded_unit_cannot_register_and_is_told_why(tree, province_officer):
    small = f.unit(
        tree.commune,
        "Công ty TNHH Nhỏ",
        "X21583-DN09",
        kind=NodeKind.ENTERPRISE,
        enterprise_size=EnterpriseSize.SMALL,
    )
    small.exclusion_code = "EXC_SMALL_MICRO_ENTERPRISE"
    small.save()
    officer = f.user_with_role("dn.canbo", "unit_officer", small)
    cycle = open_cycle(province_officer, tree.province)
    with pytest.raises(DomainError, match="không thuộc diện xét công nhận theo Điều 1"):
        services.registration_start(by=officer, scope=scope(officer), cycle=cycle, node=small)


def test_submitting_lists_what_the_dossier_lacks(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    registration = services.registration_start(
        by=unit_officer, scope=scope(unit_officer), cycle=cycle, node=tree.unit
    )
    with pytest.raises(DomainError) as error:
        services.registration_submit(
            by=unit_officer,
            scope=scope(unit_officer),
            registration=registration,
            expected_version=registration.version,
        )
    assert "Bản đăng ký phấn đấu" in str(error.value)
    assert "Kế hoạch" in str(error.value)
    assert "Nghị quyết" in str(error.value)


def test_uncommitted_households_must_be_listed(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    registration = complete_registration(unit_officer, cycle, tree.unit, commitment_count=118)
    assert "Danh sách hộ / bộ phận chưa cam kết" in services.registration_missing(registration)


def test_registration_round_trip_with_a_return(tree, province_officer, unit_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    assert registration.status == RegistrationStatus.SUBMITTED
    assert registration.is_late is False
    with pytest.raises(DomainError, match="Cần nêu lý do"):
        services.registration_return(
            by=commune_police,
            scope=scope(commune_police),
            registration=registration,
            reason="  ",
            expected_version=registration.version,
        )
    registration = services.registration_return(
        by=commune_police,
        scope=scope(commune_police),
        registration=registration,
        reason="Thiếu chữ ký trưởng thôn",
        expected_version=registration.version,
    )
    assert registration.status == RegistrationStatus.RETURNED
    assert registration.return_reason == "Thiếu chữ ký trưởng thôn"
    registration = services.registration_save(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        data={"note": "Đã bổ sung chữ ký"},
        expected_version=registration.version,
    )
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    registration = services.registration_accept(
        by=commune_police,
        scope=scope(commune_police),
        registration=registration,
        expected_version=registration.version,
    )
    assert registration.status == RegistrationStatus.ACCEPTED
    moves = list(
        AuditEvent.objects.filter(object_type="cycles.registration", action=AuditAction.TRANSITION)
        .order_by("id")
        .values_list("changes__status", "reason", "actor__username")
    )
    assert moves == [
        (["draft", "submitted"], "", "donvi.canbo"),
        (["submitted", "returned"], "Thiếu chữ ký trưởng thôn", "xa.congan"),
        (["returned", "submitted"], "", "donvi.canbo"),
        (["submitted", "accepted"], "", "xa.congan"),
    ]


def test_a_sent_registration_is_immutable(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    with pytest.raises(DomainError, match="không sửa được"):
        services.registration_save(
            by=unit_officer,
            scope=scope(unit_officer),
            registration=registration,
            data={"note": "sửa lén"},
            expected_version=registration.version,
        )


def test_late_registration_is_accepted_but_flagged(tree, province_officer, unit_officer):
    # Today (in the cycle's year 2026) is after 31/3.
    cycle = open_cycle(province_officer, tree.province, year=2026)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    assert registration.is_late is True


def test_the_unit_officer_cannot_accept_its_own_registration(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    with pytest.raises(PermissionDenied):
        services.registration_accept(
            by=unit_officer,
            scope=scope(unit_officer),
            registration=registration,
            expected_version=registration.version,
        )


def test_a_stale_registration_form_is_refused(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    with pytest.raises(ConcurrentEditError):
        services.registration_save(
            by=unit_officer,
            scope=scope(unit_officer),
            registration=registration,
            data={"note": "cũ"},
            expected_version=registration.version - 1,
        )


# ---- assessment ---------------------------------------------------------------------------------


def _agency(tree):  # type: ignore[no-untyped-def]
    agency = f.unit(
        tree.commune, "Sở Kế hoạch và Đầu tư", "X21583-CQ01", kind=NodeKind.AGENCY, subunit_count=7
    )
    officer = f.user_with_role("cq.canbo", "unit_officer", agency)
    return agency, officer


AGENCY_ANSWERS = {
    "TT124.CQDN.1": {
        "internal_rules_present": [
            "bao_ve_co_quan",
            "bi_mat_nha_nuoc",
            "chinh_tri_noi_bo",
            "an_toan_lao_dong",
            "phong_chong_chay_no",
            "bao_ve_moi_truong",
        ],
        "staff_briefed_ratio": {"met": 45, "total": 45},
        "effective_models_count": 1,
    },
    "TT124.CQDN.2": {"implemented_policies_and_coordination": True},
    "TT124.CQDN.4": {
        "guard_force_rating": "hoan_thanh_tot_nhiem_vu",
        "guard_force_disciplined_warning_or_above": 0,
    },
    "TT124.CQDN.5": {
        "subunits_good_ratio": {"met": 7, "total": 7},
        "subunits_disciplined_warning_or_above": 0,
    },
}
SELF_SCORES = {
    "QD510.CQ.1": 3,
    "QD510.CQ.2": 3,
    "QD510.CQ.3": 5,
    "QD510.CQ.4.a": 1,
    "QD510.CQ.4.b": 1,
    "QD510.CQ.4.c": 1,
    "QD510.CQ.4.d": 2,
    "QD510.CQ.5.a": 2,
    "QD510.CQ.5.b": 2,
    "QD510.CQ.5.c": 2,
    "QD510.CQ.5.d": 2,
    "QD510.CQ.5.đ": 2,
    "QD510.CQ.5.e": 2,
    "QD510.CQ.5.g": 2,
    "QD510.CQ.6.a": 2,
    "QD510.CQ.6.b": 2,
    "QD510.CQ.7": 10,
    "QD510.CQ.9": 0,
}


def _registered_agency(tree, province_officer, commune_police, year=2027):  # type: ignore[no-untyped-def]
    agency, officer = _agency(tree)
    cycle = open_cycle(province_officer, tree.province, year=year)
    registration = complete_registration(officer, cycle, agency, commitment_total=7, commitment_count=7)
    registration = services.registration_submit(
        by=officer, scope=scope(officer), registration=registration, expected_version=registration.version
    )
    services.registration_accept(
        by=commune_police,
        scope=scope(commune_police),
        registration=registration,
        expected_version=registration.version,
    )
    return cycle, agency, officer


def test_the_assessment_is_prefilled_from_the_registration_with_its_source(
    tree, province_officer, commune_police
):
    cycle, agency, officer = _registered_agency(tree, province_officer, commune_police)
    assessment = services.assessment_start(by=officer, scope=scope(officer), cycle=cycle, node=agency)
    found = facts.prefills(cycle, agency, services.registration_of(assessment))
    # The registration's day is its signed form's date (10/02, in Quý I).
    assert found["TT124.CQDN.1"]["registration_in_q1"].value is True
    assert "10/02/2027" in found["TT124.CQDN.1"]["registration_in_q1"].source
    assert found["TT124.CQDN.1"]["party_resolution_in_q1"].value is True
    assert "Nghị quyết 01/KH" in found["TT124.CQDN.1"]["party_resolution_in_q1"].source
    scores = facts.score_prefills(cycle, agency, services.registration_of(assessment))
    assert scores["QD510.CQ.8.a"].value == 1
    assert scores["QD510.CQ.8.b"].value == 2


def _self_assessed(tree, province_officer, commune_police):  # type: ignore[no-untyped-def]
    cycle, agency, officer = _registered_agency(tree, province_officer, commune_police)
    assessment = services.assessment_start(by=officer, scope=scope(officer), cycle=cycle, node=agency)
    assessment, problems = services.assessment_save_self(
        by=officer,
        scope=scope(officer),
        assessment=assessment,
        data={
            "answers": AGENCY_ANSWERS,
            "self_scores": SELF_SCORES,
            "self_reasons": PAPER_REASONS,
            "unit_facts": {"has_guard_force": True, "eligible_for_emulation": True},
        },
        expected_version=assessment.version,
    )
    assert problems == []
    return cycle, agency, officer, assessment


def test_a_complete_self_assessment_is_recognized_and_scored(tree, province_officer, commune_police):
    _, _, _, assessment = _self_assessed(tree, province_officer, commune_police)
    assert assessment.recognized is True
    # 100 less item 9 (no ad-hoc award this year): 97.
    assert assessment.result["qd510"]["totals"]["self"] == 97


def test_an_incident_changes_the_result_at_once(tree, province_officer, commune_police):
    cycle, agency, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    incident_record(
        by=commune_police,
        scope=scope(commune_police),
        node=agency,
        data={
            "incident_type": "INC_ILLEGAL_STRIKE",
            "occurred_on": dt.date(2026, 11, 20),
            "place": "Xưởng 2",
            "summary": "Ngừng việc tập thể trái pháp luật",
            "force_majeure": False,
            "timely_handled": False,
            "source": "police",
        },
    )
    evaluation = facts.evaluate(assessment, services.registration_of(assessment))
    assert evaluation.result["recognized"] is False
    failed = [c["id"] for c in evaluation.result["tt124"]["criteria"] if c["status"] == "failed"]
    assert failed == ["TT124.CQDN.3"]


def test_a_stale_self_assessment_is_refused_and_nothing_is_overwritten(
    tree, province_officer, commune_police
):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    with pytest.raises(ConcurrentEditError):
        services.assessment_save_self(
            by=officer,
            scope=scope(officer),
            assessment=assessment,
            data={"self_scores": {**SELF_SCORES, "QD510.CQ.7": 0}},
            expected_version=assessment.version - 1,
        )
    assessment.refresh_from_db()
    assert assessment.self_scores["QD510.CQ.7"] == 10


def test_review_round_trip_with_a_return_keeps_history(tree, province_officer, commune_police):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    police = scope(commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    assert assessment.status == AssessmentStatus.SUBMITTED
    with pytest.raises(DomainError, match="không sửa được"):
        services.assessment_save_self(
            by=officer,
            scope=scope(officer),
            assessment=assessment,
            data={},
            expected_version=assessment.version,
        )
    with pytest.raises(DomainError, match="lý do trừ điểm cho: QD510.CQ.7"):
        services.assessment_review_save(
            by=commune_police,
            scope=police,
            assessment=assessment,
            superior_scores={**SELF_SCORES, "QD510.CQ.7": 5},
            reasons={},
            expected_version=assessment.version,
        )
    assessment, _ = services.assessment_review_save(
        by=commune_police,
        scope=police,
        assessment=assessment,
        superior_scores={**SELF_SCORES, "QD510.CQ.7": 5},
        reasons={"QD510.CQ.7": "Mô hình camera chỉ hoạt động 4 tháng"},
        expected_version=assessment.version,
    )
    assessment = services.assessment_return(
        by=commune_police,
        scope=police,
        assessment=assessment,
        reason="Bổ sung biên bản họp đánh giá",
        expected_version=assessment.version,
    )
    assert assessment.status == AssessmentStatus.RETURNED
    assert assessment.round == 2
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    assessment = services.assessment_approve(
        by=commune_police, scope=police, assessment=assessment, expected_version=assessment.version
    )
    assert assessment.status == AssessmentStatus.APPROVED
    rounds = list(
        AssessmentRound.objects.filter(assessment=assessment).values_list(
            "number", "outcome", "outcome_reason"
        )
    )
    assert rounds == [(1, "returned", "Bổ sung biên bản họp đánh giá"), (2, "approved", "")]
    first = AssessmentRound.objects.get(assessment=assessment, number=1)
    assert first.snapshot["superior_scores"]["QD510.CQ.7"] == 5
    assert first.snapshot["superior_reasons"] == {"QD510.CQ.7": "Mô hình camera chỉ hoạt động 4 tháng"}
    assert float(assessment.superior_total) == 92


def test_two_reviewers_the_second_is_told_and_loses_nothing(tree, province_officer, commune_police):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    opened_version = assessment.version
    services.assessment_review_save(
        by=province_officer,
        scope=scope(province_officer),
        assessment=assessment,
        superior_scores=SELF_SCORES,
        reasons={},
        expected_version=opened_version,
    )
    with pytest.raises(ConcurrentEditError, match="Bản ghi đã được người khác sửa lúc"):
        services.assessment_review_save(
            by=commune_police,
            scope=scope(commune_police),
            assessment=assessment,
            superior_scores={**SELF_SCORES, "QD510.CQ.1": 0},
            reasons={"QD510.CQ.1": "x"},
            expected_version=opened_version,
        )
    assessment.refresh_from_db()
    assert assessment.superior_scores["QD510.CQ.1"] == 3


def test_approval_needs_the_whole_superior_column(tree, province_officer, commune_police):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    with pytest.raises(DomainError, match="Cột cấp trên chấm còn thiếu"):
        services.assessment_approve(
            by=commune_police,
            scope=scope(commune_police),
            assessment=assessment,
            expected_version=assessment.version,
        )


def test_the_commune_police_self_assess_the_commune_not_the_units(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province)
    with pytest.raises(PermissionDenied):
        services.assessment_start(by=commune_police, scope=scope(commune_police), cycle=cycle, node=tree.unit)
    assessment = services.assessment_start(
        by=commune_police, scope=scope(commune_police), cycle=cycle, node=tree.commune
    )
    assert assessment.node == tree.commune


def test_pending_obligations_list_units_not_yet_registered(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    complete_registration(unit_officer, cycle, tree.unit)  # saved, not sent: still pending
    pending = calendar.pending_obligations(dt.date(2027, 3, 17))
    mine = {(o.node_id, o.deadline_code) for o in pending}
    assert (tree.unit.pk, "registration") in mine
    assert (tree.school.pk, "registration") in mine
    assert (tree.commune.pk, "registration") in mine
    assert all(o.node_path.startswith(tree.province.path) for o in pending)
    registration = cycle.registrations.get(node=tree.unit)
    services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    pending = calendar.pending_obligations(dt.date(2027, 3, 17))
    assert (tree.unit.pk, "registration") not in {(o.node_id, o.deadline_code) for o in pending}


# ---- regressions from the review ----------------------------------------------------------------


def test_approval_stores_the_result_of_the_records_as_they_are_now(tree, province_officer, commune_police):
    _, agency, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    assessment, _ = services.assessment_review_save(
        by=commune_police,
        scope=scope(commune_police),
        assessment=assessment,
        superior_scores=SELF_SCORES,
        reasons={},
        expected_version=assessment.version,
    )
    assert assessment.recognized is True
    incident_record(
        by=commune_police,
        scope=scope(commune_police),
        node=agency,
        data={
            "incident_type": "INC_ILLEGAL_STRIKE",
            "occurred_on": dt.date(2026, 11, 20),
            "place": "Xưởng 2",
            "summary": "Ngừng việc",
            "force_majeure": False,
            "timely_handled": False,
            "source": "police",
        },
    )
    assessment = services.assessment_approve(
        by=commune_police,
        scope=scope(commune_police),
        assessment=assessment,
        expected_version=assessment.version,
    )
    assert assessment.recognized is False
    assessment.refresh_from_db()
    assert assessment.recognized is False


def test_facts_from_the_records_cannot_be_typed(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    assessment = services.assessment_start(
        by=commune_police, scope=scope(commune_police), cycle=cycle, node=tree.commune
    )
    assessment, _ = services.assessment_save_self(
        by=commune_police,
        scope=scope(commune_police),
        assessment=assessment,
        data={
            "answers": {
                "TT124.XA.1": {"registration_in_q1": True},
                "TT124.XA.4": {
                    "child_units_registered_ratio": {"met": 2, "total": 2},
                    "child_units_recognized_ratio": {"met": 2, "total": 2},
                },
            }
        },
        expected_version=assessment.version,
    )
    sheet = facts.fact_sheet(assessment, services.registration_of(assessment))
    # No registration of the commune: the check stays unanswered; the ratios are the records' (0 of 2).
    assert "registration_in_q1" not in sheet["answers"].get("TT124.XA.1", {})
    assert sheet["answers"]["TT124.XA.4"]["child_units_registered_ratio"]["met"] == 0
    assert sheet["answers"]["TT124.XA.4"]["child_units_registered_ratio"]["total"] == 2


def test_units_managed_by_the_province_do_not_count_for_the_commune(tree, province_officer):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    f.unit(tree.commune, "Chi cục Thuế", "X21583-CQ09", kind=NodeKind.AGENCY, managing_authority="province")
    known = facts.known_facts(cycle, tree.commune, None)
    assert known["child_units_registered"].value["total"] == 2  # the residential area and the school


def test_a_resubmission_keeps_the_first_registration_day(
    tree, province_officer, unit_officer, commune_police
):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    first_day, first_late = registration.registered_on, registration.is_late
    registration = services.registration_return(
        by=commune_police,
        scope=scope(commune_police),
        registration=registration,
        reason="Bổ sung",
        expected_version=registration.version,
    )
    registration = services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    assert (registration.registered_on, registration.is_late) == (first_day, first_late)


def test_approval_rechecks_deductions_against_the_resubmitted_column(tree, province_officer, commune_police):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    police = scope(commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    assessment, _ = services.assessment_review_save(
        by=commune_police,
        scope=police,
        assessment=assessment,
        superior_scores={**SELF_SCORES, "QD510.CQ.7": 5},
        reasons={"QD510.CQ.7": "Mô hình chưa hiệu quả"},
        expected_version=assessment.version,
    )
    assessment = services.assessment_return(
        by=commune_police,
        scope=police,
        assessment=assessment,
        reason="Bổ sung",
        expected_version=assessment.version,
    )
    assessment, _ = services.assessment_save_self(
        by=officer,
        scope=scope(officer),
        assessment=assessment,
        data={"self_scores": {**SELF_SCORES, "QD510.CQ.3": 5, "QD510.CQ.1": 3}},
        expected_version=assessment.version,
    )
    # The reviewer had 3 for item 1 (as the unit then); lower it now without a reason and approve.
    type(assessment).objects.filter(pk=assessment.pk).update(
        superior_scores={**SELF_SCORES, "QD510.CQ.7": 5, "QD510.CQ.1": 1}
    )
    assessment.refresh_from_db()
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    with pytest.raises(DomainError, match="QD510.CQ.1"):
        services.assessment_approve(
            by=commune_police, scope=police, assessment=assessment, expected_version=assessment.version
        )


def test_a_score_that_is_not_a_number_is_refused_by_name(tree, province_officer, commune_police):
    _, _, officer, assessment = _self_assessed(tree, province_officer, commune_police)
    assessment = services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    with pytest.raises(DomainError, match="QD510.CQ.1"):
        services.assessment_review_save(
            by=commune_police,
            scope=scope(commune_police),
            assessment=assessment,
            superior_scores={"QD510.CQ.1": "abc"},
            reasons={},
            expected_version=assessment.version,
        )


def test_a_closed_cycle_changes_no_more(tree, province_officer, unit_officer):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    registration = complete_registration(unit_officer, cycle, tree.unit)
    services.cycle_close(
        by=province_officer, scope=scope(province_officer), cycle=cycle, reason="Tổng kết năm"
    )
    registration.cycle.refresh_from_db()
    with pytest.raises(DomainError, match="đã kết thúc"):
        services.registration_submit(
            by=unit_officer,
            scope=scope(unit_officer),
            registration=registration,
            expected_version=registration.version,
        )


def test_a_commune_sets_dates_for_its_units_not_for_itself(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province)
    with pytest.raises(DomainError, match="cấp dưới"):
        services.deadline_override_set(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            node=tree.commune,
            code="recognition",
            unit_kind=NodeKind.COMMUNE,
            due=dt.date(2026, 11, 10),
            reason="x",
        )


def test_reminders_use_every_override_of_a_node(tree, province_officer, commune_police):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    for code, due in (("registration", dt.date(2027, 3, 1)), ("self_assessment", dt.date(2027, 10, 20))):
        services.deadline_override_set(
            by=commune_police,
            scope=scope(commune_police),
            cycle=cycle,
            node=tree.commune,
            code=code,
            due=due,
            reason="Kế hoạch 12/KH-CAX",
        )
    pending = {(o.node_id, o.deadline_code): o.due for o in calendar.pending_obligations(dt.date(2027, 2, 1))}
    assert pending[(tree.unit.pk, "registration")] == dt.date(2027, 3, 1)
    assert pending[(tree.unit.pk, "self_assessment")] == dt.date(2027, 10, 20)


def test_the_banner_puts_a_units_overdue_work_first_and_skips_what_is_done(
    tree, province_officer, unit_officer
):
    cycle = open_cycle(province_officer, tree.province, year=2027)
    found = calendar.next_due(tree.unit, dt.date(2027, 4, 10))
    assert (
        found is not None and found[1].code == "registration" and found[1].days_left(dt.date(2027, 4, 10)) < 0
    )
    registration = complete_registration(unit_officer, cycle, tree.unit)
    services.registration_submit(
        by=unit_officer,
        scope=scope(unit_officer),
        registration=registration,
        expected_version=registration.version,
    )
    found = calendar.next_due(tree.unit, dt.date(2027, 4, 10))
    assert found is not None and found[1].code == "self_assessment" and found[1].due == dt.date(2027, 10, 31)
