"""The cycles API end to end: the same services as the screens, scoped lists, 409 on a stale
version, 400 with the domain's Vietnamese message, and the OpenAPI schema."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from antq.accounts.scope import Scope
from antq.criteria import loader
from antq.cycles import services
from antq.cycles.choices import AssessmentStatus, RegistrationStatus
from antq.cycles.models import Registration
from tests import factories as f
from tests.cycles.helpers import PAPER_REASONS
from tests.cycles.routes import documents, framework_files

YEAR = 2026
API = "/api/v1"


@pytest.fixture
def cycle(tree, province_officer):  # type: ignore[no-untyped-def]
    loader.apply(framework_files())
    return services.cycle_open(
        by=province_officer, scope=Scope.for_user(province_officer), province=tree.province, year=YEAR
    )


def api(user: Any) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_cycles_list_retrieve_and_calendar(tree, cycle, unit_officer, commune_police):
    client = api(unit_officer)
    listed = client.get(f"{API}/cycles/").json()
    assert [c["id"] for c in listed] == [cycle.pk]
    assert listed[0]["frameworks"] == ["qd510-cq-dn-csgd 2023.1", "tt124 2021.1"]
    assert client.get(f"{API}/cycles/{cycle.pk}/").json()["year"] == YEAR
    services.deadline_override_set(
        by=commune_police,
        scope=Scope.for_user(commune_police),
        cycle=cycle,
        node=tree.commune,
        code="self_assessment",
        due=dt.date(YEAR, 10, 25),
        reason="KH 7/KH-CAX",
    )
    deadlines = client.get(f"{API}/cycles/{cycle.pk}/calendar/", {"node": tree.unit.pk}).json()
    mine = {d["code"]: d for d in deadlines}
    assert mine["self_assessment"]["due"] == "2026-10-25"
    assert mine["self_assessment"]["legal_due"] == "2026-10-31"
    assert mine["self_assessment"]["set_by_node"] == "Phường Quy Nhơn"
    assert mine["registration"]["due"] == "2026-03-31"
    outside = client.get(f"{API}/cycles/{cycle.pk}/calendar/", {"node": tree.sibling_unit.pk})
    assert outside.status_code == 400


def test_registration_round_trip(tree, cycle, admin, unit_officer, commune_police):
    unit = api(unit_officer)
    created = unit.post(f"{API}/registrations/", {"cycle": cycle.pk, "node": tree.unit.pk}, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    pk, version = body["id"], body["version"]
    assert "Bản đăng ký phấn đấu" in body["missing"]
    refused = unit.post(f"{API}/registrations/{pk}/submit/", {"version": version}, format="json")
    assert refused.status_code == 400
    assert refused.json()["detail"].startswith("Chưa gửi được, hồ sơ còn thiếu")
    docs = documents({"admin": admin}, tree.unit)
    patch = {
        "version": version,
        "commitment_total": 320,
        "commitment_count": 320,
        **{name: doc.pk for name, doc in docs.items()},
    }
    saved = unit.patch(f"{API}/registrations/{pk}/", patch, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["missing"] == []
    stale = unit.patch(f"{API}/registrations/{pk}/", {"version": version, "note": "x"}, format="json")
    assert stale.status_code == 409
    assert "Bản ghi đã được người khác sửa lúc" in stale.json()["detail"]
    version = saved.json()["version"]
    sent = unit.post(f"{API}/registrations/{pk}/submit/", {"version": version}, format="json").json()
    assert sent["status"] == RegistrationStatus.SUBMITTED
    assert sent["is_late"] is True  # the clock says November: after the Q1 deadline
    police = api(commune_police)
    queue = police.get(f"{API}/registrations/", {"queue": "true"}).json()["results"]
    assert [r["id"] for r in queue] == [pk]
    no_reason = police.post(f"{API}/registrations/{pk}/return/", {"version": sent["version"]}, format="json")
    assert no_reason.status_code == 400
    returned = police.post(
        f"{API}/registrations/{pk}/return/",
        {"version": sent["version"], "reason": "Thiếu chữ ký"},
        format="json",
    ).json()
    assert returned["status"] == RegistrationStatus.RETURNED and returned["return_reason"] == "Thiếu chữ ký"
    again = unit.post(
        f"{API}/registrations/{pk}/submit/", {"version": returned["version"]}, format="json"
    ).json()
    accepted = police.post(f"{API}/registrations/{pk}/accept/", {"version": again["version"]}, format="json")
    assert accepted.json()["status"] == RegistrationStatus.ACCEPTED
    # The unit officer may not accept, and the commune police may not register a unit.
    assert unit.post(f"{API}/registrations/{pk}/accept/", {"version": 1}, format="json").status_code == 403
    assert police.patch(f"{API}/registrations/{pk}/", {"version": 1}, format="json").status_code == 403


def test_documents_of_another_province_are_not_found(tree, cycle, admin, unit_officer):
    registration = services.registration_start(
        by=admin, scope=Scope.for_user(admin), cycle=cycle, node=tree.unit
    )
    foreign = documents({"admin": admin}, tree.other_unit)["plan"]
    response = api(unit_officer).patch(
        f"{API}/registrations/{registration.pk}/",
        {"version": registration.version, "plan": foreign.pk},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"plan": ["Không tìm thấy tài liệu trong phạm vi của bạn."]}


def test_lists_are_scoped_and_out_of_scope_is_404(tree, cycle, admin, unit_officer):
    scope = Scope.for_user(admin)
    mine = services.registration_start(by=admin, scope=scope, cycle=cycle, node=tree.unit)
    other = services.registration_start(by=admin, scope=scope, cycle=cycle, node=tree.sibling_unit)
    client = api(unit_officer)
    assert [r["id"] for r in client.get(f"{API}/registrations/").json()["results"]] == [mine.pk]
    assert client.get(f"{API}/registrations/{other.pk}/").status_code == 404
    assessment = services.assessment_start(by=admin, scope=scope, cycle=cycle, node=tree.sibling_unit)
    assert client.get(f"{API}/assessments/").json()["results"] == []
    assert client.get(f"{API}/assessments/{assessment.pk}/").status_code == 404
    refused = client.post(
        f"{API}/assessments/start/", {"cycle": cycle.pk, "node": tree.sibling_unit.pk}, format="json"
    )
    assert refused.status_code == 400 and "node" in refused.json()


def test_list_queries_do_not_grow_with_the_rows(tree, cycle, admin, commune_police):
    scope = Scope.for_user(admin)
    client = api(commune_police)

    def add(n: int) -> None:
        start = Registration.objects.count()
        for i in range(start, start + n):
            unit = f.unit(tree.commune, f"Tổ {i + 2}", f"X21583-KDC{i + 2:02d}")
            registration = services.registration_start(by=admin, scope=scope, cycle=cycle, node=unit)
            # With its documents chosen: the list reports what is missing without a query per row.
            Registration.objects.filter(pk=registration.pk).update(**documents({"admin": admin}, unit))
            services.assessment_start(by=admin, scope=scope, cycle=cycle, node=unit)

    add(2)
    counts = {}
    for name in ("registrations", "assessments"):
        with CaptureQueriesContext(connection) as few:
            assert len(client.get(f"{API}/{name}/").json()["results"]) == 2
        counts[name] = len(few.captured_queries)
    add(5)
    for name in ("registrations", "assessments"):
        with CaptureQueriesContext(connection) as many:
            assert len(client.get(f"{API}/{name}/").json()["results"]) == 7
        assert len(many.captured_queries) == counts[name]


SCHOOL_POINTS = {
    "QD510.CQ.1": 3, "QD510.CQ.2": 3, "QD510.CQ.3": 5, "QD510.CQ.4.a": 1, "QD510.CQ.4.b": 1,
    "QD510.CQ.4.c": 1,
    "QD510.CQ.4.d": 2, "QD510.CQ.5.a": 2, "QD510.CQ.5.b": 2, "QD510.CQ.5.c": 2, "QD510.CQ.5.d": 2,
    "QD510.CQ.5.đ": 2, "QD510.CQ.5.e": 2, "QD510.CQ.5.g": 2, "QD510.CQ.6.a": 2, "QD510.CQ.6.b": 2,
    "QD510.CQ.7": 10, "QD510.CQ.8.a": 1, "QD510.CQ.8.b": 2, "QD510.CQ.9": 0,
}  # fmt: skip


def test_assessment_round_trip(tree, cycle, commune_police):
    officer = f.user_with_role("truong.canbo", "unit_officer", tree.school)
    unit, police = api(officer), api(commune_police)
    started = unit.post(
        f"{API}/assessments/start/", {"cycle": cycle.pk, "node": tree.school.pk}, format="json"
    )
    assert started.status_code == 201, started.json()
    pk, version = started.json()["id"], started.json()["version"]
    preview = unit.post(
        f"{API}/assessments/{pk}/preview/", {"self_scores": {"QD510.CQ.1": 2}}, format="json"
    ).json()
    assert preview["problems"] == [] and preview["result"]["qd510"]["items"][0]["self"] == 2
    bad = unit.post(
        f"{API}/assessments/{pk}/save-self/",
        {"version": version, "self_scores": {"QD510.CQ.1": 9}},
        format="json",
    ).json()
    assert bad["problems"][0]["path"] == "scores.QD510.CQ.1.self"  # the draft keeps what was sent
    version = bad["assessment"]["version"]
    refused = unit.post(f"{API}/assessments/{pk}/submit/", {"version": version}, format="json")
    assert refused.status_code == 400 and "Chưa gửi được" in refused.json()["detail"]
    saved = unit.post(
        f"{API}/assessments/{pk}/save-self/",
        {
            "version": version,
            "self_scores": SCHOOL_POINTS,
            "self_reasons": PAPER_REASONS,
            "answers": {"TT124.CSGD.1": {"effective_models_count": 1}},
            "unit_facts": {"has_guard_force": True},
            "notes": {"QD510.CQ.7": "Mô hình cổng trường"},
        },
        format="json",
    ).json()
    assert saved["problems"] == []
    assert saved["assessment"]["answers"] == {"TT124.CSGD.1": {"effective_models_count": 1}}
    sent = unit.post(
        f"{API}/assessments/{pk}/submit/", {"version": saved["assessment"]["version"]}, format="json"
    )
    assert sent.json()["status"] == AssessmentStatus.SUBMITTED
    assert len(sent.json()["rounds"]) == 1
    version = sent.json()["version"]
    assert (
        unit.post(f"{API}/assessments/{pk}/save-self/", {"version": version}, format="json").status_code
        == 400
    )
    deduction = police.post(
        f"{API}/assessments/{pk}/review/",
        {"version": version, "superior_scores": {"QD510.CQ.1": 1}},
        format="json",
    )
    assert deduction.status_code == 400
    assert deduction.json()["detail"] == "Cần ghi lý do trừ điểm cho: QD510.CQ.1."
    partial = police.post(
        f"{API}/assessments/{pk}/review/",
        {
            "version": version,
            "superior_scores": {"QD510.CQ.1": 1},
            "reasons": {"QD510.CQ.1": "Thiếu báo cáo"},
        },
        format="json",
    ).json()
    version = partial["assessment"]["version"]
    missing = police.post(f"{API}/assessments/{pk}/approve/", {"version": version}, format="json")
    assert missing.status_code == 400 and "Cột cấp trên chấm còn thiếu" in missing.json()["detail"]
    full = police.post(
        f"{API}/assessments/{pk}/review/",
        {
            "version": version,
            "superior_scores": {**SCHOOL_POINTS, "QD510.CQ.1": 1},
            "reasons": {"QD510.CQ.1": "Thiếu báo cáo"},
        },
        format="json",
    ).json()
    approved = police.post(
        f"{API}/assessments/{pk}/approve/", {"version": full["assessment"]["version"]}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    body = approved.json()
    assert body["status"] == AssessmentStatus.APPROVED
    assert body["superior_reasons"] == {"QD510.CQ.1": "Thiếu báo cáo"}
    assert body["rounds"][0]["outcome"] == AssessmentStatus.APPROVED
    stale = police.post(f"{API}/assessments/{pk}/return/", {"version": version, "reason": "x"}, format="json")
    assert stale.status_code == 409


def test_openapi_schema_renders_with_the_cycle_endpoints(client):
    response = client.get(f"{API}/schema/", {"format": "json"})
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/cycles/{id}/calendar/",
        "/api/v1/registrations/{id}/return/",
        "/api/v1/assessments/start/",
        "/api/v1/assessments/{id}/save-self/",
        "/api/v1/assessments/{id}/preview/",
    ):
        assert path in paths, sorted(paths)
