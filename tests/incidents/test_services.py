"""Recording, correcting and withdrawing incidents: new revisions, never silent edits."""

from __future__ import annotations

import copy
import datetime as dt

import pytest
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.criteria.models import FrameworkVersion
from antq.incidents import services
from antq.incidents.choices import IncidentStatus
from antq.incidents.models import Incident
from tests.conftest import Tree

from .conftest import RecordFn, facts

pytestmark = pytest.mark.django_db


def scope(user: User) -> Scope:
    return Scope.for_user(user)


def test_commune_police_record_an_incident_against_a_unit(tree: Tree, record: RecordFn) -> None:
    incident = record(tree.unit)
    assert (incident.revision, incident.is_current, incident.status) == (1, True, IncidentStatus.ACTIVE)
    assert incident.node == tree.unit and incident.reason == ""
    event = AuditEvent.objects.get(object_type="incidents.incident", object_id=str(incident.pk))
    assert event.action == AuditAction.CREATE and event.node_path == tree.unit.path
    assert event.changes["incident_type"] == [None, "INC_SERIOUS_CRIME"]


def test_commune_police_record_an_incident_against_the_commune_itself(tree: Tree, record: RecordFn) -> None:
    assert record(tree.commune).node == tree.commune


def test_a_province_is_not_a_place_to_record_an_incident(
    tree: Tree, record: RecordFn, province_officer: User
) -> None:
    with pytest.raises(ValidationError) as err:
        record(tree.province, by=province_officer)
    assert "node" in err.value.message_dict


@pytest.mark.parametrize("persona", ["unit_officer", "commune_leader", "inspector"])
def test_roles_without_the_record_action_cannot_record(
    request: pytest.FixtureRequest, tree: Tree, record: RecordFn, persona: str
) -> None:
    with pytest.raises(PermissionDenied):
        record(tree.unit, by=request.getfixturevalue(persona))


def test_commune_police_cannot_record_in_a_sibling_commune(tree: Tree, record: RecordFn) -> None:
    with pytest.raises(PermissionDenied):
        record(tree.sibling_unit)


def test_the_type_must_be_a_code_of_the_catalogue(tree: Tree, record: RecordFn) -> None:
    with pytest.raises(ValidationError) as err:
        record(tree.unit, incident_type="INC_NOT_IN_TT124")
    assert "INC_NOT_IN_TT124" in err.value.message_dict["incident_type"][0]
    assert "2021.1" in err.value.message_dict["incident_type"][0]


def test_the_catalogue_is_the_one_of_the_version_in_force_on_the_date(tree: Tree, record: RecordFn) -> None:
    """A new TT 124 version adding a type: the type exists from its effective date, not before."""
    base = FrameworkVersion.objects.get(framework__code="tt124", province__isnull=True)
    content = copy.deepcopy(base.content)
    content["version"] = "2025.1"
    content["effective_from"] = "2025-07-01"
    content["incident_types"]["INC_CYBER_ATTACK"] = {"label_vi": "Tấn công mạng"}
    FrameworkVersion.objects.create(framework=base.framework, label="2025.1", content=content)
    with pytest.raises(ValidationError):
        record(tree.unit, incident_type="INC_CYBER_ATTACK", occurred_on=dt.date(2025, 6, 30))
    assert record(tree.unit, incident_type="INC_CYBER_ATTACK", occurred_on=dt.date(2025, 7, 1)).pk


def test_a_date_before_the_first_version_uses_the_first_catalogue(tree: Tree, record: RecordFn) -> None:
    # 01/12/2021 is in the 2022 window, judged by 2021.1 (in force from 10/02/2022).
    assert record(tree.unit, occurred_on=dt.date(2021, 12, 1)).pk


def test_a_future_date_is_refused(tree: Tree, record: RecordFn) -> None:
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    with pytest.raises(ValidationError) as err:
        record(tree.unit, occurred_on=tomorrow)
    assert err.value.message_dict["occurred_on"] == ["Ngày xảy ra không được sau ngày hôm nay."]
    assert record(tree.unit, occurred_on=timezone.localdate()).pk


def test_blank_place_and_summary_are_refused_together(tree: Tree, record: RecordFn) -> None:
    with pytest.raises(ValidationError) as err:
        record(tree.unit, place=" ", summary="", source="rumour")
    assert set(err.value.message_dict) == {"place", "summary", "source"}


def test_an_excuse_the_type_does_not_accept_is_still_recorded(tree: Tree, record: RecordFn) -> None:
    incident = record(tree.unit, incident_type="INC_ILLEGAL_STRIKE", force_majeure=True)
    assert incident.force_majeure is True


def test_a_correction_is_a_new_revision_and_the_old_one_stays_unchanged(
    tree: Tree, record: RecordFn, commune_police: User
) -> None:
    first = record(tree.unit)
    before = {f.attname: getattr(first, f.attname) for f in Incident._meta.concrete_fields}
    second = services.incident_correct(
        by=commune_police,
        scope=scope(commune_police),
        incident=first,
        data={"timely_handled": True, "place": "Chợ Quy Nhơn"},
        reason="Biên bản xác minh bổ sung: đã kịp thời xử lý.",
        expected_revision=1,
    )
    assert (second.series, second.revision, second.is_current) == (first.series, 2, True)
    assert second.timely_handled is True and second.place == "Chợ Quy Nhơn"
    assert second.summary == first.summary and second.incident_type == first.incident_type
    assert second.reason == "Biên bản xác minh bổ sung: đã kịp thời xử lý."
    old = Incident.objects.get(pk=first.pk)
    after = {f.attname: getattr(old, f.attname) for f in Incident._meta.concrete_fields}
    assert after == {**before, "is_current": False}
    event = AuditEvent.objects.get(object_type="incidents.incident", object_id=str(second.pk))
    assert event.action == AuditAction.CORRECT and event.reason.startswith("Biên bản")
    assert event.changes["timely_handled"] == [False, True] and event.changes["revision"] == [1, 2]


def test_a_correction_may_move_the_incident_to_another_unit_of_the_commune(
    tree: Tree, record: RecordFn, commune_police: User
) -> None:
    first = record(tree.unit)
    second = services.incident_correct(
        by=commune_police,
        scope=scope(commune_police),
        incident=first,
        data={"node": tree.school},
        reason="Ghi nhầm đơn vị.",
        expected_revision=1,
    )
    assert second.node == tree.school
    with pytest.raises(PermissionDenied):
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=second,
            data={"node": tree.sibling_unit},
            reason="Sang xã khác",
            expected_revision=2,
        )


def test_a_stale_correction_is_refused(tree: Tree, record: RecordFn, commune_police: User) -> None:
    first = record(tree.unit)
    services.incident_correct(
        by=commune_police,
        scope=scope(commune_police),
        incident=first,
        data={"summary": "Bản của người thứ nhất"},
        reason="Bổ sung",
        expected_revision=1,
    )
    with pytest.raises(ConcurrentEditError, match=r"lần ghi 1, bản hiện hành là lần ghi 2"):
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=first,
            data={"summary": "Bản của người thứ hai"},
            reason="Bổ sung",
            expected_revision=1,
        )
    assert Incident.objects.filter(series=first.series).count() == 2


def test_a_correction_needs_a_reason_and_a_change(tree: Tree, record: RecordFn, commune_police: User) -> None:
    first = record(tree.unit)
    with pytest.raises(ValidationError) as err:
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=first,
            data={"summary": "Khác"},
            reason="  ",
            expected_revision=1,
        )
    assert "reason" in err.value.message_dict
    with pytest.raises(DomainError, match="Không có thay đổi"):
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=first,
            data={"summary": first.summary},
            reason="Không đổi gì",
            expected_revision=1,
        )
    assert Incident.objects.filter(series=first.series).count() == 1


def test_a_correction_is_checked_like_a_new_record(
    tree: Tree, record: RecordFn, commune_police: User
) -> None:
    first = record(tree.unit)
    with pytest.raises(ValidationError) as err:
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=first,
            data={"incident_type": "INC_UNKNOWN", "occurred_on": timezone.localdate() + dt.timedelta(days=3)},
            reason="Sai",
            expected_revision=1,
        )
    assert set(err.value.message_dict) == {"occurred_on", "incident_type"}  # every problem at once


def test_withdrawal_is_a_revision_with_a_reason(tree: Tree, record: RecordFn, commune_police: User) -> None:
    first = record(tree.unit)
    withdrawn = services.incident_withdraw(
        by=commune_police,
        scope=scope(commune_police),
        incident=first,
        reason="Ghi nhận nhầm: vụ việc xảy ra ở xã khác.",
        expected_revision=1,
    )
    assert (withdrawn.revision, withdrawn.status, withdrawn.is_current) == (2, IncidentStatus.WITHDRAWN, True)
    assert withdrawn.summary == first.summary
    assert Incident.objects.get(pk=first.pk).status == IncidentStatus.ACTIVE
    event = AuditEvent.objects.get(object_type="incidents.incident", object_id=str(withdrawn.pk))
    assert event.changes["status"] == ["active", "withdrawn"] and event.reason.startswith("Ghi nhận nhầm")
    with pytest.raises(DomainError, match="đã được rút"):
        services.incident_withdraw(
            by=commune_police,
            scope=scope(commune_police),
            incident=withdrawn,
            reason="Lần nữa",
            expected_revision=2,
        )
    with pytest.raises(DomainError, match="không đính chính được"):
        services.incident_correct(
            by=commune_police,
            scope=scope(commune_police),
            incident=withdrawn,
            data={"summary": "Khác"},
            reason="Sửa",
            expected_revision=2,
        )


def test_withdrawal_needs_a_reason_and_the_current_revision(
    tree: Tree, record: RecordFn, commune_police: User, unit_officer: User
) -> None:
    first = record(tree.unit)
    with pytest.raises(ValidationError):
        services.incident_withdraw(
            by=commune_police, scope=scope(commune_police), incident=first, reason="", expected_revision=1
        )
    with pytest.raises(ConcurrentEditError):
        services.incident_withdraw(
            by=commune_police, scope=scope(commune_police), incident=first, reason="Nhầm", expected_revision=3
        )
    with pytest.raises(PermissionDenied):
        services.incident_withdraw(
            by=unit_officer, scope=scope(unit_officer), incident=first, reason="Nhầm", expected_revision=1
        )


def test_the_database_keeps_one_current_revision_per_series(tree: Tree, record: RecordFn) -> None:
    first = record(tree.unit)
    twin = Incident(series=first.series, revision=2, recorded_by=first.recorded_by, node=tree.unit, **facts())
    with pytest.raises(IntegrityError), transaction.atomic():
        twin.save()
