"""Building approved assessments for decision tests.

Two ways: through the cycle services (register → self-assess → submit → superior column → approve:
the real path, used where the result itself matters) and as factory rows with the fields a
decision reads (status, recognized, classification, superior_total, result) for bulk cases and the
access matrix.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.models import User

from antq.accounts.roles import Role
from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.criteria.models import FrameworkVersion
from antq.criteria.services import framework_variant_create, framework_variant_set_thresholds
from antq.cycles import derived
from antq.cycles import services as cycle_services
from antq.cycles.choices import AssessmentStatus, CycleStatus
from antq.cycles.models import Assessment, Cycle
from antq.decisions import services
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import Decision, DecisionItem
from antq.org.choices import NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.cycles.helpers import complete_registration

YEAR = 2026
LEVEL_LABELS = {"xuat_sac": "Xuất sắc", "kha": "Khá", "trung_binh": "Trung bình", "yeu": "Yếu"}

AGENCY_ANSWERS: dict[str, Any] = {
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
# The unit's own column, full marks on every item typed in (item 8 is derived from the records).
SCORES: dict[str, int] = {
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


# Items 1–4, 6, 7 are suggested by the movement's records, which these tests do not keep: the unit
# sets them by hand, and says why (a reason is required to submit).
PAPER_RECORDS = {leaf: "Hồ sơ giấy lưu tại đơn vị" for leaf in derived.rules()}


def lower_scores(minus: int) -> tuple[dict[str, int], dict[str, str]]:
    """The superior column: `minus` points fewer than the unit's own, each deduction with a reason
    (with 90/70/50 thresholds, 0 off gives Xuất sắc, 25 Khá, 45 Trung bình)."""
    scores = dict(SCORES)
    reasons: dict[str, str] = {}
    for leaf in (
        "QD510.CQ.7",
        "QD510.CQ.3",
        "QD510.CQ.1",
        "QD510.CQ.2",
        "QD510.CQ.4.d",
        "QD510.CQ.5.a",
        "QD510.CQ.5.b",
        "QD510.CQ.5.c",
        "QD510.CQ.5.d",
        "QD510.CQ.5.đ",
        "QD510.CQ.5.e",
        "QD510.CQ.5.g",
        "QD510.CQ.6.a",
        "QD510.CQ.6.b",
        "QD510.CQ.4.a",
        "QD510.CQ.4.b",
        "QD510.CQ.4.c",
    ):
        if minus <= 0:
            break
        take = min(scores[leaf], minus)
        scores[leaf] -= take
        minus -= take
        reasons[leaf] = "Chưa đạt yêu cầu"
    return scores, reasons


def scope(user: User) -> Scope:
    return Scope.for_user(user)


def load_frameworks() -> None:
    loader.apply(loader.read_files())


def province_sheet_with_thresholds(admin: User, province: OrgNode) -> FrameworkVersion:
    """A province variant of the agency sheet with thresholds typed in (90/70/50): not illustrative,
    not yet confirmed. Made before the cycle opens, so the cycle freezes it."""
    national = FrameworkVersion.objects.get(framework__code="qd510-cq-dn-csgd", province__isnull=True)
    variant = framework_variant_create(
        by=admin, scope=scope(admin), base_version=national, province=province, label="2023.1-gl"
    )
    framework_variant_set_thresholds(
        by=admin, scope=scope(admin), version=variant, minimums={"xuat_sac": 90, "kha": 70, "trung_binh": 50}
    )
    variant.refresh_from_db()
    return variant


def open_cycle(officer: User, province: OrgNode, year: int = YEAR) -> Cycle:
    return cycle_services.cycle_open(by=officer, scope=scope(officer), province=province, year=year)


def approved_agency(
    cycle: Cycle,
    commune: OrgNode,
    reviewer: User,
    name: str,
    code: str,
    *,
    minus: int = 0,
    kind: str = NodeKind.AGENCY,
    answers: dict[str, Any] | None = None,
    **attrs: Any,
) -> Assessment:
    """An agency (or enterprise, school…) under `commune`, taken through the real services up to an
    approved assessment; `minus` points taken off in the superior column."""
    if kind == NodeKind.ENTERPRISE:
        attrs.setdefault("enterprise_size", "medium")
    agency = f.unit(commune, name, code, kind=kind, subunit_count=7, **attrs)
    officer = f.user_with_role(f"{code.lower()}.canbo", Role.UNIT_OFFICER, agency)
    registration = complete_registration(officer, cycle, agency, commitment_total=7, commitment_count=7)
    registration = cycle_services.registration_submit(
        by=officer, scope=scope(officer), registration=registration, expected_version=registration.version
    )
    cycle_services.registration_accept(
        by=reviewer, scope=scope(reviewer), registration=registration, expected_version=registration.version
    )
    assessment = cycle_services.assessment_start(by=officer, scope=scope(officer), cycle=cycle, node=agency)
    assessment, problems = cycle_services.assessment_save_self(
        by=officer,
        scope=scope(officer),
        assessment=assessment,
        data={
            "answers": AGENCY_ANSWERS if answers is None else answers,
            "self_scores": SCORES,
            "self_reasons": PAPER_RECORDS,
            "unit_facts": {"has_guard_force": True, "eligible_for_emulation": True},
        },
        expected_version=assessment.version,
    )
    assert problems == [], problems
    assessment = cycle_services.assessment_submit(
        by=officer, scope=scope(officer), assessment=assessment, expected_version=assessment.version
    )
    superior, reasons = lower_scores(minus)
    assessment, problems = cycle_services.assessment_review_save(
        by=reviewer,
        scope=scope(reviewer),
        assessment=assessment,
        superior_scores=superior,
        reasons=reasons,
        expected_version=assessment.version,
    )
    assert problems == [], problems
    return cycle_services.assessment_approve(
        by=reviewer, scope=scope(reviewer), assessment=assessment, expected_version=assessment.version
    )


# ---- factory rows (no services): bulk data and the access matrix ---------------------------------


def cycle_row(province: OrgNode, year: int = YEAR) -> Cycle:
    cycle, _created = Cycle.objects.get_or_create(
        province=province, year=year, defaults={"status": CycleStatus.OPEN}
    )
    return cycle


def assessment_row(
    cycle: Cycle,
    node: OrgNode,
    *,
    status: str = AssessmentStatus.APPROVED,
    recognized: bool | None = True,
    level: str = "kha",
    total: float | None = 80,
    provisional: bool = True,
) -> Assessment:
    """An assessment as the engine would have left it, written directly."""
    result: dict[str, Any] = {
        "recognized": recognized,
        "classification": level or None,
        "tt124": {"summary_vi": "Đạt 5/5 tiêu chí." if recognized else "Đạt 4/5 tiêu chí."},
        "qd510": {
            "framework": "qd510",
            "sheet": "factory",
            "version": "0",
            "totals": {"max": 100, "self": total, "superior": total},
            "classification": {
                "level": level,
                "label_vi": LEVEL_LABELS.get(level, level),
                "provisional": provisional,
            }
            if level
            else None,
        },
    }
    return Assessment.objects.create(
        cycle=cycle,
        node=node,
        status=status,
        recognized=recognized,
        classification=level,
        superior_total=Decimal(str(total)) if total is not None else None,
        result=result,
    )


def decision_row(
    by: User,
    cycle: Cycle,
    issuer: OrgNode,
    *,
    kind: str = DecisionKind.RECOGNITION,
    status: str = DecisionStatus.DRAFT,
    nodes: list[OrgNode] = (),  # type: ignore[assignment]
    number: str = "",
) -> Decision:
    """A decision written directly (for the access matrix): issued ones get a number and a date."""
    issued = status in (DecisionStatus.ISSUED, DecisionStatus.REVOKED)
    decision = Decision.objects.create(
        kind=kind,
        cycle=cycle,
        issuer=issuer,
        status=status,
        created_by=by,
        number=number or ("7" if issued else ""),
        number_year=YEAR if issued else None,
        issued_on=dt.date(YEAR, 11, 20) if issued else None,
        signer_name="Nguyễn Văn A",
        **{k: v for k, v in services_defaults(issuer, kind).items() if k != "symbol"},
    )
    for position, node in enumerate(nodes, start=1):
        assessment = Assessment.objects.filter(cycle=cycle, node=node).first() or assessment_row(cycle, node)
        DecisionItem.objects.create(
            decision=decision,
            cycle=cycle,
            kind=kind,
            node=node,
            assessment=assessment,
            position=position,
            level=assessment.classification,
            level_label=LEVEL_LABELS.get(assessment.classification, ""),
            total=assessment.superior_total,
            self_total=assessment.superior_total,
            in_force=status == DecisionStatus.ISSUED,
        )
    return decision


def services_defaults(issuer: OrgNode, kind: str) -> dict[str, Any]:
    from antq.decisions.texts import default_draft_fields

    return default_draft_fields(issuer, kind)


ISSUE_DATA = {
    "number": "125",
    "symbol": "QĐ-UBND",
    "issued_on": dt.date(YEAR, 11, 20),
    "signer_name": "Trần Văn Bình",
    "signer_title": "CHỦ TỊCH",
}


def issue(decision: Decision, leader: User, **data: Any) -> Decision:
    return services.decision_issue(
        by=leader,
        scope=scope(leader),
        decision=decision,
        expected_version=decision.version,
        data={**ISSUE_DATA, **data},
    )
