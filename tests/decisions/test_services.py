"""Drafting, issuing and revoking decisions; what the decisions in force mean for the selectors.

Assessments here are factory rows (status, recognized, classification, totals, result as the
engine leaves them); `test_end_to_end.py` takes units through the real cycle services."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.cycles import facts
from antq.cycles.choices import AssessmentStatus
from antq.decisions import selectors, services
from antq.decisions.choices import DecisionKind, DecisionStatus
from antq.decisions.models import Decision, DecisionItem
from antq.org.choices import ManagingAuthority, NodeKind
from antq.org.models import OrgNode
from tests import factories as f
from tests.decisions.helpers import ISSUE_DATA, assessment_row, cycle_row, decision_row, issue, scope

pytestmark = pytest.mark.django_db

R = DecisionKind.RECOGNITION
C = DecisionKind.CLASSIFICATION


def draft(user, cycle, issuer, nodes, kind=R, **data):  # type: ignore[no-untyped-def]
    return services.decision_draft_create(
        by=user,
        scope=scope(user),
        cycle=cycle,
        issuer=issuer,
        kind=kind,
        node_ids=[n.pk for n in nodes],
        data=data,
    )


@pytest.fixture
def cycle(tree):  # type: ignore[no-untyped-def]
    return cycle_row(tree.province)


# ---- drafting -------------------------------------------------------------------------------------


def test_a_draft_refuses_each_unit_with_its_reason_and_writes_nothing(tree, cycle, commune_police):
    submitted = f.unit(tree.commune, "Thôn Đang Chờ", "X21583-KDC02")
    assessment_row(cycle, submitted, status=AssessmentStatus.SUBMITTED)
    failed = f.unit(tree.commune, "Thôn Chưa Đạt", "X21583-KDC03")
    assessment_row(cycle, failed, recognized=False)
    provincial = f.unit(
        tree.commune,
        "Sở Tư pháp",
        "X21583-CQ05",
        kind=NodeKind.AGENCY,
        managing_authority=ManagingAuthority.PROVINCE,
    )
    assessment_row(cycle, provincial)
    unassessed = f.unit(tree.commune, "Thôn Chưa Chấm", "X21583-KDC04")
    assessment_row(cycle, tree.unit)
    assessment_row(cycle, tree.sibling_unit)

    with pytest.raises(services.UnitsRefused) as refused:
        draft(
            commune_police,
            cycle,
            tree.commune,
            [tree.unit, submitted, failed, provincial, unassessed, tree.sibling_unit, tree.commune],
        )

    reasons = {r.name: r.reason for r in refused.value.refusals}
    outside = f"#{tree.sibling_unit.pk}"
    assert set(reasons) == {
        "Thôn Đang Chờ",
        "Thôn Chưa Đạt",
        "Sở Tư pháp",
        "Thôn Chưa Chấm",
        outside,
        "Phường Quy Nhơn",
    }
    assert "chưa được cấp trên duyệt" in reasons["Thôn Đang Chờ"]
    assert "Đã gửi, chờ cấp trên chấm" in reasons["Thôn Đang Chờ"]
    assert "chưa đạt tiêu chuẩn “An toàn về an ninh, trật tự”" in reasons["Thôn Chưa Đạt"]
    assert "Đạt 4/5 tiêu chí" in reasons["Thôn Chưa Đạt"]
    assert (
        reasons["Sở Tư pháp"]
        == "Thuộc thẩm quyền của UBND tỉnh (UBND cấp tỉnh), không phải của Phường Quy Nhơn."
    )
    assert reasons["Thôn Chưa Chấm"] == "Chưa có bản đánh giá năm 2026."
    # Another commune's unit: not named, whatever would be said of it.
    assert reasons[outside] == f"Không tìm thấy đơn vị #{tree.sibling_unit.pk} trong phạm vi của bạn."
    assert "Thôn Kiên Mỹ" not in str(refused.value)
    assert reasons["Phường Quy Nhơn"] == "Không thuộc địa bàn của Phường Quy Nhơn."
    assert Decision.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="decisions.decision").exists()


def test_a_commune_is_recognized_by_the_province_not_by_itself(tree, cycle, commune_police, province_officer):
    assessment_row(cycle, tree.commune)
    with pytest.raises(services.UnitsRefused):
        draft(commune_police, cycle, tree.commune, [tree.commune])
    decision = draft(province_officer, cycle, tree.province, [tree.commune])
    assert decision.items.get().node == tree.commune
    assert decision.proposal_by == "Giám đốc Công an tỉnh Gia Lai"


def test_only_the_drafting_roles_draft_and_only_at_their_level(tree, cycle, commune_leader, province_officer):
    assessment_row(cycle, tree.unit)
    with pytest.raises(PermissionDenied):
        draft(commune_leader, cycle, tree.commune, [tree.unit])
    # The province officer drafts the province's decisions, not the commune's.
    with pytest.raises(PermissionDenied):
        draft(province_officer, cycle, tree.commune, [tree.unit])


def test_a_new_draft_starts_with_the_default_wording(tree, cycle, commune_police):
    assessment_row(cycle, tree.unit)
    decision = draft(
        commune_police,
        cycle,
        tree.commune,
        [tree.unit],
        proposal_ref="Tờ trình số 45/TTr-CAP ngày 10/11/2026",
    )
    assert decision.status == DecisionStatus.DRAFT
    assert decision.place == "Quy Nhơn"
    assert decision.symbol == "QĐ-UBND"
    assert decision.proposal_by == "Trưởng Công an phường Quy Nhơn"
    assert decision.base_lines()[1].startswith("Căn cứ Thông tư số 124/2021/TT-BCA ngày 28 tháng 12 năm 2021")
    assert decision.recipient_lines() == [
        "Như Điều 3",
        "UBND tỉnh Gia Lai (để báo cáo)",
        "Công an tỉnh Gia Lai (để báo cáo)",
        "Lưu: VT",
    ]
    event = AuditEvent.objects.get(object_type="decisions.decision", action=AuditAction.CREATE)
    assert event.changes["units"] == [None, ["Tổ dân phố 1, phường Quy Nhơn"]]


def test_a_draft_can_be_edited_and_units_dropped_until_it_is_issued(
    tree, cycle, commune_police, commune_leader
):
    assessment_row(cycle, tree.unit)
    assessment_row(cycle, tree.school)
    decision = draft(commune_police, cycle, tree.commune, [tree.unit, tree.school])
    decision = services.decision_update_draft(
        by=commune_police,
        scope=scope(commune_police),
        decision=decision,
        data={"proposal_ref": "Tờ trình số 46/TTr-CAP", "bases": "Căn cứ A\n\n  Căn cứ B  "},
        node_ids=[tree.school.pk],
        expected_version=decision.version,
    )
    assert decision.proposal_ref == "Tờ trình số 46/TTr-CAP"
    assert decision.base_lines() == ["Căn cứ A", "Căn cứ B"]
    assert list(decision.items.values_list("node_id", flat=True)) == [tree.school.pk]
    with pytest.raises(ConcurrentEditError):
        services.decision_update_draft(
            by=commune_police, scope=scope(commune_police), decision=decision, data={}, expected_version=1
        )
    decision = issue(decision, commune_leader)
    with pytest.raises(DomainError, match="không sửa được"):
        services.decision_update_draft(
            by=commune_police,
            scope=scope(commune_police),
            decision=decision,
            data={"proposal_ref": "sửa sau khi ký"},
            expected_version=decision.version,
        )


# ---- issue ----------------------------------------------------------------------------------------


def test_issuing_needs_number_date_and_signer(tree, cycle, commune_police, commune_leader):
    assessment_row(cycle, tree.unit)
    decision = draft(commune_police, cycle, tree.commune, [tree.unit])
    with pytest.raises(DomainError) as missing:
        services.decision_issue(
            by=commune_leader,
            scope=scope(commune_leader),
            decision=decision,
            expected_version=decision.version,
        )
    assert "số, ngày ký, họ tên người ký" in str(missing.value)
    with pytest.raises(DomainError, match="sau ngày hôm nay"):
        issue(decision, commune_leader, issued_on=timezone.localdate() + dt.timedelta(days=3))
    with pytest.raises(DomainError, match="ký hiệu nhập ở ô riêng"):
        issue(decision, commune_leader, number="125/QĐ-UBND")
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DRAFT

    issued = issue(decision, commune_leader)
    assert (issued.status, issued.code, issued.number_year, issued.issued_by) == (
        DecisionStatus.ISSUED,
        "125/QĐ-UBND",
        2026,
        commune_leader,
    )
    assert list(issued.items.values_list("in_force", flat=True)) == [True]
    event = AuditEvent.objects.get(object_type="decisions.decision", action=AuditAction.TRANSITION)
    assert event.changes["status"] == ["draft", "issued"]
    assert event.changes["number"] == [None, "125"]
    assert event.actor == commune_leader


def test_the_drafter_cannot_issue(tree, cycle, commune_police):
    assessment_row(cycle, tree.unit)
    decision = draft(commune_police, cycle, tree.commune, [tree.unit])
    with pytest.raises(PermissionDenied):
        issue(decision, commune_police)


def test_a_number_is_used_once_per_issuer_and_year(tree, cycle, commune_police, commune_leader):
    assessment_row(cycle, tree.unit)
    assessment_row(cycle, tree.school)
    first = issue(draft(commune_police, cycle, tree.commune, [tree.unit]), commune_leader)
    second = draft(commune_police, cycle, tree.commune, [tree.school])
    with pytest.raises(DomainError, match="Số 125/QĐ-UBND đã được dùng"):
        issue(second, commune_leader)
    # Another symbol, or another year, is another number.
    assert issue(second, commune_leader, symbol="QĐ-CT").code == "125/QĐ-CT"
    assert first.code == "125/QĐ-UBND"


def test_a_unit_is_in_one_recognition_decision_in_force_per_cycle(
    tree, cycle, commune_police, commune_leader
):
    assessment_row(cycle, tree.unit)
    first = draft(commune_police, cycle, tree.commune, [tree.unit])
    second = draft(commune_police, cycle, tree.commune, [tree.unit])  # two drafts may name it
    issue(first, commune_leader)
    with pytest.raises(services.UnitsRefused) as refused:
        issue(second, commune_leader, number="126")
    assert refused.value.refusals[0].reason == "Đã có trong Quyết định số 125/QĐ-UBND còn hiệu lực."
    with pytest.raises(services.UnitsRefused):
        draft(commune_police, cycle, tree.commune, [tree.unit])
    assert tree.unit not in selectors.eligible_for_decision(cycle, tree.commune, R).values_list(
        "node", flat=True
    )
    # The database refuses it too, whatever the code path.
    other = decision_row(commune_leader, cycle, tree.commune, status=DecisionStatus.ISSUED, number="9")
    with pytest.raises(IntegrityError), transaction.atomic():
        DecisionItem.objects.create(
            decision=other,
            cycle=cycle,
            kind=R,
            node=tree.unit,
            assessment=first.items.get().assessment,
            in_force=True,
        )
    # A classification decision is another kind: the same unit may be in one of those.
    assessment = first.items.get().assessment
    assessment.result["qd510"]["classification"]["provisional"] = False
    assessment.save()
    assert draft(commune_police, cycle, tree.commune, [tree.unit], kind=C).items.count() == 1


# ---- revoke, cancel -------------------------------------------------------------------------------


def test_revoking_needs_a_reason_and_drops_the_unit_from_recognized_nodes(
    tree, cycle, commune_police, commune_leader
):
    assessment_row(cycle, tree.unit)
    assessment_row(cycle, tree.school)
    decision = issue(draft(commune_police, cycle, tree.commune, [tree.unit, tree.school]), commune_leader)
    assert set(selectors.recognized_nodes(cycle)) == {tree.unit, tree.school}
    ratio = facts.known_facts(cycle, tree.commune, None)["child_units_recognized"]
    assert ratio.value["met"] == 2

    with pytest.raises(DomainError, match="Cần nêu lý do"):
        services.decision_revoke(
            by=commune_leader,
            scope=scope(commune_leader),
            decision=decision,
            reason="  ",
            expected_version=decision.version,
        )
    revoked = services.decision_revoke(
        by=commune_leader,
        scope=scope(commune_leader),
        decision=decision,
        reason="Phát hiện vụ việc nghiêm trọng chưa báo cáo",
        expected_version=decision.version,
    )

    assert revoked.status == DecisionStatus.REVOKED
    assert revoked.revoke_reason == "Phát hiện vụ việc nghiêm trọng chưa báo cáo"
    assert not selectors.recognized_nodes(cycle).exists()
    assert facts.known_facts(cycle, tree.commune, None)["child_units_recognized"].value["met"] == 0
    assert selectors.official_status(cycle, tree.unit).recognized is False
    event = AuditEvent.objects.filter(object_type="decisions.decision", action=AuditAction.TRANSITION).latest(
        "id"
    )
    assert (event.changes["status"], event.reason) == (
        ["issued", "revoked"],
        "Phát hiện vụ việc nghiêm trọng chưa báo cáo",
    )
    # Its units may be recognized again by a new decision; the old number stays used.
    again = issue(draft(commune_police, cycle, tree.commune, [tree.unit]), commune_leader, number="130")
    assert list(selectors.recognized_nodes(cycle)) == [tree.unit]
    with pytest.raises(DomainError, match="đã được dùng"):
        issue(draft(commune_police, cycle, tree.commune, [tree.school]), commune_leader)
    assert again.code == "130/QĐ-UBND"


def test_a_draft_is_cancelled_not_deleted(tree, cycle, commune_police, commune_leader):
    assessment_row(cycle, tree.unit)
    decision = draft(commune_police, cycle, tree.commune, [tree.unit])
    cancelled = services.decision_cancel(
        by=commune_police, scope=scope(commune_police), decision=decision, expected_version=decision.version
    )
    assert cancelled.status == DecisionStatus.CANCELLED
    with pytest.raises(DomainError, match="Không thể chuyển"):
        issue(cancelled, commune_leader)


def test_official_status_names_the_decisions(tree, cycle, commune_police, commune_leader):
    assessment_row(cycle, tree.unit, level="xuat_sac", total=92, provisional=False)
    rec = issue(draft(commune_police, cycle, tree.commune, [tree.unit]), commune_leader)
    cls = issue(draft(commune_police, cycle, tree.commune, [tree.unit], kind=C), commune_leader, number="126")
    status = selectors.official_status(cycle, tree.unit)
    assert status.recognition.decision == rec  # type: ignore[union-attr]
    assert status.classification.decision == cls  # type: ignore[union-attr]
    assert (status.level, status.level_label) == ("xuat_sac", "Xuất sắc")
    assert status.classification.total == 92  # type: ignore[union-attr]


# ---- classification -------------------------------------------------------------------------------


def test_classification_needs_a_superior_total_and_a_level(tree, cycle, commune_police):
    assessment_row(cycle, tree.unit, level="", total=None)
    with pytest.raises(services.UnitsRefused) as refused:
        draft(commune_police, cycle, tree.commune, [tree.unit], kind=C)
    assert refused.value.refusals[0].reason == "Chưa có điểm cấp trên chấm và xếp loại phong trào."


def test_classification_is_refused_while_the_result_is_provisional(tree, cycle, commune_police):
    assessment_row(cycle, tree.unit, provisional=True)
    with pytest.raises(services.UnitsRefused) as refused:
        draft(commune_police, cycle, tree.commune, [tree.unit], kind=C)
    assert "quản trị hệ thống của tỉnh" in refused.value.refusals[0].reason
    assert "xác nhận ngưỡng" in refused.value.refusals[0].reason


# ---- awards ---------------------------------------------------------------------------------------


def award(user, cycle, node, **data):  # type: ignore[no-untyped-def]
    return services.award_propose(
        by=user,
        scope=scope(user),
        cycle=cycle,
        node=node,
        data={"award_title": "Giấy khen của Chủ tịch UBND phường", **data},
    )


def test_award_proposals_accept_only_recognized_units_classified_kha_or_better(
    tree, cycle, commune_police, commune_leader
):
    good = tree.unit
    average = tree.school
    unrecognized = f.unit(tree.commune, "Thôn Chưa Công Nhận", "X21583-KDC09")
    assessment_row(cycle, good, level="kha", total=75, provisional=False)
    assessment_row(cycle, average, level="trung_binh", total=55, provisional=False)
    assessment_row(cycle, unrecognized, level="kha", total=80, provisional=False)
    issue(draft(commune_police, cycle, tree.commune, [good, average]), commune_leader)

    with pytest.raises(DomainError, match="Chưa có quyết định phân loại phong trào năm 2026"):
        award(commune_police, cycle, good)
    issue(
        draft(commune_police, cycle, tree.commune, [good, average, unrecognized], kind=C),
        commune_leader,
        number="126",
    )

    with pytest.raises(DomainError) as no_recognition:
        award(commune_police, cycle, unrecognized)
    assert str(no_recognition.value).startswith(
        "Chưa có quyết định công nhận đạt tiêu chuẩn “An toàn về an ninh, trật tự” năm 2026"
    )
    with pytest.raises(DomainError) as below:
        award(commune_police, cycle, average)
    assert str(below.value).startswith("Xếp loại Trung bình, dưới mức Khá")

    proposal = award(commune_police, cycle, good, content="Mô hình camera an ninh")
    assert (proposal.recognition.decision.code, proposal.classification.level) == ("125/QĐ-UBND", "kha")  # type: ignore[union-attr]
    assert selectors.award_eligibility(cycle, good) == (
        True,
        "Đủ điều kiện: công nhận theo Quyết định số 125/QĐ-UBND, "
        "xếp loại Khá theo Quyết định số 126/QĐ-UBND.",
    )
    with pytest.raises(DomainError, match="đã có đề nghị khen thưởng này"):
        award(commune_police, cycle, good)
    individual = award(commune_police, cycle, good, kind="individual", recipient_name="Nguyễn Thị Hoa")
    assert individual.recipient_name == "Nguyễn Thị Hoa"
    with pytest.raises(DomainError, match="họ tên cá nhân"):
        award(commune_police, cycle, good, kind="individual")

    withdrawn = services.award_withdraw(
        by=commune_police,
        scope=scope(commune_police),
        proposal=proposal,
        reason="Trùng hồ sơ",
        expected_version=1,
    )
    assert (withdrawn.status, withdrawn.reason) == ("withdrawn", "Trùng hồ sơ")


def test_revoking_the_recognition_makes_the_unit_ineligible(tree, cycle, commune_police, commune_leader):
    assessment_row(cycle, tree.unit, level="xuat_sac", total=95, provisional=False)
    rec = issue(draft(commune_police, cycle, tree.commune, [tree.unit]), commune_leader)
    issue(draft(commune_police, cycle, tree.commune, [tree.unit], kind=C), commune_leader, number="126")
    assert selectors.award_eligibility(cycle, tree.unit)[0] is True
    services.decision_revoke(
        by=commune_leader,
        scope=scope(commune_leader),
        decision=rec,
        reason="Sai sót",
        expected_version=rec.version,
    )
    eligible, reason = selectors.award_eligibility(cycle, tree.unit)
    assert eligible is False and reason.startswith("Chưa có quyết định công nhận")


def test_only_award_proposers_propose(tree, cycle, unit_officer, commune_leader):
    with pytest.raises(PermissionDenied):
        award(unit_officer, cycle, tree.unit)
    with pytest.raises(PermissionDenied):
        award(commune_leader, cycle, tree.unit)


# ---- every transition by every role, in and out of scope ------------------------------------------

PERSONAS = [
    "admin",
    "province_officer",
    "province_leader",
    "inspector",
    "commune_police",
    "commune_leader",
    "unit_officer",
]
# Who may move a decision issued by each node, written from the product decisions.
MAY_MOVE = {
    ("issue", "commune"): {"admin", "commune_leader"},
    ("issue", "province"): {"admin", "province_leader"},
    ("issue", "sibling_commune"): {"admin"},
    ("revoke", "commune"): {"admin", "commune_leader"},
    ("revoke", "province"): {"admin", "province_leader"},
    ("revoke", "sibling_commune"): {"admin"},
    ("cancel", "commune"): {"admin", "commune_police"},
    ("cancel", "province"): {"admin", "province_officer"},
    ("cancel", "sibling_commune"): {"admin"},
}
SUBJECT = {"commune": "unit", "province": "commune", "sibling_commune": "sibling_unit"}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize(("move", "where"), sorted(MAY_MOVE))
def test_each_transition_by_each_role(tree, personas, persona, move, where):  # type: ignore[no-untyped-def]
    issuer: OrgNode = getattr(tree, where)
    cycle = cycle_row(tree.province)
    status = DecisionStatus.ISSUED if move == "revoke" else DecisionStatus.DRAFT
    decision = decision_row(
        personas["admin"], cycle, issuer, status=status, nodes=[getattr(tree, SUBJECT[where])]
    )
    user = personas[persona]
    calls = {
        "issue": lambda: services.decision_issue(
            by=user, scope=scope(user), decision=decision, expected_version=1, data=ISSUE_DATA
        ),
        "revoke": lambda: services.decision_revoke(
            by=user, scope=scope(user), decision=decision, reason="Sai sót", expected_version=1
        ),
        "cancel": lambda: services.decision_cancel(
            by=user, scope=scope(user), decision=decision, expected_version=1
        ),
    }
    if persona in MAY_MOVE[(move, where)]:
        moved = calls[move]()
        assert moved.status == {"issue": "issued", "revoke": "revoked", "cancel": "cancelled"}[move]
        event = AuditEvent.objects.get(object_type="decisions.decision", action=AuditAction.TRANSITION)
        assert event.actor == user and event.node_path == issuer.path
    else:
        with pytest.raises(PermissionDenied):
            calls[move]()
        decision.refresh_from_db()
        assert decision.status == status
        assert not AuditEvent.objects.filter(action=AuditAction.TRANSITION).exists()


@pytest.fixture
def personas(
    admin, province_officer, province_leader, inspector, commune_police, commune_leader, unit_officer
):  # type: ignore[no-untyped-def]
    return {
        "admin": admin,
        "province_officer": province_officer,
        "province_leader": province_leader,
        "inspector": inspector,
        "commune_police": commune_police,
        "commune_leader": commune_leader,
        "unit_officer": unit_officer,
    }


def test_issuing_and_revoking_tell_the_units(
    tree, cycle, commune_police, commune_leader, unit_officer, django_capture_on_commit_callbacks
):
    from antq.notifications.models import Notification

    assessment_row(cycle, tree.unit)
    decision = draft(commune_police, cycle, tree.commune, [tree.unit])
    with django_capture_on_commit_callbacks(execute=True):
        decision = issue(decision, commune_leader)
    notice = Notification.objects.get(user=unit_officer)
    assert (notice.kind, notice.title) == ("decision", "Quyết định số 125/QĐ-UBND đã ban hành")
    assert notice.url == reverse("decisions:unit_status", args=[tree.unit.pk])
    with django_capture_on_commit_callbacks(execute=True):
        services.decision_revoke(
            by=commune_leader,
            scope=scope(commune_leader),
            decision=decision,
            reason="Sai sót",
            expected_version=decision.version,
        )
    assert Notification.objects.filter(user=unit_officer).count() == 2
