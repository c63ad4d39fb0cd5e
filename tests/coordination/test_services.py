"""Writes of the coordination app: validated, scoped, audited, atomic, optimistic locking."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.coordination import services
from antq.coordination.choices import AgreementStatus, MeetingKind
from antq.coordination.models import (
    CampaignParticipation,
    CoordinationAgreement,
    ExecutionEntry,
    ReviewMeeting,
)
from antq.core.errors import ConcurrentEditError, DomainError
from antq.org.models import OrgNode
from tests.coordination.conftest import document, log, make_agreement


def _events(obj: object) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk)).order_by("id")  # type: ignore[attr-defined]
    )


def test_recording_an_agreement_cleans_it_and_audits_it(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    assert agreement.term_start == dt.date(2025, 2, 10)  # defaults to the signing day
    assert agreement.term_end is None
    assert agreement.party_lines() == ["Công đoàn cơ sở", "Ban Chỉ huy Quân sự"]
    assert agreement.status == AgreementStatus.IN_FORCE
    (event,) = _events(agreement)
    assert event.action == AuditAction.CREATE
    assert event.actor == enterprise_officer
    assert event.node_path == enterprise.path
    assert event.changes["number_symbol"] == [None, "12/QC-PH"]
    assert event.changes["signed_on"] == [None, "2025-02-10"]


def test_bad_input_is_refused_field_by_field_in_vietnamese(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_agreement(
            enterprise_officer,
            enterprise,
            kind="treaty",
            police_party="  ",
            signed_on=dt.date(2025, 2, 10),
            term_start=dt.date(2025, 2, 1),
        )
    errors = caught.value.message_dict
    assert errors["kind"] == ["Vui lòng chọn loại văn bản (quy chế hoặc kế hoạch phối hợp)."]
    assert errors["police_party"] == ["Vui lòng nhập đơn vị Công an phối hợp."]
    assert errors["term_start"] == ["Ngày bắt đầu hiệu lực không được trước ngày ký."]
    assert not CoordinationAgreement.objects.exists()
    assert not AuditEvent.objects.filter(object_type="coordination.coordinationagreement").exists()


def test_a_term_ending_before_it_starts_and_a_future_signature_are_refused(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    with pytest.raises(ValidationError) as caught:
        make_agreement(enterprise_officer, enterprise, term_end=dt.date(2025, 1, 1))
    assert "term_end" in caught.value.message_dict
    with pytest.raises(ValidationError) as caught:
        make_agreement(enterprise_officer, enterprise, signed_on=dt.date(2999, 1, 1))
    assert caught.value.message_dict["signed_on"] == ["Ngày ký không được sau ngày hôm nay."]


def test_a_residential_area_keeps_no_coordination_record(tree, unit_officer: User) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ValidationError) as caught:
        make_agreement(unit_officer, tree.unit)
    assert "node" in caught.value.message_dict


def test_recording_outside_ones_scope_or_without_the_action_is_forbidden(
    enterprise: OrgNode,
    tree,
    province_officer: User,
    admin: User,  # type: ignore[no-untyped-def]
) -> None:
    from antq.accounts.roles import Role
    from tests import factories as f

    other = f.unit(tree.sibling_commune, "Công ty Tây Sơn", "X21600-DN01", kind="enterprise")
    stranger = f.user_with_role("dn.khac", Role.UNIT_OFFICER, other)
    with pytest.raises(PermissionDenied):
        make_agreement(stranger, enterprise)
    with pytest.raises(PermissionDenied):  # a province officer reviews, does not record
        make_agreement(province_officer, enterprise)


def test_the_commune_police_record_for_the_commune_and_its_units(
    enterprise: OrgNode,
    tree,
    commune_police: User,  # type: ignore[no-untyped-def]
) -> None:
    make_agreement(commune_police, enterprise)
    make_agreement(commune_police, tree.commune, police_party="Công an phường Quy Nhơn")
    assert CoordinationAgreement.objects.count() == 2


def test_a_document_must_be_in_force_in_the_units_own_register(
    enterprise: OrgNode,
    enterprise_officer: User,
    tree,
    admin: User,  # type: ignore[no-untyped-def]
) -> None:
    own = document(enterprise, enterprise_officer)
    elsewhere = document(tree.school, admin)
    withdrawn = document(
        enterprise, enterprise_officer, is_active=False, withdrawn_reason="Nhầm tệp", number_symbol="13/QC"
    )
    assert make_agreement(enterprise_officer, enterprise, document=own).document == own
    with pytest.raises(ValidationError) as caught:
        make_agreement(enterprise_officer, enterprise, document=elsewhere)
    assert caught.value.message_dict["document"] == [
        "Tài liệu phải thuộc hồ sơ minh chứng của chính đơn vị này."
    ]
    with pytest.raises(ValidationError) as caught:
        make_agreement(enterprise_officer, enterprise, document=withdrawn)
    assert caught.value.message_dict["document"] == ["Tài liệu này đã bị thu hồi khỏi hồ sơ minh chứng."]


def test_an_edit_is_audited_old_to_new_and_a_stale_one_is_refused(
    enterprise: OrgNode, enterprise_officer: User, commune_police: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    seen = agreement.version
    updated = services.agreement_update(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        agreement=agreement,
        data={"number_symbol": "12/QC-CAP", "term_end": dt.date(2026, 12, 31)},
        expected_version=seen,
    )
    assert updated.version == seen + 1
    event = _events(agreement)[-1]
    assert event.action == AuditAction.UPDATE
    assert event.changes == {"number_symbol": ["12/QC-PH", "12/QC-CAP"], "term_end": [None, "2026-12-31"]}
    with pytest.raises(ConcurrentEditError):
        services.agreement_update(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            data={"number_symbol": "99/QC"},
            expected_version=seen,
        )
    agreement.refresh_from_db()
    assert agreement.number_symbol == "12/QC-CAP"


def test_an_edit_cannot_leave_logged_executions_outside_the_term(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    log(enterprise_officer, agreement, dt.date(2025, 9, 10))
    with pytest.raises(ValidationError) as caught:
        services.agreement_update(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            data={"term_end": dt.date(2025, 6, 30)},
            expected_version=agreement.version,
        )
    assert caught.value.message_dict["term_end"] == [
        "Đã có lần thực hiện ngày 10/09/2025, sau ngày hết hiệu lực mới."
    ]


def test_ending_needs_a_reason_and_is_a_recorded_transition(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    scope = Scope.for_user(enterprise_officer)
    with pytest.raises(ValidationError) as caught:
        services.agreement_end(
            by=enterprise_officer,
            scope=scope,
            agreement=agreement,
            ended_on=dt.date(2025, 6, 30),
            reason="  ",
            expected_version=agreement.version,
        )
    assert caught.value.message_dict["reason"] == ["Vui lòng nêu lý do chấm dứt."]
    ended = services.agreement_end(
        by=enterprise_officer,
        scope=scope,
        agreement=agreement,
        ended_on=dt.date(2025, 6, 30),
        reason="Thay bằng quy chế mới",
        expected_version=agreement.version,
    )
    assert ended.status == AgreementStatus.ENDED
    assert ended.effective_end == dt.date(2025, 6, 30)
    event = _events(agreement)[-1]
    assert event.action == AuditAction.TRANSITION
    assert event.changes["status"] == ["in_force", "ended"]
    assert event.reason == "Thay bằng quy chế mới"
    with pytest.raises(DomainError):
        services.agreement_end(
            by=enterprise_officer,
            scope=scope,
            agreement=ended,
            ended_on=dt.date(2025, 7, 1),
            reason="Lần nữa",
            expected_version=ended.version,
        )
    with pytest.raises(DomainError):
        services.agreement_update(
            by=enterprise_officer,
            scope=scope,
            agreement=ended,
            data={"title": "x"},
            expected_version=ended.version,
        )


def test_ending_with_a_stale_version_changes_nothing(enterprise: OrgNode, enterprise_officer: User) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    with pytest.raises(ConcurrentEditError):
        services.agreement_end(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            ended_on=dt.date(2025, 6, 30),
            reason="Thay bằng quy chế mới",
            expected_version=agreement.version + 5,
        )
    agreement.refresh_from_db()
    assert agreement.status == AgreementStatus.IN_FORCE
    assert agreement.ended_on is None


def test_an_execution_must_fall_in_the_term_and_an_end_cannot_precede_it(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise, term_end=dt.date(2025, 12, 31))
    with pytest.raises(ValidationError) as caught:
        log(enterprise_officer, agreement, dt.date(2025, 1, 5))
    assert caught.value.message_dict["occurred_on"] == [
        "Ngày thực hiện nằm ngoài thời gian hiệu lực của văn bản (từ 10/02/2025 đến 31/12/2025)."
    ]
    log(enterprise_officer, agreement, dt.date(2025, 8, 1))
    with pytest.raises(ValidationError) as caught:
        services.agreement_end(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            ended_on=dt.date(2025, 6, 30),
            reason="Thay bằng quy chế mới",
            expected_version=agreement.version,
        )
    assert caught.value.message_dict["ended_on"] == [
        "Đã có lần thực hiện ngày 01/08/2025, sau ngày chấm dứt."
    ]
    entry = ExecutionEntry.objects.get()
    (event,) = _events(entry)
    assert event.changes["occurred_on"] == [None, "2025-08-01"]


def test_a_meeting_needs_its_kind_and_summary_and_cites_the_units_minutes(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    scope = Scope.for_user(enterprise_officer)
    with pytest.raises(ValidationError) as caught:
        services.meeting_add(
            by=enterprise_officer, scope=scope, agreement=agreement, data={"held_on": dt.date(2025, 1, 1)}
        )
    assert set(caught.value.message_dict) == {"held_on", "kind", "summary"}
    minutes = document(enterprise, enterprise_officer, doc_type="bien_ban", number_symbol="05/BB")
    meeting = services.meeting_add(
        by=enterprise_officer,
        scope=scope,
        agreement=agreement,
        data={
            "held_on": dt.date(2025, 12, 12),
            "kind": MeetingKind.FINAL,
            "summary": "Tổng kết",
            "minutes": minutes,
        },
    )
    assert ReviewMeeting.objects.get().minutes == minutes
    assert _events(meeting)[0].changes["minutes"] == [None, minutes.pk]


def test_a_campaign_participation_is_recorded_and_corrected(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    scope = Scope.for_user(enterprise_officer)
    with pytest.raises(ValidationError) as caught:
        services.campaign_create(by=enterprise_officer, scope=scope, node=enterprise, data={"campaign": ""})
    assert set(caught.value.message_dict) == {"campaign", "organizer", "took_part_on"}
    row = services.campaign_create(
        by=enterprise_officer,
        scope=scope,
        node=enterprise,
        data={"campaign": "Ngày hội", "organizer": "UBND phường", "took_part_on": dt.date(2025, 8, 19)},
    )
    services.campaign_update(
        by=enterprise_officer,
        scope=scope,
        participation=row,
        data={"contribution": "Cử 15 người tham gia"},
        expected_version=row.version,
    )
    row.refresh_from_db()
    assert row.contribution == "Cử 15 người tham gia"
    assert row.version == 2
    assert _events(row)[-1].changes == {"contribution": ["", "Cử 15 người tham gia"]}
    with pytest.raises(ConcurrentEditError):
        services.campaign_update(
            by=enterprise_officer, scope=scope, participation=row, data={"organizer": "x"}, expected_version=1
        )
    assert CampaignParticipation.objects.get().organizer == "UBND phường"


# --- Checks run on the agreement as it stands, locked (not on the copy the caller loaded) ---------


def _end_meanwhile(user: User, agreement: CoordinationAgreement, day: dt.date) -> None:
    """Another request ends the agreement after the caller loaded it."""
    fresh = CoordinationAgreement.objects.get(pk=agreement.pk)
    services.agreement_end(
        by=user,
        scope=Scope.for_user(user),
        agreement=fresh,
        ended_on=day,
        reason="Thay bằng quy chế mới",
        expected_version=fresh.version,
    )


def test_an_execution_is_checked_against_the_agreement_ended_meanwhile(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    loaded = CoordinationAgreement.objects.get(pk=agreement.pk)  # the page's copy: still in force
    _end_meanwhile(enterprise_officer, agreement, dt.date(2025, 6, 30))
    with pytest.raises(ValidationError) as caught:
        log(enterprise_officer, loaded, dt.date(2025, 8, 1))
    assert caught.value.message_dict["occurred_on"] == [
        "Ngày thực hiện nằm ngoài thời gian hiệu lực của văn bản (từ 10/02/2025 đến 30/06/2025)."
    ]
    assert not ExecutionEntry.objects.exists()


def test_a_meeting_is_checked_against_the_term_changed_meanwhile(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    loaded = CoordinationAgreement.objects.get(pk=agreement.pk)  # term from 10/02/2025
    services.agreement_update(
        by=enterprise_officer,
        scope=Scope.for_user(enterprise_officer),
        agreement=agreement,
        data={"term_start": dt.date(2025, 5, 1)},
        expected_version=agreement.version,
    )
    with pytest.raises(ValidationError) as caught:
        services.meeting_add(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=loaded,
            data={"held_on": dt.date(2025, 3, 1), "kind": MeetingKind.PERIODIC, "summary": "Họp quý I"},
        )
    assert caught.value.message_dict["held_on"] == [
        "Ngày họp không được trước ngày bắt đầu hiệu lực (01/05/2025)."
    ]
    assert not ReviewMeeting.objects.exists()


def test_ending_is_checked_against_the_agreement_locked_not_the_callers_copy(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    loaded = CoordinationAgreement.objects.get(pk=agreement.pk)
    _end_meanwhile(enterprise_officer, agreement, dt.date(2025, 6, 30))
    ended = CoordinationAgreement.objects.get(pk=agreement.pk)
    # Even naming the current version, the copy's "in force" does not get past the check.
    with pytest.raises(DomainError) as caught:
        services.agreement_end(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=loaded,
            ended_on=dt.date(2025, 7, 1),
            reason="Lần nữa",
            expected_version=ended.version,
        )
    assert str(caught.value) == "Quy chế, kế hoạch đã chấm dứt trước đó."


def test_ending_with_a_stale_version_is_refused_before_the_checks(
    enterprise: OrgNode, enterprise_officer: User
) -> None:
    agreement = make_agreement(enterprise_officer, enterprise)
    with pytest.raises(ConcurrentEditError):
        services.agreement_end(
            by=enterprise_officer,
            scope=Scope.for_user(enterprise_officer),
            agreement=agreement,
            ended_on=None,
            reason="",
            expected_version=agreement.version + 1,
        )
