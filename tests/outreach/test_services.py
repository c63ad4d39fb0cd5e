"""Writes of the outreach app: validation, scope, all-or-nothing imports, de-duplication across
sessions, optimistic locking, the festival day's workflow, and the audit trail."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from antq.accounts.scope import Scope
from antq.audit.models import AuditAction, AuditEvent
from antq.core.errors import ConcurrentEditError, DomainError
from antq.outreach import selectors, services
from antq.outreach.choices import AttendanceMode, FestivalStatus, Participation, SessionKind
from antq.outreach.importing import read_attendance
from antq.outreach.models import Attendance, FestivalDay, OutreachSession, Participant
from tests import factories as f
from tests.outreach.conftest import evidence, people_rows, session_data, upload, xlsx


def _import(session, user, rows):  # type: ignore[no-untyped-def]
    checked = read_attendance(upload(xlsx(rows)))
    assert checked.valid, checked.errors
    return services.attendance_import(
        by=user, scope=Scope.for_user(user), session=session, people=checked.people, file_name="ds.xlsx"
    )


def test_recording_a_session_is_audited(tree, unit_officer, make_session):
    session = make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=45)
    event = AuditEvent.objects.get(object_type="outreach.outreachsession", object_id=str(session.pk))
    assert event.action == AuditAction.CREATE
    assert event.actor == unit_officer
    assert event.node_path == tree.unit.path
    assert event.changes["headcount"] == [None, 45]


def test_every_bad_field_is_named_at_once(tree, unit_officer):
    with pytest.raises(ValidationError) as exc:
        services.session_create(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            node=tree.unit,
            data=session_data(
                kind="other",
                held_on=timezone.localdate() + dt.timedelta(days=2),
                topic=" ",
                audiences=[],
                place="",
                attendance_mode=AttendanceMode.HEADCOUNT,
                headcount=None,
            ),
        )
    assert set(exc.value.message_dict) == {"kind", "held_on", "topic", "audiences", "place", "headcount"}
    assert "sau ngày hôm nay" in exc.value.message_dict["held_on"][0]
    assert not OutreachSession.objects.exists()


def test_recording_needs_activity_record_on_the_node(tree, unit_officer, commune_leader, province_officer):
    for user, node in (
        (unit_officer, tree.sibling_unit),
        (commune_leader, tree.unit),
        (province_officer, tree.unit),
    ):
        with pytest.raises(PermissionDenied):
            services.session_create(by=user, scope=Scope.for_user(user), node=node, data=session_data())
    assert not OutreachSession.objects.exists()


def test_commune_police_record_for_the_commune_and_its_units(tree, commune_police, make_session):
    assert make_session(tree.commune, by=commune_police).node == tree.commune
    assert make_session(tree.unit, by=commune_police).node == tree.unit
    with pytest.raises(ValidationError):
        make_session(tree.province, by=f.user_with_role("qt", "system_admin", tree.nation))


def test_evidence_must_be_the_units_own_document_in_force(tree, unit_officer, make_session):
    own = evidence(tree.unit, unit_officer)
    assert make_session(evidence=own).evidence == own
    foreign = evidence(tree.school, unit_officer)
    with pytest.raises(ValidationError) as exc:
        make_session(evidence=foreign)
    assert "chính đơn vị" in exc.value.message_dict["evidence"][0]
    old = evidence(tree.unit, unit_officer, year=2023)
    with pytest.raises(ValidationError, match="năm 2025 hoặc 2026"):
        make_session(evidence=old)


def test_import_adds_people_once_across_sessions_and_reimporting_adds_nobody(
    tree, unit_officer, make_session
):
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    result = _import(first, unit_officer, people_rows(0, 10))
    assert (result.added, result.new_people, result.already_listed) == (10, 10, 0)
    # Same file again into the same session: nobody twice.
    again = _import(first, unit_officer, people_rows(0, 10))
    assert (again.added, again.new_people, again.already_listed) == (0, 0, 10)
    # Overlapping list into another session: the 5 known people are not created again.
    other = _import(second, unit_officer, people_rows(5, 10))
    assert (other.added, other.new_people) == (10, 5)
    assert Participant.objects.filter(node=tree.unit).count() == 15
    assert Attendance.objects.filter(session=first).count() == 10
    assert Attendance.objects.filter(session=second).count() == 10


def test_people_are_per_node(tree, commune_police, make_session):
    a = make_session(tree.unit, by=commune_police)
    b = make_session(tree.school, by=commune_police)
    _import(a, commune_police, people_rows(0, 3))
    _import(b, commune_police, people_rows(0, 3))
    assert Participant.objects.filter(node=tree.unit).count() == 3
    assert Participant.objects.filter(node=tree.school).count() == 3


def test_an_import_that_fails_writes_nothing(tree, unit_officer, make_session, monkeypatch):
    session = make_session()
    checked = read_attendance(upload(xlsx(people_rows(0, 5))))

    def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(services, "record", broken)
    with pytest.raises(RuntimeError):
        services.attendance_import(
            by=unit_officer, scope=Scope.for_user(unit_officer), session=session, people=checked.people
        )
    assert not Participant.objects.exists()
    assert not Attendance.objects.exists()
    session.refresh_from_db()
    assert session.version == 1


def test_importing_into_a_headcount_session_makes_it_a_list_session(tree, unit_officer, make_session):
    session = make_session(attendance_mode=AttendanceMode.HEADCOUNT, headcount=40)
    _import(session, unit_officer, people_rows(0, 4))
    session.refresh_from_db()
    assert session.attendance_mode == AttendanceMode.LIST
    assert session.headcount is None
    event = AuditEvent.objects.get(action=AuditAction.IMPORT, object_id=str(session.pk))
    assert event.changes["headcount"] == [40, None]
    assert event.changes["attendance"] == [0, 4]
    # A list session with people cannot go back to a headcount.
    with pytest.raises(ValidationError, match="danh sách"):
        services.session_update(
            by=unit_officer,
            scope=Scope.for_user(unit_officer),
            session=session,
            data=session_data(attendance_mode=AttendanceMode.HEADCOUNT, headcount=10),
            expected_version=session.version,
        )


def test_a_stale_edit_is_refused(tree, unit_officer, make_session):
    session = make_session()
    scope = Scope.for_user(unit_officer)
    services.session_update(
        by=unit_officer, scope=scope, session=session, data=session_data(topic="Mới"), expected_version=1
    )
    with pytest.raises(ConcurrentEditError):
        services.session_update(
            by=unit_officer, scope=scope, session=session, data=session_data(topic="Cũ"), expected_version=1
        )
    session.refresh_from_db()
    assert session.topic == "Mới"
    assert session.version == 2
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(session.pk))
    assert update.changes == {"topic": ["Phòng, chống lừa đảo qua mạng", "Mới"]}


# --- Festival days ---------------------------------------------------------------------------


def _festival(node, user, **data):  # type: ignore[no-untyped-def]
    return services.festival_create(by=user, scope=Scope.for_user(user), node=node, year=2025, data=data)


def test_festival_planned_then_held_through_the_workflow(tree, unit_officer):
    festival = _festival(tree.unit, unit_officer, planned_on=dt.date(2025, 8, 19), place="Sân nhà văn hóa")
    assert festival.status == FestivalStatus.PLANNED
    scope = Scope.for_user(unit_officer)
    with pytest.raises(ValidationError) as exc:
        services.festival_mark_held(
            by=unit_officer, scope=scope, festival=festival, data={}, expected_version=festival.version
        )
    assert set(exc.value.message_dict) == {"held_on", "attendance"}
    held = services.festival_mark_held(
        by=unit_officer,
        scope=scope,
        festival=festival,
        data={"held_on": dt.date(2025, 8, 15), "attendance": 230},
        expected_version=festival.version,
    )
    assert held.status == FestivalStatus.HELD
    assert (held.held_on, held.attendance) == (dt.date(2025, 8, 15), 230)
    event = AuditEvent.objects.get(action=AuditAction.TRANSITION, object_id=str(festival.pk))
    assert event.changes["status"] == ["planned", "held"]
    assert event.actor == unit_officer
    with pytest.raises(DomainError):  # held → held is not in the table
        services.festival_mark_held(
            by=unit_officer,
            scope=scope,
            festival=held,
            data={"held_on": dt.date(2025, 8, 16), "attendance": 1},
            expected_version=held.version,
        )
    with pytest.raises(ConcurrentEditError):
        services.festival_mark_held(
            by=unit_officer,
            scope=scope,
            festival=festival,
            data={"held_on": dt.date(2025, 8, 15), "attendance": 230},
            expected_version=1,
        )


def test_one_festival_day_per_node_and_year(tree, unit_officer):
    _festival(tree.unit, unit_officer)
    with pytest.raises(ValidationError, match="đã có Ngày hội năm 2025"):
        _festival(tree.unit, unit_officer)
    assert FestivalDay.objects.count() == 1


def test_festival_dates_belong_to_its_year(tree, unit_officer):
    with pytest.raises(ValidationError) as exc:
        _festival(tree.unit, unit_officer, planned_on=dt.date(2024, 8, 19))
    assert "năm 2025" in exc.value.message_dict["planned_on"][0]


def test_a_unit_joins_its_communes_festival_not_a_foreign_one(tree, unit_officer, commune_police):
    joined = _festival(tree.unit, unit_officer, participation=Participation.JOINED, host=tree.commune)
    assert joined.host == tree.commune
    with pytest.raises(ValidationError) as exc:
        _festival(tree.school, commune_police, participation=Participation.JOINED, host=tree.sibling_commune)
    assert "cùng xã" in exc.value.message_dict["host"][0]
    with pytest.raises(ValidationError) as exc:
        _festival(tree.school, commune_police, participation=Participation.JOINED, host=None)
    assert "host" in exc.value.message_dict
    # Hosting clears a host given by mistake.
    own = _festival(tree.school, commune_police, participation=Participation.HOSTED, host=tree.commune)
    assert own.host is None


def test_festival_photos_are_images_of_the_units_dossier(tree, unit_officer):
    photo = evidence(tree.unit, unit_officer, image=True, title="Ảnh văn nghệ")
    minutes = evidence(tree.unit, unit_officer, title="Biên bản")
    scope = Scope.for_user(unit_officer)
    festival = services.festival_create(
        by=unit_officer, scope=scope, node=tree.unit, year=2025, data={}, photos=[photo]
    )
    assert list(festival.photos.all()) == [photo]
    with pytest.raises(ValidationError, match="không phải là ảnh"):
        services.festival_update(
            by=unit_officer,
            scope=scope,
            festival=festival,
            data={},
            photos=[photo, minutes],
            expected_version=festival.version,
        )
    updated = services.festival_update(
        by=unit_officer,
        scope=scope,
        festival=festival,
        data={"note": "Có ảnh"},
        photos=[],
        expected_version=1,
    )
    assert updated.photos.count() == 0
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(festival.pk))
    assert event.changes["photos"] == [[photo.pk], []]
    assert event.changes["note"] == ["", "Có ảnh"]


def test_training_sessions_are_recorded_too(tree, unit_officer, make_session):
    session = make_session(kind=SessionKind.TRAINING, attendance_mode=AttendanceMode.HEADCOUNT, headcount=12)
    assert session.get_kind_display() == "Tập huấn"


# --- The same person on several lists --------------------------------------------------------


def test_a_cccd_typed_as_a_number_on_one_list_is_the_same_person_as_on_another(
    tree, unit_officer, make_session
):
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    _import(first, unit_officer, [[1, "Nguyễn Văn An", "001085012345", "", 1985]])
    result = _import(second, unit_officer, [[1, "Nguyễn Văn An", 1085012345, "", 1985]])
    assert (result.added, result.new_people) == (1, 0)
    participant = Participant.objects.get(node=tree.unit)
    assert participant.identifier == "001085012345"
    assert Attendance.objects.filter(participant=participant).count() == 2


def test_a_person_listed_by_name_and_birth_year_then_by_cccd_counts_once(tree, unit_officer, make_session):
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    third = make_session(held_on=dt.date(2025, 7, 1))
    _import(first, unit_officer, [[1, "Nguyễn Văn An", "", "", 1985], [2, "Trần Thị Bình", "", "", 1990]])
    rows = [
        [1, "NGUYỄN VĂN AN", "001085012345", "", 1985],  # the same person, now with a CCCD
        [2, "Trần Thị Bình", "052090000001", "", 1991],  # another year of birth: another person
    ]
    checked = read_attendance(upload(xlsx(rows)))
    preview = selectors.attendance_preview(session=second, people=checked.people)
    assert (preview.people, preview.new_people, preview.to_add) == (2, 1, 2)
    assert preview.matched_by_name == [(2, "NGUYỄN VĂN AN", "001085012345")]
    result = _import(second, unit_officer, rows)
    assert (result.added, result.new_people) == (2, 1)
    an = Participant.objects.get(node=tree.unit, key="nb:nguyen van an|1985")
    assert an.identifier == "001085012345"  # recorded: the next list keys them by it
    assert Participant.objects.filter(node=tree.unit).count() == 3
    # A later list by CCCD finds them again; another CCCD under the same name and year does not.
    again = _import(
        third,
        unit_officer,
        [[1, "Nguyễn Văn An", 1085012345, "", 1985], [2, "Nguyễn Văn An", "052085099999", "", 1985]],
    )
    assert (again.added, again.new_people) == (2, 1)
    assert set(Attendance.objects.filter(participant=an).values_list("session_id", flat=True)) == {
        first.pk,
        second.pk,
        third.pk,
    }
    event = AuditEvent.objects.filter(action=AuditAction.IMPORT, object_id=str(second.pk)).get()
    assert event.changes["matched_by_name"] == 1
    assert selectors.reach(tree.unit, dt.date(2025, 1, 1), dt.date(2025, 12, 31)).listed_people == 4


def test_two_cccd_under_one_name_and_year_in_a_file_take_the_earlier_participant_once(
    tree, unit_officer, make_session
):
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    _import(first, unit_officer, [[1, "Lê Văn Cường", "", "", 1978]])
    result = _import(
        second,
        unit_officer,
        [[1, "Lê Văn Cường", "052078000001", "", 1978], [2, "Lê Văn Cường", "052078000002", "", 1978]],
    )
    assert (result.added, result.new_people) == (2, 1)
    assert Participant.objects.filter(node=tree.unit).count() == 2


def test_rekeying_migration_merges_participants_keyed_with_and_without_zeros(
    tree, unit_officer, make_session
):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("antq.outreach.migrations.0003_rekey_digit_identifiers")
    first = make_session()
    second = make_session(held_on=dt.date(2025, 6, 1))
    both = make_session(held_on=dt.date(2025, 7, 1))
    old = Participant.objects.create(
        node=tree.unit, key="id:001085012345", full_name="A", identifier="001085012345"
    )
    new = Participant.objects.create(
        node=tree.unit, key="id:1085012345", full_name="A", identifier="1085012345"
    )
    alone = Participant.objects.create(node=tree.unit, key="id:052090000001", full_name="B")
    staff = Participant.objects.create(node=tree.unit, key="id:NV007", full_name="C")
    Attendance.objects.create(session=first, participant=old)
    Attendance.objects.create(session=both, participant=old)
    Attendance.objects.create(session=second, participant=new)
    Attendance.objects.create(session=both, participant=new)
    migration.rekey(apps, None)
    assert not Participant.objects.filter(pk=old.pk).exists()
    assert sorted(Attendance.objects.filter(participant=new).values_list("session_id", flat=True)) == sorted(
        [first.pk, second.pk, both.pk]
    )
    alone.refresh_from_db()
    staff.refresh_from_db()
    assert (alone.key, staff.key) == ("id:52090000001", "id:NV007")


# --- Withdrawing a session -------------------------------------------------------------------


def test_withdrawing_a_session_keeps_it_with_the_reason_and_is_audited(tree, unit_officer, make_session):
    session = make_session()
    _import(session, unit_officer, people_rows(0, 3))
    session.refresh_from_db()
    scope = Scope.for_user(unit_officer)
    with pytest.raises(ValidationError) as exc:
        services.session_withdraw(
            by=unit_officer, scope=scope, session=session, reason="  ", expected_version=session.version
        )
    assert "reason" in exc.value.message_dict
    with pytest.raises(ConcurrentEditError):
        services.session_withdraw(
            by=unit_officer, scope=scope, session=session, reason="Nhầm", expected_version=1
        )
    done = services.session_withdraw(
        by=unit_officer,
        scope=scope,
        session=session,
        reason="Nhập nhầm tệp của buổi khác",
        expected_version=2,
    )
    assert done.is_withdrawn and done.withdrawn_by == unit_officer
    assert done.withdrawn_reason == "Nhập nhầm tệp của buổi khác"
    assert Attendance.objects.filter(session=session).count() == 3  # kept, not deleted
    event = AuditEvent.objects.filter(object_id=str(session.pk), action=AuditAction.UPDATE).get()
    assert event.reason == "Nhập nhầm tệp của buổi khác"
    assert event.changes["withdrawn"] == [False, True]
    with pytest.raises(DomainError, match="đã được rút"):
        services.session_withdraw(by=unit_officer, scope=scope, session=done, reason="x", expected_version=3)
    with pytest.raises(DomainError, match="đã được rút"):
        _import(done, unit_officer, people_rows(5, 1))
    with pytest.raises(DomainError, match="đã được rút"):
        services.session_update(
            by=unit_officer, scope=scope, session=done, data=session_data(topic="Mới"), expected_version=3
        )


def test_withdrawing_needs_activity_record_on_the_node(tree, unit_officer, commune_leader, make_session):
    session = make_session()
    with pytest.raises(PermissionDenied):
        services.session_withdraw(
            by=commune_leader,
            scope=Scope.for_user(commune_leader),
            session=session,
            reason="Nhầm",
            expected_version=1,
        )
    session.refresh_from_db()
    assert not session.is_withdrawn
