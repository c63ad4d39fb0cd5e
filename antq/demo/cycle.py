"""The demo province's 2026 cycle, as it stands in late November: most units of the home commune
registered and accepted, one registration returned with a reason, one waiting; an incident that
fails a criterion; assessments in every state (draft, submitted, approved). Everything is written
through the real services, so the audit log and the notifications are those a real year leaves.

Dates of the first quarter are given to the records themselves (registration form and documents);
the submission time of the demo registrations is set to the same day afterwards, because the demo is
loaded in November and would otherwise show every registration as late.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.cycles import derived, facts, services
from antq.cycles.models import Cycle, Registration
from antq.decisions.choices import DecisionKind
from antq.decisions.services import decision_draft_create
from antq.demo.movement import load_demo_movement
from antq.demo.province_year import load_demo_province_years
from antq.evidence.services import evidence_create
from antq.incidents.services import incident_record
from antq.initiatives.models import InitiativeType
from antq.initiatives.services import activity_add, initiative_create
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from antq.reports.demo import load_demo_reports

YEAR = 2026
# A one-page PDF (what a scanned document is to the register: a real file of a real type).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
)


def _document(user: User, node: OrgNode, doc_type: str, number: str, issued: dt.date, title: str) -> Any:
    return evidence_create(
        by=user,
        scope=Scope.for_user(user),
        node=node,
        year=YEAR,
        data={
            "doc_type": doc_type,
            "number_symbol": number,
            "issue_date": issued,
            "issuer": node.name,
            "title": title,
        },
        upload=ContentFile(PDF, name=f"{doc_type}.pdf"),
    )


def _register(user: User, cycle: Cycle, node: OrgNode, day: int, **extra: Any) -> Registration:
    scope = Scope.for_user(user)
    registration = services.registration_start(by=user, scope=scope, cycle=cycle, node=node)
    issued = dt.date(YEAR, 2, day)
    total = node.people_count if node.kind == NodeKind.RESIDENTIAL_AREA else (node.subunit_count or 5)
    data: dict[str, Any] = {
        "has_party_org": True,
        "commitment_total": total or 50,
        "commitment_count": total or 50,
        "resolution": _document(
            user, node, "nghi_quyet", f"0{day}-NQ/CB", issued, "Nghị quyết về công tác bảo đảm ANTT"
        ),
        "plan": _document(
            user, node, "ke_hoach", f"{day}/KH", issued, "Kế hoạch xây dựng phong trào năm 2026"
        ),
        "form_document": _document(
            user, node, "ban_dang_ky", "", issued, "Bản đăng ký phấn đấu đạt chuẩn ATANTT"
        ),
    }
    data.update(extra)
    registration = services.registration_save(
        by=user, scope=scope, registration=registration, data=data, expected_version=registration.version
    )
    registration = services.registration_submit(
        by=user, scope=scope, registration=registration, expected_version=registration.version
    )
    submitted = dt.datetime(YEAR, 2, day, 9, 30, tzinfo=timezone.get_current_timezone())
    Registration.objects.filter(pk=registration.pk).update(submitted_at=submitted, is_late=False)
    registration.refresh_from_db()
    return registration


def load_demo_cycle(*, province: OrgNode, commune: OrgNode, users: dict[str, User]) -> Cycle | None:
    """Open the 2026 cycle of the demo province and play part of the year; idempotent."""
    if Cycle.objects.filter(province=province, year=YEAR).exists():
        return None
    officer, police = users["tinh.canbo"], users["xa.congan"]
    cycle = services.cycle_open(by=officer, scope=Scope.for_user(officer), province=province, year=YEAR)
    services.deadline_override_set(
        by=police,
        scope=Scope.for_user(police),
        cycle=cycle,
        node=commune,
        code="self_assessment",
        due=dt.date(YEAR, 10, 30),
        unit_kind=NodeKind.AGENCY,
        reason="Kế hoạch số 12/KH-CAX của Công an phường: cơ quan báo cáo trước 30/10",
    )
    # The demo agency (`coquan.canbo`) has a year of its own, below; the others play the states.
    agency = OrgNode.objects.filter(memberships__user=users.get("coquan.canbo")).first()
    units = list(
        OrgNode.objects.filter(parent=commune, exclusion_code="", is_active=True)
        .exclude(kind=NodeKind.COMMUNE)
        .exclude(memberships__user__username="coquan.canbo")
        .order_by("path")[:8]
    )
    police_scope = Scope.for_user(police)
    for n, unit in enumerate(units):
        officer_of_unit = users["donvi.canbo"] if n == 0 else _unit_user(unit)
        registration = _register(officer_of_unit, cycle, unit, day=10 + n)
        if n == 2:
            services.registration_return(
                by=police,
                scope=police_scope,
                registration=registration,
                reason="Bản đăng ký chưa có chữ ký của Trưởng ban công tác Mặt trận; đề nghị bổ sung.",
                expected_version=registration.version,
            )
        elif n != 3:
            services.registration_accept(
                by=police,
                scope=police_scope,
                registration=registration,
                expected_version=registration.version,
            )
    if len(units) > 1:
        incident_record(
            by=police,
            scope=police_scope,
            node=units[1],
            data={
                "incident_type": "INC_SERIOUS_FIRE_ACCIDENT",
                "occurred_on": dt.date(YEAR, 6, 14),
                "place": units[1].address or units[1].name,
                "summary": "Cháy kho chứa hàng, thiệt hại lớn về tài sản, không có thương vong.",
                "force_majeure": False,
                "timely_handled": True,
                "source": "police",
            },
        )
    # The year's movement records, before anyone submits: the agencies' QĐ 510 items 1–4, 6, 7 are
    # suggested from them (and frozen at submission).
    load_demo_movement(
        province=province,
        commune=commune,
        units=[*units, agency] if agency is not None else units,
        year=YEAR,
        actor=users["quantri"],
    )
    if agency is not None:
        _home_agency_year(cycle, agency, users["coquan.canbo"], police)
    # Assessments: the home residential area is still a draft (the demo unit officer's work); a
    # second one was sent and waits for the commune police; the school was approved.
    for n, unit in enumerate(units[:5]):
        if n in {2, 3}:  # registration returned / waiting: no assessment yet
            continue
        who = users["donvi.canbo"] if n == 0 else _unit_user(unit)
        who_scope = Scope.for_user(who)
        assessment = services.assessment_start(by=who, scope=who_scope, cycle=cycle, node=unit)
        if n == 0:
            continue
        data = {
            "answers": ANSWERS.get(unit.kind, {}),
            "unit_facts": UNIT_FACTS,
            # Items 1–4, 6, 7 follow what the unit's records suggest: only the others are typed.
            "self_scores": {k: v for k, v in _full(unit).items() if k not in derived.rules()},
        }
        assessment, _problems = services.assessment_save_self(
            by=who, scope=who_scope, assessment=assessment, data=data, expected_version=assessment.version
        )
        assessment = services.assessment_submit(
            by=who, scope=who_scope, assessment=assessment, expected_version=assessment.version
        )
        if n == 4:
            # The commune police agree with every item: the points the records suggested included.
            suggested = facts.suggested_scores(assessment, services.registration_of(assessment))
            agreed = {leaf: fact.value for leaf, fact in suggested.items()} | data["self_scores"]
            assessment, _problems = services.assessment_review_save(
                by=police,
                scope=police_scope,
                assessment=assessment,
                superior_scores=agreed,
                reasons={},
                expected_version=assessment.version,
            )
            services.assessment_approve(
                by=police, scope=police_scope, assessment=assessment, expected_version=assessment.version
            )
            # The commune police draft the recognition decision; the commune leader (xa.lanhdao)
            # finds it waiting to be signed.
            decision_draft_create(
                by=police,
                scope=police_scope,
                cycle=cycle,
                issuer=commune,
                kind=DecisionKind.RECOGNITION,
                node_ids=[unit.pk],
                data={"proposal_ref": "Tờ trình số 45/TTr-CAP ngày 10/11/2026 của Công an phường"},
            )
    # The province's other communes, further along, and last year closed (issue 6's dashboards).
    load_demo_province_years(cycle=cycle, home_commune=commune, actor=officer)
    # The 6-month reports: communes sent theirs (one late), the province's is prefilled from them.
    load_demo_reports(
        province=province,
        home_commune=commune,
        year=YEAR,
        police=police,
        officer=officer,
        admin=users["quantri"],
    )
    return cycle


UNIT_FACTS = {"has_guard_force": True, "eligible_for_emulation": True}
_RULES_CQ = [
    "bao_ve_co_quan",
    "bi_mat_nha_nuoc",
    "chinh_tri_noi_bo",
    "an_toan_lao_dong",
    "phong_chong_chay_no",
]
ANSWERS: dict[str, dict[str, Any]] = {
    NodeKind.RESIDENTIAL_AREA: {
        "TT124.KDC.2": {"implemented_policies": True},
        "TT124.KDC.4.a": {"crime_vice_violation_count": {"current": 2, "previous_year": 4}},
        "TT124.KDC.4.c": {"subject_management_effective": True},
        "TT124.KDC.5": {
            "grassroots_force_rating": "hoan_thanh_tot_nhiem_vu",
            "grassroots_force_disciplined_count": 0,
        },
    },
    NodeKind.AGENCY: {
        "TT124.CQDN.1": {
            "internal_rules_present": [*_RULES_CQ, "bao_ve_moi_truong"],
            "staff_briefed_ratio": {"met": 30, "total": 30},
            "effective_models_count": 1,
        },
        "TT124.CQDN.2": {"implemented_policies_and_coordination": True},
        "TT124.CQDN.4": {
            "guard_force_rating": "hoan_thanh_tot_nhiem_vu",
            "guard_force_disciplined_warning_or_above": 0,
        },
        "TT124.CQDN.5": {
            "subunits_good_ratio": {"met": 5, "total": 5},
            "subunits_disciplined_warning_or_above": 0,
        },
    },
    NodeKind.SCHOOL: {
        "TT124.CSGD.1": {
            "internal_rules_present": [
                "bao_ve_co_so_giao_duc",
                "chinh_tri_noi_bo",
                "quan_ly_giao_duc_nguoi_hoc",
                "phong_chong_chay_no",
            ],
            "members_briefed_ratio": {"met": 640, "total": 640},
            "effective_models_count": 1,
        },
        "TT124.CSGD.2": {"implemented_policies_and_coordination": True, "parent_board_coordination": True},
        "TT124.CSGD.5": {
            "guard_force_rating": "hoan_thanh_tot_nhiem_vu",
            "guard_force_disciplined_warning_or_above": 0,
        },
        "TT124.CSGD.6": {
            "subunits_good_ratio": {"met": 6, "total": 7},
            "subunits_disciplined_warning_or_above": 0,
        },
    },
}


def _full(unit: OrgNode) -> dict[str, int]:
    """A good year's points on the agency/enterprise/school sheet (none for a residential area)."""
    if unit.kind == NodeKind.RESIDENTIAL_AREA:
        return {}
    points = {"QD510.CQ.1": 3, "QD510.CQ.2": 3, "QD510.CQ.3": 4, "QD510.CQ.7": 8, "QD510.CQ.9": 0}
    points.update({f"QD510.CQ.4.{x}": 1 for x in "abc"} | {"QD510.CQ.4.d": 2})
    points.update({f"QD510.CQ.5.{x}": 2 for x in ["a", "b", "c", "d", "đ", "e", "g"]})
    points.update({"QD510.CQ.6.a": 2, "QD510.CQ.6.b": 2})
    return points


def _home_agency_year(cycle: Cycle, agency: OrgNode, officer: User, police: User) -> None:
    """The demo agency (`coquan.canbo`): registered and accepted, its self-assessment opened, so its
    QĐ 510 sheet shows the points its movement records suggest, each with its source."""
    admin = User.objects.get(username="quantri")
    initiative = initiative_create(
        by=admin,
        scope=Scope.for_user(admin),
        node=agency,
        data={
            "initiative_type": InitiativeType.objects.get(code="camera_an_ninh"),
            "name": "Camera giám sát cổng và bãi xe Trung tâm",
            "lead_name": "Đặng Thu Hà",
            "lead_position": "Phó Giám đốc",
            "started_on": dt.date(YEAR - 1, 9, 1),
        },
    )
    activity_add(
        by=admin,
        scope=Scope.for_user(admin),
        initiative=initiative,
        data={
            "occurred_on": dt.date(YEAR, 5, 12),
            "content": "Trích xuất camera giúp Công an phường xác minh vụ mất trộm xe máy",
            "indicator_values": {"cameras_installed": 6, "cameras_online": 6},
        },
    )
    registration = _register(officer, cycle, agency, day=20)
    services.registration_accept(
        by=police,
        scope=Scope.for_user(police),
        registration=registration,
        expected_version=registration.version,
    )
    services.assessment_start(by=officer, scope=Scope.for_user(officer), cycle=cycle, node=agency)


def _unit_user(unit: OrgNode) -> User:
    """A unit officer account for a demo unit other than the home one (not printed as a demo login)."""
    from antq.accounts.models import Membership
    from antq.accounts.roles import Role

    user, created = User.objects.get_or_create(
        username=f"donvi.{unit.code.lower()}", defaults={"first_name": "Cán bộ"}
    )
    if created:
        user.set_unusable_password()
        user.save()
    Membership.objects.get_or_create(user=user, node=unit, role=Role.UNIT_OFFICER)
    return user
