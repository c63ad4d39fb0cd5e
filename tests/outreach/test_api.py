"""The outreach API: same scope and services as the screens (404/403/409), the XLSX import."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from antq.outreach.choices import FestivalStatus
from antq.outreach.models import Attendance, FestivalDay, OutreachSession
from tests.outreach.conftest import evidence, people_rows, upload, xlsx


@pytest.fixture
def api() -> APIClient:
    return APIClient()


SESSION = {
    "kind": "propaganda",
    "held_on": "2025-03-10",
    "topic": "Phòng, chống tội phạm",
    "audiences": ["workers", "officials"],
    "place": "Hội trường",
    "attendance_mode": "headcount",
    "headcount": 55,
}


def test_create_read_and_list_sessions(api, tree, unit_officer, django_assert_max_num_queries):
    api.force_authenticate(unit_officer)
    response = api.post(
        reverse("api:outreach-session-list"), {**SESSION, "node": tree.unit.pk}, format="json"
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["attendance"] == 55
    assert body["audiences"] == ["officials", "workers"]
    assert body["node"]["id"] == tree.unit.pk
    for day in range(1, 8):
        api.post(
            reverse("api:outreach-session-list"),
            {**SESSION, "node": tree.unit.pk, "held_on": f"2025-04-0{day}"},
            format="json",
        )
    with django_assert_max_num_queries(6):
        listed = api.get(reverse("api:outreach-session-list"), {"year": 2025})
    assert len(listed.json()["results"]) == 8
    assert listed.json()["results"][0]["held_on"] == "2025-04-07"


def test_a_node_out_of_scope_is_a_field_error_and_bad_fields_are_named(api, tree, unit_officer):
    api.force_authenticate(unit_officer)
    response = api.post(
        reverse("api:outreach-session-list"), {**SESSION, "node": tree.sibling_unit.pk}, format="json"
    )
    assert response.status_code == 400
    assert "node" in response.json()
    response = api.post(
        reverse("api:outreach-session-list"),
        {**SESSION, "node": tree.unit.pk, "headcount": None},
        format="json",
    )
    assert response.status_code == 400
    assert "headcount" in response.json()
    assert not OutreachSession.objects.exists()


def test_patch_needs_the_version_and_a_stale_one_is_409(api, tree, unit_officer, make_session):
    session = make_session()
    api.force_authenticate(unit_officer)
    url = reverse("api:outreach-session-detail", args=[session.pk])
    assert api.patch(url, {"topic": "Mới"}, format="json").status_code == 400
    response = api.patch(url, {"topic": "Mới", "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["topic"] == "Mới"
    assert response.json()["version"] == 2
    assert api.patch(url, {"topic": "Cũ", "version": 1}, format="json").status_code == 409


def test_the_commune_leader_reads_but_cannot_record(api, tree, commune_leader, make_session):
    session = make_session()
    api.force_authenticate(commune_leader)
    assert api.get(reverse("api:outreach-session-detail", args=[session.pk])).status_code == 200
    assert (
        api.patch(
            reverse("api:outreach-session-detail", args=[session.pk]), {"version": 1}, format="json"
        ).status_code
        == 403
    )


def test_import_answers_every_bad_row_or_writes_all(api, tree, unit_officer, make_session):
    session = make_session()
    api.force_authenticate(unit_officer)
    url = reverse("api:outreach-session-attendance-import", args=[session.pk])
    bad = xlsx([*people_rows(0, 2), [3, "", "", "Tổ 1", ""], [4, "Võ Văn Tư", "", "", "19x0"]])
    response = api.post(url, {"file": upload(bad)}, format="multipart")
    assert response.status_code == 400
    assert [(e["row"], e["column"]) for e in response.json()["bad_rows"]] == [
        (4, "Họ và tên"),
        (5, "Năm sinh"),
    ]
    assert not Attendance.objects.exists()
    response = api.post(url, {"file": upload(xlsx(people_rows(0, 4))), "dry_run": "true"}, format="multipart")
    assert response.json()["written"] is False
    assert response.json()["added"] == 4
    assert not Attendance.objects.exists()
    response = api.post(url, {"file": upload(xlsx(people_rows(0, 4)))}, format="multipart")
    assert response.status_code == 200
    assert response.json()["written"] is True
    assert response.json()["added"] == 4
    again = api.post(url, {"file": upload(xlsx(people_rows(0, 4)))}, format="multipart")
    assert (again.json()["added"], again.json()["already_listed"]) == (0, 4)
    attendees = api.get(reverse("api:outreach-session-attendees", args=[session.pk]))
    assert [a["full_name"] for a in attendees.json()["results"]] == [f"Nguyễn Văn {i:03d}" for i in range(4)]
    response = api.post(url, {"file": upload(b"not a workbook")}, format="multipart")
    assert response.status_code == 400
    assert "file" in response.json()


def test_festival_day_through_the_api(api, tree, unit_officer):
    api.force_authenticate(unit_officer)
    response = api.post(
        reverse("api:festival-day-list"),
        {"node": tree.unit.pk, "year": 2025, "participation": "joined", "host": tree.commune.pk},
        format="json",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["host"]["id"] == tree.commune.pk
    duplicate = api.post(
        reverse("api:festival-day-list"), {"node": tree.unit.pk, "year": 2025}, format="json"
    )
    assert duplicate.status_code == 400
    assert "year" in duplicate.json()
    held = reverse("api:festival-day-held", args=[pk])
    response = api.post(held, {"held_on": "2025-08-18", "attendance": 60, "version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["status"] == FestivalStatus.HELD
    stale = api.post(held, {"held_on": "2025-08-18", "attendance": 60, "version": 1}, format="json")
    assert stale.status_code == 409
    patch = api.patch(
        reverse("api:festival-day-detail", args=[pk]), {"note": "Đã gửi ảnh", "version": 2}, format="json"
    )
    assert patch.status_code == 200
    assert patch.json()["note"] == "Đã gửi ảnh"
    assert FestivalDay.objects.get().held_on == dt.date(2025, 8, 18)
    listed = api.get(reverse("api:festival-day-list"), {"year": 2025})
    assert [f["id"] for f in listed.json()["results"]] == [pk]


def test_festival_list_costs_a_fixed_number_of_queries(
    api, tree, commune_police, django_assert_max_num_queries
):
    for year in range(2021, 2026):
        for node in (tree.unit, tree.school):
            api.force_authenticate(commune_police)
            assert (
                api.post(
                    reverse("api:festival-day-list"), {"node": node.pk, "year": year}, format="json"
                ).status_code
                == 201
            )
    with django_assert_max_num_queries(6):
        response = api.get(reverse("api:festival-day-list"))
    assert len(response.json()["results"]) == 10


def test_an_evidence_id_of_another_unit_answers_like_a_missing_one(
    api, tree, unit_officer, commune_police, make_session
):
    """The unit officer cannot tell whether id N exists in another unit's dossier."""
    foreign = evidence(tree.sibling_unit, commune_police)
    own = evidence(tree.unit, unit_officer)
    missing = foreign.pk + own.pk + 1000
    api.force_authenticate(unit_officer)
    answers = []
    for pk in (foreign.pk, missing):
        response = api.post(
            reverse("api:outreach-session-list"),
            {**SESSION, "node": tree.unit.pk, "evidence": pk},
            format="json",
        )
        assert response.status_code == 400
        answers.append(response.json())
    assert answers[0] == answers[1]
    assert "Không tìm thấy tài liệu minh chứng." in str(answers[0])
    session = make_session()
    url = reverse("api:outreach-session-detail", args=[session.pk])
    patched = [
        api.patch(url, {"evidence": pk, "version": 1}, format="json").json() for pk in (foreign.pk, missing)
    ]
    assert patched[0] == patched[1]
    response = api.patch(url, {"evidence": own.pk, "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["evidence"] == own.pk
    festival = [
        api.post(
            reverse("api:festival-day-list"),
            {"node": tree.unit.pk, "year": 2025, "plan_document": pk, "photos": [pk]},
            format="json",
        ).json()
        for pk in (foreign.pk, missing)
    ]
    assert festival[0] == festival[1]


def test_withdrawn_sessions_are_left_out_of_the_api_list_unless_asked(api, tree, unit_officer, make_session):
    from antq.accounts.scope import Scope
    from antq.outreach import services

    kept = make_session(topic="Giữ")
    wrong = make_session(topic="Nhầm")
    services.session_withdraw(
        by=unit_officer, scope=Scope.for_user(unit_officer), session=wrong, reason="Nhầm", expected_version=1
    )
    api.force_authenticate(unit_officer)
    listed = api.get(reverse("api:outreach-session-list")).json()["results"]
    assert [s["id"] for s in listed] == [kept.pk]
    listed = api.get(reverse("api:outreach-session-list"), {"include_withdrawn": "true"}).json()["results"]
    assert {s["id"]: s["withdrawn_reason"] for s in listed} == {kept.pk: "", wrong.pk: "Nhầm"}
